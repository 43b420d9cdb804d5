"""The pages of the site and what each one shows, in no language yet: ``build`` renders each page once per language.

Every page lives at a stable path (``policy/<id>/index.html``, relative to the language's root), so people can
link to it; its ``data`` is what its template needs, and ``citations`` gathers every citation in that data, so
each page lists the sources it relies on.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from policygraph.site.model import SECTIONS, Entity, SiteData, within
from policygraph.site.strings import SECTION_TITLES, STRINGS

__all__ = ["Page", "site_pages", "entity_path", "citations", "natural_key", "SAFE_ID"]

SAFE_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")
"""Ids that make a folder name as they are; a record with another id gets no page (and no link)."""

_LATEST = 12


@dataclass
class Page:
    """One page: its path under a language root, its template, its title in each language and its data."""

    path: str
    template: str
    title: dict[str, str]
    data: dict = field(default_factory=dict)

    @property
    def depth(self) -> int:
        """How many folders down from its language root the page is."""
        return self.path.count("/")


def entity_path(entity: Entity) -> str | None:
    """The page of a record, or None when its id cannot be a folder name."""
    return f"{entity.section}/{entity.id}/index.html" if SAFE_ID.match(entity.id) else None


def natural_key(text: str) -> tuple:
    """Sort ``art-9`` before ``art-10``."""
    return tuple(int(part) if part.isdigit() else part for part in re.split(r"(\d+)", text))


def site_pages(data: SiteData) -> list[Page]:
    """Every page of the site: home, search, timeline, network, one list per section and one page per record."""
    entities = data.entities
    by_section: dict[str, list[Entity]] = {section: [] for section in SECTIONS}
    for entity in entities.values():
        if entity_path(entity):
            by_section[entity.section].append(entity)
    counts = {section: len(found) for section, found in by_section.items() if found}
    pages = [
        Page("index.html", "home.html", STRINGS["site"], {"counts": counts, "latest": data.timeline[-_LATEST:][::-1]}),
        Page("search/index.html", "search.html", STRINGS["search"]),
        Page("timeline/index.html", "timeline.html", STRINGS["timeline"], {"rows": data.timeline}),
        Page("network/index.html", "network.html", STRINGS["network"]),
    ]
    for section, found in by_section.items():
        if found:
            found.sort(key=lambda e: natural_key(e.id) if section == "provision" else (e.label("en").casefold(), e.id))
            pages.append(Page(f"{section}/index.html", "list.html", SECTION_TITLES[section], {"section": section, "entities": found}))
    citing = _citing(entities)
    for entity in entities.values():
        path = entity_path(entity)
        if path:
            title = {lang: entity.label(lang) for lang in ("en", "ja")}
            pages.append(Page(path, "entity.html", title, _entity_data(entity, data, citing)))
    return pages


def _entity_data(entity: Entity, data: SiteData, citing: dict[str, list[tuple[str, dict]]]) -> dict:
    """What a record's page shows beyond its facts: the trace, the inverse, participation, citing records..."""
    page: dict = {"entity": entity, "citations": entity.citations}
    related = {entity.id} | {ref.value for ref in entity.referenced_by}
    page["timeline"] = [row for row in data.timeline if row["item"] in related]
    if entity.section == "policy":
        page["trace"] = data.traces.get(entity.id)
    elif entity.section == "treaty":
        page["participation"] = data.participations.get(entity.id, [])
        page["statements"] = data.statements.get(entity.id, [])
        provisions = [data.entities[ref.value] for ref in entity.referenced_by if ref.property == "partOf"]
        page["provisions"] = sorted({p.id: p for p in provisions if p.section == "provision"}.values(), key=lambda p: natural_key(p.id))
    elif entity.section == "provision":
        page["inverse"] = data.inverse.get(entity.id, [])
        page["recommendations"] = data.recommendations.get(entity.id, [])
        family = set(within(entity.id, data.parents))
        treaty = entity.fact("partOf")
        page["statements"] = [
            row
            for row in data.statements.get(treaty or "", [])
            if row["provision"] in family or entity.id in within(row["provision"], data.parents)
        ]
    elif entity.section == "source":
        page["citing"] = citing.get(entity.id, [])
        symbols = set(entity.aliases)
        page["document_recommendations"] = sorted(
            (e for e in data.entities.values() if e.section == "recommendation" and e.fact("documentSymbol") in symbols),
            key=lambda e: (natural_key(e.fact("paragraph") or ""), e.id),
        )
    return page


def _citing(entities: dict[str, Entity]) -> dict[str, list[tuple[str, dict]]]:
    """Source id → the records citing it, each with the citation (locator and quote)."""
    found: dict[str, list[tuple[str, dict]]] = {}
    for entity in entities.values():
        for citation in entity.citations:
            if citation["source"]:
                found.setdefault(citation["source"], []).append((entity.id, citation))
    return found


def citations(value: object) -> list[dict]:
    """Every citation in a page's data (any mapping with a ``quote`` and a ``source`` or ``url``), once each, in order.

    It walks the data as it is, so a citation list a trace gains in a new field is gathered too. Records listed
    on the page (a treaty's provisions) are only named there, so their own citations are not walked into; the
    page's record gives its citations as ``data["citations"]``.
    """
    found: dict[tuple, dict] = {}

    def walk(item: object) -> None:
        if isinstance(item, dict):
            if "quote" in item and ("source" in item or "url" in item):
                key = (item.get("source"), item.get("url"), item.get("locator"), item.get("quote"))
                found.setdefault(key, {"source": key[0], "url": key[1], "locator": key[2], "quote": key[3]})
            for value in item.values():
                walk(value)
        elif isinstance(item, (list, tuple)):
            for value in item:
                walk(value)

    walk(value)
    return list(found.values())
