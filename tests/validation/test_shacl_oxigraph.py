"""The oxigraph SHACL engine (shapes compiled to SPARQL): the W3C SHACL Core suite, and the same findings as pySHACL.

The suite entries are those ``test_shacl_core`` runs (the features our shapes use, read from
shapes/*.ttl) with the default engine; here each runs through ``run_shacl(..., engine=...)`` with
each engine named. The equality tests
validate the bundled data, invalid fixtures and a synthetic graph with both engines and compare
every finding (code, severity, message, location, focus, path, value, shape).
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest
from rdflib import Graph
from rdflib.collection import Collection
from rdflib.namespace import RDF, SH

from policygraph import load_graph
from policygraph.errors import SchemaError
from policygraph.graph.handle import LoadedGraph
from policygraph.validation.engines import run_shacl
from policygraph.validation.validate import validate

sys.path.insert(0, str(Path(__file__).parent))
import test_shacl_core as core

FIXTURES = Path(__file__).parents[1] / "fixtures"


@pytest.mark.parametrize("engine", ["oxigraph", "pyshacl"])
@pytest.mark.parametrize("test_id,path", core.ENTRIES, ids=core.IDS)
def test_run_shacl_engine_w3c_entry(test_id, path, engine):
    """Each engine, named explicitly (oxigraph, and pyshacl kept as the reference), passes the suite entry."""
    manifest = Graph().parse(path, format="turtle")
    for entry in Collection(manifest, manifest.value(predicate=core.MF.entries)):
        if (entry, RDF.type, core.SHT.Validate) not in manifest:
            continue
        action = manifest.value(entry, core.MF.action)
        data = Graph().parse(core._local(manifest.value(action, core.SHT.dataGraph)), format="turtle")
        shapes = Graph().parse(core._local(manifest.value(action, core.SHT.shapesGraph)), format="turtle")
        expected = manifest.value(entry, core.MF.result)
        report_graph = run_shacl(LoadedGraph(graph=data), shapes, engine=engine)
        report = report_graph.value(predicate=RDF.type, object=SH.ValidationReport)
        assert report_graph.value(report, SH.conforms).toPython() == manifest.value(expected, SH.conforms).toPython()
        assert core._results(report_graph, report) == core._results(manifest, expected)


def _same_findings(loaded) -> None:
    reference = validate(loaded, engine="pyshacl")
    fast = validate(loaded, engine="oxigraph")
    assert [f.to_dict() for f in fast.findings] == [f.to_dict() for f in reference.findings]


def test_validate_oxigraph_bundled_same_as_pyshacl(bundled):
    """On the bundled data both engines report exactly the same findings."""
    _same_findings(bundled)


def _invalid_fixtures() -> list[str]:
    """The fixtures whose defect the shapes find (not those the loader refuses: they have no findings file)."""
    import json

    names = []
    for folder in sorted((FIXTURES / "invalid").iterdir()):
        expected = folder / "expected.json"
        if expected.is_file() and json.loads(expected.read_text(encoding="utf-8")).get("findings"):
            names.append(folder.name)
    return names


@pytest.mark.parametrize("fixture", _invalid_fixtures())
def test_validate_oxigraph_invalid_fixture_same_as_pyshacl(fixture):
    """On each fixture with a defect (added to the valid base) both engines report exactly the same findings."""
    import json

    folder = FIXTURES / "invalid" / fixture
    expected = json.loads((folder / "expected.json").read_text(encoding="utf-8"))
    sources = FIXTURES / expected["sources"] if expected.get("sources") else None
    loaded = load_graph([FIXTURES / "valid" / "base", *sorted(folder.glob("data.*"))], bundled=False)
    reference = validate(loaded, engine="pyshacl", sources=sources)
    fast = validate(loaded, engine="oxigraph", sources=sources)
    assert reference.findings
    assert [f.to_dict() for f in fast.findings] == [f.to_dict() for f in reference.findings]


def test_validate_oxigraph_synthetic_same_as_pyshacl(tmp_path):
    """On a synthetic graph of 3,000 triples with a few broken statements, both engines agree."""
    spec = importlib.util.spec_from_file_location("generate", Path(__file__).parents[2] / "benchmarks" / "generate.py")
    generate = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(generate)
    text, _ = generate.generate(3000, seed=3)
    text += (
        ':policy-1 pg:approved "2021-02-30"^^xsd:date ; pg:status "gone" ; pg:amends :policy-2 .\n'
        ':group-3 skos:broader :group-3 .\n:jp pg:jurisdiction :group-1 .\n'
    )
    path = tmp_path / "synthetic.ttl"
    path.write_text(text, encoding="utf-8")
    loaded = load_graph([path], bundled=False)
    reference = validate(loaded, engine="pyshacl")
    assert reference.counts["violation"] >= 4
    fast = validate(loaded, engine="oxigraph")
    assert [f.to_dict() for f in fast.findings] == [f.to_dict() for f in reference.findings]


def test_run_shacl_oxigraph_unsupported_feature_falls_back():
    """Shapes with sh:closed: the oxigraph engine refuses them, auto runs pySHACL."""
    shapes = Graph().parse(
        data="""@prefix sh: <http://www.w3.org/ns/shacl#> . @prefix ex: <http://example.org/> .
        ex:S a sh:NodeShape ; sh:targetNode ex:a ; sh:closed true .""",
        format="turtle",
    )
    data = Graph().parse(data="<http://example.org/a> <http://example.org/p> 1 .", format="turtle")
    with pytest.raises(SchemaError, match="sh:closed"):
        run_shacl(LoadedGraph(graph=data), shapes, engine="oxigraph")
    report = run_shacl(LoadedGraph(graph=data), shapes, engine="auto")
    assert report.value(predicate=RDF.type, object=SH.ValidationReport) is not None
    assert len(list(report.objects(None, SH.result))) == 1


_PATH_SHAPES = """@prefix sh: <http://www.w3.org/ns/shacl#> . @prefix ex: <http://example.org/> .
ex:Thing a sh:NodeShape ; sh:targetClass ex:Thing ;
    sh:property [ sh:path ex:p ; sh:minCount 1 ; sh:maxCount 1 ; sh:class ex:Thing ] ,
        [ sh:path [ sh:zeroOrMorePath ex:p ] ; sh:minCount 2 ] ,
        [ sh:path [ sh:oneOrMorePath ex:p ] ; sh:minCount 1 ] ,
        [ sh:path [ sh:alternativePath ( ex:p [ sh:zeroOrOnePath ex:q ] ) ] ; sh:maxCount 1 ] .
