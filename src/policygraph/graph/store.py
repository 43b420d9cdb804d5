"""A prebuilt graph on disk: an Oxigraph store in a folder, with the source map and a hash of the inputs.

``build_store`` builds the graph once — the YAML records through ``load_graph`` (so every check and
the source map are the same as without a store), RDF files bulk-loaded by Oxigraph's own parser —
and writes::

    DIR/manifest.json     what was built from what: format version, input hash, files, triples, record counts
    DIR/source-map.json   file:line of every YAML record and key (the source map)
    DIR/oxigraph/         the Oxigraph (RocksDB) store

It skips the work when the inputs have not changed (same content hash). ``open_store`` opens it
read-only in a fraction of a second and returns the graph handle (``graph.handle.LoadedGraph``) over
it, whose source map is read from the folder only when a message needs it.

Builds and readers running at the same time:

- A build holds an exclusive lock (``flock``) on ``.DIR.lock`` beside the folder from start to
  end; a second build of the same folder waits a few seconds for it, then stops with "another
  build of DIR is running" (so two builds never both claim to have written the store). The lock
  file stays: removing it would let a third build lock a fresh file while the second still waits
  on the old one.
- The new store is built in ``.DIR.building-PID`` and swapped in with two renames (the old store
  goes to ``.DIR.old-PID`` and is then deleted). A reader pins the folder it opens (on Linux it
  opens every file through ``/proc/self/fd/N``, N a handle on the folder, kept for the life of the
  graph handle), so it reads one store, old or new, even if a swap happens while it opens; if the
  old store is deleted under it while it opens, it starts again on the new one (a few times at
  most, then a one-line error).
- Leftovers of killed builds (``.DIR.building-PID`` and ``.DIR.old-PID`` whose process no longer
  runs) are removed by the next build of the same folder.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import weakref
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from policygraph import __version__, resources
from policygraph.errors import InputError
from policygraph.graph.handle import LoadedGraph, source_map_from_file
from policygraph.graph.store_fill import _CHUNK, Progress, _fill_store, _is_blank
from policygraph.graph.store_guard import BuildLock, folder_identity, pinned, remove_leftovers
from policygraph.model import Location
from policygraph.records.files import RDF_FORMATS, data_files

__all__ = [
    "STORE_FORMAT",
    "StoreBuild",
    "StoreWriteError",
    "build_store",
    "input_hash",
    "is_current",
    "is_store",
    "open_store",
    "store_key",
    "store_manifest",
]

STORE_FORMAT = 1
"""The version of the folder layout; a store of another version is rebuilt (and refused by ``open_store``)."""

_MANIFEST = "manifest.json"
_SOURCE_MAP = "source-map.json"
_OXIGRAPH = "oxigraph"
_YAML = (".yaml", ".yml")
_OPEN_ATTEMPTS = 5


@dataclass(frozen=True)
class StoreBuild:
    """What ``build_store`` did."""

    folder: Path
    triples: int
    files: tuple[str, ...]
    input_hash: str
    skipped: bool  # the inputs had not changed: nothing was rebuilt
    record_counts: dict[str, int] = field(default_factory=dict)


def is_store(folder: str | Path) -> bool:
    """True when ``folder`` holds a policygraph store (a manifest of this format)."""
    try:
        manifest = json.loads((Path(folder) / _MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    return isinstance(manifest, dict) and manifest.get("format") == "policygraph-store"


class StoreWriteError(InputError):
    """The store's folder cannot be written (read-only, full disk): the inputs themselves are fine."""


def input_hash(files: Sequence[Path], extra: Sequence[Path] = ()) -> str:
    """The SHA-256 of what a build reads: the store format, policygraph's version, the ontology, each file's path and bytes.

    ``extra`` files (the shapes, for the cache) are hashed too, without being read into the graph.

    Raises:
        InputError: a file cannot be read.
    """
    digest = hashlib.sha256(f"policygraph-store {STORE_FORMAT} {__version__}\n".encode())
    for path in [*resources.ontology_files(), *files, *extra]:
        digest.update(f"{Path(path).resolve()}\n".encode())
        try:
            with open(path, "rb") as stream:
                while chunk := stream.read(_CHUNK):
                    digest.update(chunk)
        except OSError as error:
            raise InputError(f"cannot read file: {error.strerror}", Location(str(path))) from None
        digest.update(b"\n")
    return digest.hexdigest()


