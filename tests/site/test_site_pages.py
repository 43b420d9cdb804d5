"""Rendering without a graph: the trace templates show fields they do not know, and gather every citation."""

from __future__ import annotations

from policygraph.site.build import render_pages
from policygraph.site.model import Entity, SiteData
from policygraph.site.pages import citations, site_pages


def _data(trace: dict) -> SiteData:
    entities = {
        "p": Entity("p", "policy", "law", labels={"en": "A law", "ja": "法律"}),
        "t": Entity("t", "treaty", "treaty", labels={"en": "A treaty"}),
        "t-art-1": Entity("t-art-1", "provision", "provision", labels={"en": "Art. 1"}),
        "src": Entity("src", "source", "source", labels={"en": "A report"}),
    }
    return SiteData(entities, {"p": trace}, {}, {}, {}, {}, [], {}, "v1", "2026-01-02", None)


def _trace(**extra) -> dict:
    engagement = {
        "provision": "t-art-1", "provision_label": "Art. 1", "article": "1", "summary": None, "treaty": "t",
        "treaty_label": "A treaty", "strength": "cited", "binding": {"status": "in-force", "note": "in force", "since": None},
        "reasons": [], "statements": [], "raised_by": [],
    }
    engagement.update(extra.pop("engagement", {}))
    return {
        "schema": "policygraph-trace/1", "policy": "p", "policy_label": "A law", "policy_type": "law", "status": None,
        "dates": {}, "state": "s", "state_label": "S", "as_of": "2026-01-01", "as_of_basis": "given",
        "engagements": [engagement], "context": [], "filters": {}, **extra,
    }


def test_render_pages_shows_fields_the_trace_gains(tmp_path):
    """A field the templates do not name (on the trace or on an engagement) is still shown, and its citations gathered."""
    cited = {"source": "src", "locator": "p. 4", "quote": "the words relied on"}
    data = _data(_trace(coverage_note="only paragraphs 1-3 read", engagement={"relevance": "high", "sources_read": [cited]}))
    render_pages(tmp_path, site_pages(data), data, "en")
    page = (tmp_path / "policy" / "p" / "index.html").read_text(encoding="utf-8")
    assert "coverage note" in page and "only paragraphs 1-3 read" in page
    assert "relevance" in page and "high" in page
    assert "<q>the words relied on</q>" in page and '<a href="../../source/src/index.html">A report</a>' in page
    assert (tmp_path / "ja" / "policy" / "p" / "index.html").read_text(encoding="utf-8").count("<h1>法律</h1>") == 1


def test_citations_are_gathered_once_in_order():
    """Every mapping with a quote and a source or URL counts, once, wherever it is nested."""
    first = {"source": "a", "locator": "1", "quote": "q1"}
    second = {"url": "https://example.org/x", "locator": None, "quote": "q2"}
    found = citations({"x": [first, {"deeper": (second, dict(first))}], "y": "not a citation"})
    assert [c["quote"] for c in found] == ["q1", "q2"]


def test_render_pages_lang_ja_puts_japanese_at_the_root(tmp_path):
    """--lang ja: Japanese pages at the root, English under en/, each linking to the same page in the other."""
    data = _data(_trace())
    render_pages(tmp_path, site_pages(data), data, "ja")
    root = (tmp_path / "policy" / "p" / "index.html").read_text(encoding="utf-8")
    english = (tmp_path / "en" / "policy" / "p" / "index.html").read_text(encoding="utf-8")
    assert '<html lang="ja">' in root and "<h1>法律</h1>" in root
    assert '<html lang="en">' in english and "<h1>A law</h1>" in english
    assert 'href="../../en/policy/p/index.html" hreflang="en"' in root
    assert 'href="../../../policy/p/index.html" hreflang="ja"' in english
