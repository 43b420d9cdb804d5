"""The loader: YAML records → RDF with a source map; every kind of bad input → InputError with file:line."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from rdflib import Literal, URIRef

from policygraph import load_graph
from policygraph.errors import InputError
from policygraph.records.load import parse_date
from policygraph.terms import ID, ORG, PG, RDF, SKOS, XSD, controlled_value

TINY = Path(__file__).parents[1] / "fixtures" / "tiny"


@pytest.fixture(scope="module")
def tiny():
    return load_graph([TINY], bundled=False)


def test_load_graph_maps_records_to_rdf(tiny):
    """Each record becomes typed triples with labels in their languages, dates typed by precision."""
    g = tiny.graph
    assert (ID.st, RDF.type, PG.State) in g
    assert (ID.st, SKOS.prefLabel, Literal("Statia", lang="en")) in g
    assert (ID.st, SKOS.prefLabel, Literal("スタティア", lang="ja")) in g
    assert (ID.st, SKOS.altLabel, Literal("Statie", lang="fr")) in g
    assert (ID.min, PG.founded, Literal("1999", datatype=XSD.gYear)) in g
    assert (ID["src-a"], PG.date, Literal("2020-05", datatype=XSD.gYearMonth)) in g
    assert (ID["law-1"], PG.enacted, Literal("2001-02-03", datatype=XSD.date)) in g
    assert (ID["tr"], PG.binding, Literal(True)) in g
    assert (ID["law-1"], PG.responsibleBody, ID.min) in g
    assert (ID["obs-1"], PG.value, Literal(Decimal("1234.5"), datatype=XSD.decimal)) in g
    assert (ID.taking, SKOS.inScheme, ID.practices) in g
    assert (ID.taking, RDF.type, SKOS.Concept) in g


def test_load_graph_maps_citations(tiny):
    """Citations become nodes with source or URL, locator and quote; the record derives from the source."""
    g = tiny.graph
    citation = URIRef(str(ID.min) + "/cite/1")
    assert (ID.min, PG.citation, citation) in g
    assert (citation, PG.source, ID["src-a"]) in g
    assert (citation, PG.quote, Literal("the Ministry of Things")) in g
    external = URIRef(str(ID.tr) + "/cite/1")
    assert (external, PG.sourceUrl, URIRef("https://example.org/treaty")) in g


def test_load_graph_records_source_map(tiny):
    """The source map points at the record's line and at the line of each of its keys."""
    where = tiny.source_map.locate(ID.min)
    assert (Path(where.path).name, where.line) == ("records.yaml", 14)
    assert tiny.source_map.locate(ID.min, PG.jurisdiction).line == 18
    assert tiny.record_counts["government-body"] == 1
    assert sum(tiny.record_counts.values()) == 8


def test_load_graph_round_trips_through_turtle(tiny, tmp_path):
    """A graph written as Turtle and loaded back with --data is the same graph."""
    from rdflib.compare import isomorphic

    out = tmp_path / "tiny.ttl"
    out.write_bytes(tiny.graph.serialize(format="turtle", encoding="utf-8"))
    again = load_graph([out], bundled=False)
    assert isomorphic(again.graph, tiny.graph)


def test_load_graph_bundled_includes_the_foundation_slice(bundled):
    """The bundled dataset has the 2021 bill, its proposer, its opponent and its features."""
    g = bundled.graph
    bill = ID["bill-2021-immigration-control-revision"]
    assert (bill, RDF.type, PG.Bill) in g
    assert (bill, PG.proposedBy, ID["jp-cabinet"]) in g
    assert (ID["bill-2021-penalty-refusing-deportation"], PG.featureOf, bill) in g
    assert (ID["smj-petition-2021-opposes-bill"], PG.about, bill) in g
    # the five seed documents have a local text; UN documents recorded in part are sources with a url only
    sources = list(g.subjects(RDF.type, PG.Source))
    assert len([s for s in sources if (s, PG.file, None) in g]) == 5
    assert all((s, PG.file, None) in g or (s, PG.url, None) in g for s in sources)


@pytest.mark.parametrize(
    "text, datatype",
    [("2021", XSD.gYear), ("2021-02", XSD.gYearMonth), ("2021-02-19", XSD.date), ("2024-02-29", XSD.date)],
)
def test_parse_date_types_by_precision(text, datatype):
    """A year, year-month and full date get the matching XSD type."""
    assert parse_date(text).datatype == datatype


