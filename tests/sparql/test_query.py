"""query.py: named queries and their headers, safe parameters, read-only checks, engines, time limit."""

from __future__ import annotations

import multiprocessing
import shlex
from pathlib import Path

import pytest
from rdflib import Literal, Namespace, URIRef

from policygraph import load_graph
from policygraph.errors import ConfigError, InputError, SchemaError
from policygraph.sparql.params import bind_params, parse_param_options
from policygraph.sparql.query import list_queries, named_query, parse_query, read_query
from policygraph.sparql.results import comparable, display_term, format_result
from policygraph.sparql.run import choose_engine, run_query
from policygraph.terms import ID_BASE

DATA = Path(__file__).parents[1] / "fixtures" / "query"
XSD = Namespace("http://www.w3.org/2001/XMLSchema#")  # an open namespace: pytest probes module globals
MINE = [q.name for q in list_queries() if not q.name.startswith("trace-")]
ALL_WITH_EXAMPLES = [q.name for q in list_queries() if q.examples]
# Trace rules that rdflib cannot answer within the test's 5 s on the bundled data (each timed out at
# 5 s in every run; Oxigraph answers them in milliseconds, and test_virtuoso compares them with Virtuoso).
RDFLIB_TOO_SLOW = {"trace-raised-by", "trace-about-topics"}


@pytest.fixture(scope="module")
def tiny():
    """The Ruritania dataset of tests/fixtures/query."""
    return load_graph([DATA], bundled=False)


@pytest.fixture(scope="module")
def japan(bundled):
    """The bundled graph (both engine forms made once)."""
    graph = bundled
    graph.store  # noqa: B018 - convert once for the whole module
    return graph


def ids(graph, name, engine="rdflib", **params):
    """Rows of a named query as tuples of short strings (ids for instances, text for literals)."""
    query = named_query(name)
    bindings = bind_params(query, {k: str(v) for k, v in params.items()}, graph)
    result = run_query(query, bindings, graph=graph, engine=engine)
    return [tuple(display_term(term) for term in row) for row in result.rows]


def both(graph, name, **params):
    """The rows on rdflib, after checking that Oxigraph gives the same rows in the same order."""
    slow = ids(graph, name, "rdflib", **params)
    fast = ids(graph, name, "oxigraph", **params)
    assert slow == fast
    return slow


def example_params(query) -> dict[str, str]:
    words = shlex.split(query.examples[0])
    return parse_param_options(words[i + 1] for i, word in enumerate(words[:-1]) if word in ("--param", "-p"))


# -- the query files ----------------------------------------------------------------------------


def test_list_queries_has_fifteen_documented_queries():
    """At least 15 named queries of our own, each with a summary and an example."""
    assert len(MINE) >= 15
    for query in list_queries():
        assert query.summary, query.name
        assert query.examples, query.name
        assert query.examples[0].startswith(f"policygraph query {query.name}"), query.name


def test_named_query_reads_header():
    """The header gives summary, typed parameters with defaults, examples and a description."""
    query = named_query("policies")
    assert query.form == "SELECT"
    assert query.summary.startswith("Policies by status and date range")
    assert [(p.name, p.type, p.required, p.default) for p in query.params] == [
        ("status", "string", False, None),
        ("from", "date", False, None),
        ("to", "date", False, None),
    ]
    assert query.examples[1] == "policygraph query policies --param status=abandoned"
    assert query.description.startswith("Dates of different precision")
    assert named_query("treaties-party").param("state").default == "jp"


def test_named_query_unknown_lists_names():
    """An unknown name is a ConfigError with close names and the list of all."""
    with pytest.raises(ConfigError) as error:
        named_query("treaty-party")
    assert error.value.message == "unknown query 'treaty-party'"
    assert error.value.hint.startswith("did you mean treaties-party")
    assert "one of: amendments, bound-by-treaty," in error.value.hint


def test_named_query_refuses_path_tricks():
    """A name is a file stem in queries/, never a path."""
    with pytest.raises(ConfigError):
        named_query("../pyproject")


def test_read_query_from_file(tmp_path):
    """A .rq file is read and parsed; a missing one is an InputError naming it."""
    path = tmp_path / "q.rq"
    path.write_text("# summary: all laws\nSELECT ?law WHERE { ?law a pg:Law }\n")
    query = read_query(str(path))
    assert (query.summary, query.form, query.origin) == ("all laws", "SELECT", str(path))
    with pytest.raises(InputError) as error:
        read_query(str(tmp_path / "none.rq"))
    assert error.value.message == "no such file"


# -- headers ------------------------------------------------------------------------------------


