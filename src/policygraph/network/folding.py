"""Folding: each n-ary node replaced by direct edges between the entities it connects.

A position, recommendation, event, engagement, participation, reservation or declaration is a node
of its own in the RDF graph (it has dates, roles and citations). Folded, "SMJ —actor— position
—about→ 2021 bill" with stance ``opposes`` becomes "SMJ —opposes→ 2021 bill", and "Japan —state—
participation —treaty→ CRC" becomes "Japan —party to→ CRC". Each folded edge keeps the n-ary nodes
it stands for (``via``) and their time span.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from rdflib import URIRef

from policygraph.graph.labels import word_of
from policygraph.network.model import Network, add_edge, one_line
from policygraph.network.schema import Schema
from policygraph.terms import PG

__all__ = ["FOLDED_KINDS", "NARY_CLASSES", "fold"]

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

_PARTICIPATION_LABELS = {"party": "party to", "signatory": "signatory of", "not-party": "not party to"}


def fold(network: Network, schema: Schema) -> None:
    """Replace each n-ary node of ``network`` by direct edges between the entities it connects, in place.

    Observations have no folded form: folding removes them with the other n-ary nodes.
    """
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
                        add_edge(graph, a, b, kind, label, **span)

        def role(term: URIRef, out: dict = out) -> list[str]:
            return out.get(schema.kind(term), [])

        ancestors = schema.ancestors(cls)
        if PG.Position in ancestors:
            stance = one_line(word_of(rdf, rdf.value(iri, PG.stance)) or "takes a position on")
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
            status = word_of(rdf, rdf.value(iri, PG.participationStatus)) or "party"
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
