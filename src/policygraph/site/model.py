"""What the website shows, read from the graph once: every record with its names, facts and citations, the traces.

The policy pages are the trace (``tracing.trace.trace_policy``, kept as its ``to_dict()`` so that a field the
trace gains shows up on the site without a change here); a provision page is the inverse trace, gathered from
those same traces (see ``_inverse``); everything else comes from named SPARQL queries (``queries/site-*.rq``,
``reservations``, ``recommendations``) run through ``sparql.run.run_query``, the one evaluation path.
"""

from __future__ import annotations

import datetime as _dt
import hashlib
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from rdflib import Literal, URIRef
from rdflib.term import Node

from policygraph.graph.handle import LoadedGraph
from policygraph.graph.labels import local_id
from policygraph.records.canonical import readable_url
from policygraph.terms import ID_BASE

__all__ = ["SECTIONS", "Fact", "Entity", "SiteData", "read_site_data", "dataset_version", "within"]

SECTIONS = (
    "policy", "treaty", "provision", "body", "source", "recommendation",
    "event", "position", "concept", "feature", "statistic", "engagement",
)
"""The sections of the site, one folder each (``policy/<id>/``), in the order of site-entities.rq."""

# Properties the ontology leaves unlabelled (they come from DCTERMS, SKOS, PROV), named for readers.
_PROPERTY_NAMES = {
    "description": "description",
    "editorialNote": "note",
    "wasDerivedFrom": "derived from",
    "broader": "broader",
    "narrower": "narrower",
    "subOrganizationOf": "part of",
    "memberOf": "member of",
    "identifier": "identifier",
}
_STEP_ORDER = {"proposed": 0, "approved": 1, "enacted": 2, "promulgated": 3, "in force": 4, "started": 5}


@dataclass(frozen=True)
class Fact:
    """One statement about a record: the property's id and label, and the value (a record id when ``target``)."""

    property: str
    label: str
    value: str
    target: bool = False


@dataclass
class Entity:
    """A record with a page."""

    id: str
    section: str
    kind: str  # the label of its most specific class
    labels: dict[str, str] = field(default_factory=dict)  # language → preferred label ("" for untagged)
    aliases: list[str] = field(default_factory=list)
    facts: list[Fact] = field(default_factory=list)
    referenced_by: list[Fact] = field(default_factory=list)  # value: the id of the record that points here
    citations: list[dict] = field(default_factory=list)  # source, url, locator, quote

    def label(self, lang: str) -> str:
        """The label for a reader of ``lang``: that language, else English, else any, else the id."""
        for key in (lang, "en", ""):
            if self.labels.get(key):
                return self.labels[key]
        return next(iter(self.labels.values()), self.id)

    def fact(self, name: str) -> str | None:
        """The first value of property ``name`` (its local name), if any."""
        return next((f.value for f in self.facts if f.property == name), None)


@dataclass
class SiteData:
    """Everything the pages are made from."""

    entities: dict[str, Entity]
    traces: dict[str, dict]  # policy id → Trace.to_dict()
    inverse: dict[str, list[tuple[str, list[dict]]]]  # provision id → (policy id, its engagements of it and its paragraphs)
    participations: dict[str, list[dict]]  # treaty id → site-participation rows
    statements: dict[str, list[dict]]  # treaty id → reservations rows
    recommendations: dict[str, list[dict]]  # provision id → recommendations rows
    timeline: list[dict]  # date, item, step
    parents: dict[str, list[str]]  # provision id → the provisions it is a paragraph of
    version: str  # the dataset's version: a digest of the input files
    build_date: str
    as_of: str | None


def read_site_data(loaded: LoadedGraph, as_of: str | None = None, today: _dt.date | None = None) -> SiteData:
    """Read everything the site shows from ``loaded``.

    Args:
        loaded: the graph handle.
        as_of: the date binding status is judged on, for every trace (default: each policy's own, as ``trace``).
        today: the build date shown on every page (default: today, UTC).

    Raises:
        ConfigError: a bad ``as_of``.
    """
    from policygraph.tracing.trace import trace_policy

    entities = _entities(loaded)
    _add_names(loaded, entities)
    _add_facts(loaded, entities)
    _add_citations(loaded, entities)
    traces = {pid: trace_policy(loaded, pid, as_of=as_of).to_dict() for pid, e in entities.items() if e.section == "policy"}
    participations: dict[str, list[dict]] = defaultdict(list)
    for row in _rows(loaded, "site-participation"):
        participations[row["treaty"]].append(row)
    statements: dict[str, list[dict]] = defaultdict(list)
    for state in sorted({row["state"] for rows in participations.values() for row in rows}):
        for row in _rows(loaded, "reservations", state=state):
            statements[row["treaty"]].append(row)
    parents = {
        entity.id: [f.value for f in entity.facts if f.property == "withinProvision" and f.target]
        for entity in entities.values()
        if entity.section == "provision"
    }
    return SiteData(
        entities=entities,
        traces=traces,
        inverse=_inverse(entities, traces, parents),
        participations=dict(participations),
        statements=dict(statements),
        recommendations=_by_provision(_rows(loaded, "recommendations"), parents),
        timeline=sorted(_rows(loaded, "site-timeline"), key=lambda r: (r["date"], _STEP_ORDER.get(r["step"], 9), r["item"])),
        parents=parents,
        version=dataset_version(loaded),
        build_date=(today or _dt.datetime.now(_dt.timezone.utc).date()).isoformat(),
        as_of=as_of,
    )


