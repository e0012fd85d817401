"""The records a run's plan passes from the walk of SOURCE to the workers that clean.

A *walked file* (``WalkedFile``) is what the walk knows before reading: its place in the walk,
the path relative to SOURCE, the input format and the size and modification time as listed;
a row of the ``LISTED`` table. Discovery reads
and hashes what must be read, the plan (``work_plan``) decides, and a batch of the plan
comes back as *work items*: files with identical bytes (``SourceFile``), cleaned once.
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, fields
from typing import Any, NamedTuple

import pyarrow as pa


class WalkedFile(NamedTuple):
    """A file as the walk of SOURCE lists it, numbered in walk order (size and time None when
    unknown): one row of ``LISTED``."""

    position: int
    relative: str  # its path relative to SOURCE, POSIX separators
    format: str
    size: int | None
    mtime_ns: int | None


# Walked files as one Arrow table, so a part of the walk travels to a task whole, not as
# thousands of items.
LISTED = pa.schema(
    [
        ("position", pa.int64()),
        ("relative", pa.string()),
        ("format", pa.string()),
        ("size", pa.int64()),
        ("mtime_ns", pa.int64()),
    ]
)


def listed_table(files: Sequence[WalkedFile]) -> pa.Table:
    """``files`` as a ``LISTED`` table: a column per field.

    >>> listed_table([WalkedFile(7, "a.txt", "text", 3, None)]).to_pylist()
    [{'position': 7, 'relative': 'a.txt', 'format': 'text', 'size': 3, 'mtime_ns': None}]
    """
    return pa.table(
        {
            name: pa.array([f[i] for f in files], LISTED.field(name).type)
            for i, name in enumerate(WalkedFile._fields)
        },
        schema=LISTED,
    )


@dataclass(frozen=True, slots=True)
class SourceFile:
    """One input file: where it is, what site it belongs to, how to read it."""

    path: str
    relative: str
    site: str
    format: str
    size: int
    version: int = 1  # 1 + the versions of this path already stored
    file_size: int | None = None  # of the file on disk (a JSON Lines record: of its file)
    file_mtime_ns: int | None = None
    record: int | None = None  # line number of the page in a JSON Lines file
    offset: int | None = None  # where its line starts in the (unpacked) shard at ``path``
    length: int | None = None  # bytes of its line
    title: str | None = None  # title given by a JSON Lines record


class StoredShard(NamedTuple):
    """What the last load that read a plain JSON Lines shard saw of it: how the next run
    tells a shard that grew by appended lines (read from ``end`` on) from a rewritten one."""

    size: int  # of the file then
    end: int  # bytes up to the end of its last complete line
    lines: int  # complete lines up to ``end``
    mark: str  # ``runtime.shards.shard_mark`` of the bytes up to ``end``


@dataclass(frozen=True, slots=True)
class WorkItem:
    """Files with identical bytes: cleaned once, each file recorded in ``documents``."""

    doc_id: str
    files: tuple[SourceFile, ...]
    stored: bool


SOURCE_FILE_FIELDS = tuple(f.name for f in fields(SourceFile))


def work_items(rows: Sequence[Mapping[str, Any]]) -> list[WorkItem]:
    """The work items of a batch of the plan (one row per file, grouped by ``item_no``)."""
    items = []
    for _, group in itertools.groupby(rows, key=lambda row: row["item_no"]):
        files = list(group)
        items.append(
            WorkItem(
                files[0]["doc_id"],
                tuple(SourceFile(**{f: row[f] for f in SOURCE_FILE_FIELDS}) for row in files),
                files[0]["stored"],
            )
        )
    return items
