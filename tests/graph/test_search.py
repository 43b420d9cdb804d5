"""graph.search.normalise: the ASCII short way gives what the general folding gives."""

from __future__ import annotations

import string
import unicodedata

from hypothesis import given
from hypothesis import strategies as st

from policygraph.graph.search import normalise


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
