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

import dataclasses
import random
import textwrap
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
    "ru": "совет порт река план бюджет школа доклад город люди неделя министр полиция "
          "рынок вода энергия фермеры цена шторм дорога мост суд судья голосование "
          "жители компания рабочие профсоюз больница врачи исследование данные год".split(),
    "zh": "议会 港口 河流 计划 预算 学校 报告 城市 居民 本周 部长 警方 市场 供水 能源 农民 "
          "价格 风暴 道路 桥梁 法院 法官 投票 公司 工人 工会 医院 医生 研究 数据 政府 地区".split(),
}
# Scripts written without spaces: words are joined as they are, sentences end in "。".
UNSPACED = frozenset({"zh"})
SECTION_NAMES = {
    "en": ["New Articles", "Most viewed", "Related Posts", "Trending Now", "Popular",
           "Latest News", "Recommended", "Editors' Picks", "More Stories", "Top Stories"],
    "es": ["Lo más leído", "Noticias relacionadas", "Últimas noticias", "Te puede interesar"],
    "de": ["Meistgelesen", "Mehr zum Thema", "Neueste Artikel", "Weitere Artikel"],
    "fr": ["Les plus lus", "À lire aussi", "Derniers articles", "Sur le même sujet"],
    "ru": ["Самое читаемое", "Читайте также", "Последние новости", "Популярное"],
    "zh": ["相关新闻", "热门文章", "最新消息", "推荐阅读"],
}
FOOTERS = ["You may also like", "Leave a Comment", "Exit mobile version", "Share this:",
           "Read more", "Leave a Reply", "Back to top", "Print", "Subscribe to our newsletter",
           "Follow us", "Tags: local, news", "Posted in Uncategorized"]
HOME = {"en": "Home", "es": "Inicio", "de": "Startseite", "fr": "Accueil", "ru": "Главная",
        "zh": "首页"}
# Extended layouts only: what real sites show that the classic templates do not.
MENUS = [["News", "Sport", "Business", "Culture", "Weather", "Contact"],
         ["World", "Politics", "Economy", "Science", "Opinion"],
         ["Local", "Events", "Jobs", "Classifieds", "About us", "Subscribe"]]
LINK_PROMPTS = ["Read more: ", "Related: ", "See also: ", "READ MORE: "]
COMMENT_HEADERS = ["{n} Comments", "{n} thoughts on this story", "Comments ({n})"]
LEGAL = ("© {year} {name}. All rights reserved. This material may not be published, "
         "broadcast, rewritten or redistributed without written permission.")
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
    menu: tuple[str, ...] = ()  # a run of menu links before the article
    sections_before: int = 0  # how many of ``sections`` a left column shows before it
    bio: str | None = None  # an author's bio after the article
    comments: tuple[str, ...] = ()  # a comment thread after the article
    legal: str | None = None  # a copyright paragraph at the very end

    def lines(self) -> list[str]:
        """The page as the lines of a scraped text file."""
        before, after = self.sections[: self.sections_before], self.sections[self.sections_before :]
        head = [self.site_name, *self.menu, *_section_lines(before)]
        head += [self.teaser, self.breadcrumb, self.title, self.byline]
        lines = [line for line in head if line is not None] + list(self.paragraphs)
        lines += [self.bio] if self.bio else []
        lines += _section_lines(after) + list(self.comments) + list(self.footers)
        return lines + [x for x in (self.legal, self.cookie) if x]


def _section_lines(
    sections: tuple[tuple[str, tuple[tuple[str, str | None], ...]], ...],
) -> list[str]:
    lines: list[str] = []
    for header, entries in sections:
        lines.append(header)
        for headline, teaser in entries:
            lines.extend([headline] if teaser is None else [headline, teaser])
    return lines


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
    menu: tuple[str, ...] = ()
    sidebar_first: bool = False
    bios: tuple[str, ...] = ()  # the site's authors' bios, one shown per page
    comments: bool = False
    legal: str | None = None
    inline_links: bool = False
    briefs: bool = False  # articles of one-sentence paragraphs
    wrap_width: int | None = None  # a text dump hard-wrapped at this many characters


class _Writer:
    def __init__(self, rng: random.Random, language: str) -> None:
        self.rng, self.words = rng, WORDS[language]
        self.space = "" if language in UNSPACED else " "

    def phrase(self, lo: int, hi: int) -> str:
        words = (self.rng.choice(self.words) for _ in range(self.rng.randint(lo, hi)))
        return self.space.join(words)

    def sentence(self) -> str:
        text = self.phrase(6, 22)
        if not self.space:
            return text + self.rng.choice(["。", "。", "？", "！"])
        return text[0].upper() + text[1:] + self.rng.choice([".", ".", ".", "?", "!"])

    def paragraph(self) -> str:
        return self.space.join(self.sentence() for _ in range(self.rng.randint(2, 6)))

    def headline(self) -> str:
        if not self.space:
            return self.phrase(5, 10)  # 10 to 20 characters, as Chinese headlines run
        return " ".join(w.capitalize() for w in self.phrase(4, 11).split())

    def teaser(self) -> str:
        text = self.sentence()
        if self.rng.random() < 0.5:
            cut = text[: self.rng.randint(40, max(41, len(text) - 1))].rstrip()
            return cut + self.rng.choice(["...", "…", " […]"])
        return text


