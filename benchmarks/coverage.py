#!/usr/bin/env python3
"""Coverage of the seed-inventory checklist by the curated data.

Reads the checklist tables in ``seed-inventory.md`` (one ``## Section (N)`` heading and one
Markdown table per kind of entity) and every record in ``data/**/*.yaml``, then reports, per
section and in total, how many checklist rows have a matching record. A row matches when

1. **name**: one of its name variants equals a record's ``label`` or one of its ``aliases`` (any
   language), compared case- and accent-insensitively with punctuation folded to spaces and a
   leading "the" ignored. The variants of a row are its canonical name and every alias (the alias
   column split on ";" and on "," outside parentheses, the unsplit text kept too), each also with
   parenthetical remarks removed and, for names, split on " / ".
2. **quote**: a record of a kind that fits the section (``SECTION_TYPES``) cites the row's source
   document with a quote that contains the row's verbatim quote or is contained in it (compared
   with whitespace, quote marks, dashes and case normalised). The fact is then in the data, cited
   to the same sentence. For an Event row, a record that is not an ``event`` must also carry the
   row's date in one of its date keys (a dated fact such as a policy's ``approved`` date).
3. **dated fact** (Event rows only): the row names what happened ("enacted", "approval",
   "opened", ...; ``EVENT_VERBS``), a policy or body has that date key (``enacted``, ``approved``,
   ``founded``, ...) equal to the row's date, and its label or an alias shares a word with the row.
Statistic rows instead match an ``observation`` whose ``value`` equals a figure in the row's value
column (``about 2.6 million`` -> 2600000) and that cites the row's quote as in 2 (a figure alone is
too common: 13, 14 or 60 count many things), or whose label or ``measures`` equals the row's "what
it counts".

Usage (from the repository root)::

    python benchmarks/coverage.py [INVENTORY] [--data DIR] [--missing] [--matches]

``--missing`` lists the rows with no match; ``--matches`` names, for every matched row, the
record it matched and how, so the report can be audited. It is a report: the exit status is 0.
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

BODIES = {"state", "government-body", "civil-society-organization", "intergovernmental-organization",
          "treaty-body", "special-procedure"}
POLICIES = {"law", "bill", "measure", "programme", "guideline", "system", "policy", "feature"}
SECTION_TYPES = {  # record kinds a quote match may come from; a section not listed accepts any kind
    "Government body": BODIES,
    "Council / roundtable": BODIES | {"event"},
    "Regional immigration body": BODIES,
    "International org / UN body": BODIES,
    "NGO / network / group": BODIES,
    "Law / bill / act": {"law", "bill", "feature"},
    "Treaty / international instrument": {"treaty", "provision"},
    "Policy / programme / system": POLICIES,
    "Residence status": {"residence-status"},
    "Category of people": {"group"},
    "Practice": {"practice"},
    "Event": {"event"} | POLICIES | BODIES,
}
DATE_KEYS = ("date", "start", "end", "proposed", "approved", "enacted", "promulgated", "in-force",
             "started", "withdrawn", "ended", "founded", "dissolved")
EVENT_VERBS = {  # a word stem in an Event row's name -> the date keys that record that happening
    "approv": ("approved",), "adopt": ("approved",), "enact": ("enacted",), "in force": ("in-force",),
    "submit": ("proposed",), "abandon": ("ended",), "withdr": ("withdrawn",),
    "open": ("founded", "started"), "establish": ("founded", "started"), "launch": ("founded", "started"),
}
STOPWORDS = {"the", "of", "and", "on", "in", "for", "to", "a", "an", "by", "with", "at", "from"}


def norm(text: str) -> str:
    """Fold case, accents and punctuation: 'Ministry of Health, Labour' -> 'ministry of health labour'."""
    text = unicodedata.normalize("NFKD", str(text))
    text = "".join(c for c in text if not unicodedata.combining(c)).casefold()
    text = re.sub(r"[\W_]+", " ", text).strip()
    return re.sub(r"^the ", "", text)


def norm_quote(text: str) -> str:
    """Normalise a quote as the citation checker does: whitespace, quote marks, dashes and case."""
    text = re.sub(r"[\u2018\u2019\u201a\u2032`]", "'", str(text))
    text = re.sub(r"[\u201c\u201d\u201e\u2033]", '"', text)
    text = re.sub(r"[\u2010-\u2015\u2212]", "-", text)
    return re.sub(r"\s+", " ", text).strip().casefold()


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
    return parse_inventory_text(path.read_text(encoding="utf-8"))


def parse_inventory_text(text: str) -> list[dict]:
    rows, section, header = [], None, None
    for line in text.splitlines():
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


def name_of(row: dict) -> str:
    return row.get("canonical english name") or row.get("event") or ""


def name_variants(row: dict) -> set[str]:
    name = name_of(row)
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


def row_quote(row: dict) -> str:
    return norm_quote(row.get("verbatim quote", "").strip().strip("`"))


def row_date(row: dict) -> str:
    """The first ISO date in the row's date column ('2011-03 and 2011-11' -> '2011-03'), or ''."""
    m = re.search(r"\d{4}(?:-\d{2}(?:-\d{2})?)?", row.get("date", ""))
    return m.group(0) if m else ""


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


