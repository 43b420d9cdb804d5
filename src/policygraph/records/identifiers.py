"""External identifiers and durations: how their YAML values are checked and the RDF they become.

A record names itself in other registries (the UN Treaty Collection, UN document symbols, ISO 3166,
e-Gov, Wikidata, the ILO's NORMLEX, the UN Treaty Series) with one key per scheme. Each scheme has its own sub-property of ``dcterms:identifier``
so a query can tell the schemes apart, and the plain ``dcterms:identifier`` triple is asserted too so
generic Linked Data tools see the identifier. Where the scheme has IRIs of its own whose form was read
in a published copy, the record also links to that IRI.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from collections.abc import Callable

from rdflib import Literal, URIRef

from policygraph.terms import DCTERMS, OWL, PG, RDFS, XSD

__all__ = ["IdentifierScheme", "SCHEMES", "identifier_triples", "parse_duration"]


def _roman(numeral: str) -> int:
    values = {"I": 1, "V": 5, "X": 10, "L": 50}
    total = 0
    for here, after in zip(numeral, numeral[1:] + " "):
        total += -values[here] if values.get(after, 0) > values[here] else values[here]
    return total


def _untc_page(number: str) -> str:
    """The treaty's status page: the chapter is the Roman part of the number, as an Arabic numeral."""
    return f"https://treaties.un.org/pages/ViewDetails.aspx?src=TREATY&mtdsg_no={number}&chapter={_roman(number.split('-')[0])}&clang=_en"


@dataclass(frozen=True)
class IdentifierScheme:
    """One identifier scheme: its YAML key's meaning, the check on a value, and the RDF it becomes."""

    label: str  # how `show` names the scheme
    predicate: URIRef  # the scheme's sub-property of dcterms:identifier
    pattern: str  # a value must match it
    example: str  # shown when a value does not match
    link: URIRef | None = None  # the predicate linking the record to the scheme's own IRI
    iri: Callable[[str], str] | None = None


SCHEMES: dict[str, IdentifierScheme] = {
    "untc": IdentifierScheme(
        "UNTC", PG.untcNumber, r"^[IVXL]+-[0-9]+(-[a-z])?$", "IV-11", RDFS.seeAlso, _untc_page
    ),
    "un-symbol": IdentifierScheme("UN symbol", PG.unSymbol, r"^[A-Z]+(/[A-Za-z0-9.\-]+)+$", "CCPR/C/JPN/CO/7"),
    "iso3166": IdentifierScheme("ISO 3166-1", PG.iso3166Code, r"^([A-Z]{2}|[A-Z]{3}|[0-9]{3})$", "JP"),
    "egov": IdentifierScheme(
        "e-Gov", PG.egovLawId, r"^[0-9]{3}[A-Z]{2}[0-9]{10}$", "326CO0000000319", RDFS.seeAlso,
        lambda law_id: f"https://laws.e-gov.go.jp/law/{law_id}",
    ),
    "wikidata": IdentifierScheme(
        "Wikidata", PG.wikidataId, r"^Q[1-9][0-9]*$", "Q123", OWL.sameAs,
        lambda qid: f"http://www.wikidata.org/entity/{qid}",
    ),
    # ILO conventions are deposited with the ILO, not the UN Secretary-General, so they have no UNTC
    # number; NORMLEX names each instrument by its code (C = convention, P = protocol, R = recommendation).
    "ilo": IdentifierScheme(
        "ILO NORMLEX", PG.iloInstrumentCode, r"^[CPR][0-9]{3}$", "C029", RDFS.seeAlso,
        lambda code: f"https://www.ilo.org/dyn/normlex/en/f?p=NORMLEXPUB:12100:0::NO::P12100_ILO_CODE:{code}",
    ),
    # A treaty not deposited with the Secretary-General (a bilateral one, or one deposited with a
    # government) can still be registered with the UN Secretariat and printed in the UN Treaty Series
    # under its registration number. No address form of the UNTS pages by that number has been read.
    "unts": IdentifierScheme("UNTS No.", PG.untsRegistrationNumber, r"^[1-9][0-9]*$", "1832"),
}
"""The identifier keys of the data format, by YAML key."""


def identifier_triples(subject: URIRef, key: str, value: str) -> list[tuple]:
    """The triples saying that ``subject`` has ``value`` in the scheme of the YAML key ``key``.

    Raises:
        ValueError: the value does not have the scheme's form.
    """
    scheme = SCHEMES[key]
    if not re.match(scheme.pattern, value):
        raise ValueError(f"bad {key} {value!r}: use the form {scheme.example}")
    triples = [(subject, scheme.predicate, Literal(value)), (subject, DCTERMS.identifier, Literal(value))]
    if scheme.link is not None and scheme.iri is not None:
        triples.append((subject, scheme.link, URIRef(scheme.iri(value))))
    return triples


_DURATION = re.compile(r"^P(?=[0-9])([0-9]+Y)?([0-9]+M)?([0-9]+D)?$")


def parse_duration(text: str) -> Literal:
    """An ISO 8601 duration of years, months and days (``P30D``, ``P3M``, ``P12M``) as a typed literal.

    Days alone are an ``xsd:dayTimeDuration`` and years or months alone an ``xsd:yearMonthDuration``:
    the two XSD types whose values compare and add up in SPARQL. A mix of both is an ``xsd:duration``.
    The lexical form is kept as written, so ``P12M`` stays twelve months and does not become ``P1Y``.

    Raises:
        ValueError: not such a duration.
    """
    match = _DURATION.match(text)
    if not match:
        raise ValueError(f"bad duration {text!r}: use P<n>D, P<n>M or P<n>Y (P30D, P3M, P12M)")
    years, months, days = match.groups()
    if days and not (years or months):
        datatype = XSD.dayTimeDuration
    elif not days:
        datatype = XSD.yearMonthDuration
    else:
        datatype = XSD.duration
    return Literal(text, datatype=datatype, normalize=False)
