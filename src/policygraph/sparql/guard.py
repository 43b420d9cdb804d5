"""What a query's text may hold before any parser sees it, and the limits that keep parsing bounded.

The read-only check (``query.parse_query``) reads rdflib's parse tree and scans the text with our
tokenizer, but Oxigraph evaluates the query with its own parser. Oxigraph exposes no parse tree, so
the three readings must be made to agree on where code ends and comments, strings and IRIs begin:

* a ``#`` comment ends at a line feed or a carriage return for Oxigraph, at a line feed only for
  rdflib; a carriage return not followed by a line feed is therefore refused (CRLF is fine);
* Oxigraph reads codepoint escapes only inside strings and IRIs; they are refused everywhere else
  (``\\u0053ERVICE``, escapes in comments);
* other control characters (besides tab, line feed and carriage return) are refused: no parser
  needs them, and none may end a token for one parser and not for another.

``tests/sparql/test_guard.py`` asks Oxigraph itself which characters end a comment, so a change of
its tokenizer fails the tests rather than reopening the hole. The limits below are checked on the
tokens before parsing: rdflib's parser recurses once per nesting level and once per group, and
Python's ``int`` refuses integers of more than 4,300 digits.
"""

from __future__ import annotations

import re
import sys
from contextlib import contextmanager

from policygraph.errors import SchemaError
from policygraph.model import Location

__all__ = [
    "MAX_QUERY_CHARS",
    "MAX_NESTING",
    "MAX_GROUPS",
    "MAX_TOKENS",
    "MAX_INTEGER_DIGITS",
    "check_text",
    "deep_parsing",
    "offset_location",
]

MAX_QUERY_CHARS = 1_000_000
"""The longest query text accepted (characters; query files are capped at the same number of bytes)."""
MAX_NESTING = 64
"""The deepest nesting of ``{ }``, ``( )`` and ``[ ]`` a query may have."""
MAX_GROUPS = 1_000
"""The most group patterns (``{ ... }``) a query may have."""
MAX_TOKENS = 20_000
"""The most tokens (words, variables, terms, punctuation) a query may have."""
MAX_INTEGER_DIGITS = 1_000
"""The most digits an integer may have, in a query or in a ``--param`` value."""

_RECURSION_LIMIT = 20_000  # enough for MAX_NESTING and MAX_GROUPS in rdflib's parser and algebra
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]|\r(?!\n)")


def check_text(text: str, origin: str) -> None:
    """Refuse what the parsers would read differently, and what is too big or too deep to parse safely.

    Raises:
        SchemaError: a lone carriage return, a control character, a codepoint escape outside a
            string or IRI, or a query over one of the limits (the message names the limit).
    """
    from policygraph.sparql.syntax import sparql_tokens

    if len(text) > MAX_QUERY_CHARS:
        raise SchemaError(f"the query has more than {MAX_QUERY_CHARS:,} characters (the limit)", Location(origin))
    bad = _CONTROL.search(text)
    if bad:
        what = "a carriage return not followed by a line feed" if bad.group() == "\r" else f"control character U+{ord(bad.group()):04X}"
        raise SchemaError(f"{what} is not allowed in a query", offset_location(text, origin, bad.start()), hint="use LF or CRLF line ends")
    depth = groups = tokens = digits = 0
    for match in sparql_tokens(text):
        kind = match.lastgroup
        if kind == "space":
            digits = 0
            continue
        tokens += 1
        if tokens > MAX_TOKENS:
            raise SchemaError(f"the query has more than {MAX_TOKENS:,} tokens (the limit)", offset_location(text, origin, match.start()))
        value = match.group()
        if kind != "string" and re.search(r"\\[uU]", value):
            raise SchemaError(
                "codepoint escapes (\\u, \\U) are only allowed inside string literals",
                offset_location(text, origin, match.start()),
            )
        if kind in ("open", "lparen") or value == "[":
            depth += 1
            groups += kind == "open"
            if depth > MAX_NESTING:
                raise SchemaError(f"the query is nested more than {MAX_NESTING} levels deep (the limit)", offset_location(text, origin, match.start()))
            if groups > MAX_GROUPS:
                raise SchemaError(f"the query has more than {MAX_GROUPS:,} group patterns (the limit)", offset_location(text, origin, match.start()))
        elif kind in ("close", "rparen") or value == "]":
            depth = max(0, depth - 1)
        digits = digits + 1 if kind == "other" and value.isdigit() else 0  # the tokenizer reads a number digit by digit
        if digits > MAX_INTEGER_DIGITS:
            start = match.start() - MAX_INTEGER_DIGITS
            raise SchemaError(f"a number in the query has more than {MAX_INTEGER_DIGITS:,} digits (the limit)", offset_location(text, origin, start))


@contextmanager
def deep_parsing(origin: str):
    """Let rdflib's recursive parser and algebra reach the depths the limits allow, and no further.

    Python 3.11 runs pure-Python recursion off the C stack, so the higher limit costs memory only;
    a ``RecursionError`` that still happens becomes a one-line error.
    """
    previous = sys.getrecursionlimit()
    sys.setrecursionlimit(max(previous, _RECURSION_LIMIT))
    try:
        yield
    except RecursionError:
        raise SchemaError("the query is too deeply nested or too long to parse", Location(origin)) from None
    finally:
        sys.setrecursionlimit(previous)


def offset_location(text: str, origin: str, offset: int) -> Location:
    """The line and column of character ``offset`` of ``text``."""
    line = text.count("\n", 0, offset) + 1
    column = offset - (text.rfind("\n", 0, offset) + 1) + 1
    return Location(origin, line, column)
