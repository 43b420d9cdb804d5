"""``build --store DIR``: the prebuilt on-disk store (the ``build`` command itself is in graph_commands)."""

from __future__ import annotations

import click

from ..errors import ConfigError
from .options import progress_reporter


def build_into_store(folder: str, data: tuple[str, ...], no_bundled: bool, output: str | None) -> None:
    """Build (or find up to date) the store in ``folder`` and print the summary, as ``build`` does."""
    from ..store import build_store, open_store, store_summary
    from .graph_commands import echo_summary

    if output:
        raise ConfigError("-o cannot be combined with --store", hint="build the store, then: policygraph export ttl --store DIR -o FILE")
    bar = progress_reporter("building the store")
    progress = (lambda stage, done, total: bar(done, total, stage)) if bar else None
    result = build_store(folder, data, bundled=not no_bundled, progress=progress)
    opened = open_store(folder)
    echo_summary(store_summary(opened), len(opened.files))
    if result.skipped:
        click.echo(f"store {folder} is up to date (the inputs have not changed)")
    else:
        click.echo(f"wrote store {folder}")
