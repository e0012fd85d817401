"""A run's work plan, decided in DuckDB: what discovery found against what the warehouse holds.

Rules (a run's semantics, README "Loads, reruns and crashes"):

- The run starts from a snapshot of the newest stored version of every path (``_known``): the
  one the last load that read files cached for it (with the stats of files it found unchanged
  under new stats), else read from ``documents``.
- A listed file whose size and modification time equal its path's snapshot row is skipped
  unread (``to_read``, one join per part of the walk); only the rest are read and hashed.
- Discovery stages one row per file or JSON Lines record it read and hashed (``FOUND``), or
  could not read (``reason``), as Parquet parts under ``_staging/<load_id>/_found/``; no
  process holds the corpus in memory. A record's row says where its line is (``offset``,
  ``length``); what discovery saw of each shard it read to its end (``SHARDS``) is kept in
  the snapshot, so that a shard that only grew is read from where the last read ended.
- A row whose path's newest stored version has the same ``doc_id``, or whose path is already
  quarantined with the same hash (or unread, with none), is skipped. A path stored before
  with other bytes becomes its next ``version``.
- The rest are grouped by ``doc_id`` (identical bytes: one work item, cleaned once), items in
  the order of their first file, and cut into batches, one Parquet file each under
  ``_staging/<load_id>/_plan/``, which the batch tasks read wherever they run.
"""

from __future__ import annotations

import hashlib
import posixpath
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import duckdb
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from warehouse.catalog import catalog_sql
from warehouse.duck import bound, parquet_view, spilling_connection, sql_file, statements
from warehouse.layout import Layout, file_name
from warehouse.loads import stage_arrow, staged_files, visible_files
from warehouse.parquet_files import read_columns, write_atomically
from warehouse.schemas import SCHEMAS
from warehouse.work_items import StoredShard, WalkedFile, WorkItem, work_items

# The snapshot of known paths the last load left, for the next run (``remember_known``).
KNOWN_CACHE_DIR = "_cache"

FOUND = pa.schema(
    [
        ("position", pa.int64()),  # the file's place in discovery order
        ("record", pa.int64()),  # line number of a JSON Lines record, else null
        ("offset", pa.int64()),  # where a record's line starts in the (unpacked) shard at path
        ("length", pa.int64()),  # bytes of a record's line
        ("path", pa.string()),
        ("relative", pa.string()),  # the ``source`` it is stored under
        ("file", pa.string()),  # the relative path of its file (a JSON Lines file's, for a record)
        ("site", pa.string()),
        ("format", pa.string()),
        ("size", pa.int64()),  # bytes of the page
        ("file_size", pa.int64()),
        ("file_mtime_ns", pa.int64()),
        ("title", pa.string()),  # given by a JSON Lines record
        ("doc_id", pa.string()),  # null when the file could not be read
        ("reason", pa.string()),  # why not, for the quarantine table
        ("detail", pa.string()),
    ]
)

# What discovery saw of each JSON Lines shard it read to the end (``runtime.shards``): its
# stats, and for a plain shard where its complete lines end, how many, and their mark.
SHARDS = pa.schema(
    [
        ("relative", pa.string()),
        ("file_size", pa.int64()),
        ("file_mtime_ns", pa.int64()),
        ("shard_end", pa.int64()),
        ("shard_lines", pa.int64()),
        ("shard_mark", pa.string()),
    ]
)

# The snapshot of known paths: the newest stored version of each path, and what the last
# read of each JSON Lines file saw of it (``known_paths.sql``).
KNOWN = pa.schema(
    [
        ("source", pa.string()),
        ("doc_id", pa.string()),  # null for a JSON Lines file's own row
        ("version", pa.int32()),
        ("file_size", pa.int64()),
        ("file_mtime_ns", pa.int64()),
        ("shard_end", pa.int64()),
        ("shard_lines", pa.int64()),
        ("shard_mark", pa.string()),
    ]
)


@dataclass(frozen=True)
class BatchPlan:
    """What a run's plan holds: its batches of work items, and the found rows it set aside."""

    batches: int
    items: int
    skipped: int  # found rows already stored or quarantined with the same bytes
    unreadable: int  # quarantine rows staged for files that could not be read


def _folder(layout: Layout, load_id: str, name: str) -> str:
    return posixpath.join(layout.staging_dir(load_id), name)


def _known_file(layout: Layout, load_id: str) -> str:
    return _folder(layout, load_id, "_known.parquet")


