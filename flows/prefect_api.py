"""Check, before a run, that the Prefect server named by PREFECT_API_URL answers; or start
Prefect's embedded server under a guard, when none is named."""

from __future__ import annotations

import httpx

HEALTH_TIMEOUT_SECONDS = 10


def unreachable_reason(api_url: str) -> str | None:
    """None when ``{api_url}/health`` answers, else a one-line explanation for the user."""
    url = api_url.rstrip("/") + "/health"
    try:
        httpx.get(url, timeout=HEALTH_TIMEOUT_SECONDS).raise_for_status()
    except httpx.HTTPError as err:
        return (
            f"the Prefect server at {api_url} is not reachable ({type(err).__name__}); "
            "start it with `prefect server start`, or unset PREFECT_API_URL to use an "
            "embedded one"
        )
    return None


def start_embedded_server() -> None:
    """Start Prefect's embedded (temporary) server now, as its client would on first use,
    and a guard that stops it when this process is gone, however it goes (runtime.lifeline);
    call after ``settings.apply_prefect_defaults``."""
    from prefect.server.api.server import SubprocessASGIServer

    from runtime.lifeline import start_guard

    server = SubprocessASGIServer()  # the one instance Prefect's own clients use
    server.start()
    if server.server_process is not None:
        start_guard(server.server_process.pid)
