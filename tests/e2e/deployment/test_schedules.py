"""prefect.yaml's schedules on a real server: the hourly cron booked on the calendar, one run
at a time, ticks missed in an outage run once, and a short interval schedule that picks up
files dropped into its inbox (run by the package's worker)."""

from __future__ import annotations

import shutil
from datetime import UTC, datetime, timedelta

import pytest

from tests.conftest import SAMPLES, article_count, wait_for
from tests.e2e.deployment.server_api import (
    call,
    deployment_runs,
    post,
    settle,
    wait_for_final,
)
from warehouse.layout import Layout
from warehouse.query import run_query

pytestmark = pytest.mark.slow


def test_deploy_puts_the_hourly_cron_schedule_on_the_server_calendar(deployed):
    record = deployed.deployments["ingest/scheduled-ingest"]
    schedules = [
        (s["schedule"].get("cron"), s["schedule"]["timezone"]) for s in record["schedules"]
    ]
    assert schedules == [("0 * * * *", "UTC")]
    assert all(s["active"] for s in record["schedules"])
    # the scheduler itself booked the coming hours (it does not when its loop fails, as with
    # SQLAlchemy 2.1), each with the deployment's parameters
    starts = [datetime.fromisoformat(run["expected_start_time"]) for run in deployed.cron_runs]
    assert len(starts) >= 3, deployed.cron_runs
    assert all(run["auto_scheduled"] for run in deployed.cron_runs)
    assert all(t > deployed.deployed_at and (t.minute, t.second) == (0, 0) for t in starts)
    assert all(run["parameters"] == record["parameters"] for run in deployed.cron_runs)


def test_scheduled_ingest_runs_one_at_a_time_and_cancels_a_colliding_tick(deployed):
    record = deployed.deployments["ingest/scheduled-ingest"]
    assert record["global_concurrency_limit"]["limit"] == 1
    assert record["concurrency_options"]["collision_strategy"] == "CANCEL_NEW"


def test_ticks_missed_in_an_outage_run_once_not_once_each(deployed, tmp_path):
    """Three hourly ticks left Late by an outage (due 3, 2 and 1 hours ago) are taken by the
    worker together when it is back: one loads, the other two are cancelled."""
    record = deployed.deployments["ingest/scheduled-ingest"]
    warehouse = tmp_path / "wh"
    parameters = {"source": str(SAMPLES), "warehouse": str(warehouse)}
    settle(deployed, record["id"])  # a run still going would take the slot from all three
    now = datetime.now(UTC)
    runs = []
    for hours in (3, 2, 1):
        due = (now - timedelta(hours=hours)).isoformat()
        body = {
            "parameters": parameters,
            "state": {"type": "SCHEDULED", "state_details": {"scheduled_time": due}},
            "idempotency_key": f"missed-tick-{due}",  # a timed-out call can be made again
        }
        runs.append(post(deployed.api, f"/deployments/{record['id']}/create_flow_run", body))
    states = sorted(wait_for_final(deployed, run["id"])["state"]["type"] for run in runs)
    assert states == ["CANCELLED", "CANCELLED", "COMPLETED"], states
    rows = run_query(Layout.at(warehouse), "SELECT files_seen, ingested FROM loads").rows
    assert rows == [(14, 14)]


def test_interval_schedule_picks_up_files_dropped_into_the_inbox_on_a_later_tick(
    deployed, tmp_path
):
    """A 10 s schedule added to scheduled-ingest (prefect.yaml's is hourly) with its own
    inbox and warehouse: the worker runs each tick, the next tick loads what was dropped."""
    inbox, warehouse = tmp_path / "inbox", tmp_path / "wh"
    shutil.copytree(SAMPLES / "orchard-notes", inbox / "orchard-notes")
    record = deployed.deployments["ingest/scheduled-ingest"]
    parameters = {"source": str(inbox), "warehouse": str(warehouse)}
    body = [{"schedule": {"interval": 10}, "active": True, "parameters": parameters}]
    [schedule] = post(deployed.api, f"/deployments/{record['id']}/schedules", body)
    try:
        first = wait_for(lambda: article_count(warehouse) == 3, 150)
        assert first, "the first tick never loaded the inbox\n" + deployed.worker_log.read_text()
        shutil.copytree(SAMPLES / "harbor-gazette", inbox / "harbor-gazette")
        total = 3 + len(list((SAMPLES / "harbor-gazette").iterdir()))
        later = wait_for(lambda: article_count(warehouse) == total, 150)
        assert later, "the dropped files were never picked up\n" + deployed.worker_log.read_text()
        # queries keep working while the schedule keeps running
        sites = run_query(Layout.at(warehouse), "SELECT count(DISTINCT site) FROM articles")
        assert sites.rows == [(2,)]
    finally:
        # off again: it also deletes the ticks booked for later; a tick already due or taken
        # by the worker ends (``settle``) before the next test triggers this deployment,
        # which would otherwise collide with it (one run at a time, CANCEL_NEW)
        path = f"/deployments/{record['id']}/schedules/{schedule['id']}"
        call("PATCH", deployed.api, path, {"active": False})
        settle(deployed, record["id"])
    loads = run_query(Layout.at(warehouse), "SELECT count(*), sum(ingested) FROM loads").rows
    assert loads[0][0] >= 2 and loads[0][1] == total
    ticks = [
        run
        for run in deployment_runs(deployed.api, record["id"])
        if run["parameters"].get("source") == str(inbox) and run["state"]["type"] != "SCHEDULED"
    ]
    assert all(run["auto_scheduled"] for run in ticks)
    failed = [run["state"] for run in ticks if run["state"]["type"] in ("FAILED", "CRASHED")]
    assert not failed
