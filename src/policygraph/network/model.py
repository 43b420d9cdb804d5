"""The RDF graph as a network: entities as nodes, object properties between them as edges.

``project`` turns the graph into a ``Network`` (a networkx ``MultiDiGraph`` with one edge per
source, target and kind) that ``analysis`` measures and ``export`` writes. Nodes carry their id,
label, type and dates; edges their kind (the property's prefixed name, or ``position:opposes``
and the like for folded n-ary nodes), label, weight (how many statements they stand for) and,
for folded edges, the n-ary nodes they came from (``via``) and their time span.

n-ary nodes (participations, reservations and declarations, positions, events, engagements,
recommendations, observations) are kept as nodes, or with ``fold`` replaced by direct edges
between the bodies, policies, treaties and provisions they connect: "SMJ —opposes→ 2021 bill",
"Japan —party to→ CRC". Citations (sources and ``prov:wasDerivedFrom``) and literal properties
are left out unless asked for.
"""

from __future__ import annotations

import calendar
import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cached_property

import networkx as nx
from rdflib import Graph, URIRef

from policygraph.errors import ConfigError, SchemaError
from policygraph.graph.handle import LoadedGraph
from policygraph.graph.labels import label_of, local_id, node_for_id
from policygraph.model import Location
from policygraph.records.kinds import RECORD_KINDS
from policygraph.terms import DCTERMS, ORG, PG, PROV, RDF, RDFS, SKOS

__all__ = [
    "DATE_PROPERTIES",
    "FOLDED_KINDS",
    "NARY_CLASSES",
    "Network",
    "ProjectionOptions",
    "construct",
    "nodes_of_type",
]

_PG = str(PG._NS)

#: Date properties, in the order their columns appear; ``True`` marks those that end a time span.
DATE_PROPERTIES: dict[URIRef, bool] = {
    PG.proposed: False,
    PG.approved: False,
    PG.enacted: False,
    PG.promulgated: False,
    PG.entryIntoForce: False,
    PG.started: False,
    PG.founded: False,
    PG.adopted: False,
    PG.signed: False,
    PG.ratified: False,
    PG.acceded: False,
    PG.accepted: False,
    PG.date: False,
    PG.startDate: False,
    PG.period: False,
    PG.periodStart: False,
    PG.withdrawn: True,
    PG.ended: True,
    PG.dissolved: True,
    PG.endDate: True,
    PG.periodEnd: True,
}

#: Classes whose instances are n-ary nodes (relations with their own dates, roles and citations).
NARY_CLASSES = (
    PG.Participation,
    PG.ReservationOrDeclaration,
    PG.Position,
    PG.Event,
    PG.Engagement,
    PG.Recommendation,
    PG.Observation,
)

#: The edge kinds ``fold`` creates, with their labels.
#: ``<stance>`` is the position's stance, ``<status>`` the participation's.
FOLDED_KINDS = {
    "position:<stance>": "<stance>",
    "position:invokes": "invokes",
    "position:addresses": "addresses",
    "recommendation:about": "recommends on",
    "recommendation:invokes": "invokes",
    "recommendation:to": "recommends to",
    "event:with": "at an event with",
    "event:about": "at an event about",
    "engagement:engages": "engages",
    "engagement:invokes": "invokes",
    "engagement:argues": "argues about",
    "participation:<status>": "party to / signatory of / not party to",
    "reservation:modifies": "reservation on",
    "declaration:modifies": "declaration on",
}

# Labels for properties from other vocabularies, which the ontology declares without a label.
_EXTERNAL_LABELS = {
    ORG.subOrganizationOf: "part of",
    ORG.memberOf: "member of",
    SKOS.broader: "broader",
    PROV.wasDerivedFrom: "cites",
    DCTERMS.publisher: "publisher",
}
_CITATION_PROPERTIES = {PROV.wasDerivedFrom, PG.citation, PG.source}
_SKIP_LITERALS = {SKOS.prefLabel, RDFS.label}
_PARTICIPATION_LABELS = {"party": "party to", "signatory": "signatory of", "not-party": "not party to"}
_DATE_RE = re.compile(r"^(-?\d{4})(?:-(\d{2})(?:-(\d{2}))?)?")


