"""What a run publishes to the Prefect UI: a markdown summary and a table of removals."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from flows.output_formats import shorten

TOP_SITES = 10
SAMPLE_LINES = 25
SAMPLE_CHARS = 120


@dataclass
class IngestSummary:
    """What one run did; printed by the CLI, stored as its ``loads`` row, shown in the UI."""

    load_id: str
    source: str
    warehouse: str
    files_seen: int = 0
    ingested: int = 0
    skipped: int = 0
    quarantined: int = 0
    articles: int = 0
    new_pairs: int = 0
    duplicates: int = 0
    lines_removed: dict[str, int] = field(default_factory=dict)


def _cell(text: str) -> str:
    return shorten(text, SAMPLE_CHARS).replace("|", "\\|")


def summary_markdown(
    summary: IngestSummary,
    seconds: Mapping[str, float],
    sites: Counter[str],
    sample: Sequence[tuple[str, str]],
) -> str:
    """The run's summary: counts, removals by label, top sites, time per stage, a sample."""
    out = [
        f"# pagewash load `{summary.load_id}`",
        f"Source `{summary.source}` into warehouse `{summary.warehouse}`.",
        "",
        "| files seen | ingested | skipped | quarantined | new articles | new near pairs "
        "| duplicates |",
        "|---:|---:|---:|---:|---:|---:|---:|",
        f"| {summary.files_seen} | {summary.ingested} | {summary.skipped} "
        f"| {summary.quarantined} | {summary.articles} | {summary.new_pairs} "
        f"| {summary.duplicates} |",
        "",
        "## Lines removed by label",
        "| label | lines |",
        "|---|---:|",
        *(f"| {label} | {n} |" for label, n in sorted(summary.lines_removed.items())),
        "",
        "## Top sites (new articles)",
        "| site | articles |",
        "|---|---:|",
        *(f"| {_cell(site)} | {n} |" for site, n in sites.most_common(TOP_SITES)),
        "",
        "## Time per stage",
        "| stage | seconds |",
        "|---|---:|",
        *(f"| {stage} | {took:.2f} |" for stage, took in seconds.items()),
    ]
    if sample:
        out += [
            "",
            "## One page before and after cleaning",
            "Every input line with the label it got; only `content` lines are kept.",
            "",
            "| label | line |",
            "|---|---|",
            *(f"| {label} | {_cell(text)} |" for label, text in sample[:SAMPLE_LINES]),
        ]
    return "\n".join(out)


def removed_table(lines_removed: Mapping[str, int]) -> list[dict[str, object]]:
    """Rows of the table artifact: lines removed per label."""
    return [{"label": label, "lines": n} for label, n in sorted(lines_removed.items())]
