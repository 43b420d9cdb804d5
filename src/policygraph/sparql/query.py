"""SPARQL on the policygraph: named queries, safe parameters, read-only checks, three places to run.

A query comes from ``queries/NAME.rq`` (``named_query``), a file (``read_query``) or a string
(``parse_query``). Its header says what it answers and which parameters it takes::

    # summary: Treaties a state is party to, with their dates
    # param: state (id, default jp) — the state
    # param: from (date, optional) — only participations from this date on
    # example: policygraph query treaties-party --param state=jp

Parameter types: ``id`` (a record id or a full IRI → IRI), ``iri``, ``string``, ``date`` (YYYY,
YYYY-MM, YYYY-MM-DD → ``xsd:gYear`` / ``xsd:gYearMonth`` / ``xsd:date``), ``integer``, ``decimal``,
``boolean``; a parameter without a type is typed from its value. Values become RDF terms and are
bound, never spliced into the query as text (see ``sparql_engines`` for how each engine binds).

``parse_query`` refuses what could reach beyond the graph or change it: ``SERVICE``, updates
(``LOAD``, ``INSERT`` ...), and locally ``FROM`` / ``FROM NAMED`` (rdflib would fetch them).
``run_query`` evaluates on rdflib or Oxigraph (same rows) or a remote endpoint, within a time limit.
"""

from __future__ import annotations

import functools
import re
from dataclasses import asdict, dataclass
from pathlib import Path

from policygraph import resources
from policygraph.errors import ConfigError, SchemaError
from policygraph.model import Location
from policygraph.sparql.guard import check_text, deep_parsing, offset_location, read_query_file, read_query_stdin
from policygraph.sparql.results import QueryResult
from policygraph.sparql.syntax import PARAM_TYPES, QueryParam, _to_term, _variables, _walk
from policygraph.terms import PREFIXES

__all__ = ["PARAM_TYPES", "QueryParam", "SparqlQuery", "QueryResult", "list_queries", "named_query", "read_query"]
__all__ += ["parse_query", "check_engine_text"]


_PARAM_LINE = re.compile(
    r"^(?P<name>[A-Za-z_][A-Za-z0-9_]*)\s*(?:\((?P<spec>[^)]*)\))?\s*(?:[—–]|--?|:)\s*(?P<meaning>\S.*?)\s*$"
)
_FORMS = {"SelectQuery": "SELECT", "ConstructQuery": "CONSTRUCT", "DescribeQuery": "DESCRIBE", "AskQuery": "ASK"}
_UPDATE_NAMES = {"Load": "LOAD", "Clear": "CLEAR", "Drop": "DROP", "Create": "CREATE", "Add": "ADD", "Move": "MOVE", "Copy": "COPY"}
_UPDATE_NAMES |= {"InsertData": "INSERT DATA", "DeleteData": "DELETE DATA", "DeleteWhere": "DELETE WHERE", "Modify": "INSERT/DELETE"}


@dataclass(frozen=True)
class SparqlQuery:
    """A checked, read-only SPARQL query with what its header says about it."""

    text: str
    form: str  # SELECT, ASK, CONSTRUCT or DESCRIBE
    origin: str  # the file it came from, or "-e"
    name: str | None = None  # the named query's name
    summary: str = ""
    description: str = ""
    params: tuple[QueryParam, ...] = ()
    examples: tuple[str, ...] = ()
    variables: tuple[str, ...] = ()  # every variable, in order of first appearance
    declared: bool = False  # the header declares parameters (otherwise any variable may be bound)
    star: bool = False  # SELECT *
    has_from: bool = False  # FROM / FROM NAMED (allowed only on an endpoint)
    from_graphs: tuple[str, ...] = ()  # the IRIs of FROM (not FROM NAMED): the default graph on an endpoint

    @property
    def label(self) -> str:
        """How messages name the query."""
        return f"query {self.name!r}" if self.name else "the query"

    def param(self, name: str) -> QueryParam | None:
        """The declared parameter ``name``."""
        return next((p for p in self.params if p.name == name), None)

    def to_dict(self) -> dict:
        """A JSON-safe description (for ``policygraph queries --format json``)."""
        return {
            "name": self.name,
            "summary": self.summary,
            "description": self.description,
            "form": self.form,
            "params": [
                {"name": p.name, "type": p.type, "required": p.required, "default": p.default, "meaning": p.meaning}
                for p in self.params
            ],
            "examples": list(self.examples),
        }


