"""Communities on hand-made networks whose answers are worked out by hand (see tests/fixtures/network/)."""

from __future__ import annotations

import pytest

from policygraph.errors import ConfigError
from policygraph.network.communities import communities


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


def test_communities_on_empty_network(empty):
    """An empty selection has no communities, and that is not an error."""
    result = communities(empty)
    assert (result.communities, result.hidden, result.modularity) == ((), 0, 0.0)
