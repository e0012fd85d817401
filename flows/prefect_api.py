"""Check, before a run, that the Prefect server named by PREFECT_API_URL answers."""

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
