"""A real process: the installed console script and `python -m policygraph`, from another directory."""

from __future__ import annotations

import shutil
import subprocess
import sys

import pytest


def _run(args, cwd):
    return subprocess.run(args, cwd=cwd, capture_output=True, text=True, timeout=120)


def test_console_script_builds_from_any_directory(tmp_path):
    """`policygraph build` works from a temporary directory (bundled resources are found)."""
    script = shutil.which("policygraph") or str(__import__("pathlib").Path(sys.executable).with_name("policygraph"))
    result = _run([script, "build"], tmp_path)
    assert result.returncode == 0, result.stderr
    assert "records:" in result.stderr and "Traceback" not in result.stderr and result.stdout == ""  # the summary is status: stderr


def test_python_m_show_unknown_id_exit_2(tmp_path):
    """`python -m policygraph show` of an unknown id: one line on stderr, exit 2."""
    result = _run([sys.executable, "-m", "policygraph", "show", "no-such-id-xyz"], tmp_path)
    assert result.returncode == 2
    assert result.stderr.startswith("error: unknown id 'no-such-id-xyz'")
    assert len(result.stderr.strip().splitlines()) == 1


@pytest.mark.parametrize("args", [["build", "--data", "missing.yaml"], ["nonsense-command"], ["build", "--format", "docx"]])
def test_bad_usage_exit_2_without_traceback(tmp_path, args):
    """Bad arguments end with exit 2 and no Python traceback."""
    result = _run([sys.executable, "-m", "policygraph", *args], tmp_path)
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
