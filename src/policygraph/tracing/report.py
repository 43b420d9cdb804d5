"""Render a ``Trace`` for people: plain text for the terminal, Markdown for a submission, and one
self-contained HTML file (no network, prints cleanly, sections per treaty, evidence folded)."""

from __future__ import annotations

import html
import re
from collections import Counter
from dataclasses import dataclass, replace

from policygraph.tracing.model import CitationRef, Engagement, ProvisionTrace, Raised, Reason, SourceEntry, Statement, Trace
from policygraph.tracing.sources import citation_numbers

__all__ = ["Block", "report_blocks", "source_line", "unverified", "render_text", "render_markdown", "render_html", "render_provision_text", "render_provision_markdown", "render_provision_html"]

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


_CSS = """
body{font:15px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,"Noto Sans","Noto Sans CJK JP",sans-serif;margin:2rem auto;max-width:60rem;padding:0 1rem;color:#1a1a1a}
h1{font-size:1.5rem;margin-bottom:.2rem}h2{font-size:1.15rem;border-bottom:2px solid #ddd;padding-bottom:.2rem;margin-top:2rem}
.meta{color:#444;margin:.1rem 0}.badge{display:inline-block;font-size:.75rem;font-weight:600;padding:.05rem .45rem;border-radius:.6rem;margin-left:.4rem;vertical-align:middle}
.cited{background:#1b5e20;color:#fff}.practice{background:#0d47a1;color:#fff}.status{background:#4a148c;color:#fff}.group{background:#e0e0e0;color:#222}
.in-force{color:#1b5e20}.not-yet-in-force,.signatory{color:#8a5a00}.not-party,.non-binding,.unknown{color:#8b0000}
details{border:1px solid #ddd;border-radius:.4rem;margin:.5rem 0;padding:.4rem .7rem;break-inside:avoid}summary{cursor:pointer;font-weight:600}
.binding{font-weight:400;font-size:.9rem}blockquote{margin:.3rem 0 .3rem 1rem;padding-left:.6rem;border-left:3px solid #bbb;color:#333}
h3{font-size:.95rem;margin:.7rem 0 .2rem}ul{margin:.2rem 0 .4rem;padding-left:1.3rem}.src{color:#555;font-size:.85rem}
@media print{body{margin:0;max-width:none}details{border:none;padding:0}summary{list-style:none}h2{break-after:avoid}}
"""


def render_html(trace: Trace, anchor: str = "source-") -> str:
    """One self-contained HTML page: no scripts, no network, every provision's evidence in <details open>.

    Each quote links to its sources list entry, ``#source-N`` (``anchor`` prefixes the ids, so that
    several traces can share a page).
    """
    e_ = html.escape
    head = _headline(trace)
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>Treaty obligations: {e_(trace.policy_label)}</title>",
        f"<style>{_CSS}</style></head><body>",
        f"<h1>Treaty obligations engaged by {e_(trace.policy_label)}</h1>",
        *(f'<p class="meta">{e_(line)}</p>' for line in (head[1:-1] if trace.weaker else head[1:])),
    ]
    if trace.weaker:  # folded: what is left out, and the option that lists it
        shown, how = _weaker(trace)
        parts.append(f"<details class='meta weaker'><summary>{e_(shown)}</summary><p>{e_(how)}</p></details>")
    for treaty_label, engagements in _by_treaty(trace.engagements):
        parts.append(f"<section><h2>{e_(treaty_label)}</h2>")
        for e in engagements:
            parts.append(_html_engagement(e, anchor))
        parts.append("</section>")
    if trace.context:
        parts.append("<section><h2>Context</h2><ul>")
        parts += [f"<li><b>{e_(i.relation)}</b>: {e_(i.label)} <span class='src'>({e_(i.id)})</span> — {e_(i.detail)}</li>" for i in trace.context]
        parts.append("</ul></section>")
    if trace.cannot_see:
        parts.append("<section><h2>What this report cannot see</h2><ul>")
        parts += [f"<li>{e_(gap.text)}</li>" for gap in trace.cannot_see]
        parts.append("</ul></section>")
    parts.append('<p class="src">Generated by policygraph from its cited dataset; every statement above carries its source.</p>')
    if trace.sources:
        parts.append("<section><h2>Sources</h2><ol class='sources'>")
        parts += [_html_source(entry, anchor) for entry in trace.sources]
        parts.append("</ol></section>")
    parts.append("</body></html>")
    return "\n".join(parts) + "\n"


def _by_treaty(engagements: list[Engagement]) -> list[tuple[str, list[Engagement]]]:
    groups: dict[str, list[Engagement]] = {}
    for e in engagements:  # already ranked: a treaty's section comes where its strongest provision does
        groups.setdefault(e.treaty_label or "(no treaty)", []).append(e)
    return list(groups.items())


