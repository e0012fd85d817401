"""The ``pagewash.duckdb`` catalog: views over the Parquet files, and read-only access to it.

Rule: the catalog is rebuilt in a temporary file and renamed into place, so a reader that has
the old one open is never disturbed and never sees a half-built one.
"""

from __future__ import annotations

import os
from importlib import resources

import duckdb

from warehouse.layout import Layout
from warehouse.schemas import SCHEMAS

CATALOG_SQL = resources.files("warehouse").joinpath("catalog.sql").read_text(encoding="utf-8")


def sql_string(value: str) -> str:
    """``value`` as a SQL string literal (single quotes doubled).

    >>> sql_string("/data/o'brien")
    "'/data/o''brien'"
    """
    return "'" + value.replace("'", "''") + "'"


def catalog_sql(layout: Layout) -> str:
    """The catalog's DDL for this warehouse folder."""
    globs = {
        f"{table}_files": sql_string(str(layout.table_dir(table) / "*.parquet"))
        for table in SCHEMAS
    }
    return CATALOG_SQL.format(**globs)


def build_catalog(layout: Layout) -> None:
    """(Re)create the catalog file atomically."""
    tmp = layout.root / f".{layout.catalog.name}.{os.getpid()}.tmp"
    tmp.unlink(missing_ok=True)
    try:
        with duckdb.connect(str(tmp)) as con:
            con.execute(catalog_sql(layout))
        os.replace(tmp, layout.catalog)
    finally:
        tmp.unlink(missing_ok=True)


def connect_read_only(layout: Layout) -> duckdb.DuckDBPyConnection:
    """A read-only connection to the catalog."""
    return duckdb.connect(str(layout.catalog), read_only=True)
