"""Hostile and broken input files: refused before any parser sees them, with file:line, never reaching out."""

from __future__ import annotations

import http.server
import subprocess
import sys
import threading

import pytest
from rdflib import Literal, URIRef

from policygraph import load_graph
from policygraph.errors import InputError
from policygraph.records.safety import (
    MAX_DATA_BYTES,
    MAX_GRAPH_BYTES,
    MAX_JSON_DEPTH,
    check_data_size,
    check_graph_file,
    check_json_ld,
    check_rdf_xml,
    decode_text,
)

RDF_NS = 'xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns:ex="http://example.org/"'


def rdf_xml(doctype: str = "", body: str = "<ex:p>x</ex:p>") -> str:
    """A one-triple RDF/XML document with ``doctype`` in its prolog."""
    return (
        f'<?xml version="1.0"?>\n{doctype}\n<rdf:RDF {RDF_NS}>\n'
        f'<rdf:Description rdf:about="http://example.org/a">{body}</rdf:Description>\n</rdf:RDF>\n'
    )


def billion_laughs(levels: int = 10) -> str:
    """The classic XML bomb: each entity is ten of the one before (10**levels expansions)."""
    entities = ['<!ENTITY lol0 "lol">'] + [f'<!ENTITY lol{i} "{f"&lol{i - 1};" * 10}">' for i in range(1, levels)]
    return rdf_xml("<!DOCTYPE rdf:RDF [\n" + "\n".join(entities) + "\n]>", f"<ex:p>&lol{levels - 1};</ex:p>")


class _CountingHandler(http.server.BaseHTTPRequestHandler):
    hits: list[str] = []

    def do_GET(self):
        type(self).hits.append(self.path)
        body = b'{"@context": {"name": "http://example.org/name"}}'
        self.send_response(200)
        self.send_header("Content-Type", "application/ld+json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture
def listener():
    """A real HTTP server on 127.0.0.1 that records every request it gets (it should get none)."""
    _CountingHandler.hits = []
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _CountingHandler)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}", _CountingHandler.hits
    server.shutdown()
    server.server_close()


# -- RDF/XML ------------------------------------------------------------------------------------


def test_check_rdf_xml_refuses_billion_laughs(tmp_path):
    """Nested entities are refused at the first one that refers to another, before expansion."""
    path = tmp_path / "lol.rdf"
    path.write_text(billion_laughs(), encoding="utf-8")
    with pytest.raises(InputError) as error:
        load_graph([path], bundled=False)
    assert str(error.value) == (
        f"{path}:4: XML entity 'lol1' refers to other entities (a 'billion laughs' bomb?): not allowed "
        "(entities may only hold plain text)"
    )


def test_check_rdf_xml_billion_laughs_megabyte_refused_in_a_fresh_process(tmp_path):
    """A 1 MB file of nested entities (rdflib needed 14.8 s) ends with exit 2 in a real process, long before 60 s."""
    entities = [f'<!ENTITY e{i} "{"&e0;" * 10 if i else "laugh"}">' for i in range(20_000)]
    text = rdf_xml("<!DOCTYPE rdf:RDF [\n" + "\n".join(entities) + "\n]>", "<ex:p>" + "&e19999;" * 5 + "</ex:p>")
    assert len(text) > 1_000_000
    path = tmp_path / "lol.rdf"
    path.write_text(text, encoding="utf-8")
    done = subprocess.run(
        [sys.executable, "-m", "policygraph", "build", "--no-bundled", "--data", str(path)],
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )
    assert done.returncode == 2
    assert done.stderr == f"error: {path}:4: XML entity 'e1' refers to other entities (a 'billion laughs' bomb?): not allowed (entities may only hold plain text)\n"


