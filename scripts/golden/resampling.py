#!/usr/bin/python3
"""Golden values for rigor::stats resampling: bootstrap intervals, aggregates, effect sizes and
permutation tests. Writes tests/stats/data/{bootstrap,effect_size,permutation}.json.

Regenerate (Debian 12: python3-scipy 1.10.1, python3-numpy 1.24.2, python3-mpmath 1.2.1, R 4.2.2):
    /usr/bin/python3 scripts/golden/resampling.py [OUT_DIR]      # default tests/stats/data

References:
  * bootstrap.json / interval_cases: scipy.stats.bootstrap (1.10.1) itself. Each case runs scipy's
    bootstrap, stores its `bootstrap_distribution`, the jackknife values scipy's BCa uses
    (_jackknife_resample on each sample, the others whole) and its confidence interval, so rigor's
    bootstrap_interval() is checked on the very same replicates. Where scipy returns NaN (degenerate
    replicates, theta-hat outside the replicates, acceleration 0/0) the expected value is rigor's
    documented answer built from scipy's own pieces (np.percentile, _percentile_of_score, the
    _bca_interval formula with a = 0); such cases carry an "expect" note.
  * bootstrap.json / trim_mean_cases, aggregate_cases: scipy.stats.trim_mean, numpy; the aggregates
    are rliable's definitions (rliable/metrics.py: aggregate_mean = mean of per-task means,
    aggregate_median = median of per-task means, aggregate_iqm = trim_mean(all, 0.25)).
  * effect_size.json: Cohen's d CI by inverting the noncentral t cdf computed with mpmath (30
    digits; cdf = integral of Phi(t s - ncp) over the scaled chi density, mpmath.quad; roots by
    mpmath.findroot), the exact Hedges J with mpmath.gamma; Cliff's delta and A12 from
    scripts/golden/resampling.R (a transcription of R effsize::cliff.delta.default and VD.A, run
    with Rscript).
  * permutation.json: scipy.stats.permutation_test (1.10.1) with n_resamples=np.inf, i.e. exact
    enumeration, permutation_type "independent" and "samples" (paired).
"""
import json
import math
import os
import subprocess
import sys
import warnings

import mpmath as mp
import numpy as np
import scipy
import scipy.stats as st
from scipy.special import ndtr, ndtri
from scipy.stats._resampling import _bca_interval, _percentile_of_score

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = sys.argv[1] if len(sys.argv) > 1 else os.path.join(HERE, "..", "..", "tests", "stats", "data")
mp.mp.dps = 30


def jnum(v):
    v = float(v)
    if math.isnan(v):
        return "nan"
    if math.isinf(v):
        return "inf" if v > 0 else "-inf"
    return v


def jlist(a):
    return [jnum(v) for v in np.asarray(a, dtype=float).ravel()]


def write(name, obj):
    path = os.path.join(OUT, name)
    with open(path, "w") as f:
        json.dump(obj, f, indent=1)
        f.write("\n")
    print(f"wrote {path}", file=sys.stderr)


GENERATOR = (f"scripts/golden/resampling.py: scipy {scipy.__version__}, numpy {np.__version__}, "
             f"mpmath {mp.__version__}, R 4.2.2 (scripts/golden/resampling.R)")

# ------------------------------------------------------------------------------------ bootstrap


def jackknife_values(data, statistic):
    """Leave-one-out values per sample, the others whole (scipy _bca_interval)."""
    out = []
    for j, sample in enumerate(data):
        vals = []
        for i in range(len(sample)):
            args = [np.delete(s, i) if k == j else s for k, s in enumerate(data)]
            vals.append(float(statistic(*args, axis=-1)))
        out.append(vals)
    return out


def transcribed_interval(estimate, reps, jack, method, conf, a_override=None):
    """scipy.stats.bootstrap's interval on given replicates (used where scipy gives NaN)."""
    alpha = (1 - conf) / 2
    if method == "BCa":
        z0 = ndtri(_percentile_of_score(reps, estimate, axis=-1))
        if a_override is not None:
            a = a_override
        else:
            nums = dens = 0.0
            for th in jack:
                th = np.asarray(th)
                n = len(th)
                u = (n - 1) * (th.mean() - th)
                nums += (u ** 3).sum() / n ** 3
                dens += (u ** 2).sum() / n ** 2
            a = nums / 6 / dens ** 1.5
        za = ndtri(alpha)
        n1, n2 = z0 + za, z0 - za
        lo, hi = ndtr(z0 + n1 / (1 - a * n1)), ndtr(z0 + n2 / (1 - a * n2))
    else:
        lo, hi = alpha, 1 - alpha
    ql, qh = np.percentile(reps, lo * 100), np.percentile(reps, hi * 100)
    if method == "basic":
        return 2 * estimate - qh, 2 * estimate - ql
    return ql, qh


