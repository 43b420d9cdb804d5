#!/usr/bin/env python3
"""Time the named queries on rdflib and on the embedded Oxigraph store, on the bundled graph and on a
large synthetic graph in the same ontology.

The synthetic graph is the bundled data copied ``--copies`` times, each copy with its own ids
(``jp`` → ``jp-c3``, ``crc-art-9`` → ``crc-art-9-c3`` ...): the same shape and selectivity as the
real data, as if many countries had been curated. The original stays in, so every example
parameter of the named queries still names something.

For each query the script runs its first ``# example:`` on both engines (best of ``--repeat``
runs, each stopped after ``--timeout`` seconds), checks that both give the same rows, and prints
the times and the rdflib/Oxigraph ratio; the summary line gives the geometric mean of the ratios
and the one-off cost of copying an rdflib graph into Oxigraph.

Usage (from the repository root)::

    .venv/bin/python benchmarks/queries.py [--copies 20] [--repeat 3] [--timeout 120] [--only NAME ...]

It is a report, not a test: the exit status is 0 unless a query gives different rows on the two engines.
"""

from __future__ import annotations

import argparse
import math
import shlex
import sys
import time

from rdflib import Graph, URIRef

from policygraph import load_graph
from policygraph.sparql.query import list_queries
from policygraph.sparql.run import run_query
from policygraph.sparql.params import bind_params, parse_param_options
from policygraph.graph.handle import LoadedGraph
from policygraph.sparql.results import comparable
from policygraph.terms import ID_BASE


def synthetic_graph(base: Graph, copies: int) -> Graph:
    """``base`` plus ``copies`` renamed copies of its instance data (the ontology stays once)."""
    graph = Graph()
    for prefix, namespace in base.namespaces():
        graph.bind(prefix, namespace)
    data = [(s, p, o) for s, p, o in base]
    for triple in data:
        graph.add(triple)
    for copy in range(1, copies + 1):
        suffix = f"-c{copy}"
        rename = {}

        def renamed(term):
            if not isinstance(term, URIRef) or not str(term).startswith(ID_BASE):
                return term
            found = rename.get(term)
            if found is None:
                slug, _, rest = str(term)[len(ID_BASE):].partition("/")
                found = rename[term] = URIRef(ID_BASE + slug + suffix + (f"/{rest}" if rest else ""))
            return found

        for s, p, o in data:
            if str(s).startswith(ID_BASE):
                graph.add((renamed(s), p, renamed(o)))
    return graph


def example_bindings(query, graph: LoadedGraph):
    if not query.examples:
        return {}
    words = shlex.split(query.examples[0])
    params = [words[i + 1] for i, word in enumerate(words[:-1]) if word in ("--param", "-p")]
    return bind_params(query, parse_param_options(params), graph)


def best_time(query, bindings, graph, engine, repeat, timeout):
    """The best of ``repeat`` runs in this process, after a first run in a child that may be stopped.

    The first run only guards against runaways (it pays for the fork); the timed runs do not.
    """
    try:
        result = run_query(query, bindings, graph=graph, engine=engine, timeout=timeout)
    except Exception as error:  # noqa: BLE001 - a benchmark reports timeouts and failures
        return None, str(error)
    best = math.inf
    for _ in range(repeat):
        start = time.perf_counter()
        result = run_query(query, bindings, graph=graph, engine=engine)
        best = min(best, time.perf_counter() - start)
    return best, result


def bench(title: str, graph: LoadedGraph, queries, repeat: int, timeout: float) -> bool:
    print(f"\n## {title}: {len(graph):,} triples\n")
    start = time.perf_counter()
    graph.store
    print(f"copying the rdflib graph into Oxigraph: {time.perf_counter() - start:.2f} s\n")
    print(f"{'query':<28} {'rows':>6} {'rdflib ms':>10} {'oxigraph ms':>12} {'ratio':>7}  same")
    ratios, all_same = [], True
    for query in queries:
        bindings = example_bindings(query, graph)
        slow, slow_result = best_time(query, bindings, graph, "rdflib", repeat, timeout)
        fast, fast_result = best_time(query, bindings, graph, "oxigraph", repeat, timeout)
        if slow is None or fast is None:
            note = slow_result if slow is None else fast_result
            shown_slow = f">{timeout:g}s" if slow is None else f"{slow * 1000:.1f}"
            shown_fast = f">{timeout:g}s" if fast is None else f"{fast * 1000:.1f}"
            print(f"{query.name:<28} {'':>6} {shown_slow:>10} {shown_fast:>12} {'':>7}  ({note})")
            continue
        same = comparable(slow_result) == comparable(fast_result)
        all_same &= same
        rows = len(slow_result.rows) if slow_result.form == "SELECT" else len(slow_result.triples) if slow_result.is_graph else slow_result.boolean
        ratio = slow / fast if fast > 0 else math.inf
        ratios.append(ratio)
        print(f"{query.name:<28} {rows!s:>6} {slow * 1000:>10.1f} {fast * 1000:>12.1f} {ratio:>7.1f}  {'yes' if same else 'NO'}")
    if ratios:
        mean = math.exp(sum(math.log(r) for r in ratios) / len(ratios))
        print(f"\ngeometric mean rdflib/oxigraph time ratio over {len(ratios)} queries: {mean:.1f}x")
    return all_same


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--copies", type=int, default=20, help="renamed copies of the data in the synthetic graph")
    parser.add_argument("--repeat", type=int, default=3, help="runs per query and engine (the best counts)")
    parser.add_argument("--timeout", type=float, default=120, help="seconds before a run is stopped")
    parser.add_argument("--only", nargs="*", help="named queries to run (default: all but trace-*)")
    args = parser.parse_args()
    queries = [q for q in list_queries() if (q.name in args.only if args.only else not q.name.startswith("trace-"))]
    start = time.perf_counter()
    loaded = load_graph()
    print(f"# named queries: rdflib vs Oxigraph\n\nbuilt the bundled graph in {time.perf_counter() - start:.2f} s")
    ok = bench("bundled graph", loaded, queries, args.repeat, args.timeout)
    start = time.perf_counter()
    big = synthetic_graph(loaded.graph, args.copies)
    print(f"\nbuilt the synthetic graph ({args.copies} copies) in {time.perf_counter() - start:.2f} s")
    ok &= bench(f"synthetic graph, {args.copies} copies", LoadedGraph(graph=big), queries, args.repeat, args.timeout)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
