"""The one way pagewash opens DuckDB to work on a warehouse (in memory, capped, spilling), and
the SQL it runs there, read from ``warehouse/sql/*.sql``: values are bound as ``$name``
parameters; what DuckDB cannot bind (a view's files, a column's name) fills a ``{name}``
placeholder as a quoted literal or identifier made here.

Corpus-level work (planning a run, matching duplicates, counting site evidence, sorting a
compaction) runs in DuckDB under ``MEMORY_LIMIT``; what does not fit spills to a temporary
folder in the run's staging folder (a local temporary folder for an object store), deleted
when the connection closes. The catalog's own file and the read-only connection users query
through are ``warehouse.catalog``'s.
"""

from __future__ import annotations

import functools
import re
import tempfile
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from importlib import resources

import duckdb
import pyarrow as pa

from warehouse.layout import Layout

# DuckDB's share of memory; joins and sorts larger than this spill to disk. 1 GB took a
# 200,000-page run's flow and workers past 1.5 GB together; a compaction sorts at most twice
# the target file size (``DEFAULT_TARGET_FILE_MB``, 128) under it.
MEMORY_LIMIT = "512MB"


@contextmanager
def spilling_connection(layout: Layout, run_id: str) -> Iterator[duckdb.DuckDBPyConnection]:
    """An in-memory DuckDB that reads the warehouse's files (``Layout.attach``) and spills
    to the staging folder of the load or maintenance run ``run_id``."""
    spill_root = layout.staging_dir(run_id) if layout.is_local else None
    if spill_root:
        layout.makedirs(spill_root)
    with tempfile.TemporaryDirectory(prefix="duckdb_tmp", dir=spill_root) as spill:
        con = duckdb.connect(config={"memory_limit": MEMORY_LIMIT, "temp_directory": spill})
        try:
            yield layout.attach(con)
        finally:
            con.close()


@functools.cache
def sql_file(name: str) -> str:
    """The text of ``warehouse/sql/<name>`` (package data: found in an installed package)."""
    return resources.files("warehouse").joinpath("sql", name).read_text(encoding="utf-8")


def statements(name: str) -> list[str]:
    """The statements of ``warehouse/sql/<name>``, to run one at a time (each ends in ``;``
    at the end of a line; a leading comment stays with the statement after it)."""
    parts = re.split(r";[ \t]*\n", sql_file(name))
    return [part.strip() for part in parts if _code(part)]


def _code(sql: str) -> bool:
    return any(line.strip() and not line.strip().startswith("--") for line in sql.splitlines())


def bound(sql: str, params: Mapping[str, object]) -> dict[str, object]:
    """The parameters of ``params`` that ``sql`` names as ``$name`` (DuckDB refuses others).

    >>> bound("SELECT $load_id, $min_share", {"load_id": "l1", "load": 2, "min_share": 0.1})
    {'load_id': 'l1', 'min_share': 0.1}
    """
    return {name: v for name, v in params.items() if re.search(rf"\${re.escape(name)}\b", sql)}


def sql_string(value: str) -> str:
    """``value`` as a SQL string literal (single quotes doubled).

    >>> sql_string("/data/o'brien")
    "'/data/o''brien'"
    """
    return "'" + value.replace("'", "''") + "'"


def identifier(name: str) -> str:
    """``name`` as a quoted SQL identifier (double quotes doubled).

    >>> print(identifier('a "b" c'))
    "a ""b"" c"
    """
    return '"' + name.replace('"', '""') + '"'


def column_list(names: Iterable[str]) -> str:
    """Quoted column names for SQL.

    >>> column_list(["site", "doc_id"])
    '"site", "doc_id"'
    """
    return ", ".join(map(identifier, names))


def parquet_list(paths: Sequence[str]) -> str:
    """``paths`` (as DuckDB names them: ``Layout.sql_path``) as a SQL list of string
    literals, for ``read_parquet``.

    >>> parquet_list(["/w/a.parquet", "s3://b/w/b.parquet"])
    "['/w/a.parquet', 's3://b/w/b.parquet']"
    """
    return "[" + ", ".join(sql_string(p) for p in paths) + "]"


def table_view(layout: Layout, name: str, paths: Sequence[str]) -> str:
    """The DDL of a view ``name`` over exactly the Parquet files ``paths`` (of the
    warehouse's file system): ``table_view.sql``."""
    files = parquet_list([layout.sql_path(p) for p in paths])
    return sql_file("table_view.sql").format(name=identifier(name), files=files)


def parquet_view(
    con: duckdb.DuckDBPyConnection,
    layout: Layout,
    name: str,
    paths: Sequence[str],
    schema: pa.Schema,
) -> None:
    """Make ``name`` a view over the Parquet files ``paths``, or, when there are none, an
    empty table of ``schema`` (``read_parquet`` takes no empty list)."""
    if paths:
        con.execute(table_view(layout, name, paths))
    else:
        con.register(name, schema.empty_table())