def interval_case(name, data, statistic, method, conf, n_resamples, seed, expect=None):
    data = tuple(np.asarray(d, dtype=float) for d in data)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        res = st.bootstrap(data, statistic, n_resamples=n_resamples, method=method,
                           confidence_level=conf, vectorized=True,
                           random_state=np.random.default_rng(seed))
    reps = np.asarray(res.bootstrap_distribution, dtype=float)
    estimate = float(statistic(*data, axis=-1))
    jack = jackknife_values(data, statistic) if method == "BCa" else []
    case = {"name": name, "method": method, "conf_level": conf, "estimate": jnum(estimate),
            "replicates": jlist(reps), "jackknife": [jlist(j) for j in jack],
            "scipy_ci": [jnum(res.confidence_interval.low), jnum(res.confidence_interval.high)],
            "standard_error": jnum(res.standard_error), "degenerate": False,
            "interval": method}
    if expect is None:
        ci = [res.confidence_interval.low, res.confidence_interval.high]
        mine = transcribed_interval(estimate, reps, jack, method, conf)
        assert np.allclose(mine, ci, rtol=1e-13, atol=0), (name, mine, ci)
        if method == "BCa":
            alpha = (1 - conf) / 2
            _, _, a_hat = _bca_interval(data, statistic, axis=-1, alpha=alpha, theta_hat_b=reps,
                                        batch=None)
            case["z0"] = jnum(ndtri(_percentile_of_score(reps, estimate, axis=-1)))
            case["acceleration"] = jnum(a_hat)
    elif expect == "degenerate":
        assert np.all(reps == reps[0])
        ci = [estimate, estimate]
        case["degenerate"] = True
        case["standard_error"] = 0.0
    elif expect == "bca_fallback":
        ci = transcribed_interval(estimate, reps, jack, "percentile", conf)
        case["interval"] = "percentile"
    elif expect == "zero_acceleration":
        ci = transcribed_interval(estimate, reps, jack, method, conf, a_override=0.0)
        case["z0"] = jnum(ndtri(_percentile_of_score(reps, estimate, axis=-1)))
        case["acceleration"] = 0.0
    case["expect"] = expect or "scipy"
    case["ci"] = [jnum(ci[0]), jnum(ci[1])]
    return case


def mean_stat(x, axis):
    return np.mean(x, axis=axis)


def median_stat(x, axis):
    return np.median(x, axis=axis)


def std_stat(x, axis):
    return np.std(x, ddof=1, axis=axis)


def iqm_stat(x, axis):
    return st.trim_mean(x, 0.25, axis=axis)


def mean_diff(x, y, axis):
    return np.mean(x, axis=axis) - np.mean(y, axis=axis)


def median_diff(x, y, axis):
    return np.median(x, axis=axis) - np.median(y, axis=axis)


def unique_fraction(x, axis):
    return np.apply_along_axis(lambda r: len(np.unique(r)) / len(r), axis, x)


