"""The connector's declared dependencies are exactly what its shipped code imports directly."""

from __future__ import annotations

import ast
import importlib.metadata
import sys
import tomllib
from pathlib import Path
from typing import Set

REPO = Path(__file__).resolve().parents[1]
PACKAGE = REPO / "source_amazon_seller_partner"


def imported_top_level_modules() -> Set[str]:
    modules: Set[str] = set()
    for path in PACKAGE.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                modules.update(alias.name.split(".")[0] for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                modules.add(node.module.split(".")[0])
    return modules - set(sys.stdlib_module_names) - {"__future__", PACKAGE.name}


def distribution_of(module: str) -> str:
    distributions = importlib.metadata.packages_distributions().get(module)
    assert distributions, f"no installed distribution provides the module {module!r}"
    return distributions[0].lower().replace("_", "-")


def declared() -> Set[str]:
    pyproject = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))
    return {name.lower() for name in pyproject["tool"]["poetry"]["dependencies"]} - {"python"}


def test_every_direct_import_of_the_connector_is_declared():
    used = {distribution_of(module) for module in imported_top_level_modules()}
    assert used - declared() == set()


def test_every_declared_dependency_is_imported_by_the_connector():
    used = {distribution_of(module) for module in imported_top_level_modules()}
    assert declared() - used == set()