@dataclass(frozen=True)
class ProjectionOptions:
    """What ``project`` keeps: see the module docstring."""

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
        for node in sorted(self.graph.nodes):
            simple.add_node(node)
        for source, target, data in sorted(self.graph.edges(data=True), key=lambda e: (e[0], e[1], e[2]["kind"])):
            if simple.has_edge(source, target):
                simple[source][target]["weight"] += data["weight"]
            else:
                simple.add_edge(source, target, weight=data["weight"])
        return simple

    def node(self, identifier: str) -> str:
        """The node id for ``identifier`` (an id or IRI), checked to be in this network.

        Raises:
            ConfigError: the id is unknown (with suggestions), or known but not in the network.
        """
        if identifier in self.graph:
            return identifier
        iri = node_for_id(identifier)
        if _node_id(iri) in self.graph:
            return _node_id(iri)
        if self.source.has_subject(iri):
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


def nodes_of_type(network: Network, name: str) -> set[str]:
    """The nodes of a type (class name, label or record type, with its subclasses).

    Raises:
        ConfigError: unknown type.
    """
    schema = _Schema(network.source.graph)
    classes = schema.resolve_types([name])
    return {n for n, d in network.graph.nodes(data=True) if schema.ancestors(URIRef(d["class"])) & classes}


def _select(network: Network, schema: _Schema, options: ProjectionOptions) -> Network:
    """Fold n-ary nodes and keep the types and edge kinds ``options`` asks for."""
    if options.fold:
        _fold(network, schema)
    if options.types or options.exclude_types:
        keep = schema.resolve_types(options.types) if options.types else None
        leave = schema.resolve_types(options.exclude_types)
        drop = []
        for node, data in network.graph.nodes(data=True):
            classes = schema.ancestors(URIRef(data["class"]))
            if (keep is not None and not classes & keep) or classes & leave:
                drop.append(node)
        network.graph.remove_nodes_from(drop)
    if options.exclude_kinds:
        leave_kinds = _match_kinds(network, options.exclude_kinds)
        network.graph.remove_edges_from([(u, v, k) for u, v, k in network.graph.edges(keys=True) if k in leave_kinds])
    if options.edge_kinds:
        chosen = _match_kinds(network, options.edge_kinds)
        graph = network.graph
        graph.remove_edges_from([(u, v, k) for u, v, k in graph.edges(keys=True) if k not in chosen])
        graph.remove_nodes_from([n for n in list(graph.nodes) if graph.degree(n) == 0])
    return network


# -- schema: classes, types, property names ------------------------------------------------------


class _Schema:
    """What the ontology in the graph says about classes and properties, cached."""

    def __init__(self, graph: Graph):
        self.graph = graph
        self._ancestors: dict[URIRef, frozenset[URIRef]] = {}
        self._kinds: dict[URIRef, str] = {}

    def ancestors(self, cls: URIRef) -> frozenset[URIRef]:
        """``cls`` and every class above it (``rdfs:subClassOf*``)."""
        if cls not in self._ancestors:
            seen, todo = {cls}, [cls]
            while todo:
                for parent in self.graph.objects(todo.pop(), RDFS.subClassOf):
                    if isinstance(parent, URIRef) and parent not in seen:
                        seen.add(parent)
                        todo.append(parent)
            self._ancestors[cls] = frozenset(seen)
        return self._ancestors[cls]

    def entities(self, citations: bool) -> dict[URIRef, URIRef]:
        """Every instance typed with a policygraph class → its most specific class."""
        excluded = {PG.Citation} if citations else {PG.Citation, PG.Source}
        classes: dict[URIRef, set[URIRef]] = defaultdict(set)
        for subject, cls in self.graph.subject_objects(RDF.type):
            typed = isinstance(subject, URIRef) and isinstance(cls, URIRef) and str(cls).startswith(_PG)
            if typed and not str(subject).startswith(_PG):  # instances, not the ontology's own terms
                classes[subject].add(cls)
        result = {}
        for subject, found in classes.items():
            if found & excluded:
                continue
            specific = sorted(c for c in found if not any(c != o and c in self.ancestors(o) for o in found))
            result[subject] = specific[0]
        return result

    def kind(self, predicate: URIRef) -> str:
        """The prefixed name of a property (``pg:amends``), or its IRI where no prefix is bound."""
        if predicate not in self._kinds:
            try:
                self._kinds[predicate] = self.graph.namespace_manager.curie(predicate, generate=False)
            except (KeyError, ValueError):
                self._kinds[predicate] = str(predicate)
        return self._kinds[predicate]

    def property_label(self, predicate: URIRef) -> str:
        """The label of a property: its ``rdfs:label``, else a known one, else its local name."""
        label = self.graph.value(predicate, RDFS.label)
        if label is not None:
            return str(label)
        return _EXTERNAL_LABELS.get(predicate, local_id(predicate))

    def class_label(self, cls: URIRef) -> str:
        return label_of(self.graph, cls) if (cls, RDFS.label, None) in self.graph else local_id(cls)

    def resolve_types(self, names: Iterable[str]) -> set[URIRef]:
        """Classes named by local name, label or record type, case- and punctuation-insensitively."""
        known: dict[str, URIRef] = {}
        for cls in set(self.graph.subjects(RDF.type, None)) | set(self.graph.objects(None, RDF.type)):
            if isinstance(cls, URIRef) and str(cls).startswith(_PG) and (cls, RDFS.subClassOf, None) in self.graph:
                known[_squash(local_id(cls))] = cls
                known[_squash(self.class_label(cls))] = cls
        for record_type, kind in RECORD_KINDS.items():  # the data's own names: feature, government-body, ...
            known.setdefault(_squash(record_type), kind.rdf_class)
        chosen = set()
        for name in names:
            cls = known.get(_squash(name))
            if cls is None:
                raise ConfigError(
                    f"unknown type {name!r}",
                    hint="one of: " + ", ".join(sorted({self.class_label(c) for c in known.values()})),
                )
            chosen.add(cls)
        return chosen


