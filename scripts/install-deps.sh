#!/usr/bin/env bash
# Installs every Debian package rigor needs to build, test and run. Idempotent: installs only what is
# missing, and touches the network only then. Uses sudo when not root.
#
#   scripts/install-deps.sh              # build + test + demo dependencies (chromium: the report's
#                                        # browser test and --pdf; ~115 MB download)
#   scripts/install-deps.sh --reference  # also R, scipy, statsmodels, mpmath (golden values and the
#                                        # speed comparison scripts; never needed by `make test`)
#   scripts/install-deps.sh --slurm      # also slurm-wlm and munge: the real-Slurm test (ctest label
#                                        # slurm; skipped without them). CI installs them.
set -euo pipefail

packages=(
  build-essential cmake ninja-build ccache pkg-config git
  libboost-math-dev libboost-program-options-dev
  libhdf5-dev libtomlplusplus-dev nlohmann-json3-dev libfmt-dev libssl-dev zlib1g-dev
  libgtest-dev libgmock-dev libbenchmark-dev clang-14 libclang-rt-14-dev clang-format clang-tidy
  libtorch-dev libopenblas0-openmp dataset-fashion-mnist
  python3-h5py chromium
)
for option in "$@"; do
  case "$option" in
    --reference) packages+=(r-base-core python3-scipy python3-statsmodels python3-mpmath python3-numpy) ;;
    --slurm) packages+=(slurm-wlm munge) ;;
    *) echo "install-deps: unknown option $option (known: --reference, --slurm)" >&2; exit 2 ;;
  esac
done

missing=()
for p in "${packages[@]}"; do
  status=$(dpkg-query -W -f='${db:Status-Abbrev}' "$p" 2>/dev/null || true)
  [[ "$status" == ii* ]] || missing+=("$p")
done
if [[ ${#missing[@]} -eq 0 ]]; then
  echo "install-deps: all ${#packages[@]} packages present"
  exit 0
fi

sudo=""
if [[ $(id -u) -ne 0 ]]; then
  command -v sudo >/dev/null || { echo "install-deps: not root and no sudo; install as root: ${missing[*]}" >&2; exit 1; }
  sudo="sudo"
fi
echo "install-deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
