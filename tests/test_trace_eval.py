"""benchmarks/trace_eval.py: its precision and recall on a small labelled world, checked against numbers worked out by hand."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

from policygraph import load_graph

REPO = Path(__file__).parents[1]
FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture(scope="module")
def trace_eval():
    spec = importlib.util.spec_from_file_location("trace_eval", REPO / "benchmarks" / "trace_eval.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules["trace_eval"] = module  # dataclasses look their module up while the class is made
    spec.loader.exec_module(module)
    yield module
    del sys.modules["trace_eval"]


def test_trace_eval_arithmetic_on_the_trace_world(trace_eval):
    """By hand: the trace gives bill × ta-art-1 cited, bill × tb-art-9 and act × ta-art-1 by practice, bill × tc-art-3 by
    status, bill × ta-art-2(1) and bill × guide-objective-1 by group; 5 of the 8 judgments say engaged.
    Per strength: cited 1/1, practice 1/2, status 1/1, group 1/2. Cumulative: at cited 1 shown, 1 right (recall 1/5);
    at practice 3 shown, 2 right (2/3, 2/5); at status 4, 3 right (3/4, 3/5); at group 6, 4 right (4/6, 4/5)."""
    judgments = trace_eval.load_judgments(FIXTURES / "trace_eval" / "judgments.yaml")
    loaded = load_graph([FIXTURES / "trace"], bundled=False)
    predicted = trace_eval.predicted_strengths(loaded, judgments)
    assert predicted[("bill", "ta-art-2")] == "group"  # the paragraph's entry answers for its article
    assert predicted[("act", "tb-art-9")] is None and predicted[("plain", "ta-art-1")] is None
    result = trace_eval.score(judgments, predicted)
    assert (result["judgments"], result["engaged"], result["policies"]) == (8, 5, 3)
    assert {k: (v["links"], v["right"], v["precision"]) for k, v in result["by_strength"].items()} == {
        "cited": (1, 1, 1.0),
        "practice": (2, 1, 0.5),
        "status": (1, 1, 1.0),
        "group": (2, 1, 0.5),
    }
    assert {k: (v["shown"], v["right"], v["precision"], v["recall"]) for k, v in result["at_min_strength"].items()} == {
        "cited": (1, 1, 1.0, 0.2),
        "practice": (3, 2, 0.667, 0.4),
        "status": (4, 3, 0.75, 0.6),
        "group": (6, 4, 0.667, 0.8),
    }
    assert result["overall"] == result["at_min_strength"]["group"]
    assert result["missed"] == ["act × tb-art-9"]
    assert result["wrong"] == ["bill × guide-objective-1 (group)", "bill × tb-art-9 (practice)"]


def test_trace_eval_refuses_a_judgment_without_its_reason(trace_eval, tmp_path):
    """A judgment missing its source or with engaged not yes/no is refused with its number."""
    bad = tmp_path / "j.yaml"
    bad.write_text("- {policy: bill, provision: ta-art-1, engaged: maybe, why: x, source: s, locator: l}\n", encoding="utf-8")
    with pytest.raises(ValueError, match="judgment 1"):
        trace_eval.load_judgments(bad)


def test_bundled_judgments_are_enough_and_name_real_records(trace_eval, bundled):
    """At least 40 judgments, beyond the three policies of the goldens, with negatives, on ids that exist."""
    from policygraph.graph.labels import node_for_id
    from policygraph.terms import RDF

    judgments = trace_eval.load_judgments(REPO / "benchmarks" / "trace_judgments.yaml")
    assert len(judgments) >= 40 and any(not j.engaged for j in judgments)
    assert {j.policy for j in judgments} - {"titp", "icrra", "bill-2021-immigration-control-revision"}
    for j in judgments:
        assert (node_for_id(j.policy), RDF.type, None) in bundled.graph, j.policy
        assert (node_for_id(j.provision), RDF.type, None) in bundled.graph, j.provision