def test_parse_query_param_specs():
    """Types, optional and default are read from the parenthesis; no type means auto."""
    query = parse_query(
        "# param: a (id) — an id\n# param: b (date, optional) - a date\n# param: c (integer, default 3): a number\n"
        "# param: d — anything\nSELECT ?a ?b ?c ?d WHERE { ?a ?b ?c ; ?d 1 }"
    )
    assert [(p.name, p.type, p.required, p.default, p.meaning) for p in query.params] == [
        ("a", "id", True, None, "an id"),
        ("b", "date", False, None, "a date"),
        ("c", "integer", False, "3", "a number"),
        ("d", "auto", True, None, "anything"),
    ]
    assert query.declared


def test_parse_query_bad_param_line_names_line():
    """A malformed param line is a SchemaError at its file and line."""
    with pytest.raises(SchemaError) as error:
        parse_query("# summary: x\n# param: a (number) — what\nSELECT ?a WHERE { ?a ?b ?c }", origin="q.rq")
    assert str(error.value).startswith("q.rq:2: bad param spec 'number' for 'a'")


def test_parse_query_bad_default_refused():
    """A default that does not fit its type is caught when the query is read."""
    with pytest.raises(SchemaError) as error:
        parse_query("# param: d (date, default soon) — a date\nSELECT ?d WHERE { ?s ?p ?d }", origin="q.rq")
    assert str(error.value).startswith("q.rq:1: bad default of 'd': bad value 'soon'")


def test_parse_query_param_must_be_a_variable():
    """A declared parameter the query never uses is a SchemaError."""
    with pytest.raises(SchemaError) as error:
        parse_query("# param: nope — x\nSELECT ?s WHERE { ?s ?p ?o }", origin="q.rq")
    assert str(error.value) == "q.rq: parameter 'nope' is not a variable of the query"


def test_parse_query_param_in_subquery_refused():
    """Parameters bind the outer query only; one used inside a sub-SELECT is refused."""
    with pytest.raises(SchemaError) as error:
        parse_query("# param: x — x\nSELECT ?s WHERE { { SELECT ?s WHERE { ?s ?p ?x } } }", origin="q.rq")
    assert error.value.message == "parameter 'x' is used inside a sub-query; parameters bind the outer query only"


# -- read-only checks ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "SELECT * WHERE { SERVICE <http://example.org/sparql> { ?s ?p ?o } }",
        "SELECT * WHERE { ?s ?p ?o OPTIONAL { SERVICE SILENT <http://example.org/sparql> { ?s ?q ?r } } }",
        "SELECT * WHERE { { SELECT ?s WHERE { SERVICE <http://example.org/sparql> { ?s ?p ?o } } } }",
        "ASK { FILTER EXISTS { SERVICE <http://example.org/sparql> { ?s ?p ?o } } }",
        "CONSTRUCT { ?s ?p ?o } WHERE { SERVICE ?endpoint { ?s ?p ?o } }",
    ],
)
def test_parse_query_refuses_service(text):
    """SERVICE anywhere (optional, sub-query, EXISTS, variable endpoint) is refused."""
    with pytest.raises(SchemaError) as error:
        parse_query(text)
    assert error.value.message.startswith("SERVICE is not allowed: policygraph does not send queries on to other endpoints")


def test_parse_query_service_error_has_position():
    """The SERVICE refusal points at the keyword."""
    with pytest.raises(SchemaError) as error:
        parse_query("SELECT * WHERE {\n  SERVICE <http://example.org/sparql> { ?s ?p ?o } }")
    assert str(error.value) == (
        "-e:2:3: SERVICE is not allowed: policygraph does not send queries on to other endpoints "
        "(SERVICE <http://example.org/sparql>)"
    )


@pytest.mark.parametrize(
    ("text", "operation"),
    [
        ("LOAD <file:///etc/passwd>", "LOAD"),
        ("LOAD <http://example.org/data.ttl> INTO GRAPH <http://example.org/g>", "LOAD"),
        ("INSERT DATA { <http://a> <http://b> <http://c> }", "INSERT DATA"),
        ("DELETE WHERE { ?s ?p ?o }", "DELETE WHERE"),
        ("DELETE { ?s ?p ?o } INSERT { ?s ?p 1 } WHERE { ?s ?p ?o }", "INSERT/DELETE"),
        ("CLEAR ALL", "CLEAR"),
        ("DROP GRAPH <http://example.org/g>", "DROP"),
    ],
)
def test_parse_query_refuses_updates(text, operation):
    """LOAD and every update form are refused, named in the message."""
    with pytest.raises(SchemaError) as error:
        parse_query(text)
    assert str(error.value) == f"-e:1: {operation} is not allowed: policygraph query is read-only"


