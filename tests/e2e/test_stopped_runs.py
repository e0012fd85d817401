"""Stopped mid-run with SIGTERM, Ctrl-C or SIGKILL, `pagewash run` leaves no process behind:
neither its pool workers nor Prefect's embedded server."""

from __future__ import annotations

import os

import pytest

from tests.conftest import PAGEWASH, STOPS, left_behind

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def embedded_env(tmp_path_factory) -> dict[str, str]:
    """No PREFECT_API_URL: each `pagewash run` starts Prefect's embedded server (in its own
    PREFECT_HOME, kept warm for the next test)."""
    env = {**os.environ, "PREFECT_HOME": str(tmp_path_factory.mktemp("prefect-home"))}
    env.pop("PREFECT_API_URL", None)
    return {**env, "PAGEWASH_WORKERS": "2"}


@STOPS
def test_no_process_outlives_a_stopped_run_nor_its_embedded_server(
    tmp_path, long_inbox, embedded_env, stop
):
    """Stopped mid-run (SIGTERM, Ctrl-C or SIGKILL), `pagewash run` leaves nothing running:
    not its pool workers, and not Prefect's embedded server, which Prefect stops only on a
    normal exit (a guard process stops it, then exits too)."""
    command = [PAGEWASH, "run", str(long_inbox), "--warehouse", str(tmp_path / "wh")]
    assert left_behind(command, embedded_env, stop, spawned=2) == []
