"""Rebuild the derived tables from all history, as a maintenance run does.

Rule: ``duplicates`` is rebuilt from every stored body pair and current article by the code a
load runs (``warehouse.dedup``). The rebuild is kept, under the maintenance run's id, only
when its rows differ from the stored table's (``load_id`` aside): a healthy warehouse is left
exactly as it was, a stale or damaged table is repaired.
"""

from __future__ import annotations

import duckdb

from warehouse import dedup
from warehouse.catalog import parquet_list
from warehouse.compaction import column_list
from warehouse.layout import EMPTY_FILE, Layout, file_name
from warehouse.loads import staged_files, visible_files
from warehouse.maintenance import Rewrite
from warehouse.schemas import SCHEMAS

CHANGED_ROWS_SQL = """
WITH stored AS (SELECT {columns} FROM read_parquet({stored}, union_by_name = true)),
rebuilt AS (SELECT {columns} FROM read_parquet({rebuilt}))
SELECT count(*) FROM (
    (SELECT * FROM stored EXCEPT ALL SELECT * FROM rebuilt)
    UNION ALL
    (SELECT * FROM rebuilt EXCEPT ALL SELECT * FROM stored)
)
"""


def refresh_duplicates(layout: Layout, run_id: str) -> Rewrite | None:
    """Stage ``duplicates`` rebuilt under ``run_id`` if it differs from the stored table, and
    return that rewrite; return None (staging nothing) when the stored table is up to date.

    Call it before staging anything else under ``run_id``: ``dedup.find_duplicates`` reads a
    run's staged tables as the rows it adds."""
    counts = dedup.find_duplicates(layout, run_id)
    rebuilt = staged_files(layout, run_id, "duplicates")
    stored = visible_files(layout)["duplicates"]
    sql = CHANGED_ROWS_SQL.format(
        columns=column_list(name for name in SCHEMAS["duplicates"].names if name != "load_id"),
        stored=parquet_list([layout.sql_path(path) for path in stored]),
        rebuilt=parquet_list([layout.sql_path(path) for path in rebuilt]),
    )
    with duckdb.connect() as con:
        row = layout.attach(con).execute(sql).fetchone()
    if not row or not row[0]:
        for path in rebuilt:
            layout.remove(path)
        return None
    stored_data = [path for path in stored if file_name(path) != EMPTY_FILE]
    return Rewrite(
        table_name="duplicates",
        action="refresh",
        replaced=(),  # the newest id's file is the derived table's: the older one is hidden
        files_before=len(stored_data),
        files_after=len(rebuilt),
        rows=counts.duplicates,
        bytes_before=sum(layout.fs.size(path) for path in stored_data),
        bytes_after=sum(layout.fs.size(path) for path in rebuilt),
    )
