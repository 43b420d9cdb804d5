"""Obligation tracing: which treaty provisions a policy engages, why, and whether the state is bound.

The matching rules are SPARQL files in ``queries/trace-*.rq`` (readable and reusable with
``policygraph query``), run by ``rules``; ``evidence`` turns their rows into reasons, and this
module assembles a ``Trace`` (``model``): one entry per provision, ranked by strength (cited >
practice > status > group), each with its reasons, the state's binding status on the as-of date,
its reservations and declarations, and who raised the issue. ``trace_provision`` answers the
inverse question.
"""

from __future__ import annotations

import calendar
import datetime as _dt
import re
from types import SimpleNamespace

from rdflib import Literal, URIRef
from rdflib.term import Node

from policygraph.errors import ConfigError, InputError
from policygraph.graph.describe import brief_of
from policygraph.graph.handle import LoadedGraph
from policygraph.graph.labels import label_of, local_id, node_for_id, word_of
from policygraph.terms import PG, RDF, RDFS, SKOS
from policygraph.tracing.binding import binding_status
from policygraph.tracing.coverage import cannot_see
from policygraph.tracing.evidence import RaisedItems, citations, cited_reasons, inferred_reasons
from policygraph.tracing.model import (
    DEFAULT_MIN_STRENGTH,
    STRENGTHS,
    Binding,
    ContextItem,
    Engagement,
    ProvisionTrace,
    Reason,
    Statement,
    Trace,
)
from policygraph.tracing.paragraphs import merge_paragraphs
from policygraph.tracing.rules import label, run, run_for_each, text
from policygraph.tracing.shared import SharedReads, state_of
from policygraph.tracing.sources import number_sources

__all__ = ["trace_policy", "trace_provision"]

_POLICY_DATES = (
    ("proposed", PG.proposed),
    ("approved", PG.approved),
    ("enacted", PG.enacted),
    ("promulgated", PG.promulgated),
    ("in force", PG.entryIntoForce),
    ("started", PG.started),
    ("withdrawn", PG.withdrawn),
    ("ended", PG.ended),
)


def trace_policy(
    loaded: LoadedGraph,
    policy_id: str,
    *,
    as_of: str | None = None,
    treaties: tuple[str, ...] = (),
    min_strength: str = DEFAULT_MIN_STRENGTH,
    provisions: tuple[str, ...] = (),
) -> Trace:
    """Trace the treaty obligations a policy engages.

    Args:
        loaded: the graph handle (``load_graph``, ``open_store``).
        policy_id: the policy's id.
        as_of: the date to judge binding status on (YYYY, YYYY-MM or YYYY-MM-DD; a year or month means its
            last day); default today for a policy still in place, the last date of a bill or an ended policy.
        treaties: keep only provisions of these treaty ids.
        min_strength: weakest evidence kept: cited, practice, status or group; the provisions engaged only by
            weaker evidence are counted in ``Trace.weaker``.
        provisions: keep only these provision ids (used by the inverse trace).

    Raises:
        ConfigError: unknown policy or treaty id, or bad option values.
    """
    return _trace(loaded, policy_id, as_of, treaties, min_strength, provisions, SharedReads(loaded))


