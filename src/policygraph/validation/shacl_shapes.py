"""Reading SHACL shapes for the Oxigraph engine: shapes, their paths and targets, as SPARQL fragments.

``ShapesReader`` walks the shapes graph once per shape (cached) and refuses, with
``UnsupportedShapes``, any feature the engine in ``shacl_oxigraph`` does not implement, so that
``validate`` can fall back to pySHACL before anything runs.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import OWL, RDF, RDFS, SH
from rdflib.term import Node

from policygraph.errors import SchemaError

__all__ = ["SUPPORTED_PARAMETERS", "TARGETS", "Shape", "ShapesReader", "UnsupportedShapes", "name_of", "order_key", "sparql_term"]


class UnsupportedShapes(SchemaError):
    """The shapes use a SHACL feature this engine does not implement (use pySHACL for them)."""


# Parameters of the constraint components this engine implements (others make the shapes unsupported).
SUPPORTED_PARAMETERS = {
    SH["class"], SH.datatype, SH.nodeKind, SH["in"], SH.hasValue, SH.pattern, SH.flags, SH.languageIn,
    SH.minLength, SH.maxLength, SH.minInclusive, SH.maxInclusive, SH.minExclusive, SH.maxExclusive,
    SH.minCount, SH.maxCount, SH.uniqueLang, SH.qualifiedValueShape, SH.qualifiedMinCount, SH.qualifiedMaxCount,
    SH.qualifiedValueShapesDisjoint, SH.node, SH.property, SH["or"], SH["and"], SH["not"], SH.xone, SH.sparql,
}
_UNSUPPORTED = {
    SH.closed, SH.ignoredProperties, SH.equals, SH.disjoint, SH.lessThan, SH.lessThanOrEquals, SH.target,
    SH.rule, SH.expression, SH.js,
}
_SHAPE_TYPES = {SH.NodeShape, SH.PropertyShape}
TARGETS = (SH.targetNode, SH.targetClass, SH.targetSubjectsOf, SH.targetObjectsOf)


@dataclass
class Shape:
    """One shape as the engine uses it: its path (and the path in SPARQL), severity, messages, parameters."""

    node: Node
    path: Node | None
    path_sparql: str | None
    severity: URIRef
    messages: list[Literal]
    deactivated: bool
    params: dict[URIRef, list[Node]] = field(default_factory=dict)
    zero_length: bool = False  # the path can lead from a node to itself in no step (it has a * or ? part)


class ShapesReader:
    """The shapes graph, read shape by shape into ``Shape``s (each once)."""

    def __init__(self, graph: Graph):
        self.graph = graph
        self.cache: dict[Node, Shape] = {}

    def shape(self, node: Node) -> Shape:
        if node not in self.cache:
            sg = self.graph
            for parameter in _UNSUPPORTED:
                if (node, parameter, None) in sg:
                    name = str(parameter).rsplit("#", 1)[-1]
                    raise UnsupportedShapes(f"shape {name_of(node)} uses sh:{name}, which the oxigraph engine does not support")
            path = sg.value(node, SH.path)
            severity = sg.value(node, SH.severity) or SH.Violation
            messages = sorted((m for m in sg.objects(node, SH.message) if isinstance(m, Literal)), key=str)
            deactivated = sg.value(node, SH.deactivated)
            shape = Shape(
                node,
                path,
                self.path_sparql(path) if path is not None else None,
                severity,
                messages,
                bool(deactivated is not None and deactivated.toPython() is True),
            )
            for parameter in SUPPORTED_PARAMETERS:
                values = sorted(sg.objects(node, parameter), key=order_key)
                if values:
                    shape.params[parameter] = values
            shape.zero_length = path is not None and self.zero_length(path)
            self.cache[node] = shape
        return self.cache[node]

    def path_sparql(self, path: Node) -> str:
        sg = self.graph
        if isinstance(path, URIRef):
            return f"<{path}>"
        if not isinstance(path, BNode):
            raise SchemaError(f"bad sh:path {path!r}")
        if (path, RDF.first, None) in sg:
            members = list(Collection(sg, path))
            if len(members) < 2:
                raise SchemaError("a sequence path needs at least two members")
            return "(" + "/".join(self.path_sparql(m) for m in members) + ")"
        for predicate, template in (
            (SH.inversePath, "^{}"),
            (SH.zeroOrMorePath, "{}*"),
            (SH.oneOrMorePath, "{}+"),
            (SH.zeroOrOnePath, "{}?"),
        ):
            inner = sg.value(path, predicate)
            if inner is not None:
                return "(" + template.format(self.path_sparql(inner)) + ")"
        alternatives = sg.value(path, SH.alternativePath)
        if alternatives is not None:
            return "(" + "|".join(self.path_sparql(m) for m in Collection(sg, alternatives)) + ")"
        raise SchemaError("bad sh:path: a blank node that is no SHACL path")

    def zero_length(self, path: Node) -> bool:
        """Whether the (well-formed) ``path`` matches a node and itself with no step, as ``p*`` and ``p?`` do."""
        sg = self.graph
        if not isinstance(path, BNode):
            return False
        if (path, RDF.first, None) in sg:
            return all(self.zero_length(m) for m in Collection(sg, path))
        if (path, SH.zeroOrMorePath, None) in sg or (path, SH.zeroOrOnePath, None) in sg:
            return True
        for predicate in (SH.inversePath, SH.oneOrMorePath):
            inner = sg.value(path, predicate)
            if inner is not None:
                return self.zero_length(inner)
        alternatives = sg.value(path, SH.alternativePath)
        return alternatives is not None and any(self.zero_length(m) for m in Collection(sg, alternatives))

    def top_level(self) -> list[Node]:
        sg = self.graph
        found = set()
        for target in TARGETS:
            found.update(sg.subjects(target, None))
        for cls in (RDFS.Class, OWL.Class):
            for node in sg.subjects(RDF.type, cls):
                if any((node, RDF.type, t) in sg for t in _SHAPE_TYPES):
                    found.add(node)
        return sorted(found, key=order_key)

    def targets(self, node: Node, subclasses: Callable[[Node], list[Node]]) -> str | None:
        """The focus nodes of the shape ``node``: a SPARQL subquery that binds ``?this``, or None without targets.

        ``subclasses`` gives a class and the classes below it in the data. The class targets become
        ``?this rdf:type ?c`` with ``?c`` among them: the same nodes as the path ``rdf:type/rdfs:subClassOf*``,
        which Oxigraph would otherwise evaluate again for every row the rest of a query joins with it
        (2 s instead of 60 ms for a SPARQL constraint on 1,900 nodes of a million-triple graph).
        """
        sg = self.graph
        parts = []
        nodes = sorted(sg.objects(node, SH.targetNode), key=order_key)
        if nodes:
            parts.append("{ VALUES ?this { " + " ".join(sparql_term(n) for n in nodes) + " } }")
        classes = set(sg.objects(node, SH.targetClass))
        if any((node, RDF.type, c) in sg for c in (RDFS.Class, OWL.Class)):
            classes.add(node)
        listed: set[Node] = set()
        for cls in sorted(classes, key=order_key):
            below = subclasses(cls)
            if any(isinstance(c, BNode) for c in below):  # a blank node cannot be written into the query
                parts.append(f"{{ ?this <{RDF.type}>/<{RDFS.subClassOf}>* {sparql_term(cls)} }}")
            else:
                listed.update(below)
        if listed:
            parts.append("{ VALUES ?_c { " + " ".join(sparql_term(c) for c in sorted(listed, key=order_key)) + f" }} ?this <{RDF.type}> ?_c }}")
        for predicate in sorted(sg.objects(node, SH.targetSubjectsOf), key=order_key):
            parts.append(f"{{ ?this {sparql_term(predicate)} ?_t }}")
        for predicate in sorted(sg.objects(node, SH.targetObjectsOf), key=order_key):
            parts.append(f"{{ ?_t {sparql_term(predicate)} ?this }}")
        if not parts:
            return None
        return "{ SELECT DISTINCT ?this WHERE { " + " UNION ".join(parts) + " } }"

    def siblings(self, shape: Shape, qualified: Node) -> list[Node]:
        """The other qualified value shapes of the property shapes of the node shapes that have ``shape``."""
        found = []
        for parent in self.graph.subjects(SH.property, shape.node):
            for other in self.graph.objects(parent, SH.property):
                for sibling in self.graph.objects(other, SH.qualifiedValueShape):
                    if sibling != qualified and sibling not in found:
                        found.append(sibling)
        return sorted(found, key=order_key)

    def prefixes(self, constraint: Node) -> dict[str, str]:
        sg = self.graph
        found: dict[str, str] = {}
        for ontology in sg.objects(constraint, SH.prefixes):
            for declaration in sg.objects(ontology, SH.declare):
                prefix, namespace = sg.value(declaration, SH.prefix), sg.value(declaration, SH.namespace)
                if prefix is not None and namespace is not None:
                    found[str(prefix)] = str(namespace)
        return found


def sparql_term(node: Node) -> str:
    from policygraph.sparql.syntax import sparql_term

    if isinstance(node, BNode):
        raise UnsupportedShapes("a blank node as a constraint value (sh:in, sh:hasValue, sh:targetNode) is not supported")
    return sparql_term(node)


def order_key(node: Node) -> tuple:
    return (type(node).__name__, str(node))


def name_of(node: Node) -> str:
    return f"<{node}>" if isinstance(node, URIRef) else "(a blank node)"
