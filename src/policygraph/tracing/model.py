"""What a trace is: the frozen records ``trace_policy`` and ``trace_provision`` return and every report renders.

The JSON form (``to_dict``) is the documented schema of docs/trace-schema.md, so field names and order are stable.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

from policygraph.tracing import DEFAULT_MIN_STRENGTH, STRENGTHS

__all__ = [
    "STRENGTHS", "DEFAULT_MIN_STRENGTH", "CitationRef", "Reason", "Binding", "Statement", "Raised", "Engagement", "ContextItem",
    "SourceEntry", "Gap", "Trace", "ProvisionTrace",
]


@dataclass(frozen=True)
class CitationRef:
    """A citation: the source id (or URL), locator and verbatim quote."""

    source: str
    locator: str
    quote: str
    number: int | None = None  # its entry in the trace's numbered sources list


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

    status: str  # in-force | not-yet-in-force | not-recorded | signatory | not-party | non-binding | unknown
    note: str  # plain words, with the dates
    since: str | None = None  # entry into force for the state, if any
    basis: str | None = None  # where "since" comes from: recorded | derived | not recorded (a party with no entry into force)


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
    raised_by: list[Raised]  # only those about the policy, its features, or a concept it is engaged through
    raised_elsewhere: dict[str, int] = field(default_factory=dict)  # {"recommendations": n, "positions": m}: the others invoking it
    paragraphs: list[tuple[str, str]] = field(default_factory=list)  # (id, label) of its paragraphs merged into this entry


@dataclass(frozen=True)
class ContextItem:
    """Something around the policy: a position, amendment, successor or statistic."""

    relation: str
    id: str
    label: str
    detail: str


@dataclass(frozen=True)
class SourceEntry:
    """One entry of a report's numbered sources list: a source record, or a page cited by its URL alone."""

    number: int
    id: str | None  # the source record's id; None for a URL no source record names
    title: str | None
    publisher: str | None  # the author or publishing body's label
    date: str | None
    symbol: str | None  # the document symbol (pg:unSymbol, else dcterms:identifier), where recorded
    url: str | None
    file: str | None  # the local copy's file name, for a seed source
    coverage: str | None  # "partial": the data records only part of it


@dataclass(frozen=True)
class Gap:
    """One thing the report cannot see, computed from the graph (``coverage``)."""

    kind: str  # review-without-recommendations | partial-source | no-cited-engagement | treaty-without-provisions
    text: str  # the sentence the reports print
    ids: list[str]  # the records it is about


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
    cannot_see: list[Gap] = field(default_factory=list)  # "What this report cannot see"
    sources: list[SourceEntry] = field(default_factory=list)  # every source a quote in the report points to, numbered
    weaker: dict[str, int] = field(default_factory=dict)  # provisions left out by --min-strength, per strength

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
    raised_by: list[Raised] = field(default_factory=list)  # every recommendation and position invoking the provision

    def to_dict(self) -> dict:
        return {"schema": "policygraph-provision-trace/1", **asdict(self)}
