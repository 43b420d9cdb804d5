"""The UN evidence since 2019 (issue "Evidence up to today"): quotes, trace evidence, query and UPR responses.

These tests read the bundled dataset, so they fail when a record of the new UN files is broken or lost.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from policygraph.terms import DCTERMS, ID, PG, RDF, SKOS, controlled_value

DATA = Path(__file__).parents[1] / "data"

# The files this issue added, and the records it added to an existing file.
NEW_FILES = {
    "sources-un.yaml",
    "engagements-2023-amendment.yaml",
    "bodies/special-procedures.yaml",
    "bodies/civil-society-un-evidence.yaml",
    "events/un-communications.yaml",
    "events/upr-2023.yaml",
    "recommendations/crc-c-jpn-co-4-5.yaml",
    "recommendations/crc-c-jpn-co-3.yaml",
    "recommendations/ol-jpn-3-2021.yaml",
    "recommendations/ccpr-c-jpn-co-7.yaml",
}
NEW_IN_OLD_FILES = {
    "cerd-co10-11-para-35-indefinite-detention",
    "cerd-co10-11-para-36-maximum-detention-period",
    "cerd-co10-11-para-36-work-after-six-months",
}
# Working Group reports of the Universal Periodic Review of Japan and their addenda (Japan's responses).
UPR_DOCUMENTS = re.compile(r"^A/HRC/(8/44|22/14|37/15|53/15)(/Add\.1)?$")
CJK = re.compile(r"[\u3040-\u30ff\u3400-\u9fff]")


def _local(node) -> str:
    return str(node)[len(str(ID)) :]


@pytest.fixture(scope="module")
def new_records(bundled):
    """Ids of the records the issue added (by file, plus the listed records in older files)."""
    records = set(NEW_IN_OLD_FILES)
    for subject, where in bundled.source_map.nodes.items():
        if not str(subject).startswith(str(ID)) or "/cite/" in str(subject):
            continue
        path = Path(where.path).resolve()
        if DATA.resolve() in path.parents and path.relative_to(DATA.resolve()).as_posix() in NEW_FILES:
            records.add(_local(subject))
    return records


@pytest.fixture(scope="module")
def new_citations(bundled, new_records):
    g = bundled.graph
    return [(record, c) for record in sorted(new_records) for c in g.objects(ID[record], PG.citation)]


def test_new_files_are_loaded(new_records):
    """Every new file contributes records (a file dropped from data/ fails here)."""
    assert len(new_records) >= 25
    for expected in ("un-doc-ol-jpn-3-2021", "ol-jpn-3-2021-bill-detention", "crc-co4-5-para-42-c-no-detention-of-children",
                     "crc-co3-para-78-a-release-asylum-seeking-children", "eng-law-2023-iccpr-art-9-jfba", "sr-torture"):
        assert expected in new_records


def test_new_quotes_are_short_unique_and_located(bundled, new_citations):
    """Each new quote citing a URL is non-empty, at most 60 words (Japanese: 120 characters), unique, with a locator."""
    g = bundled.graph
    seen: dict[str, str] = {}
    assert len(new_citations) >= 30
    for record, citation in new_citations:
        url = g.value(citation, PG.sourceUrl)
        assert url is not None, f"{record}: new citations cite the page read (url)"
        quote = g.value(citation, PG.quote)
        locator = g.value(citation, PG.locator)
        assert quote is not None and str(quote).strip(), f"{record}: empty quote"
        assert locator is not None and str(locator).strip(), f"{record}: citation without locator"
        text = str(quote)
        if quote.language == "ja":
            assert len(text) <= 120, f"{record}: Japanese quote longer than 120 characters"
        else:
            assert len(text.split()) <= 60, f"{record}: quote longer than 60 words"
        assert text not in seen, f"{record}: quote also cited by {seen[text]}"
        seen[text] = record


def test_japanese_quotes_carry_the_ja_tag(bundled, new_citations):
    """A quote in Japanese is tagged @ja, and a tagged quote is Japanese; English quotes carry no tag."""
    g = bundled.graph
    tagged = 0
    for record, citation in new_citations:
        quote = g.value(citation, PG.quote)
        if CJK.search(str(quote)):
            assert quote.language == "ja", f"{record}: Japanese quote without the ja tag"
            tagged += 1
        else:
            assert quote.language is None, f"{record}: a non-Japanese quote with a language tag"
    assert tagged >= 15


def test_translated_recommendations_say_whose_translation(bundled, new_records):
    """A recommendation quoted only in Japanese says whose translation it is and paraphrases it in English."""
    g = bundled.graph
    checked = 0
    for record in new_records:
        if (ID[record], RDF.type, PG.Recommendation) not in g:
            continue
        quotes = [g.value(c, PG.quote) for c in g.objects(ID[record], PG.citation)]
        if quotes and all(q.language == "ja" for q in quotes):
            note = str(g.value(ID[record], SKOS.editorialNote) or "")
            # whose translation: MOFA's provisional one, ARC's, or a page that does not name the translator
            assert any(k in note for k in ("MOFA provisional translation", "translation by ARC", "translator not named")), record
            description = str(g.value(ID[record], DCTERMS.description) or "")
            assert description and "paraphrase" in description, record
            checked += 1
    assert checked >= 10


def _trace(invoke, policy: str) -> dict:
    result = invoke("trace", policy, "--format", "json")
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


def test_trace_bill_2021_cites_ol_jpn_3_2021_on_the_provisions_it_names(invoke, bundled):
    """OL JPN 3/2021 is cited evidence in the trace of the 2021 bill, on every provision the record names."""
    g = bundled.graph
    record = ID["ol-jpn-3-2021-bill-detention"]
    assert str(g.value(record, PG.documentSymbol)) == "OL JPN 3/2021"
    named = {_local(p) for p in g.objects(record, PG.provision)}
    assert "iccpr-art-9" in named
    trace = _trace(invoke, "bill-2021-immigration-control-revision")
    cited_on = {
        engagement["provision"]
        for engagement in trace["engagements"]
        for reason in engagement["reasons"]
        if reason["kind"] == "cited" and "ol-jpn-3-2021-bill-detention" in reason["path"]
    }
    assert cited_on == named
    for engagement in trace["engagements"]:
        if engagement["provision"] in named:
            assert engagement["strength"] == "cited"


def test_trace_2023_amendment_has_cited_engagements(invoke):
    """The 2023 amendment's trace has the new cited engagements, each with its quotes."""
    trace = _trace(invoke, "law-2023-immigration-control-amendment")
    cited = [
        (engagement["provision"], reason)
        for engagement in trace["engagements"]
        for reason in engagement["reasons"]
        if reason["kind"] == "cited"
    ]
    paths = {step for _, reason in cited for step in reason["path"]}
    for engagement_id in (
        "eng-law-2023-iccpr-art-9-jfba",
        "eng-law-2023-refugee-convention-art-33-aprrn",
        "eng-law-2023-iccpr-art-9-special-procedures",
        "eng-law-2023-refugee-convention-art-33-special-procedures",
        "eng-law-2023-refugee-convention-art-33-jfba",
        "eng-law-2023-refugee-convention-art-33-jar",
        "eng-law-2023-iccpr-art-9-hrn",
        "eng-law-2023-cat-art-3-hrn",
    ):
        assert engagement_id in paths
    assert {"iccpr-art-9", "refugee-convention-art-33", "cat-art-3"} <= {provision for provision, _ in cited}
    assert all(reason["citations"] for _, reason in cited)


