"""Atomic writes under faults: SIGKILL mid-write, a full disk, a file-size limit, a read-only folder.

Each fault test checks the same promise: the previous file is byte-identical afterwards and no
temporary file is left (or, where a killed process could not clean up, the next write of the
same file removes it).
"""

from __future__ import annotations

import errno
import json
import os
import resource
import shutil
import signal
import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path

import pytest

from policygraph import output
from policygraph.errors import InputError
from policygraph.output import remove_stale_temporaries, temporary_files, write_atomic

TESTS = Path(__file__).parent
TINY = TESTS / "fixtures" / "tiny"
OLD = b"# the previous file: it must survive every fault byte for byte\n" * 20

# Runs the CLI with a hook in write_atomic: at STAGE it touches MARKER and sleeps until killed.
HOOKED_CLI = textwrap.dedent(
    """
    import os, sys, time
    from policygraph import output
    marker, stage = os.environ["PG_MARKER"], os.environ["PG_STAGE"]
    if os.environ.get("PG_NAMED"):
        output._USE_TMPFILE = False
    write_all, replace = output._write_all, output._replace
    def stop_here():
        open(marker, "w").close()
        time.sleep(600)
    def hooked_write_all(handle, data):
        if stage == "writing":
            if isinstance(data, bytes):
                write_all(handle, data[: len(data) // 2])
            else:  # a streamed write (write_atomic_chunks): the first pieces
                data = iter(data)
                write_all(handle, [next(data)])
            stop_here()
        write_all(handle, data)
    def hooked_replace(temporary, path):
        if stage == "renaming":
            stop_here()
        replace(temporary, path)
    output._write_all, output._replace = hooked_write_all, hooked_replace
    from policygraph.cli import main
    main(sys.argv[1:], prog_name="policygraph")
    """
)

NAMED_CLI = "from policygraph import output; output._USE_TMPFILE = False\nimport sys\nfrom policygraph.cli import main\nmain(sys.argv[1:], prog_name='policygraph')"


def build_args(out: Path, bundled: bool = False) -> list[str]:
    """``policygraph build -o OUT`` on the tiny dataset (or the bundled one)."""
    data = [] if bundled else ["--no-bundled", "--data", str(TINY)]
    return ["build", *data, "--no-validate", "-o", str(out)]


def export_args(out: Path) -> list[str]:
    """``policygraph export ttl -o OUT`` on the bundled dataset."""
    return ["export", "ttl", "-o", str(out)]


def run_cli(args: list[str], named: bool = False, **kwargs) -> subprocess.CompletedProcess:
    """The CLI in a fresh process (with named temporary files when ``named``)."""
    command = [sys.executable, "-c", NAMED_CLI, *args] if named else [sys.executable, "-m", "policygraph", *args]
    return subprocess.run(command, capture_output=True, text=True, check=False, timeout=120, **kwargs)


