"""Atomic file output: the new content goes to a temporary file beside the target, then is renamed over it.

A failed or interrupted write never leaves half a file: the previous file stays as it was until
the complete new one replaces it in one ``rename``. And it leaves no temporary file behind:

- On Linux the content is written to an *unnamed* file (``O_TMPFILE``) in the target's folder,
  flushed to disk, then given a temporary name and renamed over the target at once. If the
  process is killed while writing (the long part), the kernel frees the unnamed file.
- Elsewhere (or on file systems without ``O_TMPFILE``) the temporary file is named
  ``.NAME.PID.RANDOM.tmp``. A process killed in the microseconds between naming and renaming
  (or while writing, on the fallback) cannot clean up; so every write of ``NAME`` first removes
  the ``.NAME.PID.*.tmp`` files whose process ``PID`` no longer runs.

Errors (no folder, no permission, a read-only file system, a full disk, a file-size limit) are
an ``InputError`` naming the target; the previous file is untouched and the temporary file gone.
"""

from __future__ import annotations

import errno
import os
import re
import secrets
from collections.abc import Iterable
from pathlib import Path

from policygraph.errors import InputError
from policygraph.model import Location

__all__ = ["remove_stale_temporaries", "temporary_files", "write_atomic", "write_atomic_chunks"]

_REASONS = {
    errno.ENOSPC: "no space left on the device",
    errno.EDQUOT: "disk quota exceeded",
    errno.EFBIG: "file too large (over the file-size limit, see ulimit -f)",
    errno.EROFS: "read-only file system",
    errno.EACCES: "permission denied",
    errno.EPERM: "permission denied",
    errno.EISDIR: "it is a folder",
    errno.ENOENT: "no such folder",
    errno.ENOTDIR: "no such folder",
}
_NO_TMPFILE = {errno.EOPNOTSUPP, errno.EISDIR, errno.EINVAL, errno.ENOENT}
_USE_TMPFILE = hasattr(os, "O_TMPFILE") and os.path.isdir("/proc/self/fd")


def write_atomic(path: str | Path, content: str | bytes) -> None:
    """Write ``content`` to ``path`` atomically (text is written as UTF-8).

    Raises:
        InputError: the folder does not exist or is not writable, the target is a folder, the
            file system is read-only or full, or the file exceeds the file-size limit.
    """
    path = Path(path)
    data = content.encode("utf-8") if isinstance(content, str) else content
    folder = path.parent if str(path.parent) else Path(".")
    where = Location(str(path))
    if not folder.is_dir():
        raise InputError("cannot write: no such folder", where)
    if path.is_dir():
        raise InputError("cannot write: it is a folder", where)
    remove_stale_temporaries(path)
    try:
        if not (_USE_TMPFILE and _write_unnamed(folder, path, data)):
            _write_named(folder, path, data)
        _sync_folder(folder)
    except OSError as error:
        raise InputError(f"cannot write: {_reason(error)}", where) from None


def write_atomic_chunks(path: str | Path, chunks: Iterable[str | bytes]) -> None:
    """Write content made piece by piece (text as UTF-8) to ``path`` atomically, never all of it in memory.

    The pieces go to a named temporary file beside the target (``.NAME.PID.RANDOM.tmp``), which
    replaces the target once complete; if making a piece fails, the temporary file is removed and
    the error propagates.

    Raises:
        InputError: as ``write_atomic``.
    """
    path = Path(path)
    folder = path.parent if str(path.parent) else Path(".")
    where = Location(str(path))
    if not folder.is_dir():
        raise InputError("cannot write: no such folder", where)
    if path.is_dir():
        raise InputError("cannot write: it is a folder", where)
    remove_stale_temporaries(path)
    encoded = (piece.encode("utf-8") if isinstance(piece, str) else piece for piece in chunks)
    try:
        _write_named(folder, path, encoded)
        _sync_folder(folder)
    except OSError as error:
        raise InputError(f"cannot write: {_reason(error)}", where) from None


def temporary_files(path: str | Path) -> list[Path]:
    """The temporary files of writes of ``path`` (``.NAME.PID.RANDOM.tmp``) now in its folder."""
    path = Path(path)
    folder = path.parent if str(path.parent) else Path(".")
    pattern = _temporary_pattern(path.name)
    try:
        return sorted(folder / name for name in os.listdir(folder) if pattern.match(name))
    except OSError:
        return []


def remove_stale_temporaries(path: str | Path) -> list[Path]:
    """Remove the temporary files of ``path`` left by processes that no longer run; return them."""
    removed = []
    pattern = _temporary_pattern(Path(path).name)
    for temporary in temporary_files(path):
        pid = int(pattern.match(temporary.name).group(1))
        if pid != os.getpid() and not _running(pid):
            try:
                temporary.unlink()
                removed.append(temporary)
            except OSError:
                pass
    return removed


def _write_unnamed(folder: Path, path: Path, data: bytes) -> bool:
    """Write through an O_TMPFILE file; False when the file system cannot make one."""
    try:
        handle = os.open(folder, os.O_TMPFILE | os.O_WRONLY, 0o666)
    except OSError as error:
        if error.errno in _NO_TMPFILE:
            return False
        raise
    try:
        _write_all(handle, data)
        os.fsync(handle)
        temporary = _temporary_name(folder, path)
        try:
            os.link(f"/proc/self/fd/{handle}", temporary, follow_symlinks=True)
        except OSError as error:
            if error.errno in (errno.ENOENT, errno.EPERM, errno.EXDEV, errno.EOPNOTSUPP, errno.EMLINK):
                return False  # /proc hidden or links not allowed here: write a named file instead
            raise
    finally:
        os.close(handle)
    _replace(temporary, path)
    return True


def _write_named(folder: Path, path: Path, data: bytes) -> None:
    temporary = _temporary_name(folder, path)
    handle = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
    try:
        try:
            _write_all(handle, data)
            os.fsync(handle)
        finally:
            os.close(handle)
    except BaseException:
        _unlink(temporary)
        raise
    _replace(temporary, path)


def _replace(temporary: Path, path: Path) -> None:
    try:
        os.replace(temporary, path)
    except BaseException:
        _unlink(temporary)
        raise


def _write_all(handle: int, data: bytes | Iterable[bytes]) -> None:
    for piece in (data,) if isinstance(data, (bytes, bytearray, memoryview)) else data:
        view = memoryview(piece)
        while view:
            written = os.write(handle, view[: 1 << 24])
            view = view[written:]


def _sync_folder(folder: Path) -> None:
    """Make the rename durable (best effort: not every platform can open a folder)."""
    try:
        handle = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(handle)
    except OSError:
        pass
    finally:
        os.close(handle)


def _temporary_name(folder: Path, path: Path) -> Path:
    return folder / f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}.tmp"


def _temporary_pattern(name: str) -> re.Pattern:
    return re.compile(r"^\." + re.escape(name) + r"\.(\d+)\.[0-9a-f]+\.tmp$")


def _running(pid: int) -> bool:
    if os.name == "nt":  # os.kill would end the process there; never remove another's file
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's process
        return True
    except OSError:
        return False
    return True


def _unlink(path: Path) -> None:
    try:
        os.unlink(path)
    except OSError:
        pass


def _reason(error: OSError) -> str:
    reason = _REASONS.get(error.errno)
    if reason:
        return reason
    text = error.strerror or str(error)
    return text[:1].lower() + text[1:]
