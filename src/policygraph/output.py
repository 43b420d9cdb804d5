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

What a target may be:

- ``-`` is standard output: the content is written there as it is (no temporary file). A file
  really named ``-`` is written as ``./-``.
- A regular file, or a name that does not exist yet: replaced or created as above.
- Anything else is refused with an ``InputError`` and left untouched: a folder, a FIFO, a device,
  a socket (renaming over them would replace the special file with a regular one, or write into
  a pipe someone else reads), and **a symbolic link**, dangling or not. Following a link would
  write wherever it points (in a shared folder, a planted link redirects the write), and renaming
  over it would silently turn it into a plain file: naming the link's target is the way to write
  there.

``write_atomic_files`` writes several files that belong together (``export csv``'s nodes and
edges): all of them are written aside first, then renamed in; if any write or rename fails, the
new files are removed and the old ones put back, so the set is either all new or all old.
"""

from __future__ import annotations

import errno
import os
import re
import secrets
import stat
import sys
from collections.abc import Iterable, Sequence
from pathlib import Path

from policygraph.errors import InputError
from policygraph.model import Location

__all__ = [
    "STDOUT",
    "process_running",
    "remove_stale_temporaries",
    "temporary_files",
    "write_atomic",
    "write_atomic_chunks",
    "write_atomic_files",
]

STDOUT = "-"
"""The target name that means standard output."""

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
    """Write ``content`` to ``path`` atomically (text is written as UTF-8); ``-`` writes to standard output.

    Raises:
        InputError: the folder does not exist or is not writable, the target is not a regular
            file (see the module's docstring), the file system is read-only or full, or the file
            exceeds the file-size limit.
    """
    data = content.encode("utf-8") if isinstance(content, str) else content
    if str(path) == STDOUT:
        _write_stdout((data,))
        return
    path, folder = _checked_target(path)
    remove_stale_temporaries(path)
    try:
        if not (_USE_TMPFILE and _write_unnamed(folder, path, data)):
            _replace(_write_temporary(folder, path, data), path)
        _sync_folder(folder)
    except OSError as error:
        raise InputError(f"cannot write: {_reason(error)}", Location(str(path))) from None


def write_atomic_chunks(path: str | Path, chunks: Iterable[str | bytes]) -> None:
    """Write content made piece by piece (text as UTF-8) to ``path`` atomically, never all of it in memory.

    The pieces go to a named temporary file beside the target (``.NAME.PID.RANDOM.tmp``), which
    replaces the target once complete; if making a piece fails, the temporary file is removed and
    the error propagates. ``-`` streams the pieces to standard output.

    Raises:
        InputError: as ``write_atomic``.
    """
    encoded = (piece.encode("utf-8") if isinstance(piece, str) else piece for piece in chunks)
    if str(path) == STDOUT:
        _write_stdout(encoded)
        return
    path, folder = _checked_target(path)
    remove_stale_temporaries(path)
    try:
        _replace(_write_temporary(folder, path, encoded), path)
        _sync_folder(folder)
    except OSError as error:
        raise InputError(f"cannot write: {_reason(error)}", Location(str(path))) from None


def write_atomic_files(files: Sequence[tuple[str | Path, str | bytes]]) -> None:
    """Write several files that belong together: all of them replaced, or none.

    Each content goes to a temporary file beside its target; once all are complete they are
    renamed in, each old file first kept as a hard link beside it. If a write or a rename fails,
    the new files are removed and the old ones put back.

    Raises:
        InputError: as ``write_atomic`` (naming the file that failed); no target is changed.
    """
    targets = [_checked_target(path) for path, _ in files]
    written: list[tuple[Path, Path]] = []  # (temporary, target)
    kept: list[tuple[Path, Path]] = []  # (old file's backup, target)
    replaced: list[Path] = []
    current = targets[0][0] if targets else None
    try:
        for (path, folder), (_, content) in zip(targets, files):
            current = path
            remove_stale_temporaries(path)
            data = content.encode("utf-8") if isinstance(content, str) else content
            written.append((_write_temporary(folder, path, data), path))
        for temporary, path in written:
            current = path
            if os.path.lexists(path):
                backup = _temporary_name(path.parent, path)
                os.link(path, backup)
                kept.append((backup, path))
            os.replace(temporary, path)
            replaced.append(path)
        for folder in {folder for _, folder in targets}:
            _sync_folder(folder)
    except OSError as error:
        backed_up = {path: backup for backup, path in kept}
        for path in replaced:
            if path in backed_up:
                os.replace(backed_up.pop(path), path)
            else:
                _unlink(path)
        for temporary in [t for t, _ in written] + list(backed_up.values()):
            _unlink(temporary)
        raise InputError(f"cannot write: {_reason(error)}", Location(str(current))) from None
    for backup, _ in kept:
        _unlink(backup)


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
        if pid != os.getpid() and not process_running(pid):
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


def _write_temporary(folder: Path, path: Path, data: bytes | Iterable[bytes]) -> Path:
    """Write ``data`` to a new ``.NAME.PID.RANDOM.tmp`` beside ``path``, flushed to disk; its name."""
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
    return temporary


def _checked_target(path: str | Path) -> tuple[Path, Path]:
    """``path`` and its folder, when ``path`` may be written (see the module's docstring)."""
    path = Path(path)
    folder = path.parent if str(path.parent) else Path(".")
    where = Location(str(path))
    if not folder.is_dir():
        raise InputError("cannot write: no such folder", where)
    try:
        mode = os.lstat(path).st_mode
    except FileNotFoundError:
        return path, folder
    except OSError as error:
        raise InputError(f"cannot write: {_reason(error)}", where) from None
    if stat.S_ISLNK(mode):
        raise InputError("cannot write: it is a symbolic link", where, hint="name the file it points to")
    if stat.S_ISDIR(mode):
        raise InputError("cannot write: it is a folder", where)
    if not stat.S_ISREG(mode):
        kind = "a FIFO" if stat.S_ISFIFO(mode) else "a socket" if stat.S_ISSOCK(mode) else "a device"
        raise InputError(f"cannot write: it is {kind}, not a regular file", where)
    return path, folder


def _write_stdout(pieces: Iterable[bytes]) -> None:
    """Write to standard output as bytes, after whatever text was printed before."""
    sys.stdout.flush()
    stream = sys.stdout.buffer
    for piece in pieces:
        stream.write(piece)
    stream.flush()


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


def process_running(pid: int) -> bool:
    """True when process ``pid`` runs (or may: on Windows, or someone else's), so its leftovers must stay."""
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
