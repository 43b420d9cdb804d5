"""Bundled resources are found through resources.py, from a checkout and from a built wheel."""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from policygraph import resources

REPO = Path(__file__).resolve().parents[1]


def test_resource_dirs_exist_and_hold_files():
    """ontology/, data/, queries/ and shapes/ are found and hold their kind of files."""
    assert resources.ontology_path().is_file()
    assert (resources.data_dir() / "sources.yaml").is_file()
    assert any(resources.queries_dir().glob("*.rq"))
    assert resources.shapes_dir().is_dir()


def test_resource_dir_rejects_unknown_names():
    """Asking for a folder that is not bundled is a programming error."""
    with pytest.raises(ValueError):
        resources.resource_dir("secrets")


@pytest.fixture(scope="module")
def wheel(tmp_path_factory):
    out = tmp_path_factory.mktemp("wheel")
    result = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(out), str(REPO)],
        capture_output=True, text=True, timeout=600,
    )
    if result.returncode != 0:
        pytest.skip(f"could not build a wheel here (no build backend reachable?): {result.stderr[-300:]}")
    return next(out.glob("policygraph-*.whl"))


def test_wheel_bundles_resources(wheel):
    """The wheel carries the ontology, the data, the queries and the shapes as package data."""
    names = set(zipfile.ZipFile(wheel).namelist())
    assert "policygraph/ontology/policygraph.ttl" in names
    assert "policygraph/data/sources.yaml" in names
    assert any(n.startswith("policygraph/queries/") and n.endswith(".rq") for n in names)
    assert "policygraph/cli/__init__.py" in names
    # the site's templates, stylesheet and vendored browser libraries with their licences
    for name in ("templates/base.html", "static/style.css", "static/vendor/minisearch.umd.js", "static/vendor/cytoscape.LICENSE.txt"):
        assert f"policygraph/site/{name}" in names


def test_wheel_states_both_licences(wheel):
    """The wheel carries the code's licence and the dataset's, and its metadata names both (PEP 639)."""
    archive = zipfile.ZipFile(wheel)
    info = next(n.split("/")[0] for n in archive.namelist() if n.endswith(".dist-info/METADATA"))
    metadata = archive.read(f"{info}/METADATA").decode("utf-8").splitlines()
    assert "License-Expression: MIT AND CC-BY-4.0" in metadata
    assert {"License-File: LICENSE", "License-File: LICENSES/CC-BY-4.0.txt"} <= set(metadata)
    licence = archive.read(f"{info}/licenses/LICENSES/CC-BY-4.0.txt").decode("utf-8")
    assert licence.startswith("Creative Commons Attribution 4.0 International Public License")


def test_wheel_runs_from_any_directory(wheel, tmp_path):
    """Installed from the wheel, policygraph finds its bundled data from an unrelated directory."""
    site = tmp_path / "site"
    subprocess.run([sys.executable, "-m", "pip", "install", "-q", "--no-deps", "--target", str(site), str(wheel)], check=True, timeout=300)
    env = {**os.environ, "PYTHONPATH": str(site)}
    probe = subprocess.run(
        [sys.executable, "-c", "from policygraph import resources; print(resources.data_dir())"],
        cwd=tmp_path, env=env, capture_output=True, text=True, timeout=60,
    )
    assert probe.stdout.strip().startswith(str(site)), probe.stderr
    run = subprocess.run([sys.executable, "-m", "policygraph", "search", "Solidarity Network"], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr
    assert run.stdout.startswith("smj ")
