"""Write-then-read tests of the warehouse: real Parquet files, real DuckDB."""

from __future__ import annotations

import json
import os
import posixpath
import socket
import subprocess
import sys
from datetime import UTC, datetime

import duckdb
import pytest

from warehouse import loads
from warehouse.layout import Layout, file_name, new_load_id
from warehouse.lock import WarehouseBusy, writer_lock
from warehouse.query import QueryError, run_query

NOW = datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)


def _document(load_id: str, doc_id: str = "d1") -> dict:
    return {
        "doc_id": doc_id,
        "source": f"{doc_id}.txt",
        "version": 1,
        "site": "s",
        "format": "text",
        "bytes": 10,
        "ingested_at": NOW,
        "load_id": load_id,
    }


def _load_row(load_id: str) -> dict:
    return {
        "load_id": load_id,
        "source": "/in",
        "started_at": NOW,
        "finished_at": NOW,
        "files_seen": 1,
        "ingested": 1,
        "skipped": 0,
        "quarantined": 0,
        "articles": 1,
        "lines_removed": {"nav": 2},
    }


@pytest.fixture(params=["local", "s3"])
def layout(request, tmp_path) -> Layout:
    """A new warehouse in a local folder, or under an s3:// prefix of a local S3 server."""
    where = tmp_path / "wh" if request.param == "local" else request.getfixturevalue("s3_url")
    layout = Layout.at(where)
    loads.initialize(layout)
    return layout


@pytest.fixture
def local_layout(tmp_path) -> Layout:
    layout = Layout.at(tmp_path / "wh")
    loads.initialize(layout)
    return layout


def _all_files(layout: Layout) -> list[str]:
    return [p.removeprefix(layout.root) for p in layout.files(layout.root, "**")]


def _count(layout: Layout, table: str) -> int:
    return run_query(layout, f"SELECT count(*) FROM {table}").rows[0][0]


def test_new_warehouse_has_every_table_empty(layout):
    for table in (
        "documents",
        "articles",
        "lines",
        "headline_mentions",
        "headlines",
        "quarantine",
        "loads",
    ):
        assert _count(layout, table) == 0, table


def test_staged_rows_are_invisible_until_the_load_is_published(layout):
    load_id = new_load_id()
    loads.stage(layout, load_id, "documents", "000001", [_document(load_id)])
    assert _count(layout, "documents") == 0
    loads.publish(layout, load_id, _load_row(load_id))
    assert _count(layout, "documents") == 1
    assert run_query(layout, "SELECT lines_removed FROM loads").rows == [({"nav": 2},)]


def test_files_of_a_load_killed_before_its_commit_stay_invisible_and_are_recovered(layout):
    load_id = new_load_id()
    loads.stage(layout, load_id, "documents", "000001", [_document(load_id)])
    (staged,) = loads.staged_files(layout, load_id, "documents")
    published = layout.path("documents", file_name(staged))
    layout.move(staged, published)  # published, not recorded
    assert _count(layout, "documents") == 0
    assert loads.recover(layout) == [published]
    assert not layout.exists(layout.staging_root)
    assert layout.files(layout.table_dir("documents"), "*") == [
        layout.path("documents", "_empty.parquet")
    ]


def test_recover_keeps_completed_loads(layout):
    load_id = new_load_id()
    loads.stage(layout, load_id, "documents", "000001", [_document(load_id)])
    loads.publish(layout, load_id, _load_row(load_id))
    assert loads.recover(layout) == []
    assert _count(layout, "documents") == 1


def test_an_open_catalog_keeps_showing_every_table_at_the_same_load(local_layout):
    layout = local_layout
    first = new_load_id()
    loads.stage(layout, first, "documents", "1", [_document(first, "a")])
    loads.publish(layout, first, _load_row(first))
    con = duckdb.connect(str(layout.catalog), read_only=True)
    second = new_load_id()
    loads.stage(layout, second, "documents", "1", [_document(second, "b")])
    loads.publish(layout, second, _load_row(second))
    snapshot = "SELECT (SELECT count(*) FROM documents), (SELECT count(*) FROM loads)"
    assert con.execute(snapshot).fetchall() == [(1, 1)]
    con.close()
    assert run_query(layout, snapshot).rows == [(2, 2)]


def test_catalog_opens_from_plain_duckdb_in_any_working_directory(local_layout, tmp_path):
    layout = local_layout
    load_id = new_load_id()
    loads.stage(layout, load_id, "documents", "000001", [_document(load_id)])
    loads.publish(layout, load_id, _load_row(load_id))
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    cwd = os.getcwd()
    try:
        os.chdir(elsewhere)
        con = duckdb.connect(str(layout.catalog), read_only=True)
        assert con.execute("SELECT doc_id FROM documents").fetchall() == [("d1",)]
        con.close()
    finally:
        os.chdir(cwd)


