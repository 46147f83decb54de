#!/usr/bin/env bash
# `make demo`: a whole study, end to end, on the shipped example protocol; output under out/demo/.
#  1. pre-registration: validate protocols/examples/fashion_mnist_demo.toml (its canonical hash)
#     and plan it (run cells, seeds per variance source, seeds each claim needs);
#  2. training: `rigor run` — 3 arms x 10 seeds on a 20k-image Fashion-MNIST subset, 2 at a time
#     (about a minute and a half on 2 cores), into the HDF5 store out/demo/study.h5;
#  3. reproducibility: `rigor verify` reruns 2 recorded cells and checks them bit for bit;
#  4. verdicts: `rigor analyze` tests each pre-registered claim; `rigor report` writes the audit
#     as HTML (self-contained), Markdown and JSON, and a PDF when Chromium is installed;
#  5. `rigor compare` on shipped per-seed scores (scripts/demo-data/), for results from elsewhere.
set -euo pipefail
build=${1:-build}
rigor="$build/bin/rigor"
out=out/demo
examples=protocols/examples
protocol="$examples/fashion_mnist_demo.toml"
mkdir -p "$out"
rm -rf "$out/study.h5" "$out/study.h5.pending" "$out/study.h5.work"

echo "== rigor validate: the protocol's canonical hash locks the plan"
"$rigor" validate "$protocol" | tee "$out/validate.txt"
echo
echo "== rigor plan: run cells, seeds and power"
"$rigor" plan "$protocol" | tee "$out/plan.txt"
echo
echo "== rigor run: every cell, each in its own process, 2 at a time"
"$rigor" run "$protocol" --store "$out/study.h5" --jobs 2
echo
echo "== rigor verify: rerun 2 recorded cells, compare parameters and metrics bit for bit"
"$rigor" verify "$out/study.h5" --sample 2 | tee "$out/verify.txt"
echo
echo "== rigor analyze: the verdict on each pre-registered claim"
set +e
"$rigor" analyze "$out/study.h5" | tee "$out/analyze.txt"
code=${PIPESTATUS[0]}
set -e
if [[ $code -ge 2 ]]; then
  echo "demo: rigor analyze failed (exit $code)" >&2
  exit "$code"
fi
echo
echo "== rigor report: the audit"
pdf=()
if command -v chromium >/dev/null || command -v chromium-browser >/dev/null; then
  pdf=(--pdf "$out/report.pdf")
fi
"$rigor" report "$out/study.h5" -o "$out/report.html" --md "$out/report.md" \
  --json "$out/report.json" "${pdf[@]}"
echo
echo "== rigor compare: per-seed scores produced elsewhere (dropout vs baseline MLP, 20 seeds)"
set +e
"$rigor" compare "$examples/scores/mlp_dropout.csv" "$examples/scores/mlp_baseline.csv" \
  --column test_accuracy --paired --alternative greater --test all --min-effect 0.002 \
  > "$out/compare.txt"
compare_code=$?
set -e
if [[ $compare_code -ge 2 ]]; then
  echo "demo: rigor compare failed (exit $compare_code)" >&2
  exit "$compare_code"
fi
echo "(written to $out/compare.txt)"
echo
echo "== wrote $out/: study.h5, report.html, report.md, report.json${pdf:+, report.pdf},"
echo "   validate.txt, plan.txt, verify.txt, analyze.txt, compare.txt"
echo "   open $out/report.html in a browser (it makes no network requests)"