# -- finding queries ----------------------------------------------------------------------------


def list_queries(check: bool = True) -> list[SparqlQuery]:
    """Every named query in ``queries/``, by name.

    Args:
        check: parse and check each query fully; without it only headers are read (fast, for listings).

    Raises:
        SchemaError: a bundled query is malformed (names the file and line).
    """
    if check:
        return [named_query(path.stem) for path in _query_files()]
    found = []
    for path in _query_files():
        text = read_query_file(path)
        summary, description, params, examples, declared = _parse_header(text, str(path))
        found.append(
            SparqlQuery(text, _form_of(text), str(path), path.stem, summary, description, tuple(params), tuple(examples), declared=declared)
        )
    return found


def _form_of(text: str) -> str:
    """The query form, from the first form keyword outside comments and strings."""
    from policygraph.sparql.syntax import sparql_tokens

    for match in sparql_tokens(text):
        if match.lastgroup == "word" and match.group().upper() in _FORMS.values():
            return match.group().upper()
    return "SELECT"


def named_query(name: str) -> SparqlQuery:
    """The named query ``name`` (the stem of ``queries/NAME.rq``).

    Raises:
        ConfigError: there is no such query (the message lists the names there are).
        SchemaError: the query file is malformed.
    """
    path = resources.queries_dir() / f"{name}.rq"
    if not re.match(r"^[A-Za-z0-9_][A-Za-z0-9_.\-]*$", name) or not path.is_file():
        names = [p.stem for p in _query_files()]
        import difflib

        close = difflib.get_close_matches(name, names, n=3, cutoff=0.5)
        hint = (f"did you mean {', '.join(close)}? " if close else "") + "one of: " + ", ".join(names)
        raise ConfigError(f"unknown query {name!r}", hint=hint)
    return _parsed_named(read_query_file(path), str(path), name)


@functools.lru_cache(maxsize=None)
def _parsed_named(text: str, origin: str, name: str) -> SparqlQuery:
    """``parse_query`` once per process, and once per text on this machine (``parsed``: a parse costs
    more than the rest of a warm ``query NAME``); ``SparqlQuery`` is frozen, so it can be shared."""
    from policygraph.sparql.parsed import keep, kept

    fields = kept(text, origin, name)
    if fields is not None:
        params = tuple(QueryParam(**p) for p in fields.pop("params"))
        lists = {k: tuple(fields.pop(k)) for k in ("examples", "variables", "from_graphs")}
        return SparqlQuery(text=text, params=params, **lists, **fields)
    query = parse_query(text, origin=origin, name=name)
    keep(text, origin, name, {k: v for k, v in asdict(query).items() if k != "text"})
    return query


def read_query(path: str) -> SparqlQuery:
    """The query in file ``path`` (``-`` reads standard input).

    Raises:
        InputError: the file is missing or unreadable.
        SchemaError: the query is malformed or refused.
    """
    if path == "-":
        return parse_query(read_query_stdin(), origin="<stdin>")
    return parse_query(read_query_file(path), origin=path)


def _query_files() -> list[Path]:
    folder = resources.queries_dir()
    return sorted(folder.glob("*.rq")) if folder.is_dir() else []


# -- parsing and checking -----------------------------------------------------------------------


