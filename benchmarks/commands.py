#!/usr/bin/env python3
"""Time each command on the bundled data as a user runs it: cold (empty graph cache), warm, and --no-cache.

Every run is a fresh process (``python -m policygraph ...``), timed by the wall clock from start to
exit, process start included. For each command:

- **cold**: the graph cache is empty, so the command builds the cached store first;
- **warm**: the cache holds the store (the usual case: every command after the first);
- **no cache**: ``--no-cache``, the graph built in memory from the YAML each time (how every command
  ran before the cache);
- with ``--previous PYTHON``: the same command run by the previous release's environment, first run
  (empty cache) and later runs, in turn with this version's, so the two see the same machine.

Each figure is wall-clock and CPU seconds: on a shared machine the wall clock also counts the time
other processes had the CPU.

Each figure is the median of ``--runs`` runs (default 5; cold runs empty the cache before each run).
The table goes to stdout (and to ``--out FILE`` with a description of the machine); ``run.py`` puts
the same table into ``benchmarks/RESULTS.md`` beside the large-graph figures of the same run.

Usage (from the repository root, after the README's install)::

    python benchmarks/commands.py --runs 5 --previous /path/to/old-venv/bin/python

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

COMMANDS = [
    ("trace", ["trace", "bill-2021-immigration-control-revision"]),
    ("trace md", ["trace", "titp", "--format", "md"]),
    ("trace --provision", ["trace", "--provision", "crc-art-9"]),
    ("trace --provision TREATY", ["trace", "--provision", "iccpr"]),
    ("show", ["show", "crc-art-9"]),
    ("search", ["search", "detention"]),
    ("query", ["query", "policy-provisions", "--param", "policy=titp"]),
    ("analyze centrality", ["analyze", "centrality", "--fold"]),
    ("analyze betweenness", ["analyze", "centrality", "--measure", "betweenness"]),
    ("export gexf", ["export", "gexf", "-o", "{tmp}/japan.gexf"]),
    ("validate", ["validate"]),
    ("build", ["build"]),
]


def run(python: str, args: list[str], env: dict) -> tuple[float, float]:
    """Wall and CPU seconds (user + system, the child's own accounting) of one ``policygraph`` process."""
    before = os.times()
    start = time.perf_counter()
    done = subprocess.run([python, "-m", "policygraph", *args], env=env, capture_output=True, text=True)
    seconds = time.perf_counter() - start
    after = os.times()
    if done.returncode not in (0, 1):
        raise SystemExit(f"policygraph {' '.join(args)} failed: {done.stderr.strip()}")
    return seconds, (after.children_user - before.children_user) + (after.children_system - before.children_system)


Row = dict[str, tuple[float, float]]  # figure -> (median wall, median CPU)


def measure(runs: int, previous: str | None) -> list[tuple[str, Row]]:
    """Each command's cold, warm and ``--no-cache`` runs (and the previous release's first and later runs, in turn)."""
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        cache, old_cache = Path(tmp) / "cache", Path(tmp) / "old-cache"
        env = {**os.environ, "POLICYGRAPH_CACHE_DIR": str(cache)}
        old_env = {**os.environ, "POLICYGRAPH_CACHE_DIR": str(old_cache)}
        for name, template in COMMANDS:
            args = [a.format(tmp=tmp) for a in template]
            times: dict[str, list[tuple[float, float]]] = {}
            for _ in range(runs):  # this version and the previous one in turn, so drift hits both alike
                shutil.rmtree(cache, ignore_errors=True)
                times.setdefault("cold", []).append(run(sys.executable, args, env))
                if previous:
                    shutil.rmtree(old_cache, ignore_errors=True)
                    times.setdefault("previous cold", []).append(run(previous, args, old_env))
            for _ in range(runs):
                times.setdefault("warm", []).append(run(sys.executable, args, env))
                if previous:
                    times.setdefault("previous warm", []).append(run(previous, args, old_env))
            times["no cache"] = [run(sys.executable, [*args, "--no-cache"], env) for _ in range(runs)]
            row = {
                figure: (statistics.median(w for w, _ in found), statistics.median(c for _, c in found))
                for figure, found in times.items()
            }
            rows.append((name, row))
            print(f"{name:20} " + "   ".join(f"{k} {w:5.2f} s ({c:5.2f} cpu)" for k, (w, c) in row.items()), file=sys.stderr, flush=True)
    return rows


def table(rows: list[tuple[str, Row]], previous: bool) -> list[str]:
    """The Markdown table of ``rows``: one line per command, wall / CPU seconds per figure."""
    figures = ["cold", "warm", "no cache"] + (["previous cold", "previous warm"] if previous else [])
    titles = {
        "cold": "cold (first run)",
        "warm": "warm (cached)",
        "no cache": "`--no-cache`",
        "previous cold": "previous release, first run",
        "previous warm": "previous release, later run",
    }
    lines = ["| command | " + " | ".join(titles[f] for f in figures) + " |", "|---|" + "---:|" * len(figures)]
    for name, row in rows:
        lines.append(f"| {name} | " + " | ".join(f"{row[f][0]:.2f} / {row[f][1]:.2f}" for f in figures) + " |")
    return lines


def markdown(rows: list[tuple[str, Row]], runs: int, previous: str | None, load: tuple[float, float]) -> str:
    lines = [
        "# Commands on the bundled data: cold, warm and without the cache",
        "",
        f"Written by `python benchmarks/commands.py --runs {runs}"
        + (" --previous PYTHON`" if previous else "`")
        + f" on {platform.platform()}, Python {platform.python_version()}, {os.cpu_count()} CPUs; "
        f"load average {load[0]:.1f} at the start, {load[1]:.1f} at the end. Each cell: wall-clock seconds "
        f"(process start included) / CPU seconds (user + system), the median of {runs} runs. On a shared "
        "machine the wall clock also counts the time other processes had the CPU; the CPU figure does not.",
        "",
        *table(rows, bool(previous)),
    ]
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=5, help="runs per figure (default 5)")
    parser.add_argument("--out", help="also write the table, with a description of the machine, to this file")
    parser.add_argument("--previous", metavar="PYTHON", help="the Python of an environment with the previous release, run side by side")
    args = parser.parse_args(argv)
    start_load = os.getloadavg()[0]
    rows = measure(args.runs, args.previous)
    text = markdown(rows, args.runs, args.previous, (start_load, os.getloadavg()[0]))
    print(text, end="")
    if args.out:
        Path(args.out).write_text(text, encoding="utf-8")
        print(f"wrote {args.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
