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


@pytest.mark.parametrize(("name", "bindings"), [("trace-context", {}), ("trace-coverage", {"state": "jp"}), ("trace-cited", {})])
def test_run_for_all_gives_each_policy_the_rows_run_gives(bundled, name, bindings):
    """One query for every policy (the inverse trace's) gives each policy the rows, in their order, that the rule
    gives it alone: the policy is bound in every group, so ``FILTER NOT EXISTS`` and the branches keep their meaning."""
    from policygraph.tracing.rules import run_for_all

    policies = sorted({row.policy for row in run(bundled, "trace-engaging-policies", provision=node_for_id("crc-art-9"))}, key=str)
    others = {key: node_for_id(value) for key, value in bindings.items()}
    together: dict = {policy: [] for policy in policies}
    for row in run_for_all(bundled, name, "policy", policies, **others):
        together[row.policy].append(vars(row))
    alone = {policy: [vars(row) for row in run(bundled, name, policy=policy, **others)] for policy in policies}
    if name == "trace-cited":  # its ORDER BY leaves rows of one engagement in any order (cited_reasons sorts what it shows)
        together, alone = ({p: sorted(rows, key=lambda r: sorted(map(str, r.items()))) for p, rows in d.items()} for d in (together, alone))
    assert together == alone
    assert len(policies) > 5 and sum(len(rows) for rows in alone.values()) > 20