def test_parse_query_refuses_escapes_outside_strings():
    """\\u escapes outside strings (read differently by rdflib and Oxigraph) are refused; inside strings they are fine."""
    with pytest.raises(SchemaError) as error:
        parse_query("SELECT * WHERE { ?s ?p ?o } # \\u000A LIMIT 0")
    assert str(error.value) == "-e:1:29: codepoint escapes (\\u, \\U) are only allowed inside string literals"
    assert parse_query('SELECT * WHERE { ?s ?p "caf\\u00E9" }').form == "SELECT"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("SELECT * WHERE { ?s ?p ?o", "-e:1:26: syntax error near '?p ?o'"),
        ("SELECT * WHERE {\n  ?s ?p ?o .\n  FILTER( }", "-e:3:12: syntax error near 'FILTER( }'"),
        ("SELECT ?x WHERE { ?s ?p ?x } GROUP ?x", "-e:1:38: syntax error near 'GROUP ?x': expected BY"),
        ("SELEC * WHERE { ?s ?p ?o }", "-e:1:1: syntax error at 'SELEC *'"),
        ("SELECT * WHERE { ?s foo:bar ?o }", "-e:1:21: unknown prefix 'foo:'"),
        ("   ", "-e: empty query"),
    ],
)
def test_parse_query_syntax_errors_have_line_and_column(text, message):
    """Syntax errors and unknown prefixes are one line with the position."""
    with pytest.raises(SchemaError) as error:
        parse_query(text)
    assert str(error.value).split(" (")[0] == message


def test_parse_query_knows_usual_prefixes_and_from():
    """pg:, skos: ... need no PREFIX; FROM is noted (refused later, locally)."""
    query = parse_query("SELECT ?c FROM <http://example.org/g> WHERE { ?c a skos:Concept ; skos:inScheme pgid:groups }")
    assert query.has_from and not query.star


# -- parameters ---------------------------------------------------------------------------------


def test_bind_params_types(tiny):
    """Each declared type gives the RDF term it promises."""
    query = parse_query(
        "# param: i (id) — x\n# param: full (id) — x\n# param: y (date) — x\n# param: m (date) — x\n# param: d (date) — x\n"
        "# param: n (integer) — x\n# param: x (decimal) — x\n# param: b (boolean) — x\n# param: s (string) — x\n"
        "# param: u (iri) — x\nSELECT * WHERE { ?i ?full ?y . ?m ?d ?n . ?x ?b ?s . ?u ?p ?o }"
    )
    given = {"i": "bill-2021", "full": "https://example.org/x", "y": "2021", "m": "2021-02", "d": "2021-02-19",
             "n": "+07", "x": "1.50", "b": "TRUE", "s": " as typed ", "u": "<urn:isbn:123>"}
    assert bind_params(query, given, tiny) == {
        "i": URIRef(ID_BASE + "bill-2021"),
        "full": URIRef("https://example.org/x"),
        "y": Literal("2021", datatype=XSD.gYear),
        "m": Literal("2021-02", datatype=XSD.gYearMonth),
        "d": Literal("2021-02-19", datatype=XSD.date),
        "n": Literal("7", datatype=XSD.integer),
        "x": Literal("1.50", datatype=XSD.decimal),
        "b": Literal("true", datatype=XSD.boolean),
        "s": Literal(" as typed "),
        "u": URIRef("urn:isbn:123"),
    }


@pytest.mark.parametrize(
    ("kind", "value", "expected"),
    [
        ("id", "Bad_Id", "use an id like crc-art-9 (lower-case letters, digits, single hyphens) or a full IRI"),
        ("date", "2021-13", "use YYYY, YYYY-MM or YYYY-MM-DD"),
        ("date", "2021-02-30", "use YYYY, YYYY-MM or YYYY-MM-DD"),
        ("integer", "1.5", "use a whole number"),
        ("decimal", "NaN", "use a finite number"),
        ("boolean", "yes", "use true or false"),
        ("iri", "http://a b", "use an absolute IRI such as https://example.org/x"),
        ("iri", "http://a>} ; DROP ALL", "use an absolute IRI such as https://example.org/x"),
    ],
)
def test_bind_params_bad_values(kind, value, expected):
    """A value that does not fit its type is a ConfigError saying what fits."""
    query = parse_query(f"# param: v ({kind}) — x\nSELECT ?v WHERE {{ ?s ?p ?v }}")
    with pytest.raises(ConfigError) as error:
        bind_params(query, {"v": value})
    assert error.value.message == f"bad value {value!r} for parameter 'v' ({kind}): {expected}"


