"""``analyze`` (summary, centrality, communities, path, bridges, ego): the graph as a network."""

from __future__ import annotations

from pathlib import Path

import click

from policygraph.cli.options import engine_option, format_option, network_from_options, network_options, plot_option

_format_option = format_option("table", "csv", "json", default="table")
"""The output switch of every ``analyze`` command."""

_engine_option = engine_option(
    "networkx", "igraph", help="networkx (the reference) or igraph (fast); auto: igraph for betweenness, and for all from 5,000 nodes."
)
"""The graph-algorithm engine, shared by centrality and communities."""


def _plot_path(plot: str | None) -> Path | None:
    if plot is None:
        return None
    from policygraph.network.plots import check_plot_path

    return check_plot_path(plot)


def _emit(fmt: str, result, table: str) -> None:
    """Print ``result`` as --format says: its JSON document, its rows as CSV, or the ``table`` text."""
    if fmt == "json":
        import json

        click.echo(json.dumps(result.to_dict(), ensure_ascii=False, indent=2))
    elif fmt == "csv":
        import csv
        import io

        header, rows = result.rows()
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        writer.writerow(header)
        writer.writerows(rows)
        click.echo(buffer.getvalue(), nl=False)
    else:
        click.echo(table)


def _columns(rows: list[list], indent: str = "  ", right: tuple[int, ...] = ()) -> list[str]:
    """Rows as aligned text columns (the last column is not padded)."""
    if not rows:
        return []
    widths = [max(len(str(row[i])) for row in rows) for i in range(len(rows[0]))]
    lines = []
    for row in rows:
        cells = [
            str(cell).rjust(widths[i])
            if i in right
            else (str(cell) if i == len(row) - 1 else str(cell).ljust(widths[i]))
            for i, cell in enumerate(row)
        ]
        lines.append(indent + "  ".join(cells).rstrip())
    return lines


@click.group()
def analyze():
    """Network analysis: who is central, which groups cluster, how two entities connect.

    Every command projects the graph to a network first: entities are nodes, the relations between
    them are edges. Measures treat the network as undirected (one link per pair of nodes).

    \b
    Example:
      policygraph analyze summary
      policygraph analyze centrality --measure betweenness --fold --top 10
      policygraph analyze path smj iccpr-art-9 --fold
    """


@analyze.command("summary")
@network_options
@_format_option
@plot_option("Also draw the degree distribution.")
def summary_command(fmt, plot, **projection):
    """Nodes by type, edges by kind, density, components and the degree distribution.

    \b
    Example:
      policygraph analyze summary
      policygraph analyze summary --fold --plot degrees.png
    """
    from policygraph.network.measures import summarise_network

    plot_path = _plot_path(plot)
    network = network_from_options(**projection)
    result = summarise_network(network)
    lines = [
        f"nodes       {result.nodes}",
        f"edges       {result.edges} ({result.links} linked pairs)",
        f"density     {result.density:.6f}",
        f"components  {result.components} (largest {result.largest_component} nodes; {result.isolates} isolated)",
        f"degree      mean {result.mean_degree:.2f}, max {result.max_degree}",
        "",
        "nodes by type:",
        *_columns([[t, c] for t, c in result.nodes_by_type], right=(1,)),
        "",
        "edges by kind:",
        *_columns([[k, label, c] for k, label, c in result.edges_by_kind], right=(2,)),
        "",
        "degree distribution (degree: nodes):",
        *_columns([[d, c] for d, c in result.degree_distribution], right=(0, 1)),
    ]
    _emit(fmt, result, "\n".join(lines))
    if plot_path:
        from policygraph.network.plots import plot_degree_distribution

        plot_degree_distribution(result, plot_path)
        click.echo(f"wrote {plot_path}", err=True)


