"""GEXF, GraphML, CSV and RDF exports: schema validity, round trips, and what Gephi needs."""

from __future__ import annotations

import csv
import xml.etree.ElementTree as ET
from pathlib import Path

import networkx as nx
import pytest

from policygraph import load_graph
from policygraph.errors import ConfigError, InputError
from policygraph.network.export import gexf_text, write_csv, write_gexf, write_graphml, write_rdf
from policygraph.network.projection import project
from policygraph.network.tables import TYPE_COLOURS, colour_of, node_table

DATA = Path(__file__).parents[1] / "fixtures" / "network"
GEXF = "{http://gexf.net/1.3}"
VIZ = "{http://gexf.net/1.3/viz}"


@pytest.fixture(scope="module")
def policy_graph():
    return load_graph([DATA / "policy.yaml"], bundled=False)


@pytest.fixture(scope="module")
def folded(policy_graph):
    return project(policy_graph, fold=True, literals=True)


@pytest.fixture
def gexf_schema(shared):
    """The official GEXF 1.3 RELAX NG schema (../shared/schemas/gexf-1.3/gexf.rng), via lxml."""
    etree = pytest.importorskip("lxml.etree", reason="lxml (test extra) validates GEXF against the schema")
    schema = etree.RelaxNG(etree.parse(str(shared / "schemas" / "gexf-1.3" / "gexf.rng")))

    def validate(text: str) -> None:
        document = etree.fromstring(text.encode("utf-8"))
        if not schema.validate(document):
            pytest.fail(f"GEXF does not validate: {schema.error_log}")

    return validate


@pytest.mark.parametrize("dynamic", [False, True])
@pytest.mark.parametrize("fold", [False, True])
def test_gexf_text_validates_against_schema(gexf_schema, policy_graph, dynamic, fold):
    """Static and dynamic GEXF, folded or not, with literals and measures, is valid GEXF 1.3."""
    network = project(policy_graph, fold=fold, literals=True, citations=True)
    gexf_schema(gexf_text(network, dynamic=dynamic, measures=True))


def test_gexf_text_bundled_dynamic_validates(gexf_schema, bundled):
    """The bundled graph, folded and dynamic with measures, validates against the official schema."""
    network = project(bundled, fold=True, literals=True)
    gexf_schema(gexf_text(network, dynamic=True, measures=True))


def test_gexf_text_golden(golden, policy_graph):
    """The folded, dynamic GEXF of the hand-made network, byte for byte."""
    golden("export/policy-folded-dynamic.gexf", gexf_text(project(policy_graph, fold=True), dynamic=True))


def test_gexf_text_declares_every_attribute_once_before_nodes(folded):
    """Attributes are declared once each, with one type, before <nodes>; every value refers to one."""
    root = ET.fromstring(gexf_text(folded, dynamic=True, measures=True))
    graph = root.find(f"{GEXF}graph")
    children = [child.tag for child in graph]
    assert children == [f"{GEXF}attributes", f"{GEXF}attributes", f"{GEXF}nodes", f"{GEXF}edges"]
    declared = {}
    for block in graph.findall(f"{GEXF}attributes"):
        ids = [a.get("id") for a in block]
        assert len(ids) == len(set(ids))
        declared[block.get("class")] = {a.get("id"): a.get("type") for a in block}
    assert declared["node"]["degree"] == "integer" and declared["node"]["binding"] == "boolean"
    assert declared["node"]["pagerank"] == "double" and declared["node"]["community"] == "integer"
    for cls, tag in (("node", "nodes/{0}node"), ("edge", "edges/{0}edge")):
        for element in graph.findall(f"{GEXF}{tag.format(GEXF)}"):
            for value in element.iter(f"{GEXF}attvalue"):
                assert value.get("for") in declared[cls]
    assert graph.get("timeformat") == "date" and graph.get("mode") == "dynamic"
    assert root.get("version") == "1.3"


def test_gexf_text_dynamic_spans(folded):
    """Dynamic GEXF: a policy lives from approval to its end; a folded participation from entry into force."""
    graph = ET.fromstring(gexf_text(folded, dynamic=True)).find(f"{GEXF}graph")
    nodes = {n.get("id"): n for n in graph.iter(f"{GEXF}node")}
    assert (nodes["bill-1"].get("start"), nodes["bill-1"].get("end")) == ("2021-02-19", "2021-10-14")
    assert nodes["children"].get("start") is None
    edges = {e.get("id"): e for e in graph.iter(f"{GEXF}edge")}
    party = edges["st--participation:party--tr"]
    assert (party.get("start"), party.get("label"), party.get("kind")) == (
        "1979-09-21",
        "party to",
        "participation:party",
    )
    static = ET.fromstring(gexf_text(folded)).find(f"{GEXF}graph")
    assert static.get("timeformat") is None and all(n.get("start") is None for n in static.iter(f"{GEXF}node"))


