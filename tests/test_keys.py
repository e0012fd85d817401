"""Pinned values: a change here re-keys stored data, so it must be deliberate."""

from transforms.fingerprint import doc_id
from transforms.headline_key import headline_key


def test_doc_id_is_pinned():
    assert doc_id(b"") == "e3b0c44298fc1c14"
    assert doc_id(b"Harbor bridge reopens") == "87499c5e35322fa0"


def test_headline_key_folds_case_quotes_dashes_and_space():
    assert headline_key("Council’s  “Bold” Plan – Approved") == "councils bold plan - approved"


def test_headline_key_drops_numbering_bullets_and_truncation():
    assert headline_key("3. Ferry fares rise again...") == "ferry fares rise again"
    assert headline_key("• Ferry fares rise again…") == "ferry fares rise again"
    assert headline_key("Ferry fares rise again [...]") == "ferry fares rise again"


def test_headline_key_applies_unicode_compatibility_forms():
    assert headline_key("ＦＵＬＬ width") == headline_key("full WIDTH") == "full width"


def test_headline_key_collapses_space_left_by_dropped_quotes_and_control_characters():
    # ASCII lines skip the split and join when already single-spaced: these are not
    assert headline_key('Storm " hits" the coast') == "storm hits the coast"
    assert headline_key("Storm\thits the\x0bcoast") == "storm hits the coast"
    assert headline_key('" Storm hits"') == "storm hits"
    assert headline_key("Storm hits '") == "storm hits"
