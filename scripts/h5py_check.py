#!/usr/bin/python3
"""Interop check: a rigor store is readable without rigor, by Debian's python3-h5py.

Usage: /usr/bin/python3 scripts/h5py_check.py RIGOR_STORE_FIXTURE WORKDIR

Runs the fixture binary (tests/store/store_fixture.cpp) to write WORKDIR/study.h5 with the
deterministic records of tests/store/store_test_util.h, then reads it with h5py and checks the
layout of docs/store-format.md and the values. Exits non-zero with a message on any mismatch.
"""
import json
import math
import os
import shutil
import subprocess
import sys

import h5py
import numpy as np


def check(cond, what):
    if not cond:
        sys.exit("h5py_check: FAILED: " + what)


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    fixture, workdir = sys.argv[1], sys.argv[2]
    shutil.rmtree(workdir, ignore_errors=True)
    os.makedirs(workdir)
    path = os.path.join(workdir, "study.h5")
    subprocess.run([fixture, path, "6", "50"], check=True)
    check(not os.path.exists(path + ".pending") or not any(
        f.endswith(".h5") for f in os.listdir(path + ".pending")), "no pending runs after close()")

    with h5py.File(path, "r") as f:
        check(f.attrs["format"] == "rigor.store", "root format attribute")
        check(int(f.attrs["schema_version"]) == 1, "schema_version == 1")
        check(f.attrs["kind"] == "study", "root kind attribute")
        check(f["protocol/text"].asstr()[()] == '[study]\nname = "demo"\n', "protocol text")
        check(f["protocol"].attrs["hash"] == "sha256:0123abcd", "protocol hash")
        check(f["protocol/resolved_config"].asstr()[()] == '{"epochs": 3}', "resolved config")
        check(f["provenance"].attrs["CUBLAS_WORKSPACE_CONFIG"] == ":4096:8", "provenance value")
        check(sorted(f["runs"].keys()) == ["cell-%04d" % i for i in range(6)], "run ids")

        i = 3
        run = f["runs/cell-0003"]
        check(run.attrs["arm"] == "candidate", "arm")
        check(int(run.attrs["replicate"]) == 1, "replicate")
        check(run.attrs["status"] == "complete", "status")
        check(run.attrs["error"] == "", "error")
        check(run.attrs["wall_seconds"] == 12.5, "wall_seconds")
        check(run.attrs["cpu_seconds"] == 11.25 + i, "cpu_seconds")
        check(run.attrs["start_time"] == 1.7e9 + i, "start_time")
        check(run.attrs["params_sha256"] == "3" * 64, "params_sha256")
        check(int(run["seeds"].attrs["init"]) == 1003, "seed init")
        check(int(run["seeds"].attrs["data_order"]) == 0xFFFFFFFFFFFFFFF0 - 3, "seed data_order (uint64)")

        loss = run["steps/loss"]
        check(loss.dtype.names == ("step", "value"), "step series fields")
        check(loss.maxshape == (None,) and loss.chunks is not None, "step series extendible + chunked")
        check(loss.compression == "gzip" and loss.shuffle, "step series deflate + shuffle")
        data = loss[()]
        check(len(data) == 50, "50 steps")
        steps = np.arange(50)
        check(np.array_equal(data["step"], steps), "step indices")
        check(np.array_equal(data["value"], 2.0 / (1.0 + steps + i)), "loss values")

        epochs = run["epochs/val_accuracy"][()]
        check(epochs.dtype.names == ("epoch", "value"), "epoch series fields")
        check(np.array_equal(epochs["value"], 0.5 + 0.1 * np.arange(3) + 0.001 * i), "epoch values")
        check(math.isclose(run["final"].attrs["test_accuracy"], 0.9 + 0.0001 * i, rel_tol=0, abs_tol=0),
              "final test_accuracy")

        ex = run["examples"]
        k = np.arange(20)
        check(np.array_equal(ex["index"][()], k), "example index")
        check(np.array_equal(ex["prediction"][()], (k + i) % 10), "example prediction")
        check(np.array_equal(ex["target"][()], k % 10), "example target")
        check(np.array_equal(ex["loss"][()], 0.01 * k + 0.001 * i), "example loss")
        check("checkpoint" not in run, "no checkpoint on cell-0003")
        check(list(f["runs/cell-0000/checkpoint"][()]) == [1, 2, 3, 0], "checkpoint bytes of cell-0000")

        claim = json.loads(f["analysis/claim-1"].asstr()[()])
        check(claim == {"verdict": "supported"}, "analysis JSON")
    print("h5py_check: OK (h5py %s, HDF5 %s)" % (h5py.__version__, h5py.version.hdf5_version))


if __name__ == "__main__":
    main()
