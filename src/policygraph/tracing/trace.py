"""Obligation tracing: which treaty provisions a policy engages, why, and whether the state is bound.

The matching rules are SPARQL files in ``queries/trace-*.rq`` (readable and reusable with
``policygraph query``); this module runs them and assembles the evidence into a ``Trace``:
one entry per provision, ranked by strength (cited > practice > status > group), each with its
reasons, the state's binding status on the as-of date, its reservations and declarations, and who
raised the issue. ``trace_provision`` answers the inverse question.
"""

from __future__ import annotations

import datetime as _dt
import functools
from dataclasses import asdict, dataclass, field

from rdflib import Literal, URIRef
from rdflib.term import Node

from policygraph import resources
from policygraph.errors import ConfigError, InputError
from policygraph.graph.describe import brief_of
from policygraph.graph.handle import LoadedGraph
from policygraph.graph.labels import label_of, local_id, node_for_id
from policygraph.terms import PG, RDF, RDFS, SKOS

__all__ = ["STRENGTHS", "Trace", "Engagement", "Reason", "Binding", "Statement", "Raised", "ContextItem", "trace_policy", "trace_provision", "ProvisionTrace"]

STRENGTHS = ("cited", "practice", "status", "group")
"""Evidence kinds, strongest first."""

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


@dataclass(frozen=True)
class CitationRef:
    """A citation: the source id (or URL), locator and verbatim quote."""

    source: str
    locator: str
    quote: str


@dataclass(frozen=True)
class Reason:
    """Why a provision is engaged: a cited argument, or an inference path through a concept."""

    kind: str  # one of STRENGTHS
    subjects: list[str]  # the policy and/or feature ids that engage
    explanation: str  # one sentence a reader can follow
    path: list[str] = field(default_factory=list)  # ids: the concept touched, its broader concepts, the provision
    argued_by: list[str] = field(default_factory=list)  # body labels, for cited reasons
    citations: list[CitationRef] = field(default_factory=list)


@dataclass(frozen=True)
class Binding:
    """Whether the state is bound by the provision's treaty on the as-of date."""

    status: str  # in-force | not-yet-in-force | signatory | not-party | non-binding | unknown
    note: str  # plain words, with the dates
    since: str | None = None  # entry into force for the state, if any


@dataclass(frozen=True)
class Statement:
    """A reservation or declaration touching the provision."""

    id: str
    kind: str  # reservation | declaration
    provision: str  # the provision it modifies (may be the article or a paragraph of the traced one)
    text: str | None
    effect: str | None
    withdrawn: str | None
    citations: list[CitationRef]


@dataclass(frozen=True)
class Raised:
    """A recommendation or position that raised the provision or the policy."""

    id: str
    kind: str  # recommendation | position
    by: list[str]
    summary: str  # document and paragraph, or stance and form
    date: str | None
    text: str | None
    citations: list[CitationRef]


@dataclass
class Engagement:
    """One provision the policy engages, with all its evidence."""

    provision: str
    provision_label: str
    article: str | None
    summary: str | None
    treaty: str
    treaty_label: str
    strength: str
    reasons: list[Reason]
    binding: Binding
    statements: list[Statement]
    raised_by: list[Raised]


@dataclass(frozen=True)
class ContextItem:
    """Something around the policy: a position, amendment, successor or statistic."""

    relation: str
    id: str
    label: str
    detail: str


@dataclass
class Trace:
    """The answer to "which treaty obligations apply to this policy, and why"."""

    policy: str
    policy_label: str
    policy_type: str
    status: str | None
    dates: dict[str, str]
    state: str
    state_label: str
    as_of: str
    as_of_basis: str  # which date was used, in words
    engagements: list[Engagement]
    context: list[ContextItem]
    filters: dict[str, object]

    def to_dict(self) -> dict:
        """JSON-safe, with the stable keys documented in docs/trace-schema.md."""
        return {"schema": "policygraph-trace/1", **asdict(self)}


@dataclass
class ProvisionTrace:
    """The inverse: policies engaging one provision (or any provision of a treaty)."""

    target: str
    target_label: str
    policies: list[tuple[str, str, str]]  # (policy id, label, strongest kind)
    traces: list[Trace]

    def to_dict(self) -> dict:
        return {"schema": "policygraph-provision-trace/1", **asdict(self)}


