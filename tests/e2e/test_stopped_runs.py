"""Stopped mid-run with SIGTERM, Ctrl-C or SIGKILL, `pagewash run` leaves no process behind:
neither its pool workers nor Prefect's embedded server; killed, against a Prefect server of
the user's, its run shows Crashed there."""

from __future__ import annotations

import os
import signal

import pytest

from tests.conftest import PAGEWASH, STOPS, left_behind, wait_for
from tests.e2e.deployment.server_api import post

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


def test_a_killed_run_shows_crashed_on_the_prefect_server(tmp_path, long_inbox, server_env):
    """`pagewash run` against a Prefect server of the user's, killed mid-run with SIGKILL: a
    watcher process started with the run marks it Crashed on the server (else it would show
    Running for ever), then exits with the rest."""
    warehouse = tmp_path / "wh"
    command = [PAGEWASH, "run", str(long_inbox), "--warehouse", str(warehouse)]
    env = {**server_env, "PAGEWASH_WORKERS": "2"}
    assert left_behind(command, env, signal.SIGKILL, spawned=2) == []
    api = server_env["PREFECT_API_URL"]

    def states() -> list[str]:
        body = {"sort": "START_TIME_DESC", "limit": 200}
        runs = post(api, "/flow_runs/filter", body)
        return [r["state_type"] for r in runs if r["parameters"].get("warehouse") == str(warehouse)]

    assert wait_for(lambda: states() == ["CRASHED"], 30), states()
