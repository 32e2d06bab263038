# Gridhub: the two newcomer commands (`make run`, `make test`) and the developer targets.
BUILD      ?= build
JOBS       ?= $(shell nproc)
CMAKE_ARGS ?=
DATA_DIR   ?= data

# Debian packages the build, the tests and the benchmarks need (apt only; idempotent).
DEB_PACKAGES = g++ cmake ninja-build pkg-config make git curl ca-certificates \
  libboost1.81-dev libboost-json1.81-dev libboost-url1.81-dev \
  libssl-dev libsqlite3-dev libsodium-dev libspdlog-dev libcli11-dev \
  libzstd-dev libgtest-dev libgmock-dev \
  python3 python3-paho-mqtt python3-cryptography python3-websocket mosquitto mosquitto-clients \
  chromium fonts-wqy-microhei
# The console's build (esbuild) and browser tests (playwright-core) run on Node.js: Debian's nodejs and npm,
# unless a node and npm are already on PATH (another distribution's nodejs package conflicts with Debian's npm).
NODE_PACKAGES = $(if $(shell command -v node 2>/dev/null),,nodejs)$(if $(shell command -v npm 2>/dev/null),, npm)

.PHONY: all deps build test unit integration test-sanitize test-reliability test-reliability-long test-crash fuzz run bench \
  clean bench-tsdb bench-commands bench-gateway
empty :=
space := $(empty) $(empty)

all: build

# $(call apt_install,PACKAGES): installs those of PACKAGES that are missing (apt only; nothing when all are there).
apt_install = missing=$$(for p in $(1); do dpkg-query -W -f='$${Status}\n' $$p 2>/dev/null | grep -q 'install ok installed' || echo $$p; done); \
	if [ -n "$$missing" ]; then \
	  echo "installing:" $$missing; \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq --no-install-recommends $$missing; \
	else echo "packages: all installed"; fi

deps:
	@$(call apt_install,$(DEB_PACKAGES) $(NODE_PACKAGES))

# build/: the server, the examples and the integration tests (the unit tests live in build-asan/;
# CMAKE_ARGS=-DGRIDHUB_UNIT_TESTS=ON builds them here too). Line tables only (-g1): backtraces keep file:line and
# the build is a sixth faster (CMAKE_ARGS='-DCMAKE_CXX_FLAGS_RELWITHDEBINFO=-O2 -g' for a debugger's full view).
$(BUILD)/build.ninja:
	cmake -S . -B $(BUILD) -G Ninja -DGRIDHUB_UNIT_TESTS=OFF '-DCMAKE_CXX_FLAGS_RELWITHDEBINFO=-O2 -g1 -DNDEBUG' $(CMAKE_ARGS)

build: $(BUILD)/build.ninja
	cmake --build $(BUILD) -j $(JOBS)

# Every test, once: the unit tests under AddressSanitizer + UndefinedBehaviorSanitizer, then the integration tests
# (the real server, built optimised, driven by independent clients).
test: deps unit build
	cd $(BUILD) && ctest --output-on-failure -j $(JOBS) --timeout 300

integration: build
	cd $(BUILD) && ctest --output-on-failure -R '^integration\.'

# Every module's unit tests, under ASan + UBSan (Debug, line tables only: -g1 keeps the reports' file:line).
SANITIZED = metrics mqtt json net enos model pki registry tsdb hub api sdk
unit: deps
	cmake -S . -B build-asan -G Ninja -DGRIDHUB_SANITIZE=ON -DCMAKE_BUILD_TYPE=Debug -DCMAKE_CXX_FLAGS_DEBUG=-g1
	cmake --build build-asan -j $(JOBS) --target $(addprefix unit_,$(SANITIZED))
	cd build-asan && ctest --output-on-failure -j $(JOBS) --timeout 300 -R '^($(subst $(space),|,$(SANITIZED)))\.'
test-sanitize: unit

# The reliability suite (docs/reliability.md): the crash-safety loop (kill -9 under load, then every acknowledged
# post and registry change must be there) and the libFuzzer targets (clang, instrumented build in build-fuzz/).
# Short: about 60 s of crashes + 30 s per fuzz target; CI runs the crash loop's short version (test-crash).
test-reliability: test-crash fuzz
test-reliability-long: build
	tests/reliability/run.sh
	tests/fuzz/run.sh 600
