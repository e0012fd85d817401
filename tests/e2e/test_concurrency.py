"""Two runs on one warehouse, and readers during a load."""

from __future__ import annotations

import os
import threading

import pytest

from tests.conftest import start_run, write_corpus
from warehouse.layout import Layout
from warehouse.lock import writer_lock
from warehouse.query import run_query

pytestmark = pytest.mark.slow


def test_run_on_a_warehouse_another_process_writes_exits_with_a_clear_message(tmp_path, server_env):
    write_corpus(tmp_path / "inbox", n_sites=1, pages_per_site=5)
    layout = Layout.at(tmp_path / "wh")
    with writer_lock(layout):
        run = start_run(tmp_path / "inbox", tmp_path / "wh", server_env)
        _, log = run.communicate(timeout=300)
    assert run.returncode == 1
    assert f"pagewash: error: another pagewash run (pid {os.getpid()})".encode() in log
    assert b"Traceback" not in log


def test_two_runs_started_together_load_everything_exactly_once(tmp_path, server_env):
    write_corpus(tmp_path / "inbox", n_sites=4, pages_per_site=50)
    runs = [start_run(tmp_path / "inbox", tmp_path / "wh", server_env) for _ in range(2)]
    logs = [run.communicate(timeout=300)[1] for run in runs]
    codes = sorted(run.returncode for run in runs)
    assert codes in ([0, 0], [0, 1]), logs
    if codes == [0, 1]:
        assert any(b"pagewash: error: another pagewash run" in log for log in logs)
    sql = "SELECT count(*), count(DISTINCT doc_id) FROM articles"
    assert run_query(Layout.at(tmp_path / "wh"), sql).rows == [(200, 200)]
    assert run_query(Layout.at(tmp_path / "wh"), "SELECT count(*) FROM documents").rows == [(200,)]


def test_readers_during_a_load_see_all_of_it_or_none_and_never_fail(tmp_path, server_env):
    write_corpus(tmp_path / "inbox", n_sites=6, pages_per_site=60)
    layout = Layout.at(tmp_path / "wh")
    seen: list[tuple[int, int]] = []
    errors: list[Exception] = []
    stop = threading.Event()

    def read_repeatedly() -> None:
        while not stop.is_set():
            try:
                rows = run_query(
                    layout,
                    "SELECT (SELECT count(*) FROM articles), (SELECT count(*) FROM documents)",
                ).rows
                seen.append(rows[0])
            except Exception as err:  # noqa: BLE001 - every failure is what we look for
                if "no warehouse" not in str(err):
                    errors.append(err)

    reader = threading.Thread(target=read_repeatedly)
    reader.start()
    try:
        run = start_run(tmp_path / "inbox", tmp_path / "wh", server_env)
        run.communicate(timeout=300)
    finally:
        stop.set()
        reader.join()
    assert run.returncode == 0
    assert not errors, errors[:3]
    assert len(seen) > 5
    assert set(seen) <= {(0, 0), (360, 360)}, sorted(set(seen))
