"""Guards for untrusted input files: size limits, text encoding, XML DTDs and JSON-LD contexts.

Users point policygraph at files they downloaded. Before a file reaches a parser (rdflib for
``--data``, Oxigraph for ``--graph``), these checks refuse what would make a parser read other
files or the network, or spend unbounded time and memory:

- an RDF/XML ``DOCTYPE`` may only declare plain text entities (no external entities, no DTD
  file, no parameter entities, no entity that refers to another — "billion laughs"), and their
  expansion may not blow the document up (``check_rdf_xml``);
- a JSON-LD ``@context`` must be inline: a context that names another document (a URL or a
  file) is refused, as is ``@import`` (``check_json_ld``);
- sizes are bounded before anything is read: ``MAX_DATA_BYTES`` for the data read with rdflib,
  ``MAX_GRAPH_BYTES`` for a prebuilt graph read into Oxigraph;
- text must be UTF-8 (a byte-order mark is allowed), without NUL bytes, and not empty
  (``decode_text``, ``check_graph_file``);
- every string value must be writable as XML and UTF-8 (``bad_character``), and every number
  must be of a size that Python and the engines handle (``check_number``, ``MAX_NUMBER_DIGITS``).

Every refusal is an ``InputError`` naming the file and, where there is one, the line.
"""

from __future__ import annotations

import codecs
import json
import re
from pathlib import Path

from policygraph.errors import InputError
from policygraph.model import Location

__all__ = [
    "MAX_DATA_BYTES",
    "MAX_ENTITY_EXPANSION",
    "MAX_GRAPH_BYTES",
    "MAX_JSON_DEPTH",
    "MAX_NUMBER_DIGITS",
    "MAX_NUMBER_EXPONENT",
    "MAX_XML_ATTRIBUTES",
    "bad_character",
    "check_data_size",
    "check_graph_file",
    "check_json_ld",
    "check_number",
    "check_rdf_text",
    "check_rdf_xml",
    "decode_text",
]

MAX_DATA_BYTES = 20_000_000
"""The most bytes that the data files of one graph (the bundled YAML and every ``--data`` file) may hold together.

rdflib keeps about 1.6 kB per triple in memory (a 33 MB Turtle file of 1 million short triples
took 30 s and 1.66 GB), so 20 MB stays within about 1 GB. Larger graphs go through ``--graph``
(Oxigraph) or a SPARQL server.
"""

MAX_GRAPH_BYTES = 128_000_000
"""The largest prebuilt graph file (``--graph``) read into the in-memory Oxigraph store.

Oxigraph keeps about 14 bytes of memory per byte of N-Triples / Turtle (1 million triples, 33 MB:
2.1 s and 451 MB peak), so 128 MB stays within about 2 GB.
"""

MAX_JSON_DEPTH = 100
"""JSON-LD nested deeper than this is refused (parsers recurse; curated JSON-LD is a few levels deep)."""

MAX_ENTITY_EXPANSION = 10_000_000
"""XML entities may add at most this many characters (or the file's own length, if larger) to a document."""

MAX_NUMBER_DIGITS = 100
"""A number may have at most this many digits (Python refuses to convert integers past 4,300 digits)."""

MAX_NUMBER_EXPONENT = 1000
"""A number's exponent (``1e308``) may be at most this large, either way (a decimal of ``1e999999`` would be written out in full)."""

_BAD_CHARACTER = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufdd0-\ufdef\ufffe\uffff]")
_NUMBER = re.compile(r"^[+-]?(?P<int>[0-9]*)(?:\.(?P<frac>[0-9]*))?(?:[eE](?P<exp>[+-]?[0-9]+))?$")
_JSON_NUMBER = re.compile(r"-?[0-9]+(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?")

MAX_XML_ATTRIBUTES = 10_000
"""An RDF/XML element may carry at most this many attributes (10,000 parse in 0.2 s; 200,000 took a minute)."""

