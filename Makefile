# Two commands do everything on a fresh machine: `make run` and `make test`.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
OUT    ?= out
SUDO   := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: run test browser lint bench clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e '.[dev]'
	touch $(STAMP)

## run: install, build the graph of seeds/ and write graph.ttl, graph.html, report and exports to out/
run: $(STAMP)
	$(BIN)/kg build seeds --out $(OUT)
	$(BIN)/kg export $(OUT)/graph.ttl --format jsonld --out $(OUT)/graph.jsonld
	$(BIN)/kg export $(OUT)/graph.ttl --format graphml --out $(OUT)/graph.graphml
	$(BIN)/kg export $(OUT)/graph.ttl --format csv --out $(OUT)/csv
	$(BIN)/kg export $(OUT)/graph.ttl --format stix --out $(OUT)/graph.stix.json
	@echo "outputs in $(abspath $(OUT))/: graph.ttl graph.html report.md report.html graph.jsonld graph.graphml csv/ graph.stix.json"

## browser: Debian's chromium for the page tests (installed once)
browser:
	@command -v chromium >/dev/null 2>&1 || { $(SUDO) apt-get update -qq && $(SUDO) apt-get install -y -qq chromium >/dev/null; }

## test: install what the tests need and run them
test: $(STAMP) browser
	$(BIN)/python -m pytest

lint: $(STAMP)
	$(BIN)/ruff check kg tests bench

bench: $(STAMP)
	$(BIN)/python bench/run.py

clean:
	rm -rf $(OUT) .kg-cache