def bootstrap_json():
    rng = np.random.default_rng(20240607)
    cases = []
    normal30 = rng.normal(10.0, 2.0, 30)
    cases.append(interval_case("mean normal n=30 BCa 95%", (normal30,), mean_stat, "BCa", 0.95, 999, 1))
    cases.append(interval_case("mean normal n=30 percentile 95%", (normal30,), mean_stat, "percentile",
                               0.95, 999, 2))
    cases.append(interval_case("mean normal n=30 basic 90%", (normal30,), mean_stat, "basic", 0.90, 999, 3))
    expo25 = rng.exponential(1.0, 25)
    cases.append(interval_case("median exponential n=25 BCa 95%", (expo25,), median_stat, "BCa", 0.95,
                               999, 4))
    lognorm40 = rng.lognormal(0.0, 1.0, 40)
    cases.append(interval_case("std lognormal n=40 BCa 99%", (lognorm40,), std_stat, "BCa", 0.99, 999, 5))
    cases.append(interval_case("std lognormal n=40 percentile 80%", (lognorm40,), std_stat, "percentile",
                               0.80, 499, 6))
    t50 = rng.standard_t(3, 50)
    cases.append(interval_case("IQM t3 n=50 BCa 95% B=1999", (t50,), iqm_stat, "BCa", 0.95, 1999, 7))
    x20, y15 = rng.normal(1.0, 1.0, 20), rng.normal(0.3, 2.0, 15)
    cases.append(interval_case("difference of means 20 vs 15 BCa 95%", (x20, y15), mean_diff, "BCa", 0.95,
                               999, 8))
    cases.append(interval_case("difference of medians 20 vs 15 basic 95%", (x20, y15), median_diff,
                               "basic", 0.95, 999, 9))
    cases.append(interval_case("difference of medians 20 vs 15 BCa 90%", (x20, y15), median_diff, "BCa",
                               0.90, 999, 10))
    small5 = np.array([3.1, 0.2, 7.7, 1.5, 2.0])
    cases.append(interval_case("mean n=5 B=20 BCa 80%", (small5,), mean_stat, "BCa", 0.80, 20, 11))
    cases.append(interval_case("mean n=2 BCa 95%", (np.array([1.0, 4.0]),), mean_stat, "BCa", 0.95, 199, 12))
    skew500 = rng.gamma(0.5, 2.0, 500)
    cases.append(interval_case("mean gamma n=500 BCa 95%", (skew500,), mean_stat, "BCa", 0.95, 499, 13))
    nine = rng.normal(0, 1, 9)
    cases.append(interval_case("median n=9 (tied replicates) BCa 95%", (nine,), median_stat, "BCa", 0.95,
                               999, 14))
    # rigor's answers where scipy returns NaN.
    cases.append(interval_case("constant data BCa (degenerate)", (np.full(12, 0.75),), mean_stat, "BCa",
                               0.95, 199, 15, expect="degenerate"))
    cases.append(interval_case("constant data percentile (degenerate)", (np.full(12, 0.75),), mean_stat,
                               "percentile", 0.95, 199, 16, expect="degenerate"))
    distinct = rng.normal(0, 1, 15)
    cases.append(interval_case("theta-hat above every replicate BCa (percentile fallback)", (distinct,),
                               unique_fraction, "BCa", 0.95, 299, 17, expect="bca_fallback"))
    blocks = np.repeat([1.0, 2.0, 3.0], 7)
    rng.shuffle(blocks)
    cases.append(interval_case("median in a tie block BCa (acceleration 0/0)", (blocks,), median_stat, "BCa",
                               0.95, 999, 18, expect="zero_acceleration"))

    trim_cases = []
    trng = np.random.default_rng(99)
    for n in (1, 2, 3, 4, 5, 7, 10, 11, 101):
        x = trng.normal(0, 1, n)
        if n >= 7:
            x[:3] = x[3]  # ties
        for p in (0.0, 0.1, 0.25, 0.4, 0.49):
            trim_cases.append({"x": jlist(x), "proportion": p, "expected": jnum(st.trim_mean(x, p))})

    aggregates = []
    arng = np.random.default_rng(31337)
    for runs, tasks in ((5, 3), (10, 8), (3, 1), (4, 26), (7, 2)):
        s = arng.normal(0.5, 0.2, (runs, tasks)) + arng.normal(0, 0.3, tasks)
        if runs == 4:
            s = np.round(s, 1)  # ties
        aggregates.append({
            "scores": [jlist(row) for row in s],
            "mean": jnum(np.mean(np.mean(s, axis=0))),
            "median": jnum(np.median(np.mean(s, axis=0))),
            "iqm": jnum(st.trim_mean(s, proportiontocut=0.25, axis=None)),
        })
    vectors = []
    for n in (2, 5, 10, 33):
        v = arng.normal(0.7, 0.1, n)
        vectors.append({"runs": jlist(v), "mean": jnum(np.mean(v)), "median": jnum(np.median(v)),
                        "iqm": jnum(st.trim_mean(v, 0.25))})
    write("bootstrap.json", {"generator": GENERATOR, "interval_cases": cases, "trim_mean_cases": trim_cases,
                             "aggregate_cases": aggregates, "aggregate_vector_cases": vectors})


