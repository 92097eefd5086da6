# The list of commands. `make run` and `make test` set everything up from pinned
# dependencies on a machine with only Python 3.11+ and make.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
PACKAGES := contracts libs/statutory libs/platform services/scheduling services/reporting services/notifications
ARGS ?=

.PHONY: run test test-fast lint bench schemas asyncapi lock clean browser kcat

$(STAMP): requirements.lock $(foreach p,$(PACKAGES),$(p)/pyproject.toml)
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.lock
	$(BIN)/python -m pip install --quiet --no-deps --no-build-isolation $(foreach p,$(PACKAGES),-e $(p))
	touch $(STAMP)

run: $(STAMP)  ## start the platform on embedded PostgreSQL and Kafka (ARGS=--demo loads a demo hub)
	$(BIN)/ect up $(ARGS)

test: $(STAMP) browser kcat  ## the whole suite, against real PostgreSQL and a real Kafka-protocol broker
	$(BIN)/pytest $(ARGS)

# The dashboard's tests drive Debian's Chromium through Playwright (never a downloaded
# browser). Installed when missing and possible; otherwise those tests skip and say why.
browser:
	@command -v chromium >/dev/null 2>&1 || command -v chromium-browser >/dev/null 2>&1 || \
	  ( [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1 && \
	    apt-get update -qq >/dev/null && apt-get install -y -qq chromium >/dev/null ) || \
	  echo "chromium is not installed and could not be: the browser tests will skip"

# The README's other-team subscriber is kcat (Debian package kcat); its e2e test runs it.
# Installed like Chromium: when missing and possible; otherwise that test skips and says why.
kcat:
	@command -v kcat >/dev/null 2>&1 || \
	  ( [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1 && \
	    apt-get update -qq >/dev/null && apt-get install -y -qq kcat >/dev/null ) || \
	  echo "kcat is not installed and could not be: the kcat test will skip"

test-fast: $(STAMP)  ## unit, contract and architecture tests only
	$(BIN)/pytest tests/unit tests/contracts tests/architecture $(ARGS)

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/lint-imports
	$(BIN)/mypy

bench: $(STAMP)  ## benchmarks with ratios to raw baselines measured in the same run
	$(BIN)/python -m bench $(ARGS)

schemas: $(STAMP)  ## regenerate contracts/schemas and contracts/asyncapi after an additive contract change
	$(BIN)/python -m contracts.snapshots write
	$(MAKE) asyncapi

# Each service's AsyncAPI 3 document, as its code declares it (faststream writes it; see
# libs/platform/src/ect_platform/asyncapi.py). tests/contracts/test_asyncapi.py fails on drift.
asyncapi: $(STAMP)  ## regenerate contracts/asyncapi/<service>.json from each service's declared channels
	@mkdir -p contracts/asyncapi
	@for service in scheduling reporting notifications; do \
	  $(BIN)/python -m $$service.integration.asyncapi > contracts/asyncapi/$$service.json.tmp && \
	  mv contracts/asyncapi/$$service.json.tmp contracts/asyncapi/$$service.json && \
	  echo "wrote contracts/asyncapi/$$service.json" || exit 1; \
	done

lock:  ## re-pin requirements.lock from requirements.in, and the image's requirements-runtime.lock
	rm -rf .lockenv && $(PYTHON) -m venv .lockenv
	.lockenv/bin/python -m pip install --quiet -r requirements.in
	(echo "# Pinned by 'make lock' from requirements.in; do not edit by hand."; \
	 .lockenv/bin/python -m pip freeze --all | grep -v '^pip==') > requirements.lock
	rm -rf .lockenv && $(PYTHON) -m venv .lockenv
	.lockenv/bin/python -m pip install --quiet -r requirements-runtime.in -c requirements.lock
	(echo "# Pinned by 'make lock' from requirements-runtime.in at requirements.lock's versions; do not edit by hand."; \
	 .lockenv/bin/python -m pip freeze --all | grep -v '^pip==') > requirements-runtime.lock
	rm -rf .lockenv

clean:
	rm -rf $(VENV) .ect .pytest_cache .mypy_cache .ruff_cache
