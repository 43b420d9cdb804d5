"""Centrality and the shape of a network: node scores (networkx or igraph), the summary, the top nodes by a measure.

Every measure here and in ``communities``, ``paths`` and ``cuts`` runs on the undirected simple
graph (``Network.simple``: one link per pair of nodes, however many statements join them), so the
numbers match what Gephi computes on the exported graph treated as undirected. Each result is a
frozen data object with ``to_dict()`` (JSON-safe, stable keys) and ``rows()`` (a header and rows,
for CSV). Results are deterministic: ties are broken by id.

The measure functions are kept small (graph in, ``{node: score}`` out) so that a faster engine
(``igraph_engine``) can replace networkx one measure at a time.
"""

from __future__ import annotations

import heapq
from collections import Counter
from collections.abc import Callable
from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING


from policygraph.errors import ConfigError
from policygraph.network.model import Network
from policygraph.network.schema import nodes_of_type

if TYPE_CHECKING:  # networkx is imported by the measures that run on it: igraph's never load it
    import networkx as nx

__all__ = [
    "ENGINES",
    "IGRAPH_ALWAYS",
    "IGRAPH_NODES",
    "MEASURES",
    "Centrality",
    "CentralityRow",
    "NetworkSummary",
    "centrality",
    "choose_engine",
    "node_scores",
    "summarise_network",
]


def _degree(graph: nx.Graph) -> dict[str, float]:
    import networkx as nx

    return nx.degree_centrality(graph) if len(graph) > 1 else {n: 0.0 for n in graph}


def _betweenness(graph: nx.Graph, sample: int | None = None) -> dict[str, float]:
    import networkx as nx

    if sample is not None and sample < len(graph):  # estimated from `sample` source nodes, seeded
        return nx.betweenness_centrality(graph, k=sample, normalized=True, seed=0)
    return nx.betweenness_centrality(graph, normalized=True)


def _pagerank(graph: nx.Graph) -> dict[str, float]:
    import networkx as nx

    return nx.pagerank(graph, alpha=0.85, weight=None) if len(graph) else {}


def _eigenvector(graph: nx.Graph) -> dict[str, float]:
    import networkx as nx

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

ENGINES = ("auto", "networkx", "igraph")
"""Graph engines: networkx (the reference), igraph (C, for big networks: ``igraph_engine``), auto."""

IGRAPH_NODES = 5000
"""With ``auto``, PageRank and communities run on igraph from this many nodes on (their answers differ from
networkx's in the last digits and in the partition, so small networks keep the reference's)."""

IGRAPH_ALWAYS = ("betweenness",)
"""Measures ``auto`` runs on igraph at every size: its exact and sampled betweenness equal networkx's (to
1e-12, tested), and networkx's pure-Python one takes seconds on the bundled network alone."""


def choose_engine(network: Network, engine: str = "auto", measure: str | None = None) -> str:
    """The engine ``engine`` means for ``network`` (and ``measure``): ``auto`` is igraph for big networks
    and for the measures in ``IGRAPH_ALWAYS`` (if installed).

    Raises:
        ConfigError: an unknown engine, or igraph asked for and not installed.
    """
    from policygraph.network import igraph_engine

    if engine not in ENGINES:
        raise ConfigError(f"unknown engine {engine!r}", hint="one of: " + ", ".join(ENGINES))
    if engine == "igraph" and not igraph_engine.available():
        raise ConfigError("igraph is not installed", hint="pip install igraph, or use --engine networkx")
    if engine == "auto":
        wanted = measure in IGRAPH_ALWAYS or network.number_of_nodes() >= IGRAPH_NODES
        return "igraph" if wanted and igraph_engine.available() else "networkx"
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
    if choose_engine(network, engine, measure) == "igraph" and measure in ("pagerank", "betweenness"):
        from policygraph.network import igraph_engine

        if measure == "pagerank":
            return igraph_engine.pagerank(network.igraph)
        return igraph_engine.betweenness(network.igraph, sample)
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
    import networkx as nx

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
    table = network.table
    candidates = scores
    if type is not None:
        wanted = nodes_of_type(network, type)
        candidates = [n for n in scores if n in wanted]
    # The first ``top`` as sorting them all would give them (a heap: 60,000 nodes are not sorted for 20).
    ordered = heapq.nsmallest(top, candidates, key=lambda n: (-round(scores[n], 12), n))
    rows, rank, previous = [], 0, None
    for position, node in enumerate(ordered, start=1):
        score = round(scores[node], 12)
        if score != previous:
            rank, previous = position, score
        data = table.attributes[table.position[node]]
        rows.append(CentralityRow(rank, node, data["label"], data["type"], scores[node], network.degree(node)))
    return Centrality(measure, len(scores), type, tuple(rows), sample)
