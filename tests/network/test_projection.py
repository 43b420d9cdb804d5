"""The projection of the RDF graph to a network: nodes, edges, folding, filters, CONSTRUCT selections."""

from __future__ import annotations

from pathlib import Path

import pytest

from policygraph import load_graph
from policygraph.errors import ConfigError, PolicygraphError
from policygraph.network.model import ProjectionOptions
from policygraph.network.projection import construct, project
from policygraph.network.schema import nodes_of_type

DATA = Path(__file__).parents[1] / "fixtures" / "network"


def _edges(network) -> set[tuple[str, str, str]]:
    return {(u, k, v) for u, v, k in network.graph.edges(keys=True)}


def test_project_keeps_entities_and_object_properties(policy_graph):
    """Unfolded: 16 entities (no source, no citations), one edge per statement between them."""
    network = project(policy_graph)
    assert sorted(network.graph.nodes) == sorted(
        [
            "st",
            "min",
            "agency",
            "ngo-a",
            "ngo-b",
            "net",
            "law-1",
            "bill-1",
            "detention",
            "asylum-seekers",
            "children",
            "tr",
            "tr-art-9",
            "st-tr",
            "pos-1",
            "ev-1",
        ]
    )
    assert _edges(network) == {
        ("agency", "org:subOrganizationOf", "min"),
        ("ngo-a", "org:memberOf", "net"),
        ("ngo-b", "org:memberOf", "net"),
        ("law-1", "pg:responsibleBody", "agency"),
        ("law-1", "pg:jurisdiction", "st"),
        ("bill-1", "pg:amends", "law-1"),
        ("bill-1", "pg:proposedBy", "min"),
        ("bill-1", "pg:usesPractice", "detention"),
        ("bill-1", "pg:affectsGroup", "asylum-seekers"),
        ("tr-art-9", "pg:partOf", "tr"),
        ("tr-art-9", "pg:concernsPractice", "detention"),
        ("st-tr", "pg:state", "st"),
        ("st-tr", "pg:treaty", "tr"),
        ("pos-1", "pg:actor", "ngo-a"),
        ("pos-1", "pg:about", "bill-1"),
        ("ev-1", "pg:participant", "ngo-a"),
        ("ev-1", "pg:participant", "min"),
    }


def test_project_node_attributes(policy_graph):
    """Nodes carry label, type (class label), IRI, the dates as written and the time span as days."""
    graph = project(policy_graph).graph
    bill = graph.nodes["bill-1"]
    assert (bill["label"], bill["type"], bill["iri"]) == ("Bill One", "bill", "https://w3id.org/policygraph/id/bill-1")
    assert bill["dates"] == {"approved": "2021-02-19", "ended": "2021-10-14"}
    assert (bill["start"], bill["end"]) == ("2021-02-19", "2021-10-14")
    assert graph.nodes["law-1"]["start"] == "2010-04-01"
    assert graph.nodes["pos-1"]["start"] == "2021-01-01"
    assert graph.nodes["ngo-a"]["type"] == "civil society organisation"
    assert graph.nodes["ngo-a"]["properties"] == {}


def test_project_participation_starts_at_entry_into_force(policy_graph):
    """A participation's span starts when the treaty binds the state, not at signature."""
    node = project(policy_graph).graph.nodes["st-tr"]
    assert node["dates"] == {"entryIntoForce": "1979-09-21", "signed": "1978"}
    assert node["start"] == "1979-09-21"


def test_project_edge_attributes(policy_graph):
    """Edges carry kind, label from the ontology (or a known one), predicate IRI, weight 1."""
    graph = project(policy_graph).graph
    edge = graph.edges["bill-1", "detention", "pg:usesPractice"]
    assert edge["label"] == "uses practice"
    assert edge["predicate"] == "https://w3id.org/policygraph/ontology#usesPractice"
    assert (edge["weight"], edge["via"], edge["start"]) == (1, (), None)
    assert graph.edges["agency", "min", "org:subOrganizationOf"]["label"] == "part of"


def test_project_fold_replaces_nary_nodes_by_direct_edges(policy_graph):
    """--fold: participation, position and event become 3 edges; 13 nodes, 14 edges."""
    network = project(policy_graph, fold=True)
    graph = network.graph
    assert {"st-tr", "pos-1", "ev-1"}.isdisjoint(graph.nodes)
    assert (graph.number_of_nodes(), graph.number_of_edges()) == (13, 14)
    assert graph.edges["st", "tr", "participation:party"]["label"] == "party to"
    assert graph.edges["st", "tr", "participation:party"]["start"] == "1979-09-21"
    opposes = graph.edges["ngo-a", "bill-1", "position:opposes"]
    assert (opposes["label"], opposes["via"], opposes["start"], opposes["predicate"]) == (
        "opposes",
        ("pos-1",),
        "2021-01-01",
        None,
    )
    assert graph.edges["min", "ngo-a", "event:with"]["label"] == "at an event with"


