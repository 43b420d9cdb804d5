"""Credentials for push and --endpoint: a real Oxigraph server behind a gate on 127.0.0.1 that demands them.

The gate is a small HTTP server that checks the ``Authorization`` header (HTTP Basic or a bearer
token), answers 401 with a challenge otherwise, and forwards what it lets through to a writable
Oxigraph server; it records the headers it saw, so the tests can tell what was sent.
"""

from __future__ import annotations

import base64
import http.client
import re
import shlex
import socket
import subprocess
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from threading import Thread

import pytest

from policygraph import load_graph
from policygraph.errors import ConfigError
from policygraph.sparql.auth import EndpointAuth, auth_from_environment
from policygraph.sparql.remote import oxigraph_binary, push_graph

DATA = Path(__file__).parents[1] / "fixtures" / "query"
USER, PASSWORD, TOKEN = "researcher", "pässword-Zk3q9", "tok-8c1f0e2d9b"
VARIABLES = ("POLICYGRAPH_ENDPOINT_USER", "POLICYGRAPH_ENDPOINT_PASSWORD", "POLICYGRAPH_ENDPOINT_TOKEN")


class Gate(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, upstream: int, scheme: str | None) -> None:
        super().__init__(("127.0.0.1", 0), GateHandler)
        self.upstream, self.scheme, self.seen = upstream, scheme, []

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"


class GateHandler(BaseHTTPRequestHandler):
    server: Gate

    def log_message(self, *args) -> None:  # noqa: ANN002
        pass

    def _handle(self) -> None:
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        given = self.headers.get("Authorization")
        self.server.seen.append((self.command, given))
        expected = {
            "basic": "Basic " + base64.b64encode(f"{USER}:{PASSWORD}".encode()).decode(),
            "bearer": f"Bearer {TOKEN}",
            None: given,
        }[self.server.scheme]
        if given != expected:
            self.send_response(401)
            self.send_header("WWW-Authenticate", 'Basic realm="gate"' if self.server.scheme == "basic" else "Bearer")
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        upstream = http.client.HTTPConnection("127.0.0.1", self.server.upstream, timeout=30)
        headers = {k: self.headers[k] for k in ("Content-Type", "Accept") if self.headers.get(k)}
        upstream.request(self.command, self.path, body=body or None, headers=headers)
        answer = upstream.getresponse()
        data = answer.read()
        self.send_response(answer.status)
        for name in ("Content-Type",):
            if answer.getheader(name):
                self.send_header(name, answer.getheader(name))
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(data)
        upstream.close()

    do_GET = do_POST = do_PUT = do_HEAD = _handle


