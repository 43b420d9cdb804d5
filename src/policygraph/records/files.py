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
    """Where each node (and each node's property) was defined: IRI → ``Location``."""

    nodes: dict[URIRef, Location] = field(default_factory=dict)
    properties: dict[tuple[URIRef, URIRef], Location] = field(default_factory=dict)

    def locate(self, node: URIRef, predicate: URIRef | None = None) -> Location | None:
        """The most precise known location of ``node`` (or of its ``predicate`` value)."""
        if predicate is not None and (node, predicate) in self.properties:
            return self.properties[(node, predicate)]
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
