"""The real ``ingest`` flow under Prefect's test harness, asserting on Parquet via DuckDB."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest

from flows.ingest import ingest
from tests.conftest import SAMPLES, SEEDS
from warehouse.layout import Layout
from warehouse.query import run_query

pytestmark = [pytest.mark.slow, pytest.mark.usefixtures("prefect_harness")]


def q(warehouse: Path, sql: str) -> list[tuple]:
    return run_query(Layout.at(warehouse), sql).rows


def _ingest_seeds(seeds: Path, warehouse: Path) -> Path:
    summary = ingest(str(seeds), str(warehouse))
    assert (summary.files_seen, summary.ingested, summary.quarantined) == (5, 5, 0)
    return warehouse


@pytest.fixture(scope="module")
def seeded(prefect_harness, tmp_path_factory) -> Path:
    """The seeds ingested once, for the tests that only read the warehouse."""
    if not SEEDS.is_dir():
        pytest.skip("../shared/seeds is not beside this checkout")
    return _ingest_seeds(SEEDS, tmp_path_factory.mktemp("seeded") / "wh")


def test_seeds_give_five_clean_articles(seeded):
    assert q(seeded, "SELECT count(*) FROM articles") == [(5,)]
    [(body,)] = q(seeded, "SELECT body FROM articles WHERE source LIKE '000_%'")
    assert body.count("Opinion is divided.") == 1
    titles = {t for (t,) in q(seeded, "SELECT title FROM articles")}
    assert {
        "Supporting MEK: Not a Step in the Right Direction",
        "CNN: US backing Iran’s Mujahedeen Khalq rebels",
    } <= titles


def test_seed_bodies_hold_no_sidebar_breadcrumb_or_footer_line(seeded):
    removed = q(
        seeded,
        """
        SELECT DISTINCT l.text FROM lines l
        WHERE l.label IN ('sidebar_header', 'sidebar_headline', 'sidebar_teaser',
                          'breadcrumb', 'footer')""",
    )
    bodies = [b for (b,) in q(seeded, "SELECT body FROM articles")]
    assert len(removed) > 40
    for (text,) in removed:
        assert not any(text.strip() in body for body in bodies), text


def test_seed_sidebars_give_30_mentions_of_21_headlines(seeded):
    assert q(seeded, "SELECT count(*) FROM headline_mentions") == [(30,)]
    assert q(seeded, "SELECT count(*), count(*) FILTER (WHERE n_docs = 2) FROM headlines") == [
        (21, 9)
    ]


def test_lines_table_explains_every_input_line(seeded, seeds):
    for path in sorted(seeds.iterdir()):
        n_lines = len(path.read_text(encoding="utf-8").splitlines())
        rows = q(
            seeded,
            f"""
            SELECT count(*), count(DISTINCT line_no), min(line_no), max(line_no)
            FROM lines JOIN documents USING (doc_id) WHERE documents.source = '{path.name}'""",
        )
        assert rows == [(n_lines, n_lines, 0, n_lines - 1)], path.name


def test_running_twice_adds_no_rows(seeds, tmp_path):
    seeded = _ingest_seeds(seeds, tmp_path / "wh")  # its own: this test adds a load
    tables = ("documents", "articles", "lines", "headline_mentions", "quarantine")
    before = [q(seeded, f"SELECT count(*) FROM {t}") for t in tables]
    summary = ingest(str(seeds), str(seeded))
    assert (summary.ingested, summary.skipped) == (0, 5)
    assert [q(seeded, f"SELECT count(*) FROM {t}") for t in tables] == before
    assert q(seeded, "SELECT count(*) FROM loads") == [(2,)]


def test_bad_files_are_quarantined_and_the_rest_ingested(seeds, tmp_path):
    source = tmp_path / "inbox"
    shutil.copytree(seeds, source / "good")
    (source / "empty.txt").write_bytes(b"")
    (source / "noise.txt").write_bytes(os.urandom(4096))
    (source / "picture.html").write_bytes(b"\x89PNG\r\n\x1a\n" + os.urandom(512))
    summary = ingest(str(source), str(tmp_path / "wh"))
    assert (summary.files_seen, summary.ingested, summary.quarantined) == (8, 5, 3)
    rows = q(tmp_path / "wh", "SELECT source, reason, detail FROM quarantine ORDER BY source")
    assert [(s, r) for s, r, _ in rows] == [
        ("empty.txt", "empty"),
        ("noise.txt", "binary"),
        ("picture.html", "binary"),
    ]
    assert all(detail for _, _, detail in rows)
    again = ingest(str(source), str(tmp_path / "wh"))
    assert (again.quarantined, again.skipped) == (0, 8)


def test_identical_files_are_one_article_and_two_documents(seeds, tmp_path):
    source = tmp_path / "inbox"
    for site in ("a", "b"):
        (source / site).mkdir(parents=True)
        shutil.copy(seeds / "002_9592ed5bc08531cd.txt", source / site / "page.txt")
    ingest(str(source), str(tmp_path / "wh"))
    assert q(tmp_path / "wh", "SELECT source, site FROM documents ORDER BY source") == [
        ("a/page.txt", "a"),
        ("b/page.txt", "b"),
    ]
    assert q(tmp_path / "wh", "SELECT source FROM articles") == [("a/page.txt",)]


def test_html_pages_are_parsed_and_cleaned(tmp_path):
    source = tmp_path / "inbox" / "example.org"
    source.mkdir(parents=True)
    paragraph = "The harbor council voted on Tuesday to close the old ferry pier for repairs. " * 3
    (source / "pier.html").write_text(
        "<html><head><title>Pier | Example</title><script>var x = 1;</script></head><body>"
        "<nav><a href='/'>Home</a> <a href='/news'>News</a></nav>"
        f"<h1>Council closes the pier</h1><p>{paragraph}</p>"
        "<aside><h3>Most read</h3><ul><li>Other story</li></ul></aside>"
        "<footer>© 2026 Example</footer></body></html>",
        encoding="utf-8",
    )
    ingest(str(tmp_path / "inbox"), str(tmp_path / "wh"))
    [(site, fmt, title, body)] = q(
        tmp_path / "wh",
        """
        SELECT a.site, d.format, a.title, a.body FROM articles a JOIN documents d USING (doc_id)""",
    )
    assert (site, fmt, title) == ("example.org", "html", "Council closes the pier")
    assert body == paragraph.strip()


def test_files_over_the_size_limit_are_quarantined_unread(tmp_path):
    source = tmp_path / "inbox"
    source.mkdir()
    paragraph = "The harbor council voted on Tuesday to close the old ferry pier. " * 5
    (source / "small.txt").write_text(paragraph, encoding="utf-8")
    (source / "big.txt").write_text(paragraph * 400, encoding="utf-8")
    summary = ingest(str(source), str(tmp_path / "wh"), max_file_mb=0.05)
    assert (summary.ingested, summary.quarantined) == (1, 1)
    [(reason, detail)] = q(tmp_path / "wh", "SELECT reason, detail FROM quarantine")
    assert reason == "too_large" and "52,428-byte limit" in detail


def test_bundled_samples_ingest_into_one_article_per_page_per_site(tmp_path):
    summary = ingest(str(SAMPLES), str(tmp_path / "wh"))
    assert (summary.files_seen, summary.ingested, summary.quarantined) == (14, 14, 0)
    assert q(
        tmp_path / "wh", "SELECT site, count(*) FROM articles GROUP BY site ORDER BY site"
    ) == [
        ("diario-del-puerto", 3),
        ("harbor-gazette", 4),
        ("orchard-notes", 3),
        ("valley-ledger", 4),
    ]
    # sidebar headlines repeat across a site's pages
    assert q(tmp_path / "wh", "SELECT max(n_docs), max(n_sites) FROM headlines") == [(4, 1)]
    # one story is on two sites: the longer copy survives
    assert q(
        tmp_path / "wh",
        "SELECT a.source, c.source, d.method FROM duplicates d JOIN articles a USING (doc_id) "
        "JOIN articles c ON c.doc_id = d.canonical_doc_id",
    ) == [("valley-ledger/flood-meadows.txt", "harbor-gazette/flood-payments.txt", "near")]


def test_each_run_publishes_a_summary_and_a_table_artifact(seeds, tmp_path):
    import asyncio

    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import ArtifactFilter, ArtifactFilterFlowRunId

    state = ingest(str(seeds), str(tmp_path / "wh"), return_state=True)
    run_id = state.state_details.flow_run_id

    async def artifacts():
        async with get_client() as client:
            found = ArtifactFilter(flow_run_id=ArtifactFilterFlowRunId(any_=[run_id]))
            return await client.read_artifacts(artifact_filter=found)

    by_key = {a.key: a for a in asyncio.run(artifacts())}
    assert set(by_key) == {"ingest-summary", "lines-removed"}
    markdown = by_key["ingest-summary"].data
    megabytes = q(tmp_path / "wh", "SELECT round(sum(bytes) / 2 ** 20, 2) FROM documents")[0][0]
    # seen, ingested, skipped, quarantined, articles, MB
    assert f"| 5 | 5 | 0 | 0 | 5 | {megabytes:.2f} |" in markdown
    assert "| sidebar_headline | 30 |" in markdown and "| seeds | 5 |" in markdown
    assert "## One page before and after cleaning" in markdown
    assert "| publish load |" in markdown
    assert "| sidebar_headline | section_alternation | 30 |" in markdown  # by rule
    assert "- articles refined: 0" in markdown  # site evidence: 5 pages of one site show none
    table = json.loads(by_key["lines-removed"].data)
    assert {"label": "sidebar_headline", "rule": "section_alternation", "lines": 30} in table
    removed = "SELECT count(*) FROM lines WHERE label NOT IN ('content', 'blank')"
    assert [(sum(row["lines"] for row in table),)] == q(tmp_path / "wh", removed)


def test_files_with_the_size_and_mtime_of_their_stored_version_are_skipped_unread(tmp_path):
    inbox = tmp_path / "inbox"
    site = inbox / "harbor-gazette"
    site.mkdir(parents=True)
    names = ("harbour-dues.html", "lighthouse-keeper.txt", "pier-repairs.txt")
    for name in names:
        shutil.copy2(SAMPLES / "harbor-gazette" / name, site / name)
    warehouse = tmp_path / "wh"
    ingest(str(inbox), str(warehouse))
    same_stat, touched, edited = (site / name for name in names)

    stamp = same_stat.stat()  # other bytes, same size and mtime: taken as unchanged
    same_stat.write_bytes(same_stat.read_bytes().swapcase())
    os.utime(same_stat, ns=(stamp.st_atime_ns, stamp.st_mtime_ns))
    os.utime(touched, ns=(stamp.st_atime_ns, stamp.st_mtime_ns + 10**9))  # same bytes
    edited.write_text(edited.read_text(encoding="utf-8") + "\nA late correction.\n")

    summary = ingest(str(inbox), str(warehouse))
    assert (summary.files_seen, summary.skipped, summary.ingested) == (3, 2, 1)
    versions = q(warehouse, "SELECT source, max(version) FROM documents GROUP BY 1 ORDER BY 1")
    assert [v for _, v in versions] == [1, 1, 2]
    assert versions[2][0].endswith(edited.name)


def test_a_rerun_with_nothing_changed_reads_no_file_and_starts_no_worker(
    seeds, tmp_path, monkeypatch
):
    import flows.ingest
    import runtime.discover

    inbox, warehouse = tmp_path / "inbox", tmp_path / "wh"
    shutil.copytree(seeds, inbox)
    ingest(str(inbox), str(warehouse))
    mapped = []
    real = flows.ingest.map_chunks

    def counting(fn, items, *args, **kwargs):
        mapped.append((fn.__name__, len(items)))
        return real(fn, items, *args, **kwargs)

    monkeypatch.setattr(flows.ingest, "map_chunks", counting)  # cleaning
    monkeypatch.setattr(runtime.discover, "map_chunks", counting)  # discovery
    summary = ingest(str(inbox), str(warehouse))
    assert (summary.ingested, summary.skipped, mapped) == (0, 5, [])
    touched = sorted(inbox.iterdir())[0]
    stamp = touched.stat()
    os.utime(touched, ns=(stamp.st_atime_ns, stamp.st_mtime_ns + 10**9))
    summary = ingest(str(inbox), str(warehouse))  # read and hashed again: the same bytes
    assert (summary.ingested, summary.skipped, mapped) == (0, 5, [("discover_chunk", 1)])
    summary = ingest(str(inbox), str(warehouse))  # its new stats were kept: not read again
    assert (summary.ingested, summary.skipped, mapped) == (0, 5, [("discover_chunk", 1)])


def test_the_pool_workers_are_stopped_before_the_duplicate_search(seeds, tmp_path, monkeypatch):
    """The DuckDB stages after cleaning run in the flow's process, beside no idle worker."""
    import multiprocessing

    from warehouse import dedup

    alive_then = []
    real = dedup.find_duplicates

    def recording(*args, **kwargs):
        alive_then.append(len(multiprocessing.active_children()))
        return real(*args, **kwargs)

    monkeypatch.setattr(dedup, "find_duplicates", recording)
    summary = ingest(str(seeds), str(tmp_path / "wh"))
    assert (summary.ingested, alive_then) == (5, [0])


def test_every_line_carries_the_models_probability_and_the_load_its_version(seeded):
    from transforms.labeler import model_version

    assert q(seeded, "SELECT DISTINCT labeler_model FROM loads") == [(model_version(),)]
    counts = q(
        seeded,
        """SELECT count(*) FILTER (WHERE p_content IS NULL AND label <> 'blank'),
                  count(*) FILTER (WHERE p_content IS NOT NULL AND label = 'blank'),
                  count(*) FILTER (WHERE p_content NOT BETWEEN 0 AND 1)
           FROM labeled_lines""",
    )
    assert counts == [(0, 0, 0)]
    # what is kept is what the model scored as article text
    kept = q(seeded, "SELECT min(p_content) FROM labeled_lines WHERE label = 'content'")
    assert kept[0][0] >= 0.5
