#!/usr/bin/env bash
# The GPU check of issue 8, run on a lent GPU machine in the repository root (docs/gpu.md):
# unpacks the .debs that scripts/gpu-deps.sh downloaded (carried as .deps/gpu) under /tmp, builds
# rigor against the machine's PyTorch LibTorch (CUDA), runs the `gpu` labelled tests, a quick unit
# subset and the GPU benchmark (scripts/gpu-bench.py), and writes everything to
# $OUT/gpu-check.txt ($OUT is the device tool's output folder; ./gpu-check-out/ when unset).
#
#   bash scripts/gpu-check.sh              # all stages: build test bench (may exceed one 10-minute
#                                          # device call: then split it, as below)
#   bash scripts/gpu-check.sh build        # unpack + configure + build
#   bash scripts/gpu-check.sh test bench   # next call, while the machine is still warm (/tmp kept)
#
# Environment (all optional):
#   RIGOR_GPU_CHECK_TORCH_PREFIX  Torch's CMake prefix, or the folder holding TorchConfig.cmake
#                                 (default: python3 -c 'import torch; print(torch.utils.cmake_prefix_path)')
#   RIGOR_GPU_CHECK_BUILD_DIR     build folder (default /tmp/rigor-gpu-build)
#   RIGOR_GPU_CHECK_PREFIX        where the .debs are unpacked (default /tmp/rigor-prefix)
#   RIGOR_GPU_CHECK_JOBS          build parallelism (default 16)
#   RIGOR_GPU_CHECK_TARGETS       space-separated build targets (default: all)
#   RIGOR_GPU_CHECK_BENCH_ARGS    extra arguments for scripts/gpu-bench.py (e.g. "--only repro")
set -uo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
DEBS="$ROOT/.deps/gpu"
PREFIX=${RIGOR_GPU_CHECK_PREFIX:-/tmp/rigor-prefix}
BUILD=${RIGOR_GPU_CHECK_BUILD_DIR:-/tmp/rigor-gpu-build}
JOBS=${RIGOR_GPU_CHECK_JOBS:-16}
TARGETS=${RIGOR_GPU_CHECK_TARGETS:-all}
OUTDIR=${OUT:-$ROOT/gpu-check-out}
mkdir -p "$OUTDIR"
LOG="$OUTDIR/gpu-check.txt"
exec > >(tee -a "$LOG") 2>&1

