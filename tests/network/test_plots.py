"""Pictures: each plot writes a PNG or SVG atomically; other suffixes are refused before any work."""

from __future__ import annotations

from pathlib import Path

import pytest

from policygraph import load_graph
from policygraph.errors import ConfigError
from policygraph.network.communities import communities
from policygraph.network.measures import centrality, summarise_network
from policygraph.network.paths import ego_network
from policygraph.network.plots import check_plot_path, plot_centrality, plot_degree_distribution, plot_network
from policygraph.network.projection import project

DATA = Path(__file__).parents[1] / "fixtures" / "network"
PNG = b"\x89PNG\r\n\x1a\n"


@pytest.fixture(scope="module")
def folded():
    return project(load_graph([DATA / "policy.yaml"], bundled=False), fold=True)


def test_check_plot_path_refuses_other_suffixes():
    """Only .png and .svg are drawn."""
    assert check_plot_path("a/b.PNG").name == "b.PNG"
    with pytest.raises(ConfigError) as caught:
        check_plot_path("chart.pdf")
    assert caught.value.message == "cannot plot to 'chart.pdf': use a file name ending in .png or .svg"


def test_plot_degree_distribution_png(tmp_path, folded):
    """The degree distribution is a PNG."""
    plot_degree_distribution(summarise_network(folded), tmp_path / "d.png")
    assert (tmp_path / "d.png").read_bytes()[:8] == PNG


def test_plot_centrality_svg_names_the_nodes(tmp_path, folded):
    """The centrality chart, as SVG, carries the labels of the ranked nodes."""
    plot_centrality(centrality(folded, "degree", 5), folded, tmp_path / "c.svg")
    text = (tmp_path / "c.svg").read_text(encoding="utf-8")
    assert text.lstrip().startswith("<?xml") and "<svg" in text
    assert "<!-- Bill One -->" in text  # matplotlib writes each text as a comment beside its glyphs


def test_plot_network_communities_and_ego(tmp_path, folded):
    """The network drawing works coloured by community, and for an ego network."""
    plot_network(folded, tmp_path / "n.png", communities=communities(folded), title="communities")
    plot_network(folded, tmp_path / "e.png", ego=ego_network(folded, "ngo-a", 1))
    assert (tmp_path / "n.png").read_bytes()[:8] == PNG and (tmp_path / "e.png").read_bytes()[:8] == PNG


def test_plot_network_empty(tmp_path):
    """An empty network still gives a picture (with a title saying so)."""
    empty = project(load_graph([DATA / "cliques.yaml"], bundled=False), types=("law",))
    plot_network(empty, tmp_path / "empty.svg")
    assert "empty network" in (tmp_path / "empty.svg").read_text(encoding="utf-8")
