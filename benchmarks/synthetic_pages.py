"""Generate labeled scraped pages from site templates, for quality and speed benchmarks.

Each synthetic *site* draws its own template once (site name, breadcrumb style, byline
format, which sidebars under which names, footers, a cookie notice, teaser-first or
title-first layout, language); each *page* of the site fills the template with a new article
and sidebar entries drawn from the site's pool of headlines, so sidebars repeat across a
site's pages as they do on real sites. The gold text is the article body (subheadings
included, title excluded). Everything follows from the seed.

>>> page = generate_corpus(n_sites=1, pages_per_site=1, seed=7)[0]
>>> page.gold_body in "\\n".join(page.lines) or page.teaser_first
True
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import dataclass

# fmt: off
WORDS = {
    "en": "the council harbor river plan budget school report city people week minister "
          "police market water energy farmers price storm road bridge court judge vote "
          "residents company workers union hospital doctors study scientists data year "
          "government region museum festival team season coach players fans station "
          "ferry village mayor tax housing rent clinic forest fire drought coast".split(),
    "es": "el consejo puerto río plan presupuesto escuela informe ciudad gente semana "
          "ministro policía mercado agua energía agricultores precio tormenta carretera "
          "puente tribunal juez voto vecinos empresa trabajadores sindicato hospital "
          "médicos estudio científicos datos año gobierno región museo festival".split(),
    "de": "der rat hafen fluss plan haushalt schule bericht stadt leute woche minister "
          "polizei markt wasser energie bauern preis sturm straße brücke gericht richter "
          "wahl anwohner firma arbeiter gewerkschaft klinik ärzte studie forscher daten "
          "jahr regierung region museum festival mannschaft saison trainer".split(),
    "fr": "le conseil port fleuve plan budget école rapport ville gens semaine ministre "
          "police marché eau énergie agriculteurs prix tempête route pont tribunal juge "
          "vote habitants entreprise ouvriers syndicat hôpital médecins étude chercheurs "
          "données année gouvernement région musée festival équipe saison".split(),
}
SECTION_NAMES = {
    "en": ["New Articles", "Most viewed", "Related Posts", "Trending Now", "Popular",
           "Latest News", "Recommended", "Editors' Picks", "More Stories", "Top Stories"],
    "es": ["Lo más leído", "Noticias relacionadas", "Últimas noticias", "Te puede interesar"],
    "de": ["Meistgelesen", "Mehr zum Thema", "Neueste Artikel", "Weitere Artikel"],
    "fr": ["Les plus lus", "À lire aussi", "Derniers articles", "Sur le même sujet"],
}
FOOTERS = ["You may also like", "Leave a Comment", "Exit mobile version", "Share this:",
           "Read more", "Leave a Reply", "Back to top", "Print", "Subscribe to our newsletter",
           "Follow us", "Tags: local, news", "Posted in Uncategorized"]
HOME = {"en": "Home", "es": "Inicio", "de": "Startseite", "fr": "Accueil"}
SEPARATORS = [" » ", " > ", " / ", " › "]
# fmt: on


@dataclass(frozen=True)
class PageParts:
    """What a page shows, in order, before it is written out as text or HTML."""

    site_name: str | None
    breadcrumb: str | None
    teaser: str | None  # a teaser-first page's cut first paragraph
    title: str | None  # the title line (None on teaser-first pages)
    byline: str | None
    paragraphs: tuple[str, ...]
    sections: tuple[tuple[str, tuple[tuple[str, str | None], ...]], ...]  # header, entries
    footers: tuple[str, ...]
    cookie: str | None

    def lines(self) -> list[str]:
        """The page as the lines of a scraped text file."""
        head = [self.site_name, self.teaser, self.breadcrumb, self.title, self.byline]
        lines = [line for line in head if line is not None] + list(self.paragraphs)
        for header, entries in self.sections:
            lines.append(header)
            for headline, teaser in entries:
                lines.extend([headline] if teaser is None else [headline, teaser])
        return lines + list(self.footers) + ([self.cookie] if self.cookie else [])


@dataclass(frozen=True)
class SyntheticPage:
    """A generated page with its gold labels."""

    site: str
    name: str
    language: str
    lines: tuple[str, ...]
    gold_body: str
    gold_title: str | None
    headlines: tuple[str, ...]
    teaser_first: bool
    parts: PageParts | None = None

    @property
    def text(self) -> str:
        return "\n".join(self.lines)


@dataclass(frozen=True)
class SiteTemplate:
    site: str
    language: str
    site_name: str | None
    breadcrumb: str | None
    byline: bool
    teaser_first: bool
    glued_title: bool
    sections: tuple[tuple[str, bool], ...]  # (header, with teasers)
    footers: tuple[str, ...]
    cookie: str | None
    pool: tuple[tuple[str, str], ...]  # (headline, teaser) the site's sidebars draw from


class _Writer:
    def __init__(self, rng: random.Random, language: str) -> None:
        self.rng, self.words = rng, WORDS[language]

    def phrase(self, lo: int, hi: int) -> str:
        return " ".join(self.rng.choice(self.words) for _ in range(self.rng.randint(lo, hi)))

    def sentence(self) -> str:
        text = self.phrase(6, 22)
        return text[0].upper() + text[1:] + self.rng.choice([".", ".", ".", "?", "!"])

    def paragraph(self) -> str:
        return " ".join(self.sentence() for _ in range(self.rng.randint(2, 6)))

    def headline(self) -> str:
        return " ".join(w.capitalize() for w in self.phrase(4, 11).split())

    def teaser(self) -> str:
        text = self.sentence()
        if self.rng.random() < 0.5:
            cut = text[: self.rng.randint(40, max(41, len(text) - 1))].rstrip()
            return cut + self.rng.choice(["...", "…", " […]"])
        return text


def site_template(rng: random.Random, index: int) -> SiteTemplate:
    language = rng.choices(["en", "es", "de", "fr"], weights=[85, 5, 5, 5])[0]
    writer = _Writer(rng, language)
    names = list(SECTION_NAMES[language])
    if rng.random() < 0.3:  # an unlisted section name
        names.append(writer.headline())
    sections = tuple((name, rng.random() < 0.75) for name in rng.sample(names, k=rng.randint(0, 2)))
    separator = rng.choice(SEPARATORS)
    teaser_first = rng.random() < 0.3
    return SiteTemplate(
        site=f"site{index:03d}.example",
        language=language,
        site_name=writer.headline() if rng.random() < 0.5 else None,
        breadcrumb=None if teaser_first or rng.random() < 0.5 else HOME[language] + separator,
        byline=rng.random() < 0.4,
        teaser_first=teaser_first,
        glued_title=teaser_first and rng.random() < 0.5,
        sections=sections,
        footers=tuple(rng.sample(FOOTERS, k=rng.randint(0, 3))),
        cookie=writer.sentence() if rng.random() < 0.2 else None,
        pool=tuple((writer.headline(), writer.teaser()) for _ in range(30)),
    )


@dataclass(frozen=True)
class Article:
    """What a page is about: its title and body paragraphs, before any site's chrome."""

    title: str
    paragraphs: tuple[str, ...]


