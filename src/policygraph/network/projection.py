"""The projection: the graph in the store as a ``Network`` that ``measures`` measure and ``export`` writes.

``project`` reads the store in SPARQL queries that Oxigraph answers from its indexes and writes out
as TSV in one call each, on two threads while Python reads the answers (``answers``): walking the
store triple by triple costs a Python round trip per look-up, minutes on a million triples. The
answers go straight into the lists of a ``NetworkTable``: node ids in order, their attributes, and
edges as pairs of positions. No rdflib graph and no networkx graph is built on the way; the
measures and exports read the lists, and ``Network.graph`` is made from them only for the analyses
that need networkx:

1. the entities: every instance typed with a policygraph class, with its most specific class;
2. the nodes, in id order: label, type, dates and time span, and literal properties if asked for
   (``attributes``);
3. the edges: object properties between two entities (citations only if asked for), or only the
   triples that a CONSTRUCT ``query`` returns (``construct``);
4. the selection: n-ary nodes folded (``folding.fold``), then the types and edge kinds asked for.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor, as_completed
from itertools import chain

from rdflib import Graph, URIRef

from policygraph.errors import ConfigError, SchemaError
from policygraph.graph.handle import LoadedGraph
from policygraph.model import Location
from policygraph.network.answers import CLASSES, PREDICATES, Answers, instances, values
from policygraph.network.attributes import LITERAL_PROPERTIES, literal_properties, node_attributes
from policygraph.network.folding import fold
from policygraph.network.model import Network, NetworkTable, ProjectionOptions, node_id, paused_gc
from policygraph.network.schema import CITATION_PROPERTIES, PG_NAMESPACE, Schema
from policygraph.terms import PG, RDF

__all__ = ["construct", "project"]

_RDF_TYPE = str(RDF.type)


def project(loaded: LoadedGraph, options: ProjectionOptions | None = None, **kwargs) -> Network:
    """The network of ``loaded`` as ``options`` (or keyword arguments for them) say.

    Args:
        loaded: the graph handle (``load_graph``, ``open_store``), with the ontology in it.
        options: what to keep; or pass ``fold=True, types=("body",)`` and so on.

    Returns:
        The network, nodes in id order so that every measure is deterministic. Without folding or
        filters it holds only the lists the store's answers were read into (``NetworkTable``); the
        networkx graph is built from them when an analysis asks for it.

    Raises:
        ConfigError: an unknown type or edge kind, or a bad or unsafe ``query``.
    """
    options = options or ProjectionOptions(**kwargs)
    with ThreadPoolExecutor(max_workers=2) as pool, paused_gc():
        return _project(loaded, options, Answers(loaded.store, pool))


def _project(loaded: LoadedGraph, options: ProjectionOptions, answers: Answers) -> Network:
    schema = Schema(loaded.graph)
    skipped = {_RDF_TYPE} | (set() if options.citations else {str(p) for p in CITATION_PROPERTIES})
    excluded = {str(PG.Citation)} if options.citations else {str(PG.Citation), str(PG.Source)}
    # Each query is asked as soon as it can be named, so that Oxigraph answers the next while Python reads one.
    answers.ask(CLASSES)
    if options.query is None:
        answers.ask(PREDICATES)
    ontology = f"<{PG_NAMESPACE}"
    classes = [c[1:-1] for (c,) in answers.rows(CLASSES) if c.startswith(ontology) and c[1:-1] not in excluded]
    if classes:
        answers.ask(instances(classes, sorted(excluded)))
    for predicate in LITERAL_PROPERTIES:
        answers.ask(values(predicate))
    entities = _entities(answers, schema, classes, sorted(excluded))  # IRI -> class
    predicates = []
    if options.query is None:
        predicates = [p[1:-1] for (p,) in answers.rows(PREDICATES) if p.startswith("<") and p[1:-1] not in skipped]
        for predicate in predicates:
            answers.ask_links(predicate)

    if options.query is not None:
        selection = construct(loaded, options.query, options.query_origin)
        rows = [
            (str(s), str(p), str(o))
            for s, p, o in selection
            if isinstance(o, URIRef) and isinstance(s, URIRef) and str(p) not in skipped
        ]
        wanted = {str(t) for s, _, o in selection for t in (s, o) if isinstance(t, URIRef) and str(t) in entities}
    else:
        rows = None
        wanted = entities.keys()

    ids_of = {iri: node_id(iri) for iri in wanted}
    ordered = sorted(ids_of, key=ids_of.__getitem__)
    ids = [ids_of[iri] for iri in ordered]
    at = {iri: i for i, iri in enumerate(ordered)}.get  # IRI -> node position

    literals = literal_properties(loaded.store) if options.literals else {}
    attributes, notes = node_attributes(answers, schema, ordered, ids, entities, literals)

    groups = []  # (kind, the attributes its edges share, sources, targets)
    for predicate, sources, targets in _links(answers, predicates, at) if rows is None else _selected(rows, at):
        if sources:
            kind = schema.kind(URIRef(predicate))
            label = schema.property_label(URIRef(predicate))
            data = {"kind": kind, "label": label, "predicate": predicate, "weight": 1, "via": (), "start": None, "end": None}
            groups.append((kind, data, sources, targets))
    edges = _in_order(groups, len(ids))

    network = Network(None, loaded, options, notes, table=NetworkTable(ids, attributes, edges))
    return _select(network, schema, options)


def _links(answers: Answers, predicates: list[str], at) -> Iterator[tuple[str, list[int], list[int]]]:  # noqa: ANN001
    """Each predicate's links between two entities (no loops) as ``(predicate, sources, targets)`` positions.

    Read as the answers come (the edges are sorted afterwards): Python never waits for one answer
    while another is ready.
    """
    asked = {answers.ask_links(predicate): predicate for predicate in predicates}
    for answer in as_completed(asked):
        predicate = asked[answer]
        sources: list[int] = []
        targets: list[int] = []
        for target, subjects in answers.link_rows(predicate):
            j = at(target[1:-1]) if target.startswith("<") else None
            if j is not None:
                found = [i for i in map(at, subjects[1:-1].split(" ")) if i is not None and i != j]
                sources += found
                targets += [j] * len(found)
        yield predicate, sources, targets


def _selected(rows: list[tuple[str, str, str]], at) -> Iterator[tuple[str, list[int], list[int]]]:  # noqa: ANN001
    """CONSTRUCT result rows ``(s, p, o)`` as ``_links`` gives the store's links: by predicate, as positions."""
    grouped: dict[str, tuple[list[int], list[int]]] = defaultdict(lambda: ([], []))
    for s, p, o in rows:
        i, j = at(s), at(o)
        if i is not None and j is not None and i != j:
            sources, targets = grouped[p]
            sources.append(i)
            targets.append(j)
    for predicate, (sources, targets) in grouped.items():
        yield predicate, sources, targets


