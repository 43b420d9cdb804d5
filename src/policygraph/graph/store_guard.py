"""What lets builds and readers of one store run at the same time: the build lock, pinned paths, leftovers.

See ``graph.store``'s docstring for the whole story; this module holds the parts that deal with
other processes rather than with RDF.
"""

from __future__ import annotations

import os
import re
import shutil
import time
from pathlib import Path

from policygraph.errors import InputError
from policygraph.model import Location

__all__ = ["BuildLock", "folder_identity", "pinned", "remove_leftovers"]

_LOCK_WAIT = 5.0  # seconds a second build of the same folder waits for the first
_PINNED = os.path.isdir("/proc/self/fd")


def folder_identity(folder: Path) -> tuple[int, int] | None:
    """Which folder ``folder`` names now (a swap gives another), or None when nothing is there."""
    try:
        status = os.stat(folder)
    except OSError:
        return None
    return status.st_dev, status.st_ino


def pinned(path: Path, flags: int, handles: list[int], where: Location) -> Path:
    """``path`` pinned: ``/proc/self/fd/N`` for a handle N on it (kept in ``handles``), where Linux allows.

    A path through the handle reaches the same folder or file after a rename or a delete, so a
    store swapped in the middle of opening (or, for the source map, before it is read) is never
    mixed with the new one.
    """
    if not _PINNED:
        return path
    try:
        handles.append(os.open(path, os.O_RDONLY | flags))
    except OSError as error:
        raise InputError(f"cannot open the store: {error.strerror}", where) from None
    return Path(f"/proc/self/fd/{handles[-1]}")


class BuildLock:
    """Hold the exclusive lock of builds of ``folder`` (``.NAME.lock`` beside it); see ``graph.store``."""

    def __init__(self, folder: Path):
        self.folder = folder
        self.handle: int | None = None

    def __enter__(self) -> None:
        import fcntl

        parent = self.folder.absolute().parent
        where = Location(str(self.folder))
        if not parent.is_dir():
            raise InputError("cannot write the store: no such folder", Location(str(self.folder.parent)))
        try:
            self.handle = os.open(parent / f".{self.folder.name}.lock", os.O_RDWR | os.O_CREAT, 0o666)
        except OSError as error:
            raise InputError(f"cannot write the store: {error.strerror}", where) from None
        deadline = time.monotonic() + _LOCK_WAIT
        while True:
            try:
                fcntl.flock(self.handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                return
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    os.close(self.handle)
                    raise InputError(
                        f"another build of {self.folder} is running", where, hint="wait for it to finish, then run again"
                    ) from None
                time.sleep(0.1)

    def __exit__(self, *exc_info) -> None:  # noqa: ANN002
        os.close(self.handle)  # closing the handle releases the lock


def remove_leftovers(folder: Path) -> None:
    """Remove ``.NAME.building-PID`` and ``.NAME.old-PID`` beside ``folder`` whose process no longer runs."""
    from policygraph.output import process_running

    parent = folder.absolute().parent
    pattern = re.compile(r"^\." + re.escape(folder.name) + r"\.(?:building|old)-(\d+)$")
    try:
        names = os.listdir(parent)
    except OSError:
        return
    for name in names:
        match = pattern.match(name)
        if match and int(match.group(1)) != os.getpid() and not process_running(int(match.group(1))):
            shutil.rmtree(parent / name, ignore_errors=True)
