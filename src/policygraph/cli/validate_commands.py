"""``validate``: check the data against the SHACL shapes and every quote against its source text."""

from __future__ import annotations

import json
from pathlib import Path

import click

from policygraph.cli.options import (
    data_options,
    engine_option,
    format_option,
    load_from_options,
    shapes_options,
    timeout_option,
)
from policygraph.errors import InputError
from policygraph.model import Location

_SEVERITY_HELP = "Show findings of this severity or worse (the summary counts all). Only violations fail."


def run_validation(data, no_bundled, shapes=(), no_bundled_shapes=False, sources=None, loaded=None, engine="auto", timeout=None):
    """Load (unless ``loaded`` is given) and validate as the options say; returns (loaded, report)."""
    from policygraph import resources
    from policygraph.validation.validate import validate

    if no_bundled_shapes and not shapes:
        raise click.UsageError("--no-bundled-shapes needs at least one --shapes PATH")
    shape_paths = ([] if no_bundled_shapes else [resources.shapes_dir()]) + [Path(p) for p in shapes]
    if sources is not None:
        sources_dir = Path(sources)
        if not sources_dir.is_dir():
            hint = "--sources names the folder with the source texts"
            raise InputError("no such sources folder", Location(sources), hint=hint)
    else:
        sources_dir = resources.default_sources_dir()
    if loaded is None:
        loaded = load_from_options(data, no_bundled)
    from policygraph.cli.options import progress_reporter

    progress = progress_reporter("checking shapes")
    return loaded, validate(loaded, shape_paths, sources=sources_dir, engine=engine, progress=progress, timeout=timeout)


@click.command()
@data_options
@shapes_options
@format_option("text", "json", "ttl", default="text")
@click.option(
    "--severity",
    type=click.Choice(["violation", "warning", "info"]),
    default="warning",
    show_default=True,
    help=_SEVERITY_HELP,
)
@engine_option(
    "oxigraph",
    "pyshacl",
    help="SHACL engine: oxigraph (shapes as SPARQL, fast), pyshacl (the reference); auto: oxigraph unless the shapes need pyshacl.",
)
@timeout_option(300, help="Stop the check after this long (exit 2): a shape's SPARQL may be slow.")
def validate(data, no_bundled, shapes, no_bundled_shapes, sources, fmt, severity, engine, timeout):
    """Check the data: SHACL shapes, and every quote against its source text.

    Lists each finding with the file and line of the YAML record, the record id, the key, the
    offending value and what to do; then a summary. Exit status: 0 when the data conforms (no
    violations), 1 when it has violations, 2 when the input cannot be read.

    \b
    Example:
      policygraph validate
      policygraph validate --data my-records/ --severity info
      policygraph validate --format json > report.json
      policygraph validate --sources ~/texts --format ttl
      policygraph validate --store japan.store --engine pyshacl
    """
    from policygraph.validation.report import render_text

    _, report = run_validation(data, no_bundled, shapes, no_bundled_shapes, sources, engine=engine, timeout=timeout)
    if fmt == "json":
        click.echo(json.dumps(report.to_dict(severity), ensure_ascii=False, indent=2))
    elif fmt == "ttl":
        click.echo(report.to_graph(severity).serialize(format="turtle"), nl=False)
    else:
        click.echo(render_text(report, severity), nl=False)
    if not report.ok:
        click.get_current_context().exit(1)


def refuse_violations(loaded, output: str) -> None:
    """For ``build -o``: validate ``loaded``; on violations list them on stderr and exit 1 without writing."""
    from policygraph.validation.report import render_finding

    _, report = run_validation((), False, loaded=loaded)
    if report.ok:
        return
    violations = report.shown("violation")
    for finding in violations:
        click.echo(render_finding(finding), err=True)
    count = f"{len(violations)} violation{'s' if len(violations) != 1 else ''}"
    click.echo(
        f"error: not writing {output}: the graph has {count} (listed above; policygraph validate explains them, "
        "--no-validate writes the graph anyway)",
        err=True,
    )
    click.get_current_context().exit(1)
