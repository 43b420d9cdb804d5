"""Whether a state is bound by a treaty on a date: the one rule, ``queries/bound-by-treaty.rq``, in words.

``policygraph query bound-by-treaty`` asks the rule; ``binding_status`` runs the same file as
``SELECT *`` without its closing ``FILTER(?bound)``, so it sees the rule's bindings (the entry into
force, recorded or derived, the consent, the delay) even where the answer is no, and words them.
Nothing here decides binding: ``?bound`` does.
"""

from __future__ import annotations

import datetime as _dt
import functools
import re
from types import SimpleNamespace

from rdflib import Literal
from rdflib.term import Node

from policygraph.errors import SchemaError
from policygraph.graph.handle import LoadedGraph
from policygraph.terms import XSD
from policygraph.tracing.model import Binding
from policygraph.tracing.rules import rule_text, run_text

__all__ = ["RULE", "binding_rows", "binding_status", "delay_in_words"]

RULE = "bound-by-treaty"
"""The named query that is the binding rule."""

_ASK = re.compile(r"^ASK\s*\{", re.MULTILINE)
_LAST_FILTER = re.compile(r"^\s*FILTER\(\?bound\)\s*\n\}\s*$", re.MULTILINE)


@functools.lru_cache(maxsize=1)
def _select_text() -> str:
    """The rule as ``SELECT *``: its ASK head and its final ``FILTER(?bound)`` line taken away, nothing else."""
    text = rule_text(RULE)
    if len(_ASK.findall(text)) != 1 or not _LAST_FILTER.search(text):
        raise SchemaError(f"queries/{RULE}.rq must be 'ASK {{ ... FILTER(?bound) }}': the binding rule reads it as SELECT *")
    return _LAST_FILTER.sub("\n}\n", _ASK.sub("SELECT * WHERE {", text, count=1))


def binding_rows(loaded: LoadedGraph, state: Node, treaty: Node, day: _dt.date) -> list[SimpleNamespace]:
    """The rule's rows for (state, treaty) judged on ``day``: one per participation, with ``bound`` true or false."""
    return run_text(loaded, _select_text(), state=state, treaty=treaty, date=Literal(day.isoformat(), datatype=XSD.date))


def binding_status(loaded: LoadedGraph, treaty: Node | None, is_binding: bool, state: Node, state_label: str, day: _dt.date) -> Binding:
    """The state's binding status for a provision's treaty on ``day``, in the words the reports print.

    Args:
        treaty: the provision's treaty (None: the provision names none).
        is_binding: False for a non-binding instrument (``pg:binding false``).
    """
    if treaty is None:
        return Binding("unknown", "the provision names no treaty")
    if not is_binding:
        return Binding("non-binding", "not a treaty: a non-binding instrument, relevant as a standard")
    rows = binding_rows(loaded, state, treaty, day)
    if not rows:
        return Binding("unknown", f"no participation of {state_label} is recorded")
    row = SimpleNamespace(**{name: _text(value) for name, value in vars(rows[0]).items()})
    if row.party != "true":
        if row.status == "signatory" or (row.status is None and row.signed is not None):
            signed = f" on {row.signed}" if row.signed is not None else ""
            return Binding("signatory", f"signed by {state_label}{signed}, not ratified: not binding")
        return Binding("not-party", f"{state_label} is not a party: not binding, relevant as a standard")
    if row.basis == "not recorded":
        what = f"{row.consentKind} on {row.consent}" if row.consent is not None else f"{state_label} is a party"
        return Binding("not-recorded", f"{what}; entry into force not recorded", basis=row.basis)
    since = row.recorded if row.basis == "recorded" else row.start
    derived = f" ({_derivation(row)})" if row.basis == "derived" else ""
    if row.bound == "true":
        return Binding("in-force", f"in force for {state_label} since {since}{derived}", since, row.basis)
    return Binding(
        "not-yet-in-force", f"not yet binding on {day.isoformat()}: in force for {state_label} from {since}{derived}", since, row.basis
    )


def _derivation(row: SimpleNamespace) -> str:
    """``derived: ratified 1994-04-22 + 30 days`` (and the treaty's own entry into force where that came later)."""
    words = f"derived: {row.consentKind} {row.consent} + {delay_in_words(row.delay)}"
    if row.start != row.afterDelay:
        words += f", not before the treaty's own entry into force on {row.treatyInForce}"
    return words


_DURATION = re.compile(r"^P(?:(\d+)Y)?(?:(\d+)M)?(?:(\d+)D)?$")


def delay_in_words(duration: str) -> str:
    """An ``xsd:duration`` of years, months and days in words: ``P30D`` -> ``30 days``, ``P3M`` -> ``3 months``."""
    match = _DURATION.match(duration)
    if not match or not any(match.groups()):
        return duration  # hours or minutes: shown as recorded
    parts = []
    for number, unit in zip(match.groups(), ("year", "month", "day")):
        if number:
            parts.append(f"{int(number)} {unit}{'' if int(number) == 1 else 's'}")
    return " ".join(parts)


def _text(value: Node | None) -> str | None:
    """A column as text; None where the rule left it unbound or empty ("" marks "no value" in the rule)."""
    return None if value is None or str(value) == "" else str(value)
