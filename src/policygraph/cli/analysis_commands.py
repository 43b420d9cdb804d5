"""``analyze`` (summary, centrality, communities, path, bridges, ego) and ``export``: the graph as a network."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import click

from policygraph.cli import main
from policygraph.cli.options import data_options, load_from_options

_FORMATS = click.Choice(["table", "csv", "json"])
_EXPORT_FORMATS = ["gexf", "graphml", "csv", "ttl", "nt", "jsonld"]


def _split(values: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(part.strip() for value in values for part in value.split(",") if part.strip())


def network_options(command):
    """The projection options shared by ``analyze`` and ``export``."""
    options = [
        click.option(
            "--literals",
            is_flag=True,
            help="Add literal properties (kind, status, stance, description...) as node attributes.",
        ),
        click.option("--citations", is_flag=True, help="Add the cited sources as nodes, with 'cites' edges."),
        click.option(
            "--query",
            metavar="FILE.rq|TEXT",
            help=(
                "Analyse only what a SPARQL CONSTRUCT query returns (a file, or the query itself)."
                " SERVICE, FROM and updates are refused."
            ),
        ),
        click.option("--exclude-kinds", multiple=True, metavar="KIND[,KIND]", help="Leave out edges of these kinds."),
        click.option(
            "--edge-kinds",
            multiple=True,
            metavar="KIND[,KIND]",
            help="Keep only edges of these kinds (pg:amends, amends, or the label) and the nodes they join.",
        ),
        click.option("--exclude-types", multiple=True, metavar="TYPE[,TYPE]", help="Leave out nodes of these types."),
        click.option(
            "--types",
            multiple=True,
            metavar="TYPE[,TYPE]",
            help="Keep only nodes of these types, with their subtypes (body, policy, treaty, government-body, ...).",
        ),
        click.option(
            "--fold",
            is_flag=True,
            help="Replace positions, events, participations, recommendations... by direct edges (SMJ —opposes→ bill).",
        ),
    ]
    for option in options:
        command = option(command)
    return data_options(command)


def _network(data, no_bundled, fold, types, exclude_types, edge_kinds, exclude_kinds, query, citations, literals):
    from policygraph.network.model import ProjectionOptions
    from policygraph.network.projection import project

    loaded = load_from_options(data, no_bundled)
    query_text, query_origin = _query_text(query) if query else (None, "--query")
    options = ProjectionOptions(
        fold=fold,
        types=_split(types),
        exclude_types=_split(exclude_types),
        edge_kinds=_split(edge_kinds),
        exclude_kinds=_split(exclude_kinds),
        query=query_text,
        query_origin=query_origin,
        citations=citations,
        literals=literals,
    )
    network = project(loaded, options)
    for note in network.notes:
        click.echo(f"note: {note}", err=True)
    return network


def _query_text(value: str) -> tuple[str, str]:
    """The query text and where it came from: a file, or the option's value itself."""
    from policygraph.errors import InputError
    from policygraph.model import Location

    path = Path(value)
    if "{" not in value:
        try:
            return path.read_text(encoding="utf-8"), value
        except FileNotFoundError:
            raise InputError(
                "no such query file", Location(value), hint="give a .rq file or the CONSTRUCT query itself"
            ) from None
        except UnicodeDecodeError:
            raise InputError("not UTF-8 text", Location(value), hint="save the file as UTF-8") from None
        except (OSError, UnicodeDecodeError) as error:
            raise InputError(
                f"cannot read query file: {getattr(error, 'strerror', None) or error}", Location(value)
            ) from None
    return value, "--query"


def _plot_path(plot: str | None) -> Path | None:
    if plot is None:
        return None
    from policygraph.network.plots import check_plot_path

    return check_plot_path(plot)


def _emit(fmt: str, result, table: str) -> None:
    if fmt == "json":
        click.echo(json.dumps(result.to_dict(), ensure_ascii=False, indent=2))
    elif fmt == "csv":
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


@main.group()
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


_engine_option = click.option(
    "--engine",
    type=click.Choice(["auto", "networkx", "igraph"]),
    default="auto",
    show_default=True,
    help="networkx (the reference) or igraph (fast); auto: igraph from 5,000 nodes.",
)
"""The graph-algorithm engine, shared by centrality and communities."""


