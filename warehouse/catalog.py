"""The ``pagewash.duckdb`` catalog: views over the Parquet files, and read-only access to it.

Rule: the catalog is a snapshot. Its views name the exact Parquet files of the loads that were
complete when it was built (no globs), so every table read through one catalog, within one
query or across several, shows the same set of loads. It is rebuilt in a temporary file and
renamed into place after each load, so a reader that has the old one open is never disturbed
and never sees a half-built one.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from importlib import resources

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


def parquet_list(paths: Sequence[str]) -> str:
    """``paths`` (as DuckDB names them: ``Layout.sql_path``) as a SQL list of string
    literals, for ``read_parquet``.

    >>> parquet_list(["/w/a.parquet", "s3://b/w/b.parquet"])
    "['/w/a.parquet', 's3://b/w/b.parquet']"
    """
    return "[" + ", ".join(sql_string(p) for p in paths) + "]"


# Stored tables whose view of every row has another name (catalog.sql defines the plain name).
STORED_VIEW_NAMES = {"articles": "article_versions", "lines": "labeled_lines"}


def catalog_sql(layout: Layout, files: Mapping[str, Sequence[str]]) -> str:
    """The catalog's DDL: a view per table over exactly ``files[table]`` (paths of the
    warehouse's file system), then derived views."""
    statements = [
        TABLE_VIEW.format(
            name=f'"{STORED_VIEW_NAMES.get(table, table)}"',
            files=parquet_list([layout.sql_path(p) for p in paths]),
        )
        for table, paths in files.items()
    ]
    return "\n".join(statements) + "\n" + CATALOG_SQL


def build_catalog(layout: Layout, files: Mapping[str, Sequence[str]]) -> None:
    """(Re)create the catalog atomically with views over ``files`` (one list per table, in
    the warehouse file system's form): built in a local temporary file, then renamed into
    place (or uploaded as one object)."""
    sql = catalog_sql(layout, files)
    folder = layout.root if layout.is_local else None
    with tempfile.TemporaryDirectory(prefix=".pagewash.duckdb.", dir=folder) as scratch:
        tmp = os.path.join(scratch, layout.catalog.rsplit("/", 1)[-1])
        with layout.attach(duckdb.connect(tmp)) as con:
            con.execute(sql)
        if layout.is_local:
            os.replace(tmp, layout.catalog)
        else:
            layout.fs.put_file(tmp, layout.catalog)


@contextmanager
def connect_read_only(layout: Layout) -> Iterator[duckdb.DuckDBPyConnection]:
    """A read-only connection to the catalog that can reach no file outside the warehouse.

    External access is off except for the warehouse folder, and the configuration is locked,
    so SQL cannot read other files, attach databases or install extensions. An object
    store's catalog is read from a local copy (a snapshot, like the local file).
    """
    with tempfile.TemporaryDirectory(prefix="pagewash-catalog-") as scratch:
        catalog = layout.catalog
        if not layout.is_local:
            catalog = os.path.join(scratch, "pagewash.duckdb")
            layout.fs.get_file(layout.catalog, catalog)
        con = layout.attach(duckdb.connect(catalog, read_only=True))
        try:
            folder = f"{layout.sql_path(layout.root)}/"
            con.execute("SET allowed_directories = $dirs", {"dirs": [folder]})
            con.execute("SET enable_external_access = false")
            con.execute("SET lock_configuration = true")
            yield con
        finally:
            con.close()
