"""A SHACL Core engine that compiles shapes to SPARQL and runs them on Oxigraph, all focus nodes at once.

pySHACL checks each constraint focus node by focus node in Python; on 100,000 triples that takes
tens of seconds. Here every constraint of every shape becomes one SPARQL query that returns only the
violations (the shape's targets joined with its path, filtered by the constraint), which Oxigraph
evaluates in milliseconds. The report is the same SHACL validation report graph pySHACL returns
(``sh:ValidationReport`` with one ``sh:result`` per violation: focus node, path, value, source
shape, constraint component, severity and messages), so ``validate.findings_from_results`` reads
either.

Supported (the features policygraph's shapes use, checked against the W3C SHACL Core test suite
in ``tests/validation/test_shacl_core.py``; shapes are read by ``shacl_shapes``): targets (``sh:targetNode``, ``sh:targetClass``, implicit class
targets, ``sh:targetSubjectsOf``, ``sh:targetObjectsOf``); every SHACL property path; the value
constraints ``sh:class``, ``sh:datatype`` (with ill-formed literals), ``sh:nodeKind``, ``sh:in``,
``sh:hasValue``, ``sh:pattern``, ``sh:languageIn``, ``sh:minLength``, ``sh:maxLength``, the
``sh:min/maxInclusive/Exclusive`` ranges; ``sh:minCount``, ``sh:maxCount``, ``sh:uniqueLang``,
``sh:qualifiedValueShape`` with its counts; the logical ``sh:node``, ``sh:property``, ``sh:or``,
``sh:and``, ``sh:not``, ``sh:xone``; SPARQL-based constraints (``sh:sparql`` with ``sh:select``,
``sh:prefixes``, ``$this``, ``?path``/``?value`` and message templates); ``sh:severity``,
``sh:message``, ``sh:deactivated``. Shapes using anything else (``sh:closed``, ``sh:equals`` ...)
raise ``UnsupportedShapes``; ``validate`` then falls back to pySHACL.

Known differences from pySHACL, neither of which the bundled data can produce: Oxigraph stores
some literals in canonical form (``"01"^^xsd:integer`` is reported as ``"1"``), and a result of a
shape without ``sh:message`` carries no message (pySHACL writes a generic one; policygraph's
shapes all have messages).
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import OWL, RDF, RDFS, SH, XSD
from rdflib.term import Node

from policygraph.errors import SchemaError
from policygraph.validation.shacl_shapes import TARGETS, Shape, ShapesReader, UnsupportedShapes, name_of, sparql_term

__all__ = ["validate_store"]


_XSD = str(XSD)
# Datatypes Oxigraph can cast to: a literal of one of them is well-formed when the cast of its text works.
_CASTABLE = {
    f"{_XSD}{name}"
    for name in (
        "integer", "decimal", "double", "float", "boolean", "date", "dateTime", "time", "gYear", "gYearMonth",
        "gMonthDay", "gMonth", "gDay", "duration", "dayTimeDuration", "yearMonthDuration",
    )
}
_ANY_TEXT = {f"{_XSD}string", f"{_XSD}anyURI", f"{_XSD}normalizedString", f"{_XSD}token"}

_VALUE_COMPONENTS = {
    SH["class"]: SH.ClassConstraintComponent,
    SH.datatype: SH.DatatypeConstraintComponent,
    SH.nodeKind: SH.NodeKindConstraintComponent,
    SH["in"]: SH.InConstraintComponent,
    SH.pattern: SH.PatternConstraintComponent,
    SH.languageIn: SH.LanguageInConstraintComponent,
    SH.minLength: SH.MinLengthConstraintComponent,
    SH.maxLength: SH.MaxLengthConstraintComponent,
    SH.minInclusive: SH.MinInclusiveConstraintComponent,
    SH.maxInclusive: SH.MaxInclusiveConstraintComponent,
    SH.minExclusive: SH.MinExclusiveConstraintComponent,
    SH.maxExclusive: SH.MaxExclusiveConstraintComponent,
    SH.node: SH.NodeConstraintComponent,
    SH["or"]: SH.OrConstraintComponent,
    SH["and"]: SH.AndConstraintComponent,
    SH["not"]: SH.NotConstraintComponent,
    SH.xone: SH.XoneConstraintComponent,
}
_RANGES = {SH.minInclusive: ">=", SH.maxInclusive: "<=", SH.minExclusive: ">", SH.maxExclusive: "<"}
_NODE_KINDS = {
    SH.IRI: "isIRI({v})",
    SH.BlankNode: "isBlank({v})",
    SH.Literal: "isLiteral({v})",
    SH.BlankNodeOrIRI: "(isBlank({v}) || isIRI({v}))",
    SH.BlankNodeOrLiteral: "(isBlank({v}) || isLiteral({v}))",
    SH.IRIOrLiteral: "(isIRI({v}) || isLiteral({v}))",
}


@dataclass
class _Result:
    focus: object  # pyoxigraph or rdflib term
    value: object | None
    shape: Node
    component: URIRef
    path: Node | None
    severity: URIRef
    messages: list[Literal]
    constraint: Node | None = None


def validate_store(store, shapes_graph: Graph, progress=None) -> Graph:
    """Validate the data in an Oxigraph ``store`` against ``shapes_graph``.

    Args:
        store: the data graph (its default graph), ontology included (``sh:targetClass`` and
            ``sh:class`` follow ``rdfs:subClassOf`` in the data, as SHACL says).
        shapes_graph: the shapes.
        progress: called as ``progress(done, total)`` after each shape, if given.

    Returns:
        The SHACL validation report graph.

    Raises:
        UnsupportedShapes: a shape uses a feature this engine does not implement.
        SchemaError: a shape is malformed (a bad path, a SPARQL constraint Oxigraph cannot run).
    """
    engine = _Engine(store, shapes_graph)
    return engine.run(progress)


class _Engine:
    def __init__(self, store, shapes: Graph):
        self.store = store
        self.reader = ShapesReader(shapes)
        self.sg = shapes
        self.results: list[_Result] = []
        self._fresh = itertools.count()
        self._subclasses: dict[Node, list[Node]] = {}

    # -- running ------------------------------------------------------------------------------

    def run(self, progress=None) -> Graph:
        shapes = self.reader.top_level()
        batched = self.check_batches(shapes)
        for done, node in enumerate(shapes, start=1):
            shape = self.reader.shape(node)
            focus = self.reader.targets(node, self.subclasses)
            if focus is not None and not shape.deactivated and node not in batched:
                self.check(shape, focus)
            if progress is not None:
                progress(done, len(shapes))
        return self.report()

    def check_batches(self, nodes: list[Node]) -> set[Node]:
        """Check the commonest kind of shape many at a time; return the shapes checked.

        A property shape whose only target is ``sh:targetSubjectsOf P``, whose path is that same ``P``
        and which has one constraint (``sh:maxCount``, or a value test such as ``sh:class`` or
        ``sh:node``) gives the same results as one query for all such shapes with the same constraint:
        ``VALUES ?p { P1 P2 ... } ?this ?p ?v`` and the constraint's filter. policygraph's shapes are
        mostly of this kind (one value per key, text keys, dates, references), so this saves a scan
        of the store per shape.
        """
        sg = self.sg
        groups: dict[tuple, list[Shape]] = {}
        for node in nodes:
            shape = self.reader.shape(node)
            path = shape.path
            targets = [(t, v) for t in TARGETS for v in sg.objects(node, t)]
            classes = any((node, RDF.type, c) in sg for c in (RDFS.Class, OWL.Class))
            if shape.deactivated or classes or not isinstance(path, URIRef) or targets != [(SH.targetSubjectsOf, path)]:
                continue
            if len(shape.params) != 1:
                continue
            (parameter, arguments), = shape.params.items()
            if len(arguments) != 1 or (parameter not in _VALUE_COMPONENTS and parameter != SH.maxCount):
                continue
            if parameter == SH.datatype and str(arguments[0]) not in _CASTABLE | _ANY_TEXT and arguments[0] != RDF.langString:
                continue  # needs the rdflib check of ill-formed literals: shape by shape
            if parameter in (SH.pattern, SH["in"], SH.languageIn):
                continue  # rarer, and pattern needs its own flags: shape by shape
            groups.setdefault((parameter, arguments[0]), []).append(shape)
        done: set[Node] = set()
        for (parameter, argument), shapes in groups.items():
            by_path: dict[str, list[Shape]] = {}
            for shape in shapes:
                by_path.setdefault(str(shape.path), []).append(shape)
            values = "VALUES ?p { " + " ".join(f"<{p}>" for p in sorted(by_path)) + " }"
            if parameter == SH.maxCount:
                component = SH.MaxCountConstraintComponent
                # The triples of one subject and predicate have distinct objects: COUNT(*) counts the
                # values, without the set per group that COUNT(DISTINCT) keeps (a quarter of the time).
                query = (
                    f"SELECT ?p ?this WHERE {{ {values} ?this ?p ?v }} "
                    f"GROUP BY ?p ?this HAVING (COUNT(*) > {_integer(argument)})"
                )
                rows = [(row[0], row[1], None) for row in self.select(query)]
            else:
                component = _VALUE_COMPONENTS[parameter]
                failing = self.failing(shapes[0], parameter, argument, "?v")
                query = f"SELECT DISTINCT ?p ?this ?v WHERE {{ {values} ?this ?p ?v {failing} }}"
                rows = self.select(query)
            for predicate, focus, value in rows:
                for shape in by_path[predicate.value]:
                    self.add(shape, component, focus, value)
            done.update(shape.node for shape in shapes)
        return done

    def check(self, shape: Shape, focus: str) -> None:
        """Every constraint of ``shape`` on the focus nodes ``focus`` binds to ``?this``."""
        params = shape.params
        is_property = shape.path_sparql is not None
        values = self.values_of(shape, "?v") if is_property else "BIND(?this AS ?v)"
        for parameter, component in _VALUE_COMPONENTS.items():
            for argument in params.get(parameter, ()):
                if parameter == SH.datatype:
                    self.check_datatype(shape, focus, values, argument)
                    continue
                failing = self.failing(shape, parameter, argument, "?v")
                query = f"SELECT DISTINCT ?this ?v WHERE {{ {focus} {values} {failing} }}"
                for row in self.select(query):
                    self.add(shape, component, row[0], row[1] if is_property else row[0])
        for argument in params.get(SH.hasValue, ()):
            if is_property:
                test = f"FILTER NOT EXISTS {{ ?this {shape.path_sparql} {sparql_term(argument)} }}"
            else:
                test = f"FILTER(!sameTerm(?this, {sparql_term(argument)}))"
            for row in self.select(f"SELECT ?this WHERE {{ {focus} {test} }}"):
                self.add(shape, SH.HasValueConstraintComponent, row[0], None)
        if is_property:
            self.check_counts(shape, focus)
        for child in params.get(SH.property, ()):
            child_shape = self.reader.shape(child)
            if not child_shape.deactivated:
                if child_shape.path_sparql is None:
                    raise SchemaError(f"sh:property {name_of(child)} has no sh:path")
                self.check(child_shape, focus)
        for constraint in params.get(SH.sparql, ()):
            self.check_sparql(shape, focus, constraint)

    def check_datatype(self, shape: Shape, focus: str, values: str, datatype: Node) -> None:
        is_property = shape.path_sparql is not None
        test = _datatype_test("?v", datatype)
        query = f"SELECT DISTINCT ?this ?v WHERE {{ {focus} {values} FILTER(!({test})) }}"
        for row in self.select(query):
            self.add(shape, SH.DatatypeConstraintComponent, row[0], row[1] if is_property else row[0])
        if str(datatype) not in _CASTABLE | _ANY_TEXT and datatype != RDF.langString:
            # Oxigraph cannot cast to it (xsd:byte ...): rdflib judges whether the text is well-formed.
            query = f"SELECT DISTINCT ?this ?v WHERE {{ {focus} {values} FILTER({test}) }}"
            for row in self.select(query):
                value = _to_rdflib(row[1])
                if isinstance(value, Literal) and value.ill_typed:
                    self.add(shape, SH.DatatypeConstraintComponent, row[0], row[1] if is_property else row[0])

    def check_counts(self, shape: Shape, focus: str) -> None:
        params, path = shape.params, shape.path_sparql
        values = self.values_of(shape, "?v")
        for argument in params.get(SH.minCount, ()):
            if _integer(argument) == 1 and not shape.zero_length:  # the commonest: "required"; no grouping needed
                query = f"SELECT ?this WHERE {{ {focus} MINUS {{ ?this {path} ?v }} }}"
            else:
                query = (
                    f"SELECT ?this WHERE {{ {focus} OPTIONAL {{ {values} }} }} "
                    f"GROUP BY ?this HAVING (COUNT(DISTINCT ?v) < {_integer(argument)})"
                )
            for row in self.select(query):
                self.add(shape, SH.MinCountConstraintComponent, row[0], None)
        for argument in params.get(SH.maxCount, ()):
            query = (
                f"SELECT ?this WHERE {{ {focus} {values} }} "
                f"GROUP BY ?this HAVING (COUNT(DISTINCT ?v) > {_integer(argument)})"
            )
            for row in self.select(query):
                self.add(shape, SH.MaxCountConstraintComponent, row[0], None)
        for argument in params.get(SH.uniqueLang, ()):
            if isinstance(argument, Literal) and argument.toPython() is True:
                query = (
                    f"SELECT ?this ?lang WHERE {{ {focus} {values} "
                    f'FILTER(isLiteral(?v) && LANG(?v) != "") BIND(LCASE(LANG(?v)) AS ?lang) }} '
                    "GROUP BY ?this ?lang HAVING (COUNT(DISTINCT ?v) > 1)"
                )
                for row in self.select(query):
                    self.add(shape, SH.UniqueLangConstraintComponent, row[0], None)
        for qualified in params.get(SH.qualifiedValueShape, ()):
            test = self.conforms(qualified, "?q")
            if _true(self.sg.value(shape.node, SH.qualifiedValueShapesDisjoint)):
                for sibling in self.reader.siblings(shape, qualified):
                    test = f"({test}) && !({self.conforms(sibling, '?q')})"
            counted = f"SELECT ?this (COUNT(DISTINCT ?q) AS ?n) WHERE {{ {focus} OPTIONAL {{ {self.values_of(shape, '?q')} FILTER({test}) }} }} GROUP BY ?this"
            for parameter, operator, component in (
                (SH.qualifiedMinCount, "<", SH.QualifiedMinCountConstraintComponent),
                (SH.qualifiedMaxCount, ">", SH.QualifiedMaxCountConstraintComponent),
            ):
                for argument in params.get(parameter, ()):
                    query = f"SELECT ?this WHERE {{ {{ {counted} }} FILTER(?n {operator} {_integer(argument)}) }}"
                    for row in self.select(query):
                        self.add(shape, component, row[0], None)


    def check_sparql(self, shape: Shape, focus: str, constraint: Node) -> None:
        sg = self.sg
        if _true(sg.value(constraint, SH.deactivated)):
            return
        select = sg.value(constraint, SH.select)
        if select is None:
            raise UnsupportedShapes(f"SPARQL constraint of {name_of(shape.node)} has no sh:select")
        prefixes = self.reader.prefixes(constraint)
        text = _bind_this(str(select), focus)
        messages = sorted((m for m in sg.objects(constraint, SH.message) if isinstance(m, Literal)), key=str)
        try:
            answer = self.store.query(text, prefixes=prefixes)
        except (SyntaxError, ValueError, OSError, RuntimeError) as error:
            raise SchemaError(f"the SPARQL constraint of {name_of(shape.node)} cannot run: {' '.join(str(error).split())[:200]}") from None
        names = [v.value for v in answer.variables]
        for solution in answer:
            row = {name: solution[i] for i, name in enumerate(names) if solution[i] is not None}
            path = _to_rdflib(row["path"]) if "path" in row else shape.path
            value = row.get("value", row.get("this") if shape.path is None else None)
            bound = {name: str(_to_rdflib(term)) for name, term in row.items()}
            texts = [Literal(_fill(str(m), bound)) for m in messages] + [
                Literal(_fill(str(m), bound)) for m in shape.messages
            ]
            self.results.append(
                _Result(row["this"], value, shape.node, SH.SPARQLConstraintComponent, path, shape.severity, texts, constraint)
            )


    # -- value tests, compiled to SPARQL expressions ----------------------------------------

    def failing(self, shape: Shape, parameter: URIRef, argument: Node, var: str) -> str:
        """What keeps only the rows whose value ``var`` fails one constraint parameter: a FILTER, or a MINUS.

        ``sh:class`` becomes ``MINUS`` the instances of the class and its subclasses, which Oxigraph
        evaluates by hashing them once; the filter ``EXISTS { ?v rdf:type ?c }`` would look up every
        value on its own (0.7 s instead of 0.05 s for the hundred thousand references to bodies in a
        million-triple graph). A literal is never an instance, so it still fails, as SHACL says.
        """
        if parameter == SH["class"]:
            classes = self.subclasses(argument)
            if not any(isinstance(c, BNode) for c in classes):
                kind = self.fresh()
                listed = " ".join(sparql_term(c) for c in classes)
                return f"MINUS {{ VALUES {kind} {{ {listed} }} {var} <{RDF.type}> {kind} }}"
        return f"FILTER(!({self.value_test(shape, parameter, argument, var)}))"

    def value_test(self, shape: Shape, parameter: URIRef, argument: Node, var: str) -> str:
        """A SPARQL expression true when the value ``var`` satisfies one constraint parameter."""
        if parameter == SH["class"]:
            classes = self.subclasses(argument)
            if any(isinstance(c, BNode) for c in classes):  # a blank node cannot be written into the query
                return f"(!isLiteral({var}) && EXISTS {{ {var} <{RDF.type}>/<{RDFS.subClassOf}>* {sparql_term(argument)} }})"
            kind = self.fresh()
            listed = ", ".join(sparql_term(c) for c in classes)
            return f"(!isLiteral({var}) && EXISTS {{ {var} <{RDF.type}> {kind} FILTER({kind} IN ({listed})) }})"
        if parameter == SH.datatype:
            return _datatype_test(var, argument)
        if parameter == SH.nodeKind:
            if argument not in _NODE_KINDS:
                raise SchemaError(f"bad sh:nodeKind {argument!r}")
            return _NODE_KINDS[argument].format(v=var)
        if parameter == SH["in"]:
            members = list(Collection(self.sg, argument))
            return "(" + (" || ".join(f"sameTerm({var}, {sparql_term(m)})" for m in members) or "false") + ")"
        if parameter == SH.pattern:
            flags = self.sg.value(shape.node, SH.flags)
            extra = f", {sparql_term(Literal(str(flags)))}" if flags is not None else ""
            return f"(!isBlank({var}) && REGEX(STR({var}), {sparql_term(Literal(str(argument)))}{extra}))"
        if parameter == SH.languageIn:
            tags = [str(t) for t in Collection(self.sg, argument)]
            matches = " || ".join(f"LANGMATCHES(LANG({var}), {sparql_term(Literal(t))})" for t in tags) or "false"
            return f'(isLiteral({var}) && LANG({var}) != "" && ({matches}))'
        if parameter in (SH.minLength, SH.maxLength):
            operator = ">=" if parameter == SH.minLength else "<="
            return f"(!isBlank({var}) && STRLEN(STR({var})) {operator} {_integer(argument)})"
        if parameter in _RANGES:
            return f"COALESCE({var} {_RANGES[parameter]} {sparql_term(argument)}, false)"
        if parameter == SH.node:
            return self.conforms(argument, var)
        if parameter in (SH["or"], SH["and"], SH.xone):
            members = [self.conforms(m, var) for m in Collection(self.sg, argument)]
            if parameter == SH["or"]:
                return "(" + (" || ".join(members) or "false") + ")"
            if parameter == SH["and"]:
                return "(" + (" && ".join(members) or "true") + ")"
            return "((" + (" + ".join(f"IF({m}, 1, 0)" for m in members) or "0") + ") = 1)"
        if parameter == SH["not"]:
            return f"!({self.conforms(argument, var)})"
        raise UnsupportedShapes(f"sh:{str(parameter).rsplit('#', 1)[-1]} is not supported by the oxigraph engine")

    def conforms(self, node: Node, var: str, depth: int = 0) -> str:
        """A SPARQL expression true when the node ``var`` conforms to the shape ``node``."""
        if depth > 20:
            raise UnsupportedShapes("shapes nested deeper than 20 levels (recursive shapes?)")
        shape = self.reader.shape(node)
        if shape.deactivated:
            return "true"
        if SH.sparql in shape.params:
            raise UnsupportedShapes(f"a SPARQL constraint inside sh:node, sh:or or a qualified shape ({name_of(node)})")
        if shape.path_sparql is not None:
            return self.property_conforms(shape, var, depth)
        parts = []
        for parameter in _VALUE_COMPONENTS:
            for argument in shape.params.get(parameter, ()):
                parts.append(self.value_test(shape, parameter, argument, var) if parameter != SH.node else self.conforms(argument, var, depth + 1))
        for argument in shape.params.get(SH.hasValue, ()):
            parts.append(f"sameTerm({var}, {sparql_term(argument)})")
        for child in shape.params.get(SH.property, ()):
            parts.append(self.property_conforms(self.reader.shape(child), var, depth + 1))
        return "(" + (" && ".join(parts) or "true") + ")"

    def property_conforms(self, shape: Shape, var: str, depth: int) -> str:
        if shape.deactivated:
            return "true"
        if shape.path_sparql is None:
            raise SchemaError(f"sh:property {name_of(shape.node)} has no sh:path")
        path, params = shape.path_sparql, shape.params
        x, y = self.fresh(), self.fresh()
        parts = []
        for parameter in _VALUE_COMPONENTS:
            for argument in params.get(parameter, ()):
                test = self.value_test(shape, parameter, argument, x) if parameter != SH.node else self.conforms(argument, x, depth + 1)
                parts.append(f"NOT EXISTS {{ {var} {path} {x} FILTER(!({test})) }}")
        for argument in params.get(SH.hasValue, ()):
            parts.append(f"EXISTS {{ {var} {path} {sparql_term(argument)} }}")
        for argument in params.get(SH.minCount, ()):
            count = _integer(argument)
            if count == 1:
                parts.append(f"EXISTS {{ {var} {path} {x} }}")
            elif count > 1:
                raise UnsupportedShapes("sh:minCount above 1 inside sh:node, sh:or or a qualified shape")
        for argument in params.get(SH.maxCount, ()):
            count = _integer(argument)
            if count == 0:
                parts.append(f"NOT EXISTS {{ {var} {path} {x} }}")
            elif count == 1:
                parts.append(f"NOT EXISTS {{ {var} {path} {x} . {var} {path} {y} FILTER(!sameTerm({x}, {y})) }}")
            else:
                raise UnsupportedShapes("sh:maxCount above 1 inside sh:node, sh:or or a qualified shape")
        for argument in params.get(SH.uniqueLang, ()):
            if _true(argument):
                parts.append(
                    f"NOT EXISTS {{ {var} {path} {x} . {var} {path} {y} FILTER(!sameTerm({x}, {y}) && isLiteral({x}) "
                    f'&& isLiteral({y}) && LANG({x}) != "" && LCASE(LANG({x})) = LCASE(LANG({y}))) }}'
                )
        if SH.qualifiedValueShape in params:
            raise UnsupportedShapes("sh:qualifiedValueShape inside sh:node, sh:or or a qualified shape")
        for child in params.get(SH.property, ()):
            raise UnsupportedShapes(f"sh:property on a property shape ({name_of(child)}) inside a nested shape")
        return "(" + (" && ".join(parts) or "true") + ")"

    def values_of(self, shape: Shape, var: str) -> str:
        """A pattern that binds ``?this`` and ``var`` to each node and value of the property shape's path.

        The query joins it with its focus nodes. A path that takes at least one step becomes a subquery
        over the whole property, which Oxigraph joins by hashing; as a plain pattern it would look each
        focus node up in the on-disk indexes one by one, about three times slower at a million triples.
        A path with zero-length matches (``p*``, ``p?``) stays a pattern: on its own it would match every
        node of the graph.
        """
        if shape.zero_length:
            return f"?this {shape.path_sparql} {var} ."
        return f"{{ SELECT ?this {var} WHERE {{ ?this {shape.path_sparql} {var} }} }}"

    def subclasses(self, cls: Node) -> list[Node]:
        """``cls`` and the classes below it in the data (``rdfs:subClassOf*``), looked up once per class.

        ``sh:class`` tested as "has a type among these" instead of the path ``rdf:type/rdfs:subClassOf*``
        for every value: the same answer, without walking the class tree once per value (seconds at a
        million triples, where the references to check number in the hundreds of thousands).
        """
        if cls not in self._subclasses:
            rows = self.select(f"SELECT DISTINCT ?c WHERE {{ ?c <{RDFS.subClassOf}>* {sparql_term(cls)} }}")
            found = {_to_rdflib(row[0]) for row in rows} | {cls}
            self._subclasses[cls] = sorted(found, key=lambda c: (isinstance(c, BNode), str(c)))
        return self._subclasses[cls]

    def fresh(self) -> str:
        return f"?_x{next(self._fresh)}"

    # -- results ------------------------------------------------------------------------------

    def select(self, query: str) -> list:
        try:
            answer = self.store.query(query)
        except (SyntaxError, ValueError, OSError, RuntimeError) as error:  # a shape we compiled wrongly, or bad input
            raise SchemaError(f"the oxigraph engine cannot run a compiled shape: {' '.join(str(error).split())[:300]}") from None
        width = len(answer.variables)
        return [tuple(solution[i] for i in range(width)) for solution in answer]

    def add(self, shape: Shape, component: URIRef, focus, value) -> None:
        self.results.append(_Result(focus, value, shape.node, component, shape.path, shape.severity, list(shape.messages)))

    def report(self) -> Graph:
        graph = Graph()
        graph.bind("sh", SH)
        report = BNode()
        graph.add((report, RDF.type, SH.ValidationReport))
        graph.add((report, SH.conforms, Literal(not self.results)))
        cache: dict[object, Node] = {}

        def convert(term):
            if term is None or isinstance(term, Node):
                return term
            if term not in cache:
                cache[term] = _to_rdflib(term)
            return cache[term]

        for item in self.results:
            result = BNode()
            add = graph.add
            add((report, SH.result, result))
            add((result, RDF.type, SH.ValidationResult))
            add((result, SH.focusNode, convert(item.focus)))
            if item.path is not None:
                add((result, SH.resultPath, item.path))
            if item.value is not None:
                add((result, SH.value, convert(item.value)))
            add((result, SH.sourceShape, item.shape))
            add((result, SH.sourceConstraintComponent, item.component))
            add((result, SH.resultSeverity, item.severity))
            if item.constraint is not None:
                add((result, SH.sourceConstraint, item.constraint))
            for message in item.messages:
                add((result, SH.resultMessage, message))
        return graph


# -- helpers ------------------------------------------------------------------------------------


def _datatype_test(var: str, datatype: Node) -> str:
    if not isinstance(datatype, URIRef):
        raise SchemaError(f"bad sh:datatype {datatype!r}")
    iri = str(datatype)
    if datatype == RDF.langString:
        return f'(isLiteral({var}) && LANG({var}) != "")'
    test = f"(isLiteral({var}) && DATATYPE({var}) = <{iri}>"
    if iri in _CASTABLE:
        test += f" && COALESCE(STRLEN(STR(<{iri}>(STR({var})))) >= 0, false)"
    return test + ")"


def _bind_this(text: str, focus: str) -> str:
    """The SPARQL constraint's query with ``$this`` as ``?this``, joined first with the focus nodes."""
    from policygraph.sparql.params import _where_start
    from policygraph.sparql.syntax import _TOKENS

    tokens = list(_TOKENS.finditer(text))
    pieces = []
    last = 0
    for match in tokens:
        if match.lastgroup == "var" and match.group() in ("$this", "?this"):
            pieces.append(text[last : match.start()])
            pieces.append("?this")
            last = match.end()
    text = "".join(pieces) + text[last:]
    tokens = list(_TOKENS.finditer(text))
    start = tokens[_where_start(tokens, "SELECT")].end()
    return text[:start] + " " + focus + " " + text[start:]


def _fill(message: str, bound: dict[str, str]) -> str:
    for name, value in bound.items():
        message = message.replace("{?" + name + "}", value).replace("{$" + name + "}", value)
    return message


def _integer(node: Node) -> int:
    try:
        return int(node.toPython()) if isinstance(node, Literal) else int(str(node))
    except (TypeError, ValueError):
        raise SchemaError(f"expected an integer, not {node!r}") from None


def _true(node: Node | None) -> bool:
    return isinstance(node, Literal) and node.toPython() is True


def _to_rdflib(term):
    from policygraph.graph.convert import to_rdflib

    return to_rdflib(term)
