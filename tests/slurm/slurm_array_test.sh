#!/usr/bin/env bash
# slurm_array_test.sh RIGOR SOURCE_DIR: `rigor slurm --submit` on a local one-node Slurm gives the
# same cells and parameter hashes as a local `rigor run` of the same protocol. Exit 77 (skipped)
# when Slurm is not installed or we are not root (slurmd must start jobs as their user).
set -euo pipefail
rigor=$1
src=$2

for tool in sbatch squeue scontrol slurmctld slurmd munged; do
  if ! command -v "$tool" >/dev/null; then
    echo "skipped: Slurm not installed (scripts/install-deps.sh --slurm installs it)"
    exit 77
  fi
done
if [[ $(id -u) -ne 0 ]]; then
  echo "skipped: starting a local slurmd needs root"
  exit 77
fi

work=$(mktemp -d /tmp/rigor-slurm-test.XXXXXX)
export RIGOR_SLURM_DIR="$work/slurm"
export SLURM_CONF="$RIGOR_SLURM_DIR/slurm.conf"
cleanup() {
  "$src/scripts/slurm-local.sh" stop || true
  if [[ "${KEEP_SLURM_TEST:-0}" == 1 ]]; then echo "kept $work"; else rm -rf "$work"; fi
}
trap cleanup EXIT
fail() {
  echo "FAIL: $*" >&2
  for f in "$work"/cluster/logs/* "$RIGOR_SLURM_DIR"/slurmctld.log "$RIGOR_SLURM_DIR"/slurmd.log; do
    [[ -f "$f" ]] && { echo "---- $f" >&2; tail -n 30 "$f" >&2; }
  done
  exit 1
}

"$src/scripts/slurm-local.sh" start

# The tiny study the harness tests use: 2 arms x 3 replicates, < 1 s per run.
cp "$src/tests/data/tiny_moons.toml" "$work/tiny.toml"

start=$SECONDS
out=$("$rigor" slurm "$work/tiny.toml" --store-dir "$work/cluster" --submit --tasks 3 --time 10) ||
  fail "rigor slurm --submit failed: $out"
array=$(sed -n 's/^array_job_id=//p' <<<"$out")
merge=$(sed -n 's/^merge_job_id=//p' <<<"$out")
[[ -n "$array" && -n "$merge" ]] || fail "no job ids in: $out"
echo "submitted array $array, merge $merge"

# Wait until neither job is queued or running (squeue lists only unfinished jobs).
deadline=$((SECONDS + 240))
while [[ -n "$(squeue -h -j "$array,$merge" 2>/dev/null)" ]]; do
  ((SECONDS < deadline)) || { squeue >&2; fail "jobs still running after 240 s"; }
  sleep 1
done
for t in 0 1 2; do
  state=$(scontrol show job "${array}_$t" 2>/dev/null | grep -o 'JobState=[A-Z_]*' | head -n1)
  [[ "$state" == JobState=COMPLETED ]] || fail "array task $t: $state"
done
state=$(scontrol show job "$merge" | grep -o 'JobState=[A-Z_]*' | head -n1)
[[ "$state" == JobState=COMPLETED ]] || fail "merge job: $state"
echo "array and merge done in $((SECONDS - start)) s"

for f in shard-0.h5 shard-1.h5 shard-2.h5 study.h5 report.html; do
  [[ -s "$work/cluster/$f" ]] || fail "no $work/cluster/$f"
done

# The same protocol run locally, one process: cells and parameter hashes must be equal.
"$rigor" run "$work/tiny.toml" --store "$work/local.h5" --quiet || fail "local rigor run failed"
columns() {  # columns STORE: "cell_id,params_sha256" per run, sorted
  "$rigor" export "$1" --csv | awk -F, '
    NR == 1 { for (i = 1; i <= NF; i++) { if ($i == "cell_id") c = i; if ($i == "params_sha256") h = i }
              if (!c || !h) { print "missing columns in header: " $0 > "/dev/stderr"; exit 1 } next }
    { print $c "," $h }' | sort
}
columns "$work/cluster/study.h5" >"$work/cluster.txt"
columns "$work/local.h5" >"$work/local.txt"
[[ $(wc -l <"$work/local.txt") -eq 6 ]] || fail "local run has $(wc -l <"$work/local.txt") cells, not 6"
if ! diff -u "$work/local.txt" "$work/cluster.txt"; then
  fail "the merged Slurm store differs from the local run (cell_id,params_sha256)"
fi
grep -q '^[a-z]*-r[0-9],[0-9a-f]\{64\}$' "$work/local.txt" || fail "no parameter hashes: $(cat "$work/local.txt")"
echo "OK: 6 cells, parameter hashes identical to the local run"
