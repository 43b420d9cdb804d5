"""The generated site without a browser: links, the trace on the policy pages, the inverse, the folder swap, the CLI."""

from __future__ import annotations

import json
import posixpath
import threading
import urllib.request
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest

from policygraph.site.build import MARKER

BILL = "bill-2021-immigration-control-revision"


class _Collector(HTMLParser):
    """The links (href, src) of a page and the values of one data attribute, in document order."""

    def __init__(self, attribute: str = "data-provision"):
        super().__init__()
        self.links: list[str] = []
        self.values: list[str] = []
        self.attribute = attribute

    def handle_starttag(self, tag, attrs):  # noqa: ANN001 - HTMLParser's interface
        for name, value in attrs:
            if name in ("href", "src") and value:
                self.links.append(value)
            if name == self.attribute:
                self.values.append(value)


def _parse(path: Path, attribute: str = "data-provision") -> _Collector:
    collector = _Collector(attribute)
    collector.feed(path.read_text(encoding="utf-8"))
    return collector


def test_site_every_internal_link_resolves(site):
    """Every href and src of every page that is not an external http(s) link names a file of the site."""
    pages = sorted(site.rglob("*.html"))
    assert len(pages) > 1000
    assert not any(path.is_symlink() for path in site.rglob("*"))  # so a file's path within the site is the one to follow
    files = {path.relative_to(site).as_posix() for path in site.rglob("*") if path.is_file()}  # 80,000 links: a set, not a stat each
    broken = []
    for page in pages:
        here = page.relative_to(site).as_posix()
        for link in _parse(page).links:
            parts = urlsplit(link)
            if parts.scheme in ("http", "https"):
                continue
            assert parts.scheme == "" and not link.startswith("/"), f"{page}: {link} is not relative"
            target = posixpath.normpath(posixpath.join(posixpath.dirname(here), unquote(parts.path))) if parts.path else here
            if target not in files:  # a path leaving the site starts with ../ and is in no set of its files
                broken.append(f"{here}: {link}")
    assert broken == []


def test_site_has_the_pages_the_issue_names(site):
    """Stable URLs for the home, lists, policies, treaties, provisions, bodies, sources, timeline, network, search; both languages."""
    for path in ("index.html", "search/index.html", "timeline/index.html", "network/index.html", "source/index.html",
                 f"policy/{BILL}/index.html", "treaty/crc/index.html", "provision/crc-art-9/index.html",
                 "body/smj/index.html", "source/smj-petition-2021/index.html", "policy/titp/index.html"):
        assert (site / path).is_file(), path
        assert (site / "ja" / path).is_file(), "ja/" + path
    assert (site / MARKER).is_file()
    for name in ("minisearch.umd.js", "minisearch.LICENSE.txt", "cytoscape.min.js", "cytoscape.LICENSE.txt"):
        assert (site / "static" / "vendor" / name).is_file(), name


def test_site_japanese_pages_use_japanese_labels(site):
    """The Japanese TITP page is titled with its Japanese label, in a page marked lang="ja"."""
    text = (site / "ja" / "policy" / "titp" / "index.html").read_text(encoding="utf-8")
    assert '<html lang="ja">' in text
    assert "<h1>技能実習制度</h1>" in text
    assert "<h1>Technical Intern Training Program</h1>" in (site / "policy" / "titp" / "index.html").read_text(encoding="utf-8")


def test_site_policy_obligations_equal_trace_json(site, invoke):
    """A policy page lists the provisions of `trace POLICY --format json`, the same ids in the same order, on the same date."""
    for policy in (BILL, "titp"):
        result = invoke("trace", policy, "--format", "json")
        assert result.exit_code == 0
        trace = json.loads(result.output)
        page = site / "policy" / policy / "index.html"
        assert _parse(page).values == [e["provision"] for e in trace["engagements"]]
        assert f"<time>{trace['as_of']}</time>" in page.read_text(encoding="utf-8")


def test_site_provision_page_is_the_inverse_trace(site, bundled):
    """The CRC Art. 9 page lists the policies trace_provision finds, each with the same engaged provisions."""
    from policygraph.tracing.trace import trace_provision

    expected = {t.policy: sorted(e.provision for e in t.engagements) for t in trace_provision(bundled, "crc-art-9").traces}
    text = (site / "provision" / "crc-art-9" / "index.html").read_text(encoding="utf-8")
    section = text[text.index('id="engaging"') : text.index("</section>", text.index('id="engaging"'))]
    shown: dict[str, list[str]] = {}
    for block in section.split('<li data-policy="')[1:]:
        policy = block[: block.index('"')]
        shown[policy] = sorted(value.split('"')[0] for value in block.split('data-provision="')[1:])
    assert expected and shown == expected


def test_site_every_page_carries_version_and_citations(site):
    """Each page names the dataset version and build date, and has its citations section."""
    for page in (site / "index.html", site / "policy" / BILL / "index.html", site / "ja" / "treaty" / "crc" / "index.html"):
        text = page.read_text(encoding="utf-8")
        version = (site / MARKER).read_text(encoding="utf-8").split("dataset ")[1].split(",")[0]
        assert f"<code>{version}</code>" in text and '<time datetime="' in text
        assert 'id="page-citations"' in text


def test_site_refuses_a_folder_it_did_not_build(tmp_path, invoke):
    """-o on a folder holding other files: exit 2, one line, and the files stay."""
    folder = tmp_path / "documents"
    folder.mkdir()
    (folder / "thesis.txt").write_text("mine", encoding="utf-8")
    result = invoke("site", "-o", folder)
    assert result.exit_code == 2
    assert result.output == f"error: {folder} is not empty and was not built by policygraph site " \
        "(give a new or empty folder: the build replaces the whole folder)\n"
    assert [p.name for p in folder.iterdir()] == ["thesis.txt"]


def test_site_failed_build_leaves_the_old_site(site, tmp_path, invoke):
    """A build that fails (a bad --as-of) leaves the site there as it was, and no temporary folder beside it."""
    folder = tmp_path / "site"
    folder.mkdir()
    (folder / MARKER).write_text("old\n", encoding="utf-8")
    (folder / "index.html").write_text("old site", encoding="utf-8")
    result = invoke("site", "-o", folder, "--as-of", "2021-13-45")
    assert result.exit_code == 2 and result.output.startswith("error: ")
    assert (folder / "index.html").read_text(encoding="utf-8") == "old site"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["site"]


def test_site_serve_previews_on_localhost(site):
    """site_server answers on 127.0.0.1 with the site's files."""
    from policygraph.site.serve import site_server

    server = site_server(site, 0)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        host, port = server.server_address[:2]
        assert host == "127.0.0.1"
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/policy/titp/index.html", timeout=10) as response:
            assert response.status == 200 and "技能実習制度" in response.read().decode("utf-8")
    finally:
        server.shutdown()
        server.server_close()


@pytest.mark.parametrize("args, message", [(("--lang", "fr"), "Invalid value for '--lang'")])
def test_site_bad_options_exit_2(invoke, tmp_path, args, message):
    """An unknown language is a usage error (exit 2)."""
    result = invoke("site", "-o", tmp_path / "s", *args)
    assert result.exit_code == 2 and message in result.output
