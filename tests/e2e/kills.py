"""`pagewash run` killed at many moments, then run to the end: the warehouse it leaves must
be what one clean run leaves (same rows, no duplicates, no orphaned or partial Parquet
visible to DuckDB). The test modules `test_killed_runs*.py` call it on files and shards."""

from __future__ import annotations

import random
import signal
import time
from pathlib import Path

from tests.conftest import CONTENT_QUERIES, start_run, warehouse_contents
from warehouse.layout import EMPTY_FILE, Layout, load_id_of
from warehouse.loads import completed_loads

KILLS = 12  # spread over start-up, discovery and every batch; each costs a run's start (3-4 s)


def _children(pid: int) -> set[int]:
    """The processes ``pid`` has started (Linux /proc)."""
    found: set[int] = set()
    for children in Path(f"/proc/{pid}/task").glob("*/children"):
        found.update(int(c) for c in children.read_text().split())
    return found


def _running(pid: int) -> bool:
    """Whether ``pid`` is a live process (not gone, not a zombie awaiting its reaper)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat.rpartition(")")[2].split()[0] != "Z"


def kill_runs_then_rerun(source: Path, tmp_path: Path, server_env, kills: int) -> Path:
    """The warehouse of ``kills`` runs over ``source`` killed at moments spread over a clean
    run's log, then one run to the end; checks it holds what the clean run's holds."""
    clean, killed = tmp_path / "clean", tmp_path / "killed"

    reference = start_run(source, clean, server_env)
    log = reference.communicate(timeout=600)[1].splitlines()
    assert reference.returncode == 0
    # The load commits in "publish load": kill points are spread over the log lines before
    # it (start-up, discovery, every batch), each a short random moment after its line.
    before_commit = next(i for i, line in enumerate(log) if b"publish load" in line)
    assert before_commit > 10

    rng = random.Random(20261124)
    outcomes = []
    orphans: set[int] = set()
    for i in range(kills):
        child = start_run(source, killed, server_env)
        assert child.stderr is not None
        for _ in range(i * before_commit // kills):
            child.stderr.readline()
        time.sleep(rng.uniform(0, 0.05))
        orphans.update(_children(child.pid))
        child.send_signal(signal.SIGKILL)
        outcomes.append(child.wait(timeout=60))
    assert outcomes.count(-signal.SIGKILL) >= kills - 2, outcomes  # killed before committing
    assert orphans, "no run got as far as starting its worker processes"
    deadline = time.monotonic() + 15  # the killed runs' worker processes exit too
    while (alive := {pid for pid in orphans if _running(pid)}) and (time.monotonic() < deadline):
        time.sleep(0.2)
    assert not alive, f"worker processes outlived their killed run: {sorted(alive)}"

    final = start_run(source, killed, server_env)
    _, log = final.communicate(timeout=600)
    assert final.returncode == 0, log.decode()[-2000:]

    want, got = warehouse_contents(clean), warehouse_contents(killed)
    for table in CONTENT_QUERIES:
        assert len(got[table]) == len(want[table]), table
        assert got[table] == want[table], table
    _nothing_left_over(killed)
    return clean


def _nothing_left_over(killed: Path) -> None:
    layout = Layout.at(killed)
    done = completed_loads(layout)
    for path in killed.rglob("*.parquet"):
        assert path.name == EMPTY_FILE or load_id_of(path.name) in done, path
    assert not layout.exists(layout.staging_root)
    assert not list(killed.rglob(".*.tmp"))