_UTF16_32_BOMS = (
    (b"\x00\x00\xfe\xff", "UTF-32"),
    (b"\xff\xfe\x00\x00", "UTF-32"),
    (b"\xfe\xff", "UTF-16"),
    (b"\xff\xfe", "UTF-16"),
)
_UTF8_BOM = b"\xef\xbb\xbf"
_XML_NAME = r"[A-Za-z_:][A-Za-z0-9_:.\-\u00b7\u00c0-\uffff]*"
_ENTITY_REF = re.compile(r"&(" + _XML_NAME + r");")
_PREDEFINED_ENTITIES = {"amp", "lt", "gt", "quot", "apos"}
_SUBSET_TOKEN = re.compile(
    r"""
    (?P<space>\s+)
  | (?P<comment><!--.*?-->)
  | (?P<entity><!ENTITY\s+(?P<name>""" + _XML_NAME + r""")\s+(?P<value>"[^"]*"|'[^']*')\s*>)
    """,
    re.VERBOSE | re.DOTALL,
)
_CHUNK = 1 << 20


def decode_text(raw: bytes, path: str) -> str:
    """``raw`` as text: UTF-8, with or without a byte-order mark; no NUL bytes; not empty.

    Lines may end in LF or CRLF (line numbers count either).

    Raises:
        InputError: a UTF-16/32 file, a NUL byte, bytes that are not UTF-8 (with the line), or only white space.
    """
    encoding = _wide_encoding(raw[:4])
    if encoding:
        raise InputError(f"the file is {encoding} (byte-order mark), not UTF-8", Location(path, 1), hint="save the file as UTF-8")
    if b"\x00" in raw:
        line = raw[: raw.index(b"\x00")].count(b"\n") + 1
        raise InputError("NUL byte in file (binary data?)", Location(path, line))
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = raw[: error.start].count(b"\n") + 1
        raise InputError("not UTF-8 text", Location(path, line), hint="save the file as UTF-8") from None
    if not text.strip():
        raise InputError("empty file", Location(path, 1))
    return text


def bad_character(text: str, where: str = "a value") -> str | None:
    """Why ``text`` cannot be a value in the graph, or None when it can.

    Refused: control characters other than tab, line feed and carriage return (XML 1.0, hence RDF/XML
    and GraphML, cannot hold them), lone surrogates (``"\\ud800"`` in YAML: not encodable as UTF-8)
    and the Unicode non-characters U+FDD0–U+FDEF, U+FFFE and U+FFFF.
    """
    match = _BAD_CHARACTER.search(text)
    if match is None:
        return None
    code = ord(match.group())
    if 0xD800 <= code <= 0xDFFF:
        what = "a lone surrogate"
    elif code < 0x20:
        what = "a control character"
    else:
        what = "a Unicode non-character"
    return f"{what} (U+{code:04X}) is not allowed in {where}: XML and UTF-8 cannot hold it"


def check_number(text: str) -> str | None:
    """Why the number written as ``text`` is refused (too many digits, too large an exponent), or None.

    Text that is not a number at all passes: the caller says how it wanted one.
    """
    match = _NUMBER.match(text.strip())
    if match is None:
        return None
    digits = len(match.group("int")) + len(match.group("frac") or "")
    if digits > MAX_NUMBER_DIGITS:
        return f"a number with {digits:,} digits (at most {MAX_NUMBER_DIGITS})"
    exponent = match.group("exp")
    if exponent and (len(exponent) > 6 or abs(int(exponent)) > MAX_NUMBER_EXPONENT):
        return f"a number with exponent {exponent[:12]} (at most ±{MAX_NUMBER_EXPONENT})"
    return None


def check_data_size(paths: list[Path]) -> None:
    """Refuse data files that together exceed ``MAX_DATA_BYTES``, before reading any of them.

    Raises:
        InputError: they are too large (names the largest).
    """
    sizes = []
    for path in paths:
        try:
            sizes.append((path.stat().st_size, path))
        except OSError:
            continue  # reading it reports why
    total = sum(size for size, _ in sizes)
    if total > MAX_DATA_BYTES:
        size, largest = max(sizes, key=lambda item: item[0])
        what = f"data file too large ({_mb(size)})" if size > MAX_DATA_BYTES else f"data files too large ({_mb(total)} together)"
        raise InputError(
            f"{what}; at most {_mb(MAX_DATA_BYTES)} are read into memory",
            Location(str(largest)),
            hint="query a larger graph with --graph FILE, or load it into a SPARQL server and use --endpoint",
        )


