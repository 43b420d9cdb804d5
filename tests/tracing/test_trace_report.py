"""The trace reports: text, Markdown and JSON golden files on the bundled data, and the HTML report in a real browser."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from policygraph.tracing.report import render_markdown, render_text
from policygraph.tracing.report_html import render_html
from policygraph.tracing.trace import trace_policy

WORLD = Path(__file__).parents[1] / "fixtures" / "trace"

# The three policies the README and the issue name, each with the date it is judged on.
BUNDLED_CASES = [
    ("bill-2021-immigration-control-revision", None),
    ("law-2023-immigration-control-amendment", "2024-06-10"),
    ("titp", "2025-06-30"),  # in place: judged today by default, so the golden names a date
]


@pytest.mark.parametrize("policy, as_of", BUNDLED_CASES, ids=[p for p, _ in BUNDLED_CASES])
@pytest.mark.parametrize("fmt", ["txt", "md", "json"])
def test_trace_report_golden(bundled, golden, policy, as_of, fmt):
    """Each report format on the three key policies matches its reviewed golden file."""
    trace = trace_policy(bundled, policy, as_of=as_of)
    render = {"txt": render_text, "md": render_markdown, "json": lambda t: json.dumps(t.to_dict(), ensure_ascii=False, indent=2) + "\n"}
    golden(f"trace/{policy}.{fmt}", render[fmt](trace))


def test_context_lines_have_no_empty_part_before_a_date(bundled):
    """A recommendation recorded without a document symbol reads 'Committee …, (2020-09-24)', not 'Committee …,  (2020-09-24)'."""
    trace = trace_policy(bundled, "titp", as_of="2025-06-30")
    follow_up = next(item for item in trace.context if item.id == "cerd-follow-up-2020-titp-licensing")
    assert follow_up.detail == "Committee on the Elimination of Racial Discrimination (2020-09-24)"
    for line in render_text(trace).splitlines():
        assert ",  " not in line and ", (" not in line, line


def _provisions(trace):
    return {e.provision: e for e in trace.engagements}


def test_trace_2021_bill_engages_the_key_provisions(bundled):
    """The 2021 bill engages non-refoulement, CAT 3, ICCPR 7, 9, 17/23 and CRC 3 and 9, and CMW only as a standard."""
    engaged = _provisions(trace_policy(bundled, "bill-2021-immigration-control-revision"))
    for provision in ("refugee-convention-art-33", "cat-art-3", "iccpr-art-7", "iccpr-art-9", "crc-art-3-1", "crc-art-9"):
        assert provision in engaged, provision
    assert {"iccpr-art-17", "iccpr-art-23"} & set(engaged)
    assert engaged["refugee-convention-art-33"].strength == "cited"
    assert engaged["refugee-convention-art-33"].binding.status == "in-force"
    cmw = [e for e in engaged.values() if e.treaty == "cmw"]
    assert cmw and all(e.binding.status == "not-party" for e in cmw)
    declarations = [s for s in engaged["crc-art-9"].statements if s.kind == "declaration"]
    assert declarations and "deportation" in (declarations[0].text or "")


def test_trace_refugee_convention_not_yet_binding_in_1980(bundled):
    """--as-of 1980-01-01: the Refugee Convention is not yet binding (in force for Japan 1982-01-01)."""
    engaged = _provisions(trace_policy(bundled, "icrra", as_of="1980-01-01", treaties=("refugee-convention",)))
    assert engaged, "the Act engages Refugee Convention provisions"
    for engagement in engaged.values():
        assert engagement.binding.status == "not-yet-in-force"
        assert "from 1982-01-01" in engagement.binding.note


def _chromium():
    return shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")


def test_trace_html_renders_in_chromium(tmp_path):
    """Headless Chromium renders the HTML report: the text is there, and a screenshot is produced."""
    browser = _chromium()
    if not browser:
        pytest.skip("no Chromium on this machine (Debian package 'chromium'; .ci/run installs it)")
    from policygraph import load_graph

    page = tmp_path / "trace.html"
    page.write_text(render_html(trace_policy(load_graph([WORLD], bundled=False), "bill", min_strength="group")), encoding="utf-8")
    flags = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
             "--disable-component-update", "--disable-sync", f"--user-data-dir={tmp_path / 'profile'}"]
    dom = subprocess.run([browser, *flags, "--dump-dom", page.as_uri()], capture_output=True, text=True, timeout=120)
    assert dom.returncode == 0, dom.stderr[-2000:]
    for text in ("Treaty obligations engaged by Removal Bill", "A Art. 1: no removal to harm", "not applicable to removal", "Statia is not a party"):
        assert text in dom.stdout
    shot = tmp_path / "trace.png"
    subprocess.run([browser, *flags, f"--screenshot={shot}", "--window-size=1200,1600", page.as_uri()], capture_output=True, timeout=120)
    assert shot.exists() and shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and shot.stat().st_size > 10_000


def test_raised_line_leaves_out_what_the_record_lacks():
    """A recommendation with no document or paragraph prints no stray comma or space before its date."""
    from policygraph.tracing.model import Raised
    from policygraph.tracing.report import _raised_head

    bare = Raised(id="r", kind="recommendation", by=["CERD"], summary="", date="2020-09-24", text="t", citations=[])
    assert _raised_head(bare) == "CERD — (2020-09-24)"
    full = Raised(id="r", kind="recommendation", by=["CERD"], summary="CERD/C/JPN/CO/10-11, para 35", date=None, text=None, citations=[])
    assert _raised_head(full) == "CERD — CERD/C/JPN/CO/10-11, para 35"


def test_markdown_quotes_render_apart_from_their_bullet(bundled):
    """Rendered by a CommonMark parser, each quote under a reason is a blockquote of its own inside the list
    item, not text run into the bullet's sentence."""
    from markdown_it import MarkdownIt

    text = render_markdown(trace_policy(bundled, "bill-2021-immigration-control-revision"))
    page = MarkdownIt("commonmark").render(text)
    quotes = text.count("\n  > ")
    assert 0 < page.count("<blockquote>") <= quotes  # quotes under one reason share a blockquote, a line each
    assert "&gt; \u201c" not in page  # no quote marker left as text
    cited = page[page.index("<li>cited: SMJ argues that pressing children") :]
    item = cited[: cited.index("</li>")]
    assert item.index("(argued by Solidarity Network with Migrants Japan)") < item.index("<blockquote>")
    assert "Japan has an obligation" in item[item.index("<blockquote>") :]