def _trace(
    loaded: LoadedGraph,
    policy_id: str,
    as_of: str | None,
    treaties: tuple[str, ...],
    min_strength: str,
    provisions: tuple[str, ...],
    shared: SharedReads,
) -> Trace:
    graph = loaded.graph
    policy = _require(loaded, policy_id, PG.Policy, "policy")
    for treaty in treaties:
        _require(loaded, treaty, PG.Treaty, "treaty")
    if min_strength not in STRENGTHS:
        raise ConfigError(f"unknown strength {min_strength!r}", hint="one of: " + ", ".join(STRENGTHS))
    state = state_of(loaded, policy)
    policy_label, state_label = label_of(graph, policy), shared.label(loaded, state)
    dates = {name: str(day) for name, p in _POLICY_DATES if (day := graph.value(policy, p)) is not None}
    status = word_of(graph, graph.value(policy, PG.status))
    is_bill = (policy, RDF.type, PG.Bill) in graph
    ended = is_bill or status in _ENDED_STATUSES or "withdrawn" in dates or "ended" in dates
    as_of_day, basis = _as_of(as_of, dates, ended)
    names: dict[Node, str] = {policy: policy_label}
    raised = RaisedItems(loaded, policy, shared=shared.raised)
    reasons = (cited_reasons(loaded, policy, names, raised, shared.rows_of("trace-cited", policy))
               + inferred_reasons(loaded, policy, names, shared.rows_of("trace-inferred", policy)))
    allowed = STRENGTHS[: STRENGTHS.index(min_strength) + 1]
    by_provision: dict[Node, list[Reason]] = {}
    for provision, reason in reasons:
        if not provisions or local_id(provision) in provisions:
            by_provision.setdefault(provision, []).append(reason)
    engagements, weaker = [], {}
    merged = merge_paragraphs(loaded, by_provision)
    facts_of = shared.facts(loaded, list(merged))  # one query, not one per provision
    raised.read(merged)  # who raised each: one query, not one per provision
    for provision, (provision_reasons, paragraphs) in merged.items():
        facts = facts_of[provision]
        if treaties and (facts.treaty is None or local_id(facts.treaty) not in treaties):
            continue
        shown = [r for r in provision_reasons if r.kind in allowed]
        if not shown:
            strongest = min((r.kind for r in provision_reasons), key=STRENGTHS.index)
            weaker[strongest] = weaker.get(strongest, 0) + 1
            continue
        key = (facts.treaty, facts.binding != Literal(False), state, state_label, as_of_day)
        if key not in shared.bindings:  # the same for every provision of a treaty
            shared.bindings[key] = binding_status(loaded, *key)
        engagement = _engagement(loaded, provision, facts, shown, shared.bindings[key], state, raised, shared)
        engagement.paragraphs = [(local_id(p), names.get(p) or label_of(graph, p)) for p in paragraphs]
        engagements.append(engagement)
    engagements.sort(key=_rank)
    engagements, sources = number_sources(loaded, engagements, shared.sources)
    treaty_nodes = list(dict.fromkeys(node_for_id(e.treaty) for e in engagements if e.treaty))
    gaps = cannot_see(loaded, policy, state, state_label, treaty_nodes, sources, shared.treaty_gaps, shared.rows_of("trace-coverage", policy))
    return Trace(
        policy=policy_id,
        policy_label=policy_label,
        policy_type=_type_label(loaded, policy, shared),
        status=status,
        dates=dates,
        state=local_id(state),
        state_label=state_label,
        as_of=as_of_day.isoformat(),
        as_of_basis=basis,
        engagements=engagements,
        context=_context(loaded, policy, shared),
        filters={"treaties": list(treaties), "min_strength": min_strength},
        cannot_see=gaps,
        sources=sources,
        weaker={kind: weaker[kind] for kind in STRENGTHS if kind in weaker},
    )


def trace_provision(
    loaded: LoadedGraph, target_id: str, *, as_of: str | None = None, min_strength: str = DEFAULT_MIN_STRENGTH
) -> ProvisionTrace:
    """The policies that engage a provision — or, given a treaty id, any of its provisions.

    Raises:
        ConfigError: the id is neither a provision nor a treaty.
    """
    graph = loaded.graph
    target = node_for_id(target_id)
    if (target, RDF.type, PG.Treaty) in graph:
        provisions = sorted(graph.subjects(PG.partOf, target), key=str)
    else:
        target = _require(loaded, target_id, PG.Provision, "provision or treaty")
        provisions = [target] + sorted(graph.subjects(PG.withinProvision, target), key=str)
    allowed = STRENGTHS[: STRENGTHS.index(min_strength) + 1] if min_strength in STRENGTHS else None
    if allowed is None:
        raise ConfigError(f"unknown strength {min_strength!r}", hint="one of: " + ", ".join(STRENGTHS))
    strongest: dict[Node, str] = {}
    names: dict[Node, str] = {}
    for row in run_for_each(loaded, "trace-engaging-policies", "provision", provisions):  # one query for every provision
        names[row.policy] = label(row, "policy")
        kind, current = str(row.kind), strongest.get(row.policy)
        if kind in allowed and (current is None or STRENGTHS.index(kind) < STRENGTHS.index(current)):
            strongest[row.policy] = kind
    ids = tuple(local_id(p) for p in provisions)
    ordered = sorted(strongest, key=lambda p: (STRENGTHS.index(strongest[p]), names[p]))
    shared = SharedReads(loaded)
    shared.read_rules(loaded, ordered, provisions)
    shared.facts(loaded, provisions)
    shared.raised.read(provisions)  # every item raising the provisions, in one query
    traces = [_trace(loaded, local_id(p), as_of, (), min_strength, ids, shared) for p in ordered]
    return ProvisionTrace(
        target=target_id,
        target_label=label_of(graph, target),
        policies=[(local_id(p), names[p], strongest[p]) for p in ordered],
        traces=[t for t in traces if t.engagements],
        raised_by=[] if (target, RDF.type, PG.Treaty) in graph else list(shared.raised.at(target).values()),
    )


