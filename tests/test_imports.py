"""The project's import graph, read from the source (every import statement, those inside functions too):
no cycle among the project's modules, no import of the benchmark harness (benchmarks/) by the library or
the app, no private name (_name) imported from another module, and no torch in corpora/."""

from __future__ import annotations

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("pages", "elmo", "corpora", "senses", "benchmarks")
LIBRARY = ("app", "pages", "elmo", "corpora", "senses")  # what the app runs; benchmarks/ may import it, not back

# Known cycles: each entry is one import (importer, imported) that closes cycles, tolerated until it is
# removed. Any other cycle fails, and so does an entry whose import is gone or that no longer closes a cycle
# (then delete it here). Empty: the project has no cycle.
KNOWN_CYCLE_IMPORTS: set[tuple[str, str]] = set()


def module_files() -> dict[str, Path]:
    """Dotted module name -> file, for app.py and every module of the project's packages."""
    out = {"app": ROOT / "app.py"}
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            parts = path.relative_to(ROOT).with_suffix("").parts
            out[".".join(parts[:-1] if parts[-1] == "__init__" else parts)] = path
    return out


def _source(node: ast.ImportFrom, package: str) -> str:
    """The absolute module name of a `from ... import` (relative ones resolved against `package`)."""
    if not node.level:
        return node.module or ""
    parts = package.split(".")
    return ".".join([*parts[: len(parts) - node.level + 1], *([node.module] if node.module else [])])


def imported_names(name: str, path: Path) -> set[str]:
    """Every dotted name an import statement of the module names (relative imports resolved): for
    `from a import b` both "a" and "a.b" (b may be a submodule)."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    out = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Import):
            out.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            source = _source(node, package)
            out.add(source)
            out.update(f"{source}.{alias.name}" for alias in node.names)
    return out


def project_target(dotted: str, modules: dict[str, Path]) -> str | None:
    """The project module an imported name loads last (the deepest existing prefix), or None."""
    parts = dotted.split(".")
    for n in range(len(parts), 0, -1):
        candidate = ".".join(parts[:n])
        if candidate in modules:
            return candidate
    return None


def import_graph() -> dict[str, set[str]]:
    modules = module_files()
    graph = {}
    for name, path in modules.items():
        targets = {project_target(d, modules) for d in imported_names(name, path)}
        graph[name] = {t for t in targets if t is not None and t != name}
    return graph


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components with more than one module (Tarjan), each sorted."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in sorted(graph.get(v, ())):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return found


def test_the_graph_sees_function_level_and_relative_imports():
    graph = import_graph()
    assert "corpora.store" in graph["corpora.search"] or "corpora.search" in graph["corpora.store"]
    assert "corpora.text" in graph["corpora.sentences"]  # `from .text import split_rows` inside a function
    assert "elmo.embedder" in graph["benchmarks.evaluate"]  # `from elmo.embedder import ...` inside main
    assert {"elmo.model", "elmo.config"} <= graph["elmo.fast"]  # relative imports
    assert len(graph) >= 50


def test_no_import_cycle_among_project_modules():
    graph = import_graph()
    stale = {(a, b) for a, b in KNOWN_CYCLE_IMPORTS if b not in graph.get(a, set())}
    assert not stale, f"known cycle imports that are gone (delete them from KNOWN_CYCLE_IMPORTS): {stale}"
    pruned = {a: {b for b in targets if (a, b) not in KNOWN_CYCLE_IMPORTS} for a, targets in graph.items()}
    assert cycles(pruned) == []
    # each known entry closes a cycle now (else it hides nothing and should go)
    for a, b in sorted(KNOWN_CYCLE_IMPORTS):
        with_it = {m: set(t) for m, t in pruned.items()}
        with_it[a].add(b)
        assert any(a in c and b in c for c in cycles(with_it)), f"{a} -> {b} closes no cycle on its own"


def test_cycle_finder_finds_a_cycle():
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    assert cycles({"a": {"b"}, "b": set()}) == []


def test_library_never_imports_the_benchmark_harness():
    graph = import_graph()
    bad = {(a, b) for a, targets in graph.items() if a.split(".")[0] in LIBRARY
           for b in targets if b.split(".")[0] == "benchmarks"}
    assert not bad


ROOMS = ("corpora", "elmo", "senses", "pages", "app", "benchmarks")  # each imports only those before it


def test_each_room_imports_only_the_rooms_below_it():
    """The README's Layout table, in order: corpora at the bottom, then elmo, senses, the app, the harness."""
    graph = import_graph()
    rank = {room: i for i, room in enumerate(ROOMS)}
    upward = {(a, b) for a, targets in graph.items() for b in targets
              if rank[b.split(".")[0]] > rank[a.split(".")[0]]}
    assert not upward


def test_corpora_never_imports_torch_elmo_senses_or_pages():
    modules = module_files()
    for name, path in modules.items():
        if name.split(".")[0] != "corpora":
            continue
        roots = {d.split(".")[0] for d in imported_names(name, path)}
        assert not roots & {"torch", "elmo", "senses", "pages", "benchmarks"}, (name, roots)


def test_no_private_name_is_imported_from_another_module():
    modules = module_files()
    crossing = []
    for name, path in modules.items():
        package = name if path.name == "__init__.py" else name.rpartition(".")[0]
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
            if isinstance(node, ast.ImportFrom) and project_target(_source(node, package), modules):
                crossing += [(name, _source(node, package), a.name) for a in node.names
                             if a.name.startswith("_") and not a.name.startswith("__")]
    assert not crossing


SQL = re.compile(r"\s*(SELECT .+ FROM|INSERT INTO|UPDATE \w+ SET|DELETE FROM|PRAGMA \w|CREATE (TABLE|INDEX))")


def test_no_sql_outside_corpora():
    """The corpus store is read through corpora's public functions: no module elsewhere calls `.execute(`
    or holds an SQL statement."""
    found = []
    for name, path in module_files().items():
        if name.split(".")[0] == "corpora":
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
            if isinstance(node, ast.Attribute) and node.attr in ("execute", "executemany", "executescript"):
                found.append((name, node.attr))
            elif isinstance(node, ast.Constant) and isinstance(node.value, str) and SQL.match(node.value):
                found.append((name, node.value[:40]))
    assert not found


ENV_READ = re.compile(r"os\.environ\.get|os\.getenv|in os\.environ|os\.environ\[")


def test_environment_variables_are_read_in_corpora_settings_only():
    """The app and library read the environment through corpora.settings (the benchmarks may set their own)."""
    found = [name for name, path in module_files().items()
             if name.split(".")[0] in LIBRARY and name != "corpora.settings"
             and ENV_READ.search(path.read_text(encoding="utf-8"))]
    assert not found
