"""JSON Lines shards through real flow runs: a shard over the page limit ingested, one
oversized record quarantined alone, packed shards, a record's site, reruns that read only
what a shard gained, and damaged packed shards among other files."""

from __future__ import annotations

import contextlib
import gzip
import io
import itertools
import json
import os
import random
import zlib
from pathlib import Path
from typing import BinaryIO

import pytest
import zstandard

from benchmarks.synthetic_pages import generate_corpus
from flows.ingest import ingest
from runtime.shards import BLOCK, Piece
from transforms.keys import doc_id
from warehouse.layout import Layout
from warehouse.query import run_query

pytestmark = [pytest.mark.slow, pytest.mark.usefixtures("prefect_harness")]

LIMIT_MB = 0.02  # a page limit of 20 KB: every shard here is larger


def _texts(n: int, seed: int = 3) -> list[str]:
    pages = generate_corpus(n_sites=max(1, n // 10), pages_per_site=10, seed=seed)
    return [page.text for page in pages][:n]


def _line(record: dict) -> bytes:
    return json.dumps(record).encode() + b"\n"


def _shard(texts: list[str], prefix: str) -> bytes:
    return b"".join(_line({"id": f"{prefix}{i}", "text": t}) for i, t in enumerate(texts))


@pytest.fixture
def inbox(tmp_path) -> Path:
    folder = tmp_path / "inbox"
    (folder / "crawl").mkdir(parents=True)
    texts = _texts(40)
    shard = _shard(texts[:20], "a")
    shard += _line({"id": "huge", "text": "word " * 10_000})  # 50 KB: over the page limit
    shard += _line({"text": texts[20], "url": "https://www.port.example/x"})  # line 22
    shard += _line({"text": texts[21], "site": "Harbour.example"})  # line 23
    shard += b'{"id": "cut", "text": "the last line, cut sho'  # being written
    (folder / "crawl" / "a.jsonl").write_bytes(shard)
    (folder / "b.jsonl.gz").write_bytes(gzip.compress(_shard(texts[22:31], "b")))
    (folder / "c.jsonl.zst").write_bytes(zstandard.compress(_shard(texts[31:40], "c")))
    return folder


def _table(layout: Layout, sql: str) -> dict:
    return dict(run_query(layout, sql).rows)


def test_shards_over_the_page_limit_are_ingested_record_by_record(inbox, tmp_path, monkeypatch):
    warehouse = tmp_path / "wh"
    layout = Layout.at(warehouse)
    assert (inbox / "crawl" / "a.jsonl").stat().st_size > LIMIT_MB * 2**20

    first = ingest(str(inbox), str(warehouse), max_file_mb=LIMIT_MB)

    assert _table(layout, "SELECT source, reason FROM quarantine") == {
        "crawl/a.jsonl#huge": "too_large",  # alone: the rest of its shard is ingested
        "crawl/a.jsonl#L24": "bad_json_line",  # the cut last line
    }
    sites = _table(layout, "SELECT source, site FROM documents")
    assert len(sites) == 40 == first.ingested
    assert sites["crawl/a.jsonl#22"] == "port.example"  # the URL's host
    assert sites["crawl/a.jsonl#23"] == "harbour.example"  # the site field
    assert sites["crawl/a.jsonl#a0"] == "crawl"  # the shard's folder
    assert sites["b.jsonl.gz#b0"] == sites["c.jsonl.zst#c8"] == "inbox"

    import runtime.discover

    read: list = []
    real = runtime.discover.map_chunks

    def spying(fn, items, *args, **kwargs):
        if fn.__name__ == "discover_chunk":
            read.extend(items)
        return real(fn, items, *args, **kwargs)

    monkeypatch.setattr(runtime.discover, "map_chunks", spying)
    again = ingest(str(inbox), str(warehouse), max_file_mb=LIMIT_MB)
    assert (again.ingested, again.quarantined, again.skipped, read) == (0, 0, 3, [])

    shard = inbox / "crawl" / "a.jsonl"
    before = shard.stat().st_size
    with shard.open("ab") as out:  # the cut line completed, and a new record after it
        out.write(b'rt"}\n' + _line({"id": "late", "text": _texts(1, seed=9)[0]}))
    grown = ingest(str(inbox), str(warehouse), max_file_mb=LIMIT_MB)
    pieces = [p for p in read if isinstance(p, Piece) and p.file.relative == "crawl/a.jsonl"]
    assert len(read) == len(pieces) == 1 and before - 200 < pieces[0].start < before
    assert pieces[0].first_line == 24  # the tail alone, from the line that was cut
    assert (grown.ingested, grown.quarantined) == (2, 0)  # "cut", now whole, and "late"
    assert "crawl/a.jsonl#late" in _table(layout, "SELECT source, body FROM articles")
    assert run_query(layout, "SELECT count(*) FROM documents").rows == [(42,)]

    # rewritten: read again whole, and the content hashes decide what is new
    read.clear()
    lines = shard.read_bytes().split(b"\n")
    lines[0] = _line({"id": "a0", "text": _texts(1, seed=11)[0]}).rstrip(b"\n")
    shard.write_bytes(b"\n".join(lines))
    rewritten = ingest(str(inbox), str(warehouse), max_file_mb=LIMIT_MB)
    assert read and all(p.start == 0 for p in read if isinstance(p, Piece))
    assert (rewritten.ingested, rewritten.quarantined) == (1, 0)
    versions = _table(layout, "SELECT source, max(version) FROM documents GROUP BY source")
    assert versions["crawl/a.jsonl#a0"] == 2 and versions["crawl/a.jsonl#a1"] == 1


# --- damaged packed shards ---------------------------------------------------------------

PACK = {
    ".jsonl.gz": gzip.compress,
    # with a content checksum, as the zstd command line writes by default
    ".jsonl.zst": zstandard.ZstdCompressor(write_checksum=True).compress,
}


def _cut(packed: bytes) -> bytes:
    return packed[: len(packed) * 3 // 4]


def _overwritten(packed: bytes) -> bytes:
    at = len(packed) * 3 // 4
    return packed[:at] + random.Random(0).randbytes(64) + packed[at + 64 :]


def _flipped(packed: bytes) -> bytes:
    """``packed`` (zstd) with one bit flipped, from three quarters in, where zstd's block
    checks miss it and only the frame's checksum shows it."""
    for at in range(len(packed) * 3 // 4, len(packed)):
        flipped = packed[:at] + bytes([packed[at] ^ 1]) + packed[at + 1 :]
        try:
            zstandard.ZstdDecompressor().decompress(flipped)
        except zstandard.ZstdError as err:
            if "checksum" in str(err):
                return flipped
    raise AssertionError("no such bit")


# name: (how it is damaged, whether the records before the damage are kept). A gzip stream
# damaged in the middle unpacks into garbage that only its CRC shows, and so does a zstd one
# whose damage zstd's block checks miss (a bit flipped in a literal): where the damage begins
# cannot be told, so none of their records are kept. A cut stream, or a zstd block found
# corrupt, keeps what came before.
DAMAGED = {
    "cut.jsonl.gz": (_cut, True),
    "overwritten.jsonl.gz": (_overwritten, False),
    "cut.jsonl.zst": (_cut, True),
    "overwritten.jsonl.zst": (_overwritten, True),
    "flipped.jsonl.zst": (_flipped, False),
}


def _padded(texts: list[str], prefix: str, seed: int) -> list[bytes]:
    """A line per text, each with about 40 KB of other words beside its page (a corpus's
    metadata), so that a shard unpacks to 2 MB and its damage lands far from its start."""
    rng = random.Random(seed)
    words = "harbour council river budget school report market bridge ferry vote".split()
    meta = [" ".join(rng.choices(words, k=6000)) for _ in texts]
    return [
        _line({"id": f"{prefix}{i}", "text": t, "meta": m})
        for i, (t, m) in enumerate(zip(texts, meta, strict=True))
    ]


def _unpacked(packed: bytes, suffix: str) -> bytes:
    """What the library's own reader unpacks of ``packed``, 4 KB at a time, before it stops."""
    if suffix == ".jsonl.gz":
        stream: BinaryIO = gzip.GzipFile(fileobj=io.BytesIO(packed))
    else:
        stream = zstandard.ZstdDecompressor().stream_reader(io.BytesIO(packed))
    out = bytearray()
    with contextlib.suppress(OSError, EOFError, zlib.error, zstandard.ZstdError):
        while chunk := stream.read(4096):
            out += chunk
    return bytes(out)


def test_a_damaged_packed_shard_keeps_only_records_known_sound_and_the_run_goes_on(tmp_path):
    inbox, warehouse = tmp_path / "inbox", tmp_path / "wh"
    inbox.mkdir()
    texts = iter(_texts(320))
    shards: dict[str, list[bytes]] = {}
    for n, (name, (damage, _)) in enumerate(DAMAGED.items()):
        shards[name] = _padded([next(texts) for _ in range(60)], f"{n}-", seed=n)
        suffix = name[name.index(".") :]
        (inbox / name).write_bytes(damage(PACK[suffix](b"".join(shards[name]))))
    sound = {
        f"sound{s}": [_line({"id": f"s{i}", "text": next(texts)}) for i in range(4)] for s in PACK
    }
    for name, lines in sound.items():
        (inbox / name).write_bytes(PACK[name[5:]](b"".join(lines)))
    (inbox / "plain.jsonl").write_bytes(_shard([next(texts) for _ in range(3)], "p"))
    (inbox / "page.txt").write_text(next(texts), encoding="utf-8")

    summary = ingest(str(inbox), str(warehouse))

    layout = Layout.at(warehouse)
    stored = _table(layout, "SELECT source, doc_id FROM documents")
    quarantined = run_query(layout, "SELECT source, reason, detail FROM quarantine").rows
    # one row per damaged shard, naming it; no line of garbage quarantined on its own
    assert sorted((source, reason) for source, reason, _ in quarantined) == [
        (name, "bad_gzip" if name.endswith(".gz") else "bad_zstd") for name in sorted(DAMAGED)
    ]
    for name, _, detail in quarantined:
        kept = DAMAGED[name][1]
        assert detail.startswith("damaged stream: ") and ("none of" not in detail) == kept, detail
    for name, lines in shards.items():
        suffix = name[name.index(".") :]
        original = b"".join(lines)
        unpacked = _unpacked((inbox / name).read_bytes(), suffix)
        intact = len(os.path.commonprefix([unpacked, original]))
        ends = list(itertools.accumulate(map(len, lines)))
        hit = sum(end <= intact for end in ends)  # the record the damage falls in
        # the damage is as the table says: garbage unpacked, or none
        garbage = len(unpacked) > intact
        assert intact > 1.5 * BLOCK and garbage != DAMAGED[name][1], (name, intact, len(unpacked))
        mine = {s: d for s, d in stored.items() if s.startswith(f"{name}#")}
        if not DAMAGED[name][1]:
            assert mine == {}, name
            continue
        # a prefix of the shard's records, each stored as it was written, up to the damage
        # less what unpacking reads at once (at most about a MB)
        k = len(mine)
        assert mine == {
            f"{name}#{json.loads(line)['id']}": doc_id(json.loads(line)["text"].encode())
            for line in lines[:k]
        }, name
        assert k <= hit and intact - (ends[k - 1] if k else 0) < BLOCK, (name, k, hit)
    # the other files of the run are all stored
    others = {f"{name}#s{i}" for name in sound for i in range(4)}
    others |= {f"plain.jsonl#p{i}" for i in range(3)} | {"page.txt"}
    assert others <= set(stored) and summary.ingested == len(stored)