# ---------------------------------------------------------------------------------- effect size


def nct_cdf(t, nu, ncp):
    """P(T <= t), T noncentral t(nu, ncp): E[Phi(t S - ncp)], S = sqrt(chi2_nu / nu)."""
    t, nu, ncp = mp.mpf(t), mp.mpf(nu), mp.mpf(ncp)
    logc = mp.log(2) + (nu / 2) * mp.log(nu / 2) - mp.loggamma(nu / 2)

    def f(s):
        if s == 0:
            return mp.mpf(0)
        return mp.exp(logc + (nu - 1) * mp.log(s) - nu * s * s / 2) * mp.ncdf(t * s - ncp)

    sd = 1 / mp.sqrt(2 * nu)
    pts = sorted({mp.mpf(0)} | {max(mp.mpf(0), 1 + k * sd) for k in (-20, -8, -3, 0, 3, 8, 20)})
    return mp.quad(f, pts + [mp.inf])


def ncp_root(t, nu, p):
    from scipy.optimize import brentq
    g = lambda d: st.nct.cdf(t, nu, d) - p
    lo, hi = t - 10 - abs(t), t + 10 + abs(t)
    x0 = brentq(g, lo, hi, xtol=1e-12)
    root = mp.findroot(lambda d: nct_cdf(t, nu, d) - p, (mp.mpf(x0), mp.mpf(x0) + mp.mpf("1e-6")),
                       solver="secant")
    assert abs(float(root) - x0) < 1e-5 * max(1, abs(x0)), (t, nu, p, root, x0)
    return root


def cohen_case(x, y, conf):
    xm = [mp.mpf(float(v)) for v in x]
    ym = [mp.mpf(float(v)) for v in y]
    nx, ny = len(xm), len(ym)
    mx, my = mp.fsum(xm) / nx, mp.fsum(ym) / ny
    vx = mp.fsum((v - mx) ** 2 for v in xm) / (nx - 1)
    vy = mp.fsum((v - my) ** 2 for v in ym) / (ny - 1)
    df = nx + ny - 2
    sp = mp.sqrt(((nx - 1) * vx + (ny - 1) * vy) / df)
    d = (mx - my) / sp
    scale = mp.sqrt(mp.mpf(nx * ny) / (nx + ny))
    t = d * scale
    alpha = 1 - mp.mpf(conf)
    lo = ncp_root(float(t), df, 1 - alpha / 2) / scale
    hi = ncp_root(float(t), df, alpha / 2) / scale
    j = mp.gamma(mp.mpf(df) / 2) / (mp.sqrt(mp.mpf(df) / 2) * mp.gamma(mp.mpf(df - 1) / 2))
    return {"x": jlist(x), "y": jlist(y), "conf_level": conf, "d": jnum(d), "d_ci": [jnum(lo), jnum(hi)],
            "hedges_j": jnum(j), "g": jnum(j * d), "g_ci": [jnum(j * lo), jnum(j * hi)]}


def run_cliff_r(cases):
    lines = []
    for c in cases:
        lines.append(f"{c['conf_level']!r};" + ",".join(repr(float(v)) for v in c["x"]) + ";" +
                     ",".join(repr(float(v)) for v in c["y"]))
    out = subprocess.run(["Rscript", os.path.join(HERE, "resampling.R")], input="\n".join(lines) + "\n",
                         capture_output=True, text=True, check=True).stdout.split("\n")
    out = [o.split() for o in out if o.strip()]
    assert len(out) == len(cases)
    return [[float(v) for v in o] for o in out]


def cliff_numpy(x, y, conf):
    """Independent numpy transcription of the same effsize formulas (sanity check of the R run)."""
    x, y = np.sort(x), np.sort(y)
    n1, n2 = len(x), len(y)
    dom = np.sign(x[:, None] - y[None, :])
    d = dom.mean()
    dd = d * (n1 * n2 - 1) / (n1 * n2) if abs(d) == 1 else d
    var = (n2 ** 2 * ((dom.mean(1) - dd) ** 2).sum() + n1 ** 2 * ((dom.mean(0) - dd) ** 2).sum() -
           ((dom - dd) ** 2).sum()) / (n1 * n2 * (n1 - 1) * (n2 - 1))
    return d, var, dd


