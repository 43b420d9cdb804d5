"""The text form of validation reports: grouped by file, file:line first, a summary line."""

from __future__ import annotations

from rdflib import Literal, URIRef

from policygraph.model import Finding, Location, Report
from policygraph.validation.report import render_finding, render_text, summary_line

ID = "https://w3id.org/policygraph/id/"
PG = "https://w3id.org/policygraph/ontology#"


def _finding(code, severity="violation", path="data/a.yaml", line=1, entity="x", **kwargs) -> Finding:
    location = Location(path, line) if path else None
    return Finding(code, severity, f"{code}: what to do", location, URIRef(ID + entity), entity=entity, **kwargs)


def test_render_finding_two_lines():
    """A finding is `file:line: severity code: record, 'key' = value` and the message, indented."""
    year = Literal("2001", datatype=URIRef("http://www.w3.org/2001/XMLSchema#gYear"))
    finding = _finding("date-order", line=7, key="in-force", value=year)
    assert render_finding(finding) == (
        "data/a.yaml:7: violation date-order: x, 'in-force' = 2001\n    date-order: what to do"
    )


def test_render_finding_citation_and_string_value():
    """A citation node reads as 'record (citation n)'; text values are quoted; IRIs of ours show as ids."""
    quote = _finding("quote-not-found", entity="x/cite/2", key="quote", value=Literal("a quote"))
    first = render_finding(quote).splitlines()[0]
    assert first == "data/a.yaml:1: violation quote-not-found: x (citation 2), 'quote' = \"a quote\""
    ref = _finding("wrong-reference", path=None, value=URIRef(ID + "jp"))
    assert render_finding(ref).splitlines()[0] == "violation wrong-reference: x = jp"


def test_render_text_groups_by_file_and_summarises():
    """Findings are grouped under their file with a count; the summary counts everything and says what is hidden."""
    report = Report(
        (
            _finding("b", path="data/b.yaml"),
            _finding("a", line=3),
            _finding("i", severity="info"),
            _finding("w", severity="warning", line=2),
        ),
        records=10,
        files=2,
    )
    assert render_text(report) == (
        "data/a.yaml (2)\n"
        "  data/a.yaml:2: warning w: x\n"
        "      w: what to do\n"
        "  data/a.yaml:3: violation a: x\n"
        "      a: what to do\n"
        "\n"
        "data/b.yaml (1)\n"
        "  data/b.yaml:1: violation b: x\n"
        "      b: what to do\n"
        "\n"
        "2 violations, 1 warning, 1 info in 10 records from 2 files: does not conform "
        "(info not shown: --severity info lists them)\n"
    )


def test_summary_line_conforms_and_hidden_severities():
    """The summary says 'conforms' without violations and names each hidden severity."""
    report = Report((_finding("w", severity="warning"), _finding("i", severity="info")), records=1, files=1)
    assert summary_line(report, "violation") == (
        "0 violations, 1 warning, 1 info in 1 record from 1 file: conforms "
        "(warning and info not shown: --severity info lists them)"
    )
    assert summary_line(Report(), "info") == "0 violations, 0 warnings, 0 info: conforms"
