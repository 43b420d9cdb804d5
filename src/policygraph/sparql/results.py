"""SPARQL query results: the ``QueryResult`` data object, its writers and an engine-neutral comparison.

Writers follow the W3C formats exactly: SPARQL 1.1 Query Results CSV and TSV, JSON and XML.
CSV and TSV values are therefore written as they are, never prefixed with ``'`` against
spreadsheet formulas (``=``, ``+``, ``-``, ``@``): they are data-exchange formats read by SPARQL
tools, and a changed value (``-1`` as ``'-1``) would be a wrong answer. A file meant for a
spreadsheet comes from ``export csv``, which neutralises such cells.
``table`` and ``md`` are for people: compact names (or labels) instead of IRIs, long values cut in
the table, a row count. Every writer returns text; the CLI decides where it goes.
"""

from __future__ import annotations

import csv
import io
import json
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Mapping, Sequence

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.term import Node

from policygraph.terms import ID_BASE, PREFIXES, XSD

__all__ = [
    "QueryResult",
    "SELECT_FORMATS",
    "GRAPH_FORMATS",
    "PREFIXES",
    "format_result",
    "display_term",
    "comparable",
]


SELECT_FORMATS = ("table", "csv", "tsv", "json", "xml", "md")
"""Formats of SELECT (and ASK) results."""

GRAPH_FORMATS = {"ttl": "turtle", "nt": "nt", "jsonld": "json-ld", "xml": "xml"}
"""Formats of CONSTRUCT / DESCRIBE results, with rdflib's serializer names."""

_XSD = str(XSD)
_RESULTS_NS = "http://www.w3.org/2005/sparql-results#"
_NUMERIC = {f"{_XSD}{name}" for name in ("integer", "decimal", "double", "float", "int", "long", "short", "byte",
                                          "nonNegativeInteger", "positiveInteger", "negativeInteger",
                                          "nonPositiveInteger", "unsignedInt", "unsignedLong", "unsignedShort",
                                          "unsignedByte")}
# Bare numbers only in forms a reader keeps as they are: no sign or leading zero to normalise away, and
# no negative decimal (rdflib's TSV reader cannot negate a decimal); anything else is written quoted.
_TURTLE_INTEGER = re.compile(r"^-?(0|[1-9][0-9]*)$")
_TURTLE_DECIMAL = re.compile(r"^(0|[1-9][0-9]*)\.[0-9]+$")
_LINE_BREAKS = re.compile("[\x0b\x0c\x1c-\x1e\x85\u2028\u2029]")
_TURTLE_DOUBLE = re.compile(r"^[+-]?(?:[0-9]+\.[0-9]*|\.?[0-9]+)[eE][+-]?[0-9]+$")
_XML_FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


@dataclass
class QueryResult:
    """The answer to one query, whatever engine produced it.

    Terms are rdflib terms; an unbound variable is ``None``.
    """

    form: str  # SELECT, ASK, CONSTRUCT or DESCRIBE
    variables: list[str] = field(default_factory=list)  # SELECT: the variable names, in order
    rows: list[tuple[Node | None, ...]] = field(default_factory=list)  # SELECT: one tuple per solution
    boolean: bool | None = None  # ASK: the answer
    triples: list[tuple[Node, Node, Node]] = field(default_factory=list)  # CONSTRUCT / DESCRIBE
    engine: str = ""  # rdflib, oxigraph or the endpoint URL

    @property
    def is_graph(self) -> bool:
        """True for CONSTRUCT and DESCRIBE results."""
        return self.form in ("CONSTRUCT", "DESCRIBE")

    def to_graph(self) -> Graph:
        """The triples of a CONSTRUCT / DESCRIBE result as an rdflib Graph, with the usual prefixes bound."""
        graph = Graph(bind_namespaces="core")
        for prefix, namespace in PREFIXES.items():
            graph.bind(prefix, namespace, override=True)
        for triple in self.triples:
            graph.add(triple)
        return graph

    def iris(self) -> set[URIRef]:
        """Every IRI in the result (for looking up labels)."""
        found: set[URIRef] = set()
        for row in self.rows:
            found.update(term for term in row if isinstance(term, URIRef))
        for triple in self.triples:
            found.update(term for term in triple if isinstance(term, URIRef))
        return found


