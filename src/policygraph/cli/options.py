"""Options shared by several commands, defined once."""

from __future__ import annotations

import sys

import click

__all__ = ["data_options", "echo_status", "load_from_options", "progress_reporter", "quiet", "store_dir", "to_stdout"]

_STORE = "policygraph.store"
_QUIET = "policygraph.quiet"


def _remember(key: str):
    def callback(ctx: click.Context, param: click.Parameter, value):
        if value:
            ctx.meta[key] = value
        return value

    return callback


def data_options(command):
    """``--data PATH`` (repeatable), ``--no-bundled``, ``--store DIR`` and ``--quiet``.

    ``--store`` and ``--quiet`` are kept in the click context (``store_dir()``, ``quiet()``), so
    commands read them without taking them as arguments.
    """
    command = click.option(
        "--quiet",
        "-q",
        is_flag=True,
        expose_value=False,
        callback=_remember(_QUIET),
        help="No progress bars on stderr (they show only when stderr is a terminal).",
    )(command)
    command = click.option(
        "--store",
        metavar="DIR",
        expose_value=False,
        callback=_remember(_STORE),
        help="Use the prebuilt store in DIR (from 'policygraph build --store DIR') instead of building the graph.",
    )(command)
    command = click.option(
        "--no-bundled", is_flag=True, help="Leave out the bundled Japan dataset (use only --data)."
    )(command)
    command = click.option(
        "--data",
        "data",
        multiple=True,
        metavar="PATH",
        help="Extra YAML records or RDF (.ttl .nt .nq .trig .jsonld .rdf), a file or a folder; repeatable.",
    )(command)
    return command


def store_dir() -> str | None:
    """The ``--store DIR`` given to the running command, if any."""
    context = click.get_current_context(silent=True)
    return context.meta.get(_STORE) if context is not None else None


def quiet() -> bool:
    """True when ``--quiet`` was given."""
    context = click.get_current_context(silent=True)
    return bool(context is not None and context.meta.get(_QUIET))


def load_from_options(data: tuple[str, ...], no_bundled: bool):
    """Build the graph as the data options say, or open the store ``--store`` names."""
    store = store_dir()
    if store is not None:
        from policygraph.errors import ConfigError
        from policygraph.graph.store import open_store

        if data or no_bundled:
            raise ConfigError(
                "--store cannot be combined with --data or --no-bundled",
                hint="build a store with the data first: policygraph build --data PATH --store DIR",
            )
        return open_store(store)
    from policygraph.graph.build import load_graph

    return load_graph(data, bundled=not no_bundled)


def progress_reporter(label: str):
    """A ``progress(done, total)`` callback drawing a bar on stderr, or None when stderr is no terminal or --quiet."""
    if quiet() or not sys.stderr.isatty():
        return None
    state: dict = {}

    def report(done: int, total: int, stage: str | None = None) -> None:
        bar = state.get("bar")
        if bar is None or state.get("stage") != stage or state.get("total") != total:
            if bar is not None:
                bar.render_finish()
            bar = click.progressbar(length=max(total, 1), label=stage or label, file=sys.stderr, show_percent=True)
            state.update(bar=bar, stage=stage, total=total, done=0)
        bar.update(done - state["done"])
        state["done"] = done
        if done >= total:
            bar.render_finish()
            state["bar"] = None

    return report


def to_stdout(output: str | None) -> bool:
    """True for ``-o -``: the data goes to standard output, so status lines must go to stderr."""
    return output == "-"


def echo_status(message: str, output: str | None) -> None:
    """A status line (``wrote FILE ...``): on stdout, or on stderr when ``-o -`` sends the data there."""
    click.echo(message, err=to_stdout(output))
