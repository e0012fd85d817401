"""`pagewash serve`: a scheduled ingest in one process, against a real Prefect server."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess

import pytest

from tests.conftest import (
    PAGEWASH,
    SAMPLES,
    STOPS,
    article_count,
    left_behind,
    wait_for,
    write_corpus,
)
from warehouse.layout import Layout
from warehouse.query import run_query

pytestmark = pytest.mark.slow


def test_served_schedule_picks_up_files_dropped_into_the_inbox(tmp_path, prefect_server):
    inbox, warehouse = tmp_path / "inbox", tmp_path / "wh"
    shutil.copytree(SAMPLES / "orchard-notes", inbox / "orchard-notes")
    command = [PAGEWASH, "serve", str(inbox), "--warehouse", str(warehouse), "--every", "3"]
    env = {**os.environ, "PREFECT_API_URL": prefect_server}
    served = subprocess.Popen(
        command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    try:
        assert wait_for(lambda: article_count(warehouse) == 3, 120), "first tick never loaded"
        shutil.copytree(SAMPLES / "harbor-gazette", inbox / "harbor-gazette")
        total = 3 + len(list((SAMPLES / "harbor-gazette").iterdir()))
        assert wait_for(lambda: article_count(warehouse) == total, 120), "new files never picked up"
        # queries keep working while the schedule keeps running
        assert run_query(
            Layout.at(warehouse), "SELECT count(DISTINCT site) FROM articles"
        ).rows == [(2,)]
    finally:
        served.send_signal(signal.SIGTERM)
        try:
            served.wait(timeout=60)
        except subprocess.TimeoutExpired:
            served.kill()
    loads = run_query(Layout.at(warehouse), "SELECT count(*), sum(ingested) FROM loads").rows
    assert loads[0][0] >= 2 and loads[0][1] == total


@STOPS
def test_no_process_outlives_a_stopped_serve(tmp_path, prefect_server, stop):
    """Stopped mid-run (SIGTERM, Ctrl-C or SIGKILL), `pagewash serve` leaves no flow-run
    process, pool worker or resource tracker behind: each is gone within 5 s."""
    inbox = tmp_path / "inbox"
    # 4,501 pages: a run of about 15 s, which an orphaned flow-run process would finish
    write_corpus(inbox, n_sites=30, pages_per_site=150)
    command = [PAGEWASH, "serve", str(inbox), "--warehouse", str(tmp_path / "wh"), "--every", "3"]
    env = {**os.environ, "PREFECT_API_URL": prefect_server, "PAGEWASH_WORKERS": "2"}
    # Prefect's runner spawns the flow-run process with multiprocessing; it spawns 2 workers
    assert left_behind(command, env, stop, spawned=3) == []