def format_result(
    result: QueryResult,
    fmt: str,
    labels: Mapping[URIRef, str] | None = None,
    max_width: int = 60,
) -> str:
    """Render ``result`` in ``fmt``.

    Args:
        result: the query result.
        fmt: for SELECT and ASK one of ``SELECT_FORMATS``; for CONSTRUCT / DESCRIBE one of ``GRAPH_FORMATS``.
        labels: names to show instead of IRIs in ``table`` and ``md``.
        max_width: the widest a ``table`` cell may be, in terminal columns.

    Returns:
        The text (W3C formats end with their own line ending; ``table`` and ``md`` with a newline).

    Raises:
        ValueError: ``fmt`` does not fit the result's form (the CLI checks this first).
    """
    if result.is_graph:
        if fmt not in GRAPH_FORMATS:
            raise ValueError(f"format {fmt!r} is not a graph format")
        return _serialize_graph(result, fmt)
    if fmt not in SELECT_FORMATS:
        raise ValueError(f"format {fmt!r} is not a results format")
    if result.form == "ASK":
        return _format_boolean(bool(result.boolean), fmt)
    writer = {
        "table": lambda: _table(result, labels or {}, max_width),
        "md": lambda: _markdown(result, labels or {}),
        "csv": lambda: _csv(result),
        "tsv": lambda: _tsv(result),
        "json": lambda: _json(result),
        "xml": lambda: _xml(result),
    }[fmt]
    return writer()


# -- W3C formats ------------------------------------------------------------------------------


