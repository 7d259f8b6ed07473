# Waypoint: the two commands are `make run` and `make test`. Both call `make setup` first, which
# installs what the project needs on a fresh Debian or Ubuntu machine and does nothing when it is
# already there.

SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help

CARGO_LEPTOS_VERSION := 0.3.10
WASM_BINDGEN_VERSION := 0.2.130
BINARYEN_VERSION := 132.0.0
OHA_VERSION := 1.15.0
# Lighthouse for `make bench` (12.2.3 runs on this Node 20; later majors need a newer Node).
LIGHTHOUSE_VERSION := 12.2.3
# sqlx-cli matches the sqlx in Cargo.lock; PostgreSQL only, no TLS (it talks to a local socket).
SQLX_CLI_VERSION := 0.8.6
TOOLS := $(CURDIR)/target/tools

export PATH := $(HOME)/.cargo/bin:$(TOOLS)/node_modules/.bin:$(PATH)
# cargo-leptos builds debug code with exactly this RUSTFLAGS (and appends it to any set in the
# environment), and Leptos reads LEPTOS_OUTPUT_NAME at compile time, so cargo test gets both:
# the two builds then share one set of compiled dependencies instead of rebuilding each other's.
TEST_RUSTFLAGS := --cfg erase_components
export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD := 1

# The release WASM that every first visit downloads (target/site/pkg/waypoint.<hash>.wasm, and the
# brotli file the server sends). `make test` fails when it grows past these; raise them only with
# the reason recorded in docs/benchmarks.md ("WASM budget").
WASM_BUDGET_RAW := 4660000
WASM_BUDGET_BROTLI := 960000

SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: help setup release run dev test test-rust test-e2e wasm-size smoke-run test-repeat bench build clean sqlx-check sqlx-prepare

help:
	@echo "make run    build and serve Waypoint at http://127.0.0.1:3000 (LEPTOS_SITE_ADDR overrides)"
	@echo "make test   cargo tests against a real PostgreSQL, then the Playwright suite in Chromium"
	@echo "make dev    cargo leptos watch: rebuild and reload on every change (debug build, same database)"
	@echo "make bench  public pages and a signed-in page under load beside a bare-axum ceiling, sizes, Lighthouse"
	@echo "make setup  install PostgreSQL, Chromium, the wasm target, cargo-leptos, sqlx-cli and npm packages"
	@echo "make sqlx-prepare  refresh .sqlx/ (the compile-time SQL checks' offline data) after changing a query"

setup:
	@# Only what is missing: e.g. a NodeSource nodejs already carries npm, and Debian's npm
	@# package would conflict with it.
	@missing=""; \
	pg_ok() { command -v pg_config >/dev/null && [ -x "$$(pg_config --bindir)/postgres" ] && [ -x "$$(pg_config --bindir)/initdb" ]; }; \
	pg_ok || missing="$$missing postgresql libpq-dev"; \
	[ -f "$$(pg_config --sharedir 2>/dev/null)/extension/pgcrypto.control" ] || missing="$$missing postgresql-contrib"; \
	command -v chromium >/dev/null || missing="$$missing chromium"; \
	command -v node >/dev/null || missing="$$missing nodejs"; \
	command -v npm >/dev/null || missing="$$missing npm"; \
	command -v curl >/dev/null || missing="$$missing curl"; \
	if [ -n "$$missing" ]; then \
	  echo "setup: installing Debian packages:$$missing"; \
	  $(SUDO) apt-get update -qq; \
	  DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq --no-install-recommends ca-certificates $$missing; \
	fi
	@rustup target list --installed | grep -qx wasm32-unknown-unknown || rustup target add wasm32-unknown-unknown
	@cargo leptos --version 2>/dev/null | grep -q "$(CARGO_LEPTOS_VERSION)" || \
	  { echo "setup: building cargo-leptos $(CARGO_LEPTOS_VERSION) (about 13 minutes on 2 cores)"; \
	    cargo install cargo-leptos --version $(CARGO_LEPTOS_VERSION) --locked; }
	@sqlx --version 2>/dev/null | grep -q "$(SQLX_CLI_VERSION)" || \
	  cargo install sqlx-cli --version $(SQLX_CLI_VERSION) --no-default-features --features postgres --locked
	@# Not --locked: its lockfile names a webpki-roots release the registry here does not carry.
	@wasm-bindgen --version 2>/dev/null | grep -q "$(WASM_BINDGEN_VERSION)" || \
	  cargo install wasm-bindgen-cli --version $(WASM_BINDGEN_VERSION)
	@# wasm-opt for release builds, from npm's binaryen (Debian's is too old to work).
	@[ -x "$(TOOLS)/node_modules/.bin/wasm-opt" ] || \
	  npm install --silent --no-audit --no-fund --prefix "$(TOOLS)" binaryen@$(BINARYEN_VERSION)
	@[ end2end/node_modules/.package-lock.json -nt end2end/package-lock.json ] || \
	  (cd end2end && npm ci --silent --no-audit --no-fund)

