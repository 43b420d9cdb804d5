"""Network measures on hand-made networks whose answers are worked out by hand (see tests/fixtures/network/)."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from policygraph.network.communities import communities
from policygraph.network.cuts import cut_points
from policygraph.network.measures import centrality, node_scores, summarise_network
from policygraph.network.paths import ego_network, shortest_paths
from policygraph.errors import ConfigError
from policygraph import load_graph
from policygraph.network.projection import project

DATA = Path(__file__).parents[1] / "fixtures" / "network"


@pytest.fixture(scope="module")
def policy_graph():
    return load_graph([DATA / "policy.yaml"], bundled=False)


@pytest.fixture(scope="module")
def policy(policy_graph):
    """The policy network, n-ary nodes kept."""
    return project(policy_graph)


@pytest.fixture(scope="module")
def folded(policy_graph):
    """The policy network with --fold: 13 nodes, 14 edges."""
    return project(policy_graph, fold=True)


@pytest.fixture(scope="module")
def cliques():
    """Two triangles a1 a2 a3 and b1 b2 b3 joined by the link a1 — b1."""
    return project(load_graph([DATA / "cliques.yaml"], bundled=False))


def test_summarise_network_counts(policy):
    """16 nodes, 17 edges, density 17/120, one isolated node; degrees counted by hand."""
    summary = summarise_network(policy)
    assert (summary.nodes, summary.edges, summary.links) == (16, 17, 17)
    assert summary.density == pytest.approx(17 / 120)
    assert (summary.components, summary.largest_component, summary.isolates) == (2, 15, 1)
    assert summary.degree_distribution == ((0, 1), (1, 2), (2, 9), (3, 3), (5, 1))
    assert (summary.mean_degree, summary.max_degree) == (pytest.approx(34 / 16), 5)
    assert summary.nodes_by_type[0] == ("civil society organisation", 3)
    assert summary.edges_by_kind[:2] == (("org:memberOf", "member of", 2), ("pg:participant", "participant", 2))


def test_summarise_network_to_dict_and_rows(folded):
    """to_dict is JSON-safe with stable keys; rows() has one row per figure."""
    summary = summarise_network(folded)
    data = summary.to_dict()
    assert data["nodes"] == 13 and data["edges"] == 14 and data["density"] == round(14 / 78, 6)
    assert data["degree_distribution"][0] == {"degree": 0, "nodes": 1}
    header, rows = summary.rows()
    assert header == ["section", "key", "value"]
    assert ["network", "isolates", 1] in rows and ["edge_kind", "position:opposes", 1] in rows


def test_centrality_degree_ranks_ties_together(folded):
    """Folded degrees: bill 5/12; law, ministry and NGO A tie at 3/12 (rank 2); then six at 2/12 (rank 5)."""
    result = centrality(folded, "degree", top=10)
    assert [(r.rank, r.id, r.degree) for r in result.ranking[:5]] == [
        (1, "bill-1", 5),
        (2, "law-1", 3),
        (2, "min", 3),
        (2, "ngo-a", 3),
        (5, "agency", 2),
    ]
    assert result.ranking[0].score == pytest.approx(5 / 12)
    assert len(result.ranking) == 10 and result.nodes == 13


def test_centrality_type_filters_display_only(folded):
    """--type body shows bodies only, scored on the whole network."""
    result = centrality(folded, "degree", top=3, type="body")
    assert [(r.rank, r.id) for r in result.ranking] == [(1, "min"), (1, "ngo-a"), (3, "agency")]
    assert result.ranking[0].score == pytest.approx(3 / 12)


def test_centrality_betweenness_of_a_bridge_pair(cliques):
    """a1 and b1 lie on all 6 shortest paths between the triangles: 6 of 10 pairs = 0.6."""
    result = centrality(cliques, "betweenness", top=6)
    assert [(r.rank, r.id, round(r.score, 6)) for r in result.ranking[:3]] == [
        (1, "a1", 0.6),
        (1, "b1", 0.6),
        (3, "a2", 0.0),
    ]


def test_centrality_pagerank_and_eigenvector_are_symmetric(cliques):
    """PageRank sums to 1; both measures score a1 = b1 above the others, and a2 = a3 = b2 = b3."""
    for measure in ("pagerank", "eigenvector"):
        scores = node_scores(cliques, measure)
        assert scores["a1"] == pytest.approx(scores["b1"])
        assert scores["a2"] == pytest.approx(scores["a3"]) == pytest.approx(scores["b2"]) == pytest.approx(scores["b3"])
        assert scores["a1"] > scores["a2"] > 0
    assert sum(node_scores(cliques, "pagerank").values()) == pytest.approx(1.0)


def test_centrality_unknown_measure_is_config_error(cliques):
    """An unknown measure names the valid ones."""
    with pytest.raises(ConfigError) as caught:
        centrality(cliques, "closeness")
    assert str(caught.value) == "unknown measure 'closeness' (one of: degree, betweenness, pagerank, eigenvector)"


@pytest.mark.parametrize("method", ["louvain", "greedy"])
def test_communities_finds_the_two_triangles(cliques, method):
    """Both methods split the two triangles; each is bound by three 'member of' edges; Q = 5/14."""
    result = communities(cliques, method)
    assert [sorted(m.id for m in c.members) for c in result.communities] == [["a1", "a2", "a3"], ["b1", "b2", "b3"]]
    assert all(c.edge_kinds == (("org:memberOf", "member of", 3),) for c in result.communities)
    assert result.modularity == pytest.approx(2 * (3 / 7 - (7 / 14) ** 2))
    assert result.communities[0].members[0].id == "a1"  # highest degree first


def test_communities_same_seed_same_result(folded):
    """Louvain with the same seed gives the same communities; singletons are counted, not listed."""
    first, second = communities(folded, seed=3), communities(folded, seed=3)
    assert first == second
    assert first.hidden == 1  # children, alone
    assert sum(len(c.members) for c in first.communities) == 12
    assert communities(folded, min_size=1).hidden == 0


def test_communities_unknown_method_is_config_error(cliques):
    """An unknown method names the valid ones."""
    with pytest.raises(ConfigError) as caught:
        communities(cliques, "girvan-newman")
    assert str(caught.value) == "unknown method 'girvan-newman' (one of: louvain, greedy)"


def test_shortest_paths_folded_reads_as_a_sentence(folded):
    """NGO A —opposes→ Bill One —uses practice→ Detention ←concerns practice— Treaty Art. 9."""
    result = shortest_paths(folded, "ngo-a", "tr-art-9")
    assert result.length == 3
    assert result.texts() == ["NGO A —opposes→ Bill One —uses practice→ Detention ←concerns practice— Treaty Art. 9"]


def test_shortest_paths_unfolded_goes_through_the_position(policy):
    """Unfolded, the position is a node on the way: 4 hops."""
    result = shortest_paths(policy, "ngo-a", "tr-art-9")
    assert result.texts() == [
        "NGO A ←actor— pos-1 —about→ Bill One —uses practice→ Detention ←concerns practice— Treaty Art. 9"
    ]


def test_shortest_paths_lists_every_shortest_path(folded):
    """Every shortest path is listed, sorted, up to the limit: the agency reaches the bill two ways."""
    result = shortest_paths(folded, "law-1", "ngo-a")
    assert result.length == 2
    assert result.texts() == ["Law One ←amends— Bill One ←opposes— NGO A"]
    result = shortest_paths(folded, "agency", "bill-1")
    assert result.texts() == [
        "Agency ←responsible body— Law One ←amends— Bill One",
        "Agency —part of→ Ministry ←proposed by— Bill One",
    ]
    assert len(shortest_paths(folded, "agency", "bill-1", limit=1).paths) == 1


def test_shortest_paths_none_between_components(folded):
    """No path to an isolated node: length None, no paths."""
    result = shortest_paths(folded, "children", "bill-1")
    assert (result.length, result.paths) == (None, ())
    assert result.to_dict() == {"source": "children", "target": "bill-1", "length": None, "paths": []}


def test_shortest_paths_rows_one_per_hop(cliques):
    """CSV rows: path number, step, both ends and the relation with its arrow."""
    result = shortest_paths(cliques, "a2", "b3")
    assert result.texts() == ["A2 ←member of— A1 —member of→ B1 ←member of— B3"]
    header, rows = result.rows()
    assert header == ["path", "step", "from", "from_label", "relation", "to", "to_label"]
    assert rows[1] == [1, 2, "a1", "A1", "—member of→", "b1", "B1"]


def test_cut_points_of_two_triangles(cliques):
    """a1 and b1 each cut off 2 nodes; a1 — b1 is the only bridge and cuts off 3."""
    result = cut_points(cliques)
    assert [(p.id, p.cut_off, p.pieces) for p in result.articulation_points] == [("a1", 2, 2), ("b1", 2, 2)]
    assert [(b.source, b.target, b.relations, b.cut_off) for b in result.bridges] == [
        ("a1", "b1", (("member of", "→"),), 3)
    ]


def test_cut_points_of_policy_network(folded):
    """NGO A holds the network to its network and NGO B (2); the bill to the asylum seekers (1)."""
    result = cut_points(folded)
    assert [(p.id, p.cut_off) for p in result.articulation_points] == [("ngo-a", 2), ("bill-1", 1), ("net", 1)]
    assert [(b.source, b.target, b.cut_off) for b in result.bridges] == [
        ("net", "ngo-a", 2),
        ("asylum-seekers", "bill-1", 1),
        ("net", "ngo-b", 1),
    ]


def test_ego_network_radius_one(folded):
    """NGO A's neighbours by degree, and the four edges among them."""
    result = ego_network(folded, "ngo-a", 1)
    assert [(m.id, m.distance) for m in result.members] == [("ngo-a", 0), ("bill-1", 1), ("min", 1), ("net", 1)]
    assert result.edges == (
        ("bill-1", "pg:proposedBy", "proposed by", "min"),
        ("min", "event:with", "at an event with", "ngo-a"),
        ("ngo-a", "org:memberOf", "member of", "net"),
        ("ngo-a", "position:opposes", "opposes", "bill-1"),
    )
    assert [m.id for m in ego_network(folded, "ngo-a", 0).members] == ["ngo-a"]
    assert len(ego_network(folded, "ngo-a", 5).members) == 12


