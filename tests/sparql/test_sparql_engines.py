"""sparql_engines.py: term conversion, the graph in both forms, prebuilt files, binding blocks, the time limit."""

from __future__ import annotations

import multiprocessing
import os
import time
from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import BNode, Literal, Namespace, URIRef
from rdflib.compare import isomorphic
from rdflib.plugins.sparql.parser import parseQuery

from policygraph import load_graph
from policygraph.errors import InputError, SchemaError
from policygraph.graph.build import open_graph_file
from policygraph.graph.convert import to_oxigraph, to_rdflib
from policygraph.graph.handle import LoadedGraph
from policygraph.model import Location
from policygraph.sparql.engines import ChildCall, call_with_timeout, evaluate_oxigraph
from policygraph.sparql.params import bind_in_tree, with_values
from policygraph.sparql.syntax import sparql_term, variables_in_order

DATA = Path(__file__).parents[1] / "fixtures" / "query"
XSD = Namespace("http://www.w3.org/2001/XMLSchema#")
X = URIRef("https://w3id.org/policygraph/id/x")


@pytest.mark.parametrize(
    "term",
    [
        URIRef("https://w3id.org/policygraph/id/crc"),
        BNode("b1"),
        Literal("plain"),
        Literal("日本語", lang="ja"),
        Literal("2021-02-19", datatype=XSD.date),
        Literal("1.5", datatype=XSD.decimal),
    ],
)
def test_to_oxigraph_and_back(term):
    """Terms survive the round trip rdflib → Oxigraph → rdflib unchanged."""
    assert to_rdflib(to_oxigraph(term)) == term


def test_to_rdflib_string_literal_is_plain():
    """Oxigraph's xsd:string literal becomes rdflib's plain literal (the same RDF 1.1 term)."""
    assert to_rdflib(ox.Literal("x")) == Literal("x")
    assert to_rdflib(None) is None


def test_evaluate_oxigraph_converts_each_term_once():
    """A term repeated in the answer is one rdflib term (converted once); terms with the same text in another
    language or datatype stay apart; unbound stays None."""
    store = ox.Store()
    x, pg = "https://w3id.org/policygraph/id/", "https://w3id.org/policygraph/ontology#"
    integer = ox.NamedNode(str(XSD.integer))
    for i, value in enumerate([ox.Literal("1", datatype=integer), ox.Literal("2", datatype=integer), ox.Literal("1"),
                               ox.Literal("1", language="en"), ox.Literal("1", datatype=integer)]):
        store.add(ox.Quad(ox.NamedNode(f"{x}s{i}"), ox.NamedNode(f"{pg}value"), value))
        store.add(ox.Quad(ox.NamedNode(f"{x}s{i}"), ox.NamedNode(f"{pg}kind"), ox.NamedNode(f"{pg}Same")))
    text = f"SELECT ?s ?kind ?v ?none WHERE {{ ?s <{pg}kind> ?kind ; <{pg}value> ?v OPTIONAL {{ ?s <{pg}no> ?none }} }} ORDER BY ?s"
    result = evaluate_oxigraph(store, text, "SELECT")
    assert [row[2] for row in result.rows] == [
        Literal("1", datatype=XSD.integer), Literal("2", datatype=XSD.integer), Literal("1"), Literal("1", lang="en"),
        Literal("1", datatype=XSD.integer),
    ]
    assert len({id(row[1]) for row in result.rows}) == 1 and result.rows[0][1] == URIRef(f"{pg}Same")
    assert result.rows[0][2] is result.rows[4][2]
    assert all(row[3] is None for row in result.rows)


def test_loaded_graph_converts_both_ways():
    """A graph copied into Oxigraph and back is the same graph."""
    graph = load_graph([DATA], bundled=False).graph
    store = LoadedGraph(graph=graph).store
    assert len(store) == len(graph)
    back = LoadedGraph(store=store).graph
    assert isomorphic(back, graph)


def test_loaded_graph_from_file_formats(tmp_path):
    """A prebuilt graph is read by Oxigraph; named graphs of N-Quads are merged into the default graph."""
    graph = load_graph([DATA], bundled=False).graph
    (tmp_path / "g.ttl").write_text(graph.serialize(format="turtle"), encoding="utf-8")
    from_ttl = open_graph_file(tmp_path / "g.ttl")
    assert len(from_ttl) == len(from_ttl.store) == len(graph) and isomorphic(from_ttl.graph, graph)
    (tmp_path / "g.nq").write_text('<http://a> <http://b> "c" <http://g1> .\n<http://a> <http://b> "d" .\n', encoding="utf-8")
    merged = open_graph_file(tmp_path / "g.nq")
    assert len(merged) == 2 and len(merged.graph) == 2
    assert merged.has_subject(URIRef("http://a")) and not merged.has_subject(URIRef("http://c"))