def store_key(data: Sequence[str | Path] = (), *, bundled: bool = True, extra: Sequence[Path] = ()) -> str:
    """The ``input_hash`` of a build of the bundled data (unless ``bundled`` is false) and ``data``."""
    return input_hash(data_files(([resources.data_dir()] if bundled else []) + [Path(p) for p in data]), extra)


def is_current(folder: Path, key: str) -> bool:
    """True when ``folder`` holds a complete store built from inputs whose hash is ``key``."""
    if not is_store(folder):
        return False
    manifest = _read_manifest(folder)
    return manifest.get("version") == STORE_FORMAT and manifest.get("input_hash") == key and (folder / _OXIGRAPH).is_dir()


def store_manifest(folder: Path) -> dict:
    """What the store in ``folder`` was built from (format, input hash, files, triples, record counts)."""
    return _read_manifest(folder)


def build_store(
    folder: str | Path,
    data: Sequence[str | Path] = (),
    *,
    bundled: bool = True,
    force: bool = False,
    progress: Progress | None = None,
    extra: Sequence[Path] = (),
) -> StoreBuild:
    """Build the graph into an on-disk store in ``folder`` (replacing the store there, atomically).

    Args:
        folder: the store's folder; created, or replaced if it holds a store already.
        data: extra YAML or RDF files or folders, as for ``load_graph``.
        bundled: include the bundled dataset.
        force: rebuild even if the inputs have not changed.
        progress: called while loading, see ``Progress``.
        extra: files that key the build without being read into it (see ``input_hash``).

    Returns:
        What was built (or that nothing needed to be).

    Raises:
        InputError: a file is missing or malformed, ``folder`` is something else than a store,
            or the store cannot be written.
    """
    folder = Path(folder)
    with BuildLock(folder):
        return _build_locked(folder, data, bundled, force, progress, extra)


def _build_locked(
    folder: Path, data: Sequence[str | Path], bundled: bool, force: bool, progress: Progress | None, extra: Sequence[Path]
) -> StoreBuild:
    from policygraph.records.safety import check_rdf_text

    remove_leftovers(folder)
    if folder.exists() and not folder.is_dir():
        raise InputError("cannot write the store: it is a file", Location(str(folder)))
    if folder.is_dir() and any(folder.iterdir()) and not is_store(folder):
        raise InputError(
            "cannot write the store: the folder holds other files", Location(str(folder)), hint="name a new or empty folder"
        )
    files = data_files(([resources.data_dir()] if bundled else []) + [Path(p) for p in data])
    digest = input_hash(files, extra)
    if not force and is_current(folder, digest):
        manifest = _read_manifest(folder)
        return StoreBuild(folder, manifest["triples"], tuple(manifest["files"]), digest, True, manifest["record_counts"])
    yaml_files = [p for p in files if p.suffix.lower() in _YAML]
    rdf_files = [p for p in files if p.suffix.lower() not in _YAML]
    for path in rdf_files:
        fmt = RDF_FORMATS[path.suffix.lower()]
        if fmt in ("xml", "json-ld"):  # no DTD, external entity or remote context reaches the parser
            from policygraph.records.safety import decode_text

            check_rdf_text(decode_text(path.read_bytes(), str(path)), fmt, str(path))
        elif _is_blank(path):
            raise InputError("empty file", Location(str(path), 1))
    from policygraph.records.load import read_inputs

    parent = folder.resolve().parent
    if not parent.is_dir():
        read_inputs(yaml_files, bundled=False)  # bad input is reported first, as where the store can be written
        raise StoreWriteError("cannot write the store: no such folder", Location(str(folder.parent)))
    building = parent / f".{folder.name}.building-{os.getpid()}"
    shutil.rmtree(building, ignore_errors=True)
    try:
        try:
            building.mkdir()
        except OSError:
            read_inputs(yaml_files, bundled=False)  # likewise
            raise
        # the ontology, the records, their checks and source map; the records loaded into the store as they are read
        loaded, triples = _fill_store(building / _OXIGRAPH, yaml_files, rdf_files, progress, building / _SOURCE_MAP)
        names = [str(p.resolve()) for p in files]
        manifest = {
            "format": "policygraph-store",
            "version": STORE_FORMAT,
            "policygraph": __version__,
            "input_hash": digest,
            "triples": triples,
            "files": names,
            "record_counts": dict(sorted(loaded.record_counts.items())),
        }
        (building / _MANIFEST).write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
        _replace_folder(building, folder)
    except OSError as error:
        raise StoreWriteError(f"cannot write the store: {error.strerror or error}", Location(str(folder))) from None
    finally:
        shutil.rmtree(building, ignore_errors=True)
    return StoreBuild(folder, triples, tuple(names), digest, False, manifest["record_counts"])