def _csv(result: QueryResult) -> str:
    """SPARQL 1.1 Query Results CSV: plain values, CRLF line ends, RFC 4180 quoting."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(result.variables)
    for row in result.rows:
        writer.writerow([_csv_value(term) for term in row])
    return buffer.getvalue()


def _csv_value(term: Node | None) -> str:
    if term is None:
        return ""
    if isinstance(term, BNode):
        return f"_:{term}"
    return str(term)


def _tsv(result: QueryResult) -> str:
    """SPARQL 1.1 Query Results TSV: ``?var`` header, terms in Turtle syntax, LF line ends."""
    lines = ["\t".join(f"?{name}" for name in result.variables)]
    for row in result.rows:
        lines.append("\t".join("" if term is None else _turtle_term(term) for term in row))
    return "\n".join(lines) + "\n"


def _turtle_term(term: Node) -> str:
    if isinstance(term, URIRef):
        return f"<{_escape_iri(str(term))}>"
    if isinstance(term, BNode):
        return f"_:{term}"
    assert isinstance(term, Literal)
    lexical = str(term)
    datatype = str(term.datatype) if term.datatype else None
    if datatype == f"{_XSD}integer" and _TURTLE_INTEGER.match(lexical):
        return lexical
    if datatype == f"{_XSD}decimal" and _TURTLE_DECIMAL.match(lexical):
        return lexical
    if datatype == f"{_XSD}double" and _TURTLE_DOUBLE.match(lexical):
        return lexical
    if datatype == f"{_XSD}boolean" and lexical in ("true", "false"):
        return lexical
    quoted = '"' + _escape_string(lexical) + '"'
    if term.language:
        return f"{quoted}@{term.language}"
    if datatype and datatype != f"{_XSD}string":
        return f"{quoted}^^<{_escape_iri(datatype)}>"
    return quoted


def _escape_string(text: str) -> str:
    escaped = (
        text.replace("\\", "\\\\")
        .replace('"', '\\"')
        .replace("\n", "\\n")
        .replace("\r", "\\r")
        .replace("\t", "\\t")
    )
    # Characters that line-splitting readers (Python's splitlines) take for line ends: as \uXXXX escapes
    return _LINE_BREAKS.sub(lambda match: f"\\u{ord(match.group()):04X}", escaped)


def _escape_iri(text: str) -> str:
    # IRIs from a parsed graph cannot hold these; escape them anyway so output always parses.
    return "".join(f"\\u{ord(c):04X}" if c in '<>"{}|^`\\' or ord(c) <= 0x20 else c for c in text)


def _json(result: QueryResult) -> str:
    """SPARQL 1.1 Query Results JSON."""
    bindings = []
    for row in result.rows:
        bindings.append({name: _json_term(term) for name, term in zip(result.variables, row) if term is not None})
    document = {"head": {"vars": list(result.variables)}, "results": {"bindings": bindings}}
    return json.dumps(document, ensure_ascii=False, indent=2) + "\n"


def _json_term(term: Node) -> dict[str, str]:
    if isinstance(term, URIRef):
        return {"type": "uri", "value": str(term)}
    if isinstance(term, BNode):
        return {"type": "bnode", "value": str(term)}
    assert isinstance(term, Literal)
    value: dict[str, str] = {"type": "literal", "value": str(term)}
    if term.language:
        value["xml:lang"] = term.language
    elif term.datatype and str(term.datatype) != f"{_XSD}string":
        value["datatype"] = str(term.datatype)
    return value


def _xml(result: QueryResult) -> str:
    """SPARQL Query Results XML Format."""
    lines = ['<?xml version="1.0" encoding="utf-8"?>', f'<sparql xmlns="{_RESULTS_NS}">', "  <head>"]
    lines += [f"    <variable name={_xml_attr(name)}/>" for name in result.variables]
    lines += ["  </head>", "  <results>"]
    for row in result.rows:
        lines.append("    <result>")
        for name, term in zip(result.variables, row):
            if term is not None:
                lines.append(f"      <binding name={_xml_attr(name)}>{_xml_term(term)}</binding>")
        lines.append("    </result>")
    lines += ["  </results>", "</sparql>"]
    return "\n".join(lines) + "\n"


# One term writer per W3C format (``_turtle_term`` for CSV/TSV, this one for XML, ``_json_term``):
# the branches are alike because terms are; the syntax of each format is not.
def _xml_term(term: Node) -> str:
    if isinstance(term, URIRef):
        return f"<uri>{_xml_text(str(term))}</uri>"
    if isinstance(term, BNode):
        return f"<bnode>{_xml_text(str(term))}</bnode>"
    assert isinstance(term, Literal)
    if term.language:
        return f"<literal xml:lang={_xml_attr(term.language)}>{_xml_text(str(term))}</literal>"
    if term.datatype and str(term.datatype) != f"{_XSD}string":
        return f"<literal datatype={_xml_attr(str(term.datatype))}>{_xml_text(str(term))}</literal>"
    return f"<literal>{_xml_text(str(term))}</literal>"


def _xml_text(text: str) -> str:
    text = _XML_FORBIDDEN.sub("\ufffd", text)  # XML 1.0 cannot carry these characters at all
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\r", "&#13;")


def _xml_attr(text: str) -> str:
    escaped = _xml_text(text).replace('"', "&quot;").replace("\n", "&#10;").replace("\t", "&#9;")
    return f'"{escaped}"'


def _format_boolean(answer: bool, fmt: str) -> str:
    word = "true" if answer else "false"
    if fmt == "json":
        return json.dumps({"head": {}, "boolean": answer}, indent=2) + "\n"
    if fmt == "xml":
        return (
            '<?xml version="1.0" encoding="utf-8"?>\n'
            f'<sparql xmlns="{_RESULTS_NS}">\n  <head/>\n  <boolean>{word}</boolean>\n</sparql>\n'
        )
    return word + "\n"


def _serialize_graph(result: QueryResult, fmt: str) -> str:
    graph = result.to_graph()
    if fmt == "jsonld":
        return graph.serialize(format="json-ld", context=dict(PREFIXES), indent=2)
    text = graph.serialize(format=GRAPH_FORMATS[fmt])
    if fmt == "nt":  # rdflib writes N-Triples in hash order; sort them so output is stable
        text = "".join(sorted(line + "\n" for line in text.splitlines() if line.strip()))
    return text


# -- for people -------------------------------------------------------------------------------


def display_term(term: Node | None, labels: Mapping[URIRef, str] | None = None) -> str:
    """A short, readable form of ``term``: a label, an instance id, a prefixed name or the literal's text."""
    if term is None:
        return ""
    if isinstance(term, URIRef):
        if labels and term in labels:
            return labels[term]
        text = str(term)
        if text.startswith(ID_BASE):
            return text[len(ID_BASE) :]
        for prefix, namespace in PREFIXES.items():
            if text.startswith(namespace) and len(text) > len(namespace):
                return f"{prefix}:{text[len(namespace):]}"
        return f"<{text}>"
    if isinstance(term, BNode):
        return f"_:{term}"
    return " ".join(str(term).split())


