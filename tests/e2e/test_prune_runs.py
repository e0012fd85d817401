"""`pagewash maintain --prune-runs`: against a real `prefect server`, the project's finished
flow runs past the retention go, with their artifacts; nothing else does."""

from __future__ import annotations

import os
import subprocess
from datetime import UTC, datetime, timedelta

from tests.conftest import PAGEWASH
from tests.e2e.deployment.server_api import call as _api


def _finished_run(api: str, flow: str, due: datetime, state: str = "COMPLETED") -> str:
    """A flow run of ``flow`` due at ``due`` and moved to ``state``, with one artifact."""
    flow_id = _api("POST", api, "/flows/", {"name": flow})["id"]
    scheduled = {"type": "SCHEDULED", "state_details": {"scheduled_time": due.isoformat()}}
    run_id = _api("POST", api, "/flow_runs/", {"flow_id": flow_id, "state": scheduled})["id"]
    if state != "SCHEDULED":
        body = {"state": {"type": state}, "force": True}
        _api("POST", api, f"/flow_runs/{run_id}/set_state", body)
    artifact = {"key": f"seeded-{flow}", "type": "markdown", "data": "x", "flow_run_id": run_id}
    _api("POST", api, "/artifacts/", artifact)
    return run_id


def test_maintain_prunes_this_projects_finished_runs_older_than_the_retention(
    tmp_path, prefect_server
):
    """Against a real `prefect server`: `pagewash maintain --prune-runs 30` deletes the
    ingest and maintain runs finished and due over 30 days ago with their artifacts, keeps
    newer ones, unfinished ones and other flows' runs, and says what it deleted."""
    api, now = prefect_server, datetime.now(UTC)
    old = now - timedelta(days=31)
    doomed = [
        _finished_run(api, "ingest", old),
        _finished_run(api, "ingest", old - timedelta(days=200), state="FAILED"),
        _finished_run(api, "maintain", old, state="CRASHED"),
    ]
    kept = [
        _finished_run(api, "ingest", now - timedelta(days=29)),  # within the retention
        _finished_run(api, "ingest", old, state="SCHEDULED"),  # late, not finished
        _finished_run(api, "someone-elses-flow", old),  # not this project's
    ]
    env = {**os.environ, "PREFECT_API_URL": api}
    command = [PAGEWASH, "maintain", "--warehouse", str(tmp_path / "wh"), "--prune-runs", "30"]
    done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-3000:]
    said = "deleted 3 flow runs of ingest, maintain finished and due over 30 days ago, "
    assert f"Prefect server: {said}with 3 artifacts" in done.stdout, done.stdout

    left = {run["id"] for run in _api("POST", api, "/flow_runs/filter", {"limit": 200})}
    assert not left & set(doomed)
    assert set(kept) <= left
    body = {"artifacts": {"flow_run_id": {"any_": doomed + kept}}}
    artifacts = {a["flow_run_id"] for a in _api("POST", api, "/artifacts/filter", body)}
    assert artifacts == set(kept)
    # the maintenance run itself stays, and its summary says what it deleted
    [run] = [
        r
        for r in _api("POST", api, "/flow_runs/filter", {"limit": 200})
        if r["id"] in left - set(kept) and r["parameters"].get("warehouse") == str(tmp_path / "wh")
    ]
    body = {
        "artifacts": {
            "flow_run_id": {"any_": [run["id"]]},
            "key": {"any_": ["maintenance-summary"]},
        }
    }
    [summary] = _api("POST", api, "/artifacts/filter", body)
    assert said in summary["data"]
