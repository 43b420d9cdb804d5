"""Shortest paths and ego networks on hand-made networks whose answers are worked out by hand (see tests/fixtures/network/)."""

from __future__ import annotations

import pytest

from policygraph.errors import ConfigError
from policygraph.network.paths import ego_network, shortest_paths


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
