"""Summary and centrality on hand-made networks whose answers are worked out by hand (see tests/fixtures/network/)."""

from __future__ import annotations

import pytest

from policygraph.errors import ConfigError
from policygraph.network.measures import centrality, node_scores, summarise_network


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


def test_measures_on_empty_network(empty):
    """An empty selection gives an empty summary and rankings, not errors."""
    assert summarise_network(empty).nodes == 0
    for measure in ("degree", "betweenness", "pagerank", "eigenvector"):
        assert centrality(empty, measure).ranking == ()
