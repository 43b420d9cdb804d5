"""Every RDF format of one build holds the same terms, read back by rdflib and by Oxigraph alike."""

from __future__ import annotations

import pyoxigraph as ox
import pytest
from rdflib import BNode, Dataset, Graph, Literal, URIRef

from policygraph.graph.build import load_graph
from policygraph.graph.serialize import RDF_OUTPUT_FORMATS, serialize
from policygraph.records.canonical import canonical_lexical
from policygraph.terms import XSD

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")  # rdflib's own N-Quads and TriG parsers

_RDFLIB = {"ttl": "turtle", "nt": "nt", "nq": "nquads", "trig": "trig", "xml": "xml", "jsonld": "json-ld"}
_OXIGRAPH = {"ttl": "TURTLE", "nt": "N_TRIPLES", "nq": "N_QUADS", "trig": "TRIG", "xml": "RDF_XML", "jsonld": "JSON_LD"}


def _ground(triples) -> set:
    """The triples without blank nodes (the ontology's unions): a parser names blank nodes afresh, so those are counted."""
    return {t for t in triples if not any(isinstance(term, (BNode, ox.BlankNode)) for term in t)}


@pytest.fixture(scope="module")
def written(bundled) -> dict[str, bytes]:
    return {fmt: serialize(bundled, fmt) for fmt in RDF_OUTPUT_FORMATS}


@pytest.fixture(scope="module")
def expected(bundled) -> set:
    return set(bundled.graph)


@pytest.mark.parametrize("fmt", sorted(RDF_OUTPUT_FORMATS))
def test_rdflib_reads_the_same_terms(written, expected, fmt):
    """rdflib parses each format back to exactly the built triples, all in the default graph."""
    dataset = Dataset()
    dataset.parse(data=written[fmt], format=_RDFLIB[fmt])
    assert {g.identifier for g in dataset.graphs() if len(g)} == {dataset.default_graph.identifier}
    triples = {(s, p, o) for s, p, o, _ in dataset.quads()}
    assert len(triples) == len(expected)
    assert _ground(triples) == _ground(expected)


@pytest.mark.parametrize("fmt", sorted(RDF_OUTPUT_FORMATS))
def test_oxigraph_reads_the_same_terms(written, bundled, fmt):
    """Oxigraph parses each format back to the built store's quads, every one in the default graph."""
    quads = list(ox.parse(written[fmt], format=getattr(ox.RdfFormat, _OXIGRAPH[fmt])))
    assert {q.graph_name for q in quads} == {ox.DefaultGraph()}
    built = [(q.subject, q.predicate, q.object) for q in bundled.store]
    assert len(quads) == len(built)
    assert _ground((q.subject, q.predicate, q.object) for q in quads) == _ground(built)


def test_decimals_are_canonical_in_every_format(written):
    """A decimal reads back with the lexical form the loader gave it (Turtle's ``6.0`` shorthand would not)."""
    graph = Graph().parse(data=written["ttl"], format="turtle")
    decimals = [o for o in graph.objects() if isinstance(o, Literal) and o.datatype == XSD.decimal]
    assert decimals
    assert all(str(o) == canonical_lexical(str(o), str(XSD.decimal)) for o in decimals)


def test_rdf_input_literals_become_canonical(tmp_path):
    """Numbers and booleans read from RDF input are stored in their canonical form."""
    path = tmp_path / "extra.ttl"
    path.write_text(
        '<https://example.org/a> <https://example.org/p> "6.50"^^<http://www.w3.org/2001/XMLSchema#decimal>, '
        '"+007"^^<http://www.w3.org/2001/XMLSchema#integer>, "1"^^<http://www.w3.org/2001/XMLSchema#boolean> .\n',
        encoding="utf-8",
    )
    loaded = load_graph([path], bundled=False)
    values = set(loaded.graph.objects(URIRef("https://example.org/a"), URIRef("https://example.org/p")))
    assert values == {
        Literal("6.5", datatype=XSD.decimal),
        Literal("7", datatype=XSD.integer),
        Literal("true", datatype=XSD.boolean),
    }


def test_unknown_format():
    with pytest.raises(ValueError, match="unknown RDF format 'n3'"):
        serialize(load_graph(bundled=False), "n3")


@pytest.mark.parametrize("fmt", sorted(RDF_OUTPUT_FORMATS))
def test_one_graph_is_written_the_same_way(invoke, tmp_path, fmt):
    """`build -o` writes the same bytes from the cache's on-disk store and from a fresh in-memory build (a store's
    own order differed between the two, and between two builds); N-Triples lines come in code-point order."""
    cached, fresh = tmp_path / f"cached.{fmt}", tmp_path / f"fresh.{fmt}"
    assert invoke("build", "--format", fmt, "-o", cached).exit_code == 0
    assert invoke("build", "--format", fmt, "-o", fresh, "--no-cache").exit_code == 0
    assert cached.read_bytes() == fresh.read_bytes()
    if fmt == "nt":
        lines = cached.read_bytes().splitlines()
        assert len(lines) > 20000 and lines == sorted(lines)
