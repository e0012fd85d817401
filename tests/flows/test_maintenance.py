"""The maintain flow: compaction keeps every row, crashes at any step leave the warehouse as it
was, readers never fail, and a warehouse with nothing to do is left alone."""

from __future__ import annotations

import os
import random
import shutil
import signal
import subprocess
import threading
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import duckdb
import httpx
import pyarrow.parquet as pq
import pytest

from benchmarks.synthetic_pages import generate_corpus
from flows.ingest import ingest
from flows.maintain import maintain
from runtime.settings import DEFAULT_MIN_SMALL_FILES
from tests.conftest import PAGEWASH
from warehouse import compaction, loads
from warehouse.catalog import connect_read_only
from warehouse.compaction import SORT_KEYS, CompactionRule
from warehouse.layout import EMPTY_FILE, Layout, file_name, load_id_of, new_load_id
from warehouse.maintenance import commit_maintenance
from warehouse.query import run_query
from warehouse.schemas import DERIVED_TABLES, LOAD_TABLES, SCHEMAS

# Every stored table and view, whole (load_id included).
RELATIONS = sorted(
    {"article_versions", "current_documents", "unique_articles", "headlines"}
    | (set(SCHEMAS) - {"maintenance"})
)
LOADS = 3
KILLS = 8
SMALL = {"min_small_files": 2}  # compact as soon as a table has two small files


def _write_pages(folder: Path, load_no: int) -> None:
    """The pages of incremental load ``load_no``: every site gets a few new pages, and the
    last load brings a copy of a page of the first on a site of its own."""
    pages = generate_corpus(n_sites=4, pages_per_site=5 * LOADS, seed=7)
    for i, page in enumerate(pages):
        if i % LOADS == load_no:
            path = folder / page.site / page.name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(page.text, encoding="utf-8")
    if load_no == LOADS - 1:
        (folder / "syndicated").mkdir()
        copy = pages[0].text + "\nSyndicated from another site.\n"
        (folder / "syndicated" / pages[0].name).write_text(copy, encoding="utf-8")


def _contents(layout: Layout) -> dict[str, list[tuple]]:
    return {
        name: run_query(layout, f'SELECT * FROM "{name}" ORDER BY ALL').rows for name in RELATIONS
    }


def _catalog_files(layout: Layout) -> dict[str, int]:
    """Per table, the data files the catalog names."""
    return {
        table: sum(file_name(p) != EMPTY_FILE for p in paths)
        for table, paths in loads.visible_files(layout).items()
    }


def _no_leftovers(layout: Layout) -> None:
    """No staged, temporary or replaced file remains: only the files the catalog names (and a
    derived table's previous file, kept for readers of the previous catalog)."""
    assert not Path(layout.staging_root).exists()
    assert not list(Path(layout.root).rglob(".*.tmp"))
    named = {p for paths in loads.visible_files(layout).values() for p in paths}
    for path in Path(layout.root).rglob("*.parquet"):
        assert str(path) in named or path.parent.name in DERIVED_TABLES, path


@pytest.fixture(scope="module")
def incremental(tmp_path_factory, prefect_harness) -> Path:
    """A warehouse of three incremental loads in batches of 5 pages: 4 small files per load in
    most tables. Tests copy it (``_copy``) rather than change it."""
    root = tmp_path_factory.mktemp("incremental")
    for load_no in range(LOADS):
        _write_pages(root / "inbox", load_no)
        ingest(str(root / "inbox"), str(root / "wh"), batch_size=5)
    return root


def _summary_artifact(flow_run_id) -> str:
    """The markdown of the ``maintenance-summary`` artifact of a flow run."""
    import asyncio

    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import ArtifactFilter, ArtifactFilterFlowRunId

    async def artifacts():
        async with get_client() as client:
            found = ArtifactFilter(flow_run_id=ArtifactFilterFlowRunId(any_=[flow_run_id]))
            return await client.read_artifacts(artifact_filter=found)

    (artifact,) = [a for a in asyncio.run(artifacts()) if a.key == "maintenance-summary"]
    return str(artifact.data)


def _copy(incremental: Path, tmp_path: Path) -> Layout:
    """A copy of the module's warehouse (the catalog rebuilt: its views name absolute paths)."""
    shutil.copytree(incremental / "wh", tmp_path / "wh")
    shutil.copytree(incremental / "inbox", tmp_path / "inbox")
    layout = Layout.at(tmp_path / "wh")
    loads.refresh_catalog(layout)
    return layout


