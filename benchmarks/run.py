#!/usr/bin/env python3
"""Time every policygraph command on synthetic graphs of growing size, against the libraries underneath.

For each size (``--sizes 10k,100k,1M``) it generates the synthetic graph (``generate.py``), then
runs, each in a fresh process as a user runs it, timing the wall clock and the peak memory:

- the commands: ``build --store`` (and again, with nothing to do), ``validate --store`` (oxigraph
  engine, and ``--engine pyshacl``), a named query, ``trace``, ``analyze centrality`` (PageRank and
  sampled betweenness), ``analyze communities``, ``export gexf`` — all on the prebuilt store;
- the anchors, in the same run: rdflib alone (parse + the same SPARQL), raw pyoxigraph (load into
  memory and bulk-load to disk; the same SPARQL on the already-open store), pySHACL against the
  oxigraph SHACL engine (identical findings checked) and pyrudof, networkx against igraph.

Then each command on the bundled data, cold (empty graph cache), warm and ``--no-cache``, with
``--previous PYTHON`` beside the previous release's first and later runs (``commands.py``; ``--bundled-runs 0``
leaves it out). ``policygraph --help`` and ``policygraph queries`` are timed once. The table of times, peak memory,
the ratios to the targets of issue 8, and the growth from one size to the next (×10 triples) are
printed, and written to ``benchmarks/results.json`` and ``benchmarks/RESULTS.md`` with a
description of the machine.

Usage (from the repository root, after the README's install)::

    python benchmarks/run.py --sizes 10k,100k,1M --previous /path/to/old-venv/bin/python
    python benchmarks/run.py --sizes 10k --work /tmp/pg-bench      # quick look

Not part of the test run. A measurement that fails or runs out of time (``--timeout``) is recorded
as such, and the run goes on.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(HERE))

import commands
import generate

# The named queries' parameters on the synthetic graph (ids generate.py always makes).
QUERY_PARAMS = {
    "amendments": {"policy": "policy-100"},
    "bound-by-treaty": {"treaty": "treaty-1"},
    "events-in-year": {"year": "2000"},
    "network-members": {},
    "policies-affecting-group": {"group": "group-1"},
    "policies": {"from": "2000", "to": "2001"},
    "policy-bodies": {"body": "jp-gov-0"},
    "policy-neighbourhood": {"policy": "policy-100"},
    "policy-opposition": {"policy": "policy-100"},
    "policy-provisions": {"policy": "policy-100"},
    "provision-policies": {"provision": "treaty-1-art-1"},
    "provisions-concerning": {"concept": "practice-1"},
    "recommendations": {},
    "reservations": {},
    "residence-statuses": {},
    "sources-claims": {},
    "statistics-series": {"measures": "people"},
    "trace-about-topics": {"policy": "policy-100"},
    "trace-cited": {"policy": "policy-100"},
    "trace-context": {"policy": "policy-100"},
    "trace-engaging-policies": {"provision": "treaty-1-art-1"},
    "trace-coverage": {"policy": "policy-100", "state": "jp"},
    "trace-coverage-treaty": {"state": "jp", "treaty": "treaty-1"},
    "trace-inferred": {"policy": "policy-100"},
    "trace-participation": {"state": "jp", "treaty": "treaty-1"},
    "trace-provision": {"provision": "treaty-1-art-1"},
    "trace-raised-by": {"provision": "treaty-1-art-1", "policy": "policy-100"},
    "trace-raised-items": {"provision": "treaty-1-art-1"},
    "trace-reservations": {"state": "jp", "provision": "treaty-1-art-1"},
    "trace-sources": {"key": "src-jp-1"},
    "treaties-not-party": {},
    "treaties-party": {},
    "weakly-cited": {},
}
REPRESENTATIVE_QUERY = "policies-affecting-group"
DEFECTS = (
    ':policy-1 pg:approved "2021-02-30"^^xsd:date ; pg:status "gone" ; pg:amends :policy-2 .\n'
    ":group-3 skos:broader :group-3 .\n:jp pg:jurisdiction :group-1 .\n"
)


# -- measuring ------------------------------------------------------------------------------------


def measure(argv: list[str], timeout: float, stdout=subprocess.DEVNULL) -> dict:
    """Run ``argv``; its wall time, peak memory (MB) and exit code, or the error."""
    start = time.perf_counter()
    try:
        process = subprocess.Popen(argv, stdout=stdout, stderr=subprocess.PIPE, cwd=REPO)
    except OSError as error:
        return {"error": str(error)}
    deadline = start + timeout
    while True:
        pid, status, usage = os.wait4(process.pid, os.WNOHANG)
        if pid:
            break
        if time.perf_counter() > deadline:
            process.kill()
            os.wait4(process.pid, 0)
            return {"error": f"timeout after {timeout:.0f} s", "seconds": None}
        time.sleep(0.005)
    seconds = time.perf_counter() - start
    stderr = process.stderr.read().decode("utf-8", "replace") if process.stderr else ""
    code = os.waitstatus_to_exitcode(status)
    result = {"seconds": round(seconds, 3), "peak_mb": round(usage.ru_maxrss / 1024, 1), "exit": code}
    if code not in (0, 1):
        result["error"] = stderr.strip().splitlines()[-1][:300] if stderr.strip() else f"exit {code}"
    return result


def policygraph(*args: str) -> list[str]:
    """The ``policygraph`` command installed beside this Python (``python -m policygraph`` if there is none)."""
    script = Path(sys.executable).parent / "policygraph"
    return [str(script), *args] if script.exists() else [sys.executable, "-m", "policygraph", *args]


def anchor(name: str, *args: str) -> list[str]:
    """A command running one anchor of this script in a fresh process (``--anchor NAME``)."""
    return [sys.executable, str(Path(__file__).resolve()), "--anchor", name, *args]


def best_of(count: int, argv: list[str], timeout: float) -> dict:
    runs = [measure(argv, timeout) for _ in range(count)]
    good = [r for r in runs if "error" not in r]
    return min(good, key=lambda r: r["seconds"]) if good else runs[0]


# -- anchors: run inside a fresh process, print one JSON document ---------------------------------


def anchor_rdflib(ttl: str) -> dict:
    """rdflib alone: parse the graph (with the ontology), then the representative named query."""
    from rdflib import Graph

    from policygraph.sparql.query import named_query
    from policygraph.sparql.params import bind_params
    from policygraph.resources import ontology_path
    from policygraph.graph.handle import LoadedGraph
    from policygraph.sparql.engines import evaluate_rdflib

    start = time.perf_counter()
    graph = Graph()
    graph.parse(ontology_path(), format="turtle")
    graph.parse(ttl, format="turtle")
    parse = time.perf_counter() - start
    query = named_query(REPRESENTATIVE_QUERY)
    bindings = bind_params(query, QUERY_PARAMS[REPRESENTATIVE_QUERY], LoadedGraph(graph=graph))
    start = time.perf_counter()
    rows = len(evaluate_rdflib(graph, query.text, query.form, bindings).rows)
    return {"parse": round(parse, 3), "query": round(time.perf_counter() - start, 3), "rows": rows, "triples": len(graph)}


def anchor_oxigraph_load(ttl: str, folder: str) -> dict:
    """Raw pyoxigraph: load into memory; bulk-load into a new on-disk store."""
    import pyoxigraph as ox

    from policygraph.resources import ontology_path

    start = time.perf_counter()
    store = ox.Store()
    store.load(path=str(ontology_path()), format=ox.RdfFormat.TURTLE)
    store.load(path=ttl, format=ox.RdfFormat.TURTLE)
    memory = time.perf_counter() - start
    triples = len(store)
    del store
    shutil.rmtree(folder, ignore_errors=True)
    start = time.perf_counter()
    disk = ox.Store(folder)
    disk.bulk_load(path=str(ontology_path()), format=ox.RdfFormat.TURTLE)
    disk.bulk_load(path=ttl, format=ox.RdfFormat.TURTLE)
    disk.flush()
    bulk = time.perf_counter() - start
    del disk
    shutil.rmtree(folder, ignore_errors=True)
    return {"memory_load": round(memory, 3), "disk_bulk_load": round(bulk, 3), "triples": triples}


def anchor_queries(store_dir: str) -> dict:
    """Each named query on the open store: raw pyoxigraph vs policygraph's engine call vs the whole library call.

    Each call is timed three times and the best kept, or once when its first run takes over a second: a
    whole-graph answer at 1M takes many seconds, and three runs of each of its calls would use up most of
    the anchor's time limit."""
    from policygraph.sparql.query import list_queries, named_query
    from policygraph.sparql.run import run_query
    from policygraph.sparql.params import bind_params
    from policygraph.sparql.engines import evaluate_oxigraph
    from policygraph.sparql.params import with_values
    from policygraph.terms import PREFIXES
    from policygraph.graph.store import open_store

    opened = open_store(store_dir)
    local = opened
    results = {}
    for listed in list_queries(check=False):
        query = named_query(listed.name)
        bindings = bind_params(query, QUERY_PARAMS.get(listed.name, {}), local)
        text = with_values(query.text, bindings, query.form) if bindings else query.text

        def raw() -> int:
            answer = opened.store.query(text, prefixes=PREFIXES)
            return 1 if query.form == "ASK" else len([tuple(row) for row in answer])  # each value read, as a user would

        timings = {}
        for name, call in (
            ("raw", raw),
            ("engine", lambda: evaluate_oxigraph(opened.store, text, query.form)),
            ("library", lambda: run_query(query, bindings, graph=local, engine="oxigraph")),
        ):
            best = None
            for _ in range(3):
                start = time.perf_counter()
                value = call()
                elapsed = time.perf_counter() - start
                best = elapsed if best is None else min(best, elapsed)
                if elapsed > 1.0:
                    break
            timings[name] = round(best, 5)
            if name == "raw":
                timings["rows"] = value
        results[listed.name] = timings
    return results