def _table(result: QueryResult, labels: Mapping[URIRef, str], max_width: int) -> str:
    header = list(result.variables)
    cells = [[_cut(display_term(term, labels), max_width) for term in row] for row in result.rows]
    sized = [[(name, _width(name)) for name in header]] + [[(cell, _width(cell)) for cell in row] for row in cells]
    widths = [max(width for _, width in column) for column in zip(*sized)] if header else []
    lines = []
    if header:
        lines.append(_join_cells(sized[0], widths))
        lines.append("  ".join("-" * w for w in widths))
        lines += [_join_cells(row, widths) for row in sized[1:]]
    count = len(result.rows)
    lines.append(f"{count} row" + ("" if count == 1 else "s"))
    return "\n".join(lines) + "\n"


def _join_cells(cells: Sequence[tuple[str, int]], widths: Sequence[int]) -> str:
    """Each (cell, its width) padded to its column's width."""
    padded = [cell + " " * (width - used) for (cell, used), width in zip(cells, widths)]
    return "  ".join(padded).rstrip()


def _markdown(result: QueryResult, labels: Mapping[URIRef, str]) -> str:
    def cell(text: str) -> str:
        return text.replace("\\", "\\\\").replace("|", "\\|") or " "

    lines = ["| " + " | ".join(cell(name) for name in result.variables) + " |"]
    lines.append("|" + "|".join("---" for _ in result.variables) + "|")
    for row in result.rows:
        lines.append("| " + " | ".join(cell(display_term(term, labels)) for term in row) + " |")
    return "\n".join(lines) + "\n"


def _width(text: str) -> int:
    """Terminal columns: East Asian wide and full-width characters take two, combining marks none."""
    if text.isascii():
        return len(text)
    return sum(2 if unicodedata.east_asian_width(c) in ("W", "F") else 0 if unicodedata.combining(c) else 1 for c in text)


def _cut(text: str, max_width: int) -> str:
    if _width(text) <= max_width:
        return text
    kept, used = [], 0
    for char in text:
        step = _width(char)
        if used + step > max_width - 1:
            break
        kept.append(char)
        used += step
    return "".join(kept) + "…"


# -- comparison -------------------------------------------------------------------------------


def comparable(result: QueryResult) -> Counter:
    """The result as a multiset of normalised rows (or triples), for comparing engines.

    Numbers compare by value (``1.50`` = ``1.5``), language tags case-insensitively, plain and
    ``xsd:string`` literals alike, and every blank node alike (labels are local to a result).
    An ASK result is a one-element multiset of its answer.
    """
    if result.form == "ASK":
        return Counter([bool(result.boolean)])
    if result.is_graph:
        return Counter(tuple(_normal(term) for term in triple) for triple in result.triples)
    return Counter(tuple(_normal(term) for term in row) for row in result.rows)


def _normal(term: Node | None) -> tuple:
    if term is None:
        return ("unbound",)
    if isinstance(term, URIRef):
        return ("iri", str(term))
    if isinstance(term, BNode):
        return ("bnode",)
    assert isinstance(term, Literal)
    datatype = str(term.datatype) if term.datatype else f"{_XSD}string"
    if term.language:
        return ("literal", str(term), term.language.lower())
    lexical = str(term)
    if datatype in _NUMERIC:
        try:
            number = Decimal(lexical.strip())
        except InvalidOperation:
            return ("literal", lexical, datatype)
        if number.is_finite():
            number = number.normalize()
            return ("number", "0" if number == 0 else format(number, "f"), "double" if datatype.endswith(("double", "float")) else "exact")
        return ("number", str(number), datatype)
    if datatype == f"{_XSD}boolean":
        return ("literal", {"1": "true", "0": "false"}.get(lexical, lexical), datatype)
    return ("literal", lexical, datatype)