def test_every_append_table_has_a_sort_key_and_site_comes_first_where_there_is_one():
    append_tables = set(LOAD_TABLES) - DERIVED_TABLES
    assert set(SORT_KEYS) == append_tables, "give each append table a key in SORT_KEYS"
    for table, keys in SORT_KEYS.items():
        assert set(keys) <= set(SCHEMAS[table].names)
        assert ("site" in SCHEMAS[table].names) == (keys[0] == "site"), table


NOW = datetime(2026, 12, 1, tzinfo=UTC)
TARGET = 128 * 2**20


def _documents(load_id: str, n: int, sites: int) -> list[dict]:
    return [
        {
            "doc_id": f"{load_id}-{i:07d}",
            "source": f"{i}.txt",
            "version": 1,
            "site": f"site-{(i * 7919) % sites:03d}",
            "format": "text",
            "bytes": i,
            "ingested_at": NOW,
            "load_id": load_id,
        }
        for i in range(n)
    ]


def _load_row(load_id: str) -> dict:
    return {"load_id": load_id, "source": "/in", "files_seen": 0, "lines_removed": {}}


def _row_groups_scanned(layout: Layout, sql: str) -> tuple[int, int]:
    """(row groups read, row groups in the files) for ``sql`` on the catalog, from DuckDB's
    detailed profile."""
    with duckdb.connect(layout.catalog, read_only=True) as con:
        con.execute("SET profiling_mode = 'detailed'")
        plan = con.execute(f"EXPLAIN (ANALYZE, FORMAT json) {sql}").fetchall()[0][1]
    query = __import__("json").loads(plan)["query"]
    return query["total_row_groups_scanned"], query["total_row_groups_to_scan"]


def test_compacted_file_has_full_row_groups_sorted_by_site_so_duckdb_skips_the_others(tmp_path):
    layout = Layout.at(tmp_path / "wh")
    loads.initialize(layout)
    for _ in range(5):  # 5 loads of 50,000 documents over 40 sites, each site in every load
        load_id = new_load_id()
        loads.stage(layout, load_id, "documents", "000001", _documents(load_id, 50_000, 40))
        loads.publish(layout, load_id, _load_row(load_id))
    sql = "SELECT count(*) FROM documents WHERE site = 'site-007'"
    before = _row_groups_scanned(layout, sql)

    run_id = new_load_id()
    files = compaction.stored_files(layout)["documents"]
    plan = compaction.plan_compaction("documents", files, CompactionRule(TARGET, min_files=2))
    assert plan is not None and len(plan.merged) == 5
    rewrite = compaction.compact(layout, run_id, plan)
    commit_maintenance(layout, run_id, [rewrite], datetime.now(UTC))

    (compacted,) = loads.visible_files(layout)["documents"][1:]
    meta = pq.read_metadata(compacted)
    assert [meta.row_group(i).num_rows for i in range(meta.num_row_groups)] == [100_000] * 2 + [
        50_000
    ]
    table = pq.read_table(compacted)
    assert table.schema.remove_metadata() == SCHEMAS["documents"]
    assert table.column("site").to_pylist() == sorted(table.column("site").to_pylist())
    assert run_query(layout, sql).rows == [(5 * 1250,)]
    after = _row_groups_scanned(layout, sql)
    # (read, in the files): every load's file holds every site, the empty file one group
    assert (before, after) == ((5, 6), (1, 4))


@pytest.mark.parametrize("where", ["local", "s3"])
def test_a_committed_compaction_shows_the_same_rows_and_recover_deletes_what_it_replaced(
    where, tmp_path, request
):
    location = tmp_path / "wh" if where == "local" else request.getfixturevalue("s3_url")
    layout = Layout.at(location)
    loads.initialize(layout)
    for _ in range(3):
        load_id = new_load_id()
        loads.stage(layout, load_id, "documents", "000001", _documents(load_id, 1000, 7))
        loads.publish(layout, load_id, _load_row(load_id))
    sql = "SELECT * FROM documents ORDER BY ALL"
    want = run_query(layout, sql).rows

    run_id = new_load_id()
    files = compaction.stored_files(layout)["documents"]
    plan = compaction.plan_compaction("documents", files, CompactionRule(TARGET, min_files=3))
    assert plan is not None
    commit_maintenance(layout, run_id, [compaction.compact(layout, run_id, plan)], NOW)

    assert run_query(layout, sql).rows == want
    assert [load_id_of(p) for p in loads.visible_files(layout)["documents"][1:]] == [run_id]
    assert all(layout.exists(f.path) for f in plan.merged)  # for readers of the old catalog
    loads.recover(layout)
    assert not any(layout.exists(f.path) for f in plan.merged)
    assert run_query(layout, sql).rows == want


