"""Options shared by several commands, each defined once, and the graph they ask for.

Every shared option is a Click decorator here (as sqlite-utils' ``output_options``), so a flag has one
name, one default and one help text across the commands. Where commands differ in what the flag
means (``--engine`` picks different engines; ``--timeout`` has different defaults), the decorator takes
that difference as an argument and nothing else.
"""

from __future__ import annotations

import sys

import click

__all__ = [
    "data_options",
    "echo_status",
    "engine_option",
    "format_option",
    "graph_options",
    "load_from_options",
    "network_from_options",
    "network_options",
    "output_option",
    "plot_option",
    "progress_reporter",
    "quiet",
    "read_query_option",
    "shapes_options",
    "store_dir",
    "timeout_option",
]

_STORE = "policygraph.store"
_QUIET = "policygraph.quiet"
_NO_CACHE = "policygraph.no-cache"


def _stack(*decorators):
    """One decorator applying ``decorators`` so that the first listed is the first shown in ``--help``."""

    def decorate(command):
        for decorator in reversed(decorators):
            command = decorator(command)
        return command

    return decorate


def _remember(key: str):
    def callback(ctx: click.Context, param: click.Parameter, value):
        if value:
            ctx.meta[key] = value
        return value

    return callback


# -- the input: which graph ------------------------------------------------------------------------

data_options = _stack(
    click.option(
        "--data",
        "data",
        multiple=True,
        metavar="PATH",
        help="Extra YAML records or RDF (.ttl .nt .nq .trig .jsonld .rdf), a file or a folder; repeatable.",
    ),
    click.option("--no-bundled", is_flag=True, help="Leave out the bundled Japan dataset (use only --data)."),
    click.option(
        "--no-cache",
        is_flag=True,
        expose_value=False,
        callback=_remember(_NO_CACHE),
        help="Build the graph in memory instead of using (or filling) the graph cache.",
    ),
    click.option(
        "--store",
        metavar="DIR",
        expose_value=False,
        callback=_remember(_STORE),
        help="Use the prebuilt store in DIR (from 'policygraph build --store DIR') instead of building the graph.",
    ),
    click.option(
        "--quiet",
        "-q",
        is_flag=True,
        expose_value=False,
        callback=_remember(_QUIET),
        help="No progress bars on stderr (they show only when stderr is a terminal).",
    ),
)
"""``--data PATH`` (repeatable), ``--no-bundled``, ``--no-cache``, ``--store DIR`` and ``--quiet``.

``--store``, ``--no-cache`` and ``--quiet`` are kept in the click context (``store_dir()``, ``quiet()``),
so commands read them without taking them as arguments.
"""

graph_options = _stack(
    data_options,
    click.option(
        "--graph",
        "graph_file",
        metavar="FILE",
        help="Use a prebuilt graph (from 'policygraph build -o FILE') instead of building one.",
    ),
)
"""``--graph FILE`` (a prebuilt graph) besides the data options."""


def store_dir() -> str | None:
    """The ``--store DIR`` given to the running command, if any."""
    context = click.get_current_context(silent=True)
    return context.meta.get(_STORE) if context is not None else None


def quiet() -> bool:
    """True when ``--quiet`` was given."""
    context = click.get_current_context(silent=True)
    return bool(context is not None and context.meta.get(_QUIET))


def load_from_options(data: tuple[str, ...], no_bundled: bool, graph_file: str | None = None):
    """The graph handle the options ask for: a prebuilt graph file (``--graph``), a store, the graph cache or memory.

    Raises:
        ConfigError: the options name more than one source of the graph.
    """
    from policygraph.errors import ConfigError

    store = store_dir()
    if graph_file:
        if store is not None:
            raise ConfigError("--graph cannot be combined with --store", hint="use one prebuilt graph: a file or a store")
        if data or no_bundled:
            raise ConfigError(
                "--graph cannot be combined with --data or --no-bundled",
                hint="build a graph with the extra data first: policygraph build --data PATH -o FILE",
            )
        from policygraph.graph.build import open_graph_file

        return open_graph_file(graph_file)
    if store is not None:
        if data or no_bundled:
            raise ConfigError(
                "--store cannot be combined with --data or --no-bundled",
                hint="build a store with the data first: policygraph build --data PATH --store DIR",
            )
        from policygraph.graph.store import open_store

        return open_store(store)
    context = click.get_current_context(silent=True)
    if context is not None and context.meta.get(_NO_CACHE):
        from policygraph.graph.build import load_graph

        return load_graph(data, bundled=not no_bundled)
    from policygraph.graph.cache import cached_graph

    bar = progress_reporter("building the graph cache")
    progress = (lambda stage, done, total: bar(done, total, stage)) if bar else None
    return cached_graph(data, bundled=not no_bundled, progress=progress, warn=lambda line: click.echo(line, err=True))


# Declared like data_options (a repeatable path, a --no-bundled-… flag, a folder): Click options are
# declarations, one per flag, so the two blocks look alike without repeating any logic.
shapes_options = _stack(
    click.option(
        "--shapes",
        "shapes",
        multiple=True,
        metavar="PATH",
        help="Extra SHACL shapes (.ttl), a file or a folder; repeatable.",
    ),
    click.option("--no-bundled-shapes", is_flag=True, help="Use only the --shapes given, not the bundled shapes/."),
    click.option(
        "--sources",
        metavar="DIR",
        help="Folder with the source texts the source records name "
        "(default: ../shared/seeds beside the repository, if it exists).",
    ),
)
"""``--shapes PATH`` (repeatable), ``--no-bundled-shapes`` and ``--sources DIR``."""


