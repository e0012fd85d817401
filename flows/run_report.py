"""What an ingest run reports: its summary, summed from what each step counted, published to
the Prefect UI (a markdown summary and a table of removals) and logged in one line."""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, fields

from prefect import get_run_logger
from prefect.artifacts import create_markdown_artifact, create_table_artifact

from flows.output_formats import shorten
from runtime.clean_chunks import BatchCounts
from runtime.discover import Discovered
from warehouse.dedup import DedupCounts
from warehouse.site_evidence import SiteEvidence
from warehouse.work_plan import BatchPlan

TOP_SITES = 10
SAMPLE_LINES = 25
SAMPLE_CHARS = 120


class Stopwatch:
    """Seconds per stage of a run, each stage timed from the end of the one before."""

    def __init__(self) -> None:
        self.seconds: dict[str, float] = {}
        self._since = time.perf_counter()

    def lap(self, stage: str) -> None:
        now = time.perf_counter()
        self.seconds[stage] = now - self._since
        self._since = now


@dataclass(frozen=True)
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

    def counts(self) -> dict[str, object]:
        """What the run counted (every field but its ids): the ``loads`` columns of the same
        names."""
        ids = {"load_id", "source", "warehouse"}
        return {f.name: getattr(self, f.name) for f in fields(self) if f.name not in ids}


def summarize(
    load_id: str,
    source: str,
    warehouse: str,
    discovered: Sequence[Discovered],
    plan: BatchPlan,
    totals: BatchCounts,
    dedup: DedupCounts,
    final: DedupCounts | None,
) -> IngestSummary:
    """What the run did, summed over its steps: files seen by discovery; skipped unread by
    discovery or found stored by the plan; quarantined by the plan (unreadable) or cleaning;
    near pairs of both dedup steps (``final``: matching the bodies site evidence changed,
    None when it did not run) and the duplicates the last of them left."""
    if final is not None:
        dedup = DedupCounts(dedup.new_pairs + final.new_pairs, final.duplicates)
    return IngestSummary(
        load_id,
        source,
        warehouse,
        files_seen=sum(d.files for d in discovered),
        ingested=totals.documents,
        skipped=sum(d.skipped for d in discovered) + plan.skipped,
        quarantined=plan.unreadable + totals.quarantined,
        articles=totals.articles,
        new_pairs=dedup.new_pairs,
        duplicates=dedup.duplicates,
        lines_removed=dict(sorted(by_label(totals.removed).items())),
    )


def publish_report(
    summary: IngestSummary,
    seconds: Mapping[str, float],
    totals: BatchCounts,
    evidence: SiteEvidence | None,
) -> None:
    """Show the run in the Prefect UI (``summary_markdown``, ``removed_table``) and log its
    counts in one line."""
    create_markdown_artifact(
        summary_markdown(summary, seconds, totals, evidence),
        key="ingest-summary",
        description=f"pagewash load {summary.load_id}",
    )
    create_table_artifact(
        removed_table(totals.removed),
        key="lines-removed",
        description="lines removed from article bodies, by label and rule",
    )
    get_run_logger().info(
        "load %s: %d files seen, %d ingested, %d skipped, %d quarantined, %d new articles",
        summary.load_id,
        summary.files_seen,
        summary.ingested,
        summary.skipped,
        summary.quarantined,
        summary.articles,
    )


def _cell(text: str) -> str:
    return shorten(text, SAMPLE_CHARS).replace("|", "\\|")


def by_label(removed: Mapping[tuple[str, str], int]) -> Counter[str]:
    """Lines removed per label, from counts per (label, rule)."""
    totals: Counter[str] = Counter()
    for (label, _), n in removed.items():
        totals[label] += n
    return totals


def summary_markdown(
    summary: IngestSummary,
    seconds: Mapping[str, float],
    totals: BatchCounts,
    evidence: SiteEvidence | None,
) -> str:
    """The run's summary: counts, removals by label and by rule, site evidence, top sites,
    time per stage, a sample."""
    out = [
        f"# pagewash load `{summary.load_id}`",
        f"Source `{summary.source}` into warehouse `{summary.warehouse}`.",
        "",
        "| files seen | ingested | skipped | quarantined | new articles | MB ingested "
        "| new near pairs | duplicates |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|",
        f"| {summary.files_seen} | {summary.ingested} | {summary.skipped} "
        f"| {summary.quarantined} | {summary.articles} | {totals.bytes / 2**20:.2f} "
        f"| {summary.new_pairs} | {summary.duplicates} |",
        "",
        "## Lines removed by label",
        "| label | lines |",
        "|---|---:|",
        *(f"| {label} | {n} |" for label, n in sorted(summary.lines_removed.items())),
        "",
        "## Lines removed by rule",
        "| label | rule | lines |",
        "|---|---|---:|",
        *(
            f"| {label} | {_cell(rule)} | {n} |"
            for (label, rule), n in sorted(totals.removed.items(), key=lambda kv: -kv[1])
        ),
        "",
        "## Site evidence",
        "Paragraphs that recur over a site's stories, counted over the whole warehouse.",
        "",
        *(
            [
                f"- sites counted again: {evidence.sites}",
                f"- boilerplate paragraphs known: {evidence.boilerplate}",
                f"- articles refined: {evidence.refined}",
            ]
            if evidence
            else ["- nothing new to count"]
        ),
        "",
        "## Top sites (new articles)",
        "| site | articles |",
        "|---|---:|",
        *(f"| {_cell(site)} | {n} |" for site, n in totals.sites.most_common(TOP_SITES)),
        "",
        "## Time per stage",
        "| stage | seconds |",
        "|---|---:|",
        *(f"| {stage} | {took:.2f} |" for stage, took in seconds.items()),
    ]
    if sample := totals.sample:
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


def removed_table(removed: Mapping[tuple[str, str], int]) -> list[dict[str, object]]:
    """Rows of the table artifact: lines removed per label and rule."""
    return [
        {"label": label, "rule": rule, "lines": n} for (label, rule), n in sorted(removed.items())
    ]
