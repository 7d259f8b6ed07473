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
TOOLS := $(CURDIR)/target/tools

export PATH := $(HOME)/.cargo/bin:$(TOOLS)/node_modules/.bin:$(PATH)
# cargo-leptos builds debug code with exactly this RUSTFLAGS (and appends it to any set in the
# environment), and Leptos reads LEPTOS_OUTPUT_NAME at compile time, so cargo test gets both:
# the two builds then share one set of compiled dependencies instead of rebuilding each other's.
TEST_RUSTFLAGS := --cfg erase_components
export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD := 1

SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: help setup run test test-rust test-e2e bench build clean

help:
	@echo "make run    build and serve Waypoint at http://127.0.0.1:3000 (LEPTOS_SITE_ADDR overrides)"
	@echo "make test   cargo tests against a real PostgreSQL, then the Playwright suite in Chromium"
	@echo "make bench  load the home page and /healthz with oha beside a bare axum baseline"
	@echo "make setup  install PostgreSQL, Chromium, the wasm target, cargo-leptos and npm packages"

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

run: setup
	cargo leptos build --release --precompress
	LEPTOS_SITE_ROOT=target/site LEPTOS_OUTPUT_NAME=waypoint LEPTOS_SITE_PKG_DIR=pkg \
	  LEPTOS_SITE_ADDR=$${LEPTOS_SITE_ADDR:-127.0.0.1:3000} ./target/release/server

test: setup test-rust test-e2e

test-rust:
	RUSTFLAGS="$(TEST_RUSTFLAGS)" LEPTOS_OUTPUT_NAME=waypoint cargo test -p app -p server --no-fail-fast

test-e2e:
	cargo leptos build
	rm -rf .data/e2e
	cd end2end && npx playwright test

bench: setup
	@command -v oha >/dev/null && oha --version | grep -q "$(OHA_VERSION)" || cargo install oha --version $(OHA_VERSION) --locked
	cargo leptos build --release --precompress
	cargo build --release -p benches
	bash benches/run.sh

clean:
	cargo clean
	rm -rf .data/test .data/e2e .data/bench