def trace_policy(
    loaded: LoadedGraph,
    policy_id: str,
    *,
    as_of: str | None = None,
    treaties: tuple[str, ...] = (),
    min_strength: str = "group",
    provisions: tuple[str, ...] = (),
) -> Trace:
    """Trace the treaty obligations a policy engages.

    Args:
        loaded: the graph handle (``load_graph``, ``open_store``).
        policy_id: the policy's id.
        as_of: ISO date on which to judge binding status; default the policy's latest date.
        treaties: keep only provisions of these treaty ids.
        min_strength: weakest evidence kept: cited, practice, status or group.
        provisions: keep only these provision ids (used by the inverse trace).

    Raises:
        ConfigError: unknown policy or treaty id, or bad option values.
    """
    graph = loaded.graph
    policy = _require(loaded, policy_id, PG.Policy, "policy")
    for treaty in treaties:
        _require(loaded, treaty, PG.Treaty, "treaty")
    if min_strength not in STRENGTHS:
        raise ConfigError(f"unknown strength {min_strength!r}", hint="one of: " + ", ".join(STRENGTHS))
    state = graph.value(policy, PG.jurisdiction) or node_for_id("jp")
    dates = {name: str(graph.value(policy, p)) for name, p in _POLICY_DATES if graph.value(policy, p) is not None}
    as_of_date, basis = _as_of(as_of, dates)
    reasons = _cited_reasons(loaded, policy) + _inferred_reasons(loaded, policy)
    allowed = STRENGTHS[: STRENGTHS.index(min_strength) + 1]
    by_provision: dict[URIRef, list[Reason]] = {}
    for provision, reason in reasons:
        if reason.kind in allowed:
            by_provision.setdefault(provision, []).append(reason)
    engagements = []
    for provision, provision_reasons in by_provision.items():
        treaty = graph.value(provision, PG.partOf)
        if treaties and (treaty is None or local_id(treaty) not in treaties):
            continue
        if provisions and local_id(provision) not in provisions:
            continue
        engagements.append(_engagement(loaded, provision, treaty, provision_reasons, state, as_of_date))
    engagements.sort(key=_rank)
    return Trace(
        policy=policy_id,
        policy_label=label_of(graph, policy),
        policy_type=_type_label(loaded, policy),
        status=_text(graph.value(policy, PG.status)),
        dates=dates,
        state=local_id(state),
        state_label=label_of(graph, state),
        as_of=as_of_date.isoformat(),
        as_of_basis=basis,
        engagements=engagements,
        context=_context(loaded, policy),
        filters={"treaties": list(treaties), "min_strength": min_strength},
    )


