"""Filling a store: what the loader read (``add_inputs``), then RDF files bulk-loaded by Oxigraph, with progress.

Kept apart from ``store`` (which decides what to build, where, and under which lock) because this is
the part that moves the triples: it hands the records' N-Triples text to Oxigraph's parser a few
thousand records at a time on a thread of its own while the YAML loader reads on (``RecordLoader``),
converts the few rdflib terms (the ontology, extra RDF read by rdflib) once each, streams each RDF file
through a counting reader for the progress bar, and checks the literals Oxigraph loaded for what the
YAML loader would have refused (control characters, oversized numbers), naming the file and line."""

from __future__ import annotations

import io
import json
import queue
import threading
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from policygraph.errors import InputError
from policygraph.model import Location
from policygraph.records.files import RDF_FORMATS

if TYPE_CHECKING:  # the loader is imported by whoever builds: a command answering from the cache never does
    from rdflib import URIRef

    from policygraph.records.load import Inputs

Progress = Callable[[str, int, int], None]
"""``progress(stage, done, total)``: what is being done, and how far (bytes or steps)."""


_SUSPECT_LITERALS = """
PREFIX xsd: <http://www.w3.org/2001/XMLSchema#>
SELECT ?o WHERE {
  ?s ?p ?o
  FILTER(isLiteral(?o) && (
    REGEX(STR(?o), "[\\\\x00-\\\\x08\\\\x0B\\\\x0C\\\\x0E-\\\\x1F\\\\x{FDD0}-\\\\x{FDEF}\\\\x{FFFE}\\\\x{FFFF}]")
    || (DATATYPE(?o) IN (xsd:integer, xsd:decimal, xsd:long, xsd:int, xsd:nonNegativeInteger, xsd:positiveInteger,
                         xsd:nonPositiveInteger, xsd:negativeInteger, xsd:unsignedLong)
        && (STRLEN(STR(?o)) > 100 || REGEX(STR(?o), "[eE][-+]?[0-9]{4,}$")))))
} LIMIT 100
"""


class RecordLoader:
    """Loads the records' N-Triples into a store on a thread of its own while ``read_inputs`` reads the next ones.

    Oxigraph's parser releases the GIL, so loading costs no time beside the YAML reading when a
    second core is free: pass ``load`` as ``read_inputs``'s ``records_to``, inside ``with``. Leaving
    the ``with`` waits for the last chunk; an exception leaving it (a bad record) skips the chunks
    not yet loaded, and the store, holding part of the records, must be thrown away. ``bulk`` uses
    Oxigraph's bulk loader (for a new on-disk store: no transaction, written in big batches); as each
    bulk load writes files of its own (and costs a tenth of a second more, then in compacting them),
    chunks are loaded together once ``_BULK_BATCH`` characters wait: 16 MB, where a bulk load of
    each 10,000 records took a fifth more processor time.
    """

    def __init__(self, store, *, bulk: bool = False):  # noqa: ANN001 - a pyoxigraph.Store
        self._load = store.bulk_load if bulk else store.load
        self._batch = _BULK_BATCH if bulk else 0  # text waiting to load is loaded together once this long
        self._chunks: queue.SimpleQueue[str | None] = queue.SimpleQueue()
        self._error: BaseException | None = None
        self._abandoned = False
        self._thread = threading.Thread(target=self._run, name="policygraph-record-loader", daemon=True)

    def __enter__(self) -> RecordLoader:
        self._thread.start()
        return self

    def __exit__(self, kind, error, traceback) -> None:  # noqa: ANN001
        self._abandoned = kind is not None
        self._chunks.put(None)
        self._thread.join()
        self._load = None  # the store is closed when its owner lets it go (an on-disk store, before its folder is renamed)
        if kind is None and self._error is not None:
            raise self._error

    def load(self, text: str) -> None:
        """Queue ``text`` (N-Triples) to be loaded."""
        if text:
            self._chunks.put(text)

    def _run(self) -> None:
        import pyoxigraph as ox

        pending: list[str] = []
        size, done = 0, False
        while not done:
            text = self._chunks.get()
            done = text is None  # the end is put last, by the thread that put the chunks
            if not done:
                pending.append(text)
                size += len(text)
            if pending and (done or (size >= self._batch and self._chunks.empty())):
                if self._error is None and not self._abandoned:
                    try:
                        # Lenient: the loader wrote this text and checked each IRI and language tag in it as
                        # it did (or it is a constant), so Oxigraph need not again (a quarter of its time).
                        self._load("".join(pending), format=ox.RdfFormat.N_TRIPLES, lenient=True)
                    except BaseException as error:  # noqa: BLE001 - raised in the reading thread, by __exit__
                        self._error = error
                pending, size = [], 0


