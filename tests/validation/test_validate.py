"""The validation library: the shapes' conventions, the Report from validate(), and the mutation check."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import RDF, SH

from policygraph import load_graph, resources
from policygraph.graph.handle import LoadedGraph
from policygraph.records.kinds import ENUMS
from policygraph.terms import ID, PG, SKOS, controlled_value
from policygraph.validation.engines import run_shacl
from policygraph.validation.findings import PGSH, findings_from_results
from policygraph.validation.validate import load_shapes, shape_files, validate


def edited(loaded: LoadedGraph, add=(), remove=()) -> LoadedGraph:
    """A new handle on ``loaded``'s graph with triples added and removed (a handle is read-only: its store keeps the old graph)."""
    graph = Graph()
    for prefix, namespace in loaded.graph.namespaces():
        graph.bind(prefix, namespace)
    for triple in loaded.graph:
        graph.add(triple)
    for pattern in remove:
        graph.remove(pattern)
    for triple in add:
        graph.add(triple)
    return LoadedGraph(graph=graph, source_map=loaded.source_map, record_counts=loaded.record_counts, files=loaded.files)

FIXTURES = Path(__file__).parents[1] / "fixtures"
BASE = FIXTURES / "valid" / "base"
SOURCES = FIXTURES / "valid" / "sources"

_CONSTRAINTS = {
    SH["class"], SH.datatype, SH.nodeKind, SH.minCount, SH.maxCount, SH["in"], SH.pattern, SH.node, SH["or"],
    SH.xone, SH["and"], SH["not"], SH.uniqueLang, SH.languageIn, SH.hasValue, SH.qualifiedValueShape, SH.sparql,
}
_TARGETS = (SH.targetClass, SH.targetSubjectsOf, SH.targetObjectsOf, SH.targetNode)


@pytest.fixture(scope="module")
def shapes() -> Graph:
    """The bundled shapes graph."""
    return load_shapes(shape_files())


def _targeted_shapes(graph: Graph) -> list:
    return sorted({s for target in _TARGETS for s in graph.subjects(target, None)}, key=str)


def test_shape_files_one_per_area():
    """shapes/ holds one Turtle file per area, found through resources.shapes_dir()."""
    names = [p.name for p in shape_files()]
    assert names == [
        "bodies.ttl", "events-and-positions.ttl", "policies.ttl", "records.ttl",
        "sources-and-citations.ttl", "statistics.ttl", "treaties.ttl",
    ]
    assert all(p.parent == resources.shapes_dir() for p in shape_files())


def test_load_shapes_every_shape_has_message_and_code(shapes):
    """Every targeted shape (or each of its SPARQL constraints) has an sh:message and a kebab-case pgsh:code."""
    checked = 0
    for shape in _targeted_shapes(shapes):
        carriers = list(shapes.objects(shape, SH.sparql)) or [shape]
        for node in carriers:
            code = shapes.value(node, PGSH.code)
            message = shapes.value(node, SH.message)
            assert code is not None and re.fullmatch(r"[a-z]+(-[a-z]+)*", str(code)), shape
            assert message is not None and str(message) == str(message).strip(), shape
            assert not str(message).endswith("."), shape
            checked += 1
    assert checked > 100


def test_load_shapes_one_concern_per_shape(shapes):
    """A shape with its own message checks one thing (sh:minCount with sh:maxCount counts as one)."""
    for shape in _targeted_shapes(shapes):
        used = {p for p in shapes.predicates(shape, None) if p in _CONSTRAINTS}
        if {SH.minCount, SH.maxCount} <= used:
            used.discard(SH.maxCount)
        assert len(used) == 1, (shape, used)


def test_load_shapes_enumerations_match_the_data_format(shapes):
    """The sh:in value sets are exactly the concepts of the enumerations the loader accepts (records.ENUMS)."""
    by_path = {}
    for shape in shapes.subjects(SH["in"], None):
        values = list(Collection(shapes, shapes.value(shape, SH["in"])))
        by_path[shapes.value(shape, SH.path)] = values

    def concepts(scheme: str) -> list:
        return [controlled_value(scheme, word) for word in ENUMS[scheme]]

    assert by_path[PG.status] == concepts("policy-status")
    assert by_path[PG.participationStatus] == concepts("participation-status")
    assert by_path[PG.stance] == concepts("stance")
    assert by_path[PG.unit] == concepts("unit")
    assert by_path[PG.qualifier] == concepts("qualifier")
    assert by_path[PG.stateResponse] == concepts("response")
    assert by_path[PG.coverage] == concepts("coverage")


def test_load_shapes_bad_turtle_raises_schema_error(tmp_path):
    """A shapes file that is not Turtle raises SchemaError naming the file and line."""
    from policygraph.errors import SchemaError

    bad = tmp_path / "bad.ttl"
    bad.write_text("@prefix sh: <http://www.w3.org/ns/shacl#> .\n<a> sh:path <b\n", encoding="utf-8")
    with pytest.raises(SchemaError) as caught:
        load_shapes([bad])
    assert caught.value.location.path == str(bad)
    assert "cannot parse shapes" in caught.value.message