@pytest.mark.parametrize(
    ("doctype", "message"),
    [
        (
            '<!DOCTYPE rdf:RDF [ <!ENTITY xxe SYSTEM "file:///etc/passwd"> ]>',
            ("3: XML external entities are not allowed: policygraph never reads other files or the network "
            "(entities may only hold plain text)"),
        ),
        (
            '<!DOCTYPE rdf:RDF [ <!ENTITY xxe PUBLIC "-//X//EN" "http://example.org/x.dtd"> ]>',
            ("3: XML external entities are not allowed: policygraph never reads other files or the network "
            "(entities may only hold plain text)"),
        ),
        (
            '<!DOCTYPE rdf:RDF SYSTEM "http://example.org/rdf.dtd">',
            ("3: an XML DOCTYPE naming an external DTD is not allowed: policygraph never reads other files or the network "
            "(remove the SYSTEM/PUBLIC identifier from the DOCTYPE)"),
        ),
        (
            '<!DOCTYPE rdf:RDF [ <!ENTITY % pe SYSTEM "file:///etc/passwd"> %pe; ]>',
            "3: XML parameter entities are not allowed (entities may only hold plain text)",
        ),
        (
            '<!DOCTYPE rdf:RDF [\n <!ENTITY ok "fine">\n %pe;\n]>',
            "5: XML parameter entities are not allowed (entities may only hold plain text)",
        ),
        (
            '<!DOCTYPE rdf:RDF [ <!ENTITY a "&#38;b;"> ]>',
            "3: XML entity 'a' refers to other entities (a 'billion laughs' bomb?): not allowed (entities may only hold plain text)",
        ),
        (
            '<!DOCTYPE rdf:RDF [ <!ATTLIST rdf:Description ex:q CDATA "injected"> ]>',
            "3: XML declaration '<!ATTLIST rdf:Description' is not allowed in a DOCTYPE (only plain text entities)",
        ),
        ('<!DOCTYPE rdf:RDF [ <!ENTITY a "unterminated> ', '3: malformed XML entity declaration (write <!ENTITY name "text">)'),
        ('<!DOCTYPE rdf:RDF [ <!ENTITY a "fine"> ', "4: malformed DOCTYPE: its internal subset does not end with ']'"),
    ],
)
def test_check_rdf_xml_refuses_external_and_parameter_entities(tmp_path, doctype, message):
    """External DTDs and entities, parameter entities, indirect nesting and other declarations are refused with the line."""
    path = tmp_path / "x.rdf"
    path.write_text("\n" + rdf_xml(doctype), encoding="utf-8")
    with pytest.raises(InputError) as error:
        load_graph([path], bundled=False)
    assert str(error.value) == f"{path}:{message}"


def test_check_rdf_xml_external_entity_reads_nothing(tmp_path, listener):
    """An external entity pointing at a local file or a listening server is refused: no request, no content leaks."""
    url, hits = listener
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET", encoding="utf-8")
    for target in (secret.as_uri(), f"{url}/entity"):
        path = tmp_path / "xxe.rdf"
        path.write_text(rdf_xml(f'<!DOCTYPE rdf:RDF [ <!ENTITY xxe SYSTEM "{target}"> ]>', "<ex:p>&xxe;</ex:p>"), encoding="utf-8")
        with pytest.raises(InputError) as error:
            load_graph([path], bundled=False)
        assert "external entities are not allowed" in error.value.message
        assert "TOP-SECRET" not in str(error.value)
    path = tmp_path / "dtd.rdf"
    path.write_text(rdf_xml(f'<!DOCTYPE rdf:RDF SYSTEM "{url}/rdf.dtd">'), encoding="utf-8")
    with pytest.raises(InputError):
        load_graph([path], bundled=False)
    assert hits == []


def test_check_rdf_xml_allows_plain_entities(tmp_path):
    """Ontology editors' plain text entities (``&ex;``) still load, expanded."""
    doctype = '<!DOCTYPE rdf:RDF [\n  <!-- prefixes -->\n  <!ENTITY ex "http://example.org/" >\n  <!ENTITY greeting \'hello\'>\n]>'
    path = tmp_path / "ok.rdf"
    path.write_text(rdf_xml(doctype, '<ex:p rdf:resource="&ex;b"/><ex:q>&greeting; &amp; bye</ex:q>'), encoding="utf-8")
    graph = load_graph([path], bundled=False).graph
    a = URIRef("http://example.org/a")
    assert (a, URIRef("http://example.org/p"), URIRef("http://example.org/b")) in graph
    assert (a, URIRef("http://example.org/q"), Literal("hello & bye")) in graph


def test_check_rdf_xml_refuses_quadratic_blowup():
    """One plain 1000-character entity used 20,000 times (20 MB from 100 kB) is refused: expansion is bounded."""
    text = rdf_xml(f'<!DOCTYPE rdf:RDF [ <!ENTITY big "{"x" * 1000}"> ]>', "<ex:p>" + "&big;" * 20_000 + "</ex:p>")
    with pytest.raises(InputError) as error:
        check_rdf_xml(text, "big.rdf")
    assert str(error.value) == "big.rdf:4: XML entities would add more than 10,000,000 characters to the document: refused"
    check_rdf_xml(text.replace("&big;" * 20_000, "&big;" * 9_000), "fine.rdf")  # 9 MB: allowed


