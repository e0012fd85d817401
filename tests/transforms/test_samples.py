"""The bundled sample pages against their hand-written expectations (samples/expected.json).

Each page lists its title, phrases its body must contain, boilerplate it must not contain
and the sidebar headlines it lists, in the style of trafilatura's saved-page tests.
"""

from __future__ import annotations

import json

import pytest

from tests.conftest import SAMPLES
from transforms.cleaning import build_document, format_for
from transforms.records import CleanDocument

EXPECTED: dict[str, dict] = json.loads((SAMPLES / "expected.json").read_text(encoding="utf-8"))


def _clean(relative: str) -> CleanDocument:
    path = SAMPLES / relative
    doc = build_document(path.read_bytes(), format_for(path.suffix) or "text")
    assert isinstance(doc, CleanDocument), doc
    return doc


def test_samples_cover_at_least_12_pages_over_3_sites_and_all_have_expectations():
    pages = sorted(
        p.relative_to(SAMPLES).as_posix() for p in SAMPLES.rglob("*") if format_for(p.suffix)
    )
    assert len(pages) >= 12 and len({p.split("/")[0] for p in pages}) >= 3
    assert pages == sorted(EXPECTED)


@pytest.mark.parametrize("relative", sorted(EXPECTED))
def test_sample_page_is_cleaned_as_expected(relative):
    want, doc = EXPECTED[relative], _clean(relative)
    assert doc.title == want["title"]
    for phrase in want["must_contain"]:
        assert phrase in doc.body, phrase
    for phrase in want["must_not_contain"]:
        assert phrase not in doc.body, phrase
    assert [m.headline for m in doc.mentions] == want["headlines"]
    for phrase in want.get("appears_once", []):
        assert doc.body.count(phrase) == 1, phrase
