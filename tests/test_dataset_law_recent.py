"""The law since 2021 in the bundled data: the 2023 and 2024 amendments, positions on them, figures to 2024.

These tests read the curated YAML of the files added for the issue "Evidence up to today: ... the law
since 2021" and the bundled graph built from it; they fail when a record loses its evidence (a quote, a
locator, a language tag), when the 2024 amendment stops being linked to the Technical Intern Training
Program with its dates, or when a statistics series gets out of order or doubles a period.
"""

from __future__ import annotations

import re
from collections import defaultdict
from pathlib import Path

import pytest
import yaml
from rdflib import Literal, URIRef

from policygraph.terms import PG

DATA = Path(__file__).parent.parent / "data"
ID = "https://w3id.org/policygraph/id/"

NEW_FILES = [
    "policies/amendments-2023-2024.yaml",
    "positions/on-2023-2024-laws.yaml",
    "statistics/refugees-2021-2024.yaml",
    "statistics/refugees-2012-2020-isa-table.yaml",
    "statistics/enforcement-2021-2024.yaml",
    "concepts/law-2023-2024.yaml",
    "bodies/civil-society-law.yaml",
]
STATISTICS_FILES = [
    "statistics/refugees-2021-2024.yaml",
    "statistics/refugees-2012-2020-isa-table.yaml",
    "statistics/enforcement-2021-2024.yaml",
]

# Kana, kanji and full-width forms: a quote containing them is Japanese and must carry the ja tag.
JAPANESE = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uff00-\uffef]")
MAX_WORDS = 60  # English words
MAX_JA_CHARS = 180  # a Japanese quote has no spaces between words: bound it by characters instead


def _records(name: str) -> list[dict]:
    records = yaml.safe_load((DATA / name).read_text(encoding="utf-8"))
    assert isinstance(records, list) and records, f"{name} holds no records"
    return records


def _new_records() -> list[tuple[str, dict]]:
    return [(name, record) for name in NEW_FILES for record in _records(name)]


def _url_citations() -> list[tuple[str, dict]]:
    return [
        (record["id"], citation)
        for _, record in _new_records()
        for citation in record.get("cite", [])
        if "url" in citation
    ]


def _quote_text(quote) -> str:
    return quote["ja"] if isinstance(quote, dict) else quote


def test_new_files_exist_and_every_record_cites():
    """Each new file holds records, and every record carries at least one citation."""
    for name, record in _new_records():
        assert record.get("cite"), f"{name}: {record.get('id')} has no citation"


@pytest.mark.parametrize("record_id, citation", _url_citations(), ids=lambda value: value if isinstance(value, str) else "")
def test_url_citation_has_short_quote_and_locator(record_id, citation):
    """A citation of a page has a non-empty quote of at most 60 words (180 characters in Japanese) and a locator."""
    text = _quote_text(citation.get("quote", "")).strip()
    assert text, f"{record_id}: empty quote"
    assert str(citation.get("locator", "")).strip(), f"{record_id}: citation without a locator"
    if JAPANESE.search(text):
        assert len(text) <= MAX_JA_CHARS, f"{record_id}: Japanese quote of {len(text)} characters"
    else:
        assert len(text.split()) <= MAX_WORDS, f"{record_id}: quote of {len(text.split())} words"


@pytest.mark.parametrize("record_id, citation", _url_citations(), ids=lambda value: value if isinstance(value, str) else "")
def test_japanese_quote_carries_ja_tag(record_id, citation):
    """A quote in Japanese is written {ja: "…"}; an untagged quote is not Japanese."""
    quote = citation["quote"]
    if JAPANESE.search(_quote_text(quote)):
        assert isinstance(quote, dict) and list(quote) == ["ja"], f"{record_id}: Japanese quote without the ja tag"
    if isinstance(quote, dict):
        assert list(quote) == ["ja"], f"{record_id}: quote tagged {list(quote)}"


def test_japanese_quotes_are_tagged_ja_in_the_graph(bundled):
    """In the bundled graph every Japanese quote of the new records is an @ja literal."""
    g = bundled.graph
    checked = 0
    for _, record in _new_records():
        for citation in g.objects(URIRef(ID + record["id"]), PG.citation):
            for quote in g.objects(citation, PG.quote):
                assert isinstance(quote, Literal)
                if JAPANESE.search(str(quote)):
                    assert quote.language == "ja", f"{record['id']}: {quote!r}"
                    checked += 1
    assert checked >= 50


def test_observation_value_appears_in_a_quote():
    """A figure is copied, not computed: its digits appear in one of its quotes (thousands separators aside)."""
    for name in STATISTICS_FILES:
        for record in _records(name):
            value = str(record["value"])
            quotes = [_quote_text(c["quote"]).replace(",", "") for c in record["cite"]]
            assert any(re.search(rf"(?<!\d){re.escape(value)}(?!\d)", q) for q in quotes), f"{record['id']}: {value} not quoted"


