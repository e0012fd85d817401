"""`pagewash run --dask-address`: the batch tasks run on a Dask cluster of worker processes
and load exactly what a local run loads."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.conftest import PAGEWASH, dask_cluster, write_corpus
from warehouse.layout import Layout
from warehouse.query import run_query

pytestmark = pytest.mark.slow

CONTENTS = {
    "documents": "SELECT doc_id, source, site, version, bytes FROM documents",
    "articles": "SELECT doc_id, source, site, title, body, n_words FROM articles",
    "lines": "SELECT doc_id, line_no, text, label, rule FROM lines",
    "duplicates": "SELECT doc_id, canonical_doc_id, method, similarity FROM duplicates",
    "quarantine": "SELECT source, content_hash, reason FROM quarantine",
}


def _contents(warehouse: Path) -> dict[str, list[tuple]]:
    layout = Layout.at(warehouse)
    return {name: sorted(run_query(layout, sql).rows) for name, sql in CONTENTS.items()}


def _run(source: Path, warehouse: Path, env: dict[str, str], *extra: str) -> None:
    command = [PAGEWASH, "run", str(source), "--warehouse", str(warehouse), "--batch-size", "100"]
    done = subprocess.run([*command, *extra], env=env, capture_output=True, timeout=300)
    assert done.returncode == 0, done.stderr.decode()[-3000:]


@pytest.fixture
def corpus(tmp_path) -> Path:
    """720 generated pages, an empty file, an exact copy on another site and an edited copy."""
    source = tmp_path / "inbox"
    write_corpus(source)
    first = sorted(source.glob("*/*.txt"))[0]
    (source / "copies").mkdir()
    shutil.copy(first, source / "copies" / "exact.txt")
    edited = first.read_text(encoding="utf-8") + "\nThis article was updated with a correction.\n"
    (source / "copies" / "edited.txt").write_text(edited, encoding="utf-8")
    return source


def test_a_run_on_a_dask_cluster_loads_what_a_local_run_loads(corpus, tmp_path, prefect_server):
    env = {**os.environ, "PREFECT_API_URL": prefect_server}
    with dask_cluster(prefect_server) as (cluster, client):
        _run(corpus, tmp_path / "dask", env, "--dask-address", cluster.scheduler_address)
        executed = client.run(lambda dask_worker: dask_worker.state.executed_count)
    _run(corpus, tmp_path / "local", env)

    # 1 discovery task and 8 clean batches of 100, all on the workers
    assert sum(executed.values()) == 9, executed
    local, dask = _contents(tmp_path / "local"), _contents(tmp_path / "dask")
    assert len(local["articles"]) == 721 and len(local["documents"]) == 722
    assert len(local["duplicates"]) == 1  # the edited copy
    for table in CONTENTS:
        assert dask[table] == local[table], table


def test_a_dask_address_without_a_prefect_server_is_refused_in_one_line(tmp_path):
    (tmp_path / "inbox").mkdir()
    env = {k: v for k, v in os.environ.items() if k != "PREFECT_API_URL"}
    command = [PAGEWASH, "run", str(tmp_path / "inbox"), "--dask-address", "tcp://127.0.0.1:1"]
    done = subprocess.run(command, env=env, capture_output=True, timeout=60)
    assert done.returncode == 2
    assert done.stderr.decode().splitlines() == [
        "pagewash: error: --dask-address needs a Prefect server: set PREFECT_API_URL"
    ]
