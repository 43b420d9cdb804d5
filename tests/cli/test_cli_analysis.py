"""analyze and export through the CLI: formats, pictures, exit codes, one-line errors, goldens on the bundled data."""

from __future__ import annotations

import csv
import io
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from policygraph import load_graph
from policygraph.network import communities, cuts, measures, paths
from policygraph.network.projection import project

DATA = Path(__file__).parents[1] / "fixtures" / "network"
POLICY = ("--no-bundled", "--data", DATA / "policy.yaml")
CLIQUES = ("--no-bundled", "--data", DATA / "cliques.yaml")
PNG = b"\x89PNG\r\n\x1a\n"


@pytest.fixture(scope="module")
def folded():
    return project(load_graph([DATA / "policy.yaml"], bundled=False), fold=True)


# -- tables on the hand-made network --------------------------------------------------------------


def test_analyze_centrality_table(invoke):
    """The table ranks with ties, score to 4 places, degree, id, type and label."""
    result = invoke("analyze", "centrality", *POLICY, "--fold", "--top", "4")
    assert result.exit_code == 0, result.output
    assert result.output == (
        "degree centrality, top 4 of 13 nodes\n"
        "  rank   score  degree  id      type                        label\n"
        "     1  0.4167       5  bill-1  bill                        Bill One\n"
        "     2  0.2500       3  law-1   law                         Law One\n"
        "     2  0.2500       3  min     government body             Ministry\n"
        "     2  0.2500       3  ngo-a   civil society organisation  NGO A\n"
    )


def test_analyze_path_table(invoke):
    """path prints a heading and one labelled line per path."""
    result = invoke("analyze", "path", "ngo-a", "tr-art-9", *POLICY, "--fold")
    assert result.exit_code == 0
    assert result.output == (
        "1 shortest path of 3 hops from ngo-a to tr-art-9:\n"
        "NGO A —opposes→ Bill One —uses practice→ Detention ←concerns practice— Treaty Art. 9\n"
    )


def test_analyze_communities_table(invoke):
    """Each community: size, binding edge kinds, members by degree."""
    result = invoke("analyze", "communities", *CLIQUES)
    assert result.exit_code == 0
    assert result.output == (
        "2 communities (louvain, seed 0; modularity 0.3571)\n"
        "\n"
        "community 1: 3 members; bound by member of (3)\n"
        "    3  a1  civil society organisation  A1\n"
        "    2  a2  civil society organisation  A2\n"
        "    2  a3  civil society organisation  A3\n"
        "\n"
        "community 2: 3 members; bound by member of (3)\n"
        "    3  b1  civil society organisation  B1\n"
        "    2  b2  civil society organisation  B2\n"
        "    2  b3  civil society organisation  B3\n"
    )


def test_analyze_bridges_table(invoke):
    """bridges lists articulation points and bridges with what they cut off."""
    result = invoke("analyze", "bridges", *CLIQUES)
    assert result.exit_code == 0
    assert result.output == (
        "articulation points: 2\n"
        "  cut off  pieces  degree  id  type                        label\n"
        "        2       2       3  a1  civil society organisation  A1\n"
        "        2       2       3  b1  civil society organisation  B1\n"
        "\n"
        "bridges: 1\n"
        "  cut off  link\n"
        "        3  a1 —member of→ b1\n"
    )


def test_analyze_ego_table(invoke):
    """ego lists the centre and its neighbours by distance."""
    result = invoke("analyze", "ego", "a1", *CLIQUES)
    assert result.exit_code == 0
    assert result.output.splitlines()[:3] == [
        "ego network of a1 (radius 1): 4 nodes, 4 edges",
        "  distance  degree  id  type                        label",
        "         0       3  a1  civil society organisation  A1",
    ]


def test_analyze_summary_table(invoke):
    """summary prints totals, then nodes by type, edges by kind and the degree distribution."""
    result = invoke("analyze", "summary", *CLIQUES)
    assert result.exit_code == 0
    assert result.output == (
        "nodes       6\n"
        "edges       7 (7 linked pairs)\n"
        "density     0.466667\n"
        "components  1 (largest 6 nodes; 0 isolated)\n"
        "degree      mean 2.33, max 3\n"
        "\n"
        "nodes by type:\n"
        "  civil society organisation  6\n"
        "\n"
        "edges by kind:\n"
        "  org:memberOf  member of  7\n"
        "\n"
        "degree distribution (degree: nodes):\n"
        "  2  4\n"
        "  3  2\n"
    )


