"""Stream JSON Lines shards: cut a shard into pieces of whole lines once, read a piece line by
line, and read one record's line again by where it is; no process holds a shard.

A plain shard is scanned once for its line ends (counted block by block, never held: about a
second per GB) and cut into pieces of about ``PIECE_BYTES`` that end at a line end, each
with the number of its first line, so the workers read different pieces of one shard at once.
A packed shard (``.jsonl.gz``, ``.jsonl.zst``) cannot be seeked: it is one piece, streamed by
one worker, which unpacks its lines into the run's staging folder as it goes, so that the
cleaning workers read its pages again by offset like a plain shard's.

A packed shard damaged in the middle keeps the records read before the damage only when the
damage is found where it is (``damage_located``); when only a checksum shows it, none.
"""

from __future__ import annotations

import gzip
import hashlib
import io
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, BinaryIO

import zstandard

from runtime.readers import GZIP_SUFFIX, ZSTD_SUFFIX, ReadProblem, open_input
from transforms.records import Reason
from warehouse.work_items import StoredShard, WalkedFile

# Pieces of a plain shard: 16 in a 0.5 GB shard, so two workers share even a single shard.
PIECE_BYTES = 32 * 2**20
BLOCK = 2**20
# Bytes of a shard's start and of the end of its last complete line that a rerun compares
# before it reads only the lines appended since (as log shippers tell a grown file from a
# new one by a fingerprint of its first bytes).
MARK_BYTES = 64 * 2**10
# First bytes of an oversized line that are kept, to name it by its id (``leading_key``).
HEAD_BYTES = 4096
# Packed bytes a zstd shard is unpacked by at a time (zstd's own input size): damage found in
# them loses what they unpack to before it (about a MB of text).
ZSTD_READ = 2**17


@dataclass(frozen=True, slots=True)
class Piece:
    """Consecutive whole lines of a shard: from byte ``start`` to ``end`` (None: to the end,
    for a packed shard), the first of them line ``first_line``."""

    file: WalkedFile
    path: str  # as ``open_input`` opens it
    size: int | None  # of the file when it was located
    mtime_ns: int | None
    start: int
    end: int | None
    first_line: int

    @property
    def packed(self) -> bool:
        return is_packed(self.file.relative)


@dataclass(frozen=True, slots=True)
class Line:
    """One line of a piece: ``data`` with its ``\\n``, or None when over the page limit."""

    no: int
    offset: int
    length: int
    data: bytes | None
    head: bytes = b""  # an oversized line's first bytes


@dataclass(frozen=True, slots=True)
class ScannedShard:
    """What a run saw of a plain shard it cut into pieces, for the next run (``StoredShard``);
    only the stats for a packed one, which is read whole whenever it changes."""

    relative: str
    file_size: int | None
    file_mtime_ns: int | None
    end: int | None = None
    lines: int | None = None
    mark: str | None = None


def is_packed(relative: str) -> bool:
    name = relative.lower()
    return name.endswith(GZIP_SUFFIX) or name.endswith(ZSTD_SUFFIX)


def shard_mark(handle: BinaryIO, end: int) -> str:
    """A fingerprint of a shard's bytes up to ``end``: its first and last ``MARK_BYTES``."""
    handle.seek(0)
    head = handle.read(min(MARK_BYTES, end))
    tail_start = max(0, end - MARK_BYTES)
    handle.seek(tail_start)
    tail = handle.read(end - tail_start)
    return hashlib.sha256(head + b"\0" + tail).hexdigest()[:32]


def _resume_at(handle: BinaryIO, size: int, stored: StoredShard | None) -> tuple[int, int]:
    """Where to start reading a plain shard and the number of the line there: after the lines
    the last read saw when the shard only grew since, else from the start."""
    if stored is None or size <= stored.size or stored.end > size:
        return 0, 1
    if shard_mark(handle, stored.end) != stored.mark:
        return 0, 1
    return stored.end, stored.lines + 1


def cut_shard(
    file: WalkedFile,
    path: str,
    size: int,
    mtime_ns: int | None,
    stored: StoredShard | None = None,
    piece_bytes: int = PIECE_BYTES,
) -> tuple[list[Piece], ScannedShard]:
    """The pieces of a plain shard still to read (from where the last read ended, when it only
    grew since), and what the next run needs to know of it."""
    with open_input(path) as handle:
        start, first_line = _resume_at(handle, size, stored)
        handle.seek(start)
        cuts: list[tuple[int, int]] = [(start, first_line)]  # (byte, line) where pieces start
        pos, line, last_end = start, first_line, start
        while pos < size and (block := handle.read(min(BLOCK, size - pos))):
            cut_at = cuts[-1][0] + piece_bytes
            while cut_at < pos + len(block):
                i = block.find(b"\n", max(0, cut_at - pos))
                if i < 0:
                    break
                cuts.append((pos + i + 1, line + block.count(b"\n", 0, i + 1)))
                cut_at = cuts[-1][0] + piece_bytes
            newlines = block.count(b"\n")
            if newlines:
                last_end = pos + block.rindex(b"\n") + 1
            line += newlines
            pos += len(block)
        mark = shard_mark(handle, last_end)
    ends = [at for at, _ in cuts[1:]] + [pos]
    pieces = [
        Piece(file, path, size, mtime_ns, begin, end, number)
        for (begin, number), end in zip(cuts, ends, strict=True)
        if end > begin
    ]
    # ``line`` counts the lines ended by a newline: a last line without one is read again
    # with what is appended to it
    scanned = ScannedShard(file.relative, size, mtime_ns, last_end, line - 1, mark)
    return pieces, scanned


