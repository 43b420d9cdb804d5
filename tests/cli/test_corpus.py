"""The malformed-input corpus: every file through every command that reads it — exit 2 (or 1) and one line, never a traceback.

The expectations live in tests/fixtures/malformed/README.md (one table row per file and use);
this module reads that table, so the README and the test cannot drift apart.
"""

from __future__ import annotations

import importlib.util
import re
import subprocess
import sys
from pathlib import Path

import pytest

CORPUS = Path(__file__).parents[1] / "fixtures" / "malformed"
TINY = "../tiny"
URL = "http://127.0.0.1:9/store"  # the discard port: nothing may be sent anyway
_ROW = re.compile(r"^\| `(?P<file>[^`]+)` \| (?P<what>.+?) \| (?P<groups>[a-z, -]+) \| (?P<exit>\d) \| `(?P<message>.*)` \|$")


def _rows() -> list[dict]:
    rows = []
    for line in (CORPUS / "README.md").read_text(encoding="utf-8").splitlines():
        match = _ROW.match(line)
        if match:
            rows.append(match.groupdict())
    return rows


ROWS = _rows()

COMMANDS = {
    "data": {
        "build": ["build", "--no-bundled", "--data", "FILE"],
        "validate": ["validate", "--no-bundled", "--data", "FILE"],
        "show": ["show", "a", "--no-bundled", "--data", "FILE"],
        "search": ["search", "a", "--no-bundled", "--data", "FILE"],
        "trace": ["trace", "a", "--no-bundled", "--data", "FILE"],
        "analyze": ["analyze", "summary", "--no-bundled", "--data", "FILE"],
        "export": ["export", "graphml", "-o", "OUT", "--no-bundled", "--data", "FILE"],
        "query": ["query", "-e", "SELECT * WHERE { ?s ?p ?o } LIMIT 1", "--no-bundled", "--data", "FILE"],
        "push": ["push", URL, "--no-bundled", "--data", "FILE"],
        "serve": ["serve", "--no-bundled", "--data", "FILE", "--port", "9"],
    },
    "graph": {
        "query": ["query", "--graph", "FILE", "-e", "ASK {}"],
        "push": ["push", URL, "--graph", "FILE"],
        "serve": ["serve", "--graph", "FILE", "--port", "9"],
    },
    "query": {"query": ["query", "FILE", "--no-bundled", "--data", TINY]},
    "analyze-query": {
        "analyze": ["analyze", "summary", "--no-bundled", "--data", TINY, "--query", "FILE"],
        "export": ["export", "graphml", "-o", "OUT", "--no-bundled", "--data", TINY, "--query", "FILE"],
    },
    "shapes": {"validate": ["validate", "--no-bundled", "--data", TINY, "--shapes", "FILE"]},
    "findings": {
        "validate": ["validate", "--no-bundled", "--data", "FILE"],
        "build": ["build", "--no-bundled", "--data", "FILE", "-o", "OUT"],
    },
}


def _cases(findings: bool) -> list:
    cases = []
    for row in ROWS:
        for group in (g.strip() for g in row["groups"].split(",")):
            if (group == "findings") != findings:
                continue
            for name, args in COMMANDS[group].items():
                cases.append(pytest.param(row, args, id=f"{row['file']}-{group}-{name}"))
    return cases


@pytest.fixture
def in_corpus(monkeypatch):
    """Run from the corpus folder, so locations print as the README shows them."""
    monkeypatch.chdir(CORPUS)


def _args(args: list[str], file: str, out: Path) -> list[str]:
    return [file if a == "FILE" else str(out) if a == "OUT" else a for a in args]


@pytest.mark.parametrize(("row", "args"), _cases(findings=False))
def test_cli_refuses_malformed_input(invoke, in_corpus, tmp_path, row, args):
    """Exit 2 with exactly one line on stderr, 'error: FILE:LINE: message'; nothing on stdout, nothing written."""
    out = tmp_path / "out.graphml"
    result = invoke(*_args(args, row["file"], out))
    assert result.exit_code == int(row["exit"]), result.output
    expected = row["message"]
    if expected.endswith("…"):
        assert result.stderr.startswith("error: " + expected[:-1]), result.stderr
        assert result.stderr.count("\n") == 1 and result.stderr.endswith("\n")
    else:
        assert result.stderr == f"error: {expected}\n"
    assert result.stdout == ""
    assert not out.exists()


