"""The ``pagewash.duckdb`` catalog: views over the Parquet files, and read-only access to it.

Rule: the catalog is a snapshot. Its views name the exact Parquet files of the loads that were
complete when it was built (no globs), so every table read through one catalog, within one
query or across several, shows the same set of loads. It is rebuilt in a temporary file and
renamed into place after each load, so a reader that has the old one open is never disturbed
and never sees a half-built one.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import tempfile
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager

import duckdb

from warehouse.duck import identifier, sql_file, sql_string, table_view
from warehouse.layout import Layout

# The DuckDB macros every query shares (paragraphs, keys, word counts), then the derived views.
CATALOG_SQL = sql_file("macros.sql") + "\n" + sql_file("catalog.sql")

# Stored tables whose view of every row has another name (catalog.sql defines the plain name).
STORED_VIEW_NAMES = {"articles": "article_versions", "lines": "labeled_lines"}


def _table_views(layout: Layout, files: Mapping[str, Sequence[str]]) -> dict[str, str]:
    """The DDL of each table's view (by view name) over exactly ``files[table]``."""
    return {
        (name := STORED_VIEW_NAMES.get(table, table)): table_view(layout, name, paths)
        for table, paths in files.items()
    }


def catalog_sql(layout: Layout, files: Mapping[str, Sequence[str]]) -> str:
    """The catalog's DDL: a view per table over exactly ``files[table]`` (paths of the
    warehouse's file system), then derived views."""
    return "\n".join(_table_views(layout, files).values()) + "\n" + CATALOG_SQL


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()[:20]


def build_catalog(layout: Layout, files: Mapping[str, Sequence[str]]) -> None:
    """(Re)create the catalog atomically with views over ``files`` (one list per table, in
    the warehouse file system's form): built in a local temporary file, then renamed into
    place (or uploaded as one object).

    Binding a view over a table's files reads every file's schema, and a derived view binds
    its tables again (a second at 200 files a table), so only what changed is redone: the
    table views whose files changed, in a copy of the catalog (the derived views read them by
    name); nothing when none did (a no-op load changes only ``loads``). A catalog made by
    other derived views, or another set of tables, is built afresh.

    Each table view's comment names the DDL it was made by: ``<derived views' digest>:<its
    own>``."""
    views = _table_views(layout, files)
    derived = _digest(CATALOG_SQL)
    wanted = {name: f"{derived}:{_digest(ddl)}" for name, ddl in views.items()}
    folder = layout.root if layout.is_local else None
    with tempfile.TemporaryDirectory(prefix=".pagewash.duckdb.", dir=folder) as scratch:
        tmp = os.path.join(scratch, layout.catalog.rsplit("/", 1)[-1])
        held = _view_comments(layout, tmp)
        if held is not None and all(held.get(name) == key for name, key in wanted.items()):
            return
        fresh = held is None or any(
            not (held.get(name) or "").startswith(f"{derived}:") for name in wanted
        )
        if fresh and os.path.exists(tmp):
            os.remove(tmp)
        changed = [
            name for name in views if fresh or held is None or held.get(name) != wanted[name]
        ]
        sql = [views[name] for name in changed]
        if fresh:
            sql.append(CATALOG_SQL)
        sql.extend(
            sql_file("comment_view.sql").format(
                name=identifier(name), comment=sql_string(wanted[name])
            )
            for name in changed
        )
        with layout.attach(duckdb.connect(tmp)) as con:
            con.execute("\n".join(sql))
        if layout.is_local:
            os.replace(tmp, layout.catalog)
        else:
            layout.fs.put_file(tmp, layout.catalog)


def _view_comments(layout: Layout, copy: str) -> dict[str, str | None] | None:
    """Copy the catalog to ``copy`` and return its views' comments (None: no catalog)."""
    if not layout.exists(layout.catalog):
        return None
    if layout.is_local:
        shutil.copyfile(layout.catalog, copy)
    else:
        layout.fs.get_file(layout.catalog, copy)
    try:
        with duckdb.connect(copy) as con:
            return dict(con.execute(sql_file("view_comments.sql")).fetchall())
    except duckdb.Error:  # not a catalog this DuckDB reads: build afresh
        return None


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
