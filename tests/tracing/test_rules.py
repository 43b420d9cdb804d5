"""The trace rules pick labels in SPARQL exactly as ``label_of`` does, on every mix of languages and predicates."""

from __future__ import annotations

import pytest
from rdflib import Graph, Literal

from policygraph.graph.handle import LoadedGraph
from policygraph.graph.labels import label_of, node_for_id
from policygraph.terms import PG, RDF, RDFS, SKOS
from policygraph.tracing.rules import label, run

# Each provision's labels, as (predicate, text, language); the expected pick is label_of's.
LABELLINGS = {
    "english-first": [(SKOS.prefLabel, "子ども", "ja"), (SKOS.prefLabel, "Child", "en"), (SKOS.prefLabel, "Kind", None)],
    "untagged-over-other-language": [(SKOS.prefLabel, "子ども", "ja"), (SKOS.prefLabel, "Kind", None)],
    "other-language-only": [(SKOS.prefLabel, "子ども", "ja")],
    "preflabel-over-rdfs-label": [(SKOS.prefLabel, "子ども", "ja"), (RDFS.label, "Child", "en")],
    "rdfs-label-english": [(RDFS.label, "Kind", None), (RDFS.label, "Child", "en")],
    "rdfs-label-untagged": [(RDFS.label, "enfant", "fr"), (RDFS.label, "Kind", None)],
    "rdfs-label-other-language": [(RDFS.label, "enfant", "fr")],
    "english-variant-is-not-english": [(SKOS.prefLabel, "Kind", None), (SKOS.prefLabel, "Child", "en-gb")],
    "no-label": [],
}


@pytest.fixture(scope="module")
def labelled():
    graph = Graph()
    treaty = node_for_id("treaty")
    graph.add((treaty, RDF.type, PG.Treaty))
    graph.add((treaty, RDFS.label, Literal("Le traité", lang="fr")))
    for name, labels in LABELLINGS.items():
        provision = node_for_id(name)
        graph.add((provision, RDF.type, PG.Provision))
        graph.add((provision, PG.partOf, treaty))
        for predicate, text, language in labels:
            graph.add((provision, predicate, Literal(text, lang=language)))
    return LoadedGraph(graph=graph)


@pytest.mark.parametrize("name", list(LABELLINGS))
def test_rule_labels_match_label_of(labelled, name):
    """trace-provision's ?provisionLabel and ?treatyLabel are what label_of picks, the id where there is no label."""
    provision = node_for_id(name)
    rows = run(labelled, "trace-provision", provision=provision)
    assert len(rows) == 1
    assert label(rows[0], "provision") == label_of(labelled.graph, provision)
    assert label(rows[0], "treaty") == label_of(labelled.graph, node_for_id("treaty")) == "Le traité"
