"""The store's answers to the projection's queries, read as text two queries at a time.

``projection.project`` asks every query it needs first (the classes and predicates in use, then the
instances of each class, the links of each predicate, the labels and dates) and reads the answers
in order: Oxigraph lets go of Python's lock while it evaluates a query and writes its answer, and
reading the IRIs' text from the on-disk store is most of a projection's time, so on two cores the
next query runs while Python reads the last answer. Each answer is CSV or TSV text made in one call:
on a million triples that is several times faster than a Python object for every solution and term.
"""

from __future__ import annotations

import csv
import io
from concurrent.futures import Future, ThreadPoolExecutor

from policygraph.network.schema import DATE_PROPERTIES, LABEL_PROPERTIES
from policygraph.terms import RDF

__all__ = ["CLASSES", "LITERALS", "PREDICATES", "Answers", "also_typed", "instances", "objects"]

_RDF_TYPE = str(RDF.type)


class Answers:
    """The answers to SELECT queries on ``store``, serialized by Oxigraph on ``pool`` (two threads)."""

    def __init__(self, store, pool: ThreadPoolExecutor):  # noqa: ANN001 - a pyoxigraph.Store
        self.store, self.pool = store, pool
        self.asked: dict[tuple[str, bool], Future] = {}

    def ask(self, query: str, tsv: bool = True) -> Future:
        """Start answering ``query`` (as TSV, else CSV), once."""
        key = (query, tsv)
        if key not in self.asked:
            import pyoxigraph as ox

            fmt = ox.QueryResultsFormat.TSV if tsv else ox.QueryResultsFormat.CSV
            self.asked[key] = self.pool.submit(lambda: self.store.query(query).serialize(format=fmt))
        return self.asked[key]

    def terms(self, query: str) -> list[str]:
        """The cells of a SELECT whose every cell is an IRI or a blank node, row after row, as TSV writes
        them: IRIs as ``<iri>``, so that they never look like a literal, and never with a tab or a line
        break in them, so that one ``split`` reads them all."""
        cells = self.ask(query).result().decode("utf-8").replace("\t", "\n").split("\n")
        columns = sum(1 for word in query.split(" WHERE ", 1)[0].split() if word.startswith("?"))
        return cells[columns:-1]  # no header, nor the empty cell after the last line break

    def table(self, query: str):  # noqa: ANN201 - an iterator of lists of str
        """The rows of a SELECT as lists of strings (IRIs and lexical forms, as CSV writes them; "" when unbound)."""
        reader = csv.reader(io.StringIO(self.ask(query, tsv=False).result().decode("utf-8"), newline=""))
        next(reader, None)  # the header
        return reader


CLASSES = f"SELECT DISTINCT ?c WHERE {{ ?s <{_RDF_TYPE}> ?c FILTER(isIRI(?c)) }}"
"""The classes in use: Oxigraph lists them from its index."""

PREDICATES = "SELECT DISTINCT ?p WHERE { ?s ?p ?o }"
"""The predicates in use: Oxigraph lists them from its index."""


def instances(cls: str) -> str:
    """The instances of one class: only subjects are written out."""
    return f"SELECT ?s WHERE {{ ?s <{_RDF_TYPE}> <{cls}> }}"


def also_typed(cls: str) -> str:
    """The instances of one class that have another type too."""
    return f"SELECT DISTINCT ?s WHERE {{ ?s <{_RDF_TYPE}> <{cls}>, ?c FILTER(?c != <{cls}>) }}"


def objects(predicate: str) -> str:
    """One predicate's links (one query each: only its own triples are read, and only subjects and objects
    written out; one scan of the whole store with a filter takes about three times as long on a million
    triples). The filter leaves literals out inside Oxigraph, before their text is read."""
    return f"SELECT ?s ?o WHERE {{ ?s <{predicate}> ?o FILTER(isIRI(?o)) }}"


LITERALS = [
    f"SELECT ?s ?o (LANG(?o) AS ?lang) WHERE {{ ?s <{p}> ?o FILTER(isIRI(?s) && isLiteral(?o)) }}"
    for p in (*LABEL_PROPERTIES, *DATE_PROPERTIES)
]
"""Label and date values, a query per property, labels first (``projection._labels_and_dates``)."""