@pytest.mark.parametrize("text", ["2021-13", "2021-02-30", "2023-02-29", "21-02-19", "2021/02/19", "Feb 2021", ""])
def test_parse_date_rejects_bad_dates(text):
    """Impossible or non-ISO dates raise ValueError."""
    with pytest.raises(ValueError):
        parse_date(text)


BAD_INPUTS = [
    # (file content, expected message, expected line)
    ("- id: a\n  type: state\n  label: [unclosed\n", "malformed YAML", 4),
    ("- id: a\n  type: spaceship\n  label: A\n", "unknown record type 'spaceship' in record 'a'", 2),
    ("- id: a\n  type: state\n  colour: red\n", "unknown key 'colour' for a state record ('a')", 3),
    ("- id: a\n  type: state\n  part-of: nowhere\n", "undefined id 'nowhere' in 'part-of' of record 'a'", 3),
    ("- id: a\n  type: state\n- id: a\n  type: state\n", "duplicate id 'a' (first defined at", 3),
    ("- id: a\n  type: state\n  founded: 2021-02-30\n", "bad date '2021-02-30'", 3),
    ("- id: a\n  type: state\n  founded: 19th century\n", "bad date '19th century'", 3),
    ("- id: A_1\n  type: state\n", "bad id 'A_1'", 1),
    ("- type: state\n", "record has no 'id'", 1),
    ("- id: a\n", "record 'a' has no 'type'", 1),
    ("id: a\ntype: state\n", "a data file must be a list of records", 1),
    ("- id: a\n  type: state\n  cite: [{locator: x, quote: y}]\n", "needs exactly one of 'source' or 'url'", 3),
    ("- id: a\n  type: state\n  cite: [{url: 'https://x.org', quote: y}]\n", "has no 'locator'", 3),
    ("- id: a\n  type: state\n  cite: [{url: 'ftp://x', locator: l, quote: q}]\n", "bad URL 'ftp://x'", 3),
    ("- id: a\n  type: state\n  label: A\n  url: http://[x\n", "bad URL 'http://[x' in 'url': Invalid character '[' in host", 4),
    ("- id: a\n  type: state\n  cite: [{url: 'http://[x', locator: l, quote: q}]\n", "bad URL 'http://[x' in 'url'", 3),
    ("- id: a\n  type: observation\n  value: many\n", "'value' must be a number, not 'many'", 3),
    ("- id: a\n  type: observation\n  unit: furlongs\n", "bad unit 'furlongs' in record 'a'", 3),
    ("- id: a\n  type: treaty\n  binding: maybe\n", "'binding' must be true or false", 3),
    ("- &x id: a\n  type: state\n- id: b\n  type: state\n  label: *x\n", "YAML aliases (*name) are not allowed", 5),
    ("- id: a\n  type: state\n  type: law\n", "duplicate key 'type' in a record", 3),
    ("- id: a\n  type: state\n---\n- id: b\n  type: state\n", "more than one YAML document", 4),
    ("   \n", "empty file", 1),
    ("- id: a\n  type: state\n  label: {en: A, english: B}\n", "bad language tag 'english'", 3),
    ("- id: a\n  type: state\n  label: {en: A, en-x: B}\n", "bad language tag 'en-x' in 'label'", 3),
]


@pytest.mark.parametrize("content, message, line", BAD_INPUTS, ids=[m for _, m, _ in BAD_INPUTS])
def test_load_graph_bad_yaml_names_file_and_line(tmp_path, content, message, line):
    """Each kind of bad record raises InputError naming the file, the line and the problem."""
    path = tmp_path / "bad.yaml"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(InputError) as caught:
        load_graph([path], bundled=False)
    assert message in caught.value.message
    assert caught.value.location.path == str(path)
    assert caught.value.location.line == line


def test_load_graph_rejects_non_utf8(tmp_path):
    """A Latin-1 file is refused with the line of the first bad byte."""
    path = tmp_path / "latin1.yaml"
    path.write_bytes("- id: a\n  type: state\n  label: Caf\xe9\n".encode("latin-1"))
    with pytest.raises(InputError) as caught:
        load_graph([path], bundled=False)
    assert (caught.value.message, caught.value.location.line) == ("not UTF-8 text", 3)


def test_load_graph_rejects_nul_bytes(tmp_path):
    """A file with a NUL byte is refused as binary."""
    path = tmp_path / "nul.yaml"
    path.write_bytes(b"- id: a\n\x00\n")
    with pytest.raises(InputError, match="NUL byte"):
        load_graph([path], bundled=False)


