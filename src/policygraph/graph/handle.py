"""The graph handle: the one object that every command and library function receives.

A ``LoadedGraph`` holds the built graph in an Oxigraph store (in memory, or on disk when opened
from ``build --store``) and hands out what each stage needs:

- ``store``: the pyoxigraph ``Store``, where SPARQL runs (``sparql.run``, the trace rules, the
  network projection, the Oxigraph SHACL engine);
- ``graph``: an rdflib view, only for the code that needs rdflib (pySHACL, serialisers, the rdflib
  engine of ``--engine rdflib``, and users' own code);
- ``source_map``: IRI → file:line, read only when a message needs one.

A graph built from YAML starts as an in-memory store (the loader writes the records' triples straight
into it, ``graph.store_fill.add_inputs``), copied into rdflib when rdflib is asked for; a store opened
from disk starts as the store (and its rdflib view is a read-through rdflib Store over Oxigraph,
``convert.store_view``); a handle made from an rdflib graph (``LoadedGraph(graph=g)``) starts as that
graph, converted into a store when the store is asked for. Either way the two forms hold the same
triples: the handle is read-only, so code that edits the rdflib graph builds a new handle from it
(the store of the old one would not see the change).
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable, Iterable
from pathlib import Path

from typing import TYPE_CHECKING

from policygraph.records.files import SourceMap

if TYPE_CHECKING:  # rdflib is imported where it is used: search answers from the store without it
    from rdflib import Graph, URIRef

__all__ = ["LoadedGraph"]


class LoadedGraph:
    """The built graph: its triples (store and rdflib view), where each record came from, and what was read."""

    def __init__(
        self,
        *,
        graph: Graph | None = None,
        store=None,  # noqa: ANN001 - a pyoxigraph.Store
        source_map: SourceMap | Callable[[], SourceMap] | None = None,
        record_counts: Counter | None = None,
        files: Iterable[Path] = (),
        folder: Path | None = None,
        triples: int | None = None,
        namespaces: Iterable[tuple[str, str]] = (),
    ):
        if graph is None and store is None:
            raise ValueError("a LoadedGraph needs an rdflib graph or an Oxigraph store")
        self._graph = graph
        self._store = store
        self._source_map = source_map
        self.record_counts = record_counts if record_counts is not None else Counter()
        self.files = list(files)
        self.folder = folder  # the store's folder when opened from disk
        self._triples = triples
        self._namespaces = list(namespaces)  # the prefixes the inputs declared, for the rdflib view

    @property
    def store(self):  # noqa: ANN201 - a pyoxigraph.Store
        """The graph in Oxigraph: where every SPARQL query runs."""
        if self._store is None:
            from policygraph.graph.convert import graph_to_store

            self._store = graph_to_store(self._graph)
        return self._store

    @property
    def graph(self) -> Graph:
        """An rdflib view of the graph, for code that needs rdflib (pySHACL, serialisers, the rdflib engine)."""
        if self._graph is None:
            from policygraph.graph.convert import store_to_graph, store_view
            from policygraph.records.rdf_input import quiet_literals

            if self.on_disk:  # too big to copy, maybe: read through to the store
                self._graph = store_view(self._store, len(self))
            else:
                with quiet_literals():
                    self._graph = store_to_graph(self._store)
            for prefix, namespace in self._namespaces:
                self._graph.bind(prefix, namespace, override=False)
        return self._graph

    @property
    def source_map(self) -> SourceMap:
        """Where each record and key was defined (empty for RDF input); read on first use."""
        if self._source_map is None:
            self._source_map = SourceMap()
        elif callable(self._source_map):
            self._source_map = self._source_map()
        return self._source_map

    @property
    def on_disk(self) -> bool:
        """True for a store opened from a folder (``build --store``)."""
        return self.folder is not None

    def __len__(self) -> int:
        if self._triples is None:
            self._triples = len(self._graph) if self._graph is not None else len(self._store)
        return self._triples

    def has_subject(self, node: URIRef) -> bool:
        """True when ``node`` is the subject of some triple."""
        import pyoxigraph as ox

        return next(iter(self.store.quads_for_pattern(ox.NamedNode(str(node)), None, None, None)), None) is not None

    def objects_of(self, subject, predicate: str) -> list:  # noqa: ANN001 - a pyoxigraph term
        """The objects of ``subject``'s ``predicate`` (an IRI) in the default graph, as Oxigraph terms: read as a
        triple pattern, with no rdflib term made, for readers that ask many small questions (a trace's citations)."""
        import pyoxigraph as ox

        return [quad.object for quad in self.store.quads_for_pattern(subject, ox.NamedNode(predicate), None, ox.DefaultGraph())]

    def labels(self, nodes: Iterable[URIRef], lang: str = "en") -> dict[URIRef, str]:
        """The best label (``skos:prefLabel``, else ``rdfs:label``; ``lang`` first) of each node that has one."""
        import pyoxigraph as ox

        from policygraph.names import RDFS_LABEL, SKOS_PREF_LABEL, best_label

        predicates = [ox.NamedNode(SKOS_PREF_LABEL), ox.NamedNode(RDFS_LABEL)]
        result = {}
        for node in nodes:
            subject = ox.NamedNode(str(node))
            candidates = [
                (rank, quad.object.language, quad.object.value)
                for rank, predicate in enumerate(predicates)
                for quad in self.store.quads_for_pattern(subject, predicate, None, None)
                if isinstance(quad.object, ox.Literal)
            ]
            label = best_label(candidates, lang)
            if label is not None:
                result[node] = label
        return result


def source_map_from_file(path: Path) -> Callable[[], SourceMap]:
    """A loader of the source map a store keeps in ``path`` (JSON), for ``LoadedGraph(source_map=...)``."""

    def load() -> SourceMap:
        from policygraph.model import Location

        document = json.loads(path.read_text(encoding="utf-8"))
        paths = document["paths"]
        source_map = SourceMap()
        source_map.nodes = {node: Location(paths[index], line, column) for node, index, line, column in document["nodes"]}
        source_map.properties = {
            (subject, predicate): Location(paths[index], line, column) for subject, predicate, index, line, column in document["properties"]
        }
        return source_map

    return load

