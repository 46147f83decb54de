#!/usr/bin/python3
"""Golden values for rigor::stats corrections, partial conjunction, Shapiro-Wilk and two-sample KS.

Regenerate (Debian 12: R 4.2.2, statsmodels 0.13.5, scipy 1.10, mpmath 1.2):
    /usr/bin/python3 scripts/golden/corrections.py
It runs `Rscript scripts/golden/corrections.R tests/stats/data` (R's p.adjust, shapiro.test and
ks.test on inputs generated there with fixed seeds), then adds to the files it wrote:
  * corrections.json: statsmodels multipletests "sidak" and "holm-sidak" for every p.adjust case
    (R's methods are cross-checked against statsmodels' holm, simes-hochberg, hommel, fdr_bh,
    fdr_by, bonferroni and the largest relative difference is printed); partial conjunction
    p-values (Benjamini & Heller 2008) from a direct O(N^2) implementation of the definitions,
    Fisher's tail in mpmath at 40 digits;
  * ks.json: for every exact p-value, the exact probability as a rational number (lattice-path
    counting with Python integers, the correct null distribution for D^- with ties), checked
    against full enumeration of all labellings when C(n_x + n_y, n_x) <= 20000; for asymptotic
    p-values, R 4.2.2's formula evaluated in mpmath (see ks.h);
  * normality.json: unchanged (R only; scipy 1.10 runs Shapiro-Wilk in single precision, its
    largest difference from R is printed for the docs).
Files are rewritten pretty-printed, floats as Python repr (shortest round-trip).
"""
import itertools
import json
import math
import os
import subprocess
import sys
from fractions import Fraction

import mpmath as mp
import numpy as np
import scipy
import scipy.stats
import statsmodels
from statsmodels.stats.multitest import multipletests

mp.mp.dps = 40
HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
OUT = os.path.join(ROOT, "tests", "stats", "data")


def fnum(x):
    x = float(x)
    if math.isnan(x):
        return "nan"
    if math.isinf(x):
        return "inf" if x > 0 else "-inf"
    return x


def dump(obj, indent=0):
    """Pretty JSON: objects indented, arrays of scalars on one line."""
    pad = "  " * indent
    if isinstance(obj, dict):
        items = [f'{pad}  {json.dumps(k)}: {dump(v, indent + 1)}' for k, v in obj.items()]
        return "{\n" + ",\n".join(items) + "\n" + pad + "}"
    if isinstance(obj, list):
        if all(not isinstance(v, (dict, list)) for v in obj):
            return "[" + ", ".join(dump(v) for v in obj) + "]"
        return "[\n" + ",\n".join(pad + "  " + dump(v, indent + 1) for v in obj) + "\n" + pad + "]"
    if isinstance(obj, float):
        return repr(obj)
    return json.dumps(obj)


def write(name, obj):
    path = os.path.join(OUT, name)
    with open(path, "w") as f:
        f.write(dump(obj) + "\n")
    print("wrote", path)


def rel(a, b):
    if a == b:
        return 0.0
    return abs(a - b) / max(abs(b), 1e-300)


