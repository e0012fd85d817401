"""Duplicate articles matched on their final bodies: copies whose sites' own lines keep them
apart until site evidence removes those lines."""

from __future__ import annotations

from pathlib import Path

import pytest

from flows.ingest import ingest
from tests.warehouse.test_dedup import DUPLICATES, long_article, q
from transforms.body_fingerprint import (
    estimated_containment,
    estimated_similarity,
    is_near_duplicate,
    shingle_count,
)

# A story two sites carry, and each site's own lines that the labeler keeps in every body (an
# "about us" blurb in prose: one page alone cannot tell it from article text). The blurbs make
# the labeler's bodies of the two copies too different to be near duplicates; site evidence
# removes them, as they recur on every page of their site. With two lines a site, the blurbs
# are about two thirds of the story's length, so each final body is also a near duplicate of
# the other copy's labeler's body; with four, longer than the story, only the two final
# bodies, equal, match.
CARRIED_TITLE = "Harbour board to rebuild the north pier"
CARRIED_STORY = (
    "The harbour board agreed on Tuesday to rebuild the north pier before the autumn storms, "
    "after divers found that two of its oldest pillars had cracked below the waterline.",
    "Work will close the pier to fishing boats for eleven weeks; the board said the boats "
    "would moor at the ferry quay, where a temporary pontoon is being towed from Linden.",
    "Fishermen at the meeting asked who would pay for the extra fuel of the longer trip, "
    "and the chair promised an answer at the next session, on the first Monday of June.",
)
OWN_LINES = {
    "alpha.example": (
        "The Alpha Courier has reported on the towns of the estuary since 1998, and its "
        "reporters live in the villages they write about, from the old mill to the lighthouse.",
        "Our newsroom is owned by a trust of its readers, who elect its board each spring and "
        "who keep its stories free to read for everyone on the coast and beyond it.",
        "Readers who want to help can join the Friends of the Courier, who meet in the library "
        "on the last Thursday of every month to plan the next season of talks.",
        "The Courier's archive of photographs, from the flood of 1953 to the new bridge, is "
        "kept at the town museum and can be seen there on weekday afternoons.",
    ),
    "beta.example": (
        "Beta Weekly began as a single printed sheet handed out at the market on Saturdays, "
        "and it still keeps a stall there where readers can bring their questions in person.",
        "Every week our volunteers check each figure we print against the council's own "
        "papers, and we publish every correction at the top of the story it belongs to.",
        "Beta Weekly is printed on recycled paper at the old mill, and each copy left over at "
        "the end of the week is collected and returned to be used again.",
        "Our editors take turns answering letters from readers, and the most asked question "
        "of the month is answered in full on the back page of each issue.",
    ),
}


def _write_site(
    folder: Path, site: str, stories: list[tuple[str, tuple[str, ...]]], own: tuple[str, ...]
) -> None:
    """One text page per story under ``folder/site``: the site's name, the title, the story with
    the site's ``own`` lines after its first paragraph and before its last, then footer lines.
    (Inside the story, the labeler keeps them on every page; after its end, it kept the last
    one on some pages only, and site evidence counts what the labeler kept.)"""
    for n, (title, paragraphs) in enumerate(stories):
        body = [paragraphs[0], *own[:1], *paragraphs[1:-1], *own[1:], paragraphs[-1]]
        lines = [site.split(".")[0].title(), title, *body, "Share this:", "Back to top"]
        path = folder / site / f"page{n}.txt"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("\n\n".join(lines) + "\n", encoding="utf-8")


