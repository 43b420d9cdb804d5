"""Beyond one machine: query a SPARQL 1.1 endpoint, push a graph to a Graph Store, serve a graph.

``query_endpoint`` speaks the SPARQL 1.1 Protocol (POST, form-encoded) and reads the answer with
Oxigraph's result parsers, so it comes back as the same ``QueryResult`` a local engine gives.
``push_graph`` uses the SPARQL 1.1 Graph Store HTTP Protocol. Every request runs under one
deadline (connecting, sending and all reads), and answers are checked before a parser reads them.
``OxigraphServer`` (``serve.py``) serves a graph. Only http(s) URLs without control characters are
accepted; loopback addresses bypass proxies. Credentials (``auth.py``) come from the environment or
~/.netrc unless an ``EndpointAuth`` is given; a URL holding a user name or password is refused.
"""

from __future__ import annotations

import http.client
import re
import socket
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from typing import Iterable

from rdflib import Graph, Literal, URIRef

from policygraph.errors import ConfigError, InputError
from policygraph.graph.convert import to_rdflib
from policygraph.graph.labels import best_label
from policygraph.sparql.auth import (
    PASSWORD_VARIABLE,
    TOKEN_VARIABLE,
    USER_VARIABLE,
    EndpointAuth,
    auth_from_environment,
    authorize,
    refused,
)
from policygraph.sparql.guard import check_timeout
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
_VIRTUOSO_ASK = "__ASK_RETVAL"
"""Virtuoso 7.2 answers ASK with a table of this one column (1 or 0) instead of a boolean result."""


def query_endpoint(
    url: str, text: str, form: str, timeout: float | None = None, auth: EndpointAuth | None = None
) -> QueryResult:
    """Run ``text`` (already checked, parameters already in it) on the SPARQL endpoint at ``url``.

    ``auth``: the credentials; by default those of the environment or ~/.netrc (``auth_from_environment``).

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
    content_type, payload = _send(request, timeout, what="endpoint", auth=auth)
    fmt = (_GRAPH_TYPES if graph_form else _RESULT_TYPES).get(content_type)
    if fmt is None:
        raise InputError(f"endpoint {url} sent {content_type or 'no content type'}, not {'RDF' if graph_form else 'SPARQL results'}")
    _check_answer(payload, fmt, url)
    try:
        if graph_form:
            triples = [
                (to_rdflib(t.subject), to_rdflib(t.predicate), to_rdflib(t.object))
                for t in ox.parse(payload, format=getattr(ox.RdfFormat, fmt))
            ]
            return QueryResult(form, triples=triples, engine=url)
        answer = ox.parse_query_results(payload, format=getattr(ox.QueryResultsFormat, fmt))
        if isinstance(answer, ox.QueryBoolean):
            return QueryResult("ASK", boolean=bool(answer), engine=url)
        if not isinstance(answer, ox.QuerySolutions):
            raise InputError(f"endpoint {url} sent a graph, not SPARQL results")
        variables = [v.value for v in answer.variables]
        rows = [tuple(to_rdflib(solution[i]) for i in range(len(variables))) for solution in answer]
        if form == "ASK" and variables == [_VIRTUOSO_ASK]:
            return QueryResult("ASK", boolean=any(str(row[0]) in ("1", "true") for row in rows), engine=url)
    except (SyntaxError, ValueError, TypeError, OSError, UnicodeError) as error:
        raise InputError(f"endpoint {url} sent unreadable results: {' '.join(str(error).split())[:200]}") from None
    return QueryResult(form, variables=variables, rows=rows, engine=url)


MAX_ANSWER_NESTING = 64
"""The deepest nesting (JSON brackets, XML elements, quoted triples) an endpoint's answer may have.

