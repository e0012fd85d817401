"""CI gate: extraction quality on generated pages may not drop below pinned floors.

The figures (python -m benchmarks.quality --sites 30 --pages 10 --seed 11) were
F1 0.994, 96.0% of pages >= 0.95, titles 100%, headlines P 0.996 / R 1.000 when pinned.
Raise the floors when the cleaner improves; never lower them to make a change pass.
"""

from benchmarks.quality import measure_quality
from benchmarks.synthetic_pages import generate_corpus


def test_quality_on_generated_pages_stays_above_the_floors():
    q = measure_quality(generate_corpus(n_sites=30, pages_per_site=10, seed=11))
    assert q.f1 >= 0.99
    assert q.share_f1_095 >= 0.95
    assert q.title_exact >= 0.98
    assert q.headline_precision >= 0.98 and q.headline_recall >= 0.98
