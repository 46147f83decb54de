#!/usr/bin/env bash
# Issue 5's "must show": the demo protocol run twice, with --jobs 1 and with --jobs 2, gives
# identical parameter hashes and final metrics for every cell. Then issue 6's browser test on the
# demo's own report: headless Chromium renders it and every chart must draw without page errors
# (scripts/render-check.sh; skipped when Chromium is absent).
# Usage: demo_reproducible.sh RIGOR WORKDIR
set -euo pipefail
rigor=${1:?usage: demo_reproducible.sh RIGOR WORKDIR}
work=${2:?usage: demo_reproducible.sh RIGOR WORKDIR}
root=$(cd "$(dirname "$0")/../.." && pwd)
protocol="$root/protocols/examples/fashion_mnist_demo.toml"
if [[ ! -e /usr/share/datasets/fashion-mnist/train-images-idx3-ubyte.gz ]]; then
  echo "skipped: Fashion-MNIST is not installed (scripts/install-deps.sh installs dataset-fashion-mnist)"
  exit 77
fi
rm -rf "$work" && mkdir -p "$work"
"$rigor" run "$protocol" --store "$work/jobs1.h5" --jobs 1 --progress lines --no-sync
"$rigor" run "$protocol" --store "$work/jobs2.h5" --jobs 2 --progress lines --no-sync
# cell_id, status, params_sha256 and the final metrics: everything but times and seeds' order.
columns() {
  "$rigor" export "$1" --csv | python3 -c '
import csv, sys
rows = list(csv.DictReader(sys.stdin))
keep = ["cell_id", "status", "params_sha256"] + sorted(k for k in rows[0] if k.startswith("final."))
for r in rows:
    print(",".join(r[k] for k in keep))'
}
columns "$work/jobs1.h5" > "$work/jobs1.txt"
columns "$work/jobs2.h5" > "$work/jobs2.txt"
cells=$(wc -l < "$work/jobs1.txt")
if ! diff "$work/jobs1.txt" "$work/jobs2.txt"; then
  echo "FAIL: the demo study differs between --jobs 1 and --jobs 2 (diff above)"
  exit 1
fi
if [[ $cells -ne 30 ]] || grep -qv ',complete,' "$work/jobs1.txt"; then
  echo "FAIL: expected 30 complete cells, got:"; cat "$work/jobs1.txt"; exit 1
fi
echo "OK: all $cells cells of the demo study have identical parameter hashes and final metrics with --jobs 1 and --jobs 2"
"$rigor" report "$work/jobs1.h5" -o "$work/report.html"
set +e
"$root/scripts/render-check.sh" "$work/report.html" "$work/render"
code=$?
set -e
if [[ $code -eq 77 ]]; then
  echo "browser check of the demo report skipped: Chromium is not installed"
elif [[ $code -ne 0 ]]; then
  echo "FAIL: the demo report did not render in headless Chromium (see $work/render)"
  exit 1
else
  echo "OK: the demo report renders in headless Chromium, every chart drawn, no page errors"
fi
rm -rf "$work"
