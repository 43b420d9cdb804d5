"""How nodes reach each other: the shortest paths between two nodes, and the neighbourhood of one (ego network).

Direction is ignored to find them (``Network.simple``) and shown again on each hop: a path reads
"SMJ —opposes→ 2021 bill ←amends— ...", every relation with its own arrow.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from itertools import islice, pairwise

import networkx as nx

from policygraph.errors import ConfigError
from policygraph.network.model import Network

__all__ = ["Ego", "EgoMember", "Hop", "Paths", "ego_network", "shortest_paths"]


@dataclass(frozen=True)
class Hop:
    """One step of a path: the relations joining two nodes, each with its direction (→ or ←)."""

    source: str
    source_label: str
    target: str
    target_label: str
    relations: tuple[tuple[str, str], ...]  # (label, "→" | "←")

    def text(self) -> str:
        """``—opposes→``, ``←concerns practice—``, ``—opposes, argues about→ / ←proposed by—``."""
        forward = [label for label, arrow in self.relations if arrow == "→"]
        backward = [label for label, arrow in self.relations if arrow == "←"]
        parts = [f"—{', '.join(forward)}→"] if forward else []
        return " / ".join(parts + ([f"←{', '.join(backward)}—"] if backward else []))


@dataclass(frozen=True)
class Paths:
    """The shortest paths between two nodes (direction ignored, shown on each hop)."""

    source: str
    target: str
    length: int | None  # hops, None when no path
    paths: tuple[tuple[Hop, ...], ...]

    def texts(self) -> list[str]:
        """Each path as one line: ``SMJ —opposes→ 2021 bill —uses practice→ detention``."""
        lines = []
        for path in self.paths:
            parts = [path[0].source_label]
            for hop in path:
                parts += [hop.text(), hop.target_label]
            lines.append(" ".join(parts))
        return lines

    def to_dict(self) -> dict:
        return {
            "source": self.source,
            "target": self.target,
            "length": self.length,
            "paths": [
                [{**asdict(h), "relations": [{"label": label, "direction": a} for label, a in h.relations]} for h in p]
                for p in self.paths
            ],
        }

    def rows(self) -> tuple[list[str], list[list]]:
        rows = []
        for number, path in enumerate(self.paths, start=1):
            for step, hop in enumerate(path, start=1):
                rows.append([number, step, hop.source, hop.source_label, hop.text(), hop.target, hop.target_label])
        return ["path", "step", "from", "from_label", "relation", "to", "to_label"], rows


def shortest_paths(network: Network, source: str, target: str, limit: int = 5) -> Paths:
    """Up to ``limit`` shortest paths from ``source`` to ``target``, each hop with its relations.

    Raises:
        ConfigError: an id that is unknown or not in the network.
    """
    a, b = network.node(source), network.node(target)
    graph = network.simple
    try:
        found = list(islice(nx.all_shortest_paths(graph, a, b), limit))
    except nx.NetworkXNoPath:
        return Paths(a, b, None, ())
    labels = {n: network.graph.nodes[n]["label"] for path in found for n in path}
    paths = tuple(
        tuple(Hop(u, labels[u], v, labels[v], tuple(network.relations(u, v))) for u, v in pairwise(path))
        for path in sorted(found)
    )
    return Paths(a, b, len(found[0]) - 1, paths)


@dataclass(frozen=True)
class EgoMember:
    """A node within ``radius`` hops of the centre."""

    id: str
    label: str
    type: str
    degree: int
    distance: int


@dataclass(frozen=True)
class Ego:
    """The neighbourhood of one node: members by distance, and the edges among them."""

    center: str
    radius: int
    members: tuple[EgoMember, ...]  # by distance, then degree, then id
    edges: tuple[tuple[str, str, str, str], ...]  # source, kind, label, target

    @property
    def node_ids(self) -> list[str]:
        return [m.id for m in self.members]

    def to_dict(self) -> dict:
        return {
            "center": self.center,
            "radius": self.radius,
            "members": [asdict(m) for m in self.members],
            "edges": [{"source": s, "kind": k, "label": label, "target": t} for s, k, label, t in self.edges],
        }

    def rows(self) -> tuple[list[str], list[list]]:
        return ["distance", "id", "label", "type", "degree"], [
            [m.distance, m.id, m.label, m.type, m.degree] for m in self.members
        ]


def ego_network(network: Network, center: str, radius: int = 1) -> Ego:
    """The nodes within ``radius`` hops of ``center`` (direction ignored) and the edges among them.

    Raises:
        ConfigError: an id that is unknown or not in the network, or a negative radius.
    """
    if radius < 0:
        raise ConfigError(f"bad radius {radius}: use 0 or more")
    node = network.node(center)
    simple = network.simple
    distances = nx.single_source_shortest_path_length(simple, node, cutoff=radius)
    ordered = sorted(distances, key=lambda n: (distances[n], -simple.degree(n), n))
    members = []
    for n in ordered:
        data = network.graph.nodes[n]
        members.append(EgoMember(n, data["label"], data["type"], simple.degree(n), distances[n]))
    inside = set(distances)
    edges = sorted(
        (u, k, d["label"], v) for u, v, k, d in network.graph.edges(keys=True, data=True) if u in inside and v in inside
    )
    return Ego(node, radius, tuple(members), tuple(edges))
