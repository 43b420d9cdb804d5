"""The evidence of a trace: why a provision is engaged (cited or inferred), and who raised it.

Each function runs a rule (``queries/trace-*.rq``) and turns its rows into ``Reason`` and
``Raised`` records; the labels in the sentences come from the rows. ``names`` maps the nodes seen
so far to their labels, so that a sentence can name the policy and its features.
"""

from __future__ import annotations

from collections.abc import Iterable

from rdflib import URIRef
from rdflib.term import Node

from policygraph.graph.handle import LoadedGraph
from policygraph.graph.labels import local_id
from policygraph.records.canonical import readable_url
from policygraph.terms import PG, SKOS
from policygraph.tracing.model import CitationRef, Raised, Reason
from policygraph.tracing.rules import label, run, run_for_each, text

__all__ = ["RaisedItems", "cited_reasons", "inferred_reasons", "citations"]


class RaisedItems:
    """The recommendations and positions raising each provision, read once per provision and trace.

    With a ``policy``, ``at`` keeps the items about that policy and ``others`` counts the rest; without
    one (the inverse trace), ``at`` lists every item. The items come from ``trace-raised-items``, many
    provisions a query (``read``); whether an item is about the policy, from the topics and concept
    paths ``trace-about-topics`` gives once per trace (``about``): the same answer as ``trace-raised-by``'s
    ``?about`` (a test holds the two to it), without running that rule's costly about-part once per provision.
    """

    def __init__(self, loaded: LoadedGraph, policy: Node | None = None, shared: RaisedItems | None = None) -> None:
        """``shared``: another's reads to reuse (the inverse trace's, for each of its policies): the items of
        each provision, their topics and the concepts above each concept are the same for every policy;
        only the choice of the items about the policy differs."""
        self._loaded, self._policy = loaded, policy
        self._by_provision: dict[Node, tuple[dict[Node, Raised], dict[str, int]]] = {}
        self._topics: set[str] | None = None  # the policy's own topics (IRIs), read on the first ``about``
        self._paths: dict[Node, list[tuple[str, str]]] = {}  # provision -> its (?via, ?concept) paths
        if shared is None:
            self._items_of: dict[Node, tuple[dict[Node, Raised], set[Node]]] = {}  # provision -> its items, which recommendations
            self._topics_of: dict[Node, list[str]] = {}  # item -> the IRIs it is about
            self._above: dict[str, set[str]] = {}  # concept -> itself and the concepts above it
        else:
            self._items_of, self._topics_of, self._above = shared._items_of, shared._topics_of, shared._above

    def read(self, provisions: Iterable[Node]) -> None:
        """Read the items of every provision not read yet, in one query (a trace asks about dozens)."""
        missing = [p for p in dict.fromkeys(provisions) if p not in self._by_provision]
        unread = [p for p in missing if p not in self._items_of]
        if unread:
            rows: dict[Node, list] = {provision: [] for provision in unread}
            for row in run_for_each(self._loaded, "trace-raised-items", "provision", unread):
                rows[row.provision].append(row)
            for provision in unread:
                self._items_of[provision] = _raised_items(self._loaded, rows[provision])
        for provision in missing:
            self._by_provision[provision] = self._kept(provision, *self._items_of[provision])

    def _read(self, provision: Node) -> tuple[dict[Node, Raised], dict[str, int]]:
        self.read([provision])
        return self._by_provision[provision]

    def at(self, provision: Node) -> dict[Node, Raised]:
        """The items invoking ``provision``, its article or its paragraphs (about the policy, if one was given), in the rule's order."""
        return self._read(provision)[0]

    def others(self, provision: Node) -> dict[str, int]:
        """How many recommendations and positions invoke the provision without being about the policy."""
        return self._read(provision)[1]

    def about(self, item: Node, provision: Node) -> bool:
        """Whether ``item``, raising ``provision``, is about the policy: what ``trace-raised-by`` gives as ``?about``.

        The item is about one of the policy's own topics, or about a concept on one of the provision's
        paths (``trace-about-topics``): the concept the policy touches (``?via``) or a narrower one, or
        one between it and the concept the provision concerns.
        """
        if self._topics is None:
            self._topics = set()
            for row in run(self._loaded, "trace-about-topics", policy=self._policy):
                if row.topic is not None:
                    self._topics.add(str(row.topic))
                else:
                    self._paths.setdefault(row.provision, []).append((str(row.via), str(row.concept)))
        paths = self._paths.get(provision, ())
        if item not in self._topics_of:
            self._topics_of[item] = _topics_of(self._loaded, item)
        for topic in self._topics_of[item]:
            if topic in self._topics:
                return True
            wider = self._broader(topic)
            if any(via in wider or (topic in self._broader(via) and concept in wider) for via, concept in paths):
                return True
        return False

    def _broader(self, concept: str) -> set[str]:
        """The concept and every concept above it (``skos:broader*``), read from the store once per concept."""
        if concept not in self._above:
            import pyoxigraph as ox

            seen, frontier = {concept}, [concept]
            while frontier:
                for wider in self._loaded.objects_of(ox.NamedNode(frontier.pop()), str(SKOS.broader)):
                    if isinstance(wider, ox.NamedNode) and wider.value not in seen:
                        seen.add(wider.value)
                        frontier.append(wider.value)
            self._above[concept] = seen
        return self._above[concept]

    def _kept(self, provision: Node, items: dict[Node, Raised], recommendations: set[Node]) -> tuple[dict[Node, Raised], dict[str, int]]:
        """The items about the policy (all, without one), and how many of each kind are not."""
        kept = {item: raised for item, raised in items.items() if self._policy is None or self.about(item, provision)}
        others = {}
        for item in items.keys() - kept.keys():
            kind = "recommendations" if item in recommendations else "positions"
            others[kind] = others.get(kind, 0) + 1
        return kept, {kind: others[kind] for kind in ("recommendations", "positions") if kind in others}


