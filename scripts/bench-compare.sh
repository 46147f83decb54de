#!/usr/bin/env bash
# Speed of rigor::stats against scipy/statsmodels on the same workloads, run in one go; prints ratios.
# Not part of `make test` (it needs scripts/install-deps.sh --reference and a quiet machine).
#
#   scripts/bench-compare.sh [BUILD_DIR] [RUNS]   # default build/, 1 run
#
# RUNS > 1 repeats the whole comparison (rigor, then the reference, then the ratios) and ends with
# the range of each ratio over the runs: on a shared VM one run can land 20-30% either side.
#
# Both sides are timed the same way: three repetitions each (for rigor a Google Benchmark
# repetition, the mean of its ~0.5 s of iterations; for the reference one call, or the best of
# three calls), and the ratio that is checked against the target is fastest against fastest (the
# least-disturbed repetition, as Python's timeit recommends; earlier versions of this script set
# rigor's median against the reference's minimum). rigor's median and its ratio are printed too.
#
# Workloads (issue "Start here"): BH and Holm on 1e6 p-values; BCa CI of a mean (n=1000, 10,000
# resamples); permutation test (50 vs 50, 100,000 permutations); ASO (20, 200, 1000 scores per arm,
# 1000 bootstrap iterations; deep-significance, not installable here, documents ~2 minutes per comparison
# at 1000 scores per arm). The issue's p-values are uniform (a null family), where rigor's BH skips
# sorting most values (docs/stats/corrections.md); an extra line, BH on 1e6 p-values with 5% signals,
# shows the full sort against the same 20x.
set -euo pipefail
build=${1:-build}
runs=${2:-1}
[[ "$runs" =~ ^[1-9][0-9]*$ ]] || { echo "bench-compare: RUNS must be a positive integer, got '$runs'" >&2; exit 2; }
bench="$build/bin/rigor_stats_bench"
[[ -x "$bench" ]] || { echo "bench-compare: $bench not found; run 'make build' first" >&2; exit 2; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
for run in $(seq "$runs"); do
if [[ "$runs" -gt 1 ]]; then echo "== run $run of $runs" >&2; fi
echo "== rigor (Google Benchmark, $(nproc) cores)" >&2
"$bench" --benchmark_filter='^BM_(AdjustBH_1e6|AdjustBH_1e6_Signals|AdjustHolm_1e6|BootstrapBCaMean_n1000_r10000|Permutation_50v50_1e5|ASO_(20|200|1000))(/|$)' \
  --benchmark_repetitions=3 \
  --benchmark_format=json --benchmark_out="$tmp/rigor.json" --benchmark_out_format=json >/dev/null
echo "== scipy / statsmodels" >&2
/usr/bin/python3 "$(dirname "$0")/bench/reference_timings.py" > "$tmp/ref.json"
/usr/bin/python3 - "$tmp/rigor.json" "$tmp/ref.json" "$tmp/ratios.txt" <<'PY'
import json, sys
rigor = json.load(open(sys.argv[1]))
ref = json.load(open(sys.argv[2]))
unit = {"ns": 1e-9, "us": 1e-6, "ms": 1e-3, "s": 1.0}
fastest, median = {}, {}
for b in rigor["benchmarks"]:
    if b.get("run_type") != "iteration":
        continue
    name = b["run_name"].split("/")[0].removeprefix("BM_")
    fastest.setdefault(name, []).append(b["real_time"] * unit[b["time_unit"]])
for name, values in fastest.items():
    values.sort()
    median[name] = values[len(values) // 2]
    fastest[name] = values[0]
print(f"reference versions: {ref['versions']}; rigor built from {rigor['context'].get('executable')}")
print(f"{'workload':30} {'rigor fastest':>13} {'median':>9} {'reference':>10} {'ratio':>7} "
      f"{'(median)':>8}  target")
targets = {"AdjustBH_1e6": 20, "AdjustHolm_1e6": 20, "BootstrapBCaMean_n1000_r10000": 20,
           "Permutation_50v50_1e5": 20, "AdjustBH_1e6_Signals": 20}
extra = {"AdjustBH_1e6_Signals"}  # not the issue's workload: reported, not a target
for name, target in targets.items():
    r, s = fastest.get(name), ref.get(name)
    if r is None:
        print(f"{name:30} {'missing':>13}")
        continue
    ratio, ratio_median = s / r, s / median[name]
    with open(sys.argv[3], "a") as log:
        log.write(f"{name} {ratio} {ratio_median} {target}\n")
    verdict = 'ok' if ratio >= target else 'MISSED'
    print(f"{name:30} {r*1e3:11.2f}ms {median[name]*1e3:7.2f}ms {s*1e3:8.2f}ms {ratio:6.1f}x "
          f"{ratio_median:7.1f}x  >= {target}x {verdict}{' (extra)' if name in extra else ''}")
for n in (20, 200, 1000):
    r = fastest.get(f"ASO_{n}")
    if r is None:
        print(f"ASO_{n:<26} {'missing':>13}")
        continue
    extra = f"  vs ~120 s documented for deep-significance: {120.0 / r:,.0f}x (target >= 100x)" if n == 1000 else ""
    print(f"ASO_{n:<26} {r*1e3:11.2f}ms {median[f'ASO_{n}']*1e3:7.2f}ms{extra}")
PY
done
if [[ "$runs" -gt 1 ]]; then
  /usr/bin/python3 - "$tmp/ratios.txt" <<'PY'
import sys
ratios, targets = {}, {}
medians = {}
for line in open(sys.argv[1]):
    name, ratio, ratio_median, target = line.split()
    ratios.setdefault(name, []).append(float(ratio))
    medians.setdefault(name, []).append(float(ratio_median))
    targets[name] = float(target)
print(f"over {max(len(v) for v in ratios.values())} runs (fastest against fastest; in brackets rigor's median):")
for name, values in ratios.items():
    met = sum(v >= targets[name] for v in values)
    met_median = sum(v >= targets[name] for v in medians[name])
    values.sort()
    note = " (extra: not the issue's workload)" if name == "AdjustBH_1e6_Signals" else ""
    print(f"{name:30} ratio {values[0]:5.1f}x .. {values[-1]:5.1f}x, median {values[len(values) // 2]:5.1f}x; "
          f">= {targets[name]:g}x in {met} of {len(values)} ({met_median} of {len(values)}){note}")
PY
fi
