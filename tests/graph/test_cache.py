"""The graph cache: built by the first command, opened by the next, invalidated by any input, safe to share."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from rdflib import URIRef

from policygraph.graph import cache, store

TINY = Path(__file__).parents[1] / "fixtures" / "tiny"
CLI = [sys.executable, "-m", "policygraph"]


@pytest.fixture
def cache_dir(tmp_path, monkeypatch):
    """A fresh, empty cache folder for this test (subprocesses inherit it)."""
    folder = tmp_path / "cache"
    monkeypatch.setenv(cache.CACHE_ENV, str(folder))
    return folder


def _stores(folder: Path) -> list[Path]:
    return sorted(p for p in folder.iterdir() if store.is_store(p)) if folder.is_dir() else []


def test_second_command_opens_the_cache_and_builds_nothing(invoke, cache_dir):
    """The first command builds the cached store; the second opens it: no build, the same answer."""
    before = cache.builds
    first = invoke("show", "crc-art-9")
    assert first.exit_code == 0 and cache.builds == before + 1
    [built] = _stores(cache_dir)
    manifest_time = (built / "manifest.json").stat().st_mtime_ns
    second = invoke("show", "crc-art-9")
    assert second.exit_code == 0 and cache.builds == before + 1
    assert second.output == first.output
    assert (built / "manifest.json").stat().st_mtime_ns == manifest_time


def test_changed_input_file_data_or_version_builds_again(invoke, cache_dir, tmp_path, monkeypatch):
    """A changed --data file, another --data set, or another package version each give a new build."""
    records = tmp_path / "records.yaml"
    records.write_bytes((TINY / "records.yaml").read_bytes())
    before = cache.builds
    assert invoke("search", "ruritania", "--no-bundled", "--data", records).exit_code == 0
    assert invoke("search", "ruritania", "--no-bundled", "--data", records).exit_code == 0
    assert cache.builds == before + 1
    records.write_bytes(records.read_bytes() + b"\n# a comment changes the bytes\n")
    assert invoke("search", "ruritania", "--no-bundled", "--data", records).exit_code == 0
    assert cache.builds == before + 2
    assert invoke("search", "ruritania", "--data", records).exit_code == 0  # the bundled data as well
    assert cache.builds == before + 3
    monkeypatch.setattr(store, "__version__", "0.0.0-other")
    assert invoke("search", "ruritania", "--no-bundled", "--data", records).exit_code == 0
    assert cache.builds == before + 4


def test_no_cache_builds_in_memory(invoke, cache_dir):
    """--no-cache leaves the cache alone."""
    before = cache.builds
    result = invoke("show", "crc", "--no-cache")
    assert result.exit_code == 0 and cache.builds == before
    assert _stores(cache_dir) == []


@pytest.mark.parametrize(
    "args",
    [
        ("trace", "bill-2021-immigration-control-revision"),
        ("trace", "titp", "--format", "md"),
        ("trace", "--provision", "crc-art-9", "--format", "json"),
        ("query", "policy-provisions", "--param", "policy=titp", "--format", "csv"),
        ("query", "treaties-not-party"),
        ("show", "bill-2021-immigration-control-revision"),
        ("search", "detention"),
        ("analyze", "centrality", "--fold", "--top", "10"),
        ("validate",),
        ("validate", "--severity", "info", "--format", "json"),  # every finding with its file and line
        ("build",),
    ],
)
def test_same_output_with_and_without_cache(invoke, args):
    """Every command answers the same from the cached store as from the graph built in memory."""
    cached = invoke(*args)
    memory = invoke(*args, "--no-cache")
    assert (cached.exit_code, cached.output) == (memory.exit_code, memory.output)


def test_read_only_cache_folder_falls_back_with_one_warning(tmp_path, monkeypatch):
    """A cache folder on a read-only file system: the same answer from memory, and one warning line."""
    folder = tmp_path / "ro"
    folder.mkdir()
    folder.chmod(0o500)
    mounted = False
    if os.access(folder, os.W_OK):  # root writes through modes: use a read-only file system instead
        mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", "ro,size=64k", "tmpfs", str(folder)], capture_output=True).returncode == 0
        if not mounted:
            pytest.skip("cannot make a read-only folder here (root, and no read-only mount allowed)")
    monkeypatch.setenv(cache.CACHE_ENV, str(folder / "cache"))
    try:
        cached = subprocess.run([*CLI, "show", "crc"], capture_output=True, text=True, timeout=300)
        memory = subprocess.run([*CLI, "show", "crc", "--no-cache"], capture_output=True, text=True, timeout=300)
    finally:
        if mounted:
            subprocess.run(["umount", str(folder)], check=True)
        folder.chmod(0o700)
    assert cached.returncode == 0 and cached.stdout == memory.stdout
    [warning] = cached.stderr.splitlines()
    assert warning.startswith("warning: cannot use the graph cache in ") and warning.endswith("building in memory")


def test_full_disk_falls_back_with_one_warning(tmp_path, monkeypatch):
    """A cache on a file system with no room left (RLIMIT_FSIZE): the answer from memory, one warning."""
    monkeypatch.setenv(cache.CACHE_ENV, str(tmp_path / "cache"))
    script = "import resource, sys; resource.setrlimit(resource.RLIMIT_FSIZE, (4096, 4096)); " \
        "import signal; signal.signal(signal.SIGXFSZ, signal.SIG_IGN); from policygraph.cli import main; " \
        "main(sys.argv[1:], prog_name='policygraph')"
    limited = subprocess.run([sys.executable, "-c", script, "show", "crc"], capture_output=True, text=True, timeout=300)
    memory = subprocess.run([*CLI, "show", "crc", "--no-cache"], capture_output=True, text=True, timeout=300)
    assert limited.returncode == 0 and limited.stdout == memory.stdout
    [warning] = limited.stderr.splitlines()
    assert warning.startswith("warning: cannot use the graph cache in ")
    assert _stores(tmp_path / "cache") == []


def test_two_first_commands_at_once_give_one_valid_cache(cache_dir):
    """Two processes that both find the cache empty: both answer, and one valid store is left."""
    procs = [subprocess.Popen([*CLI, "show", "crc"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for _ in range(2)]
    outputs = [p.communicate(timeout=600) for p in procs]
    assert [p.returncode for p in procs] == [0, 0], [err for _, err in outputs]
    assert outputs[0][0] == outputs[1][0]
    [built] = _stores(cache_dir)
    assert store.open_store(built).has_subject(URIRef("https://w3id.org/policygraph/id/crc"))
    leftovers = [p.name for p in cache_dir.iterdir() if ".building" in p.name or ".old" in p.name]
    assert leftovers == []


def test_killed_cache_build_leaves_no_store_that_is_used(cache_dir):
    """SIGKILL in the middle of the first build: the next command builds a complete store and answers."""
    proc = subprocess.Popen([*CLI, "show", "crc"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and not any(cache_dir.glob(".*building*")) and proc.poll() is None:
        time.sleep(0.01)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    assert _stores(cache_dir) == [] or proc.returncode == 0  # killed before the rename: nothing complete
    again = subprocess.run([*CLI, "show", "crc"], capture_output=True, text=True, timeout=600)
    assert again.returncode == 0 and "Convention on the Rights of the Child" in again.stdout
    [built] = _stores(cache_dir)
    assert store.is_current(built, store.store_key(extra=cache._shape_files()))


def test_cache_info_and_clear(invoke, cache_dir):
    """`cache info` lists the cached graphs; `cache clear` removes them."""
    assert invoke("show", "crc").exit_code == 0
    info = invoke("cache", "info")
    assert info.exit_code == 0
    assert str(cache_dir) in info.output and "1 cached graph" in info.output
    cleared = invoke("cache", "clear")
    assert cleared.exit_code == 0 and "removed 1 cached graph" in cleared.output
    assert _stores(cache_dir) == []