def _raised_items(loaded: LoadedGraph, rows: list) -> tuple[dict[Node, Raised], set[Node]]:
    """A provision's items from its ``trace-raised-items`` rows, in the rule's order, and which are recommendations."""
    first, recommendations, actors = {}, set(), {}
    for row in rows:
        first.setdefault(row.item, row)
        if row.kind == PG.Recommendation:
            recommendations.add(row.item)
        if row.actor is not None:
            actors.setdefault(row.item, {})[row.actor] = label(row, "actor")
    items = {item: _raised(loaded, row, item in recommendations, sorted(actors.get(item, {}).values())) for item, row in first.items()}
    return items, recommendations


def _topics_of(loaded: LoadedGraph, item: Node) -> list[str]:
    """The IRIs an item is ``pg:about`` in the default graph (where the rules look), read as a pattern, not a query."""
    import pyoxigraph as ox

    return [topic.value for topic in loaded.objects_of(ox.NamedNode(str(item)), str(PG.about)) if isinstance(topic, ox.NamedNode)]


def _raised(loaded: LoadedGraph, row, recommendation: bool, by: list[str]) -> Raised:  # noqa: ANN001 - a rule row
    if recommendation:
        paragraph = text(row.paragraph)
        summary = ", ".join(part for part in (text(row.document), f"para {paragraph}" if paragraph else None) if part)
    else:
        stance, form = text(row.stance), text(row.form)
        summary = " ".join(part for part in (stance, f"({form})" if form else None) if part) or label(row, "item")
    return Raised(
        id=local_id(row.item),
        kind="recommendation" if recommendation else "position",
        by=by,
        summary=summary,
        date=text(row.date),
        text=text(row.text) or text(row.summary),
        citations=citations(loaded, row.item),
    )


def cited_reasons(
    loaded: LoadedGraph, policy: URIRef, names: dict[Node, str], raised: RaisedItems, rows: list | None = None
) -> list[tuple[Node, Reason]]:
    """Curated engagements, then recommendations or positions about the policy that invoke a provision.

    ``rows``: the policy's rows of ``trace-cited``, where read already (the inverse trace reads every
    policy's in one query, for its provisions only); else the rule is run here.

    A recommendation or position counts once per provision, naming every part of the policy it is
    about; a position is left out where the same actors' curated engagement already argues it.
    """
    arguers: dict[tuple, dict[Node, str]] = {}  # (subject, engagement, provision, argument) -> arguing bodies
    invoked: dict[tuple[Node, Node], list[Node]] = {}
    for row in run(loaded, "trace-cited", policy=policy) if rows is None else rows:
        names[row.subject], names[row.provision] = label(row, "subject"), label(row, "provision")
        if row.kind != PG.Engagement:
            invoked.setdefault((row.engagement, row.provision), []).append(row.subject)
            continue
        bodies = arguers.setdefault((row.subject, row.engagement, row.provision, row.argument), {})
        if row.arguedBy is not None:
            bodies[row.arguedBy] = label(row, "arguedBy")
    curated = [
        (
            provision,
            Reason(
                kind="cited",
                subjects=[local_id(subject)],
                explanation=text(argument) or f"{names[subject]} engages {names[provision]}",
                path=[local_id(subject), local_id(engagement), local_id(provision)],
                argued_by=sorted(bodies.values()),
                citations=citations(loaded, engagement),
            ),
        )
        for (subject, engagement, provision, argument), bodies in arguers.items()
    ]
    result = list(curated)
    raised.read(provision for _, provision in invoked)
    for (item, provision), subjects in invoked.items():
        item_raised = raised.at(provision)[item]
        if item_raised.kind == "position" and any(
            p == provision and set(item_raised.by) <= set(r.argued_by) for p, r in curated
        ):
            continue
        subjects = sorted(set(subjects), key=lambda s: (s != policy, names[s]))
        summary = item_raised.summary
        what = f"{summary}, a recommendation" if item_raised.kind == "recommendation" else f"a position ({summary})"
        reason = Reason(
            kind="cited",
            subjects=[local_id(s) for s in subjects],
            explanation=f"{what} about {_who(policy, subjects, names)}, invokes {names[provision]}",
            path=[local_id(item), local_id(provision)],
            argued_by=item_raised.by,
            citations=item_raised.citations,
        )
        result.append((provision, reason))
    return result


