# akhbar: `make demo` and `make test` work on a fresh machine with Python 3.11 and make.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test install lock lint eval eval-layouts bench e2e

$(STAMP): requirements.lock pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check uv==0.13.9
	# Bytecode is compiled at install: this machine sets PYTHONDONTWRITEBYTECODE, and Airflow and GX import
	# twice as slowly without it.
	$(BIN)/uv pip install --quiet --python $(BIN)/python --compile-bytecode -r requirements.lock
	$(BIN)/uv pip install --quiet --python $(BIN)/python --no-deps -e .
	touch $(STAMP)

install: $(STAMP)

demo: $(STAMP)
	$(BIN)/akhbar demo

test: $(STAMP)
	$(BIN)/python -m pytest -q

# Field accuracy on the hand-read pages (../shared/fixtures and tests/fixtures): ours, trafilatura, htmldate.
eval: $(STAMP)
	$(BIN)/python bench/eval.py

# Field accuracy on real corpus articles served in 13 layout families (synthetic markup), ours beside trafilatura.
eval-layouts: $(STAMP)
	$(BIN)/python bench/layouts.py

# Crawl speed with storage on vs a bare Scrapy crawl (needs PostgreSQL at 127.0.0.1:5432, like the tests).
bench: $(STAMP)
	$(BIN)/python bench/crawl.py

# From crawl to searchable: `akhbar run` over E2E_PAGES corpus pages on loopback beside a bare Scrapy crawl of the
# same pages, with per-phase times and peak memory (needs PostgreSQL at 127.0.0.1:5432, like the tests).
E2E_PAGES ?= 10000
e2e: $(STAMP)
	nice -n 10 $(BIN)/python bench/e2e.py --pages $(E2E_PAGES)

lint: $(STAMP)
	$(BIN)/ruff check .

# Re-pin every package after editing pyproject.toml's dependencies.
lock: $(STAMP)
	$(BIN)/uv pip compile --quiet pyproject.toml --extra test --python-version 3.11 -o requirements.lock

# Airflow 3 on this machine (API server + UI, scheduler, DAG processor), on the project's database. The
# sources it crawls are the loopback mirror's (offline); `make airflow AKHBAR_DAG_SOURCES=live` crawls the real
# sites (or `all`, or a comma list of keys). The admin password is in $(AIRFLOW_HOME)/simple_auth_manager_passwords.json.generated.
AIRFLOW_HOME ?= $(CURDIR)/.airflow
AIRFLOW_PORT ?= 18060
AIRFLOW_PARALLELISM ?= 4
AKHBAR_DAG_SOURCES ?= mirror

.PHONY: airflow
airflow: $(STAMP)
	PATH="$(CURDIR)/$(BIN):$$PATH" AKHBAR_DAG_SOURCES=$(AKHBAR_DAG_SOURCES) \
	  $(BIN)/python -m akhbar.airflow_local --home $(AIRFLOW_HOME) --port $(AIRFLOW_PORT) \
	  --parallelism $(AIRFLOW_PARALLELISM)
