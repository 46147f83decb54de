# rigor — two commands do everything on a fresh Debian 12 machine:
#   make demo   install dependencies, build, run the shipped example, write the report
#   make test   install dependencies, build, run every test
BUILD ?= build
JOBS ?= 2
BUILD_TYPE ?= RelWithDebInfo
CMAKE_FLAGS ?=

.PHONY: all deps configure build test demo bench clean format lint

all: build

deps:
	scripts/install-deps.sh

$(BUILD)/CMakeCache.txt:
	cmake -S . -B $(BUILD) -G Ninja -DCMAKE_BUILD_TYPE=$(BUILD_TYPE) $(CMAKE_FLAGS)

configure: $(BUILD)/CMakeCache.txt

build: deps configure
	cmake --build $(BUILD) -j$(JOBS)

test: build
	ctest --test-dir $(BUILD) --output-on-failure -j$(JOBS) --timeout 900

demo: build
	scripts/demo.sh $(BUILD)

bench: build
	$(BUILD)/bin/rigor_stats_bench

format:
	git ls-files '*.h' '*.cpp' | xargs clang-format -i

# clang-tidy (.clang-tidy) over the torch-free modules; slow on 2 cores, so not part of `make test`.
lint: configure
	git ls-files 'stats/src/*.cpp' 'protocols/src/*.cpp' 'harness/store/src/*.cpp' 'harness/cli/src/*.cpp' \
	  | xargs clang-tidy -p $(BUILD) --quiet

clean:
	rm -rf $(BUILD)
