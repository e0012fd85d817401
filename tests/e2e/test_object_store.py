"""SOURCE and warehouse as fsspec URLs (s3://, against a local S3-compatible server: moto's
standalone server, started by the `s3_endpoint` fixture), JSON Lines shards on S3, and SOURCE
as a glob."""

from __future__ import annotations

import gzip
import json
import os
import subprocess

import fsspec
import pytest
import zstandard

from benchmarks.synthetic_pages import generate_corpus
from flows.ingest import ingest
from tests.conftest import PAGEWASH, SAMPLES, dask_cluster, warehouse_contents
from warehouse.layout import Layout
from warehouse.query import run_query

pytestmark = pytest.mark.slow


def test_pages_on_s3_ingested_into_an_s3_warehouse_equal_a_local_run_and_rerun_reads_nothing(
    prefect_harness, s3_url, tmp_path
):
    fs = fsspec.filesystem("s3")
    fs.put(f"{SAMPLES}/", f"{s3_url}/inbox/samples/", recursive=True)
    inbox, on_s3 = f"{s3_url}/inbox/samples", f"{s3_url}/wh"
    first = ingest(inbox, on_s3)
    assert (first.ingested, first.articles) == (14, 14)
    ingest(str(SAMPLES), str(tmp_path / "wh"))
    assert warehouse_contents(on_s3) == warehouse_contents(tmp_path / "wh")
    again = ingest(inbox, on_s3)  # unchanged objects: skipped by size and time, unread
    assert (again.ingested, again.skipped) == (0, 14)
    assert not fs.exists(f"{s3_url}/wh/_staging")
    assert not fs.exists(f"{s3_url}/wh/.lock")


def test_json_lines_shards_on_s3_ingested_into_an_s3_warehouse_equal_a_local_run(
    prefect_harness, s3_url, tmp_path
):
    inbox = tmp_path / "inbox"
    (inbox / "crawl").mkdir(parents=True)
    pages = [page.text for page in generate_corpus(n_sites=3, pages_per_site=10, seed=4)]
    shard = [
        json.dumps({"id": f"r{i}", "text": text}).encode() + b"\n" for i, text in enumerate(pages)
    ]
    (inbox / "crawl" / "plain.jsonl").write_bytes(b"".join(shard[:10]))
    (inbox / "packed.jsonl.gz").write_bytes(gzip.compress(b"".join(shard[10:20])))
    (inbox / "packed.jsonl.zst").write_bytes(zstandard.compress(b"".join(shard[20:])))
    fs = fsspec.filesystem("s3")
    fs.put(f"{inbox}/", f"{s3_url}/inbox/", recursive=True)
    first = ingest(f"{s3_url}/inbox", f"{s3_url}/wh")
    assert (first.files_seen, first.ingested, first.quarantined) == (3, 30, 0)
    ingest(str(inbox), str(tmp_path / "wh"))
    assert warehouse_contents(f"{s3_url}/wh") == warehouse_contents(tmp_path / "wh")
    again = ingest(f"{s3_url}/inbox", f"{s3_url}/wh")  # each shard as it was: skipped unread
    assert (again.ingested, again.skipped) == (0, 3)
    assert not fs.exists(f"{s3_url}/wh/_staging")


def test_a_glob_source_ingests_only_the_files_it_matches(prefect_harness, tmp_path):
    summary = ingest(f"{SAMPLES}/*/*.html", str(tmp_path / "wh"))
    html = sorted(p.relative_to(SAMPLES).as_posix() for p in SAMPLES.glob("*/*.html"))
    assert summary.files_seen == summary.ingested == len(html) >= 3
    stored = run_query(Layout.at(tmp_path / "wh"), "SELECT source, site, format FROM documents")
    assert sorted(stored.rows) == [(rel, rel.split("/")[0], "html") for rel in html]


def test_query_command_reads_an_s3_warehouse(prefect_harness, s3_url):
    ingest(str(SAMPLES / "valley-ledger"), f"{s3_url}/wh")
    sql = "SELECT count(*) AS n, count(DISTINCT site) AS sites FROM articles"
    done = subprocess.run(
        [PAGEWASH, "query", sql, "--warehouse", f"{s3_url}/wh", "--format", "json"],
        capture_output=True,
        text=True,
        timeout=120,
        env=os.environ,  # carries the S3 endpoint and credentials of the fixture
    )
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == [{"n": 4, "sites": 1}]


def test_a_dask_cluster_reads_s3_pages_into_an_s3_warehouse_as_a_local_run_does(
    prefect_server, s3_url, tmp_path
):
    fs = fsspec.filesystem("s3")
    fs.put(f"{SAMPLES}/", f"{s3_url}/inbox/samples/", recursive=True)
    env = {**os.environ, "PREFECT_API_URL": prefect_server}
    with dask_cluster(prefect_server) as (cluster, client):
        command = [PAGEWASH, "run", f"{s3_url}/inbox/samples", "--warehouse", f"{s3_url}/wh"]
        command += ["--batch-size", "5", "--dask-address", cluster.scheduler_address]
        done = subprocess.run(command, env=env, capture_output=True, timeout=300)
        assert done.returncode == 0, done.stderr.decode()[-3000:]
        executed = client.run(lambda dask_worker: dask_worker.state.executed_count)
    assert sum(executed.values()) >= 2  # discovery and cleaning ran on the workers
    local = subprocess.run(
        [PAGEWASH, "run", str(SAMPLES), "--warehouse", str(tmp_path / "wh")],
        env=env,
        capture_output=True,
        timeout=300,
    )
    assert local.returncode == 0, local.stderr.decode()[-3000:]
    assert warehouse_contents(f"{s3_url}/wh") == warehouse_contents(tmp_path / "wh")
