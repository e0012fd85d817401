# The README's commands. Each target creates ./.venv and installs pagewash into it first.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
INSTALLED := $(VENV)/.installed
# The UI test's headless browser: Debian's package, not Playwright's download (unreachable here).
CHROMIUM ?= /usr/bin/chromium

.PHONY: demo test lint browser bench bench-quality train golden clean

$(INSTALLED): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[dev]'
	touch $@

demo: $(INSTALLED)  ## ingest the bundled samples into ./data/warehouse and show the articles
	$(BIN)/pagewash run samples
	$(BIN)/pagewash query "SELECT site, title, n_words, n_copies FROM unique_articles ORDER BY site, source"

# The suite on 2 pytest-xdist workers (these machines have 2 cores): much of it waits on
# servers, schedules and child processes, which the other worker fills. A module runs whole
# on one worker, in the order tests/conftest.py gives (the longest first).
# --durations=20: every log (CI's too) lists the 20 slowest tests, to keep the suite's time in view.
TEST_WORKERS ?= 2

test: $(INSTALLED) lint browser  ## lint, type-check and run every test
	CHROMIUM=$(CHROMIUM) $(BIN)/pytest -n $(TEST_WORKERS) --dist loadscope --no-loadscope-reorder --durations=20

lint: $(INSTALLED)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

browser:  ## install Debian's chromium for the UI test when it is missing (needs root and apt-get)
	@if [ -x "$(CHROMIUM)" ]; then \
	  true; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	  apt-get update -q && \
	  DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends chromium; \
	else \
	  echo "make: no $(CHROMIUM), and only root with apt-get can install it here:" \
	    "run 'sudo apt-get install chromium' or set CHROMIUM=/path/to/chromium." \
	    "Without it the UI test is skipped (under CI=true it fails)."; \
	fi

$(VENV)/.bench: $(INSTALLED)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[dev,bench]'
	touch $@

# The size the memory budget is stated for (issue 16): 200,000 pages, files only (~5 min).
BENCH_ARGS ?= --docs 200000

bench: $(INSTALLED)  ## throughput and peak memory of `pagewash run`; fails over the memory budget
	$(BIN)/python -m benchmarks.throughput $(BENCH_ARGS)

bench-quality: $(VENV)/.bench  ## extraction quality, text and HTML, against trafilatura
	$(BIN)/python -m benchmarks.real_pages
	$(BIN)/python -m benchmarks.quality

train: $(INSTALLED)  ## retrain the line model from ../shared/wcxb-dev (same data, same model)
	$(BIN)/python -m training.train

golden: $(INSTALLED)  ## rewrite tests/transforms/golden/labels.tsv: every line's label and rule on samples/ and ../shared/seeds
	$(BIN)/python -m tests.transforms.golden_labels

clean:
	rm -rf $(VENV) data .pytest_cache .mypy_cache .ruff_cache .hypothesis
