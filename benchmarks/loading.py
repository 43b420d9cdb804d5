"""Loading speed on big inputs: ``policygraph build`` on a large YAML file and on RDF files that used to be slow.

Generates, in a temporary folder:

- ``records-1.yaml``, ``records-2.yaml``: 150,000 three-line records together (about 3.5 MB each:
  one file may hold at most 5 MB);
- ``prefixes.ttl``: 200,000 ``@prefix`` declarations and one triple (about 9 MB);
- ``big-literal.nt``: one triple whose literal is 10 MB;
- ``attributes.rdf``: one RDF/XML element with 200,000 property attributes;

then times ``policygraph build --no-bundled --data FILE`` on each in a child process (so each run
pays the start-up a user pays) and prints one line per file: wall and processor seconds, exit code,
the first line of stderr, and the load average beside it (the machine may be shared). The records are
loaded twice: with ``--no-cache`` (read, checked and put into an in-memory store) and into an empty
graph cache (the same, then written to an on-disk store), each with its records per second.
``--python`` names other interpreters to time too (another checkout's venv: before and after in one
run). Run: ``python benchmarks/loading.py [--records N] [--python PATH ...]``.
"""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def write_records(path: Path, count: int, start: int = 0) -> None:
    """``count`` group records of three lines each, numbered from ``start``."""
    with path.open("w", encoding="utf-8") as out:
        for index in range(start, start + count):
            out.write(f"- id: g{index}\n  type: group\n  label: Group {index}\n")


def write_prefixes(path: Path, count: int) -> None:
    with path.open("w", encoding="utf-8") as out:
        for index in range(count):
            out.write(f"@prefix p{index}: <http://example.org/ns/{index}#> .\n")
        out.write("<http://example.org/a> <http://example.org/p> \"x\" .\n")


def write_big_literal(path: Path, size: int) -> None:
    path.write_text(f'<http://example.org/a> <http://example.org/p> "{"a" * size}" .\n', encoding="utf-8")


def write_attributes(path: Path, count: int) -> None:
    attributes = " ".join(f'ex:p{index}="v{index}"' for index in range(count))
    path.write_text(
        '<?xml version="1.0"?>\n'
        '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns:ex="http://example.org/">\n'
        f'<rdf:Description rdf:about="http://example.org/a" {attributes}/>\n'
        "</rdf:RDF>\n",
        encoding="utf-8",
    )


def time_build(python: str, paths: list[Path], cache: Path, options: tuple[str, ...] = ()) -> tuple[float, float, int, str]:
    """Wall and processor seconds, exit code and first stderr line of ``policygraph build`` on ``paths``.

    ``cache`` is the graph cache folder, emptied first: a build that uses the cache starts cold.
    """
    data = [arg for path in paths for arg in ("--data", str(path))]
    for entry in cache.glob("*"):
        subprocess.run(["rm", "-rf", str(entry)], check=True)
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    done = subprocess.run(
        [python, "-m", "policygraph", "build", "--no-bundled", *options, *data],
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, "POLICYGRAPH_CACHE_DIR": str(cache)},
    )
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    lines = done.stderr.strip().splitlines()
    return wall, cpu, done.returncode, lines[0] if lines else ""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=150_000, help="YAML records to generate")
    parser.add_argument("--python", action="append", default=[], help="also time policygraph under this interpreter")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        half = args.records // 2
        write_records(root / "records-1.yaml", half)
        write_records(root / "records-2.yaml", args.records - half, start=half)
        write_prefixes(root / "prefixes.ttl", 200_000)
        write_big_literal(root / "big-literal.nt", 10_000_000)
        write_attributes(root / "attributes.rdf", 200_000)
        records = [root / "records-1.yaml", root / "records-2.yaml"]
        runs = [
            (f"{args.records:,} records, --no-cache", records, ("--no-cache",)),
            (f"{args.records:,} records, cold cache", records, ()),
            ("prefixes.ttl", [root / "prefixes.ttl"], ()),
            ("big-literal.nt", [root / "big-literal.nt"], ()),
            ("attributes.rdf", [root / "attributes.rdf"], ()),
        ]
        cache = root / "cache"
        cache.mkdir()
        for python in [sys.executable, *args.python]:
            print(python)
            for name, paths, options in runs:
                wall, cpu, code, first = time_build(python, paths, cache, options)
                size = sum(p.stat().st_size for p in paths) / 1e6
                rate = f"  {args.records / wall:7,.0f} records/s wall, {args.records / cpu:7,.0f} per cpu s" if paths is records else ""
                load = os.getloadavg()[0]
                print(f"  {name:32} {size:6.1f} MB  {wall:7.2f} s wall  {cpu:6.2f} s cpu{rate}  (load {load:.2f})  exit {code}  {first}")


if __name__ == "__main__":
    main()
