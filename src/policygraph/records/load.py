"""Curated YAML (and extra RDF files) → the graph's triples, plus a source map back to file:line.

The records' triples are written as N-Triples text (``records.ntriples``), handed on ten thousand
records at a time as they are read (``read_inputs``'s ``records_to``), which ``graph.build`` has
Oxigraph load meanwhile; the ontology and extra RDF files are read into a (small) rdflib Graph, as
their checks need. ``graph.build.load_graph`` wraps this into the graph handle. Bad input raises ``InputError`` naming the file and
line; the first problem found is reported, so a curator fixes one thing at a time.
"""

from __future__ import annotations

import contextlib
import datetime as _dt
import functools
import gc
import re
from collections import Counter
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Callable, Iterator, Sequence

import yaml
from rdflib import Graph, Literal, URIRef
from rdflib.term import Node
from yaml import MappingNode, ScalarNode

from policygraph import resources
from policygraph.errors import InputError
from policygraph.model import Location
from policygraph.records.canonical import canonical_lexical, web_iri
from policygraph.records.files import YAML_SUFFIXES, RDF_FORMATS, SourceMap, data_files
from policygraph.records.cube import cube_triples
from policygraph.records.identifiers import identifier_triples, parse_duration
from policygraph.records.kinds import COMMON_KEYS, ENUMS, ID_PATTERN, RECORD_KINDS
from policygraph.records.ntriples import iri, lang_literal, plain_literal, term
from policygraph.records.rdf_input import read_rdf
from policygraph.records.safety import check_data_size, check_number, decode_text
from policygraph.records.yaml_nodes import MAX_DEPTH, YamlRefusal, compose_documents
from policygraph.terms import ID, ID_BASE, PG, PROV, RDF, SKOS, VOCAB, XSD, controlled_value

__all__ = ["Inputs", "read_inputs", "parse_date"]

_CHUNK_RECORDS = 10_000  # records handed to ``records_to`` at once: a few MB of N-Triples, loaded while the next are read
_MAX_YAML_BYTES = 5_000_000  # curated files are tens of kB; PyYAML needs about a minute for 10 MB
_ID_RE = re.compile(ID_PATTERN)
_DATE_RE = re.compile(r"^([0-9]{4})(?:-([0-9]{2})(?:-([0-9]{2}))?)?$")  # ASCII digits: \d matches ２ too


@dataclass
class Inputs:
    """What the inputs hold as RDF: ontology + data, where each record came from, and what was read.

    The graph is ``graph`` (the ontology and the extra RDF files, with their prefixes) and ``records``
    (the YAML records' triples, N-Triples text) together.
    """

    graph: Graph
    records: list[str]
    record_counts: Counter
    files: list[Path]
    locate: Callable[[], SourceMap]  # makes the source map: most commands never need it, so only on first use
    node_lines: list[tuple[str, str, int]]  # what the source map is made of: (path, IRI, line) of each record and citation,
    property_lines: list[tuple[str, str, URIRef, int]]  # and (path, IRI, predicate, line) of each key (the last of an IRI wins)

    @functools.cached_property
    def source_map(self) -> SourceMap:
        return self.locate()


def read_inputs(
    data: Sequence[str | Path] = (), *, bundled: bool = True, records_to: Callable[[str], None] | None = None
) -> Inputs:
    """Read the bundled data (unless ``bundled`` is false) and extra paths: every check, every triple.

    Args:
        data: extra YAML or RDF files, or folders of them, added to the graph.
        bundled: include the bundled dataset in ``data/``.
        records_to: called with the records' N-Triples a few thousand records at a time, as they are
            read (so a store can load them meanwhile: ``graph.store_fill.RecordLoader``); the
            returned ``records`` then hold none. Given text may hold references that a later check
            refuses: when this raises, what was handed over must be thrown away.

    Returns:
        The ontology, every record and its citations, and the source map.

    Raises:
        InputError: a file is missing or malformed, or a record is invalid.
    """
    graph = Graph()
    _bind_prefixes(graph)
    _add_ontology(graph)
    files = data_files(([resources.data_dir()] if bundled else []) + [Path(p) for p in data])
    check_data_size(files)  # before reading any: bounds the memory rdflib needs
    builder = _Builder(records_to)
    with _collector_paused():
        for path in files:
            if path.suffix.lower() in YAML_SUFFIXES:
                builder.add_yaml(path)
            else:
                read_rdf(graph, path, RDF_FORMATS[path.suffix.lower()])
        builder.resolve_references()
    locate = functools.partial(_source_map, builder.node_lines, builder.property_lines)  # not the builder: its lines go
    return Inputs(graph, builder.lines, builder.counts, files, locate, builder.node_lines, builder.property_lines)


