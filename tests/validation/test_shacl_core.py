"""Peer test: the SHACL engine as we call it (validate.run_shacl) against the W3C SHACL Core test suite.

Only the manifest entries for the SHACL features our shapes use are run (the features are read from
shapes/*.ttl, so this follows the shapes). Each entry's data and shapes graphs come from the
manifest; the expected sh:conforms and the expected results (focus node, path, severity, constraint
component) must match. The suite lives in ../shared/peer-tests/shacl-core (see its PROVENANCE.md).
"""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import pytest
from rdflib import BNode, Graph, Namespace
from rdflib.collection import Collection
from rdflib.namespace import RDF, SH

from policygraph.validation.engines import run_shacl
from policygraph.validation.validate import load_shapes, shape_files

SUITE = Path(__file__).resolve().parents[3] / "shared" / "peer-tests" / "shacl-core" / "core"
MF = Namespace("http://www.w3.org/2001/sw/DataAccess/tests/test-manifest#")
SHT = Namespace("http://www.w3.org/ns/shacl-test#")

# SHACL terms our shapes use that name no test file of their own, and what the suite calls them.
_ALIASES = {"qualifiedMinCount": "qualifiedValueShape", "targetClass": "targetClass"}


def _local(iri) -> Path:
    """The file a file: IRI of the suite names."""
    return Path(str(iri).removeprefix("file://"))


def _features_used() -> set[str]:
    """Local names of the sh: terms used as predicates in the bundled shapes (targets, constraints, message ...)."""
    graph = load_shapes(shape_files())
    used = {str(p)[len(str(SH)) :] for p in graph.predicates() if str(p).startswith(str(SH))}
    return {_ALIASES.get(name, name) for name in used}


def _entries() -> list[tuple[str, Path]]:
    """(test id, test file) for every sht:Validate entry of the core manifest whose feature our shapes use."""
    if not SUITE.is_dir():
        return []
    features = _features_used()
    found = []
    for folder_manifest in sorted(SUITE.glob("*/manifest.ttl")):
        manifest = Graph().parse(folder_manifest, format="turtle")
        for included in sorted(manifest.objects(None, MF.include), key=str):
            path = _local(included)
            feature = re.match(r"[A-Za-z]+", path.name).group(0)
            if feature in features:
                found.append((f"{path.parent.name}/{path.stem}", path))
    return found


ABSENT = "../shared/peer-tests/shacl-core is not beside the repository"
FOUND = _entries()
ENTRIES = FOUND or [pytest.param("none", None, marks=pytest.mark.skip(reason=ABSENT))]
IDS = [test_id for test_id, _ in FOUND] or ["suite-absent"]


def _results(graph: Graph, report) -> Counter:
    """The top-level results of a report as comparable tuples."""
    return Counter(
        (
            graph.value(r, SH.focusNode),
            "complex path" if isinstance(graph.value(r, SH.resultPath), BNode) else graph.value(r, SH.resultPath),
            graph.value(r, SH.resultSeverity),
            graph.value(r, SH.sourceConstraintComponent),
        )
        for r in graph.objects(report, SH.result)
    )


def test_shacl_core_suite_covers_our_features():
    """The suite is there and the features our shapes rely on have tests in it."""
    if not SUITE.is_dir():
        pytest.skip(ABSENT)
    names = {test_id.split("/")[1].split("-")[0] for test_id, _ in FOUND}  # e.g. "property/minCount-001"
    assert {
        "minCount", "maxCount", "datatype", "class", "in", "pattern", "node", "or", "uniqueLang", "nodeKind",
        "qualifiedValueShape", "hasValue", "targetClass", "targetSubjectsOf", "severity", "message", "path",
    } <= names
    assert len(FOUND) >= 30


@pytest.mark.parametrize("test_id,path", ENTRIES, ids=IDS)
def test_shacl_core_entry(test_id, path):
    """The engine, called as validate.run_shacl calls it, gives the suite's expected conformance and results."""
    manifest = Graph().parse(path, format="turtle")
    for entry in Collection(manifest, manifest.value(predicate=MF.entries)):
        if (entry, RDF.type, SHT.Validate) not in manifest:
            continue
        action = manifest.value(entry, MF.action)
        data = Graph().parse(_local(manifest.value(action, SHT.dataGraph)), format="turtle")
        shapes = Graph().parse(_local(manifest.value(action, SHT.shapesGraph)), format="turtle")
        expected = manifest.value(entry, MF.result)
        report_graph = run_shacl(data, shapes)
        report = report_graph.value(predicate=RDF.type, object=SH.ValidationReport)
        assert report_graph.value(report, SH.conforms).toPython() == manifest.value(expected, SH.conforms).toPython()
        assert _results(report_graph, report) == _results(manifest, expected)