# -- one provision ---------------------------------------------------------------------------------


def _engagement(
    loaded: LoadedGraph, provision: Node, facts: SimpleNamespace, reasons: list[Reason], binding: Binding, state: Node, raised: RaisedItems,
    shared: SharedReads,
) -> Engagement:
    """One engaged provision: ``facts`` is its ``trace-provision`` row, ``reasons`` why it is engaged."""
    unique = list({(r.kind, tuple(r.subjects), tuple(r.path), r.explanation): r for r in reasons}.values())
    unique.sort(key=lambda r: (STRENGTHS.index(r.kind), r.path, r.subjects))
    treaty = facts.treaty
    return Engagement(
        provision=local_id(provision),
        provision_label=label(facts, "provision"),
        article=text(facts.article),
        summary=text(facts.summary),
        treaty=local_id(treaty) if treaty is not None else "",
        treaty_label=label(facts, "treaty") if treaty is not None else "",
        strength=unique[0].kind,
        reasons=unique,
        binding=binding,
        statements=_statements(loaded, provision, state, shared.statements),
        raised_by=list(raised.at(provision).values()),
        raised_elsewhere=raised.others(provision),
    )


def _statements(loaded: LoadedGraph, provision: Node, state: Node, known: dict[tuple[Node, Node], list[Statement]]) -> list[Statement]:
    """The state's reservations and declarations on the provision, its article or its paragraphs (``known``: those read already)."""
    if (provision, state) not in known:
        known[provision, state] = _read_statements(loaded, provision, state)
    return known[provision, state]


def _read_statements(loaded: LoadedGraph, provision: Node, state: Node) -> list[Statement]:
    return [
        Statement(
            id=local_id(row.statement),
            kind="reservation" if row.kind == PG.Reservation else "declaration",
            provision=local_id(row.modified),
            text=text(row.text),
            effect=text(row.effect),
            withdrawn=text(row.withdrawn),
            citations=citations(loaded, row.statement),
        )
        for row in run(loaded, "trace-reservations", state=state, provision=provision)
    ]


def _context(loaded: LoadedGraph, policy: URIRef, shared: SharedReads) -> list[ContextItem]:
    """Positions, amendments, successors and statistics around the policy, each with a one-line brief."""
    items, briefs = [], shared.briefs
    rows = shared.rows_of("trace-context", policy)
    for row in run(loaded, "trace-context", policy=policy) if rows is None else rows:
        if row.item not in briefs:
            briefs[row.item] = brief_of(loaded, row.item)
        items.append(ContextItem(str(row.relation), local_id(row.item), label(row, "item"), (briefs[row.item] or text(row.itemType) or "").strip()))
    return items


# -- helpers -------------------------------------------------------------------------------------


def _require(loaded: LoadedGraph, identifier: str, cls: URIRef, what: str) -> URIRef:
    graph = loaded.graph
    if not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9._:/#-]*", identifier):  # a label, not an id (no IRI is made of it)
        raise ConfigError(f"unknown {what} {identifier!r}: give its id, not its name", hint=_did_you_mean(loaded, identifier))
    node = node_for_id(identifier)
    types = set(graph.objects(node, RDF.type))

    def is_a(wanted: URIRef) -> bool:
        return any(t == wanted or (t, RDFS.subClassOf * "*", wanted) in graph for t in types)

    if is_a(cls):
        return node
    if not types:
        raise ConfigError(f"unknown {what} {identifier!r}", hint=_did_you_mean(loaded, identifier))
    hint = None
    if what == "policy":
        inverse = "--provision" if is_a(PG.Provision) else "--treaty" if is_a(PG.Treaty) else None
        if inverse:
            hint = f"to list the policies that engage it: policygraph trace {inverse} {identifier}"
    raise ConfigError(f"{identifier!r} is a {_type_label(loaded, node)}, not a {what}", hint=hint)


