"""docs/ontology.html is what docs/build_ontology_docs.py makes of the ontology today (no drift)."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

ROOT = Path(__file__).parents[2]

pytest.importorskip("pylode", reason="pyLODE is not installed (pip install -e '.[docs]')")


def test_ontology_page_matches_the_ontology(tmp_path):
    spec = importlib.util.spec_from_file_location("build_ontology_docs", ROOT / "docs" / "build_ontology_docs.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    fresh = tmp_path / "ontology.html"
    assert module.main([str(fresh)]) == 0
    committed = (ROOT / "docs" / "ontology.html").read_text(encoding="utf-8")
    generated = fresh.read_text(encoding="utf-8")
    assert "<title>policygraph ontology</title>" in generated
    assert generated == committed, "docs/ontology.html is stale: run python docs/build_ontology_docs.py"
