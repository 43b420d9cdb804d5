"""External identifiers, reservation texts and entry-into-force delays in the bundled data.

The bundled graph must name every treaty in the UN Treaty Collection or say in data/README.md why it
cannot; every UN document source carries its symbol; every reservation and declaration has its words
or is listed as a known gap, so the trace can say "text not verified" instead of printing nothing. The
tests read both the YAML (what the curators wrote) and the built graph (what a query sees).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml
from rdflib import Literal, URIRef

from policygraph.errors import InputError
from policygraph.records.identifiers import SCHEMES, parse_duration
from policygraph.terms import DCTERMS, OWL, PG, RDF, RDFS, XSD

DATA = Path(__file__).parent.parent / "data"
ID = "https://w3id.org/policygraph/id/"
UN_SYMBOL = re.compile(r"^[A-Z]+(/[A-Za-z0-9.\-]+)+$")


def _records() -> list[dict]:
    return [record for path in sorted(DATA.rglob("*.yaml")) for record in yaml.safe_load(path.read_text(encoding="utf-8")) or []]


def _known_gaps(heading: str) -> set[str]:
    """The record ids in the first column of the tables under ``### heading`` in data/README.md."""
    text = (DATA / "README.md").read_text(encoding="utf-8")
    section = text.split(f"### {heading}\n", 1)[1].split("\n### ", 1)[0].split("\n## ", 1)[0]
    return set(re.findall(r"^\| `?([a-z0-9]+(?:-[a-z0-9]+)*)`? \|", section, re.M))


def test_every_treaty_has_a_untc_number_or_a_known_gap():
    treaties = [r for r in _records() if r["type"] == "treaty"]
    gaps = _known_gaps("UN Treaty Collection numbers and other identifiers")
    missing = sorted(r["id"] for r in treaties if "untc" not in r and r["id"] not in gaps)
    assert missing == [], f"treaties with neither a UNTC number nor a Known gaps line: {missing}"
    both = sorted(r["id"] for r in treaties if "untc" in r and r["id"] in gaps)
    assert both == [], f"treaties with a UNTC number still listed as a gap: {both}"
    assert sum("untc" in r for r in treaties) >= 14


def test_untc_numbers_are_cited_by_a_quote_showing_them():
    for record in (r for r in _records() if "untc" in r):
        quotes = [c["quote"] for c in record["cite"] if "quote" in c and isinstance(c["quote"], str)]
        assert any(f"mtdsg_no={record['untc']}&" in q for q in quotes), f"{record['id']}: no quote shows {record['untc']}"


def _quotes(record: dict) -> list[str]:
    return [q if isinstance(q, str) else next(iter(q.values())) for q in (c.get("quote") for c in record["cite"]) if q]


def test_every_ilo_convention_has_its_normlex_code_or_a_known_gap():
    conventions = [r for r in _records() if r["type"] == "treaty" and r["id"].startswith("ilo-")]
    assert conventions
    gaps = _known_gaps("ILO instrument codes")
    for record in conventions:
        assert ("ilo" in record) != (record["id"] in gaps), f"{record['id']}: code {'and' if 'ilo' in record else 'nor'} a Known gaps line"
    assert sum("ilo" in r for r in conventions) >= 4


def test_ilo_codes_are_cited_by_a_quote_showing_them():
    for record in (r for r in _records() if "ilo" in r):
        code = record["ilo"]
        assert re.match(r"^C[0-9]{3}$", code) and record["id"] == f"ilo-{code.lower()}", record["id"]
        assert any(re.search(rf"\b{code}\b", q) for q in _quotes(record)), f"{record['id']}: no quote shows {code}"


def test_unts_numbers_are_cited_by_a_quote_showing_them():
    registered = [r for r in _records() if "unts" in r]
    assert registered
    for record in registered:
        assert record["type"] == "treaty" and "untc" not in record, record["id"]
        assert any(f"No. {record['unts']} " in q for q in _quotes(record)), f"{record['id']}: no quote shows No. {record['unts']}"


def test_every_state_has_an_iso_3166_code_cited_by_a_quote_showing_it():
    states = [r for r in _records() if r["type"] == "state"]
    assert states
    for state in states:
        codes = state.get("iso3166")
        assert codes, f"{state['id']}: no iso3166"
        for code in codes if isinstance(codes, list) else [codes]:
            assert any(re.search(rf"\b{code}\b", q) for q in _quotes(state)), f"{state['id']}: no quote shows {code}"


def test_every_un_document_source_has_its_symbol():
    sources = [r for r in yaml.safe_load((DATA / "sources-un.yaml").read_text(encoding="utf-8")) if r["kind"] != "communication"]
    assert sources
    for source in sources:
        assert UN_SYMBOL.match(str(source.get("un-symbol", ""))), f"{source['id']}: un-symbol {source.get('un-symbol')!r}"
        assert source["un-symbol"] in source["identifiers"], source["id"]
        shown = [c["quote"] for c in source["cite"]]
        assert any(source["un-symbol"] in (q if isinstance(q, str) else next(iter(q.values()))) for q in shown), source["id"]


