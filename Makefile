# Alert Orchestrator — developer entry points.
#
# Every target installs what it needs: Bun comes from PATH when present, otherwise from the
# pinned `bun` dev dependency on npm (used through node_modules/.bin); dependencies come from
# bun.lock. Nothing here needs root except the optional Debian packages named in README.

SHELL := /bin/bash
.DEFAULT_GOAL := help

BUN_VERSION := $(shell sed -n 's/.*"bun": "\([0-9.]*\)".*/\1/p' package.json | head -n1)
SYSTEM_BUN  := $(shell command -v bun 2>/dev/null)
BUN         := $(if $(SYSTEM_BUN),$(SYSTEM_BUN),$(CURDIR)/node_modules/.bin/bun)
STAMP       := node_modules/.deps-installed

.PHONY: help deps run demo test test-unit test-e2e test-binary check typecheck lint format build bench bench-gate clean

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | sed 's/:.*## /\t/' | column -t -s $$'\t'

$(STAMP): package.json bun.lock
	@if [ -z "$(SYSTEM_BUN)" ] && [ ! -x node_modules/.bin/bun ]; then \
	  echo "bun not found on PATH: installing bun@$(BUN_VERSION) from npm"; \
	  npm install --no-save --no-package-lock --no-audit --no-fund --loglevel=error bun@$(BUN_VERSION); \
	fi
	$(BUN) install --frozen-lockfile
	@touch $@

deps: $(STAMP) ## install Bun (if absent) and the locked dependencies

run: $(STAMP) ## run the service on the embedded demo store (dashboard on http://127.0.0.1:9808/dashboard)
	$(BUN) src/main.ts --demo $(ARGS)

test: $(STAMP) ## run every test (unit, store, golden, HTTP, browser when Chromium is installed)
	$(BUN) test --timeout 60000 $(TEST_ARGS)

typecheck: $(STAMP) ## TypeScript strict type check
	$(BUN) x tsc --noEmit -p tsconfig.json

lint: $(STAMP) ## Biome lint + format check (the pinned binary from node_modules; fails on any finding)
	node_modules/.bin/biome ci --error-on-warnings .

format: $(STAMP) ## format every file with Biome (biome.json)
	node_modules/.bin/biome format --write .

check: typecheck lint test ## typecheck + lint + tests

build: $(STAMP) ## compile dist/alert-orchestrator-linux-{x64,arm64}
	$(BUN) deploy/build.ts

# Best-effort Debian installs for test-binary and bench: apt-get as root or with passwordless
# sudo; otherwise say so, and the tests/measurements that need the tools skip themselves.
APT_INSTALL = if ! command -v apt-get >/dev/null; then sudo=none; elif [ "$$(id -u)" = 0 ]; then sudo=; \
  elif sudo -n true 2>/dev/null; then sudo="sudo -n"; else sudo=none; fi; \
  if [ "$$sudo" = none ]; then echo "$@: cannot install $(1) (needs apt-get and root): what needs it is skipped"; \
  else echo "$@: installing $(1)"; \
    $$sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $(1) >/dev/null 2>&1 \
    || { $$sudo apt-get update -qq >/dev/null 2>&1 && $$sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $(1) >/dev/null 2>&1; } \
    || echo "$@: could not install $(1): what needs it is skipped"; fi

# qemu + the arm64 libc run the arm64 binary; promtool (Debian ships it in `prometheus`, which
# also installs a Prometheus service) checks the alert rules; strace shows what files the x64
# binary opens.
TEST_BINARY_TOOLS    := qemu-aarch64-static promtool strace
TEST_BINARY_PACKAGES := qemu-user-static libc6-arm64-cross prometheus strace

test-binary: build ## build, then test the binaries (x64 here, arm64 under qemu) and deploy/ (promtool)
	@missing=; for tool in $(TEST_BINARY_TOOLS); do command -v $$tool >/dev/null || missing=yes; done; \
	[ -e /usr/aarch64-linux-gnu/lib/ld-linux-aarch64.so.1 ] || missing=yes; \
	if [ -n "$$missing" ]; then $(call APT_INSTALL,$(TEST_BINARY_PACKAGES)); fi
	AO_TEST_QEMU=1 $(BUN) test --timeout 900000 tests/binary tests/deploy

bench: $(STAMP) ## print the performance figures of PRODUCT §7 (needs PostgreSQL on 127.0.0.1:5432)
	@command -v wrk >/dev/null || { $(call APT_INSTALL,wrk); }
	$(BUN) deploy/build.ts --target x64
	$(BUN) tests/bench/bench.ts $(BENCH_ARGS)

bench-gate: $(STAMP) ## print the residual gate's detection bench (seeded; no database needed)
	$(BUN) tests/bench/gate.ts $(BENCH_ARGS)

clean: ## remove build output and the local demo store
	rm -rf dist data output
