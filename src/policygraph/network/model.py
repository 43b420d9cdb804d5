"""The network data object: what ``projection.project`` makes and every measure, export and plot reads.

A ``Network`` wraps a networkx ``MultiDiGraph`` with one edge per source, target and kind. Nodes
carry their id, label, type and dates; edges their kind (the property's prefixed name, or
``position:opposes`` and the like for folded n-ary nodes), label, weight (how many statements they
stand for) and, for folded edges, the n-ary nodes they came from (``via``) and their time span.
``add_edge`` is the one way edges get in, so that repeated statements always merge the same way.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING

from rdflib import URIRef

from policygraph.errors import ConfigError
from policygraph.graph.handle import LoadedGraph
from policygraph.graph.labels import node_for_id
from policygraph.terms import ID_BASE

if TYPE_CHECKING:  # networkx is imported where a graph is made: commands that use only the lists never load it
    import networkx as nx

__all__ = ["Network", "NetworkTable", "ProjectionOptions", "add_edge", "node_id", "one_line", "paused_gc"]


@dataclass(frozen=True)
class ProjectionOptions:
    """What ``projection.project`` keeps.

    n-ary nodes (participations, reservations and declarations, positions, events, engagements,
    recommendations, observations) are kept as nodes, or with ``fold`` replaced by direct edges
    between the bodies, policies, treaties and provisions they connect (``folding``). Citations
    (sources and ``prov:wasDerivedFrom``) and literal properties are left out unless asked for.
    """

    fold: bool = False
    types: tuple[str, ...] = ()  # keep only nodes of these types (class names or labels, with subclasses)
    exclude_types: tuple[str, ...] = ()  # leave out nodes of these types
    edge_kinds: tuple[str, ...] = ()  # keep only edges of these kinds (and the nodes they join)
    exclude_kinds: tuple[str, ...] = ()  # leave out edges of these kinds (keeping their nodes)
    query: str | None = None  # a SPARQL CONSTRUCT selecting the triples to project
    query_origin: str = "--query"  # where the query came from (a file name), for error locations
    citations: bool = False  # add sources and "cites" edges
    literals: bool = False  # add literal properties (kind, status, stance, description...) as node attributes


@dataclass
class NetworkTable:
    """A network as plain lists: what ``projection.project`` reads from the store, and what the fast paths read.

    The measures, the communities and the exports of a big network read this, not the networkx
    graph: a ``MultiDiGraph`` of 300,000 edges takes seconds to build and seconds more to walk.
    """

    ids: list[str]  # node ids, sorted
    attributes: list[dict]  # each node's attributes, as ``Network.graph`` holds them
    edges: list[tuple[int, int, str, dict]]  # (source position, target position, kind, attributes), sorted

    @cached_property
    def position(self) -> dict[str, int]:
        """Node id → its position in ``ids``."""
        return {node: i for i, node in enumerate(self.ids)}


class Network:
    """A projected network: ``graph`` is a ``MultiDiGraph`` keyed by node id, edges keyed by kind.

    Node attributes: ``label``, ``type`` (class label), ``class`` (class IRI), ``iri``, ``dates``
    (property local name → ISO date as written), ``start`` and ``end`` (the time span as
    ``YYYY-MM-DD``, or None) and ``properties`` (literal properties, with ``literals``).
    Edge attributes: ``kind``, ``label``, ``predicate`` (IRI, None for folded edges), ``weight``,
    ``via`` (tuple of n-ary node ids), ``start``, ``end``.

    A network is made from a graph, or from a ``NetworkTable`` (the projection's fast path); each
    is built from the other only when something asks for it (``graph`` for the networkx analyses,
    ``table`` for the measures and exports), and neither changes once read.
    """

    def __init__(
        self,
        graph: nx.MultiDiGraph | None,
        source: LoadedGraph,
        options: ProjectionOptions | None = None,
        notes: list[str] | None = None,
        table: NetworkTable | None = None,
    ):
        if (graph is None) == (table is None):
            raise ValueError("a network is made from a graph or from a table")
        self._graph = graph
        self._table = table
        self.source = source  # the graph it was projected from
        self.options = options or ProjectionOptions()
        self.notes = notes if notes is not None else []  # diagnostics for stderr (dropped inconsistent dates)

    def __repr__(self) -> str:
        return f"Network({self.number_of_nodes()} nodes, {self.number_of_edges()} edges)"

    @property
    def graph(self) -> nx.MultiDiGraph:
        """The network as a networkx ``MultiDiGraph`` (built from the table on first use)."""
        if self._graph is None:
            self._graph = self._table_graph(self._table)
        return self._graph

    @property
    def table(self) -> NetworkTable:
        """The network as a ``NetworkTable`` (read from the graph on first use)."""
        if self._table is None:
            graph = self._graph
            ids = sorted(graph.nodes)
            position = {node: i for i, node in enumerate(ids)}
            edges = sorted(
                ((position[u], position[v], data["kind"], data) for u, v, data in graph.edges(data=True)),
                key=lambda e: (e[0], e[1], e[2]),
            )
            self._table = NetworkTable(ids, [graph.nodes[n] for n in ids], edges)
        return self._table

    @staticmethod
    def _table_graph(table: NetworkTable) -> nx.MultiDiGraph:
        """The graph of a projected table, its edges added in the order the projection always added them."""
        import networkx as nx

        graph = nx.MultiDiGraph()
        ids = table.ids
        graph.add_nodes_from(zip(ids, table.attributes))
        iris = [a["iri"] for a in table.attributes]
        add = graph.add_edge
        for s, t, kind, data in sorted(table.edges, key=lambda e: (iris[e[0]], e[3]["predicate"] or "", iris[e[1]])):
            add(ids[s], ids[t], kind, **data)
        return graph

    def number_of_nodes(self) -> int:
        return len(self.table.ids) if self._graph is None else self._graph.number_of_nodes()

    def number_of_edges(self) -> int:
        return len(self.table.edges) if self._graph is None else self._graph.number_of_edges()

    @cached_property
    def edge_arrays(self):  # noqa: ANN201 - numpy arrays and the list of kinds
        """The table's edges as numpy arrays ``(source, target, weight, kind)``, and the kinds the ``kind`` numbers stand for.

        For the measures that count edges (numpy: a Python loop over 300,000 edges takes a second).
        """
        import numpy as np

        edges = self.table.edges
        source = np.fromiter((e[0] for e in edges), dtype=np.int64, count=len(edges))
        target = np.fromiter((e[1] for e in edges), dtype=np.int64, count=len(edges))
        weight = np.fromiter((e[3]["weight"] for e in edges), dtype=np.int64, count=len(edges))
        numbers: dict[str, int] = {}
        kind = np.fromiter((numbers.setdefault(e[2], len(numbers)) for e in edges), dtype=np.int64, count=len(edges))
        return source, target, weight, kind, list(numbers)

    @cached_property
    def _links(self):  # noqa: ANN202 - numpy arrays: first source, first target, weight (one row per link)
        """The simple graph's links as arrays."""
        import numpy as np

        n = len(self.table.ids)
        source, target, weight, _, _ = self.edge_arrays
        pair = np.minimum(source, target) * n + np.maximum(source, target)
        _, first, which = np.unique(pair, return_index=True, return_inverse=True)
        order = np.argsort(first, kind="stable")  # the links in the order of their first edge
        sums = np.bincount(which.ravel(), weights=weight, minlength=len(first))
        chosen = first[order]
        return source[chosen], target[chosen], sums[order].astype(np.int64)

    @cached_property
    def links(self) -> list[tuple[int, int, int]]:
        """The undirected simple graph's links as ``(first source, first target, weight)`` positions.

        One per pair of nodes, the weight the statements joining them, in the order ``simple`` adds them
        (by the first edge joining the pair, edges in source, target and kind order).
        """
        source, target, weight = self._links
        return list(zip(source.tolist(), target.tolist(), weight.tolist()))

    @cached_property
    def degrees(self) -> list[int]:
        """Each node's degree in the simple graph (the nodes it is linked to), by position."""
        import numpy as np

        source, target, _ = self._links
        n = len(self.table.ids)
        return (np.bincount(source, minlength=n) + np.bincount(target, minlength=n)).tolist()

    def degree(self, node: str) -> int:
        """A node's degree in the simple graph."""
        return self.degrees[self.table.position[node]]

    @cached_property
    def simple(self) -> nx.Graph:
        """The undirected simple graph the measures use: one link per pair, weight = statements joining it."""
        import networkx as nx

        simple = nx.Graph()
        ids = self.table.ids
        simple.add_nodes_from(ids)
        simple.add_edges_from((ids[s], ids[t], {"weight": w}) for s, t, w in self.links)
        return simple

    @cached_property
    def igraph(self):  # noqa: ANN201 - an igraph.Graph (igraph is imported only when used)
        """``simple`` as an igraph Graph, vertex ``i`` the ``i``-th node id (in ``"name"``), without building ``simple``.

        Its links come in the order ``igraph_engine.to_igraph(simple)`` gives them (each node's links to
        later nodes, in the order ``simple`` added them), so that every igraph result is the same.
        """
        import numpy as np

        from policygraph.network.igraph_engine import import_igraph

        ig = import_igraph()

        source, target, _ = self._links
        low, high = np.minimum(source, target), np.maximum(source, target)
        order = np.argsort(low, kind="stable")
        edges = zip(low[order].tolist(), high[order].tolist())  # pairs of ints: igraph reads them fastest
        graph = ig.Graph(n=len(self.table.ids), edges=edges, directed=False)
        graph.vs["name"] = self.table.ids
        return graph

    def node(self, identifier: str) -> str:
        """The node id for ``identifier`` (an id or IRI), checked to be in this network.

        Raises:
            ConfigError: the id is unknown (with suggestions), or known but not in the network.
        """
        position = self.table.position
        if identifier in position:
            return identifier
        found = node_id(node_for_id(identifier))
        if found in position:
            return found
        if self.source.has_subject(node_for_id(identifier)):
            raise ConfigError(
                f"{identifier!r} is not in the network",
                hint="it is a citation, folded by --fold, or filtered out by --types, --edge-kinds or --query",
            )
        from policygraph.graph.search import suggest_ids

        close = [c for c in suggest_ids(self.source, identifier) if c in position]
        hint = "did you mean " + ", ".join(repr(c) for c in close) + "?" if close else "see: policygraph search TEXT"
        raise ConfigError(f"unknown id {identifier!r}", hint=hint)

    def relations(self, source: str, target: str) -> list[tuple[str, str]]:
        """The edges joining two nodes either way, as ``(label, direction)`` with direction ``→`` or ``←``."""
        found = []
        for a, b, arrow in ((source, target, "→"), (target, source, "←")):
            for kind, data in sorted(self.graph.get_edge_data(a, b, default={}).items()):
                found.append((data["label"], arrow))
        return found


@contextmanager
def paused_gc() -> Iterator[None]:
    """Python's cycle collector off while a network's hundreds of thousands of tuples and dicts are made.

    They hold no cycles, but each few hundred new objects start a collection that walks the young
    ones again: a quarter of a projection's Python time on a million triples.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def node_id(iri: URIRef | str) -> str:
    """The node id of an entity: its slug (``crc-art-9``) for policygraph instances, else the full IRI."""
    text = str(iri)
    if text.startswith(ID_BASE):
        short = text[len(ID_BASE) :]
        if not short.startswith(("http://", "https://", "urn:")):
            return short
    return text


def one_line(text: str) -> str:
    """Text as a node or edge attribute holds it: runs of white space (line breaks too) as one space."""
    return " ".join(text.split())


def add_edge(
    graph: nx.MultiDiGraph,
    source: str,
    target: str,
    kind: str,
    label: str,
    predicate: str | None = None,
    via: str | None = None,
    start: str | None = None,
    end: str | None = None,
) -> None:
    """Add an edge, or count one more statement on the edge of the same kind between the same nodes.

    A loop (``source == target``) is left out: a measure has nothing to learn from it.
    """
    if source == target:
        return
    data = graph.get_edge_data(source, target, key=kind)
    if data is None:
        graph.add_edge(
            source,
            target,
            key=kind,
            kind=kind,
            label=label,
            predicate=predicate,
            weight=1,
            via=(via,) if via else (),
            start=start,
            end=end,
        )
        return
    data["weight"] += 1
    if via and via not in data["via"]:
        data["via"] = tuple(sorted((*data["via"], via)))
    data["start"] = min(filter(None, (data["start"], start)), default=None)
    data["end"] = None if data["end"] is None or end is None else max(data["end"], end)
