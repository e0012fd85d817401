"""JSON Lines shards read as streams: pieces of whole lines, the page limit per line, packed
shards, and a grown shard read from where the last read ended."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest
import zstandard

from runtime.shards import Line, Piece, cut_shard, lines, unpacked, whole_shard
from warehouse.work_items import StoredShard, WalkedFile


def _file(path: Path) -> WalkedFile:
    return WalkedFile(0, path.name, "jsonl", path.stat().st_size, path.stat().st_mtime_ns)


def _cut(path: Path, stored: StoredShard | None = None, piece_bytes: int = 100):
    return cut_shard(_file(path), str(path), path.stat().st_size, None, stored, piece_bytes)


def _read(pieces: list[Piece], max_bytes: int = 10**6) -> list[Line]:
    out: list[Line] = []
    for piece in pieces:
        with unpacked(piece) as stream:
            out.extend(lines(stream, piece, max_bytes))
    return out


def _records(n: int, start: int = 1) -> bytes:
    return b"".join(
        json.dumps({"id": f"r{i}", "text": f"record {i} " * (i % 7 + 1)}).encode() + b"\n"
        for i in range(start, start + n)
    )


def test_pieces_hold_every_line_once_with_its_number_and_offset(tmp_path):
    shard = tmp_path / "s.jsonl"
    data = _records(40) + b"\n" + _records(3, start=41)  # a blank line is a line too
    shard.write_bytes(data)
    pieces, scanned = _cut(shard)
    assert len(pieces) > 5 and pieces[0].start == 0 and pieces[-1].end == len(data)
    assert all(a.end == b.start for a, b in zip(pieces, pieces[1:], strict=False))
    got = _read(pieces)
    want = data.split(b"\n")[:-1]
    assert [line.no for line in got] == list(range(1, len(want) + 1))
    assert [line.data for line in got] == [w + b"\n" for w in want]
    assert all(data[line.offset : line.offset + line.length] == line.data for line in got)
    assert (scanned.end, scanned.lines) == (len(data), len(want))


def test_a_line_over_the_limit_is_skipped_through_and_named_by_its_head(tmp_path):
    shard = tmp_path / "s.jsonl"
    big = json.dumps({"id": "big", "text": "x" * 5000}).encode()
    shard.write_bytes(_records(2) + big + b"\n" + _records(1, start=3))
    got = _read([whole_shard(_file(shard), str(shard), None, None)], max_bytes=1000)
    assert [(line.no, line.data is None) for line in got] == [
        (1, False),
        (2, False),
        (3, True),
        (4, False),
    ]
    assert got[2].length == len(big) + 1 and got[2].head.startswith(b'{"id": "big"')
    assert got[3].data is not None and b'"r3"' in got[3].data


def test_a_truncated_last_line_is_read_but_not_counted_as_read(tmp_path):
    shard = tmp_path / "s.jsonl"
    complete = _records(5)
    shard.write_bytes(complete + b'{"id": "r6", "text": "cut sho')
    pieces, scanned = _cut(shard)
    assert _read(pieces)[-1].no == 6  # read (and found broken) ...
    assert (scanned.end, scanned.lines) == (len(complete), 5)  # ... but read again when it grows


def test_a_grown_shard_is_read_from_where_the_last_read_ended(tmp_path):
    shard = tmp_path / "s.jsonl"
    shard.write_bytes(_records(30) + b'{"id": "r31", "text": "half')
    _, scanned = _cut(shard)
    assert scanned.mark is not None and scanned.end is not None and scanned.lines is not None
    stored = StoredShard(shard.stat().st_size, scanned.end, scanned.lines, scanned.mark)
    with shard.open("ab") as out:
        out.write(b' a record"}\n' + _records(2, start=32))
    pieces, grown = _cut(shard, stored, piece_bytes=10**6)
    assert [(p.start, p.first_line) for p in pieces] == [(scanned.end, 31)]
    assert [(line.no, json.loads(line.data or b"")["id"]) for line in _read(pieces)] == [
        (31, "r31"),
        (32, "r32"),
        (33, "r33"),
    ]
    assert (grown.end, grown.lines) == (shard.stat().st_size, 33)
    # rewritten, not grown (another start): read from the start again
    shard.write_bytes(b"\n" + shard.read_bytes())
    pieces, _ = _cut(shard, stored, piece_bytes=10**6)
    assert [(p.start, p.first_line) for p in pieces] == [(0, 1)]


def test_gzip_and_zstd_shards_stream_the_same_lines(tmp_path):
    data = _records(50)
    plain = tmp_path / "s.jsonl"
    plain.write_bytes(data)
    want = [(line.no, line.data) for line in _read(_cut(plain)[0])]
    # a zstd shard of two frames, as concatenated shards are
    half = data.index(b"\n", len(data) // 2) + 1
    packer = zstandard.ZstdCompressor()
    for name, packed in {
        "s.jsonl.gz": gzip.compress(data),
        "s.jsonl.zst": packer.compress(data[:half]) + packer.compress(data[half:]),
    }.items():
        path = tmp_path / name
        path.write_bytes(packed)
        piece = whole_shard(_file(path), str(path), None, None)
        assert piece.packed
        assert [(line.no, line.data) for line in _read([piece])] == want, name


def test_a_cut_zstd_shard_ends_in_an_error_as_a_cut_gzip_one_does(tmp_path):
    data = _records(3000)
    packer = zstandard.ZstdCompressor()
    two_frames = packer.compress(data[:5000]) + packer.compress(data[5000:])
    for name, packed in {"s.jsonl.gz": gzip.compress(data), "s.jsonl.zst": two_frames}.items():
        path = tmp_path / name
        path.write_bytes(packed[: len(packed) // 2])
        piece = whole_shard(_file(path), str(path), None, None)
        read = b""
        with pytest.raises(EOFError), unpacked(piece) as stream:
            for line in lines(stream, piece, 10**6):
                read += line.data or b""
        assert read and data.startswith(read), name  # whole lines, as they were written
        path.write_bytes(packed)  # whole, it reads to its end, across its frames
        assert b"".join(line.data or b"" for line in _read([piece])) == data, name
