# Two commands for a newcomer on a fresh Debian 12 (Python 3.11) or 13 (Python 3.13) machine:
#   make demo   sets everything up and runs aturan on the bundled samples
#   make test   sets everything up and runs all tests (lint included)
# and for developers:
#   make lint       ruff (lint and format check), yamllint, mypy --strict on all of src/aturan
#   make test-fast  lint and every test that needs no LibreOffice, PostgreSQL or browser, and is
#                   not marked slow (markers: pyproject.toml, README's Tests)
#   make lock       regenerate requirements.lock after changing a dependency in pyproject.toml
# PYTHON=python3.13 (or any interpreter) runs any of them on that Python, in its own .venv-python3.13.
PYTHON ?= python3
# One virtual environment per interpreter: .venv for the default python3, .venv-python3.13 for
# `make test PYTHON=python3.13` (so switching Python never reuses the other one's compiled packages).
VENV ?= $(if $(filter python3,$(PYTHON)),.venv,.venv-$(notdir $(PYTHON)))
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
LOCK := requirements.lock

SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: demo test test-fast lint setup setup-pdf setup-web setup-db setup-bench lock check golden bench bench-lab lab-chart clean

# Installs exactly the lock (every file checked against its hash), then aturan itself. durable-rules
# is built first from its hashed source release with the patches in patches/ (Python 3.13 removed a
# C function it calls), on every Python, and is then already installed when pip reads the lock.
$(STAMP): pyproject.toml $(LOCK) patches/build_durable_rules.py patches/*.patch
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet --no-deps \
	  $$($(BIN)/python patches/build_durable_rules.py $(LOCK) $(VENV)/wheels)
	$(BIN)/pip install --quiet --require-hashes -r $(LOCK)
	$(BIN)/pip install --quiet --no-deps -e .
	touch $(STAMP)

setup: $(STAMP)

# Regenerates requirements.lock from pyproject.toml (after changing a dependency or a bound): one
# lock for every supported Python (3.11 to 3.13), the same versions on each where they allow it,
# with the hashes of every file PyPI has for them. Then `make setup` installs it.
lock:
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet 'uv>=0.9,<1'
	$(BIN)/uv pip compile pyproject.toml --extra test --universal --fork-strategy fewest \
	  --python-version 3.11 --generate-hashes --no-emit-package aturan --quiet -o $(LOCK)

# PDF documents need LibreOffice (Debian packages), its Python bridge for /usr/bin/python3
# (python3-uno: one LibreOffice kept alive per worker) and jemalloc (LibreOffice runs with it,
# about 20% less CPU); installed only when missing.
setup-pdf:
	@command -v soffice >/dev/null 2>&1 && command -v pdftoppm >/dev/null 2>&1 && \
	  /usr/bin/python3 -c 'import uno' >/dev/null 2>&1 && \
	  ls /usr/lib/*/libjemalloc.so.2 >/dev/null 2>&1 || \
	  ( $(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq \
	    --no-install-recommends libreoffice-writer-nogui python3-uno poppler-utils fonts-liberation \
	    libjemalloc2 )

# The browser and QR tests need Debian's chromium (driven by playwright, never downloaded by it) and
# zbar's zbarimg; installed only when missing.
setup-web:
	@command -v chromium >/dev/null 2>&1 && command -v zbarimg >/dev/null 2>&1 || \
	  ( $(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq \
	    --no-install-recommends chromium zbar-tools )

# The registry tests start a throwaway PostgreSQL cluster of their own: Debian's server binaries
# (initdb, pg_ctl, under /usr/lib/postgresql/*/bin), installed only when missing. The service the
# package starts is not used; as root the tests run the cluster as the system user aturan-pg.
setup-db:
	@command -v initdb >/dev/null 2>&1 || ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || \
	  ( $(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq \
	    --no-install-recommends postgresql )

demo: setup setup-pdf
	$(BIN)/aturan rules check
	$(BIN)/aturan explain samples/budi-petahana-administrator.yaml --as-of 2026-02-01
	$(BIN)/aturan decide samples/sari-suksesor-jpt-pratama.yaml --as-of 2026-02-01 --format json
	$(BIN)/aturan test golden/
	$(BIN)/aturan keys init
	$(BIN)/aturan issue samples/kohort-dokumen.yaml --as-of 2026-02-01 --issue-date 2026-02-02 \
	  --out out/dokumen --registry out/registry.sqlite --registri-baru
	$(BIN)/aturan issue samples/kohort-dokumen.yaml --as-of 2027-01-10 --issue-date 2027-01-11 \
	  --out out/dokumen --registry out/registry.sqlite --pdf
	$(BIN)/aturan registry audit --registry out/registry.sqlite
	$(BIN)/aturan keys export-public --out out/registry.pub
	$(BIN)/aturan registry audit --registry out/registry.sqlite --public-key out/registry.pub
	$(BIN)/aturan replay 0001/SKM/PKASN/2027 --registry out/registry.sqlite
	@echo "Halaman verifikasi sertifikat 0001/STTP/PKASN/2027 (alamat dalam kode QR-nya):"
	@$(BIN)/aturan serve --registry out/registry.sqlite --print-url 0001/STTP/PKASN/2027
	@echo "Jalankan servernya: $(BIN)/aturan serve --registry out/registry.sqlite"
	@# The desk (issue 26): DEMO accounts, a new password on every run, and where to sign in.
	@$(BIN)/aturan users demo --registry out/registry.sqlite
	@echo "Perintahnya dari checkout ini: $(BIN)/aturan desk --registry out/registry.sqlite"

PY_SOURCES := src tests bench templates samples setup.py

lint: setup
	$(BIN)/ruff check $(PY_SOURCES)
	$(BIN)/ruff format --check $(PY_SOURCES)
	$(BIN)/yamllint rules regulations golden
	$(BIN)/mypy --strict src/aturan

# pytest-xdist: one worker per core (WORKERS=0: no workers, all in one process). loadgroup hands out tests one by one,
# except a module marked xdist_group, which runs whole on one worker: its module fixture (a cohort
# issued as PDFs, a site served) is built once, not once per worker.
WORKERS ?= auto
PYTEST := $(BIN)/python -m pytest -q -n $(WORKERS) --dist loadgroup
FAST := not libreoffice and not postgres and not browser and not slow

test: setup setup-pdf setup-web setup-db lint
	$(BIN)/aturan rules check
	$(BIN)/aturan test golden/
	$(PYTEST)

test-fast: setup lint
	$(BIN)/aturan rules check
	$(BIN)/aturan test golden/
	$(PYTEST) -m "$(FAST)"

docs-img: setup setup-pdf setup-web
	$(BIN)/aturan keys init
	$(BIN)/python docs/render_images.py
	$(BIN)/python docs/render_desk_images.py
	$(BIN)/python docs/render_desk_issue_images.py
	$(BIN)/python docs/render_desk_registry_images.py
	$(BIN)/python docs/render_desk_lab_images.py
	$(BIN)/python docs/render_lab_images.py

# The verification benchmark's load generator: wrk (C, from Debian), installed only when missing.
setup-bench:
	@command -v wrk >/dev/null 2>&1 || \
	  ( $(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq \
	    --no-install-recommends wrk )

bench: setup setup-pdf setup-db setup-bench
	$(BIN)/python bench/bench_decide.py
	$(BIN)/python bench/bench_documents.py
	$(BIN)/python bench/bench_registry.py
	$(BIN)/python bench/bench_verify.py
	$(BIN)/python bench/bench_desk_issue.py
	$(BIN)/python bench/bench_desk_pages.py

# The cohort benchmarks at national scale (about 25 minutes on 2 cores): compare, batch, a reform's
# batch and diff over 66,209 participants, and 300,000 streamed for peak memory.
bench-lab: setup
	$(BIN)/python bench/bench_lab.py

# The README's compare chart: 2,000 synthetic participants under the law in force and under the
# walkthrough's reform (reforms/batas-ms-85.yaml), four models side by side.
lab-chart: setup
	$(BIN)/aturan sample --size 2000 --seed 1 --out out/lab-chart/kohort.csv
	$(BIN)/aturan compare out/lab-chart/kohort.csv --reform reforms/batas-ms-85.yaml \
	  --as-of 2026-03-01 --out out/lab-chart
	cp out/lab-chart/perbandingan.png docs/img/perbandingan.png

clean:
	rm -rf $(VENV) out .pytest_cache  # keys/ is kept: documents signed with it stay verifiable
