# LayerLab — the two set-up commands of the README:
#   make run    installs what is missing (Debian packages), builds, and starts the shell
#   make test   installs what is missing and runs every test
SWIFT ?= swift
# libgraphviz-dev brings libgvc6, whose plugins draw plot's pictures (cairo: png, pdf; core: svg);
# fonts-dejavu-core is the font its labels are set in; libdnnl-dev is oneDNN (convolutions, pooling).
APT_PACKAGES := libopenblas-dev libreadline-dev libhdf5-dev libdnnl-dev libgraphviz-dev fonts-dejavu-core

.PHONY: deps build run test fixtures bench parity clean fuzz fuzz-build

deps:
	@missing=""; \
	for p in $(APT_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  echo "Installing Debian packages:$$missing"; \
	  sudo=""; [ "$$(id -u)" -eq 0 ] || sudo=sudo; \
	  $$sudo apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$sudo apt-get install -y -qq $$missing; \
	fi

# Release builds are for this machine's processor (LayerLab is built where it runs, by
# `make run`): Swift's own loops then use its widest vectors (docs/performance.md:
# he_normal 4096² 95 → 53 ms, the text model 0.58 → 0.44 ms). The tests' debug build
# stays portable.
RELEASE := -c release -Xswiftc -target-cpu -Xswiftc native

build: deps
	$(SWIFT) build $(RELEASE) --product layerlab

run: build
	.build/release/layerlab

test: deps
	$(SWIFT) build --build-tests
	$(SWIFT) test --skip-build

# Fuzzing (docs/reliability.md): every reader of input or files, under libFuzzer.
# FUZZ_RUNS stops a target after that many inputs (-1: no limit); an input that runs
# longer than FUZZ_TIMEOUT seconds counts as a hang and fails the run like a crash.
FUZZ_SECONDS ?= 300
FUZZ_RUNS ?= -1
FUZZ_TIMEOUT ?= 10
FUZZ_TARGETS ?= commands python lambda npy npz json keras csv

fuzz-build: deps
	LAYERLAB_FUZZ_BUILD=1 $(SWIFT) build -c release --product layerlab-fuzz --scratch-path .build-fuzz -Xswiftc -sanitize=fuzzer

fuzz: fuzz-build
	@mkdir -p fuzz-crashes
	@set -e; for t in $(FUZZ_TARGETS); do \
	  mkdir -p .fuzz-corpus/$$t; \
	  echo "fuzzing $$t for $(FUZZ_SECONDS) s"; \
	  SWIFT_BACKTRACE=enable=no LAYERLAB_FUZZ_TARGET=$$t .build-fuzz/release/layerlab-fuzz \
	    -max_total_time=$(FUZZ_SECONDS) -runs=$(FUZZ_RUNS) -timeout=$(FUZZ_TIMEOUT) \
	    -print_final_stats=1 -artifact_prefix=fuzz-crashes/$$t- \
	    .fuzz-corpus/$$t Tests/Fixtures/fuzz/$$t 2>&1 | grep -E "^stat::number_of_executed_units|deadly|ERROR|artifact|Done [0-9]+ runs" ; \
	done
	@if ls fuzz-crashes/* >/dev/null 2>&1; then echo "crashes found: see fuzz-crashes/"; exit 1; fi

# Regenerates Tests/Fixtures/keras from Keras itself (needs the .venv-keras of the README).
# The Keras-Python fixtures run LayerLab's `keras` generator, so the debug binary is built first.
fixtures:
	$(SWIFT) build --product layerlab
	KERAS_BACKEND=jax COLUMNS=80 .venv-keras/bin/python scripts/keras-fixtures/generate.py

# The benchmark suite against Keras + JAX (docs/performance.md). Needs .venv-keras; CI does not run it.
# BENCH_ARGS=--quick for fewer runs, BENCH_ARGS="--only mlp,summary" for some cases.
KERAS_PYTHON := .venv-keras/bin/python
# keras.applications opened by LayerLab against Keras's forward (outside CI: it needs Keras).
parity:
	@if [ ! -x $(KERAS_PYTHON) ]; then echo "make parity needs Keras 3 with JAX in $(KERAS_PYTHON)"; exit 1; fi
	$(SWIFT) build $(RELEASE) --product layerlab
	$(KERAS_PYTHON) scripts/parity/applications.py

bench:
	@if [ ! -x $(KERAS_PYTHON) ]; then \
	  echo "make bench needs Keras 3 with JAX in $(KERAS_PYTHON) (relative to the repository root);"; \
	  echo "create it as the README says (python3 -m venv .venv-keras && .venv-keras/bin/pip install keras jax), or link an existing one."; \
	  exit 1; \
	fi
	$(SWIFT) build $(RELEASE) --product layerlab-bench
	$(SWIFT) build $(RELEASE) --product layerlab
	@mkdir -p bench-results
	KERAS_BACKEND=jax $(KERAS_PYTHON) bench/suite.py --no-build --json bench-results/last.json $(BENCH_ARGS)

clean:
	rm -rf .build
