"""Obligation tracing on a small world with known answers, the inverse trace, and the CLI's errors."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from policygraph import load_graph
from policygraph.errors import ConfigError
from policygraph.tracing.trace import trace_policy, trace_provision

WORLD = Path(__file__).parents[1] / "fixtures" / "trace"


@pytest.fixture(scope="module")
def world():
    return load_graph([WORLD], bundled=False)


def _by_provision(trace):
    return {e.provision: e for e in trace.engagements}


def test_trace_policy_ranks_cited_practice_status_group(world):
    """Provisions come strongest first, one entry each, with the strength of their best reason."""
    trace = trace_policy(world, "bill", min_strength="group")
    assert [(e.provision, e.strength) for e in trace.engagements] == [
        ("ta-art-1", "cited"),
        ("tb-art-9", "practice"),
        ("tc-art-3", "status"),
        ("ta-art-2-1", "group"),
        ("guide-objective-1", "group"),
    ]


def test_trace_policy_merges_reasons_per_provision(world):
    """A provision both cited and inferred keeps both reasons, the cited one first, with its quote."""
    reasons = _by_provision(trace_policy(world, "bill"))["ta-art-1"].reasons
    assert [r.kind for r in reasons] == ["cited", "practice"]  # the NGO's position adds nothing to its own engagement
    engagement, practice = reasons
    assert engagement.path == ["bill-fast-return", "eng-bill-ta-art-1", "ta-art-1"]
    assert engagement.argued_by == ["Friends of Migrants"]
    assert engagement.citations[0].quote == "breaches"
    assert practice.path == ["forced-return", "removal", "ta-art-1"]
    assert practice.subjects == ["bill-fast-return"]
    assert practice.explanation.startswith("its feature \u201cFast return of repeat seekers\u201d uses the practice")


def test_trace_policy_counts_recommendations_about_the_policy_as_cited(world):
    """A recommendation about the policy that invokes a provision is cited evidence, once per provision."""
    trace = trace_policy(world, "act")
    reasons = _by_provision(trace)["ta-art-2"].reasons
    assert [(r.kind, r.path, r.argued_by) for r in reasons] == [("cited", ["rec-act", "ta-art-2"], ["Rights Committee"])]
    assert reasons[0].explanation == "A/2, para 3, a recommendation about Removal Act, invokes A Art. 2: family"
    assert reasons[0].citations[0].quote == "Review"


def test_trace_policy_follows_skos_broader_for_groups(world):
    """A policy affecting 'repeat seekers' engages a provision about 'people' two levels up."""
    reason = _by_provision(trace_policy(world, "bill", min_strength="group"))["ta-art-2-1"].reasons[0]
    assert reason.path == ["repeat-seekers", "seekers", "people", "ta-art-2-1"]
    assert "which falls under \u201cPeople\u201d" in reason.explanation


def test_trace_policy_binding_statuses(world):
    """In force, not party, signatory only and non-binding are told apart."""
    engaged = _by_provision(trace_policy(world, "bill", min_strength="group"))
    assert engaged["ta-art-1"].binding.status == "in-force"
    assert engaged["ta-art-1"].binding.note == "in force for Statia since 1990-06-01"
    assert engaged["tb-art-9"].binding.note == "Statia is not a party: not binding, relevant as a standard"
    assert engaged["tc-art-3"].binding.status == "signatory"
    assert engaged["guide-objective-1"].binding.status == "non-binding"


def test_trace_policy_as_of_before_entry_into_force(world):
    """Before the treaty entered into force for the state, it is 'not yet binding' on that date."""
    trace = trace_policy(world, "act", as_of="1980-01-01")
    binding = _by_provision(trace)["ta-art-1"].binding
    assert (binding.status, binding.note) == (
        "not-yet-in-force",
        "not yet binding on 1980-01-01: in force for Statia from 1990-06-01",
    )
    assert trace.as_of_basis == "given with --as-of"


def test_trace_policy_default_as_of_is_latest_date(world):
    """Without --as-of the policy's latest date is used, and the trace says which."""
    trace = trace_policy(world, "bill")
    assert (trace.as_of, trace.as_of_basis) == ("2020-10-14", "the policy's latest date: ended 2020-10-14")


