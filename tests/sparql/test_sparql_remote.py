"""sparql_remote.py and push / serve / query --endpoint against a real Oxigraph server on 127.0.0.1."""

from __future__ import annotations

import os
import shlex
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from policygraph import load_graph
from policygraph.errors import ConfigError, InputError
from policygraph.sparql.params import bind_params, parse_param_options
from policygraph.sparql.query import list_queries, named_query, parse_query
from policygraph.sparql.remote import OxigraphServer, oxigraph_binary, push_graph, query_endpoint
from policygraph.sparql.results import comparable
from policygraph.sparql.run import run_query

DATA = Path(__file__).parents[1] / "fixtures" / "query"
MINE = [q.name for q in list_queries(check=False) if not q.name.startswith("trace-")]
TINY_GRAPH = "http://example.org/graphs/tiny"


def wait_for_port(port: int, process: subprocess.Popen, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"server exited: {process.stderr.read() if process.stderr else ''}")
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.05)
    raise RuntimeError("server did not start")


def port_closed(port: int) -> bool:
    with socket.socket() as probe:
        return probe.connect_ex(("127.0.0.1", port)) != 0


@pytest.fixture(scope="module")
def server(free_port, tmp_path_factory):
    """A writable Oxigraph server on a free localhost port: its base URL. Stopped after the module."""
    try:
        binary = oxigraph_binary()
    except ConfigError:
        pytest.skip("the oxigraph server program is not installed (pip install oxigraph)")
    port = free_port()
    location = tmp_path_factory.mktemp("oxigraph-store")
    process = subprocess.Popen(
        [binary, "serve", "--location", str(location), "--bind", f"127.0.0.1:{port}"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        wait_for_port(port, process)
        yield f"http://127.0.0.1:{port}"
    finally:
        process.terminate()
        process.wait(timeout=10)
        process.stderr.close()


@pytest.fixture(scope="module")
def pushed(server, bundled):
    """The bundled graph pushed into the server's default graph; (endpoint URL, local graph)."""
    report = push_graph(bundled.graph, f"{server}/store")
    assert report.triples == len(bundled.graph) and report.status in (201, 204)
    local = bundled
    local.store  # noqa: B018
    return f"{server}/query", local


@pytest.mark.parametrize("name", MINE)
def test_run_query_endpoint_same_rows_as_local(pushed, name):
    """Each named query (parameters bound) gives the same rows through the endpoint as locally."""
    endpoint, local = pushed
    query = named_query(name)
    words = shlex.split(query.examples[0])
    given = parse_param_options(words[i + 1] for i, word in enumerate(words[:-1]) if word == "--param")
    bindings = bind_params(query, given, local)
    remote = run_query(query, bindings, endpoint=endpoint)
    here = run_query(query, bindings, graph=local, engine="oxigraph")
    assert remote.variables == here.variables
    assert comparable(remote) == comparable(here)
    if here.form == "SELECT":
        assert len(remote.rows) > 0


def test_run_query_endpoint_select_star_and_ask(pushed):
    """SELECT * keeps the order of appearance; ASK comes back as a boolean."""
    endpoint, local = pushed
    query = parse_query("SELECT * WHERE { ?law a pg:Law ; pg:status ?status } ORDER BY ?law LIMIT 3")
    remote = run_query(query, endpoint=endpoint)
    assert remote.variables == ["law", "status"]
    assert remote.rows == run_query(query, graph=local, engine="rdflib").rows
    assert run_query(parse_query("ASK { pgid:crc a pg:Treaty }"), endpoint=endpoint).boolean is True
    assert run_query(parse_query("ASK { pgid:crc a pg:Law }"), endpoint=endpoint).boolean is False


def test_push_graph_named_graph_replace_and_append(server):
    """PUT replaces a named graph, POST adds to it; FROM selects it on the endpoint."""
    tiny = load_graph([DATA], bundled=False).graph
    store, endpoint = f"{server}/store", f"{server}/query"
    count = parse_query(f"SELECT (COUNT(*) AS ?n) FROM <{TINY_GRAPH}> WHERE {{ ?s ?p ?o }}")

    def triples() -> int:
        return int(run_query(count, endpoint=endpoint).rows[0][0])

    push_graph(tiny, store, named_graph=TINY_GRAPH)
    push_graph(tiny, store, named_graph=TINY_GRAPH)
    assert triples() == len(tiny)
    extra = type(tiny)()
    extra.parse(data="<http://example.org/a> <http://example.org/b> <http://example.org/c> .", format="nt")
    report = push_graph(extra, store, named_graph=TINY_GRAPH, replace=False)
    assert (report.replaced, report.triples) == (False, 1)
    assert triples() == len(tiny) + 1
    push_graph(tiny, store, named_graph=TINY_GRAPH)
    assert triples() == len(tiny)


def test_push_graph_errors(server):
    """Bad URLs and IRIs are refused before sending; a refusing server is a one-line InputError."""
    tiny = load_graph([DATA], bundled=False).graph
    with pytest.raises(ConfigError) as error:
        push_graph(tiny, "file:///tmp/x")
    assert error.value.message == "not an http(s) URL: 'file:///tmp/x'"
    with pytest.raises(ConfigError):
        push_graph(tiny, f"{server}/store", named_graph="no-scheme")
    with pytest.raises(InputError) as error:
        push_graph(tiny, f"{server}/query")
    assert error.value.message.startswith(f"graph store {server}/query?default answered 4")


def test_query_endpoint_errors(free_port, server):
    """An unreachable endpoint, a wrong path and a non-http URL are one-line errors."""
    port = free_port()
    with pytest.raises(InputError) as error:
        query_endpoint(f"http://127.0.0.1:{port}/query", "ASK {}", "ASK")
    assert error.value.message == f"cannot reach endpoint http://127.0.0.1:{port}/query: Connection refused"
    with pytest.raises(InputError) as error:
        query_endpoint(f"{server}/nope", "ASK {}", "ASK")
    assert error.value.message.startswith(f"endpoint {server}/nope answered 404 Not Found")
    with pytest.raises(ConfigError):
        query_endpoint("ftp://example.org/sparql", "ASK {}", "ASK")


def test_cli_push_and_query_endpoint_with_labels(server, invoke):
    """push through the CLI, then query --endpoint --labels prints what the local query prints."""
    result = invoke("push", f"{server}/store", "--no-bundled", "--data", DATA, "--named-graph", "http://example.org/graphs/cli")
    assert result.exit_code == 0, result.output
    tiny = load_graph([DATA], bundled=False).graph
    assert result.stdout == (
        f"pushed {len(tiny)} triples to {server}/store: replaced named graph <http://example.org/graphs/cli> (HTTP 201)\n"
    )
    text = "SELECT ?treaty ?status WHERE { ?p pg:treaty ?treaty ; pg:participationStatus ?status } ORDER BY ?treaty"
    remote = invoke("query", "-e", text.replace("WHERE", "FROM <http://example.org/graphs/cli> WHERE"), "--endpoint", f"{server}/query", "--labels")
    local = invoke("query", "-e", text, "--no-bundled", "--data", DATA, "--labels")
    assert remote.exit_code == local.exit_code == 0, remote.output
    assert remote.stdout == local.stdout
    assert "Convention on Children" in local.stdout


def test_cli_endpoint_errors(free_port, server, invoke):
    """--endpoint failures and conflicts: exit 2 and one line."""
    port = free_port()
    result = invoke("query", "treaties-party", "--endpoint", f"http://127.0.0.1:{port}/query")
    assert (result.exit_code, result.output) == (2, f"error: cannot reach endpoint http://127.0.0.1:{port}/query: Connection refused\n")
    result = invoke("query", "treaties-party", "--endpoint", "file:///etc/passwd")
    assert (result.exit_code, result.output) == (2, "error: not an http(s) URL: 'file:///etc/passwd'\n")
    result = invoke("query", "treaties-party", "--endpoint", f"{server}/query", "--data", DATA)
    assert (result.exit_code, result.output) == (2, "error: --endpoint cannot be combined with --data, --no-bundled or --graph\n")
    result = invoke("query", "-e", "SELECT * WHERE { SERVICE <http://example.org/s> { ?s ?p ?o } }", "--endpoint", f"{server}/query")
    assert result.exit_code == 2 and "SERVICE is not allowed" in result.output


def test_oxigraph_server_start_and_stop(free_port, tmp_path, monkeypatch):
    """The library's server serves the graph read-only and leaves no store behind when stopped."""
    monkeypatch.setenv("TMPDIR", str(tmp_path))
    import tempfile

    monkeypatch.setattr(tempfile, "tempdir", None)
    tiny = load_graph([DATA], bundled=False).graph
    port = free_port()
    with OxigraphServer(tiny, port) as served:
        assert served.directory and Path(served.directory).parent == tmp_path
        answer = run_query(parse_query("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"), endpoint=served.url)
        assert int(answer.rows[0][0]) == len(tiny)
        update = urllib.request.Request(
            f"http://127.0.0.1:{port}/update", data=b"update=CLEAR+ALL", method="POST",
            headers={"Content-Type": "application/x-www-form-urlencoded"},
        )
        with pytest.raises(urllib.error.HTTPError):
            urllib.request.build_opener(urllib.request.ProxyHandler({})).open(update, timeout=10)
        assert int(run_query(parse_query("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"), endpoint=served.url).rows[0][0]) == len(tiny)
    assert port_closed(port)
    assert list(tmp_path.iterdir()) == []


def test_oxigraph_server_port_in_use(server):
    """Serving on a port that is taken is a one-line InputError."""
    port = int(server.rsplit(":", 1)[1])
    with pytest.raises(InputError) as error:
        OxigraphServer(load_graph([DATA], bundled=False).graph, port).start()
    assert str(error.value) == f"cannot serve on 127.0.0.1:{port}: the port is in use (choose another with --port)"


def test_cli_serve_real_process(free_port, tmp_path, invoke):
    """`policygraph serve` in a real process: serves, answers --endpoint queries, stops on SIGTERM, cleans up."""
    port = free_port()
    temp = tmp_path / "tmp"
    temp.mkdir()
    env = {**os.environ, "TMPDIR": str(temp)}
    with subprocess.Popen(
        [sys.executable, "-m", "policygraph", "serve", "--port", str(port), "--no-bundled", "--data", str(DATA), "--timeout", "3"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    ) as process:  # leaving it closes the pipes and waits for the process
        try:
            line = process.stdout.readline()
            tiny = load_graph([DATA], bundled=False).graph
            assert line == f"serving {len(tiny)} triples read-only at http://127.0.0.1:{port}/query (Ctrl-C to stop)\n"
            endpoint = f"http://127.0.0.1:{port}/query"
            remote = invoke("query", "treaties-party", "--param", "state=ru", "--endpoint", endpoint, "--format", "csv")
            local = invoke("query", "treaties-party", "--param", "state=ru", "--no-bundled", "--data", DATA, "--format", "csv")
            assert remote.exit_code == 0 and remote.stdout == local.stdout
            assert remote.stdout.startswith("treaty,treatyLabel,")
            runaway = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"
            slow = invoke("query", "-e", runaway, "--endpoint", endpoint, "--timeout", "0.5")
            assert (slow.exit_code, slow.output) == (2, f"error: endpoint {endpoint} did not answer within 0.5 s\n")
            process.send_signal(signal.SIGTERM)
            assert process.wait(timeout=20) == 0
            assert process.stderr.read() == "stopped\n"
        finally:
            if process.poll() is None:
                process.kill()
    assert port_closed(port)
    assert list(temp.iterdir()) == []
