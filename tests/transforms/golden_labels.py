"""The golden snapshot of every line's label and rule on the samples and the seeds.

Pages go through the entry points the ingest flow calls: ``read_document`` per page, then
``build_documents`` for the batch, so the snapshot pins what users get in the ``lines`` table.
One row per input line: corpus/path, line number, label, rule and the line's first 40
characters (as a JSON string); a rejected page is one row with line number ``-``, label
``rejected`` and its reason. No probabilities: a label change is what a reviewer must see.

``make golden`` (``python -m tests.transforms.golden_labels``) rewrites the snapshot on
purpose; ``test_golden_labels`` fails on any difference.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from transforms.cleaning import ReadDocument, build_documents, format_for, read_document
from transforms.records import Rejection

REPO = Path(__file__).resolve().parents[2]
CORPORA = {"samples": REPO / "samples", "seeds": REPO.parent / "shared" / "seeds"}
GOLDEN = Path(__file__).with_name("golden") / "labels.tsv"
HEADER = "source\tline_no\tlabel\trule\ttext"
PREFIX = 40


def pages(folder: Path) -> list[Path]:
    """The pages of a corpus folder that pagewash reads, in path order."""
    return sorted(p for p in folder.rglob("*") if p.is_file() and format_for(p.suffix))


def corpus_rows(corpus: str) -> list[str]:
    """The snapshot rows of one corpus, its pages labeled as one batch."""
    folder = CORPORA[corpus]
    paths = pages(folder)
    read = [read_document(p.read_bytes(), format_for(p.suffix) or "text") for p in paths]
    built = iter(build_documents([r for r in read if isinstance(r, ReadDocument)]))
    rows = []
    for path, first in zip(paths, read, strict=True):
        source = f"{corpus}/{path.relative_to(folder).as_posix()}"
        doc = first if isinstance(first, Rejection) else next(built)
        if isinstance(doc, Rejection):
            rows.append(f"{source}\t-\trejected\t{doc.reason}\t{json.dumps(doc.detail)}")
            continue
        for line_no, (text, label, rule) in enumerate(
            zip(doc.texts, doc.labels, doc.rules, strict=True)
        ):
            prefix = json.dumps(text[:PREFIX], ensure_ascii=False)
            rows.append(f"{source}\t{line_no}\t{label}\t{rule}\t{prefix}")
    return rows


def stored_rows(corpus: str) -> list[str]:
    """The snapshot's rows of one corpus, as last written by ``make golden``."""
    lines = GOLDEN.read_text(encoding="utf-8").splitlines()[1:]
    return [row for row in lines if row.startswith(f"{corpus}/")]


def main() -> int:
    missing = [name for name, folder in CORPORA.items() if not folder.is_dir()]
    if missing:
        print(f"golden: no {', '.join(str(CORPORA[m]) for m in missing)}", file=sys.stderr)
        return 1
    rows = [row for corpus in CORPORA for row in corpus_rows(corpus)]
    GOLDEN.parent.mkdir(exist_ok=True)
    GOLDEN.write_text("\n".join([HEADER, *rows]) + "\n", encoding="utf-8")
    print(f"golden: {len(rows)} lines written to {GOLDEN.relative_to(REPO)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