def inferred_reasons(loaded: LoadedGraph, policy: URIRef, names: dict[Node, str], rows: list | None = None) -> list[tuple[Node, Reason]]:
    """One reason per (provision, kind, concept the policy touches), naming every part that touches it.

    ``rows``: the policy's rows of ``trace-inferred``, where read already (as for ``cited_reasons``).
    """
    verbs = {"practice": ("uses", "use"), "group": ("affects", "affect"), "status": ("grants or changes", "grant or change")}
    nouns = {"practice": "practice", "group": "group", "status": "residence status"}
    touching: dict[tuple, list[Node]] = {}
    for row in run(loaded, "trace-inferred", policy=policy) if rows is None else rows:
        for variable in ("subject", "via", "concept", "provision"):
            names[getattr(row, variable)] = label(row, variable)
        touching.setdefault((row.provision, str(row.kind), row.via, row.concept), []).append(row.subject)
    result = []
    for (provision, kind, via, concept), subjects in touching.items():
        subjects = sorted(set(subjects), key=lambda s: (s != policy, names[s]))
        chain = _broader_chain(loaded, via, concept)
        wider = f", which falls under \u201c{names[concept]}\u201d" if via != concept else ""
        verb = verbs[kind][0] if len(subjects) == 1 else verbs[kind][1]
        explanation = (
            f"{_who(policy, subjects, names)} {verb} the {nouns[kind]} \u201c{names[via]}\u201d{wider}; "
            f"{names[provision]} concerns \u201c{names[concept]}\u201d"
        )
        reason = Reason(
            kind=kind,
            subjects=[local_id(s) for s in subjects],
            explanation=explanation,
            path=[*(local_id(c) for c in chain), local_id(provision)],
        )
        result.append((provision, reason))
    return result


def _who(policy: URIRef, subjects: list[Node], names: dict[Node, str]) -> str:
    """"The bill and its features “A” and “B”" — the parts of the policy that touch a concept."""
    features = [f"\u201c{names[s]}\u201d" for s in subjects if s != policy]
    named = " and ".join(features) if len(features) < 3 else ", ".join(features[:-1]) + " and " + features[-1]
    if policy not in subjects:
        return f"its feature{'s' if len(features) > 1 else ''} {named}"
    if not features:
        return names[policy]
    return f"{names[policy]} and its feature{'s' if len(features) > 1 else ''} {named}"


def _broader_chain(loaded: LoadedGraph, start: Node, goal: Node) -> list[Node]:
    """The shortest skos:broader chain from ``start`` up to ``goal`` (both included): the ids of a reason's path."""
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


def citations(loaded: LoadedGraph, node: Node) -> list[CitationRef]:
    """The citations of an engagement, statement or item: source id (or URL), locator and quote, sorted.

    Read from the store as triple patterns, not through the rdflib view: a trace asks for hundreds.
    """
    from policygraph.graph.convert import to_oxigraph

    def value(subject, predicate: str) -> str | None:  # noqa: ANN001 - a pyoxigraph term
        found = loaded.objects_of(subject, predicate)
        return found[0].value if found else None

    result = []
    for citation in loaded.objects_of(to_oxigraph(node), str(PG.citation)):
        source = value(citation, str(PG.source))
        result.append(
            CitationRef(
                source=local_id(source) if source is not None else readable_url(value(citation, str(PG.sourceUrl))),
                locator=value(citation, str(PG.locator)) or "",
                quote=value(citation, str(PG.quote)) or "",
            )
        )
    return sorted(result, key=lambda c: (c.source, c.locator, c.quote))
