"""The address ``serve`` users get: an HTTP front that checks each request before Oxigraph's server sees it.

It reads every query a request carries (``query=`` in the URL or a form body, or an
``application/sparql-query`` body) with ``parse_query``, the same check the local commands use, and
forwards only queries it allows to the server's private port (``serve.py`` starts both). Requests
are bounded in size before they are read; updates are refused. With ``cors`` it lets web pages of
one origin read the answers (``Access-Control-Allow-Origin`` on every answer, preflight ``OPTIONS``
answered); it answers ``/.well-known/void`` itself (discovery.py).
"""

from __future__ import annotations

import http.client
import re
import threading
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from rdflib import Graph

from policygraph.errors import ConfigError, PolicygraphError
from policygraph.sparql.discovery import answer_void, is_void_path

__all__ = ["Front", "MAX_REQUEST_BYTES", "check_origin", "refusal_of"]

MAX_REQUEST_BYTES = 1_000_000
"""The largest request body (a query) the front reads; larger requests are refused with 413."""
_DRAIN_BYTES = 4 * MAX_REQUEST_BYTES  # a refused body up to this size is read and dropped before the 413
_FORWARDED_HEADERS = ("Accept", "Content-Type", "Accept-Encoding", "Accept-Language")
_DROPPED_HEADERS = (  # hop-by-hop, set by the front itself, or CORS (the front's --cors decides, not the server's)
    "connection", "transfer-encoding", "keep-alive", "server", "date", "content-length", "access-control-allow-origin", "vary"
)
_PARSE_LOCK = threading.Lock()  # parse_query raises the recursion limit for its call: one parse at a time


class Front(ThreadingHTTPServer):
    """The address users get: checks each request's query, then forwards it to the private server."""

    daemon_threads = True
    # socketserver listens with a backlog of 5: sixteen clients connecting at once overflowed it, and the
    # kernel's SYN cookie for one of them failed, which the client saw as "Connection reset by peer".
    request_queue_size = 128

    def __init__(self, port: int, timeout: float | None, cors: str | None, description: Graph | None) -> None:
        super().__init__(("127.0.0.1", port), _FrontHandler)
        self.inner_port = 0
        self.timeout_seconds = timeout
        self.cors = cors
        self.description = description
        self.serving = False

    def serve_forever(self, poll_interval: float = 0.2) -> None:
        self.serving = True
        super().serve_forever(poll_interval)

    def handle_error(self, request, client_address) -> None:  # noqa: ANN001 - a client hung up: nothing to report
        pass


