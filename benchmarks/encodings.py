"""Print how often each way of decoding bytes gets a page's text back, per encoding.

    python -m benchmarks.encodings [--per-encoding 80] [--seed 1]

The corpus is real text in many languages encoded in ten ways: the reference texts of
``../shared/wcxb-dev`` (mostly English, some in other Latin scripts), the Japanese, Chinese,
Russian and Greek lines of its HTML pages, and the translations humanize ships (a dependency of
Prefect). A text joins an encoding's samples with the lines of it that fit the encoding when they
show it off (20 non-ASCII characters); for Cyrillic and CJK encodings, each run of a text's
lines in that script with 100 of its characters is a sample (the corpus has only three
Japanese and three Chinese ones). ``utf-8+3 bad`` is UTF-8 with three bytes overwritten by
random non-ASCII bytes. Texts holding mojibake (UTF-8 once read as Latin-1 or Windows-1252, as some
of wcxb's do) are left out: their reference is not the text the page meant.

A decoding is right when it gives the text back: exactly, or for the corrupted bytes, the
text Python's UTF-8 decoder gives less the U+FFFD characters. Approaches:

- ``old rule``: strict UTF-8, else Windows-1252, else Latin-1 (pagewash before issue 16);
- ``ratio rule``: ``transforms.decode.decode`` with Windows-1252 for every legacy page;
- ``charset-normalizer``: its best guess for the whole file;
- ``ratio + cn``: ``decode`` with charset-normalizer's best guess for legacy pages;
- ``ratio + cn web``: the same among the encodings browsers read (``WEB_LEGACY``);
- ``ratio + cn web, ties`` (pagewash's ``decode``): the same, giving way to Windows-1252 when
  a code page ties with it.

It also prints the range of ``utf8_share`` over each encoding's samples, the figure rule 5 of
``transforms.decode`` compares with ``MIN_UTF8_SHARE``.
"""

from __future__ import annotations

import argparse
import gzip
import html
import random
import re
import time
from collections import defaultdict
from collections.abc import Callable, Iterator
from importlib import resources
from pathlib import Path

from charset_normalizer import from_bytes

from transforms.decode import WEB_LEGACY, decode, repair_mojibake, utf8_share
from transforms.records import Rejection

WCXB = Path(__file__).resolve().parents[2] / "shared" / "wcxb-dev"
# Pages of the HTML set whose text is largely in another script (found by counting scripts).
OTHER_SCRIPT_PAGES = "0108 0215 0508 0509 0625 0823 1976 2904 2905 2917 3010 3066".split()
HUMANIZE_LOCALES = ("ja_JP", "zh_CN", "zh_HK", "ru_RU", "uk_UA", "el_GR", "fr_FR", "de_DE")
LIMIT = 20_000  # characters of a text
SCRIPT_PIECE = 100  # telling characters of a sample in another script

_CJK = re.compile("[\u3040-\u30ff\u4e00-\u9fff]")
_CYRILLIC = re.compile("[\u0400-\u04ff]")
_NON_ASCII = re.compile("[^\x00-\x7f]")
_C1 = re.compile("[\x80-\x9f]")  # control characters found only in mojibake
# (name, how to encode, what counts as showing it off)
ENCODINGS: tuple[tuple[str, Callable[[str], bytes], re.Pattern[str]], ...] = (
    ("utf-8", lambda t: t.encode("utf-8"), _NON_ASCII),
    ("utf-8+3 bad", lambda t: t.encode("utf-8"), _NON_ASCII),
    ("cp1252", lambda t: t.encode("cp1252"), _NON_ASCII),
    ("latin-1", lambda t: t.encode("latin-1"), _NON_ASCII),
    ("utf-16 (BOM)", lambda t: t.encode("utf-16"), _NON_ASCII),
    ("utf-16-le (no BOM)", lambda t: t.encode("utf-16-le"), _NON_ASCII),
    ("shift_jis", lambda t: t.encode("shift_jis"), _CJK),
    ("gbk", lambda t: t.encode("gbk"), _CJK),
    ("cp1251", lambda t: t.encode("cp1251"), _CYRILLIC),
    ("koi8-r", lambda t: t.encode("koi8-r"), _CYRILLIC),
)


def _html_text(markup: str) -> str:
    markup = re.sub(r"(?is)<(script|style)\b.*?</\1>", " ", markup)
    text = html.unescape(re.sub(r"(?s)<[^>]+>", "\n", markup))
    return "\n".join(line.strip() for line in text.splitlines() if line.strip())


def _po_text(po: str) -> str:
    return "\n".join(m for m in re.findall(r'^msgstr(?:\[\d\])? "(.+)"$', po, re.M))


def texts() -> Iterator[str]:
    """The corpus's texts, in a fixed order."""
    for path in sorted((WCXB / "text").glob("*.txt")):
        yield path.read_text(encoding="utf-8")[:LIMIT]
    for page in OTHER_SCRIPT_PAGES:
        raw = gzip.decompress((WCXB / "html" / f"{page}.html.gz").read_bytes())
        yield _html_text(raw.decode("utf-8", "replace"))[:LIMIT]
    locales = resources.files("humanize") / "locale"
    for locale in HUMANIZE_LOCALES:
        po = locales / locale / "LC_MESSAGES" / "humanize.po"
        yield _po_text(po.read_text(encoding="utf-8"))


