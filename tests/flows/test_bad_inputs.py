"""The bad-input matrix: one real flow run over good pages mixed with every kind of junk.

Each bad input is either decoded and ingested, or quarantined with a specific reason; the
rest of the run succeeds, and `documents` + `quarantine` account for every input file.
"""

from __future__ import annotations

import codecs
import gzip
import json
import os
import shutil
from pathlib import Path

import pytest

from flows.ingest import ingest
from tests.conftest import SAMPLES
from warehouse.layout import Layout
from warehouse.query import run_query

pytestmark = [pytest.mark.slow, pytest.mark.usefixtures("prefect_harness")]

PARAGRAPH = "The harbour council met on Tuesday and voted to repair the old pier before winter. "
QUARANTINED = {
    "empty.txt": "empty",
    "blank.txt": "blank",
    "nuls.txt": "binary",  # 4% NUL bytes
    "photo.txt": "binary",
    "link-outside.txt": "outside_source",
    "dangling-link.txt": "unreadable",
    "pipe.txt": "not_a_file",
    "not-gzip.txt.gz": "bad_gzip",
    "bomb.txt.gz": "too_large",
    "feed.jsonl#L3": "bad_json_line",
    "feed.jsonl#L4": "bad_json_line",
    "feed.jsonl#L5": "bad_json_line",
}
INGESTED = {  # file -> a phrase its article body must contain after decoding
    "latin1.txt": "café crème",
    "cp1252.txt": "It’s a “quoted” word",
    "utf16.txt": "Grüße aus Köln",
    "mojibake.txt": "It’s already broken",
    "one-line.txt": PARAGRAPH.strip(),
    "one-nul.txt": "voted to repair",  # a stray NUL is no binary file (issue 16)
    "deep.html": "deep inside",
    "malformed.html": "unclosed tags",
    "with space.txt": "space in the name",
    "ünïcödé.txt": "unicode name",
    "new\nline.txt": "newline in the name",
    "fifty-mb.txt": "fifty megabytes",
    "feed.jsonl#r1": "first record",
    "feed.jsonl#r2": "second record",
    "feed.jsonl#7": "record without id",
    "feed.jsonl.gz#z1": "packed record",
    "page.html.gz": "packed page",
}


