#!/usr/bin/env python3
"""A deterministic synthetic policygraph: the same seed and size always give the same Turtle file.

The graph uses policygraph's own ontology and is valid under its shapes, so every command runs on
it: states (the first is ``jp``), their government bodies and civil-society organisations (one is
``smj``), treaties with treaty bodies, articles and paragraphs, the states' participations with
reservations and declarations, three concept schemes (practices, groups with a broader hierarchy,
residence statuses), sources, and then policies until the size is reached — each policy with its
dates, status, responsible bodies, practices, groups, statuses, amendments, citations and, around
it, features, positions of NGOs, cited engagements with provisions, UN recommendations, events and
statistics.

Usage (from the repository root)::

    python benchmarks/generate.py 100k -o benchmarks/data/synthetic-100k.ttl
    python benchmarks/generate.py 1M --seed 7 -o big.ttl

Sizes count the triples of the file (``10k``, ``100k``, ``1M`` or a number); ``policygraph build``
adds the ontology's few hundred. Not part of the test run (tests import ``generate`` for small sizes).
"""

from __future__ import annotations

import argparse
import random
import sys
from pathlib import Path

PREFIXES = """\
@prefix pg: <https://w3id.org/policygraph/ontology#> .
@prefix : <https://w3id.org/policygraph/id/> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix org: <http://www.w3.org/ns/org#> .
@prefix prov: <http://www.w3.org/ns/prov#> .
@prefix dcterms: <http://purl.org/dc/terms/> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix pgv: <https://w3id.org/policygraph/vocab/> .

"""

STANCES = ("opposes", "supports", "proposes", "demands", "criticises", "welcomes", "concerned")
POLICY_CLASSES = ("Law", "Bill", "Measure", "Programme", "Guideline", "System")
UNITS = ("persons", "cases", "applications", "percent")
WORDS = ["residence", "detention", "deportation", "asylum", "review", "family", "labour", "health", "education", "protection", "appeal", "status", "permit", "visa", "border", "screening", "integration", "language", "housing", "training", "interview", "guardian", "child", "worker"]


def parse_size(text: str) -> int:
    """``10k`` → 10000, ``1M`` → 1000000, ``2500`` → 2500.

    Raises:
        ValueError: not a size.
    """
    text = text.strip()
    factor = {"k": 1_000, "K": 1_000, "m": 1_000_000, "M": 1_000_000}.get(text[-1:], 1)
    number = text[:-1] if factor != 1 else text
    value = int(float(number) * factor)
    if value < 1_000:
        raise ValueError(f"size {text!r} is too small: at least 1000 triples")
    return value


class _Writer:
    """Collects Turtle statements and counts their triples."""

    def __init__(self) -> None:
        self.parts: list[str] = []
        self.triples = 0

    def subject(self, subject: str, pairs: list[tuple[str, str]]) -> None:
        """``subject p1 o1 ; p2 o2 .`` (pairs whose object is None are skipped)."""
        pairs = [(p, o) for p, o in pairs if o is not None]
        # an object list (":a, :b") is one triple per object; literals hold no object lists
        self.triples += sum(1 if o.startswith('"') else o.count(", ") + 1 for _, o in pairs)
        body = " ;\n    ".join(f"{p} {o}" for p, o in pairs)
        self.parts.append(f"{subject} {body} .\n")

    def text(self) -> str:
        return PREFIXES + "".join(self.parts)


def _lit(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _word(scheme: str, word: str) -> str:
    """A controlled value: the concept of ``word`` in ``scheme`` (ontology/concepts.ttl), as the YAML loader maps it."""
    return f"pgv:{scheme}\\/{word}"


def _en(text: str) -> str:
    return _lit(text) + "@en"


def _year(year: int) -> str:
    return f'"{year}"^^xsd:gYear'


def _date(year: int, month: int, day: int) -> str:
    return f'"{year:04d}-{month:02d}-{day:02d}"^^xsd:date'


def _sentence(rng: random.Random, words: int) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(words)).capitalize()


