"""prefect.yaml deployed on a real `prefect server start`, shared by this package's tests.

The pool, the deployments, the worker and one triggered ingest run are package fixtures, so
their cost (about a minute) is paid once for every test in the package's modules (which run
on one xdist worker: ``SHARED_PACKAGES`` in tests/conftest.py).
"""

from __future__ import annotations

import os
import signal
import subprocess
import time
from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
import yaml

from tests.conftest import SAMPLES
from tests.e2e.deployment.server_api import (
    PREFECT,
    PREFECT_YAML,
    Deployed,
    TriggeredRun,
    call,
    deployment_runs,
    get,
    post,
    prefect_cli,
    trigger,
)


@pytest.fixture(scope="package")
def deployed(prefect_server, tmp_path_factory) -> Iterator[Deployed]:
    """Pool, `deploy --all` and a worker on the session's server, as the README's Scheduling."""
    api = prefect_server
    home = tmp_path_factory.mktemp("worker")
    # as a user deploys it: from the checkout, with no variable naming it (PAGEWASH_HOME was
    # once needed), and the worker started elsewhere
    env = {**os.environ, "PREFECT_API_URL": api}
    env.pop("PAGEWASH_HOME", None)
    prefect_cli(env, "work-pool", "create", "pagewash", "--type", "process", "--overwrite")
    # No pool-wide limit: scheduled-ingest's own (one run, CANCEL_NEW) keeps the interval
    # test's 10 s ticks from overlapping on one warehouse, and the late-ticks test needs the
    # worker to take every late run at once, as it does after an outage.
    deployed_at = datetime.now(UTC)
    prefect_cli(env, "--no-prompt", "deploy", "--all")
    # prefect.yaml's deployments only: other tests serve flows on the same server
    declared = {d["name"] for d in yaml.safe_load(PREFECT_YAML.read_text())["deployments"]}
    deployments = {}
    for record in post(
        api, "/deployments/filter", {"deployments": {"name": {"any_": [*declared]}}}
    ):
        flow = get(api, f"/flows/{record['flow_id']}")["name"]
        deployments[f"{flow}/{record['name']}"] = record
    ingest_id = deployments["ingest/scheduled-ingest"]["id"]
    deadline = time.monotonic() + 60
    while not (cron_runs := deployment_runs(api, ingest_id)) and time.monotonic() < deadline:
        time.sleep(1)
    # prefect.yaml's own schedules run on relative paths inside this checkout (inbox/,
    # data/warehouse): switched off, so none of their runs lands here during the tests.
    # Switching a schedule off also deletes the runs it put on the calendar.
    for record in deployments.values():
        for schedule in record["schedules"]:
            path = f"/deployments/{record['id']}/schedules/{schedule['id']}"
            call("PATCH", api, path, {"active": False})
    time.sleep(3)  # one scheduler loop: a run it was booking as the switch flipped is gone too
    for record in deployments.values():
        for run in deployment_runs(api, record["id"]):
            call("DELETE", api, f"/flow_runs/{run['id']}")
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


@pytest.fixture(scope="package")
def ingest_run(deployed, tmp_path_factory) -> TriggeredRun:
    """`ingest/scheduled-ingest` triggered over samples/ into a fresh warehouse, Completed."""
    warehouse = tmp_path_factory.mktemp("deployed") / "wh"
    return trigger(
        deployed,
        "ingest/scheduled-ingest",
        source=str(SAMPLES),
        warehouse=str(warehouse),
    )
