"""The WCXB development pages (``../shared/wcxb-dev``), each line labeled by the reference.

Rule: a line is content when most of its word shingles occur in the page's reference main
text: lines of 4+ tokens by their 4-token shingles (at least half found), shorter lines when
their whole token sequence occurs in the reference, in order, as one run. The data is read
where it lies and never copied into the project.

>>> aligned_labels(["Home", "Rain fell all day on the coast.", "Share this"],
...                "Rain fell all day on the coast. It did not stop.")
[False, True, False]
"""

from __future__ import annotations

import gzip
import importlib.util
import json
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from types import ModuleType
from urllib.parse import urlsplit

DATA_DIR = Path(__file__).resolve().parents[1].parent / "shared" / "wcxb-dev"
_TOKEN = re.compile(r"\w+")
SHINGLE = 4
# A line of 4+ tokens is content when at least this share of its shingles is in the reference.
MIN_SHINGLE_SHARE = 0.5


@dataclass(frozen=True, slots=True)
class Page:
    """One labeled page: its id, site (host), page type, text and reference."""

    id: str
    site: str
    page_type: str
    title: str | None
    gold: str

    def text(self) -> str:
        return (DATA_DIR / "text" / f"{self.id}.txt").read_text(encoding="utf-8")

    def html(self) -> str:
        with gzip.open(DATA_DIR / "html" / f"{self.id}.html.gz", "rt", encoding="utf-8") as f:
            return f.read()


def site_of(url: str) -> str:
    """A page's site: its host without a leading ``www.``.

    >>> site_of("https://www.example.com/a/b")
    'example.com'
    """
    host = urlsplit(url).hostname or ""
    return host.removeprefix("www.")


def load_pages(page_type: str | None = None) -> list[Page]:
    """Every page with a reference, in id order (optionally one page type only)."""
    if not DATA_DIR.is_dir():
        raise FileNotFoundError(f"the WCXB development pages are not at {DATA_DIR}")
    pages = []
    with (DATA_DIR / "meta.jsonl").open(encoding="utf-8") as f:
        for line in f:
            meta = json.loads(line)
            gold_path = DATA_DIR / "gold" / f"{meta['id']}.txt"
            if not gold_path.exists() or (page_type and meta["page_type"] != page_type):
                continue
            gold = gold_path.read_text(encoding="utf-8")
            pages.append(
                Page(meta["id"], site_of(meta["url"]), meta["page_type"], meta["title"], gold)
            )
    return sorted(pages, key=lambda p: p.id)


def _shingles(tokens: Sequence[str]) -> list[tuple[str, ...]]:
    return [tuple(tokens[i : i + SHINGLE]) for i in range(len(tokens) - SHINGLE + 1)]


def aligned_labels(lines: Sequence[str], gold: str) -> list[bool]:
    """Whether each line is part of the reference ``gold`` (see the module's rule)."""
    gold_tokens = _TOKEN.findall(gold)
    gold_shingles = Counter(_shingles(gold_tokens))
    gold_joined = " " + " ".join(gold_tokens) + " "
    labels = []
    for line in lines:
        tokens = _TOKEN.findall(line)
        if not tokens:
            labels.append(False)
        elif len(tokens) < SHINGLE:
            labels.append(" " + " ".join(tokens) + " " in gold_joined)
        else:
            grams = _shingles(tokens)
            found = sum(1 for g in grams if gold_shingles[g] > 0)
            labels.append(found >= MIN_SHINGLE_SHARE * len(grams))
    return labels


def title_key(text: str | None) -> str:
    """A title as titles are compared: its words, lowercased, single-spaced.

    >>> title_key("Storm  Hits the Coast!") == title_key("storm hits the coast")
    True
    """
    return " ".join(_TOKEN.findall((text or "").lower()))


def reference_title_line(lines: Sequence[str], title: str | None) -> int | None:
    """The line of ``lines`` that is the page's reference ``title``: the first whose words
    are the title's, else the one whose words overlap the title's best, at an F1 of
    ``TITLE_MATCH`` or more ("Storm hits the coast - Daily News"); None when no line is.

    >>> reference_title_line(["Home", "Storm at sea | News", "Rain."], "Storm at sea")
    1
    """
    want = title_key(title).split()
    if not want:
        return None
    keys = [title_key(line).split() for line in lines]
    for i, words in enumerate(keys):
        if words == want:
            return i
    best, found = 0.0, None
    wanted = Counter(want)
    for i, words in enumerate(keys):
        if words and len(words) <= 3 * len(want):
            common = sum((Counter(words) & wanted).values())
            f1 = 2 * common / (len(words) + len(want))
            if f1 > best:
                best, found = f1, i
    return found if best >= TITLE_MATCH else None


TITLE_MATCH = 0.8


@cache
def scorer() -> ModuleType:
    """The benchmark's own scorer, ``score.py`` beside the data (standard library only)."""
    spec = importlib.util.spec_from_file_location("wcxb_score", DATA_DIR / "score.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def score(pages: Sequence[Page], predicted: dict[str, str]) -> dict[str, float]:
    """The benchmark's F1, precision and recall of ``predicted`` (id -> text) on ``pages``."""
    result, _ = scorer().score_texts({p.id: p.gold for p in pages}, dict(predicted))
    return {k: result[k] for k in ("f1", "precision", "recall")}
