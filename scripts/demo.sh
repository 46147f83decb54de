#!/usr/bin/env bash
# `make demo`: runs the shipped example and writes its report under out/demo/.
# Today: `rigor compare` on shipped per-seed test accuracies (dropout vs no dropout, 20 seeds each).
# The demo grows with the harness: protocol -> training -> store -> report.
set -euo pipefail
build=${1:-build}
rigor="$build/bin/rigor"
out=out/demo
mkdir -p "$out"
scores=protocols/examples/scores
echo "== rigor compare: does dropout help? (20 seeds per arm, Fashion-MNIST MLP test accuracy)"
set +e
"$rigor" compare "$scores/mlp_dropout.csv" "$scores/mlp_baseline.csv" --column test_accuracy \
  --alternative greater --test all --min-effect 0.002 | tee "$out/compare.txt"
code=${PIPESTATUS[0]}
"$rigor" compare "$scores/mlp_dropout.csv" "$scores/mlp_baseline.csv" --column test_accuracy \
  --alternative greater --test all --min-effect 0.002 --json > "$out/compare.json"
set -e
if [[ $code -ge 2 ]]; then
  echo "demo: rigor compare failed (exit $code)" >&2
  exit "$code"
fi
echo "== wrote $out/compare.txt and $out/compare.json (exit code $code: 0 supported, 1 not supported)"
