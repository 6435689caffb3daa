# The targets CI runs are exactly `make check`. Every target sets up its own virtualenv first.
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp

.PHONY: bundle bundle-test fonts setup demo serve test test-sqlite test-postgres lint format typecheck djangocheck check bench bench-peer bench-scale score score-tuning score-real score-blind clean

VENDOR := src/workplan/web/static/vendor
ASSETS := $(VENDOR)/.installed-stamp

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	$(BIN)/python -m workplan.core.translations compile
	@touch $(STAMP)

# Front-end files come from npm at install time and are served by the app itself (no CDN).
# Without npm the site still works (every form posts normally); charts and in-place updates are off.
$(ASSETS): package.json package-lock.json
	@if command -v npm >/dev/null; then \
	  npm ci --no-audit --no-fund --loglevel=error && mkdir -p $(VENDOR) && \
	  cp node_modules/htmx.org/dist/htmx.min.js node_modules/echarts/dist/echarts.min.js \
	     node_modules/axe-core/axe.min.js $(VENDOR)/ && touch $(ASSETS); \
	else \
	  echo "warning: npm not found, so the web assets (htmx, ECharts) are not installed:"; \
	  echo "         the site works without them, but charts and in-place updates are off."; \
	fi

# PDF reports embed a Chinese font installed by the system (never fetched at run time).
CJK_FONT := /usr/share/fonts/truetype/wqy/wqy-zenhei.ttc
fonts:
	@if [ ! -f $(CJK_FONT) ]; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq fonts-wqy-zenhei >/dev/null || \
	    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq fonts-wqy-zenhei >/dev/null); \
	  else \
	    echo "warning: no Chinese font for PDF reports: install fonts-wqy-zenhei (or set WORKPLAN_REPORT_FONT)"; \
	  fi; \
	fi

setup: $(STAMP) $(ASSETS) fonts

demo: setup          ## set up and serve the demo site on http://127.0.0.1:8000
	$(BIN)/workplan demo

serve: setup
	$(BIN)/workplan serve

test: setup          ## the test suite on SQLite, then on PostgreSQL
	bash scripts/run-tests.sh

test-sqlite: setup
	bash scripts/run-tests.sh sqlite

test-postgres: setup
	bash scripts/run-tests.sh postgres

lint: setup
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench

format: setup
	$(BIN)/ruff check --fix src tests bench
	$(BIN)/ruff format src tests bench

typecheck: setup
	$(BIN)/mypy src/workplan

djangocheck: setup
	WORKPLAN_DATA_DIR=$$(mktemp -d) $(BIN)/workplan check --fail-level WARNING
	WORKPLAN_DATA_DIR=$$(mktemp -d) $(BIN)/workplan makemigrations --check --dry-run

check: lint typecheck djangocheck test   ## everything CI runs

bench: setup
	bash bench/run.sh

# 2,000 units, 100,000 items, 1.2M reports on PostgreSQL (built once, ~15 min; kept): SCALE_ARGS=--scale 0.02
bench-scale: setup
	$(BIN)/python bench/bench_scale.py $(SCALE_ARGS)

# side by side with Redmine (needs root; about half an hour; --quick: a few minutes): bench/peer/README.md
bench-peer: setup
	bash bench/peer/run.sh $(PEER_ARGS)

score: setup         ## the parser's score on the shared sample plans
	$(BIN)/python ../shared/tools/score_parse.py ../shared/plans --cmd '$(BIN)/workplan parse {} --format json'

score-tuning: setup  ## the parser's score on the two tuning sets (written for the project, tuned on)
	sh bench/tuning1/score.sh
	bash bench/tuning2/score.sh

score-real: setup    ## the parser's scores on the samples and the tuning sets of real plans, each apart
	bash bench/score_real.sh

score-blind: setup   ## the blind sets' score: run once, by the lead, never while tuning the parser
	bash bench/score_real.sh --blind --set real-blind-4 --docs

clean:
	rm -rf $(VENV) data .mypy_cache .ruff_cache node_modules $(VENDOR)

bundle: setup        ## the offline installer: dist/workplan-bundle-<version>-<platform>.tar.gz
	bash scripts/bundle.sh

bundle-test: bundle  ## install the bundle with no registry reachable and run the demo
	bash scripts/test-bundle.sh $$(ls -t dist/workplan-bundle-*.tar.gz | head -1)
