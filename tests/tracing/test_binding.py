"""The one binding rule: `trace`'s wording and `query bound-by-treaty` agree on every treaty and date boundary."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from policygraph import load_graph
from policygraph.graph.labels import label_of, local_id, node_for_id
from policygraph.sparql.engines import evaluate_oxigraph
from policygraph.sparql.params import bind_params, with_values
from policygraph.sparql.query import named_query
from policygraph.sparql.run import run_query
from policygraph.terms import PG, RDF
from policygraph.tracing.binding import binding_rows, binding_status, delay_in_words
from policygraph.tracing.trace import trace_policy

WORLD = Path(__file__).parents[1] / "fixtures" / "binding" / "world.ttl"


@pytest.fixture(scope="module")
def world():
    return load_graph([WORLD], bundled=False)


def _day(text: str) -> dt.date:
    parts = [int(p) for p in str(text).split("-")]
    return dt.date(parts[0], parts[1] if len(parts) > 1 else 1, parts[2] if len(parts) > 2 else 1)


def _grid(loaded, state, treaty, only_entry_into_force: bool = False) -> set[dt.date]:
    """Each date recorded on the participation or the treaty, the rule's entry into force, and the day before each."""
    days = set()
    names = ("start",) if only_entry_into_force else ("signed", "ratified", "acceded", "accepted", "recorded", "treatyInForce", "start")
    for row in binding_rows(loaded, state, treaty, dt.date(2000, 1, 1)):
        for name in names:
            value = getattr(row, name)
            if value is not None and str(value):
                days |= {_day(value), _day(value) - dt.timedelta(days=1)}
    return days


def _ask_oxigraph(loaded, params) -> bool:
    """``query bound-by-treaty`` as run_query evaluates it on Oxigraph, without re-parsing the text for its check (slow)."""
    query = named_query("bound-by-treaty")
    return evaluate_oxigraph(loaded.store, with_values(query.text, bind_params(query, params, loaded), "ASK"), "ASK").boolean


def _ask_rdflib(loaded, params) -> bool:
    query = named_query("bound-by-treaty")
    return run_query(query, bind_params(query, params, loaded), graph=loaded, engine="rdflib").boolean


def _agree(loaded, ask, only_entry_into_force: bool = False) -> int:
    """Check every (treaty, date) of the grid; return how many were checked."""
    graph, checked = loaded.graph, 0
    for participation in graph.subjects(RDF.type, PG.Participation):
        state, treaty = graph.value(participation, PG.state), graph.value(participation, PG.treaty)
        is_binding = str(graph.value(treaty, PG.binding)) != "false"
        for day in sorted(_grid(loaded, state, treaty, only_entry_into_force)):
            said = binding_status(loaded, treaty, is_binding, state, label_of(graph, state), day)
            asked = ask(loaded, {"treaty": local_id(treaty), "state": local_id(state), "date": day.isoformat()})
            assert (said.status == "in-force") == asked, (local_id(treaty), day, said.note, asked)
            checked += 1
    return checked


def test_binding_rule_and_bound_by_treaty_agree_on_the_bundled_data(bundled):
    """Every treaty in the bundled data, on each recorded date and the day before: trace's status and the ASK agree."""
    assert _agree(bundled, _ask_oxigraph) > 90  # 98 (treaty, date) pairs in the data as it is


def test_binding_rule_and_bound_by_treaty_agree_on_derived_dates(world):
    """On the fixture (derived dates in days and months, a treaty's own later entry into force) they agree too."""
    assert _agree(world, _ask_oxigraph) > 20


def test_bound_by_treaty_on_rdflib_agrees_at_each_entry_into_force(world):
    """rdflib's evaluation of the same file gives the same answers on each entry into force and the day before."""
    assert _agree(world, _ask_rdflib, only_entry_into_force=True) == 10  # five treaties in force, two days each