def test_bind_params_unknown_and_missing_list_parameters():
    """Unknown and missing parameters are errors listing the query's parameters."""
    query = named_query("policy-bodies")
    with pytest.raises(ConfigError) as error:
        bind_params(query, {"polcy": "x"})
    assert str(error.value) == "unknown parameter 'polcy' for query 'policy-bodies' (its parameters: policy (id, optional); body (id, optional))"
    with pytest.raises(ConfigError) as error:
        bind_params(named_query("policy-provisions"), {})
    assert str(error.value) == "missing parameter 'policy' for query 'policy-provisions' (its parameters: policy (id))"


def test_bind_params_undeclared_query_takes_its_variables():
    """A query without param lines may bind any of its variables, and only those."""
    query = parse_query("SELECT ?s WHERE { ?s a ?class }")
    assert bind_params(query, {"class": "https://w3id.org/policygraph/ontology#Law"}) == {
        "class": URIRef("https://w3id.org/policygraph/ontology#Law")
    }
    with pytest.raises(ConfigError) as error:
        bind_params(query, {"klass": "x"})
    assert error.value.hint == "its variables: s, class"


def test_bind_params_default_and_unknown_id(tiny):
    """Defaults fill in; an id the graph lacks is refused with close ids."""
    assert bind_params(named_query("network-members"), {}) == {"body": URIRef(ID_BASE + "smj")}
    with pytest.raises(ConfigError) as error:
        bind_params(named_query("policy-provisions"), {"policy": "bill-2012"}, tiny)
    assert error.value.message == "unknown id 'bill-2012' for parameter 'policy'"
    assert error.value.hint.startswith("did you mean bill-2021")


def test_bind_params_untyped_word_is_id_only_if_known(tiny):
    """For an untyped parameter a word is an IRI if the graph has that id, else a string."""
    query = parse_query("# param: v — x\nSELECT ?v WHERE { ?s ?p ?v }")
    assert bind_params(query, {"v": "helpers"}, tiny) == {"v": URIRef(ID_BASE + "helpers")}
    assert bind_params(query, {"v": "refugee"}, tiny) == {"v": Literal("refugee")}
    assert bind_params(query, {"v": "2021"}, tiny) == {"v": Literal("2021", datatype=XSD.gYear)}
    assert bind_params(query, {"v": "12"}, tiny) == {"v": Literal("12", datatype=XSD.integer)}


def test_parse_param_options_errors():
    """--param needs NAME=VALUE, once per name."""
    assert parse_param_options(["a=1", "b=x=y", "c="]) == {"a": "1", "b": "x=y", "c": ""}
    with pytest.raises(ConfigError) as error:
        parse_param_options(["from"])
    assert error.value.message == "bad --param 'from': use NAME=VALUE"
    with pytest.raises(ConfigError) as error:
        parse_param_options(["a=1", "a=2"])
    assert error.value.message == "parameter 'a' given twice"


@pytest.mark.parametrize("engine", ["rdflib", "oxigraph"])
def test_run_query_parameter_cannot_inject(tiny, engine):
    """A string value full of SPARQL syntax is bound as one literal: it matches nothing and changes nothing."""
    query = parse_query("# param: q (string) — x\nSELECT ?s WHERE { ?s pg:measures ?m FILTER(?m = ?q) }")
    evil = 'x" ) } UNION { ?s ?p ?o } # \\" \n'
    result = run_query(query, bind_params(query, {"q": evil}), graph=tiny, engine=engine)
    assert result.rows == []
    honest = run_query(query, bind_params(query, {"q": "applicants for refugee recognition"}), graph=tiny, engine=engine)
    assert sorted(display_term(row[0]) for row in honest.rows) == ["obs-applicants-2017", "obs-applicants-2019"]


@pytest.mark.parametrize("engine", ["rdflib", "oxigraph"])
def test_run_query_parameter_seen_in_nested_groups(tiny, engine):
    """A parameter is bound inside UNION branches, OPTIONAL, BIND and FILTER too, as a substituted constant would be."""
    query = parse_query(
        "# param: provision (id) — x\n"
        "SELECT ?engaged ?how WHERE {\n"
        "  { BIND(?provision AS ?engaged) BIND(\"itself\" AS ?how) }\n"
        "  UNION { ?engaged pg:withinProvision ?provision BIND(\"paragraph\" AS ?how) }\n"
        "  OPTIONAL { ?engaged pg:article ?article FILTER(?provision != ?engaged) }\n"
        "} ORDER BY ?engaged"
    )
    result = run_query(query, bind_params(query, {"provision": "kidsconv-art-9"}, tiny), graph=tiny, engine=engine)
    assert [tuple(map(display_term, row)) for row in result.rows] == [
        ("kidsconv-art-9", "itself"), ("kidsconv-art-9-1", "paragraph")
    ]


