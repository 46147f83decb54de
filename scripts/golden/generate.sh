#!/usr/bin/env bash
# Regenerates every golden reference file in tests/stats/data/ from R and scipy/statsmodels/mpmath.
# Needs `scripts/install-deps.sh --reference` (R 4.2.2, python3-scipy 1.10, python3-statsmodels 0.13,
# python3-mpmath 1.2 on Debian 12). CI never runs this: the JSON files are committed.
#
#   scripts/golden/generate.sh && git diff --stat tests/stats/data
set -euo pipefail
cd "$(dirname "$0")/../.."
data=tests/stats/data
py=/usr/bin/python3   # Debian's python: the pyenv python3 cannot see Debian's scipy
command -v Rscript >/dev/null || { echo "generate: Rscript missing; run scripts/install-deps.sh --reference" >&2; exit 2; }

Rscript scripts/golden/ttest.R > "$data/ttest.json"
Rscript scripts/golden/power.R > "$data/power.json"
Rscript scripts/golden/rank_tests.R
$py scripts/golden/rank_tests.py
$py scripts/golden/corrections.py            # runs corrections.R itself
$py scripts/golden/resampling.py "$data"     # runs resampling.R itself
$py scripts/golden/aso.py
$py scripts/golden/sequential.py > "$data/sequential.json"
echo "generate: rewrote $(ls "$data"/*.json | wc -l) files in $data"