def test_identifier_triples_land_in_the_graph(bundled):
    graph = bundled.graph
    iccpr = URIRef(ID + "iccpr")
    assert (iccpr, PG.untcNumber, Literal("IV-4")) in graph
    assert (iccpr, DCTERMS.identifier, Literal("IV-4")) in graph
    page = URIRef("https://treaties.un.org/pages/ViewDetails.aspx?src=TREATY&mtdsg_no=IV-4&chapter=4&clang=_en")
    assert (iccpr, RDFS.seeAlso, page) in graph
    source = URIRef(ID + "un-doc-ccpr-c-jpn-co-7")
    assert (source, PG.unSymbol, Literal("CCPR/C/JPN/CO/7")) in graph
    icrra = URIRef(ID + "icrra")
    assert (icrra, PG.egovLawId, Literal("326CO0000000319")) in graph
    assert (icrra, RDFS.seeAlso, URIRef("https://laws.e-gov.go.jp/law/326CO0000000319")) in graph
    convention = URIRef(ID + "ilo-c029")
    assert (convention, PG.iloInstrumentCode, Literal("C029")) in graph
    assert (convention, DCTERMS.identifier, Literal("C029")) in graph
    normlex = URIRef("https://www.ilo.org/dyn/normlex/en/f?p=NORMLEXPUB:12100:0::NO::P12100_ILO_CODE:C029")
    assert (convention, RDFS.seeAlso, normlex) in graph
    assert (URIRef(ID + "jp"), PG.iso3166Code, Literal("JPN")) in graph
    peace = URIRef(ID + "treaty-of-peace-with-japan")
    assert (peace, PG.untsRegistrationNumber, Literal("1832")) in graph
    assert (peace, DCTERMS.identifier, Literal("1832")) in graph
    # the chapter of the status page is the Roman part of the number
    palermo = URIRef(ID + "palermo-protocol")
    assert (palermo, RDFS.seeAlso, URIRef(SCHEMES["untc"].iri("XVIII-12-a"))) in graph
    assert "mtdsg_no=XVIII-12-a&chapter=18&" in SCHEMES["untc"].iri("XVIII-12-a")


def test_identifier_properties_are_declared_sub_properties_of_dcterms_identifier():
    from rdflib import Graph

    ontology = Graph().parse(Path(__file__).parent.parent / "ontology" / "policygraph.ttl")
    for scheme in SCHEMES.values():
        assert (scheme.predicate, RDFS.subPropertyOf, DCTERMS.identifier) in ontology, scheme.predicate
        assert (scheme.predicate, RDF.type, OWL.DatatypeProperty) in ontology, scheme.predicate


def test_show_lists_the_untc_number(invoke):
    result = invoke("show", "iccpr")
    assert result.exit_code == 0
    lines = result.output.splitlines()
    assert "identifiers:" in lines
    after = lines[lines.index("identifiers:") + 1 :]
    assert after[0].split()[:2] == ["UNTC", "IV-4"]
    assert "mtdsg_no=IV-4" in after[0]
    assert not any(line.strip() == "identifier: IV-4" for line in lines), "the number is listed twice"


def test_show_lists_the_ilo_code_with_its_normlex_page(invoke):
    result = invoke("show", "ilo-c189")
    assert result.exit_code == 0
    lines = result.output.splitlines()
    after = lines[lines.index("identifiers:") + 1 :]
    assert after[0].split() == ["ILO", "NORMLEX", "C189", "<" + SCHEMES["ilo"].iri("C189") + ">"]


def test_every_reservation_or_declaration_has_text_or_a_known_gap(bundled):
    gaps = _known_gaps("Words of reservations and declarations")
    statements = [r for r in _records() if r["type"] in ("reservation", "declaration")]
    assert statements
    for record in statements:
        has_text = bool(str(record.get("text", "")).strip())
        assert has_text != (record["id"] in gaps), f"{record['id']}: text {'and' if has_text else 'nor'} a Known gaps line"
        if has_text:
            assert (URIRef(ID + record["id"]), PG.text, Literal(record["text"].strip())) in bundled.graph


def test_entry_into_force_delays_are_typed_by_their_unit(bundled):
    delays = {str(s).removeprefix(ID): o for s, o in bundled.graph.subject_objects(PG.entryIntoForceDelay)}
    assert delays["crc"] == Literal("P30D", datatype=XSD.dayTimeDuration)
    for treaty, value in delays.items():
        unit = str(value)[-1]
        expected = XSD.dayTimeDuration if unit == "D" else XSD.yearMonthDuration
        assert value.datatype == expected, f"{treaty}: {value!r}"


@pytest.mark.parametrize(
    "text, datatype",
    [("P30D", XSD.dayTimeDuration), ("P3M", XSD.yearMonthDuration), ("P12M", XSD.yearMonthDuration), ("P1Y", XSD.yearMonthDuration)],
)
def test_durations_keep_their_form_and_get_their_type(text, datatype):
    value = parse_duration(text)
    assert (str(value), value.datatype) == (text, datatype)


@pytest.mark.parametrize(
    "key, value, message",
    [
        ("in-force-after-deposit", "30 days", "bad duration '30 days'"),
        ("untc", "4-11", "bad untc '4-11'"),
        ("ilo", "29", "bad ilo '29'"),
        ("unts", "I-1832", "bad unts 'I-1832'"),
    ],
)
def test_a_malformed_value_is_an_input_error_with_its_line(tmp_path, key, value, message):
    from policygraph import load_graph

    path = tmp_path / "t.yaml"
    path.write_text(
        f"- id: t1\n  type: treaty\n  label: T\n  {key}: {value}\n  cite:\n    - url: https://example.org/\n      locator: x\n      quote: y\n",
        encoding="utf-8",
    )
    with pytest.raises(InputError) as raised:
        load_graph([path], bundled=False)
    assert message in str(raised.value)
    assert raised.value.location.line == 4
