"""A flow run whose process is killed is marked Crashed on the Prefect server, so it never
shows Running for ever, nor holds its deployment's concurrency slot until the slot's lease
expires (Prefect's default: 300 s).

Rule, for every ``ingest`` run (``watch_this_run``):

- A run that `pagewash serve` started is a process of its own that ends with the serve
  process, however that ends (``runtime.lifeline``); before it exits, it marks itself Crashed.
- A run that `pagewash run` makes in its own process, against a Prefect server of the user's
  (``PREFECT_API_URL``), cannot speak once it is killed: a small watcher process started with
  it waits for the process to be gone, then marks the run Crashed unless it ended (Completed,
  Failed, ...). It speaks to the server's REST API with plain HTTP calls: importing Prefect
  would cost it about a second of CPU.
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

import httpx

from runtime.lifeline import CHECK_SECONDS, alive, exit_with
from runtime.settings import served_by


def watch_this_run(flow_run_id: str) -> None:
    """In an ``ingest`` run: see the module's rule."""
    server = served_by()
    if server is not None and server != os.getpid():
        # this run's server, however it is set (imported here: the watcher must not import Prefect)
        from prefect.settings import PREFECT_API_URL

        reason = f"the `pagewash serve` process ({server}) that started this run is gone"
        api = str(PREFECT_API_URL.value())
        exit_with(server, partial(mark_crashed, api, flow_run_id, reason))
    elif os.environ.get("PREFECT_API_URL"):
        command = [sys.executable, "-m", "flows.orphan_runs", str(os.getpid()), flow_run_id]
        subprocess.Popen(
            command,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,  # a Ctrl-C meant for the command must not stop it
        )


FINAL_STATES = frozenset({"COMPLETED", "FAILED", "CANCELLED", "CRASHED"})


def _headers() -> dict[str, str]:
    key = os.environ.get("PREFECT_API_KEY")
    return {"Authorization": f"Bearer {key}"} if key else {}


def mark_crashed(api: str, flow_run_id: str, reason: str) -> None:
    """Set a flow run's state to Crashed on the Prefect server at ``api``, forced (which frees
    its slot), by one call to its REST API."""
    body = {"state": {"type": "CRASHED", "name": "Crashed", "message": reason}, "force": True}
    url = f"{api.rstrip('/')}/flow_runs/{flow_run_id}/set_state"
    httpx.post(url, json=body, headers=_headers(), timeout=30).raise_for_status()


def _ended(api: str, flow_run_id: str) -> bool:
    """Whether the server says the run is in a final state (False when it cannot tell)."""
    url = f"{api.rstrip('/')}/flow_runs/{flow_run_id}"
    try:
        response = httpx.get(url, headers=_headers(), timeout=30)
        return response.status_code == 200 and response.json()["state"]["type"] in FINAL_STATES
    except (httpx.HTTPError, ValueError, KeyError, TypeError):
        return False


def _watch(pid: int, flow_run_id: str) -> None:
    while alive(pid):
        time.sleep(CHECK_SECONDS)
    api = os.environ["PREFECT_API_URL"]
    if not _ended(api, flow_run_id):
        mark_crashed(api, flow_run_id, f"the process ({pid}) that ran this flow run is gone")


if __name__ == "__main__":
    _watch(int(sys.argv[1]), sys.argv[2])
