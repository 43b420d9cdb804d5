"""Loading time grows linearly with the records: 4× the records may take at most ~6× the time.

A ratio, not an absolute speed, so the test holds on a slow or busy machine; best of three runs of
each size, so one hiccup does not decide. A quadratic step (a list searched per record, the garbage
collector walking every node so far) makes the ratio about 16.
"""

from __future__ import annotations

import time
from pathlib import Path

from policygraph.records.load import read_inputs


def _records(path: Path, count: int) -> Path:
    path.write_text(
        "".join(f"- id: practice-{i}\n  type: practice\n  label: Practice number {i}\n" for i in range(count)),
        encoding="utf-8",
    )
    return path


def _best_of_three(path: Path) -> float:
    times = []
    for _ in range(3):
        start = time.process_time()
        read_inputs([path], bundled=False)
        times.append(time.process_time() - start)
    return min(times)


def test_read_inputs_scales_linearly_with_records(tmp_path):
    """10k → 40k records: the time ratio stays below 6 (linear is 4)."""
    small = _best_of_three(_records(tmp_path / "small.yaml", 10_000))
    large = _best_of_three(_records(tmp_path / "large.yaml", 40_000))
    assert large / small < 6, f"10k records: {small:.2f} s, 40k: {large:.2f} s"


def test_read_inputs_scales_linearly_with_prefixes(tmp_path):
    """10k → 40k Turtle prefix declarations: the time ratio stays below 6 (rdflib's parser was quadratic here)."""

    def prefixes(name: str, count: int) -> Path:
        path = tmp_path / name
        lines = [f"@prefix p{i}: <http://example.org/ns/{i}#> .\n" for i in range(count)]
        path.write_text("".join(lines) + "<http://example.org/a> <http://example.org/p> 1 .\n", encoding="utf-8")
        return path

    small = _best_of_three(prefixes("small.ttl", 10_000))
    large = _best_of_three(prefixes("large.ttl", 40_000))
    assert large / small < 6, f"10k prefixes: {small:.2f} s, 40k: {large:.2f} s"