def kill_at(args: list[str], stage: str, marker: Path, named: bool) -> int:
    """Run the CLI until write_atomic reaches ``stage``, then SIGKILL it; the signal that ended it."""
    env = dict(os.environ, PG_MARKER=str(marker), PG_STAGE=stage, PG_NAMED="1" if named else "")
    process = subprocess.Popen([sys.executable, "-c", HOOKED_CLI, *args], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 120
        while not marker.exists():
            assert process.poll() is None, f"the CLI ended before {stage}: {process.stderr.read().decode()}"
            assert time.monotonic() < deadline, f"the CLI never reached {stage}"
            time.sleep(0.01)
        process.send_signal(signal.SIGKILL)
        return -process.wait(timeout=30)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
        process.stderr.close()


def leftovers(folder: Path) -> list[str]:
    """Every file in ``folder`` but the output and the marker."""
    return sorted(p.name for p in folder.iterdir() if p.name not in ("out.ttl", "marker"))


# -- in-process -----------------------------------------------------------------------------------


@pytest.fixture(params=["unnamed", "named"])
def mode(request, monkeypatch):
    """Both ways of writing: O_TMPFILE (Linux) and the named temporary file (elsewhere)."""
    if request.param == "unnamed" and not output._USE_TMPFILE:
        pytest.skip("O_TMPFILE is Linux-only")
    monkeypatch.setattr(output, "_USE_TMPFILE", request.param == "unnamed")
    return request.param


def test_write_atomic_replaces_with_usual_mode(tmp_path, mode):
    """The new content replaces the old; the file gets 0666 minus the umask, like any new file."""
    target = tmp_path / "out.ttl"
    target.write_bytes(OLD)
    previous = os.umask(0o027)
    try:
        write_atomic(target, "new ✓")
    finally:
        os.umask(previous)
    assert target.read_text(encoding="utf-8") == "new ✓"
    assert target.stat().st_mode & 0o777 == 0o640
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.ttl"]


@pytest.mark.parametrize(
    ("code", "message"),
    [
        (errno.ENOSPC, "cannot write: no space left on the device"),
        (errno.EFBIG, "cannot write: file too large (over the file-size limit, see ulimit -f)"),
        (errno.EIO, "cannot write: input/output error"),
    ],
)
def test_write_atomic_write_error_keeps_old_file(tmp_path, monkeypatch, mode, code, message):
    """A write that fails half-way is one InputError; the old file is intact and no temporary file remains."""
    target = tmp_path / "out.ttl"
    target.write_bytes(OLD)
    real_write = os.write
    calls = []

    def failing_write(handle, data):
        calls.append(len(data))
        if len(calls) > 1:
            raise OSError(code, os.strerror(code))
        return real_write(handle, bytes(data[: len(data) // 2]))

    monkeypatch.setattr(os, "write", failing_write)
    with pytest.raises(InputError) as error:
        write_atomic(target, b"x" * 100_000)
    assert str(error.value) == f"{target}: {message}"
    assert target.read_bytes() == OLD
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.ttl"]


def test_write_atomic_refuses_folder_target(tmp_path):
    """A folder is not overwritten: a clear error."""
    with pytest.raises(InputError) as error:
        write_atomic(tmp_path, "x")
    assert str(error.value) == f"{tmp_path}: cannot write: it is a folder"


def test_remove_stale_temporaries_only_of_dead_writers(tmp_path):
    """A write removes its target's temporary files whose process is gone, and only those."""
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True, check=True).stdout.strip()
    alive = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        stale = tmp_path / f".out.ttl.{dead}.0badc0de.tmp"
        running = tmp_path / f".out.ttl.{alive.pid}.0badc0de.tmp"
        other = tmp_path / f".other.ttl.{dead}.0badc0de.tmp"
        unrelated = tmp_path / ".out.ttl.notapid.tmp"
        for path in (stale, running, other, unrelated):
            path.write_text("half a file")
        assert temporary_files(tmp_path / "out.ttl") == sorted([stale, running])
        write_atomic(tmp_path / "out.ttl", "new")
        assert sorted(p.name for p in tmp_path.iterdir()) == sorted(["out.ttl", running.name, other.name, unrelated.name])
        assert remove_stale_temporaries(tmp_path / "out.ttl") == []
    finally:
        alive.kill()
        alive.wait()


def test_write_atomic_concurrent_writers_leave_one_whole_file(tmp_path, mode):
    """Eight threads writing the same file: it ends up exactly one of their contents, with no temporary file."""
    target = tmp_path / "out.ttl"
    contents = [bytes([65 + i]) * 200_000 for i in range(8)]
    threads = [threading.Thread(target=write_atomic, args=(target, content)) for content in contents]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert target.read_bytes() in contents
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.ttl"]


# -- SIGKILL mid-write ----------------------------------------------------------------------------


@pytest.mark.parametrize("named", [False, True], ids=["unnamed", "named"])
@pytest.mark.parametrize("stage", ["writing", "renaming"])
def test_write_atomic_sigkill_keeps_old_file(tmp_path, stage, named):
    """build -o killed half-way through writing or just before the rename: the old file is byte-identical.

    With O_TMPFILE a kill while writing leaves nothing at all; a kill where a named temporary file
    exists leaves it, and the next write of the same file removes it.
    """
    if not named and not output._USE_TMPFILE:
        pytest.skip("O_TMPFILE is Linux-only")
    target = tmp_path / "out.ttl"
    target.write_bytes(OLD)
    assert kill_at(build_args(target), stage, tmp_path / "marker", named) == signal.SIGKILL
    assert target.read_bytes() == OLD
    left = leftovers(tmp_path)
    if stage == "writing" and not named:
        assert left == []
    else:
        assert len(left) == 1 and left[0].startswith(".out.ttl.") and left[0].endswith(".tmp")
    done = run_cli(build_args(target))
    assert done.returncode == 0, done.stderr
    assert target.read_bytes().startswith(b"@prefix")
    assert leftovers(tmp_path) == []


def test_write_atomic_sigkill_during_large_export(tmp_path, bundled):
    """export ttl of the bundled graph (over 1 MB) killed mid-write: old file intact; the rerun writes the whole graph."""
    import pyoxigraph

    target = tmp_path / "out.ttl"
    target.write_bytes(OLD)
    assert kill_at(export_args(target), "writing", tmp_path / "marker", named=True) == signal.SIGKILL
    assert target.read_bytes() == OLD
    assert len(temporary_files(target)) == 1
    half = temporary_files(target)[0].stat().st_size
    assert half > 500_000  # half a file of over 1 MB was on disk, never under the name out.ttl
    done = run_cli(export_args(target))
    assert done.returncode == 0, done.stderr
    assert target.stat().st_size > 2 * half - 10
    assert len(list(pyoxigraph.parse(path=str(target), format=pyoxigraph.RdfFormat.TURTLE))) == len(bundled.graph)
    assert leftovers(tmp_path) == []


def test_write_atomic_chunks_sigkill_during_streamed_export(tmp_path):
    """export gexf (streamed piece by piece) killed mid-write: old file intact; the next export removes the leftover."""
    target = tmp_path / "out.gexf"
    args = ["export", "gexf", "--no-bundled", "--data", str(TINY), "-o", str(target)]
    target.write_bytes(OLD)
    assert kill_at(args, "writing", tmp_path / "marker", named=False) == signal.SIGKILL
    assert target.read_bytes() == OLD
    assert len(temporary_files(target)) == 1
    done = run_cli(args)
    assert done.returncode == 0, done.stderr
    assert target.read_bytes().startswith(b"<?xml") and target.read_bytes().rstrip().endswith(b"</gexf>")
    assert temporary_files(target) == []


# -- full disk, file-size limit, read-only folder -------------------------------------------------


@pytest.mark.parametrize("named", [False, True], ids=["unnamed", "named"])
def test_write_atomic_file_size_limit(tmp_path, named):
    """Under ``ulimit -f`` (8 kB) build -o fails with one line and exit 2; old file intact, nothing left over."""
    target = tmp_path / "out.ttl"
    target.write_bytes(OLD)

    def limit():
        resource.setrlimit(resource.RLIMIT_FSIZE, (8192, 8192))

    done = run_cli(build_args(target), named=named, preexec_fn=limit)
    assert (done.returncode, done.stderr) == (2, f"error: {target}: cannot write: file too large (over the file-size limit, see ulimit -f)\n")
    assert target.read_bytes() == OLD
    assert leftovers(tmp_path) == []


INNER = textwrap.dedent(
    """
    # Runs inside `unshare -m`: mounts a small tmpfs, writes the old file, runs the CLI, reports.
    import json, os, subprocess, sys
    folder, size, readonly, old = sys.argv[1], sys.argv[2], sys.argv[3] == "ro", sys.argv[4].encode()
    subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", folder], check=True)
    target = os.path.join(folder, "out.ttl")
    with open(target, "wb") as stream:
        stream.write(old)
    if readonly:
        subprocess.run(["mount", "-o", "remount,ro", folder], check=True)
    command = [sys.executable, "-c", sys.argv[5], *sys.argv[6:]] if sys.argv[5] != "-m" else [sys.executable, "-m", "policygraph", *sys.argv[6:]]
    done = subprocess.run(command, capture_output=True, text=True)
    with open(target, "rb") as stream:
        kept = stream.read() == old
    print(json.dumps({"code": done.returncode, "stderr": done.stderr, "kept": kept, "files": sorted(os.listdir(folder))}))
    """
)


def in_small_tmpfs(tmp_path: Path, size: str, readonly: bool, args: list[str], named: bool) -> dict:
    """Run the CLI against a fresh tmpfs of ``size`` in a private mount namespace; what it found."""
    if not sys.platform.startswith("linux") or shutil.which("unshare") is None or shutil.which("mount") is None:
        pytest.skip("needs Linux with unshare and mount (util-linux)")
    folder = tmp_path / "disk"
    folder.mkdir()
    script = tmp_path / "inner.py"
    script.write_text(INNER, encoding="utf-8")
    program = NAMED_CLI if named else "-m"
    done = subprocess.run(
        ["unshare", "-m", "--propagation", "private", sys.executable, str(script), str(folder), size,
         "ro" if readonly else "rw", OLD.decode(), program, *args],
        capture_output=True, text=True, check=False, timeout=120,
    )
    if done.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here (needs CAP_SYS_ADMIN): {done.stderr.strip().splitlines()[-1:]}")
    return json.loads(done.stdout)


@pytest.mark.parametrize("named", [False, True], ids=["unnamed", "named"])
def test_write_atomic_full_disk(tmp_path, named):
    """On a 16 kB tmpfs build -o (about 40 kB) fails with 'no space left'; old file intact, nothing left over."""
    target = tmp_path / "disk" / "out.ttl"
    found = in_small_tmpfs(tmp_path, "16k", False, build_args(target), named)
    assert found == {
        "code": 2,
        "stderr": f"error: {target}: cannot write: no space left on the device\n",
        "kept": True,
        "files": ["out.ttl"],
    }


def test_write_atomic_read_only_file_system(tmp_path):
    """On a read-only mount build -o fails with one line and exit 2; the old file is intact."""
    target = tmp_path / "disk" / "out.ttl"
    found = in_small_tmpfs(tmp_path, "1m", True, build_args(target), named=False)
    assert found == {"code": 2, "stderr": f"error: {target}: cannot write: read-only file system\n", "kept": True, "files": ["out.ttl"]}


def test_write_atomic_read_only_folder(tmp_path):
    """A folder the user may not write to (mode 0555) gives 'permission denied' and exit 2; the old file is intact."""
    folder = tmp_path / "locked"
    folder.mkdir()
    target = folder / "out.ttl"
    target.write_bytes(OLD)
    folder.chmod(0o555)
    prefix: list[str] = []
    if os.geteuid() == 0:  # root ignores file modes unless it gives up CAP_DAC_OVERRIDE
        if shutil.which("setpriv") is None:
            pytest.skip("running as root and setpriv (util-linux) is missing: cannot drop CAP_DAC_OVERRIDE")
        prefix = ["setpriv", "--bounding-set", "-dac_override,-dac_read_search"]
    try:
        done = subprocess.run(
            [*prefix, sys.executable, "-m", "policygraph", *build_args(target)], capture_output=True, text=True, check=False, timeout=120
        )
        assert (done.returncode, done.stderr) == (2, f"error: {target}: cannot write: permission denied\n")
        assert target.read_bytes() == OLD
        assert sorted(p.name for p in folder.iterdir()) == ["out.ttl"]
    finally:
        folder.chmod(0o755)


def test_write_atomic_chunks_writes_the_pieces(tmp_path):
    """Text and bytes pieces end up in the file in order, as UTF-8; no temporary file is left."""
    target = tmp_path / "out.gexf"
    target.write_bytes(OLD)
    output.write_atomic_chunks(target, iter(["<a>", b"\xc3\xa9", "\u6cd5</a>\n"]))
    assert target.read_text(encoding="utf-8") == "<a>\u00e9\u6cd5</a>\n"
    assert temporary_files(target) == []


def test_write_atomic_chunks_failing_piece_keeps_old_file(tmp_path):
    """When making a piece fails half way, the error propagates, the old file stays and no temporary file is left."""
    target = tmp_path / "out.gexf"
    target.write_bytes(OLD)

    def pieces():
        yield "<half"
        raise InputError("the network could not be measured")

    with pytest.raises(InputError, match="could not be measured"):
        output.write_atomic_chunks(target, pieces())
    assert target.read_bytes() == OLD
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.gexf"]


def test_write_atomic_chunks_no_folder(tmp_path):
    """A missing folder is an InputError naming the target, before any piece is made."""
    made = []

    def pieces():
        made.append(1)
        yield "x"

    with pytest.raises(InputError, match="cannot write: no such folder"):
        output.write_atomic_chunks(tmp_path / "missing" / "out.gexf", pieces())
    assert made == []


# -- what a target may be -------------------------------------------------------------------------


def test_write_atomic_refuses_special_files_and_symlinks(tmp_path):
    """A FIFO, a device and a symbolic link (dangling or not) are refused and left as they were."""
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    kept = tmp_path / "kept.ttl"
    kept.write_bytes(OLD)
    link, dangling = tmp_path / "link", tmp_path / "dangling"
    link.symlink_to(kept)
    dangling.symlink_to(tmp_path / "nowhere")
    cases = {
        fifo: "cannot write: it is a FIFO, not a regular file",
        Path("/dev/null"): "cannot write: it is a device, not a regular file",
        link: "cannot write: it is a symbolic link (name the file it points to)",
        dangling: "cannot write: it is a symbolic link (name the file it points to)",
    }
    for target, message in cases.items():
        for write in (lambda: write_atomic(target, "new"), lambda: output.write_atomic_chunks(target, ["new"]),
                      lambda: output.write_atomic_files([(tmp_path / "other", "new"), (target, "new")])):
            with pytest.raises(InputError) as error:
                write()
            assert str(error.value) == f"{target}: {message}"
    assert fifo.is_fifo() and kept.read_bytes() == OLD and os.readlink(link) == str(kept)
    assert not (tmp_path / "nowhere").exists() and not (tmp_path / "other").exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["dangling", "fifo", "kept.ttl", "link"]


def test_write_atomic_dash_is_stdout(tmp_path, monkeypatch, capfdbinary):
    """'-' writes the bytes to standard output (after text printed before) and creates no file."""
    monkeypatch.chdir(tmp_path)
    print("before", flush=True)
    write_atomic("-", "data ✓\r\n")
    output.write_atomic_chunks("-", ["a", b"b"])
    assert capfdbinary.readouterr().out == "before\ndata ✓\r\nab".encode()
    assert list(tmp_path.iterdir()) == []


def test_write_atomic_files_all_or_nothing(tmp_path, monkeypatch):
    """If the second rename fails, the first file is put back: both old files intact, no temporary file."""
    first, second = tmp_path / "nodes.csv", tmp_path / "edges.csv"
    first.write_bytes(OLD)
    second.write_bytes(OLD + OLD)
    replace = os.replace
    calls = []

    def failing_replace(source, target):
        calls.append(Path(target).name)
        if Path(target) == second:
            raise OSError(errno.ENOSPC, "No space left on device")
        replace(source, target)

    monkeypatch.setattr(output.os, "replace", failing_replace)
    with pytest.raises(InputError) as error:
        output.write_atomic_files([(first, "new nodes"), (second, "new edges")])
    assert str(error.value) == f"{second}: cannot write: no space left on the device"
    assert calls[:2] == ["nodes.csv", "edges.csv"]  # the first was replaced, then put back
    assert first.read_bytes() == OLD and second.read_bytes() == OLD + OLD
    assert sorted(p.name for p in tmp_path.iterdir()) == ["edges.csv", "nodes.csv"]
    monkeypatch.setattr(output.os, "replace", replace)
    output.write_atomic_files([(first, "new nodes"), (second, "new edges")])
    assert (first.read_text(), second.read_text()) == ("new nodes", "new edges")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["edges.csv", "nodes.csv"]
