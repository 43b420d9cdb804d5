"""``policygraph validate`` through the CLI: the bad-input corpus, exit codes, formats, and build's refusal."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

FIXTURES = Path(__file__).parents[1] / "fixtures"
INVALID = sorted(p for p in (FIXTURES / "invalid").iterdir() if p.is_dir())
BASE = ["--no-bundled", "--data", "valid/base"]
SOURCES = ["--sources", "valid/sources"]


@pytest.fixture
def in_fixtures(monkeypatch):
    """Run from tests/fixtures, so that reported paths are short and stable."""
    monkeypatch.chdir(FIXTURES)


def _project(finding: dict) -> dict:
    """The fields a fixture's expected.json pins, from a finding of the JSON report."""
    shape = finding["shape"]
    return {
        "location": f"{finding['file']}:{finding['line']}" if finding["file"] else None,
        "severity": finding["severity"],
        "code": finding["code"],
        "shape": shape.replace("https://w3id.org/policygraph/shapes#", "pgsh:") if shape else None,
        "entity": finding["entity"],
        "key": finding["key"],
        "value": finding["value"],
        "message": finding["message"],
    }


def test_fixture_corpus_is_large_enough():
    """The corpus has at least 40 one-defect datasets, loader-level ones among them."""
    expected = [json.loads((d / "expected.json").read_text(encoding="utf-8")) for d in INVALID]
    assert len(expected) >= 40
    assert sum(e["exit"] == 2 for e in expected) >= 6
    assert sum(e["exit"] == 1 for e in expected) >= 40


@pytest.mark.parametrize("fixture", INVALID, ids=[d.name for d in INVALID])
def test_validate_invalid_fixture(fixture, invoke, in_fixtures, monkeypatch):
    """Each one-defect dataset gives exactly its expected findings (or its one-line error) and exit code."""
    expected = json.loads((fixture / "expected.json").read_text(encoding="utf-8"))
    data = next(p for p in sorted(fixture.iterdir()) if p.name.startswith("data."))
    args = ["validate", *BASE, "--data", data.relative_to(FIXTURES), "--severity", "info", "--format", "json"]
    if expected["sources"] is None:
        from policygraph import resources

        monkeypatch.setattr(resources, "default_sources_dir", lambda: None)
    else:
        args += ["--sources", expected["sources"]]
    result = invoke(*args)
    assert result.exit_code == expected["exit"], result.output
    if expected["exit"] == 2:
        assert result.stdout == ""
        assert result.stderr == expected["error"] + "\n"
        return
    assert result.stderr == ""  # findings are the product: no log line, no traceback
    report = json.loads(result.stdout)
    assert [_project(f) for f in report["findings"]] == expected["findings"]
    assert report["conforms"] == (expected["exit"] == 0)


def test_validate_base_fixture_conforms(invoke, in_fixtures):
    """The base every fixture builds on validates clean: no finding at all, exit 0."""
    result = invoke("validate", *BASE, *SOURCES, "--severity", "info")
    assert result.exit_code == 0
    assert result.output == "0 violations, 0 warnings, 0 info in 28 records from 1 file: conforms\n"


def test_validate_ten_megabyte_file_exit_2(invoke, tmp_path):
    """A 10 MB YAML file is refused before parsing: one line, file named, exit 2."""
    big = tmp_path / "big.yaml"
    record = (
        "- id: body-{n}\n  type: government-body\n  label: Body {n}\n"
        "  cite: [{{url: 'https://example.org', locator: p, quote: q}}]\n"
    )
    with big.open("w", encoding="utf-8") as stream:
        n = 0
        while stream.tell() < 10_000_000:
            stream.write(record.format(n=n))
            n += 1
    result = invoke("validate", "--no-bundled", "--data", big)
    assert result.exit_code == 2
    assert result.stderr == (
        f"error: {big}: YAML file too large (10.0 MB; at most 5 MB) (split the records over several files)\n"
    )


