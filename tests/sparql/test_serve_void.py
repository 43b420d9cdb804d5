"""``serve`` publishes its VoID description at /.well-known/void (VoID §7.2), on a real server on 127.0.0.1."""

from __future__ import annotations

import http.client
import json
import signal
import subprocess
import sys
import urllib.parse
from pathlib import Path

import pytest
from rdflib import Graph, URIRef
from rdflib.compare import isomorphic

from policygraph import load_graph
from policygraph.errors import ConfigError
from policygraph.graph.void import DATASET, LICENCE, VOID
from policygraph.sparql.discovery import VOID_PATH
from policygraph.sparql.serve import OxigraphServer, oxigraph_binary
from policygraph.terms import DCTERMS

DATA = Path(__file__).parents[1] / "fixtures" / "query"


def _get(port: int, path: str, accept: str | None = None) -> tuple[int, str, bytes]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        connection.request("GET", path, headers={"Accept": accept} if accept else {})
        answer = connection.getresponse()
        return answer.status, answer.getheader("Content-Type") or "", answer.read()
    finally:
        connection.close()


def _serve(port: int) -> subprocess.Popen:
    """``policygraph serve`` of the query fixture in a real process, once it accepts connections."""
    try:
        oxigraph_binary()
    except ConfigError:
        pytest.skip("the oxigraph server program is not installed (pip install oxigraph)")
    process = subprocess.Popen(
        [sys.executable, "-m", "policygraph", "serve", "--port", str(port), "--no-bundled", "--data", str(DATA)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    line = process.stdout.readline()  # printed once the server accepts connections
    if not line.startswith("serving "):
        process.kill()
        pytest.fail(line + process.stderr.read())
    return process


@pytest.fixture(scope="module")
def served(free_port):
    """``policygraph serve`` of the query fixture in a real process: its port."""
    port = free_port()
    with _serve(port) as process:  # leaving it closes the pipes and waits for the process
        try:
            yield port
        finally:
            process.send_signal(signal.SIGTERM)
            process.wait(timeout=20)


def test_well_known_void_describes_the_served_graph(served):
    """GET /.well-known/void: Turtle whose void:triples is the graph's size, naming the endpoint that serves it."""
    status, content_type, body = _get(served, VOID_PATH)
    assert (status, content_type) == (200, "text/turtle; charset=utf-8")
    description = Graph().parse(data=body, format="turtle")
    endpoint = f"http://127.0.0.1:{served}/query"
    assert description.value(DATASET, VOID.sparqlEndpoint) == URIRef(endpoint)
    assert description.value(DATASET, DCTERMS.license) == LICENCE
    triples = int(description.value(DATASET, VOID.triples))
    assert triples == len(load_graph([DATA], bundled=False))
    # The endpoint the description names answers, and holds that many triples.
    query = urllib.parse.quote("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")
    status, _, answer = _get(served, f"/query?query={query}", "application/sparql-results+json")
    assert status == 200
    assert int(json.loads(answer)["results"]["bindings"][0]["n"]["value"]) == triples


@pytest.mark.parametrize(
    ("accept", "media_type", "rdflib_format"),
    [
        ("application/n-triples", "application/n-triples", "nt"),
        ("application/ld+json", "application/ld+json", "json-ld"),
        ("application/rdf+xml;q=0.4, application/n-triples;q=0.5", "application/n-triples", "nt"),
        ("text/*", "text/turtle", "turtle"),
        ("text/html, */*;q=0.1", "text/turtle", "turtle"),
    ],
)
def test_well_known_void_negotiates_the_format(served, accept, media_type, rdflib_format):
    """The Accept header picks N-Triples, JSON-LD, RDF/XML or Turtle; every one holds the same description."""
    status, content_type, body = _get(served, VOID_PATH, accept)
    assert (status, content_type) == (200, f"{media_type}; charset=utf-8")
    _, _, turtle = _get(served, VOID_PATH)
    assert isomorphic(Graph().parse(data=body, format=rdflib_format), Graph().parse(data=turtle, format="turtle"))


def test_well_known_void_refuses_formats_it_lacks(served):
    """An Accept header that admits none of the RDF formats is answered 406, naming those it has."""
    status, _, body = _get(served, VOID_PATH, "image/png, text/turtle;q=0")
    assert status == 406 and b"text/turtle" in body


def test_server_without_a_description_answers_404(free_port):
    """The library's server publishes a description only when given one."""
    try:
        oxigraph_binary()
    except ConfigError:
        pytest.skip("the oxigraph server program is not installed (pip install oxigraph)")
    with OxigraphServer(load_graph([DATA], bundled=False).graph, free_port()) as server:
        status, _, body = _get(server.port, VOID_PATH)
        assert status == 404 and body == b"this server has no VoID description\n"


def test_serve_exits_with_one_line_when_its_server_dies(free_port):
    """Killing the Oxigraph server behind ``serve``: one ``error:`` line, exit 2, its temporary store deleted."""
    import os
    import tempfile

    with _serve(free_port()) as process:  # leaving it closes the pipes and waits for the process
        try:
            children = Path(f"/proc/{process.pid}/task/{process.pid}/children").read_text().split()
            servers = [int(pid) for pid in children if "oxigraph" in Path(f"/proc/{pid}/cmdline").read_bytes().decode(errors="replace")]
            assert len(servers) == 1, children
            store = list(Path(tempfile.gettempdir()).glob(f"policygraph-serve-{process.pid}-*"))
            assert store, "serve keeps its store in a temporary folder"
            os.kill(servers[0], signal.SIGKILL)
            code = process.wait(timeout=30)
            errors = process.stderr.read()
        finally:
            if process.poll() is None:
                process.kill()
    assert code == 2
    assert errors.splitlines() == [f"error: the SPARQL server stopped with exit code {-signal.SIGKILL}"]
    assert not any(folder.exists() for folder in store)