def check_rdf_text(text: str, fmt: str, path: str) -> None:
    """The checks for one RDF format (rdflib's format name): RDF/XML DTDs, JSON-LD contexts.

    Raises:
        InputError: see ``check_rdf_xml`` and ``check_json_ld``.
    """
    if fmt in ("xml", "RDF_XML"):
        check_rdf_xml(text, path)
    elif fmt in ("json-ld", "JSON_LD"):
        check_json_ld(text, path)


def check_rdf_xml(text: str, path: str) -> None:
    """Refuse a DOCTYPE that could read files, reach the network or expand without bound.

    Allowed: no DOCTYPE, or a DOCTYPE whose internal subset only declares plain text entities
    (``<!ENTITY owl "http://www.w3.org/2002/07/owl#">``, as ontology editors write) and comments,
    whose expansion adds at most ``MAX_ENTITY_EXPANSION`` characters (or the file's length).

    Raises:
        InputError: an external DTD or entity, a parameter entity, an entity that refers to
            another entity ("billion laughs"), any other declaration, or too much expansion; XML
            that is not well-formed, or an element with more than ``MAX_XML_ATTRIBUTES`` attributes.
    """
    entities = _check_doctype(text, _doctype_start(text), path)
    if entities:  # expanded here (bounded above), so that expat's own amplification guard does not refuse the file
        text = _ENTITY_REF.sub(lambda match: entities.get(match.group(1), match.group()), text)
    _check_xml_structure(text, path)


def _check_doctype(text: str, start: int | None, path: str) -> dict[str, str]:
    """The DOCTYPE's plain text entities (none without a DOCTYPE); refuses everything else."""
    others = [m.start() for m in re.finditer(r"<!DOCTYPE\b", text) if m.start() != start]
    if others:
        raise InputError("a DOCTYPE after the start of the XML document is not allowed", _at(path, text, others[0]))
    if start is None:
        return {}
    match = re.compile(r"<!DOCTYPE\s+" + _XML_NAME + r"\s*").match(text, start)
    if not match:
        raise InputError("malformed DOCTYPE", _at(path, text, start))
    position = match.end()
    if text.startswith(("SYSTEM", "PUBLIC"), position):
        raise InputError(
            "an XML DOCTYPE naming an external DTD is not allowed: policygraph never reads other files or the network",
            _at(path, text, position),
            hint="remove the SYSTEM/PUBLIC identifier from the DOCTYPE",
        )
    entities: dict[str, str] = {}
    if text.startswith("[", position):
        position = _read_internal_subset(text, position + 1, path, entities)
    end = re.compile(r"\s*>").match(text, position)
    if not end:
        raise InputError("malformed DOCTYPE", _at(path, text, position))
    if entities:
        _check_expansion(text, end.end(), entities, path)
    return entities


def _check_xml_structure(text: str, where: str) -> None:
    """Refuse RDF/XML that is not well-formed XML (Oxigraph reads a file cut off before its last end tag), or whose
    elements carry more than ``MAX_XML_ATTRIBUTES`` attributes (Oxigraph's time grows with their square)."""
    from xml.parsers import expat

    parser = expat.ParserCreate()

    def start(name: str, attributes: dict) -> None:
        if len(attributes) > MAX_XML_ATTRIBUTES:
            raise InputError(
                f"an XML element with {len(attributes):,} attributes (at most {MAX_XML_ATTRIBUTES:,})",
                Location(where, parser.CurrentLineNumber),
                hint="write the properties as child elements",
            )

    parser.StartElementHandler = start
    try:
        parser.Parse(text, True)
    except expat.ExpatError as error:
        raise InputError(f"cannot parse xml: {expat.ErrorString(error.code)}", Location(where, error.lineno)) from None


def _doctype_start(text: str) -> int | None:
    """The offset of the DOCTYPE in the prolog (after the XML declaration, comments, PIs), or None."""
    position = 1 if text.startswith("\ufeff") else 0
    length = len(text)
    while position < length:
        if text[position].isspace():
            position += 1
        elif text.startswith("<?", position):
            end = text.find("?>", position)
            if end < 0:
                return None
            position = end + 2
        elif text.startswith("<!--", position):
            end = text.find("-->", position)
            if end < 0:
                return None
            position = end + 3
        elif text.startswith("<!DOCTYPE", position):
            return position
        else:
            return None
    return None


