"""``cache info`` and ``cache clear``: the graph cache that every command builds once and opens after."""

from __future__ import annotations

import click


@click.group()
def cache() -> None:
    """The graph cache: where the built graph is kept between commands, and how to empty it.

    The first command that needs the graph builds it into an Oxigraph store in the cache folder
    ($POLICYGRAPH_CACHE_DIR, else $XDG_CACHE_HOME/policygraph, else ~/.cache/policygraph); later
    commands with the same inputs open it. --no-cache on any command builds in memory instead.
    """


@cache.command("info")
def cache_info() -> None:
    """Show the cache folder and the graphs in it (most recently used first).

    \b
    Example:
      policygraph cache info
    """
    from policygraph.graph.cache import cache_dir, cache_entries

    entries = cache_entries()
    click.echo(f"cache folder: {cache_dir()}")
    click.echo(f"{len(entries)} cached graph{'' if len(entries) == 1 else 's'}")
    for entry in entries:
        inputs = f"{len(entry.files)} input file{'' if len(entry.files) == 1 else 's'}"
        click.echo(f"  {entry.folder.name}  {entry.triples} triples  {inputs}  {entry.bytes / 1e6:.1f} MB")


@cache.command("clear")
def cache_clear() -> None:
    """Remove every cached graph (the next command builds the graph again).

    \b
    Example:
      policygraph cache clear
    """
    from policygraph.graph.cache import cache_dir, clear_cache

    removed = clear_cache()
    click.echo(f"removed {removed} cached graph{'' if removed == 1 else 's'} from {cache_dir()}")
