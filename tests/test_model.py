"""Finding and Report: ordering, counts, severity filtering, JSON and SHACL forms."""

from __future__ import annotations

from rdflib import Literal, URIRef
from rdflib.namespace import RDF, SH

from policygraph.model import Finding, Location, Report

ID = "https://w3id.org/policygraph/id/"
PG = "https://w3id.org/policygraph/ontology#"


def _finding(code="c", severity="violation", path="a.yaml", line=1, entity="x", **kwargs) -> Finding:
    return Finding(
        code=code,
        severity=severity,
        message=f"{code} message",
        location=Location(path, line) if path else None,
        focus=URIRef(ID + entity),
        entity=entity,
        **kwargs,
    )


def test_report_sorts_by_file_line_code():
    """Findings are sorted by file, then line, then code; findings without a file come last."""
    report = Report((
        _finding("b", path="b.yaml", line=1),
        _finding("z", path=None),
        _finding("b", path="a.yaml", line=9),
        _finding("a", path="a.yaml", line=9),
        _finding("c", path="a.yaml", line=2),
    ))
    assert [(f.location and (f.location.path, f.location.line), f.code) for f in report.findings] == [
        (("a.yaml", 2), "c"), (("a.yaml", 9), "a"), (("a.yaml", 9), "b"), (("b.yaml", 1), "b"), (None, "z"),
    ]


def test_report_ok_and_counts():
    """Only violations make a report fail; counts name every severity."""
    warnings = Report((_finding(severity="warning"), _finding(severity="info")))
    assert warnings.ok and warnings.counts == {"violation": 0, "warning": 1, "info": 1}
    assert not Report((_finding(), _finding(severity="info"))).ok


def test_report_shown_filters_by_severity():
    """shown('warning') keeps violations and warnings, drops infos."""
    report = Report((_finding("v"), _finding("w", severity="warning"), _finding("i", severity="info")))
    assert [f.code for f in report.shown("warning")] == ["v", "w"]
    assert [f.code for f in report.shown("violation")] == ["v"]
    assert len(report.shown("info")) == 3


def test_report_to_dict_schema():
    """to_dict has the policygraph-validate/1 keys; each finding its stable keys, terms as strings."""
    finding = _finding(
        path="a.yaml", line=3, key="in-force", value=Literal("2001"), shape=URIRef("urn:s"),
        component=SH.MinCountConstraintComponent,
    )
    data = Report((finding,), records=5, files=2, sources="texts").to_dict("warning")
    assert list(data) == ["schema", "conforms", "counts", "shown", "records", "files", "sources", "findings"]
    assert (data["schema"], data["conforms"], data["shown"]) == ("policygraph-validate/1", False, "warning")
    assert (data["records"], data["files"], data["sources"]) == (5, 2, "texts")
    assert data["findings"] == [{
        "code": "c", "severity": "violation", "message": "c message", "file": "a.yaml", "line": 3,
        "entity": "x", "key": "in-force", "value": "2001", "focus": ID + "x", "path": None,
        "shape": "urn:s", "component": str(SH.MinCountConstraintComponent),
    }]


def test_report_to_graph_is_shacl_report():
    """to_graph gives one sh:ValidationReport with conforms and a result per shown finding."""
    violation = _finding(path="a.yaml", line=3, value=Literal(5), component=SH.DatatypeConstraintComponent)
    report = Report((violation, _finding("i", severity="info")))
    graph = report.to_graph("warning")
    node = graph.value(predicate=RDF.type, object=SH.ValidationReport)
    assert graph.value(node, SH.conforms).toPython() is False
    [result] = list(graph.objects(node, SH.result))
    assert graph.value(result, SH.resultSeverity) == SH.Violation
    assert graph.value(result, SH.focusNode) == URIRef(ID + "x")
    assert graph.value(result, SH.value) == Literal(5)
    assert graph.value(result, SH.sourceConstraintComponent) == SH.DatatypeConstraintComponent
    assert str(graph.value(result, URIRef("https://w3id.org/policygraph/shapes#line"))) == "3"