def test_load_graph_accepts_bom_and_crlf(tmp_path):
    """A UTF-8 BOM and Windows line ends are fine."""
    path = tmp_path / "windows.yaml"
    path.write_bytes("\ufeff- id: a\r\n  type: state\r\n  label: A\r\n".encode("utf-8"))
    assert (ID.a, RDF.type, PG.State) in load_graph([path], bundled=False).graph


def test_load_graph_missing_path(tmp_path):
    """A --data path that does not exist is an InputError naming it."""
    with pytest.raises(InputError, match="no such file or folder"):
        load_graph([tmp_path / "nope.yaml"], bundled=False)


def test_load_graph_bad_turtle_names_line(tmp_path):
    """A Turtle syntax error names the file and line."""
    path = tmp_path / "bad.ttl"
    path.write_text("@prefix ex: <http://example.org/> .\n\nex:a ex:b ex:c .\nex:d ex:e .\n", encoding="utf-8")
    with pytest.raises(InputError) as caught:
        load_graph([path], bundled=False)
    assert caught.value.message.startswith("cannot parse turtle")
    assert caught.value.location.line == 4


def test_load_graph_adds_extra_turtle(tmp_path):
    """Extra Turtle files are merged into the graph."""
    path = tmp_path / "extra.ttl"
    path.write_text("<https://w3id.org/policygraph/id/x> a <https://w3id.org/policygraph/ontology#State> .\n")
    assert (ID.x, RDF.type, PG.State) in load_graph([path], bundled=False).graph


def test_load_graph_unknown_suffix(tmp_path):
    """A file that is neither YAML nor RDF is refused with the accepted types."""
    path = tmp_path / "notes.txt"
    path.write_text("hello")
    with pytest.raises(InputError, match="unknown file type '.txt'"):
        load_graph([path], bundled=False)


def test_load_graph_org_alignment(tiny):
    """part-of and member-of use W3C ORG properties directly."""
    g = load_graph([TINY], bundled=False).graph
    assert (ID.min, PG.jurisdiction, ID.st) in g
    assert ORG.subOrganizationOf  # the closed namespace has the term used by part-of


# ---------------------------------------------------------------- response and coverage

_UPR_AND_PARTIAL = """\
- id: st
  type: state
  label: Statia
  cite: [{url: "https://example.org/st", locator: "p 1", quote: "Statia"}]
- id: wg
  type: intergovernmental-organization
  label: Working Group
  cite: [{url: "https://example.org/wg", locator: "p 1", quote: "Working Group"}]
- id: upr-doc
  type: source
  label: Report of the Working Group (Statia)
  url: https://example.org/upr
  coverage: partial
- id: upr-rec-1
  type: recommendation
  by: wg
  to: st
  document: A/HRC/0/1
  paragraph: "1.1"
  text: "End indefinite detention"
  response: RESPONSE
  cite: [{url: "https://example.org/upr", locator: "para 1.1", quote: "End indefinite detention"}]
"""


def test_load_graph_maps_response_and_coverage(tmp_path):
    """A UPR recommendation's response becomes pg:stateResponse; a source's coverage becomes pg:coverage: concepts with the word as notation."""
    (tmp_path / "upr.yaml").write_text(_UPR_AND_PARTIAL.replace("RESPONSE", "noted"), encoding="utf-8")
    g = load_graph([tmp_path], bundled=False).graph
    assert (ID["upr-rec-1"], PG.stateResponse, controlled_value("response", "noted")) in g
    assert (ID["upr-doc"], PG.coverage, controlled_value("coverage", "partial")) in g
    assert (controlled_value("coverage", "partial"), SKOS.notation, Literal("partial")) in g


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (_UPR_AND_PARTIAL.replace("RESPONSE", "accepted"), "bad response 'accepted'"),
        (_UPR_AND_PARTIAL.replace("RESPONSE", "noted").replace("coverage: partial", "coverage: most"), "bad coverage 'most'"),
    ],
)
def test_load_graph_rejects_bad_response_or_coverage(tmp_path, text, message):
    """response is supported or noted, coverage is full or partial: anything else is an InputError at its line."""
    (tmp_path / "upr.yaml").write_text(text, encoding="utf-8")
    with pytest.raises(InputError, match=message):
        load_graph([tmp_path], bundled=False)


def test_load_graph_response_only_on_recommendations(tmp_path):
    """response is a key of recommendation records only (and coverage of sources only)."""
    text = _UPR_AND_PARTIAL.replace("RESPONSE", "noted").replace("  label: Working Group\n", "  label: Working Group\n  response: noted\n")
    (tmp_path / "upr.yaml").write_text(text, encoding="utf-8")
    with pytest.raises(InputError, match="response"):
        load_graph([tmp_path], bundled=False)
