"""Beyond one machine: query a SPARQL 1.1 endpoint, push a graph to a Graph Store, serve a graph.

``query_endpoint`` speaks the SPARQL 1.1 Protocol (POST, form-encoded) and reads the answer with
Oxigraph's result parsers, so it comes back as the same ``QueryResult`` a local engine gives.
``push_graph`` uses the SPARQL 1.1 Graph Store HTTP Protocol. ``OxigraphServer`` runs the
``oxigraph`` server read-only on 127.0.0.1 over a copy of the graph in a temporary store and
removes it when stopped. Only http(s) URLs are accepted; loopback addresses bypass proxies.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable

from rdflib import Graph, Literal, URIRef

from policygraph.errors import ConfigError, InputError
from policygraph.graph.convert import to_rdflib
from policygraph.graph.labels import best_label
from policygraph.sparql.results import QueryResult
from policygraph.sparql.syntax import sparql_term
from policygraph.terms import RDFS, SKOS

__all__ = ["query_endpoint", "endpoint_labels", "push_graph", "PushReport", "OxigraphServer", "oxigraph_binary"]

_USER_AGENT = "policygraph (+https://w3id.org/policygraph)"
MAX_RESPONSE_BYTES = 1 << 30
"""The most an endpoint may send back for one request (results are held in memory)."""
_GRAPH_TYPES = {
    "application/n-triples": "N_TRIPLES",
    "text/plain": "N_TRIPLES",
    "text/turtle": "TURTLE",
    "application/x-turtle": "TURTLE",
    "application/rdf+xml": "RDF_XML",
    "application/ld+json": "JSON_LD",
    "application/n-quads": "N_QUADS",
    "application/trig": "TRIG",
}
_RESULT_TYPES = {
    "application/sparql-results+json": "JSON",
    "application/json": "JSON",
    "application/sparql-results+xml": "XML",
    "application/xml": "XML",
    "text/tab-separated-values": "TSV",
}


def query_endpoint(url: str, text: str, form: str, timeout: float | None = None) -> QueryResult:
    """Run ``text`` (already checked, parameters already in it) on the SPARQL endpoint at ``url``.

    Raises:
        ConfigError: ``url`` is not an http(s) URL.
        InputError: the endpoint cannot be reached, answers with an error, or sends something unreadable.
    """
    import pyoxigraph as ox

    graph_form = form in ("CONSTRUCT", "DESCRIBE")
    accept = (
        "application/n-triples, text/turtle;q=0.9, application/rdf+xml;q=0.5"
        if graph_form
        else "application/sparql-results+json, application/sparql-results+xml;q=0.9"
    )
    body = urllib.parse.urlencode({"query": text}).encode("utf-8")
    request = urllib.request.Request(
        _check_url(url),
        data=body,
        method="POST",
        headers={"Content-Type": "application/x-www-form-urlencoded", "Accept": accept, "User-Agent": _USER_AGENT},
    )
    content_type, payload = _send(request, timeout, what="endpoint")
    try:
        if graph_form:
            fmt = _GRAPH_TYPES.get(content_type)
            if fmt is None:
                raise InputError(f"endpoint {url} sent {content_type or 'no content type'}, not RDF")
            triples = [
                (to_rdflib(t.subject), to_rdflib(t.predicate), to_rdflib(t.object))
                for t in ox.parse(payload, format=getattr(ox.RdfFormat, fmt))
            ]
            return QueryResult(form, triples=triples, engine=url)
        fmt = _RESULT_TYPES.get(content_type)
        if fmt is None:
            raise InputError(f"endpoint {url} sent {content_type or 'no content type'}, not SPARQL results")
        answer = ox.parse_query_results(payload, format=getattr(ox.QueryResultsFormat, fmt))
    except SyntaxError as error:
        raise InputError(f"endpoint {url} sent unreadable results: {' '.join(str(error).split())[:200]}") from None
    if isinstance(answer, ox.QueryBoolean):
        return QueryResult("ASK", boolean=bool(answer), engine=url)
    variables = [v.value for v in answer.variables]
    rows = [tuple(to_rdflib(solution[i]) for i in range(len(variables))) for solution in answer]
    return QueryResult(form, variables=variables, rows=rows, engine=url)


def endpoint_labels(
    url: str, nodes: Iterable[URIRef], timeout: float | None = None, lang: str = "en", from_graphs: Iterable[str] = ()
) -> dict[URIRef, str]:
    """The best label of each IRI in ``nodes``, asked of the endpoint in batches (from ``from_graphs`` if given)."""
    nodes = sorted(set(nodes), key=str)
    labels: dict[URIRef, str] = {}
    skos, rdfs = f"<{SKOS.prefLabel}>", f"<{RDFS.label}>"
    dataset = " ".join(f"FROM {sparql_term(URIRef(iri))}" for iri in from_graphs)
    for start in range(0, len(nodes), 200):
        batch = nodes[start : start + 200]
        values = " ".join(sparql_term(node) for node in batch)
        text = (
            f"SELECT ?s ?p ?label {dataset} WHERE {{ VALUES ?s {{ {values} }} VALUES ?p {{ {skos} {rdfs} }} "
            "?s ?p ?label FILTER(isLITERAL(?label)) }"
        )
        result = query_endpoint(url, text, "SELECT", timeout)
        candidates: dict[URIRef, list] = {}
        for subject, predicate, label in result.rows:
            if isinstance(label, Literal):
                rank = 0 if predicate == SKOS.prefLabel else 1
                candidates.setdefault(subject, []).append((rank, label.language, str(label)))
        for subject, found in candidates.items():
            labels[subject] = best_label(found, lang)
    return labels


@dataclass(frozen=True)
class PushReport:
    """What ``push_graph`` did."""

    url: str  # the request URL (with ?default or ?graph=...)
    triples: int
    graph: str | None  # the named graph, or None for the default graph
    replaced: bool  # PUT (replace) rather than POST (append)
    status: int  # the HTTP status of the answer


def push_graph(
    graph: Graph, url: str, named_graph: str | None = None, replace: bool = True, timeout: float | None = None
) -> PushReport:
    """Upload ``graph`` as N-Triples to the Graph Store at ``url`` (SPARQL 1.1 Graph Store HTTP Protocol).

    Args:
        graph: the graph to send.
        url: the store's Graph Store endpoint (Oxigraph: ``http://host:port/store``).
        named_graph: the IRI of the target graph; the default graph when None.
        replace: PUT (replace the target graph) rather than POST (add to it).
        timeout: seconds to wait for the server.

    Raises:
        ConfigError: ``url`` or ``named_graph`` is not a valid http(s) URL / IRI.
        InputError: the store cannot be reached or refuses the graph.
    """
    url = _check_url(url)
    if named_graph is not None:
        sparql_term(URIRef(named_graph))  # refuses characters an IRI cannot hold
        if ":" not in named_graph:
            raise ConfigError(f"named graph {named_graph!r} is not an absolute IRI")
        target = "graph=" + urllib.parse.quote(named_graph, safe="")
    else:
        target = "default"
    request_url = url + ("&" if "?" in url else "?") + target
    body = graph.serialize(format="nt", encoding="utf-8")
    request = urllib.request.Request(
        request_url,
        data=body,
        method="PUT" if replace else "POST",
        headers={"Content-Type": "application/n-triples", "User-Agent": _USER_AGENT},
    )
    status = _send(request, timeout, what="graph store", want_status=True)
    return PushReport(request_url, len(graph), named_graph, replace, status)


def _check_url(url: str) -> str:
    parts = urllib.parse.urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ConfigError(f"not an http(s) URL: {url!r}")
    return url


def _opener(url: str) -> urllib.request.OpenerDirector:
    host = urllib.parse.urlsplit(url).hostname or ""
    if host in ("localhost", "127.0.0.1", "::1"):
        return urllib.request.build_opener(urllib.request.ProxyHandler({}))
    return urllib.request.build_opener()


def _send(request: urllib.request.Request, timeout: float | None, what: str, want_status: bool = False):  # noqa: ANN202
    url = request.full_url
    try:
        with _opener(url).open(request, timeout=timeout) as response:
            payload = response.read(MAX_RESPONSE_BYTES + 1)
            if len(payload) > MAX_RESPONSE_BYTES:
                raise InputError(f"{what} {url} sent more than {MAX_RESPONSE_BYTES // 2**20} MB", hint="add LIMIT to the query")
            if want_status:
                return response.status
            content_type = (response.headers.get("Content-Type") or "").split(";")[0].strip().lower()
            return content_type, payload
    except urllib.error.HTTPError as error:
        detail = error.read(2000).decode("utf-8", "replace").strip().splitlines()
        first = f": {detail[0][:200]}" if detail else ""
        raise InputError(f"{what} {url} answered {error.code} {error.reason}{first}") from None
    except urllib.error.URLError as error:
        reason = error.reason
        if isinstance(reason, (socket.timeout, TimeoutError)):
            raise InputError(f"{what} {url} did not answer within {timeout:g} s") from None
        text = getattr(reason, "strerror", None) or str(reason)
        raise InputError(f"cannot reach {what} {url}: {text}") from None
    except (socket.timeout, TimeoutError):
        raise InputError(f"{what} {url} did not answer within {timeout:g} s") from None
    except OSError as error:
        raise InputError(f"cannot reach {what} {url}: {error.strerror or error}") from None


# -- serving ------------------------------------------------------------------------------------


def oxigraph_binary() -> str:
    """The path of the ``oxigraph`` server program (from the ``oxigraph`` package).

    Raises:
        ConfigError: it is not installed.
    """
    beside = Path(sys.executable).parent / ("oxigraph.exe" if os.name == "nt" else "oxigraph")
    if beside.is_file():
        return str(beside)
    found = shutil.which("oxigraph")
    if found:
        return found
    raise ConfigError("the Oxigraph server is not installed", hint="pip install oxigraph")


@dataclass
class OxigraphServer:
    """A read-only Oxigraph SPARQL server on 127.0.0.1 over a temporary copy of a graph.

    Use ``start()`` then ``stop()`` (or ``with``): ``stop`` ends the server and deletes the copy.
    The copy lives in ``TMP/policygraph-serve-PID-*``; a killed run cannot delete it, so ``start``
    first deletes those whose PID no longer runs.
    """

    graph: Graph
    port: int
    timeout: float | None = None  # per-query limit passed to the server
    startup_seconds: float = 30.0
    process: subprocess.Popen | None = field(default=None, init=False)
    directory: str | None = field(default=None, init=False)

    @property
    def url(self) -> str:
        """The SPARQL query endpoint."""
        return f"http://127.0.0.1:{self.port}/query"

    def start(self) -> OxigraphServer:
        """Load the graph into a temporary store and start the server; return when it accepts connections.

        Raises:
            ConfigError: the oxigraph program is missing.
            InputError: loading failed, or the server could not start (e.g. the port is in use).
        """
        binary = oxigraph_binary()
        if _port_open(self.port):
            raise InputError(f"cannot serve on 127.0.0.1:{self.port}: the port is in use", hint="choose another with --port")
        _remove_stale_serve_folders()
        self.directory = tempfile.mkdtemp(prefix=f"{_SERVE_PREFIX}{os.getpid()}-")
        try:
            dump = Path(self.directory) / "graph.nt"
            dump.write_bytes(self.graph.serialize(format="nt", encoding="utf-8"))
            store = Path(self.directory) / "store"
            loaded = subprocess.run(
                [binary, "load", "--location", str(store), "--file", str(dump)],
                capture_output=True,
                text=True,
            )
            if loaded.returncode != 0:
                raise InputError(f"oxigraph could not load the graph: {_last_line(loaded.stderr)}")
            dump.unlink()
            command = [binary, "serve-read-only", "--location", str(store), "--bind", f"127.0.0.1:{self.port}"]
            if self.timeout:
                command += ["--timeout-s", str(max(1, int(round(self.timeout))))]
            # Its own session: Ctrl-C reaches policygraph only, which then stops the server and cleans up.
            self.process = subprocess.Popen(
                command,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.PIPE,
                text=True,
                start_new_session=True,
                preexec_fn=_die_with_parent,
            )
            self._wait_until_ready()
        except BaseException:
            self.stop()
            raise
        return self

    def _wait_until_ready(self) -> None:
        deadline = time.monotonic() + self.startup_seconds
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                error = self.process.stderr.read() if self.process.stderr else ""
                raise InputError(f"cannot serve on 127.0.0.1:{self.port}: {_last_line(error) or 'the server exited'}")
            if _port_open(self.port):
                return
            time.sleep(0.05)
        raise InputError(f"the server did not start on 127.0.0.1:{self.port} within {self.startup_seconds:g} s")

    def wait(self) -> int:
        """Block until the server exits; its exit code."""
        return self.process.wait() if self.process else 0

    def stop(self) -> None:
        """Stop the server (if running) and delete the temporary store."""
        if self.process is not None:
            if self.process.poll() is None:
                self.process.terminate()
                try:
                    self.process.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    self.process.kill()
                    self.process.wait()
            if self.process.stderr:
                self.process.stderr.close()
            self.process = None
        if self.directory is not None:
            shutil.rmtree(self.directory, ignore_errors=True)
            self.directory = None

    def __enter__(self) -> OxigraphServer:
        return self.start()

    def __exit__(self, *exc_info) -> None:  # noqa: ANN002
        self.stop()


_SERVE_PREFIX = "policygraph-serve-"


def _remove_stale_serve_folders() -> None:
    """Delete the temporary stores of ``serve`` runs that were killed (``policygraph-serve-PID-*``, PID gone)."""
    from policygraph.output import process_running

    pattern = re.compile(re.escape(_SERVE_PREFIX) + r"(\d+)-")
    root = Path(tempfile.gettempdir())
    try:
        names = os.listdir(root)
    except OSError:
        return
    for name in names:
        match = pattern.match(name)
        if match and not process_running(int(match.group(1))):
            shutil.rmtree(root / name, ignore_errors=True)


def _port_open(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.settimeout(0.2)
        return probe.connect_ex(("127.0.0.1", port)) == 0


def _die_with_parent() -> None:
    """In the server's process: ask Linux to stop it if policygraph dies without cleaning up."""
    try:
        import ctypes

        libc = ctypes.CDLL("libc.so.6", use_errno=True)
        libc.prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass


def _last_line(text: str) -> str:
    lines = [line.strip() for line in (text or "").splitlines() if line.strip()]
    return lines[-1][:200] if lines else ""

