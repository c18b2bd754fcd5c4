# netbird-go developer tasks. Every target runs from a clean clone with only
# Go installed; tools are pinned here and installed from the Go module proxy.

GOLANGCI_LINT_VERSION := v2.15.0
BIN := $(CURDIR)/.bin
GOLANGCI_LINT := $(BIN)/golangci-lint-$(GOLANGCI_LINT_VERSION)

.PHONY: all generate check-generated test vet lint

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

## test: the test suite, as CI runs it
test:
	go test -race -count=1 ./...

vet:
	go vet ./...

## lint: golangci-lint (pinned), generated code excluded
lint: $(GOLANGCI_LINT)
	$(GOLANGCI_LINT) run ./...

$(GOLANGCI_LINT):
	mkdir -p $(BIN)
	GOBIN=$(BIN) go install github.com/golangci/golangci-lint/v2/cmd/golangci-lint@$(GOLANGCI_LINT_VERSION)
	mv $(BIN)/golangci-lint $@
