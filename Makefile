# The README's two commands: `make run` (set up and open the chat) and `make test` (set up and test).
# Every install takes its versions from constraints.txt, the set the suite last passed with;
# `make lock` makes it again from the newest releases (then run `make test` and commit both).
VENV ?= .venv
PY := $(VENV)/bin/python
PIP := $(PY) -m pip install -q --disable-pip-version-check
LOCKED := -c constraints.txt

.PHONY: run test check lint types pytest bench lock clean

$(VENV)/.base: pyproject.toml constraints.txt
	test -x $(PY) || python3 -m venv $(VENV)
	# The CPU build of torch first: a bare `torch` would pull a CUDA build of several GB.
	$(PIP) $(LOCKED) torch==2.13.0
	$(PIP) $(LOCKED) -e .
	# The model's fast graphs, made now so the first question does not wait on them.
	$(VENV)/bin/dateline prepare
	touch $@

$(VENV)/.test: $(VENV)/.base
	$(PIP) $(LOCKED) -e '.[test]'
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
	$(VENV)/bin/lint-imports

types:
	$(VENV)/bin/mypy

pytest:
	$(VENV)/bin/pytest

bench: $(VENV)/.test
	$(PY) -m bench.run_all

# A fresh environment from the newest releases the pyproject allows, frozen into constraints.txt.
lock:
	rm -rf .lock-venv && python3 -m venv .lock-venv
	.lock-venv/bin/python -m pip install -q --disable-pip-version-check torch==2.13.0
	.lock-venv/bin/python -m pip install -q --disable-pip-version-check -e '.[test,bulk,train]'
	{ echo "# Versions the test suite passed with; made by \`make lock\`, used by every install (Makefile)."; \
	  .lock-venv/bin/python -m pip freeze --exclude-editable | sed -e 's/+cpu$$//' -e '/^#/d'; } > constraints.txt
	rm -rf .lock-venv

clean:
	rm -rf $(VENV) .mypy_cache .ruff_cache .pytest_cache
