"""Arrows point down: the pure cores import no Django and no app; ingest does not reach up."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

SRC = Path(__file__).parent.parent / "src" / "iom"
APPS = ("accounts", "audit", "people", "referrals", "panels", "cases", "schemes", "web")
FORBIDDEN = {
    "rules": ("django", "duckdb", *(f"iom.{app}" for app in APPS), "iom.impact", "iom.screening"),
    "impact": ("django", *(f"iom.{app}" for app in APPS), "iom.screening", "iom.ingest"),
    "ingest": ("django", *(f"iom.{app}" for app in APPS), "iom.screening"),
}


def imported(path: Path) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


@pytest.mark.parametrize("package", sorted(FORBIDDEN))
def test_package_imports_only_below_it(package: str) -> None:
    wrong = [
        f"{path.relative_to(SRC)} imports {name}"
        for path in sorted((SRC / package).rglob("*.py"))
        for name in imported(path)
        if any(name == f or name.startswith(f + ".") for f in FORBIDDEN[package])
    ]
    assert not wrong, "\n".join(wrong)