def parse_date(text: str) -> Literal:
    """An ISO year, year-month or date as an ``xsd:gYear`` / ``xsd:gYearMonth`` / ``xsd:date`` literal.

    Raises:
        ValueError: the text is not such a date, or names a day that does not exist.
    """
    match = _DATE_RE.match(text.strip())
    if not match:
        raise ValueError(f"bad date {text!r}: use YYYY, YYYY-MM or YYYY-MM-DD")
    year, month, day = match.groups()
    if day:
        try:
            _dt.date(int(year), int(month), int(day))
        except ValueError as error:
            raise ValueError(f"bad date {text!r}: {error}") from None
        return Literal(text.strip(), datatype=XSD.date)
    if month:
        if not 1 <= int(month) <= 12:
            raise ValueError(f"bad date {text!r}: month {month} does not exist")
        return Literal(text.strip(), datatype=XSD.gYearMonth)
    return Literal(year, datatype=XSD.gYear)


def _add_ontology(graph: Graph) -> None:
    """Add the ontology's and the concept schemes' triples and prefixes, parsed once per process (parsing costs more than copying)."""
    for path in resources.ontology_files():
        ontology = _ontology(str(path), path.stat().st_mtime_ns)
        for prefix, namespace in ontology.namespaces():
            graph.bind(prefix, namespace, override=False)
        graph.addN((s, p, o, graph) for s, p, o in ontology)


@functools.lru_cache(maxsize=4)
def _ontology(path: str, mtime_ns: int) -> Graph:  # noqa: ARG001 - the modification time keys the cache
    ontology = Graph()
    ontology.parse(path, format="turtle")
    return ontology


def _bind_prefixes(graph: Graph) -> None:
    graph.bind("pg", PG._NS)
    graph.bind("pgid", ID)
    graph.bind("skos", SKOS)
    graph.bind("pgv", VOCAB)
    graph.bind("prov", PROV)


def _read_text(path: Path) -> str:
    try:
        raw = path.read_bytes()
    except OSError as error:
        raise InputError(f"cannot read file: {error.strerror}", Location(str(path))) from None
    return decode_text(raw, str(path))


def _one_line(error: Exception) -> str:
    text = " ".join(str(error).split())
    return text[:200] + ("…" if len(text) > 200 else "")


