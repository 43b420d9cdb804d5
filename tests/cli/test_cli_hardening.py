"""Outputs, stores and failures under attack: special -o targets, concurrent and killed builds,
killed servers, full disks, spreadsheet formulas and HTML in the data, unexpected exceptions.

Every test runs the real CLI (in a subprocess where a process must be killed or raced) and checks
what a user would see: one line and exit 2 on failure, targets untouched, no leftovers.
"""

from __future__ import annotations

import csv
import os
import resource
import signal
import stat
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from policygraph.cli import main
from policygraph.graph.store import open_store

TINY = Path(__file__).parents[1] / "fixtures" / "tiny" / "records.yaml"
TINY_ARGS = ["--no-bundled", "--data", str(TINY)]
OLD = b"the previous content\n"


def run(args: list[str], **kwargs) -> subprocess.CompletedProcess:
    """The CLI in a fresh process."""
    return subprocess.run([sys.executable, "-m", "policygraph", *args], capture_output=True, text=True, timeout=300, **kwargs)


def hostile_records(tmp_path: Path) -> Path:
    """The tiny dataset with a formula and a script in the labels a spreadsheet or a Markdown page shows."""
    text = TINY.read_text(encoding="utf-8")
    text = text.replace("label: Taking things", 'label: "=HYPERLINK(\\"http://evil.example\\",\\"x\\")"')
    text = text.replace('label: "Art. 1: no taking of things"', 'label: "<script>alert(1)</script> & &amp; art. 1"')
    path = tmp_path / "hostile.yaml"
    path.write_text(text, encoding="utf-8")
    return path


# -- -o onto what is not a regular file -----------------------------------------------------------


def special_targets(tmp_path: Path) -> dict[str, Path]:
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    folder = tmp_path / "folder"
    folder.mkdir()
    (folder / "inside").write_bytes(OLD)
    targets = {"fifo": fifo, "folder": folder, "device": Path("/dev/null")}
    if os.geteuid() == 0:  # a private copy of /dev/null, so that nothing else writes to it
        device = tmp_path / "null"
        os.mknod(device, 0o666 | stat.S_IFCHR, os.stat("/dev/null").st_rdev)
        targets["device"] = device
    return targets


@pytest.mark.parametrize("command", [["build", *TINY_ARGS, "--no-validate"], ["query", *TINY_ARGS, "-e", "ASK {}", "--format", "csv"],
                                     ["export", "ttl", *TINY_ARGS], ["trace", *TINY_ARGS, "law-1"]], ids=["build", "query", "export", "trace"])
@pytest.mark.parametrize("kind", ["fifo", "device", "folder"])
def test_output_onto_special_file_is_refused(tmp_path, command, kind):
    """-o onto a FIFO, a device or a folder: one line naming it, exit 2, the target as it was."""
    target = special_targets(tmp_path)[kind]
    before = os.lstat(target)
    done = run([*command, "-o", str(target)])
    what = {"fifo": "it is a FIFO, not a regular file", "device": "it is a device, not a regular file", "folder": "it is a folder"}[kind]
    assert (done.returncode, done.stderr) == (2, f"error: {target}: cannot write: {what}\n")
    after = os.lstat(target)
    assert (stat.S_IFMT(after.st_mode), after.st_ino, after.st_rdev) == (stat.S_IFMT(before.st_mode), before.st_ino, before.st_rdev)
    if kind == "folder":
        assert [p.name for p in target.iterdir()] == ["inside"]


@pytest.mark.parametrize("dangling", [False, True], ids=["to-a-file", "dangling"])
def test_output_onto_symlink_is_refused(tmp_path, dangling):
    """-o onto a symbolic link is refused (the documented rule): neither the link nor its target changes."""
    pointed = tmp_path / "elsewhere.ttl"
    if not dangling:
        pointed.write_bytes(OLD)
    link = tmp_path / "out.ttl"
    link.symlink_to(pointed)
    done = run(["build", *TINY_ARGS, "--no-validate", "-o", str(link)])
    assert (done.returncode, done.stderr) == (2, f"error: {link}: cannot write: it is a symbolic link (name the file it points to)\n")
    assert link.is_symlink() and os.readlink(link) == str(pointed)
    assert pointed.read_bytes() == OLD if not dangling else not pointed.exists()


