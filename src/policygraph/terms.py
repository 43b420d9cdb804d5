"""Namespaces and closed term sets.

``PG`` mirrors ``ontology/policygraph.ttl`` term for term, so a misspelt term fails at once;
a test checks that the two agree.
"""

from __future__ import annotations

from rdflib import Namespace, URIRef
from rdflib.namespace import DCTERMS, ORG, OWL, PROV, RDF, RDFS, SKOS, XSD, DefinedNamespace

__all__ = ["PG", "ID", "ID_BASE", "QB", "SERIES", "VOCAB", "VOCAB_BASE", "controlled_value", "DCTERMS", "ORG", "OWL", "PROV", "RDF", "RDFS", "SKOS", "XSD"]

from policygraph.names import ID_BASE, VOCAB_BASE

ID = Namespace(ID_BASE)
"""Instances: ``ID["crc-art-9"]``."""

VOCAB = Namespace(VOCAB_BASE)
"""The controlled values (``ontology/concepts.ttl``): a SKOS concept scheme per list of words in ``records.kinds.ENUMS``."""


QB = Namespace("http://purl.org/linked-data/cube#")
"""The RDF Data Cube vocabulary: statistics records are ``qb:Observation`` s in a ``qb:DataSet`` per series."""

SERIES = Namespace("https://w3id.org/policygraph/series/")
"""The statistical series (``qb:DataSet``): one per distinct ``measures`` text of the observation records."""


def controlled_value(scheme: str, word: str) -> URIRef:
    """The concept a YAML word stands for: ``controlled_value("policy-status", "in-force")`` → ``.../vocab/policy-status/in-force``.

    The word itself is the concept's ``skos:notation``, which queries match and print.
    """
    return VOCAB[f"{scheme}/{word}"]


