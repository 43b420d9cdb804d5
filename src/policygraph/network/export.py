"""Write a ``Network`` for Gephi, Cytoscape and spreadsheets, and the RDF graph as RDF.

- GEXF 1.3 (written here: networkx's writer does not produce valid 1.3): typed node and edge
  attributes declared before the nodes, ``viz:color`` by node type from a fixed palette,
  ``viz:size`` by degree, edge labels and kinds; with ``dynamic`` every dated node and folded edge
  has a ``start``/``end`` (``timeformat="date"``) so that Gephi's timeline plays the history.
- GraphML with typed keys (networkx's writer).
- CSV: ``nodes.csv`` and ``edges.csv`` with the column names Gephi's spreadsheet import knows.
- RDF: the whole graph or a CONSTRUCT result as Turtle, N-Triples or JSON-LD.

The columns and colours all three network formats share come from ``tables``. Every file is
written with ``output.write_atomic``. Nothing here prints.
"""

from __future__ import annotations

import csv
import io
import math
import re
from pathlib import Path
from typing import Callable, Iterator
from xml.sax.saxutils import escape, quoteattr

from rdflib import Graph

from policygraph import __version__
from policygraph.errors import ConfigError
from policygraph.graph.handle import LoadedGraph
from policygraph.graph.serialize import RDF_OUTPUT_FORMATS, serialize
from policygraph.network.model import Network
from policygraph.network.tables import (
    EDGE_COLUMNS,
    Column,
    colour_of,
    edge_table,
    edge_values,
    node_table,
    sorted_edges,
    text_value,
)
from policygraph.output import write_atomic, write_atomic_chunks, write_atomic_files

__all__ = [
    "NETWORK_FORMATS",
    "RDF_FORMATS",
    "gexf_chunks",
    "gexf_text",
    "write_csv",
    "write_gexf",
    "write_graphml",
    "write_rdf",
]

NETWORK_FORMATS = ("gexf", "graphml", "csv")
RDF_FORMATS = tuple(RDF_OUTPUT_FORMATS)
_BAD_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


_PLAIN = re.compile('[&<>"\n\r\t\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]')
"""What ``quoteattr`` would escape or ``_BAD_XML`` remove: text without any of it is quoted as it is."""


def _attr(value: object) -> str:
    text = value if type(value) is str else text_value(value)
    if _PLAIN.search(text) is None:  # nearly every value: skip quoteattr's replacements (a third of the export)
        return f'"{text}"'
    return quoteattr(_BAD_XML.sub("", text))


# -- GEXF -----------------------------------------------------------------------------------------


def gexf_text(network: Network, dynamic: bool = False, measures: bool = False) -> str:
    """The network as a GEXF 1.3 document (valid against the official RELAX NG schema).

    Args:
        network: the projected network.
        dynamic: give nodes and edges their time span (``mode="dynamic"``, ``timeformat="date"``).
        measures: add betweenness, PageRank, eigenvector and Louvain community columns.
    """
    return "".join(gexf_chunks(network, dynamic, measures))


def gexf_chunks(
    network: Network, dynamic: bool = False, measures: bool = False, progress: Callable[[int, int], None] | None = None
) -> Iterator[str]:
    """``gexf_text`` in pieces of about 1 MB, made as they are written (``write_gexf`` streams them).

    Args:
        progress: called as ``progress(pieces done, pieces)`` (a piece is a node, an edge or a header part).
    """
    total = network.number_of_nodes() + network.number_of_edges() + 12
    out: list[str] = []
    size = done = 0
    for piece, pieces in _gexf_pieces(network, dynamic, measures):
        out.append(piece)
        size += len(piece)
        done += pieces
        if size >= 1 << 20:
            yield "".join(out)
            out, size = [], 0
            if progress:
                progress(min(done, total), total)
    if out:
        yield "".join(out)
    if progress:
        progress(total, total)


_BLOCK = 2048
"""Nodes or edges written as one piece: their text is made in one list comprehension each."""


