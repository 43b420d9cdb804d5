#!/usr/bin/env python3
"""Time each command on the bundled data as a user runs it: cold (empty graph cache), warm, and --no-cache.

Every run is a fresh process (``python -m policygraph ...``), timed by the wall clock from start to
exit, process start included. For each command:

- **cold**: the graph cache is empty, so the command builds the cached store first;
- **warm**: the cache holds the store (the usual case: every command after the first);
- **no cache**: ``--no-cache``, the graph built in memory from the YAML each time (how every command
  ran before the cache).

Each figure is the median of ``--runs`` runs (default 5; cold runs empty the cache before each run).
The table goes to stdout and to ``benchmarks/COMMANDS.md`` with a description of the machine.

Usage (from the repository root, after the README's install)::

    python benchmarks/commands.py --runs 5

Not part of the test run.
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent

COMMANDS = [
    ("trace", ["trace", "bill-2021-immigration-control-revision"]),
    ("trace md", ["trace", "titp", "--format", "md"]),
    ("show", ["show", "crc-art-9"]),
    ("search", ["search", "detention"]),
    ("query", ["query", "policy-provisions", "--param", "policy=titp"]),
    ("analyze centrality", ["analyze", "centrality", "--fold"]),
    ("export gexf", ["export", "gexf", "-o", "{tmp}/japan.gexf"]),
    ("validate", ["validate"]),
    ("build", ["build"]),
]


def run(args: list[str], env: dict) -> float:
    start = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "policygraph", *args], env=env, capture_output=True, text=True)
    seconds = time.perf_counter() - start
    if done.returncode not in (0, 1):
        raise SystemExit(f"policygraph {' '.join(args)} failed: {done.stderr.strip()}")
    return seconds


def measure(runs: int) -> list[tuple[str, float, float, float]]:
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        cache = Path(tmp) / "cache"
        env = {**os.environ, "POLICYGRAPH_CACHE_DIR": str(cache)}
        for name, template in COMMANDS:
            args = [a.format(tmp=tmp) for a in template]
            cold = []
            for _ in range(runs):
                shutil.rmtree(cache, ignore_errors=True)
                cold.append(run(args, env))
            warm = [run(args, env) for _ in range(runs)]
            memory = [run([*args, "--no-cache"], env) for _ in range(runs)]
            rows.append((name, statistics.median(cold), statistics.median(warm), statistics.median(memory)))
            print(f"{name:20} cold {rows[-1][1]:6.2f} s   warm {rows[-1][2]:6.2f} s   no cache {rows[-1][3]:6.2f} s", flush=True)
    return rows


def markdown(rows: list[tuple[str, float, float, float]], runs: int) -> str:
    lines = [
        "# Commands on the bundled data: cold, warm and without the cache",
        "",
        f"Written by `python benchmarks/commands.py --runs {runs}` on {platform.platform()}, "
        f"Python {platform.python_version()}, {os.cpu_count()} CPUs. Wall-clock seconds, process start included, "
        f"median of {runs} runs each.",
        "",
        "| command | cold (first run) | warm (cached) | `--no-cache` | no cache / warm |",
        "|---|---:|---:|---:|---:|",
    ]
    for name, cold, warm, memory in rows:
        lines.append(f"| {name} | {cold:.2f} | {warm:.2f} | {memory:.2f} | {memory / warm:.1f}× |")
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=5, help="runs per figure (default 5)")
    parser.add_argument("--out", default=str(HERE / "COMMANDS.md"), help="where to write the table")
    args = parser.parse_args(argv)
    rows = measure(args.runs)
    Path(args.out).write_text(markdown(rows, args.runs), encoding="utf-8")
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
