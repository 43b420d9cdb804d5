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

import math
import os
import re
import stat
import sys
from contextlib import contextmanager
from pathlib import Path

from policygraph.errors import ConfigError, InputError, SchemaError
from policygraph.model import Location

__all__ = [
    "MAX_QUERY_CHARS",
    "MAX_NESTING",
    "MAX_GROUPS",
    "MAX_TOKENS",
    "MAX_TIMEOUT",
    "check_text",
    "check_timeout",
    "read_query_file",
    "read_query_stdin",
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

MAX_TIMEOUT = 86_400.0
"""The longest time limit (seconds, one day) a command accepts for a query or a request."""

_RECURSION_LIMIT = 20_000  # enough for MAX_NESTING and MAX_GROUPS in rdflib's parser and algebra
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]|\r(?!\n)")


def check_text(text: str, origin: str) -> None:
    """Refuse what the parsers would read differently, and what is too big or too deep to parse safely.

    Raises:
        SchemaError: a lone carriage return, a control character, a codepoint escape outside a
            string or IRI, or a query over one of the limits (the message names the limit).
    """
    from policygraph.sparql.syntax import MAX_INTEGER_DIGITS, sparql_tokens

    if len(text) > MAX_QUERY_CHARS:
        raise SchemaError(f"the query has more than {MAX_QUERY_CHARS:,} characters (the limit)", Location(origin))
    bad = _CONTROL.search(text)
    if bad:
        what = "a carriage return not followed by a line feed" if bad.group() == "\r" else f"control character U+{ord(bad.group()):04X}"
        hint = "use LF or CRLF line ends" if bad.group() == "\r" else None
        raise SchemaError(f"{what} is not allowed in a query", offset_location(text, origin, bad.start()), hint=hint)
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
        if kind != "string" and "\\" in value and (re.search(r"\\[uU]", value) or (value == "\\" and text[match.end() : match.end() + 1] in ("u", "U"))):
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


def check_timeout(seconds: float | None) -> None:
    """Refuse a time limit that is not a finite number of seconds in (0, ``MAX_TIMEOUT``].

    Raises:
        ConfigError: ``inf``, ``nan``, zero, negative or above the limit.
    """
    if seconds is not None and not (math.isfinite(seconds) and 0 < seconds <= MAX_TIMEOUT):
        raise ConfigError(f"bad timeout {seconds!r}: use a number of seconds above 0 and at most {MAX_TIMEOUT:g}")


def read_query_file(path: str | Path, missing: str = "no such file", hint: str | None = None) -> str:
    """The text of the query file ``path``: a regular file of at most ``MAX_QUERY_CHARS`` bytes, UTF-8.

    A pipe, a device (``/dev/zero``) or a folder is refused before anything is read, since reading
    it could never end; the file is opened without blocking so that a FIFO with no writer cannot
    hold the command either.

    Raises:
        InputError: missing, not a regular file, too large, unreadable, or not UTF-8.
    """
    where = Location(str(path))
    try:
        descriptor = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0))
    except FileNotFoundError:
        raise InputError(missing, where, hint=hint) from None
    except IsADirectoryError:
        raise InputError("a folder, not a query file", where) from None
    except OSError as error:
        raise InputError(f"cannot read file: {error.strerror or error}", where) from None
    try:
        info = os.fstat(descriptor)
        if stat.S_ISDIR(info.st_mode):
            raise InputError("a folder, not a query file", where)
        if not stat.S_ISREG(info.st_mode):
            raise InputError("not a regular file (a pipe, device or socket): a query file must be a regular file", where)
        if info.st_size > MAX_QUERY_CHARS:
            raise InputError(f"the query file is larger than {MAX_QUERY_CHARS:,} bytes (the limit)", where)
        with os.fdopen(os.dup(descriptor), "rb") as handle:
            data = handle.read(MAX_QUERY_CHARS + 1)
    except OSError as error:
        raise InputError(f"cannot read file: {error.strerror or error}", where) from None
    finally:
        os.close(descriptor)
    if len(data) > MAX_QUERY_CHARS:
        raise InputError(f"the query file is larger than {MAX_QUERY_CHARS:,} bytes (the limit)", where)
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise InputError("not UTF-8 text", where, hint="save the file as UTF-8") from None


def read_query_stdin() -> str:
    """Standard input as a query, at most ``MAX_QUERY_CHARS`` characters.

    Raises:
        InputError: more than the limit.
    """
    text = sys.stdin.read(MAX_QUERY_CHARS + 1)
    if len(text) > MAX_QUERY_CHARS:
        raise InputError(f"the query on standard input is longer than {MAX_QUERY_CHARS:,} characters (the limit)", Location("<stdin>"))
    return text


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
