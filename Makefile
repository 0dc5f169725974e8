# Entry points. `make build` and `make test` are all a new user needs.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
RUNTIME := $(VENV)/.runtime-installed
DEV := $(VENV)/.dev-installed
BENCH := $(VENV)/.bench-installed
ZENSICAL := $(VENV)/.zensical-installed
PIP := $(BIN)/python -m pip --disable-pip-version-check --quiet

.PHONY: build serve check test dictionary golden vendor clean bench bench-quick build-zensical lighthouse

# Reinstall only when a requirements file changed.
$(RUNTIME): requirements.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(PIP) install -r requirements.txt
	touch $@

$(DEV): $(RUNTIME) requirements-dev.txt requirements-zensical.txt
	$(PIP) install -r requirements-dev.txt
	touch $@

$(BENCH): $(RUNTIME) requirements-bench.txt requirements-zensical.txt
	$(PIP) install -r requirements-bench.txt
	touch $@

$(ZENSICAL): $(RUNTIME) requirements-zensical.txt
	$(PIP) install -r requirements-zensical.txt
	touch $@

## build: validate data/, write the pages into docs/, build site/ (mkdocs --strict)
build: $(RUNTIME)
	$(BIN)/python -m generator site

## serve: preview on http://127.0.0.1:8000 (PORT=8001 for another), regenerating pages when data/ changes; data errors show on every page
serve: PORT ?= 8000
serve: $(RUNTIME)
	$(BIN)/python -m generator serve --addr 127.0.0.1:$(PORT)

## check: validate data (review-date warnings included), lint, type-check
check: $(DEV)
	$(BIN)/python -m generator check
	$(BIN)/ruff check generator tests
	$(BIN)/mypy

## test: the whole test suite
test: $(DEV)
	$(BIN)/python -m pytest

## golden: rewrite the golden files after an intended change to pages or messages
golden: $(DEV)
	$(BIN)/python -m pytest tests/test_golden.py --update-golden

## dictionary: regenerate data/schemas/ and the data dictionary in CONTRIBUTING.md
dictionary: $(RUNTIME)
	$(BIN)/python -m generator contract

## vendor: refresh the vendored tablesort files (after changing package.json)
vendor:
	npm ci --ignore-scripts --no-audit --no-fund
	mkdir -p docs/assets/javascripts/vendor
	cp node_modules/tablesort/dist/tablesort.min.js node_modules/tablesort/dist/sorts/tablesort.number.min.js docs/assets/javascripts/vendor/
	cp node_modules/tablesort/LICENCE docs/assets/javascripts/vendor/tablesort.LICENCE

clean:
	rm -rf site site.tmp-* site.old-* site-zensical .cache .pytest_cache .mypy_cache .ruff_cache .hypothesis tests/artifacts
	test ! -f docs/.generated || (cd docs && xargs rm -f < .generated && rm -f .generated)
	find docs -type d -empty -delete

## bench: time generator, full build, the table-reader peer and Zensical at 100 to 100,000 rows (QUICK=1: small sizes)
bench: $(BENCH)
	$(BIN)/python -m tests.bench.run $(if $(QUICK),--quick)

## bench-quick: the benchmark at 100 and 1,000 rows only, in under a minute
bench-quick: $(BENCH)
	$(BIN)/python -m tests.bench.run --quick

## lighthouse: Lighthouse (mobile) on five pages served gzip-compressed: scores, LCP, first-view bytes (RUNS=3: median of 3; CALIBRATE=1: again with the CPU slowdown fitted to this machine); needs Chromium and npm ci
lighthouse: build
	-$(BIN)/python docs/assets/overrides/trim_material_css.py --check
	test node_modules/.package-lock.json -nt package-lock.json || npm ci --ignore-scripts --no-audit --no-fund
	$(BIN)/python -m tests.lighthouse $(if $(RUNS),--runs $(RUNS)) $(if $(CALIBRATE),--calibrate)

## build-zensical: write the pages, then build them with Zensical and our mkdocs.yml into site-zensical/
# Zensical has no --site-dir: a throwaway config inherits mkdocs.yml and moves the output.
build-zensical: $(ZENSICAL)
	$(BIN)/python -m generator build
	printf 'INHERIT: mkdocs.yml\nsite_dir: site-zensical\n' > .zensical.yml; \
	$(BIN)/python -m zensical build --config-file .zensical.yml; status=$$?; \
	rm -f .zensical.yml; exit $$status
