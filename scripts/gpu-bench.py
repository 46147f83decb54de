#!/usr/bin/env python3
"""The GPU measurements of issue 8, on a real GPU, through `rigor run --device cuda`.

    scripts/gpu-bench.py [--build DIR] [--out DIR] [--only repro,throughput,determinism]
                         [--device cuda] [--data-dir DIR] [--jobs 1,2,4,8]
                         [--replicates K] [--keep]

(scripts/gpu-check.sh runs it after building; docs/gpu.md says how to run that on a lent GPU.)

1. repro: tests/bench/gpu/reproducibility.toml (LeNet-5 and ResNet-20 on Fashion-MNIST, 8 replicates
   each) run three times on one GPU: --jobs 1, --jobs 1 again, --jobs 4. Every cell's params_sha256
   (`rigor export --csv`) must be the same in all three; mismatching or failed cells are listed with
   their error (a deterministic-algorithm error names the op that has no deterministic kernel).
2. throughput: tests/bench/gpu/throughput.toml (32 one-epoch LeNet-5 runs) with --jobs 1, 2, 4, 8:
   runs per hour (runs / study wall time) and GPU utilization, sampled once a second by
   `nvidia-smi --query-gpu=utilization.gpu,memory.used --format=csv,noheader,nounits -l 1`.
3. determinism: tests/bench/gpu/determinism_cost.toml (ResNet-20, full split, --jobs 1) run once as
   usual and once with RIGOR_NONDETERMINISTIC=1 in the environment; the ratio of the median run wall
   time (each run's own `wall_seconds`: training and evaluation, without process start) is the
   cost of determinism. rigor-worker's set_determinism honours RIGOR_NONDETERMINISTIC=1 (a
   benchmarking hook); the script reads the stores' /provenance (h5py) and says so when the
   switches did not change after all.

Writes gpu-bench.json (every number) to --out and prints a summary table last. Exit 1 when a
reproducibility cell mismatches or any run failed.
"""
import argparse
import csv
import io
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PROTOCOLS = os.path.join(ROOT, "tests", "bench", "gpu")


def log(msg):
    print(f"[gpu-bench {time.strftime('%H:%M:%S')}] {msg}", flush=True)


