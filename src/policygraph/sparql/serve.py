"""Serving a graph: Oxigraph's read-only server on 127.0.0.1, behind a front that refuses SERVICE.

The ``oxigraph serve-read-only`` program has no option to turn off ``SERVICE`` (its options are the
store, the address, CORS, the union default graph and a timeout), so a served graph would fetch
from any endpoint a client names, and ``serve`` would be a proxy onto the machine's network. The
server therefore listens on a private port, and the address users get is a small HTTP front
(``_Front``) that reads every query a request carries (``query=`` in the URL or a form body, or an
``application/sparql-query`` body) with ``parse_query``, the same check the local commands use,
and forwards only queries it allows. Requests are bounded in size before they are read; updates
are refused by the front as by the read-only server. With ``cors`` the front also lets web pages of
one origin read the answers (``Access-Control-Allow-Origin`` on every answer, preflight ``OPTIONS``
answered); Oxigraph's own ``--cors`` would allow every origin. It answers ``/.well-known/void`` itself (discovery.py).
"""

from __future__ import annotations

import http.client
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from rdflib import Graph

from policygraph.errors import ConfigError, InputError, PolicygraphError
from policygraph.sparql.discovery import answer_void, is_void_path

__all__ = ["OxigraphServer", "oxigraph_binary", "check_origin", "MAX_REQUEST_BYTES"]

MAX_REQUEST_BYTES = 1_000_000
"""The largest request body (a query) the front reads; larger requests are refused with 413."""
_DRAIN_BYTES = 4 * MAX_REQUEST_BYTES  # a refused body up to this size is read and dropped before the 413
_FORWARDED_HEADERS = ("Accept", "Content-Type", "Accept-Encoding", "Accept-Language")
_DROPPED_HEADERS = (  # hop-by-hop, set by the front itself, or CORS (the front's --cors decides, not the server's)
    "connection", "transfer-encoding", "keep-alive", "server", "date", "content-length", "access-control-allow-origin", "vary"
)
_PARSE_LOCK = threading.Lock()  # parse_query raises the recursion limit for its call: one parse at a time


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
    cors: str | None = None  # the web origin (scheme://host[:port]) allowed to read answers, or "*"
    description: Graph | None = None  # the VoID description answered at /.well-known/void (404 without one)
    startup_seconds: float = 30.0
    process: subprocess.Popen | None = field(default=None, init=False)
    directory: str | None = field(default=None, init=False)

    front: ThreadingHTTPServer | None = field(default=None, init=False)

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
        if self.cors is not None:
            check_origin(self.cors)
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
            try:
                self.front = _Front(self.port, self.timeout, self.cors, self.description)
            except OSError as error:
                raise InputError(f"cannot serve on 127.0.0.1:{self.port}: {error.strerror or error}") from None
            inner = _free_port()
            self.front.inner_port = inner
            command = [binary, "serve-read-only", "--location", str(store), "--bind", f"127.0.0.1:{inner}"]
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
            self._wait_until_ready(inner)
            threading.Thread(target=self.front.serve_forever, name="policygraph-front", daemon=True).start()
        except BaseException:
            self.stop()
            raise
        return self

    def _wait_until_ready(self, port: int) -> None:
        deadline = time.monotonic() + self.startup_seconds
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                error = self.process.stderr.read() if self.process.stderr else ""
                raise InputError(f"cannot serve on 127.0.0.1:{self.port}: {_last_line(error) or 'the server exited'}")
            if _port_open(port):
                return
            time.sleep(0.05)
        raise InputError(f"the server did not start on 127.0.0.1:{self.port} within {self.startup_seconds:g} s")

    def wait(self) -> int:
        """Block until the server exits; its exit code."""
        return self.process.wait() if self.process else 0

    def stop(self) -> None:
        """Stop the server (if running) and delete the temporary store."""
        if self.front is not None:
            if self.front.serving:
                self.front.shutdown()
            self.front.server_close()
            self.front = None
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


class _Front(ThreadingHTTPServer):
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
    server: _Front
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
        refusal = _refusal(self.path, self.headers.get("Content-Type") or "", body)
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


def _refusal(path: str, content_type: str, body: bytes) -> str | None:
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


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


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


_SERVE_PREFIX = "policygraph-serve-"


def _remove_stale_serve_folders() -> None:
    """Delete the temporary stores of ``serve`` runs that were killed (``policygraph-serve-PID-*``, PID gone)."""
    from policygraph.output import process_running

    pattern = re.compile(re.escape(_SERVE_PREFIX) + r"([0-9]+)-")
    root = Path(tempfile.gettempdir())
    try:
        names = os.listdir(root)
    except OSError:
        return
    for name in names:
        match = pattern.match(name)
        if match and not process_running(int(match.group(1))):
            shutil.rmtree(root / name, ignore_errors=True)