# -- named queries on the tiny dataset: known answers on both engines ---------------------------


def test_run_query_treaties_party(tiny):
    """Ruritania is party to the children's convention only."""
    assert both(tiny, "treaties-party", state="ru") == [
        ("kidsconv", "Convention on Children", "1990-09-21", "1994-04-22", "", "", "1994-05-22")
    ]


def test_run_query_treaties_not_party(tiny):
    """Treaties without participation, then signed-only ones; the non-binding compact says so."""
    assert both(tiny, "treaties-not-party", state="ru") == [
        ("compact", "Global Compact", "no participation recorded", "", "false"),
        ("workersconv", "Convention on Migrant Workers", "no participation recorded", "", "true"),
        ("tortureconv", "Convention against Torture", "signatory", "2000-01-01", "true"),
    ]


def test_run_query_reservations(tiny):
    """The declaration on Art. 9(1) with its text and effect."""
    assert both(tiny, "reservations", state="ru") == [
        ("kidsconv", "declaration", "ru-kidsconv-decl-art-9-1", "kidsconv-art-9-1",
         "Children Art. 9(1): no separation against their will", "not applicable to separation by deportation",
         "Ruritania reads Art. 9(1) as not covering deportation.", "")
    ]
    assert both(tiny, "reservations", state="ru", treaty="tortureconv") == []


def test_run_query_policy_provisions(tiny):
    """The bill's cited engagements, its own and its feature's, with the quote."""
    assert both(tiny, "policy-provisions", policy="bill-2021") == [
        ("kidsconv-art-9-1", "Children Art. 9(1): no separation against their will", "kidsconv", "bill-2021", "helpers",
         "Deporting parents separates children from them.", "doc", "p 9", "separates children"),
        ("tortureconv-art-3", "Torture Art. 3: non-refoulement", "tortureconv", "bill-2021-repeat-deportation", "lawyers",
         "Returning repeat applicants risks refoulement.", "doc", "p 10", "refoulement"),
    ]


def test_run_query_provision_policies_includes_paragraphs(tiny):
    """An engagement of Art. 9(1) counts for Art. 9; one through a feature names the policy."""
    assert both(tiny, "provision-policies", provision="kidsconv-art-9") == [
        ("bill-2021", "Control Act Revision Bill (2021)", "bill-2021", "kidsconv-art-9-1", "helpers",
         "Deporting parents separates children from them.")
    ]
    assert [row[:4] for row in both(tiny, "provision-policies", provision="tortureconv-art-3")] == [
        ("bill-2021", "Control Act Revision Bill (2021)", "bill-2021-repeat-deportation", "tortureconv-art-3")
    ]


def test_run_query_policies_by_status_and_dates(tiny):
    """Dated steps filtered by status and by a range compared at the bound's precision."""
    assert [row[:3] for row in both(tiny, "policies", **{"from": "2021", "to": "2021"})] == [
        ("2021-02-19", "approved", "bill-2021"),
        ("2021-10", "ended", "bill-2021"),
    ]
    assert both(tiny, "policies", status="in-force") == [
        ("1951-10-04", "enacted", "control-act", "Immigration Control Act", "pg:Law", "in-force")
    ]
    assert [row[2] for row in both(tiny, "policies", to="2019")] == ["control-act", "worker-programme"]
    assert [row[1:3] for row in both(tiny, "policies", **{"from": "2019-05"})] == [
        ("approved", "bill-2021"), ("ended", "bill-2021")
    ]


def test_run_query_policy_bodies(tiny):
    """Responsible and proposing bodies, by body or by policy."""
    assert [(r[0], r[2]) for r in both(tiny, "policy-bodies", body="ru-justice")] == [
        ("bill-2021", "responsible"), ("control-act", "responsible"), ("worker-programme", "responsible")
    ]
    assert [(r[2], r[3]) for r in both(tiny, "policy-bodies", policy="bill-2021")] == [
        ("proposed by", "ru-cabinet"), ("responsible", "ru-justice")
    ]


def test_run_query_policy_opposition(tiny):
    """NGOs opposing the bill or criticising its feature; the cabinet's support is not opposition."""
    assert [row[:6] for row in both(tiny, "policy-opposition", policy="bill-2021")] == [
        ("bill-2021", "helpers", "opposes", "petition", "2021-03", "bill-2021"),
        ("bill-2021", "lawyers", "criticises", "statement", "2021-04-02", "bill-2021-repeat-deportation"),
    ]


