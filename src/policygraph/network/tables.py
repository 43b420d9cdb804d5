"""What every export writes about a network: the node and edge attribute columns and values, and node colours.

GEXF, GraphML and CSV (``export``) write the same columns, made here once: the node's type, IRI,
degree, time span, dates and literal properties (and with ``measures`` its centrality scores and
Louvain community); the edge's predicate, the n-ary nodes it folds (``via``) and its time span.
The plots (``plots``) colour nodes as the GEXF does.
"""

from __future__ import annotations

import colorsys
import hashlib
from dataclasses import dataclass
from operator import itemgetter

from policygraph.graph.labels import local_id
from policygraph.network.communities import community_of
from policygraph.network.measures import node_scores
from policygraph.network.model import Network, paused_gc
from policygraph.network.schema import DATE_PROPERTIES

__all__ = [
    "EDGE_COLUMNS",
    "TYPE_COLOURS",
    "Column",
    "colour_of",
    "edge_table",
    "edge_values",
    "node_table",
    "sorted_edges",
    "text_value",
]

#: Node colours by class (local name): bodies blue, policies red and orange, treaties green,
#: concepts purple, n-ary records brown, pink and grey. Fixed, so every export looks the same.
TYPE_COLOURS = {
    "State": "#0b2e59",
    "GovernmentBody": "#1f77b4",
    "CivilSocietyOrganization": "#17becf",
    "IntergovernmentalOrganization": "#6baed6",
    "TreatyBody": "#3f51b5",
    "SpecialProcedure": "#7986cb",
    "Body": "#4a6fa5",
    "Policy": "#c44e52",
    "Law": "#d62728",
    "Bill": "#ff7f0e",
    "Measure": "#e6550d",
    "Programme": "#fd8d3c",
    "Guideline": "#fdae6b",
    "System": "#a50f15",
    "PolicyFeature": "#f4a582",
    "Treaty": "#2ca02c",
    "Provision": "#74c476",
    "Participation": "#006d2c",
    "ReservationOrDeclaration": "#a1d99b",
    "Reservation": "#a1d99b",
    "Declaration": "#c7e9c0",
    "Practice": "#9467bd",
    "Group": "#c5b0d5",
    "ResidenceStatus": "#7b4173",
    "Position": "#8c564b",
    "Event": "#bcbd22",
    "Engagement": "#e377c2",
    "Recommendation": "#ce6dbd",
    "Observation": "#7f7f7f",
    "Source": "#bdbdbd",
}

_MEASURE_COLUMNS = ("betweenness", "pagerank", "eigenvector")
# Column ids Gephi reserves for its own node and edge columns.
_RESERVED = {"id", "label", "timeset", "interval", "weight", "type", "kind", "source", "target"}


def colour_of(class_iri: str) -> str:
    """The ``#rrggbb`` colour of a node class: from ``TYPE_COLOURS``, else a stable colour from its name."""
    name = local_id(class_iri)
    if name in TYPE_COLOURS:
        return TYPE_COLOURS[name]
    hue = int(hashlib.sha1(name.encode()).hexdigest()[:6], 16) / 0xFFFFFF
    r, g, b = colorsys.hsv_to_rgb(hue, 0.55, 0.8)
    return f"#{round(r * 255):02x}{round(g * 255):02x}{round(b * 255):02x}"


@dataclass(frozen=True)
class Column:
    """An attribute column: its id (also its title) and GEXF type (string, integer, double, boolean)."""

    id: str
    type: str


def node_table(network: Network, measures: bool = False) -> tuple[list[Column], dict[str, dict[str, object]]]:
    """The node attribute columns and each node's values (missing values left out), nodes in id order.

    Columns: ``type``, ``iri``, ``degree``, ``time_start``, ``time_end``, each date property
    present, each literal property (with the projection's ``literals``), and with ``measures``
    ``betweenness``, ``pagerank``, ``eigenvector`` and ``community`` (Louvain, seed 0).
    """
    with paused_gc():
        return _node_table(network, measures)