"""


@pytest.mark.parametrize("engine", ["oxigraph", "pyshacl"])
def test_run_shacl_paths_with_and_without_zero_length_matches(engine):
    """Counts and classes over paths that take a step and paths that can stay on the node (p*, q?) give SHACL's results.

    The oxigraph engine reads the values of a path that takes a step as a sub-select over the whole
    property and tests sh:minCount 1 and sh:class with MINUS; a zero-length path must stay a pattern.
    """
    shapes = Graph().parse(data=_PATH_SHAPES, format="turtle")
    data = Graph().parse(
        data="""@prefix ex: <http://example.org/> .
        ex:Sub <http://www.w3.org/2000/01/rdf-schema#subClassOf> ex:Thing .
        ex:a a ex:Thing ; ex:p ex:b .
        ex:b a ex:Sub ; ex:p ex:c, "text" .
        ex:c a ex:Thing .""",
        format="turtle",
    )
    report = run_shacl(LoadedGraph(graph=data), shapes, engine=engine)
    found = sorted(
        (str(report.value(r, SH.focusNode)).rsplit("/", 1)[-1], str(report.value(r, SH.sourceConstraintComponent)).rsplit("#", 1)[-1])
        for r in report.objects(None, SH.result)
    )
    assert found == [
        ("a", "MaxCountConstraintComponent"),  # ex:p | ex:q?: b, and a itself
        ("b", "ClassConstraintComponent"),  # "text" is a literal: never an instance
        ("b", "MaxCountConstraintComponent"),  # two values of ex:p
        ("b", "MaxCountConstraintComponent"),  # ex:p | ex:q?: b itself, c and "text"
        ("c", "MinCountConstraintComponent"),  # no ex:p
        ("c", "MinCountConstraintComponent"),  # ex:p* reaches only c itself: one value, not two
        ("c", "MinCountConstraintComponent"),  # ex:p+ takes at least one step: none
    ]
