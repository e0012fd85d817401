"""Names that sites give their sidebar sections and boilerplate lines, in several languages.

These lists are *supporting* evidence only: the labeler decides on structure (length,
alternation, truncation, position) and uses a known name to raise its confidence, so an
unlisted name or language still works.

>>> is_section_name("Related Posts:")
True
"""

from __future__ import annotations

from transforms.keys import headline_key

# fmt: off
_SECTION_NAMES = frozenset(
    {
        # English
        "new articles", "latest articles", "latest news", "latest", "latest posts", "most viewed",
        "most read", "most popular", "popular", "popular posts", "popular now", "trending",
        "trending now", "related", "related posts", "related articles", "related stories",
        "related news", "recommended", "recommended for you", "you may also like",
        "you might also like", "more stories", "more news", "top stories", "editors picks",
        "read next", "see also", "further reading", "recent posts", "recent articles",
        "also read", "in case you missed it", "dont miss", "what to read next", "featured",
        "more from", "more on this story", "most shared", "most commented", "headlines",
        # German, French, Spanish, Italian, Portuguese, Dutch
        "meistgelesen", "meistgelesene artikel", "das könnte sie auch interessieren",
        "weitere artikel", "mehr zum thema", "neueste artikel", "verwandte artikel",
        "les plus lus", "à lire aussi", "a lire aussi", "articles récents", "derniers articles",
        "sur le même sujet", "articles similaires", "à découvrir", "lo más leído", "más leídas",
        "más leído", "noticias relacionadas", "artículos relacionados", "últimas noticias",
        "te puede interesar", "lo más visto", "più letti", "i più letti", "articoli correlati",
        "ultime notizie", "potrebbe interessarti", "mais lidas", "notícias relacionadas",
        "leia também", "últimas notícias", "meest gelezen", "gerelateerde artikelen",
        "lees ook", "laatste nieuws",
    }
)
_BOILERPLATE_LINES = frozenset(
    {
        "leave a comment", "leave a reply", "exit mobile version", "share this", "share",
        "share this article", "share on facebook", "share on twitter", "tweet", "print",
        "email", "advertisement", "sponsored", "sponsored content", "subscribe",
        "subscribe now", "sign up", "newsletter", "comments", "follow us", "back to top",
        "skip to content", "accept cookies", "like this", "loading", "click here",
        "read more", "continue reading", "all rights reserved", "post navigation",
        "previous article", "next article", "related", "tags", "filed under", "posted in",
        "kommentare", "teilen", "werbung", "anzeige", "partager", "publicité", "commentaires",
        "compartir", "publicidad", "comentarios", "condividi", "pubblicità", "commenti",
        "listen to this article", "listen to this story", "listen", "play audio", "save",
        "save article", "copy link", "print this article", "facebook", "twitter", "linkedin",
        "whatsapp", "reddit", "pinterest", "artikel anhören", "écouter cet article",
        "escuchar este artículo",
    }
)
# fmt: on

# A short line starting with one of these is a prompt whatever follows ("Subscribe to ...").
_BOILERPLATE_FIRST_WORDS = frozenset({"subscribe", "copyright", "advertisement", "tags"})


# A short line starting with one of these is a prompt or a link to another story
# ("Read more: Ferry fares to rise", "Lesen Sie auch: ...").
_BOILERPLATE_STARTS = (
    "share on ", "follow us ", "sign up ", "read more ", "read more:", "related:", "see also:",
    "also read:", "read also:", "more:", "lesen sie auch:", "mehr zum thema:", "lire aussi:",
    "à lire aussi:", "lea también:", "leer más:", "leggi anche:",
)  # fmt: skip
# A short line starting with one of these names a section whatever follows ("Most read").
_SECTION_NAME_STARTS = ("more from ", "related ", "latest ", "most ")


def _key(line: str, key: str | None) -> str:
    return (headline_key(line) if key is None else key).rstrip(":").strip()


def is_section_name(line: str, key: str | None = None) -> bool:
    """True when the line is a commonly used sidebar/related-section name.

    ``key`` is the line's ``headline_key`` when the caller has it already.
    """
    key = _key(line, key)
    return key in _SECTION_NAMES or key.startswith(_SECTION_NAME_STARTS)


def is_boilerplate_line(line: str, key: str | None = None) -> bool:
    """True when the line is a commonly used share/comment/footer prompt or notice."""
    key = _key(line, key)
    return (
        key in _BOILERPLATE_LINES
        or "©" in line
        or key.partition(" ")[0] in _BOILERPLATE_FIRST_WORDS
        or is_link_prompt(key)
    )


def is_link_prompt(key: str) -> bool:
    """A prompt or a link to another story, of any length ("Read more: Ferry fares rise");
    ``key`` is the line's ``headline_key``."""
    return key.replace(" :", ":", 1).startswith(_BOILERPLATE_STARTS)  # French "aussi :"


def is_legal_notice(key: str) -> bool:
    """A copyright line of any length ("© 2024 Harbor Media. All rights reserved. ...");
    ``key`` is the line's ``headline_key``.

    >>> is_legal_notice(headline_key("Copyright 2024 Harbor Media Ltd, all rights reserved"))
    True
    """
    return key.startswith(("©", "(c) ", "copyright ")) or "all rights reserved" in key
