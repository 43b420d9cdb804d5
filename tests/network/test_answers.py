"""The store's answers as the projection reads them: TSV cells from a real Oxigraph store, and awkward graphs
projected exactly as the triples say (checked against a projection worked out from the rdflib triples)."""

from __future__ import annotations

import pyoxigraph as ox
import pytest
from rdflib import BNode, Graph, Literal, URIRef

from policygraph import load_graph
from policygraph.graph.handle import LoadedGraph
from policygraph.graph.labels import best_label, local_id
from policygraph.network.answers import literal
from policygraph.network.model import node_id
from policygraph.network.projection import project
from policygraph.network.schema import CITATION_PROPERTIES, LABEL_PROPERTIES, PG_NAMESPACE
from policygraph.resources import ontology_path
from policygraph.terms import PG, RDF

_TEXT = "".join(chr(c) for c in range(1, 128)) + "é\u2028\x85\xa0日本 \\n \\\\"
"""Every ASCII character (tab, line breaks, quote and backslash among them) and some that TSV writes as they are."""


@pytest.mark.parametrize(
    "term, expected",
    [
        (ox.Literal(_TEXT), (_TEXT, "")),
        (ox.Literal(_TEXT, language="en-gb"), (_TEXT, "en-gb")),
        (ox.Literal("x", datatype=ox.NamedNode("http://example.org/dt")), ("x", "")),
        (ox.Literal("2021-02", datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#gYearMonth")), ("2021-02", "")),
        (ox.Literal("12", datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#integer")), ("12", "")),
        (ox.Literal("true", datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#boolean")), ("true", "")),
        (ox.NamedNode("http://example.org/a,b"), None),
        (ox.BlankNode("b1"), None),
    ],
)
def test_literal_reads_the_tsv_cell_oxigraph_writes(term, expected):
    """A literal's lexical form and language come back exactly from its TSV cell; IRIs and blank nodes are no literal."""
    store = ox.Store()
    store.add(ox.Quad(ox.NamedNode("http://example.org/s"), ox.NamedNode("http://example.org/p"), term))
    answer = store.query("SELECT ?o WHERE { ?s ?p ?o }").serialize(format=ox.QueryResultsFormat.TSV).decode()
    cell = answer.split("\n")[1]
    assert literal(cell) == expected


AWKWARD = """
@prefix pg: <https://w3id.org/policygraph/ontology#> .
@prefix id: <https://w3id.org/policygraph/id/> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix ex: <http://example.org/> .
id:a a pg:Law ; skos:prefLabel "Tab\\there \\"q\\" back\\\\slash\\nline" , "Japanese"@ja ; rdfs:label "plain" ;
    pg:amends id:b , id:c , "a literal" , _:blank , ex:untyped , id:a ; pg:usesPractice id:p .
id:b a pg:Bill , pg:Law ; skos:prefLabel "B" ; pg:amends id:a ; pg:usesPractice id:p .
id:c a pg:Citation , pg:Bill ; skos:prefLabel "cited bill" ; pg:amends id:a .
_:blank a pg:Law ; pg:amends id:a ; pg:usesPractice id:p .
_:other pg:usesPractice id:p .
<http://example.org/with,comma> a pg:Measure ; pg:usesPractice id:p ; pg:amends id:a ; skos:prefLabel "comma"@fr .
id:p a pg:Practice ; skos:prefLabel "practice"@en .
id:q a pg:Practice ; pg:quote "quoted" , id:p , "more" ; ex:mixed "lit" , id:a ; skos:prefLabel id:p .
id:s a pg:Source ; pg:amends id:a .
"""
"""Blank nodes among the subjects a link's object groups, literals and non-entities among a link's objects, a node
also typed as a citation, a predicate with literals and IRIs, an IRI label, an IRI with a comma, a loop."""


def _expected(graph: Graph) -> tuple[dict[str, str], set[tuple[str, str, str]]]:
    """Node id → label and (source, predicate, target) edges, worked out triple by triple from the rdflib graph."""
    left_out = {PG.Citation, PG.Source}
    entities = {
        s
        for s, c in graph.subject_objects(RDF.type)
        if isinstance(s, URIRef) and str(c).startswith(PG_NAMESPACE) and not str(s).startswith(PG_NAMESPACE)
    }
    entities -= {s for s in entities if any((s, RDF.type, c) in graph for c in left_out)}
    labels = {}
    for node in entities:
        candidates = [
            (rank, value.language, str(value))
            for rank, prop in enumerate(LABEL_PROPERTIES)
            for value in graph.objects(node, prop)
            if isinstance(value, Literal)
        ]
        labels[node_id(node)] = " ".join(best_label(candidates).split()) if candidates else local_id(node)
    edges = {
        (node_id(s), str(p), node_id(o))
        for s, p, o in graph
        if s in entities and o in entities and s != o and p != RDF.type and p not in CITATION_PROPERTIES
    }
    return labels, edges


def test_project_awkward_graph_as_the_triples_say(tmp_path):
    """Every entity and every link between two entities, each once, with the label the triples give it."""
    path = tmp_path / "awkward.ttl"
    path.write_text(AWKWARD, encoding="utf-8")
    loaded = load_graph([path], bundled=False)
    reference = Graph()
    reference.parse(ontology_path(), format="turtle")
    reference.parse(path, format="turtle")
    labels, edges = _expected(reference)

    network = project(loaded)
    table = network.table
    assert sorted(labels) == table.ids
    assert dict(zip(table.ids, (a["label"] for a in table.attributes))) == labels
    assert {(table.ids[s], d["predicate"], table.ids[t]) for s, t, _, d in table.edges} == edges
    assert len(table.edges) == len(edges)
    assert table.attributes[table.ids.index("http://example.org/with,comma")]["label"] == "comma"
    assert table.attributes[table.ids.index("a")]["label"] == "Tab here \"q\" back\\slash line"


def test_project_handle_without_ontology_classes_is_empty():
    """A graph with no policygraph instances projects to no nodes and no edges."""
    graph = Graph()
    graph.add((URIRef("http://example.org/a"), URIRef("http://example.org/p"), BNode()))
    network = project(LoadedGraph(graph=graph))
    assert (network.number_of_nodes(), network.number_of_edges()) == (0, 0)
