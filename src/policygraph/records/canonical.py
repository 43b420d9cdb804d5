"""Canonical terms: one lexical form per value, and web addresses as valid IRIs, in every format the graph is written in.

``"6"^^xsd:decimal`` and ``"6.0"^^xsd:decimal`` are the same number but different terms: a Turtle
writer that prints the short form ``6.0`` changes the term, and a store comparing terms sees two
values. The loader therefore writes each number and boolean once, in its XML Schema 1.1 canonical
form (``6``, ``6.5``, ``-12``, ``true``: a decimal point only where there is a fraction), from YAML and
from RDF input alike; the graph is written by Oxigraph, which prints these forms as they are. Ill-typed values are kept as they
are, for ``validate`` to report.

A web address (``url:``, a citation's ``url``) becomes an IRI, not an ``xsd:anyURI`` string, so that
Linked Data tools follow it. Characters an IRI may not hold in its ASCII form (any non-ASCII letter,
``"<>\\^`{|}``) are percent-encoded as UTF-8, the way a browser sends the address: OWL tools and
RDF/XML readers that accept only URIs then accept it too, and it still opens the same page.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from urllib.parse import quote

from rdflib import URIRef

__all__ = ["canonical_lexical", "readable_url", "web_iri"]

_XSD = "http://www.w3.org/2001/XMLSchema#"
_INTEGERS = {
    _XSD + name
    for name in (
        "integer", "long", "int", "short", "byte", "nonNegativeInteger", "positiveInteger", "nonPositiveInteger",
        "negativeInteger", "unsignedLong", "unsignedInt", "unsignedShort", "unsignedByte",
    )
}
_DECIMAL = _XSD + "decimal"
_BOOLEAN = _XSD + "boolean"
_INTEGER_RE = re.compile(r"^[+-]?[0-9]+$")
_DECIMAL_RE = re.compile(r"^[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)$")


def canonical_lexical(value: str, datatype: str) -> str:
    """The canonical form of ``value`` as a ``datatype`` (an IRI); ``value`` itself when it has none or is ill-typed.

    >>> canonical_lexical("6.50", "http://www.w3.org/2001/XMLSchema#decimal")
    '6.5'
    >>> canonical_lexical("+007", "http://www.w3.org/2001/XMLSchema#integer")
    '7'
    """
    if datatype == _DECIMAL:
        return _decimal(value.strip()) or value
    if datatype in _INTEGERS:
        text = value.strip()
        return str(int(text)) if _INTEGER_RE.match(text) else value
    if datatype == _BOOLEAN:
        return {"1": "true", "0": "false", "true": "true", "false": "false"}.get(value.strip(), value)
    return value


def _decimal(text: str) -> str | None:
    """``-0012.50`` → ``-12.5``; ``6.0`` → ``6``; ``-0`` → ``0`` (XML Schema 1.1's ``decimalCanonicalMap``)."""
    if not _DECIMAL_RE.match(text):
        return None
    try:
        number = Decimal(text)
    except InvalidOperation:  # pragma: no cover - the pattern admits only valid decimals
        return None
    if number.is_zero():
        return "0"
    digits = format(number, "f")
    return digits.rstrip("0").rstrip(".") if "." in digits else digits


_URI_SAFE = "!#$%&'()*+,-./:;=?@[]_~"  # reserved and unreserved URI characters, and % of existing escapes


def web_iri(url: str) -> URIRef:
    """The IRI of a web address, with non-ASCII and unsafe characters percent-encoded (existing escapes kept).

    >>> str(web_iri("https://ja.wikipedia.org/wiki/入管"))
    'https://ja.wikipedia.org/wiki/%E5%85%A5%E7%AE%A1'
    """
    return URIRef(quote(url, safe=_URI_SAFE))


_ENCODED_NON_ASCII = re.compile(r"(?:%[89A-Fa-f][0-9A-Fa-f])+")


def readable_url(iri: object) -> str:
    """A web address for people: the non-ASCII characters ``web_iri`` encoded, decoded again (ASCII escapes kept).

    >>> readable_url("https://ja.wikipedia.org/wiki/%E5%85%A5%E7%AE%A1?q=a%20b")
    'https://ja.wikipedia.org/wiki/入管?q=a%20b'
    """
    return _ENCODED_NON_ASCII.sub(lambda m: bytes.fromhex(m.group(0).replace("%", "")).decode("utf-8", "replace"), str(iri))
