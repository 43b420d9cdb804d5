"""What the ontology says that the projection needs: classes and their ancestors, property names and labels, dates.

``Schema`` reads the ontology in the loaded graph (through its rdflib view: a few hundred triples)
once per projection and caches what it finds, so that a million nodes cost a million dictionary
look-ups, not a million graph walks.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from rdflib import Graph, URIRef

from policygraph.errors import ConfigError
from policygraph.graph.labels import label_of, local_id
from policygraph.network.model import Network
from policygraph.records.kinds import RECORD_KINDS
from policygraph.terms import DCTERMS, ORG, PG, PROV, RDF, RDFS, SKOS

__all__ = [
    "CITATION_PROPERTIES",
    "DATE_PROPERTIES",
    "LABEL_PROPERTIES",
    "PG_NAMESPACE",
    "Schema",
    "nodes_of_type",
]

PG_NAMESPACE = str(PG._NS)

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

#: Properties that cite (left out of the network unless citations are asked for).
CITATION_PROPERTIES = frozenset({PROV.wasDerivedFrom, PG.citation, PG.source})

#: Label properties, the preferred first (as ``graph.labels.label_of`` reads them).
LABEL_PROPERTIES = (SKOS.prefLabel, RDFS.label)

# Labels for properties from other vocabularies, which the ontology declares without a label.
_EXTERNAL_LABELS = {
    ORG.subOrganizationOf: "part of",
    ORG.memberOf: "member of",
    SKOS.broader: "broader",
    PROV.wasDerivedFrom: "cites",
    DCTERMS.publisher: "publisher",
}


class Schema:
    """What the ontology in the graph says about classes and properties, cached."""

    def __init__(self, graph: Graph):
        self.graph = graph
        self._ancestors: dict[URIRef, frozenset[URIRef]] = {}
        self._specific: dict[frozenset[URIRef], URIRef] = {}
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

    def most_specific(self, classes: Iterable[URIRef]) -> URIRef:
        """The class of an entity typed with ``classes``: one below no other of them (the first by IRI on a tie)."""
        key = frozenset(classes)
        if key not in self._specific:
            below = [c for c in key if not any(c != o and c in self.ancestors(o) for o in key)]
            self._specific[key] = min(below)
        return self._specific[key]

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
        """The label of a class (``government body``), else its local name."""
        return label_of(self.graph, cls) if (cls, RDFS.label, None) in self.graph else local_id(cls)

    def resolve_types(self, names: Iterable[str]) -> set[URIRef]:
        """Classes named by local name, label or record type, case- and punctuation-insensitively.

        Raises:
            ConfigError: a name that is none of these, with the names there are.
        """
        known: dict[str, URIRef] = {}
        for cls in set(self.graph.subjects(RDF.type, None)) | set(self.graph.objects(None, RDF.type)):
            if (
                isinstance(cls, URIRef)
                and str(cls).startswith(PG_NAMESPACE)
                and (cls, RDFS.subClassOf, None) in self.graph
            ):
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


def nodes_of_type(network: Network, name: str) -> set[str]:
    """The nodes of a type (class name, label or record type, with its subclasses).

    Raises:
        ConfigError: unknown type.
    """
    schema = Schema(network.source.graph)
    classes = schema.resolve_types([name])
    return {n for n, d in network.graph.nodes(data=True) if schema.ancestors(URIRef(d["class"])) & classes}


def _squash(text: str) -> str:
    return re.sub(r"[^a-z0-9]", "", text.lower().replace("organisation", "organization"))
