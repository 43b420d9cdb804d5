"""Serving a graph: Oxigraph's read-only server on 127.0.0.1, behind a front that refuses SERVICE.

The ``oxigraph serve-read-only`` program has no option to turn off ``SERVICE`` (its options are the
store, the address, CORS, the union default graph and a timeout), so a served graph would fetch
from any endpoint a client names, and ``serve`` would be a proxy onto the machine's network. The
server therefore listens on a private port, and the address users get is a small HTTP front
(``front.Front``) that checks every query a request carries, as the local commands do, and forwards
only those it allows. Oxigraph's own ``--cors`` would allow every origin: the front decides.
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
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

from rdflib import Graph

from policygraph.errors import ConfigError, InputError
from policygraph.sparql.front import Front, check_origin

__all__ = ["OxigraphServer", "oxigraph_binary", "check_origin"]


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

    front: Front | None = field(default=None, init=False)

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
                self.front = Front(self.port, self.timeout, self.cors, self.description)
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
