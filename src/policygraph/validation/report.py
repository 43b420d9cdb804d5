"""Validation reports for people: findings grouped by file, each with file:line, record, key, value, message.

``render_text`` is what ``policygraph validate`` prints. JSON (``Report.to_dict``) and the SHACL
report in Turtle (``Report.to_graph``) come from the report itself.
"""

from __future__ import annotations

from itertools import groupby

from policygraph.model import SEVERITIES, Finding, Location, Report

__all__ = ["render_text", "render_finding", "summary_line"]

_NAMESPACES = (
    ("https://w3id.org/policygraph/ontology#", "pg:"),
    ("https://w3id.org/policygraph/id/", ""),
    ("http://www.w3.org/2004/02/skos/core#", "skos:"),
    ("http://www.w3.org/ns/org#", "org:"),
    ("http://purl.org/dc/terms/", "dcterms:"),
    ("http://www.w3.org/1999/02/22-rdf-syntax-ns#", "rdf:"),
    ("http://www.w3.org/2000/01/rdf-schema#", "rdfs:"),
)


def render_text(report: Report, min_severity: str = "warning") -> str:
    """The report as text: findings grouped by file, then one summary line.

    Args:
        report: the validation report.
        min_severity: show findings of this severity or worse (the summary counts all of them).
    """
    lines: list[str] = []
    shown = report.shown(min_severity)
    for where, group in groupby(shown, key=lambda f: str(Location(f.location.path)) if f.location else None):
        findings = list(group)
        lines.append(f"{where or '(no file: from RDF where no line is known)'} ({len(findings)})")
        for finding in findings:
            lines.extend("  " + line for line in render_finding(finding).splitlines())
        lines.append("")
    lines.append(summary_line(report, min_severity))
    return "\n".join(lines) + "\n"


def render_finding(finding: Finding) -> str:
    """Two lines: ``file:line: severity code: record, key = value`` and the message."""
    where = f"{finding.location}: " if finding.location else ""
    subject = _entity(finding)
    prop = f"'{finding.key}'" if finding.key else _curie(finding.path)
    if prop:
        subject += f", {prop}"
    if finding.value is not None:
        subject += f" = {_value(finding.value)}"
    return f"{where}{finding.severity} {finding.code}: {subject}\n    {finding.message}"


def summary_line(report: Report, min_severity: str = "warning") -> str:
    """``1 violation, 2 warnings, 335 info in 937 records from 67 files: does not conform`` (+ what is hidden)."""
    counts = report.counts
    parts = [
        _plural(counts["violation"], "violation"),
        _plural(counts["warning"], "warning"),
        f"{counts['info']} info",
    ]
    scope = f" in {_plural(report.records, 'record')} from {_plural(report.files, 'file')}" if report.files else ""
    verdict = "conforms" if report.ok else "does not conform"
    hidden = [name for name in SEVERITIES[SEVERITIES.index(min_severity) + 1 :] if counts[name]]
    note = f" ({' and '.join(hidden)} not shown: --severity {hidden[-1]} lists them)" if hidden else ""
    return f"{', '.join(parts)}{scope}: {verdict}{note}"


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


def _entity(finding: Finding) -> str:
    entity = finding.entity or _curie(finding.focus) or "?"
    record, _, number = entity.partition("/cite/")
    return f"{record} (citation {number})" if number else entity


def _curie(term: object | None) -> str:
    if term is None:
        return ""
    text = str(term)
    for namespace, prefix in _NAMESPACES:
        if text.startswith(namespace) and len(text) > len(namespace):
            return prefix + text[len(namespace) :]
    return f"<{text}>"


def _value(term: object) -> str:
    from rdflib import Literal

    if isinstance(term, Literal):
        text = str(term)
        short = text if len(text) <= 80 else text[:77] + "…"
        textual = term.datatype is None or str(term.datatype).endswith(("#string", "#langString"))
        return f'"{short}"' if textual else short
    return _curie(term)
