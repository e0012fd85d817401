"""Generate a labeled corpus of copied articles, for the dedup benchmark and tests.

Sites and pages come from ``synthetic_pages``. Some articles are then published again on other
sites (with that site's chrome and sidebars) as an exact copy or with one edit a syndicated or
re-published copy shows: a dateline added, the first sentence dropped, the last paragraph
trimmed, quotes changed, a new title. Other articles get a *follow-up*: a different article
that reuses one paragraph of the first, which must not count as a copy. Every page carries
the id of the story it tells, so two pages are gold duplicates when their stories are equal.

Two options make the corpus as noisy as real crawls (issue 15):

- ``leftovers=(0.1, 0.4)``: every page's article carries, among its paragraphs, lines of its
  own site's chrome that a cleaner keeps (sidebar entries with their teasers, metadata lines,
  footer and promotion lines), adding a share of the article's words drawn from that range.
  Each page draws its own, so two copies of a story carry different leftovers.
- ``near_misses=True``: pages that must not be merged with the story they resemble, each a
  story of its own: ``same_topic`` (another article under the same title, naming the same
  people and repeating one background sentence), ``round_up`` (a digest on another site that
  quotes a short article whole among at least three other items) and more follow-ups.

>>> pages = generate_duplicates(n_sites=3, pages_per_site=4, seed=2)
>>> len({p.story for p in pages}) < len(pages)
True
>>> noisy = generate_duplicates(3, 4, seed=2, leftovers=(0.1, 0.4), near_misses=True)
>>> all(0.1 <= p.leftover_share <= 0.45 + 5 / len(p.body.split()) for p in noisy)
True
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass, replace

from benchmarks.synthetic_pages import (
    FOOTERS,
    Article,
    SiteTemplate,
    SyntheticPage,
    _Writer,
    new_article,
    render_page,
    site_template,
)
from transforms.keys import word_count


@dataclass(frozen=True)
class StoryPage:
    """A generated page and the story it tells; ``edit`` says how it differs from the first."""

    page: SyntheticPage
    story: int
    edit: str
    body: str = ""  # the story's own paragraphs, without leftovers
    leftover_share: float = 0.0  # leftover words per word of ``body``
    resembles: int | None = None  # a near miss: the story it must not be merged with


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


NEAR_MISSES = ("follow_up", "round_up", "same_topic")
MONTHS = ["January", "March", "May", "July", "September", "November"]
PROMOTIONS = [
    "Sign up for our morning newsletter and get the day's top stories in your inbox.",
    "Support local journalism: subscribe today from just 1 a week.",
    "Have a story we should cover? Send us a tip at news@{site}.",
    "Follow {name} on Facebook, X and Instagram for the latest updates.",
    "This article is available to subscribers and readers of {name} only.",
    "Download the {name} app to get breaking news alerts on your phone.",
]


@dataclass(frozen=True)
class _SiteChrome:
    """What one site's pages leave behind in a cleaned body: its own lines to draw from."""

    sidebar: tuple[tuple[str, str], ...]
    promotions: tuple[str, ...]
    about: tuple[str, ...]  # sentences of the site's "about us" blurb


def _chrome(t: SiteTemplate, seed: int) -> _SiteChrome:
    rng = random.Random(f"{seed}/{t.site}")
    w = _Writer(rng, t.language)
    name = t.site_name or t.site
    promotions = tuple(p.format(site=t.site, name=name) for p in rng.sample(PROMOTIONS, k=3))
    return _SiteChrome(t.pool, promotions, tuple(w.sentence() for _ in range(3)))


def _leftover_line(rng: random.Random, t: SiteTemplate, chrome: _SiteChrome) -> str:
    w = _Writer(rng, t.language)
    headline, teaser = rng.choice(chrome.sidebar)
    person = f"{w.headline().split()[0]} {w.headline().split()[0]}"
    when = f"{rng.randint(1, 28)} {rng.choice(MONTHS)} {rng.randint(2015, 2026)}"
    kind = rng.randrange(7)
    if kind == 0:  # a sidebar entry with its teaser, glued into one line
        return f"{headline} {teaser}"
    if kind == 1:
        return headline
    if kind == 2:
        return f"Published {when}, {rng.randint(0, 23)}:{rng.randint(0, 59):02d}. Updated {when}."
    if kind == 3:
        return f"Reporting by {person}; editing by {w.headline().split()[0]}. Photo: {person}."
    if kind == 4:
        return rng.choice(chrome.promotions)
    if kind == 5:
        return " ".join(rng.sample(chrome.about, k=rng.randint(1, 3)))
    return rng.choice(FOOTERS) + " " + rng.choice(FOOTERS)


