"""A load's life: stage its files, publish them, record it; recover from killed loads.

Rule (as dlt's ``_dlt_loads``): every row carries its ``load_id``; a load's files are written
to ``_staging/<load_id>/`` and renamed into the table folders, and only then is its row
written to ``loads``; then the catalog is rebuilt over the files of recorded loads only. A load
killed at any moment is therefore invisible, and ``recover`` deletes what it left behind.
"""

from __future__ import annotations

import contextlib
import shutil
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from warehouse.catalog import build_catalog
from warehouse.layout import CATALOG_FILE, EMPTY_FILE, Layout, load_id_of, part_file
from warehouse.parquet_files import to_table, write_atomically
from warehouse.schemas import DERIVED_TABLES, LOAD_TABLES, SCHEMAS


def initialize(layout: Layout) -> None:
    """Create the folders, the zero-row file of each table and the catalog if missing."""
    layout.root.mkdir(parents=True, exist_ok=True)
    for table in SCHEMAS:
        empty = layout.table_dir(table) / EMPTY_FILE
        if not empty.exists():
            write_atomically(to_table(table, []), empty)
    if not layout.catalog.exists():
        refresh_catalog(layout)


def completed_loads(layout: Layout) -> set[str]:
    """The ids of the loads recorded in ``loads``."""
    ids: set[str] = set()
    for path in layout.table_dir("loads").glob("*.parquet"):
        ids.update(pq.read_table(path, columns=["load_id"]).column("load_id").to_pylist())
    return ids


def visible_files(layout: Layout) -> dict[str, list[Path]]:
    """Per table, its zero-row file and the files of completed loads, in load order (for a
    derived table, only the newest completed load's files)."""
    done = completed_loads(layout)
    files: dict[str, list[Path]] = {}
    for table in SCHEMAS:
        owned = sorted(
            (load_id_of(path.name), path)
            for path in layout.table_dir(table).glob("*.parquet")
            if load_id_of(path.name) in done
        )
        if table in DERIVED_TABLES and owned:
            owned = [(load, path) for load, path in owned if load == owned[-1][0]]
        files[table] = [layout.table_dir(table) / EMPTY_FILE] + [path for _, path in owned]
    return files


def refresh_catalog(layout: Layout) -> None:
    """Rebuild the catalog as a snapshot of the completed loads."""
    build_catalog(layout, visible_files(layout))


def recover(layout: Layout) -> list[Path]:
    """Delete staged files and table files of loads that never completed; return them."""
    done = completed_loads(layout)
    removed: list[Path] = []
    if layout.staging_root.exists():
        removed.extend(sorted(layout.staging_root.rglob("*.parquet*")))
        shutil.rmtree(layout.staging_root)
    for path in sorted(layout.root.glob(f".{CATALOG_FILE}.*")):  # a catalog being rebuilt
        path.unlink()
        removed.append(path)
    for table in SCHEMAS:
        for path in layout.table_dir(table).iterdir():
            owner = load_id_of(path.name)
            half_written = path.name.startswith(".") and path.name.endswith(".tmp")
            if half_written or (owner is not None and owner not in done):
                path.unlink()
                removed.append(path)
    refresh_catalog(layout)  # a load killed after its commit but before its catalog
    return removed


def stage(
    layout: Layout, load_id: str, table: str, part: str, rows: Iterable[Mapping[str, Any]]
) -> int:
    """Write one part of a load's rows for ``table`` to the staging folder; return the count."""
    return stage_arrow(layout, load_id, table, part, to_table(table, rows))


def stage_arrow(layout: Layout, load_id: str, table: str, part: str, arrow: pa.Table) -> int:
    """``stage`` for rows already in Arrow form (cast to the table's declared schema). A derived
    table is written even when empty: it replaces the previous load's."""
    if arrow.num_rows or table in DERIVED_TABLES:
        path = layout.staging_dir(load_id) / table / part_file(load_id, part)
        write_atomically(arrow.select(SCHEMAS[table].names).cast(SCHEMAS[table]), path)
    return int(arrow.num_rows)


def staged_files(layout: Layout, load_id: str, table: str) -> list[Path]:
    """The files a load has staged so far for ``table``."""
    return sorted((layout.staging_dir(load_id) / table).glob("*.parquet"))


def publish(layout: Layout, load_id: str, load_row: Mapping[str, Any]) -> None:
    """Move a load's staged files into place, then record the load (the commit point)."""
    staged = layout.staging_dir(load_id)
    for table in LOAD_TABLES:
        folder = staged / table
        if folder.exists():
            for path in sorted(folder.glob("*.parquet")):
                path.replace(layout.table_dir(table) / path.name)
    loads_file = layout.table_dir("loads") / part_file(load_id, "load")
    write_atomically(to_table("loads", [load_row]), loads_file)
    shutil.rmtree(staged, ignore_errors=True)
    with contextlib.suppress(OSError):  # left in place while another load is staging
        layout.staging_root.rmdir()
    refresh_catalog(layout)
    _drop_superseded(layout)


def _drop_superseded(layout: Layout, keep: int = 2) -> None:
    """Delete derived-table files older than the ``keep`` newest loads that wrote one (the one
    before the newest stays for readers still holding the previous catalog)."""
    for table in DERIVED_TABLES:
        by_load: dict[str, list[Path]] = {}
        for path in layout.table_dir(table).glob("*.parquet"):
            owner = load_id_of(path.name)
            if owner is not None:
                by_load.setdefault(owner, []).append(path)
        for owner in sorted(by_load)[:-keep]:
            for path in by_load[owner]:
                path.unlink(missing_ok=True)
