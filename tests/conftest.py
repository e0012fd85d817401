"""Shared fixtures: one Prefect test harness per session, paths to bundled data."""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
import pytest
from hypothesis import settings

from runtime.settings import apply_prefect_defaults

# The suite is deterministic: the same generated examples every run. Setting
# PAGEWASH_HYPOTHESIS_EXAMPLES explores new random examples instead (see README, Tests).
settings.register_profile("fixed", derandomize=True, print_blob=True)
settings.register_profile("explore", print_blob=True)
settings.load_profile("explore" if os.environ.get("PAGEWASH_HYPOTHESIS_EXAMPLES") else "fixed")

REPO = Path(__file__).resolve().parents[1]
SAMPLES = REPO / "samples"
SEEDS = REPO.parent / "shared" / "seeds"
PAGEWASH = str(Path(sys.executable).with_name("pagewash"))

# Under `make test` (pytest-xdist, `--dist loadscope`) each module runs whole on one worker,
# so its module fixtures are built once; so does each package of SHARED_PACKAGES, whose
# modules share package fixtures (one deploy). Whole modules are handed out in collection
# order (`--no-loadscope-reorder`), which workers sort: the longest (measured, each a minute
# or more on the 2-core machines) first, then the other slow ones, so that no long module
# starts last while the other worker sits idle.
SHARED_PACKAGES = ("tests/e2e/deployment/",)
LONGEST_FIRST = (
    "tests/e2e/test_killed_runs.py",
    "tests/flows/test_maintenance.py",
    "tests/e2e/deployment/",
    "tests/e2e/test_object_store.py",
    "tests/e2e/test_serve.py",
    "tests/e2e/test_killed_shard_runs.py",
    "tests/flows/test_bad_inputs.py",
    "tests/e2e/test_stopped_runs.py",
)


def _schedule_rank(item: pytest.Item) -> tuple[int, int]:
    path = item.nodeid.split("::")[0]
    for rank, prefix in enumerate(LONGEST_FIRST):
        if path.startswith(prefix):
            return (0, rank)
    return (1, 0) if item.get_closest_marker("slow") else (2, 0)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if os.environ.get("PYTEST_XDIST_WORKER"):  # only under xdist: alone, the usual order
        items.sort(key=_schedule_rank)  # stable: each module keeps its own order


@pytest.hookimpl(optionalhook=True)
def pytest_xdist_make_scheduler(config: pytest.Config, log: Any) -> Any:
    """xdist's `loadscope` with SHARED_PACKAGES as one scope each. (Its `loadgroup`, which
    would read `xdist_group` marks, groups nothing under pytest 9.2: xdist 3.8 renames the
    items through an attribute pytest no longer reads.)"""
    if config.getvalue("dist") != "loadscope":
        return None
    from xdist.scheduler import LoadScopeScheduling

    class SharedPackageScheduling(LoadScopeScheduling):
        def _split_scope(self, nodeid: str) -> str:
            module = nodeid.split("::")[0]
            return next((p for p in SHARED_PACKAGES if module.startswith(p)), module)

    return SharedPackageScheduling(config, log)


@pytest.fixture(scope="session")
def prefect_harness() -> Iterator[None]:
    """A real Prefect engine and temporary server for the whole session (~13 s once)."""
    apply_prefect_defaults()
    from prefect.testing.utilities import prefect_test_harness

    with prefect_test_harness(server_startup_timeout=120):
        yield