class _Builder:
    """Maps records to triples (N-Triples lines), recording where each came from; checks references at the end."""

    def __init__(self, records_to: Callable[[str], None] | None = None) -> None:
        self.lines: list[str] = []
        self.records_to = records_to
        # Where each node and key was written, as (path, IRI, line) and (path, IRI, predicate, line):
        # plain tuples, made into the ``SourceMap`` only when asked (``_source_map``).
        self.node_lines: list[tuple[str, str, int]] = []
        self.property_lines: list[tuple[str, str, URIRef, int]] = []
        self.counts: Counter = Counter()
        self.defined: dict[str, tuple[str, int]] = {}  # record id → (path, line)
        self.references: list[tuple[str, Location, str, str]] = []  # (id, where, key, record id)
        self.path = ""

    # -- reading YAML -------------------------------------------------------------------------

    def add_yaml(self, path: Path) -> None:
        self.path = str(path)
        try:
            size = path.stat().st_size
        except OSError:
            size = 0  # _read_text reports why it cannot be read
        if size > _MAX_YAML_BYTES:
            raise InputError(
                f"YAML file too large ({size / 1e6:.1f} MB; at most {_MAX_YAML_BYTES / 1e6:.0f} MB)",
                Location(self.path),
                hint="split the records over several files",
            )
        text = _read_text(path)
        try:
            documents = compose_documents(text)
        except YamlRefusal as error:
            raise InputError(str(error), self._loc(error.mark)) from None
        except yaml.MarkedYAMLError as error:
            mark = error.problem_mark or error.context_mark
            problem = error.problem or error.context or "malformed YAML"
            if "maximum nesting depth" in problem:  # libyaml's own limit can come first
                raise InputError(f"YAML nested deeper than {MAX_DEPTH} levels", self._loc(mark)) from None
            raise InputError(f"malformed YAML: {problem}", self._loc(mark)) from None
        except yaml.reader.ReaderError as error:  # a control character: the reader knows only the offset
            line = text.count("\n", 0, error.position) + 1
            raise InputError(f"malformed YAML: control character #x{error.character:02x} is not allowed", Location(self.path, line)) from None
        except yaml.YAMLError as error:
            raise InputError(f"malformed YAML: {_one_line(error)}", Location(self.path)) from None
        if not documents:
            raise InputError("no records in file", Location(self.path, 1))
        if len(documents) > 1:
            raise InputError("more than one YAML document (---) in file", self._loc(documents[1].start_mark))
        top = documents[0]
        if not isinstance(top, yaml.SequenceNode):
            raise InputError("a data file must be a list of records (each starting with '- id: ...')", self._loc(top.start_mark))
        records = top.value
        for start in range(0, len(records), _CHUNK_RECORDS):
            for node in records[start : start + _CHUNK_RECORDS]:
                self._add_record(node)
            if self.records_to is not None:
                self.records_to("".join(self.lines))
                self.lines = []

    def _loc(self, mark) -> Location:  # noqa: ANN001
        return Location(self.path, mark.line + 1 if mark is not None else None)

    def _mapping(self, node: yaml.Node, what: str) -> dict[str, tuple[yaml.Node, yaml.Node]]:
        if not isinstance(node, MappingNode):
            raise InputError(f"{what} must be a mapping of keys to values", self._loc(node.start_mark))
        result: dict[str, tuple[yaml.Node, yaml.Node]] = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, ScalarNode):
                raise InputError(f"{what} has a key that is not a plain name", self._loc(key_node.start_mark))
            key = key_node.value
            if key in result:
                raise InputError(f"duplicate key {key!r} in {what}", self._loc(key_node.start_mark))
            result[key] = (key_node, value_node)
        return result

    # -- records ------------------------------------------------------------------------------

    def _add_record(self, node: yaml.Node) -> None:
        fields = self._mapping(node, "a record")
        path, line = self.path, node.start_mark.line + 1
        if "id" not in fields:
            raise InputError("record has no 'id'", Location(path, line))
        record_id = self._scalar(fields["id"][1], "id")
        if not _ID_RE.match(record_id):
            raise InputError(
                f"bad id {record_id!r}: use lower-case letters, digits and single hyphens",
                self._loc(fields["id"][1].start_mark),
            )
        if "type" not in fields:
            raise InputError(f"record {record_id!r} has no 'type'", Location(path, line))
        type_name = self._scalar(fields["type"][1], "type")
        kind = RECORD_KINDS.get(type_name)
        if kind is None:
            raise InputError(
                f"unknown record type {type_name!r} in record {record_id!r}",
                self._loc(fields["type"][1].start_mark),
                hint="one of: " + ", ".join(sorted(RECORD_KINDS)),
            )
        if record_id in self.defined:
            first = Location(*self.defined[record_id])
            raise InputError(f"duplicate id {record_id!r} (first defined at {first})", Location(path, line))
        self.defined[record_id] = (path, line)
        subject = ID_BASE + record_id
        s = f"<{subject}>"
        self.node_lines.append((path, subject, line))
        self.counts[type_name] += 1
        keys, kind_lines = _record_kind(type_name)
        self.lines.append(kind_lines.replace("\0", s))
        property_lines = self.property_lines
        for name, (key_node, value_node) in fields.items():
            if name == "id" or name == "type":
                continue
            key = keys.get(name)
            if key is None:
                raise InputError(
                    f"unknown key {name!r} for a {type_name} record ({record_id!r})",
                    self._loc(key_node.start_mark),
                    hint="see data/README.md",
                )
            property_lines.append((path, subject, key.predicate, key_node.start_mark.line + 1))
            if value_node.tag == _NULL and isinstance(value_node, ScalarNode):
                continue  # a key left empty (``date:``) says nothing
            if key.kind == "langtext" and isinstance(value_node, ScalarNode):  # the commonest value by far: at once
                self.lines.append(f"{s} {key.iri} {lang_literal(self._scalar(value_node, name), 'en')} .\n")
            else:
                self._add_value(subject, s, record_id, name, key, value_node)
        if kind.rdf_class is _OBSERVATION and "measures" in fields:  # statistics as RDF Data Cube
            for triple in cube_triples(URIRef(subject), self._scalar(fields["measures"][1], "measures")):
                self._add(*triple)

    def _add(self, subject: URIRef, predicate: URIRef, value: Node) -> None:
        self.lines.append(f"{term(subject)} {term(predicate)} {term(value)} .\n")

    def _add_value(self, subject: str, s: str, record_id: str, name: str, key: _RecordKey, node: yaml.Node) -> None:
        kind, p = key.kind, key.iri
        if kind == "langtext":
            for literal in self._langtexts(node, name):
                self.lines.append(f"{s} {p} {literal} .\n")
            return
        if kind == "text":
            self.lines.append(f"{s} {p} {plain_literal(self._scalar(node, name))} .\n")
            return
        add, subject = self._add, URIRef(subject)
        if key.kind in ("refs", "texts", "langtexts", "cite", "identifier"):
            items = node.value if isinstance(node, yaml.SequenceNode) else None
            if items is None:
                if key.kind == "cite" or isinstance(node, yaml.MappingNode):
                    raise InputError(f"{name!r} must be a list", self._loc(node.start_mark))
                items = [node]  # a single value where a list is expected is fine
            for index, item in enumerate(items, start=1):
                if key.kind == "refs":
                    self._add_reference(s, record_id, name, p, item)
                elif key.kind == "texts":
                    self.lines.append(f"{s} {p} {plain_literal(self._scalar(item, name))} .\n")
                elif key.kind == "langtexts":
                    for literal in self._langtexts(item, name):
                        self.lines.append(f"{s} {p} {literal} .\n")
                elif key.kind == "identifier":
                    try:
                        triples = identifier_triples(subject, name, self._scalar(item, name))
                    except ValueError as error:
                        raise InputError(f"{error} in record {record_id!r}", self._loc(item.start_mark)) from None
                    for triple in triples:
                        add(*triple)
                else:
                    self._add_citation(subject, s, record_id, index, item)
        elif key.kind == "ref":
            self._add_reference(s, record_id, name, p, node)
        elif key.kind == "url":
            self.lines.append(f"{s} {p} {self._url(node, name)} .\n")
        elif key.kind == "date":
            add(subject, key.predicate, self._date(node, name))
        elif key.kind == "duration":
            try:
                add(subject, key.predicate, parse_duration(self._scalar(node, name)))
            except ValueError as error:
                raise InputError(f"{error} in {name!r}", self._loc(node.start_mark)) from None
        elif key.kind == "number":
            add(subject, key.predicate, self._number(node, name))
        elif key.kind == "bool":
            if node.tag != "tag:yaml.org,2002:bool":
                raise InputError(f"{name!r} must be true or false, not {node.value!r}", self._loc(node.start_mark))
            add(subject, key.predicate, Literal(node.value.lower() in ("true", "yes", "on")))
        elif key.kind == "enum":
            value = self._scalar(node, name)
            allowed = ENUMS[key.enum]
            if value not in allowed:
                raise InputError(
                    f"bad {name} {value!r} in record {record_id!r}", self._loc(node.start_mark), hint="one of: " + ", ".join(allowed)
                )
            add(subject, key.predicate, controlled_value(key.enum, value))
        else:  # pragma: no cover - the table in records.py only uses the kinds above
            raise AssertionError(key.kind)

    def _add_reference(self, s: str, record_id: str, name: str, p: str, node: yaml.Node) -> None:
        """``s p pgid:target``, written once every target is known to be a record (``resolve_references``)."""
        target = self._scalar(node, name)
        self.references.append((target, self._loc(node.start_mark), name, record_id))
        self.lines.append(f"{s} {p} <{ID_BASE}{target}> .\n")

    def _add_citation(self, subject: str, s: str, record_id: str, index: int, node: yaml.Node) -> None:
        fields = self._mapping(node, "a citation")
        where = self._loc(node.start_mark)
        unknown = set(fields) - {"source", "url", "locator", "quote"}
        if unknown:
            name = sorted(unknown)[0]
            raise InputError(
                f"unknown key {name!r} in a citation of {record_id!r}",
                self._loc(fields[name][0].start_mark),
                hint="a citation has source (or url), locator and quote",
            )
        if ("source" in fields) == ("url" in fields):
            raise InputError(f"a citation of {record_id!r} needs exactly one of 'source' or 'url'", where)
        for required in ("locator", "quote"):
            if required not in fields or _is_null(fields[required][1]):
                raise InputError(f"a citation of {record_id!r} has no {required!r}", where)
        citation = URIRef(f"{subject}/cite/{index}")
        c = iri(citation)
        self.node_lines.append((self.path, citation, where.line))
        lines = self.lines
        lines.append(f"{s} {_CITATION} {c} .\n{c} {_TYPE} {_CITATION_CLASS} .\n")
        if "source" in fields:
            self._add_reference(c, record_id, "source", _SOURCE, fields["source"][1])
            lines.append(f"{s} {_DERIVED_FROM} <{ID_BASE}{self._scalar(fields['source'][1], 'source')}> .\n")
        else:
            lines.append(f"{c} {_SOURCE_URL} {self._url(fields['url'][1], 'url')} .\n")
        lines.append(f"{c} {_LOCATOR} {plain_literal(self._scalar(fields['locator'][1], 'locator'))} .\n")
        lines.append(f"{c} {_QUOTE} {self._quote(fields['quote'][1])} .\n")
        for name in ("source", "url", "locator", "quote"):
            if name in fields:
                self.property_lines.append((self.path, citation, _CITATION_PREDICATES[name], fields[name][0].start_mark.line + 1))

    def resolve_references(self) -> None:
        """Fail on the first reference to an id that no record defines."""
        for target, where, name, record_id in self.references:
            if target not in self.defined:
                raise InputError(f"undefined id {target!r} in {name!r} of record {record_id!r}", where)

    # -- scalars ------------------------------------------------------------------------------

    def _scalar(self, node: yaml.Node, name: str) -> str:
        if not isinstance(node, ScalarNode) or node.tag == _NULL:
            raise InputError(f"{name!r} must be a single value", self._loc(node.start_mark))
        value = node.value.strip()
        if not value:
            raise InputError(f"{name!r} is empty", self._loc(node.start_mark))
        return value

    def _langtexts(self, node: yaml.Node, name: str) -> list[str]:
        """The language-tagged literals (N-Triples) of a text, or of ``{lang: text, ...}``; English when untagged."""
        if isinstance(node, yaml.MappingNode):
            result = []
            for lang, (_, value) in self._mapping(node, f"{name!r}").items():
                if not _LANG_RE.match(lang) or not _tag_accepted(lang):
                    raise InputError(f"bad language tag {lang!r} in {name!r}", self._loc(node.start_mark))
                result.append(lang_literal(self._scalar(value, name), lang))
            return result
        return [lang_literal(self._scalar(node, name), "en")]

    def _quote(self, node: yaml.Node) -> str:
        """A quote is plain text in the source's own words; ``{ja: "…"}`` tags one in another language."""
        if not isinstance(node, yaml.MappingNode):
            return plain_literal(self._scalar(node, "quote"))
        texts = self._langtexts(node, "quote")
        if len(texts) != 1:
            raise InputError("a quote has one language: write {ja: \"…\"}", self._loc(node.start_mark))
        return texts[0]

    def _url(self, node: yaml.Node, name: str) -> str:
        """A web address as an IRI (N-Triples), checked as Oxigraph checks IRIs."""
        value = self._scalar(node, name)
        if not re.match(r"^https?://\S+$", value):
            raise InputError(f"bad URL {value!r} in {name!r}: use http(s)://...", self._loc(node.start_mark))
        try:
            return term(web_iri(value))
        except ValueError as error:
            raise InputError(f"bad URL {value!r} in {name!r}: {_one_line(error)}", self._loc(node.start_mark)) from None

    def _date(self, node: yaml.Node, name: str) -> Literal:
        value = self._scalar(node, name)
        try:
            return parse_date(value)
        except ValueError as error:
            raise InputError(f"{error} in {name!r}", self._loc(node.start_mark)) from None

    def _number(self, node: yaml.Node, name: str) -> Literal:
        value = self._scalar(node, name).replace("_", "")
        problem = check_number(value)
        if problem:
            raise InputError(f"{problem} in {name!r}", self._loc(node.start_mark))
        try:
            number = Decimal(value)
        except InvalidOperation:
            raise InputError(f"{name!r} must be a number, not {value!r}", self._loc(node.start_mark)) from None
        if not number.is_finite():
            raise InputError(f"{name!r} must be a finite number", self._loc(node.start_mark))
        return Literal(canonical_lexical(format(number, "f"), _DECIMAL), datatype=XSD.decimal)


