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

.PHONY: help deps run demo test test-unit test-e2e test-binary check typecheck build bench clean

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
	$(BUN) test $(TEST_ARGS)

typecheck: $(STAMP) ## TypeScript strict type check
	$(BUN) x tsc --noEmit -p tsconfig.json

check: typecheck test ## typecheck + tests

build: $(STAMP) ## compile dist/alert-orchestrator-linux-{x64,arm64}
	$(BUN) scripts/build.ts

bench: $(STAMP) ## print the performance figures of PRODUCT §7
	$(BUN) scripts/bench.ts

clean: ## remove build output and the local demo store
	rm -rf dist data output
