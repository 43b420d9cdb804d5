"""The loader's N-Triples text parses to the terms ``graph.convert.to_oxigraph`` makes of the same rdflib terms."""

from __future__ import annotations

import pyoxigraph as ox
import pytest
from rdflib import Literal, URIRef

from policygraph.graph.convert import to_oxigraph
from policygraph.records.ntriples import iri, lang_literal, plain_literal, term
from policygraph.terms import XSD

TEXTS = [
    "plain",
    'a "quoted" word',
    "back\\slash \\n not a newline",
    "two\nlines\r\nand CRLF",
    "tab\there",
    "入管法 · émigré · 🇯🇵",
    "",
    "ends with a backslash\\",
]
SUBJECT = "https://w3id.org/policygraph/id/s"
PREDICATE = "https://w3id.org/policygraph/ontology#p"


def _parsed(object_text: str):
    """The object of the one triple ``<s> <p> object_text .``, as Oxigraph parses it."""
    [triple] = list(ox.parse(f"{iri(SUBJECT)} {iri(PREDICATE)} {object_text} .\n", format=ox.RdfFormat.N_TRIPLES))
    return triple.object


@pytest.mark.parametrize("text", TEXTS)
def test_plain_literal_parses_to_the_converted_term(text):
    """A plain literal with quotes, backslashes and line breaks comes back as the same string."""
    assert _parsed(plain_literal(text)) == to_oxigraph(Literal(text))


@pytest.mark.parametrize("text", TEXTS)
@pytest.mark.parametrize("lang", ["en", "ja", "en-US", "zh-Hant-TW"])
def test_lang_literal_parses_to_the_converted_term(text, lang):
    """A language-tagged literal keeps its text, and its tag as Oxigraph keeps it (lower case)."""
    assert _parsed(lang_literal(text, lang)) == to_oxigraph(Literal(text, lang=lang))


@pytest.mark.parametrize(
    "node",
    [
        URIRef("https://ja.wikipedia.org/wiki/%E5%85%A5%E7%AE%A1"),
        Literal("2021", datatype=XSD.gYear),
        Literal("12.5", datatype=XSD.decimal),
        Literal(True),
        Literal('say "no"\n', datatype=XSD.string),
        Literal("引用", lang="ja"),
    ],
)
def test_term_parses_to_the_converted_term(node):
    """Any other IRI or literal is written as Oxigraph writes it."""
    assert _parsed(term(node)) == to_oxigraph(node)


def test_term_refuses_what_is_no_rdf_term():
    """A blank node is never written by the loader."""
    from rdflib import BNode

    with pytest.raises(TypeError):
        term(BNode())
