"""The network data object: what ``projection.project`` makes and every measure, export and plot reads.

A ``Network`` wraps a networkx ``MultiDiGraph`` with one edge per source, target and kind. Nodes
carry their id, label, type and dates; edges their kind (the property's prefixed name, or
``position:opposes`` and the like for folded n-ary nodes), label, weight (how many statements they
stand for) and, for folded edges, the n-ary nodes they came from (``via``) and their time span.
``add_edge`` is the one way edges get in, so that repeated statements always merge the same way.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property

import networkx as nx
from rdflib import URIRef

from policygraph.errors import ConfigError
from policygraph.graph.handle import LoadedGraph
from policygraph.graph.labels import local_id, node_for_id

__all__ = ["Network", "ProjectionOptions", "add_edge", "node_id", "one_line"]


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
class Network:
    """A projected network: ``graph`` is a ``MultiDiGraph`` keyed by node id, edges keyed by kind.

    Node attributes: ``label``, ``type`` (class label), ``class`` (class IRI), ``iri``, ``dates``
    (property local name → ISO date as written), ``start`` and ``end`` (the time span as
    ``YYYY-MM-DD``, or None) and ``properties`` (literal properties, with ``literals``).
    Edge attributes: ``kind``, ``label``, ``predicate`` (IRI, None for folded edges), ``weight``,
    ``via`` (tuple of n-ary node ids), ``start``, ``end``.
    """

    graph: nx.MultiDiGraph
    source: LoadedGraph = field(repr=False)  # the graph it was projected from
    options: ProjectionOptions = field(default_factory=ProjectionOptions)
    notes: list[str] = field(default_factory=list)  # diagnostics for stderr (dropped inconsistent dates)

    @cached_property
    def simple(self) -> nx.Graph:
        """The undirected simple graph the measures use: one link per pair, weight = statements joining it."""
        simple = nx.Graph()
        simple.add_nodes_from(sorted(self.graph.nodes))
        links: dict[tuple[str, str], list] = {}  # unordered pair -> [first source, first target, weight]
        for source, target, data in sorted(self.graph.edges(data=True), key=lambda e: (e[0], e[1], e[2]["kind"])):
            pair = (source, target) if source <= target else (target, source)
            if pair in links:
                links[pair][2] += data["weight"]
            else:
                links[pair] = [source, target, data["weight"]]
        simple.add_edges_from((source, target, {"weight": weight}) for source, target, weight in links.values())
        return simple

    def node(self, identifier: str) -> str:
        """The node id for ``identifier`` (an id or IRI), checked to be in this network.

        Raises:
            ConfigError: the id is unknown (with suggestions), or known but not in the network.
        """
        if identifier in self.graph:
            return identifier
        found = node_id(node_for_id(identifier))
        if found in self.graph:
            return found
        if self.source.has_subject(node_for_id(identifier)):
            raise ConfigError(
                f"{identifier!r} is not in the network",
                hint="it is a citation, folded by --fold, or filtered out by --types, --edge-kinds or --query",
            )
        from policygraph.graph.search import suggest_ids

        close = [c for c in suggest_ids(self.source, identifier) if c in self.graph]
        hint = "did you mean " + ", ".join(repr(c) for c in close) + "?" if close else "see: policygraph search TEXT"
        raise ConfigError(f"unknown id {identifier!r}", hint=hint)

    def relations(self, source: str, target: str) -> list[tuple[str, str]]:
        """The edges joining two nodes either way, as ``(label, direction)`` with direction ``→`` or ``←``."""
        found = []
        for a, b, arrow in ((source, target, "→"), (target, source, "←")):
            for kind, data in sorted(self.graph.get_edge_data(a, b, default={}).items()):
                found.append((data["label"], arrow))
        return found


def node_id(iri: URIRef) -> str:
    """The node id of an entity: its slug (``crc-art-9``) for policygraph instances, else the full IRI."""
    short = local_id(iri)
    return short if str(iri) == str(node_for_id(short)) else str(iri)


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
