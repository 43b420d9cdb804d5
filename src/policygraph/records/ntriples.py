"""Terms as N-Triples text: how the loader writes the records' triples for Oxigraph to parse in one call.

Building a Python object for every term and triple (an rdflib triple in rdflib's store, then an
Oxigraph ``Quad``) cost more than reading the YAML; Oxigraph parses N-Triples text at millions of
triples a second. The text written here parses to the very terms ``graph.convert.to_oxigraph`` makes of
the same rdflib terms (a test checks it), so a graph is the same whichever way it was filled.
"""

from __future__ import annotations

from rdflib import Literal, URIRef
from rdflib.term import Node

__all__ = ["iri", "plain_literal", "lang_literal", "term"]

_ESCAPES = str.maketrans({"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r"})
"""What N-Triples escapes inside a string; the loader refuses the other control characters (``safety.bad_character``)."""


def iri(text: str) -> str:
    """An IRI the loader made itself (an ontology term, ``pgid:`` + a checked id): no character to escape."""
    return f"<{text}>"


def plain_literal(text: str) -> str:
    """A plain (``xsd:string``) literal."""
    return f'"{_escaped(text)}"'


def lang_literal(text: str, lang: str) -> str:
    """A language-tagged literal; the tag lower-cased, as Oxigraph keeps it."""
    return f'"{_escaped(text)}"@{lang.lower()}'


def _escaped(text: str) -> str:
    """``text`` with ``_ESCAPES`` applied: most texts have nothing to escape, and four searches cost a fifth of a ``translate``."""
    if "\\" in text or '"' in text or "\n" in text or "\r" in text:
        return text.translate(_ESCAPES)
    return text


def term(node: Node) -> str:
    """Any IRI or literal rdflib term, as Oxigraph writes it (so its checks of IRIs apply).

    Raises:
        ValueError: an IRI or language tag that Oxigraph does not accept.
    """
    import pyoxigraph as ox

    if isinstance(node, URIRef):
        return str(ox.NamedNode(str(node)))
    if isinstance(node, Literal):
        if node.language:
            return str(ox.Literal(str(node), language=node.language))
        if node.datatype is not None:
            return str(ox.Literal(str(node), datatype=ox.NamedNode(str(node.datatype))))
        return str(ox.Literal(str(node)))
    raise TypeError(f"not an IRI or literal: {node!r}")
