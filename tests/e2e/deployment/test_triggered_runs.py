"""Deployments triggered by hand, run by the package's worker: an ingest fills its warehouse,
a tick on a missing inbox fails with one line naming it, maintenance runs on the ingest's
warehouse, and all run from the checkout they were deployed from.

The failed run is not the worker's last: a worker stopped right after a failed run was once
seen to take its whole 60 s to stop, where it otherwise stops within seconds."""

from __future__ import annotations

import pytest

from tests.conftest import REPO, wait_for
from tests.e2e.deployment.server_api import post, run_logs, start_run, trigger, wait_for_final
from warehouse.layout import Layout
from warehouse.query import run_query

pytestmark = pytest.mark.slow


def test_triggered_deployment_runs_on_a_worker_and_fills_the_warehouse(deployed, ingest_run):
    rows = run_query(Layout.at(ingest_run.warehouse), "SELECT files_seen, ingested FROM loads")
    assert rows.rows == [(14, 14)]
    body = {"artifacts": {"flow_run_id": {"any_": [ingest_run.id]}}}
    keys = {a["key"] for a in post(deployed.api, "/artifacts/filter", body)}
    assert {"ingest-summary", "lines-removed"} <= keys


def test_a_tick_on_a_missing_inbox_fails_with_one_line_naming_it(deployed):
    """A relative `source` resolves against the checkout; when it is missing the run ends
    Failed (not Crashed), its message and one error line naming the folder it looked for."""
    run_id = start_run(deployed, "ingest/scheduled-ingest", "source=no-inbox")
    run = wait_for_final(deployed, run_id)
    want = f"SOURCE no-inbox ({REPO / 'no-inbox'}) is not a folder"
    assert (run["state"]["type"], run["state"]["message"]) == ("FAILED", want)
    errors: list[str] = []

    def logged() -> bool:  # the run's logs reach the server in batches, after its state
        errors[:] = [m["message"] for m in run_logs(deployed.api, run["id"]) if m["level"] >= 40]
        return bool(errors)

    assert wait_for(logged, 30), "no error line in the run's log"
    assert errors[0] == want, errors


def test_maintenance_deployment_runs_on_the_warehouse_the_deployed_ingest_filled(
    deployed, ingest_run
):
    layout = Layout.at(ingest_run.warehouse)
    articles = "SELECT doc_id, title, body FROM articles ORDER BY doc_id"
    before = run_query(layout, articles).rows
    run = trigger(deployed, "maintain/scheduled-maintenance", warehouse=str(ingest_run.warehouse))
    body = {"artifacts": {"flow_run_id": {"any_": [run.id]}}}
    keys = {a["key"] for a in post(deployed.api, "/artifacts/filter", body)}
    assert "maintenance-summary" in keys
    # maintenance rewrites files, never content: the same articles and the one load after it
    assert run_query(layout, articles).rows == before
    assert run_query(layout, "SELECT files_seen, ingested FROM loads").rows == [(14, 14)]


def test_deployments_run_from_the_checkout_they_were_deployed_from(deployed):
    """`deploy --all` records this checkout's path (resolved at deploy time, no variable);
    the triggered runs above ran from it on a worker started in another folder."""
    for record in deployed.deployments.values():
        [step] = record["pull_steps"]
        assert step == {"prefect.deployments.steps.set_working_directory": {"directory": str(REPO)}}