def test_check_rdf_xml_refuses_a_second_doctype():
    """A DOCTYPE anywhere but the prolog is refused (a parser could still act on it)."""
    text = rdf_xml() + '<!DOCTYPE x [ <!ENTITY a "b"> ]>'
    with pytest.raises(InputError) as error:
        check_rdf_xml(text, "x.rdf")
    assert str(error.value) == "x.rdf:6: a DOCTYPE after the start of the XML document is not allowed"


# -- JSON-LD ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("document", "message"),
    [
        ('{"@context": "URL/ctx.jsonld", "@id": "http://example.org/a", "name": "x"}', "@context 'URL/ctx.jsonld'"),
        ('{"@context": ["URL/ctx.jsonld", {"x": "http://example.org/x"}], "@id": "http://example.org/a"}', "@context 'URL/ctx.jsonld'"),
        ('{"@context": {"@import": "URL/ctx.jsonld"}, "@id": "http://example.org/a"}', "@import 'URL/ctx.jsonld'"),
        (
            ('{"@context": {"knows": {"@id": "http://example.org/knows", "@context": "URL/scoped.jsonld"}},\n'
            ' "@id": "http://example.org/a", "knows": {"@id": "http://example.org/b"}}'),
            "@context 'URL/scoped.jsonld'",
        ),
        ('{"@graph": [{"@context": "URL/deep.jsonld", "@id": "http://example.org/a"}]}', "@context 'URL/deep.jsonld'"),
    ],
)
def test_check_json_ld_refuses_remote_contexts_offline(tmp_path, listener, document, message):
    """A context naming another document is refused wherever it hides, and the server never hears of it."""
    url, hits = listener
    path = tmp_path / "remote.jsonld"
    path.write_text(document.replace("URL", url), encoding="utf-8")
    with pytest.raises(InputError) as error:
        load_graph([path], bundled=False)
    expected = message.replace("URL", url)
    assert error.value.message == (
        f"JSON-LD {expected} names another document; policygraph works offline and never fetches contexts"
    )
    assert error.value.hint == "put the context into the file itself"
    assert hits == []


def test_check_json_ld_refuses_local_file_context(tmp_path):
    """A relative context would make rdflib read a local file: refused too."""
    (tmp_path / "ctx.jsonld").write_text('{"@context": {"name": "http://example.org/name"}}', encoding="utf-8")
    path = tmp_path / "local.jsonld"
    path.write_text('{\n  "@context": "ctx.jsonld",\n  "@id": "http://example.org/a", "name": "x"\n}', encoding="utf-8")
    with pytest.raises(InputError) as error:
        load_graph([path], bundled=False)
    assert error.value.location.line == 2
    assert error.value.message.startswith("JSON-LD @context 'ctx.jsonld' names another document")


def test_check_json_ld_inline_context_loads(tmp_path):
    """An inline context is fine: the triples come through."""
    path = tmp_path / "inline.jsonld"
    path.write_text('{"@context": {"name": "http://example.org/name"}, "@id": "http://example.org/a", "name": "x"}', encoding="utf-8")
    graph = load_graph([path], bundled=False).graph
    assert (URIRef("http://example.org/a"), URIRef("http://example.org/name"), Literal("x")) in graph


def test_check_json_ld_depth_and_syntax():
    """Deep nesting is refused before any recursive parser runs; malformed JSON gets line and column."""
    deep = '{"@id": "http://example.org/a", "http://example.org/p": ' + "[" * 100_000 + "1" + "]" * 100_000 + "}"
    with pytest.raises(InputError) as error:
        check_json_ld(deep, "deep.jsonld")
    assert str(error.value) == f"deep.jsonld:1: JSON nested deeper than {MAX_JSON_DEPTH} levels"
    check_json_ld('{"a": "[[[[[[[[[[[[", "b": ' + "[" * 50 + "]" * 50 + "}", "ok.jsonld")  # brackets in strings do not count
    with pytest.raises(InputError) as error:
        check_json_ld('{\n  "@id": "x",\n  "p": [1, 2,]\n}', "bad.jsonld")
    assert str(error.value) == "bad.jsonld:3:14: malformed JSON: Expecting value"


