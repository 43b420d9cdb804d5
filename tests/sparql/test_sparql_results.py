"""sparql_results.py: the W3C result formats (exact, and read back by other parsers), tables, comparison."""

from __future__ import annotations

import json

import pyoxigraph as ox
import pytest
from rdflib import BNode, Graph, Literal, Namespace, URIRef
from rdflib.compare import isomorphic

from policygraph.graph.convert import to_rdflib
from policygraph.sparql.results import QueryResult, comparable, display_term, format_result

XSD = Namespace("http://www.w3.org/2001/XMLSchema#")
PGID = "https://w3id.org/policygraph/id/"

ROWS = QueryResult(
    "SELECT",
    variables=["thing", "label", "value"],
    rows=[
        (URIRef(PGID + "crc"), Literal("Convention, \"CRC\"", lang="en"), Literal("42", datatype=XSD.integer)),
        (URIRef("http://example.org/é?q=1&r=2"), Literal("two\nlines\tand tab"), None),
        (BNode("b0"), Literal("児童の権利に関する条約", lang="ja"), Literal("2021-02", datatype=XSD.gYearMonth)),
        (None, Literal("plain"), Literal("1.50", datatype=XSD.decimal)),
    ],
)


def test_format_result_csv_exact():
    """CSV: header without '?', plain values, blank for unbound, RFC 4180 quoting, CRLF line ends."""
    assert format_result(ROWS, "csv") == (
        "thing,label,value\r\n"
        'https://w3id.org/policygraph/id/crc,"Convention, ""CRC""",42\r\n'
        'http://example.org/é?q=1&r=2,"two\nlines\tand tab",\r\n'
        "_:b0,児童の権利に関する条約,2021-02\r\n"
        ",plain,1.50\r\n"
    )


def test_format_result_tsv_exact():
    """TSV: '?var' header, terms in Turtle syntax with escapes, numbers abbreviated, LF line ends."""
    assert format_result(ROWS, "tsv") == (
        "?thing\t?label\t?value\n"
        '<https://w3id.org/policygraph/id/crc>\t"Convention, \\"CRC\\""@en\t42\n'
        '<http://example.org/é?q=1&r=2>\t"two\\nlines\\tand tab"\t\n'
        '_:b0\t"児童の権利に関する条約"@ja\t"2021-02"^^<http://www.w3.org/2001/XMLSchema#gYearMonth>\n'
        '\t"plain"\t1.50\n'
    )


def test_format_result_json_exact():
    """JSON: head.vars and one binding object per row, unbound variables left out."""
    document = json.loads(format_result(ROWS, "json"))
    assert document["head"] == {"vars": ["thing", "label", "value"]}
    assert document["results"]["bindings"][0] == {
        "thing": {"type": "uri", "value": PGID + "crc"},
        "label": {"type": "literal", "value": 'Convention, "CRC"', "xml:lang": "en"},
        "value": {"type": "literal", "value": "42", "datatype": str(XSD.integer)},
    }
    assert document["results"]["bindings"][1]["label"] == {"type": "literal", "value": "two\nlines\tand tab"}
    assert "value" not in document["results"]["bindings"][1]
    assert document["results"]["bindings"][2]["thing"] == {"type": "bnode", "value": "b0"}
    assert "thing" not in document["results"]["bindings"][3]


def test_format_result_xml_exact():
    """XML: the sparql-results namespace, one binding element per bound variable, escaped text."""
    result = QueryResult("SELECT", ["x", "y"], [(URIRef("http://example.org/?a=1&b=2"), Literal("<b> & \"q\"", lang="en")), (None, None)])
    assert format_result(result, "xml") == (
        '<?xml version="1.0" encoding="utf-8"?>\n'
        '<sparql xmlns="http://www.w3.org/2005/sparql-results#">\n'
        "  <head>\n"
        '    <variable name="x"/>\n'
        '    <variable name="y"/>\n'
        "  </head>\n"
        "  <results>\n"
        "    <result>\n"
        '      <binding name="x"><uri>http://example.org/?a=1&amp;b=2</uri></binding>\n'
        '      <binding name="y"><literal xml:lang="en">&lt;b&gt; &amp; "q"</literal></binding>\n'
        "    </result>\n"
        "    <result>\n"
        "    </result>\n"
        "  </results>\n"
        "</sparql>\n"
    )