def whole_shard(file: WalkedFile, path: str, size: int | None, mtime_ns: int | None) -> Piece:
    """A shard as one piece: a packed one, or one that could not be scanned (reading it
    again says why)."""
    return Piece(file, path, size, mtime_ns, 0, None, 1)


@contextmanager
def unpacked(piece: Piece) -> Iterator[BinaryIO]:
    """A piece's file, positioned at its start: unpacked as a stream when it is packed."""
    with open_input(piece.path) as raw:
        name = piece.file.relative.lower()
        if name.endswith(GZIP_SUFFIX):
            with gzip.GzipFile(fileobj=raw) as stream:
                yield stream  # type: ignore[misc]
        elif name.endswith(ZSTD_SUFFIX):
            with io.BufferedReader(ZstdFrames(raw), BLOCK) as stream:
                yield stream
        else:
            raw.seek(piece.start)
            # an object store's file (fsspec's) has no ``readline(size)``, which ``lines`` needs
            if isinstance(raw, io.BufferedIOBase):
                yield raw
            else:
                with io.BufferedReader(raw, BLOCK) as stream:  # type: ignore[type-var]
                    yield stream


class ZstdFrames(io.RawIOBase):
    """The unpacked bytes of a zstd stream of one or more frames. A stream that ends inside a
    frame (a cut download, a shard still being written) raises ``EOFError``, as gzip does;
    ``ZstdDecompressor.stream_reader`` ends there without a word."""

    def __init__(self, raw: BinaryIO) -> None:
        self._raw = raw
        self._unpacker = zstandard.ZstdDecompressor()
        self._frame = self._unpacker.decompressobj()
        self._in_frame = False  # whether the current frame has had bytes
        self._out = memoryview(b"")

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        if not self._out:
            self._out = memoryview(self._unpack())
        n = min(len(buffer), len(self._out))
        buffer[:n] = self._out[:n]
        self._out = self._out[n:]
        return n

    def _unpack(self) -> bytes:
        """The next unpacked bytes; none at the end of the stream."""
        while True:
            rest = b""
            if self._frame.eof:  # the next frame begins with what the last one left
                rest = self._frame.unused_data
                self._frame, self._in_frame = self._unpacker.decompressobj(), False
            packed = rest or self._raw.read(ZSTD_READ)
            if not packed:
                if self._in_frame:
                    raise EOFError("zstd stream ended inside a frame")
                return b""
            self._in_frame = True
            if out := self._frame.decompress(packed):
                return out


def lines(stream: BinaryIO, piece: Piece, max_bytes: int) -> Iterator[Line]:
    """The lines of ``piece`` from ``stream`` (``unpacked``), one at a time; a line over
    ``max_bytes`` is skipped through, never held, and given with its first bytes only."""
    pos, no = piece.start, piece.first_line
    while piece.end is None or pos < piece.end:
        data = stream.readline(max_bytes + 1)
        if not data:
            return
        length = len(data)
        if length > max_bytes and not data.endswith(b"\n"):
            head, data = data[:HEAD_BYTES], b""
            while more := stream.readline(BLOCK):
                length += len(more)
                if more.endswith(b"\n"):
                    break
            yield Line(no, pos, length, None, head)
        else:
            yield Line(no, pos, length, data)
        pos += length
        no += 1


def damage_located(err: Exception) -> bool:
    """Whether the records a packed shard gave before ``err`` are sound.

    A stream that ends early (``EOFError``) leaves what came before intact, and zstd checks
    each block as it unpacks it, so a damaged block mostly stops it there. A checksum that
    does not match (gzip's CRC, zstd's content checksum) says only that the unpacked bytes
    differ somewhere; and a deflate stream damaged in the middle unpacks into garbage until
    its CRC or an invalid code shows it: of 150 gzip shards of JSON Lines damaged at random
    places, 149 gave garbage first, often lines that still parse as records. (4 of them ran
    out of bytes instead, an ``EOFError``, which a cut shard cannot be told from.)
    """
    if isinstance(err, EOFError):
        return True
    return isinstance(err, zstandard.ZstdError) and "checksum" not in str(err)


def unpack_problem(err: Exception, relative: str) -> ReadProblem | None:
    """The quarantine reason for an error met while unpacking a packed shard, if it is one."""
    if isinstance(err, gzip.BadGzipFile | EOFError | zlib.error | zstandard.ZstdError):
        kind = Reason.BAD_ZSTD if relative.lower().endswith(ZSTD_SUFFIX) else Reason.BAD_GZIP
        kept = (
            "the records before it are kept"
            if damage_located(err)
            else "where it begins cannot be told, so none of its records are kept"
        )
        return ReadProblem(kind, f"damaged stream: {kept} ({err})"[:300])
    return None


class RecordLines:
    """Reads records' lines again by offset, keeping the last few shards open (a chunk of
    work items mostly comes from one or two shards)."""

    KEEP_OPEN = 8

    def __init__(self) -> None:
        self._open: dict[str, BinaryIO] = {}

    def line(self, path: str, offset: int, length: int) -> bytes:
        try:
            handle = self._open.get(path)
            if handle is None:
                if len(self._open) >= self.KEEP_OPEN:
                    self.close()
                handle = self._open[path] = open_input(path)
            handle.seek(offset)
            return handle.read(length)
        except OSError as err:
            raise ReadProblem(Reason.UNREADABLE, err.strerror or str(err)) from None

    def close(self) -> None:
        for handle in self._open.values():
            handle.close()
        self._open.clear()
