"""A flow run whose process is killed is marked Crashed on the Prefect server, so it never
shows Running for ever, nor holds its deployment's concurrency slot until the slot's lease
expires (Prefect's default: 300 s).

Rule, for every ``ingest`` run (``watch_this_run``):

- A run that `pagewash serve` started is a process of its own that ends with the serve
  process, however that ends (``runtime.lifeline``); before it exits, it marks itself Crashed.
- A run that `pagewash run` makes in its own process, against a Prefect server of the user's
  (``PREFECT_API_URL``), cannot speak once it is killed: a small watcher process started with
  it waits for the process to be gone, then marks the run Crashed unless it ended (Completed,
  Failed, ...). It asks the server with one plain HTTP call first and imports Prefect (about
  a second of CPU) only for a run that did not end.
- A run on Prefect's embedded server needs neither: that server ends with the command.

(Stopped with SIGTERM or Ctrl-C, `pagewash serve` lets its run finish and `pagewash run` ends
its own; both leave a final state.)
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from functools import partial
from uuid import UUID

import httpx

from runtime.lifeline import CHECK_SECONDS, alive, exit_with
from runtime.settings import served_by


def watch_this_run(flow_run_id: str) -> None:
    """In an ``ingest`` run: see the module's rule."""
    server = served_by()
    if server is not None and server != os.getpid():
        reason = f"the `pagewash serve` process ({server}) that started this run is gone"
        exit_with(server, partial(mark_crashed, flow_run_id, reason))
    elif os.environ.get("PREFECT_API_URL"):
        command = [sys.executable, "-m", "flows.orphan_runs", str(os.getpid()), flow_run_id]
        subprocess.Popen(
            command,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,  # a Ctrl-C meant for the command must not stop it
        )


def mark_crashed(flow_run_id: str, reason: str, *, unless_ended: bool = False) -> None:
    """Set a flow run's state to Crashed, forced (which frees its slot); with
    ``unless_ended``, only when it is not in a final state already."""
    from prefect.client.orchestration import get_client
    from prefect.states import Crashed

    with get_client(sync_client=True) as client:
        state = client.read_flow_run(UUID(flow_run_id)).state
        if unless_ended and state is not None and state.is_final():
            return
        client.set_flow_run_state(flow_run_id, Crashed(message=reason), force=True)


FINAL_STATES = frozenset({"COMPLETED", "FAILED", "CANCELLED", "CRASHED"})


def _ended(flow_run_id: str) -> bool:
    """Whether the server says the run is in a final state, by one GET to ``PREFECT_API_URL``
    (with ``PREFECT_API_KEY`` if set); False when it cannot tell."""
    key = os.environ.get("PREFECT_API_KEY")
    headers = {"Authorization": f"Bearer {key}"} if key else {}
    url = f"{os.environ['PREFECT_API_URL'].rstrip('/')}/flow_runs/{flow_run_id}"
    try:
        response = httpx.get(url, headers=headers, timeout=30)
        return response.status_code == 200 and response.json()["state"]["type"] in FINAL_STATES
    except (httpx.HTTPError, ValueError, KeyError, TypeError):
        return False


def _watch(pid: int, flow_run_id: str) -> None:
    while alive(pid):
        time.sleep(CHECK_SECONDS)
    if not _ended(flow_run_id):
        reason = f"the process ({pid}) that ran this flow run is gone"
        mark_crashed(flow_run_id, reason, unless_ended=True)


if __name__ == "__main__":
    _watch(int(sys.argv[1]), sys.argv[2])
