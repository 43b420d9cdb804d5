"""The store's answers to the projection's queries, written by Oxigraph as TSV text, on two threads.

``projection.project`` asks its queries as soon as it can name them (the classes and predicates in
use, then the instances of those classes, the labels and dates, and each predicate's links) and
reads the answers as they come: Oxigraph lets go of Python's lock while it evaluates a query and
writes its answer, so on two cores the store answers the next queries while Python reads the last.
Each answer is one TSV text made in one call: on a million triples that is several times faster
than a Python object for every solution and term.

Oxigraph's time goes to each solution it makes (about a microsecond) and to each IRI or long literal
whose text it reads from the store (another), also when a ``FILTER`` only tests the term's kind. So
the queries test no term that Python can test as cheaply in the text (``<iri>``, ``_:blank``,
``"literal"``); the links come grouped by object, each object's subjects in one cell (a predicate's
few thousand objects are read once each, not once per link); and the instances of every class
come from one query, with a small number naming the class.

Every cell is read by splitting the text at its tabs and line breaks: TSV writes IRIs as ``<iri>``
and literals quoted, with ``\\t``, ``\\n``, ``\\r``, ``\\"`` and ``\\\\`` escaped, so no cell holds a
tab or a line break (CSV would not do: Oxigraph writes an IRI with a comma in it unquoted).
"""

from __future__ import annotations

import re
from concurrent.futures import Future, ThreadPoolExecutor

from policygraph.terms import RDF

__all__ = [
    "CLASSES",
    "PREDICATES",
    "Answers",
    "instances",
    "links",
    "literal",
    "values",
]

_RDF_TYPE = str(RDF.type)


class Answers:
    """The TSV answers to SELECT queries on ``store``, made by Oxigraph on ``pool`` (two threads)."""

    def __init__(self, store, pool: ThreadPoolExecutor):  # noqa: ANN001 - a pyoxigraph.Store
        self.store, self.pool = store, pool
        self.asked: dict[str, Future] = {}

    def ask(self, query: str) -> Future:
        """Start answering ``query``, once until its answer is read."""
        if query not in self.asked:
            self.asked[query] = self.pool.submit(self._answer, query)
        return self.asked[query]

    def ask_links(self, predicate: str) -> Future:
        """Start answering ``links(predicate, ...)``, the plan chosen by a look at the predicate's first object."""
        if predicate not in self.asked:
            self.asked[predicate] = self.pool.submit(self._links, predicate)
        return self.asked[predicate]

    def rows(self, query: str) -> list[list[str]]:
        """The answer to ``query`` (asked before, or now) as rows of cells, without the header."""
        return [line.split("\t") for line in self._text(query, self.ask(query)).split("\n")[1:-1]]

    def cells(self, query: str) -> list[str]:
        """The answer's cells, row after row, without the header (as many cells as the query selects)."""
        columns = sum(1 for word in query.split(" WHERE ", 1)[0].split() if word.startswith("?"))
        return self._text(query, self.ask(query)).replace("\t", "\n").split("\n")[columns:-1]

    def link_rows(self, predicate: str) -> list[list[str]]:
        """The rows of ``links`` for ``predicate`` (asked before, or now): ``[object, subjects cell]``."""
        return [line.split("\t") for line in self._text(predicate, self.ask_links(predicate)).split("\n")[1:-1]]

    def _answer(self, query: str) -> bytes:
        import pyoxigraph as ox

        return self.store.query(query).serialize(format=ox.QueryResultsFormat.TSV)

    def _links(self, predicate: str) -> bytes:
        """``links`` of ``predicate``: literals left out by Oxigraph only where the first object is one.

        A predicate's objects are nearly always all IRIs or all literals. Where they are IRIs, testing
        each would cost as much as reading it, and Python leaves out whatever is not an entity anyway;
        where they are literals (quotes, descriptions), writing them out would cost more than the test.
        Both plans give the same links: the look only chooses the cheaper one.
        """
        import pyoxigraph as ox

        first = next(iter(self.store.query(f"SELECT ?o WHERE {{ ?s <{predicate}> ?o }} LIMIT 1")), None)
        only_iris = first is not None and isinstance(first[0], ox.Literal)
        return self._answer(links(predicate, only_iris))

    def _text(self, key: str, answer: Future) -> str:
        """The answer's text, let go of once read (each is read once; on a million triples they are tens of MB)."""
        text = answer.result().decode("utf-8")
        del self.asked[key]
        return text


CLASSES = f"SELECT DISTINCT ?c WHERE {{ ?s <{_RDF_TYPE}> ?c }}"
"""The classes in use (Oxigraph keeps the distinct ones without reading their text)."""

PREDICATES = "SELECT DISTINCT ?p WHERE { ?s ?p ?o }"
"""The predicates in use."""


def instances(classes: list[str], excluded: list[str]) -> str:
    """The instances of each of ``classes`` as ``?s ?k`` (``k`` the class's position in ``classes``),
    less every instance of one of ``excluded`` (MINUS: one look-up table of those, made once)."""
    union = " UNION ".join(f"{{ ?s <{_RDF_TYPE}> <{c}> BIND({k} AS ?k) }}" for k, c in enumerate(classes))
    minus = " UNION ".join(f"{{ ?s <{_RDF_TYPE}> <{c}> }}" for c in excluded)
    return f"SELECT ?s ?k WHERE {{ {union} MINUS {{ {minus} }} }}"


def links(predicate: str, only_iris: bool = False) -> str:
    """One predicate's links grouped by object: ``?o`` and its subjects' IRIs in one cell, space-separated.

    IRIs never hold a space (nor a quote or a backslash, so the cell has nothing escaped). A blank
    subject adds an empty name (``COALESCE``: without it, its group would lose every subject).
    """
    test = " FILTER(isIRI(?o))" if only_iris else ""
    return (
        f'SELECT ?o (GROUP_CONCAT(COALESCE(STR(?s), "")) AS ?ss) WHERE {{ ?s <{predicate}> ?o{test} }} GROUP BY ?o'
    )


def values(predicate: str) -> str:
    """One predicate's subjects and values (a label or date property's): Python keeps the literals."""
    return f"SELECT ?s ?o WHERE {{ ?s <{predicate}> ?o }}"


_ESCAPED = re.compile(r"\\(.)")
_UNESCAPE = {"t": "\t", "n": "\n", "r": "\r"}


def literal(cell: str) -> tuple[str, str] | None:
    """A TSV cell's literal as ``(lexical form, language)`` (``""`` when untagged); None for an IRI or blank node.

    A quoted literal ends at its last quote: after it come only ``@language`` or ``^^<datatype>``,
    which hold none. Numbers and booleans are written bare, as their lexical form.
    """
    if cell.startswith('"'):
        end = cell.rindex('"')
        text = cell[1:end]
        if "\\" in text:
            text = _ESCAPED.sub(lambda m: _UNESCAPE.get(m[1], m[1]), text)
        language = cell[end + 2 :].split("--")[0] if cell[end + 1 : end + 2] == "@" else ""
        return text, language
    if cell.startswith(("<", "_:")):
        return None
    return cell, ""
