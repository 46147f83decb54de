#!/usr/bin/python3
"""Golden values for rigor::stats ASO (aso.h), probability of outperforming (outperform.h) and the
analytic reference for simulated power (sim_power.h).

Regenerate:  /usr/bin/python3 scripts/golden/aso.py
  writes tests/stats/data/aso.json and tests/stats/data/outperform.json
  (numpy 1.24 / scipy 1.10 from Debian 12; R 4.2.2 `Rscript` for power.t.test).

deep-significance (the reference implementation of Dror et al. 2019) is not installable here, and
it approximates the quantile functions on a grid, so it could not serve as a 1e-10 reference
anyway. This script implements the SAME estimators independently, the direct and slow way:

  * violation ratio eps_W2(F_n, G_m) (Dror et al. 2019; del Barrio et al. 2018): the unit
    interval is cut at the union of the breakpoints i/n and j/m (integers i*m and j*n on a grid
    of 1/(n m)); on each piece the quantile functions are evaluated at its midpoint t by the
    definition F_n^-1(t) = x_(ceil(n t)) in exact integer arithmetic, and the integrals are
    summed with math.fsum. (rigor merges the two step functions with multiplicities instead.)
  * eps_min from given bootstrap ratios: eps_hat - sqrt((n+m)/(n m)) * sigma_hat * Phi^-1(alpha),
    sigma_hat = numpy std (ddof=1) of sqrt(n m/(n+m)) * (eps* - eps_hat), clipped to [0, 1].
  * the full seeded pipeline: Philox4x32-10 and rigor's CounterRng re-implemented in pure Python
    from the specification in rigor/stats/random.h; resamples a[below(n)] ... then b[below(m)]
    are built explicitly (rigor counts multiplicities instead of building them).
  * P(A>B) (Bouthillier et al. 2021): all n*m (or n paired) comparisons with ties counting 1/2,
    by numpy broadcasting; percentile bootstrap CI with numpy.quantile (linear, R type 7).
  * power.t.test (R 4.2.2) for the Welch-t simulated power check.
"""
import json
import math
import subprocess
import sys
from fractions import Fraction

import numpy as np
import scipy
from scipy import stats

MASK32 = 0xFFFFFFFF
MASK64 = 0xFFFFFFFFFFFFFFFF


# ---------------------------------------------------------------- CounterRng (rigor/stats/random.h)
def philox4x32_10(c, k):
    c0, c1, c2, c3 = c
    k0, k1 = k
    for rnd in range(10):
        if rnd > 0:
            k0 = (k0 + 0x9E3779B9) & MASK32
            k1 = (k1 + 0xBB67AE85) & MASK32
        p0 = 0xD2511F53 * c0
        p1 = 0xCD9E8D57 * c2
        hi0, lo0 = p0 >> 32, p0 & MASK32
        hi1, lo1 = p1 >> 32, p1 & MASK32
        c0, c1, c2, c3 = hi1 ^ c1 ^ k0, lo1, hi0 ^ c3 ^ k1, lo0
    return c0, c1, c2, c3


class CounterRng:
    def __init__(self, seed, stream):
        self.key = (seed & MASK32, (seed >> 32) & MASK32)
        self.stream = stream
        self.block = 0
        self.buf = None
        self.used = 2

    def next_u64(self):
        if self.used >= 2:
            self.buf = philox4x32_10((self.block & MASK32, self.block >> 32,
                                      self.stream & MASK32, self.stream >> 32), self.key)
            self.block += 1
            self.used = 0
        i = self.used * 2
        self.used += 1
        return self.buf[i] | (self.buf[i + 1] << 32)

    def below(self, n):
        m = self.next_u64() * n
        low = m & MASK64
        if low < n:
            threshold = ((1 << 64) - n) % n
            while low < threshold:
                m = self.next_u64() * n
                low = m & MASK64
        return m >> 64


