"""The public API (policygraph/__init__.py): __all__ is what docs/api.md documents, and its examples run."""

from __future__ import annotations

import doctest
import re
import subprocess
import sys
from pathlib import Path

import pytest

import policygraph

REPO = Path(__file__).parents[1]
API_DOC = REPO / "docs" / "api.md"


def test_all_is_the_documented_list():
    """The names in the table under "All names" of docs/api.md are exactly policygraph.__all__, in order."""
    text = API_DOC.read_text(encoding="utf-8")
    table = text.split("## All names", 1)[1].split("\n## ", 1)[0]
    documented = re.findall(r"^\| `([A-Za-z_]+)` \|", table, re.MULTILINE)
    assert documented == list(policygraph.__all__)


def test_every_name_resolves():
    """Each name of __all__ is importable from the package, and nothing private leaks through __getattr__."""
    for name in policygraph.__all__:
        assert getattr(policygraph, name) is not None
    with pytest.raises(AttributeError, match="has no attribute 'run_query'"):
        policygraph.run_query  # noqa: B018


def test_import_is_light():
    """`import policygraph` loads none of the heavy libraries; using a name does."""
    probe = "import sys, policygraph; print(' '.join(sorted(m for m in ('rdflib', 'pyoxigraph', 'networkx', 'pandas') if m in sys.modules)))"
    assert subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True).stdout == "\n"


def test_docs_api_examples(monkeypatch):
    """Every example in docs/api.md runs and prints what the page says (as `python -m doctest` would)."""
    pytest.importorskip("pandas")
    monkeypatch.chdir(REPO)
    flags = doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE
    failures, tried = doctest.testfile(str(API_DOC), module_relative=False, optionflags=flags, report=True)
    assert tried > 40
    assert failures == 0
