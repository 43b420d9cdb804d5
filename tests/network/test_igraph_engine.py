"""The igraph engine of the analyses: the same scores as networkx where the algorithm is the same."""

from __future__ import annotations

import random

import networkx as nx
import pytest

from policygraph.errors import ConfigError
from policygraph.network import igraph_engine, measures
from policygraph.network.model import Network
from policygraph.network.projection import project

pytest.importorskip("igraph", reason="python-igraph is not installed")


def _random_graph(seed: int = 3) -> nx.Graph:
    graph = nx.gnm_random_graph(400, 1100, seed=seed)
    graph = nx.relabel_nodes(graph, {n: f"n{n:04d}" for n in graph})
    graph.add_nodes_from(["z-isolated-1", "z-isolated-2"])  # isolated nodes: dangling in PageRank
    simple = nx.Graph()
    simple.add_nodes_from(sorted(graph))
    simple.add_edges_from(sorted(graph.edges()))
    return simple


def test_pagerank_same_as_networkx():
    """PageRank agrees with networkx to within networkx's own convergence tolerance."""
    simple = _random_graph()
    expected = nx.pagerank(simple, alpha=0.85, weight=None)
    actual = igraph_engine.pagerank(igraph_engine.to_igraph(simple))
    assert actual.keys() == expected.keys()
    assert max(abs(actual[n] - expected[n]) for n in expected) < 1e-5


def test_betweenness_exact_same_as_networkx():
    """Exact normalised betweenness equals networkx's up to rounding."""
    simple = _random_graph()
    expected = nx.betweenness_centrality(simple, normalized=True)
    actual = igraph_engine.betweenness(igraph_engine.to_igraph(simple))
    assert max(abs(actual[n] - expected[n]) for n in expected) < 1e-12


def test_betweenness_sampled_same_as_networkx():
    """Betweenness from 50 sampled sources uses networkx's seeded sample and scale: the same estimate."""
    simple = _random_graph()
    expected = nx.betweenness_centrality(simple, k=50, normalized=True, seed=0)
    actual = igraph_engine.betweenness(igraph_engine.to_igraph(simple), 50)
    assert max(abs(actual[n] - expected[n]) for n in expected) < 1e-12


@pytest.mark.parametrize("method", ["louvain", "greedy"])
def test_communities_partition_and_modularity(method):
    """igraph's partition covers every node once, is seeded, and its modularity is networkx's formula."""
    simple = _random_graph()
    parts, modularity = igraph_engine.communities(igraph_engine.to_igraph(simple), method, seed=7)
    assert sorted(n for part in parts for n in part) == sorted(simple)
    assert modularity == pytest.approx(nx.community.modularity(simple, parts, weight=None), abs=1e-9)
    again, _ = igraph_engine.communities(igraph_engine.to_igraph(simple), method, seed=7)
    assert sorted(map(sorted, again)) == sorted(map(sorted, parts))


def test_communities_seed_leaves_python_random_alone():
    """Seeding igraph does not change the state of Python's random module for the caller."""
    random.seed(1)
    expected = random.random()
    random.seed(1)
    igraph_engine.communities(igraph_engine.to_igraph(_random_graph()), "louvain", seed=3)
    assert random.random() == expected


def test_choose_engine_auto_uses_networkx_below_threshold(bundled):
    """auto keeps networkx for the bundled network (fewer nodes than IGRAPH_NODES) but for betweenness, igraph when asked."""
    network = project(bundled)
    assert network.graph.number_of_nodes() < measures.IGRAPH_NODES
    assert measures.choose_engine(network, "auto") == "networkx"
    assert measures.choose_engine(network, "auto", "pagerank") == "networkx"
    assert measures.choose_engine(network, "auto", "betweenness") == "igraph"
    assert measures.choose_engine(network, "igraph") == "igraph"


