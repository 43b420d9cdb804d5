#!/usr/bin/env python3
"""How long the network projection, the measures and the GEXF export take on synthetic graphs.

Builds a random policy graph in memory (bodies, policies, practices, groups and positions, with
the ontology) and copies it into an Oxigraph store, then times ``project`` (kept and folded; for the
kept one also the igraph graph the fast measures read and the networkx graph the others build from
the projection's lists), each measure and ``gexf_text``.
Not part of the test run.

Usage (from the repository root)::

    python benchmarks/network_scale.py [NODES ...]      # default: 1000 5000 20000
    python benchmarks/network_scale.py --store DIR      # a store made by build --store DIR
"""

from __future__ import annotations

import random
import sys
import time

from rdflib import Graph, Literal

from policygraph.graph.handle import LoadedGraph
from policygraph.network import communities, cuts, measures
from policygraph.network.export import gexf_text
from policygraph.network.projection import project
from policygraph.resources import ontology_path
from policygraph.terms import ID, ORG, PG, RDF, SKOS, XSD


def synthetic(nodes: int, seed: int = 1) -> Graph:
    """About ``nodes`` entities: 10% bodies, 40% policies, 10% concepts, 40% positions; ~3 edges each."""
    rng = random.Random(seed)
    graph = Graph()
    graph.parse(ontology_path(), format="turtle")
    counts = {"body": nodes // 10, "policy": nodes * 4 // 10, "practice": nodes // 20, "group": nodes // 20}
    counts["position"] = nodes - sum(counts.values())
    ids = {kind: [ID[f"{kind}-{i}"] for i in range(n)] for kind, n in counts.items()}
    classes = {
        "body": PG.GovernmentBody,
        "policy": PG.Law,
        "practice": PG.Practice,
        "group": PG.Group,
        "position": PG.Position,
    }
    for kind, members in ids.items():
        for number, node in enumerate(members):
            graph.add((node, RDF.type, classes[kind]))
            graph.add((node, SKOS.prefLabel, Literal(f"{kind} {number}", lang="en")))
    for body in ids["body"][1:]:
        graph.add((body, ORG.subOrganizationOf, rng.choice(ids["body"][: max(1, len(ids["body"]) // 10)])))
    for policy in ids["policy"]:
        graph.add((policy, PG.responsibleBody, rng.choice(ids["body"])))
        graph.add((policy, PG.usesPractice, rng.choice(ids["practice"])))
        graph.add((policy, PG.affectsGroup, rng.choice(ids["group"])))
        graph.add((policy, PG.approved, Literal(f"{rng.randint(1990, 2023)}", datatype=XSD.gYear)))
    for position in ids["position"]:
        graph.add((position, PG.stance, Literal(rng.choice(["opposes", "supports"]))))
        graph.add((position, PG.actor, rng.choice(ids["body"])))
        graph.add((position, PG.about, rng.choice(ids["policy"])))
    return graph


def timed(label: str, call, *args, **kwargs):
    """Run the call; print its wall time and the CPU time of the whole process (every thread) beside it."""
    start, cpu = time.perf_counter(), time.process_time()
    result = call(*args, **kwargs)
    print(f"  {label:<28} {time.perf_counter() - start:8.2f} s wall {time.process_time() - cpu:8.2f} s CPU")
    return result


def built_store(path: str) -> None:
    """Time what the network commands do on a built store: project, the igraph graph, PageRank, Louvain, GEXF."""
    from policygraph.graph.store import open_store

    loaded = open_store(path)
    print(f"{path}: {len(loaded)} triples")
    network = timed("project", project, loaded)
    print(f"  ({network.number_of_nodes()} nodes, {network.number_of_edges()} edges)")
    timed("  links and igraph graph", lambda: network.igraph)
    timed("centrality pagerank", measures.centrality, network, "pagerank")
    timed("communities louvain", communities.communities, network)
    text = timed("gexf", gexf_text, network)
    print(f"  ({len(text) / 1e6:.1f} MB of GEXF)")


def main(sizes: list[int]) -> None:
    for size in sizes:
        graph = synthetic(size)
        print(f"{size} entities, {len(graph)} triples")
        loaded = LoadedGraph(graph=graph)
        loaded.store  # copied into Oxigraph once, as a built graph is, before the projections are timed
        plain = timed("project", project, loaded)
        timed("  links and igraph graph", lambda: plain.igraph)
        timed("  networkx graph from it", lambda: plain.graph)
        network = timed("project --fold", project, loaded, fold=True)
        print(f"  ({network.number_of_nodes()} nodes, {network.number_of_edges()} edges folded)")
        timed("summary", measures.summarise_network, network)
        for measure in measures.MEASURES:
            if measure != "betweenness" or network.graph.number_of_nodes() <= 5000:  # exact: O(nodes × links)
                timed(f"centrality {measure}", measures.centrality, network, measure)
        timed("betweenness --sample 500", measures.centrality, network, "betweenness", sample=500)
        timed("communities louvain", communities.communities, network)
        timed("bridges", cuts.cut_points, network)
        text = timed("gexf --dynamic", gexf_text, network, dynamic=True)
        print(f"  ({len(text) / 1e6:.1f} MB of GEXF)")


if __name__ == "__main__":
    if sys.argv[1:2] == ["--store"]:
        built_store(sys.argv[2])
    else:
        main([int(a) for a in sys.argv[1:]] or [1000, 5000, 20000])