@analyze.command("centrality")
@network_options
@click.option(
    "--measure",
    type=click.Choice(["degree", "betweenness", "pagerank", "eigenvector"]),
    default="degree",
    show_default=True,
)
@click.option("--top", default=20, show_default=True, type=click.IntRange(1, 100000), help="Show this many nodes.")
@click.option("--type", "type_name", metavar="TYPE", help="Show only nodes of this type (ranked among all nodes).")
@click.option(
    "--sample",
    type=click.IntRange(1),
    metavar="N",
    help="Betweenness only: estimate it from N sampled nodes (seeded) instead of all; for big networks.",
)
@_format_option
@plot_option("Also draw the ranking as a bar chart.")
@_engine_option
def centrality_command(measure, top, type_name, sample, fmt, plot, engine, **projection):
    """The most central nodes by degree, betweenness, PageRank or eigenvector centrality.

    Scores are computed on the whole (projected) network; --type only filters what is shown.
    Equal scores share a rank.

    \b
    Example:
      policygraph analyze centrality --top 10
      policygraph analyze centrality --measure betweenness --fold --type body
    """
    from policygraph.network.measures import centrality

    plot_path = _plot_path(plot)
    network = network_from_options(**projection)
    result = centrality(network, measure, top, type_name, sample, engine)
    rows = [["rank", "score", "degree", "id", "type", "label"]]
    rows += [[r.rank, f"{r.score:.4f}", r.degree, r.id, r.type, r.label] for r in result.ranking]
    title = f"{measure} centrality, top {len(result.ranking)} of {result.nodes} nodes" + (
        f" (type: {type_name})" if type_name else ""
    )
    if result.sample:
        title += f", estimated from {result.sample} sampled nodes"
    _emit(fmt, result, "\n".join([title, *_columns(rows, right=(0, 1, 2))]))
    if plot_path:
        from policygraph.network.plots import plot_centrality

        plot_centrality(result, network, plot_path)
        click.echo(f"wrote {plot_path}", err=True)


@analyze.command("communities")
@network_options
@click.option("--method", type=click.Choice(["louvain", "greedy"]), default="louvain", show_default=True)
@click.option(
    "--seed", default=0, show_default=True, type=int, help="Seed for Louvain: the same seed gives the same communities."
)
@click.option(
    "--min-size",
    default=2,
    show_default=True,
    type=click.IntRange(1),
    help="List communities with at least this many members.",
)
@_format_option
@plot_option("Also draw the network coloured by community.")
@_engine_option
def communities_command(method, seed, min_size, fmt, plot, engine, **projection):
    """Communities (Louvain or greedy modularity), each with its members and the edge kinds that bind it.

    \b
    Example:
      policygraph analyze communities --fold
      policygraph analyze communities --method greedy --format json
      policygraph analyze communities --fold --seed 7 --plot communities.png
    """
    from policygraph.network.communities import communities

    plot_path = _plot_path(plot)
    network = network_from_options(**projection)
    result = communities(network, method, seed, min_size, engine)
    seeded = f", seed {seed}" if method == "louvain" else ""
    lines = [f"{len(result.communities)} communities ({method}{seeded}; modularity {result.modularity:.4f})"]
    if result.hidden:
        lines[0] += f"; {result.hidden} smaller than {min_size} not listed"
    for community in result.communities:
        binding = ", ".join(f"{label} ({count})" for _, label, count in community.edge_kinds[:5]) or "no edges"
        lines += ["", f"community {community.number}: {len(community.members)} members; bound by {binding}"]
        lines += _columns([[m.degree, m.id, m.type, m.label] for m in community.members], indent="    ", right=(0,))
    _emit(fmt, result, "\n".join(lines))
    if plot_path:
        from policygraph.network.plots import plot_network

        title = f"Communities ({method}{seeded}), modularity {result.modularity:.3f}"
        plot_network(network, plot_path, communities=result, title=title, seed=seed)
        click.echo(f"wrote {plot_path}", err=True)