def _html_source(entry: SourceEntry, anchor: str) -> str:
    esc = html.escape
    head = esc(entry.title or entry.url or entry.id or "")
    facts = ", ".join(esc(part) for part in (entry.publisher, entry.date, entry.symbol) if part)
    link = f". <a href=\"{esc(entry.url)}\">{esc(entry.url)}</a>" if entry.url else ""
    local = f" <span class='src'>(local copy: {esc(entry.file)})</span>" if entry.file else ""
    return f"<li id=\"{anchor}{entry.number}\" value=\"{entry.number}\">{head}{f' — {facts}' if facts else ''}{link}{local}</li>"


def _html_refs(citations: list[CitationRef], anchor: str) -> str:
    """Links to the sources list entries of ``citations``: ``[2] [5]``."""
    numbers = sorted({c.number for c in citations if c.number is not None})
    return " ".join(f'<a href="#{anchor}{n}">[{n}]</a>' for n in numbers)


def _html_engagement(e: Engagement, anchor: str) -> str:
    esc = html.escape
    out = [
        "<details open><summary>",
        f"{esc(e.provision_label)}<span class='badge {e.strength}'>{_BADGE[e.strength].lower()}</span>",
        f"<br><span class='binding {e.binding.status}'>{esc(e.binding.note)}</span></summary>",
    ]
    if e.summary:
        out.append(f"<p><i>{esc(e.summary)}</i></p>")
    if e.paragraphs:
        out.append(f"<p>With its paragraph{'s' if len(e.paragraphs) > 1 else ''}: {esc('; '.join(label for _, label in e.paragraphs))}</p>")
    out += _html_list("Why", [_html_reason(r, anchor) for r in e.reasons])
    if e.statements:
        out += _html_list("Reservations and declarations", [_html_statement(s, anchor) for s in e.statements])
    if e.raised_by or e.raised_elsewhere:
        elsewhere = [[f"<li>{esc(_elsewhere_line(e))}</li>"]] if e.raised_elsewhere else []
        out += _html_list("Raised by", [_html_raised(r, anchor) for r in e.raised_by] + elsewhere)
    out.append("</details>")
    return "\n".join(out)


def _html_list(title: str, entries: list[list[str]]) -> list[str]:
    """The HTML twin of ``_listed``: a titled list, each entry the lines of one ``<li>``."""
    return [f"<h3>{title}</h3><ul>", *(line for entry in entries for line in entry), "</ul>"]


def _html_reason(r: Reason, anchor: str) -> list[str]:
    esc = html.escape
    by = f" <span class='src'>(argued by {esc(', '.join(r.argued_by))})</span>" if r.argued_by else ""
    quotes = [
        f"<blockquote>\u201c{esc(c.quote)}\u201d <span class='src'>{'— ' + esc(c.locator) if c.locator else ''} {_html_refs([c], anchor)}</span></blockquote>"
        for c in r.citations
    ]
    return [f"<li><b>{esc(r.kind)}</b>: {esc(r.explanation)}{by}", *quotes, "</li>"]


def _html_statement(s: Statement, anchor: str) -> list[str]:
    esc = html.escape
    withdrawn = f" (withdrawn {esc(s.withdrawn)})" if s.withdrawn else ""
    if not s.text:
        refs = _html_refs(s.citations, anchor)
        return [f"<li><b>{esc(s.kind)}</b> on {esc(s.provision)}{withdrawn}", f"<div>{esc(unverified(s))} <span class='src'>{refs}</span></div>", "</li>"]
    text = [f"<blockquote>\u201c{esc(s.text)}\u201d <span class='src'>{_html_refs(s.citations, anchor)}</span></blockquote>"]
    effect = [f"<div>Summary: {esc(s.effect)}</div>"] if s.effect else []
    return [f"<li><b>{esc(s.kind)}</b> on {esc(s.provision)}{withdrawn}", *text, *effect, "</li>"]


def _html_raised(r: Raised, anchor: str) -> list[str]:
    esc = html.escape
    refs = _html_refs(r.citations, anchor)
    text = f"<blockquote>\u201c{esc(r.text)}\u201d <span class='src'>{refs}</span></blockquote>" if r.text else (f" {refs}" if refs else "")
    return [f"<li>{esc(_raised_head(r))}{text}</li>"]


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


def render_provision_html(result: ProvisionTrace) -> str:
    """The inverse trace as one HTML page: each policy's trace in turn."""
    pages = [render_html(t, anchor=f"{t.policy}-source-") for t in result.traces]
    bodies = [page.split("<body>", 1)[1].rsplit("</body>", 1)[0] for page in pages]
    head = "".join(f"<li>{html.escape(label)} ({html.escape(pid)}) — {kind}</li>" for pid, label, kind in result.policies)
    raised = _provision_raised(result)
    if raised:
        head += f"</ul><h2>Raised on {html.escape(result.target)}</h2><ul>" + "".join(f"<li>{html.escape(line)}</li>" for line in raised)
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        f"<title>Policies engaging {html.escape(result.target_label)}</title><style>{_CSS}</style></head><body>"
        f"<h1>Policies engaging {html.escape(result.target_label)}</h1><ul>{head}</ul>"
        + "\n".join(bodies)
        + "</body></html>\n"
    )
