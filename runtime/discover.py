"""Find the input files under SOURCE as a stream, hash them (a JSON Lines shard's records
piece by piece, ``runtime.shards``), and stage what the run's plan (``warehouse.work_plan``)
decides from."""

from __future__ import annotations

import itertools
import posixpath
import zlib
from collections.abc import Iterator, Mapping
from contextlib import ExitStack
from dataclasses import dataclass
from typing import Any, BinaryIO

import pyarrow as pa
from zstandard import ZstdError

from runtime.parallel import map_chunks
from runtime.readers import ReadProblem, read_input
from runtime.shards import (
    Piece,
    ScannedShard,
    cut_shard,
    damage_located,
    is_packed,
    lines,
    unpack_problem,
    unpacked,
    whole_shard,
)
from runtime.sources import Source
from transforms.jsonl_records import BrokenLine, leading_key, parse_record
from transforms.keys import doc_id
from transforms.records import Reason, Rejection
from transforms.sites import site_for
from warehouse import work_plan
from warehouse.layout import Layout
from warehouse.work_items import StoredShard, WalkedFile, listed_table

Row = dict[str, Any]
# Packed shards' lines, unpacked as discovery streams them, for the cleaning workers to read
# by offset; in the load's staging folder, so they go with it.
UNPACKED_DIR = "_unpacked"
# Found rows of a piece of a shard staged at once: a worker holds no more of them.
FOUND_ROWS_EVERY = 20_000


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
    for number in itertools.count(1):
        batch = list(itertools.islice(entries, size))
        if not batch:
            return
        yield WalkPart(number, batch[0].position, listed_table(batch))


def _row(**fields: Any) -> Row:
    return {name: fields.get(name) for name in work_plan.FOUND.names}


def _rejected(rejection: Rejection, where: Row) -> Row:
    """The found row of a file (or record) that cannot be read, and why."""
    return _row(**where, reason=rejection.reason, detail=rejection.detail)


def _probe(source: Source, file: WalkedFile, max_bytes: int) -> Row:
    """The found row of one page file."""
    relative = file.relative
    where = _where(file, relative)
    try:
        found = source.locate(relative, (file.size, file.mtime_ns))
        where["path"] = found.path
        raw = read_input(found.path, max_bytes)
    except ReadProblem as problem:
        return _rejected(problem.rejection, where)
    except OSError as err:
        return _rejected(Rejection(Reason.UNREADABLE, err.strerror or str(err)), where)
    return _row(
        **where,
        site=site_for(relative, source.name),
        format=file.format,
        size=len(raw),
        doc_id=doc_id(raw),
        file_size=found.size,
        file_mtime_ns=found.mtime_ns,
    )


def cut_shards(
    source: Source, files: list[WalkedFile], stored: Mapping[str, StoredShard]
) -> tuple[list[WalkedFile | Piece], list[ScannedShard]]:
    """The work of discovering ``files``: each page file, and each JSON Lines shard as pieces
    (``shards.cut_shard``: only its appended lines when ``stored`` says it just grew); with
    what the next run needs to know of each shard."""
    work: list[WalkedFile | Piece] = []
    scanned: list[ScannedShard] = []
    for file in files:
        if file.format != "jsonl":
            work.append(file)
            continue
        try:
            found = source.locate(file.relative, (file.size, file.mtime_ns))
            if is_packed(file.relative) or found.size is None:
                work.append(whole_shard(file, found.path, found.size, found.mtime_ns))
                scanned.append(ScannedShard(file.relative, found.size, found.mtime_ns))
                continue
            pieces, shard = cut_shard(
                file, found.path, found.size, found.mtime_ns, stored.get(file.relative)
            )
        except (ReadProblem, OSError):  # reading it in a worker says why, as for a page
            work.append(file)
            continue
        work.extend(pieces)
        scanned.append(shard)
    return work, scanned


def _where(file: WalkedFile, path: str) -> Row:
    return {
        "position": file.position,
        "path": path,
        "relative": file.relative,
        "file": file.relative,
    }


def _failed(file: WalkedFile, path: str, err: Exception) -> Row:
    """The found row of a file that could not be read (to the end), and why."""
    problem = err if isinstance(err, ReadProblem) else unpack_problem(err, file.relative)
    if problem is not None:
        return _rejected(problem.rejection, _where(file, path))
    reason = err.strerror if isinstance(err, OSError) and err.strerror else str(err)
    return _rejected(Rejection(Reason.UNREADABLE, reason), _where(file, path))