test-crash: build
	tests/reliability/run.sh --short
FUZZ_PACKAGES = clang libclang-rt-14-dev
fuzz: deps
	@$(call apt_install,$(FUZZ_PACKAGES))
	tests/fuzz/run.sh 30

# Start Gridhub with the smart-battery lab provisioned, on embedded defaults, and the lab's device program
# (build/smart_battery, on the C++ device SDK) posting to it: live data with one command. Ctrl-C stops both.
run: deps build
	@$(BUILD)/gridhub serve --data-dir $(DATA_DIR) --demo & server=$$!; \
	trap 'kill $$server 2>/dev/null; wait $$server' EXIT INT TERM; \
	for i in $$(seq 100); do [ -f $(DATA_DIR)/demo.json ] && break; sleep 0.1; done; \
	$(BUILD)/smart_battery --demo-file $(DATA_DIR)/demo.json --url tcp://127.0.0.1:11883 --wait 30

# Only `make bench` needs these (its plot, docs/bench-throughput-latency.png): not installed by deps or test.
BENCH_PACKAGES = python3-matplotlib

bench: deps build
	@$(call apt_install,$(BENCH_PACKAGES))
	cmake --build $(BUILD) -j $(JOBS) --target gridhub_loadgen
	bench/run.sh

clean:
	rm -rf $(BUILD) build-asan

# The storage benchmark: Gridhub's store beside SQLite and VictoriaMetrics (about 15 minutes; rewrites the
# "Time-series store" section of docs/benchmarks.md). A Release build of its own, in build-bench/.
BENCH_BUILD ?= build-bench
bench-tsdb: deps
	cmake -S . -B $(BENCH_BUILD) -G Ninja -DCMAKE_BUILD_TYPE=Release $(CMAKE_ARGS)
	cmake --build $(BENCH_BUILD) -j $(JOBS) --target gridhub_tsdb_bench
	BUILD=$(BENCH_BUILD) bench/tsdb/run.sh

# The command round trip (invokeService -> device -> reply -> API answer; about a minute; rewrites the "Command
# round trip" section of docs/benchmarks.md). A Release build of its own, in build-bench-cmd/.
CMD_BENCH_BUILD ?= build-bench-cmd
bench-commands: deps
	cmake -S . -B $(CMD_BENCH_BUILD) -G Ninja -DCMAKE_BUILD_TYPE=Release $(CMAKE_ARGS)
	cmake --build $(CMD_BENCH_BUILD) -j $(JOBS) --target gridhub gridhub_command_bench
	BUILD=$(CMD_BENCH_BUILD) bench/commands/run.sh

# One gateway with 200 sub-devices posting batches (about half a minute; rewrites the "Gateway" section of
# docs/benchmarks.md).
bench-gateway: deps
	cmake -S . -B $(CMD_BENCH_BUILD) -G Ninja -DCMAKE_BUILD_TYPE=Release $(CMAKE_ARGS)
	cmake --build $(CMD_BENCH_BUILD) -j $(JOBS) --target gridhub
	GRIDHUB_BIN=$(CURDIR)/$(CMD_BENCH_BUILD)/gridhub GRIDHUB_SOURCE_DIR=$(CURDIR) /usr/bin/python3 bench/gateway/gateway_bench.py --write-docs

# TLS connections (1,000 devices connecting at once over TLS and over plain TCP: handshakes/s, logins/s, server
# memory per connection; about half a minute; rewrites the "TLS connections" section of docs/benchmarks.md).
# A Release build of its own, in build-bench-tls/.
.PHONY: bench-tls
TLS_BENCH_BUILD ?= build-bench-tls
bench-tls: deps
	cmake -S . -B $(TLS_BENCH_BUILD) -G Ninja -DCMAKE_BUILD_TYPE=Release $(CMAKE_ARGS)
	cmake --build $(TLS_BENCH_BUILD) -j $(JOBS) --target gridhub
	BUILD=$(TLS_BENCH_BUILD) bench/tls/run.sh
