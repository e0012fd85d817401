"""Duplicate articles: fingerprints, clusters and survivors, and the real flow across runs."""

from __future__ import annotations

import random
import shutil
from dataclasses import replace
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from benchmarks.duplicate_pages import EDITS, generate_duplicates, round_up, with_leftovers
from benchmarks.synthetic_pages import new_article, site_template
from flows.ingest import ingest
from transforms.body_fingerprint import (
    NEAR_THRESHOLD,
    estimated_similarity,
    fingerprint,
    is_near_duplicate,
)
from transforms.clusters import Member, canonical_documents
from warehouse.layout import Layout
from warehouse.query import run_query


def _body(paragraphs: tuple[str, ...]) -> str:
    return "\n\n".join(paragraphs)


def long_article(seed: int):
    rng = random.Random(seed)
    while len((article := new_article(rng, "en")).paragraphs) < 4:
        pass
    return article


@pytest.mark.parametrize("edit", sorted(EDITS))
def test_an_edited_copy_stays_above_the_threshold_and_shares_a_band(edit):
    found = 0
    for seed in range(50):
        article = long_article(seed)
        copy = EDITS[edit](random.Random(seed), article)
        a, b = fingerprint(_body(article.paragraphs)), fingerprint(_body(copy.paragraphs))
        assert a is not None and b is not None
        found += estimated_similarity(a.signature, b.signature) >= NEAR_THRESHOLD and bool(
            set(enumerate(a.buckets)) & set(enumerate(b.buckets))
        )
    assert found >= 48, (edit, found)


def test_unrelated_articles_are_far_apart_and_rarely_share_a_band():
    bodies = [_body(long_article(seed).paragraphs) for seed in range(60)]
    prints = [fp for fp in map(fingerprint, bodies) if fp is not None]
    shared = 0
    for i, a in enumerate(prints):
        for b in prints[i + 1 :]:
            assert estimated_similarity(a.signature, b.signature) < 0.3
            shared += bool(set(enumerate(a.buckets)) & set(enumerate(b.buckets)))
    assert shared <= 5


def _merged(a: str, b: str) -> bool:
    """Whether two bodies pass verification (the LSH candidate step aside)."""
    fa, fb = fingerprint(a), fingerprint(b)
    assert fa is not None and fb is not None
    jaccard = estimated_similarity(fa.signature, fb.signature)
    return is_near_duplicate(jaccard, len(a.split()), len(b.split()))


@pytest.mark.parametrize("edit", sorted(EDITS))
def test_a_copy_with_30_percent_extra_chrome_lines_is_merged(edit):
    merged = 0
    for seed in range(50):
        rng = random.Random(seed)
        article = long_article(seed)
        original, _ = with_leftovers(rng, site_template(rng, 1), article, 0.1)
        copy, share = with_leftovers(rng, site_template(rng, 2), EDITS[edit](rng, article), 0.3)
        assert 0.3 <= share < 0.45
        merged += _merged(_body(original.paragraphs), _body(copy.paragraphs))
    assert merged >= 48, (edit, merged)


def test_a_round_up_quoting_a_short_article_whole_is_not_merged():
    for seed in range(50):
        rng = random.Random(seed)
        short = new_article(rng, "en")
        short = replace(short, paragraphs=short.paragraphs[:3])
        digest = round_up(rng, short, "en")
        assert set(short.paragraphs) <= set(digest.paragraphs)
        assert not _merged(_body(short.paragraphs), _body(digest.paragraphs)), seed


def test_a_follow_up_reusing_one_paragraph_is_not_merged():
    for seed in range(50):
        rng = random.Random(1000 + seed)
        article = long_article(seed)
        while len((fresh := new_article(rng, "en")).paragraphs) < 3:
            pass
        follow_up = (article.paragraphs[1], *fresh.paragraphs)
        assert not _merged(_body(article.paragraphs), _body(follow_up)), seed


def test_exact_key_ignores_quotes_case_and_spacing_but_not_words():
    base = fingerprint("The council said it would “review” the plan   next week, and then vote.")
    same = fingerprint('the Council said it would "review" the plan next week, and then vote.')
    other = fingerprint("The council said it would review the plan next month, and then vote.")
    assert base and same and other
    assert base.body_key == same.body_key != other.body_key


def test_survivor_is_the_longest_body_then_the_smallest_doc_id():
    members = [Member("d3", "k1", 90), Member("d1", "k2", 120), Member("d2", "k3", 120)]
    assert canonical_documents(members, [("k1", "k2"), ("k2", "k3")]) == {
        "d3": "d1",
        "d1": "d1",
        "d2": "d1",
    }
    assert canonical_documents(members, []) == {"d3": "d3", "d1": "d1", "d2": "d2"}


_members = st.lists(
    st.builds(
        Member,
        st.text("abcdef", min_size=1, max_size=3),
        st.sampled_from(["k1", "k2", "k3", "k4", "k5"]),
        st.integers(10, 15),
    ),
    max_size=12,
    unique_by=lambda m: m.doc_id,
)
_edges = st.lists(st.tuples(st.sampled_from(["k1", "k2", "k3", "k4", "k6"]), st.just("k5")))


@settings(derandomize=True, max_examples=200)
@given(_members, _edges, st.randoms())
def test_clusters_do_not_depend_on_the_order_of_members_or_pairs(members, edges, rnd):
    shuffled_members, shuffled_edges = list(members), [(b, a) for a, b in edges]
    rnd.shuffle(shuffled_members)
    rnd.shuffle(shuffled_edges)
    assert canonical_documents(members, edges) == canonical_documents(
        shuffled_members, shuffled_edges
    )


# --- the real flow -----------------------------------------------------------------------