def _record_rows(
    piece: Piece, source: Source, max_bytes: int, stream: BinaryIO, spool: BinaryIO | None
) -> Iterator[Row]:
    """The found row of every record of a piece (and of every line that is not one)."""
    relative = piece.file.relative
    where: Row = {"position": piece.file.position, "file": relative}
    where |= {"file_size": piece.size, "file_mtime_ns": piece.mtime_ns}
    folder_site = site_for(relative, source.name)
    at = 0  # where lines go in ``spool``
    for line in lines(stream, piece, max_bytes):
        if line.data is None:
            key = leading_key(line.no, line.head)
            detail = f"record of {line.length:,} bytes, over the {max_bytes:,}-byte page limit"
            yield _rejected(
                Rejection(Reason.TOO_LARGE, detail),
                {**where, "path": piece.path, "relative": f"{relative}#{key}", "record": line.no},
            )
            continue
        if not line.data.strip():
            continue
        record = parse_record(line.no, line.data)
        if isinstance(record, BrokenLine):
            at_line = {**where, "path": piece.path, "relative": f"{relative}#L{record.key}"}
            yield _rejected(record, {**at_line, "record": record.key})
            continue
        offset = line.offset
        if spool is not None:
            offset, at = at, at + spool.write(line.data)
        content = record.content.encode("utf-8")
        yield _row(
            **where,
            path=piece.path if spool is None else None,
            relative=f"{relative}#{record.key}",
            record=line.no,
            offset=offset,
            length=line.length,
            site=record.site or folder_site,
            format=record.format,
            size=len(content),
            title=record.title,
            doc_id=doc_id(content),
        )


def _spool_path(layout: Layout, load_id: str, piece: Piece) -> str:
    return posixpath.join(
        layout.staging_dir(load_id), UNPACKED_DIR, f"{piece.file.position:09d}.jsonl"
    )


def _probe_piece(
    piece: Piece, source: Source, max_bytes: int, layout: Layout, load_id: str, part: str
) -> bool:
    """Stream a piece of a shard and stage the found row of each of its records; return
    whether it was read to its end (else a found row says why not)."""
    rows: list[Row] = []
    name = f"{part}-{piece.file.position:09d}-{piece.start}"
    staged = 0

    def stage() -> None:
        nonlocal rows, staged
        work_plan.stage_found(layout, load_id, f"{name}-{staged:05d}", rows)
        rows, staged = [], staged + 1

    spool_path = _spool_path(layout, load_id, piece) if piece.packed else None
    whole = True
    try:
        with unpacked(piece) as stream, ExitStack() as stack:
            spool = None
            if spool_path is not None:
                layout.makedirs(posixpath.dirname(spool_path))
                spool = stack.enter_context(layout.fs.open(spool_path, "wb"))
            url = None if spool_path is None else layout.sql_path(spool_path)
            for row in _record_rows(piece, source, max_bytes, stream, spool):
                rows.append(row if row["path"] is not None else {**row, "path": url})
                if len(rows) >= FOUND_ROWS_EVERY:  # a packed shard is one piece of any size
                    stage()
    except (ReadProblem, OSError, EOFError, zlib.error, ZstdError) as err:
        if piece.packed and not damage_located(err):  # its records may be garbage: none stay
            work_plan.discard_found(layout, load_id, [f"{name}-{n:05d}" for n in range(staged)])
            rows, staged = [], 0
        rows.append(_failed(piece.file, piece.path, err))
        whole = False
    stage()
    return whole


def discover_chunk(
    chunk: list[WalkedFile | Piece],
    chunk_no: int,
    layout: Layout,
    load_id: str,
    part: str,
    source: Source,
    max_bytes: int,
) -> list[str]:
    """Read and hash a chunk of page files and pieces of shards, stage their found rows (a
    piece's ``FOUND_ROWS_EVERY`` at a time); return the shards that could not be read to the
    end."""
    rows: list[Row] = []
    broken: list[str] = []
    for work in chunk:
        if isinstance(work, WalkedFile) and work.format == "jsonl":  # it could not be cut
            try:
                found = source.locate(work.relative, (work.size, work.mtime_ns))
            except (ReadProblem, OSError) as err:
                rows.append(_failed(work, work.relative, err))
                broken.append(work.relative)
                continue
            work = whole_shard(work, found.path, found.size, found.mtime_ns)
        if isinstance(work, Piece):
            if not _probe_piece(work, source, max_bytes, layout, load_id, part):
                broken.append(work.file.relative)
        else:
            rows.append(_probe(source, work, max_bytes))
    work_plan.stage_found(layout, load_id, f"{part}-{chunk_no:03d}", rows)
    return broken


@dataclass(frozen=True)
class Discovered:
    """What discovering one part of the walk saw."""

    files: int
    skipped: int  # unread: the same size and modification time as stored
    read_bytes: int  # of the files read


def discover_part(
    layout: Layout, load_id: str, source: Source, part: WalkPart, max_bytes: int, in_process: bool
) -> Discovered:
    """Read and hash the new or changed files of ``part`` on every core (``map_chunks``; JSON
    Lines shards in pieces: of one shard at once, or its appended lines only), stage their
    found rows and the shards read to the end; count those skipped unread, with their stored
    size and modification time. A part with no file to read starts no worker."""
    to_read = work_plan.to_read(layout, load_id, part.listed)
    if to_read:
        name = f"{part.number:06d}"
        shards = [file.relative for file in to_read if file.format == "jsonl"]
        stored = work_plan.stored_shards(layout, load_id, shards)
        work, scanned = cut_shards(source, to_read, stored)
        broken = map_chunks(
            discover_chunk, work, layout, load_id, name, source, max_bytes, in_process=in_process
        )
        unread = {relative for chunk in broken for relative in chunk}
        read = [shard for shard in scanned if shard.relative not in unread]
        work_plan.stage_shards(layout, load_id, name, read)
    return Discovered(len(part), len(part) - len(to_read), sum(file.size or 0 for file in to_read))
