"""Running the trace rules: the SPARQL files ``queries/trace-*.rq``, on the graph handle's store.

The rules are the same files ``policygraph query trace-cited --param policy=...`` runs, so a reader
can check any step of a trace by hand. Each rule returns the labels it shows (``?provisionLabel``
next to ``?provision``), picked in SPARQL the way ``graph.labels.label_of`` picks them; ``label``
only falls back to the id where a node has no label at all.
"""

from __future__ import annotations

import functools
from types import SimpleNamespace

from rdflib.term import Node

from policygraph import resources
from policygraph.graph.handle import LoadedGraph
from policygraph.graph.labels import local_id

__all__ = ["run", "run_text", "run_for_each", "run_for_all", "rule_text", "label", "text"]


def run(loaded: LoadedGraph, name: str, **bindings: Node) -> list[SimpleNamespace]:
    """The rows of a named rule, its parameters in VALUES blocks, each row with the rule's variables as attributes (unbound: None)."""
    return run_text(loaded, rule_text(name), **bindings)


def run_text(loaded: LoadedGraph, query: str, **bindings: Node) -> list[SimpleNamespace]:
    """``run`` for a rule's text already in hand (the binding rule reads its ASK file as SELECT)."""
    from policygraph.sparql.params import with_values

    return _rows(loaded, with_values(query, bindings, "SELECT"))


@functools.lru_cache(maxsize=None)
def rule_text(name: str) -> str:
    """The text of ``queries/NAME.rq``, read once a process (a trace runs the same rules hundreds of times)."""
    return (resources.queries_dir() / f"{name}.rq").read_text(encoding="utf-8")


def _rows(loaded: LoadedGraph, query: str) -> list[SimpleNamespace]:
    from policygraph.sparql.engines import evaluate_oxigraph

    result = evaluate_oxigraph(loaded.store, query, "SELECT")
    return [SimpleNamespace(**dict(zip(result.variables, row))) for row in result.rows]


def label(row: SimpleNamespace, variable: str) -> str:
    """The label the rule gave ``?variable`` (in ``?variableLabel``), else the node's id."""
    value = getattr(row, variable + "Label")
    return str(value) if value is not None else local_id(getattr(row, variable))


def text(value: Node | None) -> str | None:
    """A column's value as text, None where the rule left it unbound."""
    return None if value is None else str(value)


def run_for_each(
    loaded: LoadedGraph, name: str, variable: str, values: list[Node], *, also: dict[str, list[Node]] | None = None, **bindings: Node
) -> list[SimpleNamespace]:
    """The rows of a named rule for every value of ``?variable`` at once (one ``VALUES`` row each), as ``run`` gives them,
    its other parameters (``bindings``) bound as ``run`` binds them; ``also`` gives more variables their lists of values
    (the rows of every combination).

    For a question asked of many nodes (every source a report cites), so it is one query, not one per node.
    """
    lists = {variable: values, **(also or {})}
    if not all(lists.values()):
        return []
    from policygraph.sparql.params import with_values
    from policygraph.sparql.syntax import sparql_term

    query = rule_text(name)
    if bindings:
        query = with_values(query, bindings, "SELECT")
    blocks = " ".join(f"VALUES ?{v} {{ {' '.join(sparql_term(n) for n in nodes)} }}" for v, nodes in lists.items())
    where = query.index("WHERE {") + len("WHERE {")
    return _rows(loaded, query[:where] + f" {blocks}" + query[where:])


_EACH = "urn:policygraph:each"  # a stand-in value for ``run_for_all``, never in the data


def run_for_all(loaded: LoadedGraph, name: str, parameter: str, values: list[Node], **bindings: Node) -> list[SimpleNamespace]:
    """The rows ``run`` gives for each value of the parameter ``?parameter``, all in one query.

    The parameter is bound where ``run`` binds it, first in every group that mentions it (not once at the top,
    as ``run_for_each`` does): a rule whose parts each start from it, or test it in ``FILTER NOT EXISTS``,
    keeps its meaning and its speed. The rule must give ``?parameter`` as a column to tell the rows apart.
    """
    if not values:
        return []
    import re

    from rdflib import URIRef

    from policygraph.sparql.params import with_values
    from policygraph.sparql.syntax import sparql_term

    each = sparql_term(URIRef(_EACH))
    query = with_values(rule_text(name), {parameter: URIRef(_EACH), **bindings}, "SELECT")
    rows_of_block = re.compile(r"\(([^()]*" + re.escape(each) + r"[^()]*)\)")  # a VALUES row holding the stand-in
    expanded = rows_of_block.sub(lambda row: " ".join(f"({row.group(1).replace(each, sparql_term(v))})" for v in values), query)
    return _rows(loaded, expanded)
