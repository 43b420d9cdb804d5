"""The end of every trace report: reservations in their own words, the numbered sources list, and what the report cannot see."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from html.parser import HTMLParser
from pathlib import Path

import pytest

from policygraph import load_graph
from policygraph.terms import PG, RDF
from policygraph.tracing.report import render_markdown, render_text
from policygraph.tracing.report_html import render_html, render_provision_html
from policygraph.tracing.trace import trace_policy, trace_provision

WORLD = Path(__file__).parents[1] / "fixtures" / "binding" / "world.ttl"
KEY_POLICIES = ["bill-2021-immigration-control-revision", "law-2023-immigration-control-amendment", "titp"]


@pytest.fixture(scope="module")
def world():
    return load_graph([WORLD], bundled=False)


@pytest.fixture(scope="module")
def key_traces(bundled):
    """Every link, the weaker ones too: the most quotes, statements and sources to check."""
    return {policy: trace_policy(bundled, policy, as_of="2025-06-30", min_strength="group") for policy in KEY_POLICIES}


# -- reservations and declarations ------------------------------------------------------------------

_STATEMENT_LINE = re.compile(r"^\s*[•-] (?:reservation|declaration) on [\w-]+(?: \(withdrawn [^)]*\))?:(.*)$")


def test_no_reservation_or_declaration_prints_an_empty_text(bundled, key_traces):
    """Every reservation and declaration of the bundled data, traced through a provision it modifies, prints words
    after its head in text and Markdown: its quoted text, or 'text not verified in a stored copy; summary: ...'."""
    graph = bundled.graph
    modified = {graph.value(s, PG.modifies) for kind in (PG.Reservation, PG.Declaration) for s in graph.subjects(RDF.type, kind)}
    assert len(modified) > 5
    seen, lines = set(), 0
    traces = list(key_traces.values())
    for provision in sorted(modified, key=str):
        result = trace_provision(bundled, str(provision).rsplit("/", 1)[1], as_of="2025-06-30", min_strength="group")
        traces += result.traces[:1]  # one policy engaging it is enough to print its statements
    for trace in traces:
        seen |= {s.id for e in trace.engagements for s in e.statements}
        for text in (render_text(trace), render_markdown(trace)):
            for line in text.splitlines():
                match = _STATEMENT_LINE.match(line)
                if match:
                    lines += 1
                    words = match.group(1).strip()
                    assert words.startswith("\u201c") or words.startswith("text not verified in a stored copy; "), line
    assert len(seen) >= 5 and lines >= 2 * len(seen), (seen, lines)


def test_statement_words_carry_their_citation_number_and_the_effect_is_a_summary(world):
    """A reservation with its words quotes them with its source's number; one without says so and gives its summary."""
    text = render_text(trace_policy(world, "expulsion-act", as_of="2030"))
    assert "     • reservation on t-rec-art-1: \u201cSilvania reserves the right to expel in an emergency.\u201d [1]\n" \
           "       summary: Expulsion stays possible in an emergency.\n" in text
    assert "     • declaration on t-days-art-1: text not verified in a stored copy; summary: Silvania reads Art. 1 as not " \
           "covering removal at the border.\n" in text


# -- the sources list -----------------------------------------------------------------------------

def _numbers(text: str) -> set[int]:
    return {int(n) for group in re.findall(r"\[(\d+(?:, \d+)*)\]", text) for n in group.split(", ")}


def _split(text: str, heading: str) -> tuple[str, str]:
    body, _, sources = text.partition(heading)
    assert sources, f"no {heading.strip()!r} section"
    return body, sources


@pytest.mark.parametrize("policy", KEY_POLICIES)
def test_sources_list_in_every_format_and_every_number_points_to_an_entry(key_traces, policy):
    """Text, Markdown, HTML and JSON end with the same numbered sources; every [n] in the body has an entry, every entry is used."""
    trace = key_traces[policy]
    count = len(trace.sources)
    assert count > 3 and [s.number for s in trace.sources] == list(range(1, count + 1))
    every = set(range(1, count + 1))
    body, sources = _split(render_text(trace), "\nSources:\n")
    assert _numbers(body) == every and [int(n) for n in re.findall(r"^  \[(\d+)\] ", sources, re.M)] == sorted(every)
    body, sources = _split(render_markdown(trace), "\n## Sources\n")
    assert _numbers(body) == every and [int(n) for n in re.findall(r"^- \[(\d+)\] ", sources, re.M)] == sorted(every)
    page = render_html(trace)
    assert {int(n) for n in re.findall(r'href="#source-(\d+)"', page)} == every
    assert [int(n) for n in re.findall(r'<li id="source-(\d+)"', page)] == sorted(every)
    as_json = json.loads(json.dumps(trace.to_dict()))
    cited = {c["number"] for e in as_json["engagements"] for part in ("reasons", "statements", "raised_by")
             for item in e[part] for c in item["citations"]}
    assert cited == every and [s["number"] for s in as_json["sources"]] == sorted(every)


def test_sources_list_names_the_record_and_its_document_symbol(bundled, key_traces):
    """A UN document cited by its address is listed under its source record: title, body, date, symbol and URL."""
    entries = {s.id: s for s in key_traces["bill-2021-immigration-control-revision"].sources if s.id}
    crc = entries["un-doc-crc-c-jpn-co-3"]
    assert (crc.publisher, crc.date, crc.symbol) == ("Committee on the Rights of the Child", "2010-06-11", "CRC/C/JPN/CO/3")
    petition = entries["smj-petition-2021"]
    assert petition.file == "000_a68cdac0159b5dfb.txt" and petition.url == "https://migrants.jp/"
    text = render_text(key_traces["bill-2021-immigration-control-revision"])
    assert (f"  [{petition.number}] Let Them Live in Japan! Grant Immigrants, Asylum Seekers and their Families Residency Status "
            "to Live in Japan! — Solidarity Network with Migrants Japan, 2021. https://migrants.jp/ (local copy: 000_a68cdac0159b5dfb.txt)\n") in text