def test_gexf_text_colours_and_sizes(folded):
    """Nodes are coloured by type from the fixed palette and sized by degree."""
    graph = ET.fromstring(gexf_text(folded)).find(f"{GEXF}graph")
    bill = next(n for n in graph.iter(f"{GEXF}node") if n.get("id") == "bill-1")
    colour = bill.find(f"{VIZ}color")
    assert "#{:02x}{:02x}{:02x}".format(*(int(colour.get(c)) for c in "rgb")) == TYPE_COLOURS["Bill"]
    sizes = {n.get("id"): float(n.find(f"{VIZ}size").get("value")) for n in graph.iter(f"{GEXF}node")}
    assert sizes["bill-1"] > sizes["min"] > sizes["ngo-b"] > sizes["children"]


def test_colour_of_is_stable_for_unknown_classes():
    """A class outside the palette gets the same made-up colour every time."""
    assert colour_of("https://example.org/Thing") == colour_of("https://example.org/Thing")
    assert colour_of("https://w3id.org/policygraph/ontology#Law") == TYPE_COLOURS["Law"]


def test_gexf_text_escapes_markup_and_control_characters(gexf_schema, tmp_path):
    """Labels with & < > and quotes give well-formed, valid GEXF that reads back; a control character
    (which XML cannot hold) is refused when the record is loaded, so it never reaches a writer."""
    bell = tmp_path / "bell.yaml"
    bell.write_text('- id: bell\n  type: state\n  label: "\\u0007bell"\n', encoding="utf-8")
    with pytest.raises(InputError, match=r"bell.yaml:3: a control character \(U\+0007\) is not allowed"):
        load_graph([bell], bundled=False)
    data = tmp_path / "odd.yaml"
    data.write_text(
        '- id: odd\n  type: state\n  label: "A & B <C> \\"D\\" bell"\n'
        "  cite: [{url: 'https://example.org/o', locator: '1', quote: 'odd'}]\n"
        "- id: other\n  type: government-body\n  label: Other\n  jurisdiction: odd\n"
        "  cite: [{url: 'https://example.org/o', locator: '1', quote: 'other'}]\n"
    )
    text = gexf_text(project(load_graph([data], bundled=False)))
    gexf_schema(text)
    path = tmp_path / "odd.gexf"
    path.write_text(text, encoding="utf-8")
    assert nx.read_gexf(path, version="1.3").nodes["odd"]["label"] == 'A & B <C> "D" bell'


def test_write_gexf_round_trip_networkx(tmp_path, folded):
    """networkx reads the GEXF back with the same nodes, edges and attributes."""
    path = tmp_path / "g.gexf"
    write_gexf(folded, path, dynamic=True, measures=True)
    back = nx.read_gexf(path, version="1.3")
    assert (back.number_of_nodes(), back.number_of_edges()) == (13, 14)
    _, rows = node_table(folded, measures=True)
    for node, data in folded.graph.nodes(data=True):
        read = back.nodes[node]
        assert read["label"] == data["label"] and read["type"] == data["type"]
        assert read["degree"] == folded.simple.degree(node) == rows[node]["degree"]
        assert read["pagerank"] == pytest.approx(rows[node]["pagerank"])
        assert read["community"] == rows[node]["community"]
    edges = {data["id"]: data for _, _, data in back.edges(data=True)}
    assert len(edges) == 14
    edge = edges["ngo-a--position:opposes--bill-1"]
    assert (edge["label"], edge["weight"], edge["via"]) == ("opposes", 1.0, "pos-1")


