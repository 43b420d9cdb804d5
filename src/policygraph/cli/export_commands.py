"""``export``: the network for Gephi or Cytoscape, or the graph as RDF."""

from __future__ import annotations

import click

from policygraph.cli.options import (
    echo_status,
    load_from_options,
    network_from_options,
    network_options,
    output_option,
    progress_reporter,
    read_query_option,
)
from policygraph.errors import ConfigError
from policygraph.graph.serialize import RDF_OUTPUT_FORMATS

_NETWORK_FORMATS = ["gexf", "graphml", "csv"]
_RDF_FORMATS = list(RDF_OUTPUT_FORMATS)
_PROJECTION_ONLY = ("fold", "types", "exclude_types", "edge_kinds", "exclude_kinds", "citations", "literals")
"""The network options that shape a projection; the RDF formats write triples, so they refuse them."""


@click.command("export")
@click.argument("fmt", metavar="FORMAT", type=click.Choice(_NETWORK_FORMATS + _RDF_FORMATS))
@output_option(
    "The file to write, or - for standard output; for csv a folder (created if missing) that gets nodes.csv and edges.csv.",
    metavar="PATH",
    required=True,
)
@network_options
@click.option(
    "--dynamic", is_flag=True, help="gexf: give nodes and edges their dates so Gephi's timeline plays the history."
)
@click.option(
    "--measures", is_flag=True, help="gexf, graphml, csv: add betweenness, pagerank, eigenvector and community columns."
)
def export_command(fmt, output, dynamic, measures, **projection):
    """Export the network for Gephi or Cytoscape (gexf, graphml, csv), or the graph as RDF (ttl, nt, nq, trig, jsonld, xml).

    gexf is GEXF 1.3 with typed attributes, colours by type and sizes by degree; csv writes
    nodes.csv and edges.csv into the folder -o names, with Gephi's column names. The RDF formats
    write the whole graph, or what --query constructs.

    \b
    Example:
      policygraph export gexf -o japan.gexf --fold --dynamic
      policygraph export csv -o japan-csv/ --fold
      policygraph export ttl -o detention.ttl --query detention.rq
    """
    if fmt == "csv" and output == "-":
        raise ConfigError("csv writes two files (nodes.csv and edges.csv): -o names a folder, not -")
    if fmt in _RDF_FORMATS:
        _export_rdf(fmt, output, dynamic, measures, projection)
        return
    if dynamic and fmt != "gexf":
        raise ConfigError(f"--dynamic applies to gexf exports, not {fmt}")
    from policygraph.network import export

    network = network_from_options(**projection)
    nodes, edges = network.number_of_nodes(), network.number_of_edges()
    if fmt == "gexf":
        export.write_gexf(network, output, dynamic=dynamic, measures=measures, progress=progress_reporter("writing GEXF"))
        echo_status(f"wrote {output}: {nodes} nodes, {edges} edges (GEXF 1.3{', dynamic' if dynamic else ''})")
    elif fmt == "graphml":
        export.write_graphml(network, output, measures=measures)
        echo_status(f"wrote {output}: {nodes} nodes, {edges} edges (GraphML)")
    else:
        nodes_path, edges_path = export.write_csv(network, output, measures=measures)
        echo_status(f"wrote {nodes_path} ({nodes} nodes) and {edges_path} ({edges} edges)")


def _export_rdf(fmt: str, output: str, dynamic: bool, measures: bool, projection: dict) -> None:
    """``export ttl|nt|nq|trig|jsonld|xml``: the whole graph, or what --query constructs; network-only options are refused."""
    network_only = [name for name in _PROJECTION_ONLY if projection[name]]
    if dynamic or measures or network_only:
        first = "dynamic" if dynamic else "measures" if measures else network_only[0]
        raise ConfigError(f"--{first.replace('_', '-')} applies to gexf, graphml and csv exports, not {fmt}")
    from policygraph.network.export import write_rdf
    from policygraph.network.projection import construct

    loaded = load_from_options(projection["data"], projection["no_bundled"])
    query = projection["query"]
    graph = construct(loaded, *read_query_option(query)) if query else loaded.graph
    write_rdf(graph, output, fmt)
    echo_status(f"wrote {output}: {len(graph)} triples ({fmt})")
