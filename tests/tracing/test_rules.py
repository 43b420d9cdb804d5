"""The trace rules pick labels in SPARQL exactly as ``label_of`` does, on every mix of languages and predicates; the
trace's "raised by" agrees with the rule users run."""

from __future__ import annotations

import pytest
from rdflib import Graph, Literal

from policygraph.graph.handle import LoadedGraph
from policygraph.graph.labels import label_of, node_for_id
from policygraph.terms import PG, RDF, RDFS, SKOS
from policygraph.tracing.evidence import RaisedItems
from policygraph.tracing.rules import label, run, run_text

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


def test_trace_about_flags_are_trace_raised_by(bundled):
    """For every provision every bundled policy engages, the trace keeps exactly the items trace-raised-by finds about
    the policy (``?about``), in its order, and counts the rest; its own two rules (trace-raised-items, decided with
    trace-about-topics) must not drift from the one users run."""
    policies = run_text(bundled, "SELECT DISTINCT ?policy WHERE { ?policy a/rdfs:subClassOf* pg:Policy } ORDER BY ?policy")
    flags, items_checked = [], set()
    for policy in (row.policy for row in policies):
        engaged = {row.provision for name in ("trace-cited", "trace-inferred") for row in run(bundled, name, policy=policy)}
        raised = RaisedItems(bundled, policy)
        raised.read(engaged)
        for provision in sorted(engaged):
            rows = run(bundled, "trace-raised-by", provision=provision, policy=policy)
            about = {row.item: row.about.toPython() for row in rows}
            assert {item: raised.about(item, provision) for item in about} == about, (policy, provision)
            assert list(raised.at(provision)) == [item for item, flag in about.items() if flag], (policy, provision)
            assert sum(raised.others(provision).values()) == list(about.values()).count(False), (policy, provision)
            flags += about.values()
            if provision not in items_checked:  # the item columns too, once per provision
                columns = [v for v in rows[0].__dict__ if v not in ("invoked", "about")] if rows else []
                mine = run(bundled, "trace-raised-items", provision=provision)
                assert {tuple(getattr(r, c) for c in columns) for r in mine} == {tuple(getattr(r, c) for c in columns) for r in rows}
                items_checked.add(provision)
    assert len(items_checked) > 60 and flags.count(True) > 400 and flags.count(False) > 400  # 67, 537, 428 today
