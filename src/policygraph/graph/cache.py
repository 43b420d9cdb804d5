"""The graph cache: the graph every command needs, built once into an on-disk store and opened after that.

Reading the curated YAML and checking every record takes a second or two; opening a prebuilt Oxigraph
store takes milliseconds. So the first command that needs the graph builds it into a store in the
user's cache folder (``$POLICYGRAPH_CACHE_DIR``, else ``$XDG_CACHE_HOME/policygraph``, else
``~/.cache/policygraph``), in a sub-folder named by a hash of every input: the bundled data, each
``--data`` file, the ontology, the shapes and the package version (``store.input_hash``). Later
commands with the same inputs open it; a changed input gives another hash, hence a new build. Only
YAML inputs are cached: extra RDF files are read as given each time (they can be large and are
already RDF; ``build --store DIR`` keeps a store of them where the user wants it).

Building is ``store.build_store``: the store is built aside and renamed into place, so a killed build
leaves no half store that is later used, and a lock lets one of two processes starting at once build
while the other waits for it. When the cache folder cannot be written (read-only, full disk) the
graph is built in memory instead, with one warning line.
"""

from __future__ import annotations

import contextlib
import os
import shutil
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from policygraph import resources
from policygraph.errors import InputError
from policygraph.graph.handle import LoadedGraph

__all__ = ["CACHE_ENV", "QUERY_CACHE", "CacheEntry", "cache_dir", "cached_graph", "cache_entries", "clear_cache", "KEEP"]

CACHE_ENV = "POLICYGRAPH_CACHE_DIR"
"""The environment variable that names the cache folder."""

KEEP = 4
"""How many cached graphs are kept (the most recently used); older ones are removed after a build."""

QUERY_CACHE = "queries"
"""The sub-folder where ``sparql.query`` keeps what the parse of each named query found (cleared with the graphs)."""

builds = 0
"""Graphs this process built into the cache (tests check that a warm command builds nothing)."""


@dataclass(frozen=True)
class CacheEntry:
    """One cached graph: its folder, size on disk, triples and the inputs it was built from."""

    folder: Path
    bytes: int
    triples: int
    files: tuple[str, ...]


def cache_dir() -> Path:
    """The cache folder: ``$POLICYGRAPH_CACHE_DIR``, else the platform's user cache folder + ``policygraph``."""
    if os.environ.get(CACHE_ENV):
        return Path(os.environ[CACHE_ENV])
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "policygraph"


def cached_graph(
    data: Sequence[str | Path] = (),
    *,
    bundled: bool = True,
    progress: Callable[[str, int, int], None] | None = None,
    warn: Callable[[str], None] | None = None,
) -> LoadedGraph:
    """The graph of the bundled data (unless ``bundled`` is false) and ``data``, from the cache.

    Opens the cached store when its inputs are unchanged; otherwise builds it (or, when the cache
    cannot be written, builds the graph in memory and calls ``warn`` with one line saying why).

    Raises:
        InputError: a file is missing or malformed, or a record is invalid (as ``load_graph``).
    """
    global builds
    from policygraph.graph.store import StoreWriteError, build_store, input_hash, is_current, open_store
    from policygraph.records.files import data_files

    files = data_files(([resources.data_dir()] if bundled else []) + [Path(p) for p in data])
    if any(path.suffix.lower() not in (".yaml", ".yml") for path in files):
        return _in_memory(data, bundled)  # RDF input: read as given each time (``build --store`` keeps it)

    shapes = _shape_files()
    key = input_hash(files, shapes)
    folder = cache_dir() / key[:24]
    if is_current(folder, key):
        try:
            return open_store(folder)
        except InputError:  # damaged (a disk error, a hand edit): build it again
            pass
    try:
        with _build_lock(folder):
            if is_current(folder, key):  # another process built it while this one waited
                return open_store(folder)
            result = build_store(folder, data, bundled=bundled, progress=progress, extra=shapes, force=True)
    except StoreWriteError as error:
        if warn is not None:
            warn(f"warning: cannot use the graph cache in {cache_dir()} ({error.message}); building in memory")
        return _in_memory(data, bundled)
    if not result.skipped:
        builds += 1
        _forget_old(folder)
    return open_store(folder)


def cache_entries() -> list[CacheEntry]:
    """The cached graphs, most recently used first."""
    from policygraph.graph.store import store_manifest

    entries = []
    for folder in _cached_folders():
        manifest = store_manifest(folder)
        size = sum(p.stat().st_size for p in folder.rglob("*") if p.is_file())
        entries.append(CacheEntry(folder, size, manifest.get("triples", 0), tuple(manifest.get("files", ()))))
    return entries


def _cached_folders() -> list[Path]:
    """The folders of the cached stores, most recently used first."""
    from policygraph.graph.store import is_store

    root = cache_dir()
    if not root.is_dir():
        return []
    return [folder for folder in sorted(root.iterdir(), key=_last_used, reverse=True) if folder.is_dir() and is_store(folder)]


def clear_cache() -> int:
    """Remove every cached graph (and the parsed named queries kept beside them); the number of graphs removed."""
    folders = _cached_folders()
    for folder in folders:
        shutil.rmtree(folder, ignore_errors=True)
    shutil.rmtree(cache_dir() / QUERY_CACHE, ignore_errors=True)
    return len(folders)


@contextlib.contextmanager
def _build_lock(folder: Path) -> Iterator[None]:
    """Hold an exclusive lock for building ``folder``: a second process waits, then finds it built.

    Raises:
        StoreWriteError: the cache folder or its lock file cannot be created.
    """
    import fcntl

    from policygraph.graph.store import StoreWriteError

    try:
        folder.parent.mkdir(parents=True, exist_ok=True)
        lock = open(folder.parent / f".{folder.name}.cache-lock", "a+b")  # noqa: SIM115 - held for the build
    except OSError as error:
        raise StoreWriteError(f"cannot create the folder: {error.strerror or error}") from None
    with lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def _shape_files() -> list[Path]:
    """The shapes are an input of every command that validates, so they key the cache too."""
    return sorted(resources.shapes_dir().glob("*.ttl"))


def _last_used(folder: Path) -> float:
    try:
        return (folder / "manifest.json").stat().st_atime
    except OSError:
        return 0.0


def _forget_old(current: Path) -> None:
    """Keep the ``KEEP`` most recently used graphs (the current one always)."""
    for folder in _cached_folders()[KEEP:]:
        if folder != current:
            shutil.rmtree(folder, ignore_errors=True)


def _in_memory(data: Sequence[str | Path], bundled: bool) -> LoadedGraph:
    """The graph built in memory, bypassing the cache (the YAML loader is imported only then: a cached answer never needs it)."""
    from policygraph.graph.build import load_graph

    return load_graph(data, bundled=bundled)