@pytest.mark.slow
@pytest.mark.usefixtures("prefect_harness")
@pytest.mark.parametrize("n_own", [2, 4], ids=["blurbs-shorter", "blurbs-longer"])
def test_copies_too_different_before_site_evidence_merge_on_their_final_bodies(tmp_path, n_own):
    inbox, warehouse = tmp_path / "inbox", tmp_path / "wh"
    own_lines = {site: lines[:n_own] for site, lines in OWN_LINES.items()}
    for k, site in enumerate(sorted(own_lines)):
        own = [long_article(seed) for seed in range(10 * k, 10 * k + 5)]
        stories = [(CARRIED_TITLE, CARRIED_STORY), *((a.title, a.paragraphs) for a in own)]
        _write_site(inbox, site, stories, own_lines[site])
    ingest(str(inbox), str(warehouse))

    docs = dict(q(warehouse, "SELECT source, doc_id FROM articles"))
    alpha, beta = docs["alpha.example/page0.txt"], docs["beta.example/page0.txt"]
    # the labeler kept each site's own lines, and with them the two bodies' stored signatures
    # fail the near-duplicate test: the first matching cannot pair them
    first = {
        d: (body, n)
        for d, body, n in q(warehouse, "SELECT doc_id, body, n_words FROM labeled_articles")
    }
    for doc, site in ((alpha, "alpha.example"), (beta, "beta.example")):
        assert all(line in first[doc][0] for line in own_lines[site]), doc
    signature = dict(q(warehouse, "SELECT doc_id, signature FROM signatures"))
    jaccard = estimated_similarity(tuple(signature[alpha]), tuple(signature[beta]))
    assert not is_near_duplicate(jaccard, first[alpha][1], first[beta][1])
    # site evidence removed them from every page of both sites, and the final bodies were
    # fingerprinted: there the two copies are one body
    final = dict(q(warehouse, "SELECT doc_id, body FROM articles"))
    assert final[alpha] == final[beta] == "\n\n".join(CARRIED_STORY)
    assert not any(line in body for body in final.values() for lines in own_lines.values()
                   for line in lines)  # fmt: skip
    fingerprinted = q(warehouse, "SELECT doc_id FROM final_signatures")
    assert {alpha, beta} <= {doc for (doc,) in fingerprinted}
    # so they are one story: a duplicate of the other, scored on the labeler's bodies
    (row,) = q(warehouse, DUPLICATES)
    assert {row[0], row[1]} == {alpha, beta} and row[2] == "near", row
    assert row[3] == pytest.approx(
        estimated_containment(jaccard, *(shingle_count(first[d][1]) for d in row[:2])), abs=1e-6
    )
    unique = q(warehouse, "SELECT doc_id, n_copies FROM unique_articles WHERE n_copies > 1")
    assert unique == [(row[1], 2)]
    assert len(q(warehouse, "SELECT 1 FROM unique_articles")) == 11


@pytest.mark.slow
@pytest.mark.usefixtures("prefect_harness")
@pytest.mark.parametrize("last", ["plain", "with-blurbs"])
def test_a_copy_equal_to_other_copies_final_bodies_merges_whichever_load_brings_it(tmp_path, last):
    """A third copy, on a site without blurbs, whose labeler's body is the other two copies'
    final body: one story, whether it comes before them or after."""
    folders = {"with-blurbs": tmp_path / "with-blurbs", "plain": tmp_path / "plain"}
    for k, site in enumerate([*sorted(OWN_LINES), "gamma.example"]):
        own = [long_article(seed) for seed in range(10 * k, 10 * k + 5)]
        stories = [(CARRIED_TITLE, CARRIED_STORY), *((a.title, a.paragraphs) for a in own)]
        blurbs = OWN_LINES.get(site, ())
        _write_site(folders["with-blurbs" if blurbs else "plain"], site, stories, blurbs)
    warehouse = tmp_path / "wh"
    for name in sorted(folders, key=lambda name: name == last):
        ingest(str(folders[name]), str(warehouse))

    docs = dict(q(warehouse, "SELECT source, doc_id FROM articles"))
    copies = {docs[f"{site}/page0.txt"] for site in [*OWN_LINES, "gamma.example"]}
    rows = q(warehouse, DUPLICATES)
    assert len(rows) == 2 and {r[0] for r in rows} | {r[1] for r in rows} == copies, rows
    assert len({r[1] for r in rows}) == 1  # one survivor
    assert q(warehouse, "SELECT n_copies FROM unique_articles WHERE n_copies > 1") == [(3,)]
