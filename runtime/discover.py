"""Find the input files under SOURCE as a stream, hash them, and rebuild the work items the
run's plan (``warehouse.work_plan``) groups them into."""

from __future__ import annotations

import itertools
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, fields
from typing import Any

import pyarrow as pa

from runtime.readers import ReadProblem, input_format, read_input
from runtime.sources import Source
from transforms.fingerprint import doc_id
from transforms.jsonl_records import BrokenLine, parse_jsonl
from transforms.sites import site_for
from warehouse import work_plan
from warehouse.layout import Layout

Row = dict[str, Any]
Listed = tuple[int, str, int | None, int | None]  # position, relative path, size, mtime_ns


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
    title: str | None = None  # title given by a JSON Lines record


@dataclass(frozen=True, slots=True)
class WorkItem:
    """Files with identical bytes: cleaned once, each file recorded in ``documents``."""

    doc_id: str
    files: tuple[SourceFile, ...]
    stored: bool


SOURCE_FILE_FIELDS = tuple(f.name for f in fields(SourceFile))


@dataclass(frozen=True)
class WalkPart:
    """Consecutive candidate files of the walk, numbered from ``first``: their paths relative
    to SOURCE with size and modification time as listed (``work_plan.LISTED``), as one Arrow
    table, which Prefect and Dask pass to a task whole instead of walking thousands of items."""

    number: int
    first: int
    listed: pa.Table

    def __len__(self) -> int:
        return int(self.listed.num_rows)


def walk_parts(source: Source, size: int) -> Iterator[WalkPart]:
    """The candidate files under ``source``, ``size`` at a time, as the walk finds them."""
    entries = source.entries()
    first = 0
    for number in itertools.count(1):
        batch = list(itertools.islice(entries, size))
        if not batch:
            return
        relatives, _, sizes, mtimes = zip(*batch, strict=True)
        listed = pa.table(
            {
                "position": pa.array(range(first, first + len(batch)), pa.int64()),
                "relative": pa.array(relatives, pa.string()),
                "size": pa.array(sizes, pa.int64()),
                "mtime_ns": pa.array(mtimes, pa.int64()),
            },
            schema=work_plan.LISTED,
        )
        yield WalkPart(number, first, listed)
        first += len(batch)


def _row(**fields: Any) -> Row:
    return {name: fields.get(name) for name in work_plan.FOUND.names}


def _probe(source: Source, file: Listed, max_bytes: int) -> list[Row]:
    """The found rows of one file (one per JSON Lines record)."""
    position, relative, size, mtime_ns = file
    where = {"position": position, "path": relative, "relative": relative, "file": relative}
    site = site_for(relative, source.name)
    fmt = input_format(relative) or "text"
    try:
        found = source.locate(relative, (size, mtime_ns))
        where["path"] = found.path
        raw = read_input(found.path, max_bytes)
    except ReadProblem as problem:
        return [_row(**where, reason=problem.reason, detail=problem.detail)]
    except OSError as err:
        return [_row(**where, reason="unreadable", detail=err.strerror or str(err))]
    file_info = {"file_size": found.size, "file_mtime_ns": found.mtime_ns}
    if fmt != "jsonl":
        return [
            _row(**where, site=site, format=fmt, size=len(raw), doc_id=doc_id(raw), **file_info)
        ]
    rows = []
    for record in parse_jsonl(raw):
        if isinstance(record, BrokenLine):
            at = {**where, "relative": f"{relative}#L{record.key}", "record": record.key}
            rows.append(_row(**at, reason="bad_json_line", detail=record.detail))
            continue
        content = record.content.encode("utf-8")
        rows.append(
            _row(
                **{**where, "relative": f"{relative}#{record.key}"},
                record=record.line_no,
                site=record.site or site,
                format=record.format,
                size=len(content),
                title=record.title,
                doc_id=doc_id(content),
                **file_info,
            )
        )
    return rows


def discover_chunk(
    chunk: list[Listed],
    chunk_no: int,
    layout: Layout,
    load_id: str,
    part: str,
    source: Source,
    max_bytes: int,
) -> int:
    """Read and hash a chunk of files, stage their found rows; return how many files."""
    rows: list[Row] = []
    for file in chunk:
        rows.extend(_probe(source, file, max_bytes))
    work_plan.stage_found(layout, load_id, f"{part}-{chunk_no:03d}", rows)
    return len(chunk)


def work_items(rows: Sequence[Row]) -> list[WorkItem]:
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