def anchor_shacl(ttl: str, engines: str) -> dict:
    """pySHACL and the oxigraph engine on the graph with a few defects added: time, and whether the findings agree."""
    from policygraph import load_graph
    from policygraph.validation.validate import load_shapes, shape_files
    from policygraph.validation.findings import findings_from_results
    from policygraph.validation.engines import run_shacl

    folder = Path(tempfile.mkdtemp())
    try:
        path = folder / "with-defects.ttl"
        with open(ttl, encoding="utf-8") as source, open(path, "w", encoding="utf-8") as target:
            shutil.copyfileobj(source, target)
            target.write(DEFECTS)
        from policygraph.records import safety

        safety.MAX_DATA_BYTES = 10**10  # the anchor reads what the CLI would refuse (--data is for small graphs)
        start = time.perf_counter()
        loaded = load_graph([path], bundled=False)
        load = time.perf_counter() - start
        shapes = load_shapes(shape_files())
        found, result = {}, {"rdflib_load": round(load, 3)}
        for engine in engines.split(","):
            start = time.perf_counter()
            report = run_shacl(loaded, shapes, engine=engine)
            result[engine] = round(time.perf_counter() - start, 3)
            findings = findings_from_results(report, shapes, loaded)
            found[engine] = sorted(json.dumps(f.to_dict(), sort_keys=True) for f in findings)
            result[f"{engine}_results"] = len(findings)
        if len(found) > 1:
            values = list(found.values())
            result["identical"] = all(v == values[0] for v in values)
        return result
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def anchor_pyrudof(ttl: str) -> dict:
    """pyrudof's native SHACL engine on the same graph with defects, for comparison."""
    import pyrudof

    from policygraph.resources import ontology_path, shapes_dir

    folder = Path(tempfile.mkdtemp())
    try:
        data = folder / "data.ttl"
        with open(data, "w", encoding="utf-8") as target:
            target.write(ontology_path().read_text(encoding="utf-8") + "\n")
            with open(ttl, encoding="utf-8") as source:
                shutil.copyfileobj(source, target)
            target.write(DEFECTS)
        shapes = folder / "shapes.ttl"
        merged = subprocess.run(
            [sys.executable, "-c", "import sys; from rdflib import Graph; g = Graph()\n"
             "[g.parse(p) for p in sys.argv[2:]]\ng.serialize(sys.argv[1], format='turtle')",
             str(shapes), *map(str, sorted(shapes_dir().glob('*.ttl')))],
            check=True,
        )
        del merged
        rudof = pyrudof.Rudof(pyrudof.RudofConfig())
        start = time.perf_counter()
        rudof.read_data(str(data))
        rudof.read_shacl(str(shapes))
        report = rudof.validate_shacl()
        seconds = time.perf_counter() - start
        text = str(report)
        return {"seconds": round(seconds, 3), "report_chars": len(text), "results": text.count("focus")}
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def anchor_graphs(store_dir: str, engines: str) -> dict:
    """networkx and igraph on the store's projected network: PageRank, sampled betweenness, Louvain."""
    import networkx as nx

    from policygraph.network import communities, measures
    from policygraph.network.projection import project
    from policygraph.graph.store import open_store

    start = time.perf_counter()
    network = project(open_store(store_dir))
    simple = network.simple
    result = {"project": round(time.perf_counter() - start, 3), "nodes": len(simple), "links": simple.number_of_edges()}
    sample = min(500, len(simple))
    for engine in engines.split(","):
        for name, call in (
            ("pagerank", lambda: measures.node_scores(network, "pagerank", engine=engine)),
            ("betweenness", lambda: measures.node_scores(network, "betweenness", sample, engine=engine)),
            ("louvain", lambda: communities.community_of(network, "louvain", 0, engine)),
        ):
            start = time.perf_counter()
            value = call()
            result[f"{engine}_{name}"] = round(time.perf_counter() - start, 3)
            if name == "louvain":
                result[f"{engine}_modularity"] = round(nx.community.modularity(simple, value, weight=None), 4)
            else:
                result[f"{engine}_{name}_scores"] = value
    if "networkx_pagerank_scores" in result and "igraph_pagerank_scores" in result:
        for name in ("pagerank", "betweenness"):
            a, b = result[f"networkx_{name}_scores"], result[f"igraph_{name}_scores"]
            result[f"{name}_max_difference"] = max(abs(a[n] - b[n]) for n in a)
    for key in [k for k in result if k.endswith("_scores")]:
        del result[key]
    return result


