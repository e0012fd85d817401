"""Calls to a real Prefect server for the deployment tests: its CLI, its REST API (retried
while the server is busy) and waits on flow runs.

The records the package's fixtures hand the tests (``Deployed``, ``TriggeredRun``) are here
too, so each test module imports one place.
"""

from __future__ import annotations

import re
import subprocess
import sys
import time
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import httpx

from tests.conftest import REPO

PREFECT = str(Path(sys.executable).with_name("prefect"))
PREFECT_YAML = REPO / "prefect.yaml"


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


def prefect_cli(env: dict[str, str], *args: str) -> str:
    """`prefect ARGS` from the checkout; its output, once it exited 0."""
    done = subprocess.run(
        [PREFECT, *args], env=env, cwd=REPO, capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    return done.stdout


# Prefect's server answers 503 while its SQLite database is busy (10 s ticks, a worker and
# the tests all write to it); Prefect's own client retries those, and so do these calls.
# A call that only reads (a GET or a `/filter` query), or a write with an idempotency key, is
# also retried when the server, stalled beside other CPU-bound tests, does not answer within
# the timeout; another write is not, since it may have been made.
RETRIED_STATUSES = (429, 502, 503)
TIMEOUT_S = 60


def call(method: str, api: str, path: str, body: Any = None) -> Any:
    """One API call, retried with back-off (0.5 s to 8 s) while the server answers busy."""
    repeatable = (
        method == "GET"
        or path.endswith("/filter")
        or (isinstance(body, dict) and "idempotency_key" in body)
    )
    for attempt in range(6):
        try:
            response = httpx.request(method, f"{api}{path}", json=body, timeout=TIMEOUT_S)
        except httpx.TimeoutException:
            if not repeatable or attempt == 5:
                raise
            continue
        if response.status_code not in RETRIED_STATUSES:
            break
        time.sleep(0.5 * 2**attempt)
    response.raise_for_status()
    return response.json() if response.content else None


def get(api: str, path: str) -> Any:
    return call("GET", api, path)


def post(api: str, path: str, body: Any) -> Any:
    return call("POST", api, path, body)


def deployment_runs(api: str, deployment_id: str) -> list[dict[str, Any]]:
    body = {
        "flow_runs": {"deployment_id": {"any_": [deployment_id]}},
        "sort": "EXPECTED_START_TIME_ASC",
        "limit": 200,
    }
    return post(api, "/flow_runs/filter", body)


def wait_for_completed(deployed: Deployed, run_id: str, seconds: float = 240) -> dict[str, Any]:
    deadline = time.monotonic() + seconds
    while True:
        run = get(deployed.api, f"/flow_runs/{run_id}")
        state = run["state"]
        if state["type"] == "COMPLETED":
            return run
        log = deployed.worker_log.read_text(errors="replace")[-3000:]
        assert state["type"] not in ("FAILED", "CRASHED", "CANCELLED"), (state["message"], log)
        assert time.monotonic() < deadline, f"run still {state['name']} after {seconds} s\n{log}"
        time.sleep(2)


UNFINISHED = ("SCHEDULED", "PENDING", "RUNNING", "CANCELLING")


def wait_for_final(deployed: Deployed, run_id: str, seconds: float = 240) -> dict[str, Any]:
    deadline = time.monotonic() + seconds
    while (run := get(deployed.api, f"/flow_runs/{run_id}"))["state"]["type"] in UNFINISHED:
        assert time.monotonic() < deadline, f"run still {run['state']['name']} after {seconds} s"
        time.sleep(2)
    return run


def run_logs(api: str, run_id: str) -> list[dict[str, Any]]:
    body = {"logs": {"flow_run_id": {"any_": [run_id]}}, "sort": "TIMESTAMP_ASC"}
    return post(api, "/logs/filter", body)


def settle(deployed: Deployed, deployment_id: str, seconds: float = 240) -> None:
    """Until no run of the deployment is unfinished (and none has been for ``QUIET`` s): each
    Running one waited on, each Scheduled one cancelled.

    A schedule switched off deletes only the runs it booked for later: a tick already due
    stays Scheduled, and the worker starts it a poll later. That tick once held
    scheduled-ingest's one slot (``CANCEL_NEW``) when the next test triggered the deployment,
    whose run then landed Cancelled ('Deployment concurrency limit reached.'). A Scheduled run
    is cancelled through the server's rules, not deleted: should the worker make it Pending
    first, it holds the slot, and only a state change releases it (a deleted run keeps it for
    the lease's 300 s)."""
    deadline = time.monotonic() + seconds
    quiet_since = time.monotonic()
    while time.monotonic() - quiet_since < QUIET:
        unfinished = [
            run
            for run in deployment_runs(deployed.api, deployment_id)
            if run["state"]["type"] in UNFINISHED
        ]
        if unfinished:
            quiet_since = time.monotonic()
        for run in unfinished:
            if run["state"]["type"] == "SCHEDULED":
                cancelled = {"state": {"type": "CANCELLED", "message": "settled by the tests"}}
                post(deployed.api, f"/flow_runs/{run['id']}/set_state", cancelled)
        states = [(run["name"], run["state"]["name"]) for run in unfinished]
        assert time.monotonic() < deadline, f"runs still unfinished after {seconds} s: {states}"
        time.sleep(1)


# Two of the scheduler's 2 s loops (tests/conftest.py): a tick it was booking as its schedule
# was switched off shows up within them.
QUIET = 4


def start_run(deployed: Deployed, name: str, *parameters: str) -> str:
    """`prefect deployment run NAME -p key=value ...`, as the README does, once no other run
    of NAME is unfinished (``settle``); the run's id."""
    settle(deployed, deployed.deployments[name]["id"])
    args = [item for parameter in parameters for item in ("-p", parameter)]
    out = prefect_cli(deployed.env, "deployment", "run", name, *args)
    run_id = re.search(r"UUID: ([0-9a-f-]{36})", out)
    assert run_id, out
    return run_id.group(1)


def trigger(deployed: Deployed, name: str, **parameters: str) -> TriggeredRun:
    """``start_run`` with ``parameters``; waits for Completed."""
    run_id = start_run(deployed, name, *(f"{key}={value}" for key, value in parameters.items()))
    run = wait_for_completed(deployed, run_id)
    return TriggeredRun(run["id"], run["name"], Path(parameters.get("warehouse", "")))
