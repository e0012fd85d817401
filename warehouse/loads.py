"""A load's life: stage its files, publish them, record it; recover from killed loads.

Rule (as dlt's ``_dlt_loads``): every row carries its ``load_id``; a load's files are written
to ``_staging/<load_id>/`` and renamed into the table folders, and only then is its row
written to ``loads``; then the catalog is rebuilt over the files of recorded loads only. A load
killed at any moment is therefore invisible, and ``recover`` deletes what it left behind.
A maintenance run commits the same way with its rows of ``maintenance``, which also name the
files it replaced: hidden from then on, deleted by the next ``recover``.
"""

from __future__ import annotations

import posixpath
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import pyarrow as pa

from warehouse.catalog import build_catalog
from warehouse.layout import (
    CATALOG_FILE,
    EMPTY_FILE,
    Layout,
    file_name,
    load_id_of,
    part_file,
)
from warehouse.parquet_files import (
    ROW_GROUP_SIZE,
    AtomicParquetWriter,
    read_columns,
    to_table,
    write_atomically,
)
from warehouse.schemas import DERIVED_TABLES, LOAD_TABLES, SCHEMAS

# A staged row group also ends at this many bytes of Arrow data (articles' bodies are large).
ROW_GROUP_BYTES = 16 * 2**20


def initialize(layout: Layout) -> None:
    """Create the folders, the zero-row file of each table and the catalog if missing."""
    layout.makedirs(layout.root)
    for table in SCHEMAS:
        empty = layout.path(table, EMPTY_FILE)
        if not layout.exists(empty):
            write_atomically(layout, to_table(table, []), empty)
    if not layout.exists(layout.catalog):
        refresh_catalog(layout)


def completed_loads(layout: Layout) -> set[str]:
    """The ids of the loads recorded in ``loads``."""
    ids: set[str] = set()
    for path in layout.files(layout.table_dir("loads")):
        ids.update(read_columns(layout, path, ["load_id"]).column("load_id").to_pylist())
    return ids


def _committed(layout: Layout) -> tuple[set[str], set[tuple[str, str]]]:
    """The ids whose files are visible (recorded loads and maintenance runs), and the
    ``(table, file name)`` of each file a recorded maintenance run replaced."""
    ids = completed_loads(layout)
    replaced: set[tuple[str, str]] = set()
    for path in layout.files(layout.table_dir("maintenance")):
        runs = read_columns(layout, path, ["load_id", "table_name", "replaced"]).to_pylist()
        ids.update(run["load_id"] for run in runs)
        replaced.update((run["table_name"], name) for run in runs for name in run["replaced"])
    return ids, replaced


def visible_files(layout: Layout) -> dict[str, list[str]]:
    """Per table, its zero-row file and the files of committed ids (loads and maintenance
    runs) that no maintenance run replaced, in id order (for a derived table, only the newest
    id's files)."""
    done, replaced = _committed(layout)
    files: dict[str, list[str]] = {}
    for table in SCHEMAS:
        owned = sorted(
            (load_id_of(path), path)
            for path in layout.files(layout.table_dir(table))
            if load_id_of(path) in done and (table, file_name(path)) not in replaced
        )
        if table in DERIVED_TABLES and owned:
            owned = [(load, path) for load, path in owned if load == owned[-1][0]]
        files[table] = [layout.path(table, EMPTY_FILE)] + [path for _, path in owned]
    return files


def refresh_catalog(layout: Layout) -> None:
    """Rebuild the catalog as a snapshot of the completed loads."""
    build_catalog(layout, visible_files(layout))


def recover(layout: Layout) -> list[str]:
    """Delete staged files and table files of loads (and maintenance runs) that never
    completed; return them. Then delete the files recorded maintenance runs replaced: only
    now, once the rebuilt catalog no longer names them, so readers holding the catalog from
    before a maintenance run keep working until the next run starts."""
    done, replaced = _committed(layout)
    superseded: list[str] = []
    removed = layout.files(layout.staging_root, "**/*.parquet*")
    layout.remove_tree(layout.staging_root)
    for path in layout.files(layout.root, f".{CATALOG_FILE}.*"):  # a catalog being rebuilt
        layout.remove_tree(path)
        removed.append(path)
    for table in SCHEMAS:
        for path in layout.files(layout.table_dir(table), "*"):
            owner, name = load_id_of(path), file_name(path)
            half_written = name.startswith(".") and name.endswith(".tmp")
            if half_written or (owner is not None and owner not in done):
                layout.remove(path)
                removed.append(path)
            elif (table, name) in replaced:
                superseded.append(path)
    refresh_catalog(layout)  # a load killed after its commit but before its catalog
    for path in superseded:
        layout.remove(path)
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
        path = posixpath.join(layout.staging_dir(load_id), table, part_file(load_id, part))
        write_atomically(layout, arrow.select(SCHEMAS[table].names).cast(SCHEMAS[table]), path)
    return int(arrow.num_rows)