@analyze.command("path")
@click.argument("source", metavar="A")
@click.argument("target", metavar="B")
@network_options
@click.option(
    "--limit", default=5, show_default=True, type=click.IntRange(1, 1000), help="Show at most this many shortest paths."
)
@_format_option
def path_command(source, target, limit, fmt, **projection):
    """Shortest paths between two entities, as labelled hops (exit 1 when there is none).

    Direction is ignored to find the paths and shown on each hop: A —label→ B or A ←label— B.

    \b
    Example:
      policygraph analyze path smj iccpr-art-9 --fold
      policygraph analyze path jp-moj crc --fold --limit 3
    """
    from policygraph.network.paths import shortest_paths

    network = network_from_options(**projection)
    result = shortest_paths(network, source, target, limit)
    if result.length is None:
        _emit(fmt, result, f"no path between {result.source!r} and {result.target!r}")
        click.get_current_context().exit(1)
    count = len(result.paths)
    head = f"{count} shortest path{'s' if count > 1 else ''} of {result.length} hop{'s' if result.length > 1 else ''}"
    _emit(fmt, result, "\n".join([f"{head} from {result.source} to {result.target}:", *result.texts()]))


@analyze.command("bridges")
@network_options
@click.option("--top", default=20, show_default=True, type=click.IntRange(0), help="Show this many of each (0: all).")
@_format_option
def bridges_command(top, fmt, **projection):
    """Articulation points and bridges: the nodes and links that hold the network together.

    Removing an articulation point (or a bridge) splits its component; "cut off" counts the nodes
    that lose touch with the largest remaining part. Those that cut off most come first.

    \b
    Example:
      policygraph analyze bridges --fold
      policygraph analyze bridges --types body,policy --format csv
    """
    from policygraph.network.cuts import CutPoints, cut_points
    from policygraph.network.paths import Hop

    network = network_from_options(**projection)
    full = cut_points(network)
    result = CutPoints(full.articulation_points[:top], full.bridges[:top]) if top else full
    lines = [
        f"articulation points: {len(full.articulation_points)}"
        + (f" (top {len(result.articulation_points)})" if top and len(full.articulation_points) > top else "")
    ]
    rows = [["cut off", "pieces", "degree", "id", "type", "label"]]
    rows += [[p.cut_off, p.pieces, p.degree, p.id, p.type, p.label] for p in result.articulation_points]
    lines += _columns(rows, right=(0, 1, 2)) if result.articulation_points else []
    lines += [
        "",
        f"bridges: {len(full.bridges)}" + (f" (top {len(result.bridges)})" if top and len(full.bridges) > top else ""),
    ]
    rows = [["cut off", "link"]]
    for b in result.bridges:
        rows.append([b.cut_off, f"{b.source} {Hop(b.source, '', b.target, '', b.relations).text()} {b.target}"])
    lines += _columns(rows, right=(0,)) if result.bridges else []
    _emit(fmt, result, "\n".join(lines))


@analyze.command("ego")
@click.argument("id")
@network_options
@click.option("--radius", default=1, show_default=True, type=click.IntRange(0, 20), help="Hops from the centre.")
@_format_option
@plot_option("Also draw the ego network.")
def ego_command(id, radius, fmt, plot, **projection):
    """The neighbourhood of one entity: every node within --radius hops, and the edges among them.

    \b
    Example:
      policygraph analyze ego smj --fold
      policygraph analyze ego bill-2021-immigration-control-revision --radius 2 --plot bill.png
    """
    from policygraph.network.paths import ego_network

    plot_path = _plot_path(plot)
    network = network_from_options(**projection)
    result = ego_network(network, id, radius)
    lines = [
        f"ego network of {result.center} (radius {radius}): {len(result.members)} nodes, {len(result.edges)} edges"
    ]
    rows = [["distance", "degree", "id", "type", "label"]]
    rows += [[m.distance, m.degree, m.id, m.type, m.label] for m in result.members]
    _emit(fmt, result, "\n".join(lines + _columns(rows, right=(0, 1))))
    if plot_path:
        from policygraph.network.plots import plot_network

        center = network.graph.nodes[result.center]["label"]
        plot_network(network, plot_path, ego=result, title=f"{center}: ego network, radius {radius}", labels=40)
        click.echo(f"wrote {plot_path}", err=True)
