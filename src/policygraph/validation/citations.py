"""Citation checks: is each quote really in the source text it cites?

SHACL cannot read the source documents, so this runs in Python beside the shapes. A citation of a
local source (``source: isa-report-2021``) is looked up in that source's text file (its ``file``,
in the sources folder); the quote must be found in it once whitespace, quote marks and dashes are
normalised, and nothing else. A citation of a public page (``url: ...``) cannot be checked offline:
it is reported as "external — quote not checked" (info), never as passing. Without the source texts,
the quotes are reported as not checked (a warning per source), never as passing either.

The project cites the source texts; it does not copy them: the texts stay in the sources folder.
"""

from __future__ import annotations

import functools
import re
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

from rdflib import URIRef
from rdflib.term import Node

from policygraph.graph.convert import to_rdflib
from policygraph.graph.handle import LoadedGraph
from policygraph.graph.labels import local_id
from policygraph.model import Finding
from policygraph.records.canonical import readable_url
from policygraph.records.files import SourceMap
from policygraph.terms import PG, RDF

__all__ = ["normalise", "find_quote", "QuoteMatch", "check_citations", "CHECK_SHAPE", "CHECK_COMPONENT"]

CHECK_SHAPE = URIRef("https://w3id.org/policygraph/shapes#quote-check")
"""The ``shape`` of citation-check findings (not a SHACL shape: the check is Python)."""

CHECK_COMPONENT = URIRef("https://w3id.org/policygraph/shapes#QuoteCheckComponent")
"""The ``sh:sourceConstraintComponent`` given to citation-check findings in a SHACL report."""

_QUOTE = PG.quote  # looked up once: a closed namespace's attribute lookup is slow, and there is a finding per citation

_QUOTES = str.maketrans(
    {
        **dict.fromkeys("\u2018\u2019\u201a\u201b\u2032\u2035\uff07", "'"),
        **dict.fromkeys("\u201c\u201d\u201e\u201f\u2033\u2036\uff02", '"'),
        **dict.fromkeys("\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe58\ufe63\uff0d", "-"),
    }
)
_SPACE = re.compile(r"\s+")


def normalise(text: str) -> str:
    """``text`` with curly quotes and primes made straight, dashes made hyphens, whitespace runs one space.

    Nothing else changes: not case, not Unicode normal form, not punctuation.
    """
    return _SPACE.sub(" ", text.translate(_QUOTES)).strip()


@dataclass(frozen=True)
class QuoteMatch:
    """Whether a quote was found in a text and, if not, how far it matched and what the text has instead."""

    found: bool
    matched_words: int  # leading whole words of the quote found in the text (all of them when found)
    words: int  # words in the quote
    differs_at: str | None = None  # the quote's words from where it stops matching, when not found
    source_has: str | None = None  # the text's words at that point (after the longest matching start), if any
    case_only: bool = False  # not found, but found ignoring upper and lower case


def find_quote(quote: str, text: str) -> QuoteMatch:
    """Look for ``quote`` in ``text`` (both normalised with ``normalise``).

    Args:
        quote: the verbatim quote of a citation.
        text: the source text, already normalised (normalise it once per source, not per quote).

    Returns:
        Whether the quote is in the text; when it is not, how many of its leading words are (as whole
        words, followed by a space), where the quote differs and what the text has there.
    """
    wanted = normalise(quote)
    words = wanted.split(" ")
    if wanted in text:
        return QuoteMatch(True, len(words), len(words))
    # The longest start of whole words found: binary search (if k words are there, so are k - 1).
    low, high = 0, len(words) - 1
    while low < high:
        middle = (low + high + 1) // 2
        if " ".join(words[:middle]) + " " in text:
            low = middle
        else:
            high = middle - 1
    differs = _first_words(" ".join(words[low:]), 6)
    source_has = None
    if low:
        start = " ".join(words[:low]) + " "
        source_has = _first_words(text[text.index(start) + len(start) :], 6) or None
    return QuoteMatch(False, low, len(words), differs, source_has, wanted.casefold() in text.casefold())


def _first_words(text: str, count: int) -> str:
    words = text.split(" ")
    return " ".join(words[:count]) + (" …" if len(words) > count else "")