# -- json and csv are the library's data ----------------------------------------------------------


@pytest.mark.parametrize(
    ("args", "call"),
    [
        (["summary"], lambda n: measures.summarise_network(n)),
        (["centrality", "--measure", "betweenness", "--top", "5"], lambda n: measures.centrality(n, "betweenness", 5)),
        (
            ["centrality", "--measure", "betweenness", "--sample", "6"],
            lambda n: measures.centrality(n, "betweenness", sample=6),
        ),
        (["communities", "--seed", "4"], lambda n: communities.communities(n, "louvain", 4)),
        (["communities", "--method", "greedy"], lambda n: communities.communities(n, "greedy")),
        (["path", "agency", "bill-1"], lambda n: paths.shortest_paths(n, "agency", "bill-1")),
        (["bridges", "--top", "0"], lambda n: cuts.cut_points(n)),
        (["ego", "bill-1", "--radius", "2"], lambda n: paths.ego_network(n, "bill-1", 2)),
    ],
)
def test_analyze_json_equals_library(invoke, folded, args, call):
    """--format json prints exactly the library result's to_dict()."""
    result = invoke("analyze", *args, *POLICY, "--fold", "--format", "json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.output) == call(folded).to_dict()


def test_analyze_csv_has_header_and_rows(invoke, folded):
    """--format csv prints the library's rows() as CSV."""
    result = invoke("analyze", "communities", *POLICY, "--fold", "--format", "csv")
    assert result.exit_code == 0
    rows = list(csv.reader(io.StringIO(result.output)))
    header, expected = communities.communities(folded).rows()
    assert rows[0] == header
    assert rows[1:] == [[str(cell) for cell in row] for row in expected]


# -- pictures -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "args",
    [["summary"], ["centrality", "--top", "5"], ["communities"], ["ego", "bill-1", "--radius", "2"]],
)
def test_analyze_plot_writes_png(invoke, tmp_path, args):
    """--plot FILE.png draws a picture and says so on stderr; stdout keeps the result."""
    picture = tmp_path / "p.png"
    result = invoke("analyze", *args, *POLICY, "--fold", "--plot", picture)
    assert result.exit_code == 0, result.output
    assert picture.read_bytes()[:8] == PNG
    assert f"wrote {picture}\n" in result.output


def test_analyze_plot_svg(invoke, tmp_path):
    """--plot FILE.svg draws SVG."""
    picture = tmp_path / "p.svg"
    result = invoke("analyze", "centrality", *POLICY, "--plot", picture)
    assert result.exit_code == 0
    assert b"<svg" in picture.read_bytes()[:500]


# -- exit codes and errors ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["ego", "ngo-c", *POLICY], "error: unknown id 'ngo-c' (did you mean 'ngo-b', 'ngo-a'?)\n"),
        (
            ["path", "pos-1", "bill-1", *POLICY, "--fold"],
            (
                "error: 'pos-1' is not in the network (it is a citation, folded by --fold, "
                "or filtered out by --types, --edge-kinds or --query)\n"
            ),
        ),
        (
            ["summary", *POLICY, "--plot", "degrees.pdf"],
            "error: cannot plot to 'degrees.pdf': use a file name ending in .png or .svg\n",
        ),
        (["centrality", *POLICY, "--type", "ministry"], None),
        (
            ["summary", *POLICY, "--query", "SELECT * WHERE { ?s ?p ?o }"],
            "error: --query must be a CONSTRUCT query, not SELECT\n",
        ),
        (
            ["summary", *POLICY, "--query", "nope.rq"],
            "error: nope.rq: no such query file (give a .rq file or the CONSTRUCT query itself)\n",
        ),
        (["summary", *POLICY, "--edge-kinds", "opposes"], None),
    ],
)
def test_analyze_errors_exit_2(invoke, args, message):
    """Bad ids, types, kinds, queries and plot names: one line on stderr, exit 2, no traceback."""
    result = invoke("analyze", *args)
    assert result.exit_code == 2
    assert result.output.startswith("error: ") and result.output.count("\n") == 1
    if message:
        assert result.output == message