@pytest.mark.slow
def test_compaction_keeps_every_row_of_every_table_with_fewer_files(incremental, tmp_path):
    layout = _copy(incremental, tmp_path)
    before, files_before = _contents(layout), _catalog_files(layout)
    assert files_before["lines"] >= LOADS * 4

    state = maintain(str(layout.root), **SMALL, return_state=True)
    summary = state.result()

    assert summary.committed
    assert _contents(layout) == before
    markdown = _summary_artifact(state.state_details.flow_run_id)
    lines = next(t for t in summary.tables if t.table == "lines")
    assert f"| lines | compact | {files_before['lines']} | 1 | {lines.rows} |" in markdown
    files_after = _catalog_files(layout)
    for table in SORT_KEYS:
        assert files_after[table] == min(1, files_before[table]), table
    assert files_after["loads"] == files_before["loads"]  # commit records are not compacted
    compacted = run_query(layout, "SELECT table_name FROM maintenance WHERE action = 'compact'")
    assert {row[0] for row in compacted.rows} == {t for t in SORT_KEYS if files_before[t] > 1}
    # duplicates was up to date: not rewritten, so it still carries the last load's id
    assert not run_query(layout, "SELECT * FROM maintenance WHERE action = 'refresh'").rows


@pytest.mark.slow
def test_a_second_maintain_changes_nothing_and_deletes_the_replaced_files(incremental, tmp_path):
    layout = _copy(incremental, tmp_path)
    maintain(str(layout.root), **SMALL)
    contents, named = _contents(layout), loads.visible_files(layout)
    replaced = run_query(layout, "SELECT table_name, unnest(replaced) FROM maintenance").rows
    assert all((Path(layout.root) / table / name).exists() for table, name in replaced)

    summary = maintain(str(layout.root), **SMALL)

    assert not summary.committed
    assert "nothing to compact" in summary.verdict
    assert loads.visible_files(layout) == named
    assert _contents(layout) == contents
    assert not any((Path(layout.root) / table / name).exists() for table, name in replaced)
    _no_leftovers(layout)


@pytest.mark.slow
def test_a_reader_holding_the_catalog_from_before_keeps_working_until_the_next_run(
    incremental, tmp_path
):
    layout = _copy(incremental, tmp_path)
    sql = "SELECT count(*), count(DISTINCT load_id) FROM lines"
    with connect_read_only(layout) as old:
        want = old.execute(sql).fetchall()
        maintain(str(layout.root), **SMALL)
        assert old.execute(sql).fetchall() == want
    assert run_query(layout, sql).rows == want


@pytest.mark.slow
def test_ingest_after_compaction_skips_stored_files_and_finds_copies_of_stored_articles(
    incremental, tmp_path
):
    layout = _copy(incremental, tmp_path)
    maintain(str(layout.root), **SMALL)
    duplicates = run_query(layout, "SELECT count(*) FROM duplicates").rows[0][0]

    again = ingest(str(tmp_path / "inbox"), str(layout.root))
    assert (again.ingested, again.skipped) == (0, again.files_seen)

    original = next((tmp_path / "inbox" / "site001.example").glob("*.txt"))
    copy = tmp_path / "inbox" / "mirror-site" / original.name
    copy.parent.mkdir()
    copy.write_text(original.read_text(encoding="utf-8") + "\nShared by mirror-site.\n")
    more = ingest(str(tmp_path / "inbox"), str(layout.root))
    assert (more.ingested, more.duplicates) == (1, duplicates + 1)