def test_validate_text_report_points_at_lines(invoke, in_fixtures, golden):
    """The text report groups findings by file, each with file:line, record, key, value and message."""
    defects = ["--data", "invalid/part-of-cycle/data.yaml", "--data", "invalid/quote-almost-found/data.yaml"]
    result = invoke("validate", *BASE, *SOURCES, *defects)
    assert result.exit_code == 1
    golden("validate/two-defects.txt", result.output)


def test_validate_severity_filters_output_not_counts(invoke, in_fixtures):
    """--severity violation hides warnings and infos from the list but the summary still counts them."""
    args = ["validate", *BASE, *SOURCES, "--data", "invalid/external-citation/data.yaml"]
    shown = invoke(*args, "--severity", "info")
    hidden = invoke(*args)
    assert (shown.exit_code, hidden.exit_code) == (0, 0)
    assert "info external-quote-not-checked: body-x (citation 1), 'quote' = \"Body X is a body\"" in shown.output
    assert hidden.output == (
        "0 violations, 0 warnings, 1 info in 29 records from 2 files: conforms "
        "(info not shown: --severity info lists them)\n"
    )


def test_validate_json_matches_library_report(invoke, in_fixtures):
    """--format json prints exactly Report.to_dict() of the library call."""
    from policygraph import load_graph
    from policygraph.validation.validate import validate

    data = "invalid/amends-newer/data.yaml"
    result = invoke("validate", *BASE, *SOURCES, "--data", data, "--format", "json", "--severity", "info")
    assert result.exit_code == 1
    report = validate(load_graph(["valid/base", data], bundled=False), sources=Path("valid/sources"))
    assert json.loads(result.stdout) == report.to_dict("info")


def test_validate_ttl_is_shacl_report(invoke, in_fixtures):
    """--format ttl is a SHACL validation report: conforms false and one result per shown finding."""
    from rdflib import Graph
    from rdflib.namespace import RDF, SH

    result = invoke("validate", *BASE, *SOURCES, "--data", "invalid/part-of-cycle/data.yaml", "--format", "ttl")
    assert result.exit_code == 1
    graph = Graph().parse(data=result.stdout, format="turtle")
    report = graph.value(predicate=RDF.type, object=SH.ValidationReport)
    assert graph.value(report, SH.conforms).toPython() is False
    focus = sorted(str(graph.value(r, SH.focusNode)).rsplit("/", 1)[1] for r in graph.objects(report, SH.result))
    assert focus == ["dept-a", "dept-b"]


def test_validate_missing_sources_folder_exit_2(invoke, in_fixtures):
    """--sources naming a folder that does not exist is a one-line error, exit 2."""
    result = invoke("validate", *BASE, "--sources", "no-such-folder")
    assert result.exit_code == 2
    assert result.stderr == (
        "error: no-such-folder: no such sources folder (--sources names the folder with the source texts)\n"
    )


def test_validate_broken_shapes_exit_2(invoke, in_fixtures, tmp_path):
    """A shapes file with a Turtle syntax error is a one-line error with its file and line, exit 2."""
    bad = tmp_path / "bad.ttl"
    bad.write_text("@prefix sh: <http://www.w3.org/ns/shacl#> .\n\n<a> a sh:NodeShape ;\n  sh:targetClass\n")
    result = invoke("validate", *BASE, "--shapes", bad)
    assert result.exit_code == 2
    assert result.stderr.startswith(f"error: {bad}:")
    assert "cannot parse shapes" in result.stderr and len(result.stderr.splitlines()) == 1


def test_validate_no_bundled_shapes_needs_shapes_exit_2(invoke, in_fixtures):
    """--no-bundled-shapes alone would check nothing: usage error, exit 2."""
    result = invoke("validate", *BASE, "--no-bundled-shapes")
    assert result.exit_code == 2
    assert "--no-bundled-shapes needs at least one --shapes PATH" in result.stderr