def test_analyze_path_none_exit_1(invoke):
    """No path between two nodes is a finding: the sentence, exit 1."""
    result = invoke("analyze", "path", "children", "bill-1", *POLICY, "--fold")
    assert result.exit_code == 1
    assert result.output == "no path between 'children' and 'bill-1'\n"


def test_analyze_bad_measure_is_usage_error(invoke):
    """An unknown --measure is click's usage error, exit 2."""
    result = invoke("analyze", "centrality", "--measure", "closeness", *POLICY)
    assert result.exit_code == 2
    assert "Invalid value for '--measure'" in result.output


def test_analyze_query_file(invoke, tmp_path):
    """--query reads a .rq file and analyses what it constructs."""
    query = tmp_path / "members.rq"
    query.write_text("CONSTRUCT { ?a org:memberOf ?b } WHERE { ?a org:memberOf ?b }\n")
    result = invoke("analyze", "summary", *POLICY, "--query", query, "--format", "json")
    assert result.exit_code == 0
    assert (json.loads(result.output)["nodes"], json.loads(result.output)["edges"]) == (3, 2)


# -- export ---------------------------------------------------------------------------------------


def test_export_gexf_dynamic(invoke, tmp_path):
    """export gexf writes the file and reports its size."""
    out = tmp_path / "n.gexf"
    result = invoke("export", "gexf", "-o", out, *POLICY, "--fold", "--dynamic")
    assert result.exit_code == 0, result.output
    assert result.output == f"wrote {out}: 13 nodes, 14 edges (GEXF 1.3, dynamic)\n"
    assert 'timeformat="date"' in out.read_text()


def test_export_graphml_and_csv(invoke, tmp_path):
    """export graphml writes one file; export csv writes nodes.csv and edges.csv into the folder."""
    result = invoke("export", "graphml", "-o", tmp_path / "n.graphml", *POLICY)
    assert result.exit_code == 0
    assert result.output == f"wrote {tmp_path / 'n.graphml'}: 16 nodes, 17 edges (GraphML)\n"
    result = invoke("export", "csv", "-o", tmp_path / "csv", *POLICY, "--measures")
    assert result.exit_code == 0
    assert (
        result.output
        == f"wrote {tmp_path / 'csv' / 'nodes.csv'} (16 nodes) and {tmp_path / 'csv' / 'edges.csv'} (17 edges)\n"
    )
    assert "pagerank" in (tmp_path / "csv" / "nodes.csv").read_text().splitlines()[0]


@pytest.mark.parametrize(("fmt", "parser"), [("ttl", "turtle"), ("nt", "nt"), ("jsonld", "json-ld")])
def test_export_rdf_whole_graph(invoke, tmp_path, fmt, parser):
    """export ttl/nt/jsonld writes the whole graph, ontology included."""
    from rdflib import Graph

    out = tmp_path / f"g.{fmt}"
    result = invoke("export", fmt, "-o", out, *POLICY)
    assert result.exit_code == 0
    expected = load_graph([DATA / "policy.yaml"], bundled=False).graph
    assert len(Graph().parse(out, format=parser)) == len(expected)
    assert result.output == f"wrote {out}: {len(expected)} triples ({fmt})\n"


def test_export_rdf_construct(invoke, tmp_path):
    """export ttl --query writes only the constructed triples."""
    from rdflib import Graph

    out = tmp_path / "m.ttl"
    query = "CONSTRUCT { ?a org:memberOf ?b } WHERE { ?a org:memberOf ?b }"
    result = invoke("export", "ttl", "-o", out, *POLICY, "--query", query)
    assert result.exit_code == 0
    assert result.output == f"wrote {out}: 2 triples (ttl)\n"
    assert len(Graph().parse(out, format="turtle")) == 2


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["ttl", "--fold"], "error: --fold applies to gexf, graphml and csv exports, not ttl\n"),
        (["nt", "--measures"], "error: --measures applies to gexf, graphml and csv exports, not nt\n"),
        (["graphml", "--dynamic"], "error: --dynamic applies to gexf exports, not graphml\n"),
    ],
)
def test_export_option_conflicts_exit_2(invoke, tmp_path, args, message):
    """Options that do not apply to a format are refused with one line and exit 2; nothing is written."""
    result = invoke("export", *args, "-o", tmp_path / "out", *POLICY)
    assert result.exit_code == 2
    assert result.output == message
    assert list(tmp_path.iterdir()) == []


