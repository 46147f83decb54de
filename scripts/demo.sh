#!/usr/bin/env bash
# `make demo`: runs the shipped examples and writes their output under out/demo/.
#  1. the pre-registration: validate the Fashion-MNIST dropout protocol (its hash) and plan the tiny
#     synthetic study (run cells, seeds per variance source, seeds needed per claim);
#  2. the statistics: `rigor compare` on shipped per-seed test accuracies of a real study (MLP on
#     Fashion-MNIST with and without dropout, 20 seeds each, scripts/demo-data/).
# The demo grows with the harness: protocol -> training -> store -> report.
set -euo pipefail
build=${1:-build}
rigor="$build/bin/rigor"
out=out/demo
mkdir -p "$out"
examples=protocols/examples

echo "== rigor validate: the protocol's canonical hash locks the plan"
"$rigor" validate "$examples/fashion_mnist_dropout.toml" | tee "$out/validate.txt"
echo
echo "== rigor plan: run cells, seeds and power for the tiny synthetic study"
"$rigor" plan "$examples/synthetic_tiny.toml" | tee "$out/plan.txt"
"$rigor" plan "$examples/synthetic_tiny.toml" --json > "$out/plan.json"
echo
echo "== rigor compare: does dropout (p = 0.5) help a Fashion-MNIST MLP? (20 seeds per arm, paired by seed)"
set +e
"$rigor" compare "$examples/scores/mlp_dropout.csv" "$examples/scores/mlp_baseline.csv" \
  --column test_accuracy --paired --alternative greater --test all --min-effect 0.002 | tee "$out/compare.txt"
code=${PIPESTATUS[0]}
"$rigor" compare "$examples/scores/mlp_dropout.csv" "$examples/scores/mlp_baseline.csv" \
  --column test_accuracy --paired --alternative greater --test all --min-effect 0.002 --json > "$out/compare.json"
set -e
if [[ $code -ge 2 ]]; then
  echo "demo: rigor compare failed (exit $code)" >&2
  exit "$code"
fi
echo
echo "== wrote $out/{validate.txt,plan.txt,plan.json,compare.txt,compare.json}"
echo "   rigor compare exit code $code (0: claim supported, 1: not supported)"