# -- text ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        (b"", "f.yaml:1: empty file"),
        (b" \r\n\t\n", "f.yaml:1: empty file"),
        (b"\xef\xbb\xbf\r\n", "f.yaml:1: empty file"),
        ("- id: a\n".encode("utf-16"), "f.yaml:1: the file is UTF-16 (byte-order mark), not UTF-8 (save the file as UTF-8)"),
        ("- id: a\n".encode("utf-32"), "f.yaml:1: the file is UTF-32 (byte-order mark), not UTF-8 (save the file as UTF-8)"),
        (b"- id: a\r\n- id: b\x00\r\n", "f.yaml:2: NUL byte in file (binary data?)"),
        (b"- id: a\n\n- label: caf\xe9\n", "f.yaml:3: not UTF-8 text (save the file as UTF-8)"),
        (b"- id: a\n- label: \xe3\x81", "f.yaml:2: not UTF-8 text (save the file as UTF-8)"),
    ],
)
def test_decode_text_refuses_with_line(raw, message):
    """Empty, UTF-16/32, NUL and non-UTF-8 files are refused with the line of the first bad byte."""
    with pytest.raises(InputError) as error:
        decode_text(raw, "f.yaml")
    assert str(error.value) == message


def test_decode_text_accepts_bom_and_crlf():
    """A UTF-8 byte-order mark is dropped; CRLF line ends stay for the YAML reader (which counts them as one)."""
    assert decode_text(b"\xef\xbb\xbf- id: a\r\n", "f.yaml") == "- id: a\r\n"


def test_load_graph_crlf_and_bom_keep_line_numbers(tmp_path):
    """With a BOM and CRLF line ends, an error still names the right line."""
    path = tmp_path / "crlf.yaml"
    path.write_bytes(b"\xef\xbb\xbf- id: a\r\n  type: practice\r\n  label: A\r\n  colour: red\r\n")
    with pytest.raises(InputError) as error:
        load_graph([path], bundled=False)
    assert str(error.value) == f"{path}:4: unknown key 'colour' for a practice record ('a') (see data/README.md)"


# -- YAML bombs ---------------------------------------------------------------------------------


def test_load_graph_refuses_yaml_alias_bomb(tmp_path):
    """'Billion laughs' in YAML stops at the first alias, never expanding anything."""
    lines = ["- &a0 [lol, lol]"] + [f"- &a{i} [" + ", ".join([f"*a{i - 1}"] * 9) + "]" for i in range(1, 30)]
    path = tmp_path / "bomb.yaml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(InputError) as error:
        load_graph([path], bundled=False)
    assert str(error.value) == f"{path}:2: YAML aliases (*name) are not allowed"


@pytest.mark.parametrize(
    "text",
    ["- " + "[" * 1_000_000 + "]" * 1_000_000 + "\n", "- " + "{a: " * 100_000 + "1" + "}" * 100_000 + "\n",
     "".join("  " * i + "- \n" for i in range(500))],
)
def test_load_graph_refuses_deep_yaml(tmp_path, text):
    """A megabyte of nesting (flow or block) is refused at level 21, without recursing through it."""
    path = tmp_path / "deep.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(InputError) as error:
        load_graph([path], bundled=False)
    assert error.value.message == "YAML nested deeper than 20 levels"


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        ('!!python/object/apply:os.system ["touch PWNED"]', "!!python/object/apply:os.system"),
        ("!!python/name:os.system", "!!python/name:os.system"),
        ("!custom thing", "!custom"),
        ("!!binary aGVsbG8=", "!!binary"),
    ],
)
def test_load_graph_refuses_yaml_tags(tmp_path, monkeypatch, value, shown):
    """Only plain YAML: a Python (or any custom) tag is refused by name; nothing is constructed or run."""
    monkeypatch.chdir(tmp_path)
    path = tmp_path / "tag.yaml"
    path.write_text(f"- id: a\n  type: practice\n  label: {value}\n", encoding="utf-8")
    with pytest.raises(InputError) as error:
        load_graph([path], bundled=False)
    assert str(error.value) == f"tag.yaml:3: YAML tag {shown!r} is not allowed (plain values only)"
    assert not (tmp_path / "PWNED").exists()