def test_export_to_missing_folder_exit_2(invoke, tmp_path):
    """Writing into a folder that does not exist: one line, exit 2, no file."""
    out = tmp_path / "no" / "n.gexf"
    result = invoke("export", "gexf", "-o", out, *POLICY)
    assert result.exit_code == 2
    assert result.output == f"error: {out}: cannot write: no such folder\n"
    assert not out.parent.exists()


def test_export_needs_output(invoke):
    """-o is required: click's usage error, exit 2."""
    result = invoke("export", "gexf", *POLICY)
    assert result.exit_code == 2
    assert "Missing option '-o'" in result.output


@pytest.mark.parametrize("command", ["summary", "centrality", "communities", "path", "bridges", "ego"])
def test_analyze_commands_have_help_with_example(invoke, command):
    """Every analyze command documents itself with an example."""
    result = invoke("analyze", command, "--help")
    assert result.exit_code == 0
    assert "Example:" in result.output and f"policygraph analyze {command}" in result.output


# -- golden files on the bundled data (regenerate with --update-golden when the data grows) -------


@pytest.mark.parametrize(
    ("name", "args"),
    [
        ("summary", ["summary", "--fold"]),
        ("centrality", ["centrality", "--fold", "--exclude-kinds", "jurisdiction", "--top", "15"]),
        ("communities", ["communities", "--fold", "--types", "body", "--exclude-kinds", "jurisdiction"]),
        ("path", ["path", "smj", "iccpr-art-9", "--fold"]),
        ("bridges", ["bridges", "--fold", "--top", "10"]),
        ("ego", ["ego", "bill-2021-immigration-control-revision", "--fold"]),
    ],
)
def test_analyze_bundled_golden(invoke, golden, name, args):
    """Each analysis on the bundled graph, as the CLI prints it."""
    result = invoke("analyze", *args)
    assert result.exit_code == 0, result.output
    golden(f"analysis/bundled-{name}.txt", result.output)


def test_analyze_bundled_stable_facts(invoke):
    """Facts that survive curation: Japan and the ISA are among the most central; SMJ reaches the bill in one hop."""
    result = invoke("analyze", "centrality", "--fold", "--top", "5", "--format", "json")
    top = [row["id"] for row in json.loads(result.output)["ranking"]]
    assert "jp" in top and "jp-isa" in top
    result = invoke("analyze", "path", "smj", "bill-2021-immigration-control-revision", "--fold")
    assert result.exit_code == 0
    assert re.search(
        "^Solidarity Network with Migrants Japan —[^→]*opposes[^→]*→ Revised Immigration Control",
        result.output,
        re.MULTILINE,
    )


def test_python_m_export_gexf_real_process(tmp_path):
    """A real process exports the bundled network as dynamic GEXF from another directory."""
    result = subprocess.run(
        [sys.executable, "-m", "policygraph", "export", "gexf", "-o", "japan.gexf", "--fold", "--dynamic"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert result.stderr.startswith("wrote japan.gexf: ") and result.stdout == ""  # status on stderr, stdout for data
    assert (
        (tmp_path / "japan.gexf")
        .read_text(encoding="utf-8")
        .startswith('<?xml version="1.0" encoding="UTF-8"?>\n<gexf')
    )


def test_analyze_path_none_csv_and_json_exit_1(invoke):
    """With no path, csv prints just the header and json the empty result; both exit 1."""
    result = invoke("analyze", "path", "children", "bill-1", *POLICY, "--fold", "--format", "csv")
    assert (result.exit_code, result.output) == (1, "path,step,from,from_label,relation,to,to_label\n")
    result = invoke("analyze", "path", "children", "bill-1", *POLICY, "--fold", "--format", "json")
    assert result.exit_code == 1
    assert json.loads(result.output) == {"source": "children", "target": "bill-1", "length": None, "paths": []}
