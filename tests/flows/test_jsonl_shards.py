"""JSON Lines shards through real flow runs: a shard over the page limit ingested, one
oversized record quarantined alone, packed shards, a record's site, and reruns that read only
what a shard gained."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest
import zstandard

from benchmarks.synthetic_pages import generate_corpus
from flows.ingest import ingest
from runtime.shards import Piece
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

    import flows.ingest

    read: list = []
    real = flows.ingest.map_chunks

    def spying(fn, items, *args, **kwargs):
        if fn.__name__ == "discover_chunk":
            read.extend(items)
        return real(fn, items, *args, **kwargs)

    monkeypatch.setattr(flows.ingest, "map_chunks", spying)
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
