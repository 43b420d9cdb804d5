"""Communities: groups of nodes more densely joined to each other than to the rest (Louvain, greedy modularity).

Louvain takes a seed, so that a partition is the same every run; the partition is sorted largest
community first. The igraph engine (``igraph_engine``) runs the same methods on big networks.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass


from policygraph.errors import ConfigError
from policygraph.network.measures import choose_engine
from policygraph.network.model import Network

__all__ = ["COMMUNITY_METHODS", "Communities", "Community", "Member", "communities", "community_of"]

COMMUNITY_METHODS = ("louvain", "greedy")


@dataclass(frozen=True)
class Member:
    """A node of a community, as the listing shows it."""

    id: str
    label: str
    type: str
    degree: int


@dataclass(frozen=True)
class Community:
    """A group of nodes more densely joined to each other than to the rest."""

    number: int  # 1 = largest
    members: tuple[Member, ...]  # by degree, then id
    edge_kinds: tuple[tuple[str, str, int], ...]  # kinds of the edges inside it: kind, label, count


@dataclass(frozen=True)
class Communities:
    """A partition of the network into communities."""

    method: str
    seed: int | None
    modularity: float
    communities: tuple[Community, ...]  # those with at least ``min_size`` members, largest first
    hidden: int  # communities smaller than ``min_size``
    min_size: int

    def to_dict(self) -> dict:
        return {
            "method": self.method,
            "seed": self.seed,
            "modularity": round(self.modularity, 6),
            "min_size": self.min_size,
            "hidden": self.hidden,
            "communities": [
                {
                    "number": c.number,
                    "size": len(c.members),
                    "members": [asdict(m) for m in c.members],
                    "edge_kinds": [{"kind": k, "label": label, "count": n} for k, label, n in c.edge_kinds],
                }
                for c in self.communities
            ],
        }

    def rows(self) -> tuple[list[str], list[list]]:
        return ["community", "id", "label", "type", "degree"], [
            [c.number, m.id, m.label, m.type, m.degree] for c in self.communities for m in c.members
        ]


def community_of(network: Network, method: str = "louvain", seed: int | None = 0, engine: str = "auto") -> list[set[str]]:
    """The partition itself, largest community first (ties: smallest member id first).

    Raises:
        ConfigError: unknown method or engine.
    """
    return _partition(network, method, seed, engine)[0]


def _partition(network: Network, method: str, seed: int | None, engine: str) -> tuple[list[set[str]], float | None]:
    """The sorted partition, and its modularity when the engine computed it already."""
    if method not in COMMUNITY_METHODS:
        raise ConfigError(f"unknown method {method!r}", hint="one of: " + ", ".join(COMMUNITY_METHODS))
    modularity = None
    if choose_engine(network, engine) == "igraph" and network.number_of_nodes():
        from policygraph.network import igraph_engine

        parts, modularity = igraph_engine.communities(network.igraph, method, seed)
        return sorted(parts, key=lambda p: (-len(p), min(p))), modularity
    import networkx as nx

    graph = network.simple
    if method == "louvain":
        parts = nx.community.louvain_communities(graph, weight=None, seed=seed) if len(graph) else []
    elif graph.number_of_edges():
        parts = nx.community.greedy_modularity_communities(graph, weight=None)
    else:
        parts = [{n} for n in graph]
    return sorted((set(p) for p in parts), key=lambda p: (-len(p), min(p))), modularity


def communities(
    network: Network, method: str = "louvain", seed: int | None = 0, min_size: int = 2, engine: str = "auto"
) -> Communities:
    """Communities by Louvain (deterministic for a given ``seed``) or greedy modularity.

    Raises:
        ConfigError: unknown method or engine.
    """
    import numpy as np

    parts, modularity = _partition(network, method, seed, engine)
    table = network.table
    position = table.position
    where = [0] * len(table.ids)  # node position -> community index
    for index, part in enumerate(parts):
        for node in part:
            where[position[node]] = index
    community = np.array(where, dtype=np.int64)

    # The kinds of the edges inside each community, counted in numpy: a count per community and kind.
    source, target, weight, kind, kinds = network.edge_arrays
    inside = np.flatnonzero(community[source] == community[target])
    counts = np.bincount(
        community[source[inside]] * len(kinds) + kind[inside], weights=weight[inside], minlength=len(parts) * len(kinds)
    ).reshape(len(parts), len(kinds))
    last = len(inside) - 1 - np.unique(kind[inside][::-1], return_index=True)[1]  # each kind's last edge inside
    labels = {kinds[kind[e]]: table.edges[e][3]["label"] for e in inside[last].tolist()}

    # Members by degree, then id (ids are in position order): one sort for every community.
    degrees = np.array(network.degrees, dtype=np.int64)
    ordered = np.lexsort((np.arange(len(where)), -degrees, community)).tolist()
    starts = np.concatenate([[0], np.cumsum(np.bincount(community, minlength=len(parts)))]).tolist()
    ids, attributes, degree = table.ids, table.attributes, network.degrees
    shown = []
    for index, part in enumerate(parts):
        if len(part) < min_size:
            continue
        members = ordered[starts[index] : starts[index + 1]]
        found = [(kinds[k], int(c)) for k, c in enumerate(counts[index].tolist()) if c]
        shown.append(
            Community(
                number=index + 1,
                members=tuple(Member(ids[p], attributes[p]["label"], attributes[p]["type"], degree[p]) for p in members),
                edge_kinds=tuple((k, labels[k], c) for k, c in sorted(found, key=lambda i: (-i[1], i[0]))),
            )
        )
    if modularity is None:
        import networkx as nx

        simple = network.simple
        modularity = nx.community.modularity(simple, parts, weight=None) if simple.number_of_edges() else 0.0
    return Communities(
        method, seed if method == "louvain" else None, modularity, tuple(shown), len(parts) - len(shown), min_size
    )