def test_trace_policy_shows_declarations_on_paragraphs(world):
    """A declaration on a paragraph is shown under the paragraph, with its text and effect."""
    statements = _by_provision(trace_policy(world, "bill", min_strength="group"))["ta-art-2-1"].statements
    assert [(s.id, s.kind, s.text) for s in statements] == [("st-ta-decl-2-1", "declaration", "not applicable to removal")]


def test_trace_policy_raised_by_recommendation_on_article(world):
    """A recommendation on the article is shown under its paragraph when it is about a policy the bill amends;
    one about nothing the bill touches is only counted; a position about the bill is shown."""
    engaged = _by_provision(trace_policy(world, "bill", min_strength="group"))
    assert [r.id for r in engaged["ta-art-2-1"].raised_by] == ["rec-act"]
    assert engaged["ta-art-2-1"].raised_by[0].summary == "A/2, para 3"
    assert engaged["ta-art-2-1"].raised_elsewhere == {"recommendations": 1}
    assert [r.id for r in engaged["ta-art-1"].raised_by] == ["ngo-opposes-bill", "rec-removal"]  # about the bill; about a practice its feature uses
    assert engaged["ta-art-1"].raised_elsewhere == {}


def test_trace_policy_raised_by_follows_the_concepts_of_the_engagement(world):
    """The Act engages A Art. 2(1) through no concept, but rec-1 is about nothing the Act touches: counted, not shown;
    rec-removal is about "Forced return", narrower than the Act's "Removal": shown under A Art. 1."""
    act = _by_provision(trace_policy(world, "act", min_strength="group"))
    assert [r.id for r in act["ta-art-1"].raised_by] == ["rec-removal"]
    bill = _by_provision(trace_policy(world, "bill", min_strength="group"))
    assert [r.id for r in bill["tb-art-9"].raised_by] == []
    assert bill["tb-art-9"].raised_elsewhere == {}


def test_inverse_trace_lists_every_recommendation_on_the_provision(world):
    """The count line points to `trace --provision`, which lists all the items, about the policy or not."""
    assert [r.id for r in trace_provision(world, "ta-art-2").raised_by] == ["rec-1", "rec-act"]


def test_addressed_practice_is_not_inferred(world):
    """A measure that only detects people for removal (addresses-practices) engages no provision about removal."""
    trace = trace_policy(world, "detector", min_strength="group")
    assert (trace.engagements, trace.weaker) == ([], {})


def test_default_min_strength_hides_group_links_and_counts_them(world):
    """By default group-only links are left out and counted; --min-strength group shows them."""
    from policygraph.tracing.report import render_markdown, render_text
    from policygraph.tracing.report_html import render_html

    trace = trace_policy(world, "bill")
    assert trace.filters["min_strength"] == "status"
    assert [e.provision for e in trace.engagements] == ["ta-art-1", "tb-art-9", "tc-art-3"]
    assert trace.weaker == {"group": 2}
    line = "2 weaker links (by group only) not shown: --min-strength group lists them"
    assert line in render_text(trace).splitlines()
    assert line in render_markdown(trace)
    assert "<details class='meta weaker'><summary>2 weaker links (by group only) not shown</summary>" in render_html(trace)
    assert trace_policy(world, "bill", min_strength="group").weaker == {}


def test_trace_policy_context(world):
    """Context lists positions about the policy, what it amends, and statistics about its groups."""
    context = {(c.relation, c.id) for c in trace_policy(world, "bill").context}
    assert context == {("about", "ngo-opposes-bill"), ("amends", "act"), ("statistic", "obs-seekers-2020")}


def test_trace_policy_filters(world):
    """--treaty keeps one treaty's provisions; --min-strength drops weaker evidence."""
    assert [e.provision for e in trace_policy(world, "bill", treaties=("ta",), min_strength="group").engagements] == ["ta-art-1", "ta-art-2-1"]
    assert [e.provision for e in trace_policy(world, "bill", min_strength="practice").engagements] == ["ta-art-1", "tb-art-9"]


