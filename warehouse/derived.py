"""Rebuild the derived tables from all history, as a maintenance run does.

Rule: ``duplicates`` is rebuilt from every stored body pair and current article, then the
site evidence (``site_boilerplate``, ``refined_bodies``) from every site's current articles,
by the code a load runs (``warehouse.dedup``, ``warehouse.site_evidence``). Each rebuild is
kept, under the maintenance run's id, only when its rows differ from the stored table's
(``load_id`` aside): a healthy warehouse is left exactly as it was, a stale or damaged table
is repaired. Articles stored before paragraphs were kept get theirs.
"""

from __future__ import annotations

import pyarrow.parquet as pq

from warehouse import dedup, site_evidence
from warehouse.duck import column_list, spilling_connection, sql_file
from warehouse.layout import EMPTY_FILE, Layout, file_name
from warehouse.loads import staged_files, visible_files
from warehouse.maintenance import Rewrite
from warehouse.schemas import DERIVED_TABLES, SCHEMAS


def refresh_derived(layout: Layout, run_id: str) -> list[Rewrite]:
    """Stage each derived table rebuilt under ``run_id`` where it differs from the stored one,
    and the paragraphs of articles that have none yet; return those rewrites (nothing is left
    staged for a table that is up to date).

    Call it before staging anything else under ``run_id``: the rebuilds read a run's staged
    tables as the rows it adds."""
    dedup.find_duplicates(layout, run_id)
    site_evidence.find_site_boilerplate(layout, run_id, every_site=True)
    stored = visible_files(layout)
    rewrites = []
    for table in sorted(DERIVED_TABLES):
        rebuilt = staged_files(layout, run_id, table)
        if not _differ(layout, run_id, table, stored[table], rebuilt):
            for path in rebuilt:
                layout.remove(path)
            continue
        # the newest id's file is the derived table's: the older one is hidden, not replaced
        rewrites.append(_rewrite(layout, table, stored[table], rebuilt))
    if backfilled := staged_files(layout, run_id, "paragraphs"):
        rewrites.append(_rewrite(layout, "paragraphs", [], backfilled))
    return rewrites


def _differ(layout: Layout, run_id: str, table: str, stored: list[str], rebuilt: list[str]) -> bool:
    sql = sql_file("derived_changed_rows.sql").format(
        columns=column_list(name for name in SCHEMAS[table].names if name != "load_id")
    )
    files = {
        "stored": [layout.sql_path(path) for path in stored],
        "rebuilt": [layout.sql_path(path) for path in rebuilt],
    }
    with spilling_connection(layout, run_id) as con:
        row = con.execute(sql, files).fetchone()
    return bool(row and row[0])


def _rewrite(layout: Layout, table: str, stored: list[str], rebuilt: list[str]) -> Rewrite:
    stored_data = [path for path in stored if file_name(path) != EMPTY_FILE]
    fs = None if layout.is_local else layout.fs
    return Rewrite(
        table_name=table,
        action="refresh",
        replaced=(),
        files_before=len(stored_data),
        files_after=len(rebuilt),
        rows=sum(pq.read_metadata(path, filesystem=fs).num_rows for path in rebuilt),
        bytes_before=sum(layout.fs.size(path) for path in stored_data),
        bytes_after=sum(layout.fs.size(path) for path in rebuilt),
    )
