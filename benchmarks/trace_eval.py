"""Precision and recall of ``policygraph trace`` against labelled judgments (benchmarks/trace_judgments.yaml).

Each judgment says whether a policy engages a provision, and why, from the sources. The evaluation
traces every judged policy with all evidence (``--min-strength group``), finds the provision's entry
(an article's entry also answers for the paragraphs merged into it, and a paragraph's entry for its
article), and reports:

- per strength: of the judged links the trace gives with that strength, how many are right (precision);
- at each ``--min-strength``: precision and recall of what the trace would show with that option;
- overall: the same at ``--min-strength group``, everything the trace can infer.

Usage::

    python benchmarks/trace_eval.py                      # bundled data, bundled judgments
    python benchmarks/trace_eval.py --judgments FILE --data DIR --no-bundled --format json
"""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import dataclass
from pathlib import Path

import yaml

from policygraph import load_graph
from policygraph.graph.handle import LoadedGraph
from policygraph.graph.labels import local_id, node_for_id
from policygraph.terms import PG
from policygraph.tracing.model import STRENGTHS
from policygraph.tracing.trace import trace_policy

JUDGMENTS = Path(__file__).with_name("trace_judgments.yaml")


@dataclass(frozen=True)
class Judgment:
    """Whether ``policy`` engages ``provision``, with the reason and where it is written."""

    policy: str
    provision: str
    engaged: bool
    why: str
    source: str
    locator: str


def load_judgments(path: Path) -> list[Judgment]:
    """The judgments in a YAML list; each needs policy, provision, engaged (yes/no), why, source and locator."""
    records = yaml.safe_load(path.read_text(encoding="utf-8")) or []
    judgments = []
    for number, record in enumerate(records, 1):
        missing = {"policy", "provision", "engaged", "why", "source", "locator"} - set(record)
        if missing or not isinstance(record["engaged"], bool):
            raise ValueError(f"{path}: judgment {number}: needs policy, provision, engaged (yes or no), why, source, locator")
        judgments.append(Judgment(**{key: record[key] for key in Judgment.__dataclass_fields__}))
    return judgments


def predicted_strengths(loaded: LoadedGraph, judgments: list[Judgment]) -> dict[tuple[str, str], str | None]:
    """(policy, provision) -> the strength of the trace's entry for it, None where the trace has none."""
    graph = loaded.graph

    def article(provision: str) -> str | None:
        wider = graph.value(node_for_id(provision), PG.withinProvision)
        return local_id(wider) if wider is not None else None

    result: dict[tuple[str, str], str | None] = {}
    for policy in sorted({j.policy for j in judgments}):
        entries: dict[str, str] = {}
        for e in trace_policy(loaded, policy, min_strength="group").engagements:  # strongest first: keep the first
            for provision in (e.provision, *(pid for pid, _ in e.paragraphs), article(e.provision)):
                if provision is not None:
                    entries.setdefault(provision, e.strength)
        for j in (j for j in judgments if j.policy == policy):
            result[(policy, j.provision)] = entries.get(j.provision) or entries.get(article(j.provision) or "")
    return result


def score(judgments: list[Judgment], predicted: dict[tuple[str, str], str | None]) -> dict:
    """Per-strength precision, and precision and recall at each --min-strength (the last one is overall)."""
    engaged = {(j.policy, j.provision) for j in judgments if j.engaged}
    by_strength = {}
    for kind in STRENGTHS:
        links = [pair for pair, strength in predicted.items() if strength == kind]
        right = [pair for pair in links if pair in engaged]
        by_strength[kind] = {"links": len(links), "right": len(right), "precision": _ratio(len(right), len(links))}
    at_min_strength = {}
    for number, kind in enumerate(STRENGTHS):
        shown = [pair for pair, strength in predicted.items() if strength is not None and STRENGTHS.index(strength) <= number]
        right = [pair for pair in shown if pair in engaged]
        at_min_strength[kind] = {
            "shown": len(shown),
            "right": len(right),
            "precision": _ratio(len(right), len(shown)),
            "recall": _ratio(len(right), len(engaged)),
        }
    return {
        "judgments": len(judgments),
        "engaged": len(engaged),
        "policies": len({j.policy for j in judgments}),
        "by_strength": by_strength,
        "at_min_strength": at_min_strength,
        "overall": at_min_strength[STRENGTHS[-1]],
        "missed": sorted(f"{p} × {q}" for (p, q) in engaged if predicted.get((p, q)) is None),
        "wrong": sorted(f"{p} × {q} ({predicted[(p, q)]})" for (p, q) in predicted if predicted[(p, q)] and (p, q) not in engaged),
    }


def _ratio(part: int, whole: int) -> float | None:
    return round(part / whole, 3) if whole else None


def render_text(result: dict) -> str:
    """The scores as a small table a reader can paste into docs/trace-rules.md."""
    pct = lambda value: "—" if value is None else f"{value:.0%}"  # noqa: E731
    lines = [
        f"{result['judgments']} judgments on {result['policies']} policies ({result['engaged']} engaged)",
        "",
        "| strength | links given | right | precision | at --min-strength: shown | precision | recall |",
        "|---|---|---|---|---|---|---|",
    ]
    for kind in STRENGTHS:
        band, cut = result["by_strength"][kind], result["at_min_strength"][kind]
        lines.append(f"| {kind} | {band['links']} | {band['right']} | {pct(band['precision'])} | {cut['shown']} | {pct(cut['precision'])} | {pct(cut['recall'])} |")
    overall = result["overall"]
    lines += ["", f"overall (everything, --min-strength group): precision {pct(overall['precision'])}, recall {pct(overall['recall'])}"]
    lines += ["", "missed (engaged, not traced):", *([f"  {m}" for m in result["missed"]] or ["  none"])]
    lines += ["wrong (traced, not engaged):", *([f"  {w}" for w in result["wrong"]] or ["  none"])]
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--judgments", type=Path, default=JUDGMENTS)
    parser.add_argument("--data", type=Path, action="append", default=[], help="a data file or folder (repeatable)")
    parser.add_argument("--no-bundled", action="store_true", help="leave out the bundled Japan data")
    parser.add_argument("--format", choices=("text", "json"), default="text")
    args = parser.parse_args(argv)
    judgments = load_judgments(args.judgments)
    loaded = load_graph(args.data, bundled=not args.no_bundled)
    result = score(judgments, predicted_strengths(loaded, judgments))
    sys.stdout.write(json.dumps(result, indent=2) + "\n" if args.format == "json" else render_text(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
