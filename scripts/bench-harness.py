#!/usr/bin/env python3
"""rigor run's overhead and --jobs scaling, measured against a bare LibTorch loop.

    scripts/bench-harness.py [BUILD_DIR]      (default: build; needs Fashion-MNIST installed)

1. Bare loop: build/bin/rigor_bare_loop (plain LibTorch: randperm + index_select batches, SGD, eval
   of validation and test after the epoch) -- one epoch of the MLP [256, 128] on the full
   Fashion-MNIST split, 1 thread. Its train+eval time is the work of one run.
2. rigor run, --jobs 1, on tests/bench/harness/overhead.toml (the same model, data, optimizer and
   threads; two identical arms) with 4 and with 10 runs. The marginal wall time per run,
   (W10 - W4) / 6, minus the bare loop's train+eval time is rigor's per-run overhead (fork, model
   build, data pipeline, recording with fsync); W4 - 4 * marginal is the one-off cost (worker
   start, data load, protocol check).
3. --jobs 2 with 20 runs: study wall time against (sum of the runs' CPU time) / 2.
Prints a table; numbers depend on the machine: run it on a quiet one.
"""
import csv
import io
import json
import os
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def run_study(build, replicates, jobs, workdir):
    text = open(os.path.join(ROOT, "tests/bench/harness/overhead.toml")).read()
    protocol = os.path.join(workdir, f"overhead-{replicates}-{jobs}.toml")
    with open(protocol, "w") as f:
        f.write(text.replace("REPLICATES", str(replicates)))
    store = os.path.join(workdir, f"study-{replicates}-{jobs}.h5")
    t0 = time.monotonic()
    subprocess.run([os.path.join(build, "bin/rigor"), "run", protocol, "--store", store,
                    "--jobs", str(jobs), "--quiet"], check=True)
    wall = time.monotonic() - t0
    out = subprocess.run([os.path.join(build, "bin/rigor"), "export", store, "--csv"],
                         check=True, capture_output=True, text=True).stdout
    rows = list(csv.DictReader(io.StringIO(out)))
    return wall, rows


def main():
    build = os.path.abspath(sys.argv[1] if len(sys.argv) > 1 else os.path.join(ROOT, "build"))
    bare = json.loads(subprocess.run([os.path.join(build, "bin/rigor_bare_loop"), "--epochs", "1",
                                      "--threads", "1"], check=True, capture_output=True,
                                     text=True).stdout)
    work_s = bare["epoch_s"][0] + bare["eval_s"][0]
    with tempfile.TemporaryDirectory() as d:
        w4, _ = run_study(build, 2, 1, d)  # 2 arms x 2 replicates = 4 runs
        w10, rows10 = run_study(build, 5, 1, d)  # 10 runs
        wj, rowsj = run_study(build, 10, 2, d)  # 20 runs, 2 at a time
    marginal = (w10 - w4) / 6
    overhead = marginal - work_s
    one_off = w4 - 4 * marginal
    run_walls = [float(r["wall_seconds"]) for r in rows10]
    cpu = sum(float(r["cpu_seconds"]) for r in rowsj)
    print(f"bare LibTorch loop: load {bare['load_s']:.2f} s, epoch {bare['epoch_s'][0]:.3f} s, "
          f"eval {bare['eval_s'][0]:.3f} s (1 thread)")
    print(f"rigor run --jobs 1: 4 runs {w4:.2f} s, 10 runs {w10:.2f} s -> {marginal:.3f} s per run "
          f"(runs' own recorded wall: mean {sum(run_walls) / len(run_walls):.3f} s)")
    print(f"per-run overhead: {overhead * 1000:.0f} ms = {100 * overhead / bare['epoch_s'][0]:.1f}% "
          f"of a bare epoch (target < 5%)")
    print(f"one-off study cost (worker start, data load, checks): {one_off:.2f} s")
    print(f"rigor run --jobs 2, 20 runs: wall {wj:.2f} s, runs' CPU {cpu:.2f} s, CPU/2 {cpu / 2:.2f} s "
          f"-> wall is {100 * (wj / (cpu / 2) - 1):+.1f}% of CPU/2 (target within 15%); without the "
          f"one-off cost: {100 * ((wj - one_off) / (cpu / 2) - 1):+.1f}%")


if __name__ == "__main__":
    main()
