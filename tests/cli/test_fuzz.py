"""Property-based tests (Hypothesis): the YAML loader, the date parser, parameter binding, the result writers.

Bounded (max_examples 100-150, no deadline) so the module runs in seconds; each property says what
must hold for *every* input, and fails with the smallest counterexample Hypothesis finds.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import tempfile
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from rdflib import BNode, Literal, URIRef
from rdflib.query import Result

from policygraph import load_graph
from policygraph.errors import ConfigError, InputError, SchemaError
from policygraph.graph.handle import LoadedGraph
from policygraph.records.load import parse_date
from policygraph.sparql.params import bind_params
from policygraph.sparql.query import parse_query
from policygraph.sparql.results import QueryResult, format_result
from policygraph.sparql.run import run_query
from policygraph.terms import ID_BASE, XSD

TESTS = Path(__file__).parents[1]
TINY = (TESTS / "fixtures" / "tiny" / "records.yaml").read_bytes()
FAST = settings(max_examples=150, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow])
SLOW = settings(max_examples=100, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow])


# -- the YAML loader ----------------------------------------------------------------------------------


def _load_bytes(raw: bytes):
    """``load_graph`` on ``raw`` as a one-file dataset: the LoadedGraph, or the InputError it raised."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "fuzz.yaml"
        path.write_bytes(raw)
        try:
            return load_graph([path], bundled=False)
        except InputError as error:
            return error


def _check_outcome(outcome, raw: bytes) -> None:
    """Loaded, or refused with a one-line message pointing at a real line of the file."""
    if isinstance(outcome, InputError):
        assert "\n" not in str(outcome)
        if outcome.location is not None and outcome.location.line is not None:
            assert 1 <= outcome.location.line <= raw.count(b"\n") + raw.count(b"\r") + 2
        return
    for where in outcome.source_map.nodes.values():
        assert where.line is not None and where.line >= 1


YAML_ALPHABET = st.sampled_from(list("- :{}[],'\"#&*!|>%@`?\n\t ") + ["id", "type", "label", "cite", "practice", "\r\n", "é", "\x00", "\x07"])


@SLOW
@given(st.lists(YAML_ALPHABET, max_size=60).map("".join))
def test_load_graph_fuzz_text_refused_cleanly(text):
    """Any text of YAML punctuation loads or gives one InputError: never another exception."""
    raw = text.encode("utf-8")
    _check_outcome(_load_bytes(raw), raw)


@SLOW
@given(st.data())
def test_load_graph_fuzz_mutated_records_refused_cleanly(data):
    """The tiny dataset with random bytes replaced, inserted or deleted: loads or one InputError with a real line."""
    raw = bytearray(TINY)
    for _ in range(data.draw(st.integers(1, 4))):
        position = data.draw(st.integers(0, len(raw) - 1))
        action = data.draw(st.sampled_from(["replace", "insert", "delete"]))
        byte = data.draw(st.integers(0, 255))
        if action == "replace":
            raw[position] = byte
        elif action == "insert":
            raw.insert(position, byte)
        else:
            del raw[position]
    _check_outcome(_load_bytes(bytes(raw)), bytes(raw))


KEYS = ["id", "type", "label", "aliases", "cite", "broader", "founded", "value", "binding", "status", "url", "source", "quote", "locator"]
SCALARS = st.one_of(
    st.none(), st.booleans(), st.integers(), st.floats(allow_nan=True), st.text(max_size=12),
    st.sampled_from(["practice", "law", "a", "b", "2021-02-30", "2021", "https://example.org/", "jp"]),
    st.dates().map(str),
)
VALUES = st.recursive(SCALARS, lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.sampled_from(KEYS + ["en", "ja"]), inner, max_size=3), max_leaves=8)
RECORDS = st.lists(st.dictionaries(st.sampled_from(KEYS), VALUES, max_size=6), max_size=4)


@SLOW
@given(RECORDS)
def test_load_graph_fuzz_structured_records(records):
    """Random records built from real keys and odd values (YAML-dumped): load, or one InputError with a real line."""
    raw = yaml.safe_dump(records, allow_unicode=True).encode("utf-8")
    outcome = _load_bytes(raw)
    _check_outcome(outcome, raw)
    if not isinstance(outcome, InputError):
        assert sum(outcome.record_counts.values()) == len(records)


# -- values the graph must be able to hold -------------------------------------------------------------


def _writable(loaded) -> None:
    """The graph serialises as RDF/XML that an XML parser reads back (so GraphML and ``build --format xml`` work)."""
    from xml.dom import minidom

    minidom.parseString(loaded.graph.serialize(format="xml", encoding="utf-8"))


