"""Rows staged as they come: a chunk's rows a row group at a time, a DuckDB result as a
stream; a file appears whole when done, or not at all."""

from __future__ import annotations

from datetime import UTC, datetime

import duckdb
import pyarrow.parquet as pq

from runtime import clean_chunks
from runtime.clean_chunks import clean_chunk
from runtime.settings import Limits
from transforms.keys import doc_id
from warehouse import loads
from warehouse.layout import Layout, new_load_id
from warehouse.parquet_files import to_table
from warehouse.work_items import SourceFile, WorkItem

NOW = datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)


def _document(load_id: str, source: str) -> dict:
    return {
        "doc_id": source,
        "source": source,
        "version": 1,
        "site": "s",
        "format": "text",
        "bytes": 1,
        "ingested_at": NOW,
        "load_id": load_id,
    }


def test_a_chunks_rows_are_staged_a_row_group_at_a_time_and_appear_only_when_closed(tmp_path):
    layout = Layout.at(tmp_path / "wh")
    load_id = new_load_id()
    stager = loads.Stager(layout, load_id, "documents", "1")
    stager.add([_document(load_id, f"{i}.txt") for i in range(3)])
    stager._flush()  # as a full row group would
    stager.add([_document(load_id, "3.txt")])
    assert loads.staged_files(layout, load_id, "documents") == []
    assert stager.close() == 4
    [path] = loads.staged_files(layout, load_id, "documents")
    assert pq.read_metadata(path).num_row_groups == 2
    assert pq.read_table(path) == to_table(
        "documents", [_document(load_id, f"{i}.txt") for i in range(4)]
    )
    failed = loads.Stager(layout, load_id, "documents", "2")
    failed.add([_document(load_id, "4.txt")])
    failed._flush()
    failed.abort()  # a chunk that fails leaves no part of its rows
    assert loads.staged_files(layout, load_id, "documents") == [path]
    assert not list((tmp_path / "wh").rglob(".*.tmp"))


def test_a_duckdb_result_is_staged_as_a_stream_and_nothing_when_it_is_empty(tmp_path):
    layout = Layout.at(tmp_path / "wh")
    load_id = new_load_id()
    with duckdb.connect() as con:
        sql = "SELECT range::VARCHAR AS body_key, 1 AS band, 2 AS bucket, 'L' AS load_id"
        sql += " FROM range(250)"
        staged = loads.stage_batches(
            layout, load_id, "bands", "1", con.sql(sql).to_arrow_reader(100)
        )
        assert staged is not None and pq.read_table(staged).num_rows == 250
        empty = con.sql(sql + " WHERE false").to_arrow_reader(100)
        assert loads.stage_batches(layout, load_id, "signatures", "1", empty) is None
    assert loads.staged_files(layout, load_id, "signatures") == []


def test_a_chunk_stages_the_same_rows_whether_handed_over_at_once_or_in_pieces(
    tmp_path, monkeypatch
):
    pages = tmp_path / "in"
    pages.mkdir()
    items = []
    for i in range(5):
        text = f"Page {i}\n\nThe harbour board met on day {i} to talk about the pier repairs.\n"
        path = pages / f"{i}.txt"
        path.write_text(text)
        key = doc_id(text.encode())
        file = SourceFile(str(path), f"{i}.txt", "in", "text", len(text))
        items.append(WorkItem(key, (file,), False))

    def staged(name: str, every: int) -> dict[str, list[dict]]:
        monkeypatch.setattr(clean_chunks, "ROWS_EVERY", every)
        layout = Layout.at(tmp_path / name)
        counts = clean_chunk(items, 0, layout, "L", "1", NOW, Limits())
        assert (counts.documents, counts.articles) == (5, 5)
        return {
            table: pq.read_table(path).to_pylist()
            for table in ("documents", "articles", "lines", "signatures", "bands")
            for path in loads.staged_files(layout, "L", table)
        }

    assert staged("pieces", 2) == staged("whole", 100)
