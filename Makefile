# Baken: `make run` starts the demo hub, `make test` runs every test.
# The workspace root is not a module, so targets loop over the modules of
# go.work (the pattern of opentelemetry-go-contrib).

MODS := $(shell go list -m -f '{{.Dir}}')
GO   ?= go
HTTP ?= 127.0.0.1:8080

.PHONY: build run test bench bench-go lint fuzz eval clean

# The version baken reports: the nearest tag or the commit, +dirty with
# uncommitted changes (a workspace build records no VCS revision itself).
VERSION ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)

build:
	$(GO) build -ldflags "-X main.version=$(VERSION)" -o bin/baken ./cmd/baken

run: build
	./bin/baken run --demo --http $(HTTP) --data ./data

test:
	@set -e; for m in $(MODS); do echo "== test $${m#$(CURDIR)/}"; (cd $$m && $(GO) test -race -count=1 ./...); done

# The scoreboard of issue 10 (README, Performance): fixture feeds through a
# `baken run` process against the references of the same run (bare gofeed
# over the same bytes; nginx serving the same feed, loaded with wrk). Debian's
# nginx and wrk are installed when missing; without them the serving rows
# show Baken's side alone. Classify's and the dedup index's Go benchmarks
# run first; their rows join the board. BENCHFLAGS passes flags (-sources,
# -items, -wrk).
BENCHFLAGS ?=
bench: build
	@command -v nginx >/dev/null && command -v wrk >/dev/null || { echo "== installing nginx and wrk with apt-get"; \
	  $$(command -v sudo) env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends nginx wrk \
	  || echo "== nginx and wrk could not be installed: serving is measured on Baken's side alone"; }
	@mkdir -p bench/results
	@echo "== classify (one core) and the dedup index (10,000 to 1,000,000 items stored)"
	cd services/classify && $(GO) test -run='^$$' -bench='^BenchmarkClassify$$' -cpu 1 -count 5 . > $(CURDIR)/bench/results/go-bench.txt; s=$$?; cat $(CURDIR)/bench/results/go-bench.txt; exit $$s
	cd services/dedup && $(GO) test -run='^$$' -bench='^BenchmarkLookupInsert$$' -benchtime 20000x -count 1 -timeout 20m . > $(CURDIR)/bench/results/go-bench-dedup.txt; s=$$?; cat $(CURDIR)/bench/results/go-bench-dedup.txt >> $(CURDIR)/bench/results/go-bench.txt; cat $(CURDIR)/bench/results/go-bench-dedup.txt; rm -f $(CURDIR)/bench/results/go-bench-dedup.txt; exit $$s
	cd cmd/baken && $(GO) run ./bench --baken $(CURDIR)/bin/baken --out $(CURDIR)/bench/results --go-bench $(CURDIR)/bench/results/go-bench.txt $(BENCHFLAGS)

# The Go micro-benchmarks of every module, output unfiltered.
BENCHTIME ?= 1s
bench-go:
	@set -e; for m in $(MODS); do (cd $$m && $(GO) test -run='^$$' -bench=. -benchtime=$(BENCHTIME) -benchmem -count=1 ./...); done

# Seed and real devsets side by side (testdata/devset.jsonl, devset-real.jsonl).
eval:
	cd services/classify && $(GO) run ./cmd/eval testdata/devset.jsonl testdata/devset-real.jsonl
	cd services/dedup && $(GO) run ./cmd/eval testdata/devset.jsonl testdata/devset-real.jsonl

# Every fuzz target of every module for FUZZTIME each (make test runs only
# their seed corpora). Minimising a new input is capped, or one worker can
# spend a minute on it with the counters standing still.
FUZZTIME ?= 30s
fuzz:
	@set -e; for m in $(MODS); do (cd $$m && for p in $$($(GO) list ./...); do \
	  for f in $$($(GO) test -list '^Fuzz' $$p | grep '^Fuzz'); do echo "== fuzz $$p $$f"; \
	    $(GO) test -run '^$$' -fuzz "^$$f$$" -fuzztime $(FUZZTIME) -fuzzminimizetime 100x $$p; done; done); done

# staticcheck, installed by .ci/run (go install honnef.co/go/tools/cmd/staticcheck@v0.8.2).
STATICCHECK ?= $(shell command -v staticcheck || echo $(shell $(GO) env GOPATH)/bin/staticcheck)

lint:
	@out=$$(gofmt -l $(MODS)); if [ -n "$$out" ]; then echo "gofmt needed:"; echo "$$out"; exit 1; fi
	@set -e; for m in $(MODS); do (cd $$m && $(GO) vet ./... && $(GO) mod tidy -diff >/dev/null || { echo "$${m#$(CURDIR)/}: go vet failed or go.mod is not tidy (go mod tidy -diff)"; exit 1; }); done
	@if [ -x "$(STATICCHECK)" ]; then set -e; for m in $(MODS); do (cd $$m && $(STATICCHECK) ./...); done; \
	  else echo "staticcheck not installed (go install honnef.co/go/tools/cmd/staticcheck@v0.8.2): skipped"; fi

clean:
	rm -rf bin data