def q(warehouse: Path, sql: str) -> list[tuple]:
    return run_query(Layout.at(warehouse), sql).rows


DUPLICATES = "SELECT doc_id, canonical_doc_id, method, round(similarity, 6) FROM duplicates"


@pytest.fixture
def copies(tmp_path) -> tuple[Path, dict[str, int]]:
    """An inbox of copied articles; the story each file tells, by relative path."""
    inbox = tmp_path / "inbox"
    stories = {}
    for sp in generate_duplicates(n_sites=6, pages_per_site=8, seed=3, copy_rate=0.5):
        path = inbox / sp.page.site / sp.page.name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(sp.page.text, encoding="utf-8")
        stories[f"{sp.page.site}/{sp.page.name}"] = sp.story
    return inbox, stories


@pytest.mark.slow
@pytest.mark.usefixtures("prefect_harness")
def test_duplicates_are_the_same_whatever_the_ingestion_order_or_batching(copies, tmp_path):
    inbox, stories = copies
    ingest(str(inbox), str(tmp_path / "one"), batch_size=7)
    sites = sorted(p.name for p in inbox.iterdir())
    for part, chosen in (("late", sites[3:]), ("early", sites[:3])):
        for site in chosen:
            shutil.copytree(inbox / site, tmp_path / part / site)
    ingest(str(tmp_path / "late"), str(tmp_path / "two"), batch_size=3)
    ingest(str(tmp_path / "early"), str(tmp_path / "two"), batch_size=2)

    one, two = tmp_path / "one", tmp_path / "two"
    assert q(one, DUPLICATES + " ORDER BY 1") == q(two, DUPLICATES + " ORDER BY 1")
    unique = "SELECT doc_id, n_copies FROM unique_articles ORDER BY 1"
    assert q(one, unique) == q(two, unique)
    methods = dict(q(one, "SELECT method, count(*) FROM duplicates GROUP BY 1"))
    assert methods.get("exact", 0) >= 3 and methods.get("near", 0) >= 3, methods

    story = {doc: stories[source] for doc, source in q(one, "SELECT doc_id, source FROM articles")}
    for doc, canonical, *_ in q(one, DUPLICATES):
        assert story[doc] == story[canonical], (doc, canonical)
    clusters = {doc: canonical for doc, canonical, *_ in q(one, DUPLICATES)}
    told = {}
    for doc, s in story.items():
        told.setdefault(s, set()).add(clusters.get(doc, doc))
    assert all(len(survivors) == 1 for survivors in told.values()), told


@pytest.mark.slow
@pytest.mark.usefixtures("prefect_harness")
def test_a_recrawl_with_other_bytes_is_a_new_version_and_articles_show_the_latest(copies):
    inbox, _ = copies
    warehouse = inbox.parent / "wh"
    ingest(str(inbox), str(warehouse))
    page = sorted(inbox.glob("*/*.txt"))[0]
    source = page.relative_to(inbox).as_posix()
    first_text = page.read_text(encoding="utf-8")
    page.write_text(first_text + "\n\nA correction was added to this story on Friday.\n")
    summary = ingest(str(inbox), str(warehouse))
    assert (summary.ingested, summary.articles) == (1, 1)
    versions = q(warehouse, f"SELECT version, doc_id FROM documents WHERE source = '{source}'")
    assert sorted(v for v, _ in versions) == [1, 2]
    latest = dict(versions)[2]
    assert q(warehouse, f"SELECT doc_id FROM articles WHERE source = '{source}'") == [(latest,)]
    assert len(q(warehouse, f"SELECT 1 FROM article_versions WHERE source = '{source}'")) == 2
    old = dict(versions)[1]
    assert q(
        warehouse, f"SELECT count(*) FROM duplicates WHERE '{old}' IN (doc_id, canonical_doc_id)"
    ) == [(0,)]

    page.write_text(first_text, encoding="utf-8")  # back to the first bytes: version 3
    ingest(str(inbox), str(warehouse))
    assert q(warehouse, f"SELECT max(version) FROM documents WHERE source = '{source}'") == [(3,)]
    assert q(warehouse, f"SELECT doc_id FROM articles WHERE source = '{source}'") == [(old,)]


@pytest.mark.slow
@pytest.mark.usefixtures("prefect_harness")
def test_copies_with_leftover_chrome_merge_and_near_misses_do_not(tmp_path):
    inbox, pages = tmp_path / "inbox", {}
    corpus = generate_duplicates(6, 8, seed=5, leftovers=(0.1, 0.4), near_misses=True)
    for sp in corpus:
        path = inbox / sp.page.site / sp.page.name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(sp.page.text, encoding="utf-8")
        pages[f"{sp.page.site}/{sp.page.name}"] = sp
    ingest(str(inbox), str(tmp_path / "wh"))
    page = {
        doc: pages[source]
        for doc, source in q(tmp_path / "wh", "SELECT doc_id, source FROM articles")
    }
    survivor = {doc: canonical for doc, canonical, *_ in q(tmp_path / "wh", DUPLICATES)}
    assert len(survivor) >= 8
    for doc, canonical in survivor.items():
        assert page[doc].story == page[canonical].story, (page[doc].edit, page[canonical].edit)
    near = [d for d, p in page.items() if p.resembles is not None]
    assert near and {p.edit for d, p in page.items() if d in near} >= {"round_up", "follow_up"}
    assert not set(near) & (set(survivor) | set(survivor.values()))
    told: dict[int, set[str]] = {}
    for doc, p in page.items():
        told.setdefault(p.story, set()).add(survivor.get(doc, doc))
    assert sum(len(s) > 1 for s in told.values()) <= 1, told  # recall: stories stay whole
