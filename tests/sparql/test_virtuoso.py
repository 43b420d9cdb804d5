"""A second real store: push to an authenticated Virtuoso, then the named queries give the same rows there as here.

One throwaway Virtuoso (Debian's ``virtuoso-opensource``) runs for the module on 127.0.0.1, in a
temporary folder with a virtuoso.ini written here; its ``dba`` password is changed to a fresh secret
before any test, so the Graph Store endpoint ``/sparql-graph-crud-auth`` (Digest authentication) is
really guarded. Skipped when the ``virtuoso-t`` program is not installed.
"""

from __future__ import annotations

import datetime
import re
import secrets
import shlex
import shutil
import socket
import subprocess
import time
import urllib.parse
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from types import SimpleNamespace

import pytest
from rdflib import Literal

from policygraph.sparql.params import bind_params, parse_param_options
from policygraph.sparql.query import list_queries, named_query
from policygraph.sparql.results import comparable
from policygraph.sparql.run import run_query

GRAPH = "https://example.org/policygraph/japan"
# Every example of every named query, the trace rules included: the queries are written so Virtuoso 7.2 (Debian's)
# gives the same rows (README's "Remote stores" says which constructs it gets wrong).
NAMED = [
    pytest.param(q.name, i, id=f"{q.name}-{i}")
    for q in list_queries(check=False)
    for i in range(max(1, len(q.examples)))
]
# Columns computed as an xsd:boolean that Virtuoso 7.2 returns as the integer 1 or 0 (trace-raised-by's
# ``BIND(COALESCE(?hit, false) AS ?about)``): only there are 1/0 read as true/false, and only when the local
# column is a boolean; every other column compares as ``comparable`` has it.
BOOLEAN_COLUMNS = {"trace-raised-by": ("about",)}
XSD_BOOLEAN, XSD_INTEGER = "http://www.w3.org/2001/XMLSchema#boolean", "http://www.w3.org/2001/XMLSchema#integer"


INI = """\
[Database]
DatabaseFile = {d}/virtuoso.db
ErrorLogFile = {d}/virtuoso.log
LockFile = {d}/virtuoso.lck
TransactionFile = {d}/virtuoso.trx
xa_persistent_file = {d}/virtuoso.pxa
[TempDatabase]
DatabaseFile = {d}/virtuoso-temp.db
TransactionFile = {d}/virtuoso-temp.trx
[Parameters]
ServerPort = 127.0.0.1:{sql}
DisableUnixSocket = 1
NumberOfBuffers = 10000
MaxDirtyBuffers = 6000
CheckpointInterval = 0
DirsAllowed = .
[HTTPServer]
ServerPort = 127.0.0.1:{http}
ServerRoot = {d}
ServerThreads = 4
Charset = UTF-8
[SPARQL]
ResultSetMaxRows = 100000
MaxQueryExecutionTime = 60
"""


def _wait_for_port(port: int, process: subprocess.Popen, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"virtuoso exited with code {process.returncode}")
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.1)
    raise RuntimeError(f"virtuoso did not listen on {port} within {seconds} s")


