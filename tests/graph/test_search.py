"""graph.search.normalise: the ASCII short way gives what the general folding gives."""

from __future__ import annotations

import string
import unicodedata

from hypothesis import given
from hypothesis import strategies as st

from policygraph.graph.search import normalise, search


def _general(text: str) -> str:
    """The folding every text gets (NFKD, combining marks dropped, casefold, punctuation spaced)."""
    text = unicodedata.normalize("NFKD", text)
    text = "".join(c for c in text if not unicodedata.combining(c)).casefold()
    text = "".join(c if c.isalnum() else " " for c in text)
    return " ".join(text.split())


@given(st.text(alphabet=st.characters(max_codepoint=127)))
def test_ascii_text_folds_as_any_text(text):
    assert normalise(text) == _general(text)


def test_normalise_examples():
    """Accents, full width and punctuation fold the same way for ASCII and other text."""
    assert normalise("Long-term  DETENTION!") == "long term detention"
    assert normalise("Résumé ＴＩＴＰ") == "resume titp"
    assert normalise(string.punctuation) == ""


def test_search_on_the_cache_does_not_import_rdflib(bundled):
    """``search`` reads names from the store: a command answering from the graph cache loads no rdflib (0.1 s)."""
    import os
    import subprocess
    import sys

    from policygraph.graph.cache import cached_graph

    cached_graph()  # built (or opened) here, so that the child only opens it
    code = (
        "import sys; from policygraph.graph.cache import cached_graph; from policygraph.graph.search import search; "
        "hits = search(cached_graph(), 'detention'); print(hits[0].id, 'rdflib' in sys.modules)"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=dict(os.environ), check=True)
    first_id, imported = done.stdout.split()
    assert first_id == search(bundled, "detention")[0].id
    assert imported == "False"


def test_equal_scores_show_one_name_whatever_the_order():
    """Names matching alike: the label over an alias, then the first in code-point order, in any order of the input."""
    from rdflib import Graph, Literal

    from policygraph.graph.handle import LoadedGraph
    from policygraph.terms import ID, PG, RDF, SKOS

    shown = set()
    for aliases in (["detention", "DETENTION"], ["DETENTION", "detention"]):
        graph = Graph()
        graph.add((ID["a"], RDF.type, PG.Practice))
        graph.add((ID["a"], SKOS.prefLabel, Literal("Holding", lang="en")))
        for alias in aliases:
            graph.add((ID["a"], SKOS.altLabel, Literal(alias)))
        graph.add((ID["b"], RDF.type, PG.Practice))
        graph.add((ID["b"], SKOS.altLabel, Literal("detention")))
        graph.add((ID["b"], SKOS.prefLabel, Literal("Detention", lang="en")))
        hits = search(LoadedGraph(graph=graph), "detention")
        shown.add(tuple((hit.id, hit.matched, hit.score) for hit in hits))
    assert shown == {(("a", "DETENTION", 100), ("b", "Detention", 100))}  # "Holding" is the shorter label
