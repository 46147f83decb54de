#!/usr/bin/env bash
# Builds the protocol-parser libFuzzer target with clang in its own tree and runs it for a bounded
# time on a corpus seeded with protocols/examples. Called by the ctest ProtocolParserFuzz of a GCC
# build; usable by hand:   scripts/fuzz-protocols.sh clang++-14 build/fuzz-build
set -euo pipefail
clangxx=${1:?usage: fuzz-protocols.sh CLANG++ BUILD_DIR}
build=${2:?usage: fuzz-protocols.sh CLANG++ BUILD_DIR}
root=$(cd "$(dirname "$0")/.." && pwd)
clangc=${clangxx/clang++/clang}
cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DCMAKE_CXX_COMPILER="$clangxx" -DCMAKE_C_COMPILER="$clangc" -DRIGOR_BUILD_BENCHMARKS=OFF >/dev/null
cmake --build "$build" -j2 --target rigor_protocol_fuzz
ctest --test-dir "$build" -R '^ProtocolParserFuzz' --output-on-failure
echo "fuzz-protocols: no crash"
