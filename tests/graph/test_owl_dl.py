"""What we write is OWL 2 DL: HermiT (through owlready2) reasons over the ontology and over the built graph, and the
OWL API's OWL 2 DL profile check finds no violation in the built graph.

The dates stay xsd:date, xsd:gYearMonth and xsd:gYear (and the entry-into-force delays xsd:dayTimeDuration), as
SPARQL compares them. Those datatypes are not in the OWL 2 datatype map (OWL 2 Structural Specification §4): an
OWL 2 DL ontology may name them (declared, as any datatype outside the map), but a reasoner knows no value space
for them, so HermiT refuses them in a data property assertion, and a datatype definition may not give them one
(it must not define an IRI of the reserved vocabulary). The properties that carry them are therefore annotation
properties, to which the Direct Semantics gives no meaning, and HermiT reasons over the rest.
``test_values_outside_the_datatype_map_are_annotations`` holds that rule without Java. The HermiT tests skip where
Java is missing (``.ci/run`` installs ``default-jre-headless``); owlready2 comes with the ``test`` extra.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from rdflib import Graph, Literal

from policygraph import resources
from policygraph.graph.serialize import serialize
from policygraph.terms import OWL, RDF, RDFS, XSD

needs_java = pytest.mark.skipif(shutil.which("java") is None, reason="HermiT needs Java (apt-get install default-jre-headless)")

OWL2_DATATYPE_MAP = {
    OWL.real, OWL.rational, RDFS.Literal, RDF.PlainLiteral, RDF.XMLLiteral, RDF.langString,
    *(XSD[name] for name in (
        "decimal", "integer", "nonNegativeInteger", "nonPositiveInteger", "positiveInteger", "negativeInteger",
        "long", "int", "short", "byte", "unsignedLong", "unsignedInt", "unsignedShort", "unsignedByte",
        "double", "float", "string", "normalizedString", "token", "language", "Name", "NCName", "NMTOKEN",
        "boolean", "hexBinary", "base64Binary", "anyURI", "dateTime", "dateTimeStamp",
    )),
}
"""The datatypes of the OWL 2 datatype map (Structural Specification §4), rdfs:Literal, and rdf:langString (RDF
1.1's name for a language-tagged string, which OWL 2 reads as rdf:PlainLiteral)."""


def _datatype(value: Literal):
    if value.language:
        return RDF.langString
    return value.datatype or XSD.string


def _owlready2():
    return pytest.importorskip("owlready2", reason="owlready2 is not installed (pip install -e '.[test]')")


def _reason(path: Path) -> None:
    """Load ``path`` (N-Triples) into a fresh owlready2 world and run HermiT; raises if HermiT refuses or finds it inconsistent."""
    owlready2 = _owlready2()
    world = owlready2.World()
    ontology = world.get_ontology(path.as_uri()).load(format="ntriples")
    with ontology:
        owlready2.sync_reasoner(world, infer_property_values=False, debug=0)
    assert list(world.inconsistent_classes()) == []


@pytest.fixture(scope="module")
def graph_file(bundled, tmp_path_factory) -> Path:
    """The bundled graph as ``build --format nt`` writes it."""
    target = tmp_path_factory.mktemp("owl") / "graph.nt"
    target.write_bytes(serialize(bundled, "nt"))
    return target


def test_values_outside_the_datatype_map_are_annotations(graph_file):
    """Every property whose values have a datatype outside the OWL 2 datatype map is an owl:AnnotationProperty,
    and each such datatype is declared (rdfs:Datatype), as OWL 2 DL asks of a datatype outside the map."""
    graph = Graph().parse(graph_file, format="nt")
    outside: dict = {}
    for _, predicate, value in graph:
        if isinstance(value, Literal) and _datatype(value) not in OWL2_DATATYPE_MAP:
            outside.setdefault(predicate, set()).add(_datatype(value))
    seen = set().union(*outside.values())
    assert {XSD.date, XSD.gYearMonth, XSD.gYear} <= seen, "the graph's dates are no longer xsd:date/gYearMonth/gYear"
    assert {p for p in outside if (p, RDF.type, OWL.AnnotationProperty) not in graph} == set()
    assert {d for d in seen if (d, RDF.type, RDFS.Datatype) not in graph} == set()


@needs_java
def test_hermit_accepts_the_ontology_and_concept_schemes(tmp_path):
    """The schema alone (ontology/*.ttl) is OWL 2 DL that HermiT reasons over, with no unsatisfiable class."""
    schema = Graph()
    for path in resources.ontology_files():
        schema.parse(path, format="turtle")
    target = tmp_path / "schema.nt"
    schema.serialize(target, format="nt", encoding="utf-8")
    _reason(target)


@needs_java
def test_hermit_accepts_the_built_graph(graph_file):
    """HermiT reads the built graph, dates and all, and finds it consistent."""
    text = graph_file.read_text(encoding="utf-8")
    assert f'"^^<{XSD.date}>' in text and f'"^^<{XSD.gYear}>' in text  # the dates are there for HermiT to read
    _reason(graph_file)


@needs_java
def test_owl_api_finds_the_built_graph_in_the_owl2_dl_profile(graph_file):
    """The OWL API's OWL 2 DL profile check (every class and property declared, no misused reserved term) passes."""
    owlready2 = _owlready2()
    hermit_jar = Path(owlready2.__file__).parent / "hermit" / "HermiT.jar"
    checker = Path(__file__).parent / "OwlDlProfile.java"
    result = subprocess.run(
        ["java", "-cp", str(hermit_jar), str(checker), str(graph_file)], capture_output=True, text=True, timeout=300
    )
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]
    assert result.stdout.strip().endswith(" 0 violations")