def effect_size_json():
    rng = np.random.default_rng(4242)
    cohen = []
    for nx, ny, shift, conf in ((2, 2, 1.0, 0.95), (2, 5, -0.5, 0.95), (3, 3, 0.0, 0.95), (5, 8, 2.0, 0.90),
                                (10, 10, 0.3, 0.95), (20, 25, -1.2, 0.99), (50, 50, 3.0, 0.95),
                                (100, 120, 0.1, 0.95), (30, 30, 5.0, 0.95), (500, 450, 0.5, 0.95),
                                (7, 4, -4.0, 0.80)):
        x = rng.normal(shift, 1.0, nx)
        y = rng.normal(0.0, 1.3, ny)
        cohen.append(cohen_case(x, y, conf))
    cohen.append(cohen_case(np.array([1.0, 2.0, 3.0, 4.0]), np.array([2.0, 2.0, 2.0, 2.5]), 0.95))

    cliff = []
    def add_cliff(x, y, conf=0.95):
        cliff.append({"x": jlist(x), "y": jlist(y), "conf_level": conf})
    add_cliff([1.0, 2.0], [1.5, 0.5])
    add_cliff([1.0, 2.0, 3.0], [2.0, 3.0, 4.0])
    add_cliff([10, 10, 20, 20, 20, 30, 30, 30, 40, 50], [10, 20, 30, 40, 40, 50])  # effsize's example
    add_cliff([10, 20, 20, 20, 30, 30, 30, 40, 50, 100], [120, 130, 140, 150, 150, 160])  # disjoint, -1
    add_cliff([5.0, 6.0, 7.0], [1.0, 2.0, 3.0], 0.90)  # disjoint, +1
    add_cliff(rng.integers(0, 6, 12).astype(float), rng.integers(1, 7, 9).astype(float), 0.99)
    add_cliff(rng.normal(0.5, 1, 20), rng.normal(0, 1, 30))
    add_cliff(rng.integers(0, 10, 100).astype(float), rng.integers(0, 12, 80).astype(float))
    add_cliff(rng.normal(0.2, 1, 500), rng.normal(0, 1, 400), 0.90)
    add_cliff(rng.exponential(1, 3), rng.exponential(1, 40))
    results = run_cliff_r(cliff)
    for c, (delta, var, lo, hi, a12) in zip(cliff, results):
        x, y = np.array(c["x"]), np.array(c["y"])
        d_np, var_np, dd = cliff_numpy(x, y, c["conf_level"])
        assert abs(d_np - delta) < 1e-15 and abs(var_np - var) < 1e-12 * max(1, abs(var)), (c, var, var_np)
        c.update({"delta": jnum(delta), "variance": jnum(var), "a12": jnum(a12)})
        assert var > 0, c  # effsize's variance; rigor's floor for var <= 0 is not exercised here
        c["delta_ci"] = [jnum(lo), jnum(hi)]
        c["a12_ci"] = [jnum((1 + c["delta_ci"][0]) / 2), jnum((1 + c["delta_ci"][1]) / 2)]
    write("effect_size.json", {"generator": GENERATOR, "cohen_cases": cohen, "cliff_cases": cliff})


# ---------------------------------------------------------------------------------- permutation


def perm_mean_diff(x, y, axis):
    return np.mean(x, axis=axis) - np.mean(y, axis=axis)


def paired_mean_diff(x, y, axis):
    return np.mean(x - y, axis=axis)


def brute_force_p(x, y, paired):
    """Exact p-values by enumerating every split / sign vector (scipy's definitions: counts with
    scipy's tolerance max(1e-14, 1e-14 |obs|), two-sided = 2 min(one-sided), capped at 1). Used
    where scipy refuses a sample of size 1; checked against scipy on every other case."""
    import itertools
    if paired:
        d = x - y
        obs = d.mean()
        null = [np.mean(d * np.array(s)) for s in itertools.product((1.0, -1.0), repeat=len(d))]
    else:
        z = np.concatenate([x, y])
        obs = x.mean() - y.mean()
        null = []
        for c in itertools.combinations(range(len(z)), len(x)):
            mask = np.zeros(len(z), bool)
            mask[list(c)] = True
            null.append(z[mask].mean() - z[~mask].mean())
    null = np.array(null)
    gamma = max(1e-14, abs(1e-14 * obs))
    ge = np.mean(null >= obs - gamma)
    le = np.mean(null <= obs + gamma)
    return obs, {"two-sided": min(1.0, 2 * min(ge, le)), "greater": ge, "less": le}