def test_validate_extra_shapes_add_findings(invoke, in_fixtures, tmp_path):
    """--shapes adds a user's shape to the bundled ones; its pgsh:code and message are reported."""
    extra = tmp_path / "extra.ttl"
    extra.write_text(
        """@prefix sh: <http://www.w3.org/ns/shacl#> .
@prefix pg: <https://w3id.org/policygraph/ontology#> .
@prefix pgsh: <https://w3id.org/policygraph/shapes#> .
<urn:x:kind-required> a sh:PropertyShape ; sh:targetClass pg:CivilSocietyOrganization ; sh:path pg:kind ;
    sh:minCount 2 ; pgsh:code "two-kinds" ; sh:message "say two kinds" .
""",
        encoding="utf-8",
    )
    result = invoke("validate", *BASE, *SOURCES, "--shapes", extra)
    assert result.exit_code == 1
    assert "  valid/base/records.yaml:35: violation two-kinds: ngo, 'kind'\n      say two kinds\n" in result.output
    only = invoke("validate", *BASE, *SOURCES, "--no-bundled-shapes", "--shapes", extra, "--format", "json")
    assert [f["code"] for f in json.loads(only.stdout)["findings"]] == ["two-kinds"]


def test_build_refuses_to_write_graph_with_violations(invoke, in_fixtures, tmp_path):
    """build -o on data with a violation lists it, says --no-validate, exits 1 and writes nothing."""
    out = tmp_path / "g.ttl"
    result = invoke("build", *BASE, "--data", "invalid/missing-citation/data.yaml", "-o", out)
    assert result.exit_code == 1
    assert not out.exists()
    assert result.stderr.splitlines() == [
        "invalid/missing-citation/data.yaml:1: violation missing-citation: body-x, 'cite'",
        "    no citation: add 'cite' with at least one source (or url), locator and quote that support this record",
        f"error: not writing {out}: the graph has 1 violation (listed above; policygraph validate explains them, "
        "--no-validate writes the graph anyway)",
    ]


def test_build_no_validate_writes_anyway(invoke, in_fixtures, tmp_path):
    """build --no-validate -o writes the graph even with a violation."""
    out = tmp_path / "g.ttl"
    result = invoke("build", *BASE, "--data", "invalid/missing-citation/data.yaml", "--no-validate", "-o", out)
    assert result.exit_code == 0, result.output
    assert out.exists()


def test_build_writes_valid_graph(invoke, in_fixtures, tmp_path):
    """build -o validates first and writes a graph that has no violations."""
    out = tmp_path / "g.ttl"
    result = invoke("build", *BASE, "-o", out)
    assert result.exit_code == 0, result.output
    assert out.stat().st_size > 1000


def test_validate_bundled_conforms(invoke):
    """The bundled dataset validates with no violations (exit 0) against the bundled shapes."""
    result = invoke("validate", "--severity", "violation")
    assert result.exit_code == 0, result.output
    assert ": conforms" in result.output.splitlines()[-1]


def test_validate_help_has_example(invoke):
    """validate --help explains the command, its exit codes and gives examples."""
    result = invoke("validate", "--help")
    assert result.exit_code == 0
    text = " ".join(result.output.split())
    assert (
        "Exit status: 0 when the data conforms (no violations), 1 when it has violations, "
        "2 when the input cannot be read" in text
    )
    assert "policygraph validate --format json > report.json" in result.output


def test_validate_real_process_exit_codes():
    """In a real process: violations exit 1 with the finding on stdout; unreadable input exits 2, no traceback."""
    import subprocess
    import sys

    command = [sys.executable, "-m", "policygraph", "validate", *BASE, *SOURCES]
    found = subprocess.run([*command, "--data", "invalid/missing-citation/data.yaml"], cwd=FIXTURES, capture_output=True,
                           text=True, timeout=120)
    assert found.returncode == 1, found.stderr
    assert "  invalid/missing-citation/data.yaml:1: violation missing-citation: body-x, 'cite'\n" in found.stdout
    broken = subprocess.run([*command, "--data", "invalid/wrong-encoding/data.yaml"], cwd=FIXTURES, capture_output=True,
                            text=True, timeout=120)
    assert broken.returncode == 2
    assert broken.stderr == "error: invalid/wrong-encoding/data.yaml:3: not UTF-8 text (save the file as UTF-8)\n"
