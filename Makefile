# The README's commands. Each target creates ./.venv and installs pagewash into it first.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
INSTALLED := $(VENV)/.installed

.PHONY: demo test lint clean

$(INSTALLED): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[dev]'
	touch $@

demo: $(INSTALLED)  ## ingest the bundled samples into ./data/warehouse and show the articles
	$(BIN)/pagewash run samples
	$(BIN)/pagewash query "SELECT site, title, n_words, n_copies FROM unique_articles ORDER BY site, source"

test: $(INSTALLED) lint  ## lint, type-check and run every test
	$(BIN)/pytest

lint: $(INSTALLED)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

clean:
	rm -rf $(VENV) data .pytest_cache .mypy_cache .ruff_cache .hypothesis