@pytest.fixture(scope="module")
def virtuoso(free_port, tmp_path_factory):
    """A running Virtuoso: its authenticated Graph Store (``store``), SPARQL endpoint (``sparql``) and dba ``password``."""
    binary, isql = shutil.which("virtuoso-t"), shutil.which("isql-vt") or shutil.which("isql")
    if binary is None or isql is None:
        pytest.skip("Virtuoso is not installed (apt-get install virtuoso-opensource)")
    folder = tmp_path_factory.mktemp("virtuoso")
    sql, http = free_port(), free_port()
    (folder / "virtuoso.ini").write_text(INI.format(d=folder, sql=sql, http=http), encoding="utf-8")
    process = subprocess.Popen(
        [binary, "-f", "-c", str(folder / "virtuoso.ini")], cwd=folder, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    try:
        _wait_for_port(http, process)
        _wait_for_port(sql, process)
        password = secrets.token_hex(12)
        subprocess.run(
            [isql, f"127.0.0.1:{sql}", "dba", "dba", f"exec=USER_SET_PASSWORD('dba', '{password}');"],
            check=True, capture_output=True, timeout=60,
        )
        base = f"http://127.0.0.1:{http}"
        yield SimpleNamespace(store=f"{base}/sparql-graph-crud-auth", sparql=f"{base}/sparql", password=password)
    finally:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@pytest.fixture(scope="module")
def pushed(virtuoso, bundled):
    """The bundled graph pushed into a named graph through the CLI; the query endpoint reading that graph."""
    from click.testing import CliRunner

    from policygraph.cli import main

    env = {"POLICYGRAPH_ENDPOINT_USER": "dba", "POLICYGRAPH_ENDPOINT_PASSWORD": virtuoso.password}
    store = virtuoso.store
    result = CliRunner().invoke(main, ["push", store, "--named-graph", GRAPH], env=env, catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert result.stdout == f"pushed {len(bundled.graph)} triples to {store}: replaced named graph <{GRAPH}> (HTTP 201)\n"
    return f"{virtuoso.sparql}?default-graph-uri={urllib.parse.quote(GRAPH, safe='')}"


def test_virtuoso_holds_what_was_pushed(pushed, bundled):
    """The named graph on Virtuoso has exactly as many triples as the local graph."""
    from policygraph.sparql.query import parse_query

    count = run_query(parse_query("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"), endpoint=pushed)
    assert int(count.rows[0][0]) == len(bundled.graph)


def _as_boolean(term):
    """An xsd:integer ``1``/``0`` (Virtuoso's computed boolean) as the xsd:boolean ``true``/``false``; anything else as it is."""
    if isinstance(term, Literal) and str(term.datatype) == XSD_INTEGER and str(term) in ("1", "0"):
        return Literal(str(term) == "1")  # typed xsd:boolean
    return term


def _same_rows(pushed, bundled, name: str, given: dict[str, str]) -> int:
    """Run the named query with ``given`` parameters on Virtuoso and locally; assert the same rows; return how many."""
    return sum(_same_rows_each(pushed, bundled, name, [given]))


def _same_rows_each(pushed, bundled, name: str, givens: list[dict[str, str]]) -> list[int]:
    """``_same_rows`` for each of ``givens``, Virtuoso answering four at a time (its ServerThreads)."""
    query = named_query(name)
    bindings = [bind_params(query, given, bundled) for given in givens]
    with ThreadPoolExecutor(4) as pool:
        remotes = list(pool.map(lambda bound: run_query(query, bound, endpoint=pushed), bindings))
    counts = []
    for given, bound, remote in zip(givens, bindings, remotes):
        here = run_query(query, bound, graph=bundled)
        assert remote.variables == here.variables
        for column in (here.variables.index(name) for name in BOOLEAN_COLUMNS.get(name, ())):
            assert all(row[column] is None or str(row[column].datatype) == XSD_BOOLEAN for row in here.rows)
            for result in (remote, here):
                result.rows = [row[:column] + (_as_boolean(row[column]),) + row[column + 1 :] for row in result.rows]
        assert comparable(remote) - comparable(here) == comparable(here) - comparable(remote) == Counter(), given
        counts.append(len(here.rows))
    return counts


@pytest.mark.parametrize("name, example", NAMED)
def test_virtuoso_named_query_same_rows_as_local(pushed, bundled, name, example):
    """Each named query, with each example's parameters bound, gives the same rows on Virtuoso as locally."""
    query = named_query(name)
    words = shlex.split(query.examples[example]) if query.examples else []
    given = parse_param_options(words[i + 1] for i, word in enumerate(words[:-1]) if word == "--param")
    rows = _same_rows(pushed, bundled, name, given)
    if query.form == "SELECT":
        assert rows > 0


def test_virtuoso_queries_same_rows_for_every_group_and_status(pushed, bundled):
    """policies-affecting-group for every group a policy or feature affects, policies for every status and a few date
    ranges, residence-statuses under each status: Virtuoso 7.2 lost rows or repeated some before the rewrite."""
    groups = bundled.store.query("SELECT DISTINCT ?g WHERE { ?x <https://w3id.org/policygraph/ontology#affectsGroup> ?g }")
    names = sorted(row["g"].value.rsplit("/", 1)[1] for row in groups)
    assert len(names) > 20
    assert sum(_same_rows(pushed, bundled, "policies-affecting-group", {"group": name}) for name in names) > 500
    statuses = ["proposed", "pending", "enacted", "in-force", "active", "abandoned", "withdrawn", "ended", "superseded"]
    ranges = [{"from": "2019", "to": "2021"}, {"from": "2015-01", "to": "2016-06-30"}, {"to": "2000"}, {"status": "in-force", "from": "2010"}]
    assert sum(_same_rows(pushed, bundled, "policies", given) for given in [{"status": s} for s in statuses] + ranges) > 150
    residence = bundled.store.query("SELECT ?s WHERE { ?s a <https://w3id.org/policygraph/ontology#ResidenceStatus> }")
    under = sorted(row["s"].value.rsplit("/", 1)[1] for row in residence)
    assert sum(_same_rows(pushed, bundled, "residence-statuses", {"under": name}) for name in under) > 30


def test_virtuoso_trace_rules_same_rows_for_every_policy_provision_and_treaty(pushed, bundled):
    """trace-coverage for every policy, trace-engaging-policies for every provision, trace-participation and
    trace-coverage-treaty for every treaty: Virtuoso 7.2 gave other rows for the first two, and could not compile
    the last two, before they were rewritten."""
    from policygraph.graph.labels import local_id
    from policygraph.terms import PG, RDF

    graph = bundled.graph
    policies = bundled.store.query(
        "SELECT DISTINCT ?p WHERE { ?p a ?c . ?c <http://www.w3.org/2000/01/rdf-schema#subClassOf>* <https://w3id.org/policygraph/ontology#Policy> }"
    )
    policies = sorted(row["p"].value.rsplit("/", 1)[1] for row in policies)
    provisions = sorted(local_id(node) for node in graph.subjects(RDF.type, PG.Provision))
    treaties = sorted(local_id(node) for node in graph.subjects(RDF.type, PG.Treaty))
    assert len(policies) > 100 and len(provisions) > 50 and len(treaties) > 20
    assert sum(_same_rows_each(pushed, bundled, "trace-coverage", [{"policy": p, "state": "jp"} for p in policies])) > 1000
    assert sum(_same_rows_each(pushed, bundled, "trace-engaging-policies", [{"provision": p} for p in provisions])) > 300
    for name, least in (("trace-participation", 30), ("trace-coverage-treaty", 1)):
        assert sum(_same_rows_each(pushed, bundled, name, [{"state": "jp", "treaty": t} for t in treaties])) >= least


def test_virtuoso_site_entities_same_rows_for_every_section(pushed, bundled):
    """site-entities for each section and for all: Virtuoso 7.2 kept concepts with a narrower class under
    skos:Concept (163 rows for ``section=concept``, 134 here) before the narrower-class test was rewritten."""
    query = named_query("site-entities")
    sections = re.findall(r'"([a-z]+)" [0-9]+\)', query.text)
    assert len(sections) == 12
    counts = _same_rows_each(pushed, bundled, "site-entities", [{"section": s} for s in sections] + [{}])
    assert counts[sections.index("concept")] > 100 and counts[-1] == sum(counts[:-1])


def test_virtuoso_binding_rule_same_answers_as_local(pushed, bundled):
    """bound-by-treaty on Virtuoso: for each participation, on each date around it (as a day, its month, its year), the local answer."""
    from policygraph.graph.labels import local_id
    from policygraph.terms import PG, RDF
    from policygraph.tracing.binding import binding_rows

    query, graph = named_query("bound-by-treaty"), bundled.graph
    questions = {}  # what was asked -> (its bindings, the local answer); a date asked twice is asked once
    for participation in graph.subjects(RDF.type, PG.Participation):
        state, treaty = graph.value(participation, PG.state), graph.value(participation, PG.treaty)
        days = set()
        for row in binding_rows(bundled, state, treaty, datetime.date(2000, 1, 1)):
            for name in ("signed", "ratified", "acceded", "accepted", "recorded", "treatyInForce", "start"):
                value = str(getattr(row, name) or "")
                if value:
                    day = datetime.date.fromisoformat((value + "-01-01")[:10])
                    days |= {day, day - datetime.timedelta(days=1)}
        for day in days:
            for given in (day.isoformat(), day.isoformat()[:7], day.isoformat()[:4]):
                asked_about = (local_id(treaty), local_id(state), given)
                if asked_about not in questions:
                    bindings = bind_params(query, {"treaty": asked_about[0], "state": asked_about[1], "date": given}, bundled)
                    questions[asked_about] = (bindings, run_query(query, bindings, graph=bundled).boolean)
    with ThreadPoolExecutor(4) as pool:  # Virtuoso answers four at a time (ServerThreads): the same questions in less time
        there = list(pool.map(lambda question: run_query(query, question[0], endpoint=pushed).boolean, questions.values()))
    for (asked_about, (_, here)), answer in zip(questions.items(), there):
        assert answer is here, asked_about
    asked = Counter(here for _, here in questions.values())
    assert asked[True] > 50 and asked[False] > 50  # 212 questions on the data as it is, both answers well represented


@pytest.mark.parametrize("wrong", ["password", "user"])
def test_virtuoso_wrong_credentials(virtuoso, invoke, monkeypatch, wrong):
    """Wrong credentials: exit 2, one line, and the secret appears nowhere in the output."""
    password = virtuoso.password
    secret = "not-" + password
    monkeypatch.setenv("POLICYGRAPH_ENDPOINT_USER", "dba" if wrong == "password" else "nobody")
    monkeypatch.setenv("POLICYGRAPH_ENDPOINT_PASSWORD", secret if wrong == "password" else password)
    store = virtuoso.store
    result = invoke("push", store, "--named-graph", GRAPH + "/wrong")  # the whole graph: refused before it is sent
    assert result.exit_code == 2
    assert result.output == (
        f"error: graph store {store}?graph={urllib.parse.quote(GRAPH + '/wrong', safe='')} refused the credentials "
        "from POLICYGRAPH_ENDPOINT_USER and POLICYGRAPH_ENDPOINT_PASSWORD (401)\n"
    )
    assert secret not in result.output and password not in result.output


def test_virtuoso_without_credentials(virtuoso, invoke, monkeypatch, tmp_path):
    """No credentials anywhere: exit 2 and a line saying where to put them (not a broken pipe in the upload)."""
    for name in ("POLICYGRAPH_ENDPOINT_USER", "POLICYGRAPH_ENDPOINT_PASSWORD", "POLICYGRAPH_ENDPOINT_TOKEN"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("HOME", str(tmp_path))
    store = virtuoso.store
    result = invoke("push", store, "--named-graph", GRAPH + "/none")
    assert result.exit_code == 2
    assert result.output.count("\n") == 1
    assert "asks for credentials (401)" in result.output and "POLICYGRAPH_ENDPOINT_PASSWORD" in result.output


def test_virtuoso_from_python(virtuoso, pushed, bundled):
    """The Python API: push_graph with an EndpointAuth, then query() on open_endpoint() gives the local rows."""
    from policygraph import EndpointAuth, open_endpoint, push_graph, query

    report = push_graph(bundled.graph, virtuoso.store, named_graph=GRAPH + "/python", auth=EndpointAuth(user="dba", password=virtuoso.password))
    assert report.status in (200, 201)
    endpoint = open_endpoint(f"{virtuoso.sparql}?default-graph-uri={urllib.parse.quote(GRAPH + '/python', safe='')}", auth=EndpointAuth())
    remote = query(endpoint, "treaties-party", {"state": "jp"})
    assert comparable(remote) == comparable(query(bundled, "treaties-party", {"state": "jp"}))


def test_virtuoso_authenticated_sparql_endpoint(virtuoso, pushed, bundled, monkeypatch):
    """Virtuoso's /sparql-auth (Digest) answers a query with credentials from the environment, and refuses one without."""
    from policygraph.errors import InputError
    from policygraph.sparql.auth import EndpointAuth
    from policygraph.sparql.query import parse_query

    url = f"{virtuoso.sparql}-auth?default-graph-uri={urllib.parse.quote(GRAPH, safe='')}"
    count = parse_query("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")
    monkeypatch.setenv("POLICYGRAPH_ENDPOINT_USER", "dba")
    monkeypatch.setenv("POLICYGRAPH_ENDPOINT_PASSWORD", virtuoso.password)
    assert int(run_query(count, endpoint=url).rows[0][0]) == len(bundled.graph)
    with pytest.raises(InputError, match=r"asks for credentials \(401\)"):
        run_query(count, endpoint=url, auth=EndpointAuth())
