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
    kinds = (OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty)
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