@pytest.mark.parametrize(
    "command, marker",
    [
        (["build", *TINY_ARGS, "--no-validate", "--format", "nt"], "<http"),
        (["query", *TINY_ARGS, "-e", "SELECT ?s WHERE { ?s a ?t } LIMIT 1", "--format", "csv"], "s\n"),
        (["export", "ttl", *TINY_ARGS], "@prefix"),
        (["export", "gexf", *TINY_ARGS], "<gexf"),
        (["trace", *TINY_ARGS, "law-1", "--format", "md"], "# Treaty obligations"),
    ],
    ids=["build", "query", "export-ttl", "export-gexf", "trace"],
)
def test_output_dash_is_stdout(tmp_path, command, marker):
    """-o - writes the data to stdout, status lines to stderr, and no file named '-'."""
    done = run([*command, "-o", "-"], cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith(marker) or marker in done.stdout[:400]
    status = ("wrote ", "triples from ", "records:", "citations of ")
    assert not [line for line in done.stdout.splitlines() if line.startswith(status)]  # status lines go to stderr
    assert list(tmp_path.iterdir()) == []


def test_export_csv_dash_is_refused(tmp_path):
    done = run(["export", "csv", *TINY_ARGS, "-o", "-"], cwd=tmp_path)
    assert (done.returncode, done.stderr) == (2, "error: csv writes two files (nodes.csv and edges.csv): -o names a folder, not -\n")


# -- export csv: both files or neither ------------------------------------------------------------


def test_export_csv_over_the_file_size_limit_keeps_both_old_files(tmp_path):
    """edges.csv does not fit under ``ulimit -f`` but nodes.csv does: both old files stay, no temporary file."""
    folder = tmp_path / "csv"
    folder.mkdir()
    (folder / "nodes.csv").write_bytes(OLD)
    (folder / "edges.csv").write_bytes(OLD)
    assert run(["export", "csv", "-o", str(tmp_path / "probe")]).returncode == 0
    sizes = [(tmp_path / "probe" / name).stat().st_size for name in ("nodes.csv", "edges.csv")]
    assert sizes[0] < sizes[1]
    limit = (sizes[0] + sizes[1]) // 2

    def cap():
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    done = run(["export", "csv", "-o", str(folder)], preexec_fn=cap)
    assert (done.returncode, done.stderr) == (2, f"error: {folder / 'edges.csv'}: cannot write: file too large (over the file-size limit, see ulimit -f)\n")
    assert sorted(p.name for p in folder.iterdir()) == ["edges.csv", "nodes.csv"]
    assert (folder / "nodes.csv").read_bytes() == OLD and (folder / "edges.csv").read_bytes() == OLD


FULL_DISK = """
import json, os, subprocess, sys
folder, old = sys.argv[1], sys.argv[2].encode()
subprocess.run(["mount", "-t", "tmpfs", "-o", "size=400k", "tmpfs", folder], check=True)
os.mkdir(os.path.join(folder, "csv"))
for name in ("nodes.csv", "edges.csv"):
    with open(os.path.join(folder, "csv", name), "wb") as stream:
        stream.write(old)
done = subprocess.run([sys.executable, "-m", "policygraph", "export", "csv", "-o", os.path.join(folder, "csv")], capture_output=True, text=True)
contents = {name: open(os.path.join(folder, "csv", name), "rb").read() == old for name in os.listdir(os.path.join(folder, "csv"))}
print(json.dumps({"code": done.returncode, "stderr": done.stderr, "kept": contents}))
"""


def test_export_csv_on_a_full_disk_keeps_both_old_files(tmp_path):
    """On a 400 kB tmpfs nodes.csv (about 200 kB) fits and edges.csv (about 530 kB) does not: both old files stay."""
    import json
    import shutil

    if shutil.which("unshare") is None or shutil.which("mount") is None:
        pytest.skip("needs Linux with unshare and mount (util-linux)")
    disk = tmp_path / "disk"
    disk.mkdir()
    done = subprocess.run(["unshare", "-m", "--propagation", "private", sys.executable, "-c", FULL_DISK, str(disk), OLD.decode()],
                          capture_output=True, text=True, timeout=300)
    if done.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here (needs CAP_SYS_ADMIN): {done.stderr.strip().splitlines()[-1:]}")
    found = json.loads(done.stdout)
    assert found == {
        "code": 2,
        "stderr": f"error: {disk / 'csv' / 'edges.csv'}: cannot write: no space left on the device\n",
        "kept": {"edges.csv": True, "nodes.csv": True},
    }


# -- what the writers let through -----------------------------------------------------------------


def test_export_csv_neutralises_formulas(tmp_path):
    """A label starting with '=' gets a leading quote in nodes.csv; numbers (Weight) stay numbers."""
    done = run(["export", "csv", "--no-bundled", "--data", str(hostile_records(tmp_path)), "-o", str(tmp_path / "csv")])
    assert done.returncode == 0, done.stderr
    with open(tmp_path / "csv" / "nodes.csv", encoding="utf-8", newline="") as stream:
        labels = {row["Id"]: row["Label"] for row in csv.DictReader(stream)}
    assert labels["taking"] == "'=HYPERLINK(\"http://evil.example\",\"x\")"
    assert not any(label.startswith(("=", "+", "-", "@")) for label in labels.values())
    with open(tmp_path / "csv" / "edges.csv", encoding="utf-8", newline="") as stream:
        weights = [row["Weight"] for row in csv.DictReader(stream)]
    assert weights and all(float(w) > 0 for w in weights)


def test_query_csv_stays_standard(tmp_path):
    """query --format csv is W3C SPARQL CSV: values as they are (the documented choice), a formula included."""
    done = run(["query", "--no-bundled", "--data", str(hostile_records(tmp_path)), "-e",
                'SELECT DISTINCT ?l WHERE { ?s ?p ?l FILTER(ISLITERAL(?l) && STRSTARTS(STR(?l), "=")) }', "--format", "csv"])
    assert (done.returncode, done.stdout) == (0, 'l\n"=HYPERLINK(""http://evil.example"",""x"")"\n')  # CRLF read as text


def test_trace_markdown_makes_html_inert(tmp_path):
    """<script> in a label reaches the Markdown escaped; a bare & stays, an entity-like & is escaped."""
    done = run(["trace", "--no-bundled", "--data", str(hostile_records(tmp_path)), "law-1", "--format", "md"])
    assert done.returncode == 0, done.stderr
    assert "<" not in done.stdout and ">" not in done.stdout
    assert "&lt;script&gt;alert(1)&lt;/script&gt; & &amp;amp; art. 1" in done.stdout


# -- one line for every failure -------------------------------------------------------------------


def test_unexpected_exception_is_one_line(monkeypatch):
    """A bug deep in the library: one line, exit 2, no stack; --debug adds the stack before that line."""
    import policygraph.graph.summary as summary

    def broken(loaded):
        raise RuntimeError("the summary\nbroke")

    monkeypatch.setattr(summary, "summarise", broken)
    runner = CliRunner()
    done = runner.invoke(main, ["build", *TINY_ARGS])
    assert (done.exit_code, done.stderr) == (2, "error: internal error: RuntimeError: the summary broke, please report\n")
    debug = runner.invoke(main, ["--debug", "build", *TINY_ARGS])
    assert debug.exit_code == 2
    assert debug.stderr.startswith("Traceback (most recent call last):\n")
    assert 'raise RuntimeError("the summary\\nbroke")' in debug.stderr
    assert debug.stderr.endswith("error: internal error: RuntimeError: the summary broke, please report\n")


@pytest.mark.parametrize("error, message", [(MemoryError(), "out of memory (the input is too large for this machine)"),
                                            (RecursionError("maximum recursion depth exceeded"), "the input is nested too deeply (Python's recursion limit was reached)")])
def test_memory_and_recursion_errors_are_one_line(monkeypatch, error, message):
    import policygraph.graph.summary as summary

    def broken(loaded):
        raise error

    monkeypatch.setattr(summary, "summarise", broken)
    done = CliRunner().invoke(main, ["build", *TINY_ARGS])
    assert (done.exit_code, done.stderr) == (2, f"error: {message}\n")


def test_usage_errors_and_findings_keep_their_codes():
    """The guard leaves Click's usage errors (2, usage text) and ctx.exit codes (ASK false: 1) alone."""
    runner = CliRunner()
    usage = runner.invoke(main, ["build", "--no-such-option"])
    assert usage.exit_code == 2 and "No such option" in usage.stderr and "internal error" not in usage.stderr
    ask = runner.invoke(main, ["query", *TINY_ARGS, "-e", "ASK { ?s <urn:none> ?o }"])
    assert (ask.exit_code, ask.stderr) == (1, "")


# -- build --store: one winner, readers see whole stores, leftovers cleaned -----------------------


def test_concurrent_builds_one_wins(tmp_path):
    """Two build --store into one folder: one writes it, the other says another build is running; the store opens."""
    folder = tmp_path / "japan.store"
    args = [sys.executable, "-m", "policygraph", "build", "--store", str(folder), "--quiet"]
    first = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    time.sleep(0.5)
    second = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    results = [(p.wait(timeout=300), *p.communicate()) for p in (first, second)]
    assert [err.count(f"wrote store {folder}") for _, _, err in results].count(1) == 1  # one build wins
    for code, out, err in results:
        assert out == ""  # the summary and status lines go to stderr
        if f"wrote store {folder}" in err:
            assert code == 0
        elif code == 2:  # the other gave up waiting for the lock (a slow machine): it says why
            assert err == f"error: {folder}: another build of {folder} is running (wait for it to finish, then run again)\n"
        else:  # it waited for the lock, then found the store built from the same inputs
            assert code == 0 and f"store {folder} is up to date" in err
    loaded = open_store(folder)
    assert len(loaded.store) == len(loaded) > 10000
    assert sorted(p.name for p in tmp_path.iterdir()) == [".japan.store.lock", "japan.store"]


def test_readers_during_rebuilds_see_a_whole_store(tmp_path):
    """Stores opened and queried while another process rebuilds and swaps the folder again and again all
    answer in full: never a RocksDB error, never half a store."""
    from policygraph.errors import InputError

    folder = tmp_path / "s"
    assert run(["build", *TINY_ARGS, "--store", str(folder)]).returncode == 0
    expected = len(open_store(folder))
    builder = subprocess.Popen(
        [sys.executable, "-c", "from policygraph.graph.store import build_store\n"
         f"for _ in range(15): build_store({str(folder)!r}, [{str(TINY)!r}], bundled=False, force=True)"],
        stderr=subprocess.PIPE, text=True,
    )
    counts, failures = [], []
    while builder.poll() is None:
        try:
            loaded = open_store(folder)
            counts.append(int(next(iter(loaded.store.query("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")))[0].value))
            counts.append(len(loaded.source_map.nodes) > 0)
        except InputError as error:  # the folder was between its two renames: a clear error is allowed
            failures.append(str(error))
    assert builder.returncode == 0, builder.stderr.read()
    builder.stderr.close()
    assert len(counts) >= 20
    assert set(counts) == {expected, True}
    assert all(message == f"{folder}: no such store (build one with: policygraph build --store DIR)" for message in failures)


def test_killed_build_leaves_nothing_after_the_next(tmp_path):
    """SIGKILL during build --store leaves .NAME.building-PID; the next build removes it and the lock is free again."""
    folder = tmp_path / "japan.store"
    process = subprocess.Popen([sys.executable, "-m", "policygraph", "build", "--store", str(folder), "--quiet"],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    building = tmp_path / f".japan.store.building-{process.pid}"
    deadline = time.monotonic() + 120
    while not (building / "oxigraph").exists():
        assert process.poll() is None and time.monotonic() < deadline
        time.sleep(0.05)
    process.send_signal(signal.SIGKILL)
    process.wait()
    assert building.exists()
    done = run(["build", "--store", str(folder), "--quiet"])
    assert done.returncode == 0, done.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == [".japan.store.lock", "japan.store"]


def serve_folders() -> set[str]:
    return {name for name in os.listdir(tempfile.gettempdir()) if name.startswith("policygraph-serve-")}


def test_killed_serve_leaves_nothing_after_the_next(free_port, tmp_path):
    """SIGKILL of serve leaves policygraph-serve-PID-*; the next serve removes it (and its own on exit)."""
    from policygraph.sparql.remote import oxigraph_binary

    try:
        oxigraph_binary()
    except Exception as error:  # noqa: BLE001 - the program is optional
        pytest.skip(f"no oxigraph server: {error}")
    port = free_port()
    process = subprocess.Popen([sys.executable, "-m", "policygraph", "serve", "--port", str(port), *TINY_ARGS],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    mine = f"policygraph-serve-{process.pid}-"
    deadline = time.monotonic() + 120
    while not any(name.startswith(mine) for name in serve_folders()):
        assert process.poll() is None and time.monotonic() < deadline
        time.sleep(0.05)
    process.send_signal(signal.SIGKILL)
    process.wait()
    left = {name for name in serve_folders() if name.startswith(mine)}
    assert left
    second = subprocess.Popen([sys.executable, "-m", "policygraph", "serve", "--port", str(free_port()), *TINY_ARGS],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 120
        while not any(name.startswith(f"policygraph-serve-{second.pid}-") for name in serve_folders()):
            assert second.poll() is None and time.monotonic() < deadline
            time.sleep(0.05)
        assert not left & serve_folders()
    finally:
        second.send_signal(signal.SIGINT)
        second.wait(timeout=60)
    assert not any(name.startswith(f"policygraph-serve-{second.pid}-") for name in serve_folders())
