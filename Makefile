# watchfloor — the two commands: `make demo` and `make test` (Debian 12, as root, from the repository root).
BUILD      ?= build
BUILD_ASAN ?= build-asan
BUILD_FUZZ ?= build-fuzz
FUZZ_TIME  ?= 60
FUZZ_CXX   ?= clang++-14
FUZZ_TARGETS := fuzz_init fuzz_recover fuzz_sample_index fuzz_h264 fuzz_range fuzz_rtsp fuzz_rtp fuzz_json
DEMO_DATA  ?= var/demo
DEMO_LISTEN ?= 127.0.0.1:8080
PACKAGE_DIR ?= $(BUILD)/package
CMAKE_FLAGS ?=
# Node.js 22 from the npm registry, installed here by scripts/setup when the system's is older than 20
# (stock Debian 12) or when WATCHFLOOR_LOCAL_NODE=1; when present, every recipe finds it first on PATH.
WATCHFLOOR_NODE_DIR ?= $(CURDIR)/tools/node
export WATCHFLOOR_NODE_DIR WATCHFLOOR_LOCAL_NODE
export PATH := $(abspath $(WATCHFLOOR_NODE_DIR))/node_modules/.bin:$(PATH)
ifneq ($(CI),)
  CMAKE_FLAGS += -DWATCHFLOOR_WERROR=ON
endif

.PHONY: all setup build native web demo package test test-unit test-web test-api test-e2e test-setup test-package asan fuzz clean bench

all: build

setup:
	@bash scripts/setup
	@echo "make: Node.js $$(node --version) at $$(command -v node)"

native: setup
	@cmake -S . -B $(BUILD) -G Ninja -DCMAKE_BUILD_TYPE=Release $(CMAKE_FLAGS) >/dev/null
	@cmake --build $(BUILD)

web: setup
	@cd web && npm run --silent build

build: native web

demo: build
	./$(BUILD)/watchfloor demo --data $(DEMO_DATA) --listen $(DEMO_LISTEN) --camsim $(BUILD)/watchfloor-camsim

# The Debian package (CPack): the server, the console, presets, templates, the systemd unit and a
# default configuration; written to $(PACKAGE_DIR)/watchfloor_<version>_amd64.deb.
package: build
	cd $(BUILD) && cpack -G DEB -B $(abspath $(PACKAGE_DIR))

# The unit tests and the permission matrix on SQLite, then again on a throw-away PostgreSQL cluster.
test-unit: native
	cd $(BUILD) && ctest --output-on-failure --timeout 120 -j2
	bash scripts/pg-test-cluster run sh -c 'cd $(BUILD) && ctest --output-on-failure --timeout 120 -j2'

test-web: setup
	cd web && npm test --silent

# Every API test on both stores, the two passes at the same time (each server on its own free ports, data
# directory and database): on SQLite, and on a throw-away PostgreSQL cluster, where the tests of the SQLite
# file itself skip. Each pass's report goes to $(BUILD)/test-api-<store>.log and is shown when both have ended.
test-api: native
	@echo "test-api: SQLite and PostgreSQL passes ($(BUILD)/test-api-sqlite.log, $(BUILD)/test-api-postgresql.log)"
	@node --test --test-concurrency=1 --test-reporter=spec tests/api/ >$(BUILD)/test-api-sqlite.log 2>&1 & sqlite=$$!; \
	bash scripts/pg-test-cluster run node --test --test-concurrency=1 --test-reporter=spec tests/api/ \
	  >$(BUILD)/test-api-postgresql.log 2>&1; pg=$$?; wait $$sqlite; sqlite=$$?; \
	for s in sqlite postgresql; do echo "--- test-api on $$s"; cat $(BUILD)/test-api-$$s.log; done; \
	echo "test-api: SQLite exit $$sqlite, PostgreSQL exit $$pg"; [ $$sqlite = 0 ] && [ $$pg = 0 ]

test-e2e: build
	node --test --test-concurrency=1 tests/e2e/

# Set-up on a machine whose Node.js is older than 20, forced (tests/ops/setup_old_node_test.sh, which
# runs make setup itself).
test-setup:
	bash tests/ops/setup_old_node_test.sh

# The package's contents, control fields, unit and configuration (tests/ops/package_test.sh, which runs
# make package itself).
test-package:
	bash tests/ops/package_test.sh

test: build
	@$(MAKE) --no-print-directory test-unit test-web test-setup test-package test-api test-e2e
	@echo "make test: every suite passed"

# AddressSanitizer + UBSan build of the server and the unit tests; the API tests run against it too.
asan: setup
	@cmake -S . -B $(BUILD_ASAN) -G Ninja -DCMAKE_BUILD_TYPE=Debug -DWATCHFLOOR_SANITIZE=ON $(CMAKE_FLAGS) >/dev/null
	@cmake --build $(BUILD_ASAN)
	cd $(BUILD_ASAN) && ASAN_OPTIONS=detect_leaks=1 ctest --output-on-failure --timeout 300
	WATCHFLOOR_BIN=$(BUILD_ASAN)/watchfloor node --test --test-concurrency=1 tests/api/

# libFuzzer + ASan + UBSan on our parsers (docs/formats.md §10, tests/fuzz/), FUZZ_TIME seconds each.
# New corpus entries go to $(BUILD_FUZZ)/corpus/<target>, crashes to $(BUILD_FUZZ)/artifacts/<target>/;
# a crash input, once fixed, belongs in tests/fuzz/corpus/<target>/. Needs clang-14 and libclang-rt-14-dev.
fuzz: setup
	@command -v $(FUZZ_CXX) >/dev/null || { echo "make fuzz: $(FUZZ_CXX) not found (apt-get install clang-14 libclang-rt-14-dev)" >&2; exit 1; }
	@cmake -S . -B $(BUILD_FUZZ) -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_CXX_COMPILER=$(FUZZ_CXX) -DWATCHFLOOR_FUZZ=ON >/dev/null
	@cmake --build $(BUILD_FUZZ) --target fuzzers
	@for t in $(FUZZ_TARGETS); do \
	  mkdir -p $(BUILD_FUZZ)/corpus/$$t $(BUILD_FUZZ)/artifacts/$$t; \
	  echo "make fuzz: $$t, $(FUZZ_TIME) s"; \
	  case $$t in fuzz_init|fuzz_recover) dict=-dict=tests/fuzz/mp4.dict;; fuzz_json) dict=-dict=tests/fuzz/json.dict;; *) dict=;; esac; \
	  $(BUILD_FUZZ)/tests/fuzz/$$t -max_total_time=$(FUZZ_TIME) -print_final_stats=1 $$dict \
	    -artifact_prefix=$(BUILD_FUZZ)/artifacts/$$t/ $(BUILD_FUZZ)/corpus/$$t tests/fuzz/corpus/$$t || exit 1; \
	done
	@echo "make fuzz: no property violated"

clean:
	rm -rf $(BUILD) $(BUILD_ASAN) $(BUILD_FUZZ) web/dist

# Timing goals (bench/README.md): issue 4, WebSocket delivery under load; the recorder against one
# ffmpeg per stream (16 simulated 1080p cameras, 60 s); issue 14, the store as the data grows to
# 100k cases (seeding 100k takes a while). Not part of `make test`.
bench: native
	node bench/inbox/run.mjs
	node bench/recorder/run.mjs
	node bench/growth/run.mjs
	node bench/live/run.mjs