def check_citations(loaded: LoadedGraph, sources: Path | None) -> list[Finding]:
    """Check every citation's quote against its source text.

    Args:
        loaded: the built graph (its store is read; its source map gives file:line).
        sources: the folder of source texts (the files that ``source`` records name), or None when
            the texts are not available.

    Returns:
        Findings: ``quote-not-found`` (violation) for a quote missing from its text;
        ``external-quote-not-checked`` (info) for each citation of a public page;
        ``quote-not-checked`` (warning, one per source) when there is no sources folder;
        ``source-text-missing`` / ``source-text-unreadable`` (warning, one per source) when a
        source's file is not in the folder or cannot be read.
    """
    source_map = loaded.source_map
    citations = _read_citations(loaded.store)
    documents = _read_sources(loaded.store)
    findings: list[Finding] = []
    by_source: dict[URIRef, list[_Citation]] = defaultdict(list)
    for citation in citations:
        if citation.source is not None:
            by_source[citation.source].append(citation)
        elif citation.url is not None:
            findings.append(_external(source_map, citation, _cites(citation.url)))
    texts = _SourceTexts(sources)
    for source, cited in sorted(by_source.items(), key=lambda item: str(item[0])):
        file_name, url = documents.get(source, (None, None))
        if file_name is None:
            if url is not None:  # a source published only online: as external as a url citation
                where = f"source {local_id(source)!r} is published at {readable_url(url)}"
                findings.extend(_external(source_map, c, where) for c in cited)
            continue  # neither file nor url: the shapes report the source record itself
        count = len(cited)
        quotes = f"{count} quote{'s' if count != 1 else ''} citing it"
        if sources is None:
            findings.append(
                _about_source(
                    source_map,
                    source,
                    file_name,
                    "quote-not-checked",
                    f"{quotes} not checked — pass --sources DIR, the folder with the source texts",
                )
            )
            continue
        text, problem = texts.get(str(file_name))
        if text is None:
            code = "source-text-missing" if problem == "missing" else "source-text-unreadable"
            why = f"source text {str(file_name)!r} " + (f"is not in {sources}" if problem == "missing" else problem)
            findings.append(_about_source(source_map, source, file_name, code, f"{why}: {quotes} not checked"))
            continue
        for citation in cited:
            if citation.quote is None:
                continue  # the shapes report the missing quote
            match = find_quote(str(citation.quote), text)
            if not match.found:
                findings.append(_not_found(source_map, citation, source, str(file_name), match))
    return findings


@dataclass(frozen=True)
class _Citation:
    """What the checks read of one citation node (one value of each key; the shapes report a second)."""

    node: Node
    source: Node | None
    url: Node | None
    quote: Node | None


def _read_citations(store) -> list[_Citation]:  # noqa: ANN001 - a pyoxigraph.Store
    """Every citation with its source, url and quote, in one query, sorted by node.

    Each key is read by a sub-select over its whole property, which Oxigraph joins with the citations
    by hashing: a million-triple graph has 70,000 citations, and looking up each key of each citation
    one by one took twice as long (copying them into an rdflib graph first, four times).
    """

    def key(name: str, predicate: URIRef) -> str:
        return f"OPTIONAL {{ {{ SELECT ?c ?{name} WHERE {{ ?c <{predicate}> ?{name} }} }} }}"

    query = (
        f"SELECT ?c ?source ?url ?quote WHERE {{ ?c <{RDF.type}> <{PG.Citation}> "
        f"{key('source', PG.source)} {key('url', PG.sourceUrl)} {key('quote', PG.quote)} }}"
    )
    terms: dict[object, Node] = {}  # the few sources and urls recur: convert each once

    def convert(term) -> Node | None:  # noqa: ANN001 - a pyoxigraph term
        if term is None:
            return None
        found = terms.get(term)
        if found is None:
            found = terms[term] = to_rdflib(term)
        return found

    found: dict[object, _Citation] = {}
    for node, source, url, quote in store.query(query):
        if node not in found:  # a second source or quote (a violation the shapes report): the first is checked
            found[node] = _Citation(to_rdflib(node), convert(source), convert(url), to_rdflib(quote))
    return sorted(found.values(), key=lambda c: str(c.node))