def _period_key(record: dict) -> str:
    period = record.get("period", record.get("period-start"))
    assert period is not None, f"{record['id']} has no period"
    return str(period)


def test_statistics_series_are_ordered_without_duplicate_periods():
    """Within each new file, a series (same 'measures') runs forward in time with one record per period."""
    for name in STATISTICS_FILES:
        series: dict[str, list[str]] = defaultdict(list)
        for record in _records(name):
            series[record["measures"]].append(_period_key(record))
        for measures, periods in series.items():
            assert periods == sorted(periods), f"{name}: '{measures}' out of order: {periods}"
            assert len(periods) == len(set(periods)), f"{name}: '{measures}' repeats a period: {periods}"


def test_no_observation_in_the_data_repeats_measure_and_period():
    """Across all of data/, the new figures do not double a period an older file already records."""
    seen: dict[tuple[str, str], str] = {}
    for path in sorted((DATA / "statistics").glob("*.yaml")):
        for record in yaml.safe_load(path.read_text(encoding="utf-8")):
            if "period" not in record and "period-start" not in record:
                continue  # an older figure without a period cannot clash on one
            key = (record["measures"], _period_key(record) + "/" + str(record.get("period-end", "")))
            assert key not in seen, f"{record['id']} repeats {seen[key]}: {key}"
            seen[key] = record["id"]


def test_refugee_applicants_series_reaches_2024(bundled):
    """The applicants series in the graph runs without a gap from 2012 to 2024 with the ISA's figures."""
    rows = bundled.graph.query(
        """SELECT ?period ?value WHERE {
             ?o a pg:Observation ; pg:measures "applicants for refugee recognition" ;
                pg:period ?period ; pg:value ?value . }""",
        initNs={"pg": PG},
    )
    by_year = {str(period)[:4]: int(value) for period, value in rows}
    assert {"2021": 2413, "2022": 3772, "2023": 13823, "2024": 12373}.items() <= by_year.items()
    assert sorted(by_year) == [str(year) for year in range(2012, 2025)]


LAW_2024 = URIRef(ID + "law-2024-immigration-control-titp-amendment")
ESD = URIRef(ID + "employment-for-skill-development-system")
TITP = URIRef(ID + "titp")
TITA = URIRef(ID + "technical-intern-training-act")


def test_2024_law_amends_titp_legal_basis_and_esd_replaces_titp(bundled):
    """The 2024 Act amends the Technical Intern Training Act; its system replaces the programme."""
    g = bundled.graph
    assert (LAW_2024, PG.amends, TITA) in g
    assert (LAW_2024, PG.amends, URIRef(ID + "icrra")) in g
    assert (TITP, PG.replacedBy, ESD) in g
    assert (ESD, PG.partOfPolicy, LAW_2024) in g


def test_2024_law_dates(bundled):
    """Submission, enactment, promulgation and planned entry into force, as the Diet and the order give them."""
    g = bundled.graph
    dates = {
        PG.proposed: "2024-03-15",
        PG.enacted: "2024-06-14",
        PG.promulgated: "2024-06-21",
        PG.entryIntoForce: "2027-04-01",
    }
    for predicate, date in dates.items():
        assert [str(v) for v in g.objects(LAW_2024, predicate)] == [date], predicate
    assert [str(v) for v in g.objects(ESD, PG.entryIntoForce)] == ["2027-04-01"]


def test_show_titp_names_its_successor(invoke):
    """`policygraph show titp` lists the successor system, and the successor shows its dates."""
    result = invoke("show", "titp")
    assert result.exit_code == 0
    assert "replaced by → employment-for-skill-development-system" in result.output
    law = invoke("show", "law-2024-immigration-control-titp-amendment")
    assert law.exit_code == 0
    for line in ("enacted: 2024-06-14", "promulgated: 2024-06-21", "entry into force: 2027-04-01"):
        assert line in law.output
    assert "amends → technical-intern-training-act" in law.output


def test_trace_titp_shows_successor(invoke):
    """`policygraph trace titp` lists the successor among the context lines."""
    result = invoke("trace", "titp")
    assert result.exit_code == 0
    assert "replaced by: Employment for Skill Development system (employment-for-skill-development-system)" in result.output


def test_2023_amendment_parts_enter_into_force_on_three_dates(bundled):
    """The 2023 Act's staged entry into force: three dated events, each about the Act."""
    rows = bundled.graph.query(
        """SELECT ?date WHERE { ?e a pg:Event ; pg:kind "entry-into-force" ; pg:about ?law ; pg:date ?date . }""",
        initNs={"pg": PG},
        initBindings={"law": URIRef(ID + "law-2023-immigration-control-amendment")},
    )
    assert sorted(str(date) for (date,) in rows) == ["2023-11-01", "2023-12-01", "2024-06-10"]