@pytest.mark.parametrize(
    "date, answer",
    [("2000-02-09", "true"), ("2000-02-08", "false"), ("2010-04", "true"), ("2010-03", "false"), ("2010", "true"), ("2009", "false")],
)
def test_query_bound_by_treaty_cli_reads_a_year_or_month_as_its_last_day(invoke, date, answer):
    """`query bound-by-treaty` takes YYYY, YYYY-MM or a day, as `trace --as-of` does (a year or month: its last day)."""
    treaty = "t-rec" if date.startswith("2000") else "t-days"
    result = invoke("query", "bound-by-treaty", "--param", f"treaty={treaty}", "--param", "state=sv",
                    "--param", f"date={date}", "--no-bundled", "--data", WORLD)
    assert (result.stdout, result.exit_code) == (answer + "\n", 0 if answer == "true" else 1)


@pytest.mark.parametrize(
    "treaty, day, status, note",
    [
        ("t-rec", "2000-02-09", "in-force", "in force for Silvania since 2000-02-09"),
        ("t-rec", "2000-02-08", "not-yet-in-force", "not yet binding on 2000-02-08: in force for Silvania from 2000-02-09"),
        ("t-days", "2010-04-14", "in-force", "in force for Silvania since 2010-04-14 (derived: ratified 2010-03-15 + 30 days)"),
        ("t-days", "2010-04-13", "not-yet-in-force",
         "not yet binding on 2010-04-13: in force for Silvania from 2010-04-14 (derived: ratified 2010-03-15 + 30 days)"),
        ("t-months", "2011-04-30", "in-force", "in force for Silvania since 2011-04-30 (derived: acceded 2011-01-31 + 3 months)"),
        ("t-months", "2011-04-29", "not-yet-in-force",
         "not yet binding on 2011-04-29: in force for Silvania from 2011-04-30 (derived: acceded 2011-01-31 + 3 months)"),
        ("t-late", "2012-06-01", "in-force", "in force for Silvania since 2012-06-01 (derived: ratified 2012-01-02 + 30 days, "
         "not before the treaty's own entry into force on 2012-06-01)"),
        ("t-late", "2012-05-31", "not-yet-in-force", "not yet binding on 2012-05-31: in force for Silvania from 2012-06-01 "
         "(derived: ratified 2012-01-02 + 30 days, not before the treaty's own entry into force on 2012-06-01)"),
        ("t-open", "2030-01-01", "not-recorded", "ratified on 2013-05-05; entry into force not recorded"),
        ("t-year", "2030-01-01", "not-recorded", "ratified on 2014; entry into force not recorded"),
        ("t-signed", "2030-01-01", "signatory", "signed by Silvania on 2015-07-07, not ratified: not binding"),
        ("t-none", "2030-01-01", "not-party", "Silvania is not a party: not binding, relevant as a standard"),
    ],
)
def test_binding_wording_recorded_derived_not_recorded(world, treaty, day, status, note):
    """Recorded and derived entry into force, a consent with no entry into force, a signature and no participation, in words."""
    engaged = {e.treaty: e.binding for e in trace_policy(world, "expulsion-act", as_of=day).engagements}
    assert (engaged[treaty].status, engaged[treaty].note) == (status, note)
    assert engaged[treaty].basis == {"in-force": "derived" if treaty != "t-rec" else "recorded",
                                     "not-yet-in-force": "derived" if treaty != "t-rec" else "recorded",
                                     "not-recorded": "not recorded"}.get(status)


def test_binding_never_says_in_force_from_a_ratification_alone(bundled):
    """ILO C029 records only its ratification year: 'ratified on 1932; entry into force not recorded', bound on no date."""
    treaty, state = node_for_id("ilo-c029"), node_for_id("jp")
    said = binding_status(bundled, treaty, True, state, "Japan", dt.date(2025, 1, 1))
    assert (said.status, said.note) == ("not-recorded", "ratified on 1932; entry into force not recorded")
    query = named_query("bound-by-treaty")
    for date in ("1950", "2025-01-01"):
        assert run_query(query, bind_params(query, {"treaty": "ilo-c029", "date": date}, bundled), graph=bundled).boolean is False


@pytest.mark.parametrize("duration, words", [("P30D", "30 days"), ("P1D", "1 day"), ("P3M", "3 months"), ("P1Y", "1 year"), ("P1Y6M", "1 year 6 months")])
def test_delay_in_words(duration, words):
    assert delay_in_words(duration) == words