def _read_sources(store) -> dict[Node, tuple[Node | None, Node | None]]:  # noqa: ANN001 - a pyoxigraph.Store
    """Each source record's file name and url (None where it has none)."""
    query = f"SELECT ?s ?file ?url WHERE {{ {{ ?s <{PG.file}> ?file }} UNION {{ ?s <{PG.url}> ?url }} }}"
    documents: dict[Node, list] = {}
    for node, file_name, url in store.query(query):
        slots = documents.setdefault(to_rdflib(node), [None, None])
        if file_name is not None and slots[0] is None:
            slots[0] = to_rdflib(file_name)
        if url is not None and slots[1] is None:
            slots[1] = to_rdflib(url)
    return {node: (slots[0], slots[1]) for node, slots in documents.items()}


class _SourceTexts:
    """Source texts read and normalised once per run."""

    def __init__(self, folder: Path | None):
        self.folder = folder
        self.cache: dict[str, tuple[str | None, str | None]] = {}

    def get(self, name: str) -> tuple[str | None, str | None]:
        """(normalised text, None) or (None, what is wrong: "missing" or a reason)."""
        if name not in self.cache:
            self.cache[name] = self._read(name)
        return self.cache[name]

    def _read(self, name: str) -> tuple[str | None, str | None]:
        assert self.folder is not None
        path = self.folder / name
        if "/" in name or "\\" in name or not path.is_file():
            return None, "missing"
        try:
            raw = path.read_bytes()
        except OSError as error:
            return None, f"cannot be read ({error.strerror})"
        try:
            return normalise(raw.decode("utf-8-sig")), None
        except UnicodeDecodeError:
            return None, "is not UTF-8 text"


def _entity(node: URIRef) -> str:
    return local_id(node)


@functools.lru_cache(maxsize=4096)
def _cites(url: Node) -> str:
    """How an external finding names the page a citation cites (pages recur: made once each)."""
    return f"cites {readable_url(url)}"


def _external(source_map: SourceMap, citation: _Citation, where: str) -> Finding:
    """``where``: what the citation cites (``cites URL``, or ``source 'x' is published at URL``)."""
    return Finding(
        code="external-quote-not-checked",
        severity="info",
        message=f"external — quote not checked: the citation {where}; check the quote there by hand",
        location=source_map.locate(citation.node, _QUOTE) or source_map.locate(citation.node),
        focus=citation.node,
        path=_QUOTE,
        value=citation.quote,
        shape=CHECK_SHAPE,
        entity=_entity(citation.node),
        key="quote",
        component=CHECK_COMPONENT,
    )


# ``_about_source`` and ``_not_found`` fill the same ``Finding`` fields for different subjects (a source's
# file, a citation's quote): keyword constructors of one dataclass, not repeated logic.
def _about_source(source_map: SourceMap, source: URIRef, file_name, code: str, message: str) -> Finding:
    return Finding(
        code=code,
        severity="warning",
        message=message,
        location=source_map.locate(source, PG.file) or source_map.locate(source),
        focus=source,
        path=PG.file,
        value=file_name,
        shape=CHECK_SHAPE,
        entity=_entity(source),
        key="file",
        component=CHECK_COMPONENT,
    )


def _not_found(source_map: SourceMap, citation: _Citation, source: Node, file_name: str, match: QuoteMatch) -> Finding:
    if match.case_only:
        detail = "it is there only with other capital letters"
    elif match.matched_words:
        count = match.matched_words
        start = "its first word is" if count == 1 else f"its first {count} of {match.words} words are"
        detail = f"{start} there, then the quote has \"{match.differs_at}\" where the source has \"{match.source_has}\""
    else:
        detail = "not even its first word is there"
    return Finding(
        code="quote-not-found",
        severity="violation",
        message=(
            f"quote not found in source {local_id(source)!r} ({file_name}): {detail}; "
            "copy the words exactly as the source has them"
        ),
        location=source_map.locate(citation.node, _QUOTE) or source_map.locate(citation.node),
        focus=citation.node,
        path=_QUOTE,
        value=citation.quote,
        shape=CHECK_SHAPE,
        entity=_entity(citation.node),
        key="quote",
        component=CHECK_COMPONENT,
    )
