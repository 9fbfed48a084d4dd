"""The import graph of ``screening/`` and ``ui/`` has no cycle (imports inside functions
count too: a lazy import is still a dependency; imports only for type annotations, under
``if TYPE_CHECKING:``, do not), and the core never imports a door."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
PACKAGES = ("screening", "ui")


def module_name(path: Path) -> str:
    """``screening/review/files.py`` → ``screening.review.files``."""
    parts = list(path.relative_to(REPO).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def modules() -> dict[str, Path]:
    """Every module of the packages by name."""
    return {module_name(p): p for pkg in PACKAGES for p in sorted((REPO / pkg).rglob("*.py"))}


def lazy_exports() -> dict[str, str]:
    """``from screening import X``: which module really holds X (screening/__init__.py)."""
    tree = ast.parse((REPO / "screening" / "__init__.py").read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.Assign) and getattr(node.targets[0], "id", "") == "_EXPORTS":
            return ast.literal_eval(node.value)  # type: ignore[no-any-return]
    return {}


def edges(known: dict[str, Path]) -> dict[str, set[str]]:
    """Module → the internal modules it imports, anywhere in its code."""
    exports = lazy_exports()
    graph: dict[str, set[str]] = {}
    for name, path in known.items():
        targets: set[str] = set()
        tree = ast.parse(path.read_text(encoding="utf-8"))
        typing_only = {
            id(inner)
            for node in ast.walk(tree)
            if isinstance(node, ast.If) and getattr(node.test, "id", "") == "TYPE_CHECKING"
            for inner in ast.walk(node)
        }
        for node in ast.walk(tree):
            if id(node) in typing_only:
                continue
            if isinstance(node, ast.Import):
                targets.update(a.name for a in node.names)
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                for alias in node.names:
                    full = f"{node.module}.{alias.name}"
                    if full in known:
                        targets.add(full)
                    elif node.module == "screening" and alias.name in exports:
                        targets.add(exports[alias.name])
                    else:
                        targets.add(node.module)
        graph[name] = {t for t in targets if t in known and t != name}
    return graph


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Every cycle found by a depth-first walk (each reported once, from its first module)."""
    found: list[list[str]] = []
    state: dict[str, int] = {}  # 1 on the current path, 2 done
    path: list[str] = []

    def visit(node: str) -> None:
        state[node] = 1
        path.append(node)
        for nxt in sorted(graph.get(node, ())):
            if state.get(nxt) == 1:
                found.append([*path[path.index(nxt) :], nxt])
            elif nxt not in state:
                visit(nxt)
        path.pop()
        state[node] = 2

    for node in sorted(graph):
        if node not in state:
            visit(node)
    return found


def test_there_is_no_import_cycle() -> None:
    """No module of screening/ or ui/ imports, directly or through others, itself."""
    assert cycles(edges(modules())) == []


def test_the_core_never_imports_the_pages() -> None:
    """Nothing in screening/ imports ui/ (the doors depend on the core, never the reverse)."""
    graph = edges(modules())
    assert [
        (a, b)
        for a, b_set in graph.items()
        for b in b_set
        if a.startswith("screening") and b.startswith("ui")
    ] == []


@pytest.mark.parametrize(
    "graph, expected",
    [
        ({"a": {"b"}, "b": {"a"}}, [["a", "b", "a"]]),
        ({"a": {"b"}, "b": {"c"}, "c": {"a"}}, [["a", "b", "c", "a"]]),
        ({"a": {"b"}, "b": {"c"}, "c": set()}, []),
    ],
)
def test_the_cycle_finder_finds_cycles(
    graph: dict[str, set[str]], expected: list[list[str]]
) -> None:
    """The check itself can fail: a planted cycle is found, a chain is not."""
    assert cycles(graph) == expected


def test_lazy_imports_are_edges(tmp_path: Path) -> None:
    """An import inside a function is an edge: two modules importing each other lazily (as
    the old cli and exports/cli did) make a cycle."""
    (tmp_path / "one.py").write_text("def f():\n    from pkg.two import g\n", encoding="utf-8")
    (tmp_path / "two.py").write_text("def g():\n    import pkg.one\n", encoding="utf-8")
    known = {"pkg.one": tmp_path / "one.py", "pkg.two": tmp_path / "two.py"}
    assert cycles(edges(known)) == [["pkg.one", "pkg.two", "pkg.one"]]
