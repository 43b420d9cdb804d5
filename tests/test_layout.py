"""The layout by stage holds: imports go one way down, no circles, small modules, a fast and light --help.

The import checks read the source with ``ast`` (nothing is imported), so they see every import: at the
top of a module and inside functions alike. docs/architecture.md explains the rules these tests keep.
"""

from __future__ import annotations

import ast
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

SRC = Path(__file__).parents[1] / "src"
PACKAGE = SRC / "policygraph"

# Each part of the package: the top-level module or subpackage name → its layer. A module may import
# from a lower layer, and from its own part; never from a higher layer, nor from another part of its
# own layer (validation, tracing and network do not know each other). The base modules form one part.
BASE = 0
PARTS = {
    "errors": BASE,
    "model": BASE,
    "resources": BASE,
    "terms": BASE,
    "names": BASE,
    "output": BASE,
    "records": 1,
    "graph": 2,
    "sparql": 3,
    "validation": 4,
    "tracing": 4,
    "network": 4,
    "site": 5,  # the static website: renders traces (tracing) and the network (network), so it sits above both
    "cli": 6,
    "": 6,  # the package itself (policygraph/__init__.py): the public API, re-exporting load_graph from graph/
    "__main__": 7,  # `python -m policygraph`: calls cli.main
}

# Known upward imports, each to be removed (then delete its line here: the test fails on a stale entry).
KNOWN_UPWARD = {
    # `from policygraph import __version__`: graph/ and network/ reach up to the package root for the
    # version; they should ask a base module (importlib.metadata, or a version in resources.py).
    ("policygraph.graph.store", "policygraph"),
    ("policygraph.network.export", "policygraph"),
}

MAX_LINES = 400
# Modules over MAX_LINES, each being split by responsibility. The list can only shrink: the test fails
# when a module not named here grows past the limit, and when one named here is back under it (then
# delete its line). Lines counted when the list was made, and the seams the modules already show:
OVER_LIMIT = {
    "records/load.py",  # 513: YAML records and extra RDF into the N-Triples of the graph (files and source map: records/files.py)
    "records/safety.py",  # 480: size, encoding, XML, JSON-LD and number checks before any parser
    "sparql/results.py",  # 403: the W3C result writers and the tables for people
    "validation/shacl_oxigraph.py",  # 517: SHACL Core compiled to SPARQL (shapes are read by shacl_shapes)
}

HEAVY = ("rdflib", "pyoxigraph", "networkx", "pyshacl", "matplotlib", "igraph", "jinja2")


def _module_name(path: Path) -> str:
    parts = path.relative_to(SRC).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {_module_name(path): path for path in sorted(PACKAGE.rglob("*.py"))}


def _part(module: str) -> str:
    """``policygraph.graph.store`` → ``graph``; ``policygraph`` → ``""``."""
    return module.split(".")[1] if "." in module else ""


