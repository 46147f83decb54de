#!/usr/bin/python3
"""Golden values for rigor::stats sequential (group-sequential boundaries, Lan-DeMets spending).

Regenerate:  /usr/bin/python3 scripts/golden/sequential.py > tests/stats/data/sequential.json

Independent of the C++ method (fixed Jennison-Turnbull grid + Simpson's rule):
  * spending functions: closed forms in mpmath at 30 digits;
  * 2-look boundaries: the exit probability is a 1-D integral, evaluated with mpmath.quad
    (tanh-sinh, 30 digits) and solved with mpmath.findroot;
  * 3-look boundaries: the exit probability is a 2-D integral, evaluated with adaptive
    scipy.integrate.dblquad (QUADPACK, epsabs 1e-14) and solved with scipy.optimize.brentq;
  * crossing probabilities under a drift (power), 2 looks: mpmath.quad.
Published values (Lan-DeMets, 5 equally spaced looks, two-sided alpha 0.05; e.g. R ldbounds,
Reboussin et al. 2000) are included as a third, coarser check (3 decimals).
"""
import json
import math
import sys

import mpmath as mp
import numpy as np
import scipy
from scipy import integrate, optimize, stats

mp.mp.dps = 30
SQ = mp.sqrt


def upper_tail(x):
    return mp.erfc(x / mp.sqrt(2)) / 2


def upper_quantile(p):  # Phi^{-1}(1 - p)
    return -mp.sqrt(2) * mp.erfinv(2 * mp.mpf(p) - 1) if p > 0.5 else mp.sqrt(2) * mp.erfinv(1 - 2 * mp.mpf(p))


def spent(family, alpha, t, sides):
    alpha, t = mp.mpf(alpha), mp.mpf(t)
    if t == 0:
        return mp.mpf(0)
    if family == "pocock":
        return alpha * mp.log(1 + (mp.e - 1) * t)
    a = alpha / sides  # each side spends the one-sided function at alpha / sides
    return sides * 2 * upper_tail(upper_quantile(a / 2) / mp.sqrt(t))


def bounds2(family, alpha, t, sides):
    t1, t2 = mp.mpf(t[0]), mp.mpf(t[1])
    a1 = spent(family, alpha, t1, sides)
    c1 = upper_quantile(a1 / sides)
    target = spent(family, alpha, t2, sides) - a1
    d = t2 - t1
    lo = -c1 if sides == 2 else -mp.inf

    def exit_prob(c2):
        up = mp.quad(lambda z: mp.npdf(z) * upper_tail((c2 * SQ(t2) - z * SQ(t1)) / SQ(d)), [lo, 0, c1])
        if sides == 2:
            up *= 2  # symmetric under H0
        return up

    c2 = mp.findroot(lambda c: exit_prob(c) - target, mp.mpf(2.0))
    return [c1, c2]


def cross2(t, c, sides, drift):
    t1, t2 = mp.mpf(t[0]), mp.mpf(t[1])
    c1, c2, drift = mp.mpf(c[0]), mp.mpf(c[1]), mp.mpf(drift)
    d = t2 - t1
    mu1 = drift * SQ(t1)
    up1 = upper_tail(c1 - mu1)
    lo1 = upper_tail(c1 + mu1) if sides == 2 else mp.mpf(0)
    lo = -c1 if sides == 2 else -mp.inf
    f = lambda z: mp.npdf(z - mu1)
    m = lambda z: z * SQ(t1) + drift * d
    up2 = mp.quad(lambda z: f(z) * upper_tail((c2 * SQ(t2) - m(z)) / SQ(d)), [lo, mu1, c1])
    lo2 = mp.quad(lambda z: f(z) * upper_tail((c2 * SQ(t2) + m(z)) / SQ(d)), [lo, mu1, c1]) if sides == 2 else mp.mpf(0)
    return [up1, up2], [lo1, lo2]


