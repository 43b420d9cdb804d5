"""Citation checks: quote normalisation and lookup, external and unchecked citations, the bundled quotes."""

from __future__ import annotations

from pathlib import Path

from policygraph import load_graph
from policygraph.validation.citations import check_citations, find_quote, normalise

FIXTURES = Path(__file__).parents[1] / "fixtures"
BASE = FIXTURES / "valid" / "base"
SOURCES = FIXTURES / "valid" / "sources"


def test_normalise_quotes_dashes_and_whitespace():
    """Curly quotes and primes become straight, dashes become hyphens, whitespace runs become one space."""
    text = "\u201cend\u201d \u2014 it\u2019s\n\t a \u2032test\u2033 \u2013 \u2212 x  "
    assert normalise(text) == "\"end\" - it's a 'test\" - - x"


def test_normalise_keeps_everything_else():
    """Case, accents, full-width letters and other punctuation are kept as they are."""
    assert normalise("Caf\u00e9 ＡＢＣ; «x» …") == "Caf\u00e9 ＡＢＣ; «x» …"


def test_find_quote_found_across_line_breaks_and_quote_styles():
    """A quote is found when it differs from the text only in whitespace, quote marks and dashes."""
    text = normalise("said \u201cno family shall be\nseparated\u201d \u2014 twice")
    match = find_quote('"no family shall be separated" - twice', text)
    assert match.found and match.matched_words == match.words == 7


def test_find_quote_reports_where_it_differs():
    """A quote not in the text says how many leading words are there and where it differs."""
    text = normalise("The Ministry of Things runs the Office of Arrivals.")
    match = find_quote("The Ministry of Things runs the Office of Departures today", text)
    assert (match.found, match.matched_words, match.words) == (False, 8, 10)
    assert (match.differs_at, match.source_has) == ("Departures today", "Arrivals.")


def test_find_quote_counts_whole_words_only():
    """A word that is only the start of a word of the text does not count as matched."""
    match = find_quote("approved on February 19 2021", normalise("approved on February 19, 2021."))
    assert (match.matched_words, match.differs_at, match.source_has) == (3, "19 2021", "19, 2021.")


def test_find_quote_case_only_difference():
    """A quote that differs only in capital letters is flagged as such, and still not found."""
    match = find_quote("the ministry of things", normalise("The Ministry of Things"))
    assert not match.found and match.case_only


def test_check_citations_base_all_found():
    """Every quote of the base dataset is in its source text: no finding."""
    loaded = load_graph([BASE], bundled=False)
    assert check_citations(loaded, SOURCES) == []


def test_check_citations_without_texts_warns_once_per_source():
    """Without a sources folder each cited source gets one warning, never a pass."""
    loaded = load_graph([BASE], bundled=False)
    [finding] = check_citations(loaded, None)
    assert (finding.code, finding.severity, finding.entity, finding.key, str(finding.value)) == (
        "quote-not-checked", "warning", "src", "file", "base.txt"
    )
    assert finding.message == "27 quotes citing it not checked — pass --sources DIR, the folder with the source texts"


def test_check_citations_external_url_is_info(tmp_path):
    """A citation of a public page is reported as external (info) with its file:line, never as passing."""
    data = tmp_path / "x.yaml"
    data.write_text(
        "- id: a\n  type: state\n  label: A\n  cite:\n"
        "    - url: https://example.org/a\n      locator: p. 1\n      quote: A is a state\n"
    )
    loaded = load_graph([data], bundled=False)
    [finding] = check_citations(loaded, SOURCES)
    assert (finding.code, finding.severity, finding.entity) == ("external-quote-not-checked", "info", "a/cite/1")
    assert finding.location.line == 7
    assert finding.message == (
        "external — quote not checked: the citation cites https://example.org/a; check the quote there by hand"
    )


def test_check_citations_unreadable_source_text(tmp_path):
    """A source text that is not UTF-8 is a warning for its source, its quotes not checked."""
    (tmp_path / "base.txt").write_bytes(b"caf\xe9")
    loaded = load_graph([BASE], bundled=False)
    [finding] = check_citations(loaded, tmp_path)
    assert (finding.code, finding.severity) == ("source-text-unreadable", "warning")
    assert finding.message == "source text 'base.txt' is not UTF-8 text: 27 quotes citing it not checked"


def test_check_citations_bundled_quotes_are_in_the_seeds(bundled, shared):
    """Every quote the bundled data cites from a local source is found in the source texts."""
    findings = check_citations(bundled, shared / "seeds")
    problems = [f"{f.location}: {f.code}: {f.message}" for f in findings if f.severity != "info"]
    assert problems == []
    assert len(findings) >= 300  # the public-URL citations, one info each

