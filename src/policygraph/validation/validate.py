"""Validation: the SHACL shapes in ``shapes/`` and the citation checks, as one ``Report``.

``validate(loaded)`` runs the shapes over the built graph (``engines.run_shacl``), turns every SHACL
result into a ``Finding`` that a curator can act on (``findings``), adds the citation checks of
``citations.check_citations``, and returns the ``Report``. Non-conformance is data, never an
exception; only broken shapes or unreadable input raise.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Callable, Iterable, Sequence

from rdflib import Graph

from policygraph import resources
from policygraph.errors import InputError, SchemaError
from policygraph.graph.handle import LoadedGraph
from policygraph.model import Location, Report
from policygraph.records.rdf_input import quiet_literals
from policygraph.validation.citations import check_citations
from policygraph.validation.engines import _one_line, run_shacl
from policygraph.validation.findings import findings_from_results

__all__ = ["validate", "load_shapes", "shape_files"]


# A code for results of shapes that carry no pgsh:code (e.g. shapes a user adds with --shapes).


def validate(
    loaded: LoadedGraph,
    shapes: Sequence[str | Path] | None = None,
    *,
    sources: Path | None = None,
    check_quotes: bool = True,
    engine: str = "auto",
    progress: Callable[[int, int], None] | None = None,
    timeout: float | None = None,
) -> Report:
    """Validate a built graph against SHACL shapes and check its citations.

    Args:
        loaded: the graph from ``load_graph``, with its source map.
        shapes: shape files (Turtle) or folders of them; None means the bundled ``shapes/``.
        sources: the folder with the source texts the ``source`` records name; None when the texts
            are not at hand (quotes are then reported as not checked, a warning).
        check_quotes: run the citation checks (``citations.check_citations``).
        engine: the SHACL engine (``ENGINES``): ``oxigraph`` compiles the shapes to SPARQL
            (``shacl_oxigraph``), ``pyshacl`` is the reference; ``auto`` is oxigraph unless the shapes
            use a feature only pySHACL has.
        progress: called as ``progress(shapes done, shapes)`` while the oxigraph engine runs.
        timeout: seconds before the check is stopped (a user's shape may hold slow SPARQL).

    Returns:
        The report: every finding, sorted by file, line and code.

    Raises:
        SchemaError: a shape file is malformed or the engine cannot use the shapes.
        ConfigError: an unknown engine.
        InputError: a shapes path does not exist, or the time ran out.
    """
    from policygraph.records.rdf_input import quiet_literals
    from policygraph.sparql.engines import ChildCall

    shapes_graph = load_shapes(shape_files(shapes))

    def check() -> list:
        results = run_shacl(loaded, shapes_graph, engine=engine, progress=progress)
        return findings_from_results(results, shapes_graph, loaded)

    with quiet_literals():  # the findings travel back from the child: ill-typed literals would log tracebacks
        shacl = ChildCall(check, timeout)  # the shapes, in a child killed at the deadline, while the quotes are checked here
        try:
            quote_findings = check_citations(loaded, sources) if check_quotes else []
        except BaseException:
            shacl.cancel()
            raise
        findings = shacl.result() + quote_findings
    return Report(
        tuple(findings),
        records=sum(loaded.record_counts.values()),
        files=len(loaded.files),
        sources=str(sources) if sources is not None else None,
    )


def shape_files(paths: Sequence[str | Path] | None = None) -> list[Path]:
    """The Turtle shape files in ``paths`` (files, or folders of ``*.ttl``), sorted within each folder.

    Raises:
        InputError: a path does not exist, or is not a Turtle file.
    """
    files: list[Path] = []
    for path in [Path(p) for p in paths] if paths is not None else [resources.shapes_dir()]:
        if path.is_dir():
            files.extend(sorted(p for p in path.glob("*.ttl") if p.is_file()))
        elif path.is_file():
            if path.suffix.lower() not in (".ttl", ".turtle"):
                suffix = path.suffix or "a file without suffix"
                raise InputError(f"shapes must be Turtle (.ttl), not {suffix}", Location(str(path)))
            files.append(path)
        else:
            raise InputError("no such shapes file or folder", Location(str(path)))
    if not files:
        raise SchemaError("no shapes (.ttl) found in " + ", ".join(str(p) for p in (paths or [resources.shapes_dir()])))
    return files


def load_shapes(files: Iterable[Path]) -> Graph:
    """Parse shape files into one shapes graph.

    Raises:
        SchemaError: a file is not valid Turtle (with its file and line).
        InputError: a file cannot be read.
    """
    graph = Graph()
    for path in files:
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as error:
            reason = error.strerror if isinstance(error, OSError) else "not UTF-8 text"
            raise InputError(f"cannot read shapes: {reason}", Location(str(path))) from None
        shapes = _parse_turtle(text, path)
        _check_shape_sparql(shapes, path)
        graph += shapes
    return graph


def _parse_turtle(text: str, path: Path) -> Graph:
    """A shapes file as an rdflib graph, parsed by Oxigraph (a tenth of rdflib's time: every ``validate`` reads
    the shapes); Turtle that Oxigraph refuses goes to rdflib, whose parse, or message, is the answer.

    Raises:
        SchemaError: not valid Turtle (with its file and line).
    """
    import pyoxigraph as ox

    from policygraph.graph.convert import to_rdflib

    base = path.resolve().as_uri()
    shapes = Graph()
    with quiet_literals():
        try:
            triples = ox.parse(text.encode("utf-8"), format=ox.RdfFormat.TURTLE, base_iri=base)
            shapes.addN((to_rdflib(t.subject), to_rdflib(t.predicate), to_rdflib(t.object), shapes) for t in triples)
            return shapes
        except (SyntaxError, ValueError, SchemaError):
            shapes = Graph()
        try:
            shapes.parse(data=text, format="turtle", publicID=base)
        except Exception as error:  # rdflib raises many kinds of parser errors
            raise SchemaError(f"cannot parse shapes: {_one_line(error)}", _error_location(path, error)) from None
    return shapes


def _check_shape_sparql(shapes: Graph, path: Path) -> None:
    """Refuse shapes whose SPARQL would reach the network or other graphs (SERVICE, FROM), before any engine runs it.

    Both engines run a shape's ``sh:select``/``sh:ask`` as it is: Oxigraph would call a SERVICE
    endpoint and rdflib would fetch it, so the same guard as ``query`` reads the text first.
    """
    from rdflib.namespace import SH

    from policygraph.sparql.query import check_engine_text

    origin = str(path)
    for predicate in (SH.select, SH.ask, SH.construct, SH.update):
        for text in sorted({str(value) for value in shapes.objects(None, predicate)}):
            try:
                check_engine_text(text, origin, keywords=("SERVICE", "FROM", "LOAD"))
            except SchemaError as error:
                raise SchemaError(f"a shape's SPARQL: {error.message}", Location(origin)) from None


def _error_location(path: Path, error: Exception) -> Location:
    line = getattr(error, "lines", None)
    if isinstance(line, int):
        return Location(str(path), line + 1)
    match = re.search(r"line (\d+)", str(error))
    return Location(str(path), int(match.group(1)) if match else None)

