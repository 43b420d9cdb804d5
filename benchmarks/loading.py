"""Loading speed on big inputs: ``policygraph build`` on a large YAML file and on RDF files that used to be slow.

Generates, in a temporary folder:

- ``records.yaml``: 150,000 three-line records (about 5 MB);
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


def write_records(path: Path, count: int) -> None:
    """``count`` practice records of three lines each."""
    with path.open("w", encoding="utf-8") as out:
        for index in range(count):
            out.write(f"- id: practice-{index}\n  type: practice\n  label: Practice number {index}\n")


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


def time_build(path: Path) -> tuple[float, int, str]:
    """Seconds, exit code and first stderr line of ``policygraph build`` on ``path``."""
    start = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "policygraph", "build", "--no-bundled", "--data", str(path)],
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
        files = {
            "records.yaml": lambda p: write_records(p, args.records),
            "prefixes.ttl": lambda p: write_prefixes(p, 200_000),
            "big-literal.nt": lambda p: write_big_literal(p, 10_000_000),
            "attributes.rdf": lambda p: write_attributes(p, 200_000),
        }
        for name, write in files.items():
            path = root / name
            write(path)
            seconds, code, first = time_build(path)
            size = path.stat().st_size / 1e6
            print(f"{name:16} {size:6.1f} MB  {seconds:7.2f} s  exit {code}  {first}")


if __name__ == "__main__":
    main()