class Stager:
    """A load's rows of one table for one part, staged as they come in: held as Arrow and
    written a row group at a time (``ROW_GROUP_SIZE`` rows or ``ROW_GROUP_BYTES``), so the
    rows a chunk of pages adds never pile up in memory. The file appears whole at ``close``,
    and only if it holds rows (``stage``'s rule for a table that is not derived)."""

    def __init__(self, layout: Layout, load_id: str, table: str, part: str) -> None:
        assert table not in DERIVED_TABLES, "a derived table is staged whole (stage_arrow)"
        self.layout, self.table, self.rows = layout, table, 0
        self.path = posixpath.join(layout.staging_dir(load_id), table, part_file(load_id, part))
        self.pending: list[pa.Table] = []
        self.pending_rows = self.pending_bytes = 0
        self.writer: AtomicParquetWriter | None = None

    def add(self, rows: Iterable[Mapping[str, Any]]) -> None:
        self.add_arrow(to_table(self.table, rows))

    def add_arrow(self, arrow: pa.Table) -> None:
        """``add`` for rows in Arrow form (cast to the table's declared schema)."""
        if arrow.num_rows:
            schema = SCHEMAS[self.table]
            arrow = arrow.select(schema.names).cast(schema)
            self.pending.append(arrow)
            self.pending_rows += arrow.num_rows
            self.pending_bytes += arrow.nbytes
        if self.pending_rows >= ROW_GROUP_SIZE or self.pending_bytes >= ROW_GROUP_BYTES:
            self._flush()

    def _flush(self) -> None:
        if not self.pending:
            return
        if self.writer is None:
            self.writer = AtomicParquetWriter(self.layout, SCHEMAS[self.table], self.path)
        group = pa.concat_tables(self.pending)
        self.pending, self.pending_rows, self.pending_bytes = [], 0, 0
        self.writer.write(group)
        self.rows += group.num_rows

    def close(self) -> int:
        """Write what is held and put the file in place; return the rows staged."""
        self._flush()
        if self.writer is not None:
            self.writer.close()
            self.writer = None
        return self.rows

    def abort(self) -> None:
        self.pending, self.pending_rows, self.pending_bytes = [], 0, 0
        if self.writer is not None:
            self.writer.abort()
            self.writer = None


def stage_batches(
    layout: Layout, load_id: str, table: str, part: str, batches: Iterable[pa.RecordBatch]
) -> str | None:
    """``stage_arrow`` for rows that come as a stream (a DuckDB result read a batch at a
    time), written a row group at a time; return the staged file, None when no rows came."""
    stager = Stager(layout, load_id, table, part)
    try:
        for batch in batches:
            stager.add_arrow(pa.Table.from_batches([batch]))
        rows = stager.close()
    except BaseException:
        stager.abort()
        raise
    return stager.path if rows else None


def staged_files(layout: Layout, load_id: str, table: str) -> list[str]:
    """The files a load has staged so far for ``table``."""
    return layout.files(posixpath.join(layout.staging_dir(load_id), table))


def publish(layout: Layout, load_id: str, load_row: Mapping[str, Any]) -> None:
    """Move a load's staged files into place, then record the load (the commit point)."""
    commit(layout, load_id, "loads", [load_row], part="load")


def commit(
    layout: Layout,
    load_id: str,
    record_table: str,
    records: Sequence[Mapping[str, Any]],
    part: str = "record",
) -> None:
    """Move the staged files of ``load_id`` (a load or maintenance run) into place, then write
    its ``records`` to ``record_table`` (the commit point) and rebuild the catalog."""
    for table in LOAD_TABLES:
        for path in staged_files(layout, load_id, table):
            layout.move(path, layout.path(table, file_name(path)))
    record_file = layout.path(record_table, part_file(load_id, part))
    write_atomically(layout, to_table(record_table, records), record_file)
    discard_staged(layout, load_id)
    refresh_catalog(layout)
    _drop_superseded(layout)


def discard_staged(layout: Layout, load_id: str) -> None:
    """Delete what ``load_id`` staged, and the staging folder once no other load stages."""
    layout.remove_tree(layout.staging_dir(load_id))
    if not layout.files(layout.staging_root, "*"):
        layout.remove_tree(layout.staging_root)


def _drop_superseded(layout: Layout, keep: int = 2) -> None:
    """Delete derived-table files older than the ``keep`` newest loads that wrote one (the one
    before the newest stays for readers still holding the previous catalog)."""
    for table in DERIVED_TABLES:
        by_load: dict[str, list[str]] = {}
        for path in layout.files(layout.table_dir(table)):
            owner = load_id_of(path)
            if owner is not None:
                by_load.setdefault(owner, []).append(path)
        for owner in sorted(by_load)[:-keep]:
            for path in by_load[owner]:
                layout.remove(path)
