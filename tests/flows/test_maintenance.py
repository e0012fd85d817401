"""The maintain flow: compaction keeps every row, crashes at any step leave the warehouse as it
was, readers never fail, and a warehouse with nothing to do is left alone."""

from __future__ import annotations

import random
import shutil
import signal
import subprocess
import threading
import time
from pathlib import Path

import pytest

from benchmarks.synthetic_pages import generate_corpus
from flows.ingest import ingest
from flows.maintain import maintain
from runtime.settings import DEFAULT_MIN_SMALL_FILES
from tests.conftest import PAGEWASH
from tests.warehouse.test_compaction import _load_row
from warehouse import compaction, loads
from warehouse.catalog import connect_read_only
from warehouse.compaction import SORT_KEYS
from warehouse.layout import EMPTY_FILE, Layout, file_name, new_load_id
from warehouse.query import run_query
from warehouse.schemas import DERIVED_TABLES, SCHEMAS

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