build: setup
	cargo leptos build

# What `make run` serves and what `make test` tests: the release server and the size-optimised,
# precompressed WASM (components are type-erased in every build: Cargo.toml, always-erase-components).
# cargo-leptos re-runs wasm-bindgen and wasm-opt (about a minute) on every release build, even
# when nothing changed; the stamp skips the build when no file it reads is newer than the last one.
RELEASE_INPUTS := Cargo.toml Cargo.lock Makefile .cargo .sqlx app frontend server/Cargo.toml server/src style public migrations data
RELEASE_STAMP := target/release/.waypoint-release-stamp
release: setup
	@if [ -f $(RELEASE_STAMP) ] && [ -x target/release/server ] && [ -f target/release/hash.txt ] && \
	   [ -z "$$(find $(RELEASE_INPUTS) -newer $(RELEASE_STAMP) -print -quit)" ]; then \
	  echo "release build: up to date (nothing changed since $(RELEASE_STAMP))"; \
	else \
	  mkdir -p target/release && touch $(RELEASE_STAMP).new && rm -rf target/site/pkg && \
	  cargo leptos build --release --precompress && mv $(RELEASE_STAMP).new $(RELEASE_STAMP); \
	fi

run: release
	LEPTOS_SITE_ROOT=target/site LEPTOS_OUTPUT_NAME=waypoint LEPTOS_SITE_PKG_DIR=pkg \
	  LEPTOS_SITE_ADDR=$${LEPTOS_SITE_ADDR:-127.0.0.1:3000} ./target/release/server

# Leptos's own edit loop: rebuild the debug build on every change and reload the browser, against
# the same embedded database as `make run` (not both at once). The PATH above gives cargo-leptos
# the project's wasm-bindgen and wasm-opt.
dev: setup
	cargo leptos watch

# Rust tests (debug), then everything against the release build that `make run` serves: its WASM
# size against the budget, the Playwright suite, and `make run` itself.
test: setup sqlx-check test-rust release wasm-size test-e2e smoke-run

# Every query is checked at compile time against .sqlx/ (SQLX_OFFLINE=true in .cargo/config.toml);
# this fails when a query changed and .sqlx/ was not refreshed with `make sqlx-prepare`.
sqlx-check: setup
	TEST_RUSTFLAGS="$(TEST_RUSTFLAGS)" bash server/sqlx.sh check

sqlx-prepare: setup
	TEST_RUSTFLAGS="$(TEST_RUSTFLAGS)" bash server/sqlx.sh prepare

test-rust:
	RUSTFLAGS="$(TEST_RUSTFLAGS)" LEPTOS_OUTPUT_NAME=waypoint cargo test -p app -p server --no-fail-fast

wasm-size:
	@bash end2end/wasm-size.sh $(WASM_BUDGET_RAW) $(WASM_BUDGET_BROTLI)

test-e2e:
	@[ -x target/release/server ] && [ -f target/release/hash.txt ] || { echo "test-e2e: run make release first"; exit 1; }
	rm -rf .data/e2e
	cd end2end && npx playwright test

smoke-run:
	bash end2end/smoke-run.sh

# The integration suite RUNS times in a row (default 30), stopping at the first failure.
test-repeat:
	bash server/tests/repeat.sh

bench: setup
	@command -v oha >/dev/null && oha --version | grep -q "$(OHA_VERSION)" || cargo install oha --version $(OHA_VERSION) --locked
	@[ -x "$(TOOLS)/node_modules/.bin/lighthouse" ] && lighthouse --version | grep -qx "$(LIGHTHOUSE_VERSION)" || \
	  npm install --silent --no-audit --no-fund --prefix "$(TOOLS)" lighthouse@$(LIGHTHOUSE_VERSION)
	$(MAKE) --no-print-directory release
	RUSTFLAGS="$(TEST_RUSTFLAGS)" LEPTOS_OUTPUT_NAME=waypoint cargo build --release -p benches
	WASM_BUDGET_RAW=$(WASM_BUDGET_RAW) WASM_BUDGET_BROTLI=$(WASM_BUDGET_BROTLI) bash benches/run.sh
	@echo
	@echo "Load and fault tests at full size (release build): 200 parallel sign-ins, 60 parallel guesses, the database restarted under load"
	WAYPOINT_LOAD_SIGN_INS=200 WAYPOINT_LOAD_GUESSES=60 LEPTOS_OUTPUT_NAME=waypoint RUSTFLAGS="$(TEST_RUSTFLAGS)" \
	  cargo test --release -q -p server --test it hardening:: -- --nocapture --test-threads=1 2>&1 | grep -oE "(load|faults): .*|test result.*"

clean:
	cargo clean
	rm -rf .data/test .data/e2e .data/bench .data/smoke