@pytest.fixture(scope="module")
def oxigraph(free_port, tmp_path_factory):
    """A writable Oxigraph server: its port."""
    try:
        binary = oxigraph_binary()
    except ConfigError:
        pytest.skip("the oxigraph server program is not installed (pip install oxigraph)")
    port = free_port()
    location = tmp_path_factory.mktemp("oxigraph-auth")
    process = subprocess.Popen(
        [binary, "serve", "--location", str(location), "--bind", f"127.0.0.1:{port}"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 30
        while socket.socket().connect_ex(("127.0.0.1", port)) != 0:
            assert time.monotonic() < deadline and process.poll() is None, "oxigraph did not start"
            time.sleep(0.05)
        yield port
    finally:
        process.terminate()
        process.wait(timeout=10)


@pytest.fixture
def gate(oxigraph, request):
    """A gate demanding the scheme the test is parametrised with (basic, bearer, or None: open)."""
    server = Gate(oxigraph, getattr(request, "param", "basic"))
    Thread(target=server.serve_forever, daemon=True).start()
    yield server
    server.shutdown()
    server.server_close()


@pytest.fixture
def clean_env(monkeypatch, tmp_path):
    """No credentials in the environment, and a home folder without ~/.netrc."""
    for name in VARIABLES:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("HOME", str(tmp_path))
    return monkeypatch


def _count(invoke, gate) -> str:
    result = invoke("query", "-e", "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }", "--endpoint", f"{gate.url}/query", "--format", "csv")
    assert result.exit_code == 0, result.output
    return result.stdout.split()[-1]


@pytest.mark.parametrize("gate", ["basic", "bearer"], indirect=True)
def test_push_and_query_with_credentials_from_environment(gate, clean_env, invoke):
    """Credentials from the environment let push and query --endpoint through; the store then holds the graph."""
    if gate.scheme == "basic":
        clean_env.setenv("POLICYGRAPH_ENDPOINT_USER", USER)
        clean_env.setenv("POLICYGRAPH_ENDPOINT_PASSWORD", PASSWORD)
    else:
        clean_env.setenv("POLICYGRAPH_ENDPOINT_TOKEN", TOKEN)
    result = invoke("push", f"{gate.url}/store", "--no-bundled", "--data", DATA)
    assert result.exit_code == 0, result.output
    tiny = load_graph([DATA], bundled=False).graph
    assert result.stdout.startswith(f"pushed {len(tiny)} triples to {gate.url}/store: replaced the default graph")
    assert _count(invoke, gate) == str(len(tiny))
    if gate.scheme == "basic":  # the password went only where the server asked: after a bodiless probe's 401
        assert [method for method, given in gate.seen if given is None] == ["HEAD", "HEAD"] * 2
        assert [method for method, given in gate.seen if given is not None] == ["HEAD", "PUT", "HEAD", "POST"]


@pytest.mark.parametrize("gate", ["basic"], indirect=True)
def test_push_with_netrc(gate, clean_env, tmp_path, invoke):
    """With nothing in the environment, the host's entry in ~/.netrc is used."""
    netrc = tmp_path / ".netrc"
    netrc.write_text(f"machine 127.0.0.1\n  login {USER}\n  password {PASSWORD}\n", encoding="utf-8")
    netrc.chmod(0o600)
    result = invoke("push", f"{gate.url}/store", "--no-bundled", "--data", DATA)
    assert result.exit_code == 0, result.output


@pytest.mark.parametrize(
    ("gate", "variables", "source"),
    [
        ("basic", {"POLICYGRAPH_ENDPOINT_USER": USER, "POLICYGRAPH_ENDPOINT_PASSWORD": "wrong-" + PASSWORD},
         "POLICYGRAPH_ENDPOINT_USER and POLICYGRAPH_ENDPOINT_PASSWORD"),
        ("bearer", {"POLICYGRAPH_ENDPOINT_TOKEN": "wrong-" + TOKEN}, "POLICYGRAPH_ENDPOINT_TOKEN"),
    ],
    indirect=["gate"],
)
def test_wrong_credentials_exit_2_without_the_secret(gate, variables, source, clean_env, invoke):
    """Wrong credentials: exit 2, one line naming where they came from, and no secret in the output."""
    for name, value in variables.items():
        clean_env.setenv(name, value)
    for args in (
        ("push", f"{gate.url}/store", "--no-bundled", "--data", DATA),
        ("query", "-e", "ASK {}", "--endpoint", f"{gate.url}/query"),
    ):
        result = invoke(*args)
        what = "graph store" if args[0] == "push" else "endpoint"
        url = f"{gate.url}/store?default" if args[0] == "push" else f"{gate.url}/query"
        assert (result.exit_code, result.output) == (2, f"error: {what} {url} refused the credentials from {source} (401)\n")
        for secret in (*variables.values(), PASSWORD, TOKEN):
            assert secret not in result.output


@pytest.mark.parametrize("gate", [None], indirect=True)
def test_no_password_to_a_server_that_does_not_ask(gate, clean_env, invoke):
    """An open server never sees the password: the probe is answered without a 401, so nothing is sent."""
    clean_env.setenv("POLICYGRAPH_ENDPOINT_USER", USER)
    clean_env.setenv("POLICYGRAPH_ENDPOINT_PASSWORD", PASSWORD)
    result = invoke("push", f"{gate.url}/store", "--no-bundled", "--data", DATA)
    assert result.exit_code == 0, result.output
    assert gate.seen and all(given is None for _, given in gate.seen)


def test_credentials_never_from_the_url(clean_env, invoke):
    """A URL with user:password@ is refused without repeating it."""
    result = invoke("push", f"http://{USER}:{PASSWORD}@127.0.0.1:9/store", "--no-bundled", "--data", DATA)
    assert result.exit_code == 2
    assert result.output == (
        "error: a URL may not hold a user name or password (set POLICYGRAPH_ENDPOINT_USER and "
        "POLICYGRAPH_ENDPOINT_PASSWORD, or POLICYGRAPH_ENDPOINT_TOKEN, or use ~/.netrc)\n"
    )


def test_auth_from_environment_errors(tmp_path):
    """Contradictory or incomplete variables and an unreadable ~/.netrc are ConfigErrors that hold no secret."""
    home = {"HOME": str(tmp_path)}
    with pytest.raises(ConfigError, match="both POLICYGRAPH_ENDPOINT_TOKEN and POLICYGRAPH_ENDPOINT_USER are set"):
        auth_from_environment("http://h/", {**home, "POLICYGRAPH_ENDPOINT_TOKEN": TOKEN, "POLICYGRAPH_ENDPOINT_USER": USER})
    with pytest.raises(ConfigError, match="^POLICYGRAPH_ENDPOINT_PASSWORD is not set"):
        auth_from_environment("http://h/", {**home, "POLICYGRAPH_ENDPOINT_USER": USER})
    assert not auth_from_environment("http://h/", home).given
    (tmp_path / ".netrc").write_text(f"machine h login {USER} password {PASSWORD} bogus\n", encoding="utf-8")
    (tmp_path / ".netrc").chmod(0o600)
    with pytest.raises(ConfigError) as error:
        auth_from_environment("http://h/", home)
    assert PASSWORD not in str(error.value)
    assert re.fullmatch(re.escape(f"{tmp_path / '.netrc'}:") + r"[12]: cannot read the file \(.*\)", str(error.value))
    assert PASSWORD not in repr(EndpointAuth(user=USER, password=PASSWORD))
    assert TOKEN not in repr(EndpointAuth(token=TOKEN))


def test_push_graph_with_explicit_auth(oxigraph):
    """The library takes an EndpointAuth directly; EndpointAuth() sends nothing even when the environment has credentials."""
    gate = Gate(oxigraph, "bearer")
    Thread(target=gate.serve_forever, daemon=True).start()
    try:
        tiny = load_graph([DATA], bundled=False).graph
        report = push_graph(tiny, f"{gate.url}/store", auth=EndpointAuth(token=TOKEN))
        assert report.status in (201, 204)
        from policygraph.errors import InputError

        with pytest.raises(InputError, match=r"asks for credentials \(401\)"):
            push_graph(tiny, f"{gate.url}/store", auth=EndpointAuth())
    finally:
        gate.shutdown()
        gate.server_close()


@pytest.mark.parametrize("gate", ["basic"], indirect=True)
def test_bundled_graph_through_the_gate_same_rows_as_local(gate, clean_env, bundled, invoke):
    """The bundled graph pushed with credentials from the environment; every named query through the gate gives the local rows."""
    from policygraph.sparql.params import bind_params, parse_param_options
    from policygraph.sparql.query import list_queries
    from policygraph.sparql.results import comparable
    from policygraph.sparql.run import run_query

    clean_env.setenv("POLICYGRAPH_ENDPOINT_USER", USER)
    clean_env.setenv("POLICYGRAPH_ENDPOINT_PASSWORD", PASSWORD)
    result = invoke("push", f"{gate.url}/store")
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith(f"pushed {len(bundled.graph)} triples")
    checked = 0
    for query in list_queries(check=False):
        if query.name.startswith("trace-"):
            continue
        words = shlex.split(query.examples[0]) if query.examples else []
        given = parse_param_options(words[i + 1] for i, word in enumerate(words[:-1]) if word == "--param")
        bindings = bind_params(query, given, bundled)
        remote = run_query(query, bindings, endpoint=f"{gate.url}/query")
        assert comparable(remote) == comparable(run_query(query, bindings, graph=bundled)), query.name
        checked += 1
    assert checked >= 20


def test_token_does_not_follow_a_redirect(clean_env, invoke):
    """A server that redirects the query elsewhere: the place it points to never sees the token."""
    seen = []

    class Elsewhere(BaseHTTPRequestHandler):
        def log_message(self, *args) -> None:  # noqa: ANN002
            pass

        def do_GET(self) -> None:
            seen.append(self.headers.get("Authorization"))
            self.send_response(404)
            self.send_header("Content-Length", "0")
            self.end_headers()

    elsewhere = ThreadingHTTPServer(("127.0.0.1", 0), Elsewhere)

    class Redirect(BaseHTTPRequestHandler):
        def log_message(self, *args) -> None:  # noqa: ANN002
            pass

        def do_POST(self) -> None:
            seen.append(("redirector", self.headers.get("Authorization")))
            self.send_response(302)
            self.send_header("Location", f"http://127.0.0.1:{elsewhere.server_address[1]}/query")
            self.send_header("Content-Length", "0")
            self.end_headers()

    redirect = ThreadingHTTPServer(("127.0.0.1", 0), Redirect)
    for server in (elsewhere, redirect):
        Thread(target=server.serve_forever, daemon=True).start()
    try:
        clean_env.setenv("POLICYGRAPH_ENDPOINT_TOKEN", TOKEN)
        result = invoke("query", "-e", "ASK {}", "--endpoint", f"http://127.0.0.1:{redirect.server_address[1]}/query")
        assert result.exit_code == 2 and TOKEN not in result.output
        assert seen == [("redirector", f"Bearer {TOKEN}"), None]
    finally:
        for server in (elsewhere, redirect):
            server.shutdown()
            server.server_close()