def test_load_graph_plain_yaml_tags_allowed(tmp_path):
    """The standard tags (``!!str 2021``) are plain values and load."""
    path = tmp_path / "str.yaml"
    path.write_text(
        "- id: a\n  type: practice\n  label: !!str 2021\n  cite: [{url: 'https://example.org', locator: p, quote: q}]\n",
        encoding="utf-8",
    )
    graph = load_graph([path], bundled=False).graph
    assert (URIRef("https://w3id.org/policygraph/id/a"), None, Literal("2021", lang="en")) in graph


# -- sizes --------------------------------------------------------------------------------------


def test_check_data_size_refuses_before_reading(tmp_path):
    """Data over MAX_DATA_BYTES is refused from its size alone (a sparse file: nothing is read)."""
    big = tmp_path / "big.ttl"
    with big.open("wb") as stream:
        stream.truncate(MAX_DATA_BYTES + 1)  # all NUL bytes: reading it would fail differently
    with pytest.raises(InputError) as error:
        load_graph([big], bundled=False)
    assert str(error.value) == (
        f"{big}: data file too large (20.0 MB); at most 20 MB are read into memory "
        "(query a larger graph with --graph FILE, or load it into a SPARQL server and use --endpoint)"
    )
    halves = []
    for name in ("a.ttl", "b.ttl"):
        half = tmp_path / name
        with half.open("wb") as stream:
            stream.truncate(MAX_DATA_BYTES // 2 + 1)
        halves.append(half)
    with pytest.raises(InputError) as error:
        check_data_size(halves)
    assert error.value.message == "data files too large (20.0 MB together); at most 20 MB are read into memory"


def test_load_graph_million_triples_refused_quickly(tmp_path):
    """A real Turtle file of 1 million triples (33 MB; rdflib would need 30 s and 1.7 GB) is refused by size."""
    path = tmp_path / "million.ttl"
    with path.open("w", encoding="utf-8") as stream:
        stream.write("@prefix ex: <http://example.org/> .\n")
        for start in range(0, 1_000_000, 10_000):
            stream.write("".join(f'ex:s{i // 10} ex:p{i % 10} "value {i}" .\n' for i in range(start, start + 10_000)))
    with pytest.raises(InputError) as error:
        load_graph([path], bundled=False)
    assert error.value.message.startswith("data file too large (32.8 MB)")


def test_check_graph_file_limits_and_text(tmp_path):
    """A graph file: too large (from its size), empty, UTF-16 or with a NUL byte is refused; a BOM is skipped."""
    big = tmp_path / "big.nt"
    with big.open("wb") as stream:
        stream.truncate(MAX_GRAPH_BYTES + 1)
    with pytest.raises(InputError) as error:
        check_graph_file(big)
    assert error.value.message == "graph file too large (128.0 MB; at most 128 MB are read into memory)"
    cases = {
        b"": "empty.nt:1: empty file",
        b"\xef\xbb\xbf \r\n": "empty.nt:1: empty file",
        "<a:b> <a:c> <a:d> .\n".encode("utf-16"): "empty.nt:1: the file is UTF-16 (byte-order mark), not UTF-8 (save the file as UTF-8)",
        b"<a:b> <a:c> <a:d> .\n<a:b> <a:c> \"\x00\" .\n": "empty.nt:2: NUL byte in file (binary data?)",
    }
    path = tmp_path / "empty.nt"
    for raw, message in cases.items():
        path.write_bytes(raw)
        with pytest.raises(InputError) as error:
            check_graph_file(path)
        assert str(error.value) == str(tmp_path / message)
    path.write_bytes(b"\xef\xbb\xbf<a:b> <a:c> <a:d> .\n")
    assert check_graph_file(path) == 3
    xml = tmp_path / "lol.rdf"
    xml.write_text(billion_laughs(), encoding="utf-8")
    with pytest.raises(InputError) as error:
        check_graph_file(xml)
    assert error.value.message.startswith("XML entity 'lol1' refers to other entities")


def test_load_graph_deep_turtle_clear_error(tmp_path):
    """Turtle nested beyond what the serialisers can recurse through is an InputError, not a RecursionError traceback."""
    path = tmp_path / "deep.ttl"
    path.write_text("<http://a.org/a> <http://a.org/p> " + "[ <http://a.org/p> " * 20_000 + "1" + " ]" * 20_000 + " .\n", encoding="utf-8")
    with pytest.raises(InputError) as error:
        load_graph([path], bundled=False)
    assert str(error.value) == f"{path}: blank nodes nested more than 100 levels deep"