def test_loaded_graph_from_file_errors(tmp_path):
    """Missing files, unknown types and syntax errors are InputErrors with file, line and column."""
    with pytest.raises(InputError) as error:
        open_graph_file(tmp_path / "none.ttl")
    assert error.value.message == "no such file"
    (tmp_path / "g.csv").write_text("a,b\n")
    with pytest.raises(InputError) as error:
        open_graph_file(tmp_path / "g.csv")
    assert error.value.message == "unknown graph file type '.csv'"
    bad = tmp_path / "bad.ttl"
    bad.write_text("@prefix ex: <http://example.org/> .\nex:a ex:b ex:c .\nex:a ex:b .\n")
    with pytest.raises(InputError) as error:
        open_graph_file(bad)
    assert (error.value.location.path, error.value.location.line) == (str(bad), 3)
    assert error.value.message.startswith("cannot parse turtle: ")


def test_loaded_graph_json_ld_never_fetches_contexts(tmp_path):
    """A JSON-LD file with a remote @context is refused, not fetched."""
    path = tmp_path / "g.jsonld"
    path.write_text('{"@context": "http://example.invalid/context.jsonld", "@id": "http://a", "name": "x"}')
    with pytest.raises(InputError) as error:
        open_graph_file(path)
    assert "json-ld" in error.value.message.lower()


def test_loaded_graph_labels_prefer_english():
    """Labels: skos:prefLabel in English first, from either form of the graph."""
    graph = load_graph([DATA], bundled=False).graph
    node = URIRef("https://w3id.org/policygraph/id/ru-justice")
    for local in (LoadedGraph(graph=graph), LoadedGraph(store=LoadedGraph(graph=graph).store)):
        assert local.labels([node, URIRef("urn:none")]) == {node: "Ministry of Justice of Ruritania"}


def test_with_values_binds_every_group_that_mentions_a_parameter():
    """VALUES goes first into the WHERE group and each nested group using the parameter, not into data blocks."""
    text = (
        "SELECT ?a (EXISTS { ?a ?p ?x } AS ?e) WHERE {\n"
        "  ?a ?b ?x OPTIONAL { BIND(?x AS ?y) } { ?c ?d ?e } UNION { ?f ?g ?x }\n"
        '  VALUES ?z { 1 } FILTER(?a != "{ ?x }") # { ?x }\n'
        "}"
    )
    block = " VALUES (?x) { (<https://w3id.org/policygraph/id/x>) }"
    assert with_values(text, {"x": X}, "SELECT") == (
        "SELECT ?a (EXISTS { ?a ?p ?x } AS ?e) WHERE {" + block + "\n"
        "  ?a ?b ?x OPTIONAL {" + block + " BIND(?x AS ?y) } { ?c ?d ?e } UNION {" + block + " ?f ?g ?x }\n"
        '  VALUES ?z { 1 } FILTER(?a != "{ ?x }") # { ?x }\n'
        "}"
    )


def test_with_values_only_the_parameters_a_group_uses():
    """A nested group gets only the parameters that occur in it, in the order given."""
    text = "ASK { ?a ?b ?x MINUS { ?a ?b ?y } }"
    bound = with_values(text, {"x": X, "y": Literal(2)}, "ASK")
    assert bound == (
        'ASK { VALUES (?x ?y) { (<https://w3id.org/policygraph/id/x> "2"^^<http://www.w3.org/2001/XMLSchema#integer>) } '
        '?a ?b ?x MINUS { VALUES (?y) { ("2"^^<http://www.w3.org/2001/XMLSchema#integer>) } ?a ?b ?y } }'
    )


