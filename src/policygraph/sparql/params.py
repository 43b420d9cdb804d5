"""Query parameters: a user's ``--param NAME=VALUE`` turned into terms, and bound into a query.

Values are checked against the parameter's declared type (``syntax.py``), then written into the query
as ``VALUES`` blocks of escaped terms (``with_values``, ``bound_text``) for Oxigraph and endpoints, or put
into rdflib's parse tree as terms (``bind_in_tree``). Terms are checked as they are written, so binding
needs no second parse of the query: it costs microseconds, not the tens of milliseconds of a parse."""

from __future__ import annotations

import re
from typing import Iterable, Mapping

from rdflib import Literal, URIRef
from rdflib.term import Node

from policygraph.errors import ConfigError, SchemaError
from policygraph.model import Location
from policygraph.sparql.query import SparqlQuery
from policygraph.sparql.syntax import _TOKENS, QueryParam, _to_term, sparql_term
from policygraph.terms import ID_BASE

__all__ = ["bind_params", "bound_text", "parse_param_options", "with_values", "bind_in_tree"]


def bind_params(query: SparqlQuery, given: Mapping[str, str], graph=None) -> dict[str, Node]:  # noqa: ANN001
    """Turn ``NAME=VALUE`` strings into RDF terms for ``query``'s parameters, with defaults filled in.

    Args:
        query: the query.
        given: parameter values as typed on the command line.
        graph: the graph handle; when given, ids are checked to exist there.

    Raises:
        ConfigError: an unknown or missing parameter (the message lists the query's parameters),
            a value that does not fit the parameter's type, or an unknown id.
    """
    if query.declared:
        known = {p.name: p for p in query.params}
    else:
        known = {v: QueryParam(v, "auto", required=False) for v in query.variables}
    for name in given:
        if name not in known:
            raise ConfigError(f"unknown parameter {name!r} for {query.label}", hint=_param_hint(query))
    bindings: dict[str, Node] = {}
    for name, param in known.items():
        value = given.get(name, param.default)
        if value is None:
            if param.required:
                raise ConfigError(f"missing parameter {name!r} for {query.label}", hint=_param_hint(query))
            continue
        term = _to_term(param, value)
        if param.type == "auto" and graph is not None and isinstance(term, URIRef) and str(term).startswith(ID_BASE):
            if not graph.has_subject(term):  # an untyped word is an id only if the graph has it
                term = Literal(value)
        elif graph is not None and isinstance(term, URIRef) and param.type == "id" and str(term).startswith(ID_BASE):
            if not graph.has_subject(term):
                raise ConfigError(f"unknown id {value!r} for parameter {name!r}", hint=_id_hint(graph, value))
        bindings[name] = term
    return bindings


def _param_hint(query: SparqlQuery) -> str:
    if query.declared:
        listed = "; ".join(p.describe() for p in query.params)
        return f"its parameters: {listed}" if listed else "it takes no parameters"
    return "its variables: " + ", ".join(query.variables) if query.variables else "it has no variables"


def _id_hint(graph, value: str) -> str:  # noqa: ANN001 - a LoadedGraph
    from policygraph.graph.search import suggest_ids

    close = suggest_ids(graph, value)
    return "did you mean " + ", ".join(close) + "?" if close else "try 'policygraph search TEXT'"


def bound_text(query: SparqlQuery, bindings: Mapping[str, Node]) -> str:
    """The query text with the bindings in VALUES blocks, each term checked as it is written.

    ``sparql_term`` writes every term escaped (or refuses it), so no value can close a string or an
    IRI and change the query's structure; the groups that get a block are those ``bind_in_tree``
    picks in rdflib's parse tree (``with_values``). One thing escaping cannot settle: SPARQL reads
    codepoint escapes (backslash-u) before anything else, and the engines disagree on an escaped
    backslash before one, so a string value holding backslash-u is refused rather than written.

    Raises:
        SchemaError: a value that cannot be written safely.
    """
    if not bindings:
        return query.text
    for term in bindings.values():
        if isinstance(term, Literal) and _CODEPOINT_ESCAPE.search(str(term)):
            raise SchemaError("could not bind the parameters safely in this query", Location(query.origin))
    return with_values(query.text, bindings, query.form)


_CODEPOINT_ESCAPE = re.compile(r"\\(?:u[0-9A-Fa-f]{4}|U[0-9A-Fa-f]{8})")


def parse_param_options(options: Iterable[str]) -> dict[str, str]:
    """``["a=1", "b=x"]`` → ``{"a": "1", "b": "x"}``.

    Raises:
        ConfigError: an option without ``=``, or a name given twice.
    """
    values: dict[str, str] = {}
    for option in options:
        name, sep, value = option.partition("=")
        name = name.strip()
        if not sep or not name:
            raise ConfigError(f"bad --param {option!r}: use NAME=VALUE")
        if name in values:
            raise ConfigError(f"parameter {name!r} given twice")
        values[name] = value
    return values


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