def test_project_fold_merges_repeated_statements(tmp_path, policy_graph):
    """Two positions with the same stance on the same bill make one edge of weight 2, via both."""
    extra = tmp_path / "more.yaml"
    extra.write_text(
        "- id: pos-2\n  type: position\n  stance: opposes\n  actors: [ngo-a]\n  about: [bill-1]\n  date: 2019\n"
        "  cite: [{url: 'https://example.org/p', locator: '1', quote: 'no'}]\n"
    )
    graph = load_graph([DATA / "policy.yaml", extra], bundled=False)
    edge = project(graph, fold=True).graph.edges["ngo-a", "bill-1", "position:opposes"]
    assert (edge["weight"], edge["via"], edge["start"]) == (2, ("pos-1", "pos-2"), "2019-01-01")


def test_project_types_include_subclasses(policy_graph):
    """--types body keeps government bodies, NGOs and the state; names match labels and record types."""
    assert sorted(project(policy_graph, types=("body",)).graph.nodes) == ["agency", "min", "net", "ngo-a", "ngo-b", "st"]
    assert sorted(project(policy_graph, types=("government-body", "Law")).graph.nodes) == ["agency", "law-1", "min"]
    assert sorted(project(policy_graph, types=("civil society organisation",)).graph.nodes) == ["net", "ngo-a", "ngo-b"]


def test_project_exclude_types(policy_graph):
    """--exclude-types leaves out nodes of those types and their edges."""
    network = project(policy_graph, exclude_types=("policy", "group"))
    assert {"law-1", "bill-1", "asylum-seekers", "children"}.isdisjoint(network.graph.nodes)
    assert network.graph.number_of_nodes() == 12


def test_project_edge_kinds_keep_joined_nodes_only(policy_graph):
    """--edge-kinds keeps edges of those kinds (by prefixed name, local name or label) and their nodes."""
    network = project(policy_graph, edge_kinds=("memberOf", "part of"))
    assert _edges(network) == {
        ("ngo-a", "org:memberOf", "net"),
        ("ngo-b", "org:memberOf", "net"),
        ("agency", "org:subOrganizationOf", "min"),
    }
    assert sorted(network.graph.nodes) == ["agency", "min", "net", "ngo-a", "ngo-b"]


def test_project_exclude_kinds_keeps_nodes(policy_graph):
    """--exclude-kinds drops the edges but keeps every node."""
    network = project(policy_graph, exclude_kinds=("pg:jurisdiction",))
    assert network.graph.number_of_nodes() == 16
    assert ("law-1", "pg:jurisdiction", "st") not in _edges(network)
    assert network.graph.number_of_edges() == 16


def test_project_unknown_type_is_config_error(policy_graph):
    """An unknown type names the valid ones."""
    with pytest.raises(ConfigError) as caught:
        project(policy_graph, types=("ministry",))
    assert caught.value.message == "unknown type 'ministry'"
    assert "government body" in caught.value.hint


def test_project_unknown_edge_kind_is_config_error(policy_graph):
    """An edge kind absent from the network lists the kinds present."""
    with pytest.raises(ConfigError) as caught:
        project(policy_graph, edge_kinds=("opposes",))
    assert caught.value.message == "no edges of kind 'opposes' in the network"
    assert "pg:amends" in caught.value.hint


def test_project_citations_add_sources(policy_graph):
    """--citations adds the source as a node, with a 'cites' edge from each record citing it."""
    network = project(policy_graph, citations=True)
    assert network.graph.nodes["src"]["type"] == "source"
    assert network.graph.edges["bill-1", "src", "prov:wasDerivedFrom"]["label"] == "cites"
    assert "src" not in project(policy_graph).graph


def test_project_literals_become_properties(policy_graph):
    """--literals adds literal properties: numbers as floats, booleans as booleans, text as text."""
    graph = project(policy_graph, literals=True).graph
    assert graph.nodes["tr"]["properties"]["binding"] is True
    assert graph.nodes["bill-1"]["properties"]["status"] == "abandoned"
    assert graph.nodes["ngo-a"]["properties"]["kind"] == "ngo"
    assert "prefLabel" not in graph.nodes["ngo-a"]["properties"]


