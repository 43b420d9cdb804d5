"""Credentials for secured endpoints and Graph Stores: read from the environment or ~/.netrc, never from a command line.

A secret on a command line is visible to every user of the machine (``ps``) and stays in shell
histories, so ``push`` and ``--endpoint`` take none; they read, in this order:

1. ``POLICYGRAPH_ENDPOINT_TOKEN``: a bearer token, sent as ``Authorization: Bearer ...``;
2. ``POLICYGRAPH_ENDPOINT_USER`` and ``POLICYGRAPH_ENDPOINT_PASSWORD``: a user name and password;
3. the ``machine`` entry of ``~/.netrc`` for the URL's host (login and password).

A user name and password are only sent when the server asks for them (a 401 answer to a probe
without a body), in the scheme it asks for: HTTP Basic (Oxigraph behind a proxy, most gateways) or
Digest (Virtuoso's ``/sparql-graph-crud-auth`` and ``/sparql-auth``). Probing first, rather than
answering the 401 of the real request, matters for ``push``: a server that refuses a request closes
the connection without reading a large body, and the upload dies with a broken pipe. A token is sent with every request, and never
follows a redirect. No message ever contains a secret: ``EndpointAuth`` hides them from ``repr``, and
the errors name the variables or the file, not their contents.
"""

from __future__ import annotations

import base64
import netrc
import os
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from policygraph.errors import ConfigError, InputError
from policygraph.model import Location

__all__ = ["EndpointAuth", "auth_from_environment", "authorize", "refused", "TOKEN_VARIABLE", "USER_VARIABLE", "PASSWORD_VARIABLE"]

TOKEN_VARIABLE = "POLICYGRAPH_ENDPOINT_TOKEN"
USER_VARIABLE = "POLICYGRAPH_ENDPOINT_USER"
PASSWORD_VARIABLE = "POLICYGRAPH_ENDPOINT_PASSWORD"


@dataclass(frozen=True)
class EndpointAuth:
    """How to authenticate to a server: a user name and password, or a bearer token, or nothing.

    ``EndpointAuth()`` (no credentials) turns off the look-up in the environment and ~/.netrc.
    """

    user: str | None = None
    password: str | None = field(default=None, repr=False)
    token: str | None = field(default=None, repr=False)
    source: str = "given"  # where the credentials came from, for messages (a variable's or file's name)

    def __post_init__(self) -> None:
        if self.token is not None and self.user is not None:
            raise ConfigError("give a user name and password or a token, not both")
        if (self.user is None) != (self.password is None):
            raise ConfigError("a user name needs a password (and a password a user name)")
        for value in (self.user, self.password, self.token):
            if value is not None and (not value or any(c in value for c in "\r\n\0")):
                raise ConfigError(f"credentials from {self.source} are empty or hold a line break")

    @property
    def given(self) -> bool:
        """True when there is something to send."""
        return self.token is not None or self.user is not None

    def authorization(self, request: urllib.request.Request, challenges: list[str]) -> str | None:
        """The ``Authorization`` value for ``request``: the token, or the answer to the server's challenge.

        ``challenges`` are the ``WWW-Authenticate`` headers of the server's 401 answer to a probe (see
        ``remote``): the password is sent only in a scheme the server asked for, Digest before Basic.
        None when there is nothing to send or no challenge it can answer.
        """
        if self.token is not None:
            return f"Bearer {self.token}"
        if self.user is None:
            return None
        offered = {}
        for challenge in challenges:
            scheme, _, rest = challenge.strip().partition(" ")
            offered.setdefault(scheme.lower(), rest)
        if "digest" in offered:
            passwords = urllib.request.HTTPPasswordMgrWithDefaultRealm()
            passwords.add_password(None, request.full_url, self.user, self.password)
            fields = urllib.request.parse_keqv_list(filter(None, urllib.request.parse_http_list(offered["digest"])))
            answer = urllib.request.HTTPDigestAuthHandler(passwords).get_authorization(request, fields)
            return None if answer is None else f"Digest {answer}"
        if "basic" in offered:
            return "Basic " + base64.b64encode(f"{self.user}:{self.password}".encode("utf-8")).decode("ascii")
        return None


