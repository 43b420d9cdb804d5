"""Where the bundled ontology, shapes, data and queries are.

The only module that knows. In a wheel they are package data (``policygraph/ontology`` ...); in a
source checkout or an editable install they are the top-level folders of the repository.
"""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path

__all__ = ["resource_dir", "ontology_path", "ontology_files", "data_dir", "shapes_dir", "queries_dir", "default_sources_dir"]

_FOLDERS = ("ontology", "shapes", "data", "queries")


def resource_dir(name: str) -> Path:
    """The bundled folder ``name`` (one of ontology, shapes, data, queries)."""
    if name not in _FOLDERS:
        raise ValueError(f"unknown resource folder {name!r}")
    packaged = Path(str(files("policygraph"))) / name
    if packaged.is_dir():
        return packaged
    return _checkout_root() / name


def ontology_path() -> Path:
    """The ontology in Turtle."""
    return resource_dir("ontology") / "policygraph.ttl"


def ontology_files() -> list[Path]:
    """Every file the graph's schema comes from: the ontology, then the concept schemes of the controlled values."""
    return [ontology_path(), resource_dir("ontology") / "concepts.ttl"]


def data_dir() -> Path:
    """The bundled curated dataset."""
    return resource_dir("data")


def shapes_dir() -> Path:
    """The bundled SHACL shapes."""
    return resource_dir("shapes")


def queries_dir() -> Path:
    """The bundled named queries."""
    return resource_dir("queries")


def default_sources_dir() -> Path | None:
    """The source texts (``../shared/seeds`` beside the checkout or the working directory), if present."""
    for base in (_checkout_root(), Path.cwd()):
        candidate = base.parent / "shared" / "seeds"
        if candidate.is_dir():
            return candidate
    return None


def _checkout_root() -> Path:
    return Path(__file__).resolve().parents[2]
