"""``build``, ``show`` and ``search``: the graph itself."""

from __future__ import annotations

import functools
import json

import click

from policygraph.cli.options import (
    data_options,
    echo_status,
    format_option,
    load_from_options,
    output_option,
)
from policygraph.errors import ConfigError
from policygraph.graph.serialize import RDF_OUTPUT_FORMATS


@click.command()
@data_options
@output_option("Write the graph to FILE (atomically), or - for standard output.")
@format_option(*sorted(RDF_OUTPUT_FORMATS), default="ttl", help="RDF format of -o (nq and trig: every triple in the default graph).")
@click.option("--no-validate", is_flag=True, help="Write -o even if the graph has violations (-o validates first).")
@click.option(
    "--void",
    "void_file",
    metavar="FILE",
    help="Also write a VoID + DCAT description of the graph (Turtle: counts, sources, distributions) to FILE, or -.",
)
@click.option("--endpoint-url", metavar="URL", help="With --void: the SPARQL endpoint that serves the graph (void:sparqlEndpoint).")
def build(data, no_bundled, output, fmt, no_validate, void_file, endpoint_url):
    """Build the graph from the curated data and print a summary (on stderr).

    With --store DIR it writes an on-disk store that query, trace, validate, analyze and export
    open with --store DIR instead of building the graph again (skipped when the inputs are unchanged).

    \b
    Example:
      policygraph build
      policygraph build -o japan.ttl
      policygraph build --data my-records/ --format nt -o all.nt
      policygraph build --format nq -o - | gzip > japan.nq.gz
      policygraph build -o japan.ttl --void japan.void.ttl
      policygraph build --store japan.store
    """
    from policygraph.cli.options import store_dir

    if store_dir() is not None:
        _build_into_store(store_dir(), data, no_bundled, output)
        return
    loaded = load_from_options(data, no_bundled)
    if output and not no_validate:
        from policygraph.cli.validate_commands import refuse_violations

        refuse_violations(loaded, output)
    if output and output == void_file:
        raise ConfigError("-o and --void name the same file", hint="the description goes in a file of its own")
    if endpoint_url and not void_file:
        raise ConfigError("--endpoint-url goes with --void (it is written into the description)")
    if output:
        from policygraph.graph.serialize import serialize
        from policygraph.output import write_atomic

        write_atomic(output, serialize(loaded, fmt))
    if void_file:
        from policygraph.graph.void import dataset_description
        from policygraph.output import write_atomic

        write_atomic(void_file, dataset_description(loaded, endpoint=endpoint_url).serialize(format="turtle", encoding="utf-8"))
        echo_status(f"wrote {void_file} (VoID and DCAT description)")
    from policygraph.graph.summary import summarise

    echo_summary(summarise(loaded), len(loaded.files))
    if output:
        echo_status(f"wrote {output} ({fmt})")


def echo_summary(summary, files: int) -> None:
    """Print ``build``'s summary of a graph, on stderr: standard output is for the graph (``-o -``)."""
    echo = functools.partial(click.echo, err=True)
    echo(f"{summary.triples} triples from {files} files")
    echo(f"{summary.records} records" + (":" if summary.records else ""))
    for type_name, count in summary.by_type:
        echo(f"  {type_name:<32} {count:>5}")
    if summary.rdf_records:
        echo(f"  {'(from RDF input)':<32} {summary.rdf_records:>5}")
    echo(f"{summary.citations} citations of {len(summary.sources)} sources" + (":" if summary.sources else ""))
    for source_id, label, count in summary.sources:
        echo(f"  {source_id:<32} {count:>5}  {label}")
    if summary.external_citations:
        echo(f"  {'(public URLs)':<32} {summary.external_citations:>5}")


@click.command()
@click.argument("id")
@data_options
@format_option("text", "json", default="text")
def show(id, data, no_bundled, fmt):
    """Describe one entity: type, labels, relations in and out, citations with quotes.

    \b
    Example:
      policygraph show crc-art-9
      policygraph show bill-2021-immigration-control-revision
    """
    from policygraph.graph.describe import describe

    loaded = load_from_options(data, no_bundled)
    description = describe(loaded, id)
    if fmt == "json":
        click.echo(json.dumps(description.to_dict(), ensure_ascii=False, indent=2))
        return
    click.echo(_render_description(description))


