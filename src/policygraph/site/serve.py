"""Preview a built site on 127.0.0.1 with the standard library's HTTP server (read-only, this machine only)."""

from __future__ import annotations

from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from policygraph.errors import ConfigError

__all__ = ["site_server"]


class _SiteServer(ThreadingHTTPServer):
    request_queue_size = 128  # a browser opens several connections at once; socketserver's backlog is 5



def site_server(folder: str | Path, port: int = 8000) -> ThreadingHTTPServer:
    """A server for ``folder`` on ``127.0.0.1:port`` (0: any free port); call ``serve_forever()`` on it.

    Raises:
        ConfigError: the port is taken or not allowed.
    """
    handler = partial(SimpleHTTPRequestHandler, directory=str(folder))
    try:
        return _SiteServer(("127.0.0.1", port), handler)
    except OSError as error:
        raise ConfigError(f"cannot listen on 127.0.0.1:{port}: {error.strerror or error}", hint="choose another --port") from None
