# The README's two commands: `make run` (set up and open the chat) and `make test` (set up and test).
VENV ?= .venv
PY := $(VENV)/bin/python
PIP := $(PY) -m pip install -q --disable-pip-version-check

.PHONY: run test check lint types pytest bench clean

$(VENV)/.base: pyproject.toml
	test -x $(PY) || python3 -m venv $(VENV)
	# The CPU build of torch first: a bare `torch` would pull a CUDA build of several GB.
	$(PIP) torch==2.13.0
	$(PIP) -e .
	touch $@

$(VENV)/.test: $(VENV)/.base
	$(PIP) -e '.[test]'
	touch $@

run: $(VENV)/.base
	$(VENV)/bin/dateline index corpus/
	$(VENV)/bin/dateline

test: $(VENV)/.test
	$(MAKE) check

check: lint types pytest

lint:
	$(VENV)/bin/ruff check qa embeddings tui tests bench
	$(VENV)/bin/ruff format --check qa embeddings tui tests bench

types:
	$(VENV)/bin/mypy

pytest:
	$(VENV)/bin/pytest

bench: $(VENV)/.test
	$(PY) bench/run_all.py

clean:
	rm -rf $(VENV) .mypy_cache .ruff_cache .pytest_cache
