"""benchmarks/coverage.py: how checklist rows are matched to records, and the bundled data's coverage."""

from __future__ import annotations

import importlib.util
from datetime import date
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parent.parent
_spec = importlib.util.spec_from_file_location("coverage_script", REPO / "benchmarks" / "coverage.py")
coverage_script = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(coverage_script)

INVENTORY = """\
# Tiny checklist

## Government body (2)

| # | canonical English name | acronym / alias | source | verbatim quote | note |
|---|---|---|---|---|---|
| 1 | Ministry of Justice | MOJ; Justice Ministry | 004.txt | `the Ministry of Justice came to serve` |  |
| 2 | Immigration Bureau (former) |  | 004.txt | `the Immigration Bureau (at that time) concluded` |  |

## Practice (2)

| # | canonical English name | acronym / alias | source | verbatim quote | note |
|---|---|---|---|---|---|
| 1 | Prohibition of work for residence seekers |  | 000.txt | `“prohibited from working” in Japan` |  |
| 2 | Hunger strikes |  | 001.txt | `hunger strikes by detainees` |  |

## Event (3)

| # | event | date | participants / notes | source | verbatim quote |
|---|---|---|---|---|---|
| 1 | Bill abandoned | 2021-10-14 | Diet | 004.txt | `the bill was abandoned following dissolution` |
| 2 | 2023 amendment enacted | 2023-06-09 | external | reference/treaties-japan.md | `enacted on 2023-06-09` |
| 3 | 2023 amendment in force | 2024-06-10 | external | reference/treaties-japan.md | `In force 2024-06-10` |

## Statistic (2)

| # | value | unit | year / date | what it counts | source | verbatim quote |
|---|---|---|---|---|---|---|
| 1 | about 2.6 million | persons | 2020 | mid- to long-term residents | 003.txt | `was about 2.6 million` |
| 2 | 598 | cases | 2020 | counselling cases | 003.txt | `598 cases` |

## Counts per kind

| # | kind | count |
|---|---|---|
| 1 | Government body | 2 |
"""

RECORDS = [
    {"id": "isa-report", "type": "source", "file": "004.txt"},
    {"id": "petition", "type": "source", "file": "000.txt"},
    {"id": "krsy", "type": "source", "file": "001.txt"},
    {"id": "jp-moj", "type": "government-body", "label": {"en": "Ministry of Justice", "ja": "法務省"}},
    # cites row 2's sentence but is an NGO named differently: no quote match for the Immigration Bureau
    {"id": "frj", "type": "civil-society-organization", "label": "Forum for Refugees Japan",
     "cite": [{"source": "isa-report", "quote": "the Immigration Bureau (at that time) concluded a three-party deal"}]},
    # the quote differs in quote marks, spacing and case only
    {"id": "work-prohibition", "type": "practice", "label": "Prohibition of work",
     "cite": [{"source": "petition", "quote": "are \"Prohibited from  working\" in Japan due to their status"}]},
    # cites row 2's sentence, but is a position, not a practice
    {"id": "krsy-position", "type": "position", "label": "KRSY criticises detention (hunger strikes)",
     "cite": [{"source": "krsy", "quote": "as well as hunger strikes by detainees"}]},
    {"id": "bill-abandoned", "type": "event", "label": "Bill abandoned on dissolution", "date": date(2021, 10, 14),
     "cite": [{"source": "isa-report", "quote": "However, the bill was abandoned following dissolution of the House"}]},
    {"id": "law-2023", "type": "law", "label": "2023 Amendment of the Immigration Act",
     "enacted": date(2023, 6, 9), "in-force": date(2024, 6, 1)},  # a wrong in-force date: no match for row 3
    {"id": "review", "type": "source", "file": "003.txt"},
    {"id": "obs-residents", "type": "observation", "value": 2600000, "unit": "persons",
     "cite": [{"source": "review", "quote": "the number of mid- to long-term residents was about 2.6 million"}]},
    # the right figure, but cited to another sentence: a figure alone does not match
    {"id": "obs-other-598", "type": "observation", "value": 598, "unit": "cases",
     "cite": [{"source": "review", "quote": "598 inquiries on something else"}]},
]


def test_matching_on_a_tiny_inventory():
    rows = coverage_script.parse_inventory_text(INVENTORY)
    assert len(rows) == 9  # the "Counts per kind" table is not a checklist
    found = {(row["section"], row["#"]): match for row, match in coverage_script.coverage(rows, RECORDS)}
    assert found == {
        ("Government body", "1"): "jp-moj (name)",
        ("Government body", "2"): None,
        ("Practice", "1"): "work-prohibition (quote)",
        ("Practice", "2"): None,
        ("Event", "1"): "bill-abandoned (quote)",
        ("Event", "2"): "law-2023 (dated fact: enacted)",
        ("Event", "3"): None,
        ("Statistic", "1"): "obs-residents (figure and quote)",
        ("Statistic", "2"): None,
    }


def test_report_lists_missing_and_matches(tmp_path, capsys):
    (tmp_path / "inventory.md").write_text(INVENTORY, encoding="utf-8")
    data = tmp_path / "data"
    data.mkdir()
    (data / "all.yaml").write_text(yaml.safe_dump(RECORDS, allow_unicode=True), encoding="utf-8")
    coverage_script.main([str(tmp_path / "inventory.md"), "--data", str(data), "--missing", "--matches"])
    out = capsys.readouterr().out
    assert "missing #2: Hunger strikes" in out
    assert "#1: Bill abandoned -> bill-abandoned (quote)" in out
    assert out.rstrip().endswith("coverage: 5/9 rows (56%)")


def test_bundled_data_covers_the_seed_inventory(shared):
    rows = coverage_script.parse_inventory(shared / "reference" / "seed-inventory.md")
    results = coverage_script.coverage(rows, coverage_script.load_records(REPO / "data"))
    covered = sum(match is not None for _, match in results)
    assert covered / len(results) >= 0.95, [coverage_script.name_of(r) for r, m in results if m is None]
