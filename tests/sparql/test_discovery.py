"""discovery.py: HTTP content negotiation for the VoID description (the served answers: test_serve_void.py)."""

from __future__ import annotations

import pytest

from policygraph.sparql.discovery import VOID_FORMATS, is_void_path, negotiate

OFFERED = list(VOID_FORMATS)


@pytest.mark.parametrize(
    ("accept", "chosen"),
    [
        ("*/*", "text/turtle"),
        ("application/ld+json", "application/ld+json"),
        ("application/*", "application/n-triples"),  # a tie goes to the order offered
        ("text/turtle;q=0.2, application/rdf+xml", "application/rdf+xml"),
        ("application/n-triples;q=0.9, */*;q=0.1", "application/n-triples"),
        ("*/*;q=0.5, text/turtle;q=0", "application/n-triples"),  # the specific q=0 refuses Turtle only
        ("TEXT/Turtle ; Q=1", "text/turtle"),
    ],
)
def test_negotiate_picks_the_best_offered_type(accept, chosen):
    assert negotiate(accept, OFFERED) == chosen


@pytest.mark.parametrize("accept", ["image/png", "text/html, application/json", "*/*;q=0", "text/turtle;q=nonsense"])
def test_negotiate_refuses_when_nothing_offered_is_acceptable(accept):
    assert negotiate(accept, OFFERED) is None


def test_is_void_path_ignores_the_query_string():
    assert is_void_path("/.well-known/void") and is_void_path("/.well-known/void?x=1")
    assert not is_void_path("/.well-known/void/") and not is_void_path("/query")
