"""Network measures on a projected ``Network``: summary, centrality, communities, paths, cut points, ego networks.

Every measure runs on the undirected simple graph (``Network.simple``: one link per pair of
nodes, however many statements join them), so the numbers match what Gephi computes on the
exported graph treated as undirected. Each function returns a frozen data object with
``to_dict()`` (JSON-safe, stable keys) and ``rows()`` (a header and rows, for CSV). Results are
deterministic: ties are broken by id and Louvain takes a seed.

The measure functions are kept small (graph in, ``{node: score}`` out) so that a faster engine
can replace networkx one measure at a time.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import asdict, dataclass
from itertools import islice, pairwise

import networkx as nx

from policygraph.errors import ConfigError
from policygraph.network.model import Network, nodes_of_type

__all__ = [
    "COMMUNITY_METHODS",
    "ENGINES",
    "IGRAPH_NODES",
    "choose_engine",
    "MEASURES",
    "Bridge",
    "Centrality",
    "CentralityRow",
    "Communities",
    "Community",
    "CutPoint",
    "CutPoints",
    "Ego",
    "EgoMember",
    "Hop",
    "Member",
    "NetworkSummary",
    "Paths",
    "centrality",
    "communities",
    "community_of",
    "cut_points",
    "ego_network",
    "node_scores",
    "shortest_paths",
    "summarise_network",
]


def _degree(graph: nx.Graph) -> dict[str, float]:
    return nx.degree_centrality(graph) if len(graph) > 1 else {n: 0.0 for n in graph}


def _betweenness(graph: nx.Graph, sample: int | None = None) -> dict[str, float]:
    if sample is not None and sample < len(graph):  # estimated from `sample` source nodes, seeded
        return nx.betweenness_centrality(graph, k=sample, normalized=True, seed=0)
    return nx.betweenness_centrality(graph, normalized=True)


def _pagerank(graph: nx.Graph) -> dict[str, float]:
    return nx.pagerank(graph, alpha=0.85, weight=None) if len(graph) else {}


def _eigenvector(graph: nx.Graph) -> dict[str, float]:
    if not len(graph):
        return {}
    try:
        # networkx iterates with A + I from a uniform start, so it converges on bipartite graphs too; on a
        # disconnected graph the component with the largest eigenvalue takes the weight, as in Gephi.
        return nx.eigenvector_centrality(graph, max_iter=1000, tol=1e-9, weight=None)
    except nx.PowerIterationFailedConvergence:
        raise ConfigError("eigenvector centrality did not converge", hint="try --measure pagerank") from None


#: Centrality measures by name: graph → {node: score}.
MEASURES: dict[str, Callable[[nx.Graph], dict[str, float]]] = {
    "degree": _degree,
    "betweenness": _betweenness,
    "pagerank": _pagerank,
    "eigenvector": _eigenvector,
}

COMMUNITY_METHODS = ("louvain", "greedy")

ENGINES = ("auto", "networkx", "igraph")
"""Graph engines: networkx (the reference), igraph (C, for big networks: ``analysis_igraph``), auto."""

IGRAPH_NODES = 5000
"""With ``auto``, PageRank, betweenness and communities run on igraph from this many nodes on."""


def choose_engine(network: Network, engine: str = "auto") -> str:
    """The engine ``engine`` means for ``network``: ``auto`` is igraph for big networks (if installed).

    Raises:
        ConfigError: an unknown engine, or igraph asked for and not installed.
    """
    from policygraph.network import analysis_igraph

    if engine not in ENGINES:
        raise ConfigError(f"unknown engine {engine!r}", hint="one of: " + ", ".join(ENGINES))
    if engine == "igraph" and not analysis_igraph.available():
        raise ConfigError("igraph is not installed", hint="pip install igraph, or use --engine networkx")
    if engine == "auto":
        big = network.graph.number_of_nodes() >= IGRAPH_NODES
        return "igraph" if big and analysis_igraph.available() else "networkx"
    return engine


def node_scores(network: Network, measure: str, sample: int | None = None, engine: str = "auto") -> dict[str, float]:
    """``{node id: score}`` for a measure in ``MEASURES``.

    Args:
        sample: betweenness only: estimate from this many source nodes (seeded) instead of all;
            exact betweenness costs O(nodes × links), hours beyond some 10,000 nodes in networkx.
        engine: ``ENGINES``; igraph computes PageRank and betweenness (the same scores), networkx the rest.

    Raises:
        ConfigError: unknown measure or engine, or a sample for another measure.
    """
    if measure not in MEASURES:
        raise ConfigError(f"unknown measure {measure!r}", hint="one of: " + ", ".join(MEASURES))
    if sample is not None and measure != "betweenness":
        raise ConfigError(f"sampling applies to betweenness, not {measure}")
    if choose_engine(network, engine) == "igraph" and measure in ("pagerank", "betweenness"):
        from policygraph.network import analysis_igraph

        if measure == "pagerank":
            return analysis_igraph.pagerank(network.simple)
        return analysis_igraph.betweenness(network.simple, sample)
    if sample is not None:
        return _betweenness(network.simple, sample)
    return MEASURES[measure](network.simple)


# -- summary --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class NetworkSummary:
    """Size, composition and connectedness of a network."""

    nodes: int
    edges: int  # directed edges, one per source, target and kind
    links: int  # pairs of nodes joined by at least one edge
    density: float  # links / possible pairs
    components: int  # connected components (direction ignored)
    largest_component: int  # nodes in the largest one
    isolates: int  # nodes with no edge
    mean_degree: float
    max_degree: int
    nodes_by_type: tuple[tuple[str, int], ...]  # most first
    edges_by_kind: tuple[tuple[str, str, int], ...]  # kind, label, count; most first
    degree_distribution: tuple[tuple[int, int], ...]  # degree, number of nodes with it

    def to_dict(self) -> dict:
        data = asdict(self)
        data["density"] = round(self.density, 6)
        data["mean_degree"] = round(self.mean_degree, 4)
        data["nodes_by_type"] = [{"type": t, "count": c} for t, c in self.nodes_by_type]
        data["edges_by_kind"] = [{"kind": k, "label": label, "count": c} for k, label, c in self.edges_by_kind]
        data["degree_distribution"] = [{"degree": d, "nodes": c} for d, c in self.degree_distribution]
        return data

    def rows(self) -> tuple[list[str], list[list]]:
        rows: list[list] = [
            ["network", key, value]
            for key, value in (
                ("nodes", self.nodes),
                ("edges", self.edges),
                ("links", self.links),
                ("density", round(self.density, 6)),
                ("components", self.components),
                ("largest_component", self.largest_component),
                ("isolates", self.isolates),
                ("mean_degree", round(self.mean_degree, 4)),
                ("max_degree", self.max_degree),
            )
        ]
        rows += [["node_type", t, c] for t, c in self.nodes_by_type]
        rows += [["edge_kind", k, c] for k, _, c in self.edges_by_kind]
        rows += [["degree", d, c] for d, c in self.degree_distribution]
        return ["section", "key", "value"], rows


def summarise_network(network: Network) -> NetworkSummary:
    """Count nodes by type and edges by kind; density, components and the degree distribution."""
    graph, simple = network.graph, network.simple
    n = simple.number_of_nodes()
    degrees = [d for _, d in simple.degree()]
    components = sorted((len(c) for c in nx.connected_components(simple)), reverse=True)
    kinds: Counter = Counter()
    labels: dict[str, str] = {}
    for _, _, data in graph.edges(data=True):
        kinds[data["kind"]] += 1
        labels[data["kind"]] = data["label"]
    types = Counter(data["type"] for _, data in graph.nodes(data=True))
    return NetworkSummary(
        nodes=n,
        edges=graph.number_of_edges(),
        links=simple.number_of_edges(),
        density=nx.density(simple) if n > 1 else 0.0,
        components=len(components),
        largest_component=components[0] if components else 0,
        isolates=sum(1 for d in degrees if d == 0),
        mean_degree=sum(degrees) / n if n else 0.0,
        max_degree=max(degrees, default=0),
        nodes_by_type=tuple(sorted(types.items(), key=lambda i: (-i[1], i[0]))),
        edges_by_kind=tuple((k, labels[k], c) for k, c in sorted(kinds.items(), key=lambda i: (-i[1], i[0]))),
        degree_distribution=tuple(sorted(Counter(degrees).items())),
    )


# -- centrality -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class CentralityRow:
    """One ranked node; equal scores share a rank."""

    rank: int
    id: str
    label: str
    type: str
    score: float
    degree: int


@dataclass(frozen=True)
class Centrality:
    """The top nodes by a measure."""

    measure: str
    nodes: int  # nodes the measure ran on
    type: str | None  # the type shown, if restricted
    ranking: tuple[CentralityRow, ...]
    sample: int | None = None  # betweenness estimated from this many sources (None: exact)

    def to_dict(self) -> dict:
        return {
            "measure": self.measure,
            "nodes": self.nodes,
            "type": self.type,
            "sample": self.sample,
            "ranking": [{**asdict(r), "score": round(r.score, 6)} for r in self.ranking],
        }

    def rows(self) -> tuple[list[str], list[list]]:
        return ["rank", "id", "label", "type", self.measure, "degree"], [
            [r.rank, r.id, r.label, r.type, round(r.score, 6), r.degree] for r in self.ranking
        ]


def centrality(
    network: Network,
    measure: str = "degree",
    top: int = 20,
    type: str | None = None,
    sample: int | None = None,
    engine: str = "auto",
) -> Centrality:
    """The ``top`` nodes by ``measure`` (computed on the whole network), optionally only those of ``type``.

    Raises:
        ConfigError: unknown measure, type or engine, or a sample for a measure other than betweenness.
    """
    scores = node_scores(network, measure, sample, engine)
    if sample is not None and sample >= len(scores):
        sample = None  # as many sources as nodes: exact
    simple, graph = network.simple, network.graph
    candidates = sorted(scores)
    if type is not None:
        wanted = nodes_of_type(network, type)
        candidates = [n for n in candidates if n in wanted]
    ordered = sorted(candidates, key=lambda n: (-round(scores[n], 12), n))
    rows, rank, previous = [], 0, None
    for position, node in enumerate(ordered[:top], start=1):
        score = round(scores[node], 12)
        if score != previous:
            rank, previous = position, score
        data = graph.nodes[node]
        rows.append(CentralityRow(rank, node, data["label"], data["type"], scores[node], simple.degree(node)))
    return Centrality(measure, len(scores), type, tuple(rows), sample)


# -- communities ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Member:
    """A node in a community, ego network or cut list."""

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
    graph = network.simple
    if method not in COMMUNITY_METHODS:
        raise ConfigError(f"unknown method {method!r}", hint="one of: " + ", ".join(COMMUNITY_METHODS))
    if choose_engine(network, engine) == "igraph" and len(graph):
        from policygraph.network import analysis_igraph

        parts, modularity = analysis_igraph.communities(graph, method, seed)
        return sorted((set(p) for p in parts), key=lambda p: (-len(p), min(p))), modularity
    if method == "louvain":
        parts = nx.community.louvain_communities(graph, weight=None, seed=seed) if len(graph) else []
    elif method == "greedy":
        parts = (
            nx.community.greedy_modularity_communities(graph, weight=None)
            if graph.number_of_edges()
            else [{n} for n in graph]
        )
    return sorted((set(p) for p in parts), key=lambda p: (-len(p), min(p))), None


def communities(
    network: Network, method: str = "louvain", seed: int | None = 0, min_size: int = 2, engine: str = "auto"
) -> Communities:
    """Communities by Louvain (deterministic for a given ``seed``) or greedy modularity.

    Raises:
        ConfigError: unknown method or engine.
    """
    parts, modularity = _partition(network, method, seed, engine)
    graph, simple = network.graph, network.simple
    where = {node: index for index, part in enumerate(parts) for node in part}
    inside: list[Counter] = [Counter() for _ in parts]
    labels: dict[str, str] = {}
    for source, target, data in graph.edges(data=True):
        if where[source] == where[target]:
            inside[where[source]][data["kind"]] += data["weight"]
            labels[data["kind"]] = data["label"]
    shown = []
    for index, part in enumerate(parts):
        if len(part) < min_size:
            continue
        members = sorted(part, key=lambda n: (-simple.degree(n), n))
        shown.append(
            Community(
                number=index + 1,
                members=tuple(_member(network, n) for n in members),
                edge_kinds=tuple(
                    (k, labels[k], c) for k, c in sorted(inside[index].items(), key=lambda i: (-i[1], i[0]))
                ),
            )
        )
    if modularity is None:
        modularity = nx.community.modularity(simple, parts, weight=None) if simple.number_of_edges() else 0.0
    return Communities(
        method, seed if method == "louvain" else None, modularity, tuple(shown), len(parts) - len(shown), min_size
    )


def _member(network: Network, node: str) -> Member:
    data = network.graph.nodes[node]
    return Member(node, data["label"], data["type"], network.simple.degree(node))


# -- paths ----------------------------------------------------------------------------------------


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


# -- cut points -----------------------------------------------------------------------------------


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
    """The articulation points and bridges of the network, those that cut off most first.

    Linear in the size of the network: the sizes come from subtree weights in the block-cut
    tree (for articulation points) and the bridge tree (for bridges), not from removing each one.
    """
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


# -- ego networks ---------------------------------------------------------------------------------


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