def open_store(folder: str | Path) -> LoadedGraph:
    """Open a store read-only: one store, whole, even while a build swaps in a new one.

    If opening fails because a build swapped the folder meanwhile (the old store's files deleted
    under the reader), it starts again on the new store, a few times at most.

    Raises:
        InputError: ``folder`` is not a store of this format (with what to do), or cannot be opened.
    """
    folder = Path(folder)
    where = Location(str(folder))
    attempts = 0
    while True:
        attempts += 1
        if not folder.is_dir():
            raise InputError("no such store", where, hint="build one with: policygraph build --store DIR")
        identity = folder_identity(folder)
        handles: list[int] = []
        try:
            loaded = _openpinned(pinned(folder, os.O_DIRECTORY, handles, where), folder, where, handles)
        except InputError:
            for handle in handles:
                os.close(handle)
            if folder_identity(folder) != identity and attempts < _OPEN_ATTEMPTS:
                continue  # swapped while opening: open the new store
            raise
        except BaseException:
            for handle in handles:
                os.close(handle)
            raise
        for handle in handles:
            weakref.finalize(loaded, os.close, handle)
        return loaded


def _openpinned(base: Path, folder: Path, where: Location, handles: list[int]) -> LoadedGraph:
    import pyoxigraph as ox

    if not is_store(base):
        raise InputError("not a policygraph store (no manifest.json)", where, hint="build one with: policygraph build --store DIR")
    manifest = _read_manifest(base, shown=folder)
    if manifest.get("version") != STORE_FORMAT:
        raise InputError(
            f"store format {manifest.get('version')!r} is not this policygraph's ({STORE_FORMAT})",
            where,
            hint="rebuild it with: policygraph build --store DIR",
        )
    try:
        store = ox.Store.read_only(str(base / _OXIGRAPH))
    except (OSError, ValueError, RuntimeError) as error:  # RocksDB's "Corruption: ..." is a RuntimeError
        raise InputError(f"cannot open the store: {' '.join(str(error).split())[:200]}", where) from None
    if not (base / _SOURCE_MAP).is_file():
        raise InputError("cannot open the store: its source-map.json is missing", where, hint="rebuild it with: policygraph build --store DIR")
    return LoadedGraph(
        store=store,
        source_map=source_map_from_file(pinned(base / _SOURCE_MAP, 0, handles, where)),
        record_counts=Counter(manifest["record_counts"]),
        files=[Path(p) for p in manifest["files"]],
        folder=folder,
        triples=manifest["triples"],
    )


# -- building -----------------------------------------------------------------------------------


def _replace_folder(new: Path, target: Path) -> None:
    """Put ``new`` where ``target`` is: rename the old store aside, rename the new one in, delete the old."""
    old = target.parent / f".{target.name}.old-{os.getpid()}"
    if target.exists():
        os.rename(target, old)
    try:
        os.rename(new, target)
    except OSError:
        if old.exists():
            os.rename(old, target)
        raise
    shutil.rmtree(old, ignore_errors=True)


def _read_manifest(folder: Path, shown: Path | None = None) -> dict:
    """The manifest in ``folder``; errors name it in ``shown`` (the folder the user named, not a pinned path)."""
    try:
        return json.loads((folder / _MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        reason = error.strerror if isinstance(error, OSError) else error
        raise InputError(f"cannot read the store's manifest: {reason}", Location(str((shown or folder) / _MANIFEST))) from None
