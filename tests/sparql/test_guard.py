"""The read-only guard and the network limits, against a real listener on 127.0.0.1.

Every obfuscated SERVICE / LOAD / FROM query goes through the CLI commands that take a query, and a
listener counts the connections that reach it: there must be none. The listener is shown to work
by letting Oxigraph itself reach it with the same queries, unguarded.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

from policygraph import load_graph

DATA = Path(__file__).parents[1] / "fixtures" / "query"
TINY = ("--no-bundled", "--data", DATA)


class Listener:
    """A TCP server on 127.0.0.1 that counts connections and answers each with ``reply`` (bytes, or a callable)."""

    def __init__(self, reply=b"HTTP/1.0 500 No\r\nContent-Length: 0\r\n\r\n"):  # noqa: ANN001
        self.reply = reply
        self.connections = 0
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(64)
        self.port = self.sock.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}/x"
        self.closed = False
        threading.Thread(target=self._serve, daemon=True).start()

    def _serve(self) -> None:
        while not self.closed:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            self.connections += 1
            threading.Thread(target=self._answer, args=(conn,), daemon=True).start()

    def _answer(self, conn: socket.socket) -> None:
        with conn:
            try:
                conn.settimeout(5)
                conn.recv(65536)
                if callable(self.reply):
                    self.reply(conn)
                else:
                    conn.sendall(self.reply)
                conn.shutdown(socket.SHUT_WR)
                while conn.recv(65536):  # drain the request, so closing does not reset what is still in flight
                    pass
            except OSError:
                pass

    def close(self) -> None:
        self.closed = True
        self.sock.close()


@pytest.fixture
def listener():
    server = Listener()
    yield server
    server.close()


# -- the obfuscated family ----------------------------------------------------------------------

_PATTERN = "?x ?y ?z"
_SERVICE_FORMS = {
    "plain": "SERVICE <{url}> {{ " + _PATTERN + " }}",
    "lower": "service <{url}> {{ " + _PATTERN + " }}",
    "mixed": "sErViCe <{url}> {{ " + _PATTERN + " }}",
    "silent": "SERVICE SILENT <{url}> {{ " + _PATTERN + " }}",
    "lone-cr-after-comment": "# c\rSERVICE <{url}> {{ " + _PATTERN + " }}",
    "lone-cr-between": "?s ?p ?o .\rSERVICE <{url}> {{ " + _PATTERN + " }}",
    "comment-crlf": "# c\r\nSERVICE <{url}> {{ " + _PATTERN + " }}",
    "comment-between": "SERVICE # note\n <{url}> {{ " + _PATTERN + " }}",
    "escape-u": "\\u0053ERVICE <{url}> {{ " + _PATTERN + " }}",
    "escape-U": "\\U00000053ERVICE <{url}> {{ " + _PATTERN + " }}",
    "escape-in-comment": "# \\u000d SERVICE <{url}> {{ " + _PATTERN + " }}",
    "tab": "SERVICE\t<{url}>\t{{ " + _PATTERN + " }}",
    "no-space": "SERVICE<{url}>{{" + _PATTERN + "}}",
    "form-feed": "SERVICE\f<{url}> {{ " + _PATTERN + " }}",
    "vertical-tab-comment": "# c\vSERVICE <{url}> {{ " + _PATTERN + " }}",
    "nul": "# c\x00SERVICE <{url}> {{ " + _PATTERN + " }}",
    "variable": "VALUES ?u {{ <{url}> }} SERVICE ?u {{ " + _PATTERN + " }}",
    "subquery": "{{ SELECT * WHERE {{ SERVICE <{url}> {{ " + _PATTERN + " }} }} }}",
    "exists": "FILTER EXISTS {{ SERVICE <{url}> {{ " + _PATTERN + " }} }}",
    "not-exists": "FILTER NOT EXISTS {{ SERVICE <{url}> {{ " + _PATTERN + " }} }}",
    "optional": "OPTIONAL {{ SERVICE <{url}> {{ " + _PATTERN + " }} }}",
    "union": "{{ ?s ?p ?o }} UNION {{ SERVICE <{url}> {{ " + _PATTERN + " }} }}",
    "minus": "?s ?p ?o MINUS {{ SERVICE <{url}> {{ " + _PATTERN + " }} }}",
    "graph": "GRAPH ?g {{ SERVICE <{url}> {{ " + _PATTERN + " }} }}",
    "nested": "{{ {{ {{ SERVICE <{url}> {{ " + _PATTERN + " }} }} }} }}",
    "bind-exists": "BIND(EXISTS {{ SERVICE <{url}> {{ " + _PATTERN + " }} }} AS ?b)",
}
_PREFIXED = "PREFIX r: <{base}> SELECT ?x WHERE {{ SERVICE r:x {{ " + _PATTERN + " }} }}"
_BASED = "BASE <{base}> SELECT ?x WHERE {{ SERVICE <x> {{ " + _PATTERN + " }} }}"
_LOADS = [
    "LOAD <{url}>",
    "load <{url}>",
    "LOAD SILENT <{url}> INTO GRAPH <http://example.org/g>",
    "SELECT * WHERE {{ ?s ?p ?o }} ; LOAD <{url}>",
    "# c\rLOAD <{url}>",
    "\\u004cOAD <{url}>",
]
_FROMS = [
    "SELECT ?x FROM <{url}> WHERE {{ ?x ?y ?z }}",
    "SELECT ?x FROM NAMED <{url}> WHERE {{ GRAPH ?g {{ ?x ?y ?z }} }}",
    "select ?x from <{url}> where {{ ?x ?y ?z }}",
    "PREFIX r: <{base}> SELECT ?x FROM r:x WHERE {{ ?x ?y ?z }}",
    "SELECT ?x # c\rFROM <{url}>\nWHERE {{ ?x ?y ?z }}",
    "CONSTRUCT {{ ?x ?y ?z }} FROM <{url}> WHERE {{ ?x ?y ?z }}",
]


def _family(url: str) -> list[tuple[str, str, str]]:
    """(name, SELECT-or-other query, CONSTRUCT query) for every obfuscation; 50+ in all."""
    base = url.rsplit("/", 1)[0] + "/"
    family = []
    for name, form in _SERVICE_FORMS.items():
        body = form.format(url=url)
        family.append((f"service-{name}", f"SELECT ?x WHERE {{ ?s a pg:Law {body} }} LIMIT 1", f"CONSTRUCT {{ ?x ?y ?z }} WHERE {{ {body} }}"))
        family.append((f"service-{name}-ask", f"ASK {{ {body} }}", f"CONSTRUCT WHERE {{ {body} }}"))
    for number, text in enumerate((_PREFIXED, _BASED)):
        query = text.format(base=base)
        family.append((f"service-iri-{number}", query, query.replace("SELECT ?x", "CONSTRUCT { ?x ?x ?x }")))
    for number, text in enumerate(_LOADS):
        query = text.format(url=url)
        family.append((f"load-{number}", query, query))
    for number, text in enumerate(_FROMS):
        query = text.format(url=url, base=base)
        construct = query if query.startswith("CONSTRUCT") else query.replace("SELECT ?x", "CONSTRUCT { ?x ?y ?z }").replace("select ?x", "CONSTRUCT { ?x ?y ?z }")
        family.append((f"from-{number}", query, construct))
    return family


def test_family_is_large_and_the_listener_sees_an_unguarded_engine(listener):
    """Oxigraph, run without the guard, does contact the listener: the listener would catch a leak."""
    import pyoxigraph as ox

    family = _family(listener.url)
    assert len(family) >= 50
    with pytest.raises(OSError):
        list(ox.Store().query(f"SELECT * WHERE {{ # c\rSERVICE <{listener.url}> {{ ?s ?p ?o }} }}"))
    deadline = time.monotonic() + 5
    while listener.connections == 0 and time.monotonic() < deadline:
        time.sleep(0.05)
    assert listener.connections >= 1


def _one_line_exit_2(result, what: str) -> None:  # noqa: ANN001
    assert result.exit_code == 2, (what, result.exit_code, result.output)
    assert result.stderr.startswith("error: ") and result.stderr.count("\n") == 1, (what, result.stderr)
    assert "Traceback" not in result.output


def test_no_obfuscated_query_reaches_the_network(listener, invoke, tmp_path):
    """`query -e`, `query FILE.rq`, `analyze --query` and `export --query` refuse every one; zero connections."""
    ran = 0
    for name, query, construct in _family(listener.url):
        _one_line_exit_2(invoke("query", "-e", query, *TINY), f"query -e {name}")
        path = tmp_path / f"{name}.rq"
        path.write_bytes(query.encode("utf-8"))
        _one_line_exit_2(invoke("query", path, *TINY), f"query FILE {name}")
        _one_line_exit_2(invoke("analyze", "summary", "--query", construct, *TINY), f"analyze {name}")
        out = tmp_path / "out.graphml"
        _one_line_exit_2(invoke("export", "graphml", "-o", out, "--query", construct, *TINY), f"export {name}")
        assert not out.exists()
        ran += 4
    time.sleep(0.5)  # a connection under way would be accepted by now
    assert ran >= 200
    assert listener.connections == 0


@pytest.mark.parametrize("engine", ["oxigraph", "rdflib"])
def test_both_engines_refuse_the_carriage_return_bypass(listener, invoke, engine):
    query = f"SELECT ?x WHERE {{ ?s a pg:Law # c\rSERVICE <{listener.url}> {{ ?x ?y ?z }} }} LIMIT 1"
    result = invoke("query", "-e", query, "--engine", engine, *TINY)
    assert (result.exit_code, result.stderr) == (
        2,
        "error: -e:1:34: a carriage return not followed by a line feed is not allowed in a query (use LF or CRLF line ends)\n",
    )
    assert listener.connections == 0


def test_only_line_feed_and_carriage_return_end_a_comment_for_oxigraph():
    """The guard refuses lone CRs and control characters because of this: no other character ends a comment."""
    import pyoxigraph as ox
    from rdflib.plugins.sparql.parser import parseQuery

    def oxigraph_ends(char: str) -> bool:
        try:
            ox.Store().query(f"SELECT * WHERE {{ ?s ?p ?o # x{char}}}\n}}")
        except SyntaxError:
            return True
        return False

    def rdflib_ends(char: str) -> bool:
        try:
            parseQuery(f"SELECT * WHERE {{ ?s ?p ?o # x{char}}}\n}}")
        except Exception:  # noqa: BLE001 - pyparsing's ParseException
            return True
        return False

    candidates = [chr(c) for c in range(0x20)] + ["\x7f", "\x85", "\u2028", "\u2029", "\ufeff", "\u000b"]
    assert [c for c in candidates if oxigraph_ends(c)] == ["\n", "\r"]
    assert [c for c in candidates if rdflib_ends(c)] == ["\n"]


# -- limits before parsing ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("SELECT * WHERE " + "{" * 200 + " ?s ?p ?o " + "}" * 200, "nested more than 64 levels deep (the limit)"),
        ("SELECT * WHERE { FILTER" + "(" * 200 + "1" + ")" * 200 + " }", "nested more than 64 levels deep (the limit)"),
        ("SELECT * WHERE { " + " ".join(f"?s <http://p> ?o{i} ." for i in range(6000)) + " }", "more than 20,000 tokens (the limit)"),
        ("SELECT * WHERE { " + " ".join(f"OPTIONAL {{ ?s <http://p> ?o{i} }}" for i in range(1100)) + " }", "more than 1,000 group patterns (the limit)"),
        ("SELECT * WHERE { BIND(" + "9" * 5000 + " AS ?n) }", "a number in the query has more than 1,000 digits (the limit)"),
    ],
    ids=["braces", "parens", "tokens", "groups", "digits"],
)
def test_limits_are_one_line_errors(invoke, query, message):
    result = invoke("query", "-e", query, *TINY)
    _one_line_exit_2(result, message)
    assert result.stderr.rstrip("\n").endswith(message)


def test_limits_leave_room_for_real_queries(invoke):
    """Just under the nesting limit still parses and runs."""
    deep = "ASK { " + "{ " * 60 + "?s ?p ?o " + "} " * 60 + "}"
    assert invoke("query", "-e", deep, *TINY).exit_code == 0


@pytest.mark.parametrize(("spec", "value"), [("integer", "7" * 5000), ("auto", "7" * 5000), ("decimal", "1." + "5" * 5000)])
def test_huge_numbers_in_params(invoke, tmp_path, spec, value):
    path = tmp_path / "q.rq"
    header = f"# param: n ({spec}) — a number\n" if spec != "auto" else ""
    path.write_text(header + "SELECT ?n WHERE { BIND(?n AS ?m) }\n", encoding="utf-8")
    result = invoke("query", path, "--param", f"n={value}", *TINY)
    _one_line_exit_2(result, spec)
    assert "(the limit)" in result.stderr


@pytest.mark.parametrize("value", ["inf", "nan", "1e300", "0", "-5", "86401"])
@pytest.mark.parametrize("command", [("query", "-e", "ASK {}", *TINY), ("push", "http://127.0.0.1:9/store", *TINY), ("serve", *TINY)])
def test_timeout_range(invoke, command, value):
    result = invoke(*command, "--timeout", value)
    assert result.exit_code == 2 and "Invalid value for '--timeout'" in result.stderr


# -- query files --------------------------------------------------------------------------------


def _run_cli(*args, timeout: float = 60) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "policygraph", *map(str, args)], capture_output=True, text=True, timeout=timeout)


@pytest.mark.parametrize("kind", ["fifo", "dev-zero", "folder"])
@pytest.mark.parametrize("command", ["query", "analyze", "export"])
def test_query_files_must_be_regular(tmp_path, kind, command):
    """Nothing that could be read for ever: each ends at once with one line (a hang fails by timeout)."""
    path = tmp_path / "q.rq"
    if kind == "fifo":
        os.mkfifo(path)
    elif kind == "dev-zero":
        path.symlink_to("/dev/zero")
    else:
        path.mkdir()
    args = {
        "query": ("query", path),
        "analyze": ("analyze", "summary", "--query", path),
        "export": ("export", "graphml", "-o", tmp_path / "out.graphml", "--query", path),
    }[command]
    started = time.monotonic()
    done = _run_cli(*args, *TINY, timeout=60)
    assert time.monotonic() - started < 30
    assert done.returncode == 2 and done.stderr.count("\n") == 1 and done.stderr.startswith("error: "), done.stderr
    assert ("a folder" if kind == "folder" else "not a regular file") in done.stderr


def test_query_file_size_is_capped(invoke, tmp_path):
    path = tmp_path / "big.rq"
    path.write_text("# " + "x" * 1_000_001 + "\nASK {}\n", encoding="utf-8")
    result = invoke("query", path, *TINY)
    assert (result.exit_code, result.stderr) == (2, f"error: {path}: the query file is larger than 1,000,000 bytes (the limit)\n")


# -- endpoints: deadlines and answers -----------------------------------------------------------


def _drip(conn: socket.socket) -> None:
    for byte in b"HTTP/1.1 200 OK\r\nContent-Type: application/sparql-results+json\r\n\r\n" + b" " * 10_000:
        conn.sendall(bytes([byte]))
        time.sleep(0.1)


@pytest.mark.parametrize("command", ["query", "push"])
def test_slow_drip_server_ends_within_the_timeout(invoke, command):
    server = Listener(_drip)
    try:
        started = time.monotonic()
        if command == "query":
            result = invoke("query", "-e", "ASK {}", "--endpoint", server.url, "--timeout", "5")
        else:
            result = invoke("push", server.url, *TINY, "--timeout", "5")
        elapsed = time.monotonic() - started
    finally:
        server.close()
    assert elapsed < 10
    _one_line_exit_2(result, command)
    assert "did not answer within 5 s" in result.stderr


def _answer(content_type: str, body: bytes):  # noqa: ANN202
    def reply(conn: socket.socket) -> None:
        conn.sendall(f"HTTP/1.0 200 OK\r\nContent-Type: {content_type}\r\nContent-Length: {len(body)}\r\n\r\n".encode() + body)

    return reply


def _nested_triple(depth: int) -> bytes:
    term = b'{"type":"uri","value":"http://a"}'
    for _ in range(depth):
        term = b'{"type":"triple","value":{"subject":{"type":"uri","value":"http://a"},"predicate":{"type":"uri","value":"http://p"},"object":' + term + b"}}"
    return b'{"head":{"vars":["x"]},"results":{"bindings":[{"x":' + term + b"}]}}"


_ENTITIES = (
    b'<?xml version="1.0"?><!DOCTYPE sparql [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;">]>'
    b'<sparql xmlns="http://www.w3.org/2005/sparql-results#"><head><variable name="x"/></head><results><result>'
    b'<binding name="x"><literal>&b;</literal></binding></result></results></sparql>'
)


@pytest.mark.parametrize(
    ("content_type", "body", "message"),
    [
        ("application/sparql-results+json", _nested_triple(10_000), "nested more than 64 levels deep (the limit)"),
        ("application/sparql-results+json", b"[" * 10_000, "nested more than 64 levels deep (the limit)"),
        ("application/sparql-results+xml", b"<sparql>" + b"<a>" * 10_000, "nested more than 64 levels deep (the limit)"),
        ("application/sparql-results+xml", _ENTITIES, "XML with a DTD or entity declarations"),
        ("application/sparql-results+json", b'{"head": {"vars": ["x"]}, "results": {"bindings": [{"x": 1}]}}', "sent unreadable results"),
        ("application/sparql-results+json", b"\xff\xfe garbage", "sent unreadable results"),
        ("text/html", b"<html></html>", "not SPARQL results"),
    ],
    ids=["nested-triples", "nested-arrays", "nested-xml", "xml-entities", "bad-term", "garbage", "html"],
)
def test_malformed_endpoint_answers(invoke, content_type, body, message):
    server = Listener(_answer(content_type, body))
    try:
        result = invoke("query", "-e", "SELECT ?x WHERE { ?x ?y ?z }", "--endpoint", server.url, "--timeout", "20")
    finally:
        server.close()
    _one_line_exit_2(result, message)
    assert message in result.stderr


@pytest.mark.parametrize("url", ["http://127.0.0.1:{port}/store\r\nX-Evil: 1", "http://127.0.0.1:{port}/st ore", "http://127.0.0.1:{port}/\x00"])
def test_push_url_with_control_characters_is_refused_before_connecting(listener, invoke, url):
    result = invoke("push", url.format(port=listener.port), *TINY)
    _one_line_exit_2(result, url)
    assert "control characters and spaces are not allowed" in result.stderr
    assert listener.connections == 0


# -- serve --------------------------------------------------------------------------------------


def test_served_graph_refuses_service_and_stays_usable(listener):
    """The served address checks every query: SERVICE, LOAD and oversized requests never reach the server.

    FROM is answered: the server reads it from its own store and never fetches.
    """
    from policygraph.sparql.query import parse_query
    from policygraph.sparql.run import run_query
    from policygraph.sparql.front import MAX_REQUEST_BYTES, refusal_of
    from policygraph.sparql.serve import OxigraphServer

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    tiny = load_graph([DATA], bundled=False).graph
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    family = [(name, query) for name, query, _ in _family(listener.url)]
    refused = [query for name, query in family if not name.startswith("from-")]
    answered = [query for name, query in family if name.startswith("from-") and "\r" not in query]
    with OxigraphServer(tiny, port) as served:
        attacks = [urllib.request.Request(served.url + "?" + urllib.parse.urlencode({"query": query})) for query in refused] + [
            urllib.request.Request(served.url, data=urllib.parse.urlencode({"query": query}).encode(), method="POST")
            for query in refused
        ] + [
            urllib.request.Request(
                served.url, data=f"SELECT * WHERE {{ SERVICE <{listener.url}> {{ ?s ?p ?o }} }}".encode(),
                headers={"Content-Type": "application/sparql-query"}, method="POST",
            ),
            urllib.request.Request(
                served.url.replace("/query", "/"), data=b"query=" + f"ASK {{ SERVICE <{listener.url}> {{}} }}".encode(), method="POST",
            ),
        ]
        for request in attacks:
            with pytest.raises(urllib.error.HTTPError) as refused:
                opener.open(request, timeout=30)
            assert refused.value.code == 400
        for query in answered:  # forwarded: the server reads FROM from its own store
            assert refusal_of("/query?" + urllib.parse.urlencode({"query": query}), "", b"") is None
            try:
                opener.open(urllib.request.Request(served.url + "?" + urllib.parse.urlencode({"query": query})), timeout=30).close()
            except urllib.error.HTTPError:
                pass  # the server's own answer to a graph it does not have
        too_big = urllib.request.Request(served.url, data=b"query=" + b"x" * (MAX_REQUEST_BYTES + 1), method="POST")
        with pytest.raises(urllib.error.HTTPError) as refused:
            opener.open(too_big, timeout=30)
        assert refused.value.code == 413
        answer = run_query(parse_query("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"), endpoint=served.url)
        assert int(answer.rows[0][0]) == len(tiny)
    time.sleep(0.5)
    assert listener.connections == 0


def test_check_engine_text_for_text_that_skips_parse_query(listener):
    """What validation hands Oxigraph directly (a shape's sh:select) gets the same reading and SERVICE check."""
    from policygraph.errors import SchemaError
    from policygraph.sparql.query import check_engine_text

    for name, query, _ in _family(listener.url):
        if name.startswith("service-"):
            with pytest.raises(SchemaError) as refused:
                check_engine_text(query, "shape")
            assert "\n" not in str(refused.value)
    check_engine_text('SELECT $this WHERE { $this <http://example.org/service> "SERVICE <x> { }" } # SERVICE', "shape")
