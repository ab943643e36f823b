# pipeline — see README.md. Targets are cache-friendly: Go's build cache
# keeps the cgo DuckDB build (~60 s the first time, seconds after).
GO       ?= go
TAGS     := duckdb_arrow
GOFLAGS  := -tags=$(TAGS)
BIN      := bin

.PHONY: all build run test test-go fuzz pg-start pg-stop vet fmt proto bench eval clean cover mutate

all: build

build: $(BIN)/pipeline $(BIN)/pipeline-connector-jsonl

$(BIN)/pipeline: FORCE
	$(GO) build $(GOFLAGS) -buildvcs=auto -o $@ ./cmd/pipeline

$(BIN)/pipeline-connector-jsonl: FORCE
	CGO_ENABLED=0 $(GO) build -o $@ ./examples/pipeline-connector-jsonl

FORCE:

# Run the default pipeline.yaml on the bundled fixtures.
run: build
	./$(BIN)/pipeline run -f pipeline.yaml

# Every test, once, under the race detector (every package, cmd/pipeline
# included; see docs/testing.md). Installs and starts a throwaway
# PostgreSQL on 127.0.0.1 and installs Debian's Chromium (for the SAR HTML
# rendering test) first, via apt-get when missing; those tests fail, not
# skip, when their part is missing. Screenshots land in test-artifacts/.
# The timeout only catches a hung test: a quiet machine needs ~6 min, and at
# load average 30 cmd/pipeline alone took more than 25 (CI allows 90).
test: build
	@scripts/chromium.sh && \
	  eval "$$(scripts/pgtest.sh start)" && \
	  export PIPELINE_REQUIRE_PG=1 PIPELINE_REQUIRE_CHROMIUM=1 PIPELINE_TEST_ARTIFACTS=$(CURDIR)/test-artifacts && \
	  $(GO) vet $(GOFLAGS) ./... && \
	  $(GO) test $(GOFLAGS) -count=1 -race -timeout 60m ./...

# Go tests only, without starting PostgreSQL (postgres tests skip locally).
test-go:
	$(GO) test $(GOFLAGS) -count=1 ./...

# Every Go fuzz target (func Fuzz* in a _test.go file) for FUZZTIME each;
# their seed corpora (testdata/fuzz/) also run as ordinary tests in `make
# test`. A failing input lands in testdata/fuzz/ and stops the loop.
FUZZTIME ?= 30s
fuzz:
	@for pkg in $$(grep -rl --include='*_test.go' '^func Fuzz' . | xargs -n1 dirname | sort -u); do \
	  for f in $$($(GO) test $(GOFLAGS) -list 'Fuzz.*' $$pkg | grep '^Fuzz'); do \
	    echo "== $$pkg $$f ($(FUZZTIME))"; \
	    $(GO) test $(GOFLAGS) -run '^$$' -fuzz "^$$f$$" -fuzztime $(FUZZTIME) $$pkg || exit 1; \
	  done; \
	done

# Per-package statement coverage, end-to-end tests included (a -cover
# binary and GOCOVERDIR); see docs/testing-coverage.md. Slow: not in test.
cover:
	GO=$(GO) scripts/cover.sh

# Mutation check: one-line breaks of the rules that protect people, each
# must fail its tests; see docs/testing-coverage.md.
mutate:
	$(GO) run ./scripts/mutate

pg-start:
	@scripts/pgtest.sh start
pg-stop:
	@scripts/pgtest.sh stop

vet:
	$(GO) vet $(GOFLAGS) ./...

fmt:
	gofmt -l -w $$(git ls-files '*.go' | grep -v '\.pb\.go$$')

# Regenerate the plugin protocol's Go code (needs protoc; the script installs it).
proto:
	scripts/proto.sh

# Benchmarks: see bench/README.md. BENCH_SIZE=10000000 for the 10M run.
bench: build
	bench/run.sh

# The classifier's precision/recall report on the shared PII test material.
eval:
	$(GO) test $(GOFLAGS) -count=1 -run Eval -v ./pipeline/classify/ | grep -v '^=== RUN'

clean:
	rm -rf $(BIN) state exports test-artifacts
