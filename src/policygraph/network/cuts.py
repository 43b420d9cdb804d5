"""Cut points: the articulation points and bridges that hold the network together, and how much each cuts off.

The sizes come from subtree weights in the block-cut tree (for articulation points) and the bridge
tree (for bridges), so the whole list costs time linear in the size of the network, not one
component search per node or link removed.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

import networkx as nx

from policygraph.network.model import Network
from policygraph.network.paths import Hop

__all__ = ["Bridge", "CutPoint", "CutPoints", "cut_points"]


@dataclass(frozen=True)
class CutPoint:
    """A node whose removal splits its component: ``cut_off`` nodes lose touch with the largest remaining part."""

    id: str
    label: str
    type: str
    degree: int
    cut_off: int
    pieces: int  # parts its component falls into without it


@dataclass(frozen=True)
class Bridge:
    """A link whose removal splits its component; ``cut_off`` is the size of the smaller side."""

    source: str
    source_label: str
    target: str
    target_label: str
    relations: tuple[tuple[str, str], ...]
    cut_off: int


@dataclass(frozen=True)
class CutPoints:
    """Articulation points and bridges: who holds the network together."""

    articulation_points: tuple[CutPoint, ...]  # most cut off first
    bridges: tuple[Bridge, ...]

    def to_dict(self) -> dict:
        return {
            "articulation_points": [asdict(p) for p in self.articulation_points],
            "bridges": [
                {**asdict(b), "relations": [{"label": label, "direction": a} for label, a in b.relations]}
                for b in self.bridges
            ],
        }

    def rows(self) -> tuple[list[str], list[list]]:
        rows: list[list] = [
            ["articulation-point", p.id, p.label, "", "", "", p.cut_off, p.pieces] for p in self.articulation_points
        ]
        for b in self.bridges:
            relation = Hop(b.source, b.source_label, b.target, b.target_label, b.relations).text()
            rows.append(["bridge", b.source, b.source_label, relation, b.target, b.target_label, b.cut_off, 2])
        return ["what", "id", "label", "relation", "other_id", "other_label", "cut_off", "pieces"], rows


def cut_points(network: Network) -> CutPoints:
    """The articulation points and bridges of the network, those that cut off most first (in linear time)."""
    graph = network.simple
    nodes = network.graph.nodes
    points = []
    for node, pieces in _articulation_pieces(graph).items():
        points.append(
            CutPoint(
                node,
                nodes[node]["label"],
                nodes[node]["type"],
                graph.degree(node),
                sum(pieces) - max(pieces),
                len(pieces),
            )
        )
    points.sort(key=lambda p: (-p.cut_off, -p.degree, p.id))
    bridges = []
    for (u, v), cut in _bridge_cuts(graph).items():
        bridges.append(Bridge(u, nodes[u]["label"], v, nodes[v]["label"], tuple(network.relations(u, v)), cut))
    bridges.sort(key=lambda b: (-b.cut_off, b.source, b.target))
    return CutPoints(tuple(points), tuple(bridges))


def _articulation_pieces(graph: nx.Graph) -> dict[str, list[int]]:
    """For each articulation point, the sizes of the pieces its component falls into without it."""
    cut = set(nx.articulation_points(graph))
    tree = nx.Graph()  # block-cut tree: articulation points weigh 1, blocks their other nodes
    for index, block in enumerate(nx.biconnected_components(graph)):
        tree.add_node(("block", index), weight=len(block - cut))
        for node in block & cut:
            tree.add_node(("cut", node), weight=1)
            tree.add_edge(("block", index), ("cut", node))
    below, parent, total = _subtree_weights(tree)
    pieces: dict[str, list[int]] = {}
    for kind, node in tree.nodes:
        if kind == "cut":
            here = (kind, node)
            sizes = [below[child] for child in tree[here] if parent.get(child) == here]
            if here in parent:
                sizes.append(total[here] - below[here])
            pieces[node] = sorted(sizes, reverse=True)
    return pieces


def _bridge_cuts(graph: nx.Graph) -> dict[tuple[str, str], int]:
    """For each bridge (ids sorted), the size of the smaller side it separates."""
    bridges = [tuple(sorted(edge)) for edge in nx.bridges(graph)]
    rest = graph.copy()
    rest.remove_edges_from(bridges)
    group = {n: index for index, part in enumerate(nx.connected_components(rest)) for n in part}
    tree = nx.Graph()  # bridge tree: 2-edge-connected parts joined by the bridges
    for index in group.values():
        if index not in tree:
            tree.add_node(index, weight=0)
        tree.nodes[index]["weight"] += 1
    tree.add_edges_from((group[u], group[v]) for u, v in bridges)
    below, parent, total = _subtree_weights(tree)
    cuts: dict[tuple[str, str], int] = {}
    for u, v in bridges:
        child = group[u] if parent.get(group[u]) == group[v] else group[v]
        cuts[(u, v)] = min(below[child], total[child] - below[child])
    return cuts


def _subtree_weights(tree: nx.Graph) -> tuple[dict, dict, dict]:
    """Each tree node's subtree weight, its parent, and its tree's total weight (rooted at the smallest node)."""
    below: dict = {}
    parent: dict = {}
    total: dict = {}
    for component in nx.connected_components(tree):
        root = min(component)
        order = list(nx.dfs_preorder_nodes(tree, root))
        parent.update(nx.dfs_predecessors(tree, root))
        for t in order:
            below[t] = tree.nodes[t]["weight"]
        for t in reversed(order):
            if t in parent:
                below[parent[t]] += below[t]
        for t in order:
            total[t] = below[root]
    return below, parent, total
