"""Render a ``Trace`` for people: plain text for the terminal and Markdown for a submission, both from one
list of blocks; ``report_html`` writes the same evidence as one self-contained HTML page."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, replace

from policygraph.tracing.model import CitationRef, Engagement, ProvisionTrace, Raised, Reason, SourceEntry, Statement, Trace
from policygraph.tracing.sources import citation_numbers

__all__ = ["Block", "report_blocks", "source_line", "unverified", "render_text", "render_markdown", "render_provision_text", "render_provision_markdown"]

_BADGE = {"cited": "CITED", "practice": "BY PRACTICE", "status": "BY STATUS", "group": "BY GROUP"}


def _headline(trace: Trace) -> list[str]:
    counts = Counter(e.strength for e in trace.engagements)
    kinds = ", ".join(f"{counts[k]} {'cited' if k == 'cited' else 'by ' + k}" for k in ("cited", "practice", "status", "group") if counts[k])
    status = f", {trace.status}" if trace.status else ""
    lines = [
        f"{trace.policy_label} ({trace.policy}; {trace.policy_type}{status})",
        f"State: {trace.state_label} · as of {trace.as_of} ({trace.as_of_basis})",
    ]
    count = len(trace.engagements)
    treaties = trace.filters.get("treaties") or []
    if count:
        lines.append(f"{count} provision{'' if count == 1 else 's'} engaged: {kinds}")
    elif trace.weaker:
        which = f" of {', '.join(treaties)}" if treaties else ""
        option = f" (--treaty {' --treaty '.join(treaties)})" if treaties else ""
        lines.append(f"No provision{which} is engaged by evidence of strength {trace.filters.get('min_strength')} or stronger{option}.")
    elif treaties:
        lines.append(f"No provision of {', '.join(treaties)} is engaged by this policy in the data (--treaty {' --treaty '.join(treaties)}).")
    else:
        lines.append("No treaty provision is engaged by this policy in the data (no cited engagement, and no practice, group or status it touches is concerned by a provision).")
    if trace.weaker:
        lines.append(_weaker_line(trace))
    return lines


def _weaker_line(trace: Trace) -> str:
    """"19 weaker links (by group only) not shown: --min-strength group lists them"."""
    return ": ".join(_weaker(trace))


def _weaker(trace: Trace) -> tuple[str, str]:
    """The weaker-links line in two: what is not shown, and the option that lists it."""
    total = sum(trace.weaker.values())
    if len(trace.weaker) == 1:
        kinds = f"by {next(iter(trace.weaker))} only"
    else:
        kinds = ", ".join(f"{n} by {kind}" for kind, n in trace.weaker.items())
    weakest = list(trace.weaker)[-1]
    return (
        f"{total} weaker link{'' if total == 1 else 's'} ({kinds}) not shown",
        f"--min-strength {weakest} lists {'it' if total == 1 else 'them'}",
    )


def _elsewhere_line(e: Engagement) -> str:
    """"12 other recommendations on this provision, not about this policy: `policygraph trace --provision iccpr-art-2` lists them"."""
    counts = e.raised_elsewhere
    listed = " and ".join(f"{n} other {kind if n != 1 else kind[:-1]}" for kind, n in counts.items())
    pronoun = "it" if sum(counts.values()) == 1 else "them"
    return f"{listed} on this provision, not about this policy: `policygraph trace --provision {e.provision}` lists {pronoun}"


@dataclass(frozen=True)
class Block:
    """One line of the report's model: its kind says how each format shows it (see ``_TEXT`` and ``_MARKDOWN``)."""

    kind: str  # title | meta | provision | summary | field | list | item | detail | section | entry | source
    text: str
    name: str = ""  # title: the policy's label; provision: its treaty's label; field: the field's name
    badge: str = ""  # provision: how strong its evidence is (CITED, BY PRACTICE, ...)


def report_blocks(trace: Trace) -> list[Block]:
    """The text and Markdown reports as one list of blocks: headline, each provision's evidence, context."""
    head = _headline(trace)
    blocks = [Block("title", head[0], trace.policy_label), *(Block("meta", line) for line in head[1:])]
    for number, e in enumerate(trace.engagements, 1):
        blocks.append(Block("provision", f"{number}. {e.provision_label}", e.treaty_label, _BADGE[e.strength]))
        if e.summary:
            blocks.append(Block("summary", e.summary))
        blocks += _evidence_blocks(e)
    if trace.context:
        blocks.append(Block("section", "Context"))
        blocks += [
            Block("entry", f"{item.relation}: {item.label}{'' if item.label == item.id else f' ({item.id})'} — {item.detail}")
            for item in trace.context
        ]
    if trace.cannot_see:
        blocks.append(Block("section", "What this report cannot see"))
        blocks += [Block("entry", gap.text) for gap in trace.cannot_see]
    if trace.sources:
        blocks.append(Block("section", "Sources"))
        blocks += [Block("source", f"[{entry.number}] {source_line(entry)}") for entry in trace.sources]
    return blocks


