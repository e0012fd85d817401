"""SIGKILL `pagewash run` over generated page files at many moments; the next run must leave
exactly what one clean run leaves."""

from __future__ import annotations

import pytest

from tests.conftest import warehouse_contents, write_corpus
from tests.e2e.kills import KILLS, kill_runs_then_rerun

pytestmark = pytest.mark.slow


def test_killed_runs_then_one_rerun_equal_one_cleanstart_run(tmp_path, server_env):
    source = tmp_path / "inbox"
    write_corpus(source)
    clean = kill_runs_then_rerun(source, tmp_path, server_env, KILLS)
    want = warehouse_contents(clean)
    assert len(want["articles"]) == 720 and len(want["quarantine"]) == 1
