# Credence — the two commands a newcomer needs are `make run` and `make test`.
# Everything they need is installed here when missing (wasm target, wasm-bindgen-cli,
# npm packages, Chromium, aiosmtpd); nothing has to be installed by hand.

SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help

CARGO_TARGET_DIR ?= $(CURDIR)/target
export CARGO_TARGET_DIR
WEB_TARGET_DIR := $(CARGO_TARGET_DIR)/web
WASM_BINDGEN_VERSION := 0.2.130
DIST := $(CURDIR)/dist
RELEASE_BIN := $(CARGO_TARGET_DIR)/release/credence
DEBUG_BIN := $(CARGO_TARGET_DIR)/debug/credence
WASM_OPT := $(CURDIR)/e2e/node_modules/.bin/wasm-opt
DATA_DIR := $(CURDIR)/data
export DATABASE_URL ?= $(DATA_DIR)/credence.db
export CREDENCE_BIND ?= 127.0.0.1:8080
export CREDENCE_WEB_DIR ?= $(DIST)
TEST_POSTGRES_URL ?= postgres://postgres@127.0.0.1:5432
export TEST_POSTGRES_URL

.PHONY: help run build web web-budget api test test-rust fuzz e2e openapi bench bench-bin soak fmt lint screenshots tools tools-web tools-test tools-bench postgres-up clean

help:
	@echo "make run    build everything and start Credence on SQLite (prints the URL and logins)"
	@echo "make test   unit tests, API tests on SQLite and PostgreSQL, browser journeys"
	@echo "make build  build the SPA and the API without starting"
	@echo "make openapi | fuzz | e2e | fmt | lint | clean"
	@echo "make bench  measure the release server against PostgreSQL at 10k and 1M candidates"
	@echo "make soak   two servers on one database under steady load (SOAK_SECONDS, SOAK_KILL=1)"

## ---- run --------------------------------------------------------------------------------

run: build
	@mkdir -p $(DATA_DIR)
	@$(RELEASE_BIN) seed-demo
	@echo ""
	@echo "  Credence: http://$(CREDENCE_BIND)   (API docs: http://$(CREDENCE_BIND)/api/docs)"
	@echo "  Log in with one of the demo logins above. Data lives in $(DATABASE_URL)."
	@echo ""
	@exec $(RELEASE_BIN) serve

build: web api

api:
	cargo build --release -p credence-api

## ---- the SPA: cargo (wasm32) → wasm-bindgen → wasm-opt → hashed, precompressed files in dist/ ----

# One wasm program per area (credence_shared::bundle; web/src/bin/*.rs), so a candidate's phone
# downloads only the test area. `erase_components` type-erases Leptos views: smaller wasm.
WEB_BUNDLES := public admin reseller client test-area
WEB_RUSTFLAGS := --cfg erase_components

web: tools-web
	CARGO_TARGET_DIR=$(WEB_TARGET_DIR) RUSTFLAGS="$(WEB_RUSTFLAGS)" cargo build -p credence-web --bins --target wasm32-unknown-unknown --profile wasm-release
	@$(MAKE) --no-print-directory $(DIST)/.built

WASM_DIR := $(WEB_TARGET_DIR)/wasm32-unknown-unknown/wasm-release
WASMS := $(foreach b,$(WEB_BUNDLES),$(WASM_DIR)/$(b).wasm)

