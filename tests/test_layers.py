"""The layers depend downward only: transforms <- warehouse <- flows."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
# The installed package never imports what is not installed with it.
NOT_INSTALLED = {"training", "benchmarks", "tests"}
FORBIDDEN = {
    "transforms": {"prefect", "duckdb", "pyarrow", "warehouse", "flows", *NOT_INSTALLED},
    "warehouse": {"prefect", "flows", *NOT_INSTALLED},
    "flows": NOT_INSTALLED,
}


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module.split(".")[0])
    return names


@pytest.mark.parametrize("layer", sorted(FORBIDDEN))
def test_layer_does_not_import_upward(layer):
    modules = sorted((REPO / layer).rglob("*.py"))
    assert modules
    for module in modules:
        bad = _imports(module) & FORBIDDEN[layer]
        assert not bad, f"{module.relative_to(REPO)} imports {sorted(bad)}"