ANY_TEXT = st.text(st.characters(codec=None, min_codepoint=0, max_codepoint=0x10FFFF), min_size=1, max_size=12)


@SLOW
@given(ANY_TEXT)
def test_load_graph_escaped_labels_loaded_writable_or_refused(text):
    """A label holding any code point (escaped: surrogates, controls, non-characters): refused, or a writable graph."""
    escaped = "".join(c if c.isalnum() else f"\\U{ord(c):08x}" for c in text)
    raw = f'- id: a\n  type: practice\n  label: "{escaped}"\n'.encode()
    outcome = _load_bytes(raw)
    _check_outcome(outcome, raw)
    if not isinstance(outcome, InputError):
        _writable(outcome)


@SLOW
@given(ANY_TEXT, st.sampled_from(["ttl", "nt"]))
def test_load_graph_escaped_rdf_literals_loaded_writable_or_refused(text, suffix):
    """An RDF literal holding any code point (as \\U escapes): refused with one line, or a writable graph."""
    escaped = "".join(c if c.isalnum() else f"\\U{ord(c):08x}" for c in text)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"fuzz.{suffix}"
        path.write_text(f'<http://example.org/a> <http://example.org/p> "{escaped}" .\n', encoding="utf-8")
        try:
            loaded = load_graph([path], bundled=False)
        except InputError as error:
            assert "\n" not in str(error)
            return
        _writable(loaded)


NUMBERS = st.one_of(
    st.integers(min_value=-(10**400), max_value=10**400).map(str),
    st.tuples(st.integers(0, 10**120), st.integers(-10**7, 10**7)).map(lambda pair: f"{pair[0]}e{pair[1]}"),
    st.integers(1, 6000).map(lambda n: "9" * n),
)


@SLOW
@given(NUMBERS)
def test_load_graph_numbers_loaded_or_refused(number):
    """Any size of number, in YAML and in Turtle: loaded, or refused with one line (never Python's digit limit)."""
    for name, text in (
        ("fuzz.yaml", f"- id: a\n  type: observation\n  value: {number}\n"),
        ("fuzz.ttl", f"<http://example.org/a> <http://example.org/p> {number} .\n"),
    ):
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / name
            path.write_text(text, encoding="utf-8")
            try:
                loaded = load_graph([path], bundled=False)
            except InputError as error:
                assert "\n" not in str(error)
                continue
            for literal in loaded.graph.objects():
                if isinstance(literal, Literal):
                    literal.toPython()
            loaded.graph.serialize(format="xml")


@FAST
@given(st.text(st.characters(categories=["Nd"]), min_size=4, max_size=4), st.sampled_from(["", "-01", "-01-01"]))
def test_parse_date_ascii_digits_only(year, rest):
    """Digits of any script: a date only when they are ASCII (rdflib could not read ２０２１ as a year)."""
    try:
        literal = parse_date(year + rest)
    except ValueError:
        assert not (year + rest).isascii()
        return
    assert str(literal).isascii()


