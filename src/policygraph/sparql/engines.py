"""Where SPARQL runs locally: rdflib on the Graph, or an embedded Oxigraph store; and the time limit.

``LocalGraph`` holds the graph in whichever form it was made (an rdflib Graph from ``load_graph``,
an Oxigraph store from a prebuilt file) and converts on demand. ``evaluate_rdflib`` and
``evaluate_oxigraph`` return the same ``QueryResult`` for the same query. ``call_with_timeout``
runs a function in a forked child process and kills it when the time is up, so a runaway query
really stops and leaves nothing behind.

Parameters are bound as if by a ``VALUES`` block at the start of every group of the WHERE clause
that mentions them, which gives them the meaning of a substituted constant everywhere but in
sub-queries (refused) and in a MINUS that shares nothing else with the outer pattern. For rdflib
the block is put into the parse tree as terms (``bind_in_tree``); Oxigraph and remote endpoints
only take query text, so ``with_values`` writes the validated, escaped terms into the text, in
the same groups (``params.bound_text``). (rdflib's ``initBindings`` would
reach into sub-queries and Oxigraph's ``substitutions`` mis-evaluates ``BOUND(?x)`` and
``BIND(?x AS ?y)`` in pyoxigraph 0.5, so neither native mechanism gives the same answers on both.)
"""

from __future__ import annotations

import multiprocessing
import os
import signal
import time
from typing import Callable, Generic, Mapping, TypeVar

from rdflib import Graph
from rdflib.term import Node

from policygraph.errors import InputError, PolicygraphError, SchemaError
from policygraph.graph.convert import (
    _short,
    to_rdflib,
)
from policygraph.graph.labels import best_label
from policygraph.sparql.params import bind_in_tree
from policygraph.sparql.results import QueryResult
from policygraph.terms import PREFIXES

__all__ = [
    "evaluate_rdflib",
    "evaluate_oxigraph",
    "bind_in_tree",
    "best_label",
    "ChildCall",
    "call_with_timeout",
    "to_rdflib",
]

T = TypeVar("T")




# -- term conversion --------------------------------------------------------------------------


# -- evaluation -------------------------------------------------------------------------------


def evaluate_rdflib(graph: Graph, text: str, form: str, bindings: Mapping[str, Node] | None = None) -> QueryResult:
    """Run a (checked) query with rdflib, parameters put as terms into its parse tree (``bind_in_tree``).

    Raises:
        SchemaError: rdflib cannot evaluate the query.
    """
    import rdflib.plugins.sparql as sparql_module
    from rdflib.plugins.sparql.algebra import translateQuery
    from rdflib.plugins.sparql.parser import parseQuery

    parsed = parseQuery(text)
    bind_in_tree(parsed, bindings or {})
    prepared = translateQuery(parsed, initNs=PREFIXES)
    previous = sparql_module.SPARQL_LOAD_GRAPHS
    sparql_module.SPARQL_LOAD_GRAPHS = False  # never fetch FROM graphs (query.py refuses FROM too)
    try:
        # The same terms as initBindings too: it changes no answer (every group that mentions a
        # parameter binds it already) but lets rdflib push them into joins it evaluates eagerly.
        result = graph.query(prepared, initBindings=dict(bindings or {}))
        if form == "ASK":
            return QueryResult(form, boolean=bool(result.askAnswer), engine="rdflib")
        if form in ("CONSTRUCT", "DESCRIBE"):
            return QueryResult(form, triples=list(result.graph or ()), engine="rdflib")
        variables = [str(v) for v in result.vars or ()]
        rows = [tuple(row) for row in result]
    except PolicygraphError:
        raise
    except Exception as error:  # rdflib raises many kinds of errors on queries it cannot evaluate
        raise SchemaError(f"rdflib cannot evaluate the query: {_short(error)}", hint="try --engine oxigraph") from None
    finally:
        sparql_module.SPARQL_LOAD_GRAPHS = previous
    return QueryResult(form, variables=variables, rows=rows, engine="rdflib")


