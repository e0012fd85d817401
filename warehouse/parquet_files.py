"""Write Parquet files so that no reader ever sees a half-written one.

Rule: on a local disk, write to a hidden temporary name in the target folder, fsync, then
rename into place (a rename within one file system is atomic). On an object store, write the
object directly: an upload becomes visible whole when it completes, never in part. zstd
compression and 100k-row groups suit DuckDB.
"""

from __future__ import annotations

import os
import posixpath
from collections.abc import Iterable, Mapping
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from warehouse.layout import Layout
from warehouse.schemas import SCHEMAS

ROW_GROUP_SIZE = 100_000


def to_table(name: str, rows: Iterable[Mapping[str, Any]]) -> pa.Table:
    """Rows as an Arrow table of the declared schema of table ``name``."""
    return pa.Table.from_pylist(list(rows), schema=SCHEMAS[name])


def write_atomically(layout: Layout, table: pa.Table, path: str) -> None:
    """Write ``table`` to ``path`` so that it appears whole or not at all."""
    write_stream_atomically(layout, table.schema, [table], path)


def write_stream_atomically(
    layout: Layout, schema: pa.Schema, tables: Iterable[pa.Table], path: str
) -> int:
    """Write ``tables`` one after another into one file at ``path`` (each in row groups of at
    most ``ROW_GROUP_SIZE`` rows), holding one at a time in memory, so that it appears whole or
    not at all; return the number of rows written."""
    with AtomicParquetWriter(layout, schema, path) as writer:
        for table in tables:
            writer.write(table)
    return writer.rows


class AtomicParquetWriter:
    """One Parquet file at ``path``, written a table at a time, that appears whole when the
    ``with`` block ends without error, and not at all otherwise (a local temporary file is
    removed; an object store's upload is not completed)."""

    def __init__(self, layout: Layout, schema: pa.Schema, path: str) -> None:
        layout.makedirs(posixpath.dirname(path))
        self.layout, self.path, self.rows = layout, path, 0
        self.target = path
        if layout.is_local:
            self.target = posixpath.join(
                posixpath.dirname(path), f".{posixpath.basename(path)}.tmp"
            )
        self.handle = layout.fs.open(self.target, "wb")
        self.writer = pq.ParquetWriter(self.handle, schema, compression="zstd")

    def write(self, table: pa.Table) -> None:
        self.writer.write_table(table, row_group_size=ROW_GROUP_SIZE)
        self.rows += table.num_rows

    def __enter__(self) -> AtomicParquetWriter:
        return self

    def __exit__(self, kind: type[BaseException] | None, *_: object) -> None:
        if kind is None:
            self.close()
        else:
            self.abort()

    def close(self) -> None:
        self.writer.close()
        if self.layout.is_local:
            self.handle.flush()
            os.fsync(self.handle.fileno())
        self.handle.close()
        if self.layout.is_local:
            os.replace(self.target, self.path)

    def abort(self) -> None:
        self.writer.close()
        if self.layout.is_local:
            self.handle.close()
            os.remove(self.target)
        else:  # an unfinished upload: discard it rather than complete it
            discard = getattr(self.handle, "discard", None)
            if discard is not None:
                discard()
            else:
                self.handle.close()


def read_columns(layout: Layout, path: str, columns: list[str]) -> pa.Table:
    """Some columns of one Parquet file of the warehouse."""
    return pq.read_table(path, columns=columns, filesystem=None if layout.is_local else layout.fs)


def read_metadata(layout: Layout, path: str) -> pq.FileMetaData:
    """The footer of one Parquet file of the warehouse: its row count and row groups."""
    return pq.read_metadata(path, filesystem=None if layout.is_local else layout.fs)
