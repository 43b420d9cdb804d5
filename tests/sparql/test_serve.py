"""serve.py: CORS for one origin and the refusal of SERVICE, on a real server on 127.0.0.1."""

from __future__ import annotations

import socket
import threading
import urllib.parse
from pathlib import Path

import pytest

from policygraph import load_graph
from policygraph.errors import ConfigError
from policygraph.sparql.remote import OxigraphServer, oxigraph_binary
from policygraph.sparql.serve import check_origin

DATA = Path(__file__).parents[1] / "fixtures" / "query"
ORIGIN = "https://research.example.org"


def _request(port: int, method: str, path: str, headers: dict | None = None, body: bytes | None = None):
    import http.client

    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        connection.request(method, path, body=body, headers=headers or {})
        answer = connection.getresponse()
        return answer.status, {k.lower(): v for k, v in answer.getheaders()}, answer.read()
    finally:
        connection.close()


@pytest.fixture(scope="module")
def tiny():
    try:
        oxigraph_binary()
    except ConfigError:
        pytest.skip("the oxigraph server program is not installed (pip install oxigraph)")
    return load_graph([DATA], bundled=False).graph


@pytest.fixture(scope="module")
def served(free_port, tiny):
    """The tiny graph served with --cors ORIGIN: its port."""
    with OxigraphServer(tiny, free_port(), cors=ORIGIN) as server:
        yield server.port


def test_cors_on_answers(served):
    """A query's answer (and a refusal) carries Access-Control-Allow-Origin for the one origin."""
    query = urllib.parse.quote("ASK { ?s ?p ?o }")
    status, headers, body = _request(served, "GET", f"/query?query={query}", {"Origin": ORIGIN, "Accept": "application/sparql-results+json"})
    assert status == 200 and b'"boolean":true' in body.replace(b" ", b"")
    assert headers["access-control-allow-origin"] == ORIGIN
    assert headers["vary"] == "Origin"
    status, headers, _ = _request(served, "PUT", "/store", {"Origin": ORIGIN}, b"")
    assert status == 405 and headers["access-control-allow-origin"] == ORIGIN


def test_cors_preflight(served):
    """OPTIONS is answered 204 with the methods and headers a page may use."""
    status, headers, body = _request(
        served, "OPTIONS", "/query",
        {"Origin": ORIGIN, "Access-Control-Request-Method": "POST", "Access-Control-Request-Headers": "content-type"},
    )
    assert (status, body) == (204, b"")
    assert headers["access-control-allow-origin"] == ORIGIN
    assert set(headers["access-control-allow-methods"].split(", ")) == {"GET", "POST", "OPTIONS"}
    assert "Content-Type" in headers["access-control-allow-headers"]


def test_no_cors_without_the_option(free_port, tiny):
    """Without --cors: no CORS header (not even Oxigraph's own), and OPTIONS is refused."""
    with OxigraphServer(tiny, free_port()) as server:
        status, headers, _ = _request(server.port, "GET", "/query?query=" + urllib.parse.quote("ASK {}"), {"Origin": ORIGIN})
        assert status == 200 and "access-control-allow-origin" not in headers
        status, headers, _ = _request(server.port, "OPTIONS", "/query", {"Origin": ORIGIN})
        assert status == 405 and "access-control-allow-origin" not in headers


def test_serve_refuses_service(served):
    """A SERVICE query is refused with 400 and the server never calls the endpoint it names."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(1)
    listener.settimeout(2)
    port = listener.getsockname()[1]
    called = []
    waiter = threading.Thread(target=lambda: called.append(_accepted(listener)))
    waiter.start()
    text = f"SELECT * WHERE {{ SERVICE <http://127.0.0.1:{port}/sparql> {{ ?s ?p ?o }} }}"
    for method, path, headers, body in (
        ("GET", "/query?query=" + urllib.parse.quote(text), {}, None),
        ("POST", "/query", {"Content-Type": "application/sparql-query"}, text.encode()),
        ("POST", "/query", {"Content-Type": "application/x-www-form-urlencoded"}, urllib.parse.urlencode({"query": text}).encode()),
    ):
        status, _, answer = _request(served, method, path, headers, body)
        assert status == 400 and b"SERVICE is not allowed" in answer
    waiter.join()
    listener.close()
    assert called == [False]


def _accepted(listener: socket.socket) -> bool:
    try:
        connection, _ = listener.accept()
    except OSError:  # the time ran out: nobody called
        return False
    connection.close()
    return True


@pytest.mark.parametrize("origin", ["*", "https://example.org", "http://127.0.0.1:8080", "http://[::1]:3000"])
def test_check_origin_accepts(origin):
    assert check_origin(origin) == origin


@pytest.mark.parametrize("origin", ["https://example.org/", "example.org", "https://example.org/path", "https://a.org\r\nX: y", ""])
def test_check_origin_refuses(origin):
    with pytest.raises(ConfigError, match="^not a web origin"):
        check_origin(origin)


def test_cli_serve_bad_cors(invoke):
    """A bad --cors is exit 2 and one line, before anything is loaded or served."""
    result = invoke("serve", "--cors", "https://example.org/app", "--no-bundled", "--data", DATA)
    assert (result.exit_code, result.output) == (
        2,
        "error: not a web origin: 'https://example.org/app' "
        "(give scheme://host[:port] without a path, e.g. https://example.org, or *)\n",
    )