def test_run_query_network_members(tiny):
    """The organisation's own parts and the members of the networks it belongs to."""
    assert [(r[0], r[2], r[3]) for r in both(tiny, "network-members", body="helpers")] == [
        ("helpers", "part", "helpers-bulletin"),
        ("umbrella", "member", "helpers"),
        ("umbrella", "member", "lawyers"),
    ]


def test_run_query_events_in_year(tiny):
    """Events dated in the year, and events spanning it."""
    assert [r[2] for r in both(tiny, "events-in-year", year="2011")] == ["campaign-2010-2012", "negotiation-2011"]
    assert [r[2] for r in both(tiny, "events-in-year", year="2012-03")] == ["campaign-2010-2012"]
    assert both(tiny, "events-in-year", year="2012-04") == []
    assert both(tiny, "events-in-year", year="2014") == [("2014", "", "review-2014", "Committee review (2014)", "review", "")]


def test_run_query_statistics_series(tiny):
    """One kind of figure, period by period."""
    assert both(tiny, "statistics-series", measures="Applicants FOR refugee") == [
        ("2017", "19629", "persons", "", "applicants for refugee recognition", "obs-applicants-2017"),
        ("2019", "10375", "persons", "", "applicants for refugee recognition", "obs-applicants-2019"),
    ]


def test_run_query_residence_statuses(tiny):
    """Statuses with their narrower ones; 'under' keeps a subtree."""
    assert [(r[0], r[2]) for r in both(tiny, "residence-statuses")] == [
        ("student-status", ""), ("worker-status", "worker-status-i"), ("worker-status", "worker-status-ii"),
        ("worker-status-i", ""), ("worker-status-ii", ""),
    ]
    assert [(r[0], r[2]) for r in both(tiny, "residence-statuses", under="worker-status-ii")] == [("worker-status-ii", "")]


def test_run_query_policies_affecting_group_through_narrower_and_features(tiny):
    """A group's policies include those affecting narrower groups, through features too."""
    assert [(r[0], r[3], r[4]) for r in both(tiny, "policies-affecting-group", group="migrants")] == [
        ("bill-2021", "bill-2021-repeat-deportation", "repeat-applicants"),
        ("control-act", "control-act", "migrants"),
    ]
    assert [r[0] for r in both(tiny, "policies-affecting-group", group="children")] == ["bill-2021"]


def test_run_query_sources_claims_counts_citations(tiny):
    """The citation count equals the pg:source links in the graph; records are counted once."""
    from policygraph.terms import PG

    graph = tiny.graph
    citations = list(graph.subjects(PG.source, URIRef(ID_BASE + "doc")))
    records = {r for c in citations for r in graph.subjects(PG.citation, c)}
    assert both(tiny, "sources-claims") == [("doc", "Ruritanian Policy Review", str(len(citations)), str(len(records)))]
    assert len(citations) == 29 and len(records) == 28


def test_run_query_weakly_cited(tiny):
    """Records without a citation first, then those cited only by URLs; sources never."""
    rows = both(tiny, "weakly-cited")
    assert rows[0] == ("no citation", "pg:ResidenceStatus", "student-status", "Student")
    url_only = {r[2] for r in rows[1:]}
    assert {r[0] for r in rows[1:]} == {"public URL only"}
    assert {"ru-cabinet", "kidsconv", "compact", "kidsconv-art-9", "ru-kidsconv", "worker-programme", "rec-2014-para-9"} <= url_only
    assert not url_only & {"doc", "helpers", "control-act", "bill-2021"}
    law = "https://w3id.org/policygraph/ontology#Treaty"
    assert [r[2] for r in both(tiny, "weakly-cited", **{"class": law})] == ["compact", "kidsconv", "tortureconv", "workersconv"]


def test_run_query_recommendations(tiny):
    """Recommendations to the state; 'provision' keeps those invoking it or a paragraph of it."""
    assert [(r[3], r[5]) for r in both(tiny, "recommendations", state="ru")] == [("10", ""), ("9", "kidsconv-art-9-1")]
    assert [r[4] for r in both(tiny, "recommendations", state="ru", provision="kidsconv-art-9")] == ["rec-2014-para-9"]


@pytest.mark.parametrize(
    ("params", "answer"),
    [
        ({"treaty": "kidsconv"}, True),
        ({"treaty": "kidsconv", "date": "1994"}, True),
        ({"treaty": "kidsconv", "date": "1994-05-21"}, False),
        ({"treaty": "kidsconv", "date": "1993"}, False),
        ({"treaty": "tortureconv"}, False),
        ({"treaty": "compact"}, False),
    ],
)
@pytest.mark.parametrize("engine", ["rdflib", "oxigraph"])
def test_run_query_bound_by_treaty(tiny, params, answer, engine):
    """ASK: party and in force on the date; a signatory or a non-binding compact is not bound."""
    query = named_query("bound-by-treaty")
    result = run_query(query, bind_params(query, {"state": "ru", **params}, tiny), graph=tiny, engine=engine)
    assert (result.form, result.boolean) == ("ASK", answer)