def evaluate_oxigraph(store, text: str, form: str) -> QueryResult:  # noqa: ANN001 - pyoxigraph.Store
    """Run a (checked) query, parameters already in a ``VALUES`` block, on an Oxigraph store.

    Raises:
        SchemaError: Oxigraph cannot evaluate the query.
    """
    import pyoxigraph as ox

    try:
        answer = store.query(text, prefixes=PREFIXES)
        if isinstance(answer, ox.QueryBoolean):
            return QueryResult(form, boolean=bool(answer), engine="oxigraph")
        convert = _converter()
        if isinstance(answer, ox.QueryTriples):
            triples = [(convert(t.subject), convert(t.predicate), convert(t.object)) for t in answer]
            return QueryResult(form, triples=triples, engine="oxigraph")
        variables = [v.value for v in answer.variables]
        rows = [tuple(map(convert, solution)) for solution in answer]  # a solution yields its values in variable order, None if unbound
    except (SyntaxError, OSError, RuntimeError, ValueError, TypeError) as error:
        raise SchemaError(f"oxigraph cannot evaluate the query: {_short(error)}", hint="try --engine rdflib") from None
    return QueryResult(form, variables=variables, rows=rows, engine="oxigraph")


def _converter() -> Callable:
    """``to_rdflib`` remembering what it converted: an answer repeats its terms (classes, units, labels, the
    entity on each of its rows), and making an rdflib term (a literal parses its value) costs far more
    than looking the Oxigraph term up."""
    converted: dict = {}

    def convert(term):  # noqa: ANN001, ANN202 - a pyoxigraph term or None -> an rdflib term or None
        found = converted.get(term, converted)
        if found is converted:
            found = converted[term] = to_rdflib(term)
        return found

    return convert


# -- parameters as a VALUES block -------------------------------------------------------------


# -- time limit -------------------------------------------------------------------------------


def call_with_timeout(function: Callable[[], T], timeout: float | None) -> T:
    """``function()``, in a forked child process that is killed after ``timeout`` seconds (None: here, no limit).

    Raises:
        InputError: the time ran out (the child is killed and reaped), or the child died.
        ConfigError: ``timeout`` was given on a platform without ``fork``.
    """
    return ChildCall(function, timeout).result()


class ChildCall(Generic[T]):
    """``function()`` started in a forked child process that is killed ``timeout`` seconds after it started.

    The child inherits the graph (copy-on-write) and sends its result back through a pipe; the parent
    may do other work meanwhile (``validate`` checks the quotes while the shapes run) and then waits in
    ``result``. Errors of the library travel back as themselves; anything else is re-raised as
    ``RuntimeError``. With no ``timeout`` there is no child: ``function`` runs here, at once.

    Raises:
        ConfigError: a ``timeout`` on a platform without ``fork``.
    """

    def __init__(self, function: Callable[[], T], timeout: float | None) -> None:
        from policygraph.errors import ConfigError

        self._process = None
        if timeout is None:
            self._value = function()
            return
        if "fork" not in multiprocessing.get_all_start_methods():
            raise ConfigError("--timeout needs a platform that can fork processes")
        context = multiprocessing.get_context("fork")
        self._timeout = timeout
        self._receiver, sender = context.Pipe(duplex=False)
        parent = os.getpid()

        def child() -> None:
            _die_with_parent(parent)  # a killed policygraph must not leave its query running
            try:
                payload: tuple = ("ok", function())
            except PolicygraphError as error:
                payload = ("error", type(error), error.message, error.location, error.hint)
            except BaseException as error:  # noqa: BLE001 - reported to the parent, which re-raises
                payload = ("crash", f"{type(error).__name__}: {error}")
            sender.send(payload)
            sender.close()

        self._deadline = time.monotonic() + timeout
        self._process = context.Process(target=child, daemon=True)
        self._process.start()
        sender.close()

    def result(self) -> T:
        """The child's result, waiting until the deadline at most.

        Raises:
            InputError: the time ran out (the child is killed and reaped), or the child died.
        """
        if self._process is None:
            return self._value
        try:
            if not self._receiver.poll(max(0.0, self._deadline - time.monotonic())):
                raise InputError(f"query timed out after {self._timeout:g} s", hint="raise --timeout or narrow the query")
            try:
                payload = self._receiver.recv()
            except EOFError:
                raise InputError(f"query evaluation died (exit code {self._process.exitcode})") from None
        finally:
            self.cancel()
        if payload[0] == "ok":
            return payload[1]
        if payload[0] == "error":
            _, kind, message, location, hint = payload
            raise kind(message, location, hint)
        raise RuntimeError(payload[1])

    def cancel(self) -> None:
        """Kill the child if it still runs, and reap it (the parent's own work failed, or the result is in)."""
        if self._process is None:
            return
        if self._process.is_alive():
            self._process.kill()
        self._process.join()
        self._receiver.close()


def _die_with_parent(parent: int) -> None:
    """In a forked child: have Linux kill it when its parent dies (PR_SET_PDEATHSIG); exit if that happened already."""
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):  # not Linux: the parent's kill() on timeout still applies
        pass
    if os.getppid() != parent:
        os._exit(1)