def _in_order(groups: list[tuple[str, dict, list[int], list[int]]], nodes: int) -> list[tuple[int, int, str, dict]]:
    """The edges of every kind as ``(source, target, kind, attributes)``, sorted by source, target and kind.

    Each (subject, predicate, object) comes once and every predicate has its own kind: one edge each.
    Sorted by one number per edge, in numpy (comparing 300,000 tuples in Python takes a second).
    """
    import numpy as np

    rank = {kind: r for r, kind in enumerate(sorted(kind for kind, _, _, _ in groups))}
    width = len(groups) or 1
    count = sum(len(sources) for _, _, sources, _ in groups)
    source = np.fromiter(chain.from_iterable(sources for _, _, sources, _ in groups), dtype=np.int64, count=count)
    target = np.fromiter(chain.from_iterable(targets for _, _, _, targets in groups), dtype=np.int64, count=count)
    group = np.repeat(np.arange(len(groups)), [len(sources) for _, _, sources, _ in groups])
    ranks = np.array([rank[kind] for kind, _, _, _ in groups], dtype=np.int64)
    order = np.argsort((source * nodes + target) * width + ranks[group], kind="stable")
    kinds = [kind for kind, _, _, _ in groups]
    datas = [data for _, data, _, _ in groups]
    which = group[order].tolist()
    return list(zip(source[order].tolist(), target[order].tolist(), map(kinds.__getitem__, which), map(datas.__getitem__, which)))


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


# -- 1: the entities ------------------------------------------------------------------------------


def _entities(answers: Answers, schema: Schema, classes: list[str], excluded: list[str]) -> dict[str, str]:
    """Every instance typed with one of ``classes`` (and none of ``excluded``) → its most specific class.

    One query for all the classes: each row names the class by its position. The ``excluded`` classes
    (citations, and sources unless asked for) are never read: there are as many citations as all the
    rest, and none is a node; Oxigraph leaves out their instances typed with another class too.
    """
    if not classes:
        return {}
    cells = answers.cells(instances(classes, excluded))
    subjects, positions = cells[0::2], cells[1::2]
    first = dict(zip(subjects, positions))
    ontology = f"<{PG_NAMESPACE}"
    class_at = {str(k): c for k, c in enumerate(classes)}
    result = {
        subject[1:-1]: class_at[k]
        for subject, k in first.items()
        if subject.startswith("<") and not subject.startswith(ontology)  # instances, not the ontology's terms
    }
    if len(first) < len(subjects):  # some have more than one class
        several = {s: set() for s, n in Counter(subjects).items() if n > 1 and s[1:-1] in result}
        for subject, k in zip(subjects, positions):
            if subject in several:
                several[subject].add(class_at[k])
        specific: dict[frozenset[str], str] = {}
        for subject, types in several.items():
            key = frozenset(types)
            if key not in specific:
                specific[key] = str(schema.most_specific({URIRef(c) for c in key}))
            result[subject[1:-1]] = specific[key]
    return result


# -- 4: folding and filters -----------------------------------------------------------------------


def _select(network: Network, schema: Schema, options: ProjectionOptions) -> Network:
    """Fold n-ary nodes and keep the types and edge kinds ``options`` asks for (on the networkx graph)."""
    if not (options.fold or options.types or options.exclude_types or options.exclude_kinds or options.edge_kinds):
        return network
    network = Network(network.graph, network.source, network.options, network.notes)  # the graph changes: no table
    if options.fold:
        fold(network, schema)
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


def _match_kinds(network: Network, names: Iterable[str]) -> set[str]:
    """The edge kinds named by kind (``pg:amends``), local part (``amends``) or label, case-insensitively.

    Raises:
        ConfigError: a name that matches no edge in the network, with the kinds there are.
    """
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