class Generator:
    """Builds the synthetic graph; ``generate(size)`` is the entry point."""

    def __init__(self, size: int, seed: int = 1):
        self.size = size
        self.rng = random.Random(seed)
        self.out = _Writer()
        self.articles = 20 if size >= 100_000 else 5  # per treaty, each with two paragraphs

    # -- helpers ------------------------------------------------------------------------------

    def cite(self, subject: str, count: int = 1) -> list[tuple[str, str]]:
        """Citation pairs for a record (``pg:citation`` and ``prov:wasDerivedFrom``); writes the citation nodes."""
        rng = self.rng
        pairs = []
        for index in range(1, count + 1):
            source = rng.choice(self.sources)
            node = f"<https://w3id.org/policygraph/id/{subject}/cite/{index}>"
            self.out.subject(
                node,
                [
                    ("a", "pg:Citation"),
                    ("pg:source", f":{source}"),
                    ("pg:locator", _lit(f"Section {rng.randint(1, 40)}, para {rng.randint(1, 90)}")),
                    ("pg:quote", _lit(_sentence(rng, rng.randint(4, 12)))),
                ],
            )
            pairs += [("pg:citation", node), ("prov:wasDerivedFrom", f":{source}")]
        return pairs

    def pick(self, items: list[str], low: int, high: int) -> str | None:
        """An object list of ``low``..``high`` distinct items (None for none)."""
        count = self.rng.randint(low, min(high, len(items)))
        if count == 0:
            return None
        return ", ".join(f":{x}" for x in sorted(self.rng.sample(items, count)))

    # -- the fixed part -----------------------------------------------------------------------

    def states_and_sources(self) -> None:
        out = self.out
        count = min(60, max(3, self.size // 20_000))
        self.states = ["jp"] + [f"state-{i}" for i in range(1, count)]
        self.sources = []
        for state in self.states:
            for number in range(1, 3):
                source = f"src-{state}-{number}"
                self.sources.append(source)
                out.subject(
                    f":{source}",
                    [
                        ("a", "pg:Source"),
                        ("skos:prefLabel", _en(f"Report {number} on {state}")),
                        ("pg:url", f"<https://example.org/{state}/report-{number}>"),
                        ("pg:date", _year(2024)),
                        ("pg:sourceKind", _lit("report")),
                    ],
                )
        for state in self.states:
            name = "Japan" if state == "jp" else f"State {state.split('-')[1]}"
            out.subject(
                f":{state}",
                [("a", "pg:State"), ("skos:prefLabel", _en(name)), ("pg:kind", _lit("state"))] + self.cite(state),
            )

    def concepts(self) -> None:
        out = self.out
        self.practices = [f"practice-{i}" for i in range(40)]
        self.groups = [f"group-{i}" for i in range(60)]
        self.statuses = [f"status-{i}" for i in range(30)]
        for kind, scheme, members in (
            ("Practice", "practices", self.practices),
            ("Group", "groups", self.groups),
            ("ResidenceStatus", "residence-statuses", self.statuses),
        ):
            for index, concept in enumerate(members):
                broader = f":{members[(index - 1) // 3]}" if kind == "Group" and index else None
                out.subject(
                    f":{concept}",
                    [
                        ("a", f"pg:{kind}, skos:Concept"),
                        ("skos:inScheme", f":{scheme}"),
                        ("skos:prefLabel", _en(f"{kind} {index}")),
                        ("skos:broader", broader),
                    ]
                    + self.cite(concept),
                )

    def treaties(self) -> None:
        rng, out = self.rng, self.out
        self.treaty_list = [f"treaty-{i}" for i in range(12)]
        self.provisions: dict[str, list[str]] = {}
        self.treaty_bodies = []
        for index, treaty in enumerate(self.treaty_list):
            committee = f"{treaty}-committee"
            self.treaty_bodies.append(committee)
            out.subject(
                f":{committee}",
                [("a", "pg:TreatyBody"), ("skos:prefLabel", _en(f"Committee of treaty {index}"))] + self.cite(committee),
            )
            out.subject(
                f":{treaty}",
                [
                    ("a", "pg:Treaty"),
                    ("skos:prefLabel", _en(f"Treaty {index}")),
                    ("pg:adopted", _date(1950 + 5 * index, 1 + index % 12, 10)),
                    ("pg:binding", '"false"^^xsd:boolean' if index == 11 else '"true"^^xsd:boolean'),
                    ("pg:monitoredBy", f":{committee}"),
                ]
                + self.cite(treaty),
            )
            provisions = []
            for article in range(1, self.articles + 1):
                art = f"{treaty}-art-{article}"
                provisions.append(art)
                out.subject(
                    f":{art}",
                    [
                        ("a", "pg:Provision"),
                        ("pg:partOf", f":{treaty}"),
                        ("pg:article", _lit(str(article))),
                        ("skos:prefLabel", _en(f"Treaty {index} Art. {article}")),
                        ("pg:summary", _lit(_sentence(rng, 8))),
                        ("pg:right", _lit(rng.choice(WORDS))),
                        ("pg:concernsPractice", self.pick(self.practices, 0, 2)),
                        ("pg:concernsGroup", self.pick(self.groups, 0, 2)),
                        ("pg:concernsStatus", self.pick(self.statuses, 0, 1)),
                    ]
                    + self.cite(art),
                )
                for paragraph in (1, 2):
                    para = f"{art}-{paragraph}"
                    provisions.append(para)
                    out.subject(
                        f":{para}",
                        [
                            ("a", "pg:Provision"),
                            ("pg:partOf", f":{treaty}"),
                            ("pg:withinProvision", f":{art}"),
                            ("pg:article", _lit(f"{article}({paragraph})")),
                            ("skos:prefLabel", _en(f"Treaty {index} Art. {article}({paragraph})")),
                            ("pg:concernsPractice", self.pick(self.practices, 0, 1)),
                            ("pg:concernsGroup", self.pick(self.groups, 0, 1)),
                        ]
                        + self.cite(para),
                    )
            self.provisions[treaty] = provisions

    def participations(self) -> None:
        rng, out = self.rng, self.out
        self.joined: dict[str, list[str]] = {}
        for state in self.states:
            for index, treaty in enumerate(self.treaty_list):
                roll = rng.random()
                status = "party" if roll < 0.75 else "signatory" if roll < 0.9 else "not-party"
                node = f"{state}-{treaty}"
                signed = 1960 + 5 * index + rng.randint(0, 5)
                pairs = [("a", "pg:Participation"), ("pg:state", f":{state}"), ("pg:treaty", f":{treaty}"),
                         ("pg:participationStatus", _word("participation-status", status))]
                if status != "not-party":
                    pairs.append(("pg:signed", _date(signed, rng.randint(1, 12), rng.randint(1, 28))))
                    self.joined.setdefault(state, []).append(node)
                if status == "party":
                    ratified = signed + rng.randint(1, 4)
                    pairs += [("pg:ratified", _year(ratified)), ("pg:entryIntoForce", _year(ratified + 1))]
                out.subject(f":{node}", pairs + self.cite(node))
                if status != "not-party" and rng.random() < 0.3:
                    kind = rng.choice(("Reservation", "Declaration"))
                    statement = f"{node}-{kind.lower()}"
                    out.subject(
                        f":{statement}",
                        [
                            ("a", f"pg:{kind}"),
                            ("pg:participation", f":{node}"),
                            ("pg:modifies", f":{rng.choice(self.provisions[treaty])}"),
                            ("pg:text", _lit(_sentence(rng, 14))),
                            ("pg:effect", _lit(_sentence(rng, 8))),
                        ]
                        + self.cite(statement),
                    )

    # -- bodies -------------------------------------------------------------------------------

    def bodies(self, policies: int) -> None:
        rng, out = self.rng, self.out
        per_state_gov = max(4, policies // (12 * len(self.states)))
        per_state_ngo = max(3, policies // (15 * len(self.states)))
        self.gov: dict[str, list[str]] = {}
        self.ngos: dict[str, list[str]] = {}
        for state in self.states:
            gov = [f"{state}-gov-{i}" for i in range(per_state_gov)]
            ngos = [f"{state}-ngo-{i}" for i in range(per_state_ngo)]
            if state == "jp":
                ngos[0] = "smj"
            self.gov[state], self.ngos[state] = gov, ngos
            for index, body in enumerate(gov):
                parent = gov[rng.randrange(0, index)] if index >= 3 else None
                out.subject(
                    f":{body}",
                    [
                        ("a", "pg:GovernmentBody"),
                        ("skos:prefLabel", _en(f"{state} agency {index}")),
                        ("pg:kind", _lit("ministry" if index < 3 else "agency")),
                        ("pg:jurisdiction", f":{state}"),
                        ("org:subOrganizationOf", f":{parent}" if parent else None),
                        ("pg:founded", _year(1900 + rng.randint(0, 100))),
                    ]
                    + self.cite(body),
                )
            for index, body in enumerate(ngos):
                network = ngos[rng.randrange(0, index)] if index >= 2 and rng.random() < 0.5 else None
                if index and ngos[0] == "smj" and rng.random() < 0.2:
                    network = "smj"
                out.subject(
                    f":{body}",
                    [
                        ("a", "pg:CivilSocietyOrganization"),
                        ("skos:prefLabel", _en("Solidarity Network with Migrants Japan" if body == "smj" else f"{state} NGO {index}")),
                        ("pg:kind", _lit("ngo")),
                        ("pg:jurisdiction", f":{state}"),
                        ("org:memberOf", f":{network}" if network else None),
                        ("dcterms:description", _lit(_sentence(rng, 10))),
                    ]
                    + self.cite(body),
                )

    # -- policies and what surrounds them -----------------------------------------------------

    def policy(self, number: int, total: int) -> None:
        rng, out = self.rng, self.out
        state = self.states[number % len(self.states)]
        pid = f"policy-{number}"
        year = 1950 + (70 * number) // total
        self.policy_years.append(year)
        cls = POLICY_CLASSES[rng.randrange(len(POLICY_CLASSES))]
        approved = (year, rng.randint(1, 6), rng.randint(1, 28))
        pairs = [
            ("a", f"pg:{cls}"),
            ("skos:prefLabel", _en(f"{cls} {number}: {_sentence(rng, 3).lower()}")),
            ("pg:jurisdiction", f":{state}"),
            ("pg:approved", _date(*approved)),
            ("pg:responsibleBody", self.pick(self.gov[state], 1, 2)),
            ("pg:proposedBy", f":{rng.choice(self.gov[state][:3])}"),
            ("pg:usesPractice", self.pick(self.practices, 1, 3)),
            ("pg:affectsGroup", self.pick(self.groups, 1, 3)),
            ("pg:grantsStatus", self.pick(self.statuses, 0, 1)),
            ("pg:affectsStatus", self.pick(self.statuses, 0, 1)),
            ("dcterms:description", _lit(_sentence(rng, 12))),
        ]
        if cls == "Bill" and rng.random() < 0.3:
            pairs += [("pg:status", _word("policy-status", "withdrawn")), ("pg:withdrawn", _date(year, 10, rng.randint(1, 28)))]
        elif cls in ("Law", "Bill"):
            pairs += [
                ("pg:status", _word("policy-status", "in-force")),
                ("pg:enacted", _date(year, 7, rng.randint(1, 28))),
                ("pg:entryIntoForce", _year(year + 1)),
            ]
        else:
            ended = rng.random() < 0.2
            pairs += [("pg:status", _word("policy-status", "ended" if ended else "active")), ("pg:started", _year(year + 1))]
            if ended:
                pairs.append(("pg:ended", _year(year + 1 + rng.randint(1, 5))))
        older = self.first_of_year.get(year, number)
        if older and rng.random() < 0.3:
            pairs.append(("pg:amends", f":policy-{rng.randrange(0, older)}"))
        if number > 20 and rng.random() < 0.1:
            pairs.append(("pg:partOfPolicy", f":policy-{rng.randrange(0, number)}"))
        out.subject(f":{pid}", pairs + self.cite(pid, rng.randint(1, 2)))
        subjects = [pid]
        if rng.random() < 0.3:
            feature = f"{pid}-feature"
            subjects.append(feature)
            out.subject(
                f":{feature}",
                [
                    ("a", "pg:PolicyFeature"),
                    ("pg:featureOf", f":{pid}"),
                    ("skos:prefLabel", _en(f"Feature of policy {number}")),
                    ("pg:usesPractice", self.pick(self.practices, 1, 1)),
                    ("pg:affectsGroup", self.pick(self.groups, 0, 1)),
                ]
                + self.cite(feature),
            )
        ngos = self.ngos[state]
        for index in range(rng.choice((0, 1, 1, 2))):
            position = f"{pid}-position-{index}"
            out.subject(
                f":{position}",
                [
                    ("a", "pg:Position"),
                    ("pg:stance", _word("stance", rng.choice(STANCES))),
                    ("pg:form", _lit(rng.choice(("petition", "statement", "report")))),
                    ("pg:actor", self.pick(ngos, 1, 2)),
                    ("pg:about", f":{pid}"),
                    ("pg:addressedTo", f":{rng.choice(self.gov[state][:3])}" if rng.random() < 0.5 else None),
                    ("pg:date", _year(min(2023, year + rng.randint(0, 2)))),
                    ("pg:summary", _lit(_sentence(rng, 10))),
                ]
                + self.cite(position),
            )
        if rng.random() < 0.25:
            engagement = f"{pid}-engagement"
            treaty = rng.choice(self.treaty_list)
            out.subject(
                f":{engagement}",
                [
                    ("a", "pg:Engagement"),
                    ("pg:policy", f":{rng.choice(subjects)}"),
                    ("pg:provision", f":{rng.choice(self.provisions[treaty])}"),
                    ("pg:arguedBy", f":{rng.choice(ngos)}"),
                    ("pg:argument", _lit(_sentence(rng, 12))),
                ]
                + self.cite(engagement),
            )
        if rng.random() < 0.15:
            index = rng.randrange(len(self.treaty_list))
            treaty = self.treaty_list[index]
            recommendation = f"{pid}-recommendation"
            out.subject(
                f":{recommendation}",
                [
                    ("a", "pg:Recommendation"),
                    ("pg:actor", f":{self.treaty_bodies[index]}"),
                    ("pg:addressedTo", f":{state}"),
                    ("pg:documentSymbol", _lit(f"TB{index}/C/{state.upper()}/CO/{rng.randint(1, 9)}")),
                    ("pg:date", _year(min(2023, year + rng.randint(1, 5)))),
                    ("pg:paragraph", _lit(str(rng.randint(1, 60)))),
                    ("pg:provision", f":{rng.choice(self.provisions[treaty])}"),
                    ("pg:about", f":{pid}, :{rng.choice(self.practices)}"),
                    ("pg:text", _lit(_sentence(rng, 15))),
                ]
                + self.cite(recommendation),
            )
        if rng.random() < 0.1:
            event = f"{pid}-event"
            out.subject(
                f":{event}",
                [
                    ("a", "pg:Event"),
                    ("skos:prefLabel", _en(f"Meeting on policy {number}")),
                    ("pg:kind", _lit(rng.choice(("negotiation", "meeting", "consultation")))),
                    ("pg:date", _date(min(2023, year + 1), rng.randint(1, 12), rng.randint(1, 28))),
                    ("pg:participant", self.pick(ngos + self.gov[state], 2, 3)),
                    ("pg:organizer", f":{rng.choice(ngos)}"),
                    ("pg:about", f":{pid}"),
                    ("pg:location", _lit(f"City {rng.randint(1, 30)}")),
                ]
                + self.cite(event),
            )
        if rng.random() < 0.1:
            observation = f"{pid}-observation"
            out.subject(
                f":{observation}",
                [
                    ("a", "pg:Observation"),
                    ("skos:prefLabel", _en(f"People affected by policy {number}")),
                    ("pg:measures", _lit("people affected")),
                    ("pg:value", f'"{rng.randint(10, 100000)}"^^xsd:decimal'),
                    ("pg:unit", _word("unit", rng.choice(UNITS))),
                    ("pg:period", _year(min(2023, year + 1))),
                    ("pg:about", f":{pid}, :{rng.choice(self.groups)}"),
                ]
                + self.cite(observation),
            )

    def generate(self) -> str:
        """The Turtle text of a graph of about ``size`` triples (a little over)."""
        self.states_and_sources()
        self.concepts()
        self.treaties()
        self.participations()
        fixed = self.out.triples
        per_policy = 42  # measured: triples per policy with what surrounds it, bodies included
        total = max(10, (self.size - fixed) // per_policy)
        self.bodies(total)
        self.policy_years: list[int] = []
        self.first_of_year = {}
        for number in range(total):
            self.first_of_year.setdefault(1950 + (70 * number) // total, number)
        number = 0
        while self.out.triples < self.size:
            self.policy(number, total)
            number += 1
        return self.out.text()


def generate(size: int, seed: int = 1) -> tuple[str, int]:
    """The Turtle text of a synthetic graph of about ``size`` triples, and its exact triple count."""
    generator = Generator(size, seed)
    text = generator.generate()
    return text, generator.out.triples


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("size", help="triples: 10k, 100k, 1M or a number")
    parser.add_argument("-o", "--output", required=True, help="the Turtle file to write")
    parser.add_argument("--seed", type=int, default=1, help="random seed (default 1)")
    args = parser.parse_args(argv)
    try:
        size = parse_size(args.size)
    except ValueError as error:
        parser.error(str(error))
    text, triples = generate(size, args.seed)
    path = Path(args.output)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    print(f"wrote {path}: {triples} triples, {len(text.encode()) / 1e6:.1f} MB", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
