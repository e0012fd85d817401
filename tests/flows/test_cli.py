"""The ``pagewash`` command as a user types it."""

from __future__ import annotations

import csv
import io
import json
import subprocess
from contextlib import redirect_stderr, redirect_stdout
from pathlib import Path

import pytest

from flows.cli import main
from flows.ingest import ingest
from tests.conftest import PAGEWASH, SEEDS


def _call(argv: list[str]) -> tuple[int, str, str]:
    """Run the CLI in-process; Prefect's log handler keeps the real stderr, so no capsys."""
    out, err = io.StringIO(), io.StringIO()
    with redirect_stdout(out), redirect_stderr(err):
        code = main(argv)
    return code, out.getvalue(), err.getvalue()


@pytest.fixture(scope="module")
def warehouse(prefect_harness, tmp_path_factory) -> Path:
    if not SEEDS.is_dir():
        pytest.skip("../shared/seeds is not beside this checkout")
    wh = tmp_path_factory.mktemp("cli") / "wh"
    ingest(str(SEEDS), str(wh))
    return wh


@pytest.mark.slow
def test_run_command_ingests_and_prints_a_summary(seeds, tmp_path):
    """The installed console script, in its own process with Prefect's embedded server."""
    done = subprocess.run(
        [PAGEWASH, "run", str(seeds), "--warehouse", str(tmp_path / "wh")],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert "files seen   5" in done.stdout and "ingested     5 (5 new articles)" in done.stdout
    assert "sidebar_headline 30" in done.stdout
    assert "clean batch 1/1" in done.stderr  # progress is logged while it works


@pytest.mark.slow
def test_warehouse_defaults_to_the_environment_variable(
    seeds, tmp_path, prefect_harness, monkeypatch
):
    monkeypatch.setenv("PAGEWASH_WAREHOUSE", str(tmp_path / "from-env"))
    assert main(["run", str(seeds)]) == 0
    assert (tmp_path / "from-env" / "pagewash.duckdb").exists()


@pytest.mark.slow
def test_query_prints_table_csv_and_json(warehouse):
    sql = "SELECT site, count(*) AS n FROM articles GROUP BY site"
    code, out, _ = _call(["query", sql, "--warehouse", str(warehouse)])
    table = out.splitlines()
    assert code == 0 and table[0].split() == ["site", "n"] and table[2].split() == ["seeds", "5"]
    assert table[-1] == "(1 row)"
    code, out, _ = _call(["query", sql, "--warehouse", str(warehouse), "--format", "csv"])
    assert list(csv.reader(io.StringIO(out))) == [["site", "n"], ["seeds", "5"]]
    code, out, _ = _call(["query", sql, "--warehouse", str(warehouse), "--format", "json"])
    assert json.loads(out) == [{"site": "seeds", "n": 5}]


@pytest.mark.slow
def test_query_errors_are_one_line_without_traceback(warehouse):
    for sql in ("SELEC oops", "SELECT * FROM no_such_table", "DROP VIEW articles"):
        code, _, err = _call(["query", sql, "--warehouse", str(warehouse)])
        assert code == 1
        assert err.startswith("pagewash: error: ") and err.count("\n") == 1, err


def test_run_on_a_missing_source_fails_clearly(tmp_path, capsys):
    assert main(["run", str(tmp_path / "missing"), "--warehouse", str(tmp_path / "wh")]) == 2
    assert (
        capsys.readouterr().err
        == f"pagewash: error: SOURCE {tmp_path / 'missing'} is not a folder\n"
    )


def test_run_on_an_unreachable_object_store_fails_clearly(tmp_path, capsys, monkeypatch):
    from s3fs import S3FileSystem

    monkeypatch.setenv("AWS_ENDPOINT_URL", "http://127.0.0.1:9")  # nothing listens there
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "x")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "x")
    monkeypatch.setenv("AWS_MAX_ATTEMPTS", "1")
    S3FileSystem.clear_instance_cache()  # fsspec reuses clients, whatever the environment
    try:
        code = main(["run", "s3://nowhere/inbox", "--warehouse", str(tmp_path / "wh")])
    finally:
        S3FileSystem.clear_instance_cache()  # later tests must not get this endpoint's client
    assert code == 2
    err = capsys.readouterr().err
    assert err.startswith("pagewash: error: cannot read SOURCE s3://nowhere/inbox: ")
    assert err.count("\n") == 1


def test_console_script_is_installed_and_queries(tmp_path):
    done = subprocess.run(
        [PAGEWASH, "query", "SELECT 1", "--warehouse", str(tmp_path / "none")],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 1
    assert (
        done.stderr.strip()
        == f"pagewash: error: no warehouse at {tmp_path / 'none'}: run `pagewash run SOURCE` first"
    )


def test_run_into_an_unwritable_warehouse_fails_clearly(seeds, tmp_path, capsys):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    assert main(["run", str(seeds), "--warehouse", str(blocker / "wh")]) == 1
    err = capsys.readouterr().err
    assert err == f"pagewash: error: cannot write the warehouse {blocker / 'wh'}: Not a directory\n"


def test_run_against_an_unreachable_prefect_server_fails_clearly(
    seeds, tmp_path, monkeypatch, capsys
):
    monkeypatch.setenv("PREFECT_API_URL", "http://127.0.0.1:9/api")
    assert main(["run", str(seeds), "--warehouse", str(tmp_path / "wh")]) == 1
    err = capsys.readouterr().err
    assert err.startswith("pagewash: error: the Prefect server at http://127.0.0.1:9/api is not")
    assert err.count("\n") == 1