def bounds3(family, alpha, t, sides):
    c1, c2 = [float(v) for v in bounds2(family, alpha, t[:2], sides)]
    t1, t2, t3 = t
    target = float(spent(family, alpha, t3, sides) - spent(family, alpha, t2, sides))
    d2, d3 = t2 - t1, t3 - t2
    lo1 = -c1 if sides == 2 else -14.0
    lo2 = -c2 if sides == 2 else -14.0
    sf, pdf = stats.norm.sf, stats.norm.pdf

    def exit_prob(c3):
        g = lambda z2, z1: (pdf(z1) * math.sqrt(t2 / d2) * pdf((z2 * math.sqrt(t2) - z1 * math.sqrt(t1)) / math.sqrt(d2))
                            * sf((c3 * math.sqrt(t3) - z2 * math.sqrt(t2)) / math.sqrt(d3)))
        val, _ = integrate.dblquad(g, lo1, c1, lo2, c2, epsabs=1e-14, epsrel=1e-12)
        return val * (2 if sides == 2 else 1)

    c3 = optimize.brentq(lambda c: exit_prob(c) - target, 0.5, 10.0, xtol=1e-13, rtol=1e-14)
    return [c1, c2, c3]


def f(x):
    return float(x)


out = {
    "generator": f"scripts/golden/sequential.py: mpmath {mp.__version__} (quad, 30 digits), "
                 f"scipy {scipy.__version__} (dblquad, brentq), numpy {np.__version__}, python {sys.version.split()[0]}",
    "spending": [],
    "bounds": [],
    "crossing": [],
    "published": [
        {"spending": "obrien-fleming", "alpha": 0.05, "sides": 2, "information": [0.2, 0.4, 0.6, 0.8, 1.0],
         "z_bounds": [4.877, 3.357, 2.680, 2.290, 2.031], "tolerance": 5e-4,
         "source": "Lan-DeMets O'Brien-Fleming-type, 5 equal looks, two-sided 0.05 (textbook values, as printed by R ldbounds with alpha=0.025 per side)"},
        {"spending": "pocock", "alpha": 0.05, "sides": 2, "information": [0.2, 0.4, 0.6, 0.8, 1.0],
         "z_bounds": [2.438, 2.427, 2.410, 2.397, 2.386], "tolerance": 5e-4,
         "source": "Lan-DeMets Pocock-type, 5 equal looks, two-sided 0.05 (textbook values, as printed by R ldbounds with alpha=0.025 per side)"},
    ],
}

for family in ["obrien-fleming", "pocock"]:
    for sides in [1, 2]:
        for alpha in [0.05, 0.025, 0.01, 0.1]:
            for t in [0.0, 0.01, 0.1, 0.25, 0.5, 0.75, 0.9, 1.0]:
                out["spending"].append({"spending": family, "alpha": alpha, "sides": sides, "t": t,
                                        "expected": f(spent(family, alpha, t, sides))})

for family in ["obrien-fleming", "pocock"]:
    for sides in [1, 2]:
        for alpha in [0.05, 0.025, 0.01]:
            for t in [[0.5, 1.0], [0.3, 1.0], [0.25, 0.8]]:
                c = bounds2(family, alpha, t, sides)
                out["bounds"].append({"spending": family, "alpha": alpha, "sides": sides, "information": t,
                                      "z_bounds": [f(v) for v in c], "method": "mpmath.quad"})
                for drift in [0.0, 1.0, 2.5, -1.0]:
                    up, lo = cross2(t, c, sides, drift)
                    out["crossing"].append({"sides": sides, "information": t, "z_bounds": [f(v) for v in c],
                                            "drift": drift, "upper": [f(v) for v in up], "lower": [f(v) for v in lo],
                                            "total": f(sum(up) + sum(lo))})
        for t in [[1 / 3, 2 / 3, 1.0], [0.2, 0.5, 1.0]]:
            c = bounds3(family, 0.05, t, sides)
            out["bounds"].append({"spending": family, "alpha": 0.05, "sides": sides, "information": t,
                                  "z_bounds": c, "method": "scipy.dblquad"})

json.dump(out, sys.stdout, indent=1)
sys.stdout.write("\n")