def test_shape_files_missing_path_raises_input_error(tmp_path):
    """A shapes path that does not exist raises InputError."""
    from policygraph.errors import InputError

    with pytest.raises(InputError, match="no such shapes file or folder"):
        shape_files([tmp_path / "nope.ttl"])


def test_validate_base_dataset_has_no_findings():
    """The fixtures' base dataset: no finding of any severity, quotes checked against its text."""
    report = validate(load_graph([BASE], bundled=False), sources=SOURCES)
    assert report.findings == ()
    assert report.ok and report.records == 28 and report.files == 1 and report.sources == str(SOURCES)


def test_validate_returns_report_for_non_conforming_data():
    """Non-conformance is data: validate returns a Report with ok False, it does not raise."""
    loaded = edited(load_graph([BASE], bundled=False), remove=[(ID["st-tr"], PG.state, None)])
    report = validate(loaded, sources=SOURCES)
    assert not report.ok
    [finding] = report.findings
    assert (finding.code, finding.entity, finding.key) == ("missing-state", "st-tr", "state")
    assert finding.severity == "violation"
    assert (finding.location.line, Path(finding.location.path).name) == (82, "records.yaml")


def test_run_shacl_conforms_on_base():
    """The engine call returns a SHACL report graph that says the base conforms."""
    loaded = load_graph([BASE], bundled=False)
    results = run_shacl(loaded, load_shapes(shape_files()))
    report = results.value(predicate=RDF.type, object=SH.ValidationReport)
    assert results.value(report, SH.conforms).toPython() is True


def test_findings_from_results_skips_nested_details():
    """Results nested under sh:detail (pyshacl reports them for sh:node / sh:or) do not become findings of their own."""
    loaded = edited(load_graph([BASE], bundled=False), add=[(ID["min"], PG.founded, Literal("in 1999"))])
    shapes_graph = load_shapes(shape_files())
    results = run_shacl(loaded, shapes_graph, engine="pyshacl")
    findings = findings_from_results(results, shapes_graph, loaded)
    assert sorted((f.code, f.entity, f.key) for f in findings) == [
        ("bad-date", "min", "founded"),
        ("too-many-values", "min", "founded"),
    ]
    assert len(list(results.subjects(RDF.type, SH.ValidationResult))) > len(findings)


# ---------------------------------------------------------------- mutation check

# The data contract (data/README.md): keys a record of each type cannot do without.
REQUIRED = {
    PG.Body: [SKOS.prefLabel, PG.citation],
    PG.Treaty: [SKOS.prefLabel, PG.citation],
    PG.Provision: [SKOS.prefLabel, PG.partOf, PG.citation],
    PG.Participation: [PG.state, PG.treaty, PG.participationStatus, PG.citation],
    PG.ReservationOrDeclaration: [PG.participation, PG.modifies, PG.citation],
    PG.Policy: [SKOS.prefLabel, PG.citation],
    PG.PolicyFeature: [SKOS.prefLabel, PG.featureOf, PG.citation],
    SKOS.Concept: [SKOS.prefLabel, SKOS.inScheme, PG.citation],
    PG.Event: [SKOS.prefLabel, PG.citation],
    PG.Position: [PG.stance, PG.actor, PG.citation],
    PG.Engagement: [PG.policy, PG.provision, PG.citation],
    PG.Recommendation: [PG.actor, PG.addressedTo, PG.text, PG.citation],
    PG.Observation: [PG.value, PG.unit, PG.citation],
    PG.Source: [SKOS.prefLabel],
}
# Keys required as "one of": removing all of them must fail.
REQUIRED_ONE_OF = {
    PG.Observation: [PG.period, PG.periodStart, PG.periodEnd],
    PG.Event: [PG.date, PG.startDate],
    PG.Position: [PG.about, PG.provision],
    PG.ReservationOrDeclaration: [PG.text, PG.effect],
    PG.Source: [PG.file, PG.url],
}


def _records_of(graph: Graph, rdf_class: URIRef) -> list[URIRef]:
    query = "SELECT DISTINCT ?r WHERE { ?r a/<http://www.w3.org/2000/01/rdf-schema#subClassOf>* ?c }"
    rows = graph.query(query, initBindings={"c": rdf_class})
    return sorted((r for (r,) in rows if str(r).startswith(str(ID))), key=str)


def _mutations(graph: Graph, sample: int) -> list[tuple[URIRef, tuple[URIRef, ...]]]:
    """(record, predicates to remove): each required key (or one-of group) on up to ``sample`` records per class."""
    mutations = []
    for table in (REQUIRED, REQUIRED_ONE_OF):
        for rdf_class, keys in table.items():
            groups = [tuple(keys)] if table is REQUIRED_ONE_OF else [(k,) for k in keys]
            for group in groups:
                holders = [r for r in _records_of(graph, rdf_class) if any((r, p, None) in graph for p in group)]
                mutations += [(record, group) for record in holders[:sample]]
    return mutations