def _read_internal_subset(text: str, position: int, path: str, entities: dict[str, str]) -> int:
    """Read the declarations up to ``]``, filling ``entities``; the offset after ``]``."""
    while True:
        if text.startswith("]", position):
            return position + 1
        match = _SUBSET_TOKEN.match(text, position)
        if not match:
            raise _declaration_refusal(text, position, path)
        if match.lastgroup == "entity":
            value = match.group("value")[1:-1]
            name = match.group("name")
            if "&" in value or "%" in value:
                raise InputError(
                    f"XML entity {name!r} refers to other entities (a 'billion laughs' bomb?): not allowed",
                    _at(path, text, match.start()),
                    hint="entities may only hold plain text",
                )
            entities.setdefault(name, value)  # XML: the first declaration binds
        position = match.end()


def _declaration_refusal(text: str, position: int, path: str) -> InputError:
    where = _at(path, text, position)
    if not text.startswith(("<!", "<?", "%"), position):
        return InputError("malformed DOCTYPE: its internal subset does not end with ']'", where)
    if re.compile(r"<!ENTITY\s+%").match(text, position) or text.startswith("%", position):
        return InputError("XML parameter entities are not allowed", where, hint="entities may only hold plain text")
    if re.compile(r"<!ENTITY\s+" + _XML_NAME + r"\s+(SYSTEM|PUBLIC)\b").match(text, position):
        return InputError(
            "XML external entities are not allowed: policygraph never reads other files or the network",
            where,
            hint="entities may only hold plain text",
        )
    if text.startswith("<!ENTITY", position):
        return InputError("malformed XML entity declaration", where, hint='write <!ENTITY name "text">')
    found = " ".join(text[position : position + 40].split()[:2])
    return InputError(
        f"XML declaration {found!r} is not allowed in a DOCTYPE (only plain text entities)", where
    )


def _check_expansion(text: str, body: int, entities: dict[str, str], path: str) -> None:
    extra = 0
    limit = max(MAX_ENTITY_EXPANSION, len(text))
    for match in _ENTITY_REF.finditer(text, body):
        value = entities.get(match.group(1))
        if value is not None:
            extra += len(value)
            if extra > limit:
                raise InputError(
                    f"XML entities would add more than {limit:,} characters to the document: refused",
                    _at(path, text, match.start()),
                )


def check_json_ld(text: str, path: str) -> None:
    """Refuse JSON-LD that a parser would complete from elsewhere, or that nests too deeply.

    Raises:
        InputError: malformed JSON (with line and column), a ``@context`` naming another document
            (a URL or a file), ``@import``, or nesting deeper than ``MAX_JSON_DEPTH``.
    """
    _check_json_depth(text, path)
    try:
        document = json.loads(text)
    except json.JSONDecodeError as error:
        raise InputError(f"malformed JSON: {error.msg}", Location(path, error.lineno, error.colno)) from None
    except RecursionError:  # pragma: no cover - _check_json_depth refuses deep nesting first
        raise InputError(f"JSON nested deeper than {MAX_JSON_DEPTH} levels", Location(path)) from None
    stack = [document]
    while stack:
        node = stack.pop()
        if isinstance(node, dict):
            if "@import" in node:
                raise _remote_context(path, text, node["@import"], "@import")
            context = node.get("@context")
            for item in context if isinstance(context, list) else [context]:
                if isinstance(item, str):
                    raise _remote_context(path, text, item, "@context")
            stack.extend(node.values())
        elif isinstance(node, list):
            stack.extend(node)


def _remote_context(path: str, text: str, reference: object, key: str) -> InputError:
    shown = reference if isinstance(reference, str) else json.dumps(reference)
    offset = text.find(json.dumps(shown)[1:-1]) if isinstance(reference, str) else -1
    return InputError(
        f"JSON-LD {key} {shown!r} names another document; policygraph works offline and never fetches contexts",
        _at(path, text, offset) if offset >= 0 else Location(path),
        hint="put the context into the file itself",
    )


