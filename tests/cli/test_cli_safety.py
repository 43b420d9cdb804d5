"""Hostile queries, time limits, large inputs and the server, through the CLI and real processes.

Each test would fail if the protection broke: refused queries never reach a listening server,
runaway queries stop and leave no process or file, parameters cannot change a query, ``serve``
listens on 127.0.0.1 only, refuses writes and answers a burst of clients correctly.
"""

from __future__ import annotations

import http.server
import json
import os
import signal
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from policygraph import load_graph
from policygraph.errors import ConfigError
from policygraph.sparql.query import parse_query
from policygraph.sparql.remote import oxigraph_binary
from policygraph.sparql.results import comparable
from policygraph.sparql.run import run_query

DATA = Path(__file__).parents[1] / "fixtures" / "query"
RUNAWAY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l . ?m ?n ?o }"
CLIENTS, QUERIES_EACH = 16, 25


def session_processes(session: int) -> list[int]:
    """The processes of a session (Linux /proc): what a command left running."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[3]) == session and fields[0] != "Z":  # fields: state, ppid, pgrp, session
                found.append(int(entry.name))
    return found


needs_proc = pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="needs Linux /proc to see leftover processes")


class _Recorder(http.server.BaseHTTPRequestHandler):
    """Answers everything with ``status`` and records the request (a SPARQL endpoint that must hear nothing)."""

    requests: list[str] = []
    status = 200
    delay = 0.0

    def _answer(self):
        type(self).requests.append(f"{self.command} {self.path}")
        length = int(self.headers.get("Content-Length") or 0)
        self.rfile.read(length)
        time.sleep(type(self).delay)
        body = b"the server is on fire" if self.status >= 400 else b'{"head": {}, "boolean": true}'
        self.send_response(self.status)
        self.send_header("Content-Type", "application/sparql-results+json" if self.status < 400 else "text/plain")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    do_GET = do_POST = do_PUT = _answer

    def log_message(self, *args):
        pass


class _QuietServer(http.server.ThreadingHTTPServer):
    """A client that gave up (a timeout test) makes the handler's write fail; say nothing on stderr,
    where it would land in whichever test runs next."""

    def handle_error(self, request, client_address):
        pass


@pytest.fixture
def recorder():
    """A real HTTP server on 127.0.0.1; yields (base URL, handler class) — set .status / .delay, read .requests."""
    _Recorder.requests, _Recorder.status, _Recorder.delay = [], 200, 0.0
    server = _QuietServer(("127.0.0.1", 0), _Recorder)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}", _Recorder
    server.shutdown()
    server.server_close()


# -- hostile queries ------------------------------------------------------------------------------


HOSTILE = [
    ("select * where { { select ?s where { service <URL/sparql> { ?s ?p ?o } } } }", "1:38: SERVICE is not allowed"),
    ("SELECT * WHERE { ?s ?p ?o FILTER NOT EXISTS { SERVICE SILENT <URL/sparql> { ?s ?p ?o } } }", "1:47: SERVICE is not allowed"),
    ("ASK { { SELECT * WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i } } OPTIONAL { service ?x { ?a ?b ?c } } }", "1:72: SERVICE is not allowed"),
    ("load <URL/data.ttl>", "1: LOAD is not allowed"),
    ("LOAD SILENT <file:///etc/passwd> INTO GRAPH <urn:g>", "1: LOAD is not allowed"),
    ("insert data { <urn:a> <urn:b> <urn:c> }", "1: INSERT DATA is not allowed"),
    ("WITH <urn:g> DELETE { ?s ?p ?o } WHERE { ?s ?p ?o }", "1: INSERT/DELETE is not allowed"),
    ("delete where { ?s ?p ?o }", "1: DELETE WHERE is not allowed"),
    ("clear default", "1: CLEAR is not allowed"),
    ("drop silent all", "1: DROP is not allowed"),
    ("CREATE GRAPH <urn:g>", "1: CREATE is not allowed"),
    ("COPY DEFAULT TO <urn:g>", "1: COPY is not allowed"),
]


@pytest.mark.parametrize(("text", "message"), HOSTILE, ids=[h[1].split(": ")[1] + str(i) for i, h in enumerate(HOSTILE)])
def test_query_refuses_hostile_before_evaluation(invoke, recorder, text, message):
    """SERVICE, LOAD and updates — lower-case, SILENT, in sub-queries — are refused before anything runs or is sent.

    The local graph would take hours on these patterns and the endpoint records every request: a
    refusal that came after evaluation would time out (exit 2 with another message) or reach the
    endpoint.
    """
    url, handler = recorder
    text = text.replace("URL", url)
    local = invoke("query", "-e", text, "--no-bundled", "--data", DATA, "--timeout", "60")
    remote = invoke("query", "-e", text, "--endpoint", f"{url}/sparql", "--timeout", "60")
    for result in (local, remote):
        assert result.exit_code == 2
        assert result.stderr.startswith(f"error: -e:{message}")
        assert result.stderr.count("\n") == 1
    assert handler.requests == []


def test_query_refuses_hostile_query_files_in_analyze(invoke, tmp_path):
    """The same refusals guard ``analyze --query`` (which runs a CONSTRUCT on the loaded graph)."""
    path = tmp_path / "evil.rq"
    path.write_text("construct { ?s ?p ?o } where { service <http://127.0.0.1:9/s> { ?s ?p ?o } }", encoding="utf-8")
    result = invoke("analyze", "summary", "--no-bundled", "--data", DATA, "--query", path)
    assert result.exit_code == 2
    assert result.stderr.startswith(f"error: {path}:1:32: SERVICE is not allowed")


# -- parameters cannot change a query --------------------------------------------------------------

ECHO = """# summary: echo the parameters and count the graph
# param: text (string) — any text
# param: target (iri, optional) — an IRI
# param: id (id, optional) — an id
SELECT ?echo ?iri ?ident ?count WHERE {
  BIND(?text AS ?echo) OPTIONAL { BIND(?target AS ?iri) } OPTIONAL { BIND(?id AS ?ident) }
  { SELECT (COUNT(*) AS ?count) WHERE { ?s ?p ?o } }
}
"""

INJECTIONS = [
    'x" } ; DROP ALL #',
    "a } UNION { ?s ?p ?echo }",
    "# not a comment",
    "first line\nsecond line\r\nthird",
    '\\" ) } UNION { ?s ?p ?o } # \\',
    "'''\"\"\"",
    "<http://example.org/x> . } LIMIT 0 #",
    "VALUES ?count { 0 }",
    "日本語 ✓ \u2028 tab\there",
]


@pytest.mark.parametrize("engine", ["rdflib", "oxigraph"])
def test_query_param_cannot_change_structure(invoke, tmp_path, engine):
    """Quotes, braces, #, newlines and SPARQL keywords in a --param come back verbatim, and the count is untouched."""
    query = tmp_path / "echo.rq"
    query.write_text(ECHO, encoding="utf-8")
    triples = len(load_graph([DATA], bundled=False).graph)
    for value in INJECTIONS:
        result = invoke("query", query, "--no-bundled", "--data", DATA, "--engine", engine, "--format", "json", "-p", f"text={value}")
        assert result.exit_code == 0, result.output
        rows = json.loads(result.stdout)["results"]["bindings"]
        assert len(rows) == 1
        assert rows[0]["echo"] == {"type": "literal", "value": value}
        assert rows[0]["count"]["value"] == str(triples)
    # A backslash before u would be read as a codepoint escape by one engine and not by another:
    # such a value is refused (the parse-back check), never spliced in.
    result = invoke("query", query, "--no-bundled", "--data", DATA, "--engine", engine, "-p", "text=\\u0022 } #")
    assert (result.exit_code, result.stderr) == (2, f"error: {query}: could not bind the parameters safely in this query\n")