def add_inputs(store, inputs: Inputs, *, bulk: bool = False) -> None:  # noqa: ANN001 - a pyoxigraph.Store
    """Add the triples ``records.load.read_inputs`` read to the default graph of ``store``.

    ``bulk`` uses Oxigraph's bulk loader (for a new on-disk store: no transaction, written in big batches).
    The records' triples handed to a ``RecordLoader`` while reading are in the store already.
    """
    import pyoxigraph as ox

    from policygraph.graph.convert import to_oxigraph

    default = ox.DefaultGraph()
    cache: dict = {}

    def convert(term):  # noqa: ANN001, ANN202 - the ontology repeats its terms: convert each once
        converted = cache.get(term)
        if converted is None:
            converted = cache[term] = to_oxigraph(term)
        return converted

    quads = (ox.Quad(convert(s), convert(p), convert(o), default) for s, p, o in inputs.graph)
    text = "".join(inputs.records)
    if bulk:
        store.bulk_extend(quads)
        if text:
            store.bulk_load(text, format=ox.RdfFormat.N_TRIPLES)
    else:
        store.extend(quads)
        if text:
            store.load(text, format=ox.RdfFormat.N_TRIPLES)


def _fill_store(
    folder: Path, yaml_files: list[Path], rdf_files: list[Path], progress: Progress | None, source_map: Path
) -> tuple[Inputs, int]:
    """Read ``yaml_files`` into a new store in ``folder`` (loaded as they are read), then bulk-load ``rdf_files``.

    The source map is written to ``source_map`` while the last records load.

    Returns:
        What was read, and the triples in the store.
    """
    import pyoxigraph as ox

    from policygraph.records.load import read_inputs
    from policygraph.records.rdf_input import OXIGRAPH_FORMATS, error_position

    store = ox.Store(str(folder))
    try:
        default = ox.DefaultGraph()
        if progress and yaml_files:
            progress("reading YAML records", 0, len(yaml_files))
        with RecordLoader(store, bulk=True) as loader:
            inputs = read_inputs(yaml_files, bundled=False, records_to=loader.load)
            source_map.write_text(json.dumps(source_map_json(inputs.node_lines, inputs.property_lines)), encoding="utf-8")
        if progress and yaml_files:
            progress("reading YAML records", len(yaml_files), len(yaml_files))
        add_inputs(store, inputs, bulk=True)
        total = sum(p.stat().st_size for p in rdf_files)
        done = 0
        for path in rdf_files:
            fmt_name = OXIGRAPH_FORMATS[RDF_FORMATS[path.suffix.lower()]]
            fmt = getattr(ox.RdfFormat, fmt_name)
            stage = f"loading {path.name}"
            try:
                with open(path, "rb") as raw:
                    reader = io.BufferedReader(_Counting(raw, progress, stage, done, total), _CHUNK)
                    if fmt_name in ("N_QUADS", "TRIG"):  # named graphs are merged into the default graph
                        store.bulk_extend(
                            ox.Quad(q.subject, q.predicate, q.object, default)
                            for q in ox.parse(reader, format=fmt, base_iri=path.resolve().as_uri())
                        )
                    else:
                        store.bulk_load(reader, format=fmt, base_iri=path.resolve().as_uri())
            except SyntaxError as error:
                line, column = error_position(str(error))
                what = RDF_FORMATS[path.suffix.lower()]
                message = " ".join(str(error).split())[:200]
                raise InputError(f"cannot parse {what}: {message}", Location(str(path), line, column)) from None
            done += path.stat().st_size
        _check_loaded_literals(store, rdf_files)
        if progress:
            progress("writing the store", 0, 1)
        store.flush()
        store.optimize()
        triples = len(store)
        if progress:
            progress("writing the store", 1, 1)
        return inputs, triples
    finally:
        del store  # closes the RocksDB files before the folder is renamed