def quotes_of(record: dict, source_ids: set[str]) -> list[str]:
    """The record's normalised citation quotes from the given sources."""
    cites = record.get("cite")
    return [norm_quote(c["quote"]) for c in cites if isinstance(c, dict) and c.get("source") in source_ids
            and isinstance(c.get("quote"), str)] if isinstance(cites, list) else []


def dates_of(record: dict, keys=DATE_KEYS) -> set[str]:
    return {str(record[k]) for k in keys if record.get(k) is not None}


def words(text: str) -> set[str]:
    return {w for w in norm(text).split() if w not in STOPWORDS and (len(w) > 2 or w.isdigit())}


def best(row: dict, candidates: list[dict]) -> dict | None:
    """The candidate whose label or aliases share most words with the row's names (at least one)."""
    wanted = set().union(*map(words, row["names"]))
    scored = [(len(wanted & set().union(*map(words, names_of(r)))), -i, r) for i, r in enumerate(candidates)]
    top = max(scored, key=lambda s: s[:2], default=(0, 0, None))
    return top[2] if top[0] else None


def cites(record: dict, row: dict, files: dict[str, str]) -> bool:
    """Whether the record cites the row's source with a quote containing, or contained in, the row's quote."""
    quote, source = row_quote(row), files.get(Path(row.get("source", "")).name)
    return bool(quote and source) and any(quote in q or q in quote for q in quotes_of(record, {source}))


def find_match(row: dict, records: list[dict], files: dict[str, str]) -> str | None:
    """The id of a record matching the row and how ('crc (name)'), or None. ``files``: file -> source id."""
    section = row["section"]
    if section == "Statistic":
        wanted, counts = figures(row.get("value", "")), norm(row.get("what it counts", ""))
        for rec in records:
            if rec.get("type") != "observation":
                continue
            value = rec.get("value")
            if isinstance(value, (int, float)) and any(abs(value - f) < 1e-9 for f in wanted) \
                    and cites(rec, row, files):
                return f"{rec.get('id')} (figure and quote)"
            if counts and counts in names_of(rec) | {norm(rec.get("measures") or "")}:
                return f"{rec.get('id')} (what it counts)"
        return None
    for rec in records:
        if row["names"] & names_of(rec):
            return f"{rec.get('id')} (name)"
    allowed = SECTION_TYPES.get(section)
    date = row_date(row) if section == "Event" else ""
    cited = [rec for rec in records
             if (allowed is None or rec.get("type") in allowed)
             and (section != "Event" or rec.get("type") == "event" or date in dates_of(rec))
             and cites(rec, row, files)]
    if (rec := best(row, cited)) is not None:
        return f"{rec.get('id')} (quote)"
    if section == "Event" and date:
        name = name_of(row).casefold()
        keys = [k for stem, ks in EVENT_VERBS.items() if stem in name for k in ks]
        dated = [rec for rec in records if rec.get("type") in POLICIES | BODIES and date in dates_of(rec, keys)]
        if (rec := best(row, dated)) is not None:
            return f"{rec.get('id')} (dated fact: {', '.join(k for k in keys if str(rec.get(k)) == date)})"
    return None


def coverage(rows: list[dict], records: list[dict]) -> list[tuple[dict, str | None]]:
    """Each row with the match found for it (see ``find_match``) or None."""
    files = {r["file"]: r["id"] for r in records if r.get("type") == "source" and r.get("file")}
    return [(row, find_match(row, records, files)) for row in rows]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("inventory", nargs="?", type=Path, default=DEFAULT_INVENTORY)
    parser.add_argument("--data", type=Path, default=REPO / "data", help="data folder (default: data/)")
    parser.add_argument("--missing", action="store_true", help="list the rows with no matching record")
    parser.add_argument("--matches", action="store_true", help="name the record each matched row matched")
    args = parser.parse_args(argv)

    if not args.inventory.is_file():
        print(f"coverage: inventory not found: {args.inventory}", file=sys.stderr)
        return 0
    rows = parse_inventory(args.inventory)
    sections: dict[str, list[tuple[dict, str | None]]] = {}
    for row, match in coverage(rows, load_records(args.data)):
        sections.setdefault(row["section"], []).append((row, match))

    covered = 0
    for section, results in sections.items():
        hits = sum(match is not None for _, match in results)
        covered += hits
        print(f"{section:<36} {hits:>3}/{len(results):<3} ({100 * hits / len(results):.0f}%)")
        for row, match in results:
            label = name_of(row) or row.get("value", "")
            detail = f" ({row['what it counts']})" if row.get("what it counts") else ""
            if match is None and args.missing:
                print(f"    missing #{row.get('#')}: {label}{detail}")
            elif match is not None and args.matches:
                print(f"    #{row.get('#')}: {label}{detail} -> {match}")
    total = len(rows)
    print(f"coverage: {covered}/{total} rows ({100 * covered / total if total else 0:.0f}%)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