stages=("$@")
[[ ${#stages[@]} -eq 0 ]] && stages=(build test bench)
for s in "${stages[@]}"; do
  case "$s" in
    build | test | bench) ;;
    *) echo "gpu-check: unknown stage \"$s\": must be build, test or bench" >&2; exit 2 ;;
  esac
done

status=0
section() { printf '\n===== %s (%s)\n' "$1" "$(date -u +%H:%M:%S)"; }
fail() { echo "gpu-check: FAILED: $*"; status=1; }

# ---- the machine
section "machine"
date -u
uname -a
grep -E '^(PRETTY_NAME|VERSION_ID)=' /etc/os-release 2>/dev/null
ldd --version 2>&1 | head -1
for tool in c++ g++ cmake ninja nvcc python3; do
  if command -v "$tool" >/dev/null; then
    echo "$tool: $(command -v "$tool"): $("$tool" --version 2>&1 | grep -m1 -iE 'version|[0-9]+\.[0-9]+')"
  else
    echo "$tool: not found"
  fi
done
nproc

# ---- unpack the carried .debs (never into /: a foreign libc or libssl there can break the machine)
unpack() {
  section "unpack .deps/gpu into $PREFIX"
  if ! compgen -G "$DEBS/*.deb" >/dev/null; then
    echo "gpu-check: no .deb in $DEBS: run 'bash scripts/gpu-deps.sh' on the development machine" \
      "and carry .deps/gpu (docs/gpu.md)"
    return 1
  fi
  rm -rf "$PREFIX"
  mkdir -p "$PREFIX"
  local n=0
  for deb in "$DEBS"/*.deb; do
    if command -v dpkg >/dev/null; then
      dpkg -x "$deb" "$PREFIX" || return 1
    else  # no dpkg: a .deb is an ar archive holding data.tar.*
      (cd "$PREFIX" && ar p "$deb" "$(ar t "$deb" | grep '^data.tar')" | tar -x -a -f - 2>/dev/null ||
        ar p "$deb" "$(ar t "$deb" | grep '^data.tar')" | tar -x -J -f -) || return 1
    fi
    n=$((n + 1))
  done
  echo "unpacked $n packages ($(du -sh "$PREFIX" | cut -f1))"
  # Absolute symlinks (zlib1g-dev's libz.so -> /lib/x86_64-linux-gnu/libz.so.1.2.13) would point at
  # the machine's own files: point them into the prefix.
  local link target
  while IFS= read -r -d '' link; do
    target=$(readlink "$link")
    if [[ "$target" == /* ]]; then ln -sfn "$PREFIX$target" "$link"; fi
  done < <(find "$PREFIX" -type l -print0)
  # Runtime libraries: only the sonames this machine lacks go on LD_LIBRARY_PATH (through one
  # folder of links), so that a carried Debian library never shadows a newer system copy.
  mkdir -p "$PREFIX/fallback-lib"
  local lib soname added=() known
  known=$(ldconfig -p)  # once: `ldconfig -p | grep -q` fails under pipefail when grep exits early
  while IFS= read -r -d '' lib; do
    soname=$(objdump -p "$lib" 2>/dev/null | awk '$1 == "SONAME" {print $2}')
    [[ -z "$soname" ]] && continue
    [[ -e "$PREFIX/fallback-lib/$soname" ]] && continue
    if ! grep -q "^[[:space:]]*$soname " <<<"$known"; then
      ln -sfn "$lib" "$PREFIX/fallback-lib/$soname"
      added+=("$soname")
    fi
  done < <(find "$PREFIX/lib" "$PREFIX/usr/lib" -name '*.so.*' -type f -print0 2>/dev/null)
  echo "sonames this machine lacks, served from the prefix: ${added[*]:-none}"
  # Fashion-MNIST where rigor looks by default (models/src/datasets.cpp), unless the machine has it.
  local data="$PREFIX/usr/share/datasets/fashion-mnist"
  if [[ -d "$data" && ! -e /usr/share/datasets/fashion-mnist ]]; then
    mkdir -p /usr/share/datasets 2>/dev/null && ln -s "$data" /usr/share/datasets/fashion-mnist &&
      echo "linked /usr/share/datasets/fashion-mnist -> $data"
  fi
}

setup_env() {
  export LD_LIBRARY_PATH="$PREFIX/fallback-lib${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
  export CPATH="$PREFIX/usr/include:$PREFIX/usr/include/x86_64-linux-gnu${CPATH:+:$CPATH}"
  export LIBRARY_PATH="$PREFIX/usr/lib/x86_64-linux-gnu:$PREFIX/lib/x86_64-linux-gnu${LIBRARY_PATH:+:$LIBRARY_PATH}"
  export PATH="$PATH:$PREFIX/usr/bin"  # ninja-build, only when the machine has none
}

torch_cmake_args() {
  local torch=${RIGOR_GPU_CHECK_TORCH_PREFIX:-}
  if [[ -z "$torch" ]]; then
    # Before LD_LIBRARY_PATH names the prefix: python3 and torch load only their own libraries.
    torch=$(env -u LD_LIBRARY_PATH python3 -c 'import torch; print(torch.utils.cmake_prefix_path)') ||
      return 1
  fi
  if [[ -f "$torch/TorchConfig.cmake" ]]; then
    TORCH_ARGS=(-DTorch_DIR="$torch")
  else
    TORCH_PREFIX_PATH="$torch"
    TORCH_ARGS=()
  fi
  echo "torch: $torch"
}

build() {
  unpack || { fail "unpack"; return 1; }
  setup_env
  section "configure $BUILD"
  TORCH_PREFIX_PATH=""
  torch_cmake_args || { fail "no LibTorch: python3 cannot import torch"; return 1; }
  local bench=OFF
  compgen -G "$PREFIX/usr/lib/x86_64-linux-gnu/cmake/benchmark/benchmarkConfig.cmake" >/dev/null &&
    bench=ON
  local cuda_args=()
  if command -v nvcc >/dev/null; then
    cuda_args=(-DCMAKE_CUDA_COMPILER="$(command -v nvcc)"
      -DCUDAToolkit_ROOT="$(dirname "$(dirname "$(readlink -f "$(command -v nvcc)")")")")
  fi
  local hdf5_inc="$PREFIX/usr/include/hdf5/serial"
  local hdf5_lib="$PREFIX/usr/lib/x86_64-linux-gnu/hdf5/serial/libhdf5.so"
  # HDF5: Debian's h5cc wrapper is not carried (an alternatives link), so FindHDF5 is given the
  # header folder and library; HDF5_ROOT keeps it from a machine's own h5cc on PATH.
  # CMAKE_POLICY_VERSION_MINIMUM: CMake 4 refuses config files that ask for policies < 3.5.
  cmake -S "$ROOT" -B "$BUILD" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -DCMAKE_PREFIX_PATH="$PREFIX/usr${TORCH_PREFIX_PATH:+;$TORCH_PREFIX_PATH}" \
    "${TORCH_ARGS[@]}" "${cuda_args[@]}" \
    -DHDF5_ROOT="$PREFIX/usr/lib/x86_64-linux-gnu/hdf5/serial" -DHDF5_C_INCLUDE_DIR="$hdf5_inc" \
    -DHDF5_hdf5_LIBRARY_RELEASE="$hdf5_lib" \
    -DBoost_NO_SYSTEM_PATHS=ON -DBOOST_ROOT="$PREFIX/usr" \
    -DRIGOR_BUILD_BENCHMARKS=$bench -DCMAKE_POLICY_VERSION_MINIMUM=3.5 ||
    { fail "configure"; return 1; }
  grep -E '^(Torch_DIR|HDF5_C_INCLUDE_DIR|Boost_DIR|fmt_DIR|tomlplusplus_DIR|nlohmann_json_DIR|GTest_DIR|OPENSSL_CRYPTO_LIBRARY|ZLIB_LIBRARY_RELEASE|CMAKE_CXX_COMPILER):' \
    "$BUILD/CMakeCache.txt"
  section "build ($TARGETS, -j$JOBS)"
  local t0=$SECONDS
  # shellcheck disable=SC2086
  cmake --build "$BUILD" -j"$JOBS" --target $TARGETS || { fail "build"; return 1; }
  echo "built in $((SECONDS - t0)) s"
  if [[ -x "$BUILD/bin/rigor-worker" ]]; then
    ldd "$BUILD/bin/rigor-worker" | grep -E 'not found|torch|c10|hdf5|cudart|cudnn' || true
  fi
}

run_tests() {
  setup_env
  [[ -x "$BUILD/bin/rigor" ]] || { fail "no build in $BUILD: run the build stage first"; return 1; }
  section "nvidia-smi"
  nvidia-smi || fail "nvidia-smi"
  section "ctest -L gpu"
  # With no test labelled gpu, ctest exits 0 having run nothing: say so (docs/gpu.md).
  local n
  n=$(ctest --test-dir "$BUILD" -N -L gpu | awk '/Total Tests:/ {print $3}')
  echo "tests labelled gpu: ${n:-0}"
  if [[ "${n:-0}" == 0 ]]; then
    echo "gpu-check: no test is labelled gpu; running the Cuda tests by name instead"
    ctest --test-dir "$BUILD" -R 'Cuda$' --output-on-failure --timeout 600 || fail "Cuda tests"
  else
    ctest --test-dir "$BUILD" -L gpu --output-on-failure --timeout 600 || fail "ctest -L gpu"
  fi
  section "ctest -L unit (training, harness, models, store)"
  ctest --test-dir "$BUILD" -L unit -R '^(Determinism|Provenance|Device|Trainer|Wire|Store|Model|Registry|Network)' \
    -j8 --output-on-failure --timeout 300 || fail "unit subset"
}

run_bench() {
  setup_env
  [[ -x "$BUILD/bin/rigor" ]] || { fail "no build in $BUILD: run the build stage first"; return 1; }
  section "GPU benchmark (scripts/gpu-bench.py)"
  # shellcheck disable=SC2086
  PYTHONUNBUFFERED=1 python3 "$ROOT/scripts/gpu-bench.py" --build "$BUILD" --out "$OUTDIR" \
    ${RIGOR_GPU_CHECK_BENCH_ARGS:-} || fail "gpu-bench.py"
}

for s in "${stages[@]}"; do
  case "$s" in
    build) build ;;
    test) run_tests ;;
    bench) run_bench ;;
  esac
done
section "done"
[[ $status -eq 0 ]] && echo "gpu-check: all stages passed" || echo "gpu-check: some stage FAILED (above)"
exit $status