def _gexf_pieces(network: Network, dynamic: bool, measures: bool) -> Iterator[tuple[str, int]]:
    """The document's text as ``(text, how many pieces it holds)``: header parts one by one, nodes and edges in blocks."""
    node_columns, node_rows = node_table(network, measures)
    edges = sorted_edges(network)
    table = network.table
    header = [
        '<?xml version="1.0" encoding="UTF-8"?>\n',
        '<gexf xmlns="http://gexf.net/1.3" xmlns:viz="http://gexf.net/1.3/viz" version="1.3">\n',
        "  <meta>\n",
        f"    <creator>policygraph {escape(__version__)}</creator>\n",
        f"    <description>{escape(_description(network))}</description>\n",
        "  </meta>\n",
        '  <graph defaultedgetype="directed" '
        + ('mode="dynamic" timeformat="date">\n' if dynamic else 'mode="static">\n'),
    ]
    for cls, columns in (("node", node_columns), ("edge", EDGE_COLUMNS)):
        header.append(f'    <attributes class="{cls}" mode="static">\n')
        header.append("".join(f'      <attribute id={_attr(c.id)} title={_attr(c.id)} type="{c.type}"/>\n' for c in columns))
        header.append("    </attributes>\n")
    header.append(f'    <nodes count="{len(table.ids)}">\n')
    yield from ((part, 1) for part in header)

    node_fields = _fields(node_columns, "        ")
    colours: dict[str, str] = {}
    sizes: dict[int, str] = {}
    made: dict = {}
    quoted = [_attr(node) for node in table.ids]

    def node_text(node: str, name: str, data: dict) -> str:
        row = node_rows[node]
        span = _span_attributes(data["start"], data["end"]) if dynamic else ""
        colour = colours.get(data["class"])
        if colour is None:
            red, green, blue = (int(colour_of(data["class"])[i : i + 2], 16) for i in (1, 3, 5))
            colour = colours[data["class"]] = f'        <viz:color r="{red}" g="{green}" b="{blue}"/>\n'
        degree = int(row["degree"])
        size = sizes.get(degree)
        if size is None:
            size = sizes[degree] = f'        <viz:size value="{_size(degree)}"/>\n      </node>\n'
        return (
            f"      <node id={name} label={_attr(data['label'])}{span}>\n"
            + _attvalues(row, node_fields, "        ", made)
            + colour
            + size
        )

    nodes = list(zip(table.ids, quoted, table.attributes))
    for first in range(0, len(nodes), _BLOCK):
        block = nodes[first : first + _BLOCK]
        yield "".join([node_text(*node) for node in block]), len(block)
    yield "    </nodes>\n", 1
    yield f'    <edges count="{len(edges)}">\n', 1

    edge_fields = _fields(EDGE_COLUMNS, "        ")
    tails: dict[int, str] = {}  # id(attributes) -> the edge's text after its target: edges of a kind share them
    for data in {id(data): data for _, _, _, data in edges}.values():
        span = _span_attributes(data["start"], data["end"]) if dynamic else ""
        tails[id(data)] = (
            f" label={_attr(data['label'])}"
            f' kind={_attr(data["kind"])} weight="{float(data["weight"])}"{span}>\n'
            + _attvalues(edge_values(data), edge_fields, "        ")
            + "      </edge>\n"
        )
    special = _PLAIN.search  # as in _attr, without its calls: an edge id is a str
    for first in range(0, len(edges), _BLOCK):
        block = edges[first : first + _BLOCK]
        text = "".join(
            [
                "      <edge id="
                + (_attr(edge_id) if special(edge_id) else '"' + edge_id + '"')
                + f" source={quoted[source]} target={quoted[target]}{tails[id(data)]}"
                for edge_id, source, target, data in block
            ]
        )
        yield text, len(block)
    yield "    </edges>\n  </graph>\n</gexf>\n", 1


def write_gexf(
    network: Network,
    path: str | Path,
    dynamic: bool = False,
    measures: bool = False,
    progress: Callable[[int, int], None] | None = None,
) -> None:
    """Write the GEXF document to ``path`` atomically, streamed piece by piece (``gexf_chunks``)."""
    write_atomic_chunks(path, gexf_chunks(network, dynamic, measures, progress))


def _fields(columns: list[Column], indent: str) -> dict[str, tuple[int, str]]:
    """Each column's id → its place and the start of its ``<attvalue>`` line, made once per export."""
    return {c.id: (i, f"{indent}  <attvalue for={_attr(c.id)} value=") for i, c in enumerate(columns)}


def _attvalues(
    values: dict[str, object], fields: dict[str, tuple[int, str]], indent: str, made: dict | None = None
) -> str:
    """The ``<attvalues>`` of a node or edge: its values present, in column order.

    Args:
        made: the lines made so far, by column and value, to reuse (types, degrees and dates repeat;
            IRIs do not, and are not kept). A column's values share one type (``tables.node_table``),
            so ``1`` and ``True`` never meet in one column.
    """
    lines = []
    for column, value in values.items():
        if value is None or value == "":
            continue
        known = made.get(column) if made is not None else None
        if known is None:
            known = {} if made is None or column == "iri" else made.setdefault(column, {})
        line = known.get(value)
        if line is None:
            place, start = fields[column]
            line = known[value] = (place, f"{start}{_attr(value)}/>\n")
        lines.append(line)
    if not lines:
        return ""
    lines.sort()
    return f"{indent}<attvalues>\n" + "".join([text for _, text in lines]) + f"{indent}</attvalues>\n"


def _span_attributes(start: str | None, end: str | None) -> str:
    return (f' start="{start}"' if start else "") + (f' end="{end}"' if end else "")


def _size(degree: int) -> float:
    return round(6 + 3 * math.sqrt(degree), 2)


def _description(network: Network) -> str:
    options = network.options
    parts = ["policygraph network"]
    if options.fold:
        parts.append("n-ary nodes folded")
    if options.types:
        parts.append("types: " + ", ".join(options.types))
    if options.exclude_types:
        parts.append("without types: " + ", ".join(options.exclude_types))
    if options.edge_kinds:
        parts.append("edge kinds: " + ", ".join(options.edge_kinds))
    if options.exclude_kinds:
        parts.append("without edge kinds: " + ", ".join(options.exclude_kinds))
    if options.query:
        parts.append("selected by a CONSTRUCT query")
    if options.citations:
        parts.append("with citations")
    return "; ".join(parts)


