"""DuckDB over the warehouse as it will be once a load in progress is published.

Rule: every view of the catalog shows the completed loads plus the load's staged rows; a
derived table the load has already staged replaces the stored one, which stays readable as
``stored_<table>``. Corpus-level work (duplicate matching, site evidence) runs here, in
DuckDB, capped in memory and spilling to disk, so it never holds the corpus in Python.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import duckdb

from warehouse.catalog import catalog_sql
from warehouse.duck import spilling_connection, table_view
from warehouse.layout import Layout
from warehouse.loads import staged_files, visible_files
from warehouse.schemas import DERIVED_TABLES


@contextmanager
def load_connection(layout: Layout, load_id: str) -> Iterator[duckdb.DuckDBPyConnection]:
    """An in-memory connection whose views show the warehouse with ``load_id``'s staged rows."""
    files = visible_files(layout)
    stored = {table: list(files[table]) for table in DERIVED_TABLES}
    for table, paths in files.items():
        staged = staged_files(layout, load_id, table)
        if table not in DERIVED_TABLES:
            paths.extend(staged)
        elif staged:
            files[table] = staged
    with spilling_connection(layout, load_id) as con:
        con.execute(catalog_sql(layout, files))
        for table, paths in stored.items():
            con.execute(table_view(layout, f"stored_{table}", paths))
        yield con