def trace_provision(
    loaded: LoadedGraph, target_id: str, *, as_of: str | None = None, min_strength: str = "group"
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
    strongest: dict[URIRef, str] = {}
    for provision in provisions:
        for row in _run(loaded, "trace-engaging-policies", provision=provision):
            kind, current = str(row.kind), strongest.get(row.policy)
            if kind in allowed and (current is None or STRENGTHS.index(kind) < STRENGTHS.index(current)):
                strongest[row.policy] = kind
    ids = tuple(local_id(p) for p in provisions)
    ordered = sorted(strongest, key=lambda p: (STRENGTHS.index(strongest[p]), label_of(graph, p)))
    traces = [trace_policy(loaded, local_id(p), as_of=as_of, min_strength=min_strength, provisions=ids) for p in ordered]
    return ProvisionTrace(
        target=target_id,
        target_label=label_of(graph, target),
        policies=[(local_id(p), label_of(graph, p), strongest[p]) for p in ordered],
        traces=[t for t in traces if t.engagements],
    )


# -- evidence ------------------------------------------------------------------------------------


def _cited_reasons(loaded: LoadedGraph, policy: URIRef) -> list[tuple[URIRef, Reason]]:
    """Curated engagements, then recommendations or positions about the policy that invoke a provision.

    A recommendation or position counts once per provision, naming every part of the policy it is
    about; a position is left out where the same actors' curated engagement already argues it.
    """
    graph = loaded.graph
    curated: list[tuple[URIRef, Reason]] = []
    invoked: dict[tuple[URIRef, URIRef], list[URIRef]] = {}
    for row in _run(loaded, "trace-cited", policy=policy):
        if (row.engagement, RDF.type, PG.Engagement) not in graph:
            invoked.setdefault((row.engagement, row.provision), []).append(row.subject)
            continue
        reason = Reason(
            kind="cited",
            subjects=[local_id(row.subject)],
            explanation=_text(row.argument) or f"{label_of(graph, row.subject)} engages {label_of(graph, row.provision)}",
            path=[local_id(row.subject), local_id(row.engagement), local_id(row.provision)],
            argued_by=sorted(label_of(graph, b) for b in graph.objects(row.engagement, PG.arguedBy)),
            citations=_citations(loaded, row.engagement),
        )
        curated.append((row.provision, reason))
    result = list(curated)
    for (item, provision), subjects in invoked.items():
        raised = _raised_item(loaded, item)
        if raised.kind == "position" and any(
            p == provision and set(raised.by) <= set(r.argued_by) for p, r in curated
        ):
            continue
        subjects = sorted(set(subjects), key=lambda s: (s != policy, label_of(graph, s)))
        what = f"{raised.summary}, a recommendation" if raised.kind == "recommendation" else f"a position ({raised.summary})"
        reason = Reason(
            kind="cited",
            subjects=[local_id(s) for s in subjects],
            explanation=f"{what} about {_who(loaded, policy, subjects)}, invokes {label_of(graph, provision)}",
            path=[local_id(item), local_id(provision)],
            argued_by=raised.by,
            citations=raised.citations,
        )
        result.append((provision, reason))
    return result


def _inferred_reasons(loaded: LoadedGraph, policy: URIRef) -> list[tuple[URIRef, Reason]]:
    """One reason per (provision, kind, concept the policy touches), naming every part that touches it."""
    graph = loaded.graph
    verbs = {"practice": ("uses", "use"), "group": ("affects", "affect"), "status": ("grants or changes", "grant or change")}
    nouns = {"practice": "practice", "group": "group", "status": "residence status"}
    touching: dict[tuple, list[URIRef]] = {}
    for row in _run(loaded, "trace-inferred", policy=policy):
        touching.setdefault((row.provision, str(row.kind), row.via, row.concept), []).append(row.subject)
    result = []
    for (provision, kind, via, concept), subjects in touching.items():
        subjects = sorted(set(subjects), key=lambda s: (s != policy, label_of(graph, s)))
        chain = _broader_chain(loaded, via, concept)
        concept_label = label_of(graph, concept)
        wider = f", which falls under \u201c{concept_label}\u201d" if via != concept else ""
        verb = verbs[kind][0] if len(subjects) == 1 else verbs[kind][1]
        explanation = (
            f"{_who(loaded, policy, subjects)} {verb} the {nouns[kind]} \u201c{label_of(graph, via)}\u201d{wider}; "
            f"{label_of(graph, provision)} concerns \u201c{concept_label}\u201d"
        )
        reason = Reason(
            kind=kind,
            subjects=[local_id(s) for s in subjects],
            explanation=explanation,
            path=[*(local_id(c) for c in chain), local_id(provision)],
        )
        result.append((provision, reason))
    return result


def _who(loaded: LoadedGraph, policy: URIRef, subjects: list[URIRef]) -> str:
    """"The bill and its features “A” and “B”" — the parts of the policy that touch a concept."""
    graph = loaded.graph
    features = [f"\u201c{label_of(graph, s)}\u201d" for s in subjects if s != policy]
    named = " and ".join(features) if len(features) < 3 else ", ".join(features[:-1]) + " and " + features[-1]
    if policy not in subjects:
        return f"its feature{'s' if len(features) > 1 else ''} {named}"
    if not features:
        return label_of(graph, policy)
    return f"{label_of(graph, policy)} and its feature{'s' if len(features) > 1 else ''} {named}"


def _broader_chain(loaded: LoadedGraph, start: URIRef, goal: URIRef) -> list[URIRef]:
    """The shortest skos:broader chain from ``start`` up to ``goal`` (both included)."""
    graph = loaded.graph
    frontier, seen = [[start]], {start}
    while frontier:
        path = frontier.pop(0)
        if path[-1] == goal:
            return path
        for wider in graph.objects(path[-1], SKOS.broader):
            if wider not in seen:
                seen.add(wider)
                frontier.append(path + [wider])
    return [start, goal]


def _engagement(loaded: LoadedGraph, provision, treaty, reasons, state, as_of_date) -> Engagement:
    graph = loaded.graph
    unique = list({(r.kind, tuple(r.subjects), tuple(r.path), r.explanation): r for r in reasons}.values())
    unique.sort(key=lambda r: (STRENGTHS.index(r.kind), r.path, r.subjects))
    return Engagement(
        provision=local_id(provision),
        provision_label=label_of(graph, provision),
        article=_text(graph.value(provision, PG.article)),
        summary=_text(graph.value(provision, PG.summary)),
        treaty=local_id(treaty) if treaty is not None else "",
        treaty_label=label_of(graph, treaty) if treaty is not None else "",
        strength=unique[0].kind,
        reasons=unique,
        binding=_binding(loaded, treaty, state, as_of_date),
        statements=_statements(loaded, provision, state),
        raised_by=_raised(loaded, provision),
    )


def _binding(loaded: LoadedGraph, treaty: URIRef | None, state: URIRef, as_of: _dt.date) -> Binding:
    graph = loaded.graph
    if treaty is None:
        return Binding("unknown", "the provision names no treaty")
    if graph.value(treaty, PG.binding) == Literal(False):
        return Binding("non-binding", "not a treaty: a non-binding instrument, relevant as a standard")
    rows = list(_run(loaded, "trace-participation", state=state, treaty=treaty))
    state_label = label_of(graph, state)
    if not rows:
        return Binding("unknown", f"no participation of {state_label} is recorded")
    row = rows[0]
    status = _text(row.status)
    consented = row.ratified or row.acceded or row.accepted
    if status == "not-party" or (status is None and not consented and not row.signed):
        return Binding("not-party", f"{state_label} is not party: not binding, relevant as a standard")
    in_force = row.inForce
    if in_force is None and consented is not None:
        in_force = consented  # some instruments record only the consent date
    if in_force is not None:
        start = _first_day(str(in_force))
        if start <= as_of:
            return Binding("in-force", f"in force for {state_label} since {in_force}", str(in_force))
        return Binding(
            "not-yet-in-force",
            f"not yet binding on {as_of.isoformat()}: in force for {state_label} from {in_force}",
            str(in_force),
        )
    if row.signed is not None:
        return Binding("signatory", f"signed by {state_label} on {row.signed} but not ratified: not binding")
    return Binding("unknown", f"the participation of {state_label} records no dates")


def _statements(loaded: LoadedGraph, provision: URIRef, state: URIRef) -> list[Statement]:
    result = []
    for row in _run(loaded, "trace-reservations", state=state, provision=provision):
        result.append(
            Statement(
                id=local_id(row.statement),
                kind="reservation" if row.kind == PG.Reservation else "declaration",
                provision=local_id(row.modified),
                text=_text(row.text),
                effect=_text(row.effect),
                withdrawn=_text(row.withdrawn),
                citations=_citations(loaded, row.statement),
            )
        )
    return result


def _raised(loaded: LoadedGraph, provision: URIRef) -> list[Raised]:
    items = [row.item for row in _run(loaded, "trace-raised-by", provision=provision)]
    return [_raised_item(loaded, item) for item in dict.fromkeys(items)]


def _raised_item(loaded: LoadedGraph, item: URIRef) -> Raised:
    graph = loaded.graph
    value = graph.value
    if (item, RDF.type, PG.Recommendation) in graph:
        document = _text(value(item, PG.documentSymbol)) or ""
        paragraph = _text(value(item, PG.paragraph))
        summary = document + (f", para {paragraph}" if paragraph else "")
        kind = "recommendation"
    else:
        stance, form = _text(value(item, PG.stance)), _text(value(item, PG.form))
        summary = " ".join(part for part in (stance, f"({form})" if form else None) if part) or label_of(graph, item)
        kind = "position"
    return Raised(
        id=local_id(item),
        kind=kind,
        by=sorted(label_of(graph, b) for b in graph.objects(item, PG.actor)),
        summary=summary,
        date=_text(value(item, PG.date)),
        text=_text(value(item, PG.text)) or _text(value(item, PG.summary)),
        citations=_citations(loaded, item),
    )


def _context(loaded: LoadedGraph, policy: URIRef) -> list[ContextItem]:
    graph = loaded.graph
    result = []
    for row in _run(loaded, "trace-context", policy=policy):
        item = row.item
        detail = brief_of(graph, item) or _type_label(loaded, item)
        result.append(ContextItem(str(row.relation), local_id(item), label_of(graph, item), detail.strip()))
    return result


# -- helpers -------------------------------------------------------------------------------------


def _run(loaded: LoadedGraph, name: str, **bindings: Node):
    """The rows of a named rule, run on the store with its parameters in VALUES blocks."""
    return _run_oxigraph(loaded.store, name, bindings)


def _run_oxigraph(store, name: str, bindings: dict[str, Node]) -> list:  # noqa: ANN001 - a pyoxigraph.Store
    """The rows of a named rule on Oxigraph, each with the rule's variables as attributes (unbound: None)."""
    from types import SimpleNamespace

    from policygraph.sparql.engines import evaluate_oxigraph
    from policygraph.sparql.params import with_values

    text = (resources.queries_dir() / f"{name}.rq").read_text(encoding="utf-8")
    result = evaluate_oxigraph(store, with_values(text, bindings, "SELECT"), "SELECT")
    return [SimpleNamespace(**dict(zip(result.variables, row))) for row in result.rows]


@functools.lru_cache(maxsize=None)
def _prepared(name: str):
    """The named rule, parsed once per process (parsing costs more than running it on one policy)."""
    from rdflib.plugins.sparql import prepareQuery

    return prepareQuery((resources.queries_dir() / f"{name}.rq").read_text(encoding="utf-8"))


def _require(loaded: LoadedGraph, identifier: str, cls: URIRef, what: str) -> URIRef:
    graph = loaded.graph
    node = node_for_id(identifier)
    types = set(graph.objects(node, RDF.type))
    if not any(t == cls or (t, RDFS.subClassOf * "*", cls) in graph for t in types):
        from policygraph.graph.search import suggest_ids

        if types:
            raise ConfigError(f"{identifier!r} is a {_type_label(loaded, node)}, not a {what}")
        suggestions = suggest_ids(loaded, identifier)
        hint = "did you mean " + ", ".join(suggestions) + "?" if suggestions else "try 'policygraph search TEXT'"
        raise ConfigError(f"unknown {what} {identifier!r}", hint=hint)
    return node


def _as_of(as_of: str | None, dates: dict[str, str]) -> tuple[_dt.date, str]:
    if as_of:
        try:
            return _dt.date.fromisoformat(as_of), "given with --as-of"
        except ValueError:
            raise ConfigError(f"bad --as-of date {as_of!r}", hint="use YYYY-MM-DD") from None
    if dates:
        name, latest = max(dates.items(), key=lambda item: _first_day(item[1]))
        return _first_day(latest), f"the policy's latest date: {name} {latest}"
    today = _dt.date.today()
    return today, "today (the policy records no dates)"


def _first_day(text: str) -> _dt.date:
    try:
        parts = [int(p) for p in text.split("-")]
        return _dt.date(parts[0], parts[1] if len(parts) > 1 else 1, parts[2] if len(parts) > 2 else 1)
    except ValueError:  # an ill-typed literal from RDF data ("2021-13-45"^^xsd:date): validate reports where
        raise InputError(f"ill-formed date {text!r} in the data", hint="policygraph validate shows where") from None


def _citations(loaded: LoadedGraph, node: URIRef) -> list[CitationRef]:
    graph = loaded.graph
    result = []
    for citation in graph.objects(node, PG.citation):
        source = graph.value(citation, PG.source)
        result.append(
            CitationRef(
                source=local_id(source) if source is not None else str(graph.value(citation, PG.sourceUrl)),
                locator=str(graph.value(citation, PG.locator) or ""),
                quote=str(graph.value(citation, PG.quote) or ""),
            )
        )
    return sorted(result, key=lambda c: (c.source, c.locator, c.quote))


def _rank(engagement: Engagement) -> tuple:
    binding_order = ("in-force", "not-yet-in-force", "signatory", "not-party", "non-binding", "unknown")
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


def _type_label(loaded: LoadedGraph, node: URIRef) -> str:
    graph = loaded.graph
    types = sorted(label_of(graph, t) for t in graph.objects(node, RDF.type) if t != SKOS.Concept)
    return types[0] if types else ""


def _text(value: Node | None) -> str | None:
    return None if value is None else str(value)
