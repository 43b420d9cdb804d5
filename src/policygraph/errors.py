"""The single exception hierarchy.

Failures are exceptions (bad input, bad usage); findings are data (see ``model``). The CLI maps
every ``PolicygraphError`` to exit code 2 and prints ``str(error)``: one line, with the location
first so editors and CI annotators can jump to it.
"""

from __future__ import annotations

from policygraph.model import Location

__all__ = ["PolicygraphError", "InputError", "SchemaError", "ConfigError"]


class PolicygraphError(Exception):
    """Base of all policygraph errors.

    Args:
        message: what is wrong, lower-case, naming the thing in quotes.
        location: where in the input, if known.
        hint: what to do about it, if there is something to say.
    """

    def __init__(self, message: str, location: Location | None = None, hint: str | None = None):
        super().__init__(message)
        self.message = message
        self.location = location
        self.hint = hint

    def __str__(self) -> str:
        text = f"{self.location}: {self.message}" if self.location else self.message
        if self.hint:
            text += f" ({self.hint})"
        return text

    def __repr__(self) -> str:
        return f"{type(self).__name__}({str(self)!r})"


class InputError(PolicygraphError):
    """A file is missing or unreadable, or its YAML/Turtle/records are malformed."""


class SchemaError(PolicygraphError):
    """A shape, query or term is malformed or unknown."""


class ConfigError(PolicygraphError):
    """Options conflict, or a name (query, id, format) is unknown."""