def _squash(text: str) -> str:
    return re.sub(r"[^a-z0-9]", "", text.lower().replace("organisation", "organization"))


def _node_id(iri: URIRef) -> str:
    short = local_id(iri)
    return short if str(iri) == str(node_for_id(short)) else str(iri)


# -- nodes and edges ------------------------------------------------------------------------------


def _span(dates: dict[str, str], participation: bool) -> tuple[str | None, str | None]:
    """The time span of a node: earliest start date to earliest end date, as ``YYYY-MM-DD``.

    A participation starts at entry into force where known (when the treaty binds the state).
    """
    starts = [_day(v, first=True) for k, v in dates.items() if not DATE_PROPERTIES[PG[k]]]
    ends = [_day(v, first=False) for k, v in dates.items() if DATE_PROPERTIES[PG[k]]]
    if participation and "entryIntoForce" in dates:
        starts = [_day(dates["entryIntoForce"], first=True)]
    starts = [d for d in starts if d]
    ends = [d for d in ends if d]
    return (min(starts) if starts else None, min(ends) if ends else None)


def _day(text: str, first: bool) -> str | None:
    """``2021`` → ``2021-01-01`` (or ``2021-12-31``), ``2021-02`` → ``2021-02-01`` (or ``-28``)."""
    match = _DATE_RE.match(text)
    if not match:
        return None
    year, month, day = match.groups()
    if day:
        return f"{year}-{month}-{day}"
    if month:
        last = calendar.monthrange(int(year), int(month))[1] if 1 <= int(month) <= 12 else 28
        return f"{year}-{month}-{'01' if first else last:0>2}"
    return f"{year}-01-01" if first else f"{year}-12-31"


def _one_line(text: str) -> str:
    return " ".join(text.split())