class _Anchors(HTMLParser):
    """Links, their text, and element ids, from a page as the browser built it."""

    def __init__(self) -> None:
        super().__init__()
        self.links: list[list[str]] = []  # [href, text]
        self.ids: set[str] = set()
        self._open: list[str] | None = None

    def handle_starttag(self, tag, attrs):  # noqa: ANN001
        attrs = dict(attrs)
        if attrs.get("id"):
            self.ids.add(attrs["id"])
        if tag == "a":
            self._open = [attrs.get("href") or "", ""]
            self.links.append(self._open)

    def handle_data(self, data):  # noqa: ANN001
        if self._open is not None:
            self._open[1] += data

    def handle_endtag(self, tag):  # noqa: ANN001
        if tag == "a":
            self._open = None


def _chromium_dom(page: Path, tmp_path: Path) -> str:
    browser = shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")
    if not browser:
        pytest.skip("no Chromium on this machine (Debian package 'chromium'; .ci/run installs it)")
    flags = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
             "--disable-component-update", "--disable-sync", f"--user-data-dir={tmp_path / 'profile'}"]
    dom = subprocess.run([browser, *flags, "--dump-dom", page.as_uri()], capture_output=True, text=True, timeout=120)
    assert dom.returncode == 0, dom.stderr[-2000:]
    return dom.stdout


@pytest.mark.parametrize("which", ["policy", "inverse"])
def test_html_sources_have_no_blank_anchor_in_chromium(bundled, tmp_path, which):
    """In the page Chromium builds, every link has text and a target, every #source-n link lands on an entry, and
    every entry is linked to; the inverse page (several traces) keeps each trace's anchors apart."""
    if which == "policy":
        html = render_html(trace_policy(bundled, "titp", as_of="2025-06-30"))
    else:
        html = render_provision_html(trace_provision(bundled, "iccpr-art-8", as_of="2025-06-30", min_strength="group"))
    page = tmp_path / "trace.html"
    page.write_text(html, encoding="utf-8")
    found = _Anchors()
    found.feed(_chromium_dom(page, tmp_path))
    assert found.links, "no links in the page"
    for href, text in found.links:
        assert href.strip() and href != "#" and text.strip(), (href, text)
        if href.startswith("#"):
            assert href[1:] in found.ids, href
    entries = {i for i in found.ids if re.fullmatch(r"(?:[\w-]+-)?source-\d+", i)}
    assert entries and entries == {href[1:] for href, _ in found.links if href.startswith("#")}
    if which == "inverse":
        assert len({i.rsplit("source-", 1)[0] for i in entries}) > 1  # one prefix per policy's trace


# -- what the report cannot see --------------------------------------------------------------------

def test_coverage_note_on_a_review_without_recommendations(world):
    """The fixture's committee reviewed the state, but no recommendation of that review is recorded: the note says so,
    with the partly recorded document, the missing cited engagement and the treaty with no provision."""
    trace = trace_policy(world, "expulsion-act", as_of="2030")
    assert [(g.kind, g.ids) for g in trace.cannot_see] == [
        ("review-without-recommendations", ["cttee-review-2019"]),
        ("partial-source", ["cttee-review-doc"]),
        ("no-cited-engagement", ["expulsion-act"]),
        ("treaty-without-provisions", ["t-empty"]),
    ]
    text = render_text(trace)
    assert "\nWhat this report cannot see:\n  • A review of Silvania by the Recorded Treaty Committee (RTC/C/SV/CO/1, 2019-10-10) " \
           "is recorded only as an event: none of its recommendations is in the data.\n" in text
    assert "\n## What this report cannot see\n" in render_markdown(trace)
    assert "<h2>What this report cannot see</h2>" in render_html(trace)


def test_coverage_note_follows_the_data(world, tmp_path):
    """Once a recommendation from the review and a cited engagement are recorded, those two lines go."""
    extra = tmp_path / "more.ttl"
    extra.write_text(
        "@prefix pg: <https://w3id.org/policygraph/ontology#> .\n@prefix id: <https://w3id.org/policygraph/id/> .\n"
        "id:rec-1 a pg:Recommendation ; pg:actor id:cttee ; pg:documentSymbol \"RTC/C/SV/CO/1\" ; pg:provision id:t-rec-art-1 .\n"
        "id:eng-1 a pg:Engagement ; pg:policy id:expulsion-act ; pg:provision id:t-rec-art-1 .\n",
        encoding="utf-8",
    )
    more = load_graph([WORLD, extra], bundled=False)
    kinds = [g.kind for g in trace_policy(more, "expulsion-act", as_of="2030").cannot_see]
    assert kinds == ["partial-source", "treaty-without-provisions"]


def test_coverage_note_reviews_only_of_the_engaged_treaties_bodies(world):
    """Restricted to a treaty its committee does not monitor, the trace names no review of that committee."""
    trace = trace_policy(world, "expulsion-act", as_of="2030", treaties=("t-days",))
    assert "review-without-recommendations" not in [g.kind for g in trace.cannot_see]
