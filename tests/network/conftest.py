"""The hand-made networks (tests/fixtures/network/) whose measures are worked out by hand, built once per module."""

from __future__ import annotations

from pathlib import Path

import pytest

from policygraph import load_graph
from policygraph.network.projection import project

DATA = Path(__file__).parents[1] / "fixtures" / "network"


@pytest.fixture(scope="module")
def policy_graph():
    """The policy graph (policy.yaml): bodies, a law and a bill, a treaty, a position and an event."""
    return load_graph([DATA / "policy.yaml"], bundled=False)


@pytest.fixture(scope="module")
def policy(policy_graph):
    """The policy network, n-ary nodes kept."""
    return project(policy_graph)


@pytest.fixture(scope="module")
def folded(policy_graph):
    """The policy network with --fold: 13 nodes, 14 edges."""
    return project(policy_graph, fold=True)


@pytest.fixture(scope="module")
def cliques():
    """Two triangles a1 a2 a3 and b1 b2 b3 joined by the link a1 — b1."""
    return project(load_graph([DATA / "cliques.yaml"], bundled=False))


@pytest.fixture(scope="module")
def empty(policy_graph):
    """An empty selection of the policy graph: no nodes, no edges."""
    return project(policy_graph, query="CONSTRUCT { ?s ?p ?o } WHERE { ?s <urn:none> ?o }")
