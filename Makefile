# spar — see README.md.
#
#   make test   every test CI runs (unit, integration, e2e that fit in CI)
#   make tools  the external binaries tests drive (kubectl), built only if missing
#   make lint   gofmt and go vet
#   make bench  the benchmarks (long; figures go to BENCHMARKS.md)
#   make soak   soaks and scale runs (long; outside make test)

GO      ?= go
PKGS    ?= ./...
# Packages with concurrency run under the race detector in make test.
RACE_PKGS ?= ./store/... ./watch/... ./client/... ./controller/... ./scheduler/... ./apiserver/...
BENCH   ?= .
# BENCHTIME, when set, is passed as -benchtime (default: go test's 1s).
BENCHTIME ?=
COUNT   ?= 1

.PHONY: test tools lint unit race bench soak fuzz

test: tools lint unit race

# The kubectl versions the tests drive. hack/kubectl.sh --if-missing builds
# (into .bin) only those the machine does not already have.
KUBECTL_VERSIONS ?= 1.27 1.28 1.32 1.33
tools:
	hack/kubectl.sh --if-missing $(KUBECTL_VERSIONS)

lint:
	@out=$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go')); \
	  if [ -n "$$out" ]; then echo "gofmt needed on:"; echo "$$out"; exit 1; fi
	$(GO) vet $(PKGS)

unit:
	$(GO) test -count=1 -timeout 20m $(PKGS)

race:
	$(GO) test -count=1 -race -timeout 20m $(RACE_PKGS)

bench:
	$(GO) test -run '^$$' -bench '$(BENCH)' $(if $(BENCHTIME),-benchtime $(BENCHTIME)) -benchmem -count $(COUNT) -timeout 120m $(PKGS)

soak:
	SPAR_SOAK=1 $(GO) test -count=1 -run 'Soak' -timeout 180m -v $(PKGS)

# Short fuzz runs of every fuzz target (each FUZZTIME long).
FUZZTIME ?= 30s
fuzz:
	@for pkg in $$($(GO) list $(PKGS)); do \
	  for f in $$($(GO) test -list '^Fuzz' $$pkg | grep '^Fuzz'); do \
	    echo "== $$pkg $$f"; $(GO) test -run '^$$' -fuzz "^$$f$$" -fuzztime $(FUZZTIME) $$pkg || exit 1; \
	  done; \
	done
