"""prefect.yaml end to end: pool, deploy, worker, a triggered run, rows and artifacts."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from tests.conftest import REPO
from warehouse.layout import Layout
from warehouse.query import run_query

pytestmark = pytest.mark.slow

PREFECT = str(Path(sys.executable).with_name("prefect"))


def _prefect(env: dict[str, str], *args: str) -> str:
    done = subprocess.run(
        [PREFECT, *args], env=env, cwd=REPO, capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    return done.stdout


def _flow_run_state(api: str, deployment: str) -> str | None:
    runs = httpx.post(f"{api}/flow_runs/filter", json={"limit": 10}, timeout=10).json()
    names = [r["state"]["type"] for r in runs if r["deployment_id"] == deployment]
    return names[0] if names else None


def test_deployment_runs_on_a_worker_and_fills_the_warehouse(tmp_path, prefect_server):
    env = {**os.environ, "PREFECT_API_URL": prefect_server, "PAGEWASH_HOME": str(REPO)}
    _prefect(env, "work-pool", "create", "pagewash", "--type", "process", "--overwrite")
    _prefect(env, "--no-prompt", "deploy", "--all")
    worker = subprocess.Popen(
        [PREFECT, "worker", "start", "--pool", "pagewash"],
        env=env,
        cwd=tmp_path,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    warehouse = tmp_path / "wh"
    try:
        _prefect(
            env,
            "deployment",
            "run",
            "ingest/scheduled-ingest",
            "-p",
            f"source={REPO / 'samples'}",
            "-p",
            f"warehouse={warehouse}",
        )
        deployment = httpx.get(
            f"{prefect_server}/deployments/name/ingest/scheduled-ingest", timeout=10
        ).json()["id"]
        deadline = time.monotonic() + 240
        while _flow_run_state(prefect_server, deployment) != "COMPLETED":
            assert _flow_run_state(prefect_server, deployment) not in ("FAILED", "CRASHED")
            assert time.monotonic() < deadline, "the deployment's run did not complete"
            time.sleep(2)
    finally:
        worker.send_signal(signal.SIGTERM)
        worker.wait(timeout=60)
    rows = run_query(Layout.at(warehouse), "SELECT files_seen, ingested FROM loads").rows
    assert rows == [(14, 14)]
    artifacts = httpx.post(f"{prefect_server}/artifacts/filter", json={}, timeout=10).json()
    assert {"ingest-summary", "lines-removed"} <= {a["key"] for a in artifacts}