@click.command()
@click.argument("text")
@data_options
@click.option("--limit", default=20, show_default=True, type=click.IntRange(1, 1000), help="At most this many hits.")
@format_option("text", "json", default="text")
def search(text, data, no_bundled, limit, fmt):
    """Find entities by label, alias or id (case- and accent-insensitive, best first).

    \b
    Example:
      policygraph search "Specified Skilled Worker"
      policygraph search refoulement
    """
    from policygraph.graph.search import search as find

    loaded = load_from_options(data, no_bundled)
    hits = find(loaded, text, limit=limit)
    if fmt == "json":
        rows = [{"id": h.id, "label": h.label, "type": h.type, "matched": h.matched, "score": h.score} for h in hits]
        click.echo(json.dumps(rows, ensure_ascii=False, indent=2))
        return
    if not hits:
        click.echo(f"no entity matches {text!r}")
        return
    width = max(len(h.id) for h in hits)
    for hit in hits:
        matched = f"  (matched {hit.matched!r})" if hit.matched != hit.label and hit.matched != hit.id else ""
        click.echo(f"{hit.id:<{width}}  {hit.type:<26} {hit.label}{matched}")


def _render_description(d) -> str:
    lines = [f"{d.id} — {d.labels[0][0] if d.labels else d.id}", f"  type: {', '.join(d.types)}", f"  iri:  {d.iri}"]
    if d.defined_at:
        lines.append(f"  defined at {d.defined_at}")
    for text, lang in d.labels[1:] if len(d.labels) > 1 else []:
        lines.append(f"  label: {text}" + (f" @{lang}" if lang else ""))
    if d.aliases:
        lines.append("  also: " + "; ".join(text + (f" @{lang}" if lang not in ("", "en") else "") for text, lang in d.aliases))
    if d.properties:
        lines.append("")
        for prop, value in d.properties:
            lines.append(f"  {prop}: {value}")
    if d.identifiers:
        lines += ["", "identifiers:"]
        lines += [f"  {i.scheme} {i.value}" + (f"  <{i.iri}>" if i.iri else "") for i in d.identifiers]
    if d.outgoing:
        lines += ["", "relations:"]
        lines += [f"  {link.property} → {link.id} ({link.label})" for link in d.outgoing]
    if d.incoming:
        lines += ["", "referenced by:"]
        for link in d.incoming:
            via = f" [via {link.via}]" if link.via else ""
            lines.append(f"  {link.id} ({link.type}) —{link.property}→{via}")
            lines.append(f"      {link.brief or link.label}")
    if d.citations:
        lines += ["", "citations:"]
        for number, citation in enumerate(d.citations, 1):
            lines.append(f"  [{number}] {citation.source_label} — {citation.locator}")
            lines.append(f"      \u201c{citation.quote}\u201d")
    return "\n".join(lines)


def _build_into_store(folder: str, data: tuple[str, ...], no_bundled: bool, output: str | None) -> None:
    """``build --store DIR``: build (or find up to date) the store in ``folder`` and print the summary."""
    from policygraph.cli.options import progress_reporter
    from policygraph.graph.store import build_store, open_store
    from policygraph.graph.summary import summarise

    if output:
        raise ConfigError("-o cannot be combined with --store", hint="build the store, then: policygraph export ttl --store DIR -o FILE")
    bar = progress_reporter("building the store")
    progress = (lambda stage, done, total: bar(done, total, stage)) if bar else None
    result = build_store(folder, data, bundled=not no_bundled, progress=progress)
    opened = open_store(folder)
    echo_summary(summarise(opened), len(opened.files))
    if result.skipped:
        click.echo(f"store {folder} is up to date (the inputs have not changed)", err=True)
    else:
        click.echo(f"wrote store {folder}", err=True)
