"""Render a ``Trace`` for people: plain text for the terminal, Markdown for a submission, and one
self-contained HTML file (no network, prints cleanly, sections per treaty, evidence folded)."""

from __future__ import annotations

import html
import re
from collections import Counter

from policygraph.tracing.trace import Engagement, ProvisionTrace, Trace

__all__ = ["render_text", "render_markdown", "render_html", "render_provision_text", "render_provision_markdown", "render_provision_html"]

_BADGE = {"cited": "CITED", "practice": "BY PRACTICE", "status": "BY STATUS", "group": "BY GROUP"}


def _headline(trace: Trace) -> list[str]:
    counts = Counter(e.strength for e in trace.engagements)
    kinds = ", ".join(f"{counts[k]} {'cited' if k == 'cited' else 'by ' + k}" for k in ("cited", "practice", "status", "group") if counts[k])
    status = f", {trace.status}" if trace.status else ""
    lines = [
        f"{trace.policy_label} ({trace.policy}; {trace.policy_type}{status})",
        f"State: {trace.state_label} · as of {trace.as_of} ({trace.as_of_basis})",
    ]
    if trace.engagements:
        lines.append(f"{len(trace.engagements)} provisions engaged: {kinds}")
    else:
        lines.append("No treaty provision is engaged by this policy in the data (no cited engagement, and no practice, group or status it touches is concerned by a provision).")
    return lines


def _evidence_lines(e: Engagement, bullet: str, quote_open: str = "\u201c", quote_close: str = "\u201d") -> list[str]:
    lines = [f"binding: {e.binding.note}"]
    lines.append("why:")
    for reason in e.reasons:
        by = f" (argued by {', '.join(reason.argued_by)})" if reason.argued_by else ""
        lines.append(f"{bullet}{reason.kind}: {reason.explanation}{by}")
        for c in reason.citations:
            lines.append(f"    {quote_open}{c.quote}{quote_close} — {c.source}, {c.locator}")
    if e.statements:
        lines.append("reservations and declarations:")
        for s in e.statements:
            withdrawn = f" (withdrawn {s.withdrawn})" if s.withdrawn else ""
            text = f" {quote_open}{s.text}{quote_close}" if s.text else ""
            lines.append(f"{bullet}{s.kind} on {s.provision}{withdrawn}:{text}")
            if s.effect:
                lines.append(f"    effect: {s.effect}")
    if e.raised_by:
        lines.append("raised by:")
        for r in e.raised_by:
            date = f" ({r.date})" if r.date else ""
            text = f": {quote_open}{r.text}{quote_close}" if r.text else ""
            lines.append(f"{bullet}{', '.join(r.by) or r.id} — {r.summary}{date}{text}")
    return lines


def _context_lines(trace: Trace, bullet: str) -> list[str]:
    return [
        f"{bullet}{item.relation}: {item.label}{'' if item.label == item.id else f' ({item.id})'} — {item.detail}"
        for item in trace.context
    ]


def render_text(trace: Trace) -> str:
    """The trace as plain text for a terminal."""
    lines = _headline(trace)
    for number, e in enumerate(trace.engagements, 1):
        lines += ["", f"{number}. {e.provision_label} — {e.treaty_label}  [{_BADGE[e.strength]}]"]
        lines += ["   " + line for line in _evidence_lines(e, "  • ")]
    if trace.context:
        lines += ["", "Context:"] + _context_lines(trace, "  • ")
    return "\n".join(lines) + "\n"


_HTML_IN_MARKDOWN = re.compile(r"[<>]|&(?=#?[0-9A-Za-z]+;)")


def _inert_markdown(text: str) -> str:
    """``text`` with the HTML a Markdown renderer would pass through made inert: ``<`` and ``>`` always,
    ``&`` where it starts a character reference (a bare ``&`` in a URL shows as itself anyway)."""
    return _HTML_IN_MARKDOWN.sub(lambda m: {"<": "&lt;", ">": "&gt;"}.get(m.group(), "&amp;"), text)


def render_markdown(trace: Trace) -> str:
    """The trace as Markdown, for a submission or an issue: data-derived text carries no live HTML."""
    return _inert_markdown(_markdown(trace))


def _markdown(trace: Trace) -> str:
    head = _headline(trace)
    lines = [f"# Treaty obligations engaged by {trace.policy_label}", "", *(f"{line}  " for line in head[1:])]
    for number, e in enumerate(trace.engagements, 1):
        lines += ["", f"## {number}. {e.provision_label} ({e.treaty_label}) — {_BADGE[e.strength].lower()}", ""]
        if e.summary:
            lines += [f"_{e.summary}_", ""]
        for line in _evidence_lines(e, "- "):
            if line.startswith("    "):
                lines.append("  " + line.strip())
            elif line.startswith("- "):
                lines.append(line)
            else:
                lines.append(f"**{line.split(':', 1)[0]}**:{line.split(':', 1)[1]}" if line.split(":", 1)[1].strip() else f"\n**{line[:-1]}**\n")
    if trace.context:
        lines += ["", "## Context", ""] + _context_lines(trace, "- ")
    return "\n".join(lines) + "\n"


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


