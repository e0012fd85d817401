"""Find the input files under SOURCE as a stream, hash them, and stage what the run's plan
(``warehouse.work_plan``) decides from."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pyarrow as pa

from runtime.readers import ReadProblem, read_input
from runtime.sources import Source
from transforms.jsonl_records import BrokenLine, parse_jsonl
from transforms.keys import doc_id
from transforms.records import Rejection
from transforms.sites import site_for
from warehouse import work_plan
from warehouse.layout import Layout
from warehouse.work_items import WalkedFile, listed_table

Row = dict[str, Any]


@dataclass(frozen=True)
class WalkPart:
    """Consecutive candidate files of the walk, numbered from ``first``, as one ``LISTED``
    Arrow table, which Prefect and Dask pass to a task whole instead of walking thousands of
    items."""

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
        yield WalkPart(number, first, listed_table(batch, first))
        first += len(batch)


def _row(**fields: Any) -> Row:
    return {name: fields.get(name) for name in work_plan.FOUND.names}


def _rejected(rejection: Rejection, where: Row) -> Row:
    """The found row of a file (or record) that cannot be read, and why."""
    return _row(**where, reason=rejection.reason, detail=rejection.detail)


def _probe(source: Source, file: WalkedFile, max_bytes: int) -> list[Row]:
    """The found rows of one file (one per JSON Lines record)."""
    relative = file.relative
    where: Row = {
        "position": file.position,
        "path": relative,
        "relative": relative,
        "file": relative,
    }
    site = site_for(relative, source.name)
    try:
        found = source.locate(relative, (file.size, file.mtime_ns))
        where["path"] = found.path
        raw = read_input(found.path, max_bytes)
    except ReadProblem as problem:
        return [_rejected(problem.rejection, where)]
    except OSError as err:
        return [_rejected(Rejection("unreadable", err.strerror or str(err)), where)]
    file_info = {"file_size": found.size, "file_mtime_ns": found.mtime_ns}
    if file.format != "jsonl":
        return [
            _row(
                **where,
                site=site,
                format=file.format,
                size=len(raw),
                doc_id=doc_id(raw),
                **file_info,
            )
        ]
    rows = []
    for record in parse_jsonl(raw):
        if isinstance(record, BrokenLine):
            at = {**where, "relative": f"{relative}#L{record.key}", "record": record.key}
            rows.append(_rejected(record, at))
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
    chunk: list[WalkedFile],
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
