"""sparql/api.py: query() on every kind of source, and rows as dicts or a DataFrame."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from rdflib import Graph, Literal, URIRef

from policygraph import load_graph
from policygraph.errors import ConfigError
from policygraph.sparql.api import open_endpoint, query, to_dataframe, to_dicts
from policygraph.sparql.query import parse_query
from policygraph.sparql.run import run_query

DATA = Path(__file__).parents[1] / "fixtures" / "query"
TURTLE = "<http://example.org/a> <http://example.org/b> 1, 2 ; <http://example.org/c> \"x\"@en ."


@pytest.fixture(scope="module")
def tiny():
    return load_graph([DATA], bundled=False)


def test_query_on_a_plain_rdflib_graph():
    """A plain rdflib Graph is wrapped into a LoadedGraph; run_query itself refuses it with a TypeError."""
    graph = Graph().parse(data=TURTLE, format="turtle")
    result = query(graph, "SELECT ?o WHERE { ?s <http://example.org/b> ?o } ORDER BY ?o")
    assert [row["o"] for row in to_dicts(result)] == [Literal(1), Literal(2)]
    with pytest.raises(TypeError, match="graph must be a LoadedGraph, not Graph: wrap an rdflib Graph as LoadedGraph"):
        run_query(parse_query("ASK {}"), graph=graph)
    with pytest.raises(TypeError, match="not str"):
        query("japan.ttl", "treaties-party")


def test_query_named_text_and_parsed_give_the_same_rows(tiny):
    """A name, the same query parsed, and parameters as strings: the CLI's answers."""
    by_name = query(tiny, "treaties-party", {"state": "ru"})
    path = Path(__file__).parents[2] / "queries" / "treaties-party.rq"
    assert query(tiny, parse_query(path.read_text(encoding="utf-8")), {"state": "ru"}).rows == by_name.rows
    assert query(tiny, str(path), {"state": "ru"}).rows == by_name.rows
    assert len(by_name.rows) > 0
    with pytest.raises(ConfigError, match="unknown query 'treaties-partie'"):
        query(tiny, "treaties-partie")


def test_to_dicts_and_dataframe(tiny):
    """SELECT rows as dicts of terms; as a DataFrame of Python values; triples for CONSTRUCT; ASK has no rows."""
    pandas = pytest.importorskip("pandas")
    graph = Graph().parse(data=TURTLE, format="turtle")
    result = query(graph, "SELECT ?s ?o ?missing WHERE { ?s ?p ?o OPTIONAL { ?s <http://example.org/none> ?missing } } ORDER BY ?o")
    frame = to_dataframe(result)
    assert isinstance(frame, pandas.DataFrame) and list(frame.columns) == ["s", "o", "missing"]
    assert frame["s"].tolist() == ["http://example.org/a"] * 3
    assert frame["o"].tolist() == [1, 2, "x"]
    assert frame["missing"].isna().all()
    construct = query(graph, "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }")
    assert {row["predicate"] for row in to_dicts(construct)} == {URIRef("http://example.org/b"), URIRef("http://example.org/c")}
    assert len(to_dataframe(construct)) == 3
    with pytest.raises(ValueError, match="an ASK result has no rows"):
        to_dicts(query(graph, "ASK { ?s ?p ?o }"))


def test_to_dataframe_without_pandas(monkeypatch, tiny):
    """Without pandas: a ModuleNotFoundError that says which extra to install."""
    monkeypatch.setitem(sys.modules, "pandas", None)
    with pytest.raises(ModuleNotFoundError, match=r"pip install 'policygraph\[pandas\]'"):
        to_dataframe(query(tiny, "treaties-party", {"state": "ru"}))


def test_open_endpoint_checks_the_url():
    with pytest.raises(ConfigError, match="not an http"):
        open_endpoint("ftp://example.org/sparql")
    with pytest.raises(ConfigError, match="^a URL may not hold a user name or password"):
        open_endpoint("http://me:secret@example.org/sparql")
    assert open_endpoint("http://127.0.0.1:7878/query").url == "http://127.0.0.1:7878/query"
