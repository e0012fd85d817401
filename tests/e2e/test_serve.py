"""`pagewash serve`: a scheduled ingest in one process, against a real Prefect server."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess

import httpx
import pytest

from tests.conftest import (
    PAGEWASH,
    SAMPLES,
    STOPS,
    article_count,
    left_behind,
    wait_for,
)
from tests.e2e.deployment.server_api import deployment_runs, get
from warehouse.layout import Layout
from warehouse.query import run_query

pytestmark = pytest.mark.slow


@pytest.fixture(autouse=True)
def no_served_deployment_yet(prefect_server) -> None:
    """Each test serves a deployment of its own (`pagewash serve` always deploys
    `ingest/pagewash-serve`, one run at a time): no run or tick an earlier test booked
    reaches it."""
    response = httpx.get(f"{prefect_server}/deployments/name/ingest/pagewash-serve", timeout=30)
    if response.status_code != 404:
        response.raise_for_status()
        deleted = httpx.delete(f"{prefect_server}/deployments/{response.json()['id']}")
        deleted.raise_for_status()


def test_served_schedule_picks_up_files_dropped_into_the_inbox(tmp_path, prefect_server):
    inbox, warehouse = tmp_path / "inbox", tmp_path / "wh"
    shutil.copytree(SAMPLES / "orchard-notes", inbox / "orchard-notes")
    command = [PAGEWASH, "serve", str(inbox), "--warehouse", str(warehouse), "--every", "3"]
    env = {**os.environ, "PREFECT_API_URL": prefect_server}
    served = subprocess.Popen(
        command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    try:
        assert wait_for(lambda: article_count(warehouse) == 3, 120), "first tick never loaded"
        shutil.copytree(SAMPLES / "harbor-gazette", inbox / "harbor-gazette")
        total = 3 + len(list((SAMPLES / "harbor-gazette").iterdir()))
        assert wait_for(lambda: article_count(warehouse) == total, 120), "new files never picked up"
        # queries keep working while the schedule keeps running
        assert run_query(
            Layout.at(warehouse), "SELECT count(DISTINCT site) FROM articles"
        ).rows == [(2,)]
    finally:
        served.send_signal(signal.SIGTERM)
        try:
            served.wait(timeout=60)
        except subprocess.TimeoutExpired:
            served.kill()
    loads = run_query(Layout.at(warehouse), "SELECT count(*), sum(ingested) FROM loads").rows
    assert loads[0][0] >= 2 and loads[0][1] == total


@STOPS
def test_no_process_outlives_a_stopped_serve(tmp_path, long_inbox, prefect_server, stop):
    """Stopped mid-run (SIGTERM, Ctrl-C or SIGKILL), `pagewash serve` leaves no flow-run
    process, pool worker or resource tracker behind: each is gone within 5 s."""
    # 4,501 pages: a run of about 15 s, which an orphaned flow-run process would finish
    inbox, warehouse = str(long_inbox), str(tmp_path / "wh")
    command = [PAGEWASH, "serve", inbox, "--warehouse", warehouse, "--every", "3"]
    env = {**os.environ, "PREFECT_API_URL": prefect_server, "PAGEWASH_WORKERS": "2"}
    # Prefect's runner spawns the flow-run process with multiprocessing; it spawns 2 workers
    assert left_behind(command, env, stop, spawned=3) == []


def test_a_run_left_by_a_killed_serve_is_marked_crashed_and_frees_its_slot(
    tmp_path, long_inbox, prefect_server
):
    """`pagewash serve` killed mid-run (SIGKILL: no handler runs): its flow run exits too
    (see the test above), and tells the server first. The run shows Crashed, not Running for
    ever, and the deployment's one concurrency slot is free at once, not after its lease's
    300 s, so the next `pagewash serve` runs right away."""
    command = [PAGEWASH, "serve", str(long_inbox), "--warehouse", str(tmp_path / "wh"),
               "--every", "3"]  # fmt: skip
    env = {**os.environ, "PREFECT_API_URL": prefect_server, "PAGEWASH_WORKERS": "2"}
    assert left_behind(command, env, signal.SIGKILL, spawned=3) == []
    deployment = get(prefect_server, "/deployments/name/ingest/pagewash-serve")

    def started() -> list[dict]:
        runs = deployment_runs(prefect_server, deployment["id"])
        return [run for run in runs if run["start_time"] is not None]

    assert wait_for(lambda: all(r["state_type"] == "CRASHED" for r in started()), 15), [
        (r["name"], r["state_name"]) for r in started()
    ]
    (run,) = started()
    assert "pagewash serve" in run["state"]["message"]
    limit = get(prefect_server, f"/deployments/{deployment['id']}")["global_concurrency_limit"]
    assert (limit["limit"], limit["active_slots"]) == (1, 0)
