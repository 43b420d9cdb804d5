"""SHACL results as ``Finding``s a curator can act on: a stable code, a message, and the file:line.

Each result's shape carries ``pgsh:code`` (or the component gives one); its focus node and path are
mapped back to the YAML record and key through the source map, or to the line of an RDF file."""

from __future__ import annotations

import functools
import re
from pathlib import Path

from rdflib import BNode, Graph, Namespace, URIRef
from rdflib.namespace import SH
from rdflib.term import Node

from policygraph.graph.handle import LoadedGraph
from policygraph.graph.labels import local_id
from policygraph.model import Finding, Location
from policygraph.records.kinds import COMMON_KEYS, RECORD_KINDS
from policygraph.records.files import RDF_FORMATS
from policygraph.terms import PG, RDF

__all__ = ["PGSH", "findings_from_results"]


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


def _tidy_message(message: str) -> str:
    """Show our instance IRIs as the ids a curator writes (``jp-moj``, not ``https://.../id/jp-moj``)."""
    return _ID_IRI.sub(r"\1", message)


@functools.lru_cache(maxsize=None)
def _reverse_keys(type_name: str) -> dict:
    kind = RECORD_KINDS[type_name]
    return {key.predicate: name for name, key in {**COMMON_KEYS, **kind.keys}.items()}


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


PGSH = Namespace("https://w3id.org/policygraph/shapes#")
"""The shapes' namespace: shape IRIs and the ``pgsh:code`` annotation."""


_SEVERITIES = {SH.Violation: "violation", SH.Warning: "warning", SH.Info: "info"}


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


_ID_IRI = re.compile(r"https://w3id\.org/policygraph/id/([a-z0-9]+(?:-[a-z0-9]+)*)")


_CLASS_TO_KIND = {kind.rdf_class: name for name, kind in RECORD_KINDS.items()}
