"""The library never depends on its front ends: only reader/cli.py may import click."""

from __future__ import annotations

import ast

from support import ROOT

FRONT_END_PACKAGES = {"click", "flask", "waitress"}


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
