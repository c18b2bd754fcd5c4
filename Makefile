# netbird-go developer tasks. Every target runs from a clean clone with only
# Go installed; tools are pinned here and installed from the Go module proxy.

GOLANGCI_LINT_VERSION := v2.15.0
BIN := $(CURDIR)/.bin
GOLANGCI_LINT := $(BIN)/golangci-lint-$(GOLANGCI_LINT_VERSION)
BENCHSTAT_VERSION := v0.0.0-20260908200009-22c9c6c9d4da
BENCHSTAT := $(BIN)/benchstat-$(BENCHSTAT_VERSION)

.PHONY: all generate check-generated update-spec update-spec-continue names test vet lint

all: check-generated vet lint test

## generate: regenerate api/, gen.go and api_surface.txt from openapi.yaml
generate:
	go generate ./...

## check-generated: regenerate and fail if that changed anything
check-generated: generate
	@if [ -n "$$(git status --porcelain -- . ':!.bin')" ]; then \
		echo "generated code is stale or was edited by hand; run 'make generate' and commit:"; \
		git status --porcelain -- . ':!.bin'; git --no-pager diff --stat; exit 1; \
	fi

## update-spec: take a new NetBird API document, regenerate, and report what changed:
##   make update-spec SPEC=<path or URL> VERSION=<vX.Y.Z> [COMMIT=<commit>]
COMMIT ?= unknown
update-spec:
	@if [ -z "$(SPEC)" ] || [ -z "$(VERSION)" ]; then \
		echo "usage: make update-spec SPEC=<path or URL> VERSION=<vX.Y.Z> [COMMIT=<commit>]"; exit 2; \
	fi
	go run ./internal/codegen update -spec '$(SPEC)' -version '$(VERSION)' -commit '$(COMMIT)'

## update-spec-continue: finish an update that stopped for names, after
## pasting them into internal/codegen/overlay.yaml: regenerate, check, and
## complete the same SPEC_CHANGES.md entry
update-spec-continue:
	go run ./internal/codegen update -continue

## names: after editing internal/codegen/overlay.yaml by hand: put the naming
## table in its canonical layout, retire or restore names and fixes to match
## openapi.yaml, then regenerate and check as an update does
names:
	go run ./internal/codegen update -continue

## test: the test suite, as CI runs it
test:
	go test -race -count=1 ./...

# contract is also a directory: without .PHONY make would call it done.
.PHONY: contract real-server-table

## contract: the contract suite against NetBird's real management API,
## started in-process from NetBird's own test harness (module contract/;
## the first build takes several minutes)
contract:
	cd contract && go test -race -count=1 ./...

## real-server-table: rewrite contract/REAL_SERVER.md, the table of what
## NetBird's real server does with each operation (make contract checks it)
real-server-table:
	cd contract && go test -count=1 -run '^TestEveryOperation$$' -update .

vet:
	go vet ./...

## lint: golangci-lint (pinned), generated code excluded
lint: $(GOLANGCI_LINT)
	$(GOLANGCI_LINT) run ./...
	cd bench && $(GOLANGCI_LINT) run ./...

$(GOLANGCI_LINT):
	mkdir -p $(BIN)
	GOBIN=$(BIN) go install github.com/golangci/golangci-lint/v2/cmd/golangci-lint@$(GOLANGCI_LINT_VERSION)
	mv $(BIN)/golangci-lint $@

# bench and size are also directories: without .PHONY make would call them done.
.PHONY: bench size

BENCH ?= .
BENCH_COUNT ?= 10
BENCH_TIME ?= 250ms

## bench: the client against raw net/http and NetBird's official client, side
## by side (about 3 minutes); each run rotates the order of the clients;
## each of BENCH_COUNT runs is its own process, so the ratios compare
## numbers from the same process. Results and method: BENCHMARKS.md
bench: $(BENCHSTAT)
	cd bench && go test -c -o $(BIN)/bench.test .
	rm -f $(BIN)/bench.txt
	for i in $$(seq $(BENCH_COUNT)); do \
		echo "run $$i of $(BENCH_COUNT)"; \
		BENCH_ROUND=$$i $(BIN)/bench.test -test.run '^$$' -test.bench '$(BENCH)' -test.benchmem -test.benchtime $(BENCH_TIME) >$(BIN)/bench.run || { cat $(BIN)/bench.run; exit 1; }; \
		grep '^Benchmark' $(BIN)/bench.run; cat $(BIN)/bench.run >>$(BIN)/bench.txt; \
	done
	$(BENCHSTAT) -filter '-.name:Layers' -col /impl $(BIN)/bench.txt
	$(BENCHSTAT) -filter '.name:Layers' -col /layers $(BIN)/bench.txt
	cd bench && go run ./ratios $(BIN)/bench.txt

## size: binary size, dependencies and build time of a 10-line program that
## lists peers with the client, with package api, with raw net/http, and with
## NetBird's official client (module bench/size/official)
size:
	cd bench && go run ./size

$(BENCHSTAT):
	mkdir -p $(BIN)
	GOBIN=$(BIN) go install golang.org/x/perf/cmd/benchstat@$(BENCHSTAT_VERSION)
	mv $(BIN)/benchstat $@