@pytest.mark.parametrize(("row", "args"), _cases(findings=True))
def test_cli_reports_findings_in_malformed_input(invoke, in_corpus, tmp_path, row, args):
    """Data that loads but breaks the shapes: exit 1 with the violation shown, nothing written, no traceback."""
    out = tmp_path / "out.ttl"
    result = invoke(*_args(args, row["file"], out))
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output
    if args[0] == "validate":
        assert f"  {row['message']}\n" in result.stdout
        assert result.stderr == ""
    else:
        assert result.stderr.splitlines()[0] == row["message"]
        assert result.stderr.splitlines()[-1].startswith(f"error: not writing {out}: the graph has")
        assert not out.exists()


@pytest.mark.parametrize("command", [*(c for c in COMMANDS["data"] if c != "serve"), "graph-query", "graph-push"])
@pytest.mark.parametrize("row", [r for r in ROWS if r["groups"] == "findings"], ids=lambda r: r["file"])
def test_cli_findings_input_never_logs_tracebacks(invoke, in_corpus, tmp_path, caplog, row, command):
    """Every command on data with defects (an ill-typed date) runs or stops with one line; rdflib logs no traceback.

    (Not ``serve``: the data loads, so it would serve until stopped; test_cli_safety covers it.)
    """
    group, name = ("graph", command[6:]) if command.startswith("graph-") else ("data", command)
    if group == "graph" and not row["file"].endswith(".ttl"):
        pytest.skip("YAML is not a graph file")
    result = invoke(*_args(COMMANDS[group][name], row["file"], tmp_path / "out.graphml"))
    assert result.exit_code in (0, 1, 2)
    assert "Traceback" not in result.output
    if result.exit_code == 2:
        assert result.stderr.startswith("error: ") and result.stderr.count("\n") == 1
    assert [r.getMessage() for r in caplog.records if r.name.startswith("rdflib")] == []


def test_corpus_readme_lists_every_file():
    """The README's table covers every corpus file (and only those): at least 60 inputs."""
    on_disk = {str(p.relative_to(CORPUS)) for p in CORPUS.rglob("*") if p.is_file() and p.name not in ("README.md", "generate.py")}
    on_disk = {p for p in on_disk if "__pycache__" not in p}
    listed = {row["file"] for row in ROWS}
    assert listed == on_disk
    assert len(listed) >= 60


def test_corpus_files_match_generator():
    """The checked-in files are exactly what generate.py writes (so the README's descriptions stay true)."""
    spec = importlib.util.spec_from_file_location("generate_corpus", CORPUS / "generate.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    generated = {**module.DATA, **module.GRAPH, **module.QUERIES, **module.SHAPES, **module.FINDINGS}
    assert set(generated) == {row["file"] for row in ROWS}
    for name, content in generated.items():
        raw = content if isinstance(content, bytes) else content.encode("utf-8")
        assert (CORPUS / name).read_bytes() == raw, name


REAL_PROCESS = ["yaml/alias-bomb.yaml", "rdf/billion-laughs.rdf", "rdf/remote-context.jsonld", "graph/external-entity.owl", "queries/load.rq"]


@pytest.mark.parametrize("row", [r for r in ROWS if r["file"] in REAL_PROCESS], ids=lambda r: r["file"])
def test_cli_refuses_malformed_input_in_a_real_process(row):
    """A few corpus files through ``python -m policygraph``: the same single line on stderr, exit 2, no traceback."""
    group = row["groups"].split(",")[0].strip()
    args = _args(next(iter(COMMANDS[group].values())), row["file"], CORPUS / "unused.out")
    done = subprocess.run([sys.executable, "-m", "policygraph", *args], cwd=CORPUS, capture_output=True, text=True, check=False, timeout=120)
    assert (done.returncode, done.stderr, done.stdout) == (2, f"error: {row['message']}\n", "")


@pytest.mark.parametrize("row", [r for r in ROWS if r["groups"] == "findings"], ids=lambda r: r["file"])
def test_cli_reports_findings_in_a_real_process(row):
    """validate in a real process: exit 1, the violation on stdout, and nothing on stderr (no rdflib log tracebacks)."""
    done = subprocess.run(
        [sys.executable, "-m", "policygraph", "validate", "--no-bundled", "--data", row["file"]],
        cwd=CORPUS, capture_output=True, text=True, check=False, timeout=120,
    )
    assert done.returncode == 1
    assert f"  {row['message']}\n" in done.stdout
    assert done.stderr == ""
