"""A flow run that `pagewash serve` started ends with it, however the serve process ends
(``runtime.lifeline``); before it exits, it tells the Prefect server that it crashed.

Otherwise a serve process killed mid-run (SIGKILL, an out-of-memory kill) leaves its run shown
as Running for ever, holding the deployment's one concurrency slot until the slot's lease
expires (Prefect's default: 300 s): the next `pagewash serve`'s ticks would wait for it. A
run in a final state frees its slot at once. (Stopped with SIGTERM or Ctrl-C, `pagewash serve`
lets the run finish and exits then: nothing is left running.)
"""

from __future__ import annotations

import os
from functools import partial

from prefect.client.orchestration import get_client
from prefect.runtime import flow_run
from prefect.states import Crashed

from runtime.lifeline import exit_with
from runtime.settings import served_by


def end_with_serve() -> None:
    """In a flow run that `pagewash serve` started: exit once that process is gone, this run
    marked Crashed first. Nothing in any other run."""
    server = served_by()
    if server is None or server == os.getpid():
        return
    reason = f"the `pagewash serve` process ({server}) that started this run is gone"
    exit_with(server, partial(mark_crashed, flow_run.id, reason))


def mark_crashed(flow_run_id: str, reason: str) -> None:
    """Set a flow run's state to Crashed, whatever its state now (which frees its slot)."""
    with get_client(sync_client=True) as client:
        client.set_flow_run_state(flow_run_id, Crashed(message=reason), force=True)
