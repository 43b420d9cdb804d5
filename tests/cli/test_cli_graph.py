"""build, show and search through the CLI: output, exit codes, one-line errors."""

from __future__ import annotations

from pathlib import Path

TINY = Path(__file__).parents[1] / "fixtures" / "tiny"


def test_build_prints_summary(invoke):
    """build on a dataset prints triples, records by type and citations per source."""
    result = invoke("build", "--no-bundled", "--data", TINY)
    assert result.exit_code == 0
    lines = result.output.splitlines()
    assert lines[1] == "8 records:"
    assert "  government-body                      1" in lines
    assert any(line.startswith("  src-a") and " 5  Source A" in line for line in lines)
    assert any("(public URLs)" in line and line.endswith(" 2") for line in lines)


def test_build_writes_graph_atomically(invoke, tmp_path):
    """build -o writes a graph that parses back, in the format asked for."""
    from rdflib import Graph

    out = tmp_path / "g.nt"
    result = invoke("build", "--no-bundled", "--data", TINY, "--format", "nt", "-o", out)
    assert result.exit_code == 0, result.output
    assert len(Graph().parse(out, format="nt")) > 100
    assert [p.name for p in tmp_path.iterdir()] == ["g.nt"]


def test_build_to_stdout_writes_only_the_graph(invoke):
    """build -o - --format nt: one line per triple on stdout; the summary and status on stderr."""
    result = invoke("build", "--no-bundled", "--data", TINY, "--format", "nt", "-o", "-")
    assert result.exit_code == 0, result.output
    triples = int(result.stderr.split(" triples", 1)[0])
    assert len(result.stdout.splitlines()) == triples
    assert all(line.endswith(" .") for line in result.stdout.splitlines())
    assert "8 records:" in result.stderr.splitlines() and "wrote - (nt)" in result.stderr


def test_build_summary_counts_records_of_rdf_input(invoke, tmp_path):
    """A graph built from RDF input counts its records (instances of policygraph classes), not 0."""
    out = tmp_path / "g.ttl"
    assert invoke("build", "--no-bundled", "--data", TINY, "-o", out).exit_code == 0
    result = invoke("build", "--no-bundled", "--data", out)
    assert result.exit_code == 0, result.output
    assert result.stdout == ""
    assert "8 records:" in result.stderr.splitlines()
    assert "  (from RDF input)                     8" in result.stderr.splitlines()


def test_export_and_query_to_stdout_write_only_data(invoke):
    """export nt -o - and query -o - put the data on stdout and the status line on stderr."""
    exported = invoke("export", "nt", "--no-bundled", "--data", TINY, "-o", "-")
    assert exported.exit_code == 0, exported.output
    count = int(exported.stderr.split(": ", 1)[1].split(" triples")[0])
    assert len(exported.stdout.splitlines()) == count
    queried = invoke("query", "policies", "--no-bundled", "--data", TINY, "--format", "csv", "-o", "-")
    assert queried.exit_code == 0, queried.output
    assert queried.stdout.splitlines()[0] == "date,step,policy,policyLabel,class,policyStatus"
    assert queried.stderr.startswith("wrote - (")


def test_build_to_missing_folder_exit_2(invoke, tmp_path):
    """Writing into a folder that does not exist is a one-line error, exit 2, and nothing written."""
    result = invoke("build", "--no-bundled", "--data", TINY, "-o", tmp_path / "no" / "g.ttl")
    assert result.exit_code == 2
    assert result.output.strip().endswith("g.ttl: cannot write: no such folder")


def test_build_bad_data_exit_2(invoke, tmp_path):
    """A broken data file gives 'error: file:line: message' and exit 2, no traceback."""
    bad = tmp_path / "bad.yaml"
    bad.write_text("- id: a\n  type: state\n  founded: 2021-13\n")
    result = invoke("build", "--no-bundled", "--data", bad)
    assert result.exit_code == 2
    assert result.output == f"error: {bad}:3: bad date '2021-13': month 13 does not exist in 'founded'\n"


def test_show_describes_entity(invoke):
    """show prints type, labels, relations both ways and citations with quotes."""
    result = invoke("show", "--no-bundled", "--data", TINY, "min")
    assert result.exit_code == 0
    out = result.output
    assert out.startswith("min — Ministry of Things\n  type: government body\n")
    assert "  jurisdiction → st (Statia)" in out
    assert "  law-1 (law) —responsible body→" in out
    assert "  [1] Source A — p. 2\n      “the Ministry of Things”" in out