# --- p.adjust + statsmodels ----------------------------------------------------------------------
def corrections():
    data = json.load(open(os.path.join(OUT, "corrections.json")))
    worst = {}
    for case in data["adjust"]:
        p = np.array(case["p"], dtype=float)
        for sm, key in [("sidak", "sidak"), ("holm-sidak", "holm-sidak")]:
            case[key] = [fnum(v) for v in multipletests(p, 0.05, sm)[1]]
        checks = [("holm", "holm"), ("simes-hochberg", "hochberg"), ("fdr_bh", "BH"),
                  ("fdr_by", "BY"), ("bonferroni", "bonferroni")]
        if len(p) <= 1000:
            checks.append(("hommel", "hommel"))
        for sm, r in checks:
            ours = multipletests(p, 0.05, sm)[1]
            d = max(rel(a, b) for a, b in zip(ours, case[r]))
            worst[r] = max(worst.get(r, 0.0), d)
    print("largest relative difference R p.adjust vs statsmodels multipletests:", worst)

    # Partial conjunction: inputs from a fixed seed, expected values from the definitions.
    rng = np.random.RandomState(8675309)
    inputs = [
        ("N = 1", [0.03]),
        ("N = 2", [0.04, 0.001]),
        ("header example: 5 datasets", [0.001, 0.02, 0.04, 0.3, 0.008]),
        ("ties", [0.01, 0.01, 0.02, 0.02, 0.02]),
        ("zeros and ones", [0.0, 1.0, 0.2, 0.0, 1.0, 0.03]),
        ("all one", [1.0, 1.0, 1.0]),
        ("tiny", [1e-300, 1e-200, 1e-250, 0.5]),
        ("uniform N = 8", list(rng.uniform(size=8))),
        ("strong effect N = 10", list(rng.beta(0.05, 3, size=10))),
        ("mixed N = 20", list(np.concatenate([rng.beta(0.1, 5, size=12), rng.uniform(size=8)]))),
        ("mixed N = 50", list(rng.permutation(np.concatenate([rng.beta(0.2, 4, size=30),
                                                              rng.uniform(size=20)])))),
    ]
    pc_cases = []
    for name, p in inputs:
        p = [float(v) for v in p]
        n = len(p)
        s = sorted(p)
        case = {"name": name, "p": p, "alpha": 0.05}
        for method in ("bonferroni", "simes", "fisher"):
            values = []
            for u in range(1, n + 1):
                k = n - u + 1
                if method == "bonferroni":
                    v = min(1.0, k * s[u - 1])
                elif method == "simes":
                    v = min(1.0, min(k / (i - u + 1) * s[i - 1] for i in range(u, n + 1)))
                else:
                    tail = s[u - 1:]
                    if any(t == 0.0 for t in tail):
                        v = 0.0
                    else:
                        stat = -2 * mp.fsum(mp.log(mp.mpf(t)) for t in tail)
                        v = float(mp.gammainc(k, stat / 2, mp.inf, regularized=True))
                values.append(v)
            mono = list(itertools.accumulate(values, max))
            u_rej = max([u for u in range(1, n + 1) if mono[u - 1] <= 0.05], default=0)
            case[method] = {"p_values": values, "monotone_p_values": mono, "u_rejected": u_rej}
        pc_cases.append(case)
    data["partial_conjunction"] = pc_cases
    data["generator"] = (data["generator"] + f"; statsmodels {statsmodels.__version__} multipletests "
                         f"(sidak, holm-sidak); partial conjunction: direct implementation of "
                         f"Benjamini & Heller 2008 in scripts/golden/corrections.py, Fisher with "
                         f"mpmath {mp.__version__}")
    write("corrections.json", data)


# --- KS ---------------------------------------------------------------------------------------
def checkpoints(w):
    n = len(w)
    return [False] + [k == n or w[k - 1] != w[k] for k in range(1, n + 1)]


def sign_fn(alt):
    return {"two-sided": abs, "greater": lambda d: d, "less": lambda d: -d}[alt]


def observed(x, y, alt):
    """n_x n_y D for the alternative, over the checkpoints (R's ECDF comparison)."""
    nx, ny = len(x), len(y)
    w = sorted(x + y)
    f = sign_fn(alt)
    best = 0
    for v in sorted(set(w)):
        i = sum(1 for t in x if t <= v)
        j = sum(1 for t in y if t <= v)
        best = max(best, f(i * ny - j * nx))
    return best


