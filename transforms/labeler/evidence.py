"""What the rules say of a page, as the line model's evidence.

Rule: the rule labeler (``rules.read_lines``) labels every logical line (a line, or a
rejoined paragraph of a hard-wrapped page); each non-blank one, single-spaced, with the code
of its rule label (its place in ``Label``), the shape the rules measured and the markup's
evidence, makes the page's ``PageEvidence``. Training and cleaning both build it here, so the
model reads at run time exactly what it was trained on.

>>> reading, ev = page_evidence(["Home", "", "Rain  fell all day. " * 3])
>>> ev.texts[0], ev.texts[1][:14], len(ev.rule_labels)
('Home', 'Rain fell all ', 2)
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from transforms.labeler.batch import Markup, PageEvidence
from transforms.labeler.features import LABEL_CODES
from transforms.labeler.rules import RuleReading, read_lines


def page_evidence(
    lines: Sequence[str], outside: Mapping[int, str] | None = None, markup: Markup | None = None
) -> tuple[RuleReading, PageEvidence]:
    """The rules' reading of ``lines`` and the page's evidence (``markup`` has one entry per
    non-blank line: HTML pages are never rejoined, so their lines are the logical ones)."""
    reading = read_lines(lines, outside)
    codes = tuple(LABEL_CODES[label] for label in reading.labels)
    glued = any(reading.kept_from)
    return reading, PageEvidence(reading.texts, codes, reading.shapes, markup, reading.title, glued)