def source_line(entry: SourceEntry) -> str:
    """One sources list entry after its number: title — publisher, date, symbol. URL (local copy: file)."""
    head = entry.title or entry.url or entry.id or ""
    facts = ", ".join(part for part in (entry.publisher, entry.date, entry.symbol) if part)
    line = f"{head} — {facts}" if facts else head
    if entry.url and entry.url != head:
        line += f". {entry.url}"
    return line + (f" (local copy: {entry.file})" if entry.file else "")


def _quote_source(c: CitationRef) -> str:
    """What follows a quote: its locator and the sources list entry it points to (``— para 6 [2]``)."""
    return " ".join(part for part in (f"— {c.locator}" if c.locator else "", citation_numbers([c])) if part)


def _evidence_blocks(e: Engagement) -> list[Block]:
    """Binding, then the reasons (always), reservations and declarations, and who raised it (where any)."""
    blocks = [Block("field", e.binding.note, "binding")]
    if e.paragraphs:
        blocks.append(Block("field", "; ".join(label for _, label in e.paragraphs), "with its paragraph" + ("s" if len(e.paragraphs) > 1 else "")))
    blocks += _listed("why", [_reason(r) for r in e.reasons])
    if e.statements:
        blocks += _listed("reservations and declarations", [_statement(s) for s in e.statements])
    if e.raised_by or e.raised_elsewhere:
        elsewhere = [(_elsewhere_line(e), [])] if e.raised_elsewhere else []
        blocks += _listed("raised by", [_raised(r) for r in e.raised_by] + elsewhere)
    return blocks


def _listed(title: str, entries: list[tuple[str, list[str]]]) -> list[Block]:
    """A list under its title: each entry an item and its detail lines (quotes, effects)."""
    blocks = [Block("list", title)]
    for item, details in entries:
        blocks += [Block("item", item), *(Block("detail", detail) for detail in details)]
    return blocks


def _reason(r: Reason) -> tuple[str, list[str]]:
    by = f" (argued by {', '.join(r.argued_by)})" if r.argued_by else ""
    return f"{r.kind}: {r.explanation}{by}", [" ".join(part for part in (f"\u201c{c.quote}\u201d", _quote_source(c)) if part) for c in r.citations]


def _statement(s: Statement) -> tuple[str, list[str]]:
    """Its words, quoted with the entry they come from, and its effect as a summary; never an empty line."""
    head = f"{s.kind} on {s.provision}{f' (withdrawn {s.withdrawn})' if s.withdrawn else ''}:"
    refs = citation_numbers(s.citations)
    if not s.text:  # the record's own citations still back its summary
        return f"{head} {unverified(s)}{f' {refs}' if refs else ''}", []
    return f"{head} \u201c{s.text}\u201d{f' {refs}' if refs else ''}", [f"summary: {s.effect}"] if s.effect else []


def unverified(s: Statement) -> str:
    """What a reservation or declaration with no recorded words says instead."""
    return f"text not verified in a stored copy; summary: {s.effect}" if s.effect else "text not verified in a stored copy; no summary recorded"


def _raised(r: Raised) -> tuple[str, list[str]]:
    refs = citation_numbers(r.citations)
    text = f": \u201c{r.text}\u201d" if r.text else ""
    return f"{_raised_head(r)}{text}{f' {refs}' if refs else ''}", []


def _raised_head(r: Raised) -> str:
    """``who — document, para N (date)``, leaving out what the record lacks (no stray comma or space)."""
    what = " ".join(part for part in (r.summary, f"({r.date})" if r.date else None) if part)
    return " — ".join(part for part in (", ".join(r.by) or r.id, what) if part)


