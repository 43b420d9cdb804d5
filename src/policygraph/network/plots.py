"""Pictures of analysis results (PNG or SVG, by the file's suffix): a person would rather look than read.

matplotlib is imported when a picture is drawn, with the Agg backend unless pyplot is already in
use, so that nothing needs a display. Every file is written with ``output.write_atomic``.
"""

from __future__ import annotations

import io
import sys
from pathlib import Path

from policygraph.errors import ConfigError
from policygraph.network.communities import Communities
from policygraph.network.measures import Centrality, NetworkSummary
from policygraph.network.model import Network
from policygraph.network.paths import Ego
from policygraph.output import write_atomic

__all__ = ["PLOT_SUFFIXES", "check_plot_path", "plot_centrality", "plot_degree_distribution", "plot_network"]

PLOT_SUFFIXES = (".png", ".svg")
_COMMUNITY_COLOURS = (
    "#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#17becf", "#8c564b", "#e377c2", "#bcbd22", "#7f7f7f",
    "#aec7e8", "#ff9896", "#98df8a", "#ffbb78", "#c5b0d5", "#9edae5", "#c49c94", "#f7b6d2", "#dbdb8d", "#393b79",
)  # fmt: skip
_OTHER = "#d9d9d9"


def check_plot_path(path: str | Path) -> Path:
    """The plot path, checked to end in .png or .svg.

    Raises:
        ConfigError: another suffix.
    """
    path = Path(path)
    if path.suffix.lower() not in PLOT_SUFFIXES:
        raise ConfigError(f"cannot plot to {str(path)!r}: use a file name ending in .png or .svg")
    return path


def plot_degree_distribution(summary: NetworkSummary, path: str | Path) -> None:
    """How many nodes have each degree: bars, or log-log points when degrees span a wide range."""
    figure, ax = _figure(8, 4.5)
    pairs = list(summary.degree_distribution)
    if summary.max_degree > 30:
        linked = [(d, c) for d, c in pairs if d > 0]
        ax.loglog([d for d, _ in linked], [c for _, c in linked], "o", color="#1f77b4", markersize=5)
        ax.set_xlabel(
            "degree (distinct neighbours, log scale)"
            + (f"; {summary.isolates} isolated nodes not shown" if summary.isolates else "")
        )
        ax.set_ylabel("nodes (log scale)")
    else:
        ax.bar([d for d, _ in pairs], [c for _, c in pairs], width=0.8, color="#1f77b4")
        ax.set_xlabel("degree (distinct neighbours)")
        ax.set_ylabel("nodes")
    ax.set_title(
        f"Degree distribution — {summary.nodes} nodes, {summary.links} links, "
        f"mean degree {summary.mean_degree:.2f}, max {summary.max_degree}"
    )
    _save(figure, path)


def plot_centrality(result: Centrality, network: Network, path: str | Path) -> None:
    """A horizontal bar chart of the ranking, bars coloured by node type."""
    from policygraph.network.tables import colour_of

    rows = list(reversed(result.ranking))
    figure, ax = _figure(9, max(3.0, 0.32 * len(rows) + 1.2))
    colours = [colour_of(network.graph.nodes[r.id]["class"]) for r in rows]
    ax.barh(range(len(rows)), [r.score for r in rows], color=colours)
    ax.set_yticks(range(len(rows)), [_short(r.label, 48) for r in rows], fontsize=8)
    ax.set_xlabel(f"{result.measure} centrality")
    title = f"Top {len(rows)} by {result.measure} centrality"
    ax.set_title(title + (f" ({result.type})" if result.type else ""))
    _type_legend(ax, network, [r.id for r in rows])
    _save(figure, path)