def parse_query(text: str, origin: str = "-e", name: str | None = None) -> SparqlQuery:
    """Parse ``text``: its header, its syntax, and whether it is allowed.

    Raises:
        SchemaError: a syntax error (with line and column), a malformed header, ``SERVICE``, an
            update (``LOAD``, ``INSERT`` ...), or a codepoint escape outside a string.
    """
    from pyparsing import ParseException
    from rdflib import URIRef, Variable
    from rdflib.plugins.sparql.parser import parseQuery

    from policygraph.sparql.syntax import variables_in_order

    if not text.strip():
        raise SchemaError("empty query", Location(origin))
    check_text(text, origin)
    summary, description, params, examples, declared = _parse_header(text, origin)
    with deep_parsing(origin):
        try:
            parsed = parseQuery(text)
        except ParseException as error:
            raise _syntax_error(text, origin, error) from None
    form = _FORMS[parsed[1].name]
    nodes = list(_walk(parsed))
    services = [node for node in nodes if getattr(node, "name", None) == "ServiceGraphPattern"]
    where = _keyword_location(text, origin, "SERVICE")
    if services or where.line is not None:  # the keyword alone is enough: Oxigraph must never see it either
        term = services[0].get("term") if services else None
        target = f" (SERVICE {term.n3()})" if isinstance(term, (URIRef, Variable)) else ""
        raise SchemaError(f"SERVICE is not allowed: policygraph does not send queries on to other endpoints{target}", where)
    datasets = [node for node in nodes if getattr(node, "name", None) == "DatasetClause"]
    has_from = bool(datasets)
    from_graphs = tuple(str(node["default"]) for node in datasets if "default" in node)
    with deep_parsing(origin):
        _check_prefixes(text, origin, parsed)
    variables = tuple(variables_in_order(text))
    star = form == "SELECT" and "projection" not in parsed[1]
    in_subqueries = {str(v) for node in nodes if getattr(node, "name", None) == "SubSelect" for v in _variables(node)}
    for param in params:
        if param.name not in variables:
            raise SchemaError(f"parameter {param.name!r} is not a variable of the query", Location(origin))
        if param.name in in_subqueries:
            raise SchemaError(
                f"parameter {param.name!r} is used inside a sub-query; parameters bind the outer query only",
                Location(origin),
            )
    return SparqlQuery(
        text=text,
        form=form,
        origin=origin,
        name=name,
        summary=summary,
        description=description,
        params=tuple(params),
        examples=tuple(examples),
        variables=variables,
        declared=declared,
        star=star,
        has_from=has_from,
        from_graphs=from_graphs,
    )


_REFUSED_KEYWORDS = {
    "SERVICE": "policygraph does not send queries on to other endpoints",
    "FROM": "it runs on the data graph only",
    "LOAD": "it runs on the data graph only",
}


def check_engine_text(text: str, origin: str, keywords: tuple[str, ...] = ("SERVICE",)) -> None:
    """Check text that goes to Oxigraph as it is, without ``parse_query``'s full parse (bound queries, shapes' SPARQL).

    The text must pass the guard's shared reading (``guard.check_text``), after which the tokenizer and
    Oxigraph agree on where strings, IRIs and comments are, and hold none of ``keywords`` outside them.

    Raises:
        SchemaError: the text breaks a guard rule or a limit, or names a refused keyword.
    """
    check_text(text, origin)
    for keyword in keywords:
        where = _keyword_location(text, origin, keyword)
        if where.line is not None:
            raise SchemaError(f"{keyword} is not allowed: {_REFUSED_KEYWORDS[keyword]}", where)


def _parse_header(text: str, origin: str) -> tuple[str, str, list[QueryParam], list[str], bool]:
    summary, description, params, examples, declared = "", [], [], [], False
    for number, line in enumerate(text.splitlines(), start=1):
        stripped = line.strip()
        if not stripped:
            continue
        if not stripped.startswith("#"):
            break
        body = stripped.lstrip("#").strip()
        key, _, value = body.partition(":")
        key = key.strip().lower()
        value = value.strip()
        if key == "summary" and value:
            summary = value
        elif key == "param":
            declared = True
            param = _parse_param(value, Location(origin, number))
            if any(p.name == param.name for p in params):
                raise SchemaError(f"parameter {param.name!r} declared twice", Location(origin, number))
            params.append(param)
        elif key == "example" and value:
            examples.append(value)
        elif body:
            description.append(body)
    return summary, " ".join(description), params, examples, declared


def _parse_param(text: str, where: Location) -> QueryParam:
    match = _PARAM_LINE.match(text)
    if not match:
        raise SchemaError(f"bad param line {text!r}", where, hint="write: # param: NAME (TYPE, optional) — what it means")
    name, spec, meaning = match.group("name"), match.group("spec") or "", match.group("meaning")
    kind, required, default = "auto", True, None
    for part in (p.strip() for p in spec.split(",") if p.strip()):
        if part in PARAM_TYPES:
            kind = part
        elif part == "optional":
            required = False
        elif part.startswith("default "):
            default = part[len("default ") :].strip().strip("\"'")
            required = False
        else:
            raise SchemaError(
                f"bad param spec {part!r} for {name!r}", where, hint="one of the types " + ", ".join(PARAM_TYPES) + ", optional, default VALUE"
            )
    param = QueryParam(name, kind, meaning, required, default)
    if default is not None:
        try:
            _to_term(param, default)
        except ConfigError as error:
            raise SchemaError(f"bad default of {name!r}: {error.message}", where) from None
    return param


