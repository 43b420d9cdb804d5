"""Options shared by several commands, defined once."""

from __future__ import annotations

import click

__all__ = ["data_options", "load_from_options"]


def data_options(command):
    """``--data PATH`` (repeatable) and ``--no-bundled``."""
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


def load_from_options(data: tuple[str, ...], no_bundled: bool):
    """Build the graph as the data options say."""
    from ..load import load_graph

    return load_graph(data, bundled=not no_bundled)
