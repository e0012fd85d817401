"""Discovery's listing and the warehouse state a rerun reuses, without Prefect: the walk's
stats, the known-paths snapshot a load leaves for the next run, catalog updates, and what
discovery stages of a damaged shard."""

from __future__ import annotations

import gzip
import json
import os
import posixpath
from datetime import UTC, datetime

import pyarrow.parquet as pq

from runtime import discover
from runtime.discover import walk_parts
from runtime.shards import whole_shard
from runtime.sources import Source
from warehouse import loads, work_plan
from warehouse.catalog import build_catalog, connect_read_only
from warehouse.layout import Layout, new_load_id
from warehouse.work_items import WalkedFile

NOW = datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)


def test_the_walk_lists_each_file_with_its_lstat_and_a_symlink_with_its_targets(tmp_path):
    source, outside = tmp_path / "in", tmp_path / "out"
    (source / "site" / "deeper").mkdir(parents=True)
    (source / ".hidden").mkdir()
    outside.mkdir()
    (source / "top.txt").write_text("top")
    (source / "site" / "b.html").write_text("<p>b</p>")
    (source / "site" / "deeper" / "c.txt").write_text("c")
    (source / "site" / "notes.md").write_text("not a page")
    (source / ".hidden" / "h.txt").write_text("h")
    (outside / "o.txt").write_text("o")
    (source / "site" / "a-link.txt").symlink_to(source / "top.txt")
    (source / "site" / "away.txt").symlink_to(outside / "o.txt")
    (source / "site" / "gone.txt").symlink_to(source / "nowhere.txt")
    (source / "folder-link").symlink_to(outside)

    walked = list(Source.at(source).entries())
    assert [file.position for file in walked] == list(range(len(walked)))  # in walk order
    entries = [file[1:] for file in walked]  # relative, format, size, mtime_ns

    def stats(path):
        status = os.stat(path)
        return status.st_size, status.st_mtime_ns

    assert [e[:2] for e in entries] == [
        ("top.txt", "text"),  # a folder's files, then its subfolders', as os.walk
        ("site/a-link.txt", "text"),
        ("site/away.txt", "text"),
        ("site/b.html", "html"),
        ("site/gone.txt", "text"),
        ("site/deeper/c.txt", "text"),
    ]
    listed = {relative: (size, mtime) for relative, _, size, mtime in entries}
    assert listed["top.txt"] == listed["site/a-link.txt"] == stats(source / "top.txt")
    assert listed["site/away.txt"] == listed["site/gone.txt"] == (None, None)  # always read
    assert listed["site/deeper/c.txt"] == stats(source / "site" / "deeper" / "c.txt")
    assert list(Source.at(source).relatives()) == list(listed)
    glob = [e[1:3] for e in Source.at(f"{source}/site/*.txt").entries()]
    assert glob == [("a-link.txt", "text"), ("away.txt", "text"), ("gone.txt", "text")]


def _document(load_id: str, source: str, version: int, size: int, mtime: int) -> dict:
    return {
        "doc_id": f"{source}-{version}",
        "source": source,
        "version": version,
        "site": "s",
        "format": "text",
        "bytes": size,
        "file_size": size,
        "file_mtime_ns": mtime,
        "ingested_at": NOW,
        "load_id": load_id,
    }


def _publish(layout: Layout, load_id: str, documents: list[dict]) -> None:
    """What ``ingest`` does around one load: snapshot, stage, cache the next snapshot, commit."""
    loads.recover(layout)
    work_plan.snapshot_known(layout, load_id)
    loads.stage(layout, load_id, "documents", "1", documents)
    work_plan.remember_known(layout, load_id)
    loads.publish(layout, load_id, {"load_id": load_id, "source": "/in", "lines_removed": {}})


def _known_now(layout: Layout) -> list[dict]:
    """The snapshot a run would use now, and the catalog's view it must equal."""
    load_id = new_load_id()
    work_plan.snapshot_known(layout, load_id)
    path = os.path.join(layout.staging_dir(load_id), "_known.parquet")
    snapshot = sorted(pq.read_table(path).to_pylist(), key=lambda row: row["source"])
    loads.discard_staged(layout, load_id)
    with connect_read_only(layout) as con:
        cursor = con.execute(
            "SELECT source, doc_id, version, file_size, file_mtime_ns FROM current_documents "
            "ORDER BY source"
        )
        names = [d[0] for d in cursor.description]
        # pages only here: the shards' columns (where a shard's last read ended) stay empty
        assert all(row.pop("shard_end") is None for row in snapshot)
        snapshot = [{name: row[name] for name in names} for row in snapshot]
        assert snapshot == [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]
    return snapshot


