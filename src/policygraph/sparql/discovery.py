"""The dataset's VoID description at its well-known address, in the RDF format a client asks for.

The VoID specification (§7.2, "Discovery via well-known URI") says a client finds the description of
the datasets a host publishes at ``/.well-known/void``. ``serve``'s front answers that path with
``answer_void``: the description it was given (``graph.void.dataset_description``, naming the served
endpoint as ``void:sparqlEndpoint``), as Turtle unless the ``Accept`` header prefers N-Triples,
JSON-LD or RDF/XML.
"""

from __future__ import annotations

import urllib.parse

from rdflib import Graph

__all__ = ["VOID_PATH", "VOID_FORMATS", "is_void_path", "negotiate", "answer_void"]

VOID_PATH = "/.well-known/void"
"""Where a host publishes the VoID description of its datasets (VoID §7.2)."""

VOID_FORMATS = {
    "text/turtle": "turtle",
    "application/n-triples": "nt",
    "application/ld+json": "json-ld",
    "application/rdf+xml": "xml",
}
"""Media type → rdflib format of each way the description is offered; the first is the default."""


def is_void_path(path: str) -> bool:
    """Whether a request target (path and query) asks for the VoID description."""
    return urllib.parse.urlsplit(path).path == VOID_PATH


def negotiate(accept: str, offered: list[str]) -> str | None:
    """The media type of ``offered`` that an HTTP ``Accept`` header ranks highest (ties: ``offered``'s order), or None.

    Each offered type takes the quality of the most specific range that matches it (``type/subtype``,
    then ``type/*``, then ``*/*``); ``q=0`` refuses it, and a type no range matches is refused.
    """
    ranges = []
    for part in accept.split(","):
        media, *params = (piece.strip() for piece in part.split(";"))
        quality = 1.0
        for param in params:
            name, _, value = param.partition("=")
            if name.strip().lower() == "q":
                try:
                    quality = float(value)
                except ValueError:
                    quality = 0.0
        if media:
            ranges.append((media.lower(), quality))

    def quality_of(candidate: str) -> float:
        best, specificity = 0.0, -1
        for media, quality in ranges:
            level = {candidate: 2, candidate.split("/")[0] + "/*": 1, "*/*": 0}.get(media, -1)
            if level > specificity:
                best, specificity = quality, level
        return best

    quality, _, chosen = max((quality_of(candidate), -index, candidate) for index, candidate in enumerate(offered))
    return chosen if quality > 0 else None


def answer_void(description: Graph | None, accept: str | None) -> tuple[int, str, bytes]:
    """The HTTP answer to a request for ``description``: (status, Content-Type, body).

    200 with the description in the negotiated format; 404 when there is no description; 406 when
    ``accept`` admits none of ``VOID_FORMATS``.
    """
    if description is None:
        return 404, "text/plain; charset=utf-8", b"this server has no VoID description\n"
    media_type = negotiate(accept or "*/*", list(VOID_FORMATS))
    if media_type is None:
        offered = ", ".join(VOID_FORMATS)
        return 406, "text/plain; charset=utf-8", f"the VoID description is available as {offered}\n".encode()
    return 200, f"{media_type}; charset=utf-8", description.serialize(format=VOID_FORMATS[media_type], encoding="utf-8")