def test_project_query_selects_triples(policy_graph):
    """--query: only the constructed triples become edges; labels and types still come from the graph."""
    query = "CONSTRUCT { ?a org:memberOf ?b } WHERE { ?a org:memberOf ?b }"
    network = project(policy_graph, query=query)
    assert sorted(network.graph.nodes) == ["net", "ngo-a", "ngo-b"]
    assert network.graph.nodes["net"]["label"] == "The Network"
    assert network.graph.number_of_edges() == 2


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("SELECT * WHERE { ?s ?p ?o }", "--query must be a CONSTRUCT query, not SELECT"),
        ("ASK { ?s ?p ?o }", "--query must be a CONSTRUCT query, not ASK"),
        (
            "CONSTRUCT { ?s ?p ?o } WHERE { SERVICE <http://example.org/sparql> { ?s ?p ?o } }",
            (
                "--query:1:32: SERVICE is not allowed: policygraph does not send queries on to other endpoints"
                " (SERVICE <http://example.org/sparql>)"
            ),
        ),
        (
            "CONSTRUCT { ?s ?p ?o } FROM <http://example.org/g> WHERE { ?s ?p ?o }",
            "--query: FROM is not allowed in --query: it runs on the loaded graph and never fetches others",
        ),
        ("LOAD <http://example.org/g>", "--query:1: LOAD is not allowed: policygraph query is read-only"),
        ("CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ", "--query:1:38: syntax error near '?s ?p'"),
    ],
)
def test_construct_refuses_unsafe_or_wrong_queries(policy_graph, query, message):
    """Only CONSTRUCT on the loaded graph runs (the query module's checks): SELECT, SERVICE, FROM, updates refused."""
    with pytest.raises(PolicygraphError) as caught:
        construct(policy_graph, query)
    assert str(caught.value) == message


def test_construct_names_the_query_file(policy_graph):
    """Errors in a query file name the file and line."""
    with pytest.raises(PolicygraphError) as caught:
        construct(policy_graph, "CONSTRUCT { ?s ?p ?o }\nWHERE { SERVICE <http://x.org/s> { ?s ?p ?o } }", "q.rq")
    assert str(caught.value).startswith("q.rq:2:")


def test_network_node_resolves_and_explains(policy_graph):
    """node() accepts ids and IRIs; explains ids that are folded away; suggests near misses."""
    network = project(policy_graph, fold=True)
    assert network.node("bill-1") == "bill-1"
    assert network.node("https://w3id.org/policygraph/id/bill-1") == "bill-1"
    with pytest.raises(ConfigError) as caught:
        network.node("pos-1")
    assert caught.value.message == "'pos-1' is not in the network"
    with pytest.raises(ConfigError) as caught:
        network.node("bill-2")
    assert str(caught.value) == "unknown id 'bill-2' (did you mean 'bill-1'?)"


def test_nodes_of_type_uses_subclasses(policy_graph):
    """nodes_of_type('policy') finds laws and bills."""
    assert nodes_of_type(project(policy_graph), "policy") == {"law-1", "bill-1"}


def test_project_options_object_equals_keywords(policy_graph):
    """project(graph, ProjectionOptions(...)) is the same as project(graph, **keywords)."""
    a = project(policy_graph, ProjectionOptions(fold=True, types=("body",)))
    b = project(policy_graph, fold=True, types=("body",))
    assert _edges(a) == _edges(b) and sorted(a.graph.nodes) == sorted(b.graph.nodes)


def test_project_bundled_has_stable_facts(bundled):
    """On the bundled data: the 2021 bill is a node, and folding links SMJ to it by its opposition."""
    network = project(bundled, fold=True)
    graph = network.graph
    assert graph.nodes["bill-2021-immigration-control-revision"]["type"] == "bill"
    assert graph.nodes["bill-2021-immigration-control-revision"]["start"] == "2021-02-19"
    assert graph.has_edge("smj", "bill-2021-immigration-control-revision", "position:opposes")
    assert graph.has_edge("jp", "crc", "participation:party")
    assert not any(d["type"] in ("position", "event", "participation") for _, d in graph.nodes(data=True))
    assert network.notes == []


def test_project_notes_end_before_start(tmp_path):
    """A time span that ends before it starts keeps its start, drops its end, and says so in notes."""
    bad = tmp_path / "bad.yaml"
    bad.write_text(
        "- id: b\n  type: government-body\n  label: B\n  founded: 2020\n  dissolved: 2010\n"
        "  cite: [{url: 'https://example.org/b', locator: '1', quote: 'B'}]\n"
    )
    network = project(load_graph([bad], bundled=False))
    assert (network.graph.nodes["b"]["start"], network.graph.nodes["b"]["end"]) == ("2020-01-01", None)
    assert network.notes == ["b: end 2010-12-31 before start 2020-01-01; end left out of the time span"]


def test_folded_kinds_documents_every_folded_edge(bundled):
    """Every edge kind --fold makes on the bundled data is one FOLDED_KINDS describes."""
    import re

    from policygraph.network.folding import FOLDED_KINDS

    patterns = [re.compile("^" + re.sub(r"<\w+>", "[a-z-]+", k) + "$") for k in FOLDED_KINDS]
    folded = {
        k
        for _, _, k in project(bundled, fold=True).graph.edges(keys=True)
        if not k.startswith(("pg:", "org:", "skos:"))
    }
    assert folded and all(any(p.match(k) for p in patterns) for k in folded), sorted(folded)


def test_project_types_accept_record_type_names(policy_graph):
    """Record types from the data format name classes too: 'feature', 'residence-status', 'government-body'."""
    assert sorted(project(policy_graph, types=("government-body",)).graph.nodes) == ["agency", "min"]
    assert project(policy_graph, types=("feature",)).graph.number_of_nodes() == 0
