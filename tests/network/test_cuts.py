"""Articulation points and bridges on hand-made and random networks, checked against removing each one."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from policygraph.network.cuts import CutPoints, cut_points


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


def test_cut_points_on_empty_network(empty):
    """An empty selection has no articulation points and no bridges."""
    assert cut_points(empty) == CutPoints((), ())


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