@pytest.mark.parametrize("fmt", ["json", "xml", "tsv"])
def test_format_result_read_back_by_oxigraph(fmt):
    """Oxigraph's results parser reads our JSON, XML and TSV back to the very same terms."""
    text = format_result(ROWS, fmt)
    parsed = ox.parse_query_results(text.encode("utf-8"), format=getattr(ox.QueryResultsFormat, fmt.upper()))
    assert [v.value for v in parsed.variables] == ROWS.variables
    rows = [tuple(to_rdflib(solution[i]) for i in range(3)) for solution in parsed]
    assert comparable(QueryResult("SELECT", ROWS.variables, rows)) == comparable(ROWS)
    assert [row[1] for row in rows] == [row[1] for row in ROWS.rows]


@pytest.mark.parametrize("fmt", ["json", "xml", "csv"])
def test_format_result_read_back_by_rdflib(fmt):
    """rdflib's results parsers read our JSON and XML back to the same terms, and CSV to the same values."""
    from rdflib.query import Result

    parsed = Result.parse(source=__import__("io").BytesIO(format_result(ROWS, fmt).encode("utf-8")), format=fmt)
    assert [str(v) for v in parsed.vars] == ROWS.variables
    got = [tuple(row.asdict().get(str(v)) for v in parsed.vars) for row in parsed]
    if fmt == "csv":  # CSV carries values only: compare the text
        assert [tuple("" if t is None else str(t) for t in row) for row in got] == [
            tuple("" if t is None else (f"_:{t}" if isinstance(t, BNode) else str(t)) for t in row) for row in ROWS.rows
        ]
    else:
        assert [row[1] for row in got] == [row[1] for row in ROWS.rows]
        assert got[0][0] == ROWS.rows[0][0] and got[0][2] == ROWS.rows[0][2]


def test_format_result_xml_is_well_formed_with_control_characters():
    """Characters XML 1.0 cannot carry are replaced, so the document always parses."""
    from lxml import etree

    result = QueryResult("SELECT", ["x"], [(Literal("bell\x07 and \r return"),)])
    root = etree.fromstring(format_result(result, "xml").encode("utf-8"))
    literal = root.find(".//{http://www.w3.org/2005/sparql-results#}literal")
    assert literal.text == "bell\ufffd and \r return"


@pytest.mark.parametrize(
    ("fmt", "true_text"),
    [
        ("table", "true\n"),
        ("csv", "true\n"),
        ("json", '{\n  "head": {},\n  "boolean": true\n}\n'),
        ("xml", '<?xml version="1.0" encoding="utf-8"?>\n<sparql xmlns="http://www.w3.org/2005/sparql-results#">\n  <head/>\n  <boolean>true</boolean>\n</sparql>\n'),
    ],
)
def test_format_result_ask(fmt, true_text):
    """ASK answers in every results format; JSON and XML are the W3C boolean documents."""
    assert format_result(QueryResult("ASK", boolean=True), fmt) == true_text
    assert "false" in format_result(QueryResult("ASK", boolean=False), fmt)


def test_format_result_table_compact_and_counted():
    """A table shows ids and prefixed names, cuts long cells, aligns wide characters, counts rows."""
    result = QueryResult(
        "SELECT",
        ["id", "class", "name"],
        [
            (URIRef(PGID + "crc"), URIRef("https://w3id.org/policygraph/ontology#Treaty"), Literal("児童の権利")),
            (URIRef("http://example.org/x"), None, Literal("a very long name indeed, longer than the width")),
        ],
    )
    assert format_result(result, "table", max_width=20) == (
        "id                    class      name\n"
        "--------------------  ---------  --------------------\n"
        "crc                   pg:Treaty  児童の権利\n"
        "<http://example.org…             a very long name in…\n"
        "2 rows\n"
    )
    one = QueryResult("SELECT", ["n"], [(Literal("1", datatype=XSD.integer),)])
    assert format_result(one, "table").endswith("\n1 row\n")
    assert format_result(QueryResult("SELECT", ["n"], []), "table") == "n\n-\n0 rows\n"


