"""The command-line interface: Click only — parse, call the library, render, pick the exit code.

Exit codes: 0 ok, 1 findings, 2 bad usage or bad input (any ``PolicygraphError``). Heavy libraries
are imported inside the commands, so ``policygraph --help`` stays fast. The command modules never
import this one: they define their commands and ``main`` below adds them, so there is no import circle.
"""

from __future__ import annotations

import sys

import click

from policygraph.cli import (
    analyze_commands,
    cache_commands,
    export_commands,
    graph_commands,
    query_commands,
    trace_commands,
    validate_commands,
)
from policygraph.errors import PolicygraphError

__all__ = ["main"]


class _Group(click.Group):
    """A group that turns library errors into one line on stderr and exit code 2."""

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except PolicygraphError as error:
            click.echo(f"error: {error}", err=True)
            ctx.exit(2)
        except BrokenPipeError:  # `policygraph ... | head`
            sys.stderr.close()
            ctx.exit(0)


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(package_name="policygraph")
def main() -> None:
    """policygraph: policies, the bodies behind them, the people they affect, and the treaties that bind the state.

    The bundled dataset is Japan's immigration and refugee policy. Every command works on it by
    default; add your own YAML or RDF with --data.
    """


# Each command lives in the module of its stage; this list is the one place that registers them.
for _command in (
    graph_commands.build,
    graph_commands.show,
    graph_commands.search,
    query_commands.query,
    query_commands.queries,
    query_commands.push,
    query_commands.serve,
    validate_commands.validate,
    trace_commands.trace,
    analyze_commands.analyze,
    export_commands.export_command,
    cache_commands.cache,
):
    main.add_command(_command)
