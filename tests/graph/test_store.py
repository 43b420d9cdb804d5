"""The prebuilt store: build --store, and every command giving the same answer with --store as from the data."""

from __future__ import annotations

import importlib.util
import io
import json
from pathlib import Path

import pytest
from rdflib import Graph
from rdflib.compare import isomorphic

from policygraph import load_graph
from policygraph.errors import InputError
from policygraph.graph.store import build_store, input_hash, is_store, open_store
from policygraph.graph.summary import summarise
from policygraph.network.projection import project

TINY = Path(__file__).parents[1] / "fixtures" / "tiny"
REPO = Path(__file__).parents[2]


@pytest.fixture(scope="module")
def japan_store(tmp_path_factory):
    """The bundled data built into a store once for this module."""
    folder = tmp_path_factory.mktemp("stores") / "japan"
    build_store(folder)
    return folder


def _generate(size: int, seed: int = 1) -> str:
    spec = importlib.util.spec_from_file_location("generate", REPO / "benchmarks" / "generate.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.generate(size, seed)[0]


# -- the library ----------------------------------------------------------------------------------


def test_build_store_holds_the_same_graph_as_load_graph(tmp_path):
    """A store of the tiny dataset holds exactly the triples load_graph builds, and its source map."""
    result = build_store(tmp_path / "s", [TINY], bundled=False)
    loaded = load_graph([TINY], bundled=False)
    opened = open_store(tmp_path / "s")
    assert not result.skipped
    assert result.triples == len(loaded.graph) == len(opened.graph)
    copy = Graph()
    for triple in opened.graph:
        copy.add(triple)
    assert isomorphic(copy, loaded.graph)
    assert opened.source_map.nodes == {k: _absolute(v) for k, v in loaded.source_map.nodes.items()}
    assert opened.record_counts == loaded.record_counts
    assert sorted((tmp_path / "s").iterdir()) == [tmp_path / "s" / n for n in ("manifest.json", "oxigraph", "source-map.json")]


def _absolute(location):
    from policygraph.model import Location

    return Location(str(Path(location.path).resolve()), location.line, location.column)


def test_build_store_skips_unchanged_inputs(tmp_path):
    """A second build with the same inputs does nothing; a changed file makes it rebuild."""
    data = tmp_path / "data"
    data.mkdir()
    (data / "records.yaml").write_bytes((TINY / "records.yaml").read_bytes())
    first = build_store(tmp_path / "s", [data], bundled=False)
    again = build_store(tmp_path / "s", [data], bundled=False)
    assert again.skipped and again.input_hash == first.input_hash and again.triples == first.triples
    with open(data / "records.yaml", "a", encoding="utf-8") as stream:
        stream.write("\n# a comment changes the content hash\n")
    changed = build_store(tmp_path / "s", [data], bundled=False)
    assert not changed.skipped and changed.input_hash != first.input_hash
    forced = build_store(tmp_path / "s", [data], bundled=False, force=True)
    assert not forced.skipped


def test_input_hash_depends_on_content():
    """The hash changes with the files read, not with how often it is computed."""
    files = sorted(TINY.glob("*.yaml"))
    assert input_hash(files) == input_hash(files)
    assert input_hash(files) != input_hash([])


def test_build_store_refuses_folder_with_other_files(tmp_path):
    """A folder that holds something else than a store is never overwritten."""
    (tmp_path / "notes.txt").write_text("mine", encoding="utf-8")
    with pytest.raises(InputError, match="the folder holds other files"):
        build_store(tmp_path, [TINY], bundled=False)
    assert (tmp_path / "notes.txt").read_text(encoding="utf-8") == "mine"


def test_build_store_bad_turtle_names_file_and_line(tmp_path):
    """A syntax error in an RDF file is an InputError with its line; no store is left behind."""
    bad = tmp_path / "bad.ttl"
    bad.write_text("@prefix ex: <http://example.org/> .\nex:a ex:b ex:c .\nex:a ex:b .\n", encoding="utf-8")
    with pytest.raises(InputError) as caught:
        build_store(tmp_path / "s", [bad], bundled=False)
    assert str(caught.value).startswith(f"{bad}:3")
    assert not (tmp_path / "s").exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == [".s.lock", "bad.ttl"]  # the build lock stays, by design


def test_open_store_refuses_other_folders(tmp_path):
    """Opening a folder that is no store says what to do."""
    with pytest.raises(InputError, match="not a policygraph store"):
        open_store(tmp_path)
    with pytest.raises(InputError, match="no such store"):
        open_store(tmp_path / "missing")
    assert not is_store(tmp_path)


def test_summary_same_for_store_and_data(japan_store, bundled):
    """build's summary of the store on disk equals the one of the graph built from the data in memory."""
    assert summarise(open_store(japan_store)) == summarise(bundled)


@pytest.mark.parametrize("options", [{}, {"fold": True}, {"literals": True, "citations": True}, {"types": ("body",)}])
def test_project_same_network_from_disk_and_memory(tmp_path, options):
    """On a synthetic graph the network of the store on disk equals the one of the graph built in memory."""
    path = tmp_path / "synthetic.ttl"
    path.write_text(_generate(4000), encoding="utf-8")
    build_store(tmp_path / "s", [path], bundled=False)
    from_store = project(open_store(tmp_path / "s"), **options)
    from_rdflib = project(load_graph([path], bundled=False), **options)
    assert sorted(from_store.graph.nodes(data=True)) == sorted(from_rdflib.graph.nodes(data=True))
    assert sorted(from_store.graph.edges(keys=True, data=True)) == sorted(from_rdflib.graph.edges(keys=True, data=True))
    assert from_store.notes == from_rdflib.notes


# -- the commands: --store gives what the data gives ----------------------------------------------


def test_build_store_cli_prints_the_build_summary(invoke, tmp_path):
    """build --store prints build's summary, then what it did; again, that the store is up to date."""
    plain = invoke("build", "--no-bundled", "--data", TINY)
    first = invoke("build", "--no-bundled", "--data", TINY, "--store", tmp_path / "s")
    again = invoke("build", "--no-bundled", "--data", TINY, "--store", tmp_path / "s")
    assert first.exit_code == 0 and again.exit_code == 0
    assert first.output == plain.output + f"wrote store {tmp_path / 's'}\n"
    assert again.output == plain.output + f"store {tmp_path / 's'} is up to date (the inputs have not changed)\n"


@pytest.mark.parametrize(
    "args",
    [
        ("query", "treaties-party", "--format", "csv"),
        ("query", "policies-affecting-group", "--param", "group=asylum-seekers", "--format", "json"),
        ("query", "policies", "--param", "from=2019", "--format", "tsv"),
        ("query", "weakly-cited", "--format", "csv"),
        ("query", "trace-inferred", "--param", "policy=titp", "--format", "csv"),
        ("query", "-e", "SELECT ?law WHERE { ?law a pg:Law } ORDER BY ?law", "--labels"),
        ("trace", "bill-2021-immigration-control-revision", "--format", "json"),
        ("trace", "titp", "--as-of", "2010-01-01"),
        ("trace", "--provision", "crc-art-9", "--format", "json"),
        ("validate", "--format", "json", "--severity", "info"),
        ("analyze", "summary", "--format", "json"),
        ("analyze", "centrality", "--measure", "betweenness", "--top", "15", "--format", "json"),
        ("analyze", "communities", "--fold", "--format", "json"),
        ("analyze", "path", "smj", "iccpr-art-9", "--fold"),
        ("show", "crc-art-9", "--format", "json"),
    ],
)
def test_store_gives_the_same_output_as_the_data(invoke, japan_store, args):
    """Each command prints exactly the same with --store as when it builds the graph from the data."""
    expected = invoke(*args)
    actual = invoke(*args, "--store", japan_store)
    assert actual.exit_code == expected.exit_code
    assert actual.output == expected.output


@pytest.mark.parametrize("fmt", ["gexf", "graphml", "csv"])
def test_export_store_writes_the_same_files(invoke, japan_store, tmp_path, fmt):
    """export writes byte-identical files with --store."""
    a, b = tmp_path / f"a.{fmt}", tmp_path / f"b.{fmt}"
    assert invoke("export", fmt, "-o", a, "--fold", "--measures").exit_code == 0
    assert invoke("export", fmt, "-o", b, "--fold", "--measures", "--store", japan_store).exit_code == 0
    if fmt == "csv":
        assert [(p.name, p.read_bytes()) for p in sorted(a.iterdir())] == [(p.name, p.read_bytes()) for p in sorted(b.iterdir())]
    else:
        assert a.read_bytes() == b.read_bytes()


def test_store_with_data_is_refused(invoke, japan_store):
    """--store with --data: exit 2 and one line saying what to do."""
    result = invoke("query", "treaties-party", "--store", japan_store, "--data", TINY)
    assert result.exit_code == 2
    assert result.output == (
        "error: --store cannot be combined with --data or --no-bundled "
        "(build a store with the data first: policygraph build --data PATH --store DIR)\n"
    )


def test_store_missing_is_refused(invoke, tmp_path):
    """A --store folder that does not exist: exit 2, no traceback."""
    result = invoke("trace", "titp", "--store", tmp_path / "nope")
    assert result.exit_code == 2
    assert result.output == f"error: {tmp_path / 'nope'}: no such store (build one with: policygraph build --store DIR)\n"


def test_build_store_with_output_is_refused(invoke, tmp_path):
    """build --store with -o: exit 2 and the command to use instead."""
    result = invoke("build", "--store", tmp_path / "s", "-o", tmp_path / "g.ttl")
    assert result.exit_code == 2
    assert result.output.startswith("error: -o cannot be combined with --store")
    assert not (tmp_path / "s").exists()


# -- progress on stderr ---------------------------------------------------------------------------


def test_build_store_no_progress_when_piped(runner, tmp_path):
    """With stderr not a terminal (CliRunner, pipes) no progress bar is drawn: stderr has the summary lines only."""
    from policygraph.cli import main

    result = runner.invoke(main, ["build", "--no-bundled", "--data", str(TINY), "--store", str(tmp_path / "s")])
    assert result.exit_code == 0
    assert result.stdout == ""
    assert "\r" not in result.stderr and "building the store" not in result.stderr
    assert result.stderr.endswith(f"wrote store {tmp_path / 's'}\n")


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_progress_reporter_draws_on_a_terminal(monkeypatch):
    """On a terminal the reporter draws a bar with its label on stderr; --quiet silences it."""
    import click

    from policygraph.cli.options import progress_reporter

    terminal = _Terminal()
    monkeypatch.setattr("sys.stderr", terminal)
    with click.Context(click.Command("x")) as context:
        report = progress_reporter("checking shapes")
        assert report is not None
        report(1, 4)
        report(4, 4)
        context.meta["policygraph.quiet"] = True
        assert progress_reporter("checking shapes") is None
    assert "checking shapes" in terminal.getvalue()
    assert "100%" in terminal.getvalue()


def test_build_store_reports_progress(tmp_path):
    """build_store calls progress with stages and growing counts, ending complete."""
    path = tmp_path / "synthetic.ttl"
    path.write_text(_generate(2000), encoding="utf-8")
    calls = []
    build_store(tmp_path / "s", [TINY, path], bundled=False, progress=lambda *call: calls.append(call))
    stages = [stage for stage, _, _ in calls]
    assert "reading YAML records" in stages and "loading synthetic.ttl" in stages and stages[-1] == "writing the store"
    loading = [(done, total) for stage, done, total in calls if stage == "loading synthetic.ttl"]
    assert loading[-1][0] == loading[-1][1] == path.stat().st_size
    assert all(a[0] <= b[0] for a, b in zip(loading, loading[1:]))


def test_validate_store_json_same_as_data(japan_store, bundled):
    """validate() on the store and on the built graph give the same report."""
    from policygraph.validation.validate import validate

    from_store = validate(open_store(japan_store))
    assert json.dumps(from_store.to_dict(), sort_keys=True) == json.dumps(validate(bundled).to_dict(), sort_keys=True)


def test_store_with_graph_or_endpoint_is_refused(invoke, japan_store, tmp_path):
    """--store names the graph: --graph or --endpoint with it are usage errors (exit 2, one line)."""
    graph = invoke("query", "treaties-party", "--store", japan_store, "--graph", tmp_path / "g.ttl")
    assert (graph.exit_code, graph.output) == (
        2,
        "error: --graph cannot be combined with --store (use one prebuilt graph: a file or a store)\n",
    )
    endpoint = invoke("query", "treaties-party", "--store", japan_store, "--endpoint", "http://127.0.0.1:9/query")
    assert (endpoint.exit_code, endpoint.output) == (2, "error: --endpoint cannot be combined with --store\n")