@settings(max_examples=25, deadline=None, database=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(ANY_TEXT)
def test_cli_build_never_prints_a_traceback(invoke, tmp_path_factory, text):
    """``build`` on a label of any code points: exit 0 and only the summary and status on stderr, or exit 2 and one error line."""
    escaped = "".join(c if c.isalnum() else f"\\U{ord(c):08x}" for c in text)
    path = tmp_path_factory.mktemp("fuzz") / "records.yaml"
    path.write_text(f'- id: a\n  type: practice\n  label: "{escaped}"\n', encoding="utf-8")
    result = invoke("build", "--no-bundled", "--data", path, "-o", path.with_suffix(".rdf"), "--format", "xml", "--no-validate")
    assert "Traceback" not in result.stderr
    if result.exit_code == 0:
        assert result.stdout == "" and result.stderr.endswith(f"wrote {path.with_suffix('.rdf')} (xml)\n")
    else:
        assert result.exit_code == 2 and result.stderr.startswith("error: ") and result.stderr.count("\n") == 1


# -- the date parser ------------------------------------------------------------------------------------


@FAST
@given(st.dates(min_value=dt.date(1, 1, 1)))
def test_parse_date_full_dates_round_trip(day):
    """Every real day YYYY-MM-DD becomes an xsd:date with the same text."""
    text = f"{day.year:04d}-{day.month:02d}-{day.day:02d}"
    assert parse_date(text) == Literal(text, datatype=XSD.date)
    assert parse_date(f"  {text}\n") == Literal(text, datatype=XSD.date)


@FAST
@given(st.integers(0, 9999), st.integers(1, 12))
def test_parse_date_years_and_months(year, month):
    """YYYY is an xsd:gYear and YYYY-MM an xsd:gYearMonth, for every year and month."""
    assert parse_date(f"{year:04d}") == Literal(f"{year:04d}", datatype=XSD.gYear)
    assert parse_date(f"{year:04d}-{month:02d}") == Literal(f"{year:04d}-{month:02d}", datatype=XSD.gYearMonth)


@FAST
@given(st.integers(0, 9999), st.integers(0, 99), st.integers(0, 99))
def test_parse_date_refuses_impossible_days(year, month, day):
    """A date is accepted exactly when the calendar has it; otherwise ValueError naming the text."""
    text = f"{year:04d}-{month:02d}-{day:02d}"
    try:
        real = dt.date(year, month, day)
    except ValueError:
        real = None
    if real is None or year == 0:
        with pytest.raises(ValueError, match=re.escape(repr(text))):
            parse_date(text)
    else:
        assert parse_date(text) == Literal(text, datatype=XSD.date)


@FAST
@given(st.text(max_size=20))
def test_parse_date_any_text_value_error_only(text):
    """Any text: a typed literal that is a real date, or ValueError — nothing else."""
    try:
        literal = parse_date(text)
    except ValueError:
        return
    assert literal.datatype in (XSD.date, XSD.gYearMonth, XSD.gYear)
    assert re.fullmatch(r"\d{4}(-\d{2}(-\d{2})?)?", str(literal))


# -- parameter binding ----------------------------------------------------------------------------------

ECHO = parse_query(
    "# param: text (string) — anything\n# param: target (iri, optional) — an IRI\n"
    "SELECT ?echo ?iri ?count WHERE { BIND(?text AS ?echo) OPTIONAL { BIND(?target AS ?iri) } "
    "{ SELECT (COUNT(*) AS ?count) WHERE { ?s ?p ?o } } }"
)


@pytest.fixture(scope="module")
def tiny_local():
    """The tiny dataset (rdflib and Oxigraph forms) and its size."""
    graph = load_graph([TESTS / "fixtures" / "tiny"], bundled=False).graph
    local = LoadedGraph(graph=graph)
    local.store  # noqa: B018 - convert once
    return local, len(graph)


def _row(result: QueryResult) -> dict:
    return dict(zip(result.variables, result.rows[0]))


@SLOW
@given(text=st.text(max_size=40), engine=st.sampled_from(["rdflib", "oxigraph"]))
def test_bind_params_string_comes_back_verbatim(tiny_local, text, engine):
    """Any string bound to a string parameter is one literal: it comes back exactly and the query's count is unchanged."""
    local, size = tiny_local
    try:
        bindings = bind_params(ECHO, {"text": text}, local)
        result = run_query(ECHO, bindings, graph=local, engine=engine)
    except SchemaError as error:  # refused, never spliced: backslash-u would read differently in the engines
        assert re.search(r"\\[uU]", text) and error.message == "could not bind the parameters safely in this query"
        return
    assert len(result.rows) == 1
    row = _row(result)
    assert row["echo"] == Literal(text)
    assert int(row["count"]) == size


@SLOW
@given(text=st.one_of(st.text(max_size=30), st.text(max_size=20).map(lambda t: "http://example.org/" + t)))
def test_bind_params_iri_refused_or_exact(tiny_local, text):
    """An IRI parameter is refused (ConfigError) or bound as exactly that IRI, which then comes back from the query."""
    local, _ = tiny_local
    try:
        bindings = bind_params(ECHO, {"text": "x", "target": text}, local)
    except ConfigError as error:
        assert error.message.startswith("bad value ")
        return
    iri = text.strip()
    iri = iri[1:-1] if iri.startswith("<") and iri.endswith(">") else iri
    assert bindings["target"] == URIRef(iri)
    assert not re.search(r'[\x00-\x20<>"{}|^`\\]', iri)
    for engine in ("rdflib", "oxigraph"):
        assert _row(run_query(ECHO, bindings, graph=local, engine=engine))["iri"] == URIRef(iri)


@FAST
@given(st.text(max_size=30))
def test_bind_params_id_refused_or_in_namespace(text):
    """An id parameter becomes an IRI under the id namespace (or a full http(s)/urn IRI) — or is refused."""
    query = parse_query("# param: id (id) — an id\nSELECT ?x WHERE { BIND(?id AS ?x) }")
    try:
        term = bind_params(query, {"id": text})["id"]
    except ConfigError:
        return
    assert isinstance(term, URIRef)
    assert str(term) == ID_BASE + text.strip() or str(term) == text.strip()
    assert not re.search(r'[\x00-\x20<>"{}|^`\\]', str(term))


# -- result writers: what --format json|xml|tsv writes, rdflib reads back equal ---------------------------

XML_SAFE = st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00\ufffe\uffff", max_codepoint=0x10FFFF).filter(
    lambda c: c in "\t\n\r" or ord(c) >= 0x20
)
IRIS = st.builds(
    lambda path: URIRef("http://example.org/" + path),
    st.text(alphabet=st.characters(blacklist_characters='<>"{}|^`\\ ', min_codepoint=0x21, blacklist_categories=("Cs", "Cc", "Zs", "Zl", "Zp")), max_size=12),
)
LANGS = st.from_regex(r"[a-z]{2,3}(-[a-z0-9]{2,8})?", fullmatch=True)
DATATYPES = st.sampled_from([XSD.integer, XSD.decimal, XSD.double, XSD.boolean, XSD.date, XSD.gYear, URIRef("http://example.org/dt")])
LEXICAL = st.text(alphabet=XML_SAFE, max_size=15)
TERMS = st.one_of(
    IRIS,
    st.builds(BNode, st.from_regex(r"b[a-z0-9]{1,8}", fullmatch=True)),
    st.builds(Literal, LEXICAL),
    st.builds(lambda text, lang: Literal(text, lang=lang), LEXICAL, LANGS),
    st.builds(lambda text, datatype: Literal(text, datatype=datatype), LEXICAL, DATATYPES),
    st.builds(lambda n: Literal(str(n), datatype=XSD.integer), st.integers()),
    st.builds(lambda n: Literal(str(n), datatype=XSD.decimal), st.decimals(allow_nan=False, allow_infinity=False, places=3)),
    st.none(),
)