def test_write_graphml_round_trip_networkx(tmp_path, folded):
    """GraphML reads back with the same nodes, edges and typed attributes."""
    path = tmp_path / "g.graphml"
    write_graphml(folded, path, measures=True)
    back = nx.read_graphml(path, force_multigraph=True)
    assert (back.number_of_nodes(), back.number_of_edges()) == (13, 14)
    assert back.nodes["bill-1"]["label"] == "Bill One" and back.nodes["bill-1"]["degree"] == 5
    assert back.nodes["tr"]["binding"] is True
    assert isinstance(back.nodes["bill-1"]["betweenness"], float)
    edge = back.edges["st", "tr", "st--participation:party--tr"]
    assert (edge["kind"], edge["label"], edge["time_start"]) == ("participation:party", "party to", "1979-09-21")
    keys = ET.parse(path).getroot().findall("{http://graphml.graphdrawing.org/xmlns}key")
    types = {(k.get("for"), k.get("attr.name")): k.get("attr.type") for k in keys}
    assert types[("node", "degree")] == "long" and types[("node", "binding")] == "boolean"
    assert types[("edge", "weight")] == "double" and types[("node", "type")] == "string"
    assert len({k.get("id") for k in keys}) == len(keys)


def test_write_csv_round_trip(tmp_path, folded):
    """nodes.csv and edges.csv use Gephi's column names and hold every node and edge."""
    paths = write_csv(folded, tmp_path / "out")
    assert [p.name for p in paths] == ["nodes.csv", "edges.csv"]
    with open(paths[0], newline="", encoding="utf-8") as stream:
        nodes = list(csv.DictReader(stream))
    with open(paths[1], newline="", encoding="utf-8") as stream:
        edges = list(csv.DictReader(stream))
    assert list(nodes[0])[:5] == ["Id", "Label", "Type", "iri", "degree"]
    assert list(edges[0])[:7] == ["Id", "Source", "Target", "Type", "Kind", "Label", "Weight"]
    assert len(nodes) == 13 and len(edges) == 14
    bill = next(n for n in nodes if n["Id"] == "bill-1")
    assert (bill["Label"], bill["Type"], bill["degree"], bill["status"]) == ("Bill One", "bill", "5", "abandoned")
    assert {e["Type"] for e in edges} == {"Directed"}
    rebuilt = nx.MultiDiGraph()
    rebuilt.add_nodes_from(n["Id"] for n in nodes)
    rebuilt.add_edges_from((e["Source"], e["Target"], e["Kind"]) for e in edges)
    assert {(u, k, v) for u, v, k in rebuilt.edges(keys=True)} == {
        (u, k, v) for u, v, k in folded.graph.edges(keys=True)
    }


def test_write_csv_into_a_file_is_input_error(tmp_path, folded):
    """csv export needs a folder: a file in the way is an InputError."""
    target = tmp_path / "file.txt"
    target.write_text("x")
    with pytest.raises(InputError) as caught:
        write_csv(folded, target)
    assert caught.value.message == "not a folder: csv export writes nodes.csv and edges.csv into a folder"


def test_write_gexf_to_missing_folder_leaves_nothing(tmp_path, folded):
    """A failed export raises InputError and writes no file."""
    with pytest.raises(InputError):
        write_gexf(folded, tmp_path / "missing" / "g.gexf")
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(
    ("fmt", "parser"), [("ttl", "turtle"), ("nt", "nt"), ("nq", "nquads"), ("trig", "trig"), ("xml", "xml"), ("jsonld", "json-ld")]
)
def test_write_rdf_round_trip(tmp_path, policy_graph, fmt, parser):
    """The RDF exports parse back to the same graph (isomorphic)."""
    from rdflib import Graph
    from rdflib.compare import isomorphic

    path = tmp_path / f"g.{fmt}"
    write_rdf(policy_graph.graph, path, fmt)
    back = Graph().parse(path, format=parser)
    assert len(back) == len(policy_graph.graph)
    assert isomorphic(back, policy_graph.graph)


def test_write_rdf_unknown_format(tmp_path, policy_graph):
    """An unknown RDF format is a ConfigError naming the valid ones."""
    with pytest.raises(ConfigError) as caught:
        write_rdf(policy_graph.graph, tmp_path / "g.n3", "n3")
    assert str(caught.value) == "unknown RDF format 'n3' (one of: ttl, nt, nq, trig, xml, jsonld)"


def test_write_gexf_file_gets_the_usual_permissions(tmp_path, folded):
    """Exports are readable like any new file (umask applies), not private as mkstemp makes them."""
    import os

    mask = os.umask(0o022)
    try:
        write_gexf(folded, tmp_path / "g.gexf")
    finally:
        os.umask(mask)
    assert (tmp_path / "g.gexf").stat().st_mode & 0o777 == 0o644
