"""The measures of ``measures`` and ``communities`` computed with igraph (C), for networks too big for networkx.

Each function takes the network's undirected simple graph as an igraph Graph (``Network.igraph``, made
straight from the projection's lists; ``to_igraph`` for a networkx graph) and returns what the
networkx function it replaces returns, on the same scale:

- ``pagerank``: the same stationary distribution (igraph solves it exactly with PRPACK; networkx
  iterates to a tolerance of 1e-6, so the two differ by about that much);
- ``betweenness``: networkx's normalised betweenness, exact or estimated from the same seeded
  sample of source nodes that networkx draws (``random.Random(seed).sample``), rescaled as
  networkx rescales it — equal up to rounding;
- ``communities``: igraph's multilevel (Louvain) or fast-greedy (Clauset–Newman–Moore) partition,
  seeded through Python's ``random`` (igraph's default generator). The same methods as networkx's,
  but another implementation: the partition can differ; its modularity is computed the same way.
"""

from __future__ import annotations

import os
import random
import sys
from types import ModuleType
from typing import TYPE_CHECKING


if TYPE_CHECKING:
    import networkx as nx

__all__ = ["available", "betweenness", "communities", "import_igraph", "pagerank", "to_igraph"]


def import_igraph() -> ModuleType:
    """python-igraph, imported without its matplotlib drawing backend.

    ``import igraph`` imports ``matplotlib.pyplot`` whenever matplotlib is installed (for igraph's own
    plotting): about 0.7 s of a command's start on 2 cores, against 0.1 s for igraph itself.
    policygraph never draws with igraph, so matplotlib is marked missing (``sys.modules`` entry None:
    igraph's own fallback for a machine without it) for the length of the import, unless something
    has imported it already. Our pictures import matplotlib themselves, after this, unaffected.

    Raises:
        ImportError: python-igraph is not installed.
    """
    if "igraph" in sys.modules:
        return sys.modules["igraph"]
    # igraph's PageRank (PRPACK) runs on OpenMP threads, which by default spin while they wait for
    # each other: on a busy machine that spinning took 0.2-0.5 s of CPU and of wall time, against
    # 0.1 s for the whole solve. Passive threads sleep instead; the OpenMP runtime reads this once, when
    # igraph loads it. Whoever set the variable keeps their choice.
    os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
    hide = "matplotlib" not in sys.modules
    if hide:
        sys.modules["matplotlib"] = None  # type: ignore[assignment]
    try:
        import igraph
    finally:
        if hide and sys.modules.get("matplotlib", ...) is None:
            del sys.modules["matplotlib"]
    return igraph


def available() -> bool:
    """True when python-igraph is installed."""
    try:
        import_igraph()
    except ImportError:
        return False
    return True


def to_igraph(simple: nx.Graph):
    """``simple`` as an igraph Graph; vertex ``i`` is the ``i``-th node of ``simple`` (names in ``"name"``)."""
    ig = import_igraph()

    cached = simple.graph.get("_igraph")
    if cached is not None:
        return cached
    nodes = list(simple.nodes)
    index = {node: i for i, node in enumerate(nodes)}
    graph = ig.Graph(n=len(nodes), edges=[(index[u], index[v]) for u, v in simple.edges()], directed=False)
    graph.vs["name"] = nodes
    simple.graph["_igraph"] = graph
    return graph


def pagerank(graph) -> dict[str, float]:  # noqa: ANN001 - an igraph.Graph with vertex names
    """PageRank (damping 0.85, unweighted), as ``networkx.pagerank``."""
    if not graph.vcount():
        return {}
    return dict(zip(graph.vs["name"], graph.pagerank(damping=0.85, directed=False)))


def betweenness(graph, sample: int | None = None, seed: int = 0) -> dict[str, float]:  # noqa: ANN001 - igraph.Graph
    """Normalised betweenness as ``networkx.betweenness_centrality(normalized=True, k=sample, seed=seed)``."""
    n = graph.vcount()
    if n == 0:
        return {}
    names = graph.vs["name"]
    if sample is None or sample >= n:
        raw = graph.betweenness(directed=False)
        scale = 2 / ((n - 1) * (n - 2)) if n > 2 else 0.0  # igraph counts unordered pairs; networkx ordered ones
        return {name: value * scale for name, value in zip(names, raw)}
    chosen = random.Random(seed).sample(names, sample)  # networkx's own draw (its nodes in the same order)
    index = {name: i for i, name in enumerate(names)}
    raw = graph.betweenness(sources=[index[s] for s in chosen], directed=False)
    sources, big_n = set(chosen), n - 1
    scale_source = 1 / ((sample - 1) * (big_n - 1)) if sample > 1 and big_n > 1 else float("nan")
    scale_other = 1 / (sample * (big_n - 1)) if big_n > 1 else 0.0
    return {
        name: 2 * value * (scale_source if name in sources else scale_other) for name, value in zip(names, raw)
    }


def communities(graph, method: str, seed: int | None = 0) -> tuple[list[set[str]], float]:  # noqa: ANN001 - igraph.Graph
    """The partition (``louvain`` = multilevel, ``greedy`` = fast-greedy) and its modularity."""
    names = graph.vs["name"]
    if graph.ecount() == 0:
        return [{name} for name in names], 0.0
    state = random.getstate()
    random.seed(seed)
    try:
        if method == "louvain":
            clustering = graph.community_multilevel()
        else:
            clustering = graph.community_fastgreedy().as_clustering()
    finally:
        random.setstate(state)
    parts: dict[int, set[str]] = {}
    for name, member in zip(names, clustering.membership):
        parts.setdefault(member, set()).add(name)
    return list(parts.values()), graph.modularity(clustering.membership)
