"""`pagewash serve`: a scheduled ingest in one process, against a real Prefect server."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess

import pytest

from tests.conftest import PAGEWASH, SAMPLES, article_count, wait_for
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