ANCHORS = {
    "rdflib": anchor_rdflib,
    "oxigraph-load": anchor_oxigraph_load,
    "queries": anchor_queries,
    "shacl": anchor_shacl,
    "pyrudof": anchor_pyrudof,
    "graphs": anchor_graphs,
}


def run_anchor(argv: list[str], timeout: float) -> dict:
    """Run an anchor in a fresh process: its own timings plus wall time and peak memory."""
    with tempfile.TemporaryFile() as out:
        result = measure(argv, timeout, stdout=out)
        out.seek(0)
        text = out.read().decode("utf-8", "replace").strip()
    if "error" not in result and text:
        try:
            result["detail"] = json.loads(text.splitlines()[-1])
        except ValueError:
            result["error"] = "no result"
    return result


# -- one size --------------------------------------------------------------------------------------


def run_size(label: str, size: int, work: Path, timeout: float, slow_limit: int) -> dict:
    ttl = work / f"synthetic-{label}.ttl"
    store = work / f"store-{label}"
    text, _ = generate.generate(size)
    ttl.write_text(text, encoding="utf-8")
    del text
    shutil.rmtree(store, ignore_errors=True)
    out: dict = {"size": label, "target_triples": size, "file_mb": round(ttl.stat().st_size / 1e6, 1)}
    say = lambda what: print(f"  [{label}] {what}", file=sys.stderr, flush=True)
    commands = {}
    say("build --store")
    commands["build"] = measure(policygraph("build", "--no-bundled", "--data", str(ttl), "--store", str(store)), timeout)
    say("build --store (unchanged inputs)")
    commands["build (up to date)"] = measure(policygraph("build", "--no-bundled", "--data", str(ttl), "--store", str(store)), timeout)
    say("validate")
    commands["validate"] = measure(policygraph("validate", "--store", str(store)), timeout)
    if size <= slow_limit:
        say("validate --engine pyshacl")
        commands["validate --engine pyshacl"] = measure(policygraph("validate", "--store", str(store), "--engine", "pyshacl"), timeout)
    params = [a for k, v in QUERY_PARAMS[REPRESENTATIVE_QUERY].items() for a in ("--param", f"{k}={v}")]
    say("query")
    commands[f"query {REPRESENTATIVE_QUERY}"] = measure(
        policygraph("query", REPRESENTATIVE_QUERY, *params, "--store", str(store), "--format", "csv"), timeout
    )
    commands["query treaties-party"] = measure(policygraph("query", "treaties-party", "--store", str(store), "--format", "csv"), timeout)
    say("trace")
    commands["trace policy-100"] = measure(policygraph("trace", "policy-100", "--store", str(store), "--format", "json"), timeout)
    say("analyze")
    commands["analyze centrality pagerank"] = measure(
        policygraph("analyze", "centrality", "--measure", "pagerank", "--store", str(store)), timeout
    )
    commands["analyze centrality betweenness --sample 500"] = measure(
        policygraph("analyze", "centrality", "--measure", "betweenness", "--sample", "500", "--store", str(store)), timeout
    )
    commands["analyze communities"] = measure(policygraph("analyze", "communities", "--store", str(store)), timeout)
    say("export gexf")
    gexf = work / f"network-{label}.gexf"
    commands["export gexf"] = measure(policygraph("export", "gexf", "-o", str(gexf), "--store", str(store)), timeout)
    out["gexf_mb"] = round(gexf.stat().st_size / 1e6, 1) if gexf.exists() else None
    out["commands"] = commands

    anchors = {}
    say("anchor: rdflib parse + query")
    anchors["rdflib"] = run_anchor(anchor("rdflib", str(ttl)), timeout)
    say("anchor: pyoxigraph load")
    anchors["oxigraph-load"] = run_anchor(anchor("oxigraph-load", str(ttl), str(work / f"raw-{label}")), timeout)
    say("anchor: queries on the open store")
    anchors["queries"] = run_anchor(anchor("queries", str(store)), timeout)
    say("anchor: SHACL engines")
    engines = "oxigraph,pyshacl" if size <= slow_limit else "oxigraph"
    anchors["shacl"] = run_anchor(anchor("shacl", str(ttl), engines), timeout)
    say("anchor: pyrudof")
    anchors["pyrudof"] = run_anchor(anchor("pyrudof", str(ttl)), timeout)
    say("anchor: networkx vs igraph")
    anchors["graphs"] = run_anchor(anchor("graphs", str(store), "igraph,networkx" if size <= slow_limit else "igraph"), timeout)
    out["anchors"] = anchors
    with open(store / "manifest.json", encoding="utf-8") as manifest:
        out["triples"] = json.load(manifest)["triples"]
    return out