def new_article(rng: random.Random, language: str) -> Article:
    """A fresh article of 2 to 7 paragraphs, sometimes with a subheading."""
    w = _Writer(rng, language)
    title = w.headline()
    paragraphs = [w.paragraph() for _ in range(rng.randint(2, 7))]
    if len(paragraphs) > 3 and rng.random() < 0.3:
        paragraphs.insert(2, w.headline())  # a subheading is article text
    return Article(title, tuple(paragraphs))


def render_page(
    rng: random.Random, t: SiteTemplate, number: int, article: Article | None = None
) -> SyntheticPage:
    """A page of site ``t`` around ``article`` (a new one when None)."""
    w = _Writer(rng, t.language)
    article = article or new_article(rng, t.language)
    title, paragraphs = article.title, list(article.paragraphs)
    body = "\n\n".join(paragraphs)
    teaser = breadcrumb = title_line = byline = None
    gold_title: str | None = title
    if t.teaser_first:
        first = paragraphs[0]
        teaser = first[: rng.randint(min(60, len(first) - 1), len(first) - 1)]
        if t.glued_title:
            paragraphs[0] = f"{title} Source: {first}"
        else:
            gold_title = None
    else:
        if t.breadcrumb:
            section = w.headline().split()[0]
            breadcrumb = f"{t.breadcrumb}{section}{t.breadcrumb[len(HOME[t.language]) :]}{title}"
        title_line = title
        if t.byline:
            byline = (
                f"By {w.headline().split()[0]} {w.headline().split()[0]} | "
                f"{rng.randint(1, 28)} March {rng.randint(2015, 2026)}"
            )
    sections = tuple(
        (
            header,
            tuple(
                (h, tz if with_teasers else None)
                for h, tz in rng.sample(t.pool, k=rng.randint(3, 6))
            ),
        )
        for header, with_teasers in t.sections
    )
    parts = PageParts(
        t.site_name, breadcrumb, teaser, title_line, byline, tuple(paragraphs), sections,
        t.footers, t.cookie,
    )  # fmt: skip
    spaced = [part for line in parts.lines() for part in (line, "")][:-1]
    return SyntheticPage(
        t.site,
        f"page{number:04d}.txt",
        t.language,
        tuple(spaced),
        body,
        gold_title,
        tuple(h for _, entries in sections for h, _ in entries),
        t.teaser_first,
        parts,
    )


def generate_corpus(n_sites: int, pages_per_site: int, seed: int = 0) -> list[SyntheticPage]:
    """``n_sites`` sites of ``pages_per_site`` labeled pages each, reproducible from ``seed``."""
    return list(iter_corpus(n_sites, pages_per_site, seed))


def iter_corpus(n_sites: int, pages_per_site: int, seed: int = 0) -> Iterator[SyntheticPage]:
    """``generate_corpus`` one page at a time (a large corpus need not fit in memory)."""
    rng = random.Random(seed)
    templates = [site_template(rng, i) for i in range(n_sites)]
    for template in templates:
        for n in range(pages_per_site):
            yield render_page(rng, template, n)
