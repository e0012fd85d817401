"""The triggered ingest run as Prefect's UI shows it, in headless Chromium: the run's page and
its `ingest-summary` artifact's page, with screenshots kept in test-output/."""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from tests.conftest import REPO
from tests.e2e.deployment.server_api import Deployed, post
from warehouse.layout import Layout
from warehouse.query import run_query

pytestmark = pytest.mark.slow

TEST_OUTPUT = REPO / "test-output"
# As root on these machines: no sandbox, no GPU, and none of Chromium's own connections out
# (the closed network refuses them, many at a time).
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def _chromium() -> str:
    found = os.environ.get("CHROMIUM") or shutil.which("chromium")
    if found and os.access(found, os.X_OK):
        return found
    reason = (
        "no headless Chromium (`make test` installs Debian's chromium as root; or set CHROMIUM)"
    )
    if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
        pytest.fail(reason)  # CI must show the UI test, never skip it
    pytest.skip(reason)


def _render(url: str, screenshot: Path, expect: list[str], size: str = "1400,1000") -> str:
    """The visible text of ``url`` once headless Chromium has rendered it; a screenshot too.

    Virtual time stands still while the page's API calls are pending, so the budget counts
    only the page's own timers; a slower machine gets longer budgets until ``expect`` shows.
    """
    chromium = _chromium()
    screenshot.parent.mkdir(parents=True, exist_ok=True)
    text = ""
    for budget in (10_000, 20_000, 40_000):
        with tempfile.TemporaryDirectory() as profile:
            done = subprocess.run(
                [
                    chromium,
                    *CHROMIUM_FLAGS,
                    f"--user-data-dir={profile}",
                    f"--window-size={size}",
                    f"--virtual-time-budget={budget}",
                    f"--screenshot={screenshot}",
                    "--dump-dom",
                    url,
                ],
                capture_output=True,
                text=True,
                timeout=180,
            )
        assert done.returncode == 0, done.stderr[-3000:]
        body = BeautifulSoup(done.stdout, "html.parser").body  # not <title>: what is shown
        text = " ".join(body.get_text(" ").split()) if body else ""
        if all(item in text for item in expect):
            break
    print(f"screenshot of {url}: {screenshot}")
    return text


def _ui(deployed: Deployed) -> str:
    return deployed.api.removesuffix("/api")


def test_ui_run_page_shows_the_completed_run_and_its_summary_artifact(deployed, ingest_run):
    url = f"{_ui(deployed)}/v2/runs/flow-run/{ingest_run.id}?tab=Artifacts"
    shown = [ingest_run.name, "Completed", "scheduled-ingest", "ingest-summary", "lines-removed"]
    text = _render(url, TEST_OUTPUT / "ui-flow-run.png", shown)
    for item in shown:
        assert item in text, f"{item!r} not on {url}: {text[:2000]}"


def test_ui_artifact_page_shows_the_ingest_summary_of_the_load(deployed, ingest_run):
    body = {
        "artifacts": {
            "flow_run_id": {"any_": [ingest_run.id]},
            "key": {"any_": ["ingest-summary"]},
        }
    }
    [artifact] = post(deployed.api, "/artifacts/filter", body)
    [(load_id,)] = run_query(Layout.at(ingest_run.warehouse), "SELECT load_id FROM loads").rows
    url = f"{_ui(deployed)}/v2/artifacts/artifact/{artifact['id']}"
    shown = [f"pagewash load {load_id}", "files seen", "Lines removed by label", ingest_run.name]
    text = _render(url, TEST_OUTPUT / "ui-ingest-summary.png", shown, size="1400,1400")
    for item in shown:
        assert item in text, f"{item!r} not on {url}: {text[:2000]}"
