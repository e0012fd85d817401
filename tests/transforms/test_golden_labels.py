"""Every line's label and rule on the samples and the seeds equals the golden snapshot.

A difference is a change of behaviour: review it, then rewrite the snapshot with
``make golden`` and commit it with the change that caused it.
"""

from __future__ import annotations

import difflib

import pytest

from tests.transforms.golden_labels import CORPORA, GOLDEN, corpus_rows, stored_rows

SHOWN = 20  # differing lines printed on failure


@pytest.mark.parametrize("corpus", sorted(CORPORA))
def test_every_line_keeps_its_golden_label_and_rule(corpus):
    if not CORPORA[corpus].is_dir():
        pytest.skip(f"{CORPORA[corpus]} is not beside this checkout")
    want, got = stored_rows(corpus), corpus_rows(corpus)
    assert want, f"no {corpus} rows in {GOLDEN}: run make golden"
    if got != want:
        diff = difflib.unified_diff(want, got, "golden", "now", n=0, lineterm="")
        changes = [line for line in diff if line[:1] in "+-" and line[:3] not in ("---", "+++")]
        shown = "\n".join(changes[:SHOWN])
        pytest.fail(
            f"{corpus}: {len(changes)} lines of the diff, first {SHOWN} below (- golden, + now); "
            f"review, then 'make golden' rewrites {GOLDEN.name} on purpose:\n{shown}",
            pytrace=False,
        )