@analyze.command("summary")
@network_options
@click.option("--format", "fmt", type=_FORMATS, default="table", show_default=True)
@click.option("--plot", metavar="FILE.png|svg", help="Also draw the degree distribution.")
def summary_command(fmt, plot, **projection):
    """Nodes by type, edges by kind, density, components and the degree distribution.

    \b
    Example:
      policygraph analyze summary
      policygraph analyze summary --fold --plot degrees.png
    """
    from policygraph.network.analysis import summarise_network

    plot_path = _plot_path(plot)
    network = _network(**projection)
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
@click.option("--format", "fmt", type=_FORMATS, default="table", show_default=True)
@click.option("--plot", metavar="FILE.png|svg", help="Also draw the ranking as a bar chart.")
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
    from policygraph.network.analysis import centrality

    plot_path = _plot_path(plot)
    network = _network(**projection)
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
@click.option("--format", "fmt", type=_FORMATS, default="table", show_default=True)
@click.option("--plot", metavar="FILE.png|svg", help="Also draw the network coloured by community.")
@_engine_option
def communities_command(method, seed, min_size, fmt, plot, engine, **projection):
    """Communities (Louvain or greedy modularity), each with its members and the edge kinds that bind it.

    \b
    Example:
      policygraph analyze communities --fold
      policygraph analyze communities --method greedy --format json
      policygraph analyze communities --fold --seed 7 --plot communities.png
    """
    from policygraph.network.analysis import communities

    plot_path = _plot_path(plot)
    network = _network(**projection)
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
@click.option("--format", "fmt", type=_FORMATS, default="table", show_default=True)
def path_command(source, target, limit, fmt, **projection):
    """Shortest paths between two entities, as labelled hops (exit 1 when there is none).

    Direction is ignored to find the paths and shown on each hop: A —label→ B or A ←label— B.

    \b
    Example:
      policygraph analyze path smj iccpr-art-9 --fold
      policygraph analyze path jp-moj crc --fold --limit 3
    """
    from policygraph.network.analysis import shortest_paths

    network = _network(**projection)
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
@click.option("--format", "fmt", type=_FORMATS, default="table", show_default=True)
def bridges_command(top, fmt, **projection):
    """Articulation points and bridges: the nodes and links that hold the network together.

    Removing an articulation point (or a bridge) splits its component; "cut off" counts the nodes
    that lose touch with the largest remaining part. Those that cut off most come first.

    \b
    Example:
      policygraph analyze bridges --fold
      policygraph analyze bridges --types body,policy --format csv
    """
    from policygraph.network.analysis import CutPoints, Hop, cut_points

    network = _network(**projection)
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
@click.option("--format", "fmt", type=_FORMATS, default="table", show_default=True)
@click.option("--plot", metavar="FILE.png|svg", help="Also draw the ego network.")
def ego_command(id, radius, fmt, plot, **projection):
    """The neighbourhood of one entity: every node within --radius hops, and the edges among them.

    \b
    Example:
      policygraph analyze ego smj --fold
      policygraph analyze ego bill-2021-immigration-control-revision --radius 2 --plot bill.png
    """
    from policygraph.network.analysis import ego_network

    plot_path = _plot_path(plot)
    network = _network(**projection)
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


@main.command("export")
@click.argument("fmt", metavar="FORMAT", type=click.Choice(_EXPORT_FORMATS))
@click.option(
    "-o",
    "--output",
    required=True,
    metavar="PATH",
    help="The file to write, or - for standard output; for csv a folder (created if missing) that gets nodes.csv and edges.csv.",
)
@network_options
@click.option(
    "--dynamic", is_flag=True, help="gexf: give nodes and edges their dates so Gephi's timeline plays the history."
)
@click.option(
    "--measures", is_flag=True, help="gexf, graphml, csv: add betweenness, pagerank, eigenvector and community columns."
)
def export_command(fmt, output, dynamic, measures, **projection):
    """Export the network for Gephi or Cytoscape (gexf, graphml, csv), or the graph as RDF (ttl, nt, jsonld).

    gexf is GEXF 1.3 with typed attributes, colours by type and sizes by degree; csv writes
    nodes.csv and edges.csv into the folder -o names, with Gephi's column names. The RDF formats
    write the whole graph, or what --query constructs.

    \b
    Example:
      policygraph export gexf -o japan.gexf --fold --dynamic
      policygraph export csv -o japan-csv/ --fold
      policygraph export ttl -o detention.ttl --query detention.rq
    """
    from policygraph.cli.options import echo_status
    from policygraph.errors import ConfigError

    if fmt == "csv" and output == "-":
        raise ConfigError("csv writes two files (nodes.csv and edges.csv): -o names a folder, not -")
    if fmt in ("ttl", "nt", "jsonld"):
        network_options_used = (
            "fold",
            "types",
            "exclude_types",
            "edge_kinds",
            "exclude_kinds",
            "citations",
            "literals",
        )
        network_only = [name for name in network_options_used if projection[name]]
        if dynamic or measures or network_only:
            first = "dynamic" if dynamic else "measures" if measures else network_only[0]
            raise ConfigError(f"--{first.replace('_', '-')} applies to gexf, graphml and csv exports, not {fmt}")
        from policygraph.network.export import write_rdf
        from policygraph.network.model import construct

        loaded = load_from_options(projection["data"], projection["no_bundled"])
        graph = construct(loaded, *_query_text(projection["query"])) if projection["query"] else loaded.graph
        write_rdf(graph, output, fmt)
        echo_status(f"wrote {output}: {len(graph)} triples ({fmt})", output)
        return
    if dynamic and fmt != "gexf":
        raise ConfigError(f"--dynamic applies to gexf exports, not {fmt}")
    from policygraph.network import export

    network = _network(**projection)
    nodes, edges = network.graph.number_of_nodes(), network.graph.number_of_edges()
    if fmt == "gexf":
        from policygraph.cli.options import progress_reporter

        export.write_gexf(network, output, dynamic=dynamic, measures=measures, progress=progress_reporter("writing GEXF"))
        echo_status(f"wrote {output}: {nodes} nodes, {edges} edges (GEXF 1.3{', dynamic' if dynamic else ''})", output)
    elif fmt == "graphml":
        export.write_graphml(network, output, measures=measures)
        echo_status(f"wrote {output}: {nodes} nodes, {edges} edges (GraphML)", output)
    else:
        nodes_path, edges_path = export.write_csv(network, output, measures=measures)
        click.echo(f"wrote {nodes_path} ({nodes} nodes) and {edges_path} ({edges} edges)")