@st.composite
def select_results(draw):
    names = draw(st.lists(st.from_regex(r"[A-Za-z_][A-Za-z0-9_]{0,6}", fullmatch=True), min_size=1, max_size=4, unique=True))
    rows = draw(st.lists(st.tuples(*[TERMS] * len(names)), max_size=5))
    return QueryResult("SELECT", variables=names, rows=rows)


def _same_terms(written: list[tuple], read: list[tuple]) -> None:
    """Row by row equal, blank nodes up to a consistent renaming."""
    assert len(written) == len(read)
    renaming: dict = {}
    for mine, theirs in zip(written, read):
        assert len(mine) == len(theirs)
        for a, b in zip(mine, theirs):
            if isinstance(a, BNode):
                assert isinstance(b, BNode)
                assert renaming.setdefault(a, b) == b
            elif isinstance(a, Literal):
                assert isinstance(b, Literal)
                assert (str(b), b.language, b.datatype) == (
                    str(a), a.language.lower() if a.language else None, None if a.datatype == XSD.string else a.datatype
                ) or (str(b), b.language.lower() if b.language else None, b.datatype) == (
                    str(a), a.language.lower() if a.language else None, a.datatype
                )
            else:
                assert a == b


def _read_back(text: str, fmt: str):
    return Result.parse(io.BytesIO(text.encode("utf-8")), format=fmt)


LINE_BREAKS = re.compile("[\x0b\x0c\x1c-\x1e\x85\u2028\u2029]")


@FAST
@given(select_results(), st.sampled_from(["json", "xml", "tsv"]))
def test_format_result_round_trips_through_rdflib(result, fmt):
    """SELECT results written as SPARQL JSON, XML or TSV are read back by rdflib with the same variables and terms.

    Two limits of rdflib's readers, not of the files: they drop a solution that binds nothing (the
    files hold it), and the TSV reader splits lines on U+0085, U+2028 and the like (written as
    ``\\uXXXX`` escapes, which it cannot read either), so those stay out of the TSV examples.
    """
    if fmt == "tsv":
        assume(not any(isinstance(t, Literal) and LINE_BREAKS.search(str(t)) for row in result.rows for t in row))
    text = format_result(result, fmt)
    parsed = _read_back(text, fmt)
    assert [str(v) for v in parsed.vars] == result.variables
    rows = [tuple(row[i] for i in range(len(result.variables))) for row in parsed]
    _same_terms([row for row in result.rows if any(term is not None for term in row)], rows)


