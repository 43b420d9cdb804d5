"""The curated YAML data format: which record kinds exist, which keys each takes, and the RDF they map to.

``data/README.md`` documents the same table for curators; ``load`` walks it.
"""

from __future__ import annotations

from dataclasses import dataclass

from rdflib import URIRef

from policygraph.records.identifiers import SCHEMES
from policygraph.terms import DCTERMS, ORG, PG, SKOS

__all__ = ["Key", "RecordKind", "RECORD_KINDS", "COMMON_KEYS", "ENUMS", "ID_PATTERN"]

ID_PATTERN = r"^[a-z0-9]+(-[a-z0-9]+)*$"


@dataclass(frozen=True)
class Key:
    """One key of a record: the predicate it maps to and how its value is read.

    ``kind`` is one of: text, texts (list of strings), langtext (string or {lang: string}),
    langtexts, ref (one id), refs (list of ids), date, duration (ISO 8601, ``P30D``), number, bool, url,
    enum, cite, identifier (one value or a list, in the scheme of ``identifiers.SCHEMES`` named by the key).
    """

    predicate: URIRef | None
    kind: str
    enum: str | None = None  # name in ENUMS, for kind == "enum"


@dataclass(frozen=True)
class RecordKind:
    """A record ``type``: the class it maps to and its own keys (besides ``COMMON_KEYS``)."""

    rdf_class: URIRef
    keys: dict[str, Key]
    scheme: str | None = None  # the SKOS concept scheme of concept records


COMMON_KEYS: dict[str, Key] = {
    "label": Key(SKOS.prefLabel, "langtext"),
    "aliases": Key(SKOS.altLabel, "langtexts"),
    "description": Key(DCTERMS.description, "text"),
    "identifiers": Key(DCTERMS.identifier, "texts"),
    "url": Key(PG.url, "url"),
    "note": Key(SKOS.editorialNote, "text"),
    "cite": Key(PG.citation, "cite"),
    **{name: Key(scheme.predicate, "identifier") for name, scheme in SCHEMES.items()},
}

ENUMS: dict[str, tuple[str, ...]] = {
    "participation-status": ("party", "signatory", "not-party"),
    "policy-status": ("proposed", "pending", "enacted", "in-force", "active", "abandoned", "withdrawn", "ended", "superseded"),
    "stance": ("opposes", "supports", "proposes", "demands", "criticises", "welcomes", "concerned"),
    "unit": ("persons", "cases", "applications", "percent", "organizations", "facilities", "companies", "yen", "usd", "count"),
    "qualifier": ("approximately", "less-than", "more-than", "at-least", "at-most"),
    "response": ("supported", "noted"),
    "coverage": ("full", "partial"),
}

_BODY = {
    "kind": Key(PG.kind, "text"),
    "part-of": Key(ORG.subOrganizationOf, "ref"),
    "member-of": Key(ORG.memberOf, "refs"),
    "jurisdiction": Key(PG.jurisdiction, "ref"),
    "founded": Key(PG.founded, "date"),
    "dissolved": Key(PG.dissolved, "date"),
}

_TOUCHES = {
    "uses-practices": Key(PG.usesPractice, "refs"),
    "addresses-practices": Key(PG.addressesPractice, "refs"),
    "affects-groups": Key(PG.affectsGroup, "refs"),
    "grants-statuses": Key(PG.grantsStatus, "refs"),
    "affects-statuses": Key(PG.affectsStatus, "refs"),
}

_POLICY = {
    "status": Key(PG.status, "enum", "policy-status"),
    "jurisdiction": Key(PG.jurisdiction, "ref"),
    "proposed": Key(PG.proposed, "date"),
    "approved": Key(PG.approved, "date"),
    "enacted": Key(PG.enacted, "date"),
    "promulgated": Key(PG.promulgated, "date"),
    "in-force": Key(PG.entryIntoForce, "date"),
    "started": Key(PG.started, "date"),
    "withdrawn": Key(PG.withdrawn, "date"),
    "ended": Key(PG.ended, "date"),
    "responsible": Key(PG.responsibleBody, "refs"),
    "proposed-by": Key(PG.proposedBy, "refs"),
    "amends": Key(PG.amends, "refs"),
    "replaced-by": Key(PG.replacedBy, "refs"),
    "part-of": Key(PG.partOfPolicy, "ref"),
    **_TOUCHES,
}

_CONCEPT = {"broader": Key(SKOS.broader, "refs")}

_RESERVATION = {
    "participation": Key(PG.participation, "ref"),
    "provisions": Key(PG.modifies, "refs"),
    "text": Key(PG.text, "text"),
    "effect": Key(PG.effect, "text"),
    "withdrawn": Key(PG.withdrawn, "date"),
}