class GpuSampler:
    """Samples GPU utilization (%) and memory used (MiB) once a second while a study runs."""

    def __init__(self):
        self.util, self.mem, self.proc, self.thread = [], [], None, None

    def __enter__(self):
        if shutil.which("nvidia-smi") is None:
            return self
        self.proc = subprocess.Popen(
            ["nvidia-smi", "--query-gpu=utilization.gpu,memory.used", "--format=csv,noheader,nounits",
             "-l", "1"], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
        self.thread = threading.Thread(target=self._read, daemon=True)
        self.thread.start()
        return self

    def _read(self):
        for line in self.proc.stdout:
            parts = [p.strip() for p in line.split(",")]
            if len(parts) >= 2 and parts[0].isdigit():  # first GPU only: one line per GPU
                self.util.append(int(parts[0]))
                self.mem.append(float(parts[1]))

    def __exit__(self, *exc):
        if self.proc:
            self.proc.terminate()
            self.proc.wait()
            self.thread.join(timeout=5)

    def summary(self):
        if not self.util:
            return {"samples": 0}
        return {"samples": len(self.util), "util_mean": statistics.fmean(self.util),
                "util_median": statistics.median(self.util), "util_max": max(self.util),
                "mem_max_mib": max(self.mem)}


def protocol_copy(name, workdir, data_dir, replicates=None):
    """The protocol file, with data.path set when --data-dir is given (else rigor's default) and
    the replicates per arm replaced when --replicates is given (a quick smoke run)."""
    text = open(os.path.join(PROTOCOLS, name)).read()
    if replicates:
        lines = [f"replicates = {replicates}" if l.startswith("replicates = ") else l
                 for l in text.split("\n")]
        text = "\n".join(lines)
    if data_dir:
        text = text.replace("[data]\n", f"[data]\npath = {json.dumps(data_dir)}\n", 1)
    path = os.path.join(workdir, name)
    with open(path, "w") as f:
        f.write(text)
    return path


def run_study(args, protocol, store, jobs, env_extra=None):
    """Runs one study; returns (wall seconds, rows of `rigor export --csv`, GPU sampler summary)."""
    env = dict(os.environ)
    env.update(env_extra or {})
    cmd = [os.path.join(args.build, "bin", "rigor"), "run", protocol, "--store", store, "--jobs",
           str(jobs), "--device", args.device, "--progress", "lines"]
    log(" ".join(cmd) + (f"  ({' '.join(f'{k}={v}' for k, v in env_extra.items())})" if env_extra else ""))
    with GpuSampler() as sampler:
        t0 = time.monotonic()
        done = subprocess.run(cmd, env=env, capture_output=True, text=True)
        wall = time.monotonic() - t0
    if done.returncode not in (0, 1):  # 1: some runs failed (recorded; listed below)
        sys.stdout.write(done.stdout[-4000:] + done.stderr[-4000:])
        raise SystemExit(f"rigor run exited {done.returncode}")
    out = subprocess.run([os.path.join(args.build, "bin", "rigor"), "export", store, "--csv"],
                         check=True, capture_output=True, text=True).stdout
    rows = list(csv.DictReader(io.StringIO(out)))
    return wall, rows, sampler.summary()


def provenance(store):
    """The store's /provenance attributes (needs h5py; {} without it)."""
    try:
        import h5py  # noqa: PLC0415 (optional)
    except ImportError:
        return {}
    with h5py.File(store, "r") as f:
        attrs = f["/provenance"].attrs if "/provenance" in f else {}
        return {k: (v.decode() if isinstance(v, bytes) else str(v)) for k, v in attrs.items()}


def failed(rows):
    return [{"cell_id": r["cell_id"], "status": r["status"], "error": r.get("error", "")}
            for r in rows if r["status"] != "complete"]


def bench_repro(args, workdir, result):
    protocol = protocol_copy("reproducibility.toml", workdir, args.data_dir, args.replicates)
    studies = {}
    for label, jobs in (("jobs1", 1), ("jobs1-again", 1), ("jobs4", 4)):
        wall, rows, gpu = run_study(args, protocol, os.path.join(workdir, f"repro-{label}.h5"), jobs)
        studies[label] = {"wall_s": wall, "gpu": gpu, "failed": failed(rows),
                          "hash": {r["cell_id"]: r["params_sha256"] for r in rows},
                          "arm": {r["cell_id"]: r["arm"] for r in rows},
                          "device": sorted({r["device"] for r in rows})}
    base = studies["jobs1"]
    per_arm = {}
    mismatches = []
    for cell, h in sorted(base["hash"].items()):
        arm = base["arm"][cell]
        entry = per_arm.setdefault(arm, {"cells": 0, "identical": 0})
        entry["cells"] += 1
        others = {label: studies[label]["hash"].get(cell) for label in ("jobs1-again", "jobs4")}
        if h and all(o == h for o in others.values()):
            entry["identical"] += 1
        else:
            mismatches.append({"cell_id": cell, "jobs1": h, **others})
    result["repro"] = {"per_arm": per_arm, "mismatches": mismatches,
                       "studies": {k: {kk: vv for kk, vv in v.items() if kk not in ("hash", "arm")}
                                   for k, v in studies.items()},
                       "provenance": provenance(os.path.join(workdir, "repro-jobs1.h5"))}
    return not mismatches and not any(s["failed"] for s in studies.values())


def bench_throughput(args, workdir, result):
    protocol = protocol_copy("throughput.toml", workdir, args.data_dir, args.replicates)
    rows_out, ok = [], True
    for jobs in args.jobs:
        wall, rows, gpu = run_study(args, protocol, os.path.join(workdir, f"tp-{jobs}.h5"), jobs)
        run_walls = [float(r["wall_seconds"]) for r in rows if r["status"] == "complete"]
        ok = ok and not failed(rows)
        rows_out.append({"jobs": jobs, "runs": len(rows), "wall_s": wall,
                         "runs_per_hour": 3600.0 * len(rows) / wall,
                         "run_wall_median_s": statistics.median(run_walls) if run_walls else None,
                         "failed": failed(rows), "gpu": gpu})
    result["throughput"] = rows_out
    return ok


def bench_determinism(args, workdir, result):
    protocol = protocol_copy("determinism_cost.toml", workdir, args.data_dir, args.replicates)
    modes = {}
    for label, env in (("deterministic", {}), ("nondeterministic", {"RIGOR_NONDETERMINISTIC": "1"})):
        store = os.path.join(workdir, f"det-{label}.h5")
        wall, rows, gpu = run_study(args, protocol, store, 1, env)
        walls = [float(r["wall_seconds"]) for r in rows if r["status"] == "complete"]
        prov = provenance(store)
        modes[label] = {"wall_s": wall, "run_walls_s": walls,
                        "run_wall_median_s": statistics.median(walls) if walls else None,
                        "failed": failed(rows), "gpu": gpu,
                        "switches": {k: v for k, v in prov.items() if k.startswith("determinism.")}}
    det, non = modes["deterministic"], modes["nondeterministic"]
    ratio = (det["run_wall_median_s"] / non["run_wall_median_s"]
             if det["run_wall_median_s"] and non["run_wall_median_s"] else None)
    implemented = None
    if det["switches"] and non["switches"]:
        implemented = det["switches"] != non["switches"]
    result["determinism"] = {"modes": modes, "ratio_deterministic_over_not": ratio,
                             "nondeterministic_mode_took_effect": implemented}
    return not det["failed"] and not non["failed"]


def summary(result):
    lines = [f"device: {result.get('device', '?')}"]
    if "repro" in result:
        r = result["repro"]
        for arm, e in sorted(r["per_arm"].items()):
            lines.append(f"repro {arm:<10} {e['identical']}/{e['cells']} cells bitwise identical "
                         "(jobs 1, jobs 1 again, jobs 4)")
        for m in r["mismatches"]:
            lines.append(f"  MISMATCH {m['cell_id']}: {m}")
        for label, s in r["studies"].items():
            for f in s["failed"]:
                lines.append(f"  FAILED ({label}) {f['cell_id']}: {f['status']}: {f['error'][:300]}")
    if "throughput" in result:
        lines.append(f"{'jobs':>4} {'runs':>5} {'wall s':>8} {'runs/hour':>10} {'run median s':>12} "
                     f"{'GPU util mean/max %':>20} {'mem max MiB':>11}")
        for t in result["throughput"]:
            g = t["gpu"]
            util = (f"{g['util_mean']:.0f}/{g['util_max']}" if g.get("samples") else "n/a")
            mem = f"{g['mem_max_mib']:.0f}" if g.get("samples") else "n/a"
            med = f"{t['run_wall_median_s']:.2f}" if t["run_wall_median_s"] else "n/a"
            lines.append(f"{t['jobs']:>4} {t['runs']:>5} {t['wall_s']:>8.1f} {t['runs_per_hour']:>10.0f} "
                         f"{med:>12} {util:>20} {mem:>11}")
    if "determinism" in result:
        d = result["determinism"]
        det, non = d["modes"]["deterministic"], d["modes"]["nondeterministic"]
        ratio = f"{d['ratio_deterministic_over_not']:.3f}" if d["ratio_deterministic_over_not"] else "n/a"
        med = {k: (f"{v['run_wall_median_s']:.2f}" if v["run_wall_median_s"] else "n/a")
               for k, v in d["modes"].items()}
        lines.append(f"determinism cost: median run wall {med['deterministic']} s deterministic, "
                     f"{med['nondeterministic']} s not: ratio {ratio}")
        if d["nondeterministic_mode_took_effect"] is False:
            lines.append("  RIGOR_NONDETERMINISTIC=1 changed no determinism switch in /provenance: "
                         "the hook did not take effect, so this ratio is not the cost")
        elif d["nondeterministic_mode_took_effect"] is None:
            lines.append("  (no h5py: could not check that RIGOR_NONDETERMINISTIC took effect)")
    return "\n".join(lines)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--build", default=os.path.join(ROOT, "build"), help="build folder with bin/rigor")
    ap.add_argument("--out", default=os.environ.get("OUT") or os.path.join(ROOT, "gpu-check-out"))
    ap.add_argument("--only", default="repro,throughput,determinism",
                    help="comma-separated subset of repro, throughput, determinism")
    ap.add_argument("--device", default="cuda", help="rigor run --device (default cuda)")
    ap.add_argument("--data-dir", default=None,
                    help="Fashion-MNIST folder (default: rigor's, /usr/share/datasets/fashion-mnist)")
    ap.add_argument("--jobs", default="1,2,4,8", help="throughput: --jobs values")
    ap.add_argument("--replicates", type=int, default=None,
                    help="replicates per arm instead of the protocol's (a quick smoke run)")
    ap.add_argument("--keep", action="store_true", help="keep the study stores (printed folder)")
    args = ap.parse_args()
    args.build = os.path.abspath(args.build)
    args.jobs = [int(j) for j in args.jobs.split(",")]
    if args.replicates is not None and args.replicates < 2:
        raise SystemExit(f"--replicates is {args.replicates}, but must be >= 2 (a claim needs 2 per arm)")
    benches = {"repro": bench_repro, "throughput": bench_throughput, "determinism": bench_determinism}
    wanted = [b.strip() for b in args.only.split(",") if b.strip()]
    for b in wanted:
        if b not in benches:
            raise SystemExit(f"--only names \"{b}\", but must be among {', '.join(benches)}")
    os.makedirs(args.out, exist_ok=True)
    result = {"started": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())}
    if shutil.which("nvidia-smi"):
        result["device"] = subprocess.run(
            ["nvidia-smi", "--query-gpu=name,driver_version,memory.total", "--format=csv,noheader"],
            capture_output=True, text=True).stdout.strip()
    workdir = tempfile.mkdtemp(prefix="rigor-gpu-bench-")
    ok = True
    try:
        for b in wanted:
            t0 = time.monotonic()
            ok = benches[b](args, workdir, result) and ok
            log(f"{b} done in {time.monotonic() - t0:.0f} s")
            with open(os.path.join(args.out, "gpu-bench.json"), "w") as f:
                json.dump(result, f, indent=2)
    finally:
        if args.keep:
            log(f"stores kept in {workdir}")
        else:
            shutil.rmtree(workdir, ignore_errors=True)
    print("\n" + summary(result))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
