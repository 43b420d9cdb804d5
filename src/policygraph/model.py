"""Small frozen data objects shared by the library: locations, and the results it returns."""

from __future__ import annotations

import os
from dataclasses import dataclass

__all__ = ["Location", "SEVERITIES", "Finding", "Report"]


@dataclass(frozen=True, order=True)
class Location:
    """A place in an input file: ``path:line[:column]`` (lines and columns from 1)."""

    path: str
    line: int | None = None
    column: int | None = None

    def __str__(self) -> str:
        text = _display_path(self.path)
        if self.line is not None:
            text += f":{self.line}"
            if self.column is not None:
                text += f":{self.column}"
        return text


def _display_path(path: str) -> str:
    """The path relative to the working directory when it lies below it, else as given."""
    try:
        relative = os.path.relpath(path)
    except ValueError:  # another drive on Windows
        return path
    return path if relative.startswith("..") else relative


SEVERITIES = ("violation", "warning", "info")
"""Finding severities, worst first (SHACL's sh:Violation, sh:Warning, sh:Info). Only violations fail a run."""

_SEVERITY_RANK = {name: rank for rank, name in enumerate(SEVERITIES)}


@dataclass(frozen=True)
class Finding:
    """One problem (or note) found in the data: a SHACL validation result or a citation check.

    The RDF fields mirror a SHACL result (sh:focusNode, sh:resultPath, sh:value, sh:sourceShape,
    sh:sourceConstraintComponent) and hold rdflib terms; ``entity`` and ``key`` are what a curator
    reads: the record id and the YAML key.
    """

    code: str  # stable kebab-case id, e.g. "missing-citation", "quote-not-found"
    severity: str  # one of SEVERITIES
    message: str  # what is wrong and what to do, for a curator
    location: Location | None  # the YAML record (or key) the finding is about, if known
    focus: object  # rdflib term: the record (or citation) node
    path: object | None = None  # rdflib term: the property, if the finding is about one
    value: object | None = None  # rdflib term: the offending value, if any
    shape: object | None = None  # rdflib term: the shape that found it (for citation checks a pgsh: IRI)
    entity: str | None = None  # the record id (``jp-moj``; ``jp-moj/cite/1`` for a citation)
    key: str | None = None  # the YAML key of ``path`` (``in-force``), if there is one
    component: object | None = None  # rdflib term: the SHACL constraint component

    @property
    def sort_key(self) -> tuple:
        """(file, line, code, ...): the order reports list findings in."""
        loc = self.location
        return (
            loc is None,
            loc.path if loc else "",
            loc.line if loc and loc.line is not None else 0,
            self.code,
            self.entity or str(self.focus),
            self.key or "",
            str(self.value) if self.value is not None else "",
            self.message,
        )

    def to_dict(self) -> dict:
        """JSON-safe, with stable keys (see docs/validate-schema.md)."""
        return {
            "code": self.code,
            "severity": self.severity,
            "message": self.message,
            "file": _display_path(self.location.path) if self.location else None,
            "line": self.location.line if self.location else None,
            "entity": self.entity,
            "key": self.key,
            "value": _term_text(self.value),
            "focus": _term_text(self.focus),
            "path": _term_text(self.path),
            "shape": _term_text(self.shape),
            "component": _term_text(self.component),
        }


@dataclass(frozen=True)
class Report:
    """The outcome of a validation run: every finding, sorted by (file, line, code).

    ``records`` and ``files`` say how much was checked; ``sources`` where quotes were looked up.
    """

    findings: tuple[Finding, ...] = ()
    records: int = 0
    files: int = 0
    sources: str | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "findings", tuple(sorted(self.findings, key=lambda f: f.sort_key)))

    @property
    def ok(self) -> bool:
        """True when there is no violation (warnings and infos do not fail a run)."""
        return not any(f.severity == "violation" for f in self.findings)

    @property
    def counts(self) -> dict[str, int]:
        """Findings per severity, every severity present (zero if none)."""
        counts = dict.fromkeys(SEVERITIES, 0)
        for finding in self.findings:
            counts[finding.severity] += 1
        return counts

    def shown(self, min_severity: str = "info") -> tuple[Finding, ...]:
        """The findings at ``min_severity`` or worse."""
        limit = _SEVERITY_RANK[min_severity]
        return tuple(f for f in self.findings if _SEVERITY_RANK[f.severity] <= limit)

    def to_dict(self, min_severity: str = "info") -> dict:
        """JSON-safe, with stable keys: the ``policygraph-validate/1`` schema (docs/validate-schema.md)."""
        return {
            "schema": "policygraph-validate/1",
            "conforms": self.ok,
            "counts": self.counts,
            "shown": min_severity,
            "records": self.records,
            "files": self.files,
            "sources": self.sources,
            "findings": [f.to_dict() for f in self.shown(min_severity)],
        }

    def to_graph(self, min_severity: str = "info"):
        """The standard SHACL validation report (an rdflib Graph holding one sh:ValidationReport).

        Each result also carries ``pgsh:code``, ``pgsh:file`` and ``pgsh:line``.
        """
        from rdflib import BNode, Graph, Literal, Namespace, URIRef
        from rdflib.namespace import RDF, SH, XSD

        pgsh = Namespace("https://w3id.org/policygraph/shapes#")
        graph = Graph()
        graph.bind("sh", SH)
        graph.bind("pgsh", pgsh)
        graph.bind("pgid", "https://w3id.org/policygraph/id/")
        graph.bind("pg", "https://w3id.org/policygraph/ontology#")
        report = BNode()
        graph.add((report, RDF.type, SH.ValidationReport))
        graph.add((report, SH.conforms, Literal(self.ok)))
        levels = {"violation": SH.Violation, "warning": SH.Warning, "info": SH.Info}
        for finding in self.shown(min_severity):
            result = BNode()
            graph.add((report, SH.result, result))
            graph.add((result, RDF.type, SH.ValidationResult))
            graph.add((result, SH.resultSeverity, levels[finding.severity]))
            graph.add((result, SH.focusNode, finding.focus))
            graph.add((result, SH.resultMessage, Literal(finding.message)))
            graph.add((result, pgsh.code, Literal(finding.code)))
            for predicate, term in ((SH.resultPath, finding.path), (SH.value, finding.value)):
                if term is not None:
                    graph.add((result, predicate, term))
            if isinstance(finding.shape, URIRef):
                graph.add((result, SH.sourceShape, finding.shape))
            if finding.component is not None:
                graph.add((result, SH.sourceConstraintComponent, finding.component))
            if finding.location is not None:
                graph.add((result, pgsh.file, Literal(_display_path(finding.location.path))))
                if finding.location.line is not None:
                    graph.add((result, pgsh.line, Literal(finding.location.line, datatype=XSD.integer)))
        return graph


def _term_text(term: object | None) -> str | None:
    return None if term is None else str(term)