def _did_you_mean(loaded: LoadedGraph, identifier: str) -> str:
    from policygraph.graph.search import suggest_ids

    suggestions = suggest_ids(loaded, identifier)
    return "did you mean " + ", ".join(suggestions) + "?" if suggestions else "try 'policygraph search TEXT'"


_ENDED_STATUSES = {"abandoned", "withdrawn", "ended", "superseded"}


def _as_of(as_of: str | None, dates: dict[str, str], ended: bool) -> tuple[_dt.date, str]:
    """The date binding status is judged on, and that choice in one plain sentence.

    A policy still in place is judged today; a bill, or a policy that ended, was withdrawn or was
    superseded, on its last recorded date. ``--as-of`` may be a year or a month: its last day.
    """
    if as_of:
        day, partial = as_of_date(as_of)
        return day, f"given with --as-of {as_of}, read as its last day" if partial else "given with --as-of"
    if ended and dates:
        name, latest = max(dates.items(), key=lambda item: _first_day(item[1]))
        return _first_day(latest), f"the policy's latest date: {name} {latest}"
    today = _dt.date.today()
    if not dates:
        return today, "today (the policy records no dates)"
    return today, "today: no end, withdrawal or repeal of the policy is recorded"


def as_of_date(text: str) -> tuple[_dt.date, bool]:
    """``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD`` as a date (a year or month means its last day), and whether it was partial.

    Raises:
        ConfigError: anything else (ASCII digits only), or a day that does not exist.
    """
    match = re.fullmatch(r"([0-9]{4})(?:-([0-9]{2})(?:-([0-9]{2}))?)?", text.strip())
    hint = "use YYYY, YYYY-MM or YYYY-MM-DD"
    if not match:
        raise ConfigError(f"bad --as-of date {text!r}", hint=hint)
    year, month, day = (int(part) if part else None for part in match.groups())
    try:
        if month is None:
            return _dt.date(year, 12, 31), True
        if day is None:
            return _dt.date(year, month, calendar.monthrange(year, month)[1]), True
        return _dt.date(year, month, day), False
    except (ValueError, calendar.IllegalMonthError):
        raise ConfigError(f"bad --as-of date {text!r}", hint=hint) from None


def _first_day(text: str) -> _dt.date:
    try:
        parts = [int(p) for p in text.split("-")]
        return _dt.date(parts[0], parts[1] if len(parts) > 1 else 1, parts[2] if len(parts) > 2 else 1)
    except ValueError:  # an ill-typed literal from RDF data ("2021-13-45"^^xsd:date): validate reports where
        raise InputError(f"ill-formed date {text!r} in the data", hint="policygraph validate shows where") from None


def _rank(engagement: Engagement) -> tuple:
    binding_order = ("in-force", "not-yet-in-force", "not-recorded", "signatory", "not-party", "non-binding", "unknown")
    return (
        STRENGTHS.index(engagement.strength),
        binding_order.index(engagement.binding.status),
        engagement.treaty_label,
        _article_key(engagement.article),
        engagement.provision,
    )


def _article_key(article: str | None) -> tuple:
    if not article:
        return (10**6, "")
    digits = "".join(c for c in article if c.isdigit())
    leading = article[: len(article) - len(article.lstrip("0123456789"))]
    return (int(leading) if leading else (int(digits) if digits else 10**6), article)


def _type_label(loaded: LoadedGraph, node: URIRef, shared: SharedReads | None = None) -> str:
    graph = loaded.graph
    types = sorted(label_of(graph, t) if shared is None else shared.label(loaded, t) for t in graph.objects(node, RDF.type) if t != SKOS.Concept)
    return types[0] if types else ""