@pytest.mark.slow
def test_maintain_rebuilds_a_stale_duplicates_table(incremental, tmp_path):
    layout = _copy(incremental, tmp_path)
    want = run_query(layout, "SELECT doc_id, canonical_doc_id FROM duplicates ORDER BY ALL").rows
    assert want
    stale = new_load_id()  # a load that stored an empty duplicates table
    loads.stage_arrow(layout, stale, "duplicates", "all", SCHEMAS["duplicates"].empty_table())
    loads.publish(layout, stale, _load_row(stale))
    assert not run_query(layout, "SELECT * FROM duplicates").rows

    summary = maintain(str(layout.root), min_small_files=1000)

    assert summary.committed and summary.verdict.endswith("; rebuilt: duplicates")
    got = run_query(layout, "SELECT doc_id, canonical_doc_id FROM duplicates ORDER BY ALL").rows
    assert got == want
    refreshed = run_query(layout, "SELECT action, rows FROM maintenance").rows
    assert refreshed == [("refresh", len(want))]


def _fail_on(monkeypatch, target, name: str, when=lambda *args: True) -> None:
    real = getattr(target, name)

    def failing(*args, **kwargs):
        if when(*args):
            raise OSError(f"simulated crash in {name}")
        return real(*args, **kwargs)

    monkeypatch.setattr(target, name, failing)


def _from_call(n: int):
    calls = iter(range(1, 10**9))
    return lambda *args: next(calls) >= n


def _recorded(layout: Layout):
    return lambda *args: any(Path(layout.path("maintenance")).glob("*__record.parquet"))


CRASH_POINTS = {
    # while merging the third table's files
    "compact": lambda mp, _: _fail_on(mp, compaction, "row_groups", _from_call(3)),
    # staged files moved into the table folders, not yet recorded
    "record": lambda mp, _: _fail_on(mp, loads, "to_table", lambda name, _: name == "maintenance"),
    # recorded, the catalog not yet rebuilt
    "catalog": lambda mp, layout: _fail_on(mp, loads, "build_catalog", _recorded(layout)),
}


@pytest.mark.slow
@pytest.mark.parametrize("step", sorted(CRASH_POINTS))
def test_maintain_failing_at_any_step_changes_nothing_and_the_next_run_completes_it(
    incremental, tmp_path, monkeypatch, step
):
    layout = _copy(incremental, tmp_path)
    before = _contents(layout)
    with monkeypatch.context() as patched:
        CRASH_POINTS[step](patched, layout)
        with pytest.raises(OSError, match="simulated crash"):
            maintain(str(layout.root), **SMALL)
    assert _contents(layout) == before

    maintain(str(layout.root), **SMALL)
    maintain(str(layout.root), **SMALL)  # deletes the replaced files, compacts nothing

    assert _contents(layout) == before
    assert all(n <= 1 for t, n in _catalog_files(layout).items() if t in SORT_KEYS)
    _no_leftovers(layout)