def _batch_file(layout: Layout, load_id: str, batch_no: int) -> str:
    return posixpath.join(_folder(layout, load_id, "_plan"), f"{batch_no:06d}.parquet")


@contextmanager
def _connect(
    layout: Layout, load_id: str, with_catalog: bool = True
) -> Iterator[duckdb.DuckDBPyConnection]:
    """A spilling DuckDB (``duck``) with the catalog's views over completed loads, unless
    ``with_catalog`` is false."""
    with spilling_connection(layout, load_id) as con:
        if with_catalog:
            con.execute(catalog_sql(layout, visible_files(layout)))
        yield con


def _known_key(names: Iterable[str]) -> str:
    """What a snapshot of known paths is valid for: the names of the ``documents`` files it
    was made from (written once, never changed: a load or compaction adds new names)."""
    # "v2": snapshots hold the shards' columns since JSON Lines shards are read in pieces
    return hashlib.sha256("\n".join(["v2", *sorted(names)]).encode()).hexdigest()[:20]


def _cached_known(layout: Layout, names: Iterable[str]) -> str:
    # not *.parquet: every Parquet file of the warehouse belongs to a load (tests check it)
    return layout.path(KNOWN_CACHE_DIR, f"known-{_known_key(names)}.pq")


def _keep_cached(layout: Layout, known: pa.Table, cached: str) -> None:
    """Keep ``known`` as the only cached snapshot (the warehouse's next state replaces it)."""
    write_atomically(layout, known, cached)
    for other in layout.files(layout.path(KNOWN_CACHE_DIR), "known-*.pq"):
        if other != cached:
            layout.remove(other)


def snapshot_known(layout: Layout, load_id: str) -> int:
    """Stage the newest stored version of every source path, for this run's lookups: a copy of
    the snapshot the last load that read files left (``remember_known``) when it was
    made from the ``documents`` files the warehouse shows now, else read from them."""
    documents = visible_files(layout)["documents"]
    cached = _cached_known(layout, map(file_name, documents))
    staged = _known_file(layout, load_id)
    layout.makedirs(posixpath.dirname(staged))
    if layout.exists(cached):
        layout.fs.copy(cached, staged)
        known = read_columns(layout, staged, ["doc_id"])
    else:
        with _connect(layout, load_id, with_catalog=False) as con:
            known = _known_paths(con, layout, documents=documents)
        write_atomically(layout, known, staged)
        _keep_cached(layout, known, cached)
    return int(known.num_rows - known.column("doc_id").null_count)  # less JSON Lines files


def remember_known(layout: Layout, load_id: str) -> None:
    """Before ``load_id`` is published: cache the snapshot of known paths as they will be
    once it is (this run's snapshot and the documents it staged, with the stats of the files
    it read), so that the next run, a no-op above all, need not read every ``documents``
    file again, nor a file whose bytes it found unchanged under new stats."""
    staged = staged_files(layout, load_id, "documents")
    found = layout.files(_folder(layout, load_id, "_found"))
    shards = layout.files(_folder(layout, load_id, "_shards"))
    if not staged and not found and not shards:  # nothing read: the snapshot stays as it is
        return
    names = [file_name(p) for p in visible_files(layout)["documents"] + staged]
    with _connect(layout, load_id, with_catalog=False) as con:
        known = _known_paths(
            con,
            layout,
            snapshot=[_known_file(layout, load_id)],
            documents=staged,
            found=found,
            shards=shards,
        )
    _keep_cached(layout, known, _cached_known(layout, names))


def _known_paths(
    con: duckdb.DuckDBPyConnection,
    layout: Layout,
    snapshot: Sequence[str] = (),
    documents: Sequence[str] = (),
    found: Sequence[str] = (),
    shards: Sequence[str] = (),
) -> pa.Table:
    """The snapshot of known paths (``KNOWN``) from the files of a last snapshot, of
    ``documents`` rows, and of what discovery found (``FOUND``, ``SHARDS``)."""
    parquet_view(con, layout, "snapshot", snapshot, KNOWN)
    parquet_view(con, layout, "documents", documents, SCHEMAS["documents"])
    parquet_view(con, layout, "found", found, FOUND)
    parquet_view(con, layout, "shards", shards, SHARDS)
    return con.sql(sql_file("known_paths.sql")).to_arrow_table()