def exact_p(x, y, alt):
    """P(D >= d_obs) with ties fixed, as an exact fraction (counting lattice paths)."""
    nx, ny = len(x), len(y)
    w = sorted(x + y)
    check = checkpoints(w)
    k_obs = observed(x, y, alt)
    f = sign_fn(alt)
    # count[j] = number of paths to (i, j) that never touched the boundary at a checkpoint
    count = [0] * (ny + 1)
    for i in range(nx + 1):
        new = [0] * (ny + 1)
        for j in range(ny + 1):
            if i == 0 and j == 0:
                new[0] = 1
                continue
            c = (count[j] if i > 0 else 0) + (new[j - 1] if j > 0 else 0)
            if check[i + j] and f(i * ny - j * nx) >= k_obs:
                c = 0
            new[j] = c
        count = new
    return 1 - Fraction(count[ny], math.comb(nx + ny, nx))


def enumerate_p(x, y, alt):
    """The same by brute force over all labellings (small samples only)."""
    nx, ny = len(x), len(y)
    w = sorted(x + y)
    n = len(w)
    k_obs = observed(x, y, alt)
    f = sign_fn(alt)
    hits = total = 0
    for comb in itertools.combinations(range(n), nx):
        xs = [w[c] for c in comb]
        rest = set(range(n)) - set(comb)
        ys = [w[c] for c in rest]
        total += 1
        if observed(xs, ys, alt) >= k_obs:
            hits += 1
    return Fraction(hits, total)


def asymptotic_p(x, y, alt):
    nx, ny = len(x), len(y)
    d = mp.mpf(observed(x, y, alt)) / (nx * ny)
    n = mp.mpf(nx * ny) / (nx + ny)
    lam = mp.sqrt(n) * d
    if alt != "two-sided":
        return float(mp.exp(-2 * lam * lam))
    if d < mp.mpf(2) ** -52:
        return 1.0
    if lam < 1:
        # R 4.2.2 pkstwo for x < 1 keeps the k = 1 term of the theta series only.
        return float(1 - mp.sqrt(2 * mp.pi) / lam * mp.exp(-mp.pi ** 2 / (8 * lam * lam)))
    return float(2 * mp.nsum(lambda k: (-1) ** (k - 1) * mp.exp(-2 * k * k * lam * lam), [1, mp.inf]))


def ks():
    data = json.load(open(os.path.join(OUT, "ks.json")))
    worst_r = 0.0
    r_differs = []
    for case in data["ks"]:
        x, y = case["x"], case["y"]
        for res in case["results"]:
            alt = res["alternative"]
            if res["exact"]:
                p = exact_p(x, y, alt)
                if math.comb(len(x) + len(y), len(x)) <= 20000:
                    assert p == enumerate_p(x, y, alt), (case["name"], alt)
                ref = float(p)
            else:
                ref = asymptotic_p(x, y, alt)
            res["p_reference"] = ref
            res["statistic_reference"] = observed(x, y, alt) / (len(x) * len(y))
            d = abs(res["p"] - ref)
            if d > 1e-9 * ref + 1e-13:
                res["r_4_2_2_differs"] = True
                r_differs.append((case["name"], alt, res["exact_option"], res["p"], ref))
            else:
                worst_r = max(worst_r, d)
    print("largest |R - reference| where they agree:", worst_r)
    print("R 4.2.2 differs from the reference in:")
    for row in r_differs:
        print("  ", row)
    data["generator"] += ("; p_reference: exact rational lattice-path count (checked by full "
                          "enumeration for small samples) or R's asymptotic formula in mpmath "
                          f"{mp.__version__}, scripts/golden/corrections.py")
    write("ks.json", data)


def normality():
    data = json.load(open(os.path.join(OUT, "normality.json")))
    worst = 0.0
    for case in data["shapiro_wilk"]:
        w, p = scipy.stats.shapiro(case["x"])
        worst = max(worst, rel(w, case["W"]))
    print(f"scipy {scipy.__version__} shapiro W vs R: largest relative difference {worst:.3g}")
    write("normality.json", data)


if __name__ == "__main__":
    if "--no-r" not in sys.argv:
        subprocess.run(["Rscript", os.path.join(HERE, "corrections.R"), OUT], check=True)
    corrections()
    ks()
    normality()