Real results need under ten levels; Oxigraph's parsers recurse on quoted triples, and an answer
nested ten thousand levels deep would overflow their stack and kill the process."""

_NESTING_TOKENS = {
    # (skipped, opening, closing) patterns per syntax family
    "json": rb'(?P<skip>"(?:[^"\\]|\\.)*")|(?P<open>[\[{])|(?P<close>[\]}])',
    "xml": rb"(?P<skip><!--.*?-->|<\?.*?\?>|<!\[CDATA\[.*?\]\]>)|(?P<close></|/>)|(?P<open><(?=[^/!?]))",
    "text": rb'(?P<skip>"""(?:[^"\\]|\\.|"(?!""))*"""|\'\'\'(?:[^\'\\]|\\.|\'(?!\'\'))*\'\'\'|"(?:[^"\\\n]|\\.)*"|\'(?:[^\'\\\n]|\\.)*\'|<[^<>"{}|^`\\\x00-\x20]*>|\#[^\n]*)'
    rb"|(?P<open><<|[\[(])|(?P<close>>>|[\])])",
}
_FAMILY = {"JSON": "json", "JSON_LD": "json", "XML": "xml", "RDF_XML": "xml"}


def _check_answer(payload: bytes, fmt: str, url: str) -> None:
    """Refuse answers a parser could choke on: XML declaring a DTD or entities, and very deep nesting."""
    family = _FAMILY.get(fmt, "text")
    if family == "xml" and re.search(rb"<!(DOCTYPE|ENTITY)", payload, re.IGNORECASE):
        raise InputError(f"endpoint {url} sent XML with a DTD or entity declarations, which are not read")
    depth = 0
    for token in re.finditer(_NESTING_TOKENS[family], payload, re.DOTALL):
        kind = token.lastgroup
        if kind == "open":
            depth += 1
            if depth > MAX_ANSWER_NESTING:
                raise InputError(f"endpoint {url} sent an answer nested more than {MAX_ANSWER_NESTING} levels deep (the limit)")
        elif kind == "close":
            depth = max(0, depth - 1)


def endpoint_labels(
    url: str,
    nodes: Iterable[URIRef],
    timeout: float | None = None,
    lang: str = "en",
    from_graphs: Iterable[str] = (),
    auth: EndpointAuth | None = None,
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
        result = query_endpoint(url, text, "SELECT", timeout, auth)
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
    graph: Graph,
    url: str,
    named_graph: str | None = None,
    replace: bool = True,
    timeout: float | None = None,
    auth: EndpointAuth | None = None,
) -> PushReport:
    """Upload ``graph`` as N-Triples to the Graph Store at ``url`` (SPARQL 1.1 Graph Store HTTP Protocol).

    Args:
        graph: the graph to send.
        url: the store's Graph Store endpoint (Oxigraph: ``http://host:port/store``).
        named_graph: the IRI of the target graph; the default graph when None.
        replace: PUT (replace the target graph) rather than POST (add to it).
        timeout: seconds to wait for the server.
        auth: the credentials; by default those of the environment or ~/.netrc (``auth_from_environment``).

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
    status = _send(request, timeout, what="graph store", want_status=True, auth=auth)
    return PushReport(request_url, len(graph), named_graph, replace, status)


def _check_url(url: str) -> str:
    bad = re.search(r"[\x00-\x20\x7f]", url)
    if bad:
        raise ConfigError(f"not a valid URL: {url!r} (control characters and spaces are not allowed)")
    parts = urllib.parse.urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ConfigError(f"not an http(s) URL: {url!r}")
    if "@" in parts.netloc:  # the URL is not repeated: it holds a secret
        raise ConfigError(
            "a URL may not hold a user name or password",
            hint=f"set {USER_VARIABLE} and {PASSWORD_VARIABLE}, or {TOKEN_VARIABLE}, or use ~/.netrc",
        )
    return url


class _Deadline:
    """One time limit for a whole request: connecting, sending and every read of the answer.

    A socket's own timeout limits each read only, so a server that sends one byte at a time could
    hold a request for ever; at the deadline a timer shuts the request's sockets down, which ends
    whatever read is waiting.
    """

    def __init__(self, seconds: float | None) -> None:
        self.seconds = seconds
        self.end = None if seconds is None else time.monotonic() + seconds
        self.expired = False
        self._connections: list[http.client.HTTPConnection] = []
        self._lock = threading.Lock()
        self._timer = None if seconds is None else threading.Timer(seconds, self._expire)
        if self._timer is not None:
            self._timer.daemon = True
            self._timer.start()

    def remaining(self) -> float | None:
        if self.end is None:
            return None
        left = self.end - time.monotonic()
        if left <= 0:
            self.expired = True
        return max(left, 0.001)

    def watch(self, connection: http.client.HTTPConnection) -> http.client.HTTPConnection:
        with self._lock:
            self._connections.append(connection)
        return connection

    def _expire(self) -> None:
        with self._lock:
            self.expired = True
            for connection in self._connections:
                sock = connection.sock
                if sock is not None:
                    try:
                        sock.shutdown(socket.SHUT_RDWR)
                    except OSError:
                        pass

    def cancel(self) -> None:
        if self._timer is not None:
            self._timer.cancel()


def _opener(url: str, deadline: _Deadline) -> urllib.request.OpenerDirector:
    class Http(urllib.request.HTTPHandler):
        def http_open(self, req):  # noqa: ANN001, ANN202 - urllib's handler interface
            return self.do_open(lambda *a, **k: deadline.watch(http.client.HTTPConnection(*a, **k)), req)

    class Https(urllib.request.HTTPSHandler):
        def https_open(self, req):  # noqa: ANN001, ANN202
            return self.do_open(
                lambda *a, **k: deadline.watch(http.client.HTTPSConnection(*a, **k)), req, context=self._context
            )

    handlers: list = [Http(), Https()]
    host = urllib.parse.urlsplit(url).hostname or ""
    if host in ("localhost", "127.0.0.1", "::1"):
        handlers.append(urllib.request.ProxyHandler({}))
    return urllib.request.build_opener(*handlers)


def _send(  # noqa: ANN202
    request: urllib.request.Request, timeout: float | None, what: str, want_status: bool = False, auth: EndpointAuth | None = None
):
    url = request.full_url
    check_timeout(timeout)
    auth = auth_from_environment(url) if auth is None else auth
    deadline = _Deadline(timeout)
    late = InputError(f"{what} {url} did not answer within {timeout:g} s" if timeout else f"{what} {url} stopped answering")
    try:
        opener = _opener(url, deadline)
        authorize(opener, request, auth, deadline.remaining)
        with opener.open(request, timeout=deadline.remaining()) as response:
            chunks, size = [], 0
            while True:
                if deadline.remaining() is not None and deadline.expired:
                    raise late
                chunk = response.read1(1 << 16) if hasattr(response, "read1") else response.read(1 << 16)
                if not chunk:
                    break
                size += len(chunk)
                if size > MAX_RESPONSE_BYTES:
                    raise InputError(f"{what} {url} sent more than {MAX_RESPONSE_BYTES // 2**20} MB", hint="add LIMIT to the query")
                chunks.append(chunk)
            if deadline.expired:
                raise late  # the timer cut the answer short
            if want_status:
                return response.status
            content_type = (response.headers.get("Content-Type") or "").split(";")[0].strip().lower()
            return content_type, b"".join(chunks)
    except InputError:
        raise
    except urllib.error.HTTPError as error:
        if error.code in (401, 403):
            raise refused(what, url, error.code, auth) from None
        try:
            detail = error.read(2000).decode("utf-8", "replace").strip().splitlines()
        except (OSError, http.client.HTTPException):
            detail = []
        first = f": {' '.join(detail[0].split())[:200]}" if detail else ""
        raise InputError(f"{what} {url} answered {error.code} {' '.join(str(error.reason).split())[:100]}{first}") from None
    except urllib.error.URLError as error:
        reason = error.reason
        if deadline.expired or isinstance(reason, (socket.timeout, TimeoutError)):
            raise late from None
        text = getattr(reason, "strerror", None) or str(reason)
        raise InputError(f"cannot reach {what} {url}: {' '.join(str(text).split())[:200]}") from None
    except (socket.timeout, TimeoutError):
        raise late from None
    except (OSError, http.client.HTTPException, ValueError) as error:
        if deadline.expired:
            raise late from None
        text = getattr(error, "strerror", None) or str(error) or type(error).__name__
        raise InputError(f"{what} {url} failed: {' '.join(str(text).split())[:200]}") from None
    finally:
        deadline.cancel()


from policygraph.sparql.serve import OxigraphServer, oxigraph_binary  # noqa: E402 - the serving half, kept importable from here