def site_template(rng: random.Random, index: int, extended: bool = False) -> SiteTemplate:
    """A site's template; ``extended`` adds the layouts and languages of ``_extend``."""
    if extended:
        language = rng.choices(["en", "es", "de", "fr", "ru", "zh"], [80, 4, 4, 4, 4, 4])[0]
    else:
        language = rng.choices(["en", "es", "de", "fr"], weights=[85, 5, 5, 5])[0]
    writer = _Writer(rng, language)
    names = list(SECTION_NAMES[language])
    if rng.random() < 0.3:  # an unlisted section name (extended: as short as real ones are)
        names.append(writer.phrase(1, 3).title() if extended else writer.headline())
    sections = tuple((name, rng.random() < 0.75) for name in rng.sample(names, k=rng.randint(0, 2)))
    separator = rng.choice(SEPARATORS)
    teaser_first = rng.random() < 0.3
    template = SiteTemplate(
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
    return _extend(rng, template, writer) if extended else template


def _extend(rng: random.Random, t: SiteTemplate, writer: _Writer) -> SiteTemplate:
    """Layouts the classic templates lack, each on some sites: a menu of links, sidebars in a
    left column before the article, authors' bios, comment threads, a copyright paragraph,
    "Read more: ..." links inside the article, briefs of one-sentence paragraphs, text
    hard-wrapped at a fixed width."""
    name = t.site_name or t.site
    return dataclasses.replace(
        t,
        menu=tuple(rng.choice(MENUS)) if rng.random() < 0.4 else (),
        sidebar_first=bool(t.sections) and rng.random() < 0.3,
        bios=tuple(
            f"{writer.headline().split()[0]} {writer.sentence()} {writer.sentence()}"
            for _ in range(2)
        ) if rng.random() < 0.2 else (),
        comments=rng.random() < 0.25,
        legal=LEGAL.format(year=rng.randint(2010, 2026), name=name) if rng.random() < 0.3 else None,
        inline_links=rng.random() < 0.25,
        briefs=rng.random() < 0.1,
        wrap_width=rng.choice([72, 76, 80, 100]) if rng.random() < 0.15 else None,
    )  # fmt: skip


@dataclass(frozen=True)
class Article:
    """What a page is about: its title and body paragraphs, before any site's chrome."""

    title: str
    paragraphs: tuple[str, ...]


def new_article(rng: random.Random, language: str, brief: bool = False) -> Article:
    """A fresh article of 2 to 7 paragraphs, sometimes with a subheading; a ``brief`` is 3 to
    6 paragraphs of one sentence each."""
    w = _Writer(rng, language)
    title = w.headline()
    if brief:
        end = "." if w.space else "。"
        sentences = (w.phrase(5, 14) for _ in range(rng.randint(3, 6)))
        return Article(title, tuple(s[0].upper() + s[1:] + end for s in sentences))
    paragraphs = [w.paragraph() for _ in range(rng.randint(2, 7))]
    if len(paragraphs) > 3 and rng.random() < 0.3:
        paragraphs.insert(2, w.headline())  # a subheading is article text
    return Article(title, tuple(paragraphs))


def render_page(
    rng: random.Random, t: SiteTemplate, number: int, article: Article | None = None
) -> SyntheticPage:
    """A page of site ``t`` around ``article`` (a new one when None)."""
    w = _Writer(rng, t.language)
    article = article or new_article(rng, t.language, t.briefs)
    title, paragraphs = article.title, list(article.paragraphs)
    body = "\n\n".join(paragraphs)
    if t.inline_links:  # not article text: the gold body is taken before they go in
        for at in sorted(rng.sample(range(1, len(paragraphs)), k=min(2, len(paragraphs) - 1)))[
            ::-1
        ]:
            paragraphs.insert(at, rng.choice(LINK_PROMPTS) + rng.choice(t.pool)[0])
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
        t.footers, t.cookie, t.menu, 1 if t.sidebar_first else 0,
        rng.choice(t.bios) if t.bios else None, _comment_thread(rng, w) if t.comments else (),
        t.legal,
    )  # fmt: skip
    spaced = [part for line in parts.lines() for part in (line, "")][:-1]
    if t.wrap_width:  # wrapped as lynx or html2text would dump the page
        spaced = [part for line in spaced for part in textwrap.wrap(line, t.wrap_width) or [line]]
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


def _comment_thread(rng: random.Random, w: _Writer) -> tuple[str, ...]:
    """ "3 Comments", then per comment: "Name says:", a date line, the comment, "Reply"."""
    n = rng.randint(1, 4)
    lines = [rng.choice(COMMENT_HEADERS).format(n=n)]
    for _ in range(n):
        day, year, hour, minute = (
            rng.randint(*r) for r in ((1, 28), (2015, 2026), (0, 23), (0, 59))
        )
        date = f"{day} March {year} at {hour}:{minute:02d}"
        lines += [
            f"{w.headline().split()[0]} says:",
            date,
            w.sentence() + " " + w.sentence(),
            "Reply",
        ]
    return tuple(lines)


def generate_corpus(
    n_sites: int, pages_per_site: int, seed: int = 0, extended: bool = False
) -> list[SyntheticPage]:
    """``n_sites`` sites of ``pages_per_site`` labeled pages each, reproducible from ``seed``;
    ``extended`` draws the templates from the extended layouts too (see ``_extend``)."""
    return list(iter_corpus(n_sites, pages_per_site, seed, extended))


def iter_corpus(
    n_sites: int, pages_per_site: int, seed: int = 0, extended: bool = False
) -> Iterator[SyntheticPage]:
    """``generate_corpus`` one page at a time (a large corpus need not fit in memory)."""
    rng = random.Random(seed)
    templates = [site_template(rng, i, extended) for i in range(n_sites)]
    for template in templates:
        for n in range(pages_per_site):
            yield render_page(rng, template, n)