def _syntax_error(text: str, origin: str, error) -> SchemaError:  # noqa: ANN001 - pyparsing's ParseException
    from rdflib.plugins.sparql.parser import parseUpdate

    try:
        update = parseUpdate(text)
    except Exception:  # noqa: BLE001 - not an update either: a syntax error
        update = None
    if update is not None and "request" in update and update["request"]:
        operation = _UPDATE_NAMES.get(update["request"][0].name, "an update")
        return SchemaError(f"{operation} is not allowed: policygraph query is read-only", Location(origin, 1))
    message = _oxigraph_syntax_message(text) if text[: error.loc].strip() else None
    if message is not None:
        line, column, expected = message
        before = " ".join(text.splitlines()[line - 1][: column - 1].split()[-2:]) if line <= len(text.splitlines()) else ""
        detail = f"near {before!r}" if before else "at the start"
        if expected:
            detail += f": expected {'one of ' if ',' in expected else ''}{expected}"
        return SchemaError(f"syntax error {detail}", Location(origin, line, column))
    found = " ".join(text[error.loc :].split()[:2])
    detail = f"at {found!r}" if found else "at the end of the query"
    return SchemaError(f"syntax error {detail}", Location(origin, error.lineno, error.col))


def _oxigraph_syntax_message(text: str) -> tuple[int, int, str] | None:
    """Oxigraph's position (just after the offending token) and expectation for a query rdflib could not parse.

    Oxigraph points at the error more precisely than pyparsing, which reports where the enclosing
    rule began.
    """
    if re.search(r"service|\\[uU]", text, re.IGNORECASE):
        return None  # never hand Oxigraph anything that could make it reach out, even on an empty store
    try:
        import pyoxigraph as ox

        ox.Store().query(text, prefixes=PREFIXES)
    except SyntaxError as error:
        match = re.match(r"^error at (\d+):(\d+): (.*)$", " ".join(str(error).split()))
        if match:
            expected = match.group(3)
            # Oxigraph lists character classes too ("['0'..='9' | ...]"); keep only short lists of words
            expected = re.sub(r"^expected (one of )?", "", expected)
            if "[" in expected or expected.count(",") > 7:
                expected = ""
            return int(match.group(1)), int(match.group(2)), expected
    except Exception:  # noqa: BLE001 - only the parser's opinion is wanted here
        return None
    return None


def _check_prefixes(text: str, origin: str, parsed) -> None:  # noqa: ANN001
    from rdflib.plugins.sparql.algebra import translateQuery

    try:
        translateQuery(parsed, initNs=PREFIXES)
    except Exception as error:  # noqa: BLE001 - rdflib signals unknown prefixes with a bare Exception
        match = re.search(r"Unknown namespace prefix\s*:\s*(\S+)", str(error))
        if match:
            prefix = match.group(1)
            raise SchemaError(
                f"unknown prefix {prefix + ':'!r}",
                _keyword_location(text, origin, prefix + ":"),
                hint="declare it with PREFIX; known without declaring: " + ", ".join(PREFIXES),
            ) from None
        raise SchemaError(f"cannot translate the query: {' '.join(str(error).split())[:200]}", Location(origin)) from None


def _keyword_location(text: str, origin: str, keyword: str) -> Location:
    from policygraph.sparql.syntax import sparql_tokens

    if keyword.upper() not in text.upper():  # nowhere in the text, so in no token: skip reading the tokens (every bound query is checked)
        return Location(origin)
    for match in sparql_tokens(text):
        if match.lastgroup not in ("comment", "string", "iri") and match.group().upper() == keyword.upper():
            if ":" not in (text[match.start() - 1 : match.start()], text[match.end() : match.end() + 1]):  # not ex:service
                return offset_location(text, origin, match.start())
        if match.lastgroup == "word" and keyword.endswith(":") and match.group() + ":" == keyword:
            if text[match.end() : match.end() + 1] == ":":
                return offset_location(text, origin, match.start())
    return Location(origin)