def test_with_values_construct_and_describe():
    """CONSTRUCT binds after its template; forms with nowhere to bind are refused."""
    assert with_values("CONSTRUCT { ?s ?p ?x } WHERE { ?s ?p ?x }", {"x": X}, "CONSTRUCT") == (
        "CONSTRUCT { ?s ?p ?x } WHERE { VALUES (?x) { (<https://w3id.org/policygraph/id/x>) } ?s ?p ?x }"
    )
    with pytest.raises(SchemaError) as error:
        with_values("CONSTRUCT WHERE { ?s ?p ?x }", {"x": X}, "CONSTRUCT")
    assert error.value.message == "parameters need the long form CONSTRUCT { ... } WHERE { ... }"
    with pytest.raises(SchemaError) as error:
        with_values("DESCRIBE <http://a>", {"x": X}, "DESCRIBE")
    assert error.value.message == "the query has no WHERE clause to bind parameters in"


def test_bind_in_tree_matches_with_values():
    """The parse-tree binding (rdflib) puts the same blocks in the same groups as the text binding."""
    text = "SELECT * WHERE { ?a ?b ?x OPTIONAL { BIND(?x AS ?y) } { ?c ?d ?e } UNION { ?f ?g ?x } FILTER EXISTS { ?x ?h ?y } }"
    added = bind_in_tree(parseQuery(text), {"x": X})
    assert added == [(["x"], [X])] * 4
    assert with_values(text, {"x": X}, "SELECT").count("VALUES (?x)") == 4


def test_sparql_term_escapes_and_refuses():
    """Literals are escaped; IRIs that could break out of <...> are refused."""
    assert sparql_term(Literal('a"b\\c\nd')) == '"a\\"b\\\\c\\nd"'
    assert sparql_term(Literal("x", lang="en")) == '"x"@en'
    with pytest.raises(SchemaError):
        sparql_term(URIRef("http://a> } ; DROP ALL ; <http://b"))
    with pytest.raises(SchemaError):
        sparql_term(BNode("b"))


def test_variables_in_order_skips_strings_and_comments():
    """Variables in order of first appearance, not counting those inside strings or comments."""
    assert variables_in_order('SELECT ?b $a WHERE { ?a ?c "?d" } # ?e\n') == ["b", "a", "c"]


def test_call_with_timeout_returns_value_and_errors():
    """The child's value comes back; a library error comes back as itself, location and hint included."""
    assert call_with_timeout(lambda: {"answer": [1, 2]}, 10) == {"answer": [1, 2]}

    def fail():
        raise SchemaError("bad thing", Location("q.rq", 3, 4), hint="fix it")

    with pytest.raises(SchemaError) as error:
        call_with_timeout(fail, 10)
    assert str(error.value) == "q.rq:3:4: bad thing (fix it)"

    def crash():
        raise ZeroDivisionError("oops")

    with pytest.raises(RuntimeError, match="ZeroDivisionError: oops"):
        call_with_timeout(crash, 10)


def test_call_with_timeout_kills_the_child():
    """A function that runs too long is stopped in time and its process reaped."""
    def sleepy():
        time.sleep(30)
        return os.getpid()

    start = time.monotonic()
    with pytest.raises(InputError) as error:
        call_with_timeout(sleepy, 0.3)
    assert time.monotonic() - start < 10
    assert error.value.message == "query timed out after 0.3 s"
    assert multiprocessing.active_children() == []


def test_call_with_timeout_none_runs_in_process():
    """Without a time limit the function runs here (no fork)."""
    assert call_with_timeout(os.getpid, None) == os.getpid()


def test_child_call_runs_beside_the_parent_and_keeps_its_deadline():
    """The child works while the parent does; the deadline counts from the start, not from ``result``."""
    def child_pid_after(seconds):
        time.sleep(seconds)
        return os.getpid()

    call = ChildCall(lambda: child_pid_after(0.5), 10)
    start = time.monotonic()
    time.sleep(0.5)  # the parent's own work, meanwhile
    assert call.result() != os.getpid()
    assert time.monotonic() - start < 0.9  # both half-seconds overlapped

    late = ChildCall(lambda: child_pid_after(30), 0.4)
    time.sleep(0.5)  # the deadline passes while the parent works
    start = time.monotonic()
    with pytest.raises(InputError, match="timed out after 0.4 s"):
        late.result()
    assert time.monotonic() - start < 1
    assert multiprocessing.active_children() == []


def test_child_call_cancel_reaps_the_child():
    """When the parent's own work fails, ``cancel`` kills and reaps the child."""
    call = ChildCall(lambda: time.sleep(30), 10)
    call.cancel()
    assert multiprocessing.active_children() == []