# -- GraphML and CSV ------------------------------------------------------------------------------


def write_graphml(network: Network, path: str | Path, measures: bool = False) -> None:
    """Write GraphML with one typed key per attribute (string, long, double, boolean), atomically.

    Nodes carry ``label`` and the ``node_table`` columns; edges ``label``, ``kind``, ``weight``
    and the ``edge_table`` columns. Edge ids are the stable ``source--kind--target`` ids.
    """
    import networkx as nx

    _, node_rows = node_table(network, measures)
    _, edges = edge_table(network)
    flat = nx.MultiDiGraph()
    table = network.table
    for node, data in zip(table.ids, table.attributes):
        flat.add_node(node, **_xml_safe({"label": data["label"], **node_rows[node]}))
    for edge_id, source, target, data in edges:
        values = {"label": data["label"], "kind": data["kind"], "weight": float(data["weight"]), **edge_values(data)}
        flat.add_edge(source, target, key=edge_id, **_xml_safe(values))
    buffer = io.BytesIO()
    nx.write_graphml(flat, buffer, encoding="utf-8")
    write_atomic(path, buffer.getvalue())


def _xml_safe(values: dict) -> dict:
    """The values with the characters XML 1.0 cannot hold removed (networkx writes them as they are, and
    Gephi and Cytoscape then reject the whole file)."""
    return {key: _BAD_XML.sub("", value) if isinstance(value, str) else value for key, value in values.items()}


def write_csv(network: Network, folder: str | Path, measures: bool = False) -> list[Path]:
    """Write ``nodes.csv`` and ``edges.csv`` into ``folder`` (created if missing) for Gephi's spreadsheet import.

    nodes.csv: ``Id, Label, Type`` and the other node columns; edges.csv: ``Id, Source, Target,
    Type`` (always ``Directed``), ``Kind, Label, Weight`` and the other edge columns.

    Returns:
        The two paths written.

    Raises:
        InputError: the folder cannot be created or written.
    """
    from policygraph.errors import InputError
    from policygraph.model import Location

    folder = Path(folder)
    if folder.exists() and not folder.is_dir():
        raise InputError("not a folder: csv export writes nodes.csv and edges.csv into a folder", Location(str(folder)))
    try:
        folder.mkdir(exist_ok=True)
    except OSError as error:
        raise InputError(f"cannot create folder: {error.strerror}", Location(str(folder))) from None
    node_columns, node_rows = node_table(network, measures)
    header = ["Id", "Label", "Type"] + [c.id for c in node_columns if c.id != "type"]
    rows = []
    table = network.table
    for node, data in zip(table.ids, table.attributes):
        row = node_rows[node]
        rows.append([node, data["label"], row["type"]] + [_cell(row.get(h)) for h in header[3:]])
    nodes_path, edges_path = folder / "nodes.csv", folder / "edges.csv"
    nodes_csv = _csv(header, rows)
    edge_columns, edges = edge_table(network)
    header = ["Id", "Source", "Target", "Type", "Kind", "Label", "Weight"] + [c.id for c in edge_columns]
    rows = []
    for edge_id, source, target, data in edges:
        values = edge_values(data)
        rows.append(
            [edge_id, source, target, "Directed", data["kind"], data["label"], float(data["weight"])]
            + [_cell(values.get(c.id)) for c in edge_columns]
        )
    write_atomic_files([(nodes_path, nodes_csv), (edges_path, _csv(header, rows))])  # both, or neither
    return [nodes_path, edges_path]


def _cell(value: object) -> str:
    return "" if value is None else text_value(value)


def _csv(header: list[str], rows: list[list]) -> str:
    """CSV for spreadsheets: text cells that would start a formula are neutralised (see ``_inert``)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(header)
    writer.writerows([_inert(value) for value in row] for row in rows)
    return buffer.getvalue()


_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_NUMBER = re.compile(r"^[+-]?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][+-]?[0-9]+)?$")


def _inert(value: object) -> object:
    """A cell a spreadsheet shows as text, never runs: OWASP's CSV-injection rule, a ``'`` before
    a text starting with ``= + - @``, tab or CR. Numbers (``-0.5``) stay numbers."""
    if isinstance(value, str) and value.startswith(_FORMULA_START) and not _NUMBER.match(value):
        return "'" + value
    return value


# -- RDF ------------------------------------------------------------------------------------------


def write_rdf(graph: Graph, path: str | Path, fmt: str) -> None:
    """Serialise ``graph`` as ``fmt`` (one of ``RDF_FORMATS``) to ``path`` atomically, as ``build -o`` does.

    Raises:
        ConfigError: unknown format.
    """
    if fmt not in RDF_FORMATS:
        raise ConfigError(f"unknown RDF format {fmt!r}", hint="one of: " + ", ".join(RDF_FORMATS))
    write_atomic(path, serialize(LoadedGraph(graph=graph), fmt))
