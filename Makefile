# watchfloor — the two commands: `make demo` and `make test` (Debian 12, as root, from the repository root).
BUILD      ?= build
BUILD_ASAN ?= build-asan
DEMO_DATA  ?= var/demo
DEMO_LISTEN ?= 127.0.0.1:8080
CMAKE_FLAGS ?=
ifneq ($(CI),)
  CMAKE_FLAGS += -DWATCHFLOOR_WERROR=ON
endif

.PHONY: all setup build native web demo test test-unit test-web test-api test-e2e asan clean bench

all: build

setup:
	@bash scripts/setup

native: setup
	@cmake -S . -B $(BUILD) -G Ninja -DCMAKE_BUILD_TYPE=Release $(CMAKE_FLAGS) >/dev/null
	@cmake --build $(BUILD)

web: setup
	@cd web && npm run --silent build

build: native web

demo: build
	./$(BUILD)/watchfloor demo --data $(DEMO_DATA) --listen $(DEMO_LISTEN) --camsim $(BUILD)/watchfloor-camsim

test-unit: native
	cd $(BUILD) && ctest --output-on-failure --timeout 120

test-web: setup
	cd web && npm test --silent

test-api: native
	node --test --test-concurrency=1 tests/api/

test-e2e: build
	node --test --test-concurrency=1 tests/e2e/

test: build
	@$(MAKE) --no-print-directory test-unit test-web test-api test-e2e
	@echo "make test: every suite passed"

# AddressSanitizer + UBSan build of the server and the unit tests; the API tests run against it too.
asan: setup
	@cmake -S . -B $(BUILD_ASAN) -G Ninja -DCMAKE_BUILD_TYPE=Debug -DWATCHFLOOR_SANITIZE=ON $(CMAKE_FLAGS) >/dev/null
	@cmake --build $(BUILD_ASAN)
	cd $(BUILD_ASAN) && ASAN_OPTIONS=detect_leaks=1 ctest --output-on-failure --timeout 300
	WATCHFLOOR_BIN=$(BUILD_ASAN)/watchfloor node --test --test-concurrency=1 tests/api/

clean:
	rm -rf $(BUILD) $(BUILD_ASAN) web/dist

# Timing goals (bench/README.md): issue 4, WebSocket delivery under load. Not part of `make test`.
bench: native
	node bench/inbox/run.mjs
