"""benchmarks/generate.py: the synthetic graph is deterministic, about the size asked, and valid under the shapes."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

from policygraph import load_graph
from policygraph.terms import PG, RDF
from policygraph.validation.validate import validate

REPO = Path(__file__).parents[1]


@pytest.fixture(scope="module")
def generate():
    spec = importlib.util.spec_from_file_location("generate", REPO / "benchmarks" / "generate.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_generate_is_deterministic(generate):
    """The same size and seed give the same text; another seed another graph."""
    assert generate.generate(3000, seed=2) == generate.generate(3000, seed=2)
    assert generate.generate(3000, seed=2)[0] != generate.generate(3000, seed=3)[0]


@pytest.mark.parametrize("size", [8000, 15000])
def test_generate_reaches_the_size_and_validates(generate, tmp_path, size):
    """The graph has about the triples asked for and no violation or warning under the bundled shapes."""
    text, counted = generate.generate(size)
    path = tmp_path / "synthetic.ttl"
    path.write_text(text, encoding="utf-8")
    loaded = load_graph([path], bundled=False)
    ontology = len(load_graph([], bundled=False).graph)
    assert size <= counted <= size + 200
    assert abs((len(loaded.graph) - ontology) - counted) <= counted // 100  # duplicates collapse
    report = validate(loaded)
    assert report.counts["violation"] == 0 and report.counts["warning"] == 0
    kinds = {str(o).rsplit("#", 1)[-1] for o in loaded.graph.objects(None, RDF.type) if str(o).startswith(str(PG._NS))}
    assert {"Law", "Position", "Engagement", "Participation", "Provision", "CivilSocietyOrganization"} <= kinds


def test_parse_size(generate):
    """10k, 1M and plain numbers; too small is refused."""
    assert generate.parse_size("10k") == 10_000
    assert generate.parse_size("1M") == 1_000_000
    assert generate.parse_size("2500") == 2500
    with pytest.raises(ValueError, match="too small"):
        generate.parse_size("10")