def _check_json_depth(text: str, path: str) -> None:
    """Count bracket depth outside strings; refuse beyond ``MAX_JSON_DEPTH`` (before json.loads recurses) and oversized numbers."""
    depth = 0
    for match in re.finditer(r'"(?:[^"\\]|\\.)*"|[\[\]{}]|' + _JSON_NUMBER.pattern, text):
        token = match.group()
        if token[0] in "-0123456789":
            problem = check_number(token)
            if problem:
                raise InputError(problem, _at(path, text, match.start()))
        elif token in "[{":
            depth += 1
            if depth > MAX_JSON_DEPTH:
                raise InputError(f"JSON nested deeper than {MAX_JSON_DEPTH} levels", _at(path, text, match.start()))
        elif token in "]}":
            depth -= 1


def check_graph_file(path: Path) -> int:
    """Check a prebuilt graph file before Oxigraph reads it; the number of bytes to skip (a UTF-8 byte-order mark).

    Reads the file once in chunks (it is at most ``MAX_GRAPH_BYTES``), and fully into memory only
    for RDF/XML with entity declarations and for JSON-LD.

    Raises:
        InputError: the file is too large, empty, UTF-16/32, not UTF-8, holds a NUL byte, or fails
            ``check_rdf_xml`` / ``check_json_ld``.
    """
    where = str(path)
    try:
        size = path.stat().st_size
    except OSError as error:
        raise InputError(f"cannot read file: {error.strerror}", Location(where)) from None
    if size > MAX_GRAPH_BYTES:
        raise InputError(
            f"graph file too large ({_mb(size)}; at most {_mb(MAX_GRAPH_BYTES)} are read into memory)",
            Location(where),
            hint="load it into a SPARQL server (e.g. 'oxigraph load') and use --endpoint",
        )
    suffix = path.suffix.lower()
    whole = suffix in (".jsonld", ".rdf", ".owl", ".xml")
    pieces: list[bytes] = []
    blank = True
    line = 1
    decoder = codecs.getincrementaldecoder("utf-8")()
    try:
        with path.open("rb") as stream:
            first = stream.read(4)
            encoding = _wide_encoding(first)
            if encoding:
                raise InputError(
                    f"the file is {encoding} (byte-order mark), not UTF-8", Location(where, 1), hint="save the file as UTF-8"
                )
            stream.seek(0)
            while chunk := stream.read(_CHUNK):
                if b"\x00" in chunk:
                    raise InputError("NUL byte in file (binary data?)", Location(where, line + chunk[: chunk.index(b"\x00")].count(b"\n")))
                try:
                    decoder.decode(chunk)
                except UnicodeDecodeError as error:  # error.object: the undecoded tail of the last chunk + this one
                    bad = line + error.object[: error.start].count(b"\n")
                    raise InputError("not UTF-8 text", Location(where, bad), hint="save the file as UTF-8") from None
                line += chunk.count(b"\n")
                if blank and chunk.strip(b" \t\r\n" + _UTF8_BOM):
                    blank = False
                if whole:
                    pieces.append(chunk)
    except OSError as error:
        raise InputError(f"cannot read file: {error.strerror}", Location(where)) from None
    try:
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        raise InputError("not UTF-8 text", Location(where, line), hint="save the file as UTF-8") from None
    if blank:
        raise InputError("empty file", Location(where, 1))
    if whole:
        raw = b"".join(pieces)
        text = raw.decode("utf-8-sig")
        check_rdf_text(text, "xml" if suffix != ".jsonld" else "json-ld", where)
    return len(_UTF8_BOM) if first.startswith(_UTF8_BOM) else 0


def _wide_encoding(start: bytes) -> str | None:
    for bom, name in _UTF16_32_BOMS:
        if start.startswith(bom):
            return name
    return None


def _at(path: str, text: str, offset: int) -> Location:
    return Location(path, text.count("\n", 0, offset) + 1)


def _mb(size: int) -> str:
    return f"{size / 1e6:.1f} MB" if size % 1_000_000 else f"{size // 1_000_000} MB"
