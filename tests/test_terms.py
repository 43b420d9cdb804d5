"""The closed PG namespace and the ontology agree, and the ontology is well-formed for OWL tools."""

from __future__ import annotations

import pytest
from rdflib import Graph, Literal

from policygraph import resources
from policygraph.terms import OWL, PG, RDF, RDFS


@pytest.fixture(scope="module")
def ontology():
    return Graph().parse(resources.ontology_path(), format="turtle")


def _declared(ontology):
    kinds = (OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty, OWL.AnnotationProperty)
    return {s for kind in kinds for s in ontology.subjects(RDF.type, kind) if str(s).startswith(str(PG._NS))}


def test_terms_match_ontology(ontology):
    """Every PG attribute is declared in the ontology, and every ontology term has a PG attribute."""
    in_python = {PG._NS[name] for name in PG.__annotations__}
    assert in_python == _declared(ontology)


def test_terms_closed_namespace_fails_on_typos():
    """A misspelt term raises at once instead of minting a new IRI."""
    with pytest.raises(AttributeError):
        PG.affectGroup  # noqa: B018


def test_ontology_terms_have_english_label_and_comment(ontology):
    """Every class and property has an English rdfs:label and rdfs:comment (for Protégé and pyLODE)."""
    for term in _declared(ontology):
        for predicate in (RDFS.label, RDFS.comment):
            values = [v for v in ontology.objects(term, predicate) if isinstance(v, Literal) and v.language == "en"]
            assert len(values) == 1, f"{term} needs one English {predicate}"


def test_ontology_classes_are_aligned(ontology):
    """Every pg class has a superclass (pg, SKOS, ORG, PROV or DCTERMS): nothing floats free."""
    for cls in ontology.subjects(RDF.type, OWL.Class):
        if str(cls).startswith(str(PG._NS)):
            assert list(ontology.objects(cls, RDFS.subClassOf)), cls


def test_ontology_properties_declare_kind_and_definedby(ontology):
    """Properties are typed object/datatype properties and point back to the ontology."""
    for prop in _declared(ontology) - set(ontology.subjects(RDF.type, OWL.Class)):
        assert (prop, RDFS.isDefinedBy, None) in ontology


# -- the concept schemes of the controlled values (ontology/concepts.ttl) ----------------------------


@pytest.fixture(scope="module")
def concepts():
    return Graph().parse(resources.ontology_files()[1], format="turtle")


def test_concept_schemes_list_exactly_the_yaml_words(concepts):
    """Each ENUMS list is a scheme whose concepts have the YAML words as notations, an English label each."""
    from policygraph.records.kinds import ENUMS
    from policygraph.terms import SKOS, VOCAB, controlled_value

    for scheme, words in ENUMS.items():
        assert (VOCAB[scheme], RDF.type, SKOS.ConceptScheme) in concepts
        members = set(concepts.subjects(SKOS.inScheme, VOCAB[scheme]))
        assert members == {controlled_value(scheme, word) for word in words}, scheme
        for word in words:
            concept = controlled_value(scheme, word)
            assert (concept, RDF.type, SKOS.Concept) in concepts
            assert list(concepts.objects(concept, SKOS.notation)) == [Literal(word)]
            assert [v.language for v in concepts.objects(concept, SKOS.prefLabel)] == ["en"]


def test_concept_schemes_are_not_in_the_ontology_file(ontology):
    """The ontology file holds the ontology only, so pyLODE titles its page from the ontology, not a scheme."""
    from policygraph.terms import SKOS

    assert not list(ontology.subjects(RDF.type, SKOS.ConceptScheme))
    assert not list(ontology.subjects(RDF.type, SKOS.Concept))


def test_controlled_properties_range_over_concepts(ontology):
    """The properties whose values are controlled words are object properties ranging over skos:Concept."""
    from policygraph.records.kinds import COMMON_KEYS, RECORD_KINDS
    from policygraph.terms import SKOS

    controlled = {key.predicate for kind in RECORD_KINDS.values() for key in {**COMMON_KEYS, **kind.keys}.values() if key.kind == "enum"}
    assert len(controlled) == 7
    for predicate in controlled:
        assert (predicate, RDF.type, OWL.ObjectProperty) in ontology
        assert (predicate, RDFS.range, SKOS.Concept) in ontology


def test_ontology_metadata_follows_the_package_version(ontology):
    """The ontology names its version (as pyproject.toml does), a version IRI, its creator and dates."""
    import tomllib
    from pathlib import Path

    from policygraph.terms import DCTERMS

    version = tomllib.loads((Path(__file__).parents[1] / "pyproject.toml").read_text(encoding="utf-8"))["project"]["version"]
    (header,) = ontology.subjects(RDF.type, OWL.Ontology)
    assert ontology.value(header, OWL.versionInfo) == Literal(version)
    assert str(ontology.value(header, OWL.versionIRI)) == f"{header}/{version}"
    for predicate in (DCTERMS.creator, DCTERMS.created, DCTERMS.modified, DCTERMS.title):
        assert ontology.value(header, predicate) is not None, predicate


def test_every_property_has_a_domain_and_a_range_where_they_hold(ontology):
    """Every pg property has an rdfs:domain and an rdfs:range, but where no single class is true of all its uses.

    A union of classes would be true, but takes blank nodes, and a graph with blank nodes in its
    ontology holds them twice once a built graph is read back with the ontology (``--data japan.ttl``).
    The ontology therefore has no blank node, and these properties no domain (or range):
    """
    from rdflib import BNode

    several_subjects = {  # used by two or more classes with no common superclass
        PG.about, PG.actor, PG.addressedTo, PG.affectsGroup, PG.affectsStatus, PG.grantsStatus, PG.usesPractice, PG.addressesPractice,
        PG.jurisdiction, PG.provision, PG.kind, PG.summary, PG.text, PG.withdrawn, PG.date, PG.entryIntoForce,
        PG.citation, PG.url, PG.wikidataId,  # every record kind may be cited, have a page and a Wikidata item
    }
    any_value = {PG.url, PG.sourceUrl, PG.about, PG.policy}  # a web page (an IRI of no class of ours), any record, a policy or feature
    assert not [t for t in ontology if any(isinstance(term, BNode) for term in t)]
    for prop in _declared(ontology):
        if (prop, RDF.type, OWL.Class) in ontology:
            continue
        assert (ontology.value(prop, RDFS.domain) is None) == (prop in several_subjects), f"{prop}: rdfs:domain"
        assert (ontology.value(prop, RDFS.range) is None) == (prop in any_value), f"{prop}: rdfs:range"
