"""The precision rules of a trace on the bundled data: 'raised by' about the policy, practices only where applied,
a paragraph merged into its article, and group-only links left out by default and counted."""

from __future__ import annotations

from policygraph.tracing.report import render_text
from policygraph.tracing.trace import trace_policy


def _provisions(trace):
    return {e.provision: e for e in trace.engagements}


def test_titp_iccpr_art_2_lists_only_what_is_about_the_programme(bundled):
    """TITP's ICCPR Art. 2 shows the HRC's TITP recommendations, none on non-refoulement or detention, and counts the rest."""
    trace = trace_policy(bundled, "titp", as_of="2025-06-30")
    article = _provisions(trace)["iccpr-art-2"]
    shown = [r.id for r in article.raised_by]
    assert shown and all("titp" in r or "para-16" in r for r in shown), shown
    text = " ".join((r.text or "") for r in article.raised_by).lower()
    assert "refoulement" not in text and "detention" not in text and "deportation" not in text
    others = article.raised_elsewhere["recommendations"]
    assert others >= 5  # CCPR/C/JPN/CO/6 para 19: non-refoulement, appeal, ill-treatment in deportation, detention
    line = f"{others} other recommendations on this provision, not about this policy: `policygraph trace --provision iccpr-art-2` lists them"
    assert line in render_text(trace)


def test_biometric_landing_examination_engages_no_removal_provision(bundled):
    """The biometric examination finds people; it deports no one itself, so neither CAT Art. 3 nor CRC Art. 9 (even by group)."""
    engaged = _provisions(trace_policy(bundled, "biometric-landing-examination", min_strength="group"))
    assert not {"cat-art-3", "crc-art-9", "crc-art-9-1"} & set(engaged)


def test_detection_and_training_measures_infer_nothing_through_the_practice_they_address(bundled):
    """Imposter-resident countermeasures and COI officers no longer engage CAT Art. 3 or the refugee definition by practice."""
    imposters = _provisions(trace_policy(bundled, "imposter-resident-countermeasures", min_strength="group"))
    assert "cat-art-3" not in imposters
    coi = _provisions(trace_policy(bundled, "coi-officers", min_strength="practice"))
    assert "refugee-convention-art-1-a-2" not in coi


def test_crc_art_9_is_one_entry_naming_its_paragraph(bundled):
    """The 2021 bill: CRC Art. 9 once, naming 9(1), its reasons not repeated; the declaration on 9(1) shown under it."""
    trace = trace_policy(bundled, "bill-2021-immigration-control-revision")
    entries = [e for e in trace.engagements if e.provision.startswith("crc-art-9")]
    assert [e.provision for e in entries] == ["crc-art-9"]
    (article,) = entries
    assert [pid for pid, _ in article.paragraphs] == ["crc-art-9-1"]
    keys = [(r.kind, tuple(r.subjects), tuple(r.path[:-1])) for r in article.reasons]
    assert len(keys) == len(set(keys))
    assert any(s.provision == "crc-art-9-1" and s.kind == "declaration" for s in article.statements)
    assert "   with its paragraph: CRC Art. 9(1): separation from parents" in render_text(trace).splitlines()


def test_default_hides_group_only_links_and_says_how_many(bundled):
    """By default the 2021 bill's group-only provisions are left out, and the count line gives their number."""
    default = trace_policy(bundled, "bill-2021-immigration-control-revision")
    everything = trace_policy(bundled, "bill-2021-immigration-control-revision", min_strength="group")
    group_only = [e.provision for e in everything.engagements if e.strength == "group"]
    assert group_only and not [e for e in default.engagements if e.strength == "group"]
    assert default.weaker == {"group": len(group_only)}
    assert [e.provision for e in default.engagements] == [e.provision for e in everything.engagements if e.strength != "group"]
    line = f"{len(group_only)} weaker links (by group only) not shown: --min-strength group lists them"
    assert line in render_text(default).splitlines()
