"""The site for the bundled data, generated ONCE per test run through the CLI, and a headless Chromium to read it.

With pytest-xdist the site's test files run on different workers; the first to ask builds the site in the
run's shared temporary folder, under a lock, and the others read that one (a build is ~15 s of CPU).

The browser tests drive Debian's Chromium (/usr/bin/chromium) with Playwright; they skip, saying why, where either
is missing. Every page a test opens runs with the network cut off: any request that is not a file inside the
site's folder is refused and recorded, and the test fails on it.
"""

from __future__ import annotations

import fcntl
import os
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

CHROMIUM = os.environ.get("POLICYGRAPH_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
AXE = Path(__file__).parents[1] / "fixtures" / "vendor" / "axe.min.js"


@pytest.fixture(scope="session")
def site(tmp_path_factory, worker_id):
    """``policygraph site -o DIR`` on the bundled data, built once for all workers; the folder (read-only by convention)."""
    from policygraph.cli import main

    shared = tmp_path_factory.getbasetemp() if worker_id == "master" else tmp_path_factory.getbasetemp().parent
    folder, done = shared / "bundled-site" / "site", shared / "bundled-site" / "built"
    folder.parent.mkdir(exist_ok=True)
    with open(shared / "bundled-site.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # released when the file closes
        if not done.exists():
            result = CliRunner().invoke(main, ["site", "-o", str(folder)], catch_exceptions=False)
            assert result.exit_code == 0, result.output
            done.touch()
    return folder


@pytest.fixture(scope="session")
def axe_script() -> str:
    """axe-core (tests/fixtures/vendor/), injected into the pages it checks: the site never ships it."""
    return AXE.read_text(encoding="utf-8")


@pytest.fixture(scope="session")
def browser():
    """A headless Chromium (the system's), shared by the session."""
    if not Path(CHROMIUM).is_file():
        pytest.skip(f"no Chromium at {CHROMIUM} (install Debian's chromium, or set POLICYGRAPH_CHROMIUM)")
    sync_api = pytest.importorskip("playwright.sync_api", reason="Playwright for Python is not installed (pip install playwright)")
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM)
        yield browser
        browser.close()


class Visit:
    """A browser page on the site with the network cut off, recording what it requested and logged."""

    def __init__(self, browser, folder: Path):  # noqa: ANN001 - a Playwright Browser
        self.folder = folder.resolve()
        self.context = browser.new_context()
        self.context.route("**/*", self._gate)
        self.page = self.context.new_page()
        self.requests: list[str] = []
        self.outside: list[str] = []
        self.errors: list[str] = []
        self.page.on("request", lambda request: self.requests.append(request.url))
        self.page.on("console", lambda message: message.type == "error" and self.errors.append(message.text))
        self.page.on("pageerror", lambda error: self.errors.append(str(error)))

    def _gate(self, route) -> None:  # noqa: ANN001 - a Playwright Route
        if self._inside(route.request.url):
            route.continue_()
        else:
            self.outside.append(route.request.url)
            route.abort()

    def _inside(self, url: str) -> bool:
        from urllib.parse import unquote, urlsplit

        parts = urlsplit(url)
        return parts.scheme == "file" and Path(unquote(parts.path)).resolve().is_relative_to(self.folder)

    def open(self, path: str):  # noqa: ANN201 - a Playwright Page
        """Open ``path`` (relative to the site's folder, may carry ``?query``) and wait for it to load."""
        self.page.goto((self.folder / path).as_uri() if "?" not in path else (self.folder.as_uri() + "/" + path))
        return self.page


@pytest.fixture
def visit(browser, site):
    """Open site pages in a fresh browser context; at the end, no request may have left the folder."""
    visits = Visit(browser, site)
    yield visits
    try:
        assert visits.outside == [], f"requests outside the site's folder: {visits.outside}"
        assert all(visits._inside(url) for url in visits.requests), visits.requests
    finally:
        visits.context.close()
