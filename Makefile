# The two commands a newcomer needs: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
DATA_DIR ?= data
SERVER_NAME ?= localhost

.PHONY: run test lint bench install clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip

# Reinstall when pyproject.toml changes; the stamp keeps `make run` quick afterwards.
$(VENV)/.installed: $(BIN)/python pyproject.toml
	$(BIN)/pip install -q -e .
	touch $@

$(VENV)/.installed-test: $(VENV)/.installed
	$(BIN)/pip install -q -e '.[test]'
	touch $@

install: $(VENV)/.installed

$(DATA_DIR)/closedserver.toml: | $(VENV)/.installed
	$(BIN)/closedserver init --server-name $(SERVER_NAME) --data-dir $(DATA_DIR)

run: $(VENV)/.installed $(DATA_DIR)/closedserver.toml
	@echo
	@echo "closedserver is starting on http://127.0.0.1:8008 (server name: $(SERVER_NAME))."
	@echo "Create the first admin in another shell with:"
	@echo "    $(BIN)/closedserver user create alice --admin --data-dir $(DATA_DIR)"
	@echo
	$(BIN)/closedserver run --data-dir $(DATA_DIR)

lint: $(VENV)/.installed-test
	$(BIN)/ruff check .

test: $(VENV)/.installed-test
	$(BIN)/ruff check .
	$(BIN)/pytest -q

# The benchmark (bench/README.md): Synapse and py-spy live in their own venv, never in
# closedserver's; the load generator runs from .venv (httpx comes with the test extra).
# Pass options through BENCH_ARGS, e.g. `make bench BENCH_ARGS="--only synapse"`.
BENCH_VENV := bench/.venv-synapse
SYNAPSE_VERSION ?= 1.163.*
BENCH_ARGS ?=

$(BENCH_VENV)/.installed:
	$(PYTHON) -m venv $(BENCH_VENV)
	$(BENCH_VENV)/bin/pip install -q --upgrade pip
	$(BENCH_VENV)/bin/pip install -q 'matrix-synapse==$(SYNAPSE_VERSION)' py-spy
	touch $@

bench: $(VENV)/.installed-test $(BENCH_VENV)/.installed
	$(BIN)/python -m bench.run $(BENCH_ARGS)

clean:
	rm -rf $(VENV) build *.egg-info