def _make_inbox(root: Path, outside: Path) -> Path:
    inbox = root / "inbox"
    shutil.copytree(SAMPLES / "orchard-notes", inbox / "good")
    body = PARAGRAPH * 3
    files: dict[str, bytes] = {
        "empty.txt": b"",
        "blank.txt": b" \n\t \r\n",
        "one-nul.txt": (body + "\x00" + body).encode(),
        "nuls.txt": (body + "\x00" * 20 + body).encode(),
        "photo.txt": b"\x89PNG\r\n\x1a\n" + os.urandom(2048),
        "latin1.txt": ("Menu\n\n" + body + " café crème.").encode("latin-1"),
        "cp1252.txt": ("Title\n\n" + body + " It’s a “quoted” word.").encode("cp1252"),
        "utf16.txt": codecs.BOM_UTF16_LE + (body + " Grüße aus Köln.").encode("utf-16-le"),
        "mojibake.txt": (body + " It’s already broken.").encode().decode("cp1252").encode(),
        "one-line.txt": (PARAGRAPH * 60_000).encode(),  # a single 5 MB line
        "deep.html": (
            "<div>" * 100_000 + f"<p>{body} deep inside.</p>" + "</div>" * 100_000
        ).encode(),
        "malformed.html": f"<p>{body} unclosed tags <b>bold <div>more</span></td>".encode(),
        "with space.txt": (body + " space in the name.").encode(),
        "ünïcödé.txt": (body + " unicode name.").encode(),
        "new\nline.txt": (body + " newline in the name.").encode(),
        # the marker opens the page: the line model keeps about half of a page of thousands
        # of identical paragraphs, from the top (a known limit, README "How pages are cleaned")
        "fifty-mb.txt": f"That was fifty megabytes of council news. {body}\n\n".encode()
        + "\n\n".join(f"Part {i}. {body}" for i in range(50 * 2**20 // (len(body) + 12))).encode(),
        "not-gzip.txt.gz": body.encode(),
        "bomb.txt.gz": gzip.compress(b" " * (65 * 2**20)),
        "page.html.gz": gzip.compress(f"<p>{body} packed page.</p>".encode()),
        "feed.jsonl": b"\n".join(
            [
                json.dumps(
                    {
                        "id": "r1",
                        "text": body + " first record.",
                        "url": "https://www.news.example/a",
                    }
                ).encode(),
                json.dumps(
                    {"html": f"<h1>Pier</h1><p>{body} second record.</p>", "id": "r2"}
                ).encode(),
                b'{"id": "broken", "text": "no closing brace"',
                b'["a list, not an object"]',
                json.dumps({"id": "r5", "body": "no text or html field"}).encode(),
                b"",
                json.dumps({"text": body + " record without id.", "title": "Given title"}).encode(),
            ]
        ),
        "feed.jsonl.gz": gzip.compress(
            json.dumps({"id": "z1", "text": body + " packed record."}).encode()
        ),
    }
    for name, data in files.items():
        (inbox / name).write_bytes(data)
    (outside / "secret.txt").write_text(body + " secret", encoding="utf-8")
    (inbox / "link-outside.txt").symlink_to(outside / "secret.txt")
    (inbox / "dangling-link.txt").symlink_to(inbox / "no-such-file.txt")
    os.mkfifo(inbox / "pipe.txt")
    return inbox


def test_every_bad_input_is_ingested_or_quarantined_with_a_reason(tmp_path):
    outside = tmp_path / "outside"
    outside.mkdir()
    inbox = _make_inbox(tmp_path, outside)
    warehouse = tmp_path / "wh"
    layout = Layout.at(warehouse)

    summary = ingest(str(inbox), str(warehouse))

    n_pages = 3 + len(QUARANTINED) + len(INGESTED)
    records = [name for name in {**QUARANTINED, **INGESTED} if "#" in name]
    n_files = n_pages - len(records) + len({name.split("#")[0] for name in records})
    assert summary.files_seen == n_files
    quarantine = dict(run_query(layout, "SELECT source, reason FROM quarantine").rows)
    assert quarantine == QUARANTINED
    bodies = dict(run_query(layout, "SELECT source, body FROM articles").rows)
    for name, phrase in INGESTED.items():
        assert phrase in bodies[name], name
    assert "secret" not in "".join(bodies.values())
    stored = run_query(layout, "SELECT count(DISTINCT source) FROM documents").rows[0][0]
    assert stored + len(quarantine) == n_pages
    sites = dict(run_query(layout, "SELECT source, site FROM documents").rows)
    assert sites["feed.jsonl#r1"] == "news.example" and sites["feed.jsonl#r2"] == "inbox"
    titles = dict(run_query(layout, "SELECT source, title FROM articles").rows)
    assert titles["feed.jsonl#7"] == "Given title" and titles["feed.jsonl#r2"] == "Pier"

    again = ingest(str(inbox), str(warehouse))
    # every file skipped: the JSON Lines files unread, with their stats when last read
    assert (again.skipped, again.ingested, again.quarantined) == (n_files, 0, 0)
    with (inbox / "feed.jsonl").open("ab") as feed:  # a feed that grows: read again
        feed.write(b"\n" + json.dumps({"id": "r9", "text": PARAGRAPH + " late."}).encode())
    grown = ingest(str(inbox), str(warehouse))
    assert (grown.ingested, grown.quarantined) == (1, 0)
    assert "feed.jsonl#r9" in dict(run_query(layout, "SELECT source, body FROM articles").rows)


def test_a_page_over_the_time_limit_is_quarantined_and_the_rest_ingested(tmp_path):
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    (inbox / "good.txt").write_text(PARAGRAPH * 3, encoding="utf-8")
    (inbox / "million-tags.html").write_text("<p>x <b>y</b></p>" * 500_000, encoding="utf-8")
    summary = ingest(str(inbox), str(tmp_path / "wh"), max_page_seconds=1)
    assert (summary.ingested, summary.quarantined) == (1, 1)
    [(source, reason, detail)] = run_query(
        Layout.at(tmp_path / "wh"), "SELECT source, reason, detail FROM quarantine"
    ).rows
    assert (source, reason, detail) == ("million-tags.html", "too_slow", "cleaning took over 1 s")


def test_file_changed_or_deleted_after_discovery_is_quarantined_not_fatal(tmp_path):
    from datetime import UTC, datetime

    from runtime.clean_chunks import rows_for_items
    from runtime.settings import Limits
    from transforms.keys import doc_id
    from warehouse.work_items import SourceFile, WorkItem

    path = tmp_path / "page.txt"
    path.write_bytes(PARAGRAPH.encode() * 3)
    item = WorkItem(
        doc_id(path.read_bytes()),
        (SourceFile(str(path), "page.txt", "s", "text", 1),),
        stored=False,
    )
    path.write_bytes(PARAGRAPH.encode())  # truncated by the scraper meanwhile
    changed = rows_for_items([item], "L1", datetime.now(UTC), Limits()).tables["quarantine"]
    path.unlink()  # and then deleted
    gone = rows_for_items([item], "L1", datetime.now(UTC), Limits()).tables["quarantine"]
    assert [r["reason"] for r in changed + gone] == ["changed_while_reading", "unreadable"]


def test_a_page_that_breaks_the_models_batch_is_quarantined_alone(tmp_path, monkeypatch):
    from datetime import UTC, datetime

    from runtime import clean_chunks
    from runtime.settings import Limits
    from transforms.keys import doc_id
    from warehouse.work_items import SourceFile, WorkItem

    real = clean_chunks.build_documents

    def breaks_on_poison(pages):  # the real labeler, failing as a model error would
        if any("POISON" in text for page in pages for text in page.page.evidence.texts):
            raise ValueError("a page the model cannot read")
        return real(pages)

    monkeypatch.setattr(clean_chunks, "build_documents", breaks_on_poison)
    items = []
    for name, text in [("a.txt", PARAGRAPH * 3), ("b.txt", "POISON " + PARAGRAPH * 3)]:
        (tmp_path / name).write_text(text, encoding="utf-8")
        raw = (tmp_path / name).read_bytes()
        source = SourceFile(str(tmp_path / name), name, "s", "text", len(raw))
        items.append(WorkItem(doc_id(raw), (source,), stored=False))
    rows = clean_chunks.rows_for_items(items, "L1", datetime.now(UTC), Limits()).tables
    assert [r["source"] for r in rows["articles"]] == ["a.txt"]
    assert [(r["source"], r["reason"]) for r in rows["quarantine"]] == [
        ("b.txt", "cleaning_failed")
    ]
