"""The package layering of docs/architecture.md: `core` and the foundation apps import no
site shell or domain app, so later apps can build on them without cycles."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1] / "bitgoeul"

# package -> packages it must never import
FORBIDDEN = {
    "core": {"accounts", "audit", "jobs", "web", "companies"},
    "accounts": {"web", "companies"},
    "audit": {"web", "companies"},
    "jobs": {"web", "companies"},
    "notifications": {"web", "companies"},
    "web": {"companies"},
}


def imported_packages(package: str) -> set[tuple[str, str]]:
    found: set[tuple[str, str]] = set()
    for path in (ROOT / package).rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            names: list[str] = []
            if isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            elif isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            for name in names:
                parts = name.split(".")
                if parts[0] == "bitgoeul" and len(parts) > 1:
                    found.add((str(path.relative_to(ROOT)), parts[1]))
    return found


@pytest.mark.parametrize("package", sorted(FORBIDDEN))
def test_package_imports_only_what_its_layer_allows(package: str) -> None:
    wrong = sorted(
        f"{path} imports bitgoeul.{target}"
        for path, target in imported_packages(package)
        if target in FORBIDDEN[package]
    )
    assert wrong == []