def plot_network(
    network: Network,
    path: str | Path,
    *,
    communities: Communities | None = None,
    ego: Ego | None = None,
    title: str = "",
    labels: int = 15,
    seed: int = 0,
) -> None:
    """Draw the network (or an ego network): nodes sized by degree, coloured by community or else by type.

    Args:
        labels: how many of the best-connected nodes get their label written.
        seed: the seed of the spring layout, so the same network gives the same picture.
    """
    import networkx as nx

    from policygraph.network.tables import colour_of

    graph = network.simple.subgraph(ego.node_ids) if ego else network.simple
    figure, ax = _figure(12, 10)
    if not len(graph):
        ax.set_title(title or "empty network")
        _save(figure, path)
        return
    if ego is None:
        # Small components and isolated nodes would be flung to the edges and squeeze the rest.
        largest = max(nx.connected_components(graph), key=lambda c: (len(c), sorted(c)))
        if len(largest) < len(graph):
            title += f"\nlargest component: {len(largest)} of {len(graph)} nodes"
            graph = graph.subgraph(largest)
    ordered = sorted(graph.nodes)
    layout = _layout(graph.subgraph(ordered), seed)
    degree = dict(graph.degree())
    if communities is not None:
        colour = {n: _OTHER for n in graph}
        for index, community in enumerate(communities.communities[: len(_COMMUNITY_COLOURS)]):
            for member in community.members:
                if member.id in colour:
                    colour[member.id] = _COMMUNITY_COLOURS[index]
    else:
        colour = {n: colour_of(network.graph.nodes[n]["class"]) for n in graph}
    nx.draw_networkx_edges(graph, layout, ax=ax, width=0.4, alpha=0.35, edge_color="#777777")
    sizes = [12 + 18 * degree[n] ** 0.75 for n in ordered]
    fills = [colour[n] for n in ordered]
    nx.draw_networkx_nodes(
        graph, layout, nodelist=ordered, ax=ax, node_size=sizes, node_color=fills, linewidths=0.3, edgecolors="#333333"
    )
    named = sorted(graph.nodes, key=lambda n: (-degree[n], n))[:labels]
    if ego is not None and ego.center not in named:
        named.append(ego.center)
    texts = {n: _short(network.graph.nodes[n]["label"], 32) for n in named}
    ys = [y for _, y in layout.values()]
    lift = 0.025 * ((max(ys) - min(ys)) or 1)  # labels just above their node, so its colour shows
    above = {n: (layout[n][0], layout[n][1] + lift) for n in named}
    box = {"boxstyle": "round,pad=0.15", "fc": "white", "ec": "none", "alpha": 0.6}
    nx.draw_networkx_labels(graph, above, labels=texts, ax=ax, font_size=7, bbox=box)
    if communities is not None:
        from matplotlib.patches import Patch

        handles = [
            Patch(
                color=_COMMUNITY_COLOURS[i],
                label=f"{c.number}: {_short(c.members[0].label, 36)} (+{len(c.members) - 1})",
            )
            for i, c in enumerate(communities.communities[:10])
        ]
        ax.legend(
            handles=handles, loc="lower left", fontsize=7, title="community: best connected member", title_fontsize=7
        )
    else:
        _type_legend(ax, network, list(graph.nodes))
    ax.set_title(title)
    ax.set_axis_off()
    _save(figure, path)


def _layout(graph, seed: int) -> dict:
    import networkx as nx

    if len(graph) <= 150:  # Kamada-Kawai draws small networks best, but costs O(n²)
        return nx.kamada_kawai_layout(graph, pos=nx.circular_layout(graph))
    return nx.spring_layout(graph, seed=seed, k=2.5 / len(graph) ** 0.5, iterations=100, method="force")


def _type_legend(ax, network: Network, nodes: list[str]) -> None:
    from matplotlib.patches import Patch

    from policygraph.network.tables import colour_of

    seen: dict[str, str] = {}
    for node in nodes:
        data = network.graph.nodes[node]
        seen.setdefault(data["type"], colour_of(data["class"]))
    handles = [Patch(color=colour, label=name) for name, colour in sorted(seen.items())]
    ax.legend(handles=handles, loc="lower right", fontsize=7, title="type", title_fontsize=7)


def _figure(width: float, height: float):
    import matplotlib

    if "matplotlib.pyplot" not in sys.modules:
        matplotlib.use("Agg")
    from matplotlib.figure import Figure

    figure = Figure(figsize=(width, height), dpi=110, layout="constrained")
    return figure, figure.add_subplot()


def _save(figure, path: str | Path) -> None:
    path = check_plot_path(path)
    buffer = io.BytesIO()
    fmt = path.suffix.lower().lstrip(".")
    metadata = {"Date": None} if fmt == "svg" else {"Software": None}
    figure.savefig(buffer, format=fmt, metadata=metadata)
    write_atomic(path, buffer.getvalue())


def _short(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"