def test_format_result_tsv_escapes_line_separators():
    """In TSV, characters that line-splitting readers take for line ends are written as \\u escapes: one row stays one line."""
    text = format_result(QueryResult("SELECT", variables=["a"], rows=[(Literal("x\u2028y\x85z"),)]), "tsv")
    assert text == '?a\n"x\\u2028y\\u0085z"\n'
    assert len(text.splitlines()) == 2


@FAST
@given(st.booleans(), st.sampled_from(["json", "xml"]))
def test_format_result_ask_round_trips(answer, fmt):
    """ASK answers written as JSON or XML read back as the same boolean."""
    text = format_result(QueryResult("ASK", boolean=answer), fmt)
    assert _read_back(text, fmt).askAnswer is answer


# -- the read-only guard ------------------------------------------------------------------------------

_TRICKY = st.sampled_from(["\r", "\n", "\r\n", "#", " ", "\t", "\x0b", "\x0c", "\x00", "\u2028", "\x85", '"', "'", "<", ">", "\\", "u0053", "{", "}", "(", ")", "x", ".", ":"])


@pytest.fixture(scope="module")
def counting_listener():
    """A socket on 127.0.0.1 that counts connections (it answers none)."""
    import socket
    import threading

    server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    server.bind(("127.0.0.1", 0))
    server.listen(64)
    server.settimeout(0.2)
    seen = {"connections": 0, "stop": False}

    def accept() -> None:
        while not seen["stop"]:
            try:
                conn, _ = server.accept()
            except OSError:
                continue
            seen["connections"] += 1
            conn.close()

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    yield server.getsockname()[1], seen
    seen["stop"] = True
    thread.join()
    server.close()


@SLOW
@given(before=st.lists(_TRICKY, max_size=8), after=st.lists(_TRICKY, max_size=4), keyword=st.sampled_from(["SERVICE", "service", "SeRvIcE"]))
def test_parse_query_never_passes_a_service_oxigraph_would_run(counting_listener, before, after, keyword):
    """Whatever surrounds it, SERVICE is refused, or Oxigraph cannot read it as SERVICE: the listener sees nothing."""
    import pyoxigraph as ox

    port, seen = counting_listener
    text = f"SELECT * WHERE {{ ?s ?p ?o {''.join(before)}{keyword}{''.join(after)} <http://127.0.0.1:{port}/x> {{ ?s ?p ?o }} }}"
    try:
        query = parse_query(text)
    except SchemaError as error:
        assert "\n" not in str(error)
        return
    started = seen["connections"]
    try:
        list(ox.Store().query(query.text))
    except (SyntaxError, OSError):
        pass
    assert seen["connections"] == started


@FAST
@given(text=st.text(alphabet=st.sampled_from("{}()[]#\r\n\"'<>\\uS 0123456789?x.;"), max_size=300))
def test_parse_query_any_text_one_line_error(text):
    """Any text: a query or a one-line SchemaError (no RecursionError, ValueError or parser exception)."""
    try:
        parse_query(text)
    except SchemaError as error:
        assert "\n" not in str(error)


@SLOW
@given(depth=st.integers(min_value=0, max_value=400), kind=st.sampled_from(["{", "(", "["]))
def test_parse_query_deep_nesting_one_line_error(depth, kind):
    close = {"{": "}", "(": ")", "[": "]"}[kind]
    body = {"{": "{" * depth + " ?s ?p ?o " + "}" * depth, "(": "FILTER(" + "(" * depth + "1" + ")" * depth + ")", "[": "?s ?p " + "[ ?p " * depth + "1" + " ]" * depth}[kind]
    try:
        parse_query(f"SELECT * WHERE {{ {body} }}")
    except SchemaError as error:
        assert "\n" not in str(error)
        assert depth > 30, (kind, close, str(error))


@SLOW
@given(value=st.from_regex(r"\A[+-]?[0-9]{1,6000}\Z"), spec=st.sampled_from(["integer", "decimal", "auto"]))
def test_bind_params_long_numbers_refused_or_bound(value, spec):
    """Numbers of any length: bound, or a one-line ConfigError naming the limit (never Python's int() ValueError)."""
    header = f"# param: n ({spec}) — a number\n" if spec != "auto" else ""
    query = parse_query(header + "SELECT ?n WHERE { BIND(?n AS ?m) }")
    try:
        bindings = bind_params(query, {"n": value})
    except ConfigError as error:
        assert "(the limit)" in str(error) and "\n" not in str(error)
        return
    assert len(value.lstrip("+-")) <= 1000 or spec == "decimal"
    assert "n" in bindings