def permutation_json():
    rng = np.random.default_rng(777)
    independent = []
    specs = [
        ([1.0], [2.0, 3.0]),
        ([0.5, 2.5], [1.0, 3.0, 4.0]),
        ([3.0, 1.0, 4.0], [1.0, 5.0, 9.0, 2.0]),
        ([1, 2, 2, 3], [2, 3, 3, 4]),  # ties
        (rng.normal(0.5, 1, 5), rng.normal(0, 1, 7)),
        (rng.normal(-1, 2, 6), rng.normal(0, 1, 6)),
        (rng.integers(0, 4, 8).astype(float), rng.integers(1, 5, 9).astype(float)),  # many ties
        (rng.normal(0.8, 1, 10), rng.normal(0, 1, 10)),
        (np.arange(10.0) + 100.0, np.arange(10.0)),  # fully separated: p = 2 / C(20, 10)
        ([7.0], rng.normal(0, 1, 12)),
        (rng.normal(0.3, 1, 11), rng.normal(0, 1, 7)),  # larger group is x
        (rng.normal(1000, 1, 9), rng.normal(1000.5, 1, 11)),  # offset 1000: sums need the tolerance
        ([2.0, 2.0, 2.0], [2.0, 2.0, 2.0, 2.0]),  # all equal: p = 1
    ]
    for x, y in specs:
        x, y = np.asarray(x, float), np.asarray(y, float)
        case = {"x": jlist(x), "y": jlist(y), "count": int(math.comb(len(x) + len(y), len(x)))}
        bf = brute_force_p(x, y, False) if case["count"] <= 50000 else None
        for alt in ("two-sided", "greater", "less"):
            if min(len(x), len(y)) >= 2:
                res = st.permutation_test((x, y), perm_mean_diff, permutation_type="independent",
                                          vectorized=True, n_resamples=np.inf, alternative=alt)
                case["statistic"], case[alt] = jnum(res.statistic), jnum(res.pvalue)
                case["reference"] = "scipy.stats.permutation_test"
                if bf is not None:
                    assert abs(bf[1][alt] - res.pvalue) < 1e-14, (x, y, alt, bf[1][alt], res.pvalue)
            else:
                case["statistic"], case[alt] = jnum(bf[0]), jnum(bf[1][alt])
                case["reference"] = "brute-force enumeration with scipy's definitions"
        independent.append(case)
    paired = []
    pspecs = [
        ([1.0], [0.5]),
        ([1.0, 2.0], [1.5, 0.0]),
        (rng.normal(0.5, 1, 5), rng.normal(0, 1, 5)),
        ([1, 2, 3, 4, 5, 6, 7, 8], [1, 1, 2, 5, 3, 6, 5, 7]),  # zeros and tied |d|
        (rng.normal(0.3, 1, 12), rng.normal(0, 1, 12)),
        (rng.normal(0, 1, 15), rng.normal(0, 1, 15)),
        (np.arange(14.0) + 1.0, np.zeros(14)),  # all positive: p = 2 / 2^14
        ([3.0, 3.0, 3.0], [3.0, 3.0, 3.0]),  # all differences zero
    ]
    for x, y in pspecs:
        x, y = np.asarray(x, float), np.asarray(y, float)
        case = {"x": jlist(x), "y": jlist(y), "count": 2 ** len(x)}
        obs, ps = brute_force_p(x, y, True)
        for alt in ("two-sided", "greater", "less"):
            if len(x) >= 2:
                res = st.permutation_test((x, y), paired_mean_diff, permutation_type="samples",
                                          vectorized=True, n_resamples=np.inf, alternative=alt)
                case["statistic"], case[alt] = jnum(res.statistic), jnum(res.pvalue)
                case["reference"] = "scipy.stats.permutation_test"
                assert abs(ps[alt] - res.pvalue) < 1e-14, (x, y, alt, ps[alt], res.pvalue)
            else:
                case["statistic"], case[alt] = jnum(obs), jnum(ps[alt])
                case["reference"] = "brute-force enumeration with scipy's definitions"
        paired.append(case)
    write("permutation.json", {"generator": GENERATOR, "independent_cases": independent,
                               "paired_cases": paired})


if __name__ == "__main__":
    bootstrap_json()
    permutation_json()
    effect_size_json()
