"""The command-line interface: Click only — parse, call the library, render, pick the exit code.

Exit codes: 0 ok, 1 findings, 2 bad usage or bad input (any ``PolicygraphError``). Heavy libraries
are imported inside the commands, so ``policygraph --help`` stays fast. The command modules never
import this one: they define their commands and ``main`` below adds them, so there is no import circle.

Every failure is one line on stderr: a library error as ``error: MESSAGE``; anything unexpected
(a bug) as ``error: internal error: TYPE: MESSAGE, please report``, exit 2, with the full stack
only under ``policygraph --debug``: a traceback in the middle of a pipeline helps nobody but the
person fixing the bug, and they can ask for it.
"""

from __future__ import annotations

import sys
import traceback

import click

from policygraph.cli import (
    analyze_commands,
    cache_commands,
    export_commands,
    graph_commands,
    query_commands,
    site_commands,
    trace_commands,
    validate_commands,
)
from policygraph.errors import PolicygraphError

__all__ = ["main"]

_DEBUG = "policygraph.debug"


class _Group(click.Group):
    """A group that turns every failure into one line on stderr and exit code 2."""

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except (click.exceptions.ClickException, click.exceptions.Exit, click.exceptions.Abort):
            raise  # usage errors, ctx.exit() and Ctrl-C: Click reports them itself
        except PolicygraphError as error:
            click.echo(f"error: {error}", err=True)
            ctx.exit(2)
        except BrokenPipeError:  # `policygraph ... | head`
            sys.stderr.close()
            ctx.exit(0)
        except MemoryError:
            _fail(ctx, "out of memory (the input is too large for this machine)")
        except RecursionError:
            _fail(ctx, "the input is nested too deeply (Python's recursion limit was reached)")
        except Exception as error:  # a bug: say so on one line, the stack only under --debug
            message = " ".join(str(error).split())[:300]
            _fail(ctx, f"internal error: {type(error).__name__}: {message}, please report")


def _fail(ctx: click.Context, message: str) -> None:
    if ctx.meta.get(_DEBUG):
        click.echo(traceback.format_exc().rstrip("\n"), err=True)
    click.echo(f"error: {message}", err=True)
    ctx.exit(2)


def _remember_debug(ctx: click.Context, param: click.Parameter, value: bool) -> bool:
    ctx.meta[_DEBUG] = value
    return value


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(package_name="policygraph")
@click.option(
    "--debug",
    is_flag=True,
    expose_value=False,
    callback=_remember_debug,
    help="On an internal error, print the full Python stack (for a bug report) before the one-line message.",
)
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
    site_commands.site,
    analyze_commands.analyze,
    export_commands.export_command,
    cache_commands.cache,
):
    main.add_command(_command)