@pytest.mark.slow
def test_maintain_killed_at_any_moment_then_rerun_leaves_the_same_rows_in_fewer_files(
    incremental, tmp_path, server_env
):
    reference = _copy(incremental, tmp_path / "reference")
    layout = _copy(incremental, tmp_path / "killed")
    before, files_before = _contents(layout), _catalog_files(layout)
    compacted = {t for t in SORT_KEYS if files_before[t] >= DEFAULT_MIN_SMALL_FILES}
    assert len(compacted) >= 5

    def start(layout: Layout) -> subprocess.Popen[bytes]:
        command = [PAGEWASH, "maintain", "--warehouse", str(layout.root)]
        return subprocess.Popen(command, env=server_env, stderr=subprocess.PIPE)

    log = start(reference).communicate(timeout=600)[1].splitlines()
    commit_line = next(i for i, line in enumerate(log) if b"commit maintenance" in line)
    rng = random.Random(20261201)
    for kill in range(KILLS):
        child = start(layout)
        assert child.stderr is not None
        for _ in range((kill + 1) * commit_line // KILLS):
            child.stderr.readline()
        time.sleep(rng.uniform(0, 0.1))
        child.send_signal(signal.SIGKILL)
        child.wait(timeout=60)
        assert _contents(layout) == before
    final = start(layout)
    _, err = final.communicate(timeout=600)
    assert final.returncode == 0, err.decode()[-2000:]
    assert _contents(layout) == before
    files_after = _catalog_files(layout)
    assert all(files_after[t] == 1 for t in compacted), files_after


@pytest.mark.slow
def test_readers_during_maintenance_never_fail_and_always_see_the_same_rows(incremental, tmp_path):
    layout = _copy(incremental, tmp_path)
    sql = "SELECT " + ", ".join(f'(SELECT count(*) FROM "{t}")' for t in RELATIONS)
    want = run_query(layout, sql).rows
    seen: list[list[tuple]] = []
    errors: list[Exception] = []
    stop = threading.Event()

    def read_repeatedly() -> None:
        while not stop.is_set():
            try:
                seen.append(run_query(layout, sql).rows)
            except Exception as err:  # noqa: BLE001 - every failure is what we look for
                errors.append(err)

    reader = threading.Thread(target=read_repeatedly)
    reader.start()
    try:
        maintain(str(layout.root), **SMALL)
        maintain(str(layout.root), **SMALL)
    finally:
        stop.set()
        reader.join()
    assert not errors, errors[:3]
    assert len(seen) > 5
    assert all(rows == want for rows in seen)


def _api(method: str, api: str, path: str, body: object = None) -> Any:
    response = httpx.request(method, f"{api}{path}", json=body, timeout=30)
    response.raise_for_status()
    return response.json() if response.content else None


def _finished_run(api: str, flow: str, due: datetime, state: str = "COMPLETED") -> str:
    """A flow run of ``flow`` due at ``due`` and moved to ``state``, with one artifact."""
    flow_id = _api("POST", api, "/flows/", {"name": flow})["id"]
    scheduled = {"type": "SCHEDULED", "state_details": {"scheduled_time": due.isoformat()}}
    run_id = _api("POST", api, "/flow_runs/", {"flow_id": flow_id, "state": scheduled})["id"]
    if state != "SCHEDULED":
        body = {"state": {"type": state}, "force": True}
        _api("POST", api, f"/flow_runs/{run_id}/set_state", body)
    artifact = {"key": f"seeded-{flow}", "type": "markdown", "data": "x", "flow_run_id": run_id}
    _api("POST", api, "/artifacts/", artifact)
    return run_id


def test_maintain_prunes_this_projects_finished_runs_older_than_the_retention(
    tmp_path, prefect_server
):
    """Against a real `prefect server`: `pagewash maintain --prune-runs 30` deletes the
    ingest and maintain runs finished and due over 30 days ago with their artifacts, keeps
    newer ones, unfinished ones and other flows' runs, and says what it deleted."""
    api, now = prefect_server, datetime.now(UTC)
    old = now - timedelta(days=31)
    doomed = [
        _finished_run(api, "ingest", old),
        _finished_run(api, "ingest", old - timedelta(days=200), state="FAILED"),
        _finished_run(api, "maintain", old, state="CRASHED"),
    ]
    kept = [
        _finished_run(api, "ingest", now - timedelta(days=29)),  # within the retention
        _finished_run(api, "ingest", old, state="SCHEDULED"),  # late, not finished
        _finished_run(api, "someone-elses-flow", old),  # not this project's
    ]
    env = {**os.environ, "PREFECT_API_URL": api}
    command = [PAGEWASH, "maintain", "--warehouse", str(tmp_path / "wh"), "--prune-runs", "30"]
    done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-3000:]
    said = "deleted 3 flow runs of ingest, maintain finished and due over 30 days ago, "
    assert f"Prefect server: {said}with 3 artifacts" in done.stdout, done.stdout

    left = {run["id"] for run in _api("POST", api, "/flow_runs/filter", {"limit": 200})}
    assert not left & set(doomed)
    assert set(kept) <= left
    body = {"artifacts": {"flow_run_id": {"any_": doomed + kept}}}
    artifacts = {a["flow_run_id"] for a in _api("POST", api, "/artifacts/filter", body)}
    assert artifacts == set(kept)
    # the maintenance run itself stays, and its summary says what it deleted
    [run] = [
        r
        for r in _api("POST", api, "/flow_runs/filter", {"limit": 200})
        if r["id"] in left - set(kept) and r["parameters"].get("warehouse") == str(tmp_path / "wh")
    ]
    body = {
        "artifacts": {
            "flow_run_id": {"any_": [run["id"]]},
            "key": {"any_": ["maintenance-summary"]},
        }
    }
    [summary] = _api("POST", api, "/artifacts/filter", body)
    assert said in summary["data"]