def test_a_load_leaves_the_next_runs_snapshot_of_known_paths_and_a_noop_reuses_it(tmp_path):
    layout = Layout.at(tmp_path / "wh")
    loads.initialize(layout)
    first, second, noop = new_load_id(), new_load_id(), new_load_id()
    _publish(
        layout, first, [_document(first, "a.txt", 1, 5, 10), _document(first, "b.txt", 1, 6, 20)]
    )
    _publish(
        layout, second, [_document(second, "b.txt", 2, 7, 30), _document(second, "c.txt", 1, 8, 40)]
    )
    cached = layout.files(layout.path(work_plan.KNOWN_CACHE_DIR), "*")
    assert len(cached) == 1  # the state before this load is no longer cached
    _publish(layout, noop, [])  # stores no documents: the snapshot stays valid
    assert layout.files(layout.path(work_plan.KNOWN_CACHE_DIR), "*") == cached
    known = _known_now(layout)
    assert [(k["source"], k["version"], k["file_mtime_ns"]) for k in known] == [
        ("a.txt", 1, 10),
        ("b.txt", 2, 30),
        ("c.txt", 1, 40),
    ]
    os.remove(cached[0])  # a missing (or stale) snapshot is read from documents again
    assert _known_now(layout) == known


def test_listed_files_are_read_unless_their_stats_equal_their_stored_versions(tmp_path):
    layout = Layout.at(tmp_path / "wh")
    loads.initialize(layout)
    stored = new_load_id()
    _publish(layout, stored, [_document(stored, "s/a.txt", 1, 5, 10)])
    source = tmp_path / "in"
    (source / "s").mkdir(parents=True)
    for name in ("a.txt", "b.txt", "c.jsonl"):
        (source / "s" / name).write_text("12345")
    os.utime(source / "s" / "a.txt", ns=(10, 10))
    load_id = new_load_id()
    work_plan.snapshot_known(layout, load_id)
    [part] = walk_parts(Source.at(source), 100)
    assert [r[1] for r in work_plan.to_read(layout, load_id, part.listed)] == [
        "s/b.txt",  # new
        "s/c.jsonl",  # a JSON Lines file no load has read (its stats are not known)
    ]
    os.utime(source / "s" / "a.txt", ns=(11, 11))  # same size, new time
    [part] = walk_parts(Source.at(source), 100)
    assert [r[1] for r in work_plan.to_read(layout, load_id, part.listed)][0] == "s/a.txt"


def test_a_catalog_is_rewritten_only_where_a_tables_files_changed(tmp_path):
    layout = Layout.at(tmp_path / "wh")
    loads.initialize(layout)
    load_id = new_load_id()
    _publish(layout, load_id, [_document(load_id, "a.txt", 1, 5, 10)])
    before = os.stat(layout.catalog)
    build_catalog(layout, loads.visible_files(layout))  # the same files: nothing to do
    assert os.stat(layout.catalog).st_mtime_ns == before.st_mtime_ns
    second = new_load_id()
    _publish(layout, second, [])  # only ``loads`` changes
    with connect_read_only(layout) as con:
        assert con.execute("SELECT count(*) FROM loads").fetchone() == (2,)
        assert con.execute("SELECT count(*) FROM current_documents").fetchone() == (1,)


def _found_rows(layout: Layout, load_id: str) -> list[dict]:
    folder = posixpath.join(layout.staging_dir(load_id), "_found")
    return [row for path in layout.files(folder) for row in pq.read_table(path).to_pylist()]


def test_a_packed_shard_found_damaged_after_rows_were_staged_withdraws_them(tmp_path, monkeypatch):
    monkeypatch.setattr(discover, "FOUND_ROWS_EVERY", 10)  # staged in parts as it is read
    inbox, layout = tmp_path / "in", Layout.at(tmp_path / "wh")
    inbox.mkdir()
    loads.initialize(layout)
    data = b"".join(
        json.dumps({"id": f"r{i}", "text": f"record {i} " + "word " * (i % 50)}).encode() + b"\n"
        for i in range(2000)
    )
    packed = gzip.compress(data)
    at = len(packed) // 2
    damaged = {
        "overwritten.jsonl.gz": packed[:at] + bytes(64) + packed[at + 64 :],  # CRC at the end
        "cut.jsonl.gz": packed[:at],  # the records before the cut are sound
    }
    for name, content in damaged.items():
        (inbox / name).write_bytes(content)
    source = Source.at(inbox)
    for position, (name, content) in enumerate(damaged.items()):
        load_id = new_load_id()
        file = WalkedFile(position, name, "jsonl", len(content), None)
        piece = whole_shard(file, str(inbox / name), len(content), None)
        broken = discover.discover_chunk([piece], 1, layout, load_id, "000001", source, 10**6)
        assert broken == [name]
        rows = _found_rows(layout, load_id)
        failed = [row for row in rows if row["reason"] is not None]
        assert [(row["relative"], row["reason"]) for row in failed] == [(name, "bad_gzip")]
        records = [row["relative"] for row in rows if row["reason"] is None]
        if name == "cut.jsonl.gz":
            assert len(records) > 100 and records == [f"{name}#r{i}" for i in range(len(records))]
        else:
            assert records == []  # garbage may have parsed as records: none stays