RECORD_KINDS: dict[str, RecordKind] = {
    "source": RecordKind(
        PG.Source,
        {
            "publisher": Key(DCTERMS.publisher, "ref"),
            "date": Key(PG.date, "date"),
            "kind": Key(PG.sourceKind, "text"),
            "file": Key(PG.file, "text"),
            "coverage": Key(PG.coverage, "enum", "coverage"),
        },
    ),
    "government-body": RecordKind(PG.GovernmentBody, _BODY),
    "civil-society-organization": RecordKind(PG.CivilSocietyOrganization, _BODY),
    "intergovernmental-organization": RecordKind(PG.IntergovernmentalOrganization, _BODY),
    "treaty-body": RecordKind(PG.TreatyBody, _BODY),
    "special-procedure": RecordKind(PG.SpecialProcedure, _BODY),
    "state": RecordKind(PG.State, _BODY),
    "treaty": RecordKind(
        PG.Treaty,
        {
            "adopted": Key(PG.adopted, "date"),
            "binding": Key(PG.binding, "bool"),
            "supplements": Key(PG.supplements, "ref"),
            "monitored-by": Key(PG.monitoredBy, "ref"),
            "in-force-after-deposit": Key(PG.entryIntoForceDelay, "duration"),
        },
    ),
    "provision": RecordKind(
        PG.Provision,
        {
            "treaty": Key(PG.partOf, "ref"),
            "article": Key(PG.article, "text"),
            "within": Key(PG.withinProvision, "ref"),
            "summary": Key(PG.summary, "text"),
            "rights": Key(PG.right, "texts"),
            "concerns-practices": Key(PG.concernsPractice, "refs"),
            "concerns-groups": Key(PG.concernsGroup, "refs"),
            "concerns-statuses": Key(PG.concernsStatus, "refs"),
        },
    ),
    "participation": RecordKind(
        PG.Participation,
        {
            "state": Key(PG.state, "ref"),
            "treaty": Key(PG.treaty, "ref"),
            "status": Key(PG.participationStatus, "enum", "participation-status"),
            "signed": Key(PG.signed, "date"),
            "ratified": Key(PG.ratified, "date"),
            "acceded": Key(PG.acceded, "date"),
            "accepted": Key(PG.accepted, "date"),
            "in-force": Key(PG.entryIntoForce, "date"),
        },
    ),
    "reservation": RecordKind(PG.Reservation, _RESERVATION),
    "declaration": RecordKind(PG.Declaration, _RESERVATION),
    **{
        name: RecordKind(cls, _POLICY)
        for name, cls in (
            ("policy", PG.Policy),
            ("law", PG.Law),
            ("bill", PG.Bill),
            ("measure", PG.Measure),
            ("programme", PG.Programme),
            ("guideline", PG.Guideline),
            ("system", PG.System),
        )
    },
    "feature": RecordKind(PG.PolicyFeature, {"policy": Key(PG.featureOf, "ref"), **_TOUCHES}),
    "practice": RecordKind(PG.Practice, _CONCEPT, scheme="practices"),
    "group": RecordKind(PG.Group, _CONCEPT, scheme="groups"),
    "residence-status": RecordKind(PG.ResidenceStatus, _CONCEPT, scheme="residence-statuses"),
    "position": RecordKind(
        PG.Position,
        {
            "stance": Key(PG.stance, "enum", "stance"),
            "form": Key(PG.form, "text"),
            "actors": Key(PG.actor, "refs"),
            "about": Key(PG.about, "refs"),
            "provisions": Key(PG.provision, "refs"),
            "addressed-to": Key(PG.addressedTo, "refs"),
            "date": Key(PG.date, "date"),
            "summary": Key(PG.summary, "text"),
        },
    ),
    "event": RecordKind(
        PG.Event,
        {
            "kind": Key(PG.kind, "text"),
            "date": Key(PG.date, "date"),
            "start": Key(PG.startDate, "date"),
            "end": Key(PG.endDate, "date"),
            "participants": Key(PG.participant, "refs"),
            "organizer": Key(PG.organizer, "refs"),
            "about": Key(PG.about, "refs"),
            "location": Key(PG.location, "text"),
        },
    ),
    "engagement": RecordKind(
        PG.Engagement,
        {
            "policy": Key(PG.policy, "ref"),
            "provision": Key(PG.provision, "ref"),
            "argued-by": Key(PG.arguedBy, "refs"),
            "argument": Key(PG.argument, "text"),
        },
    ),
    "recommendation": RecordKind(
        PG.Recommendation,
        {
            "by": Key(PG.actor, "ref"),
            "to": Key(PG.addressedTo, "ref"),
            "document": Key(PG.documentSymbol, "text"),
            "date": Key(PG.date, "date"),
            "paragraph": Key(PG.paragraph, "text"),
            "provisions": Key(PG.provision, "refs"),
            "addresses": Key(PG.about, "refs"),
            "text": Key(PG.text, "text"),
            "response": Key(PG.stateResponse, "enum", "response"),
        },
    ),
    "observation": RecordKind(
        PG.Observation,
        {
            "measures": Key(PG.measures, "text"),
            "value": Key(PG.value, "number"),
            "unit": Key(PG.unit, "enum", "unit"),
            "qualifier": Key(PG.qualifier, "enum", "qualifier"),
            "period": Key(PG.period, "date"),
            "period-start": Key(PG.periodStart, "date"),
            "period-end": Key(PG.periodEnd, "date"),
            "about": Key(PG.about, "refs"),
        },
    ),
}
