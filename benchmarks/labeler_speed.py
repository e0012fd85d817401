"""Print how fast the labeler reads real pages: the rules, and the model's features and
predictions, each in lines per second of one core, and how long the model takes to load.

    python -m benchmarks.labeler_speed [--pages 400] [--batch 200]

Pages: the first ``--pages`` of the WCXB development pages as plain text, cleaned in batches
of ``--batch`` as the ingest flow does (``runtime/clean_chunks.py``). Each figure is the best of
three passes; the rules' memory of measured lines is emptied before each pass.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import time

from training.wcxb import load_pages
from transforms.labeler import decide, read_page
from transforms.line_features import forget_measured_lines

LOAD = "import time; t = time.perf_counter(); from transforms.labeler import model; " \
    "model._model(); print(time.perf_counter() - t)"  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--pages", type=int, default=400)
    parser.add_argument("--batch", type=int, default=200)
    args = parser.parse_args()
    load = subprocess.run([sys.executable, "-c", LOAD], capture_output=True, text=True, check=True)
    seconds = float(load.stdout)
    print(f"model load (import, both stages and the title ranker, fresh process): {seconds:.2f} s")
    texts = [page.text().splitlines() for page in load_pages()[: args.pages]]
    n_lines = sum(1 for lines in texts for line in lines if line.strip())
    best_rules = best_model = float("inf")
    for _ in range(3):
        forget_measured_lines()
        rules = model = 0.0
        for at in range(0, len(texts), args.batch):
            t = time.perf_counter()
            ruled = [read_page(lines) for lines in texts[at : at + args.batch]]
            t2 = time.perf_counter()
            decide(ruled)
            rules, model = rules + t2 - t, model + time.perf_counter() - t2
        best_rules, best_model = min(best_rules, rules), min(best_model, model)
    print(f"{len(texts)} pages, {n_lines} non-blank lines, batches of {args.batch}")
    print(f"rules (evidence): {n_lines / best_rules:,.0f} lines/s")
    print(f"features and predictions: {n_lines / best_model:,.0f} lines/s")
    print(f"whole labeler: {len(texts) / (best_rules + best_model):,.0f} pages/s")


if __name__ == "__main__":
    main()
