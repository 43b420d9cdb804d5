"""What a trace cannot see: the gaps of the data around a policy, computed from the graph, never typed.

The rules are ``queries/trace-coverage.rq`` (about the policy and its state) and
``queries/trace-coverage-treaty.rq`` (about each engaged treaty's monitoring body); a source the
report cites that the data records only in part is read from the sources list, itself from the graph.
"""

from __future__ import annotations

from rdflib.term import Node

from policygraph.graph.handle import LoadedGraph
from policygraph.graph.labels import local_id
from policygraph.tracing.model import Gap, SourceEntry
from policygraph.tracing.rules import label, run, run_for_each, text

__all__ = ["cannot_see"]

_NAMED = 5  # treaties without provisions named in the report; the JSON lists them all


def cannot_see(
    loaded: LoadedGraph, policy: Node, state: Node, state_label: str, treaties: list[Node], sources: list[SourceEntry],
    treaty_rows: dict[tuple, list], rows: list | None = None,
) -> list[Gap]:
    """The gaps to tell a reader: reviews without recommendations, partly recorded documents, no cited
    engagement, treaties with no provision recorded (in that order).

    ``treaty_rows`` (``SharedReads.treaty_gaps``) keeps the treaties' rows across the traces of one inverse
    trace, whose policies mostly engage the same treaties in the same state; ``rows`` are the policy's rows
    of ``trace-coverage`` where read already (the inverse trace reads every policy's in one query).
    """
    reviews: dict[Node, Gap] = {}
    partial: dict[str, Gap] = {}
    key = (tuple(treaties), state)
    if key not in treaty_rows:  # one query for every treaty
        treaty_rows[key] = run_for_each(loaded, "trace-coverage-treaty", "treaty", treaties, state=state)
    for row in treaty_rows[key]:
        if str(row.kind) == "review-without-recommendations":
            reviews.setdefault(row.item, _review(row, state_label))
        else:
            partial.setdefault(local_id(row.item), _partial(label(row, "item"), text(row.symbol), text(row.date), local_id(row.item)))
    for entry in sources:
        if entry.coverage == "partial" and entry.id:
            partial.setdefault(entry.id, _partial(entry.title or entry.id, entry.symbol, entry.date, entry.id))
    gaps = [*reviews.values(), *sorted(partial.values(), key=lambda g: g.ids)]
    rows = run(loaded, "trace-coverage", policy=policy, state=state) if rows is None else rows
    if any(str(row.kind) == "no-cited-engagement" for row in rows):
        gaps.append(Gap(
            "no-cited-engagement",
            "No cited engagement for this policy: no source in the data argues that it, or a feature of it, engages a treaty provision.",
            [local_id(policy)],
        ))
    empty = [row for row in rows if str(row.kind) == "treaty-without-provisions"]
    if empty:
        names = "; ".join(label(row, "item") for row in empty[:_NAMED])
        if len(empty) > _NAMED:  # the whole list is in the JSON ids and one query away; the report names a few
            names += (f"; and {len(empty) - _NAMED} more (`policygraph query trace-coverage --param policy={local_id(policy)}"
                      f" --param state={local_id(state)}` lists them)")
        count = f"{len(empty)} treaties" if len(empty) > 1 else "a treaty"
        gaps.append(Gap(
            "treaty-without-provisions",
            f"{state_label} is party to {count} with no provision recorded, which nothing can engage: {names}.",
            [local_id(row.item) for row in empty],
        ))
    return gaps


def _review(row, state_label: str) -> Gap:  # noqa: ANN001 - a rule row
    what = ", ".join(part for part in (text(row.symbol), text(row.date)) if part)
    return Gap(
        "review-without-recommendations",
        f"A review of {state_label} by the {label(row, 'body')}{f' ({what})' if what else ''} is recorded only as an event: "
        "none of its recommendations is in the data.",
        [local_id(row.item)],
    )


def _partial(title: str, symbol: str | None, date: str | None, source_id: str) -> Gap:
    what = ", ".join(part for part in (symbol if symbol and symbol not in title else None, date) if part)
    return Gap(
        "partial-source",
        f"\u201c{title}\u201d{f' ({what})' if what else ''} is recorded only in part: paragraphs the data lacks cannot show here.",
        [source_id],
    )