def test_ego_network_unknown_id_suggests(folded):
    """An unknown centre is a ConfigError with a 'did you mean'."""
    with pytest.raises(ConfigError) as caught:
        ego_network(folded, "ngo-c")
    assert caught.value.message == "unknown id 'ngo-c'"
    assert "'ngo-a'" in caught.value.hint


def test_measures_on_empty_network(policy_graph):
    """An empty selection gives empty results, not errors."""
    empty = project(policy_graph, query="CONSTRUCT { ?s ?p ?o } WHERE { ?s <urn:none> ?o }")
    assert summarise_network(empty).nodes == 0
    for measure in ("degree", "betweenness", "pagerank", "eigenvector"):
        assert centrality(empty, measure).ranking == ()
    assert communities(empty).communities == ()
    assert cut_points(empty).bridges == ()


def test_centrality_betweenness_sample_is_seeded_estimate(folded):
    """--sample estimates betweenness from N nodes, the same every run; N ≥ nodes is exact."""
    first, again = centrality(folded, "betweenness", 5, sample=6), centrality(folded, "betweenness", 5, sample=6)
    assert first == again and first.sample == 6 and first.to_dict()["sample"] == 6
    exact = centrality(folded, "betweenness", 5)
    assert centrality(folded, "betweenness", 5, sample=13).ranking == exact.ranking
    assert centrality(folded, "betweenness", 5, sample=13).sample is None
    with pytest.raises(ConfigError) as caught:
        centrality(folded, "pagerank", sample=5)
    assert caught.value.message == "sampling applies to betweenness, not pagerank"


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 11), st.integers(0, 11)), max_size=30))
def test_cut_points_match_removing_each_one(edges):
    """On random graphs, the tree-based cut sizes equal those found by removing each node and link."""
    import networkx as nx
    from rdflib import Graph

    from policygraph.network.model import Network

    multi = nx.MultiDiGraph()
    for n in range(12):
        multi.add_node(f"n{n:02d}", label=f"N{n}", type="thing", **{"class": "urn:x:Thing"})
    for u, v in edges:
        if u != v:
            multi.add_edge(f"n{u:02d}", f"n{v:02d}", key="k", kind="k", label="k", weight=1)
    network = Network(multi, Graph())
    graph = network.simple
    component = {n: c for c in nx.connected_components(graph) for n in c}
    expected_points = {}
    for node in nx.articulation_points(graph):
        sizes = sorted(
            (len(c) for c in nx.connected_components(graph.subgraph(component[node] - {node}))), reverse=True
        )
        expected_points[node] = (sum(sizes[1:]), len(sizes))
    expected_bridges = {}
    for u, v in nx.bridges(graph):
        rest = graph.subgraph(component[u]).copy()
        rest.remove_edge(u, v)
        side = len(nx.node_connected_component(rest, u))
        expected_bridges[tuple(sorted((u, v)))] = min(side, len(component[u]) - side)
    result = cut_points(network)
    assert {p.id: (p.cut_off, p.pieces) for p in result.articulation_points} == expected_points
    assert {(b.source, b.target): b.cut_off for b in result.bridges} == expected_bridges
