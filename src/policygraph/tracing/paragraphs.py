"""Merging a paragraph into its article's entry, so that a trace lists CRC Art. 9 once, naming 9(1).

A paragraph provision (``within: crc-art-9``) concerns much the same practices and groups as its
article, so both are often engaged for the same reasons; two entries would repeat them. Where the
article is engaged too, the paragraph's reasons join the article's entry, except those that only
repeat one of the article's (same kind, same parts of the policy, same path up to the provision).
A paragraph engaged without its article keeps an entry of its own: it is the more precise answer.
"""

from __future__ import annotations

from rdflib.term import Node

from policygraph.graph.handle import LoadedGraph
from policygraph.terms import PG
from policygraph.tracing.model import Reason

__all__ = ["merge_paragraphs"]


def merge_paragraphs(loaded: LoadedGraph, by_provision: dict[Node, list[Reason]]) -> dict[Node, tuple[list[Reason], list[Node]]]:
    """Each entry's provision -> (its reasons, the paragraphs merged into it), in ``by_provision``'s order."""
    graph = loaded.graph
    article_of = {p: graph.value(p, PG.withinProvision) for p in by_provision}
    entries = {p: (list(reasons), []) for p, reasons in by_provision.items() if article_of[p] not in by_provision}
    for paragraph, reasons in by_provision.items():
        if paragraph in entries:
            continue
        entry_reasons, paragraphs = entries[article_of[paragraph]]
        paragraphs.append(paragraph)
        seen = {_same(r) for r in entry_reasons}
        entry_reasons += [r for r in reasons if _same(r) not in seen]
    return entries


def _same(reason: Reason) -> tuple:
    """What makes two reasons one: all but the provision at the end of the path (the explanation names it)."""
    return (reason.kind, tuple(reason.subjects), tuple(reason.path[:-1]))
