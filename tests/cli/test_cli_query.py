"""query and queries through the CLI: formats, exit codes 0/1/2, exact one-line errors, files."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from policygraph import load_graph
from policygraph.sparql.params import bind_params
from policygraph.sparql.query import list_queries, named_query
from policygraph.sparql.results import format_result
from policygraph.sparql.run import run_query

DATA = Path(__file__).parents[1] / "fixtures" / "query"
TINY = ("--no-bundled", "--data", DATA)
MINE = [q.name for q in list_queries(check=False) if not q.name.startswith("trace-")]


@pytest.fixture(scope="module")
def tiny():
    return load_graph([DATA], bundled=False)


def test_query_table_with_labels_golden(invoke, golden):
    """A named query as a table with labels: readable names, aligned columns, a row count."""
    result = invoke("query", "policy-provisions", "--param", "policy=bill-2021", "--labels", "--max-width", "30", *TINY)
    assert result.exit_code == 0 and result.exception is None
    golden("cli_query/policy-provisions-labels.txt", result.stdout)


def test_query_markdown_golden(invoke, golden):
    """--format md gives a Markdown table with whole values."""
    result = invoke("query", "treaties-not-party", "--param", "state=ru", "--format", "md", *TINY)
    assert result.exit_code == 0
    golden("cli_query/treaties-not-party.md", result.stdout)


@pytest.mark.parametrize("fmt", ["csv", "tsv", "json", "xml", "table", "md"])
def test_query_output_equals_library(invoke, tiny, fmt):
    """The CLI prints exactly what the library renders for the same query (thin CLI)."""
    query = named_query("policies")
    result = run_query(query, bind_params(query, {"from": "2019"}, tiny), graph=tiny)
    cli = invoke("query", "policies", "--param", "from=2019", "--format", fmt, *TINY)
    assert cli.exit_code == 0
    assert cli.stdout_bytes.decode("utf-8") == format_result(result, fmt)


def test_query_expression_file_and_stdin(invoke, tmp_path):
    """-e, a .rq file and - (standard input) run the same query."""
    text = "SELECT ?law WHERE { ?law a pg:Law }"
    path = tmp_path / "laws.rq"
    path.write_text(text)
    outputs = [
        invoke("query", "-e", text, "--format", "csv", *TINY),
        invoke("query", path, "--format", "csv", *TINY),
        invoke("query", "-", "--format", "csv", *TINY, input=text),
    ]
    assert [o.exit_code for o in outputs] == [0, 0, 0]
    assert {o.stdout_bytes for o in outputs} == {b"law\r\nhttps://w3id.org/policygraph/id/control-act\r\n"}


def test_query_ask_exit_codes(invoke):
    """ASK prints true (exit 0) or false (exit 1)."""
    yes = invoke("query", "bound-by-treaty", "--param", "treaty=kidsconv", "--param", "state=ru", *TINY)
    no = invoke("query", "bound-by-treaty", "--param", "treaty=tortureconv", "--param", "state=ru", *TINY)
    assert (yes.exit_code, yes.stdout) == (0, "true\n")
    assert (no.exit_code, no.stdout) == (1, "false\n")
    as_json = invoke("query", "bound-by-treaty", "--param", "treaty=kidsconv", "--param", "state=ru", "--format", "json", *TINY)
    assert json.loads(as_json.stdout) == {"head": {}, "boolean": True}


def test_query_construct_formats(invoke):
    """CONSTRUCT prints Turtle by default and takes graph formats only."""
    from rdflib import Graph

    ttl = invoke("query", "policy-neighbourhood", "--param", "policy=bill-2021", *TINY)
    assert ttl.exit_code == 0
    graph = Graph().parse(data=ttl.stdout, format="turtle")
    nt = invoke("query", "policy-neighbourhood", "--param", "policy=bill-2021", "--format", "nt", *TINY)
    assert len(graph) == len(nt.stdout.splitlines()) > 10
    bad = invoke("query", "policy-neighbourhood", "--param", "policy=bill-2021", "--format", "csv", *TINY)
    assert (bad.exit_code, bad.output) == (
        2, "error: format 'csv' is for SELECT and ASK results; CONSTRUCT gives a graph (use ttl, nt, jsonld or xml)\n"
    )


def test_query_output_file(invoke, tmp_path):
    """-o writes the result atomically, says so on stderr, prints nothing on stdout."""
    out = tmp_path / "laws.json"
    result = invoke("query", "-e", "SELECT ?law WHERE { ?law a pg:Law }", "--format", "json", "-o", out, *TINY)
    assert result.exit_code == 0
    assert (result.stdout, result.stderr) == ("", f"wrote {out} (1 row)\n")
    assert json.loads(out.read_text())["results"]["bindings"][0]["law"]["value"].endswith("/control-act")
    assert [p.name for p in tmp_path.iterdir()] == ["laws.json"]
    missing = invoke("query", "treaties-party", "--param", "state=ru", "-o", tmp_path / "no" / "x.csv", *TINY)
    assert missing.exit_code == 2 and missing.output.endswith("x.csv: cannot write: no such folder\n")


def test_query_prebuilt_graph(invoke, tmp_path):
    """--graph FILE answers as the built graph does; it cannot be mixed with --data."""
    path = tmp_path / "tiny.nt"
    assert invoke("build", *TINY, "--format", "nt", "-o", path, "--no-validate").exit_code == 0
    built = invoke("query", "treaties-party", "--param", "state=ru", "--format", "csv", *TINY)
    prebuilt = invoke("query", "treaties-party", "--param", "state=ru", "--format", "csv", "--graph", path)
    assert prebuilt.exit_code == 0 and prebuilt.stdout == built.stdout
    labelled = invoke("query", "treaties-party", "--param", "state=ru", "--graph", path, "--labels", "--engine", "rdflib")
    assert "Convention on Children" in labelled.stdout
    both = invoke("query", "treaties-party", "--graph", path, "--data", DATA)
    assert (both.exit_code, both.output) == (
        2,
        "error: --graph cannot be combined with --data or --no-bundled "
        "(build a graph with the extra data first: policygraph build --data PATH -o FILE)\n",
    )


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("query",), "error: give a query: NAME, FILE.rq, - (standard input) or -e 'SPARQL' (exactly one)"),
        (("query", "policies", "-e", "ASK {}"), "error: give a query: NAME, FILE.rq, - (standard input) or -e 'SPARQL' (exactly one)"),
        (("query", "-e", "SELECT * WHERE { ?s ?p ?o"), "error: -e:1:26: syntax error near '?p ?o'"),
        (("query", "-e", "SELECT * WHERE { SERVICE <http://example.org/s> { ?s ?p ?o } }"),
         "error: -e:1:18: SERVICE is not allowed: policygraph does not send queries on to other endpoints (SERVICE <http://example.org/s>)"),
        (("query", "-e", "LOAD <file:///etc/passwd>"), "error: -e:1: LOAD is not allowed: policygraph query is read-only"),
        (("query", "-e", "CLEAR DEFAULT"), "error: -e:1: CLEAR is not allowed: policygraph query is read-only"),
        (("query", "-e", "SELECT * FROM <http://example.org/g> WHERE { ?s ?p ?o }"),
         "error: -e:1:10: FROM is not allowed on the local graph: the query runs on the built graph and never fetches others "
         "(drop FROM, or use --endpoint to query a server's named graphs)"),
        (("query", "policy-provisions"), "error: missing parameter 'policy' for query 'policy-provisions' (its parameters: policy (id))"),
        (("query", "policy-provisions", "--param", "polcy=bill-2021"),
         "error: unknown parameter 'polcy' for query 'policy-provisions' (its parameters: policy (id))"),
        (("query", "policy-provisions", "--param", "policy=bill-2012"),
         "error: unknown id 'bill-2012' for parameter 'policy' (did you mean bill-2021?)"),
        (("query", "policies", "--param", "from=2021-13"),
         "error: bad value '2021-13' for parameter 'from' (date): use YYYY, YYYY-MM or YYYY-MM-DD"),
        (("query", "policies", "--param", "from"), "error: bad --param 'from': use NAME=VALUE"),
        (("query", "policies", "--format", "ttl"), "error: format 'ttl' is for graphs; SELECT gives results (use table, csv, tsv, json, xml or md)"),
        (("query", "nothing.rq"), "error: nothing.rq: no such file"),
        (("query", "-e", "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }", "--timeout", "0.5"),
         "error: query timed out after 0.5 s (raise --timeout or narrow the query)"),
    ],
)
def test_query_errors_exit_2_one_line(invoke, args, message):
    """Bad queries, parameters, names, formats, SERVICE/LOAD/FROM and timeouts: exit 2, one exact line."""
    result = invoke(*args, *TINY)
    assert result.exit_code == 2
    assert result.output == message + "\n"


def test_query_unknown_name_lists_queries(invoke):
    """An unknown query name suggests close names and lists all of them, on one line."""
    result = invoke("query", "treaty-party", *TINY)
    assert result.exit_code == 2
    assert result.output.startswith("error: unknown query 'treaty-party' (did you mean treaties-party")
    assert all(name in result.output for name in MINE) and result.output.count("\n") == 1


def test_query_timeout_must_be_positive(invoke):
    """--timeout 0 is a usage error (exit 2)."""
    result = invoke("query", "treaties-party", "--timeout", "0", *TINY)
    assert result.exit_code == 2 and "Invalid value for '--timeout'" in result.output


def test_queries_lists_every_named_query(invoke):
    """queries lists each named query with its summary and its parameters."""
    result = invoke("queries")
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    for query in list_queries(check=False):
        assert any(line.startswith(query.name + " ") for line in lines), query.name
    assert any("--param policy=… (id)" in line for line in lines)
    assert lines[-1].startswith(f"{len(list_queries(check=False))} queries; run one with: policygraph query NAME")


def test_queries_one_shows_sparql_and_json(invoke):
    """queries NAME shows the parameters, the examples and the SPARQL; --format json the same as data."""
    result = invoke("queries", "policies")
    assert result.exit_code == 0
    assert result.stdout.startswith("policies — Policies by status and date range")
    assert "  status (string, optional): only policies with this status" in result.stdout
    assert "  policygraph query policies --param from=2019 --param to=2021" in result.stdout
    assert "SELECT ?date ?step ?policy" in result.stdout and "# summary" not in result.stdout
    document = json.loads(invoke("queries", "policies", "--format", "json").stdout)
    assert document["params"][1] == {"name": "from", "type": "date", "required": False, "default": None,
                                     "meaning": "only steps on or after this date (YYYY, YYYY-MM or YYYY-MM-DD)"}
    assert document["sparql"] == named_query("policies").text
    listing = json.loads(invoke("queries", "--format", "json").stdout)
    assert [q["name"] for q in listing] == [q.name for q in list_queries(check=False)]
    unknown = invoke("queries", "nope")
    assert unknown.exit_code == 2 and unknown.output.startswith("error: unknown query 'nope'")


@pytest.mark.parametrize("command", ["query", "queries", "push", "serve"])
def test_commands_have_help_with_example(invoke, command):
    """Each command has a summary line and an Example block in --help."""
    result = invoke(command, "--help")
    assert result.exit_code == 0
    assert "Example:" in result.stdout and "policygraph " in result.stdout


def test_python_m_query_real_process(tmp_path):
    """`python -m policygraph query` from another directory: ASK false exits 1; a bad query exits 2 without a traceback."""
    ask = subprocess.run(
        [sys.executable, "-m", "policygraph", "query", "bound-by-treaty", "--param", "treaty=cmw"],
        cwd=tmp_path, capture_output=True, text=True, timeout=120,
    )
    assert (ask.returncode, ask.stdout) == (1, "false\n")
    bad = subprocess.run(
        [sys.executable, "-m", "policygraph", "query", "-e", "SELECT * WHERE { ?s ?p }"],
        cwd=tmp_path, capture_output=True, text=True, timeout=120,
    )
    assert bad.returncode == 2 and bad.stderr.startswith("error: -e:1:") and "Traceback" not in bad.stderr
