"""Build the site: read the graph, render every page in every language, and swap the finished folder in.

The site is built in a new folder beside the target and renamed into place only when every file is
written, so a failed build leaves the previous site as it was. Two renames swap an old site out and the
new one in (Linux has no portable way to exchange two folders in one step); between them, for a moment,
the folder is absent, never half-written. A folder is replaced only if it is empty or was built by
``policygraph site`` (it holds ``MARKER``), so a mistyped ``-o`` cannot delete someone's documents.
"""

from __future__ import annotations

import datetime as _dt
import os
import shutil
import tempfile
import time
from dataclasses import dataclass
from importlib.resources import files
from pathlib import Path

from policygraph.errors import ConfigError, InputError
from policygraph.graph.handle import LoadedGraph
from policygraph.model import Location
from policygraph.site.model import SiteData, read_site_data
from policygraph.site.pages import Page, citations, entity_path, site_pages
from policygraph.site.search_index import network_script, search_script
from policygraph.site.strings import LANGUAGES, SECTION_TITLES, word

__all__ = ["MARKER", "SiteReport", "build_site", "render_pages"]

MARKER = ".policygraph-site"
"""The file that marks a folder as a site ``build_site`` may replace."""


@dataclass(frozen=True)
class SiteReport:
    """What was built: where, how many pages and files, their total size, and how long it took."""

    folder: Path
    pages: int
    files: int
    size: int  # bytes
    seconds: float


def build_site(
    loaded: LoadedGraph, folder: str | Path, *, as_of: str | None = None, lang: str = "en", today: _dt.date | None = None
) -> SiteReport:
    """Write the website for ``loaded`` into ``folder`` (replacing a site built there before).

    Args:
        loaded: the graph handle.
        folder: the site's folder; created, or replaced if it holds a site built before.
        as_of: judge every binding status on this date (default: each policy's own date, as ``trace`` does).
        lang: the language at the site's root; the other languages live under ``<lang>/``.
        today: the build date printed on every page (default: today, UTC).

    Raises:
        ConfigError: an unknown language, a bad ``as_of``, or a folder that is not a site.
        InputError: the folder's parent does not exist or cannot be written.
    """
    started = time.perf_counter()
    if lang not in LANGUAGES:
        raise ConfigError(f"unknown language {lang!r}", hint="one of: " + ", ".join(LANGUAGES))
    target = _checked_folder(Path(folder))
    data = read_site_data(loaded, as_of=as_of, today=today)
    from policygraph.network.projection import project

    network = project(loaded)
    work = Path(tempfile.mkdtemp(prefix=f".{target.name}.building-", dir=target.parent))
    try:
        pages = site_pages(data)
        render_pages(work, pages, data, lang)
        _write(work / "static" / "search-index.js", search_script(data))
        _write(work / "static" / "network-data.js", network_script(data, network))
        shutil.copytree(Path(str(files("policygraph.site") / "static")), work / "static", dirs_exist_ok=True)
        _write(work / MARKER, f"policygraph site, dataset {data.version}, built {data.build_date}\n")
        written = [path for path in work.rglob("*") if path.is_file()]
        size = sum(path.stat().st_size for path in written)
        _swap(work, target)
    except BaseException:
        shutil.rmtree(work, ignore_errors=True)
        raise
    return SiteReport(target, len(pages) * len(LANGUAGES), len(written), size, time.perf_counter() - started)


def _checked_folder(folder: Path) -> Path:
    folder = folder.absolute()
    if not folder.parent.is_dir():
        raise InputError("no such folder", Location(str(folder.parent)), hint="create it first")
    if folder.exists():
        if not folder.is_dir():
            raise ConfigError(f"{folder} is a file, not a folder", hint="give a new or empty folder for the site")
        if any(folder.iterdir()) and not (folder / MARKER).is_file():
            raise ConfigError(
                f"{folder} is not empty and was not built by policygraph site",
                hint="give a new or empty folder: the build replaces the whole folder",
            )
    if not os.access(folder.parent, os.W_OK):
        raise InputError("cannot write here", Location(str(folder.parent)))
    return folder


def _swap(work: Path, target: Path) -> None:
    """Put the finished ``work`` folder at ``target``; an old site there is removed only once the new one is in."""
    if not target.exists():
        os.rename(work, target)
        return
    old = Path(tempfile.mkdtemp(prefix=f".{target.name}.old-", dir=target.parent))
    os.rmdir(old)
    os.rename(target, old)
    try:
        os.rename(work, target)
    except OSError:
        os.rename(old, target)
        raise
    shutil.rmtree(old, ignore_errors=True)


def _write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def render_pages(work: Path, pages: list[Page], data: SiteData, primary: str) -> None:
    """Render every page in every language: ``primary`` at the root, each other language in its own folder."""
    from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape

    env = Environment(
        loader=PackageLoader("policygraph.site", "templates"),
        autoescape=select_autoescape(["html"]),
        undefined=StrictUndefined,
        extensions=["jinja2.ext.do"],
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["words"] = lambda text: str(text).replace("_", " ").replace("-", " ")
    prefixes = {lang: "" if lang == primary else f"{lang}/" for lang in LANGUAGES}
    for lang in LANGUAGES:
        other = next(code for code in LANGUAGES if code != lang)
        for page in pages:
            base = "../" * page.depth
            link = _linker(data, base)
            site_root = base + ("../" if prefixes[lang] else "")
            context = {
                "lang": lang,
                "other": other,
                "t": lambda key, lang=lang: word(key, lang),
                "section_title": lambda section, lang=lang: SECTION_TITLES[section].get(lang, SECTION_TITLES[section]["en"]),
                "base": base,
                "static": site_root + "static/",
                "switch": site_root + prefixes[other] + page.path,
                "link": link,
                "anchor": _anchorer(data, link, lang),
                "page": page,
                "title": page.title.get(lang) or page.title["en"],
                "data": page.data,
                "page_citations": citations(page.data),
                "version": data.version,
                "build_date": data.build_date,
                "as_of": data.as_of,
            }
            html = env.get_template(page.template).render(context)
            _write(work / prefixes[lang] / page.path, html)


def _linker(data: SiteData, base: str):  # noqa: ANN202 - a function for the templates
    def link(identifier: str | None) -> str | None:
        """The relative URL of a record's page, or None when it has none."""
        entity = data.entities.get(identifier or "")
        path = entity_path(entity) if entity else None
        return base + path if path else None

    return link


def _anchorer(data: SiteData, link, lang: str):  # noqa: ANN001, ANN202 - functions for the templates
    """``anchor(id)``: a link to the record's page named by its label, or the bare label where it has no page.

    A Python function rather than a template macro: it is called a hundred times a page, and a macro call costs
    ten times as much.
    """
    from markupsafe import Markup, escape

    def anchor(identifier: str) -> Markup:
        entity = data.entities.get(identifier)
        label = escape(entity.label(lang) if entity else identifier)
        url = link(identifier)
        return Markup(f'<a href="{escape(url)}">{label}</a>') if url else label

    return anchor
