#!/usr/bin/env bash
# Downloads (here, on a Debian bookworm machine with the package registry) the .debs that a lent GPU
# machine needs to build and test rigor, into the git-ignored folder .deps/gpu/, for
# scripts/gpu-check.sh to unpack there (docs/gpu.md). The GPU machine has CMake, ninja, a compiler,
# CUDA and PyTorch's LibTorch, but no network and none of rigor's other dependencies.
#
#   bash scripts/gpu-deps.sh        # then: device `run` with carry [".deps/gpu"] and command
#                                   #       `bash scripts/gpu-check.sh`
#
# Nothing is installed here: `apt-get download` only fetches the files. The total must stay well
# under the 64 MiB a device call can carry with the working tree; the script fails above 60 MiB.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
DEST="$ROOT/.deps/gpu"
LIMIT_KIB=$((60 * 1024))

# Build dependencies: headers, CMake config files and the unversioned .so symlinks (-dev), with the
# runtime libraries those symlinks point to. Boost: only program_options is compiled; Boost.Math is
# headers (libboost1.74-dev holds every header and BoostConfig.cmake).
build_packages=(
  libboost1.74-dev libboost-program-options1.74-dev libboost-program-options1.74.0
  libhdf5-dev libhdf5-103-1
  libtomlplusplus-dev libtomlplusplus3
  nlohmann-json3-dev
  libfmt-dev libfmt9
  libgtest-dev libgmock-dev
  libbenchmark-dev libbenchmark1debian
  libssl-dev libssl3
  zlib1g-dev zlib1g
  ninja-build
)
# Runtime closure of libhdf5_serial.so.103 (apt-cache depends --recurse libhdf5-103-1, less libc6,
# libgcc-s1 and gcc-12-base, which every machine has): szip (libaec) and libcurl with its own
# dependencies. gpu-check.sh puts on LD_LIBRARY_PATH only the sonames the GPU machine lacks, so
# these never shadow a newer system copy.
runtime_packages=(
  libsz2 libaec0 libcurl4 libbrotli1 libcom-err2 libdb5.3 libffi8 libgmp10 libgnutls30
  libgssapi-krb5-2 libhogweed6 libidn2-0 libk5crypto3 libkeyutils1 libkrb5-3 libkrb5support0
  libldap-2.5-0 libnettle8 libnghttp2-14 libp11-kit0 libpsl5 librtmp1 libsasl2-2
  libsasl2-modules-db libssh2-1 libtasn1-6 libunistring2 libzstd1
)
# The Fashion-MNIST IDX files (the GPU benchmark's data; 30 MB, the largest item).
data_packages=(dataset-fashion-mnist)

packages=("${build_packages[@]}" "${runtime_packages[@]}" "${data_packages[@]}")

if ! apt-cache show libhdf5-103-1 >/dev/null 2>&1; then
  echo "gpu-deps: apt-cache knows no libhdf5-103-1: run 'apt-get update' first" >&2
  exit 1
fi

mkdir -p "$DEST"
rm -f "$DEST"/*.deb
# apt-get download writes into the current directory; as root it warns that the _apt user cannot
# read the folder (harmless): run it as a subshell in DEST.
(cd "$DEST" && apt-get download -q "${packages[@]}" 2>&1 | grep -v "^W: Download is performed unsandboxed" || true)

missing=()
for p in "${packages[@]}"; do
  compgen -G "$DEST/${p}_*.deb" >/dev/null || missing+=("$p")
done
if [[ ${#missing[@]} -gt 0 ]]; then
  echo "gpu-deps: not downloaded: ${missing[*]}" >&2
  exit 1
fi

echo "gpu-deps: ${#packages[@]} packages in $DEST (largest first, KiB):"
du -k "$DEST"/*.deb | sort -rn | awk '{n=split($2, a, "/"); printf "  %7d  %s\n", $1, a[n]}'
total=$(du -sk "$DEST" | cut -f1)
echo "gpu-deps: total ${total} KiB ($((total / 1024)) MiB); limit ${LIMIT_KIB} KiB"
if [[ $total -gt $LIMIT_KIB ]]; then
  echo "gpu-deps: over the limit: the device call carries at most 64 MiB with the working tree" >&2
  exit 1
fi
