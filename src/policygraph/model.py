"""Small frozen data objects shared by the library: locations, and the results it returns."""

from __future__ import annotations

import os
from dataclasses import dataclass

__all__ = ["Location"]


@dataclass(frozen=True, order=True)
class Location:
    """A place in an input file: ``path:line[:column]`` (lines and columns from 1)."""

    path: str
    line: int | None = None
    column: int | None = None

    def __str__(self) -> str:
        text = _display_path(self.path)
        if self.line is not None:
            text += f":{self.line}"
            if self.column is not None:
                text += f":{self.column}"
        return text


def _display_path(path: str) -> str:
    """The path relative to the working directory when it lies below it, else as given."""
    try:
        relative = os.path.relpath(path)
    except ValueError:  # another drive on Windows
        return path
    return path if relative.startswith("..") else relative
