"""``network.project`` for a prebuilt store: the same network, read from Oxigraph in a few bulk queries.

Walking the rdflib view of a store triple by triple (and node by node for labels and dates) costs a
Python round trip per lookup; on a million triples that is minutes. Here the typed entities, the
links between them, and their labels and dates each come in one SPARQL query, and the network is
built from those rows exactly as ``network.project`` builds it from the rdflib graph: the same
nodes with the same attributes, the same edges, then the same folding and filters
(``network._select``). ``tests/test_store.py`` checks that both give the same network.
"""

from __future__ import annotations

from collections import defaultdict

import networkx as nx
from rdflib import URIRef

from policygraph.graph.handle import LoadedGraph
from policygraph.graph.labels import local_id
from policygraph.network.model import (
    _CITATION_PROPERTIES,
    _PG,
    _SKIP_LITERALS,
    DATE_PROPERTIES,
    Network,
    ProjectionOptions,
    _add_edge,
    _node_id,
    _one_line,
    _Schema,
    _select,
    _span,
    construct,
)
from policygraph.terms import PG, RDF, RDFS, SKOS, XSD

__all__ = ["project"]

_LABELS = (str(SKOS.prefLabel), str(RDFS.label))
_DATES = [str(p) for p in DATE_PROPERTIES]
_RDF_TYPE = str(RDF.type)
_NUMBERS = (XSD.decimal, XSD.integer, XSD.double, XSD.float)


def project(loaded: LoadedGraph, options: ProjectionOptions | None = None, **kwargs) -> Network:
    """The network of ``loaded`` as ``options`` (or keyword arguments for them) say.

    Args:
        loaded: the graph handle (``load_graph``, ``open_store``), with the ontology in it.
        options: what to keep; or pass ``fold=True, types=("body",)`` and so on.

    Returns:
        The network, nodes added in id order so that every measure is deterministic.

    Raises:
        ConfigError: an unknown type or edge kind, or a bad or unsafe ``query``.
    """
    options = options or ProjectionOptions(**kwargs)
    store = loaded.store
    graph = loaded.graph
    schema = _Schema(graph)
    network = Network(nx.MultiDiGraph(), loaded, options)
    entities = _entities(store, schema, options.citations)
    ids = {iri: _node_id(URIRef(iri)) for iri in entities}
    citation_properties = {str(p) for p in _CITATION_PROPERTIES}

    if options.query is not None:
        selection = construct(loaded, options.query, options.query_origin)
        rows = ((str(s), str(p), str(o)) for s, p, o in selection if isinstance(o, URIRef) and isinstance(s, URIRef))
        wanted = {str(t) for s, _, o in selection for t in (s, o) if str(t) in entities and isinstance(t, URIRef)}
    else:
        answer = store.query(f"SELECT ?s ?p ?o WHERE {{ ?s ?p ?o FILTER(isIRI(?s) && isIRI(?o) && ?p != <{_RDF_TYPE}>) }}")
        rows = ((row[0].value, row[1].value, row[2].value) for row in answer)
        wanted = set(entities)
    edges = []
    for s, p, o in rows:
        if s in entities and o in entities and s != o and p != _RDF_TYPE:
            if p in citation_properties and not options.citations:
                continue
            edges.append((s, p, o))

    labels, dates = _labels_and_dates(store)
    literals = _literals(store) if options.literals else {}
    class_labels: dict[str, str] = {}
    for iri in sorted(wanted, key=lambda n: ids[n]):
        cls = entities[iri]
        if cls not in class_labels:
            class_labels[cls] = schema.class_label(URIRef(cls))
        found = dates.get(iri, {})
        node_dates = {local_id(URIRef(p)): min(found[p]) for p in _DATES if p in found}
        start, end = _span(node_dates, cls == str(PG.Participation))
        node_id = ids[iri]
        if start and end and end < start:
            network.notes.append(f"{node_id}: end {end} before start {start}; end left out of the time span")
            end = None
        network.graph.add_node(
            node_id,
            label=_one_line(_label(labels.get(iri), iri)),
            type=class_labels[cls],
            **{"class": cls},
            iri=iri,
            dates=node_dates,
            start=start,
            end=end,
            properties=literals.get(iri, {}) if options.literals else {},
        )
    kinds: dict[str, tuple[str, str]] = {}
    for s, p, o in sorted(edges):
        if s in wanted and o in wanted:
            if p not in kinds:
                kinds[p] = (schema.kind(URIRef(p)), schema.property_label(URIRef(p)))
            kind, label = kinds[p]
            _add_edge(network.graph, ids[s], ids[o], kind, label, predicate=p)
    return _select(network, schema, options)