def test_show_json_has_stable_keys(invoke):
    """show --format json gives the description as JSON."""
    import json

    result = invoke("show", "--no-bundled", "--data", TINY, "--format", "json", "tr-art-1")
    data = json.loads(result.output)
    assert data["id"] == "tr-art-1"
    assert data["types"] == ["provision"]
    assert {"property": "part of treaty", "id": "tr"}.items() <= data["outgoing"][-1].items() or any(
        link["id"] == "tr" for link in data["outgoing"]
    )


def test_show_lists_identifiers_by_scheme(invoke, tmp_path):
    """show lists external identifiers under 'identifiers:' with the scheme and the IRI linked to, once each."""
    import json

    data = tmp_path / "ids.yaml"
    data.write_text(
        "- id: tr\n  type: treaty\n  label: Treaty\n  untc: IV-11\n  wikidata: Q123\n  identifiers: [No. 7]\n"
        "  cite:\n    - url: https://example.org/\n      locator: x\n      quote: y\n",
        encoding="utf-8",
    )
    result = invoke("show", "--no-bundled", "--data", data, "tr")
    assert result.exit_code == 0, result.output
    out = result.output
    assert (
        "identifiers:\n"
        "  UNTC IV-11  <https://treaties.un.org/pages/ViewDetails.aspx?src=TREATY&mtdsg_no=IV-11&chapter=4&clang=_en>\n"
        "  Wikidata Q123  <http://www.wikidata.org/entity/Q123>\n"
    ) in out
    assert "  identifier: No. 7\n" in out  # free-text identifiers stay with the properties
    assert "identifier: IV-11" not in out and "seeAlso" not in out and "sameAs" not in out
    described = json.loads(invoke("show", "--no-bundled", "--data", data, "--format", "json", "tr").output)
    assert [(i["scheme"], i["value"]) for i in described["identifiers"]] == [("UNTC", "IV-11"), ("Wikidata", "Q123")]


def test_show_unknown_id_suggests(invoke):
    """An unknown id says 'did you mean' and exits 2."""
    result = invoke("show", "--no-bundled", "--data", TINY, "law1")
    assert result.exit_code == 2
    assert result.output == "error: unknown id 'law1' (did you mean law-1?)\n"


def test_search_ranks_exact_before_partial(invoke):
    """search finds by label and alias, accent- and case-insensitively, best first."""
    result = invoke("search", "--no-bundled", "--data", TINY, "TAKING")
    ids = [line.split()[0] for line in result.output.splitlines()]
    assert ids == ["taking", "tr-art-1"]  # label prefix "Taking things" before the word in "no taking of"
    broad = invoke("search", "--no-bundled", "--data", TINY, "things")
    assert {line.split()[0] for line in broad.output.splitlines()} == {"min", "tr", "law-1", "taking", "tr-art-1"}
    accent = invoke("search", "--no-bundled", "--data", TINY, "statié")
    assert accent.output.startswith("st ")


def test_search_no_hits(invoke):
    """A search with no hits says so and exits 0."""
    result = invoke("search", "--no-bundled", "--data", TINY, "zebra")
    assert (result.exit_code, result.output) == (0, "no entity matches 'zebra'\n")


def test_show_bundled_bill_has_proposer_opponent_features_citations(invoke):
    """show of the 2021 bill names who proposed it, who opposed it, its features and its citations."""
    result = invoke("show", "bill-2021-immigration-control-revision")
    assert result.exit_code == 0, result.output
    out = result.output
    assert "proposed by → jp-cabinet (Cabinet of Japan)" in out
    assert "Solidarity Network with Migrants Japan opposes by petition (2021)" in out
    assert "bill-2021-penalty-refusing-deportation (policy feature) —feature of→" in out
    assert "“the bill was abandoned following dissolution of the House of Representatives on October 14, 2021”" in out


def test_show_bundled_crc_art_9_shows_declaration(invoke):
    """show crc-art-9 shows Japan's declaration on Art. 9(1), reached through the paragraph."""
    result = invoke("show", "crc-art-9")
    assert result.exit_code == 0, result.output
    assert "(declaration) —modifies→ [via crc-art-9-1]" in result.output
    assert "separated from his or her parents as a result of deportation" in result.output


def test_help_lists_commands(invoke):
    """--help lists the commands with their summaries."""
    result = invoke("--help")
    assert result.exit_code == 0
    for command in ("build", "show", "search"):
        assert f"  {command} " in result.output