@pytest.mark.parametrize(
    ("param", "message"),
    [
        ("target=http://example.org/a b", "bad value 'http://example.org/a b' for parameter 'target' (iri): use an absolute IRI such as https://example.org/x"),
        ("target=<http://example.org/a> } #", "bad value '<http://example.org/a> } #' for parameter 'target' (iri): use an absolute IRI such as https://example.org/x"),
        ("target=http://example.org/a>\"", "bad value 'http://example.org/a>\"' for parameter 'target' (iri): use an absolute IRI such as https://example.org/x"),
        ("id=crc> } #", "bad value 'crc> } #' for parameter 'id' (id): use an id like crc-art-9 (lower-case letters, digits, single hyphens) or a full IRI"),
        ("id=https://example.org/a b", "bad value 'https://example.org/a b' for parameter 'id' (id): use an id like crc-art-9 (lower-case letters, digits, single hyphens) or a full IRI"),
    ],
)
def test_query_param_iri_with_spaces_refused(invoke, tmp_path, param, message):
    """An IRI or id that would need escaping (spaces, '>', quotes) is refused, not written into the query."""
    query = tmp_path / "echo.rq"
    query.write_text(ECHO, encoding="utf-8")
    result = invoke("query", query, "--no-bundled", "--data", DATA, "-p", "text=a", "-p", param)
    assert (result.exit_code, result.stderr) == (2, f"error: {message}\n")