def _fitting(text: str, encode: Callable[[str], bytes]) -> str:
    """The lines of ``text`` that ``encode`` can encode."""
    kept = []
    for line in text.splitlines():
        try:
            encode(line)
        except UnicodeEncodeError:
            continue
        kept.append(line)
    return "\n".join(kept)


def _corrupt(raw: bytes, rng: random.Random, n: int = 3) -> bytes:
    data = bytearray(raw)
    for at in rng.sample(range(len(data)), n):
        data[at] = rng.randrange(0x80, 0x100)
    return bytes(data)


def _pieces(text: str, telling: re.Pattern[str], script: bool) -> Iterator[str]:
    """``text`` whole when it shows the encoding off (20 telling characters); for an encoding
    of another script, each run of its lines in that script with ``SCRIPT_PIECE`` telling
    characters (the corpus has few such pages, and a page in a legacy encoding of a script is
    mostly in that script)."""
    if not script:
        if len(telling.findall(text)) >= 20:
            yield text
        return
    piece: list[str] = []
    for line in text.splitlines():
        if telling.search(line):
            piece.append(line)
            if len(telling.findall("\n".join(piece))) >= SCRIPT_PIECE:
                yield "\n".join(piece)
                piece = []


def samples(per_encoding: int, seed: int) -> dict[str, list[tuple[bytes, str]]]:
    """Up to ``per_encoding`` (bytes, expected text) pairs for each encoding."""
    rng = random.Random(seed)
    out: dict[str, list[tuple[bytes, str]]] = defaultdict(list)
    corpus = list(texts())
    for name, encode, telling in ENCODINGS:
        for text in corpus:
            fit = _fitting(text, encode).replace("\ufffd", "")
            for piece in _pieces(fit, telling, telling is not _NON_ASCII):
                if len(out[name]) >= per_encoding:
                    break
                if _C1.search(piece) or repair_mojibake(piece) != piece:
                    continue  # mojibake in the reference text: it has no right decoding
                raw = encode(piece)
                if name.endswith("bad"):
                    raw = _corrupt(raw, rng)
                    piece = raw.decode("utf-8", "replace").replace("\ufffd", "")
                out[name].append((raw, piece))
    return out


def old_rule(raw: bytes) -> str | None:
    """pagewash's decoding before issue 16, byte-order marks and checks aside."""
    for bom, encoding in ((b"\xef\xbb\xbf", "utf-8-sig"), (b"\xff\xfe", "utf-16")):
        if raw.startswith(bom):
            return raw.decode(encoding)
    if b"\x00" in raw:
        return None  # binary
    for encoding in ("utf-8", "cp1252"):
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    return raw.decode("latin-1")


def cn_alone(raw: bytes) -> str | None:
    best = from_bytes(raw).best()
    return None if best is None else str(best)


def _cn_best(raw: bytes, isolation: list[str] | None = None) -> str:
    best = from_bytes(raw, cp_isolation=isolation).best()
    return "cp1252" if best is None else best.encoding


def _with(legacy: Callable[[bytes], str] | None) -> Callable[[bytes], str | None]:
    def run(raw: bytes) -> str | None:
        result = decode(raw) if legacy is None else decode(raw, legacy)
        return None if isinstance(result, Rejection) else result.text

    return run


APPROACHES: dict[str, Callable[[bytes], str | None]] = {
    "old rule": old_rule,
    "ratio rule": _with(lambda raw: "cp1252"),
    "charset-normalizer": cn_alone,
    "ratio + cn": _with(_cn_best),
    "ratio + cn web": _with(lambda raw: _cn_best(raw, WEB_LEGACY)),
    "ratio + cn web, ties": _with(None),
}


def _right(got: str | None, expected: str, corrupted: bool) -> bool:
    if got is None:
        return False
    return (got.replace("\ufffd", "") if corrupted else got) == expected


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--per-encoding", type=int, default=80)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    corpus = samples(args.per_encoding, args.seed)
    names = list(APPROACHES)
    print(f"{'encoding':<20}{'n':>4}  {'utf8_share':<12}" + "".join(f"{n:>22}" for n in names))
    totals = dict.fromkeys(names, 0)
    seconds = dict.fromkeys(names, 0.0)
    n_all = 0
    for encoding, pairs in corpus.items():
        shares = [utf8_share(raw) for raw, _ in pairs]
        row = f"{encoding:<20}{len(pairs):>4}  {min(shares):.2f}-{max(shares):.2f}   "
        for name, approach in APPROACHES.items():
            start = time.perf_counter()
            right = sum(
                _right(approach(raw), text, encoding.endswith("bad")) for raw, text in pairs
            )
            seconds[name] += time.perf_counter() - start
            totals[name] += right
            row += f"{right / len(pairs):>22.0%}"
        n_all += len(pairs)
        print(row)
    print(
        f"{'all':<20}{n_all:>4}  {'':<12}" + "".join(f"{totals[n] / n_all:>22.1%}" for n in names)
    )
    print(f"{'ms per page':<36}" + "".join(f"{1000 * seconds[n] / n_all:>22.2f}" for n in names))


if __name__ == "__main__":
    main()
