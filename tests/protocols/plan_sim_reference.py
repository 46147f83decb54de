#!/usr/bin/python3
"""Reference powers for tests/protocols/plan_test.cpp (SimulatedPlan tests), from SciPy's exact
rank tests, independently of rigor: the power of the exact one-sided Wilcoxon signed-rank test on
N(d, 1) differences and of the exact one-sided Mann-Whitney test on N(d, 1) vs N(0, 1) scores,
each at level alpha (reject when p < alpha), by simulation with 200,000 studies (Monte-Carlo
standard error <= 0.0011).

Regenerate: /usr/bin/python3 tests/protocols/plan_sim_reference.py   (numpy 1.24, scipy 1.10;
about 1 minute). With --permutation it instead compares the exact permutation tests with the rank
tests and t-tests (docs/protocol.md, "Plan"; about 1 minute).
"""
import numpy as np
from scipy import stats

STUDIES = 200_000
rng = np.random.default_rng(20261123)


def signed_rank_p_table(n):
    """SciPy's exact one-sided ('greater') p-value for every signed-rank statistic V of n pairs."""
    table = np.empty(n * (n + 1) // 2 + 1)
    for v in range(table.size):
        positive, rest = set(), v
        for r in range(n, 0, -1):  # greedy: ranks n, n-1, ... summing to v
            if r <= rest:
                positive.add(r)
                rest -= r
        x = np.array([r if r in positive else -r for r in range(1, n + 1)], dtype=float)
        table[v] = stats.wilcoxon(x, alternative="greater", method="exact").pvalue
    return table


def wilcoxon_power(n, d, alpha):
    x = rng.normal(d, 1.0, size=(STUDIES, n))
    ranks = np.argsort(np.argsort(np.abs(x), axis=1), axis=1) + 1
    v = np.where(x > 0, ranks, 0).sum(axis=1)
    return float(np.mean(signed_rank_p_table(n)[v] < alpha))


def mann_whitney_power(n, d, alpha):
    a = rng.normal(d, 1.0, size=(STUDIES, n))
    b = rng.normal(0.0, 1.0, size=(STUDIES, n))
    p = stats.mannwhitneyu(a, b, alternative="greater", method="exact", axis=1).pvalue
    return float(np.mean(p < alpha))


def reference():
    for n in range(9, 14):
        print(f"wilcoxon d=1 alpha=0.025 n={n}: {wilcoxon_power(n, 1.0, 0.025):.4f}")
    for n in (5, 6):
        print(f"wilcoxon d=5 alpha=0.025 n={n}: {wilcoxon_power(n, 5.0, 0.025):.4f}")
    for n in range(4, 8):
        print(f"mann-whitney d=2 alpha=0.025 n={n}: {mann_whitney_power(n, 2.0, 0.025):.4f}")


# --permutation: how far the rank tests (the plan's stand-ins for a permutation claim) are from
# the exact permutation test of means, and from the t-test, on normal scores (docs/protocol.md,
# "Plan"). 4000 (paired) / 3000 (unpaired) studies each, so differences under ~0.03 are noise.
def exact_permutation_comparison():
    import itertools

    def paired(n, d, alpha, sims=4000):
        signs = np.array(list(itertools.product([1, -1], repeat=n)))
        hits = np.zeros(3)
        for _ in range(sims):
            x = rng.normal(d, 1.0, n)
            p_perm = np.mean(signs @ x >= x.sum() - 1e-12)
            p_rank = stats.wilcoxon(x, alternative="greater", method="exact").pvalue
            p_t = stats.ttest_1samp(x, 0.0, alternative="greater").pvalue
            hits += np.array([p_perm, p_rank, p_t]) < alpha
        return hits / sims

    def unpaired(n, d, alpha, sims=3000):
        rows = []
        for chosen in itertools.combinations(range(2 * n), n):
            row = np.zeros(2 * n)
            row[list(chosen)] = 1
            rows.append(row)
        labels = np.array(rows)
        hits = np.zeros(3)
        for _ in range(sims):
            a, b = rng.normal(d, 1.0, n), rng.normal(0.0, 1.0, n)
            p_perm = np.mean(labels @ np.concatenate([a, b]) >= a.sum() - 1e-12)
            p_rank = stats.mannwhitneyu(a, b, alternative="greater", method="exact").pvalue
            p_t = stats.ttest_ind(a, b, equal_var=False, alternative="greater").pvalue
            hits += np.array([p_perm, p_rank, p_t]) < alpha
        return hits / sims

    for n, d, alpha in [(5, 2.0, 0.025), (6, 1.5, 0.025), (8, 1.0, 0.025), (10, 1.0, 0.025),
                        (12, 0.8, 0.01), (14, 0.6, 0.05)]:
        print("paired   n=%d d=%.1f alpha=%.3f: permutation %.3f signed-rank %.3f t %.3f"
              % ((n, d, alpha) + tuple(paired(n, d, alpha))))
    for n, d, alpha in [(3, 3.0, 0.025), (4, 2.0, 0.025), (5, 2.0, 0.01), (6, 1.5, 0.025),
                        (8, 1.2, 0.025)]:
        print("unpaired n=%d d=%.1f alpha=%.3f: permutation %.3f mann-whitney %.3f welch %.3f"
              % ((n, d, alpha) + tuple(unpaired(n, d, alpha))))


if __name__ == "__main__":
    import sys

    if "--permutation" in sys.argv:
        exact_permutation_comparison()
    else:
        reference()