# -- time limits --------------------------------------------------------------------------------------


def test_query_timeout_has_a_default(invoke, monkeypatch):
    """Without --timeout a query still runs under a time limit (300 s)."""
    import policygraph.sparql.run as query_module

    seen = {}
    real = query_module.run_query

    def spy(*args, **kwargs):
        seen["timeout"] = kwargs.get("timeout")
        return real(*args, **kwargs)

    monkeypatch.setattr(query_module, "run_query", spy)
    result = invoke("query", "-e", "ASK {}", "--no-bundled", "--data", DATA)
    assert result.exit_code == 0
    assert seen == {"timeout": query_module.DEFAULT_TIMEOUT} == {"timeout": 300}


def test_analyze_query_runs_under_the_default_timeout(invoke, tmp_path, monkeypatch):
    """analyze --query has no --timeout of its own: a runaway CONSTRUCT stops at the default limit (shortened here)."""
    import policygraph.sparql.run as query_module

    monkeypatch.setattr(query_module, "DEFAULT_TIMEOUT", 0.5)
    path = tmp_path / "runaway.rq"
    path.write_text("CONSTRUCT { ?a ?b ?c } WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l . ?m ?n ?o }", encoding="utf-8")
    result = invoke("analyze", "summary", "--no-bundled", "--data", DATA, "--query", path)
    assert (result.exit_code, result.stderr) == (2, "error: query timed out after 0.5 s (raise --timeout or narrow the query)\n")


