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

import re
import sys
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Iterable, Mapping

from rdflib import Literal, URIRef
from rdflib.term import Node

from . import resources
from .errors import ConfigError, InputError, SchemaError
from .model import Location
from .records import ID_PATTERN
from .sparql_results import PREFIXES, QueryResult
from .terms import ID_BASE, XSD

__all__ = [
    "PARAM_TYPES",
    "ENGINES",
    "DEFAULT_TIMEOUT",
    "QueryParam",
    "SparqlQuery",
    "QueryResult",
    "list_queries",
    "named_query",
    "read_query",
    "parse_query",
    "bind_params",
    "run_query",
    "result_labels",
    "choose_engine",
    "parse_param_options",
]

PARAM_TYPES = ("id", "iri", "string", "date", "integer", "decimal", "boolean")
"""The types a ``# param:`` line may declare."""

ENGINES = ("auto", "rdflib", "oxigraph")
"""Local engines: ``auto`` picks Oxigraph unless the graph is small and only in rdflib form."""

DEFAULT_TIMEOUT = 300.0
"""Seconds a local query may run when no other limit is given (``query --timeout``, ``analyze --query``)."""

AUTO_OXIGRAPH_TRIPLES = 10_000
"""With ``auto``, a graph built by rdflib is copied into Oxigraph from this many triples on.

benchmarks/queries.py: on the 17,500-triple bundled graph the copy takes ~0.1 s and a named query
~30 ms on Oxigraph against 20 ms to 1 s on rdflib; on larger graphs Oxigraph wins by 10x and more.
"""

_PARAM_LINE = re.compile(
    r"^(?P<name>[A-Za-z_][A-Za-z0-9_]*)\s*(?:\((?P<spec>[^)]*)\))?\s*(?:[—–]|--?|:)\s*(?P<meaning>\S.*?)\s*$"
)
_ID_RE = re.compile(ID_PATTERN)
_IRI_RE = re.compile(r"^[A-Za-z][A-Za-z0-9+.\-]*:[^\x00-\x20<>\"{}|^`\\]*$")
_FORMS = {"SelectQuery": "SELECT", "ConstructQuery": "CONSTRUCT", "DescribeQuery": "DESCRIBE", "AskQuery": "ASK"}
_UPDATE_NAMES = {
    "Load": "LOAD",
    "Clear": "CLEAR",
    "Drop": "DROP",
    "Create": "CREATE",
    "Add": "ADD",
    "Move": "MOVE",
    "Copy": "COPY",
    "InsertData": "INSERT DATA",
    "DeleteData": "DELETE DATA",
    "DeleteWhere": "DELETE WHERE",
    "Modify": "INSERT/DELETE",
}


@dataclass(frozen=True)
class QueryParam:
    """One parameter of a query, as its header declares it."""

    name: str
    type: str  # one of PARAM_TYPES, or "auto" when the header gives none
    meaning: str = ""
    required: bool = True
    default: str | None = None  # the value used when none is given

    def describe(self) -> str:
        """``name (type, optional)`` for messages and listings."""
        extras = [self.type] if self.type != "auto" else []
        if self.default is not None:
            extras.append(f"default {self.default}")
        elif not self.required:
            extras.append("optional")
        return self.name + (f" ({', '.join(extras)})" if extras else "")


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
        text = _read(path)
        summary, description, params, examples, declared = _parse_header(text, str(path))
        found.append(
            SparqlQuery(text, _form_of(text), str(path), path.stem, summary, description, tuple(params), tuple(examples), declared=declared)
        )
    return found


def _form_of(text: str) -> str:
    """The query form, from the first form keyword outside comments and strings."""
    from .sparql_engines import sparql_tokens

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
    return parse_query(_read(path), origin=str(path), name=name)


def read_query(path: str) -> SparqlQuery:
    """The query in file ``path`` (``-`` reads standard input).

    Raises:
        InputError: the file is missing or unreadable.
        SchemaError: the query is malformed or refused.
    """
    if path == "-":
        return parse_query(sys.stdin.read(), origin="<stdin>")
    return parse_query(_read(Path(path)), origin=path)


def _query_files() -> list[Path]:
    folder = resources.queries_dir()
    return sorted(folder.glob("*.rq")) if folder.is_dir() else []


