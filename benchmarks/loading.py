"""Loading speed on big inputs: ``policygraph build`` on a large YAML file and on RDF files that used to be slow.

Generates, in a temporary folder:

- ``records-1.yaml``, ``records-2.yaml``: 150,000 three-line records together (about 3.5 MB each:
  one file may hold at most 5 MB);
- ``prefixes.ttl``: 200,000 ``@prefix`` declarations and one triple (about 9 MB);
- ``big-literal.nt``: one triple whose literal is 10 MB;
- ``attributes.rdf``: one RDF/XML element with 200,000 property attributes;

then times ``policygraph build --no-bundled --data FILE`` on each in a child process (so each run
pays the start-up a user pays) and prints one line per file: seconds, exit code, the first line of
stderr. Run: ``python benchmarks/loading.py [--records N]``.
"""

from __future__ import annotations

import argparse
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


def time_build(paths: list[Path]) -> tuple[float, int, str]:
    """Seconds, exit code and first stderr line of ``policygraph build`` on ``paths``."""
    data = [arg for path in paths for arg in ("--data", str(path))]
    start = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "policygraph", "build", "--no-bundled", *data],
        capture_output=True,
        text=True,
        check=False,
    )
    lines = done.stderr.strip().splitlines()
    return time.perf_counter() - start, done.returncode, lines[0] if lines else ""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=150_000, help="YAML records to generate")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        half = args.records // 2
        write_records(root / "records-1.yaml", half)
        write_records(root / "records-2.yaml", args.records - half, start=half)
        write_prefixes(root / "prefixes.ttl", 200_000)
        write_big_literal(root / "big-literal.nt", 10_000_000)
        write_attributes(root / "attributes.rdf", 200_000)
        runs = {
            f"{args.records:,} records": [root / "records-1.yaml", root / "records-2.yaml"],
            "prefixes.ttl": [root / "prefixes.ttl"],
            "big-literal.nt": [root / "big-literal.nt"],
            "attributes.rdf": [root / "attributes.rdf"],
        }
        for name, paths in runs.items():
            seconds, code, first = time_build(paths)
            size = sum(p.stat().st_size for p in paths) / 1e6
            print(f"{name:18} {size:6.1f} MB  {seconds:7.2f} s  exit {code}  {first}")


if __name__ == "__main__":
    main()
