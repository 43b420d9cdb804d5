"""Which files a build reads, and where each record came from: light enough for every command's start.

The graph cache hashes the files ``data_files`` lists before it knows whether anything must be
loaded, and the graph handle carries a ``SourceMap``: neither needs the YAML loader itself
(``records.load``), which a command answering from the cache never imports.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Iterable

from policygraph.errors import InputError
from policygraph.model import Location

if TYPE_CHECKING:
    from rdflib import URIRef

__all__ = ["RDF_FORMATS", "YAML_SUFFIXES", "SourceMap", "data_files"]

RDF_FORMATS = {
    ".ttl": "turtle",
    ".turtle": "turtle",
    ".nt": "nt",
    ".nq": "nquads",
    ".trig": "trig",
    ".jsonld": "json-ld",
    ".rdf": "xml",
    ".owl": "xml",
    ".xml": "xml",
}
YAML_SUFFIXES = (".yaml", ".yml")


@dataclass
class SourceMap:
    """Where each node (and each node's property) was defined: IRI text → ``Location``.

    Keyed by the IRIs' text, not rdflib terms: the cache's map is read by every ``validate`` (tens of
    thousands of entries), and making a ``URIRef`` of each took longer than the rest of the read.
    """

    nodes: dict[str, Location] = field(default_factory=dict)
    properties: dict[tuple[str, str], Location] = field(default_factory=dict)

    def locate(self, node: URIRef | str, predicate: URIRef | str | None = None) -> Location | None:
        """The most precise known location of ``node`` (or of its ``predicate`` value)."""
        node = str(node)
        if predicate is not None:
            where = self.properties.get((node, str(predicate)))
            if where is not None:
                return where
        return self.nodes.get(node)


def data_files(paths: Iterable[Path]) -> list[Path]:
    """The graph files ``paths`` name: each file as given, each folder's YAML and RDF files in path order.

    Raises:
        InputError: a path does not exist, or a file is of a kind no build reads.
    """
    files: list[Path] = []
    for path in paths:
        if path.is_dir():
            found = sorted(
                p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in (*YAML_SUFFIXES, *RDF_FORMATS)
            )
            files.extend(found)
        elif path.is_file():
            if path.suffix.lower() not in (*YAML_SUFFIXES, *RDF_FORMATS):
                raise InputError(
                    f"unknown file type {path.suffix or '(none)'!r}",
                    Location(str(path)),
                    hint="use .yaml for records, or .ttl, .nt, .nq, .trig, .jsonld, .rdf for RDF",
                )
            files.append(path)
        else:
            raise InputError("no such file or folder", Location(str(path)))
    return files