def _node_table(network: Network, measures: bool) -> tuple[list[Column], dict[str, dict[str, object]]]:
    table = network.table
    nodes = list(zip(table.ids, table.attributes, network.degrees))
    date_names = [local_id(p) for p in DATE_PROPERTIES]
    present_dates = {k for data in table.attributes if data["dates"] for k in data["dates"]}
    literal_values: dict[str, list] = {}
    for data in table.attributes:
        for name, value in data["properties"].items():
            literal_values.setdefault(name, []).append(value)
    fixed = ["type", "iri", "degree", "time_start", "time_end"]
    columns = [Column("type", "string"), Column("iri", "string"), Column("degree", "integer")]
    columns += [Column("time_start", "string"), Column("time_end", "string")]
    columns += [Column(name, "string") for name in date_names if name in present_dates]
    literal_ids: dict[str, str] = {}
    for name in sorted(literal_values):
        column_id = (
            name
            if name not in fixed and name not in date_names and name.lower() not in _RESERVED
            else f"property_{name}"
        )
        literal_ids[name] = column_id
        values = literal_values[name]
        if all(isinstance(v, bool) for v in values):
            kind = "boolean"
        elif all(isinstance(v, float) for v in values):
            kind = "double"
        else:
            kind = "string"
        columns.append(Column(column_id, kind))
    types = {c.id: c.type for c in columns}
    rows: dict[str, dict[str, object]] = {}
    for node, data, degree in nodes:
        row: dict[str, object] = {"type": data["type"], "iri": data["iri"], "degree": degree}
        if data["start"]:
            row["time_start"] = data["start"]
        if data["end"]:
            row["time_end"] = data["end"]
        row.update(data["dates"])
        for name, value in data["properties"].items():
            column_id = literal_ids[name]
            row[column_id] = value if types[column_id] != "string" else text_value(value)
        rows[node] = row
    if measures:
        columns += [Column(m, "double") for m in _MEASURE_COLUMNS] + [Column("community", "integer")]
        for measure in _MEASURE_COLUMNS:
            for node, score in node_scores(network, measure).items():
                rows[node][measure] = round(score, 8)
        for number, part in enumerate(community_of(network, "louvain", 0), start=1):
            for node in part:
                rows[node]["community"] = number
    return columns, rows


def sorted_edges(network: Network) -> list[tuple[str, int, int, dict]]:
    """The edges as ``(id, source position, target position, attributes)``, sorted by id (``source--kind--target``)."""
    table = network.table
    ids = table.ids
    with paused_gc():
        edges = [(f"{ids[s]}--{kind}--{ids[t]}", s, t, data) for s, t, kind, data in table.edges]
    edges.sort(key=itemgetter(0))
    return edges


def edge_table(network: Network) -> tuple[list[Column], list[tuple[str, str, str, dict]]]:
    """The edge attribute columns and the edges as ``(id, source, target, data)``, sorted by id."""
    ids = network.table.ids
    return EDGE_COLUMNS, [(edge_id, ids[s], ids[t], data) for edge_id, s, t, data in sorted_edges(network)]


#: The edge attribute columns (``edge_values``).
EDGE_COLUMNS = [
    Column("predicate", "string"),
    Column("via", "string"),
    Column("time_start", "string"),
    Column("time_end", "string"),
]


def edge_values(data: dict) -> dict[str, object]:
    """An edge's ``edge_table`` column values (missing values left out)."""
    values: dict[str, object] = {}
    if data["predicate"]:
        values["predicate"] = data["predicate"]
    if data["via"]:
        values["via"] = "; ".join(data["via"])
    if data["start"]:
        values["time_start"] = data["start"]
    if data["end"]:
        values["time_end"] = data["end"]
    return values


def text_value(value: object) -> str:
    """A value as the files write it: booleans as ``true``/``false``, numbers in full (``repr``)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return repr(value)
    return str(value)
