"""The nodes' attributes: label, type, dates and time span, and literal properties if asked for.

``projection.project`` asks the store for every label and date property's values (``answers.values``)
at its start, and calls ``node_attributes`` once it knows the nodes, in id order.
"""

from __future__ import annotations

import calendar
import functools
import re
from collections import defaultdict

from rdflib import URIRef

from policygraph.graph.labels import best_label, local_id
from policygraph.network.answers import Answers, literal, values
from policygraph.network.model import one_line
from policygraph.network.schema import DATE_PROPERTIES, LABEL_PROPERTIES, Schema
from policygraph.terms import PG, SKOS, VOCAB_BASE, XSD

__all__ = ["LITERAL_PROPERTIES", "literal_properties", "node_attributes"]

_LABELS = tuple(str(p) for p in LABEL_PROPERTIES)
_DATES = [str(p) for p in DATE_PROPERTIES]
LITERAL_PROPERTIES = (*_LABELS, *_DATES)
"""The label and date properties, labels first: a label's rank is its property's place here."""
_DATE_NAMES = {str(p): local_id(p) for p in DATE_PROPERTIES}
_ENDS = {local_id(p): ends for p, ends in DATE_PROPERTIES.items()}  # date name -> whether it ends a time span
_NUMBERS = (XSD.decimal, XSD.integer, XSD.double, XSD.float)
_DATE_RE = re.compile(r"^(-?[0-9]{4})(?:-([0-9]{2})(?:-([0-9]{2}))?)?")  # ASCII digits only


def node_attributes(
    answers: Answers,
    schema: Schema,
    ordered: list[str],
    ids: list[str],
    entities: dict[str, str],
    literals: dict[str, dict[str, object]],
) -> tuple[list[dict], list[str]]:
    """Each node's attributes (label, type, dates, time span, literal properties), and notes on bad spans."""
    labels, dates = _labels_and_dates(answers)
    class_labels: dict[str, str] = {}
    participation = str(PG.Participation)
    notes: list[str] = []
    attributes = []
    for iri, identifier in zip(ordered, ids):
        cls = entities[iri]
        if cls not in class_labels:
            class_labels[cls] = schema.class_label(URIRef(cls))
        node_dates = dates.get(iri)
        if node_dates:
            start, end = _span(node_dates, cls == participation)
            if start and end and end < start:
                notes.append(f"{identifier}: end {end} before start {start}; end left out of the time span")
                end = None
        else:
            node_dates, start, end = {}, None, None
        candidates = labels.get(iri)
        label = (candidates[0][2] if len(candidates) == 1 else best_label(candidates)) if candidates else None
        attributes.append(
            {
                "label": one_line(label) if label else local_id(iri),
                "type": class_labels[cls],
                "class": cls,
                "iri": iri,
                "dates": node_dates,
                "start": start,
                "end": end,
                "properties": literals.get(iri, {}),
            }
        )
    return attributes, notes


def _labels_and_dates(answers: Answers) -> tuple[dict, dict]:
    """``{iri: [(rank, language, text)]}`` of labels (for ``best_label``) and ``{iri: {date name: earliest value}}``.

    Only literal values of IRIs count. Each node's dates come in ``DATE_PROPERTIES`` order.
    """
    labels: dict[str, list] = defaultdict(list)
    dates: dict[str, dict[str, str]] = defaultdict(dict)
    for rank, predicate in enumerate(LITERAL_PROPERTIES):
        cells = answers.cells(values(predicate))
        if predicate in _LABELS:
            for subject, value in zip(cells[0::2], cells[1::2]):
                found = literal(value)
                if found is not None and subject.startswith("<"):
                    labels[subject[1:-1]].append((rank, found[1] or None, found[0]))
            continue
        earliest: dict[str, str] = {}
        for subject, value in zip(cells[0::2], cells[1::2]):
            found = literal(value)
            if found is not None and subject.startswith("<"):
                known = earliest.get(subject)
                if known is None or found[0] < known:
                    earliest[subject] = found[0]
        name = _DATE_NAMES[predicate]
        for subject, value in earliest.items():
            dates[subject[1:-1]][name] = value
    return labels, dates


def literal_properties(store) -> dict[str, dict[str, object]]:
    """Each node's literal properties other than labels and dates: numbers, booleans, else text (``; ``-joined).

    Controlled values (``pg:status`` → a concept) count as literals: their word, the concept's ``skos:notation``.
    """
    from policygraph.graph.convert import to_rdflib

    skip = set(_LABELS) | set(_DATES)
    found: dict[str, dict[str, list]] = defaultdict(lambda: defaultdict(list))
    query = (
        "SELECT ?s ?p ?o WHERE { { ?s ?p ?o FILTER(isIRI(?s) && isLiteral(?o)) } UNION "
        f'{{ ?s ?p ?c . ?c <{SKOS.notation}> ?o FILTER(isIRI(?s) && STRSTARTS(STR(?c), "{VOCAB_BASE}")) }} }}'
    )
    for row in store.query(query):
        if row[1].value not in skip:
            found[row[0].value][local_id(URIRef(row[1].value))].append(to_rdflib(row[2]))
    result: dict[str, dict[str, object]] = {}
    for subject, by_name in found.items():
        properties: dict[str, object] = {}
        for name, literals in sorted(by_name.items()):
            if len(literals) == 1 and literals[0].datatype in _NUMBERS:
                properties[name] = float(literals[0].toPython())
            elif len(literals) == 1 and literals[0].datatype == XSD.boolean:
                properties[name] = bool(literals[0].toPython())
            else:
                properties[name] = "; ".join(sorted(one_line(str(v)) for v in literals))
        result[subject] = properties
    return result


def _span(dates: dict[str, str], participation: bool) -> tuple[str | None, str | None]:
    """The time span of a node: earliest start date to earliest end date, as ``YYYY-MM-DD``.

    A participation starts at entry into force where known (when the treaty binds the state).
    """
    entry = dates.get("entryIntoForce") if participation else None
    start = end = None
    for name, value in dates.items():
        if _ENDS[name]:
            day = _day(value, first=False)
            if day and (end is None or day < end):
                end = day
        elif entry is None:
            day = _day(value, first=True)
            if day and (start is None or day < start):
                start = day
    if entry is not None:
        start = _day(entry, first=True)
    return start, end


@functools.lru_cache(maxsize=1 << 14)  # a few thousand dates, each on many nodes
def _day(text: str, first: bool) -> str | None:
    """``2021`` → ``2021-01-01`` (or ``2021-12-31``), ``2021-02`` → ``2021-02-01`` (or ``-28``)."""
    match = _DATE_RE.match(text)
    if not match:
        return None
    year, month, day = match.groups()
    if day:
        return f"{year}-{month}-{day}"
    if month:
        last = calendar.monthrange(int(year), int(month))[1] if 1 <= int(month) <= 12 else 28
        return f"{year}-{month}-{'01' if first else last:0>2}"
    return f"{year}-01-01" if first else f"{year}-12-31"