def to_read(layout: Layout, load_id: str, listed: pa.Table) -> list[WalkedFile]:
    """The ``listed`` files (``LISTED``) that must be read: the rest have the size and
    modification time of their path's stored version."""
    if not listed.num_rows:
        return []
    bounds = pc.min_max(listed["relative"])
    with _connect(layout, load_id, with_catalog=False) as con:
        con.register("listed", listed)
        params = {
            "known": layout.sql_path(_known_file(layout, load_id)),
            "first": bounds["min"].as_py(),
            "last": bounds["max"].as_py(),
        }
        rows = con.execute(sql_file("files_to_read.sql"), params).fetchall()
        return [WalkedFile(*row) for row in rows]


def stored_shards(layout: Layout, load_id: str, names: Sequence[str]) -> dict[str, StoredShard]:
    """Where the last read of each of the plain JSON Lines shards ``names`` ended, if known."""
    if not names:
        return {}
    with _connect(layout, load_id, with_catalog=False) as con:
        known = layout.sql_path(_known_file(layout, load_id))
        rows = con.execute(
            sql_file("stored_shards.sql"), {"known": known, "names": list(names)}
        ).fetchall()
    return {row[0]: StoredShard(*row[1:]) for row in rows}


def stage_shards(layout: Layout, load_id: str, part: str, shards: Sequence[Any]) -> None:
    """Stage what discovery saw of the shards (``SHARDS``) it read to the end in one part."""
    if shards:
        path = posixpath.join(_folder(layout, load_id, "_shards"), f"{part}.parquet")
        rows = [
            {
                "relative": s.relative,
                "file_size": s.file_size,
                "file_mtime_ns": s.file_mtime_ns,
                "shard_end": s.end,
                "shard_lines": s.lines,
                "shard_mark": s.mark,
            }
            for s in shards
        ]
        write_atomically(layout, pa.Table.from_pylist(rows, schema=SHARDS), path)


def stage_found(layout: Layout, load_id: str, part: str, rows: Sequence[Mapping[str, Any]]) -> None:
    """Stage discovery's rows (``FOUND``) for one part of the walk."""
    if rows:
        path = posixpath.join(_folder(layout, load_id, "_found"), f"{part}.parquet")
        write_atomically(layout, pa.Table.from_pylist(list(rows), schema=FOUND), path)


def discard_found(layout: Layout, load_id: str, parts: Iterable[str]) -> None:
    """Withdraw parts ``stage_found`` staged (the records of a shard found damaged after)."""
    for part in parts:
        layout.remove(posixpath.join(_folder(layout, load_id, "_found"), f"{part}.parquet"))


def _counts(con: duckdb.DuckDBPyConnection) -> tuple[int, int]:
    """Found rows skipped, and work items."""
    [(skipped, items)] = con.execute(sql_file("plan_counts.sql")).fetchall()
    return int(skipped), int(items)


def plan_batches(
    layout: Layout, load_id: str, at: datetime, batch_size: int, max_batches: int
) -> BatchPlan:
    """Decide every found row, write the batches of work items and stage the quarantine rows
    of unreadable files. Batches hold ``batch_size`` items, more when that would make more
    than ``max_batches`` (each batch is one Prefect task run)."""
    found = layout.files(_folder(layout, load_id, "_found"))
    if not found:
        return BatchPlan(0, 0, 0, 0)
    files = {
        "found": [layout.sql_path(p) for p in found],
        "known": layout.sql_path(_known_file(layout, load_id)),
    }
    with _connect(layout, load_id) as con:
        for statement in statements("plan_decided.sql"):
            con.execute(statement, bound(statement, files))
        skipped, n_items = _counts(con)
        size = max(batch_size, -(-n_items // max_batches))
        unreadable = con.sql(
            sql_file("plan_unreadable.sql"), params={"at": at, "load_id": load_id}
        ).to_arrow_table()
        stage_arrow(layout, load_id, "quarantine", "unreadable", unreadable)
        con.execute(sql_file("plan_batches.sql"), {"size": size})
        batches = -(-n_items // size)
        for batch_no in range(1, batches + 1):
            rows = con.sql(
                sql_file("plan_batch.sql"), params={"batch_no": batch_no}
            ).to_arrow_table()
            write_atomically(layout, rows, _batch_file(layout, load_id, batch_no))
    return BatchPlan(batches, n_items, skipped, int(unreadable.num_rows))


def batch_items(layout: Layout, load_id: str, batch_no: int) -> list[WorkItem]:
    """The work items of one batch of the plan, in order."""
    path = _batch_file(layout, load_id, batch_no)
    table = pq.read_table(path, filesystem=None if layout.is_local else layout.fs)
    return work_items(table.to_pylist())