_DECIMAL = str(XSD.decimal)
_CITATION_PREDICATES = {"source": PG.source, "url": PG.sourceUrl, "locator": PG.locator, "quote": PG.quote}
_OBSERVATION = PG.Observation
_LANG_RE = re.compile(r"^[a-z]{2,3}(-[A-Za-z0-9]+)*$")
_TYPE, _CITATION, _CITATION_CLASS = iri(RDF.type), iri(PG.citation), iri(PG.Citation)
_SOURCE, _DERIVED_FROM, _LOCATOR, _QUOTE = iri(PG.source), iri(PROV.wasDerivedFrom), iri(PG.locator), iri(PG.quote)
_SOURCE_URL = iri(PG.sourceUrl)


@functools.lru_cache(maxsize=256)
def _tag_accepted(lang: str) -> bool:
    """True when Oxigraph takes ``lang`` as a language tag: ``_LANG_RE`` lets through some that BCP 47 does not (``en-x``)."""
    import pyoxigraph as ox

    try:
        ox.Literal("", language=lang)
    except ValueError:
        return False
    return True


@contextlib.contextmanager
def _collector_paused() -> Iterator[None]:
    """Loading makes millions of objects and no cycles: the collector's passes made loading quadratic, the source map twice as slow."""
    collecting = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if collecting:
            # What loading made is kept, and holds no cycles: moved with the oldest objects at once (freeze,
            # then unfreeze), so the first young collection does not walk every tuple of it (0.04-0.07 s).
            gc.freeze()
            gc.unfreeze()
            gc.enable()