def with_leftovers(
    rng: random.Random, t: SiteTemplate, a: Article, share: float, chrome: _SiteChrome | None = None
) -> tuple[Article, float]:
    """``a`` with leftover lines of site ``t`` among and around its paragraphs, adding about
    ``share`` of its words; returns the article and the share it got."""
    chrome = chrome or _chrome(t, 0)
    words = sum(map(word_count, a.paragraphs))
    paragraphs = list(a.paragraphs)
    added = 0
    while added < share * words:
        line = _leftover_line(rng, t, chrome)
        while added + word_count(line) > (share + 0.05) * words + 5:  # not far past the share
            line = _leftover_line(rng, t, chrome)
        added += word_count(line)
        paragraphs.insert(rng.randint(0, len(paragraphs)), line)
    return replace(a, paragraphs=tuple(paragraphs)), added / max(1, words)


def _same_topic(rng: random.Random, a: Article, language: str) -> Article:
    """Another story under the same title, naming the same people, with one background
    sentence in common."""
    w = _Writer(rng, language)
    names = [f"{w.headline().split()[0]} {w.headline().split()[0]}" for _ in range(2)]
    fresh = new_article(rng, language)
    background = a.paragraphs[0].split(". ")[0].rstrip(".") + "."
    paragraphs = [f"{names[i % 2]} said: {p}" for i, p in enumerate(fresh.paragraphs)]
    paragraphs.insert(1, background)
    return Article(a.title, tuple(paragraphs))


def round_up(rng: random.Random, a: Article, language: str) -> Article:
    """A digest quoting ``a`` (a short article) whole among three to five other items of one
    or two paragraphs."""
    w = _Writer(rng, language)
    items = [
        new_article(rng, language).paragraphs[: rng.randint(1, 2)] for _ in range(rng.randint(3, 5))
    ]
    items.insert(rng.randint(0, len(items)), a.paragraphs)
    intro = f"Here is what happened this week. {w.sentence()}"
    return Article(f"The week in review: {w.headline()}", (intro, *(p for i in items for p in i)))


def generate_duplicates(
    n_sites: int,
    pages_per_site: int,
    seed: int = 0,
    copy_rate: float = 0.3,
    leftovers: tuple[float, float] | None = None,
    near_misses: bool = False,
) -> list[StoryPage]:
    """A corpus where about ``copy_rate`` of the articles reappear on 1-3 other sites; see the
    module's docstring for ``leftovers`` and ``near_misses``."""
    rng = random.Random(seed)
    templates = [site_template(rng, i) for i in range(n_sites)]
    chrome = {t.site: _chrome(t, seed) for t in templates}
    noise = random.Random(seed + 1)  # its own stream: the corpus without noise stays the same
    pages: list[StoryPage] = []
    numbers = {t.site: pages_per_site for t in templates}

    def add(
        t: SiteTemplate,
        number: int,
        article: Article,
        story: int,
        edit: str,
        resembles: int | None = None,
    ) -> None:
        body, share = "\n\n".join(article.paragraphs), 0.0
        if leftovers:
            article, share = with_leftovers(
                noise, t, article, noise.uniform(*leftovers), chrome[t.site]
            )
        page = render_page(rng, t, number, article)
        pages.append(StoryPage(page, story, edit, body, share, resembles))

    for t in templates:
        for n in range(pages_per_site):
            story = len(pages)
            article = new_article(rng, t.language)
            add(t, n, article, story, "original")
            if rng.random() < copy_rate:
                others = [o for o in templates if o is not t]
                for other in rng.sample(others, k=min(rng.randint(1, 3), len(others))):
                    edit = rng.choice(sorted(EDITS))
                    numbers[other.site] += 1
                    add(other, numbers[other.site], EDITS[edit](rng, article), story, edit)
            elif rng.random() < 0.1 and len(article.paragraphs) >= 3:
                fresh = new_article(rng, t.language)
                follow = replace(fresh, paragraphs=(article.paragraphs[1], *fresh.paragraphs))
                numbers[t.site] += 1
                add(t, numbers[t.site], follow, len(pages) + 1_000_000, "follow_up", story)
            if near_misses and noise.random() < 0.25:
                kind = noise.choice(NEAR_MISSES)
                if kind == "follow_up" and len(article.paragraphs) < 3:
                    kind = "round_up"
                elif kind == "round_up" and len(article.paragraphs) > 3:
                    kind = "follow_up"  # a round-up quotes only short articles whole
                other = noise.choice([o for o in templates if o is not t] or [t])
                if kind == "follow_up":
                    fresh = new_article(noise, other.language)
                    near = replace(fresh, paragraphs=(article.paragraphs[1], *fresh.paragraphs))
                elif kind == "round_up":
                    near = round_up(noise, article, other.language)
                else:
                    near = _same_topic(noise, article, other.language)
                numbers[other.site] += 1
                add(other, numbers[other.site], near, len(pages) + 1_000_000, kind, story)
    return pages