def source_map_json(node_lines: list[tuple[str, str, int]], property_lines: list[tuple[str, str, URIRef, int]]) -> dict:
    """The source map as JSON, straight from the loader's notes (``records.load.Inputs``), each file's absolute path once.

    The same as the ``SourceMap`` that ``Inputs.locate`` makes (the last note of an IRI, or of an IRI
    and predicate, wins; each keeps the place of its first), without making its million objects.
    """
    paths: dict[str, int] = {}  # each absolute path, its number in the JSON
    resolved = {path: str(Path(path).resolve()) for path in {path for path, _, _ in node_lines} | {path for path, _, _, _ in property_lines}}
    nodes: dict[str, list] = {}
    for path, node, line in node_lines:
        nodes[node] = [node, path, line, None]
    properties: dict[tuple[str, str], list] = {}
    for path, node, predicate, line in property_lines:
        properties[(node, predicate)] = [node, str(predicate), path, line, None]
    for entries, at in ((nodes, 1), (properties, 2)):
        for entry in entries.values():
            entry[at] = paths.setdefault(resolved[entry[at]], len(paths))
    return {"paths": list(paths), "nodes": list(nodes.values()), "properties": list(properties.values())}


def _check_loaded_literals(store, rdf_files: list[Path]) -> None:  # noqa: ANN001 - a pyoxigraph.Store
    """The checks ``records.rdf_input`` makes on ``--data`` literals, as one query over the bulk-loaded files.

    Raises:
        InputError: a literal holds a character XML cannot, or a number is too large; names the
            file (and line) where its text is found.
    """
    if not rdf_files:
        return
    from policygraph.records.safety import bad_character, check_number

    for row in store.query(_SUSPECT_LITERALS):
        value = row[0].value
        problem = bad_character(value, "a literal") or (check_number(value) and f"{check_number(value)} in a literal")
        if problem:
            raise InputError(problem, _find_text(rdf_files, value))


def _find_text(files: list[Path], value: str) -> Location:
    """The file and line where ``value`` is written (the first file when it was written with escapes)."""
    needle = value[:80].encode("utf-8")
    for path in files:
        raw = path.read_bytes()
        offset = raw.find(needle)
        if offset >= 0:
            return Location(str(path), raw.count(b"\n", 0, offset) + 1)
    return Location(str(files[0]))


class _Counting(io.RawIOBase):
    """A binary reader that reports how far it has read."""

    def __init__(self, raw, progress: Progress | None, stage: str, before: int, total: int):
        self.raw, self.progress, self.stage, self.before, self.total = raw, progress, stage, before, total
        self.read_bytes = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        count = self.raw.readinto(buffer)
        self.read_bytes += count or 0
        if self.progress:
            self.progress(self.stage, self.before + self.read_bytes, self.total)
        return count


def _is_blank(path: Path) -> bool:
    with open(path, "rb") as stream:
        while chunk := stream.read(_CHUNK):
            if chunk.strip(b" \t\r\n\xef\xbb\xbf"):
                return False
    return True


_CHUNK = 1 << 20
_BULK_BATCH = 16 << 20
