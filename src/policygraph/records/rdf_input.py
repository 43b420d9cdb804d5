"""RDF input files (``--data *.ttl`` and the rest) → triples in the rdflib graph, read by Oxigraph's parser.

Oxigraph is the engine every query runs on, so it reads the files too: what it would refuse (an IRI
with a space, a literal as subject, a bad ``\\u`` escape) is refused here with file:line, instead of
being accepted by rdflib and breaking a later command. Its parsers are also linear where rdflib's
are not (many ``@prefix`` lines, a huge literal, many RDF/XML attributes). Every literal is then
checked as the YAML values are (``safety.bad_character``, ``safety.check_number``).
"""

from __future__ import annotations

import contextlib
import logging
import re
from collections.abc import Iterator
from pathlib import Path

from rdflib import BNode, Graph, Literal, URIRef

from policygraph.errors import InputError
from policygraph.model import Location
from policygraph.records.canonical import canonical_lexical
from policygraph.records.safety import bad_character, check_number, check_rdf_text, decode_text

__all__ = ["OXIGRAPH_FORMATS", "read_rdf"]

OXIGRAPH_FORMATS = {
    "turtle": "TURTLE",
    "nt": "N_TRIPLES",
    "nquads": "N_QUADS",
    "trig": "TRIG",
    "json-ld": "JSON_LD",
    "xml": "RDF_XML",
}
"""rdflib's format names (``records.files.RDF_FORMATS``) → Oxigraph's ``RdfFormat`` names."""

MAX_PREFIXES = 1000
"""Prefixes beyond this many per file are not kept for output (they still expand while parsing)."""

MAX_NESTING = 100
"""Blank nodes may nest (``[ p [ p [ ... ] ] ]``, or the same as N-Triples) at most this deep: the serialisers recurse."""

_XSD = "http://www.w3.org/2001/XMLSchema#"
_XSD_STRING = _XSD + "string"
_NUMERIC = {  # not xsd:double or xsd:float: Python reads any of those (1e999999 is inf)
    _XSD + name
    for name in (
        "integer", "decimal", "long", "int", "short", "byte", "nonNegativeInteger",
        "positiveInteger", "nonPositiveInteger", "negativeInteger", "unsignedLong", "unsignedInt",
        "unsignedShort", "unsignedByte",
    )
}
_SINGLE_QUOTED_ENTITY = re.compile(r"(<!ENTITY\s+[^\s%]+\s+)'([^'\"&%]*)'")
_POSITION = re.compile(r"(?:line (\d+) (?:between columns|column) (\d+)|at (\d+):(\d+))")


def read_rdf(graph: Graph, path: Path, fmt: str) -> None:
    """Add the triples of ``path`` (in rdflib format ``fmt``) to ``graph``; named graphs are merged.

    Raises:
        InputError: the file is unreadable, fails the safety checks, or Oxigraph refuses it
            (with line and column), or a literal is refused (with the line where it is found).
    """
    import pyoxigraph as ox

    where = str(path)
    try:
        raw = path.read_bytes()
    except OSError as error:
        raise InputError(f"cannot read file: {error.strerror}", Location(where)) from None
    text = decode_text(raw, where)
    check_rdf_text(text, fmt, where)  # no DTD, external entity or remote context reaches the parser
    if fmt == "xml":
        text = _SINGLE_QUOTED_ENTITY.sub(r'\1"\2"', text)  # Oxigraph reads only "..." entity values
    parser = ox.parse(
        text.encode("utf-8"),  # decode_text dropped a byte-order mark, which Oxigraph does not skip
        format=getattr(ox.RdfFormat, OXIGRAPH_FORMATS[fmt]),
        base_iri=path.resolve().as_uri(),
        rename_blank_nodes=True,  # blank nodes of two files never merge
    )
    cache: dict = {}
    triples = []
    # Ill-typed literals ("x"^^xsd:date) are for validate to report; rdflib would log a traceback.
    try:
        with quiet_literals():
            for quad in parser:
                triple = []
                for term in (quad.subject, quad.predicate, quad.object):
                    converted = cache.get(term)
                    if converted is None:
                        converted = cache[term] = _term(term, text, where)
                    triple.append(converted)
                triples.append((*triple, graph))
    except SyntaxError as error:
        message = " ".join(str(error).split())
        message = message[:200] + ("…" if len(message) > 200 else "")
        raise InputError(f"cannot parse {fmt}: {message}", _location(where, message)) from None
    except MemoryError:  # Oxigraph buffers one token at most 16 MB
        raise InputError(f"cannot parse {fmt}: a single term (literal or IRI) is larger than 16 MB", Location(where)) from None
    try:
        prefixes = parser.prefixes
    except AttributeError:  # formats without prefixes
        prefixes = {}
    _check_nesting(triples, where)
    for prefix, namespace in list(prefixes.items())[:MAX_PREFIXES]:  # as rdflib's parsers bind them, for output
        graph.bind(prefix, namespace)
    graph.addN(triples)


def _check_nesting(triples: list, where: str) -> None:
    """Refuse chains of blank nodes longer than ``MAX_NESTING`` (a longest-path walk, iterative; cycles are cut)."""
    children: dict[BNode, list[BNode]] = {}
    for subject, _, obj, _ in triples:
        if type(subject) is BNode and type(obj) is BNode:
            children.setdefault(subject, []).append(obj)
    depth: dict[BNode, int] = {}
    for root, below in children.items():
        if root in depth:
            continue
        stack = [(root, iter(below))]
        path = {root}
        while stack:
            node, pending = stack[-1]
            child = next(pending, None)
            if child is None:
                stack.pop()
                path.discard(node)
                depth[node] = 1 + max((depth.get(c, 0) for c in children[node] if c not in path), default=0)
            elif child not in depth and child not in path and child in children:
                stack.append((child, iter(children[child])))
                path.add(child)
            if len(stack) > MAX_NESTING or depth.get(node, 0) > MAX_NESTING:
                raise InputError(f"blank nodes nested more than {MAX_NESTING} levels deep", Location(where))


def _term(term, text: str, where: str):  # noqa: ANN001, ANN202 - a pyoxigraph term in, an rdflib term out
    import pyoxigraph as ox

    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return BNode(term.value)
    if isinstance(term, ox.Literal):
        value = term.value
        problem = bad_character(value, "a literal")
        if problem is None and term.datatype.value in _NUMERIC:
            problem = check_number(value)
            problem = problem and f"{problem} in a literal"
        if problem:
            raise InputError(problem, Location(where, _line_of(text, value)))
        if term.language:
            return Literal(value, lang=term.language)
        datatype = term.datatype.value
        return Literal(value) if datatype == _XSD_STRING else Literal(canonical_lexical(value, datatype), datatype=URIRef(datatype))
    raise InputError("RDF-star triple terms are not supported", Location(where))


def _line_of(text: str, value: str) -> int | None:
    """The line where ``value`` first appears in ``text`` (None when it was written with escapes)."""
    offset = text.find(value[:80])
    return text.count("\n", 0, offset) + 1 if offset >= 0 else None


def _location(where: str, message: str) -> Location:
    line, column = error_position(message)
    return Location(where, line, column)


def error_position(message: str) -> tuple[int | None, int | None]:
    """The line and column an Oxigraph parser error names (``line 3 column 5``, ``at 3:5``), if any."""
    match = _POSITION.search(message)
    if not match:
        return None, None
    line, column = (match.group(1), match.group(2)) if match.group(1) else (match.group(3), match.group(4))
    return int(line), int(column)


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