def _imports(module: str) -> list[tuple[str, int]]:
    """Every ``policygraph`` module that ``module`` imports, anywhere in it, with the line of the import."""
    path = MODULES[module]
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Import):
            found += [(alias.name, node.lineno) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:  # relative: resolve against this module's package
                base = ".".join(package.split(".")[: len(package.split(".")) - node.level + 1])
                source = f"{base}.{node.module}" if node.module else base
            else:
                source = node.module or ""
            for alias in node.names:
                # `from policygraph.tracing import report` imports the module policygraph.tracing.report
                submodule = f"{source}.{alias.name}"
                found.append((submodule if submodule in MODULES else source, node.lineno))
    return [(target, line) for target, line in found if target.split(".")[0] == "policygraph"]


def _edges() -> dict[str, set[str]]:
    return {module: {target for target, _ in _imports(module) if target != module} for module in MODULES}


def test_layout_names_every_part():
    """Each top-level module and subpackage of policygraph has a layer in the table."""
    parts = {_part(module) for module in MODULES}
    assert parts - set(PARTS) == set(), "give the new part a layer in PARTS (and docs/architecture.md)"


def test_layout_imports_go_down():
    """Every policygraph import goes to a lower layer or stays within its own part."""
    wrong, used = [], set()
    for module, path in MODULES.items():
        for target, line in _imports(module):
            assert target in MODULES, f"{path}:{line}: imports {target}, which does not exist"
            source_part, target_part = _part(module), _part(target)
            if source_part == target_part or PARTS[target_part] < PARTS[source_part]:
                continue
            if PARTS[source_part] == PARTS[target_part] == BASE:
                continue  # the base modules are one part
            if (module, target) in KNOWN_UPWARD:
                used.add((module, target))
                continue
            where = path.relative_to(SRC.parent)
            wrong.append(f"{where}:{line}: {module} (layer {PARTS[source_part]}) imports {target} (layer {PARTS[target_part]})")
    assert wrong == []
    assert KNOWN_UPWARD - used == set(), "these imports are gone: delete them from KNOWN_UPWARD"


def test_layout_has_no_import_circle():
    """No module reaches itself through its imports (top-level or inside functions)."""
    edges = _edges()
    for first, second in KNOWN_UPWARD:
        edges[first].discard(second)
    circles, state = [], {}  # state: 1 on the current path, 2 done

    def visit(module: str, path: list[str]) -> None:
        state[module] = 1
        for target in sorted(edges[module]):
            if state.get(target) == 1:
                circles.append(" -> ".join(path[path.index(target) :] + [target]))
            elif target not in state:
                visit(target, path + [target])
        state[module] = 2

    for module in sorted(edges):
        if module not in state:
            visit(module, [module])
    assert circles == []


def test_layout_import_checks_see_every_import():
    """The import reader sees imports inside functions and resolves `from package import module`."""
    assert "policygraph.network.export" in dict(_imports("policygraph.cli.export_commands"))  # inside a function
    assert "policygraph.tracing.report" in dict(_imports("policygraph.cli.trace_commands"))


def test_layout_modules_stay_small():
    """Every module has at most MAX_LINES lines, but those on the OVER_LIMIT list, which may only shrink."""
    sizes = {path.relative_to(PACKAGE).as_posix(): len(path.read_text(encoding="utf-8").splitlines()) for path in MODULES.values()}
    over = {name for name, lines in sizes.items() if lines > MAX_LINES}
    assert sorted(f"{name}: {sizes[name]} lines" for name in over - OVER_LIMIT) == [], "split these modules by responsibility"
    assert sorted(OVER_LIMIT - over) == [], "these modules are back under the limit (or gone): delete them from OVER_LIMIT"


def _fresh_env() -> dict[str, str]:
    """The environment of a user's shell: bytecode is cached, as after any install."""
    env = dict(os.environ)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env.pop("PYTHONPROFILEIMPORTTIME", None)
    return env


def test_help_is_fast():
    """`policygraph --help` in a fresh process costs under 0.2 s of processor time (the best of 5 runs).

    Processor time (user + system) of the process, not wall time: on a shared machine the wall clock
    also counts every other process waiting for a core, while the processor time is what --help
    itself does (about 0.1 s, two thirds of it Python and Click). The wall time is bounded too,
    loosely, so that --help never waits on anything (a network, a lock, a sleep). Which modules --help
    loads is the next test's business.
    """
    resource = pytest.importorskip("resource")
    command = [sys.executable, "-m", "policygraph", "--help"]
    cpu, wall = [], []
    for _ in range(5):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        start = time.perf_counter()
        process = subprocess.run(command, capture_output=True, text=True, env=_fresh_env(), timeout=60, check=False)
        wall.append(time.perf_counter() - start)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu.append(after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime)
        assert process.returncode == 0 and "Commands:" in process.stdout, process.stderr
    timings = f"processor {min(cpu):.3f} s, wall {min(wall):.3f} s at best of 5"
    assert min(cpu) < 0.2, f"policygraph --help is slow: {timings}"
    assert min(wall) < 1.0, f"policygraph --help waits on something: {timings}"


PROBE = """
import sys
from click.testing import CliRunner
from policygraph.cli import main

runner = CliRunner()
for args in [["--help"], *([name, "--help"] for name in main.commands), ["analyze", "summary", "--help"]]:
    result = runner.invoke(main, args)
    assert result.exit_code == 0, (args, result.output)
print(" ".join(sorted({name.split(".")[0] for name in sys.modules})))
"""


def test_help_imports_no_heavy_library():
    """Building every command's help imports none of rdflib, pyoxigraph, networkx, pyshacl, matplotlib, igraph."""
    process = subprocess.run([sys.executable, "-c", PROBE], capture_output=True, text=True, env=_fresh_env(), timeout=60, check=False)
    assert process.returncode == 0, process.stderr
    loaded = set(process.stdout.split())
    assert "policygraph" in loaded and "click" in loaded
    assert sorted(loaded & set(HEAVY)) == []
