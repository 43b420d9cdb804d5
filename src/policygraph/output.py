"""Atomic file output: write to a temporary file beside the target, then rename over it.

A failed or interrupted write never leaves half a file, and the previous file stays intact.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from .errors import InputError
from .model import Location

__all__ = ["write_atomic"]


def write_atomic(path: str | Path, content: str | bytes) -> None:
    """Write ``content`` to ``path`` atomically.

    Raises:
        InputError: the folder does not exist, is not writable, or the disk is full.
    """
    path = Path(path)
    data = content.encode("utf-8") if isinstance(content, str) else content
    folder = path.parent if str(path.parent) else Path(".")
    if not folder.is_dir():
        raise InputError("cannot write: no such folder", Location(str(path)))
    try:
        handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=folder)
    except OSError as error:
        raise InputError(f"cannot write: {error.strerror}", Location(str(path))) from None
    try:
        os.chmod(temporary, 0o666 & ~_umask())  # mkstemp makes 0600; give the file the usual mode
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())
        os.replace(temporary, path)
    except BaseException as error:
        try:
            os.unlink(temporary)
        except OSError:
            pass
        if isinstance(error, OSError):
            raise InputError(f"cannot write: {error.strerror or error}", Location(str(path))) from None
        raise


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask
