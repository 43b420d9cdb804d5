"""The pieces of SPARQL text that every other module reads or writes.

A tokenizer for the places the parser does not look at (where a WHERE clause starts, the order of
variables), terms written in SPARQL syntax, and parameter values read into terms by type."""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from rdflib import Literal, URIRef
from rdflib.term import Node

from policygraph.errors import ConfigError, SchemaError
from policygraph.records.kinds import ID_PATTERN
from policygraph.terms import ID_BASE, XSD

__all__ = ["MAX_INTEGER_DIGITS", "sparql_tokens", "variables_in_order", "sparql_term", "QueryParam", "PARAM_TYPES"]

MAX_INTEGER_DIGITS = 1_000
"""The most digits an integer may have, in a query or in a ``--param`` value."""

_XSD_STRING = str(XSD.string)


_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_IRI_FORBIDDEN = re.compile(r'[\x00-\x20<>"{}|^`\\]')


_TOKENS = re.compile(
    r"""
    (?P<comment>\#[^\r\n]*)
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


PARAM_TYPES = ("id", "iri", "string", "date", "integer", "decimal", "boolean")
"""The types a ``# param:`` line may declare."""


_IRI_RE = re.compile(r"^[A-Za-z][A-Za-z0-9+.\-]*:[^\x00-\x20<>\"{}|^`\\]*$")


def _to_term(param: QueryParam, value: str) -> Node:
    """``value`` as the RDF term ``param`` wants."""
    kind, text = param.type, value.strip()

    def bad(expected: str) -> ConfigError:
        return ConfigError(f"bad value {value!r} for parameter {param.name!r} ({kind}): {expected}")

    if kind == "auto":
        return _guess_term(param, text)
    if kind == "id":
        if text.startswith(("http://", "https://", "urn:")) and _is_iri(text):
            return URIRef(text)
        if not _ID_RE.match(text):
            raise bad("use an id like crc-art-9 (lower-case letters, digits, single hyphens) or a full IRI")
        return URIRef(ID_BASE + text)
    if kind == "iri":
        text = text[1:-1] if text.startswith("<") and text.endswith(">") else text
        if not _is_iri(text):
            raise bad("use an absolute IRI such as https://example.org/x")
        return URIRef(text)
    if kind == "date":
        from policygraph.records.load import parse_date

        try:
            return parse_date(text)
        except ValueError:
            raise bad("use YYYY, YYYY-MM or YYYY-MM-DD") from None
    if kind == "integer":
        if not re.match(r"^[+-]?\d+$", text):
            raise bad("use a whole number")
        if len(text.lstrip("+-")) > MAX_INTEGER_DIGITS:
            raise bad(f"at most {MAX_INTEGER_DIGITS:,} digits (the limit)")
        return Literal(str(int(text)), datatype=XSD.integer)
    if kind == "decimal":
        if len(text) > MAX_INTEGER_DIGITS:
            raise bad(f"at most {MAX_INTEGER_DIGITS:,} characters (the limit)")
        try:
            number = Decimal(text)
        except InvalidOperation:
            raise bad("use a number such as 12.5") from None
        if not number.is_finite():
            raise bad("use a finite number")
        return Literal(str(number), datatype=XSD.decimal)
    if kind == "boolean":
        if text.lower() not in ("true", "false"):
            raise bad("use true or false")
        return Literal(text.lower(), datatype=XSD.boolean)
    return Literal(value)  # string: exactly as given


def _is_iri(text: str) -> bool:
    """An absolute IRI that every engine accepts (Oxigraph checks RFC 3987: code points, percent-encoding)."""
    if not _IRI_RE.match(text):
        return False
    import pyoxigraph as ox

    try:
        ox.NamedNode(text)
    except ValueError:
        return False
    return True


def _guess_term(param: QueryParam, text: str) -> Node:
    """A value for an untyped parameter: an IRI, a date, a number, a boolean, an id, else a string."""
    if text.startswith("<") and text.endswith(">") and _is_iri(text[1:-1]):
        return URIRef(text[1:-1])
    if text.startswith(("http://", "https://", "urn:")) and _is_iri(text):
        return URIRef(text)
    if re.match(r"^\d{4}(-\d{2}(-\d{2})?)?$", text):
        from policygraph.records.load import parse_date

        try:
            return parse_date(text)
        except ValueError:
            pass
    if re.match(r"^[+-]?\d+$", text):
        if len(text.lstrip("+-")) > MAX_INTEGER_DIGITS:
            raise ConfigError(f"bad value for parameter {param.name!r}: a number of more than {MAX_INTEGER_DIGITS:,} digits (the limit)")
        return Literal(str(int(text)), datatype=XSD.integer)
    if re.match(r"^[+-]?\d*\.\d+$", text):
        return Literal(text, datatype=XSD.decimal)
    if text in ("true", "false"):
        return Literal(text, datatype=XSD.boolean)
    if _ID_RE.match(text):
        return URIRef(ID_BASE + text)  # bind_params turns it back into a string if the graph has no such id
    return Literal(text)


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
        # other control characters as codepoint escapes: the query text itself may hold none (guard.py)
        lexical = _CONTROL.sub(lambda m: f"\\u{ord(m.group()):04X}", lexical)
        if term.language:
            if not re.match(r"^[A-Za-z]+(-[A-Za-z0-9]+)*$", term.language):
                raise SchemaError(f"not a valid language tag: {term.language!r}")
            return f'"{lexical}"@{term.language}'
        if term.datatype is not None and str(term.datatype) != _XSD_STRING:
            return f'"{lexical}"^^{sparql_term(URIRef(term.datatype))}'
        return f'"{lexical}"'
    raise SchemaError("only IRIs and literals can be bound to parameters")


_ID_RE = re.compile(ID_PATTERN)


@dataclass(frozen=True)
class QueryParam:
    """One parameter of a query, as its header declares it."""

    name: str
    type: str  # one of PARAM_TYPES, or "auto" when the header gives none
    meaning: str = ""
    required: bool = True
    default: str | None = None  # the value used when none is given

    def describe(self) -> str:
        """``name (type, optional)`` for messages and listings."""
        extras = [self.type] if self.type != "auto" else []
        if self.default is not None:
            extras.append(f"default {self.default}")
        elif not self.required:
            extras.append("optional")
        return self.name + (f" ({', '.join(extras)})" if extras else "")


def _walk(node):  # noqa: ANN001, ANN202 - rdflib's parse tree
    from pyparsing import ParseResults
    from rdflib.plugins.sparql.parserutils import CompValue

    stack = [node]
    while stack:
        current = stack.pop()
        yield current
        if isinstance(current, CompValue):
            stack.extend(current.values())
        elif isinstance(current, (ParseResults, list, tuple)):
            stack.extend(current)
        elif isinstance(current, dict):
            stack.extend(current.values())


def _variables(node) -> set:  # noqa: ANN001
    from rdflib import Variable

    return {n for n in _walk(node) if isinstance(n, Variable)}
