"""Statistics as RDF Data Cube: each observation record in the ``qb:DataSet`` of its series.

A series is the set of observations that count the same thing: the same ``measures`` text (the
curators' rule in ``data/statistics``). Its data set is ``SERIES[slug of the text]``, labelled with
the text, with the structure ``pg:observationStructure`` that ``ontology/policygraph.ttl`` defines:
the dimension ``pg:period``, the measure ``pg:value``, the attributes ``pg:unit`` (a sub-property of
``sdmx-attribute:unitMeasure``), ``pg:qualifier``, ``pg:periodStart`` and ``pg:periodEnd``. The
observation keeps its ``pg:`` properties, so queries, shapes and the network read it as before.
"""

from __future__ import annotations

import re

from rdflib import Literal, URIRef

from policygraph.terms import PG, QB, RDF, RDFS, SERIES

__all__ = ["STRUCTURE", "series_of", "cube_triples"]

STRUCTURE = PG._NS["observationStructure"]
"""The ``qb:DataStructureDefinition`` every series shares (an individual of the ontology, so not a term of ``PG``)."""


def series_of(measures: str) -> URIRef:
    """The data set of the series whose observations measure ``measures`` (``refugees accepted`` → ``.../series/refugees-accepted``)."""
    slug = re.sub(r"[^a-z0-9]+", "-", measures.lower()).strip("-")
    return SERIES[slug or "unnamed"]


def cube_triples(observation: URIRef, measures: str) -> list[tuple]:
    """The Data Cube triples of one observation record: its type, its data set and the data set's structure."""
    dataset = series_of(measures)
    return [
        (observation, RDF.type, QB.Observation),
        (observation, QB.dataSet, dataset),
        (dataset, RDF.type, QB.DataSet),
        (dataset, QB.structure, STRUCTURE),
        (dataset, RDFS.label, Literal(measures, lang="en")),
    ]