def dataset_version(loaded: LoadedGraph) -> str:
    """A short digest of the input files: two sites built from the same data carry the same version."""
    digest = hashlib.sha256()
    for path in sorted(Path(p) for p in loaded.files):
        digest.update(path.name.encode() + b"\0")
        try:
            digest.update(path.read_bytes())
        except OSError:  # a store opened from disk may list files that have moved since
            digest.update(b"?")
    return digest.hexdigest()[:12]


def _rows(loaded: LoadedGraph, name: str, **params: str) -> list[dict]:
    """The rows of named query ``name`` as dicts of plain values: record ids for our IRIs, text for literals."""
    from policygraph.sparql.params import bind_params
    from policygraph.sparql.query import named_query
    from policygraph.sparql.run import run_query

    query = named_query(name)
    result = run_query(query, bind_params(query, params, loaded), graph=loaded)
    return [{v: _plain(term) for v, term in zip(result.variables, row)} for row in result.rows]


def _plain(term: Node | None) -> str | None:
    if term is None:
        return None
    if isinstance(term, URIRef):
        return local_id(term) if str(term).startswith(ID_BASE) else readable_url(term)  # a web page: as people read it
    return str(term)


def _entities(loaded: LoadedGraph) -> dict[str, Entity]:
    entities: dict[str, Entity] = {}
    for row in _rows(loaded, "site-entities"):
        entity = row["entity"]
        if entity not in entities and not entity.startswith(("http://", "https://", "urn:")):
            entities[entity] = Entity(entity, row["section"], row["classLabel"] or local_id(URIRef(row["class"])))
    return entities


def _add_names(loaded: LoadedGraph, entities: dict[str, Entity]) -> None:
    for row in _rows(loaded, "site-names"):
        entity = entities.get(row["entity"])
        if entity is None:
            continue
        if row["kind"] == "label" and row["lang"] not in entity.labels:
            entity.labels[row["lang"]] = row["name"]
        elif row["name"] not in entity.aliases:
            entity.aliases.append(row["name"])


def _add_facts(loaded: LoadedGraph, entities: dict[str, Entity]) -> None:
    from policygraph.sparql.params import bind_params
    from policygraph.sparql.query import named_query
    from policygraph.sparql.run import run_query

    query = named_query("site-facts")
    result = run_query(query, bind_params(query, {}, loaded), graph=loaded)
    for subject, prop, prop_label, value in result.rows:
        entity = entities.get(local_id(subject))
        if entity is None or str(subject) != ID_BASE + entity.id:
            continue
        name = local_id(prop)
        label = str(prop_label) if prop_label is not None else _PROPERTY_NAMES.get(name, name)
        if isinstance(value, Literal):
            entity.facts.append(Fact(name, label, str(value)))
            continue
        target = local_id(value)
        known = target in entities and str(value) == ID_BASE + target
        entity.facts.append(Fact(name, label, target if known else readable_url(value), known))
        if known:
            entities[target].referenced_by.append(Fact(name, label, entity.id, True))


def _add_citations(loaded: LoadedGraph, entities: dict[str, Entity]) -> None:
    for row in _rows(loaded, "site-citations"):
        entity = entities.get(row["record"])
        if entity is not None:
            entity.citations.append({k: row[k] for k in ("source", "url", "locator", "quote")})


def within(provision: str, parents: dict[str, list[str]]) -> list[str]:
    """The provision and every provision it is a paragraph of (``pg:withinProvision*``)."""
    seen, todo = [], [provision]
    while todo:
        current = todo.pop()
        if current not in seen:
            seen.append(current)
            todo.extend(parents.get(current, []))
    return seen


def _by_provision(rows: list[dict], parents: dict[str, list[str]]) -> dict[str, list[dict]]:
    """The ``recommendations`` rows each provision page lists: those invoking it or one of its paragraphs.

    The query's own ``provision`` parameter does the same per provision; one run for all is a hundred times
    cheaper than a run per page.
    """
    found: dict[str, list[dict]] = defaultdict(list)
    for row in rows:
        for provision in within(row["invoked"], parents) if row["invoked"] else []:
            found[provision].append(row)
    return dict(found)


def _inverse(entities: dict[str, Entity], traces: dict[str, dict], parents: dict[str, list[str]]) -> dict[str, list[tuple[str, list[dict]]]]:
    """Provision id → the policies engaging it or one of its paragraphs, strongest first, each with its engagements.

    ``trace_provision`` answers the same question by tracing every engaging policy again, restricted to the
    provision: on the bundled data that is three times the work of all the policy traces together. The
    policy traces are already here, so the inverse is read from them (tests/site checks that it matches
    ``trace_provision``).
    """
    from policygraph.tracing.model import STRENGTHS

    found: dict[str, dict[str, list[dict]]] = defaultdict(dict)
    for policy, trace in traces.items():
        for engagement in trace["engagements"]:
            for provision in within(engagement["provision"], parents):
                found[provision].setdefault(policy, []).append(engagement)
    rank = {kind: i for i, kind in enumerate(STRENGTHS)}

    def strongest(item: tuple[str, list[dict]]) -> tuple:
        return (min(rank.get(e["strength"], len(rank)) for e in item[1]), entities[item[0]].label("en"))

    return {provision: sorted(policies.items(), key=strongest) for provision, policies in found.items()}