def test_format_result_table_and_md_with_labels():
    """--labels replaces IRIs by their names; Markdown escapes pipes and keeps whole values."""
    result = QueryResult("SELECT", ["policy", "note"], [(URIRef(PGID + "icrra"), Literal("a|b\nc"))])
    labels = {URIRef(PGID + "icrra"): "Immigration Control Act"}
    assert format_result(result, "table", labels=labels) == (
        "policy                   note\n-----------------------  -----\nImmigration Control Act  a|b c\n1 row\n"
    )
    assert format_result(result, "md", labels=labels) == (
        "| policy | note |\n|---|---|\n| Immigration Control Act | a\\|b c |\n"
    )


def test_format_result_graph_formats_parse_back():
    """CONSTRUCT results serialise to Turtle, N-Triples (sorted), JSON-LD and RDF/XML that parse to the same graph."""
    triples = [
        (URIRef(PGID + "b"), URIRef("http://www.w3.org/2004/02/skos/core#prefLabel"), Literal("B", lang="en")),
        (URIRef(PGID + "a"), URIRef("https://w3id.org/policygraph/ontology#amends"), URIRef(PGID + "b")),
    ]
    result = QueryResult("CONSTRUCT", triples=triples)
    expected = Graph()
    for triple in triples:
        expected.add(triple)
    nt = format_result(result, "nt")
    assert nt.splitlines() == sorted(nt.splitlines())
    for fmt, parser in (("ttl", "turtle"), ("nt", "nt"), ("jsonld", "json-ld"), ("xml", "xml")):
        assert isomorphic(Graph().parse(data=format_result(result, fmt), format=parser), expected), fmt
    assert "@prefix pg: <https://w3id.org/policygraph/ontology#>" in format_result(result, "ttl")


def test_format_result_refuses_mismatched_format():
    """A graph format for rows (or the reverse) is a programming error the CLI prevents."""
    with pytest.raises(ValueError):
        format_result(ROWS, "ttl")
    with pytest.raises(ValueError):
        format_result(QueryResult("CONSTRUCT"), "csv")


def test_display_term_forms():
    """Instance ids, prefixed names, <other IRIs>, blank nodes, literal text with whitespace folded."""
    assert display_term(URIRef(PGID + "jp-moj")) == "jp-moj"
    assert display_term(URIRef("http://www.w3.org/2004/02/skos/core#Concept")) == "skos:Concept"
    assert display_term(URIRef("https://example.org/x")) == "<https://example.org/x>"
    assert display_term(BNode("n1")) == "_:n1"
    assert display_term(Literal(" two\n lines ")) == "two lines"
    assert display_term(None) == ""


def test_comparable_normalises_terms():
    """Numbers by value, language tags by case, plain = xsd:string, any blank node = any other."""
    a = QueryResult("SELECT", ["x", "y", "z"], [(Literal("1.50", datatype=XSD.decimal), Literal("a", lang="EN"), BNode("p"))])
    b = QueryResult("SELECT", ["x", "y", "z"], [(Literal("1.5", datatype=XSD.decimal), Literal("a", lang="en"), BNode("q"))])
    assert comparable(a) == comparable(b)
    assert comparable(QueryResult("SELECT", ["s"], [(Literal("x"),)])) == comparable(
        QueryResult("SELECT", ["s"], [(Literal("x", datatype=XSD.string),)])
    )
    assert comparable(QueryResult("SELECT", ["n"], [(Literal("01", datatype=XSD.integer),)])) == comparable(
        QueryResult("SELECT", ["n"], [(Literal("1", datatype=XSD.integer),)])
    )
    assert comparable(QueryResult("SELECT", ["n"], [(Literal("1", datatype=XSD.integer),)])) != comparable(
        QueryResult("SELECT", ["n"], [(Literal("1"),)])
    )
    assert comparable(QueryResult("SELECT", ["n"], [(Literal("1"),), (Literal("1"),)])) != comparable(
        QueryResult("SELECT", ["n"], [(Literal("1"),)])
    )
