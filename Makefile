# The two commands of the README: `make demo` and `make test`; `make docs` builds the site in site/.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cat setup.cfg pyproject.toml | sha1sum | cut -c1-12)
TEST_STAMP := $(STAMP)-test
DOCS_STAMP := $(STAMP)-docs

.PHONY: demo test bench docs clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(STAMP): $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(TEST_STAMP): $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP) $@

$(DOCS_STAMP): $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[docs]'
	touch $(STAMP) $@

demo: $(STAMP)
	$(BIN)/discourse run experiments/state_vs_ngo.toml

test: $(TEST_STAMP)
	$(BIN)/python -m pytest -q

# Every benchmark script (not the helpers _*.py), each writing benchmarks/results/<script>.json, then the
# README's performance table rewritten from those files.
bench: $(TEST_STAMP)
	for b in benchmarks/[!_]*.py; do [ $$b = benchmarks/table.py ] || $(BIN)/python $$b || exit 1; done
	$(BIN)/python benchmarks/table.py

docs: $(DOCS_STAMP)
	NO_MKDOCS_2_WARNING=1 $(BIN)/python -m mkdocs build --strict --site-dir site

clean:
	rm -rf $(VENV) .discourse-cache runs site
