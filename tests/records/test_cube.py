"""Statistics records as RDF Data Cube: observations in one data set per series, with a structure that has a measure."""

from __future__ import annotations

from collections import defaultdict

from policygraph.records.cube import STRUCTURE, series_of
from policygraph.terms import PG, QB, RDF


def test_every_observation_is_in_the_data_set_of_its_series(bundled):
    """Each pg:Observation is a qb:Observation whose qb:dataSet is the series of its pg:measures text, and only that."""
    graph = bundled.graph
    by_series = defaultdict(set)
    for observation in graph.subjects(RDF.type, PG.Observation):
        measures = graph.value(observation, PG.measures)
        assert (observation, RDF.type, QB.Observation) in graph
        assert list(graph.objects(observation, QB.dataSet)) == [series_of(str(measures))]
        by_series[str(measures)].add(observation)
    assert set(graph.subjects(RDF.type, QB.DataSet)) == {series_of(text) for text in by_series}
    assert len(by_series) > 100  # one data set per series, not one for all


def test_every_data_set_has_the_structure_with_dimension_measure_and_unit(bundled):
    """IC-1/2/3 of the Data Cube spec: one structure per data set; it has a dimension, a measure and the unit attribute."""
    graph = bundled.graph
    for dataset in graph.subjects(RDF.type, QB.DataSet):
        assert list(graph.objects(dataset, QB.structure)) == [STRUCTURE]
    assert (STRUCTURE, RDF.type, QB.DataStructureDefinition) in graph
    components = list(graph.objects(STRUCTURE, QB.component))
    assert {graph.value(c, QB.dimension) for c in components} - {None} == {PG.period}
    assert {graph.value(c, QB.measure) for c in components} - {None} == {PG.value}
    assert PG.unit in {graph.value(c, QB.attribute) for c in components}


def test_series_of_is_a_stable_slug():
    assert str(series_of("Myanmar refugees accepted (JISR)")) == "https://w3id.org/policygraph/series/myanmar-refugees-accepted-jisr"
