"""Merge the many small Parquet files incremental loads leave into few large, sorted ones.

Rules:

- A table file is *small* when its data, uncompressed, is under ``rule.target_bytes``. An
  append table (every key of ``SORT_KEYS``: the load tables but the derived ones, which each
  load rewrites whole) whose catalog names at least ``rule.min_files`` small files is
  compacted: in id order, its small files are packed into groups that close once they reach
  the target, and each group of two or more becomes one file. A merged file is thus under
  twice the target (what one sort holds) and, but for the last group, not small again, so
  no file is merged twice once it has grown and no table is ever rewritten whole.
- The merged rows are sorted by ``SORT_KEYS[table]``, ``site`` first where the table has one:
  each 100k-row group of a file then spans few sites, and DuckDB skips the others on
  ``WHERE site = ...`` by their min/max statistics. Rows are copied unchanged, ``load_id``
  included.
- DuckDB sorts one group (spilling to disk past ``duck.MEMORY_LIMIT``) and hands the rows over a
  row group at a time to a Parquet writer with the table's declared schema: memory is bounded
  by the target, whatever the table's size. (One DuckDB sort of 3 GB of 1 KB rows under a
  512 MB limit fails: a sort of wide strings does not spill enough.)
- The merged file is staged under the maintenance run's id; readers see no change until the
  run commits (``warehouse.maintenance``).
"""

from __future__ import annotations

import posixpath
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass

import duckdb
import pyarrow as pa

from warehouse.duck import column_list, spilling_connection, sql_file
from warehouse.layout import EMPTY_FILE, Layout, file_name, part_file
from warehouse.loads import visible_files
from warehouse.maintenance import Rewrite
from warehouse.parquet_files import ROW_GROUP_SIZE, read_metadata, write_stream_atomically
from warehouse.schemas import SCHEMAS

# The order of the rows of each append table once compacted.
SORT_KEYS: dict[str, tuple[str, ...]] = {
    "documents": ("site", "doc_id"),
    "articles": ("site", "doc_id"),
    "headline_mentions": ("site", "doc_id", "position"),
    "lines": ("doc_id", "line_no"),  # no site column: a page's lines together
    "paragraphs": ("site", "doc_id", "position"),
    "signatures": ("body_key", "doc_id"),
    "bands": ("body_key", "band"),  # a body's bands together: they compress better
    "final_signatures": ("body_key", "doc_id"),
    "body_pairs": ("body_key_a", "body_key_b"),
    "quarantine": ("source", "quarantined_at"),
}


@dataclass(frozen=True)
class CompactionRule:
    """When and into what a table is compacted (the defaults are in ``runtime.settings``)."""

    target_bytes: int  # a file with less data (uncompressed) is small; a merged file's size
    min_files: int  # a table is compacted once its catalog names this many small files


@dataclass(frozen=True)
class StoredFile:
    """A data file the catalog names."""

    path: str
    rows: int
    data_bytes: int  # uncompressed, from its footer
    bytes: int  # on disk


def _stored_file(layout: Layout, path: str) -> StoredFile:
    meta = read_metadata(layout, path)
    data = sum(meta.row_group(i).total_byte_size for i in range(meta.num_row_groups))
    return StoredFile(path, meta.num_rows, data, layout.fs.size(path))


def stored_files(layout: Layout) -> dict[str, tuple[StoredFile, ...]]:
    """Per append table, the data files the catalog names (not the zero-row file)."""
    visible = visible_files(layout)
    return {
        table: tuple(
            _stored_file(layout, path) for path in visible[table] if file_name(path) != EMPTY_FILE
        )
        for table in SORT_KEYS
    }


@dataclass(frozen=True)
class Compaction:
    """A table to compact: the files the catalog names, and the groups of small ones to
    merge (each into one file)."""

    table: str
    stored: tuple[StoredFile, ...]
    groups: tuple[tuple[StoredFile, ...], ...]

    @property
    def merged(self) -> tuple[StoredFile, ...]:
        return tuple(f for group in self.groups for f in group)


def plan_compaction(
    table: str, stored: Sequence[StoredFile], rule: CompactionRule
) -> Compaction | None:
    """The compaction of ``table``, or None when it has fewer than ``rule.min_files`` small
    files (or nothing but single-file groups).

    >>> files = [StoredFile(f"f{i}", 1, size, size) for i, size in enumerate([4, 5, 3, 9, 2])]
    >>> [[f.path for f in g] for g in plan_compaction("t", files, CompactionRule(8, 2)).groups]
    [['f0', 'f1'], ['f2', 'f4']]
    """
    small = [f for f in stored if f.data_bytes < rule.target_bytes]
    if len(small) < rule.min_files:
        return None
    groups: list[list[StoredFile]] = [[]]
    for f in small:
        if sum(g.data_bytes for g in groups[-1]) >= rule.target_bytes:
            groups.append([])
        groups[-1].append(f)
    merges = tuple(tuple(group) for group in groups if len(group) > 1)
    return Compaction(table, tuple(stored), merges) if merges else None


def row_groups(batches: Iterable[pa.RecordBatch], size: int) -> Iterator[pa.Table]:
    """``batches`` regrouped into tables of exactly ``size`` rows (the last: what is left).

    >>> batch = pa.record_batch({"n": list(range(5))})
    >>> [table.num_rows for table in row_groups([batch, batch, batch], 4)]
    [4, 4, 4, 3]
    """
    pending: list[pa.RecordBatch] = []
    count = 0
    for batch in batches:
        pending.append(batch)
        count += batch.num_rows
        while count >= size:
            table = pa.Table.from_batches(pending)
            yield table.slice(0, size)
            rest = table.slice(size)
            pending, count = rest.to_batches(), rest.num_rows
    if count:
        yield pa.Table.from_batches(pending)


def _merge(
    layout: Layout,
    con: duckdb.DuckDBPyConnection,
    table: str,
    group: Sequence[StoredFile],
    target: str,
) -> int:
    """Write the rows of ``group``, sorted, to ``target``; return their count."""
    schema = SCHEMAS[table]
    sql = sql_file("compaction_merge.sql").format(
        columns=column_list(schema.names), keys=column_list(SORT_KEYS[table])
    )
    files = [layout.sql_path(f.path) for f in group]
    rows = con.sql(sql, params={"files": files}).to_arrow_reader(ROW_GROUP_SIZE)
    groups = row_groups(rows, ROW_GROUP_SIZE)
    return write_stream_atomically(layout, schema, (g.cast(schema) for g in groups), target)


def compact(layout: Layout, run_id: str, plan: Compaction) -> Rewrite:
    """Stage each group of the plan as one sorted file of the maintenance run ``run_id``."""
    staged = posixpath.join(layout.staging_dir(run_id), plan.table)
    targets = [
        posixpath.join(staged, part_file(run_id, f"compacted{i:04d}"))
        for i in range(1, len(plan.groups) + 1)
    ]
    with spilling_connection(layout, run_id) as con:
        rows = sum(
            _merge(layout, con, plan.table, group, target)
            for group, target in zip(plan.groups, targets, strict=True)
        )
    return Rewrite(
        table_name=plan.table,
        action="compact",
        replaced=tuple(f.path for f in plan.merged),
        files_before=len(plan.stored),
        files_after=len(plan.stored) - len(plan.merged) + len(targets),
        rows=rows,
        bytes_before=sum(f.bytes for f in plan.merged),
        bytes_after=sum(layout.fs.size(target) for target in targets),
    )