def test_headlines_view_counts_documents_and_sites_per_key(layout):
    load_id = new_load_id()
    docs = [_document(load_id, d) for d in ("a", "b", "c")]
    mentions = [
        {
            "doc_id": d,
            "site": site,
            "headline": text,
            "headline_key": text.lower().rstrip("."),
            "section": "Popular",
            "position": 1,
            "truncated": text.endswith("..."),
            "load_id": load_id,
        }
        for d, site, text in (
            ("a", "x", "Pier Closes"),
            ("b", "x", "pier closes..."),
            ("c", "y", "Pier closes"),
            ("c", "y", "Other"),
        )
    ]
    loads.stage(layout, load_id, "documents", "1", docs)
    loads.stage(layout, load_id, "headline_mentions", "1", mentions)
    loads.publish(layout, load_id, _load_row(load_id))
    rows = run_query(
        layout,
        "SELECT headline_key, headline, n_docs, n_sites, first_seen_doc FROM headlines "
        "ORDER BY headline_key",
    ).rows
    assert rows == [("other", "Other", 1, 1, "c"), ("pier closes", "Pier Closes", 3, 2, "a")]


def _mention(load_id: str, doc: str, headline: str) -> dict:
    truncated = headline.endswith("…")
    return {
        "doc_id": doc,
        "site": "x",
        "headline": headline,
        "headline_key": headline.rstrip("…").lower(),
        "section": "Popular",
        "position": 1,
        "truncated": truncated,
        "load_id": load_id,
    }


def test_a_truncated_headline_counts_under_the_one_title_it_begins_and_links_its_article(layout):
    load_id = new_load_id()
    loads.stage(layout, load_id, "documents", "1", [_document(load_id, d) for d in "abc"])
    article = {
        "doc_id": "c",
        "source": "c.txt",
        "site": "x",
        "title": "Harbour budget approved after a long night",
        "title_key": "harbour budget approved after a long night",
        "body": "...",
        "n_words": 1,
        "load_id": load_id,
    }
    loads.stage(layout, load_id, "articles", "1", [article])
    mentions = [
        _mention(load_id, "a", "Harbour budget approved after…"),  # one completion
        _mention(load_id, "b", "Harbour budget approved after a long night"),
        _mention(load_id, "a", "Ferry timetable changes for…"),  # two completions: kept apart
        _mention(load_id, "b", "Ferry timetable changes for winter"),
        _mention(load_id, "b", "Ferry timetable changes for summer"),
    ]
    loads.stage(layout, load_id, "headline_mentions", "1", mentions)
    loads.publish(layout, load_id, _load_row(load_id))
    rows = run_query(
        layout, "SELECT headline, n_docs, article_doc_id FROM headlines ORDER BY headline"
    ).rows
    assert rows == [
        ("Ferry timetable changes for summer", 1, None),
        ("Ferry timetable changes for winter", 1, None),
        ("Ferry timetable changes for…", 1, None),
        ("Harbour budget approved after a long night", 2, "c"),
    ]


@pytest.mark.parametrize(
    ("sql", "message"),
    [
        ("CREATE TABLE t AS SELECT 1", "not CREATE"),
        ("DROP VIEW articles", "not DROP"),
        ("DELETE FROM articles", "not DELETE"),
        ("COPY (SELECT 1) TO '{root}/documents/evil.parquet'", "not COPY"),
        ("SELECT 1; COPY (SELECT 1) TO '/tmp/pagewash-evil.csv'", "not COPY"),
        ("ATTACH '{root}/../other.duckdb' AS other", "not ATTACH"),
        ("SET enable_external_access = true", "not SET"),
        ("INSTALL httpfs", "not LOAD"),
        ("SELECT * FROM read_text('/etc/hostname')", "Permission"),
        ("SELECT * FROM read_parquet('{root}/../*.parquet')", "Permission"),
    ],
)
def test_query_cannot_modify_the_warehouse_or_reach_other_files(layout, sql, message):
    before = _all_files(layout)
    with pytest.raises(QueryError, match=message):
        run_query(layout, sql.format(root=layout.sql_path(layout.root)))
    assert _all_files(layout) == before
    assert not layout.exists(posixpath.join(posixpath.dirname(layout.root), "other.duckdb"))


def test_query_on_a_missing_warehouse_says_so(tmp_path):
    with pytest.raises(QueryError, match="no warehouse"):
        run_query(Layout.at(tmp_path / "nothing"), "SELECT 1")


def test_second_writer_is_refused_with_a_clear_message(layout):
    busy = pytest.raises(WarehouseBusy, match=f"pid {os.getpid()}")
    with writer_lock(layout), busy, writer_lock(layout):
        pass


def test_a_lock_left_on_an_object_store_by_a_killed_writer_is_taken_over(s3_url):
    layout = Layout.at(s3_url)
    dead = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"],
        check=True,
        capture_output=True,
        text=True,
    )
    stale = {"host": socket.gethostname(), "pid": int(dead.stdout)}
    layout.fs.pipe_file(layout.lock, json.dumps(stale).encode())
    with writer_lock(layout):
        assert json.loads(layout.fs.cat_file(layout.lock))["pid"] == os.getpid()
    assert not layout.exists(layout.lock)