def test_trace_policy_without_engagements(world):
    """A policy that engages nothing gives an empty trace, not an error."""
    assert trace_policy(world, "plain").engagements == []


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"policy_id": "bil"}, "unknown policy 'bil'"),
        ({"policy_id": "ta"}, "'ta' is a treaty, not a policy"),
        ({"policy_id": "bill", "as_of": "2020-13-01"}, "bad --as-of date '2020-13-01'"),
        ({"policy_id": "bill", "treaties": ("nope",)}, "unknown treaty 'nope'"),
    ],
)
def test_trace_policy_errors(world, kwargs, message):
    """Unknown ids and bad dates raise ConfigError with a clear message."""
    with pytest.raises(ConfigError) as caught:
        trace_policy(world, **kwargs)
    assert caught.value.message == message


def test_trace_provision_inverse(world):
    """The inverse lists policies engaging a provision (or its paragraphs), strongest first; a recommendation about
    a policy invoking the provision makes it cited there as in the forward trace (rec-act on the Act and A Art. 2)."""
    assert trace_provision(world, "ta").policies == [("act", "Removal Act", "cited"), ("bill", "Removal Bill", "cited")]
    result = trace_provision(world, "ta-art-2", min_strength="group")
    assert result.policies == [("act", "Removal Act", "cited"), ("bill", "Removal Bill", "group")]
    assert [[e.provision for e in t.engagements] for t in result.traces] == [["ta-art-2"], ["ta-art-2-1"]]
    assert _by_provision(trace_policy(world, "act"))["ta-art-2"].strength == "cited"


@pytest.mark.parametrize(("target", "as_of", "min_strength"), [
    ("crc", "2015-06-30", "group"), ("iccpr", None, "practice"), ("crc-art-9", "1990", "group"), ("iccpr-art-9", None, "cited"),
])
def test_inverse_trace_equals_the_policy_traces_made_alone(bundled, target, as_of, min_strength):
    """An inverse trace shares its reads across its policies' traces (reservations, binding, raised items, the
    evidence rules read for every policy at once): each of its traces is the trace of that policy made alone,
    restricted to the provisions, and no policy with an engagement is missing."""
    from policygraph.graph.labels import local_id, node_for_id
    from policygraph.terms import PG

    node, graph = node_for_id(target), bundled.graph
    parts = graph.subjects(PG.partOf, node) if "-art-" not in target else [node, *graph.subjects(PG.withinProvision, node)]
    ids = tuple(sorted(local_id(p) for p in parts))
    result = trace_provision(bundled, target, as_of=as_of, min_strength=min_strength)
    alone = [trace_policy(bundled, pid, as_of=as_of, min_strength=min_strength, provisions=ids) for pid, _, _ in result.policies]
    assert [t.to_dict() for t in result.traces] == [t.to_dict() for t in alone if t.engagements]
    assert len(result.traces) >= 2
    if "-art-" in target:  # every item raising the provision, read with the traces' items: as read alone
        from policygraph.tracing.evidence import RaisedItems

        assert result.raised_by == list(RaisedItems(bundled).at(node).values()) and result.raised_by


def test_trace_cli_json_matches_library(invoke, world):
    """The CLI's JSON is the library's to_dict (the CLI only renders)."""
    result = invoke("trace", "bill", "--no-bundled", "--data", WORLD, "--format", "json")
    assert result.exit_code == 0
    assert json.loads(result.output) == json.loads(json.dumps(trace_policy(world, "bill").to_dict()))


def test_trace_cli_unknown_policy_exit_2(invoke):
    """An unknown policy: 'did you mean', exit 2."""
    result = invoke("trace", "bil", "--no-bundled", "--data", WORLD)
    assert result.exit_code == 2
    assert result.output == "error: unknown policy 'bil' (did you mean bill, bill-fast-return, ngo-opposes-bill?)\n"


def test_trace_cli_no_engagements_says_so(invoke):
    """A policy with no engagements says so plainly and exits 0."""
    result = invoke("trace", "plain", "--no-bundled", "--data", WORLD)
    assert result.exit_code == 0
    assert "No treaty provision is engaged by this policy in the data" in result.output


def test_trace_cli_usage_errors(invoke):
    """POLICY and --provision together, or neither, are usage errors (exit 2)."""
    both = invoke("trace", "bill", "--provision", "ta-art-1", "--no-bundled", "--data", WORLD)
    neither = invoke("trace", "--no-bundled", "--data", WORLD)
    assert (both.exit_code, neither.exit_code) == (2, 2)
    assert both.output == "error: give a POLICY or --provision, not both\n"