@pytest.mark.parametrize("options", [(), ("--fold", "--type", "body"), ("--sample", "200")])
def test_cli_betweenness_by_default_prints_what_networkx_gives(invoke, options):
    """`analyze centrality --measure betweenness` (igraph by default) prints every score as networkx's does."""
    args = ("analyze", "centrality", "--measure", "betweenness", "--top", "100000", "--format", "csv", *options)
    default, reference = invoke(*args), invoke(*args, "--engine", "networkx")
    assert default.exit_code == reference.exit_code == 0
    assert default.output == reference.output
    assert len(default.output.splitlines()) > 150


def test_choose_engine_unknown_raises(bundled):
    """An unknown engine is a ConfigError naming the choices."""
    with pytest.raises(ConfigError, match="unknown engine 'gephi'"):
        measures.choose_engine(Network(nx.MultiDiGraph(), bundled), "gephi")


def test_centrality_igraph_same_ranking_as_networkx(bundled):
    """On the bundled network the betweenness ranking is the same with either engine."""
    network = project(bundled, fold=True)
    a = measures.centrality(network, "betweenness", top=15, engine="networkx")
    b = measures.centrality(network, "betweenness", top=15, engine="igraph")
    assert [(r.id, r.rank) for r in a.ranking] == [(r.id, r.rank) for r in b.ranking]
    assert max(abs(x.score - y.score) for x, y in zip(a.ranking, b.ranking)) < 1e-12


def test_cli_communities_engine_option(invoke):
    """analyze communities --engine igraph runs and states the method; a bad engine is a usage error."""
    result = invoke("analyze", "communities", "--fold", "--engine", "igraph")
    assert result.exit_code == 0
    assert result.output.splitlines()[0].startswith(result.output.split(" communities (louvain, seed 0; ")[0])
    bad = invoke("analyze", "communities", "--engine", "gephi")
    assert bad.exit_code == 2


def _simple_of(graph: nx.MultiDiGraph) -> nx.Graph:
    """The simple graph as a networkx user makes it: one link per pair, edges taken in source, target, kind order."""
    simple = nx.Graph()
    simple.add_nodes_from(sorted(graph.nodes))
    for source, target, data in sorted(graph.edges(data=True), key=lambda e: (e[0], e[1], e[2]["kind"])):
        if simple.has_edge(source, target):
            simple[source][target]["weight"] += data["weight"]
        else:
            simple.add_edge(source, target, weight=data["weight"])
    return simple


@pytest.mark.parametrize("fold", [False, True])
def test_network_igraph_is_to_igraph_of_simple(bundled, fold):
    """The igraph Graph made from the projection's lists has the vertices and links, in the same order,
    that converting the networkx simple graph gives (igraph's results depend on that order)."""
    network = project(bundled, fold=fold)
    direct = network.igraph
    expected = _simple_of(project(bundled, fold=fold).graph)
    converted = igraph_engine.to_igraph(expected)
    assert direct.vs["name"] == converted.vs["name"]
    assert direct.get_edgelist() == converted.get_edgelist()
    assert network.degrees == converted.degree()
    assert list(network.simple.edges(data="weight")) == list(expected.edges(data="weight"))


def test_fast_path_builds_no_networkx_graph(bundled):
    """PageRank and communities on igraph and the GEXF export read the projection's lists: no networkx graph
    is built for them (building one is what made these commands slow on a million triples)."""
    from policygraph.network.communities import communities
    from policygraph.network.export import gexf_text

    network = project(bundled)
    ranking = measures.centrality(network, "pagerank", engine="igraph")
    found = communities(network, engine="igraph")
    text = gexf_text(network)
    assert ranking.ranking and found.communities and text.count("<node ") == network.number_of_nodes()
    assert network._graph is None
    assert "simple" not in vars(network)


def test_igraph_is_imported_without_matplotlib():
    """``import_igraph`` keeps igraph's drawing backend from importing matplotlib (0.7 s of a command's start)."""
    import subprocess
    import sys

    code = (
        "import sys; from policygraph.network.igraph_engine import import_igraph; g = import_igraph();"
        "print(g.Graph(n=2, edges=[(0, 1)]).pagerank(), 'matplotlib' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip().endswith("False")
