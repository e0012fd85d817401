"""The one way pagewash opens DuckDB to work on a warehouse (in memory, capped, spilling), and
the SQL it runs there, read from ``warehouse/sql/*.sql``.

Corpus-level work (planning a run, matching duplicates, counting site evidence, sorting a
compaction) runs in DuckDB under ``MEMORY_LIMIT``; what does not fit spills to a temporary
folder in the run's staging folder (a local temporary folder for an object store), deleted
when the connection closes. The catalog's own file and the read-only connection users query
through are ``warehouse.catalog``'s.
"""

from __future__ import annotations

import re
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from importlib import resources

import duckdb

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
