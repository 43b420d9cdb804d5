"""A report's numbered sources list: every source a quote points to, numbered in the order the report quotes them.

The fields of every cited source are read with one query (``queries/trace-sources.rq``); a citation
that gives a URL instead of a source is listed under the source record with that URL where there is
one, so the same document is one entry whether it is cited by id or by address.
"""

from __future__ import annotations

from dataclasses import replace

from rdflib.term import Node

from policygraph.graph.handle import LoadedGraph
from policygraph.graph.labels import local_id, node_for_id
from policygraph.records.canonical import web_iri
from policygraph.tracing.model import CitationRef, Engagement, SourceEntry
from policygraph.tracing.rules import run_for_each

__all__ = ["number_sources", "citation_numbers"]


def number_sources(
    loaded: LoadedGraph, engagements: list[Engagement], known: dict[str, tuple | None]
) -> tuple[list[Engagement], list[SourceEntry]]:
    """The engagements with every citation numbered, and the sources list those numbers point to.

    Numbers follow the report's order: each engagement's reasons, then its reservations and
    declarations, then who raised it. ``known`` keeps the records read already (key -> record, None
    for none), across the traces of one inverse trace.
    """
    keys = list(dict.fromkeys(c.source for e in engagements for c in _citations_in_order(e)))
    unread = [key for key in keys if key not in known]
    found = _records(loaded, unread)
    known.update((key, found.get(key)) for key in unread)
    records = {key: known[key] for key in keys if known[key] is not None}
    identity = {key: records[key][0] if key in records else key for key in keys}  # the source record, else the URL
    numbers: dict[str, int] = {}
    entries = []
    for key in keys:
        if identity[key] not in numbers:  # listed at its first citation, by id or by URL
            numbers[identity[key]] = len(numbers) + 1
            entries.append(_entry(numbers[identity[key]], key, records.get(key)))

    def numbered(citations: list[CitationRef]) -> list[CitationRef]:
        return [replace(c, number=numbers[identity[c.source]]) for c in citations]

    numbered_engagements = [
        replace(
            e,
            reasons=[replace(r, citations=numbered(r.citations)) for r in e.reasons],
            statements=[replace(s, citations=numbered(s.citations)) for s in e.statements],
            raised_by=[replace(r, citations=numbered(r.citations)) for r in e.raised_by],
        )
        for e in engagements
    ]
    return numbered_engagements, entries


def citation_numbers(citations: list[CitationRef]) -> str:
    """``[2]`` or ``[2, 5]``: the sources list entries a line's citations point to ("" for none)."""
    numbers = sorted({c.number for c in citations if c.number is not None})
    return f"[{', '.join(str(n) for n in numbers)}]" if numbers else ""


def _citations_in_order(e: Engagement) -> list[CitationRef]:
    return [
        *(c for r in e.reasons for c in r.citations),
        *(c for s in e.statements for c in s.citations),
        *(c for r in e.raised_by for c in r.citations),
    ]


def _records(loaded: LoadedGraph, keys: list[str]) -> dict[str, tuple]:
    """For each key that names a source record (by id, or by its URL): (record id, row of ``trace-sources``)."""
    nodes: dict[Node, str] = {}
    for key in keys:
        node = web_iri(key) if "://" in key else node_for_id(key)
        nodes[node] = key
    found: dict[str, tuple] = {}
    for row in run_for_each(loaded, "trace-sources", "key", list(nodes)):
        key = nodes.get(row.key)
        if key is not None and row.source is not None and key not in found:  # rows come sorted: the first record wins
            found[key] = (local_id(row.source), row)
    return found


def _entry(number: int, key: str, record: tuple | None) -> SourceEntry:
    if record is None:  # a page cited by its URL alone (or an id with no record, which validate reports)
        url = key if "://" in key else None
        return SourceEntry(number, None if url else key, None, None, None, None, url, None, None)
    source_id, row = record
    return SourceEntry(
        number=number,
        id=source_id,
        title=_field(row.title),
        publisher=_field(row.publisher),
        date=_field(row.day),
        symbol=_field(row.symbol),
        url=_field(row.address) or (key if "://" in key else None),
        file=_field(row.localFile),
        coverage=_field(row.recorded),
    )


def _field(value: Node | None) -> str | None:
    """A column of ``trace-sources`` as text, None where the source records nothing ("")."""
    return str(value) if value is not None and str(value) else None
