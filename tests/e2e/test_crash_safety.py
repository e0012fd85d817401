"""SIGKILL `pagewash run` at many moments; the next run must leave exactly what one clean
run leaves: same rows, no duplicates, no orphaned or partial Parquet visible to DuckDB."""

from __future__ import annotations

import json
import os
import random
import signal
import time
from pathlib import Path

import pytest
import zstandard

from tests.conftest import (
    CONTENT_QUERIES,
    PAGEWASH,
    STOPS,
    left_behind,
    start_run,
    warehouse_contents,
    write_corpus,
)
from warehouse.layout import EMPTY_FILE, Layout, load_id_of
from warehouse.loads import completed_loads

pytestmark = pytest.mark.slow

KILLS = 20


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


def _kill_runs_then_rerun(source: Path, tmp_path: Path, server_env, kills: int) -> Path:
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


def test_killed_runs_then_one_rerun_equal_one_cleanstart_run(tmp_path, server_env):
    source = tmp_path / "inbox"
    write_corpus(source)
    clean = _kill_runs_then_rerun(source, tmp_path, server_env, KILLS)
    want = warehouse_contents(clean)
    assert len(want["articles"]) == 720 and len(want["quarantine"]) == 1


def test_runs_killed_in_the_middle_of_shards_then_one_rerun_equal_one_clean_run(
    tmp_path, server_env
):
    """The same pages as two JSON Lines shards (one plain, one zstd-packed), killed while
    their pieces are read and their records cleaned."""
    pages = tmp_path / "pages"
    write_corpus(pages)
    source = tmp_path / "shards"
    source.mkdir()
    shards = [bytearray(), bytearray()]
    for i, path in enumerate(sorted(p for p in pages.rglob("*.txt") if p.stat().st_size)):
        name = path.relative_to(pages).as_posix()
        record = {"id": name, "url": f"https://{path.parent.name}/{path.name}"}
        record["text"] = path.read_text(encoding="utf-8")
        shards[i % 2] += json.dumps(record).encode() + b"\n"
    (source / "plain.jsonl").write_bytes(shards[0])
    (source / "packed.jsonl.zst").write_bytes(zstandard.compress(bytes(shards[1])))
    clean = _kill_runs_then_rerun(source, tmp_path, server_env, KILLS // 2)
    want = warehouse_contents(clean)
    assert len(want["documents"]) == 720 and not want["quarantine"]


def _nothing_left_over(killed: Path) -> None:
    layout = Layout.at(killed)
    done = completed_loads(layout)
    for path in killed.rglob("*.parquet"):
        assert path.name == EMPTY_FILE or load_id_of(path.name) in done, path
    assert not layout.exists(layout.staging_root)
    assert not list(killed.rglob(".*.tmp"))


@pytest.fixture(scope="module")
def long_inbox(tmp_path_factory) -> Path:
    """4,501 pages: a run of about 15 s, so a stop lands in the middle of it."""
    inbox = tmp_path_factory.mktemp("long") / "inbox"
    write_corpus(inbox, n_sites=30, pages_per_site=150)
    return inbox


@pytest.fixture(scope="module")
def embedded_env(tmp_path_factory) -> dict[str, str]:
    """No PREFECT_API_URL: each `pagewash run` starts Prefect's embedded server (in its own
    PREFECT_HOME, kept warm for the next test)."""
    env = {**os.environ, "PREFECT_HOME": str(tmp_path_factory.mktemp("prefect-home"))}
    env.pop("PREFECT_API_URL", None)
    return {**env, "PAGEWASH_WORKERS": "2"}


@STOPS
def test_no_process_outlives_a_stopped_run_nor_its_embedded_server(
    tmp_path, long_inbox, embedded_env, stop
):
    """Stopped mid-run (SIGTERM, Ctrl-C or SIGKILL), `pagewash run` leaves nothing running:
    not its pool workers, and not Prefect's embedded server, which Prefect stops only on a
    normal exit (a guard process stops it, then exits too)."""
    command = [PAGEWASH, "run", str(long_inbox), "--warehouse", str(tmp_path / "wh")]
    assert left_behind(command, embedded_env, stop, spawned=2) == []