_TEXT = {
    "title": lambda b: [b.text],
    "meta": lambda b: [b.text],
    "provision": lambda b: ["", f"{b.text} — {b.name}  [{b.badge}]"],
    "summary": lambda b: [],  # the terminal report names provisions without their summary
    "field": lambda b: [f"   {b.name}: {b.text}"],
    "list": lambda b: [f"   {b.text}:"],
    "item": lambda b: [f"     • {b.text}"],
    "detail": lambda b: [f"       {b.text}"],
    "section": lambda b: ["", f"{b.text}:"],
    "entry": lambda b: [f"  • {b.text}"],
    "source": lambda b: [f"  {b.text}"],
}
"""Plain text: the headline as it is, each provision's evidence indented under its number."""

_MARKDOWN = {
    "title": lambda b: [f"# Treaty obligations engaged by {b.name}", ""],
    "meta": lambda b: [f"{b.text}  "],
    "provision": lambda b: ["", f"## {b.text} ({b.name}) — {b.badge.lower()}", ""],
    "summary": lambda b: [f"_{b.text}_", ""],
    "field": lambda b: [f"**{b.name}**: {b.text}"],
    "list": lambda b: [f"\n**{b.text}**\n"],
    "item": lambda b: [f"- {b.text}"],
    "detail": lambda b: [f"  > {b.text.strip()}  "],  # a quote under its bullet: a blockquote of its own line
    "section": lambda b: ["", f"## {b.text}", ""],
    "entry": lambda b: [f"- {b.text}"],
    "source": lambda b: [f"- {b.text}"],
}
"""Markdown: a title and a section per provision; hard line breaks (two spaces) keep the headline's lines apart."""


def _render(blocks: list[Block], formats: dict) -> str:
    return "\n".join(line for block in blocks for line in formats[block.kind](block)) + "\n"


def render_text(trace: Trace) -> str:
    """The trace as plain text for a terminal."""
    return _render(report_blocks(trace), _TEXT)


_HTML_IN_MARKDOWN = re.compile(r"[<>]|&(?=#?[0-9A-Za-z]+;)")


def _inert_markdown(text: str) -> str:
    """``text`` with the HTML a Markdown renderer would pass through made inert: ``<`` and ``>`` always,
    ``&`` where it starts a character reference (a bare ``&`` in a URL shows as itself anyway)."""
    return _HTML_IN_MARKDOWN.sub(lambda m: {"<": "&lt;", ">": "&gt;"}.get(m.group(), "&amp;"), text)


def _markdown_blocks(trace: Trace) -> list[Block]:
    """The report's blocks with their data-derived text made inert (the Markdown around them stays live)."""
    return [replace(b, text=_inert_markdown(b.text), name=_inert_markdown(b.name)) for b in report_blocks(trace)]


def render_markdown(trace: Trace) -> str:
    """The trace as Markdown, for a submission or an issue: data-derived text carries no live HTML."""
    return _render(_markdown_blocks(trace), _MARKDOWN)


def _provision_head(result: ProvisionTrace) -> list[str]:
    if not result.policies:
        return [f"No policy in the data engages {result.target_label} ({result.target})."]
    lines = [f"Policies engaging {result.target_label} ({result.target}): {len(result.policies)}"]
    lines += [f"  {pid:<48} {kind:<9} {label}" for pid, label, kind in result.policies]
    return lines


def _provision_raised(result: ProvisionTrace) -> list[str]:
    """Every recommendation and position on the provision, about any policy: what a trace's count line points to."""
    return [_raised(r)[0] for r in result.raised_by]


def render_provision_text(result: ProvisionTrace) -> str:
    """The inverse trace as text: the list, who raised the provision, then each policy's trace restricted to the provision(s)."""
    raised = _provision_raised(result)
    head = _provision_head(result) + ([f"Raised on {result.target} ({len(raised)}):", *(f"  • {line}" for line in raised)] if raised else [])
    parts = ["\n".join(head) + "\n"]
    parts += ["\n" + render_text(t) for t in result.traces]
    return "".join(parts)


def render_provision_markdown(result: ProvisionTrace) -> str:
    """The inverse trace as Markdown."""
    inert = _inert_markdown
    lines = [f"# Policies engaging {inert(result.target_label)}", ""]
    lines += [f"- **{inert(label)}** (`{pid}`) — {kind}" for pid, label, kind in result.policies] or ["No policy in the data engages it."]
    raised = _provision_raised(result)
    if raised:
        lines += ["", f"## Raised on {result.target}", "", *(f"- {inert(line)}" for line in raised)]
    body = "\n".join(_render(_markdown_blocks(t), _MARKDOWN) for t in result.traces)
    return "\n".join(lines) + "\n\n" + body


