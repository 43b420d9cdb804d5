"""Validation: the SHACL shapes in ``shapes/`` and the citation checks, as one ``Report``.

``validate(loaded)`` runs the shapes (with pySHACL) over the built graph, turns every SHACL result
into a ``Finding`` that a curator can act on (file:line of the YAML record through the source map,
the record id, the YAML key, the shape's message, the offending value, a stable code), adds the
citation checks of ``citations.check_citations``, and returns the ``Report``. Non-conformance is
data, never an exception; only broken shapes or unreadable input raise.

Codes come from the shapes: ``pgsh:code`` on the SPARQL constraint or on the shape; a generic code per
constraint component otherwise. The SHACL engine is called in one place, ``run_shacl``.
"""

from __future__ import annotations

import contextlib
import functools
import logging
import re
from pathlib import Path
from typing import Callable, Iterable, Iterator, Sequence

from rdflib import BNode, Graph, Namespace, URIRef
from rdflib.namespace import SH
from rdflib.term import Node

from policygraph import resources
from policygraph.errors import ConfigError, InputError, SchemaError
from policygraph.graph.handle import LoadedGraph
from policygraph.graph.labels import local_id
from policygraph.model import Finding, Location, Report
from policygraph.records.kinds import COMMON_KEYS, RECORD_KINDS
from policygraph.records.load import RDF_FORMATS
from policygraph.terms import PG, RDF
from policygraph.validation.citations import check_citations

__all__ = ["PGSH", "ENGINES", "validate", "load_shapes", "run_shacl", "shape_files", "findings_from_results"]

PGSH = Namespace("https://w3id.org/policygraph/shapes#")
"""The shapes' namespace: shape IRIs and the ``pgsh:code`` annotation."""

ENGINES = ("auto", "oxigraph", "pyshacl")
"""SHACL engines: ``oxigraph`` (shapes compiled to SPARQL, fast), ``pyshacl`` (the reference), ``auto`` (oxigraph where it can)."""

_SEVERITIES = {SH.Violation: "violation", SH.Warning: "warning", SH.Info: "info"}

# A code for results of shapes that carry no pgsh:code (e.g. shapes a user adds with --shapes).
_COMPONENT_CODES = {
    "MinCountConstraintComponent": "missing-value",
    "MaxCountConstraintComponent": "too-many-values",
    "DatatypeConstraintComponent": "wrong-datatype",
    "ClassConstraintComponent": "wrong-reference",
    "NodeKindConstraintComponent": "wrong-node-kind",
    "InConstraintComponent": "not-allowed",
    "HasValueConstraintComponent": "missing-value",
    "PatternConstraintComponent": "bad-pattern",
    "LanguageInConstraintComponent": "wrong-language",
    "UniqueLangConstraintComponent": "duplicate-language",
    "MinLengthConstraintComponent": "too-short",
    "MaxLengthConstraintComponent": "too-long",
    "SPARQLConstraintComponent": "sparql-constraint",
}

_CITATION_KEYS = {PG.source: "source", PG.sourceUrl: "url", PG.locator: "locator", PG.quote: "quote"}