def test_trace_cli_writes_html_atomically(invoke, tmp_path):
    """-o writes the report, and only the report, into the folder."""
    out = tmp_path / "bill.html"
    result = invoke("trace", "bill", "--no-bundled", "--data", WORLD, "--format", "html", "-o", out)
    assert result.exit_code == 0
    assert [p.name for p in tmp_path.iterdir()] == ["bill.html"]
    page = out.read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>") and "<script" not in page and "http" not in page.split("<body>")[1].split("Generated by")[0]


# -- the as-of date, and what the report says about it ---------------------------------------------


def test_as_of_default_is_today_for_a_policy_in_place(bundled):
    """A law with no end, withdrawal or repeal is judged today, and the report says why."""
    import datetime

    trace = trace_policy(bundled, "icrra")
    assert trace.as_of == datetime.date.today().isoformat()
    assert trace.as_of_basis == "today: no end, withdrawal or repeal of the policy is recorded"
    refugee = [e for e in trace.engagements if e.treaty == "refugee-convention"]
    assert refugee and all(e.binding.status == "in-force" for e in refugee)


def test_as_of_default_is_the_last_date_of_a_bill(bundled):
    """A bill keeps its last recorded date."""
    trace = trace_policy(bundled, "bill-2021-immigration-control-revision")
    assert (trace.as_of, trace.as_of_basis) == ("2021-10-14", "the policy's latest date: ended 2021-10-14")


@pytest.mark.parametrize(
    "given, day, basis",
    [
        ("2021", "2021-12-31", "given with --as-of 2021, read as its last day"),
        ("2021-02", "2021-02-28", "given with --as-of 2021-02, read as its last day"),
        ("2020-02", "2020-02-29", "given with --as-of 2020-02, read as its last day"),
        ("2021-05-19", "2021-05-19", "given with --as-of"),
    ],
)
def test_as_of_takes_a_year_a_month_or_a_day(bundled, given, day, basis):
    trace = trace_policy(bundled, "icrra", as_of=given)
    assert (trace.as_of, trace.as_of_basis) == (day, basis)


@pytest.mark.parametrize("given", ["2021-13", "2021-02-30", "21", "２０２１", "2021-1", "today"])
def test_as_of_refuses_anything_else(bundled, given):
    with pytest.raises(ConfigError, match="bad --as-of date"):
        trace_policy(bundled, "icrra", as_of=given)


def test_trace_of_a_provision_or_treaty_points_to_the_inverse(invoke):
    """`trace crc-art-9` names the option that lists the policies engaging it."""
    result = invoke("trace", "crc-art-9")
    assert result.exit_code == 2
    assert result.output == (
        "error: 'crc-art-9' is a provision, not a policy "
        "(to list the policies that engage it: policygraph trace --provision crc-art-9)\n"
    )


def test_trace_by_name_is_refused_without_a_warning(bundled):
    """A label instead of an id: one ConfigError with suggestions, and no IRI is made of it."""
    import logging

    records = []
    handler = logging.Handler()
    handler.emit = records.append
    logging.getLogger("rdflib").addHandler(handler)
    try:
        with pytest.raises(ConfigError, match="give its id, not its name") as error:
            trace_policy(bundled, "Technical Intern Training Program")
    finally:
        logging.getLogger("rdflib").removeHandler(handler)
    assert "did you mean" in (error.value.hint or "")
    assert records == []


def test_report_counts_and_filters_read_as_english(world):
    """'1 provision engaged' in the singular; a --treaty filter that keeps nothing names the treaty."""
    from policygraph.tracing.report import render_text

    one = render_text(trace_policy(world, "bill", treaties=("ta",), min_strength="cited"))
    assert "\n1 provision engaged: 1 cited\n" in one
    none = render_text(trace_policy(world, "bill", treaties=("tb",), min_strength="cited"))
    assert "No provision of tb is engaged by evidence of strength cited or stronger (--treaty tb)." in none
    assert "1 weaker link (by practice only) not shown: --min-strength practice lists it" in none
    nothing = render_text(trace_policy(world, "act", treaties=("tb",)))
    assert "No provision of tb is engaged by this policy in the data (--treaty tb)." in nothing
