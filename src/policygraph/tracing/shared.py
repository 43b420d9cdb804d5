"""What the policy traces of one inverse trace share: the reads that are the same for every policy, made once.

``trace_provision`` traces every policy engaging a provision (or a treaty's provisions); each trace would
read again the provisions' facts, reservations and raised items, the treaties' binding status and gaps,
the sources' records, the briefs of context items, and run the per-policy rules once per policy. A
``SharedReads`` keeps those reads, and reads the per-policy rules for every policy in one query each
(``read_rules``). ``trace_policy`` makes a new one per trace; tests hold an inverse trace's policy traces
equal to the traces made alone.
"""

from __future__ import annotations

from types import SimpleNamespace

from rdflib.term import Node

from policygraph.graph.handle import LoadedGraph
from policygraph.graph.labels import label_of, node_for_id
from policygraph.terms import PG
from policygraph.tracing.evidence import RaisedItems
from policygraph.tracing.model import Binding, Statement
from policygraph.tracing.rules import run_for_all, run_for_each

__all__ = ["SharedReads", "state_of"]


class SharedReads:
    """The reads one inverse trace's policy traces share (one per ``trace_provision``, a new one per ``trace_policy``)."""

    def __init__(self, loaded: LoadedGraph) -> None:
        self.statements: dict[tuple[Node, Node], list[Statement]] = {}
        self.bindings: dict[tuple, Binding] = {}
        self.raised = RaisedItems(loaded)  # every item raising a provision, whoever it is about
        self.briefs: dict[Node, str] = {}
        self.sources: dict = {}  # number_sources' records of each source key
        self.treaty_gaps: dict = {}  # cannot_see's rows of each (treaties, state)
        self._facts: dict[Node, SimpleNamespace] = {}
        self._labels: dict[Node, str] = {}
        self.rows: dict[str, dict[Node, list]] = {}  # rule -> policy -> its rows, read for every policy at once (``read_rules``)

    def read_rules(self, loaded: LoadedGraph, policies: list[Node], provisions: list[Node]) -> None:
        """The per-policy rules for all ``policies`` in one query each (they give ``?policy`` as a column): a few
        queries instead of four per policy; the evidence rules for ``provisions`` only."""
        wanted = set(provisions)  # trace-cited is quicker bound per group, trace-inferred bound to the provisions too
        cited = run_for_all(loaded, "trace-cited", "policy", policies)
        self._split("trace-cited", policies, [row for row in cited if row.provision in wanted])
        self._split("trace-inferred", policies, run_for_each(loaded, "trace-inferred", "policy", policies, also={"provision": provisions}))
        self._split("trace-context", policies, run_for_all(loaded, "trace-context", "policy", policies))
        by_state: dict[Node, list[Node]] = {}
        for policy in policies:
            by_state.setdefault(state_of(loaded, policy), []).append(policy)
        for state, some in by_state.items():
            self._split("trace-coverage", some, run_for_all(loaded, "trace-coverage", "policy", some, state=state))

    def _split(self, name: str, policies: list[Node], rows: list) -> None:
        by_policy = self.rows.setdefault(name, {})
        for policy in policies:
            by_policy[policy] = []
        for row in rows:
            by_policy[row.policy].append(row)

    def label(self, loaded: LoadedGraph, node: Node) -> str:
        """``label_of`` the node, once per inverse trace (the state, the classes of policies)."""
        if node not in self._labels:
            self._labels[node] = label_of(loaded.graph, node)
        return self._labels[node]

    def facts(self, loaded: LoadedGraph, provisions: list[Node]) -> dict[Node, SimpleNamespace]:
        """Each provision's ``trace-provision`` row (its first), read in one query for those not read yet."""
        unread = [p for p in provisions if p not in self._facts]
        for row in run_for_each(loaded, "trace-provision", "provision", unread):
            self._facts.setdefault(row.provision, row)
        return self._facts

    def rows_of(self, name: str, policy: Node) -> list | None:
        """The policy's rows of rule ``name`` if ``read_rules`` read them, else None."""
        return self.rows.get(name, {}).get(policy)


def state_of(loaded: LoadedGraph, policy: Node) -> Node:
    """The policy's state: its jurisdiction, else Japan."""
    return loaded.graph.value(policy, PG.jurisdiction) or node_for_id("jp")
