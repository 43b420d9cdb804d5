"""The VoID + DCAT description states the built graph's own counts, sources and distributions."""

from __future__ import annotations

from rdflib import Graph, URIRef

from policygraph.graph.serialize import RDF_OUTPUT_FORMATS
from policygraph.graph.void import DATASET, DCAT, VOID, dataset_description
from policygraph.terms import DCTERMS, ID_BASE, PG, RDF


def _count(description: Graph, predicate: URIRef) -> int:
    return int(description.value(DATASET, predicate))


def test_void_counts_equal_the_graphs(bundled):
    """void:triples, classes, properties, subjects, objects and entities are those of the graph, counted here by rdflib."""
    graph = bundled.graph
    description = dataset_description(bundled)
    assert _count(description, VOID.triples) == len(graph) == len(bundled)
    assert _count(description, VOID.classes) == len(set(graph.objects(None, RDF.type)))
    assert _count(description, VOID.properties) == len(set(graph.predicates()))
    assert _count(description, VOID.distinctSubjects) == len(set(graph.subjects()))
    assert _count(description, VOID.distinctObjects) == len(set(graph.objects()))
    assert _count(description, VOID.entities) == len({s for s in graph.subjects() if str(s).startswith(ID_BASE)})


def test_void_names_sources_distributions_and_endpoint(bundled):
    """Every source record is a dcterms:source; a distribution per RDF format; the endpoint only when given."""
    description = dataset_description(bundled, endpoint="http://127.0.0.1:7878/query")
    assert set(description.objects(DATASET, DCTERMS.source)) == set(bundled.graph.subjects(RDF.type, PG.Source))
    distributions = set(description.objects(DATASET, DCAT.distribution))
    assert len(distributions) == len(RDF_OUTPUT_FORMATS)
    assert all((d, RDF.type, DCAT.Distribution) in description for d in distributions)
    assert description.value(DATASET, VOID.sparqlEndpoint) == URIRef("http://127.0.0.1:7878/query")
    assert dataset_description(bundled).value(DATASET, VOID.sparqlEndpoint) is None


def test_build_void_writes_the_description_beside_the_graph(invoke, tmp_path):
    """build -o FILE --void FILE2: the description's void:triples is the number of triples in FILE."""
    from pathlib import Path

    tiny = Path(__file__).parents[1] / "fixtures" / "tiny"
    graph_file, void_file = tmp_path / "g.nt", tmp_path / "g.void.ttl"
    result = invoke("build", "--no-bundled", "--data", tiny, "--format", "nt", "-o", graph_file, "--void", void_file)
    assert result.exit_code == 0, result.output
    description = Graph().parse(void_file, format="turtle")
    assert _count(description, VOID.triples) == len(graph_file.read_text(encoding="utf-8").splitlines())
    assert f"wrote {void_file} (VoID and DCAT description)" in result.stderr


def test_void_and_ontology_name_the_licence(bundled):
    """The dataset, each distribution and the ontology carry dcterms:license CC BY 4.0."""
    from policygraph import resources
    from policygraph.graph.void import LICENCE

    assert str(LICENCE) == "https://creativecommons.org/licenses/by/4.0/"
    description = dataset_description(bundled)
    assert list(description.objects(DATASET, DCTERMS.license)) == [LICENCE]
    for distribution in description.objects(DATASET, DCAT.distribution):
        assert description.value(distribution, DCTERMS.license) == LICENCE
    ontology = Graph().parse(resources.ontology_path(), format="turtle")
    assert list(ontology.objects(URIRef("https://w3id.org/policygraph/ontology"), DCTERMS.license)) == [LICENCE]
