"""Describe one entity: its types, labels, properties, relations both ways, and citations.

``describe`` returns a ``Description``; the CLI renders it. Incoming links from n-ary nodes
(positions, engagements, events, reservations) carry a one-line brief, so ``show`` of a bill says
who opposed it and why without a second look-up.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

from rdflib import Graph, Literal, URIRef
from rdflib.term import Node

from policygraph.errors import ConfigError
from policygraph.graph.handle import LoadedGraph
from policygraph.graph.labels import format_number, is_controlled, label_of, local_id, node_for_id, word_of
from policygraph.records.canonical import readable_url
from policygraph.records.identifiers import SCHEMES
from policygraph.terms import DCTERMS, PG, PROV, QB, RDF, RDFS, SKOS

__all__ = ["Description", "Link", "Citation", "Identifier", "describe", "brief_of"]

_XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
_PLAIN_TYPES = {SKOS.Concept, QB.Observation}  # types every record of a kind has besides its own: not shown
_HIDDEN = {RDF.type, SKOS.prefLabel, SKOS.altLabel, SKOS.inScheme, PG.citation, PROV.wasDerivedFrom}


@dataclass(frozen=True)
class Link:
    """A relation to or from another entity."""

    property: str  # the property's label
    id: str  # the other entity's id
    label: str  # the other entity's label
    type: str  # the other entity's class
    brief: str = ""  # for n-ary nodes: who, what, when
    via: str = ""  # the id of the sub-provision the link reaches this entity through


@dataclass(frozen=True)
class Identifier:
    """The entity's identifier in another registry (UNTC, e-Gov, Wikidata...), with its IRI there if linked."""

    scheme: str  # the scheme's name, e.g. UNTC
    value: str
    iri: str = ""


@dataclass(frozen=True)
class Citation:
    """A citation of the described entity."""

    source: str  # a source id, or the URL cited
    source_label: str
    locator: str
    quote: str


@dataclass
class Description:
    """Everything ``show`` says about one entity."""

    id: str
    iri: str
    types: list[str]
    labels: list[tuple[str, str]]  # (text, language)
    aliases: list[tuple[str, str]]
    properties: list[tuple[str, str]]  # (property label, value)
    outgoing: list[Link]
    incoming: list[Link]
    citations: list[Citation]
    defined_at: str | None = None
    parts: list[str] = field(default_factory=list)
    identifiers: list[Identifier] = field(default_factory=list)

    def to_dict(self) -> dict:
        """A JSON-safe dict with stable keys."""
        return asdict(self)


def describe(loaded: LoadedGraph, identifier: str) -> Description:
    """Describe the entity ``identifier`` (an id or a full IRI) of the graph ``loaded``.

    Raises:
        ConfigError: no entity has that id (the message suggests close ids).
    """
    graph = loaded.graph
    node = node_for_id(identifier)
    if (node, None, None) not in graph:
        from policygraph.graph.search import suggest_ids

        suggestions = suggest_ids(loaded, identifier)
        hint = "did you mean " + ", ".join(suggestions) + "?" if suggestions else "try 'policygraph search TEXT'"
        raise ConfigError(f"unknown id {identifier!r}", hint=hint)
    parts = sorted(graph.subjects(PG.withinProvision, node), key=str)
    incoming = _incoming(loaded, node)
    for part in parts:
        incoming += [_replace_via(link, local_id(part)) for link in _incoming(loaded, part) if link.property != "within provision"]
    location = loaded.source_map.locate(node)
    identifiers = _identifiers(graph, node)
    return Description(
        id=local_id(node),
        iri=str(node),
        types=sorted(label_of(graph, t) for t in graph.objects(node, RDF.type) if t not in _PLAIN_TYPES),
        labels=_texts(graph, node, SKOS.prefLabel),
        aliases=_texts(graph, node, SKOS.altLabel),
        properties=_properties(graph, node, identifiers),
        outgoing=_outgoing(graph, node, skip={URIRef(i.iri) for i in identifiers if i.iri}),
        incoming=incoming,
        citations=_citations(graph, node),
        defined_at=str(location) if location else None,
        parts=[local_id(p) for p in parts],
        identifiers=identifiers,
    )


def _texts(graph: Graph, node: URIRef, predicate: URIRef) -> list[tuple[str, str]]:
    return sorted((str(v), v.language or "") for v in graph.objects(node, predicate) if isinstance(v, Literal))


def _identifiers(graph: Graph, node: URIRef) -> list[Identifier]:
    """The identifiers in the schemes of the data format, each with the IRI the entity links to."""
    found = []
    for scheme in SCHEMES.values():
        for value in graph.objects(node, scheme.predicate):
            iri = scheme.iri(str(value)) if scheme.iri is not None else ""
            linked = scheme.link is not None and (node, scheme.link, URIRef(iri)) in graph
            found.append(Identifier(scheme.label, str(value), iri if linked else ""))
    return sorted(found, key=lambda i: (i.scheme, i.value))


def _properties(graph: Graph, node: URIRef, identifiers: list[Identifier]) -> list[tuple[str, str]]:
    """Literal properties, but the identifiers listed apart (and their plain dcterms:identifier copies)."""
    schemes = {scheme.predicate for scheme in SCHEMES.values()}
    values = {i.value for i in identifiers}
    rows = [
        (label_of(graph, p), word_of(graph, o))
        for p, o in graph.predicate_objects(node)
        if (isinstance(o, Literal) or is_controlled(o)) and p not in _HIDDEN and p not in schemes
        and not (p == DCTERMS.identifier and str(o) in values)
    ]
    return sorted(rows)