class PG(DefinedNamespace):
    """The policygraph ontology (``https://w3id.org/policygraph/ontology#``)."""

    _NS = Namespace("https://w3id.org/policygraph/ontology#")
    _fail = True

    # classes
    Body: URIRef  # An organisation that makes, runs, monitors or contests policy.
    GovernmentBody: URIRef  # A ministry, agency, bureau, council, office or facility of a state.
    CivilSocietyOrganization: URIRef  # A non-governmental organisation, network, project, union or volunteer group.
    IntergovernmentalOrganization: URIRef  # An organisation of states, such as IOM, UNHCR or the United Nations.
    TreatyBody: URIRef  # A committee of experts that monitors a state's implementation of a human-rights treaty.
    SpecialProcedure: URIRef  # A UN Human Rights Council mandate, such as a Special Rapporteur or Working Group.
    State: URIRef  # A sovereign state, party or not to treaties.
    Treaty: URIRef  # An international instrument; binding unless pg:binding is false (as for the GCM).
    Provision: URIRef  # An article, paragraph or objective of a treaty.
    Participation: URIRef  # A state's signature, ratification, accession or acceptance of a treaty, with its dates.
    ReservationOrDeclaration: URIRef  # A unilateral statement by which a state qualifies its consent to a treaty provision.
    Reservation: URIRef  # A statement excluding or modifying the legal effect of a provision for the state.
    Declaration: URIRef  # An interpretative statement on how the state reads a provision.
    Policy: URIRef  # A law, bill, measure, programme, guideline or system of a state.
    Law: URIRef  # An enacted statute or cabinet order.
    Bill: URIRef  # A legislative proposal submitted to a parliament.
    Measure: URIRef  # A government action or package of actions short of legislation.
    Programme: URIRef  # A standing programme run by a public body.
    Guideline: URIRef  # Guidance, rules of operation or a plan issued by a public body.
    System: URIRef  # An administrative system, such as a residence status scheme or a recognition procedure.
    PolicyFeature: URIRef  # A distinctive provision or mechanism of a policy, such as a criminal penalty it introduces.
    Practice: URIRef  # Something a policy does to people, such as detention or deportation.
    Group: URIRef  # A group of people that policies affect, such as asylum seekers or children.
    ResidenceStatus: URIRef  # A status of residence that a policy grants, changes or withdraws.
    Position: URIRef  # Where actors stand on a policy or provision: opposing, supporting, demanding, criticising.
    Event: URIRef  # A dated occurrence: a negotiation, consultation, meeting, visit, report or day of discussion.
    Engagement: URIRef  # A cited argument that a policy or feature engages a treaty provision.
    Recommendation: URIRef  # A recommendation or concern addressed to a state by a treaty body or special procedure.
    Observation: URIRef  # A statistical figure: a value with unit, reference period and what it counts.
    Source: URIRef  # A document the data is curated from.
    Citation: URIRef  # A pointer into a source: the source or URL, a locator and a verbatim quote.

    # properties
    jurisdiction: URIRef  # The state whose body or policy this is.
    kind: URIRef  # A curator's one-word kind within the class (ministry, network, negotiation, petition...).
    url: URIRef  # The public web page of the entity.
    founded: URIRef  # When the body was established.
    dissolved: URIRef  # When the body ceased to exist.
    adopted: URIRef  # When the instrument was adopted.
    binding: URIRef  # Whether the instrument creates legal obligations (false for the GCM).
    supplements: URIRef  # The treaty a protocol supplements.
    monitoredBy: URIRef  # The treaty body that monitors the instrument.
    partOf: URIRef  # The treaty a provision belongs to.
    withinProvision: URIRef  # The article a paragraph or letter belongs to.
    article: URIRef  # The article and paragraph number, e.g. 9(1).
    summary: URIRef  # A short summary in the curator's words.
    right: URIRef  # A right the provision protects, in a few words.
    concernsPractice: URIRef  # A practice the provision is about; policies using it engage the provision.
    concernsGroup: URIRef  # A group the provision protects; policies affecting it engage the provision.
    concernsStatus: URIRef  # A residence status the provision is about.
    state: URIRef  # The participating state.
    treaty: URIRef  # The treaty participated in.
    participationStatus: URIRef  # party, signatory or not-party.
    signed: URIRef  # Date of signature.
    ratified: URIRef  # Date of ratification.
    acceded: URIRef  # Date of accession.
    accepted: URIRef  # Date of acceptance.
    entryIntoForce: URIRef  # When the treaty or policy entered into force (for the state).
    entryIntoForceDelay: URIRef  # How long after a state deposits its instrument the treaty enters into force for it.
    participation: URIRef  # The participation a reservation or declaration belongs to.
    modifies: URIRef  # The provision a reservation or declaration qualifies.
    text: URIRef  # The verbatim text of a reservation, declaration or recommendation.
    effect: URIRef  # The practical effect of a reservation or declaration, in plain words.
    withdrawn: URIRef  # When a bill, reservation or declaration was withdrawn.
    status: URIRef  # The policy's status: proposed, pending, enacted, in-force, active, abandoned, withdrawn, ended, superseded.
    proposed: URIRef  # When the policy was proposed.
    approved: URIRef  # When the cabinet or government approved the policy.
    enacted: URIRef  # When the law was passed.
    promulgated: URIRef  # When the law was promulgated.
    started: URIRef  # When a programme or system started operating.
    ended: URIRef  # When the policy ended, lapsed or was abandoned.
    responsibleBody: URIRef  # A body that runs the policy.
    proposedBy: URIRef  # A body that proposed the policy.
    amends: URIRef  # An older policy this one changes.
    replacedBy: URIRef  # A later policy that replaces this one.
    partOfPolicy: URIRef  # A wider policy this one belongs to.
    featureOf: URIRef  # The policy a feature belongs to.
    usesPractice: URIRef  # A practice the policy or feature applies to people (detains, deports, examines them); obligation tracing infers through it.
    addressesPractice: URIRef  # A practice the policy or feature detects people for, studies, trains staff in or prevents, without applying it to anyone itself; obligation tracing does not infer through it.
    affectsGroup: URIRef  # A group the policy or feature affects.
    grantsStatus: URIRef  # A residence status the policy creates or grants.
    affectsStatus: URIRef  # A residence status the policy changes or withdraws.
    stance: URIRef  # opposes, supports, proposes, demands, criticises, welcomes or concerned.
    form: URIRef  # The form a position takes: petition, statement, report, letter.
    actor: URIRef  # A body that holds the position or makes the recommendation.
    about: URIRef  # What a position, event, recommendation or observation is about.
    provision: URIRef  # A treaty provision a position, engagement or recommendation invokes.
    addressedTo: URIRef  # The body a position or recommendation is addressed to.
    date: URIRef  # When it happened or was issued.
    startDate: URIRef  # When the event began.
    endDate: URIRef  # When the event ended.
    participant: URIRef  # A body that took part in the event.
    organizer: URIRef  # A body that organised the event.
    location: URIRef  # Where the event took place.
    policy: URIRef  # The policy or policy feature an engagement is about.
    arguedBy: URIRef  # The body that argues the engagement.
    argument: URIRef  # The argument, in the curator's words.
    documentSymbol: URIRef  # The UN document symbol, e.g. CCPR/C/JPN/CO/6.
    paragraph: URIRef  # The paragraph of the document.
    stateResponse: URIRef  # How the state answered a UPR recommendation: supported or noted.
    measures: URIRef  # What the figure counts, in a few words.
    value: URIRef  # The figure.
    unit: URIRef  # The unit: persons, cases, applications, percent, organizations, facilities, companies, yen or count.
    qualifier: URIRef  # How the source bounds the figure: approximately, less-than, more-than, at-least, at-most.
    period: URIRef  # The reference period of the figure.
    periodStart: URIRef  # The start of the reference period.
    periodEnd: URIRef  # The end of the reference period.
    file: URIRef  # The file name of the source text in the sources folder.
    sourceKind: URIRef  # petition, report, review, web page.
    coverage: URIRef  # How much of the source the data records: full or partial.
    citation: URIRef  # A citation supporting the record.
    source: URIRef  # The source document cited.
    sourceUrl: URIRef  # The public page cited, when the source is not one of the local documents.
    locator: URIRef  # Where in the source: chapter, section, paragraph.
    quote: URIRef  # A short verbatim quote found in the source.
    untcNumber: URIRef  # The treaty's chapter and number in the UN Treaty Collection, e.g. IV-11.
    unSymbol: URIRef  # The UN document symbol of a source, e.g. CCPR/C/JPN/CO/7.
    iso3166Code: URIRef  # The state's ISO 3166-1 code (alpha-2, alpha-3 or numeric).
    egovLawId: URIRef  # The law's id in Japan's e-Gov law database, e.g. 326CO0000000319.
    wikidataId: URIRef  # The entity's Wikidata item (Q followed by digits).
    iloInstrumentCode: URIRef  # The code of an ILO instrument in NORMLEX, e.g. C029.
    untsRegistrationNumber: URIRef  # The number under which a treaty is registered in the UN Treaty Series.


PREFIXES: dict[str, str] = {
    "pg": str(PG._NS),
    "pgid": ID_BASE,
    "pgv": VOCAB_BASE,
    "qb": str(QB),
    "skos": str(SKOS),
    "rdf": str(RDF),
    "rdfs": str(RDFS),
    "xsd": str(XSD),
    "owl": str(OWL),
    "org": str(ORG),
    "prov": str(PROV),
    "dcterms": str(DCTERMS),
}
"""The prefixes every query may use without declaring them (and that compact names in tables)."""