# -- the network: what analyze and export project ---------------------------------------------------

network_options = _stack(
    data_options,
    click.option(
        "--fold",
        is_flag=True,
        help="Replace positions, events, participations, recommendations... by direct edges (SMJ —opposes→ bill).",
    ),
    click.option(
        "--types",
        multiple=True,
        metavar="TYPE[,TYPE]",
        help="Keep only nodes of these types, with their subtypes (body, policy, treaty, government-body, ...).",
    ),
    click.option("--exclude-types", multiple=True, metavar="TYPE[,TYPE]", help="Leave out nodes of these types."),
    click.option(
        "--edge-kinds",
        multiple=True,
        metavar="KIND[,KIND]",
        help="Keep only edges of these kinds (pg:amends, amends, or the label) and the nodes they join.",
    ),
    click.option("--exclude-kinds", multiple=True, metavar="KIND[,KIND]", help="Leave out edges of these kinds."),
    click.option(
        "--query",
        metavar="FILE.rq|TEXT",
        help=(
            "Analyse only what a SPARQL CONSTRUCT query returns (a file, or the query itself)."
            " SERVICE, FROM and updates are refused."
        ),
    ),
    click.option("--citations", is_flag=True, help="Add the cited sources as nodes, with 'cites' edges."),
    click.option(
        "--literals",
        is_flag=True,
        help="Add literal properties (kind, status, stance, description...) as node attributes.",
    ),
)
"""The data options and the projection options shared by ``analyze`` and ``export``."""


def network_from_options(
    data, no_bundled, fold, types, exclude_types, edge_kinds, exclude_kinds, query, citations, literals
):
    """Load the graph and project it to a network as ``network_options`` say; notes go to stderr."""
    from policygraph.network.model import ProjectionOptions
    from policygraph.network.projection import project

    loaded = load_from_options(data, no_bundled)
    query_text, query_origin = read_query_option(query) if query else (None, "--query")
    options = ProjectionOptions(
        fold=fold,
        types=_split(types),
        exclude_types=_split(exclude_types),
        edge_kinds=_split(edge_kinds),
        exclude_kinds=_split(exclude_kinds),
        query=query_text,
        query_origin=query_origin,
        citations=citations,
        literals=literals,
    )
    network = project(loaded, options)
    for note in network.notes:
        click.echo(f"note: {note}", err=True)
    return network


def read_query_option(value: str) -> tuple[str, str]:
    """The ``--query`` text and where it came from: a file (regular, size-capped), or the option's value itself.

    Raises:
        InputError: the file is missing, not a regular file, too large, unreadable or not UTF-8.
    """
    from policygraph.sparql.guard import read_query_file

    if "{" in value:
        return value, "--query"
    return read_query_file(value, missing="no such query file", hint="give a .rq file or the CONSTRUCT query itself"), value


def _split(values: tuple[str, ...]) -> tuple[str, ...]:
    """``--types a,b --types c`` → ``("a", "b", "c")``."""
    return tuple(part.strip() for value in values for part in value.split(",") if part.strip())


# -- the output: format, file, picture ----------------------------------------------------------------


def format_option(*choices: str, default: str | None = None, help: str | None = None):
    """``--format`` among ``choices`` (given to the command as ``fmt``); with a default, shown in --help."""
    shown_default = {} if default is None else {"default": default, "show_default": True}
    return click.option("--format", "fmt", type=click.Choice(choices), help=help, **shown_default)


def output_option(help: str, metavar: str = "FILE", required: bool = False):
    """``-o/--output``: the file (or folder) to write, atomically, instead of standard output."""
    return click.option("-o", "--output", required=required, metavar=metavar, help=help)


def plot_option(help: str):
    """``--plot FILE.png|svg``: also draw the result."""
    return click.option("--plot", metavar="FILE.png|svg", help=help)


# -- how to run: engine, time limit ---------------------------------------------------------------------


def engine_option(*engines: str, help: str):
    """``--engine auto|ENGINE...``: which implementation computes the result (auto picks by size)."""
    return click.option(
        "--engine", type=click.Choice(["auto", *engines]), default="auto", show_default=True, help=help
    )


class _Seconds(click.FloatRange):
    """A time limit: finite, above 0, at most ``sparql.guard.MAX_TIMEOUT`` (``inf`` and ``nan`` pass a plain FloatRange)."""

    name = "seconds"

    def __init__(self) -> None:
        from policygraph.sparql.guard import MAX_TIMEOUT

        super().__init__(min=0, min_open=True, max=MAX_TIMEOUT)

    def convert(self, value, param, ctx):  # noqa: ANN001, ANN201 - Click's interface
        import math

        number = super().convert(value, param, ctx)
        if not math.isfinite(number):
            self.fail(f"{value!r} is not a finite number of seconds.", param, ctx)
        return number


def timeout_option(default: float, help: str | None = None):
    """``--timeout SECONDS`` (finite, more than 0, at most a day): the time limit of a query or a request."""
    return click.option(
        "--timeout",
        type=_Seconds(),
        default=default,
        show_default=True,
        metavar="SECONDS",
        help=help,
    )


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


def echo_status(message: str) -> None:
    """A status line (``wrote FILE ...``), always on stderr: standard output carries data only (``-o -``)."""
    click.echo(message, err=True)
