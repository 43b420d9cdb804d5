"""The generated site in headless Chromium, with the network cut off: search, traces, declarations, the network, axe-core."""

from __future__ import annotations

import json

import pytest

BILL = "bill-2021-immigration-control-revision"


@pytest.mark.parametrize("query", ["TITP", "技能実習"])
def test_search_finds_the_programme(visit, query):
    """Searching for the alias or the Japanese label lists the TITP page, from the page's own search box under file://."""
    page = visit.open("index.html")
    page.fill("#home-search", query)
    page.press("#home-search", "Enter")
    page.wait_for_selector("#search-results li a")
    hrefs = page.eval_on_selector_all("#search-results li a", "links => links.map(a => a.href)")
    assert any(href.endswith("/policy/titp/index.html") for href in hrefs), hrefs
    assert visit.errors == []


def test_bill_page_lists_cited_articles_with_quotes(visit, invoke):
    """The 2021 bill's page shows CRC Art. 3(1) and Refugee Convention Art. 33, each with the quotes the trace cites."""
    trace = json.loads(invoke("trace", BILL, "--format", "json").output)
    page = visit.open(f"policy/{BILL}/index.html")
    for provision in ("crc-art-3-1", "refugee-convention-art-33"):
        engagement = next(e for e in trace["engagements"] if e["provision"] == provision)
        quotes = [c["quote"] for r in engagement["reasons"] for c in r["citations"]]
        assert quotes, provision
        item = page.locator(f'li.engagement[data-provision="{provision}"]')
        text = item.inner_text()
        assert engagement["provision_label"] in text
        for quote in quotes:
            assert " ".join(quote.split()) in " ".join(text.split())


def test_crc_art_9_page_shows_japans_declaration(visit, invoke):
    """The CRC Art. 9 page quotes Japan's declaration on 9(1), as the reservations query returns it."""
    result = invoke("query", "reservations", "--param", "treaty=crc", "--format", "json")
    rows = json.loads(result.output)["results"]["bindings"]
    declaration = next(r for r in rows if r["provision"]["value"].endswith("/crc-art-9-1") and r["kind"]["value"] == "declaration")
    page = visit.open("provision/crc-art-9/index.html")
    text = " ".join(page.locator("section[aria-labelledby=statements]").inner_text().split())
    assert " ".join(declaration["text"]["value"].split()) in text
    assert "declaration" in text


def test_network_page_draws_nodes(visit):
    """The network page draws on its canvas (some pixel is painted) and logs no error."""
    page = visit.open("network/index.html")
    page.wait_for_selector("#network canvas")
    page.wait_for_timeout(500)
    painted = page.evaluate(
        """() => Array.from(document.querySelectorAll('#network canvas')).some(canvas => {
             if (!canvas.width || !canvas.height) return false;
             const pixels = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
             for (let i = 3; i < pixels.length; i += 4) if (pixels[i] !== 0) return true;
             return false;
           })"""
    )
    assert painted
    assert page.locator("#network-legend li").count() > 5
    assert visit.errors == []


@pytest.mark.parametrize("path", ["index.html", f"policy/{BILL}/index.html", "provision/crc-art-9/index.html", "ja/policy/titp/index.html"])
def test_axe_finds_no_serious_violation(visit, axe_script, path):
    """axe-core reports no serious or critical accessibility violation on the home, a policy and a provision page."""
    page = visit.open(path)
    page.add_script_tag(content=axe_script)
    result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    serious = [
        f"{v['id']} ({v['impact']}): {v['help']} — {[n['target'] for n in v['nodes'][:3]]}"
        for v in result["violations"]
        if v["impact"] in ("serious", "critical")
    ]
    assert serious == []


def test_keyboard_reaches_the_skip_link_first(visit):
    """The first Tab stop is the skip link, and following it moves focus to the main content."""
    page = visit.open(f"policy/{BILL}/index.html")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.className") == "skip"
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"
