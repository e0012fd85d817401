"""The ``pagewash.duckdb`` catalog: views over the Parquet files, and read-only access to it.

Rule: the catalog is rebuilt in a temporary file and renamed into place, so a reader that has
the old one open is never disturbed and never sees a half-built one.
"""

from __future__ import annotations

import os
from importlib import resources

import duckdb

from warehouse.layout import Layout
from warehouse.schemas import LOAD_TABLES

CATALOG_SQL = resources.files("warehouse").joinpath("catalog.sql").read_text(encoding="utf-8")


def sql_string(value: str) -> str:
    """``value`` as a SQL string literal (single quotes doubled).

    >>> sql_string("/data/o'brien")
    "'/data/o''brien'"
    """
    return "'" + value.replace("'", "''") + "'"


LOADS_VIEW = (
    "CREATE OR REPLACE VIEW loads AS SELECT * FROM read_parquet({files}, union_by_name = true);"
)
# Rows are visible only once their load is recorded in `loads`, which a load writes last.
LOAD_TABLE_VIEW = (
    "CREATE OR REPLACE VIEW {name} AS SELECT * FROM read_parquet({files}, union_by_name = true) "
    "WHERE load_id IN (SELECT load_id FROM loads);"
)


def _files(layout: Layout, table: str) -> str:
    return sql_string(str(layout.table_dir(table) / "*.parquet"))


def catalog_sql(layout: Layout) -> str:
    """The catalog's DDL for this warehouse folder: table views, then derived views."""
    statements = [LOADS_VIEW.format(files=_files(layout, "loads"))]
    statements += [
        LOAD_TABLE_VIEW.format(name=f'"{table}"', files=_files(layout, table))
        for table in LOAD_TABLES
    ]
    return "\n".join(statements) + "\n" + CATALOG_SQL


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
    """A read-only connection to the catalog that can reach no file outside the warehouse.

    External access is off except for the warehouse folder, and the configuration is locked,
    so SQL cannot read other files, attach databases or install extensions.
    """
    con = duckdb.connect(str(layout.catalog), read_only=True)
    con.execute("SET allowed_directories = $dirs", {"dirs": [f"{layout.root}/"]})
    con.execute("SET enable_external_access = false")
    con.execute("SET lock_configuration = true")
    return con
