"""Delete this project's finished flow runs older than a retention period, with their
artifacts, through Prefect's client: months of hourly runs would otherwise keep growing the
server's database and its UI lists.

Prefect 3.8's API deletes a flow run (its task runs, states and inputs go with it) and an
artifact, but has no call that deletes logs: a deleted run's logs stay until the server's own
vacuum removes orphaned logs (README, Scheduling).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from uuid import UUID

from prefect.client.orchestration import get_client
from prefect.client.schemas.filters import (
    FlowFilter,
    FlowFilterName,
    FlowRunFilter,
    FlowRunFilterExpectedStartTime,
    FlowRunFilterId,
    FlowRunFilterState,
    FlowRunFilterStateType,
)
from prefect.client.schemas.objects import TERMINAL_STATES

# This project's flows (flows/ingest.py, flows/maintain.py); other flows on the server are
# never touched.
PROJECT_FLOWS = ("ingest", "maintain")
PAGE = 200


@dataclass(frozen=True)
class Pruned:
    """What one pruning deleted."""

    days: float
    runs: int
    artifacts: int

    def describe(self) -> str:
        if not self.days:
            return "flow runs kept (pruning off)"
        return (
            f"deleted {self.runs} flow runs of {', '.join(PROJECT_FLOWS)} finished and due over "
            f"{self.days:g} days ago, with {self.artifacts} artifacts"
        )


def prune_flow_runs(days: float, keep: UUID | None = None) -> Pruned:
    """Delete the runs of ``PROJECT_FLOWS`` in a final state (completed, failed, crashed,
    cancelled) that were due more than ``days`` ago, and their artifacts; never ``keep`` (the
    run doing this) nor a run still scheduled or running. ``days`` 0: delete nothing."""
    if not days:
        return Pruned(days, 0, 0)
    runs_filter = FlowRunFilter(
        expected_start_time=FlowRunFilterExpectedStartTime(
            before_=datetime.now(UTC) - timedelta(days=days)  # type: ignore[arg-type]
        ),  # (pydantic takes a datetime for Prefect's own DateTime type)
        state=FlowRunFilterState(type=FlowRunFilterStateType(any_=sorted(TERMINAL_STATES))),
    )
    flows = FlowFilter(name=FlowFilterName(any_=list(PROJECT_FLOWS)))
    runs = artifacts = 0
    seen: set[UUID] = set()
    with get_client(sync_client=True) as client:
        while True:  # a page at a time: deleted runs leave the next page at the front
            page = client.read_flow_runs(flow_filter=flows, flow_run_filter=runs_filter, limit=PAGE)
            todo = [run.id for run in page if run.id != keep and run.id not in seen]
            if not todo:
                return Pruned(days, runs, artifacts)
            for run_id in todo:
                seen.add(run_id)
                of_run = FlowRunFilter(id=FlowRunFilterId(any_=[run_id]))
                for artifact in client.read_artifacts(flow_run_filter=of_run):
                    client.delete_artifact(artifact.id)
                    artifacts += 1
                client.delete_flow_run(run_id)
                runs += 1