def test_query_recommendations_returns_the_new_documents(invoke):
    """`query recommendations` lists the recommendations of the documents added."""
    result = invoke("query", "recommendations", "--format", "json")
    assert result.exit_code == 0, result.output
    rows = json.loads(result.output)["results"]["bindings"]
    documents = {(row["document"]["value"], row.get("paragraph", {}).get("value")) for row in rows if "document" in row}
    for expected in (
        ("CRC/C/JPN/CO/4-5", "42(a)"),
        ("CRC/C/JPN/CO/4-5", "42(b)"),
        ("CRC/C/JPN/CO/4-5", "42(c)"),
        ("CRC/C/JPN/CO/3", "78(a)"),
        ("CERD/C/JPN/CO/10-11", "35"),
        ("CERD/C/JPN/CO/10-11", "36"),
        ("OL JPN 3/2021", None),
        ("CCPR/C/JPN/CO/7", None),
    ):
        assert expected in documents, expected


def test_upr_recommendations_have_a_response_and_only_they(bundled):
    """Every recorded UPR recommendation says how Japan answered it; no other recommendation has a response."""
    g = bundled.graph
    for record in g.subjects(RDF.type, PG.Recommendation):
        document = str(g.value(record, PG.documentSymbol) or "")
        response = g.value(record, PG.stateResponse)
        if UPR_DOCUMENTS.match(document):
            assert response is not None and str(response) in ("supported", "noted"), record
        else:
            assert response is None, record


def test_un_documents_are_partial_sources_matching_the_recommendations(bundled, new_records):
    """The UN documents are sources marked coverage partial; each new recommendation's document is one of them."""
    g = bundled.graph
    symbols = {}
    for source in g.subjects(RDF.type, PG.Source):
        if _local(source).startswith("un-doc-"):
            assert g.value(source, PG.coverage) == controlled_value("coverage", "partial"), source
            assert g.value(source, PG.url) is not None and g.value(source, PG.file) is None, source
            for symbol in g.objects(source, DCTERMS.identifier):
                symbols[str(symbol)] = source
    assert len(symbols) >= 6
    for record in new_records:
        if (ID[record], RDF.type, PG.Recommendation) in g:
            assert str(g.value(ID[record], PG.documentSymbol)) in symbols, record
