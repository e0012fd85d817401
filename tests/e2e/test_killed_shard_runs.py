"""SIGKILL `pagewash run` over JSON Lines shards (one plain, one zstd-packed) while their
pieces are read and their records cleaned; the next run must leave exactly what one clean run
leaves."""

from __future__ import annotations

import json

import pytest
import zstandard

from tests.conftest import warehouse_contents, write_corpus
from tests.e2e.kills import KILLS, kill_runs_then_rerun

pytestmark = pytest.mark.slow


def test_runs_killed_in_the_middle_of_shards_then_one_rerun_equal_one_clean_run(
    tmp_path, server_env
):
    """The same pages as two JSON Lines shards (one plain, one zstd-packed), killed while
    their pieces are read and their records cleaned."""
    pages = tmp_path / "pages"
    write_corpus(pages)
    source = tmp_path / "shards"
    source.mkdir()
    shards = [bytearray(), bytearray()]
    for i, path in enumerate(sorted(p for p in pages.rglob("*.txt") if p.stat().st_size)):
        name = path.relative_to(pages).as_posix()
        record = {"id": name, "url": f"https://{path.parent.name}/{path.name}"}
        record["text"] = path.read_text(encoding="utf-8")
        shards[i % 2] += json.dumps(record).encode() + b"\n"
    (source / "plain.jsonl").write_bytes(shards[0])
    (source / "packed.jsonl.zst").write_bytes(zstandard.compress(bytes(shards[1])))
    clean = kill_runs_then_rerun(source, tmp_path, server_env, KILLS // 2)
    want = warehouse_contents(clean)
    assert len(want["documents"]) == 720 and not want["quarantine"]
