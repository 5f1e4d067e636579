# Two commands for a newcomer on a fresh Debian machine with Python 3.11:
#   make demo   sets everything up and runs aturan on the bundled samples
#   make test   sets everything up and runs all tests
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test setup check golden bench clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $(STAMP)

setup: $(STAMP)

demo: setup
	$(BIN)/aturan rules check
	$(BIN)/aturan explain samples/budi-petahana-administrator.yaml --as-of 2026-02-01
	$(BIN)/aturan decide samples/sari-suksesor-jpt-pratama.yaml --as-of 2026-02-01 --format json
	$(BIN)/aturan test golden/

test: setup
	$(BIN)/aturan rules check
	$(BIN)/aturan test golden/
	$(BIN)/python -m pytest -q

bench: setup
	$(BIN)/python bench/bench_decide.py

clean:
	rm -rf $(VENV) out .pytest_cache
