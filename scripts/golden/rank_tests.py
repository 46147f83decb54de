"""Golden values for the Pratt and zero-split signed-rank variants (scipy 1.10).

    Rscript scripts/golden/rank_tests.R             # first: writes the R sections
    /usr/bin/python3 scripts/golden/rank_tests.py   # then: adds "scipy_wilcoxon" to the file

R has only zero_method "wilcox"; the "pratt" and "zsplit" variants of the normal approximation
are checked against scipy.stats.wilcoxon(d, zero_method=..., correction=..., alternative=...,
mode="approx"). scipy's default correction=False differs from R's correct=TRUE, so both are
generated explicitly. For the statistic we store r_plus (scipy's one-sided statistic, rigor's V),
taken from alternative="greater" calls; scipy's two-sided statistic is min(r_plus, r_minus).
Run from the repository root with Debian's /usr/bin/python3 (scipy 1.10.1, numpy 1.24).
"""

import json
import warnings

import numpy as np
import scipy
from scipy import stats

PATH = "tests/stats/data/rank_tests.json"


def case(name, x, y, zero_method, correction, alternative):
    d = np.asarray(x) - (np.asarray(y) if y is not None else 0.0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        res = stats.wilcoxon(d, zero_method=zero_method, correction=correction,
                             alternative=alternative, mode="approx")
        r_plus = stats.wilcoxon(d, zero_method=zero_method, correction=correction,
                                alternative="greater", mode="approx").statistic
    return {
        "name": name,
        "x": [float(v) for v in x],
        "y": None if y is None else [float(v) for v in y],
        "zero_method": zero_method,
        "continuity": bool(correction),
        "alternative": alternative,
        "statistic": float(r_plus),
        "p_value": float(res.pvalue),
    }


def dumps(value, indent=0):
    """JSON with full-precision floats (repr) and arrays of numbers on one line, like the R part."""
    pad, pad1 = "  " * indent, "  " * (indent + 1)
    if isinstance(value, dict):
        items = [f"{pad1}{json.dumps(k)}: {dumps(v, indent + 1)}" for k, v in value.items()]
        return "{\n" + ",\n".join(items) + "\n" + pad + "}" if items else "{}"
    if isinstance(value, list):
        if all(not isinstance(v, (dict, list)) for v in value):
            return "[" + ", ".join(dumps(v) for v in value) + "]"
        return "[\n" + ",\n".join(pad1 + dumps(v, indent + 1) for v in value) + "\n" + pad + "]"
    if isinstance(value, float) and not np.isfinite(value):
        return '"nan"' if np.isnan(value) else ('"inf"' if value > 0 else '"-inf"')
    return json.dumps(value)


def main():
    with open(PATH) as f:
        golden = json.load(f)
    rng = np.random.default_rng(20240613)
    cases = []
    inputs = []
    for n in (3, 6, 10, 25, 60, 200, 500):
        x = np.round(rng.normal(0.4, 1.0, n) * 2) / 2  # half-integers: ties and zeros
        y = np.round(rng.normal(0.0, 1.0, n) * 2) / 2
        inputs.append((f"paired_n{n}", x.tolist(), y.tolist()))
    inputs.append(("one_sample_many_zeros", [0, 0, 0, 0, 1, 2, -1, 3, 0, 2.5, 4, 1], None))
    inputs.append(("one_sample_one_zero", [0, 1.5, -0.5, 2.0, 3.0, 0.7, 1.1], None))
    inputs.append(("tied_with_zeros", [0, 0, 1, 1, 1, -1, 2, 2, -2, 0, 1], None))
    for name, x, y in inputs:
        for zero_method in ("pratt", "zsplit", "wilcox"):
            for correction in (False, True):
                for alternative in ("two-sided", "greater", "less"):
                    label = f"{name}_{zero_method}_{'cc' if correction else 'nocc'}_{alternative}"
                    cases.append(case(label, x, y, zero_method, correction, alternative))
    golden["scipy_wilcoxon"] = cases
    golden["generator"] = (golden["generator"].split(" + scipy")[0]
                           + f" + scipy {scipy.__version__} (scripts/golden/rank_tests.py)")
    with open(PATH, "w") as f:
        f.write(dumps(golden) + "\n")
    print(f"wrote {len(cases)} scipy cases to {PATH}")


if __name__ == "__main__":
    main()
