"""Generate a labeled corpus of copied articles, for the dedup benchmark and tests.

Sites and pages come from ``synthetic_pages``. Some articles are then published again on other
sites (with that site's chrome and sidebars) as an exact copy or with one edit a syndicated or
re-published copy shows: a dateline added, the first sentence dropped, the last paragraph
trimmed, quotes changed, a new title. Other articles get a *follow-up*: a different article
that reuses one paragraph of the first, which must not count as a copy. Every page carries
the id of the story it tells, so two pages are gold duplicates when their stories are equal.

>>> pages = generate_duplicates(n_sites=3, pages_per_site=4, seed=2)
>>> len({p.story for p in pages}) < len(pages)
True
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass, replace

from benchmarks.synthetic_pages import (
    Article,
    SyntheticPage,
    new_article,
    render_page,
    site_template,
)


@dataclass(frozen=True)
class StoryPage:
    """A generated page and the story it tells; ``edit`` says how it differs from the first."""

    page: SyntheticPage
    story: int
    edit: str


def _dateline(rng: random.Random, a: Article) -> Article:
    place = rng.choice(["PORTVALE", "LINDEN", "NORTH HAVEN", "Ríomar"])
    first = f"{place}, {rng.randint(1, 28)} May (Wire) - {a.paragraphs[0]}"
    return replace(a, paragraphs=(first, *a.paragraphs[1:]))


def _drop_first_sentence(rng: random.Random, a: Article) -> Article:
    head, _, rest = a.paragraphs[0].partition(". ")
    return replace(a, paragraphs=((rest or head), *a.paragraphs[1:]))


def _trim_last_paragraph(rng: random.Random, a: Article) -> Article:
    if len(a.paragraphs) >= 4:
        return replace(a, paragraphs=a.paragraphs[:-1])
    last = a.paragraphs[-1].split(". ")
    return replace(a, paragraphs=(*a.paragraphs[:-1], ". ".join(last[: max(1, len(last) - 1)])))


def _quotes(rng: random.Random, a: Article) -> Article:
    words = a.paragraphs[0].split()
    cut = len(words) // 2
    quoted = " ".join([*words[:cut], "“" + words[cut], *words[cut + 1 : -1], words[-1] + "”"])
    return replace(a, paragraphs=(quoted, *a.paragraphs[1:]))


def _new_title(rng: random.Random, a: Article) -> Article:
    return replace(a, title=f"{a.title} {rng.choice(['Update', 'Explained', 'Live'])}")


EDITS: dict[str, Callable[[random.Random, Article], Article]] = {
    "exact": lambda rng, a: a,
    "dateline": _dateline,
    "first_sentence_dropped": _drop_first_sentence,
    "last_paragraph_trimmed": _trim_last_paragraph,
    "quotes_changed": _quotes,
    "title_changed": _new_title,
}


def generate_duplicates(
    n_sites: int, pages_per_site: int, seed: int = 0, copy_rate: float = 0.3
) -> list[StoryPage]:
    """A corpus where about ``copy_rate`` of the articles reappear on 1-3 other sites."""
    rng = random.Random(seed)
    templates = [site_template(rng, i) for i in range(n_sites)]
    pages: list[StoryPage] = []
    numbers = {t.site: pages_per_site for t in templates}
    for t in templates:
        for n in range(pages_per_site):
            story = len(pages)
            article = new_article(rng, t.language)
            pages.append(StoryPage(render_page(rng, t, n, article), story, "original"))
            if rng.random() < copy_rate:
                others = [o for o in templates if o is not t]
                for other in rng.sample(others, k=min(rng.randint(1, 3), len(others))):
                    edit = rng.choice(sorted(EDITS))
                    copy = EDITS[edit](rng, article)
                    numbers[other.site] += 1
                    page = render_page(rng, other, numbers[other.site], copy)
                    pages.append(StoryPage(page, story, edit))
            elif rng.random() < 0.1 and len(article.paragraphs) >= 3:
                fresh = new_article(rng, t.language)
                follow = replace(fresh, paragraphs=(article.paragraphs[1], *fresh.paragraphs))
                numbers[t.site] += 1
                page = render_page(rng, t, numbers[t.site], follow)
                pages.append(StoryPage(page, len(pages) + 1_000_000, "follow_up"))
    return pages