def test_run_query_policy_neighbourhood_is_a_graph(tiny):
    """CONSTRUCT: the policy's statements and those pointing at it, with labels, without citations."""
    query = named_query("policy-neighbourhood")
    bindings = bind_params(query, {"policy": "bill-2021"}, tiny)
    slow = run_query(query, bindings, graph=tiny, engine="rdflib")
    fast = run_query(query, bindings, graph=tiny, engine="oxigraph")
    assert comparable(slow) == comparable(fast)
    bill, pg = URIRef(ID_BASE + "bill-2021"), "https://w3id.org/policygraph/ontology#"
    triples = set(slow.triples)
    assert (bill, URIRef(pg + "amends"), URIRef(ID_BASE + "control-act")) in triples
    assert (URIRef(ID_BASE + "bill-2021-repeat-deportation"), URIRef(pg + "featureOf"), bill) in triples
    assert (URIRef(ID_BASE + "control-act"), URIRef("http://www.w3.org/2004/02/skos/core#prefLabel"),
            Literal("Immigration Control Act", lang="en")) in triples
    assert not any(p == URIRef(pg + "citation") for _, p, _ in triples)


def test_run_query_amendments_and_provisions_concerning(tiny):
    """Amendment links either way; provisions concerning a concept or a narrower one."""
    assert [(r[0], r[2], r[3]) for r in both(tiny, "amendments", policy="control-act")] == [("bill-2021", "amends", "control-act")]
    assert [(r[1], r[3], r[4]) for r in both(tiny, "provisions-concerning", concept="deportation")] == [
        ("kidsconv-art-9", "practice", "deportation"), ("tortureconv-art-3", "practice", "deportation")
    ]
    assert [(r[1], r[4]) for r in both(tiny, "provisions-concerning", concept="migrants")] == [("tortureconv-art-3", "asylum-seekers")]


# -- every named query on the bundled data ------------------------------------------------------


@pytest.mark.parametrize("name", ALL_WITH_EXAMPLES)
def test_named_query_same_rows_on_both_engines(japan, name):
    """Each named query's first example gives the same rows (as a multiset) on rdflib and Oxigraph."""
    if name in RDFLIB_TOO_SLOW:
        pytest.skip(f"rdflib needs more than 5 s for {name} on the bundled data")
    query = named_query(name)
    bindings = bind_params(query, example_params(query), japan)
    try:
        slow = run_query(query, bindings, graph=japan, engine="rdflib", timeout=60 if name in MINE else 5)
    except InputError as error:
        if name in MINE:
            raise
        pytest.skip(f"rdflib needs more than 5 s for {name} on the bundled data ({error.message})")
    fast = run_query(query, bindings, graph=japan, engine="oxigraph")
    assert slow.variables == fast.variables
    assert comparable(slow) == comparable(fast)


@pytest.mark.parametrize("name", MINE)
def test_named_query_bundled_golden(japan, golden, name):
    """Each of our named queries returns non-empty results on the bundled data, as in its golden file."""
    query = named_query(name)
    result = run_query(query, bind_params(query, example_params(query), japan), graph=japan, engine="oxigraph")
    if result.form == "ASK":
        assert result.boolean is True
        return
    assert result.triples if result.is_graph else result.rows
    fmt = "nt" if result.is_graph else "tsv"  # TSV shows datatypes and language tags, and has LF line ends
    golden(f"query/{name}.{fmt}", format_result(result, fmt))


def test_run_query_stable_facts_on_bundled_data(japan):
    """Facts that curation will not change: Japan is party to the CRC, not to the CMW; the 2021 bill's engagements."""
    assert ("crc", "Convention on the Rights of the Child") in {r[:2] for r in ids(japan, "treaties-party", "oxigraph")}
    assert "cmw" in {r[0] for r in ids(japan, "treaties-not-party", "oxigraph")}
    engaged = {r[0] for r in ids(japan, "policy-provisions", "oxigraph", policy="bill-2021-immigration-control-revision")}
    assert {"crc-art-3-1", "iccpr-art-23", "refugee-convention-art-33"} <= engaged
    declarations = {(r[1], r[3]) for r in ids(japan, "reservations", "oxigraph", treaty="crc")}
    assert ("declaration", "crc-art-9-1") in declarations