def _add_edge(
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
    """Add an edge, or count one more statement on the edge of the same kind between the same nodes."""
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


# -- folding n-ary nodes --------------------------------------------------------------------------


def _fold(network: Network, schema: _Schema) -> None:
    """Replace each n-ary node by direct edges between the entities it connects."""
    graph, rdf = network.graph, network.source.graph
    nary = {n for n, d in graph.nodes(data=True) if schema.ancestors(URIRef(d["class"])) & set(NARY_CLASSES)}
    for node in sorted(nary):
        data = graph.nodes[node]
        out: dict[str, list[str]] = defaultdict(list)
        for _, target, kind in graph.out_edges(node, keys=True):
            out[kind].append(target)
        for targets in out.values():
            targets.sort()
        cls, iri = URIRef(data["class"]), URIRef(data["iri"])
        span = {"via": node, "start": data["start"], "end": data["end"]}

        def link(sources: Iterable[str], targets: Iterable[str], kind: str, label: str, span: dict = span) -> None:
            for a in sources:
                for b in targets:
                    if a not in nary and b not in nary:
                        _add_edge(graph, a, b, kind, label, **span)

        def role(term: URIRef, out: dict = out) -> list[str]:
            return out.get(schema.kind(term), [])

        ancestors = schema.ancestors(cls)
        if PG.Position in ancestors:
            stance = _one_line(str(rdf.value(iri, PG.stance) or "takes a position on"))
            link(role(PG.actor), role(PG.about), f"position:{stance}", stance)
            link(role(PG.actor), role(PG.provision), "position:invokes", "invokes")
            link(role(PG.actor), role(PG.addressedTo), "position:addresses", "addresses")
        elif PG.Recommendation in ancestors:
            link(role(PG.actor), role(PG.about), "recommendation:about", "recommends on")
            link(role(PG.actor), role(PG.provision), "recommendation:invokes", "invokes")
            link(role(PG.actor), role(PG.addressedTo), "recommendation:to", "recommends to")
        elif PG.Event in ancestors:
            people = sorted(set(role(PG.participant)) | set(role(PG.organizer)))
            for i, a in enumerate(people):  # one edge per pair, from the smaller id: the relation has no direction
                link([a], people[i + 1 :], "event:with", "at an event with")
            link(people, role(PG.about), "event:about", "at an event about")
        elif PG.Engagement in ancestors:
            link(role(PG.policy), role(PG.provision), "engagement:engages", "engages")
            link(role(PG.arguedBy), role(PG.provision), "engagement:invokes", "invokes")
            link(role(PG.arguedBy), role(PG.policy), "engagement:argues", "argues about")
        elif PG.Participation in ancestors:
            status = str(rdf.value(iri, PG.participationStatus) or "party")
            label = _PARTICIPATION_LABELS.get(status, f"{status} to")
            link(role(PG.state), role(PG.treaty), f"participation:{status}", label)
        elif PG.ReservationOrDeclaration in ancestors:
            states = sorted(
                {
                    s
                    for p in role(PG.participation)
                    for _, s, k in graph.out_edges(p, keys=True)
                    if k == schema.kind(PG.state)
                }
            )
            name = "reservation" if PG.Reservation in ancestors else "declaration"
            link(states, role(PG.modifies), f"{name}:modifies", f"{name} on")
    graph.remove_nodes_from(nary)


def _match_kinds(network: Network, names: Iterable[str]) -> set[str]:
    """The edge kinds named by kind (``pg:amends``), local part (``amends``) or label, case-insensitively."""
    present: dict[str, str] = {}
    for _, _, data in network.graph.edges(data=True):
        present[data["kind"]] = data["label"]
    chosen = set()
    for name in names:
        wanted = name.strip().lower()
        matches = {
            kind
            for kind, label in present.items()
            if wanted in (kind.lower(), re.split(r"[:#/]", kind)[-1].lower(), label.lower())
        }
        if not matches:
            raise ConfigError(f"no edges of kind {name!r} in the network", hint="kinds: " + ", ".join(sorted(present)))
        chosen |= matches
    return chosen


# -- CONSTRUCT selections -------------------------------------------------------------------------


def construct(loaded: LoadedGraph, text: str, origin: str = "--query") -> Graph:
    """The result of a CONSTRUCT query on ``loaded``, checked by the query module first.

    Args:
        origin: where the query came from (a file name), for error locations.

    Raises:
        SchemaError: a syntax error, SERVICE, an update, or FROM (the query runs on this graph only).
        ConfigError: not a CONSTRUCT query.
    """
    from policygraph.sparql.query import parse_query
    from policygraph.sparql.run import DEFAULT_TIMEOUT, run_query

    query = parse_query(text, origin)
    if query.form != "CONSTRUCT":
        raise ConfigError(f"--query must be a CONSTRUCT query, not {query.form}")
    if query.has_from:
        raise SchemaError(
            "FROM is not allowed in --query: it runs on the loaded graph and never fetches others", Location(origin)
        )
    return run_query(query, graph=loaded, timeout=DEFAULT_TIMEOUT).to_graph()