def render_html(trace: Trace) -> str:
    """One self-contained HTML page: no scripts, no network, every provision's evidence in <details open>."""
    e_ = html.escape
    head = _headline(trace)
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>Treaty obligations: {e_(trace.policy_label)}</title>",
        f"<style>{_CSS}</style></head><body>",
        f"<h1>Treaty obligations engaged by {e_(trace.policy_label)}</h1>",
        *(f'<p class="meta">{e_(line)}</p>' for line in head[1:]),
    ]
    for treaty_label, engagements in _by_treaty(trace.engagements):
        parts.append(f"<section><h2>{e_(treaty_label)}</h2>")
        for e in engagements:
            parts.append(_html_engagement(e))
        parts.append("</section>")
    if trace.context:
        parts.append("<section><h2>Context</h2><ul>")
        parts += [f"<li><b>{e_(i.relation)}</b>: {e_(i.label)} <span class='src'>({e_(i.id)})</span> — {e_(i.detail)}</li>" for i in trace.context]
        parts.append("</ul></section>")
    parts.append('<p class="src">Generated by policygraph from its cited dataset; every statement above carries its source.</p>')
    parts.append("</body></html>")
    return "\n".join(parts) + "\n"


def _by_treaty(engagements: list[Engagement]) -> list[tuple[str, list[Engagement]]]:
    groups: dict[str, list[Engagement]] = {}
    for e in engagements:  # already ranked: a treaty's section comes where its strongest provision does
        groups.setdefault(e.treaty_label or "(no treaty)", []).append(e)
    return list(groups.items())


def _html_engagement(e: Engagement) -> str:
    esc = html.escape
    out = [
        "<details open><summary>",
        f"{esc(e.provision_label)}<span class='badge {e.strength}'>{_BADGE[e.strength].lower()}</span>",
        f"<br><span class='binding {e.binding.status}'>{esc(e.binding.note)}</span></summary>",
    ]
    if e.summary:
        out.append(f"<p><i>{esc(e.summary)}</i></p>")
    out.append("<h3>Why</h3><ul>")
    for r in e.reasons:
        by = f" <span class='src'>(argued by {esc(', '.join(r.argued_by))})</span>" if r.argued_by else ""
        out.append(f"<li><b>{esc(r.kind)}</b>: {esc(r.explanation)}{by}")
        out += [f"<blockquote>\u201c{esc(c.quote)}\u201d <span class='src'>— {esc(c.source)}, {esc(c.locator)}</span></blockquote>" for c in r.citations]
        out.append("</li>")
    out.append("</ul>")
    if e.statements:
        out.append("<h3>Reservations and declarations</h3><ul>")
        for s in e.statements:
            withdrawn = f" (withdrawn {esc(s.withdrawn)})" if s.withdrawn else ""
            out.append(f"<li><b>{esc(s.kind)}</b> on {esc(s.provision)}{withdrawn}")
            if s.text:
                out.append(f"<blockquote>\u201c{esc(s.text)}\u201d</blockquote>")
            if s.effect:
                out.append(f"<div>Effect: {esc(s.effect)}</div>")
            out.append("</li>")
        out.append("</ul>")
    if e.raised_by:
        out.append("<h3>Raised by</h3><ul>")
        for r in e.raised_by:
            date = f" ({esc(r.date)})" if r.date else ""
            text = f"<blockquote>\u201c{esc(r.text)}\u201d</blockquote>" if r.text else ""
            out.append(f"<li>{esc(', '.join(r.by) or r.id)} — {esc(r.summary)}{date}{text}</li>")
        out.append("</ul>")
    out.append("</details>")
    return "\n".join(out)


def _provision_head(result: ProvisionTrace) -> list[str]:
    if not result.policies:
        return [f"No policy in the data engages {result.target_label} ({result.target})."]
    lines = [f"Policies engaging {result.target_label} ({result.target}): {len(result.policies)}"]
    lines += [f"  {pid:<48} {kind:<9} {label}" for pid, label, kind in result.policies]
    return lines


def render_provision_text(result: ProvisionTrace) -> str:
    """The inverse trace as text: the list, then each policy's trace restricted to the provision(s)."""
    parts = ["\n".join(_provision_head(result)) + "\n"]
    parts += ["\n" + render_text(t) for t in result.traces]
    return "".join(parts)


def render_provision_markdown(result: ProvisionTrace) -> str:
    """The inverse trace as Markdown."""
    lines = [f"# Policies engaging {result.target_label}", ""]
    lines += [f"- **{label}** (`{pid}`) — {kind}" for pid, label, kind in result.policies] or ["No policy in the data engages it."]
    return _inert_markdown("\n".join(lines) + "\n\n" + "\n".join(_markdown(t) for t in result.traces))


def render_provision_html(result: ProvisionTrace) -> str:
    """The inverse trace as one HTML page: each policy's trace in turn."""
    pages = [render_html(t) for t in result.traces]
    bodies = [page.split("<body>", 1)[1].rsplit("</body>", 1)[0] for page in pages]
    head = "".join(f"<li>{html.escape(label)} ({html.escape(pid)}) — {kind}</li>" for pid, label, kind in result.policies)
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        f"<title>Policies engaging {html.escape(result.target_label)}</title><style>{_CSS}</style></head><body>"
        f"<h1>Policies engaging {html.escape(result.target_label)}</h1><ul>{head}</ul>"
        + "\n".join(bodies)
        + "</body></html>\n"
    )