def auth_from_environment(url: str, environ: Mapping[str, str] | None = None) -> EndpointAuth:
    """The credentials for ``url``: from the environment variables, else ~/.netrc, else none.

    Raises:
        ConfigError: the variables are incomplete or contradictory, or ~/.netrc cannot be read.
    """
    environ = os.environ if environ is None else environ
    token = environ.get(TOKEN_VARIABLE)
    user, password = environ.get(USER_VARIABLE), environ.get(PASSWORD_VARIABLE)
    if token is not None:
        if user is not None:
            raise ConfigError(f"both {TOKEN_VARIABLE} and {USER_VARIABLE} are set", hint="unset one of them")
        return EndpointAuth(token=token, source=TOKEN_VARIABLE)
    if user is not None or password is not None:
        if user is None or password is None:
            missing = USER_VARIABLE if user is None else PASSWORD_VARIABLE
            raise ConfigError(f"{missing} is not set", hint=f"set both {USER_VARIABLE} and {PASSWORD_VARIABLE}")
        return EndpointAuth(user=user, password=password, source=f"{USER_VARIABLE} and {PASSWORD_VARIABLE}")
    return _from_netrc(url, environ)


def _from_netrc(url: str, environ: Mapping[str, str]) -> EndpointAuth:
    home = environ.get("HOME")
    path = Path(home if home else os.path.expanduser("~")) / ".netrc"
    if not path.is_file():
        return EndpointAuth(source=str(path))
    try:
        entry = netrc.netrc(str(path)).authenticators(urllib.parse.urlsplit(url).hostname or "")
    except netrc.NetrcParseError as error:
        # its message can quote the file's tokens, passwords among them: give the line only
        raise ConfigError("cannot read the file (a syntax error, or it is readable by others)", Location(str(path), error.lineno)) from None
    except OSError as error:
        raise ConfigError(f"cannot read the file: {error.strerror or error}", Location(str(path))) from None
    if entry is None or not entry[0]:
        return EndpointAuth(source=str(path))
    login, _, password = entry
    return EndpointAuth(user=login, password=password or "", source=str(path))


_PROBE_BYTES = 1 << 16
"""Requests with a larger body are preceded by a bodiless probe even without credentials (see ``authorize``)."""


def authorize(
    opener: urllib.request.OpenerDirector, request: urllib.request.Request, auth: EndpointAuth, remaining: Callable[[], float | None]
) -> None:
    """Add the ``Authorization`` header to ``request``, after bodiless HEAD probes where they are needed.

    A server that refuses a request closes the connection without reading its body, so a large
    upload to a secured store would die with a broken pipe rather than a 401. Hence, before a user
    name and password are sent (only if the server asks, in its scheme) or a large body at all,
    probes learn whether the server asks and, with the credentials, whether it accepts them:
    a refusal raises the 401 (``HTTPError``) before the body is sent. A token goes as it is.
    """
    if auth.token is not None:
        request.add_unredirected_header("Authorization", auth.authorization(request, []))
        return
    if auth.user is None and len(request.data or b"") <= _PROBE_BYTES:
        return
    challenges = _challenges(opener, _head(request), remaining)
    if not challenges:
        return
    if auth.user is None:  # asked for credentials and has none: the 401 now, not a broken pipe later
        raise urllib.error.HTTPError(request.full_url, 401, "Unauthorized", None, None)
    check = _head(request)
    value = auth.authorization(check, challenges)
    if value is None:
        return  # no scheme it can answer: the request goes without, and the server says 401
    check.add_unredirected_header("Authorization", value)
    _challenges(opener, check, remaining, raise_401=True)
    value = auth.authorization(request, _challenges(opener, _head(request), remaining))  # a fresh Digest nonce
    if value is not None:
        request.add_unredirected_header("Authorization", value)


def _head(request: urllib.request.Request) -> urllib.request.Request:
    """A bodiless HEAD request to the URL of ``request``, with its User-Agent."""
    return urllib.request.Request(request.full_url, method="HEAD", headers={"User-Agent": request.get_header("User-agent") or ""})


def _challenges(
    opener: urllib.request.OpenerDirector, probe: urllib.request.Request, remaining: Callable[[], float | None], raise_401: bool = False
) -> list[str]:
    """The ``WWW-Authenticate`` challenges of the HEAD request ``probe`` (none if it is not refused; or raise the 401)."""
    try:
        with opener.open(probe, timeout=remaining()):
            return []
    except urllib.error.HTTPError as error:
        if error.code == 401 and raise_401:
            raise
        return (error.headers.get_all("WWW-Authenticate") or []) if error.code == 401 else []


def refused(what: str, url: str, code: int, auth: EndpointAuth) -> InputError:
    """The error for a 401 or 403: which credentials were tried (by source, never their value)."""
    verdict = "refused the credentials" if code == 401 else "did not allow the request"
    if not auth.given:
        return InputError(
            f"{what} {url} asks for credentials ({code})",
            hint=f"set {USER_VARIABLE} and {PASSWORD_VARIABLE}, or {TOKEN_VARIABLE}, or add the host to ~/.netrc",
        )
    return InputError(f"{what} {url} {verdict} from {auth.source} ({code})")
