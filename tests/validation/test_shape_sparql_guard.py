"""A shape's SPARQL runs under the same guard and time limit as a query: no network, no endless check."""

from __future__ import annotations

import socket
import subprocess
import sys
import threading
import time

import pytest

CLI = [sys.executable, "-m", "policygraph"]


@pytest.fixture
def listener():
    """A TCP listener on 127.0.0.1 that counts the connections it receives."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(16)
    server.settimeout(0.2)
    seen = []
    stop = threading.Event()

    def accept() -> None:
        while not stop.is_set():
            try:
                connection, _ = server.accept()
            except OSError:
                continue
            seen.append(1)
            connection.close()

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    yield server.getsockname()[1], seen
    stop.set()
    thread.join()
    server.close()


SERVICE_SHAPES = [
    'SELECT $this WHERE { SERVICE <http://127.0.0.1:{port}/x> { ?x ?y ?z } }',
    'SELECT $this WHERE { ?s ?p ?o # comment\\rSERVICE <http://127.0.0.1:{port}/x> { ?x ?y ?z } }',
    'SELECT $this WHERE { FILTER EXISTS { service <http://127.0.0.1:{port}/x> { ?x ?y ?z } } }',
    'SELECT $this WHERE { { SELECT ?x WHERE { SeRvIcE SILENT <http://127.0.0.1:{port}/x> { ?x ?y ?z } } } }',
    'SELECT $this FROM <http://127.0.0.1:{port}/g> WHERE { ?s ?p ?o }',
]


@pytest.mark.parametrize("engine", ["oxigraph", "pyshacl"])
@pytest.mark.parametrize("select", SERVICE_SHAPES)
def test_shape_with_service_is_refused_and_nothing_connects(tmp_path, listener, engine, select):
    """validate refuses a shape whose SPARQL names SERVICE or FROM before either engine runs it."""
    port, seen = listener
    shapes = tmp_path / "shape.ttl"
    body = select.replace("{port}", str(port))
    shapes.write_text(
        "@prefix sh: <http://www.w3.org/ns/shacl#> . @prefix pg: <https://w3id.org/policygraph/ontology#> .\n"
        f'<urn:s> a sh:NodeShape ; sh:targetClass pg:Law ; sh:sparql [ sh:select """{body}""" ] .\n',
        encoding="utf-8",
    )
    done = subprocess.run(
        [*CLI, "validate", "--shapes", shapes, "--no-bundled-shapes", "--engine", engine],
        capture_output=True, text=True, timeout=300,
    )
    assert done.returncode == 2, done.stderr
    [line] = done.stderr.splitlines()
    assert line.startswith(f"error: {shapes}: a shape's SPARQL: ") and any(w in line for w in ("SERVICE", "FROM", "carriage return"))
    time.sleep(0.3)
    assert seen == []


def test_slow_shape_stops_at_the_timeout(tmp_path):
    """A shape whose SPARQL would run for minutes ends at --timeout with exit 2 and one line."""
    shapes = tmp_path / "slow.ttl"
    shapes.write_text(
        "@prefix sh: <http://www.w3.org/ns/shacl#> . @prefix pg: <https://w3id.org/policygraph/ontology#> .\n"
        '<urn:s> a sh:NodeShape ; sh:targetClass pg:Law ; sh:sparql [ sh:select """'
        'SELECT $this WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l FILTER(STR(?c) = STR(?l)) }""" ] .\n',
        encoding="utf-8",
    )
    start = time.monotonic()
    done = subprocess.run(
        [*CLI, "validate", "--shapes", shapes, "--no-bundled-shapes", "--timeout", "3"],
        capture_output=True, text=True, timeout=300,
    )
    assert done.returncode == 2, done.stderr
    assert len(done.stderr.splitlines()) == 1 and "Traceback" not in done.stderr
    assert time.monotonic() - start < 60