@needs_proc
@pytest.mark.parametrize("engine", ["rdflib", "oxigraph"])
def test_query_timeout_stops_and_leaves_nothing(tmp_path, engine):
    """A runaway query in a real process stops at --timeout: exit 2, one line, no process and no file left."""
    temp = tmp_path / "tmp"
    temp.mkdir()
    process = subprocess.Popen(
        [sys.executable, "-m", "policygraph", "query", "-e", RUNAWAY, "--no-bundled", "--data", DATA, "--engine", engine, "--timeout", "1"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env={**os.environ, "TMPDIR": str(temp)}, start_new_session=True,
    )
    stdout, stderr = process.communicate(timeout=120)
    assert (process.returncode, stdout, stderr) == (2, "", "error: query timed out after 1 s (raise --timeout or narrow the query)\n")
    assert session_processes(process.pid) == []
    assert list(temp.iterdir()) == []


@needs_proc
def test_query_killed_takes_its_query_with_it(tmp_path):
    """SIGKILL to policygraph while its query runs in the time-limited child: the child dies too, nothing keeps running."""
    process = subprocess.Popen(
        [sys.executable, "-m", "policygraph", "query", "-e", RUNAWAY, "--no-bundled", "--data", DATA, "--engine", "oxigraph", "--timeout", "600"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 60
        while len(session_processes(process.pid)) < 2:  # the forked query child has started
            assert process.poll() is None and time.monotonic() < deadline
            time.sleep(0.02)
        process.kill()
        process.wait()
        deadline = time.monotonic() + 20
        while session_processes(process.pid) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert session_processes(process.pid) == []
    finally:
        for pid in session_processes(process.pid):
            os.kill(pid, signal.SIGKILL)


# -- large inputs -------------------------------------------------------------------------------------


def _child_peak_mb(command: list[str]) -> tuple[subprocess.CompletedProcess, float]:
    """Run ``command``; its result and the peak resident memory of the run (MB)."""
    done = subprocess.run(
        [sys.executable, "-c",
         ("import resource, subprocess, sys; done = subprocess.run(sys.argv[1:]); "
         "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, file=sys.stderr); sys.exit(done.returncode)"),
         *command],
        capture_output=True, text=True, check=False, timeout=300,
    )
    *lines, peak = done.stderr.splitlines()
    done.stderr = "\n".join(lines) + ("\n" if lines else "")
    return done, int(peak) / 1024


def test_query_graph_million_triples_bounded_memory(tmp_path):
    """--graph with a 1-million-triple Turtle file is handled (every triple counted) in well under 1 GB."""
    path = tmp_path / "million.ttl"
    with path.open("w", encoding="utf-8") as stream:
        stream.write("@prefix ex: <http://example.org/> .\n")
        for start in range(0, 1_000_000, 10_000):
            stream.write("".join(f'ex:s{i // 10} ex:p{i % 10} "value {i}" .\n' for i in range(start, start + 10_000)))
    done, peak = _child_peak_mb(
        [sys.executable, "-m", "policygraph", "query", "--graph", str(path), "-e", "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }", "--format", "tsv"]
    )
    assert (done.returncode, done.stdout, done.stderr) == (0, "?n\n1000000\n", "")
    assert peak < 1000, f"peak {peak:.0f} MB"


def test_query_graph_huge_literal_refused_bounded_memory(tmp_path):
    """A 100 MB literal: refused by size via --data, by Oxigraph's 16 MB token limit via --graph; memory stays small."""
    path = tmp_path / "literal.ttl"
    with path.open("w", encoding="utf-8") as stream:
        stream.write('<http://example.org/a> <http://example.org/p> "')
        for _ in range(100):
            stream.write("x" * 1_000_000)
        stream.write('" .\n')
    done, peak = _child_peak_mb([sys.executable, "-m", "policygraph", "query", "--graph", str(path), "-e", "ASK {}"])
    assert (done.returncode, done.stderr) == (
        2,
        f"error: {path}: cannot parse turtle: a single term (literal or IRI) is too large (Reached the buffer maximal size of 16777216)\n",
    )
    assert peak < 300, f"peak {peak:.0f} MB"
    done, peak = _child_peak_mb([sys.executable, "-m", "policygraph", "build", "--no-bundled", "--data", str(path)])
    assert done.returncode == 2
    assert done.stderr.startswith(f"error: {path}: data file too large (100.0 MB); at most 20 MB are read into memory")
    assert peak < 300, f"peak {peak:.0f} MB"


# -- the server -----------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def served(free_port, tmp_path_factory):
    """``policygraph serve`` on the query test data in a real process: (port, process, its TMPDIR)."""
    try:
        oxigraph_binary()
    except ConfigError:
        pytest.skip("the oxigraph server program is not installed (pip install oxigraph)")
    temp = tmp_path_factory.mktemp("serve-tmp")
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "policygraph", "serve", "--port", str(port), "--no-bundled", "--data", str(DATA)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env={**os.environ, "TMPDIR": str(temp)},
    )
    line = process.stdout.readline()
    assert line.startswith("serving "), process.stderr.read()
    yield port, process, temp
    process.send_signal(signal.SIGTERM)
    process.wait(timeout=30)
    process.stdout.close()
    process.stderr.close()


def _listening(port: int) -> list[str]:
    """The local addresses listening on ``port`` (hex from /proc/net/tcp and tcp6)."""
    found = []
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            lines = Path(table).read_text().splitlines()[1:]
        except OSError:
            continue
        for line in lines:
            local, state = line.split()[1], line.split()[3]
            address, hex_port = local.split(":")
            if state == "0A" and int(hex_port, 16) == port:
                found.append(address)
    return found


@needs_proc
def test_serve_binds_loopback_only(served):
    """The server listens on 127.0.0.1 and nowhere else (not 0.0.0.0, not ::)."""
    port, _, _ = served
    assert _listening(port) == ["0100007F"]


def _post(url: str, body: bytes, content_type: str, method: str = "POST") -> int:
    request = urllib.request.Request(url, data=body, method=method, headers={"Content-Type": content_type})
    try:
        with urllib.request.build_opener(urllib.request.ProxyHandler({})).open(request, timeout=30) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


def test_serve_refuses_updates(served, invoke):
    """SPARQL UPDATE, an update sent as a query, Graph Store PUT/POST and ``policygraph push`` are all refused; the data is unchanged."""
    port, _, _ = served
    base = f"http://127.0.0.1:{port}"
    count = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
    before = run_query(parse_query(count), endpoint=f"{base}/query").rows
    assert _post(f"{base}/update", b"update=CLEAR+ALL", "application/x-www-form-urlencoded") >= 400
    assert _post(f"{base}/update", b"INSERT DATA { <urn:a> <urn:b> <urn:c> }", "application/sparql-update") >= 400
    assert _post(f"{base}/query", b"query=CLEAR+ALL", "application/x-www-form-urlencoded") >= 400
    assert _post(f"{base}/store?default", b"<urn:a> <urn:b> <urn:c> .\n", "application/n-triples", "PUT") >= 400
    assert _post(f"{base}/store?default", b"<urn:a> <urn:b> <urn:c> .\n", "application/n-triples", "POST") >= 400
    pushed = invoke("push", f"{base}/store", "--no-bundled", "--data", DATA)
    assert pushed.exit_code == 2
    assert pushed.stderr.startswith(f"error: graph store {base}/store?default answered 4")
    assert pushed.stderr.count("\n") == 1
    assert run_query(parse_query(count), endpoint=f"{base}/query").rows == before


def test_serve_survives_concurrent_clients(served):
    """16 clients × 25 queries at once: every answer equals the local engine's, and the server keeps serving."""
    port, process, _ = served
    endpoint = f"http://127.0.0.1:{port}/query"
    local = load_graph([DATA], bundled=False)
    texts = [
        "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }",
        "SELECT ?s ?label WHERE { ?s skos:prefLabel ?label } ORDER BY ?s ?label",
        "SELECT ?type (COUNT(?s) AS ?n) WHERE { ?s a ?type } GROUP BY ?type",
        "ASK { ?s a pg:Treaty }",
        "CONSTRUCT { ?s skos:prefLabel ?o } WHERE { ?s skos:prefLabel ?o }",
    ]
    queries = [parse_query(text) for text in texts]
    expected = [comparable(run_query(q, graph=local)) for q in queries]

    def client(number: int) -> int:
        correct = 0
        for i in range(QUERIES_EACH):
            which = (number + i) % len(queries)
            if comparable(run_query(queries[which], endpoint=endpoint, timeout=60)) == expected[which]:
                correct += 1
        return correct

    started = time.monotonic()
    with ThreadPoolExecutor(max_workers=CLIENTS) as pool:
        answers = list(pool.map(client, range(CLIENTS)))
    elapsed = time.monotonic() - started
    print(f"serve load: {CLIENTS} clients x {QUERIES_EACH} queries = {sum(answers)} correct in {elapsed:.2f} s")
    assert answers == [QUERIES_EACH] * CLIENTS
    assert process.poll() is None
    assert comparable(run_query(queries[0], endpoint=endpoint)) == expected[0]


# -- push ---------------------------------------------------------------------------------------------------


def test_push_connection_refused_one_line(free_port, invoke):
    """Nothing listening: exit 2 and one line naming the URL; no traceback."""
    port = free_port()
    result = invoke("push", f"http://127.0.0.1:{port}/store", "--no-bundled", "--data", DATA)
    assert (result.exit_code, result.stderr) == (2, f"error: cannot reach graph store http://127.0.0.1:{port}/store?default: Connection refused\n")


def test_push_http_error_one_line(invoke, recorder):
    """A server answering 500 with a body: exit 2, the status and the body's first line."""
    url, handler = recorder
    handler.status = 500
    result = invoke("push", f"{url}/store", "--no-bundled", "--data", DATA)
    assert (result.exit_code, result.stderr) == (
        2, f"error: graph store {url}/store?default answered 500 Internal Server Error: the server is on fire\n"
    )
    assert handler.requests == ["PUT /store?default"]


def test_push_server_never_answers_times_out(invoke, recorder):
    """A server that takes the upload but never answers: --timeout ends it with one line."""
    url, handler = recorder
    handler.delay = 5
    result = invoke("push", f"{url}/store", "--no-bundled", "--data", DATA, "--timeout", "0.5")
    assert (result.exit_code, result.stderr) == (2, f"error: graph store {url}/store?default did not answer within 0.5 s\n")


def test_push_not_http_refused(invoke):
    """A file: or ftp: URL is refused before anything is read or sent."""
    result = invoke("push", "file:///etc/passwd", "--no-bundled", "--data", DATA)
    assert (result.exit_code, result.stderr) == (2, "error: not an http(s) URL: 'file:///etc/passwd'\n")
