"""How the code is layered, read statically from the AST.

The library never depends on its front ends: only reader/cli.py may import click.

No import cycle among the modules of `reader` and `reader_web`. Every import counts: those at
module level, those inside functions and those under `if TYPE_CHECKING:`. A deferred import
changes when a module loads, not what it depends on, and an import for types only is still
a dependency of the code that names those types; a cycle hidden by either is one a reader of
the code must still hold in mind (the cure is a narrower dependency, such as a Protocol).
`from package.module import name` depends on `package.module`, not on the package's
`__init__`, which Python runs only to find the module.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

from support import ROOT

FRONT_END_PACKAGES = {"click", "flask", "waitress"}
# Where each top-level package's source is, in this checkout.
PACKAGE_DIRS = {"reader": ROOT / "reader", "reader_web": ROOT / "web" / "reader_web"}


def imported_roots(path: str) -> set[str]:
    tree = ast.parse((ROOT / path).read_text(encoding="utf-8"))
    roots: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            roots |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            roots.add(node.module.split(".")[0])
    return roots


def test_library_modules_do_not_import_front_ends() -> None:
    library = sorted(
        str(p.relative_to(ROOT)) for p in (ROOT / "reader").rglob("*.py") if p.name != "cli.py"
    )
    assert len(library) > 10
    offenders = {p: imported_roots(p) & FRONT_END_PACKAGES for p in library}
    assert {p: found for p, found in offenders.items() if found} == {}


def test_the_cli_is_where_click_is_used() -> None:
    assert "click" in imported_roots("reader/cli.py")


def module_files(packages: dict[str, Path]) -> dict[str, Path]:
    """Every module of the packages by dotted name (a package by its own name)."""
    found: dict[str, Path] = {}
    for top, folder in packages.items():
        for path in folder.rglob("*.py"):
            parts = [top, *path.relative_to(folder).with_suffix("").parts]
            found[".".join(parts[:-1] if parts[-1] == "__init__" else parts)] = path
    return found


def imported_modules(module: str, path: Path, modules: set[str]) -> Iterator[str]:
    """The modules of `modules` that the file's import statements (anywhere in it) name.

    `from a.b import c` names the module a.b.c when there is one, else a.b (c is a name in
    it); `import a.b` names a.b. Relative imports are resolved against the file's package.
    """
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names if alias.name in modules)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parts = package.split(".")
                base = ".".join([*parts[: len(parts) - node.level + 1], *base.split(".")])
                base = base.rstrip(".")
            for alias in node.names:
                name = f"{base}.{alias.name}"
                if name in modules:
                    yield name
                elif base in modules:
                    yield base


def import_graph(packages: dict[str, Path]) -> dict[str, set[str]]:
    """Module → the modules of the packages it imports."""
    files = module_files(packages)
    return {
        module: set(imported_modules(module, path, set(files))) - {module}
        for module, path in files.items()
    }


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected groups of more than one module (Tarjan), each sorted."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        for target in sorted(graph.get(node, ())):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            group = []
            while True:
                member = stack.pop()
                group.append(member)
                if member == node:
                    break
            if len(group) > 1:
                found.append(sorted(group))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def test_no_import_cycle_among_the_modules() -> None:
    graph = import_graph(PACKAGE_DIRS)
    assert len(graph) > 60 and graph["reader.pipeline"] >= {"reader.model", "reader.options"}
    assert cycles(graph) == []


def test_a_cycle_through_a_function_or_type_checking_import_is_found(tmp_path: Path) -> None:
    package = tmp_path / "pkg"
    package.mkdir()
    (package / "__init__.py").write_text("from pkg.a import run\n")
    (package / "a.py").write_text("def run():\n    from pkg import b\n")
    (package / "b.py").write_text(
        "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from .a import run\n"
    )
    (package / "c.py").write_text("from pkg.a import run\n")  # depends on a, not on pkg
    assert cycles(import_graph({"pkg": package})) == [["pkg.a", "pkg.b"]]
