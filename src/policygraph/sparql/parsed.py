"""What the parse of each named query found, kept in the cache folder between processes.

The full parse of a query (``query.parse_query``: rdflib's SPARQL grammar, then the checks) costs
more than the rest of a warm ``query NAME`` command put together. A named query's text changes only
with the package (or an edit in a checkout), so its parse is kept under a hash of the text, its path
and policygraph's version: a changed file has another hash and is parsed (and checked) again. Only
queries that passed every check are kept; an unwritable cache folder just means parsing each time.
"""

from __future__ import annotations

import hashlib
import json
from importlib import metadata
from pathlib import Path

from policygraph.errors import PolicygraphError

__all__ = ["keep", "kept"]


def kept(text: str, origin: str, name: str) -> dict | None:
    """The fields of the ``SparqlQuery`` kept for this text, or None (never kept, or unreadable)."""
    path = _path(text, origin, name)
    try:
        return json.loads(path.read_text(encoding="utf-8")) if path is not None else None
    except (OSError, ValueError):
        return None


def keep(text: str, origin: str, name: str, fields: dict) -> None:
    """Keep the fields of a checked ``SparqlQuery`` (its text left out) for the next process."""
    path = _path(text, origin, name)
    if path is None:
        return
    try:
        from policygraph.output import write_atomic

        path.parent.mkdir(parents=True, exist_ok=True)
        write_atomic(path, json.dumps(fields, ensure_ascii=False))
    except (OSError, PolicygraphError):
        pass  # a read-only or full cache folder: parse again next time


def _path(text: str, origin: str, name: str) -> Path | None:
    from policygraph.graph.cache import QUERY_CACHE, cache_dir

    try:
        version = metadata.version("policygraph")
    except metadata.PackageNotFoundError:  # run from a source tree without installing: parse every time
        return None
    key = hashlib.sha256(f"{version}\0{origin}\0{name}\0{text}".encode()).hexdigest()[:32]
    return cache_dir() / QUERY_CACHE / f"{key}.json"