@pytest.fixture(scope="session")
def prefect_server(tmp_path_factory) -> Iterator[str]:
    """A real `prefect server start` on a free loopback port (about 10 s to start).

    Its scheduler loops every 2 s instead of 60, so scheduled runs start within the test. Its
    UI is told this port: it would otherwise call the API on the default port 4200.
    """
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    env = {
        **os.environ,
        "PREFECT_HOME": str(tmp_path_factory.mktemp("prefect-home")),
        "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
        "DO_NOT_TRACK": "1",
        "PREFECT_SERVER_SERVICES_SCHEDULER_LOOP_SECONDS": "2",
        "PREFECT_UI_API_URL": f"http://127.0.0.1:{port}/api",
    }
    env.pop("PREFECT_API_URL", None)
    prefect = str(Path(sys.executable).with_name("prefect"))
    command = [prefect, "server", "start", "--host", "127.0.0.1", "--port", str(port)]
    server = subprocess.Popen(
        command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    url = f"http://127.0.0.1:{port}/api"
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            try:
                if httpx.get(f"{url}/health", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.5)
        else:
            raise RuntimeError("prefect server did not answer within 120 s")
        yield url
    finally:
        server.terminate()
        server.wait(timeout=60)


@pytest.fixture
def server_env(prefect_harness) -> dict[str, str]:
    """Environment for child `pagewash` processes: use the harness's server, so they do not
    each start a temporary server of their own (10-30 s each)."""
    from prefect.settings import PREFECT_API_URL

    return {**os.environ, "PREFECT_API_URL": str(PREFECT_API_URL.value())}


@contextmanager
def dask_cluster(prefect_api: str) -> Iterator[tuple[Any, Any]]:
    """A ``LocalCluster`` of 2 single-threaded worker processes and a client to it.

    Each worker gets the real Prefect server's URL (without it, it would start a temporary
    Prefect server of its own and record its task runs there) and this process's AWS settings
    (the tests' S3 server)."""
    from distributed import Client, LocalCluster

    aws = {key: value for key, value in os.environ.items() if key.startswith("AWS_")}
    worker_env = {"PREFECT_API_URL": prefect_api, "DO_NOT_TRACK": "1", **aws}
    with (
        LocalCluster(
            n_workers=2,
            processes=True,
            threads_per_worker=1,
            dashboard_address=None,
            env=worker_env,
        ) as cluster,
        Client(cluster) as client,
    ):
        yield cluster, client


def write_corpus(folder: Path, n_sites: int = 12, pages_per_site: int = 60) -> None:
    """Generated pages in one folder per site, plus an empty file to quarantine."""
    from benchmarks.synthetic_pages import generate_corpus

    for page in generate_corpus(n_sites=n_sites, pages_per_site=pages_per_site, seed=5):
        path = folder / page.site / page.name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(page.text, encoding="utf-8")
    (folder / "empty.txt").write_bytes(b"")


# Every table's content, less what differs between two runs of the same pages (load ids, times).
CONTENT_QUERIES = {
    "documents": "SELECT doc_id, source, site, format, bytes FROM documents",
    "articles": "SELECT doc_id, source, site, title, body, n_words FROM articles",
    "lines": "SELECT doc_id, line_no, text, label, rule FROM lines",
    "headline_mentions": "SELECT doc_id, site, headline, section, position FROM headline_mentions",
    "quarantine": "SELECT source, content_hash, reason, detail FROM quarantine",
    "headlines": "SELECT headline_key, headline, n_docs, n_sites, first_seen_doc FROM headlines",
    "duplicates": "SELECT doc_id, canonical_doc_id, method FROM duplicates",
}


def warehouse_contents(warehouse: str | Path) -> dict[str, list[tuple]]:
    """``CONTENT_QUERIES`` run on the warehouse at ``warehouse``, each result sorted."""
    from warehouse.layout import Layout
    from warehouse.query import run_query

    layout = Layout.at(warehouse)
    return {name: sorted(run_query(layout, sql).rows) for name, sql in CONTENT_QUERIES.items()}


def article_count(warehouse: Path) -> int:
    """How many articles the warehouse shows (0 before its first load is recorded)."""
    from warehouse.layout import Layout
    from warehouse.query import QueryError, run_query

    try:
        return run_query(Layout.at(warehouse), "SELECT count(*) FROM articles").rows[0][0]
    except QueryError:  # no load recorded yet
        return 0


def wait_for(condition: Any, seconds: float) -> bool:
    """Whether ``condition()`` came true within ``seconds`` (polled twice a second)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.5)
    return False


def descendants(pid: int) -> set[int]:
    """Every process below ``pid`` (Linux /proc), whatever session or group it is in."""
    found: set[int] = set()
    todo = [pid]
    while todo:
        for children in Path(f"/proc/{todo.pop()}/task").glob("*/children"):
            try:
                new = {int(c) for c in children.read_text().split()} - found
            except OSError:  # that thread or process has just gone
                continue
            found |= new
            todo.extend(new)
    return found


def cmdline(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
    except OSError:
        return ""


def left_behind(command: list[str], env: dict[str, str], stop: int, spawned: int) -> list[str]:
    """Start ``command``; once ``spawned`` multiprocessing processes run below it (its pool
    workers are cleaning), stop it with the signal ``stop``; the processes it started that
    are still running 5 s after it ended (none, unless one outlives it)."""
    from runtime.lifeline import alive

    process = subprocess.Popen(
        command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    started: set[int] = set()
    try:

        def cleaning() -> bool:
            started.update(descendants(process.pid))
            return sum("spawn_main" in cmdline(pid) for pid in started) >= spawned

        assert wait_for(cleaning, 180), "no run started its pool workers"
        process.send_signal(stop)
        process.wait(timeout=60)
    finally:
        if process.poll() is None:
            process.kill()
    wait_for(lambda: not any(alive(pid) for pid in started), 5)
    return [f"{pid} {cmdline(pid)}" for pid in sorted(started) if alive(pid)]


@pytest.fixture(scope="session")
def long_inbox(tmp_path_factory) -> Path:
    """4,501 pages: a run of about 15 s, so a stop lands in the middle of it. Read only."""
    inbox = tmp_path_factory.mktemp("long") / "inbox"
    write_corpus(inbox, n_sites=30, pages_per_site=150)
    return inbox


STOPS = pytest.mark.parametrize(
    "stop", [signal.SIGTERM, signal.SIGINT, signal.SIGKILL], ids=["SIGTERM", "Ctrl-C", "SIGKILL"]
)


def start_run(source: Path, warehouse: Path, env: dict[str, str]) -> subprocess.Popen[bytes]:
    """`pagewash run` in its own process, its log readable on ``stderr``."""
    command = [PAGEWASH, "run", str(source), "--warehouse", str(warehouse), "--batch-size", "100"]
    return subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)


@pytest.fixture
def seeds() -> Path:
    if not SEEDS.is_dir():
        pytest.skip("../shared/seeds is not beside this checkout")
    return SEEDS


S3_BUCKET = "pagewash-test"
S3_CREDENTIALS = {
    "AWS_ACCESS_KEY_ID": "pagewash-test",
    "AWS_SECRET_ACCESS_KEY": "pagewash-test",
    "AWS_DEFAULT_REGION": "us-east-1",
}


@pytest.fixture(scope="session")
def s3_endpoint() -> Iterator[str]:
    """A local S3-compatible server (moto's standalone server) on a free loopback port, with
    the AWS variables that point boto/s3fs at it set for this process and its children."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    moto = str(Path(sys.executable).with_name("moto_server"))
    server = subprocess.Popen(
        [moto, "-H", "127.0.0.1", "-p", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    env = {**S3_CREDENTIALS, "AWS_ENDPOINT_URL": url}
    saved = {key: os.environ.get(key) for key in env}
    os.environ.update(env)
    from s3fs import S3FileSystem

    S3FileSystem.clear_instance_cache()  # fsspec would reuse a client made for another endpoint
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                httpx.get(url, timeout=1)
                break
            except httpx.HTTPError:
                assert time.monotonic() < deadline, "moto_server did not start within 60 s"
                time.sleep(0.2)
        yield url
    finally:
        server.terminate()
        server.wait(timeout=30)
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


@pytest.fixture
def s3_url(s3_endpoint, request) -> str:
    """A fresh ``s3://`` prefix in a bucket of the local S3 server."""
    import fsspec

    fs = fsspec.filesystem("s3")
    if not fs.exists(S3_BUCKET):
        fs.mkdir(S3_BUCKET)
    name = re.sub(r"[^A-Za-z0-9]+", "-", request.node.name)[:60]
    return f"s3://{S3_BUCKET}/{name}-{time.time_ns()}"
