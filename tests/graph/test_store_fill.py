"""Filling a store while the YAML is read: the same triples and source map, and a bad record still stops everything."""

from __future__ import annotations

import json
import threading
from pathlib import Path

import pyoxigraph as ox
import pytest

from policygraph import load_graph
from policygraph.errors import InputError
from policygraph.graph.handle import source_map_from_file
from policygraph.graph.store import build_store
from policygraph.graph import store_fill
from policygraph.graph.store_fill import RecordLoader, add_inputs, source_map_json
from policygraph.records import load
from policygraph.records.load import read_inputs

TINY = Path(__file__).parents[1] / "fixtures" / "tiny"


def _records(path: Path, count: int, bad: int | None = None) -> Path:
    """``count`` practice records; record number ``bad`` (from 0) has an unknown key, on its line 4."""
    path.write_text(
        "".join(
            f"- id: practice-{i}\n  type: practice\n  label: Practice {i}\n" + ("  colour: red\n" if i == bad else "")
            for i in range(count)
        ),
        encoding="utf-8",
    )
    return path


@pytest.fixture
def small_chunks(monkeypatch):
    """Hand over the records 7 at a time, so a small file makes several chunks."""
    monkeypatch.setattr(load, "_CHUNK_RECORDS", 7)


def _loader_threads() -> list[threading.Thread]:
    return [thread for thread in threading.enumerate() if thread.name == "policygraph-record-loader"]


@pytest.mark.parametrize("bulk", [False, True])
def test_record_loader_loads_what_read_inputs_reads(small_chunks, monkeypatch, tmp_path, bulk):
    """Records handed over in chunks while reading give the store the triples of the text read in one piece."""
    monkeypatch.setattr(store_fill, "_BULK_BATCH", 1000)  # several bulk loads too
    paths = [TINY, _records(tmp_path / "more.yaml", 30)]
    whole = ox.Store()
    add_inputs(whole, read_inputs(paths))
    chunks: list[str] = []
    store = ox.Store(str(tmp_path / "store")) if bulk else ox.Store()
    with RecordLoader(store, bulk=bulk) as loader:
        inputs = read_inputs(paths, records_to=lambda text: (chunks.append(text), loader.load(text)))
    add_inputs(store, inputs)
    assert len(chunks) > 5 and inputs.records == []
    assert set(store) == set(whole) and len(store) == len(whole)


def test_bad_record_in_a_later_chunk_gives_its_error(small_chunks, tmp_path):
    """A record after several chunks were loaded stops the build with its own file:line message; no loader is left."""
    path = _records(tmp_path / "records.yaml", 40, bad=30)
    with pytest.raises(InputError) as raised:
        load_graph([path], bundled=False)
    assert str(raised.value) == f"{path}:94: unknown key 'colour' for a practice record ('practice-30') (see data/README.md)"
    assert _loader_threads() == []


def test_bad_record_in_a_later_chunk_leaves_no_store(small_chunks, tmp_path):
    """A store build stopped by a bad record leaves neither the store nor the folder it was built in."""
    path = _records(tmp_path / "records.yaml", 40, bad=30)
    (tmp_path / "out").mkdir()
    with pytest.raises(InputError, match="unknown key 'colour'"):
        build_store(tmp_path / "out" / "store", [path], bundled=False)
    assert list((tmp_path / "out").iterdir()) == [tmp_path / "out" / ".store.lock"]
    assert _loader_threads() == []


def test_record_loader_error_is_raised_after_reading():
    """Text Oxigraph refuses raises its error when the reading is done, not on another thread."""
    with pytest.raises(SyntaxError):
        with RecordLoader(ox.Store()) as loader:
            loader.load("<http://example.org/a> <http://example.org/b> .\n")


def test_source_map_json_is_the_source_map(tmp_path):
    """The JSON written from the loader's notes reads back as the source map the loader makes, with absolute paths."""
    inputs = read_inputs([TINY], bundled=False)
    path = tmp_path / "source-map.json"
    path.write_text(json.dumps(source_map_json(inputs.node_lines, inputs.property_lines)), encoding="utf-8")
    read = source_map_from_file(path)()
    expected = inputs.source_map
    assert len(read.nodes) == len(expected.nodes) > 8 and len(read.properties) == len(expected.properties) > 8
    for mine, theirs in ((read.nodes, expected.nodes), (read.properties, expected.properties)):
        assert list(mine) == list(theirs)
        for key, location in theirs.items():
            assert (mine[key].path, mine[key].line) == (str(Path(location.path).resolve()), location.line)