def _outgoing(graph: Graph, node: URIRef, skip: set[URIRef]) -> list[Link]:
    """Links to other entities; ``skip`` holds the identifier IRIs, which ``show`` lists with the identifiers."""
    links = [
        _link(graph, label_of(graph, p), o)
        for p, o in graph.predicate_objects(node)
        if isinstance(o, URIRef) and not is_controlled(o) and p not in _HIDDEN and p != RDFS.subClassOf and o not in skip
    ]
    return sorted(links, key=lambda link: (link.property, link.id))


def _incoming(loaded: LoadedGraph, node: URIRef) -> list[Link]:
    graph = loaded.graph
    links = [
        _link(graph, label_of(graph, p), s, brief=brief_of(loaded, s))
        for s, p in graph.subject_predicates(node)
        if isinstance(s, URIRef) and p not in _HIDDEN and "/cite/" not in str(s)
    ]
    return sorted(links, key=lambda link: (link.property, link.id))


def _link(graph: Graph, prop: str, other: Node, brief: str = "") -> Link:
    types = sorted(label_of(graph, t) for t in graph.objects(other, RDF.type) if t not in _PLAIN_TYPES)
    return Link(prop, local_id(other), label_of(graph, other), types[0] if types else "", brief)


def _replace_via(link: Link, via: str) -> Link:
    return Link(link.property, link.id, link.label, link.type, link.brief, via)


def brief_of(loaded: LoadedGraph, node: Node) -> str:
    """One line on an n-ary node: who did what, when, with the key text.

    Read from the store as triple patterns, not through the rdflib view (a trace asks for one per
    context item); the labels and words are those ``label_of`` and ``word_of`` give.
    """
    import pyoxigraph as ox

    from policygraph.graph.convert import to_oxigraph, to_rdflib

    def terms(subject, predicate: URIRef) -> list:  # noqa: ANN001 - the Oxigraph terms of the objects
        return loaded.objects_of(subject, str(predicate))

    if isinstance(node, Literal):
        return ""
    here = to_oxigraph(node)

    def value(predicate: URIRef, subject=here) -> Node | None:  # noqa: ANN001 - the first object, as rdflib reads it
        found = terms(subject, predicate)
        return to_rdflib(found[0]) if found else None

    def label(other) -> str:  # noqa: ANN001 - label_of, read from the store
        if isinstance(other, ox.Literal):
            return str(to_rdflib(other))
        best = None
        for predicate in (SKOS.prefLabel, RDFS.label):
            for text in terms(other, predicate):
                if isinstance(text, ox.Literal):
                    if text.language == "en":
                        return text.value
                    if best is None or not text.language:
                        best = text.value if text.language or text.datatype.value == _XSD_STRING else str(to_rdflib(text))
            if best is not None:
                return best
        return local_id(other.value)

    def word(predicate: URIRef) -> str | None:  # word_of the node's value, read from the store
        found = value(predicate)
        if found is None or not is_controlled(found):
            return None if found is None else str(found)
        notation = value(SKOS.notation, to_oxigraph(found))
        return str(notation) if notation is not None else str(found).rsplit("/", 1)[1]

    def names(predicate: URIRef) -> str:
        return ", ".join(sorted(label(o) for o in terms(here, predicate)))

    def when() -> str:
        date = value(PG.date) or value(PG.startDate)
        return f" ({date})" if date else ""

    types = {URIRef(t.value) for t in terms(here, RDF.type) if isinstance(t, ox.NamedNode)}
    if PG.Position in types:
        form = value(PG.form)
        return f"{names(PG.actor)} {word(PG.stance) or 'position'}{f' by {form}' if form else ''}{when()}"
    if PG.Engagement in types:
        policy, provision = terms(here, PG.policy), terms(here, PG.provision)
        return f"{label(policy[0]) if policy else '?'} engages {label(provision[0]) if provision else '?'}, argued by {names(PG.arguedBy)}"
    if PG.Event in types:
        return f"{value(PG.kind) or 'event'}{when()} with {names(PG.participant)}"
    if PG.Reservation in types or PG.Declaration in types:
        text = value(PG.text) or value(PG.effect)
        return f"\u201c{text}\u201d" if text else ""
    if PG.Recommendation in types:
        paragraph = value(PG.paragraph)
        where = f"{value(PG.documentSymbol) or ''}{f' para {paragraph}' if paragraph else ''}".strip()
        return ", ".join(part for part in (names(PG.actor), where) if part) + when()
    if PG.Observation in types:
        qualifier = {"approximately": "about ", "less-than": "less than ", "more-than": "more than ", "at-least": "at least ", "at-most": "at most "}
        period = value(PG.period) or value(PG.periodEnd)
        return (
            f"{qualifier.get(word(PG.qualifier) or '', '')}{format_number(value(PG.value))} {word(PG.unit) or ''}"
            + (f" ({period})" if period else "")
        )
    return ""


def _citations(graph: Graph, node: URIRef) -> list[Citation]:
    result = []
    for citation in sorted(graph.objects(node, PG.citation), key=_citation_number):
        source = graph.value(citation, PG.source)
        url = graph.value(citation, PG.sourceUrl)
        result.append(
            Citation(
                source=local_id(source) if source is not None else readable_url(url),
                source_label=label_of(graph, source) if source is not None else readable_url(url),
                locator=str(graph.value(citation, PG.locator) or ""),
                quote=str(graph.value(citation, PG.quote) or ""),
            )
        )
    return result


def _citation_number(citation: Node) -> tuple[int, str]:
    tail = str(citation).rsplit("/", 1)[-1]
    return (int(tail), "") if tail.isdigit() else (0, str(citation))
