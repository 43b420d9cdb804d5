#!/usr/bin/env python3
"""Coverage of the seed-inventory checklist by the curated data.

Reads the checklist tables in ``seed-inventory.md`` (one ``## Section (N)`` heading and one
Markdown table per kind of entity) and every record in ``data/**/*.yaml``, then reports, per
section and in total, how many checklist rows have a matching entity.

A row matches when one of its name variants equals a record's ``label`` or one of its
``aliases`` (any language), compared case- and accent-insensitively with punctuation folded to
spaces and a leading "the" ignored. The variants of a row are its canonical name and every
alias (the alias column split on ";" and on "," outside parentheses, the unsplit text kept
too), each also with parenthetical remarks removed and, for names, split on " / ".
Rows of the "Statistic" section match an ``observation`` whose ``value`` equals a figure in
the row's value column (``about 2.6 million`` -> 2600000) or whose label or ``measures`` matches
the row's "what it counts".

Usage (from the repository root)::

    python benchmarks/coverage.py [INVENTORY] [--data DIR] [--missing]

It is a report: the exit status is always 0.
"""

from __future__ import annotations

import argparse
import re
import sys
import unicodedata
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parent.parent
DEFAULT_INVENTORY = REPO / ".." / "shared" / "reference" / "seed-inventory.md"
MULTIPLIERS = {"thousand": 1e3, "million": 1e6, "billion": 1e9}


def norm(text: str) -> str:
    """Fold case, accents and punctuation: 'Ministry of Health, Labour' -> 'ministry of health labour'."""
    text = unicodedata.normalize("NFKD", str(text))
    text = "".join(c for c in text if not unicodedata.combining(c)).casefold()
    text = re.sub(r"[\W_]+", " ", text).strip()
    return re.sub(r"^the ", "", text)


def split_outside_parens(text: str, sep: str) -> list[str]:
    parts, depth, cur = [], 0, ""
    for ch in text:
        depth += (ch == "(") - (ch == ")")
        if ch == sep and depth == 0:
            parts.append(cur)
            cur = ""
        else:
            cur += ch
    return [p.strip() for p in parts + [cur] if p.strip()]


def strip_parens(text: str) -> str:
    return re.sub(r"\s*\([^()]*\)", "", text).strip()


def table_cells(line: str) -> list[str]:
    """Split a Markdown table row on '|', ignoring pipes inside `code` spans."""
    cells, cur, in_code = [], "", False
    for ch in line.strip().strip("|"):
        if ch == "`":
            in_code = not in_code
        if ch == "|" and not in_code:
            cells.append(cur.strip())
            cur = ""
        else:
            cur += ch
    return cells + [cur.strip()]


def parse_inventory(path: Path) -> list[dict]:
    """Rows as dicts keyed by the table's header, plus 'section' and 'names' (match variants)."""
    rows, section, header = [], None, None
    for line in path.read_text(encoding="utf-8").splitlines():
        heading = re.match(r"##\s+(.+?)\s*(?:\(\d+\))?\s*$", line)
        if heading:
            section, header = heading.group(1), None
        elif line.startswith("|") and section and section != "Counts per kind":
            cells = table_cells(line)
            if cells[0] == "#":
                header = [c.lower() for c in cells]
            elif header and not set(cells[0]) <= set("-: "):
                row = dict(zip(header, cells), section=section)
                row["names"] = name_variants(row)
                rows.append(row)
    return rows


def name_variants(row: dict) -> set[str]:
    name = row.get("canonical english name") or row.get("event") or ""
    candidates = [name]
    if row["section"] != "Event":
        candidates += split_outside_parens(name, "/") if " / " in name else []
    alias_cell = row.get("acronym / alias", "")
    for piece in split_outside_parens(alias_cell, ";"):
        candidates += [piece] + split_outside_parens(piece, ",")
    variants = set()
    for c in candidates:
        variants |= {norm(c), norm(strip_parens(c))}
    return variants - {""}


def figures(text: str) -> set[float]:
    """Numbers in a statistic's value cell: '13 sessions / 283 officials' -> {13, 283}."""
    found = set()
    for m in re.finditer(r"(\d[\d,]*(?:\.\d+)?)\s*(thousand|million|billion)?", text):
        found.add(float(m.group(1).replace(",", "")) * MULTIPLIERS.get(m.group(2) or "", 1))
    return found


def load_records(data_dir: Path) -> list[dict]:
    records = []
    for path in sorted(data_dir.rglob("*.yaml")):
        try:
            content = yaml.safe_load(path.read_text(encoding="utf-8"))
        except yaml.YAMLError as exc:
            print(f"warning: skipped {path}: {exc.__class__.__name__}", file=sys.stderr)
            continue
        if content is not None and not isinstance(content, list):
            print(f"warning: skipped {path}: not a list of records", file=sys.stderr)
            continue
        records += [r for r in content or [] if isinstance(r, dict)]
    return records


def names_of(record: dict) -> set[str]:
    values = []
    for key in ("label", "aliases"):
        value = record.get(key)
        for item in value if isinstance(value, list) else [value]:
            values += list(item.values()) if isinstance(item, dict) else [item]
    return {norm(v) for v in values if isinstance(v, str) and norm(v)}


def matches(row: dict, entity_names: set[str], observations: list[dict]) -> bool:
    if row["section"] != "Statistic":
        return bool(row["names"] & entity_names)
    wanted = figures(row.get("value", ""))
    counts = norm(row.get("what it counts", ""))
    for obs in observations:
        value = obs.get("value")
        if isinstance(value, (int, float)) and any(abs(value - f) < 1e-9 for f in wanted):
            return True
        if counts and counts in names_of(obs) | {norm(obs.get("measures") or "")}:
            return True
    return False


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("inventory", nargs="?", type=Path, default=DEFAULT_INVENTORY)
    parser.add_argument("--data", type=Path, default=REPO / "data", help="data folder (default: data/)")
    parser.add_argument("--missing", action="store_true", help="list the rows with no matching entity")
    args = parser.parse_args(argv)

    if not args.inventory.is_file():
        print(f"coverage: inventory not found: {args.inventory}", file=sys.stderr)
        return 0
    rows = parse_inventory(args.inventory)
    records = load_records(args.data)
    entity_names = set().union(*(names_of(r) for r in records)) if records else set()
    observations = [r for r in records if r.get("type") == "observation"]

    sections: dict[str, list[tuple[dict, bool]]] = {}
    for row in rows:
        sections.setdefault(row["section"], []).append((row, matches(row, entity_names, observations)))

    covered = 0
    for section, results in sections.items():
        hits = sum(ok for _, ok in results)
        covered += hits
        print(f"{section:<36} {hits:>3}/{len(results):<3} ({100 * hits / len(results):.0f}%)")
        if args.missing:
            for row, ok in results:
                if not ok:
                    label = row.get("canonical english name") or row.get("event") or row.get("value")
                    detail = row.get("what it counts", "")
                    print(f"    missing #{row.get('#')}: {label}" + (f" ({detail})" if detail else ""))
    total = len(rows)
    print(f"coverage: {covered}/{total} rows ({100 * covered / total if total else 0:.0f}%)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