# Redone only when a wasm or a static file changed (wasm-opt takes a while).
$(DIST)/.built: $(WASMS) web/index.html $(wildcard web/*.css) $(wildcard web/assets/*) web/precompress.mjs web/assemble.mjs
	rm -rf $(DIST) && mkdir -p $(DIST)/pkg
	for b in $(WEB_BUNDLES); do \
	  wasm-bindgen --target web --no-typescript --out-dir $(DIST)/pkg --out-name $$b $(WASM_DIR)/$$b.wasm; \
	  $(WASM_OPT) -Oz $(DIST)/pkg/$${b}_bg.wasm -o $(DIST)/pkg/$${b}_bg.wasm; \
	done
	cp web/index.html web/*.css $(DIST)/
	if [ -d web/assets ]; then cp -r web/assets/. $(DIST)/; fi
	node web/assemble.mjs $(DIST) $(WEB_BUNDLES)
	node web/precompress.mjs $(DIST)
	touch $@

# Each bundle's wasm + JS, brotli, against its budget (web/budget.mjs); fails when one is over.
web-budget: web
	node web/budget.mjs $(DIST)

## ---- tests ------------------------------------------------------------------------------

test: tools-test postgres-up lint web-budget test-rust fuzz e2e

# Unit and API tests. Every API case runs on SQLite and on PostgreSQL; the run fails if no
# PostgreSQL case ran (a silent skip must never look green). Then the SPA's unit tests (skin
# contrast, client codes, logo sniffing), natively.
test-rust:
	@log=$$(mktemp); trap 'rm -f $$log' EXIT; \
	 cargo test -p credence-shared -p credence-api 2>&1 | tee $$log; \
	 pg=$$(grep -cE '::postgres \.\.\. ok$$' $$log || true); \
	 sq=$$(grep -cE '::sqlite \.\.\. ok$$' $$log || true); \
	 echo "API cases passed: $$sq on SQLite, $$pg on PostgreSQL"; \
	 if [ "$$pg" -eq 0 ] || [ "$$pg" -ne "$$sq" ]; then echo "PostgreSQL API tests did not all run" >&2; exit 1; fi
	cargo test -p credence-web --lib

# The API against its own OpenAPI document: schemathesis (pinned in api/fuzz/requirements.txt)
# for each role on a fresh server — no 5xx, no answer the document does not list, no response
# that breaks its schema, no invalid request accepted. A bounded budget per operation.
FUZZ_VENV := $(CARGO_TARGET_DIR)/fuzz-venv
FUZZ_STAMP := $(FUZZ_VENV)/.credence-installed
FUZZ_EXAMPLES ?= 10
FUZZ_BIN := $(CARGO_TARGET_DIR)/fuzz-credence-$(notdir $(CURDIR))
$(FUZZ_STAMP): api/fuzz/requirements.txt
	python3 -m venv $(FUZZ_VENV)
	$(FUZZ_VENV)/bin/pip install --quiet -r api/fuzz/requirements.txt
	touch $@

fuzz: $(FUZZ_STAMP)
	cargo build -p credence-api
	cp $(DEBUG_BIN) $(FUZZ_BIN)
	$(FUZZ_VENV)/bin/python api/fuzz/run.py --bin $(FUZZ_BIN) --spec openapi.yaml --max-examples $(FUZZ_EXAMPLES)

# Every journey on SQLite; the article, candidate, custom-host, email-text, price-list, resale, analytics, privacy, closure and ATS journeys again on PostgreSQL, so the
# production database is exercised from a browser too.
E2E_ON_POSTGRES := tests/reseller-article.spec.ts tests/candidate.spec.ts tests/custom-host.spec.ts tests/mail-texts.spec.ts tests/prices.spec.ts tests/resale.spec.ts tests/analytics.spec.ts tests/privacy.spec.ts tests/closure.spec.ts tests/ats.spec.ts
# The journeys run a snapshot of the binary, so a build elsewhere into the same target
# directory cannot swap it halfway.
E2E_BIN := $(CARGO_TARGET_DIR)/e2e-credence-$(notdir $(CURDIR))
e2e: web tools-test postgres-up
	cargo build -p credence-api
	cp $(DEBUG_BIN) $(E2E_BIN)
	CREDENCE_BIN=$(E2E_BIN) CREDENCE_WEB_DIR=$(DIST) bash e2e/run.sh
	CREDENCE_BIN=$(E2E_BIN) CREDENCE_WEB_DIR=$(DIST) E2E_DATABASE=postgres bash e2e/run.sh $(E2E_ON_POSTGRES)

# The README's screenshots, from a throwaway server with the demo data.
screenshots: web tools-test
	cargo build -p credence-api
	@tmp=$$(mktemp -d); \
	 export DATABASE_URL=$$tmp/shots.db CREDENCE_BIND=127.0.0.1:18765 CREDENCE_WEB_DIR=$(DIST); \
	 $(DEBUG_BIN) seed-demo >/dev/null; \
	 key=$$(sqlite3 $$tmp/shots.db "select access_key from projects limit 1" 2>/dev/null || true); \
	 $(DEBUG_BIN) serve >$$tmp/server.log 2>&1 & pid=$$!; \
	 for i in $$(seq 1 50); do curl -fsS http://127.0.0.1:18765/healthz >/dev/null 2>&1 && break; sleep 0.2; done; \
	 (cd e2e && DEMO_ACCESS_KEY=$$key node screenshots.mjs http://127.0.0.1:18765 ../docs/screenshots); rc=$$?; \
	 kill $$pid; rm -rf $$tmp; exit $$rc

openapi:
	cargo run -q -p credence-api --bin credence -- openapi > openapi.yaml

## ---- measuring (docs/SCALING.md): make bench, make soak [SOAK_KILL=1] ----------------------

# A copy of the release binary, so a build elsewhere into the same target directory cannot swap
# it halfway. BENCH_BIN=path uses that binary instead (no build).
BENCH_COPY := $(CARGO_TARGET_DIR)/bench-credence-$(notdir $(CURDIR))
export BENCH_SIZES BENCH_SECONDS BENCH_WARMUP_SECONDS BENCH_CONNECTIONS BENCH_EXPORT_ROWS BENCH_DB BENCH_OUT BENCH_DIST
export SOAK_SECONDS SOAK_KILL SOAK_CONNECTIONS SOAK_PROBE_SECONDS SOAK_CANDIDATES SOAK_DB SOAK_DRAIN_SECONDS

bench-bin:
	@if [ -z "$${BENCH_BIN:-}" ]; then cargo build --release -p credence-api && cp $(RELEASE_BIN) $(BENCH_COPY); fi

tools-bench:
	@$(call apt_install,wrk)
	@python3 -c 'import aiosmtpd' 2>/dev/null || pip install --quiet aiosmtpd

# Seeds 10k and 1M candidates on a scratch PostgreSQL database, loads the release server with
# wrk and each endpoint's SQL with pgbench (16 connections each) and prints the ratios
# (BENCH_SIZES, BENCH_SECONDS, BENCH_EXPORT_ROWS; about 15 minutes with the defaults).
bench: tools-bench postgres-up bench-bin
	BENCH_BIN=$${BENCH_BIN:-$(BENCH_COPY)} bash bench/run.sh

# Two API processes on one database at half their measured capacity for SOAK_SECONDS (600),
# then the books: no error, exact ledger, every replay the same, one mail per invitation, flat
# memory. SOAK_KILL=1 kills the invites process with SIGKILL halfway and starts it again.
soak: tools-bench postgres-up bench-bin
	BENCH_BIN=$${BENCH_BIN:-$(BENCH_COPY)} python3 bench/soak.py

fmt:
	cargo fmt --all

lint:
	cargo fmt --all -- --check
	cargo clippy -p credence-shared -p credence-api --all-targets -- -D warnings
	CARGO_TARGET_DIR=$(WEB_TARGET_DIR) RUSTFLAGS="$(WEB_RUSTFLAGS)" cargo clippy -p credence-web --target wasm32-unknown-unknown -- -D warnings

clean:
	rm -rf $(DIST) $(CARGO_TARGET_DIR)

## ---- installing what is missing ----------------------------------------------------------

APT_UPDATED := $(CARGO_TARGET_DIR)/.apt-updated
define apt_install
	if ! dpkg -s $(1) >/dev/null 2>&1; then \
	  [ -f $(APT_UPDATED) ] || { apt-get update -qq && mkdir -p $(CARGO_TARGET_DIR) && touch $(APT_UPDATED); }; \
	  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $(1); \
	fi
endef

# npm packages (Playwright, axe, binaryen's wasm-opt): installed again whenever the lock changes.
NPM_STAMP := e2e/node_modules/.credence-installed
$(NPM_STAMP): e2e/package.json e2e/package-lock.json
	cd e2e && npm ci --no-audit --no-fund
	touch $@

tools-web: $(NPM_STAMP)
	@$(call apt_install,libpq-dev)
	@$(call apt_install,pkg-config)
	@$(call apt_install,libssl-dev)
	@rustup target list --installed | grep -qx wasm32-unknown-unknown || rustup target add wasm32-unknown-unknown
	@if [ "$$(wasm-bindgen --version 2>/dev/null)" != "wasm-bindgen $(WASM_BINDGEN_VERSION)" ]; then \
	  cargo install wasm-bindgen-cli --version =$(WASM_BINDGEN_VERSION); fi

tools-test: tools-web
	@$(call apt_install,chromium)
	@$(call apt_install,jq)
	@python3 -c 'import aiosmtpd' 2>/dev/null || pip install --quiet aiosmtpd

postgres-up:
	@if ! pg_isready -q -h 127.0.0.1 -p 5432; then \
	  echo "starting PostgreSQL"; \
	  pg_ctlcluster --skip-systemctl-redirect $$(ls /etc/postgresql | head -n1) main start; \
	  for i in $$(seq 1 30); do pg_isready -q -h 127.0.0.1 -p 5432 && break; sleep 1; done; \
	fi
	@pg_isready -h 127.0.0.1 -p 5432
