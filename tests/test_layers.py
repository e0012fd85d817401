"""The layers depend downward only: transforms <- warehouse <- runtime <- flows.

``transforms/`` is pure: the standard library and a few declared dependencies that compute
(no Prefect, DuckDB, Arrow or I/O framework); ``warehouse/`` and ``runtime/`` never import
Prefect; only ``flows/`` does.
"""

from __future__ import annotations

import ast
import sys
import tomllib
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
# The installed package never imports what is not installed with it.
NOT_INSTALLED = {"training", "benchmarks", "tests"}
FORBIDDEN = {
    "transforms": {"prefect", "duckdb", "pyarrow", "warehouse", "runtime", "flows"},
    "warehouse": {"prefect", "runtime", "flows"},
    "runtime": {"prefect", "flows"},
    "flows": set(),
}
# What transforms/ may import besides the standard library and itself: module -> the
# distribution pyproject.toml declares for it.
TRANSFORMS_DEPENDENCIES = {
    "bs4": "beautifulsoup4",
    "charset_normalizer": "charset-normalizer",
    "lightgbm": "lightgbm",
    "numpy": "numpy",
    "rensa": "rensa",
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


def _modules(layer: str) -> list[Path]:
    modules = sorted((REPO / layer).rglob("*.py"))
    assert modules
    return modules


def _forbidden(layer: str, name: str) -> bool:
    """Whether ``layer`` may not import the top-level module ``name`` (``prefect_dask`` is
    Prefect too)."""
    banned = FORBIDDEN[layer] | NOT_INSTALLED
    return name in banned or ("prefect" in banned and name.startswith("prefect"))


@pytest.mark.parametrize("layer", sorted(FORBIDDEN))
def test_layer_does_not_import_upward(layer):
    for module in _modules(layer):
        bad = {name for name in _imports(module) if _forbidden(layer, name)}
        assert not bad, f"{module.relative_to(REPO)} imports {sorted(bad)}"


def test_transforms_import_only_the_standard_library_and_declared_pure_dependencies():
    allowed = set(sys.stdlib_module_names) | {"transforms", *TRANSFORMS_DEPENDENCIES}
    for module in _modules("transforms"):
        other = _imports(module) - allowed
        assert not other, f"{module.relative_to(REPO)} imports {sorted(other)}"
    pyproject = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))
    declared = " ".join(pyproject["project"]["dependencies"])
    for distribution in TRANSFORMS_DEPENDENCIES.values():
        assert distribution in declared, distribution
