"""The ``pagewash.duckdb`` catalog: views over the Parquet files, and read-only access to it.

Rule: the catalog is a snapshot. Its views name the exact Parquet files of the loads that were
complete when it was built (no globs), so every table read through one catalog, within one
query or across several, shows the same set of loads. It is rebuilt in a temporary file and
renamed into place after each load, so a reader that has the old one open is never disturbed
and never sees a half-built one.
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from importlib import resources
from pathlib import Path

import duckdb

from warehouse.layout import Layout

CATALOG_SQL = resources.files("warehouse").joinpath("catalog.sql").read_text(encoding="utf-8")


def sql_string(value: str) -> str:
    """``value`` as a SQL string literal (single quotes doubled).

    >>> sql_string("/data/o'brien")
    "'/data/o''brien'"
    """
    return "'" + value.replace("'", "''") + "'"


TABLE_VIEW = (
    "CREATE OR REPLACE VIEW {name} AS SELECT * FROM read_parquet({files}, union_by_name = true);"
)


def parquet_list(paths: Sequence[Path]) -> str:
    """``paths`` as a SQL list of string literals, for ``read_parquet``.

    >>> parquet_list([Path("/w/a.parquet"), Path("/w/b.parquet")])
    "['/w/a.parquet', '/w/b.parquet']"
    """
    return "[" + ", ".join(sql_string(str(p)) for p in paths) + "]"


# Stored tables whose view of every row has another name (catalog.sql defines the plain name).
STORED_VIEW_NAMES = {"articles": "article_versions"}


def catalog_sql(files: Mapping[str, Sequence[Path]]) -> str:
    """The catalog's DDL: a view per table over exactly ``files[table]``, then derived views."""
    statements = [
        TABLE_VIEW.format(
            name=f'"{STORED_VIEW_NAMES.get(table, table)}"',
            files=parquet_list(paths),
        )
        for table, paths in files.items()
    ]
    return "\n".join(statements) + "\n" + CATALOG_SQL


def build_catalog(layout: Layout, files: Mapping[str, Sequence[Path]]) -> None:
    """(Re)create the catalog file atomically with views over ``files`` (one list per table)."""
    tmp = layout.root / f".{layout.catalog.name}.{os.getpid()}.tmp"
    tmp.unlink(missing_ok=True)
    try:
        with duckdb.connect(str(tmp)) as con:
            con.execute(catalog_sql(files))
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