# -- running ------------------------------------------------------------------------------------


def test_run_query_select_star_in_order_of_appearance(tiny):
    """SELECT * columns come in the order the variables appear, on both engines."""
    query = parse_query("SELECT * WHERE { ?policy pg:amends ?older . ?policy pg:status/skos:notation ?status }")
    for engine in ("rdflib", "oxigraph"):
        result = run_query(query, graph=tiny, engine=engine)
        assert result.variables == ["policy", "older", "status"]
        assert [tuple(map(display_term, row)) for row in result.rows] == [("bill-2021", "control-act", "abandoned")]


@pytest.mark.parametrize("text", ["DESCRIBE pgid:compact", "DESCRIBE ?t WHERE { ?t a pg:Treaty ; pg:binding false }"])
def test_run_query_describe_same_on_both_engines(tiny, text):
    """DESCRIBE gives the same triples about the resource on rdflib and Oxigraph."""
    query = parse_query(text)
    slow = run_query(query, graph=tiny, engine="rdflib")
    fast = run_query(query, graph=tiny, engine="oxigraph")
    assert slow.form == fast.form == "DESCRIBE"
    assert comparable(slow) == comparable(fast)
    assert {str(s) for s, _, _ in slow.triples} == {ID_BASE + "compact"}


def test_run_query_from_refused_locally(tiny):
    """FROM would make rdflib fetch the IRI: refused on the local graph, with the position."""
    query = parse_query("SELECT * \nFROM <http://example.org/g> WHERE { ?s ?p ?o }")
    with pytest.raises(SchemaError) as error:
        run_query(query, graph=tiny)
    assert str(error.value) == (
        "-e:2:1: FROM is not allowed on the local graph: the query runs on the built graph and never fetches others "
        "(drop FROM, or use --endpoint to query a server's named graphs)"
    )


def test_run_query_needs_exactly_one_target(tiny):
    """A graph or an endpoint, not both and not neither."""
    query = parse_query("ASK {}")
    with pytest.raises(ConfigError):
        run_query(query)
    with pytest.raises(ConfigError):
        run_query(query, graph=tiny, endpoint="http://127.0.0.1:1/query")


@pytest.mark.parametrize("engine", ["rdflib", "oxigraph"])
def test_run_query_timeout_stops_and_leaves_nothing(tiny, engine):
    """A runaway query is stopped after the timeout with a one-line InputError; no child process is left."""
    query = parse_query("SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }")
    with pytest.raises(InputError) as error:
        run_query(query, graph=tiny, engine=engine, timeout=0.5)
    assert str(error.value) == "query timed out after 0.5 s (raise --timeout or narrow the query)"
    assert multiprocessing.active_children() == []


@pytest.mark.parametrize("engine", ["rdflib", "oxigraph"])
def test_run_query_with_timeout_same_result(tiny, engine):
    """Under a time limit (in a child process) a query gives the same result."""
    query = named_query("treaties-party")
    bindings = bind_params(query, {"state": "ru"}, tiny)
    assert run_query(query, bindings, graph=tiny, engine=engine, timeout=30).rows == run_query(query, bindings, graph=tiny, engine=engine).rows


def test_choose_engine():
    """auto is Oxigraph, the one evaluation path; rdflib stays reachable by name; others are refused."""
    assert choose_engine("auto") == "oxigraph"
    assert choose_engine("oxigraph") == "oxigraph"
    assert choose_engine("rdflib") == "rdflib"
    with pytest.raises(ConfigError, match="unknown engine 'jena'"):
        choose_engine("jena")


def test_named_query_parse_is_kept_in_the_cache_and_redone_when_the_text_changes(tmp_path, monkeypatch):
    """A named query's parse is kept on disk: a new process gets the same query without parsing, an edited file is parsed again."""
    import policygraph.sparql.query as query_module

    parsed = query_module._parsed_named
    monkeypatch.setenv("POLICYGRAPH_CACHE_DIR", str(tmp_path / "cache"))
    parsed.cache_clear()
    first = named_query("treaties-party")
    assert len(list((tmp_path / "cache" / "queries").glob("*.json"))) == 1
    parses = []
    monkeypatch.setattr(query_module, "parse_query", lambda *a, **k: parses.append(a) or parse_query(*a, **k))
    parsed.cache_clear()  # as a new process would start
    assert named_query("treaties-party") == first and parses == []
    parsed.cache_clear()
    edited = first.text.replace("SELECT", "SELECT DISTINCT", 1)
    assert parsed(edited, first.origin, first.name).text == edited and len(parses) == 1
    parsed.cache_clear()