def validate(
    loaded: LoadedGraph,
    shapes: Sequence[str | Path] | None = None,
    *,
    sources: Path | None = None,
    check_quotes: bool = True,
    engine: str = "auto",
    progress: Callable[[int, int], None] | None = None,
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

    Returns:
        The report: every finding, sorted by file, line and code.

    Raises:
        SchemaError: a shape file is malformed or the engine cannot use the shapes.
        ConfigError: an unknown engine.
        InputError: a shapes path does not exist.
    """
    shapes_graph = load_shapes(shape_files(shapes))
    results = run_shacl(loaded, shapes_graph, engine=engine, progress=progress)
    findings = findings_from_results(results, shapes_graph, loaded)
    if check_quotes:
        findings.extend(check_citations(_citation_graph(loaded), loaded.source_map, sources))
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
        try:
            with _quiet_rdflib():
                graph.parse(data=text, format="turtle", publicID=path.resolve().as_uri())
        except Exception as error:  # rdflib raises many kinds of parser errors
            raise SchemaError(f"cannot parse shapes: {_one_line(error)}", _error_location(path, error)) from None
    return graph


def run_shacl(
    loaded: LoadedGraph, shapes_graph: Graph, engine: str = "auto", progress: Callable[[int, int], None] | None = None
) -> Graph:
    """Run the SHACL engine: the one place the engines are called.

    ``oxigraph`` (``shacl_oxigraph``) runs the shapes as SPARQL on an Oxigraph copy of the data (or
    on the prebuilt store the graph is a view of); ``pyshacl`` is the reference engine; ``auto``
    takes oxigraph unless the shapes use a feature it lacks.

    The data graph already holds the ontology (``load_graph`` puts it there), so sh:targetClass
    and sh:class follow rdfs:subClassOf without any inference; none is run (RDFS expansion of the
    whole graph would cost seconds and add nothing the shapes use).

    Returns:
        The SHACL validation report graph.

    Raises:
        SchemaError: the engine rejects the shapes.
        ConfigError: an unknown engine.
    """
    if engine not in ENGINES:
        raise ConfigError(f"unknown SHACL engine {engine!r}", hint="one of: " + ", ".join(ENGINES))
    if engine in ("auto", "oxigraph"):
        from policygraph.validation.shacl_oxigraph import UnsupportedShapes, validate_store

        try:
            with _quiet_rdflib():  # results come back as rdflib terms: ill-typed literals would log tracebacks
                return validate_store(loaded.store, shapes_graph, progress)
        except UnsupportedShapes:
            if engine == "oxigraph":
                raise
    return _run_pyshacl(_rdflib_copy(loaded), shapes_graph)


def _rdflib_copy(loaded: LoadedGraph) -> Graph:
    """The graph as a plain rdflib Graph for pySHACL, which walks it triple by triple.

    A store opened from disk is copied out once (its rdflib view would go to Oxigraph per lookup).
    """
    if not loaded.on_disk:
        return loaded.graph
    from policygraph.graph.convert import quiet_literals, store_to_graph

    with quiet_literals():
        return store_to_graph(loaded.store)


def _citation_graph(loaded: LoadedGraph) -> Graph:
    """What ``check_citations`` reads: for a store opened from disk, copied out in one query (else the graph itself)."""
    if not loaded.on_disk:
        return loaded.graph
    from policygraph.sparql.engines import evaluate_oxigraph

    keys = " ".join(f"<{p}>" for p in (PG.source, PG.sourceUrl, PG.quote, PG.file, PG.url))
    query = (
        f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ {{ ?s a <{PG.Citation}> BIND(<{RDF.type}> AS ?p) BIND(<{PG.Citation}> AS ?o) }} "
        f"UNION {{ VALUES ?p {{ {keys} }} ?s ?p ?o }} }}"
    )
    copy = Graph()
    for triple in evaluate_oxigraph(loaded.store, query, "CONSTRUCT").triples:
        copy.add(triple)
    return copy


def _run_pyshacl(data_graph: Graph, shapes_graph: Graph) -> Graph:
    import pyshacl
    from pyshacl.errors import ReportableRuntimeError, ValidationFailure

    # pyshacl evaluates each sh:sparql query once per focus node and hands rdflib the query text each
    # time; rdflib would parse it again every time (~20-200 ms a parse). Querying through a view of the
    # same store that reuses parsed queries makes that one parse per query.
    view = _PreparedQueryGraph(store=data_graph.store, identifier=data_graph.identifier)
    for prefix, namespace in data_graph.namespaces():
        view.bind(prefix, namespace, override=False)
    try:
        with _quiet_rdflib(), _memoised_sparql_checks():
            _, results, _ = pyshacl.validate(
                view,
                shacl_graph=shapes_graph,
                inference="none",
                inplace=True,
                abort_on_first=False,
                allow_infos=True,
                allow_warnings=True,
                advanced=False,
            )
    except (ReportableRuntimeError, ValidationFailure) as error:
        raise SchemaError(f"the shapes cannot be used: {_one_line(error)}") from None
    return results


def findings_from_results(results: Graph, shapes_graph: Graph, loaded: LoadedGraph) -> list[Finding]:
    """Turn a SHACL validation report into findings a curator can act on."""
    graph = loaded.graph
    locator = _RdfLocator(loaded)
    findings = []
    # Only the report's own results: results nested under sh:detail (from sh:node, sh:or ...) explain
    # a top-level result and carry no message of ours.
    reports = results.subjects(RDF.type, SH.ValidationReport)
    top_level = [result for report in reports for result in results.objects(report, SH.result)]
    for result in top_level:
        focus = results.value(result, SH.focusNode)
        path = results.value(result, SH.resultPath)
        if isinstance(path, BNode):  # a complex path: no single property to point at
            path = None
        value = results.value(result, SH.value)
        shape = results.value(result, SH.sourceShape)
        component = results.value(result, SH.sourceConstraintComponent)
        constraint = results.value(result, SH.sourceConstraint)
        severity = _SEVERITIES.get(results.value(result, SH.resultSeverity), "violation")
        messages = sorted(str(m) for m in results.objects(result, SH.resultMessage))
        code = _code(shapes_graph, constraint, shape, component)
        message = _tidy_message(messages[0]) if messages else _default_message(code)
        if value is not None and value == focus and path is None:
            value = None  # a node-level result: the value is the record itself, nothing to show
        findings.append(
            Finding(
                code=code,
                severity=severity,
                message=message,
                location=locator.locate(focus, path),
                focus=focus,
                path=path,
                value=value,
                shape=shape if isinstance(shape, URIRef) else None,
                entity=local_id(focus) if isinstance(focus, URIRef) else None,
                key=_yaml_key(graph, focus, path),
                component=component,
            )
        )
    return findings


# ---------------------------------------------------------------- engine helpers


class _PreparedQueryGraph(Graph):
    """A Graph over an existing store whose ``query`` parses each distinct query text only once."""

    def query(self, query_object, *args, **kwargs):  # noqa: ANN001, ANN002, ANN003 - rdflib's signature
        if isinstance(query_object, str):
            query_object = _prepare(query_object)
        return super().query(query_object, *args, **kwargs)


@functools.lru_cache(maxsize=256)
def _prepare(text: str):
    from rdflib.plugins.sparql import prepareQuery

    return prepareQuery(text)


@contextlib.contextmanager
def _memoised_sparql_checks() -> Iterator[None]:
    """Remember pyshacl's syntax checks of a query text while validating.

    pyshacl re-checks the text of every SPARQL constraint with regular expressions for each focus node
    (about a second on the bundled data); the answer depends only on the text and the pre-bound
    variables, so it is computed once. Only successful checks are remembered (a failing one raises).
    If pyshacl changes its internals, validation runs unchanged, just slower.
    """
    try:
        from pyshacl.helper.sparql_query_helper import SPARQLQueryHelper
    except ImportError:  # pragma: no cover - pyshacl moved it
        yield
        return
    original = getattr(SPARQLQueryHelper, "check_invalid_sparql", None)
    if original is None:  # pragma: no cover
        yield
        return
    passed: set = set()

    def check(self, sparql_text, valuenode=None, extravars=None):  # noqa: ANN001
        key = (sparql_text, valuenode is None, tuple(sorted(extravars)) if extravars else ())
        if key not in passed:
            original(self, sparql_text, valuenode=valuenode, extravars=extravars)
            passed.add(key)
        return True

    SPARQLQueryHelper.check_invalid_sparql = check
    try:
        yield
    finally:
        SPARQLQueryHelper.check_invalid_sparql = original


@contextlib.contextmanager
def _quiet_rdflib() -> Iterator[None]:
    """Keep rdflib's tracebacks for ill-typed literals (``"abc"^^xsd:decimal``) off the terminal.

    Such literals are data defects the shapes report as findings; rdflib's log line adds nothing.
    """
    logger = logging.getLogger("rdflib.term")
    before = logger.level
    logger.setLevel(logging.CRITICAL)
    try:
        yield
    finally:
        logger.setLevel(before)


# ---------------------------------------------------------------- findings helpers


def _code(shapes_graph: Graph, constraint: Node | None, shape: Node | None, component: Node | None) -> str:
    for node in (constraint, shape):
        if node is not None:
            code = shapes_graph.value(node, PGSH.code)
            if code is not None:
                return str(code)
    name = str(component).rsplit("#", 1)[-1] if component is not None else ""
    return _COMPONENT_CODES.get(name, "shape-violation")


def _default_message(code: str) -> str:
    return f"the data does not satisfy a shape ({code})"


_ID_IRI = re.compile(r"https://w3id\.org/policygraph/id/([a-z0-9]+(?:-[a-z0-9]+)*)")


def _tidy_message(message: str) -> str:
    """Show our instance IRIs as the ids a curator writes (``jp-moj``, not ``https://.../id/jp-moj``)."""
    return _ID_IRI.sub(r"\1", message)


@functools.lru_cache(maxsize=None)
def _reverse_keys(type_name: str) -> dict:
    kind = RECORD_KINDS[type_name]
    return {key.predicate: name for name, key in {**COMMON_KEYS, **kind.keys}.items()}


_CLASS_TO_KIND = {kind.rdf_class: name for name, kind in RECORD_KINDS.items()}


def _yaml_key(graph: Graph, focus: Node | None, path: Node | None) -> str | None:
    """The YAML key a curator writes for ``path`` on ``focus`` (``in-force`` for pg:entryIntoForce)."""
    if not isinstance(path, URIRef) or focus is None:
        return None
    types = set(graph.objects(focus, RDF.type))
    if PG.Citation in types:
        return _CITATION_KEYS.get(path)
    for rdf_class in sorted(types, key=str):
        kind = _CLASS_TO_KIND.get(rdf_class)
        if kind is not None:
            key = _reverse_keys(kind).get(path)
            if key is not None:
                return key
    return None


class _RdfLocator:
    """file:line for a node: the YAML source map, else the first line of an RDF file where it is a subject.

    RDF files have no source map (rdflib keeps no positions), so for a node defined in Turtle or
    N-Triples the report points at the line where the node first starts a statement.
    """

    def __init__(self, loaded: LoadedGraph):
        self.source_map = loaded.source_map
        line_based = ("turtle", "nt", "nquads", "trig")
        self.rdf_files = [p for p in loaded.files if RDF_FORMATS.get(p.suffix.lower()) in line_based]
        self._lines: dict[Path, list[str]] = {}
        self._prefixes: dict[Path, dict[str, str]] = {}

    def locate(self, node: Node | None, path: Node | None) -> Location | None:
        if node is None:
            return None
        found = self.source_map.locate(node, path if isinstance(path, URIRef) else None)
        if found is not None or not isinstance(node, URIRef):
            return found
        for file in self.rdf_files:
            line = self._subject_line(file, str(node))
            if line is not None:
                return Location(str(file), line)
        return None

    def _subject_line(self, file: Path, iri: str) -> int | None:
        lines, prefixes = self._read(file)
        names = [f"<{iri}>"]
        for prefix, namespace in prefixes.items():
            if iri.startswith(namespace) and len(iri) > len(namespace):
                local = iri[len(namespace) :]
                names += [f"{prefix}:{local}", f"{prefix}:" + re.sub(r"([/~.!$&'()*+,;=?#@%])", r"\\\1", local)]
        for number, line in enumerate(lines, start=1):
            stripped = line.lstrip()
            for name in names:
                if stripped.startswith(name) and stripped[len(name) : len(name) + 1] in (" ", "\t", ";", ",", ".", ""):
                    return number
        return None

    def _read(self, file: Path) -> tuple[list[str], dict[str, str]]:
        if file not in self._lines:
            try:
                text = file.read_text(encoding="utf-8-sig")
            except (OSError, UnicodeDecodeError):
                text = ""
            self._lines[file] = text.splitlines()
            self._prefixes[file] = dict(re.findall(r"(?im)^\s*@?prefix\s+([A-Za-z][\w.-]*|):\s*<([^>]*)>", text))
        return self._lines[file], self._prefixes[file]


def _one_line(error: Exception) -> str:
    text = " ".join(str(error).split())
    return text[:200] + ("…" if len(text) > 200 else "")


def _error_location(path: Path, error: Exception) -> Location:
    line = getattr(error, "lines", None)
    if isinstance(line, int):
        return Location(str(path), line + 1)
    match = re.search(r"line (\d+)", str(error))
    return Location(str(path), int(match.group(1)) if match else None)

