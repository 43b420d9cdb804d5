"""Shared fixtures: the bundled graph (built once), a CLI runner, golden files, the shared folder."""

from __future__ import annotations

import difflib
from pathlib import Path

import pytest
from click.testing import CliRunner

TESTS = Path(__file__).parent
REPO = TESTS.parent
SHARED = REPO.parent / "shared"


def pytest_addoption(parser):
    parser.addoption("--update-golden", action="store_true", help="Rewrite golden files from the current output.")


@pytest.fixture(scope="session", autouse=True)
def graph_cache(tmp_path_factory):
    """Every command of the session (in-process or a subprocess) caches its graph in one fresh folder.

    The tests never touch the user's own cache, and the goldens are produced through the cache, as a
    user gets them; tests/graph/test_cache.py compares them with ``--no-cache``.
    """
    import os

    folder = tmp_path_factory.mktemp("graph-cache")
    previous = os.environ.get("POLICYGRAPH_CACHE_DIR")
    os.environ["POLICYGRAPH_CACHE_DIR"] = str(folder)
    yield folder
    if previous is None:
        del os.environ["POLICYGRAPH_CACHE_DIR"]
    else:
        os.environ["POLICYGRAPH_CACHE_DIR"] = previous


@pytest.fixture(scope="session")
def bundled():
    """The bundled Japan graph, built once per test session."""
    from policygraph import load_graph

    return load_graph()


@pytest.fixture(scope="session")
def free_port():
    """A function giving a TCP port nothing listens on right now, on 127.0.0.1 (for the servers tests start)."""
    import socket

    def pick() -> int:
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            return probe.getsockname()[1]

    return pick


@pytest.fixture
def runner():
    return CliRunner()


@pytest.fixture
def invoke(runner):
    """Run the CLI in-process: ``invoke("show", "crc")`` → click Result."""
    from policygraph.cli import main

    def run(*args, **kwargs):
        return runner.invoke(main, [str(a) for a in args], catch_exceptions=False, **kwargs)

    return run


@pytest.fixture
def golden(request):
    """``golden("module/name.txt", text)`` compares with tests/golden/...; --update-golden rewrites."""
    update = request.config.getoption("--update-golden")

    def check(name: str, actual: str) -> None:
        path = TESTS / "golden" / name
        if update or not path.exists():
            if not update:
                pytest.fail(f"golden file {path} is missing; run pytest --update-golden to create it")
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(actual, encoding="utf-8")
            return
        expected = path.read_text(encoding="utf-8")
        if actual != expected:
            diff = "".join(difflib.unified_diff(expected.splitlines(True), actual.splitlines(True), "golden", "actual"))
            pytest.fail(f"output differs from {path} (pytest --update-golden to accept):\n{diff[:4000]}")

    return check


@pytest.fixture
def shared():
    """The ../shared folder (source texts, reference, schemas); skips where it is absent."""
    if not SHARED.is_dir():
        pytest.skip("../shared is not beside the repository (source texts and schemas live there)")
    return SHARED
