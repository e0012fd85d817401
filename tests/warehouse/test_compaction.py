"""Compaction on staged rows, without a flow: sort keys, full row groups sorted by site, a
committed compaction that readers see as the same rows, and what recover deletes after it."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import duckdb
import pyarrow.parquet as pq
import pytest

from warehouse import compaction, loads
from warehouse.compaction import SORT_KEYS, CompactionRule
from warehouse.layout import Layout, load_id_of, new_load_id
from warehouse.maintenance import commit_maintenance
from warehouse.query import run_query
from warehouse.schemas import DERIVED_TABLES, LOAD_TABLES, SCHEMAS


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
    query = json.loads(plan)["query"]
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