def _assert_each_mutation_fails(loaded, mutations) -> None:
    """Apply the mutations in batches that touch each record at most once; each must give the record a violation."""
    batches: list[dict] = []
    for record, group in mutations:
        batch = next((b for b in batches if record not in b), None)
        if batch is None:
            batch = {}
            batches.append(batch)
        batch[record] = group
    for batch in batches:
        removed = [
            triple
            for record, group in batch.items()
            for predicate in group
            for triple in loaded.graph.triples((record, predicate, None))
        ]
        for triple in removed:
            loaded.graph.remove(triple)
        try:  # a new handle: the store of the old one holds the graph as it was
            mutated = LoadedGraph(graph=loaded.graph, source_map=loaded.source_map, record_counts=loaded.record_counts, files=loaded.files)
            report = validate(mutated, check_quotes=False)
        finally:
            for triple in removed:
                loaded.graph.add(triple)
        for record, group in batch.items():
            hits = [
                f
                for f in report.findings
                if f.focus == record and f.severity == "violation" and (f.path is None or f.path in group)
            ]
            assert hits, f"removing {[str(p) for p in group]} from {record} went unnoticed"


def test_validate_mutation_of_base_records_fails():
    """Removing any one required key from any record of the base dataset makes validation fail on that record."""
    loaded = load_graph([BASE], bundled=False)
    mutations = _mutations(loaded.graph, sample=100)
    assert len(mutations) >= 60
    assert validate(loaded, check_quotes=False).ok
    _assert_each_mutation_fails(loaded, mutations)


def test_validate_mutation_of_bundled_sample_fails():
    """Removing a required key from a sample of bundled records (2 per class and key) makes validation fail on them."""
    loaded = load_graph()
    mutations = _mutations(loaded.graph, sample=2)
    assert len(mutations) >= 60
    _assert_each_mutation_fails(loaded, mutations)


# ---------------------------------------------------------------- the bundled data


def test_validate_bundled_has_no_violations(bundled):
    """The bundled dataset conforms to the bundled shapes (warnings and infos allowed)."""
    report = validate(bundled, sources=resources.default_sources_dir())
    violations = [f"{f.location}: {f.code}: {f.entity}: {f.message}" for f in report.shown("violation")]
    assert violations == []


def test_validate_bundled_stable_facts(bundled):
    """On the bundled data: the 2021 bill is checked and clean; public-URL citations are infos, one each."""
    report = validate(bundled, check_quotes=True, sources=None)
    bill = ID["bill-2021-immigration-control-revision"]
    assert not [f for f in report.findings if f.focus == bill]
    external = [f for f in report.findings if f.code == "external-quote-not-checked"]
    url_citations = set(bundled.graph.subjects(PG.sourceUrl, None))
    assert {f.focus for f in external} >= url_citations and all(f.severity == "info" for f in external)
    not_checked = {f.entity for f in report.findings if f.code == "quote-not-checked"}
    assert "isa-report-2021" in not_checked and "smj-petition-2021" in not_checked


def test_shape_codes_are_documented(shapes):
    """Every code the shapes and the quote checks can report is listed in docs/validate-schema.md."""
    doc = (Path(__file__).parents[2] / "docs" / "validate-schema.md").read_text(encoding="utf-8")
    codes = {str(c) for c in shapes.objects(None, PGSH.code)}
    codes |= {"quote-not-found", "external-quote-not-checked", "quote-not-checked"}
    codes |= {"source-text-missing", "source-text-unreadable"}
    assert sorted(c for c in codes if f"`{c}`" not in doc) == []


@pytest.mark.parametrize(
    ("triple", "code"),
    [
        (("rec-detention-children", "stateResponse", "accepted"), "not-allowed"),
        (("min", "stateResponse", "noted"), "response-not-recommendation"),
        (("src", "coverage", "most"), "not-allowed"),
        (("rec-detention-children", "coverage", "partial"), "coverage-not-source"),
    ],
)
def test_validate_response_and_coverage(triple, code):
    """response is supported or noted and only on recommendations; coverage is full or partial and only on sources."""
    subject, predicate, value = triple
    loaded = edited(load_graph([BASE], bundled=False), add=[(ID[subject], PG[predicate], Literal(value))])
    report = validate(loaded, sources=SOURCES)
    assert code in {f.code for f in report.findings}
    assert not report.ok


def test_validate_response_and_coverage_accepted_where_they_belong():
    """A recommendation's response and a source's coverage, with allowed values, give no finding."""
    loaded = edited(
        load_graph([BASE], bundled=False),
        add=[(ID["rec-detention-children"], PG.stateResponse, controlled_value("response", "supported")),
             (ID["src"], PG.coverage, controlled_value("coverage", "partial"))],
    )
    report = validate(loaded, sources=SOURCES)
    assert report.findings == ()