class _FrontHandler(BaseHTTPRequestHandler):
    server: Front
    protocol_version = "HTTP/1.0"
    server_version = "policygraph"

    def log_message(self, format, *args) -> None:  # noqa: A002, ANN001, ANN002 - quiet, like the server behind
        pass

    def do_GET(self) -> None:
        if is_void_path(self.path):
            return self._void()
        self._relay()

    do_HEAD = do_GET

    def _void(self) -> None:
        status, content_type, data = answer_void(self.server.description, self.headers.get("Accept"))
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(data)))
        self.send_header("Vary", "Accept")
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(data)

    def do_POST(self) -> None:
        self._relay()

    def do_PUT(self) -> None:
        self._refuse(405, "the graph is served read-only")

    do_DELETE = do_PATCH = do_PUT

    def do_OPTIONS(self) -> None:
        """A CORS preflight: which methods and headers the allowed origin may use (405 without ``cors``)."""
        if self.server.cors is None:
            return self._refuse(405, "cross-origin requests are not allowed (serve --cors ORIGIN allows them)")
        self.send_response(204)
        self.send_header("Access-Control-Allow-Methods", "GET, POST, OPTIONS")
        self.send_header("Access-Control-Allow-Headers", "Accept, Content-Type")
        self.send_header("Access-Control-Max-Age", "600")
        self.send_header("Content-Length", "0")
        self.end_headers()

    def end_headers(self) -> None:
        if self.server.cors is not None:
            self.send_header("Access-Control-Allow-Origin", self.server.cors)
            self.send_header("Vary", "Origin")
        super().end_headers()

    def _discard(self, length: int) -> None:
        """Read and drop ``length`` bytes of a refused body (in chunks, under a time limit)."""
        self.connection.settimeout(30)
        try:
            while length > 0:
                chunk = self.rfile.read(min(length, 1 << 16))
                if not chunk:
                    return
                length -= len(chunk)
        except OSError:
            return

    def _relay(self) -> None:
        body = b""
        if self.headers.get("Transfer-Encoding"):
            return self._refuse(411, "send the request with a Content-Length")
        try:
            length = int(self.headers.get("Content-Length") or 0)
        except ValueError:
            return self._refuse(400, "bad Content-Length")
        if length < 0 or length > MAX_REQUEST_BYTES:
            if length <= _DRAIN_BYTES:  # read what the client is sending, so it hears 413 rather than a reset
                self._discard(length)
            return self._refuse(413, f"the request is larger than {MAX_REQUEST_BYTES:,} bytes (the limit)")
        if length:
            self.connection.settimeout(30)
            body = self.rfile.read(length)
        refusal = refusal_of(self.path, self.headers.get("Content-Type") or "", body)
        if refusal:
            return self._refuse(400, refusal)
        self._forward(body)

    def _forward(self, body: bytes) -> None:
        timeout = (self.server.timeout_seconds or 300) + 30
        upstream = http.client.HTTPConnection("127.0.0.1", self.server.inner_port, timeout=timeout)
        try:
            headers = {name: self.headers[name] for name in _FORWARDED_HEADERS if self.headers.get(name)}
            upstream.request(self.command, self.path, body=body or None, headers=headers)
            answer = upstream.getresponse()
            self.send_response(answer.status, answer.reason)
            for name, value in answer.getheaders():
                if name.lower() not in _DROPPED_HEADERS:
                    self.send_header(name, value)
            self.end_headers()
            if self.command != "HEAD":
                while chunk := answer.read1(1 << 16):
                    self.wfile.write(chunk)
        except (OSError, http.client.HTTPException):
            self.close_connection = True
        finally:
            upstream.close()

    def _refuse(self, status: int, message: str) -> None:
        data = (message + "\n").encode("utf-8")
        self.send_response(status)
        self.send_header("Content-Type", "text/plain; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(data)


def refusal_of(path: str, content_type: str, body: bytes) -> str | None:
    """Why the request must not reach the server, or None: each query it carries must pass ``parse_query``."""
    from policygraph.sparql.query import parse_query

    media = content_type.split(";")[0].strip().lower()
    fields = urllib.parse.parse_qs(urllib.parse.urlsplit(path).query, keep_blank_values=True)
    try:
        if media == "application/x-www-form-urlencoded":
            for name, values in urllib.parse.parse_qs(body.decode("utf-8"), keep_blank_values=True).items():
                fields.setdefault(name, []).extend(values)
        elif media in ("application/sparql-query", "application/sparql-update"):
            fields.setdefault("query" if media.endswith("query") else "update", []).append(body.decode("utf-8"))
        elif body:
            return f"a request body of type {media or 'unknown'} is not accepted"
    except UnicodeDecodeError:
        return "the request is not UTF-8"
    if "update" in fields:
        return "updates are not allowed: the graph is served read-only"
    for text in fields.get("query", []):
        with _PARSE_LOCK:
            try:
                parse_query(text, origin="query")
            except PolicygraphError as error:
                return str(error)
    return None


def check_origin(origin: str) -> str:
    """``origin`` if it is ``*`` or a web origin (``scheme://host[:port]``, no path).

    Raises:
        ConfigError: anything else (a path, a trailing slash, spaces or control characters).
    """
    if origin == "*" or re.fullmatch(r"https?://[A-Za-z0-9.\-]+(:[0-9]{1,5})?|https?://\[[0-9A-Fa-f:.]+\](:[0-9]{1,5})?", origin):
        return origin
    raise ConfigError(f"not a web origin: {origin!r}", hint="give scheme://host[:port] without a path, e.g. https://example.org, or *")