def _read(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise InputError("no such file", Location(str(path))) from None
    except UnicodeDecodeError:
        raise InputError("not UTF-8 text", Location(str(path)), hint="save the file as UTF-8") from None
    except OSError as error:
        raise InputError(f"cannot read file: {error.strerror}", Location(str(path))) from None


# -- parsing and checking -----------------------------------------------------------------------


def parse_query(text: str, origin: str = "-e", name: str | None = None) -> SparqlQuery:
    """Parse ``text``: its header, its syntax, and whether it is allowed.

    Raises:
        SchemaError: a syntax error (with line and column), a malformed header, ``SERVICE``, an
            update (``LOAD``, ``INSERT`` ...), or a codepoint escape outside a string.
    """
    from pyparsing import ParseException
    from rdflib.plugins.sparql.parser import parseQuery

    from .sparql_engines import variables_in_order

    if not text.strip():
        raise SchemaError("empty query", Location(origin))
    summary, description, params, examples, declared = _parse_header(text, origin)
    _refuse_escapes(text, origin)
    try:
        parsed = parseQuery(text)
    except ParseException as error:
        raise _syntax_error(text, origin, error) from None
    form = _FORMS[parsed[1].name]
    nodes = list(_walk(parsed))
    services = [node for node in nodes if getattr(node, "name", None) == "ServiceGraphPattern"]
    where = _keyword_location(text, origin, "SERVICE")
    if services or where.line is not None:  # the keyword alone is enough: Oxigraph must never see it either
        target = f" (SERVICE {services[0]['term'].n3()})" if services else ""
        raise SchemaError(f"SERVICE is not allowed: policygraph does not send queries on to other endpoints{target}", where)
    datasets = [node for node in nodes if getattr(node, "name", None) == "DatasetClause"]
    has_from = bool(datasets)
    from_graphs = tuple(str(node["default"]) for node in datasets if "default" in node)
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


def _refuse_escapes(text: str, origin: str) -> None:
    """Codepoint escapes outside strings are read differently by rdflib and Oxigraph (e.g. in comments)."""
    from .sparql_engines import sparql_tokens

    for match in sparql_tokens(text):
        if match.lastgroup != "string" and re.search(r"\\[uU]", match.group()):
            raise SchemaError(
                "codepoint escapes (\\u, \\U) are only allowed inside string literals",
                _offset_location(text, origin, match.start()),
            )


def _syntax_error(text: str, origin: str, error) -> SchemaError:  # noqa: ANN001 - pyparsing's ParseException
    from rdflib.plugins.sparql.parser import parseUpdate

    try:
        update = parseUpdate(text)
    except Exception:  # noqa: BLE001 - not an update either: a syntax error
        update = None
    if update is not None and update.get("request"):
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


def _walk(node):  # noqa: ANN001, ANN202 - rdflib's parse tree
    from pyparsing import ParseResults
    from rdflib.plugins.sparql.parserutils import CompValue

    stack = [node]
    while stack:
        current = stack.pop()
        yield current
        if isinstance(current, CompValue):
            stack.extend(current.values())
        elif isinstance(current, (ParseResults, list, tuple)):
            stack.extend(current)
        elif isinstance(current, dict):
            stack.extend(current.values())


def _variables(node) -> set:  # noqa: ANN001
    from rdflib import Variable

    return {n for n in _walk(node) if isinstance(n, Variable)}


def _keyword_location(text: str, origin: str, keyword: str) -> Location:
    from .sparql_engines import sparql_tokens

    for match in sparql_tokens(text):
        if match.lastgroup not in ("comment", "string", "iri") and match.group().upper() == keyword.upper():
            if ":" not in (text[match.start() - 1 : match.start()], text[match.end() : match.end() + 1]):  # not ex:service
                return _offset_location(text, origin, match.start())
        if match.lastgroup == "word" and keyword.endswith(":") and match.group() + ":" == keyword:
            if text[match.end() : match.end() + 1] == ":":
                return _offset_location(text, origin, match.start())
    return Location(origin)


def _offset_location(text: str, origin: str, offset: int) -> Location:
    line = text.count("\n", 0, offset) + 1
    column = offset - (text.rfind("\n", 0, offset) + 1) + 1
    return Location(origin, line, column)


# -- parameters ---------------------------------------------------------------------------------


def bind_params(query: SparqlQuery, given: Mapping[str, str], graph=None) -> dict[str, Node]:  # noqa: ANN001
    """Turn ``NAME=VALUE`` strings into RDF terms for ``query``'s parameters, with defaults filled in.

    Args:
        query: the query.
        given: parameter values as typed on the command line.
        graph: a ``LocalGraph``; when given, ids are checked to exist there.

    Raises:
        ConfigError: an unknown or missing parameter (the message lists the query's parameters),
            a value that does not fit the parameter's type, or an unknown id.
    """
    if query.declared:
        known = {p.name: p for p in query.params}
    else:
        known = {v: QueryParam(v, "auto", required=False) for v in query.variables}
    for name in given:
        if name not in known:
            raise ConfigError(f"unknown parameter {name!r} for {query.label}", hint=_param_hint(query))
    bindings: dict[str, Node] = {}
    for name, param in known.items():
        value = given.get(name, param.default)
        if value is None:
            if param.required:
                raise ConfigError(f"missing parameter {name!r} for {query.label}", hint=_param_hint(query))
            continue
        term = _to_term(param, value)
        if param.type == "auto" and graph is not None and isinstance(term, URIRef) and str(term).startswith(ID_BASE):
            if not graph.has_subject(term):  # an untyped word is an id only if the graph has it
                term = Literal(value)
        elif graph is not None and isinstance(term, URIRef) and param.type == "id" and str(term).startswith(ID_BASE):
            if not graph.has_subject(term):
                raise ConfigError(f"unknown id {value!r} for parameter {name!r}", hint=_id_hint(graph, value))
        bindings[name] = term
    return bindings


def _param_hint(query: SparqlQuery) -> str:
    if query.declared:
        listed = "; ".join(p.describe() for p in query.params)
        return f"its parameters: {listed}" if listed else "it takes no parameters"
    return "its variables: " + ", ".join(query.variables) if query.variables else "it has no variables"


def _id_hint(graph, value: str) -> str:  # noqa: ANN001
    if not graph.has_graph:
        return "try 'policygraph search TEXT'"
    from .search import suggest_ids

    close = suggest_ids(graph.graph, value)
    return "did you mean " + ", ".join(close) + "?" if close else "try 'policygraph search TEXT'"


def _to_term(param: QueryParam, value: str) -> Node:
    """``value`` as the RDF term ``param`` wants."""
    kind, text = param.type, value.strip()

    def bad(expected: str) -> ConfigError:
        return ConfigError(f"bad value {value!r} for parameter {param.name!r} ({kind}): {expected}")

    if kind == "auto":
        return _guess_term(text)
    if kind == "id":
        if text.startswith(("http://", "https://", "urn:")) and _is_iri(text):
            return URIRef(text)
        if not _ID_RE.match(text):
            raise bad("use an id like crc-art-9 (lower-case letters, digits, single hyphens) or a full IRI")
        return URIRef(ID_BASE + text)
    if kind == "iri":
        text = text[1:-1] if text.startswith("<") and text.endswith(">") else text
        if not _is_iri(text):
            raise bad("use an absolute IRI such as https://example.org/x")
        return URIRef(text)
    if kind == "date":
        from .load import parse_date

        try:
            return parse_date(text)
        except ValueError:
            raise bad("use YYYY, YYYY-MM or YYYY-MM-DD") from None
    if kind == "integer":
        if not re.match(r"^[+-]?\d+$", text):
            raise bad("use a whole number")
        return Literal(str(int(text)), datatype=XSD.integer)
    if kind == "decimal":
        try:
            number = Decimal(text)
        except InvalidOperation:
            raise bad("use a number such as 12.5") from None
        if not number.is_finite():
            raise bad("use a finite number")
        return Literal(str(number), datatype=XSD.decimal)
    if kind == "boolean":
        if text.lower() not in ("true", "false"):
            raise bad("use true or false")
        return Literal(text.lower(), datatype=XSD.boolean)
    return Literal(value)  # string: exactly as given


def _is_iri(text: str) -> bool:
    """An absolute IRI that every engine accepts (Oxigraph checks RFC 3987: code points, percent-encoding)."""
    if not _IRI_RE.match(text):
        return False
    import pyoxigraph as ox

    try:
        ox.NamedNode(text)
    except ValueError:
        return False
    return True


def _guess_term(text: str) -> Node:
    """A value for an untyped parameter: an IRI, a date, a number, a boolean, an id, else a string."""
    if text.startswith("<") and text.endswith(">") and _is_iri(text[1:-1]):
        return URIRef(text[1:-1])
    if text.startswith(("http://", "https://", "urn:")) and _is_iri(text):
        return URIRef(text)
    if re.match(r"^\d{4}(-\d{2}(-\d{2})?)?$", text):
        from .load import parse_date

        try:
            return parse_date(text)
        except ValueError:
            pass
    if re.match(r"^[+-]?\d+$", text):
        return Literal(str(int(text)), datatype=XSD.integer)
    if re.match(r"^[+-]?\d*\.\d+$", text):
        return Literal(text, datatype=XSD.decimal)
    if text in ("true", "false"):
        return Literal(text, datatype=XSD.boolean)
    if _ID_RE.match(text):
        return URIRef(ID_BASE + text)  # bind_params turns it back into a string if the graph has no such id
    return Literal(text)


# -- running ------------------------------------------------------------------------------------


def choose_engine(engine: str, graph) -> str:  # noqa: ANN001 - a LocalGraph
    """The local engine ``engine`` means for ``graph``: ``auto`` → Oxigraph for big or prebuilt graphs.

    Raises:
        ConfigError: an unknown engine name.
    """
    if engine not in ENGINES:
        raise ConfigError(f"unknown engine {engine!r}", hint="one of: " + ", ".join(ENGINES))
    if engine != "auto":
        return engine
    if graph.has_store or len(graph) >= AUTO_OXIGRAPH_TRIPLES:
        return "oxigraph"
    return "rdflib"


def run_query(
    query: SparqlQuery,
    bindings: Mapping[str, Node] | None = None,
    *,
    graph=None,  # noqa: ANN001 - a LocalGraph
    endpoint: str | None = None,
    engine: str = "auto",
    timeout: float | None = None,
) -> QueryResult:
    """Evaluate ``query`` on the local ``graph`` or on ``endpoint``, with parameters bound.

    Args:
        query: a parsed query (``named_query``, ``read_query`` or ``parse_query``).
        bindings: parameter terms from ``bind_params``.
        graph: a ``sparql_engines.LocalGraph``; exactly one of ``graph`` and ``endpoint``.
        endpoint: the URL of a SPARQL 1.1 query endpoint.
        engine: ``auto``, ``rdflib`` or ``oxigraph`` (local only).
        timeout: seconds before the query is stopped.

    Returns:
        The result; for ``SELECT *`` the variables come in order of first appearance.

    Raises:
        ConfigError: neither or both of graph and endpoint, or a bad timeout.
        SchemaError: ``FROM`` on a local graph, or an engine cannot evaluate the query.
        InputError: the time ran out, or the endpoint failed.
    """
    from .sparql_engines import call_with_timeout, evaluate_oxigraph, evaluate_rdflib, quiet_literals

    if (graph is None) == (endpoint is None):
        raise ConfigError("run a query on a local graph or on an endpoint (exactly one)")
    if timeout is not None and not timeout > 0:
        raise ConfigError(f"bad timeout {timeout!r}: use a number of seconds above 0")
    bindings = dict(bindings or {})
    if endpoint is not None:
        from .sparql_remote import query_endpoint

        text = _with_prefixes(_checked_values(query, bindings))
        with quiet_literals():
            result = query_endpoint(endpoint, text, query.form, timeout)
        return _in_star_order(query, result) if query.star else result
    if query.has_from:
        raise SchemaError(
            "FROM is not allowed on the local graph: the query runs on the built graph and never fetches others",
            _keyword_location(query.text, query.origin, "FROM"),
            hint="drop FROM, or use --endpoint to query a server's named graphs",
        )
    chosen = choose_engine(engine, graph)
    text = _checked_values(query, bindings)  # also for rdflib: refuses forms with nowhere to bind
    if chosen == "rdflib":
        rdflib_graph = graph.graph

        def evaluate() -> QueryResult:
            return evaluate_rdflib(rdflib_graph, query.text, query.form, bindings)

    else:
        store = graph.store

        def evaluate() -> QueryResult:
            return evaluate_oxigraph(store, text, query.form)

    with quiet_literals():
        result = call_with_timeout(evaluate, timeout)
    return _in_star_order(query, result) if query.star else result


def _checked_values(query: SparqlQuery, bindings: Mapping[str, Node]) -> str:
    """The query text with the bindings in VALUES blocks, checked against the parse-tree binding.

    The text is parsed back: its new VALUES blocks must be exactly those ``bind_in_tree`` puts into
    the parse tree for rdflib, term for term, so no value can change the query's structure and all
    engines bind the same groups.
    """
    from rdflib.plugins.sparql.parser import parseQuery

    from .sparql_engines import bind_in_tree, with_values

    if not bindings:
        return query.text
    text = with_values(query.text, bindings, query.form)
    tree = parseQuery(query.text)
    before = _inline_blocks(tree)
    expected = bind_in_tree(tree, bindings)
    after = _inline_blocks(parseQuery(text))
    for block in before:
        after.remove(block)
    if sorted(map(repr, after)) != sorted(repr((names, [values])) for names, values in expected):
        raise SchemaError("could not bind the parameters safely in this query", Location(query.origin))
    return text


def _inline_blocks(parsed) -> list[tuple[list[str], list]]:  # noqa: ANN001
    """Every VALUES block of the WHERE clause as (variable names, rows of terms)."""
    from pyparsing import ParseResults

    blocks = []
    for node in _walk(parsed[1]["where"]):
        if getattr(node, "name", None) == "InlineData":
            values = node["value"] if "value" in node else []
            rows = [[_parsed_term(t) for t in v] if isinstance(v, (ParseResults, list)) else _parsed_term(v) for v in values]
            blocks.append(([str(v) for v in node["var"]], rows))
    return blocks


def _parsed_term(term):  # noqa: ANN001, ANN202 - a term of rdflib's parse tree
    """Typed and tagged literals stay unresolved in the parse tree; make them terms."""
    if getattr(term, "name", None) == "literal":
        lang = term["lang"] if "lang" in term else None  # CompValue.get returns the key when it is absent
        datatype = term["datatype"] if "datatype" in term else None
        return Literal(term["string"], lang=lang, datatype=datatype)
    return term


def _with_prefixes(text: str) -> str:
    """Declare the usual prefixes for an endpoint (on the first line, so line numbers stay)."""
    declared = set(re.findall(r"(?im)^\s*PREFIX\s+([A-Za-z0-9_.\-]*):", text))
    missing = [f"PREFIX {p}: <{iri}>" for p, iri in PREFIXES.items() if p not in declared]
    return (" ".join(missing) + " " + text) if missing else text


def _in_star_order(query: SparqlQuery, result: QueryResult) -> QueryResult:
    if result.form != "SELECT":
        return result
    order = {name: i for i, name in enumerate(query.variables)}
    positions = sorted(range(len(result.variables)), key=lambda i: (order.get(result.variables[i], len(order)), i))
    if positions == list(range(len(result.variables))):
        return result
    result.variables = [result.variables[i] for i in positions]
    result.rows = [tuple(row[i] for i in positions) for row in result.rows]
    return result


def result_labels(
    result: QueryResult,
    *,
    graph=None,  # noqa: ANN001 - a LocalGraph
    endpoint: str | None = None,
    timeout: float | None = None,
    from_graphs: Iterable[str] = (),
) -> dict[URIRef, str]:
    """The labels of the IRIs in ``result``, from the local graph or the endpoint.

    Args:
        from_graphs: on an endpoint, the graphs the query read (its FROM clauses); labels come from them too.
    """
    iris = result.iris()
    if not iris:
        return {}
    if graph is not None:
        return graph.labels(iris)
    from .sparql_remote import endpoint_labels

    return endpoint_labels(endpoint, iris, timeout, from_graphs=from_graphs)


def parse_param_options(options: Iterable[str]) -> dict[str, str]:
    """``["a=1", "b=x"]`` → ``{"a": "1", "b": "x"}``.

    Raises:
        ConfigError: an option without ``=``, or a name given twice.
    """
    values: dict[str, str] = {}
    for option in options:
        name, sep, value = option.partition("=")
        name = name.strip()
        if not sep or not name:
            raise ConfigError(f"bad --param {option!r}: use NAME=VALUE")
        if name in values:
            raise ConfigError(f"parameter {name!r} given twice")
        values[name] = value
    return values

