"""Write Parquet files so that no reader ever sees a half-written one.

Rule: write to a hidden temporary name in the target folder, fsync, then rename into place
(a rename within one file system is atomic). zstd compression and 100k-row groups suit DuckDB.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from warehouse.schemas import SCHEMAS

ROW_GROUP_SIZE = 100_000


def to_table(name: str, rows: Iterable[Mapping[str, Any]]) -> pa.Table:
    """Rows as an Arrow table of the declared schema of table ``name``."""
    return pa.Table.from_pylist(list(rows), schema=SCHEMAS[name])


def write_atomically(table: pa.Table, path: Path) -> None:
    """Write ``table`` to ``path`` through a temporary file and a rename."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp")
    pq.write_table(table, tmp, compression="zstd", row_group_size=ROW_GROUP_SIZE)
    with open(tmp, "rb") as handle:
        os.fsync(handle.fileno())
    os.replace(tmp, path)