# -- report ----------------------------------------------------------------------------------------


def machine() -> dict:
    cpu = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    memory = ""
    try:
        kb = int(Path("/proc/meminfo").read_text().split()[1])
        memory = f"{kb / 1024 / 1024:.1f} GiB"
    except (OSError, ValueError, IndexError):
        pass
    from importlib.metadata import version

    packages = {}
    for name in ("policygraph", "rdflib", "pyoxigraph", "oxrdflib", "pyshacl", "pyrudof", "networkx", "igraph"):
        try:
            packages[name] = version(name)
        except Exception:  # noqa: BLE001 - not installed
            packages[name] = "not installed"
    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "memory": memory,
        "system": f"{platform.system()} {platform.release()}",
        "python": platform.python_version(),
        "packages": packages,
    }


def _s(result: dict | None, key: str = "seconds") -> str:
    if not result:
        return "—"
    if result.get("error"):
        return "failed: " + result["error"][:60]
    value = result.get(key)
    return "—" if value is None else f"{value:.2f}"


def _ratio(a: float | None, b: float | None) -> str:
    if a is None or b is None or b == 0:
        return "—"
    return f"{a / b:.2f}×"


def markdown(results: list[dict], info: dict, startup: dict, bundled: dict | None) -> str:
    lines = [
        "# policygraph benchmarks",
        "",
        "Generated by `python benchmarks/run.py --sizes " + ",".join(r["size"] for r in results) + "` "
        f"on {time.strftime('%Y-%m-%d')}; every number below was measured in that run.",
        "",
        f"Machine: {info['cpu'] or 'unknown CPU'}, {info['cores']} cores, {info['memory']} RAM, "
        f"{info['system']}, Python {info['python']}.  ",
        "Packages: " + ", ".join(f"{k} {v}" for k, v in info["packages"].items()) + ".",
        "",
        "Each command runs in a fresh process, as a user runs it, on the prebuilt store "
        "(`--store`); times are wall-clock seconds including Python's start-up, memory is the peak "
        "resident set. Synthetic graphs from `benchmarks/generate.py` (seed 1).",
        "",
        f"`policygraph --help`: {startup['help']['seconds']:.2f} s; `policygraph queries`: "
        f"{startup['queries']['seconds']:.2f} s (best of 5; target ≤ 0.2 s).",
        "",
    ]
    if bundled:
        lines += [
            "## The bundled data: cold, warm and without the cache",
            "",
            "Each command on the bundled data (`commands.py`): cold is the first run (empty graph cache), "
            "warm every later one, `--no-cache` the graph built in memory each time"
            + (", beside the previous release's first and later runs, in turn" if bundled["previous"] else "")
            + f". Wall-clock / CPU seconds, process start included, the median of {bundled['runs']} runs.",
            "",
            *commands.table([(name, row) for name, row in bundled["rows"]], bundled["previous"]),
            "",
        ]
    lines += [
        "## Commands",
        "",
        "| command | " + " | ".join(f"{r['size']} ({r['triples']:,} triples) s / MB" for r in results) + " |",
        "|---|" + "---|" * len(results),
    ]
    names = list(results[0]["commands"])
    for result in results[1:]:
        names += [n for n in result["commands"] if n not in names]
    for name in names:
        cells = []
        for r in results:
            c = r["commands"].get(name)
            cells.append("—" if c is None else (_s(c) + (f" / {c['peak_mb']:.0f}" if c.get("peak_mb") and not c.get("error") else "")))
        lines.append(f"| `{name}` | " + " | ".join(cells) + " |")
    lines += ["", "## Anchors", "", "| anchor | " + " | ".join(r["size"] for r in results) + " |", "|---|" + "---|" * len(results)]

    def detail(r: dict, anchor_name: str, key: str) -> str:
        a = r["anchors"].get(anchor_name) or {}
        if a.get("error"):
            return "failed: " + a["error"][:50]
        value = (a.get("detail") or {}).get(key)
        return "—" if value is None else (f"{value:.3f}" if isinstance(value, float) else str(value))

    rows = [
        ("rdflib: parse (s)", "rdflib", "parse"),
        (f"rdflib: query {REPRESENTATIVE_QUERY} (s)", "rdflib", "query"),
        ("pyoxigraph: load into memory (s)", "oxigraph-load", "memory_load"),
        ("pyoxigraph: bulk load to a new disk store (s)", "oxigraph-load", "disk_bulk_load"),
        ("rdflib: read the graph for SHACL (s)", "shacl", "rdflib_load"),
        ("SHACL oxigraph engine (s)", "shacl", "oxigraph"),
        ("SHACL pySHACL (s)", "shacl", "pyshacl"),
        ("SHACL results (oxigraph / pySHACL)", "shacl", "oxigraph_results"),
        ("SHACL findings identical", "shacl", "identical"),
        ("pyrudof native SHACL (s)", "pyrudof", "seconds"),
        ("network projection from the store (s)", "graphs", "project"),
        ("network nodes / links", "graphs", "nodes"),
        ("igraph PageRank (s)", "graphs", "igraph_pagerank"),
        ("networkx PageRank (s)", "graphs", "networkx_pagerank"),
        ("igraph betweenness, 500 sampled sources (s)", "graphs", "igraph_betweenness"),
        ("networkx betweenness, 500 sampled sources (s)", "graphs", "networkx_betweenness"),
        ("PageRank / betweenness max difference", "graphs", "pagerank_max_difference"),
        ("igraph multilevel (Louvain) (s)", "graphs", "igraph_louvain"),
        ("networkx Louvain (s)", "graphs", "networkx_louvain"),
        ("modularity igraph / networkx", "graphs", "igraph_modularity"),
    ]
    for title, anchor_name, key in rows:
        cells = []
        for r in results:
            value = detail(r, anchor_name, key)
            if key == "oxigraph_results":
                value += " / " + detail(r, anchor_name, "pyshacl_results")
            elif key == "nodes":
                value += " / " + detail(r, anchor_name, "links")
            elif key == "pagerank_max_difference":
                value += " / " + detail(r, anchor_name, "betweenness_max_difference")
            elif key == "igraph_modularity":
                value += " / " + detail(r, anchor_name, "networkx_modularity")
            cells.append(value)
        lines.append(f"| {title} | " + " | ".join(cells) + " |")
    for r in results:
        a = r["anchors"].get("pyrudof") or {}
        if a.get("error"):
            lines += ["", f"pyrudof at {r['size']}: {a['error']}"]
    lines += ["", "## Targets (issue 8)", ""]
    lines += targets(results)
    lines += ["", "## Named queries on the open store (seconds; best of 3)", ""]
    last = results[-1]
    detail_q = (last["anchors"].get("queries") or {}).get("detail") or {}
    lines += [
        f"At {last['size']}: `raw` is pyoxigraph's `Store.query` on the already-open store (every row's values read), "
        "`engine` policygraph's evaluation (`evaluate_oxigraph`: the same call plus conversion to rdflib terms), "
        "`library` the whole `run_query` call (parameters written into VALUES blocks as checked, escaped terms), "
        "and `overhead` what the library adds to the raw call (library − raw, milliseconds; target ≤ 2 ms).",
        "",
        "| query | rows | raw | engine | library | overhead (ms) | engine / raw | library / raw |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for name, t in sorted(detail_q.items()):
        lines.append(
            f"| {name} | {t['rows']} | {t['raw']:.4f} | {t['engine']:.4f} | {t['library']:.4f} | "
            f"{(t['library'] - t['raw']) * 1000:.1f} | {_ratio(t['engine'], t['raw'])} | {_ratio(t['library'], t['raw'])} |"
        )
    lines += ["", "## Growth from one size to the next (time ratio; triples ×10)", ""]
    if len(results) > 1:
        lines += ["| command | " + " | ".join(f"{a['size']} → {b['size']}" for a, b in zip(results, results[1:])) + " |"]
        lines += ["|---|" + "---|" * (len(results) - 1)]
        for name in names:
            cells = []
            for a, b in zip(results, results[1:]):
                x, y = a["commands"].get(name) or {}, b["commands"].get(name) or {}
                cells.append(_ratio(y.get("seconds"), x.get("seconds")))
            lines.append(f"| `{name}` | " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"


def targets(results: list[dict]) -> list[str]:
    """The issue's targets with the measured ratios."""
    by = {r["size"]: r for r in results}
    lines = ["| target | measured | met |", "|---|---|---|"]

    def row(text: str, measured: str, met: bool | None) -> None:
        lines.append(f"| {text} | {measured} | {'yes' if met else 'no' if met is not None else '—'} |")

    def seconds(r: dict, name: str) -> float | None:
        c = r["commands"].get(name) or {}
        return None if c.get("error") else c.get("seconds")

    def det(r: dict, anchor_name: str, key: str):
        return ((r["anchors"].get(anchor_name) or {}).get("detail") or {}).get(key)

    big = results[-1]
    queries = (big["anchors"].get("queries") or {}).get("detail") or {}
    if queries:
        engine_worst = max((t["engine"] / t["raw"], n) for n, t in queries.items() if t["raw"] > 0)
        library_worst = max((t["library"] / t["raw"], n) for n, t in queries.items() if t["raw"] > 0)
        slowest = max((t["library"], n) for n, t in queries.items())
        row(
            f"each named query at {big['size']} within 1.5× of raw pyoxigraph on the open store",
            f"engine: worst {engine_worst[0]:.2f}× ({engine_worst[1]}); whole library call: worst {library_worst[0]:.2f}× ({library_worst[1]})",
            engine_worst[0] <= 1.5 and library_worst[0] <= 1.5,
        )
        overhead = max((t["library"] - t["raw"], n) for n, t in queries.items())
        row(
            f"whole `run_query` ≤ 2 ms above raw `Store.query` for every named query at {big['size']}",
            f"worst {overhead[0] * 1000:.1f} ms ({overhead[1]})",
            overhead[0] <= 0.002,
        )
        row(f"no named query over 0.5 s at {big['size']}", f"slowest {slowest[0]:.2f} s ({slowest[1]})", slowest[0] <= 0.5)
        rd_parse, rd_query = det(big, "rdflib", "parse"), det(big, "rdflib", "query")
        cli = seconds(big, f"query {REPRESENTATIVE_QUERY}")
        if rd_parse is not None and cli:
            row(
                f"`query {REPRESENTATIVE_QUERY} --store` ≥ 10× faster than rdflib parse + query ({big['size']})",
                f"{(rd_parse + rd_query) / cli:.1f}× ({rd_parse + rd_query:.1f} s vs {cli:.2f} s end to end)",
                (rd_parse + rd_query) / cli >= 10,
            )
    build, bulk = seconds(big, "build"), det(big, "oxigraph-load", "disk_bulk_load")
    memory_load = det(big, "oxigraph-load", "memory_load")
    if build and bulk:
        peak = (big["commands"].get("build") or {}).get("peak_mb")
        row(
            f"`build --store` at {big['size']} ≤ 2× pyoxigraph's own load; peak ≤ 1 GB",
            f"{build / bulk:.2f}× its bulk load to disk ({build:.1f} s vs {bulk:.1f} s; "
            f"{build / memory_load:.2f}× its in-memory load of {memory_load:.1f} s); peak {peak:.0f} MB",
            build / bulk <= 2 and (peak or 0) <= 1024,
        )
    if "100k" in by:
        r = by["100k"]
        ours, ref = det(r, "shacl", "oxigraph"), det(r, "shacl", "pyshacl")
        if ours and ref:
            cli, cli_ref = seconds(r, "validate"), seconds(r, "validate --engine pyshacl")
            row(
                "`validate` at 100k ≥ 5× faster than pySHACL, identical findings",
                f"engines: {ref / ours:.1f}× ({ref:.1f} s vs {ours:.2f} s), identical: {det(r, 'shacl', 'identical')}; "
                f"commands end to end: {cli_ref / cli:.1f}× ({cli_ref:.1f} s vs {cli:.2f} s)",
                ref / ours >= 5 and det(r, "shacl", "identical") is True,
            )
        c, k = seconds(r, "analyze centrality pagerank"), seconds(r, "analyze communities")
        b = seconds(r, "analyze centrality betweenness --sample 500")
        if c and k and b:
            row(
                "`analyze centrality` and `communities` at 100k ≤ 5 s each",
                f"PageRank {c:.2f} s, betweenness (500 sampled) {b:.2f} s, communities {k:.2f} s",
                max(c, k, b) <= 5,
            )
        g = seconds(r, "export gexf")
        if g:
            row("`export gexf` at 100k ≤ 2 s (streamed)", f"{g:.2f} s", g <= 2)
    if "100k" in by and "1M" in by:
        worst = []
        for name in by["1M"]["commands"]:
            a, b = seconds(by["100k"], name), seconds(by["1M"], name)
            if a and b:
                worst.append((b / a, name))
        if worst:
            top = max(worst)
            row("every command from 100k to 1M grows ≤ ~×12", f"largest ×{top[0]:.1f} ({top[1]})", top[0] <= 12)
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="10k,100k", help="comma-separated sizes: 10k,100k,1M (default 10k,100k)")
    parser.add_argument("--work", help="folder for the generated graphs and stores (default: a temporary folder)")
    parser.add_argument("--timeout", type=float, default=900, help="seconds before one measurement is stopped (default 900)")
    parser.add_argument(
        "--slow-limit", default="100k", help="run pySHACL and networkx up to this size only (they take many minutes beyond)"
    )
    parser.add_argument("--out", default=str(HERE), help="folder for results.json and RESULTS.md (default benchmarks/)")
    parser.add_argument(
        "--bundled-runs", type=int, default=5, help="runs per figure of the bundled-data table (commands.py); 0 leaves it out"
    )
    parser.add_argument("--previous", metavar="PYTHON", help="the previous release's Python, timed beside this one on the bundled data")
    parser.add_argument("--anchor", help=argparse.SUPPRESS)
    args, rest = parser.parse_known_args(argv)
    if args.anchor:
        print(json.dumps(ANCHORS[args.anchor](*rest)))
        return 0
    sizes = [(s.strip(), generate.parse_size(s)) for s in args.sizes.split(",") if s.strip()]
    work = Path(args.work) if args.work else Path(tempfile.mkdtemp(prefix="policygraph-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    startup = {"help": best_of(5, policygraph("--help"), 60), "queries": best_of(5, policygraph("queries"), 60)}
    results = []
    try:
        for label, size in sizes:
            print(f"size {label}", file=sys.stderr, flush=True)
            results.append(run_size(label, size, work, args.timeout, generate.parse_size(args.slow_limit)))
    finally:
        if not args.work:
            shutil.rmtree(work, ignore_errors=True)
    bundled = None
    if args.bundled_runs:
        print("bundled data", file=sys.stderr, flush=True)
        rows = commands.measure(args.bundled_runs, args.previous)
        bundled = {"runs": args.bundled_runs, "previous": bool(args.previous), "rows": [[name, row] for name, row in rows]}
    info = machine()
    document = {"machine": info, "startup": startup, "bundled": bundled, "results": results}
    out = Path(args.out)
    (out / "results.json").write_text(json.dumps(document, indent=2) + "\n", encoding="utf-8")
    text = markdown(results, info, startup, bundled)
    (out / "RESULTS.md").write_text(text, encoding="utf-8")
    print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
