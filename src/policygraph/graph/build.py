"""Building the graph handle: from the curated YAML and RDF inputs, or from a prebuilt graph file.

``load_graph`` is where every command's graph comes from (unless it opens a store folder with
``graph.store.open_store``); ``open_graph_file`` reads one prebuilt graph (``--graph FILE``) into an
in-memory Oxigraph store.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from policygraph.errors import InputError
from policygraph.graph.convert import _short
from policygraph.graph.handle import LoadedGraph
from policygraph.model import Location
from policygraph.records.files import RDF_FORMATS
from policygraph.records.load import read_inputs
from policygraph.records.rdf_input import OXIGRAPH_FORMATS, error_position

__all__ = ["load_graph", "open_graph_file", "GRAPH_FILE_SUFFIXES"]

GRAPH_FILE_SUFFIXES = {suffix: OXIGRAPH_FORMATS[fmt] for suffix, fmt in RDF_FORMATS.items()}
"""Suffixes of prebuilt graph files and their Oxigraph formats."""


def load_graph(data: Sequence[str | Path] = (), *, bundled: bool = True) -> LoadedGraph:
    """Build the graph from the bundled data (unless ``bundled`` is false) and extra paths.

    Args:
        data: extra YAML or RDF files, or folders of them, added to the graph.
        bundled: include the bundled dataset in ``data/``.

    Returns:
        The graph handle: the ontology, every record and its citations, and the source map.

    Raises:
        InputError: a file is missing or malformed, or a record is invalid.
    """
    import pyoxigraph as ox

    from policygraph.graph.store_fill import RecordLoader, add_inputs

    store = ox.Store()
    with RecordLoader(store) as loader:  # a bad record leaves the store half filled: it goes with the exception
        inputs = read_inputs(data, bundled=bundled, records_to=loader.load)
    add_inputs(store, inputs)
    return LoadedGraph(
        store=store,
        source_map=inputs.locate,  # made when a message needs a line
        record_counts=inputs.record_counts,
        files=inputs.files,
        namespaces=list(inputs.graph.namespaces()),
    )


def open_graph_file(path: str | Path) -> LoadedGraph:
    """Read a prebuilt graph (Turtle, N-Triples, N-Quads, TriG, JSON-LD, RDF/XML) into an Oxigraph store.

    Named graphs in N-Quads / TriG are merged into the default graph. No remote JSON-LD context
    and no XML external entity is ever fetched.

    Raises:
        InputError: the file is missing, of an unknown type, or malformed (with line and column).
    """
    import pyoxigraph as ox

    path = Path(path)
    fmt_name = GRAPH_FILE_SUFFIXES.get(path.suffix.lower())
    if fmt_name is None:
        raise InputError(
            f"unknown graph file type {path.suffix or '(none)'!r}",
            Location(str(path)),
            hint="use " + ", ".join(sorted(set(GRAPH_FILE_SUFFIXES))),
        )
    if not path.is_file():
        raise InputError("no such file", Location(str(path)))
    from policygraph.records.safety import check_graph_file

    skip = check_graph_file(path)  # size, text, XML DTDs, JSON-LD contexts: see policygraph.safety
    fmt = getattr(ox.RdfFormat, fmt_name)
    store = ox.Store()
    try:
        with path.open("rb") as stream:
            stream.seek(skip)  # a UTF-8 byte-order mark, which Oxigraph does not skip itself
            source = {"input": stream} if skip else {"path": str(path)}
            if fmt_name in ("N_QUADS", "TRIG"):
                default = ox.DefaultGraph()
                store.extend(ox.Quad(q.subject, q.predicate, q.object, default) for q in ox.parse(**source, format=fmt))
            else:
                store.load(**source, format=fmt)
    except SyntaxError as error:
        line, column = error_position(str(error))
        raise InputError(f"cannot parse {fmt_name.lower().replace('_', '-')}: {_short(error)}", Location(str(path), line, column)) from None
    except MemoryError as error:  # Oxigraph buffers one token at most 16 MB: a huge literal or IRI
        raise InputError(
            f"cannot parse {fmt_name.lower().replace('_', '-')}: a single term (literal or IRI) is too large ({_short(error)})",
            Location(str(path)),
        ) from None
    except OSError as error:
        raise InputError(f"cannot read file: {error.strerror or error}", Location(str(path))) from None
    if not len(store):
        raise InputError("no triples in the graph file", Location(str(path)))
    return LoadedGraph(store=store, files=[path])
