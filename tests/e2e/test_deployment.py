"""prefect.yaml end to end on a real `prefect server start`: pool, deploy, worker, a triggered
run with its rows and artifacts, the schedules firing, and the run as the UI shows it.

The server, the deployments, the worker and one triggered ingest run are module fixtures, so
their cost (about a minute) is paid once for every test here.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
import yaml
from bs4 import BeautifulSoup

from tests.conftest import REPO, SAMPLES, article_count, wait_for
from warehouse.layout import Layout
from warehouse.query import run_query

pytestmark = pytest.mark.slow

PREFECT = str(Path(sys.executable).with_name("prefect"))
PREFECT_YAML = REPO / "prefect.yaml"
TEST_OUTPUT = REPO / "test-output"
# As root on these machines: no sandbox, no GPU, and none of Chromium's own connections out
# (the closed network refuses them, many at a time).
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@dataclass
class Deployed:
    api: str
    env: dict[str, str]
    deployed_at: datetime
    deployments: dict[str, dict[str, Any]]  # "flow/deployment" -> its record right after deploy
    cron_runs: list[dict[str, Any]]  # runs the scheduler put on the calendar for scheduled-ingest
    worker_log: Path


@dataclass
class TriggeredRun:
    id: str
    name: str
    warehouse: Path


def _prefect(env: dict[str, str], *args: str) -> str:
    done = subprocess.run(
        [PREFECT, *args], env=env, cwd=REPO, capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    return done.stdout


# Prefect's server answers 503 while its SQLite database is busy (10 s ticks, a worker and
# the tests all write to it); Prefect's own client retries those, and so do these calls.
RETRIED_STATUSES = (429, 502, 503)


def _call(method: str, api: str, path: str, body: Any = None) -> Any:
    """One API call, retried with back-off (0.5 s to 8 s) while the server answers busy."""
    for attempt in range(6):
        response = httpx.request(method, f"{api}{path}", json=body, timeout=30)
        if response.status_code not in RETRIED_STATUSES:
            break
        time.sleep(0.5 * 2**attempt)
    response.raise_for_status()
    return response.json() if response.content else None


def _get(api: str, path: str) -> Any:
    return _call("GET", api, path)


def _post(api: str, path: str, body: Any) -> Any:
    return _call("POST", api, path, body)


def _deployment_runs(api: str, deployment_id: str) -> list[dict[str, Any]]:
    body = {
        "flow_runs": {"deployment_id": {"any_": [deployment_id]}},
        "sort": "EXPECTED_START_TIME_ASC",
        "limit": 200,
    }
    return _post(api, "/flow_runs/filter", body)


def _wait_for_completed(deployed: Deployed, run_id: str, seconds: float = 240) -> dict[str, Any]:
    deadline = time.monotonic() + seconds
    while True:
        run = _get(deployed.api, f"/flow_runs/{run_id}")
        state = run["state"]
        if state["type"] == "COMPLETED":
            return run
        log = deployed.worker_log.read_text(errors="replace")[-3000:]
        assert state["type"] not in ("FAILED", "CRASHED", "CANCELLED"), (state["message"], log)
        assert time.monotonic() < deadline, f"run still {state['name']} after {seconds} s\n{log}"
        time.sleep(2)


def _wait_for_final(deployed: Deployed, run_id: str, seconds: float = 240) -> dict[str, Any]:
    deadline = time.monotonic() + seconds
    while (run := _get(deployed.api, f"/flow_runs/{run_id}"))["state"]["type"] in (
        "SCHEDULED",
        "PENDING",
        "RUNNING",
        "CANCELLING",
    ):
        assert time.monotonic() < deadline, f"run still {run['state']['name']} after {seconds} s"
        time.sleep(2)
    return run


def _run_logs(api: str, run_id: str) -> list[dict[str, Any]]:
    body = {"logs": {"flow_run_id": {"any_": [run_id]}}, "sort": "TIMESTAMP_ASC"}
    return _post(api, "/logs/filter", body)


def _trigger(deployed: Deployed, name: str, **parameters: str) -> TriggeredRun:
    """`prefect deployment run NAME -p key=value ...`, as the README does; waits for Completed."""
    args = [item for key, value in parameters.items() for item in ("-p", f"{key}={value}")]
    out = _prefect(deployed.env, "deployment", "run", name, *args)
    run_id = re.search(r"UUID: ([0-9a-f-]{36})", out)
    assert run_id, out
    run = _wait_for_completed(deployed, run_id.group(1))
    return TriggeredRun(run["id"], run["name"], Path(parameters.get("warehouse", "")))


@pytest.fixture(scope="module")
def deployed(prefect_server, tmp_path_factory) -> Iterator[Deployed]:
    """Pool, `deploy --all` and a worker on the session's server, as the README's Scheduling."""
    api = prefect_server
    home = tmp_path_factory.mktemp("worker")
    # as a user deploys it: from the checkout, with no variable naming it (PAGEWASH_HOME was
    # once needed), and the worker started elsewhere
    env = {**os.environ, "PREFECT_API_URL": api}
    env.pop("PAGEWASH_HOME", None)
    _prefect(env, "work-pool", "create", "pagewash", "--type", "process", "--overwrite")
    # No pool-wide limit: scheduled-ingest's own (one run, CANCEL_NEW) keeps the interval
    # test's 10 s ticks from overlapping on one warehouse, and the late-ticks test needs the
    # worker to take every late run at once, as it does after an outage.
    deployed_at = datetime.now(UTC)
    _prefect(env, "--no-prompt", "deploy", "--all")
    # prefect.yaml's deployments only: other tests serve flows on the same server
    declared = {d["name"] for d in yaml.safe_load(PREFECT_YAML.read_text())["deployments"]}
    deployments = {}
    for record in _post(
        api, "/deployments/filter", {"deployments": {"name": {"any_": [*declared]}}}
    ):
        flow = _get(api, f"/flows/{record['flow_id']}")["name"]
        deployments[f"{flow}/{record['name']}"] = record
    ingest_id = deployments["ingest/scheduled-ingest"]["id"]
    deadline = time.monotonic() + 60
    while not (cron_runs := _deployment_runs(api, ingest_id)) and time.monotonic() < deadline:
        time.sleep(1)
    # prefect.yaml's own schedules run on relative paths inside this checkout (inbox/,
    # data/warehouse): switched off, so none of their runs lands here during the tests.
    # Switching a schedule off also deletes the runs it put on the calendar.
    for record in deployments.values():
        for schedule in record["schedules"]:
            path = f"/deployments/{record['id']}/schedules/{schedule['id']}"
            _call("PATCH", api, path, {"active": False})
    time.sleep(3)  # one scheduler loop: a run it was booking as the switch flipped is gone too
    for record in deployments.values():
        for run in _deployment_runs(api, record["id"]):
            _call("DELETE", api, f"/flow_runs/{run['id']}")
    worker_log = home / "worker.log"
    with worker_log.open("wb") as log:
        worker = subprocess.Popen(
            [PREFECT, "worker", "start", "--pool", "pagewash"],
            env={**env, "PREFECT_WORKER_QUERY_SECONDS": "2"},
            cwd=home,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    try:
        yield Deployed(api, env, deployed_at, deployments, cron_runs, worker_log)
    finally:
        worker.send_signal(signal.SIGTERM)
        try:
            worker.wait(timeout=60)
        except subprocess.TimeoutExpired:
            worker.kill()
            worker.wait()


@pytest.fixture(scope="module")
def ingest_run(deployed, tmp_path_factory) -> TriggeredRun:
    """`ingest/scheduled-ingest` triggered over samples/ into a fresh warehouse, Completed."""
    warehouse = tmp_path_factory.mktemp("deployed") / "wh"
    return _trigger(
        deployed,
        "ingest/scheduled-ingest",
        source=str(SAMPLES),
        warehouse=str(warehouse),
    )


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


def test_triggered_deployment_runs_on_a_worker_and_fills_the_warehouse(deployed, ingest_run):
    rows = run_query(Layout.at(ingest_run.warehouse), "SELECT files_seen, ingested FROM loads")
    assert rows.rows == [(14, 14)]
    body = {"artifacts": {"flow_run_id": {"any_": [ingest_run.id]}}}
    keys = {a["key"] for a in _post(deployed.api, "/artifacts/filter", body)}
    assert {"ingest-summary", "lines-removed"} <= keys


def _chromium() -> str:
    found = os.environ.get("CHROMIUM") or shutil.which("chromium")
    if found and os.access(found, os.X_OK):
        return found
    reason = (
        "no headless Chromium (`make test` installs Debian's chromium as root; or set CHROMIUM)"
    )
    if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
        pytest.fail(reason)  # CI must show the UI test, never skip it
    pytest.skip(reason)


def _render(url: str, screenshot: Path, expect: list[str], size: str = "1400,1000") -> str:
    """The visible text of ``url`` once headless Chromium has rendered it; a screenshot too.

    Virtual time stands still while the page's API calls are pending, so the budget counts
    only the page's own timers; a slower machine gets longer budgets until ``expect`` shows.
    """
    chromium = _chromium()
    screenshot.parent.mkdir(parents=True, exist_ok=True)
    text = ""
    for budget in (10_000, 20_000, 40_000):
        with tempfile.TemporaryDirectory() as profile:
            done = subprocess.run(
                [
                    chromium,
                    *CHROMIUM_FLAGS,
                    f"--user-data-dir={profile}",
                    f"--window-size={size}",
                    f"--virtual-time-budget={budget}",
                    f"--screenshot={screenshot}",
                    "--dump-dom",
                    url,
                ],
                capture_output=True,
                text=True,
                timeout=180,
            )
        assert done.returncode == 0, done.stderr[-3000:]
        body = BeautifulSoup(done.stdout, "html.parser").body  # not <title>: what is shown
        text = " ".join(body.get_text(" ").split()) if body else ""
        if all(item in text for item in expect):
            break
    print(f"screenshot of {url}: {screenshot}")
    return text


def _ui(deployed: Deployed) -> str:
    return deployed.api.removesuffix("/api")


def test_ui_run_page_shows_the_completed_run_and_its_summary_artifact(deployed, ingest_run):
    url = f"{_ui(deployed)}/v2/runs/flow-run/{ingest_run.id}?tab=Artifacts"
    shown = [ingest_run.name, "Completed", "scheduled-ingest", "ingest-summary", "lines-removed"]
    text = _render(url, TEST_OUTPUT / "ui-flow-run.png", shown)
    for item in shown:
        assert item in text, f"{item!r} not on {url}: {text[:2000]}"


def test_ui_artifact_page_shows_the_ingest_summary_of_the_load(deployed, ingest_run):
    body = {
        "artifacts": {
            "flow_run_id": {"any_": [ingest_run.id]},
            "key": {"any_": ["ingest-summary"]},
        }
    }
    [artifact] = _post(deployed.api, "/artifacts/filter", body)
    [(load_id,)] = run_query(Layout.at(ingest_run.warehouse), "SELECT load_id FROM loads").rows
    url = f"{_ui(deployed)}/v2/artifacts/artifact/{artifact['id']}"
    shown = [f"pagewash load {load_id}", "files seen", "Lines removed by label", ingest_run.name]
    text = _render(url, TEST_OUTPUT / "ui-ingest-summary.png", shown, size="1400,1400")
    for item in shown:
        assert item in text, f"{item!r} not on {url}: {text[:2000]}"


def test_maintenance_deployment_runs_on_the_warehouse_the_deployed_ingest_filled(
    deployed, ingest_run
):
    layout = Layout.at(ingest_run.warehouse)
    articles = "SELECT doc_id, title, body FROM articles ORDER BY doc_id"
    before = run_query(layout, articles).rows
    run = _trigger(deployed, "maintain/scheduled-maintenance", warehouse=str(ingest_run.warehouse))
    body = {"artifacts": {"flow_run_id": {"any_": [run.id]}}}
    keys = {a["key"] for a in _post(deployed.api, "/artifacts/filter", body)}
    assert "maintenance-summary" in keys
    # maintenance rewrites files, never content: the same articles and the one load after it
    assert run_query(layout, articles).rows == before
    assert run_query(layout, "SELECT files_seen, ingested FROM loads").rows == [(14, 14)]


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
    [schedule] = _post(deployed.api, f"/deployments/{record['id']}/schedules", body)
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
        # off again: it also deletes the ticks still on the calendar
        path = f"/deployments/{record['id']}/schedules/{schedule['id']}"
        _call("PATCH", deployed.api, path, {"active": False})
    loads = run_query(Layout.at(warehouse), "SELECT count(*), sum(ingested) FROM loads").rows
    assert loads[0][0] >= 2 and loads[0][1] == total
    ticks = [
        run
        for run in _deployment_runs(deployed.api, record["id"])
        if run["parameters"].get("source") == str(inbox) and run["state"]["type"] != "SCHEDULED"
    ]
    assert all(run["auto_scheduled"] for run in ticks)
    failed = [run["state"] for run in ticks if run["state"]["type"] in ("FAILED", "CRASHED")]
    assert not failed


def test_deployments_run_from_the_checkout_they_were_deployed_from(deployed):
    """`deploy --all` records this checkout's path (resolved at deploy time, no variable);
    the triggered runs above ran from it on a worker started in another folder."""
    for record in deployed.deployments.values():
        [step] = record["pull_steps"]
        assert step == {"prefect.deployments.steps.set_working_directory": {"directory": str(REPO)}}


def test_a_tick_on_a_missing_inbox_fails_with_one_line_naming_it(deployed):
    """A relative `source` resolves against the checkout; when it is missing the run ends
    Failed (not Crashed), its message and one error line naming the folder it looked for."""
    out = _prefect(
        deployed.env, "deployment", "run", "ingest/scheduled-ingest", "-p", "source=no-inbox"
    )
    run_id = re.search(r"UUID: ([0-9a-f-]{36})", out)
    assert run_id, out
    run = _wait_for_final(deployed, run_id.group(1))
    want = f"SOURCE no-inbox ({REPO / 'no-inbox'}) is not a folder"
    assert (run["state"]["type"], run["state"]["message"]) == ("FAILED", want)
    errors: list[str] = []

    def logged() -> bool:  # the run's logs reach the server in batches, after its state
        errors[:] = [m["message"] for m in _run_logs(deployed.api, run["id"]) if m["level"] >= 40]
        return bool(errors)

    assert wait_for(logged, 30), "no error line in the run's log"
    assert errors[0] == want, errors


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
    now = datetime.now(UTC)
    runs = []
    for hours in (3, 2, 1):
        due = (now - timedelta(hours=hours)).isoformat()
        body = {
            "parameters": parameters,
            "state": {"type": "SCHEDULED", "state_details": {"scheduled_time": due}},
        }
        runs.append(_post(deployed.api, f"/deployments/{record['id']}/create_flow_run", body))
    states = sorted(_wait_for_final(deployed, run["id"])["state"]["type"] for run in runs)
    assert states == ["CANCELLED", "CANCELLED", "COMPLETED"], states
    rows = run_query(Layout.at(warehouse), "SELECT files_seen, ingested FROM loads").rows
    assert rows == [(14, 14)]