def _source_map(node_lines: list[tuple[str, str, int]], property_lines: list[tuple[str, str, URIRef, int]]) -> SourceMap:
    """The source map of the records, citations and keys that ``_Builder`` noted."""
    with _collector_paused():
        return _make_source_map(node_lines, property_lines)


def _make_source_map(node_lines: list[tuple[str, str, int]], property_lines: list[tuple[str, str, URIRef, int]]) -> SourceMap:
    source_map = SourceMap()
    nodes, properties = source_map.nodes, source_map.properties
    locations: dict[tuple[str, int], Location] = {}
    for path, node, line in node_lines:
        where = locations.get((path, line))
        if where is None:
            where = locations[(path, line)] = Location(path, line)
        nodes[str(node)] = where  # citations are noted as URIRefs
    for path, node, predicate, line in property_lines:
        where = locations.get((path, line))
        if where is None:
            where = locations[(path, line)] = Location(path, line)
        properties[(str(node), str(predicate))] = where
    return source_map


@dataclass(frozen=True)
class _RecordKey:
    """A key of a record type (``kinds.Key``) with its predicate as N-Triples, written once per key and not once per value."""

    kind: str
    predicate: URIRef | None
    enum: str | None
    iri: str


@functools.lru_cache(maxsize=None)
def _record_kind(type_name: str) -> tuple[dict[str, _RecordKey], str]:
    """The keys of a record type, and the triples every record of it has (its class; a concept's scheme) with ``\\0`` for the subject."""
    kind = RECORD_KINDS[type_name]
    keys = {name: _RecordKey(key.kind, key.predicate, key.enum, iri(key.predicate)) for name, key in {**COMMON_KEYS, **kind.keys}.items()}
    lines = f"\0 {_TYPE} {iri(kind.rdf_class)} .\n"
    if kind.scheme:
        lines += f"\0 {_TYPE} {iri(SKOS.Concept)} .\n\0 {iri(SKOS.inScheme)} <{ID_BASE}{kind.scheme}> .\n"
    return keys, lines


_NULL = "tag:yaml.org,2002:null"


def _is_null(node: yaml.Node) -> bool:
    return isinstance(node, yaml.ScalarNode) and node.tag == _NULL