def _entities(store, schema: _Schema, citations: bool) -> dict[str, str]:
    """Every instance typed with a policygraph class → its most specific class (as ``_Schema.entities``)."""
    excluded = {PG.Citation} if citations else {PG.Citation, PG.Source}
    classes: dict[str, set[URIRef]] = defaultdict(set)
    query = f"SELECT ?s ?c WHERE {{ ?s <{_RDF_TYPE}> ?c FILTER(isIRI(?s) && isIRI(?c) && STRSTARTS(STR(?c), \"{_PG}\")) }}"
    for row in store.query(query):
        subject = row[0].value
        if not subject.startswith(_PG):
            classes[subject].add(URIRef(row[1].value))
    result = {}
    specific_of: dict[frozenset, str] = {}
    for subject, found in classes.items():
        if found & excluded:
            continue
        key = frozenset(found)
        if key not in specific_of:
            specific_of[key] = str(sorted(c for c in found if not any(c != o and c in schema.ancestors(o) for o in found))[0])
        result[subject] = specific_of[key]
    return result


def _labels_and_dates(store) -> tuple[dict, dict]:
    """``{iri: [(rank, language, text)]}`` of labels and ``{iri: {date property: [values]}}``."""
    values = " ".join(f"<{p}>" for p in (*_LABELS, *_DATES))
    labels: dict[str, list] = defaultdict(list)
    dates: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    for row in store.query(f"SELECT ?s ?p ?o WHERE {{ VALUES ?p {{ {values} }} ?s ?p ?o FILTER(isIRI(?s) && isLiteral(?o)) }}"):
        subject, predicate, value = row[0].value, row[1].value, row[2]
        if predicate in _LABELS:
            labels[subject].append((_LABELS.index(predicate), value.language, value.value))
        else:
            dates[subject][predicate].append(value.value)
    return labels, dates


def _label(candidates: list | None, iri: str, lang: str = "en") -> str:
    """``labels.label_of``: the first label in ``lang`` of skos:prefLabel, else rdfs:label; else an untagged or any one."""
    for rank in (0, 1):
        best = None
        for found_rank, language, text in candidates or ():
            if found_rank != rank:
                continue
            if language == lang:
                return text
            if best is None or language is None:
                best = text
        if best is not None:
            return best
    return local_id(URIRef(iri))


def _literals(store) -> dict[str, dict[str, object]]:
    """``network._literals`` for every node at once: literal properties other than labels and dates."""
    from policygraph.graph.convert import to_rdflib

    skip = {str(p) for p in _SKIP_LITERALS} | set(_DATES)
    found: dict[str, dict[str, list]] = defaultdict(lambda: defaultdict(list))
    for row in store.query("SELECT ?s ?p ?o WHERE { ?s ?p ?o FILTER(isIRI(?s) && isLiteral(?o)) }"):
        if row[1].value not in skip:
            found[row[0].value][local_id(URIRef(row[1].value))].append(to_rdflib(row[2]))
    result: dict[str, dict[str, object]] = {}
    for subject, values in found.items():
        properties: dict[str, object] = {}
        for name, literals in sorted(values.items()):
            if len(literals) == 1 and literals[0].datatype in _NUMBERS:
                properties[name] = float(literals[0].toPython())
            elif len(literals) == 1 and literals[0].datatype == XSD.boolean:
                properties[name] = bool(literals[0].toPython())
            else:
                properties[name] = "; ".join(sorted(_one_line(str(v)) for v in literals))
        result[subject] = properties
    return result

