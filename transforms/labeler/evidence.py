"""What the rules say of a page, as the line model's evidence.

Rule: the rule labeler (``rules``) labels every line; the non-blank lines, stripped, with the
code of each one's rule label (its place in ``Label``), the shape the rules measured and the
markup's evidence, make the page's ``PageEvidence``. Training and cleaning both build it
here, so the model reads at run time exactly what it was trained on.

>>> doc, rows, ev = page_evidence(["Home", "", "Rain fell all day. " * 3])
>>> rows, ev.texts[0], len(ev.rule_labels)
([0, 2], 'Home', 2)
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from transforms.labeler.features import Markup, PageEvidence
from transforms.labeler.rules import read_lines
from transforms.records import CleanDocument, Label

LABEL_CODES: dict[Label, int] = {label: code for code, label in enumerate(Label)}


def page_evidence(
    lines: Sequence[str], outside: Mapping[int, str] | None = None, markup: Markup | None = None
) -> tuple[CleanDocument, list[int], PageEvidence]:
    """The rules' document, the numbers of the non-blank lines, and the page's evidence
    (``markup`` has one entry per non-blank line)."""
    doc, shapes = read_lines(lines, outside)
    rows = [i for i, line in enumerate(lines) if line and not line.isspace()]
    texts = tuple(lines[i].strip() for i in rows)
    codes = tuple(LABEL_CODES[doc.labels[i]] for i in rows)
    return doc, rows, PageEvidence(texts, codes, tuple(shapes[i] for i in rows), markup)
