"""Shared fixtures: one Prefect test harness per session, paths to bundled data."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import settings

from flows.settings import apply_prefect_defaults

# The suite is deterministic: the same generated examples every run. Setting
# PAGEWASH_HYPOTHESIS_EXAMPLES explores new random examples instead (see README, Tests).
settings.register_profile("fixed", derandomize=True, print_blob=True)
settings.register_profile("explore", print_blob=True)
settings.load_profile("explore" if os.environ.get("PAGEWASH_HYPOTHESIS_EXAMPLES") else "fixed")

REPO = Path(__file__).resolve().parents[1]
SAMPLES = REPO / "samples"
SEEDS = REPO.parent / "shared" / "seeds"


@pytest.fixture(scope="session")
def prefect_harness() -> Iterator[None]:
    """A real Prefect engine and temporary server for the whole session (~13 s once)."""
    apply_prefect_defaults()
    from prefect.testing.utilities import prefect_test_harness

    with prefect_test_harness(server_startup_timeout=120):
        yield


@pytest.fixture
def seeds() -> Path:
    if not SEEDS.is_dir():
        pytest.skip("../shared/seeds is not beside this checkout")
    return SEEDS