# ---------------------------------------------------------------- ASO, the direct way
def violation_ratio(a, b):
    """(ratio, violation, w2_squared, defined) by evaluating both quantile functions per piece."""
    x = sorted(a)
    y = sorted(b)
    n, m = len(x), len(y)
    cuts = sorted(set([i * m for i in range(n + 1)]) | set([j * n for j in range(m + 1)]))
    viol, total = [], []
    for lo, hi in zip(cuts[:-1], cuts[1:]):
        # midpoint t = (lo + hi) / (2 n m); ceil(n t) = ceil((lo + hi) / (2 m))
        ia = -(-(lo + hi) // (2 * m))
        ib = -(-(lo + hi) // (2 * n))
        d = Fraction(x[ia - 1]) - Fraction(y[ib - 1])
        piece = Fraction(hi - lo, n * m) * d * d
        total.append(piece)
        if d < 0:
            viol.append(piece)
    v, t = sum(viol, Fraction(0)), sum(total, Fraction(0))
    if t == 0:
        return 0.5, 0.0, 0.0, False
    return float(v / t), float(v), float(t), True


def violation_ratio_fast(a, b):
    """Same definition in floating point (numpy), for the many bootstrap resamples."""
    x = np.sort(np.asarray(a, dtype=float))
    y = np.sort(np.asarray(b, dtype=float))
    n, m = len(x), len(y)
    cuts = np.union1d(np.arange(n + 1, dtype=np.int64) * m, np.arange(m + 1, dtype=np.int64) * n)
    lo, hi = cuts[:-1], cuts[1:]
    ia = -(-(lo + hi) // (2 * m))
    ib = -(-(lo + hi) // (2 * n))
    d = x[ia - 1] - y[ib - 1]
    piece = (hi - lo).astype(float) * d * d
    total = math.fsum(piece)
    if total == 0:
        return 0.5
    return math.fsum(piece[d < 0]) / total


def eps_min_formula(eps_hat, reps, n, m, level):
    c = math.sqrt(n * m / (n + m))
    sigma = float(np.std(c * (np.asarray(reps) - eps_hat), ddof=1))
    z = stats.norm.ppf(1 - level)
    return min(1.0, max(0.0, eps_hat - (1 / c) * sigma * z)), sigma


def aso_pipeline(a, b, seed, B, level):
    n, m = len(a), len(b)
    eps_hat = violation_ratio(a, b)[0]
    reps = []
    for r in range(B):
        rng = CounterRng(seed, r)
        ra = [a[rng.below(n)] for _ in range(n)]
        rb = [b[rng.below(m)] for _ in range(m)]
        reps.append(violation_ratio_fast(ra, rb))
    eps_min, sigma = eps_min_formula(eps_hat, reps, n, m, level)
    return eps_hat, sigma, eps_min, reps


# ---------------------------------------------------------------- P(A > B)
def p_outperform_point(a, b, paired):
    a = np.asarray(a, dtype=float)
    b = np.asarray(b, dtype=float)
    if paired:
        return float(np.mean((a > b) + 0.5 * (a == b)))
    return float(np.mean((a[:, None] > b[None, :]) + 0.5 * (a[:, None] == b[None, :])))


def p_outperform_pipeline(a, b, paired, seed, B, level):
    n, m = len(a), len(b)
    est = p_outperform_point(a, b, paired)
    reps = []
    for r in range(B):
        rng = CounterRng(seed, r)
        if paired:
            idx = [rng.below(n) for _ in range(n)]
            reps.append(p_outperform_point([a[i] for i in idx], [b[i] for i in idx], True))
        else:
            ra = [a[rng.below(n)] for _ in range(n)]
            rb = [b[rng.below(m)] for _ in range(m)]
            reps.append(p_outperform_point(ra, rb, False))
    lo, hi = np.quantile(np.asarray(reps), [(1 - level) / 2, (1 + level) / 2], method="linear")
    return est, float(lo), float(hi), reps


# ---------------------------------------------------------------- inputs
def scores(rng, n, mean, sd, decimals=None):
    v = rng.normal(mean, sd, n)
    if decimals is not None:
        v = np.round(v, decimals)
    return [float(t) for t in v]


def ratio_inputs():
    rng = np.random.default_rng(20190728)
    cases = [
        ("tiny unsorted", [0.3, 0.1], [0.2, 0.25, 0.05]),
        ("single values", [1.0], [2.0]),
        ("a dominates", [5.0, 6.0, 7.0], [1.0, 2.0, 3.0]),
        ("b dominates", [1.0, 2.0, 3.0], [5.0, 6.0, 7.0]),
        ("crossing", [0.0, 10.0], [4.0, 6.0]),
        ("identical multiset", [3.0, 1.0, 2.0], [2.0, 3.0, 1.0]),
        ("same distribution, repeated", [1.0, 2.0], [1.0, 1.0, 2.0, 2.0]),
        ("constant a", [0.5, 0.5, 0.5, 0.5], [0.2, 0.4, 0.6, 0.8, 1.0]),
        ("n=5 m=5", scores(rng, 5, 0.9, 0.01), scores(rng, 5, 0.89, 0.01)),
        ("n=20 m=20 shift 0.5 sd", scores(rng, 20, 0.5, 1), scores(rng, 20, 0.0, 1)),
        ("n=20 m=30", scores(rng, 20, 0.0, 1), scores(rng, 30, 0.1, 2)),
        ("ties 3 decimals", scores(rng, 40, 0.85, 0.002, 3), scores(rng, 37, 0.851, 0.002, 3)),
        ("n=200 m=200", scores(rng, 200, 0.1, 1), scores(rng, 200, 0.0, 1)),
        ("n=500 m=350", scores(rng, 500, 0.0, 1), scores(rng, 350, 0.05, 1.5)),
        ("large offset", [1e6 + t for t in scores(rng, 15, 0, 1)], [1e6 + t for t in scores(rng, 12, 0.3, 1)]),
        ("negative losses", scores(rng, 25, -2.0, 0.3), scores(rng, 25, -2.1, 0.4)),
        ("tiny scale", [1e-12 * t for t in scores(rng, 10, 0, 1)], [1e-12 * t for t in scores(rng, 10, 0.5, 1)]),
    ]
    return cases


def main():
    out_dir = "tests/stats/data"
    rng = np.random.default_rng(1234)
    generator = (f"scripts/golden/aso.py: numpy {np.__version__}, scipy {scipy.__version__}, "
                 f"R {r_version()} power.t.test; independent direct implementation (see header)")

    ratio_cases = []
    for name, a, b in ratio_inputs():
        ratio, viol, w2, defined = violation_ratio(a, b)
        ratio_cases.append({"name": name, "a": a, "b": b, "ratio": ratio, "violation": viol,
                            "w2_squared": w2, "defined": defined})

    formula_cases = []
    for (eps_hat, B, n, m, level, kind) in [
        (0.1, 1000, 20, 20, 0.95, "beta"), (0.45, 500, 5, 8, 0.95, "beta"),
        (0.3, 1000, 200, 150, 0.99, "beta"), (0.02, 50, 10, 10, 0.9, "beta"),
        (0.7, 200, 30, 30, 0.6, "beta"), (0.9, 100, 3, 3, 0.95, "uniform"),   # clips to 1
        (0.05, 100, 3, 3, 0.05, "uniform"),                                    # clips to 0
        (0.25, 2, 4, 6, 0.95, "beta"),
    ]:
        if kind == "beta":
            reps = rng.beta(2, 5, B) * 0.5 + eps_hat / 2
        else:
            reps = rng.uniform(0, 1, B)
        reps = [float(t) for t in reps]
        eps_min, sigma = eps_min_formula(eps_hat, reps, n, m, level)
        formula_cases.append({"eps_hat": eps_hat, "n": n, "m": m, "confidence_level": level,
                              "replicates": reps, "sigma_hat": sigma, "eps_min": eps_min})

    inputs = {name: (a, b) for name, a, b in ratio_inputs()}
    pipeline_cases = []
    for name, seed, B, level in [
        ("n=5 m=5", 42, 1000, 0.95), ("n=20 m=20 shift 0.5 sd", 7, 1000, 0.95),
        ("n=20 m=30", 2019, 500, 0.9), ("ties 3 decimals", 123456789012345, 300, 0.95),
        ("n=200 m=200", 99, 200, 0.95), ("constant a", 3, 100, 0.95),
        ("same distribution, repeated", 5, 200, 0.95),
    ]:
        a, b = inputs[name]
        eps_hat, sigma, eps_min, reps = aso_pipeline(a, b, seed, B, level)
        pipeline_cases.append({"name": name, "a": a, "b": b, "seed": seed, "num_bootstrap": B,
                               "confidence_level": level, "eps_hat": eps_hat, "sigma_hat": sigma,
                               "eps_min": eps_min, "first_replicates": reps[:10]})
        print(f"aso pipeline {name}: eps_hat {eps_hat:.6f} eps_min {eps_min:.6f}", file=sys.stderr)

    power_cases = []
    for n, delta, sd, alt in [(20, 1.0, 1.0, "two.sided"), (30, 0.5, 1.0, "two.sided"),
                              (15, 0.8, 1.0, "one.sided"), (50, 0.3, 0.5, "two.sided")]:
        cmd = (f'cat(sprintf("%.17g", power.t.test(n={n}, delta={delta}, sd={sd}, sig.level=0.05, '
               f'type="two.sample", alternative="{alt}")$power))')
        power = float(subprocess.check_output(["Rscript", "-e", cmd], text=True))
        power_cases.append({"n": n, "delta": delta, "sd": sd,
                            "alternative": "greater" if alt == "one.sided" else "two-sided",
                            "power": power})

    aso = {"generator": generator, "violation_ratio": ratio_cases, "eps_min_formula": formula_cases,
           "pipeline": pipeline_cases, "power_t_test": power_cases}
    with open(f"{out_dir}/aso.json", "w") as f:
        json.dump(aso, f, indent=1)
        f.write("\n")

    # ------------------------------------------------------------ P(A > B)
    prng = np.random.default_rng(20210301)
    po_inputs = [
        ("tiny", [1.0, 3.0], [2.0, 2.0], False),
        ("ties half", [1.0, 2.0, 2.0], [2.0, 2.0, 3.0], False),
        ("n=10 m=12", scores(prng, 10, 0.91, 0.01), scores(prng, 12, 0.90, 0.01), False),
        ("n=30 paired", None, None, True),
        ("ties 2 decimals n=50", scores(prng, 50, 0.8, 0.01, 2), scores(prng, 50, 0.8, 0.01, 2), False),
        ("n=200 m=150", scores(prng, 200, 0.2, 1), scores(prng, 150, 0.0, 1), False),
        ("paired with zeros", [1.0, 2.0, 3.0, 4.0, 5.0], [1.0, 1.5, 3.5, 4.0, 4.0], True),
        ("a worse", scores(prng, 15, 0.0, 1), scores(prng, 15, 1.0, 1), False),
    ]
    base = scores(prng, 30, 0.0, 1)
    po_cases = []
    for (name, a, b, paired), seed, B, level in zip(
            po_inputs, [1, 2, 3, 4, 5, 6, 7, 8], [1000, 1000, 1000, 2000, 500, 300, 1000, 1000],
            [0.95, 0.95, 0.95, 0.9, 0.95, 0.99, 0.95, 0.95]):
        if name == "n=30 paired":
            a = [t + 0.3 + 0.5 * e for t, e in zip(base, scores(prng, 30, 0, 1))]
            b = [t + 0.5 * e for t, e in zip(base, scores(prng, 30, 0, 1))]
        est, lo, hi, reps = p_outperform_pipeline(a, b, paired, seed, B, level)
        po_cases.append({"name": name, "a": a, "b": b, "paired": paired, "seed": seed,
                         "n_resamples": B, "conf_level": level, "estimate": est,
                         "ci": [lo, hi], "first_replicates": reps[:10]})
    with open(f"{out_dir}/outperform.json", "w") as f:
        json.dump({"generator": generator, "cases": po_cases}, f, indent=1)
        f.write("\n")


def r_version():
    return subprocess.check_output(["Rscript", "-e", 'cat(paste(R.version$major, R.version$minor, sep="."))'],
                                   text=True).strip()


if __name__ == "__main__":
    main()
