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
only take query text, so ``with_values`` writes the validated terms into the text, and query.py
parses that back and checks it holds exactly the same blocks. (rdflib's ``initBindings`` would
reach into sub-queries and Oxigraph's ``substitutions`` mis-evaluates ``BOUND(?x)`` and
``BIND(?x AS ?y)`` in pyoxigraph 0.5, so neither native mechanism gives the same answers on both.)
"""

from __future__ import annotations

import contextlib
import logging
import multiprocessing
import os
import re
import signal
from pathlib import Path
from typing import Callable, Iterable, Iterator, Mapping, TypeVar

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.term import Node

from .errors import InputError, PolicygraphError, SchemaError
from .model import Location
from .sparql_results import PREFIXES, QueryResult
from .terms import RDFS, SKOS, XSD

__all__ = [
    "LocalGraph",
    "evaluate_rdflib",
    "evaluate_oxigraph",
    "with_values",
    "bind_in_tree",
    "sparql_tokens",
    "variables_in_order",
    "best_label",
    "sparql_term",
    "call_with_timeout",
    "to_rdflib",
    "to_oxigraph",
    "GRAPH_FILE_SUFFIXES",
]

T = TypeVar("T")

GRAPH_FILE_SUFFIXES = {
    ".ttl": "TURTLE",
    ".turtle": "TURTLE",
    ".nt": "N_TRIPLES",
    ".nq": "N_QUADS",
    ".trig": "TRIG",
    ".jsonld": "JSON_LD",
    ".rdf": "RDF_XML",
    ".owl": "RDF_XML",
    ".xml": "RDF_XML",
}
"""Suffixes of prebuilt graph files and their Oxigraph formats."""

_XSD_STRING = str(XSD.string)
_IRI_FORBIDDEN = re.compile(r'[\x00-\x20<>"{}|^`\\]')
_OX_ERROR_POSITION = re.compile(r"(?:line (\d+) (?:between columns|column) (\d+)|at (\d+):(\d+))")


class LocalGraph:
    """The graph to query on this machine, as an rdflib Graph, an Oxigraph store, or both.

    Build one with ``LocalGraph(graph=...)`` (from ``load_graph``) or ``LocalGraph.from_file(path)``
    (a prebuilt graph, parsed by Oxigraph); the other form is made the first time it is asked for.
    """

    def __init__(self, graph: Graph | None = None, store=None):  # noqa: ANN001 - pyoxigraph.Store
        if graph is None and store is None:
            raise ValueError("LocalGraph needs a graph or a store")
        self._graph = graph
        self._store = store

    @classmethod
    def from_file(cls, path: str | Path) -> LocalGraph:
        """Read a prebuilt graph (Turtle, N-Triples, N-Quads, TriG, JSON-LD, RDF/XML) into an Oxigraph store.

        Named graphs in N-Quads / TriG are merged into the default graph. No remote JSON-LD context
        and no XML external entity is ever fetched.

        Raises:
            InputError: the file is missing, of an unknown type, or malformed (with line and column).
        """
        import pyoxigraph as ox

        path = Path(path)
        fmt_name = GRAPH_FILE_SUFFIXES.get(path.suffix.lower())
        if fmt_name is None:
            raise InputError(
                f"unknown graph file type {path.suffix or '(none)'!r}",
                Location(str(path)),
                hint="use " + ", ".join(sorted(set(GRAPH_FILE_SUFFIXES))),
            )
        if not path.is_file():
            raise InputError("no such file", Location(str(path)))
        from .safety import check_graph_file

        skip = check_graph_file(path)  # size, text, XML DTDs, JSON-LD contexts: see policygraph.safety
        fmt = getattr(ox.RdfFormat, fmt_name)
        store = ox.Store()
        try:
            with path.open("rb") as stream:
                stream.seek(skip)  # a UTF-8 byte-order mark, which Oxigraph does not skip itself
                source = {"input": stream} if skip else {"path": str(path)}
                if fmt_name in ("N_QUADS", "TRIG"):
                    default = ox.DefaultGraph()
                    store.extend(ox.Quad(q.subject, q.predicate, q.object, default) for q in ox.parse(**source, format=fmt))
                else:
                    store.load(**source, format=fmt)
        except SyntaxError as error:
            line, column = _error_position(str(error))
            raise InputError(f"cannot parse {fmt_name.lower().replace('_', '-')}: {_short(error)}", Location(str(path), line, column)) from None
        except MemoryError as error:  # Oxigraph buffers one token at most 16 MB: a huge literal or IRI
            raise InputError(
                f"cannot parse {fmt_name.lower().replace('_', '-')}: a single term (literal or IRI) is too large ({_short(error)})",
                Location(str(path)),
            ) from None
        except OSError as error:
            raise InputError(f"cannot read file: {error.strerror or error}", Location(str(path))) from None
        if not len(store):
            raise InputError("no triples in the graph file", Location(str(path)))
        return cls(store=store)

    @property
    def graph(self) -> Graph:
        """The graph as an rdflib Graph."""
        if self._graph is None:
            with quiet_literals():
                self._graph = _store_to_graph(self._store)
        return self._graph

    @property
    def store(self):  # noqa: ANN201 - pyoxigraph.Store
        """The graph in an in-memory Oxigraph store."""
        if self._store is None:
            self._store = _graph_to_store(self._graph)
        return self._store

    @property
    def has_graph(self) -> bool:
        """True when the rdflib form exists already (no conversion needed)."""
        return self._graph is not None

    @property
    def has_store(self) -> bool:
        """True when the Oxigraph form exists already (no conversion needed)."""
        return self._store is not None

    def __len__(self) -> int:
        return len(self._graph) if self._graph is not None else len(self._store)

    def has_subject(self, node: URIRef) -> bool:
        """True when ``node`` is the subject of some triple."""
        if self._graph is not None:
            return (node, None, None) in self._graph
        import pyoxigraph as ox

        return next(iter(self._store.quads_for_pattern(ox.NamedNode(str(node)), None, None, None)), None) is not None

    def labels(self, nodes: Iterable[URIRef], lang: str = "en") -> dict[URIRef, str]:
        """The best label (``skos:prefLabel``, else ``rdfs:label``; ``lang`` first) of each node that has one."""
        result = {}
        for node in nodes:
            candidates = []
            if self._graph is not None:
                for rank, predicate in enumerate((SKOS.prefLabel, RDFS.label)):
                    candidates += [(rank, v.language, str(v)) for v in self._graph.objects(node, predicate) if isinstance(v, Literal)]
            else:
                import pyoxigraph as ox

                for rank, predicate in enumerate((SKOS.prefLabel, RDFS.label)):
                    for quad in self._store.quads_for_pattern(ox.NamedNode(str(node)), ox.NamedNode(str(predicate)), None, None):
                        if isinstance(quad.object, ox.Literal):
                            candidates.append((rank, quad.object.language, quad.object.value))
            label = best_label(candidates, lang)
            if label is not None:
                result[node] = label
        return result


def best_label(candidates: list[tuple[int, str | None, str]], lang: str = "en") -> str | None:
    """Pick a label from ``(predicate rank, language, text)`` candidates: best predicate, then ``lang``, untagged, any."""
    if not candidates:
        return None

    def preference(candidate: tuple[int, str | None, str]) -> tuple:
        rank, language, text = candidate
        language_rank = 0 if (language or "").lower() == lang else 1 if not language else 2
        return (rank, language_rank, text)

    return min(candidates, key=preference)[2]


# -- term conversion --------------------------------------------------------------------------


def to_rdflib(term) -> Node | None:  # noqa: ANN001 - a pyoxigraph term
    """An Oxigraph term as an rdflib term (``xsd:string`` literals become plain literals)."""
    import pyoxigraph as ox

    if term is None:
        return None
    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return BNode(term.value)
    if isinstance(term, ox.Literal):
        if term.language:
            return Literal(term.value, lang=term.language)
        datatype = term.datatype.value
        if datatype == _XSD_STRING:
            return Literal(term.value)
        return Literal(term.value, datatype=URIRef(datatype))
    raise SchemaError(f"RDF-star triple terms are not supported in results ({term})")


def to_oxigraph(term: Node):  # noqa: ANN201 - a pyoxigraph term
    """An rdflib term as an Oxigraph term."""
    import pyoxigraph as ox

    if isinstance(term, URIRef):
        return ox.NamedNode(str(term))
    if isinstance(term, BNode):
        return ox.BlankNode(_bnode_id(str(term)))
    if isinstance(term, Literal):
        if term.language:
            return ox.Literal(str(term), language=term.language)
        if term.datatype is not None:
            return ox.Literal(str(term), datatype=ox.NamedNode(str(term.datatype)))
        return ox.Literal(str(term))
    raise TypeError(f"not an RDF term: {term!r}")


def _bnode_id(text: str) -> str:
    return text if re.match(r"^[A-Za-z0-9_][A-Za-z0-9_.\-]*$", text) and not text.endswith(".") else "b" + text.encode().hex()


def _graph_to_store(graph: Graph):  # noqa: ANN202
    import pyoxigraph as ox

    cache: dict[Node, object] = {}

    def convert(term: Node):  # noqa: ANN202
        converted = cache.get(term)
        if converted is None:
            converted = cache[term] = to_oxigraph(term)
        return converted

    store = ox.Store()
    default = ox.DefaultGraph()
    store.extend(ox.Quad(convert(s), convert(p), convert(o), default) for s, p, o in graph)
    return store


def _store_to_graph(store) -> Graph:  # noqa: ANN001
    cache: dict[object, Node] = {}

    def convert(term) -> Node:  # noqa: ANN001
        converted = cache.get(term)
        if converted is None:
            converted = cache[term] = to_rdflib(term)
        return converted

    graph = Graph()
    for prefix, namespace in PREFIXES.items():
        graph.bind(prefix, namespace, override=True)
    add = graph.add
    for quad in store.quads_for_pattern(None, None, None, None):
        add((convert(quad.subject), convert(quad.predicate), convert(quad.object)))
    return graph


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
        if isinstance(answer, ox.QueryTriples):
            triples = [(to_rdflib(t.subject), to_rdflib(t.predicate), to_rdflib(t.object)) for t in answer]
            return QueryResult(form, triples=triples, engine="oxigraph")
        variables = [v.value for v in answer.variables]
        width = len(variables)
        rows = [tuple(to_rdflib(solution[i]) for i in range(width)) for solution in answer]
    except (SyntaxError, OSError, RuntimeError, ValueError, TypeError) as error:
        raise SchemaError(f"oxigraph cannot evaluate the query: {_short(error)}", hint="try --engine rdflib") from None
    return QueryResult(form, variables=variables, rows=rows, engine="oxigraph")


# -- parameters as a VALUES block -------------------------------------------------------------

_TOKENS = re.compile(
    r"""
    (?P<comment>\#[^\n]*)
  | (?P<string>\"\"\"(?:[^"\\]|\\.|"(?!""))*\"\"\"|'''(?:[^'\\]|\\.|'(?!''))*'''|"(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*')
  | (?P<iri><[^<>"{}|^`\\\x00-\x20]*>)
  | (?P<var>[?$][A-Za-z0-9_\u00b7\u00c0-\uffff]+)
  | (?P<word>[A-Za-z_][A-Za-z0-9_]*)
  | (?P<open>\{) | (?P<close>\}) | (?P<lparen>\() | (?P<rparen>\))
  | (?P<space>\s+)
  | (?P<other>.)
    """,
    re.VERBOSE | re.DOTALL,
)


def sparql_tokens(text: str):  # noqa: ANN201 - an iterator of re.Match
    """The rough tokens of a SPARQL text: comment, string, iri, var, word, open, close, lparen, rparen, space, other.

    Enough to find keywords, variables and group braces outside strings, IRIs and comments; the
    kind is ``match.lastgroup``.
    """
    return _TOKENS.finditer(text)


def variables_in_order(text: str) -> list[str]:
    """The query's variable names in order of first appearance (comments and strings skipped)."""
    seen: dict[str, None] = {}
    for match in _TOKENS.finditer(text):
        if match.lastgroup == "var":
            seen.setdefault(match.group()[1:], None)
    return list(seen)


def with_values(text: str, bindings: Mapping[str, Node], form: str) -> str:
    """``text`` with ``VALUES (?a ?b) { (term term) }`` first in every group of its WHERE clause that mentions a parameter.

    This is how parameters are bound for Oxigraph and endpoints; ``bind_in_tree`` does the same in
    rdflib's parse tree. A group gets the parameters that occur in it (nested groups included), so
    a parameter is seen in the outer group, in OPTIONAL, UNION, MINUS, GRAPH and EXISTS groups and
    in their BINDs and FILTERs, as if its value had been substituted (query.py refuses parameters in
    sub-queries). Blocks go on the line of their brace, so line numbers stay as they were.

    Raises:
        SchemaError: the query has no group pattern to bind in (``DESCRIBE <iri>``, short ``CONSTRUCT WHERE``).
    """
    if not bindings:
        return text
    names = list(bindings)
    tokens = list(_TOKENS.finditer(text))
    start = _where_start(tokens, form)
    insertions: list[tuple[int, list[str]]] = []
    stack: list[tuple[int, bool, set[str]]] = []  # (offset after the brace, is a group, parameters in it)
    values_pending = False
    for match in tokens[start:]:
        kind = match.lastgroup
        if kind == "word" and match.group().upper() == "VALUES":
            values_pending = True
        elif kind == "var":
            name = match.group()[1:]
            if name in bindings:
                for _, _, mentioned in stack:
                    mentioned.add(name)
        elif kind == "open":
            stack.append((match.end(), not values_pending, set()))
            values_pending = False
        elif kind == "close":
            offset, is_group, mentioned = stack.pop()
            if is_group and mentioned:
                insertions.append((offset, [n for n in names if n in mentioned]))
            if not stack:
                break
    for offset, used in sorted(insertions, reverse=True):
        spacer = "" if text[offset : offset + 1].isspace() else " "
        text = text[:offset] + _values_block(used, bindings) + spacer + text[offset:]
    return text


def _where_start(tokens: list, form: str) -> int:
    """The index of the token opening the WHERE clause's group."""
    braces = parens = 0
    seen_form = False
    template_done = form != "CONSTRUCT"
    for index, match in enumerate(tokens):
        kind = match.lastgroup
        if kind == "word" and braces == 0 and parens == 0:
            word = match.group().upper()
            if not seen_form and word == form:
                seen_form = True
            elif seen_form and form == "CONSTRUCT" and word == "WHERE" and not template_done:
                raise SchemaError("parameters need the long form CONSTRUCT { ... } WHERE { ... }")
        elif kind == "lparen":
            parens += 1
        elif kind == "rparen":
            parens -= 1
        elif kind == "open":
            if braces == 0 and parens == 0 and seen_form:
                if template_done:
                    return index
                template_done = True
            braces += 1
        elif kind == "close":
            braces -= 1
    raise SchemaError("the query has no WHERE clause to bind parameters in")


def _values_block(names: list[str], bindings: Mapping[str, Node]) -> str:
    return " VALUES (" + " ".join(f"?{n}" for n in names) + ") { (" + " ".join(sparql_term(bindings[n]) for n in names) + ") }"


def bind_in_tree(parsed, bindings: Mapping[str, Node]) -> list[tuple[list[str], list[Node]]]:  # noqa: ANN001
    """Put the bindings, as terms, first in every group of the parse tree's WHERE that mentions them.

    The same groups as ``with_values``: ``parsed`` is rdflib's parse of a query; it is changed in
    place. Returns what was added, group by group, so the two can be compared.
    """
    from pyparsing import ParseResults
    from rdflib import Variable
    from rdflib.plugins.sparql.parserutils import CompValue

    names = list(bindings)
    added: list[tuple[list[str], list[Node]]] = []

    def visit(node, in_subquery: bool) -> set[str]:  # noqa: ANN001
        if isinstance(node, Variable):
            return {str(node)} & set(names)
        found: set[str] = set()
        if isinstance(node, CompValue):
            inner = in_subquery or node.name == "SubSelect"
            for value in list(node.values()):
                found |= visit(value, inner)
            if node.name == "GroupGraphPatternSub" and found and not in_subquery:
                used = [n for n in names if n in found]
                values = [bindings[n] for n in used]
                block = CompValue("InlineData", var=[Variable(n) for n in used], value=[values])
                if "part" in node:
                    node["part"].insert(0, block)
                else:
                    node["part"] = [block]
                added.append((used, values))
        elif isinstance(node, (ParseResults, list, tuple)):
            for value in list(node):
                found |= visit(value, in_subquery)
        return found

    if bindings:
        visit(parsed[1]["where"], False)
    return added


def sparql_term(term: Node) -> str:
    """``term`` in SPARQL syntax, for a VALUES block; refuses what could not be written safely.

    Raises:
        SchemaError: an IRI with characters IRIs may not hold, or a blank node.
    """
    if isinstance(term, URIRef):
        if _IRI_FORBIDDEN.search(str(term)):
            raise SchemaError(f"not a valid IRI: {str(term)!r}")
        return f"<{term}>"
    if isinstance(term, Literal):
        lexical = (
            str(term).replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\r", "\\r").replace("\t", "\\t")
        )
        if term.language:
            if not re.match(r"^[A-Za-z]+(-[A-Za-z0-9]+)*$", term.language):
                raise SchemaError(f"not a valid language tag: {term.language!r}")
            return f'"{lexical}"@{term.language}'
        if term.datatype is not None and str(term.datatype) != _XSD_STRING:
            return f'"{lexical}"^^{sparql_term(URIRef(term.datatype))}'
        return f'"{lexical}"'
    raise SchemaError("only IRIs and literals can be bound to parameters")


# -- time limit -------------------------------------------------------------------------------


def call_with_timeout(function: Callable[[], T], timeout: float | None) -> T:
    """``function()``, in a forked child process that is killed after ``timeout`` seconds.

    The child inherits the graph (copy-on-write) and sends its result back through a pipe. Errors
    of the library travel back as themselves; anything else is re-raised as ``RuntimeError``.

    Raises:
        InputError: the time ran out (the child is killed and reaped), or the child died.
        ConfigError: ``timeout`` was given on a platform without ``fork``.
    """
    if timeout is None:
        return function()
    from .errors import ConfigError

    if "fork" not in multiprocessing.get_all_start_methods():
        raise ConfigError("--timeout needs a platform that can fork processes")
    context = multiprocessing.get_context("fork")
    receiver, sender = context.Pipe(duplex=False)
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

    process = context.Process(target=child, daemon=True)
    process.start()
    sender.close()
    try:
        if not receiver.poll(timeout):
            raise InputError(f"query timed out after {timeout:g} s", hint="raise --timeout or narrow the query")
        try:
            payload = receiver.recv()
        except EOFError:
            raise InputError(f"query evaluation died (exit code {process.exitcode})") from None
    finally:
        if process.is_alive():
            process.kill()
        process.join()
        receiver.close()
    if payload[0] == "ok":
        return payload[1]
    if payload[0] == "error":
        _, kind, message, location, hint = payload
        raise kind(message, location, hint)
    raise RuntimeError(payload[1])


@contextlib.contextmanager
def quiet_literals() -> Iterator[None]:
    """Keep rdflib's log tracebacks for ill-typed literals (``"2021-13-45"^^xsd:date``) off the terminal.

    rdflib logs one each time it makes such a literal (evaluating, converting, unpickling results);
    they are data defects that ``validate`` reports, and a query returns them as they are.
    """
    logger = logging.getLogger("rdflib.term")
    before = logger.level
    logger.setLevel(logging.CRITICAL)
    try:
        yield
    finally:
        logger.setLevel(before)


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


def _error_position(message: str) -> tuple[int | None, int | None]:
    match = _OX_ERROR_POSITION.search(message)
    if not match:
        return None, None
    line, column = (match.group(1), match.group(2)) if match.group(1) else (match.group(3), match.group(4))
    return int(line), int(column)


def _short(error: BaseException) -> str:
    text = " ".join(str(error).split()) or type(error).__name__
    return text[:200] + ("…" if len(text) > 200 else "")
