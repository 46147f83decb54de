#!/usr/bin/python3
"""Times the reference implementations (scipy / statsmodels) on the workloads of rigor's Google Benchmark
suite, in one go, and prints JSON {name: seconds}. Used by scripts/bench-compare.sh; not part of make test.

Needs Debian's python3-scipy, python3-statsmodels, python3-numpy: run through /usr/bin/python3
(scripts/install-deps.sh --reference installs them). Each workload is timed `repeat` times; the minimum
is reported (the least-disturbed run, as timeit recommends).
"""
import json
import sys
import time

import numpy as np
import scipy
import scipy.stats
import statsmodels
from statsmodels.stats.multitest import multipletests


def best_of(fn, repeat):
    best = float("inf")
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - t0)
    return best


def main():
    quick = "--quick" in sys.argv
    rng = np.random.default_rng(12345)
    p = rng.uniform(size=1_000_000)
    # One in 20 a signal (u^8), the rest uniform: rigor's BM_AdjustBH_1e6_Signals family, where BH
    # skips no bucket (a full sort); for statsmodels the distribution hardly matters.
    p_signals = np.random.default_rng(2025).uniform(size=1_000_000)
    p_signals[::20] **= 8
    x1000 = rng.normal(size=1000)
    a50, b50 = rng.normal(size=50), rng.normal(0.3, 1.0, size=50)

    def perm_stat(x, y, axis):
        return np.mean(x, axis=axis) - np.mean(y, axis=axis)

    results = {
        "versions": {"scipy": scipy.__version__, "statsmodels": statsmodels.__version__,
                     "numpy": np.__version__},
        "AdjustBH_1e6": best_of(lambda: multipletests(p, method="fdr_bh"), 3),
        "AdjustBH_1e6_Signals": best_of(lambda: multipletests(p_signals, method="fdr_bh"), 3),
        "AdjustHolm_1e6": best_of(lambda: multipletests(p, method="holm"), 3),
        "BootstrapBCaMean_n1000_r10000": best_of(
            lambda: scipy.stats.bootstrap((x1000,), np.mean, n_resamples=10_000, method="BCa",
                                          random_state=1), 1 if quick else 3),
        "Permutation_50v50_1e5": best_of(
            lambda: scipy.stats.permutation_test((a50, b50), perm_stat, vectorized=True,
                                                 n_resamples=100_000, random_state=1), 1 if quick else 3),
    }
    json.dump(results, sys.stdout, indent=2)
    print()


if __name__ == "__main__":
    main()
