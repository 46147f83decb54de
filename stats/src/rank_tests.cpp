#include "rigor/stats/rank_tests.h"

#include <algorithm>
#include <boost/math/distributions/binomial.hpp>
#include <boost/math/distributions/normal.hpp>
#include <boost/math/special_functions/beta.hpp>
#include <cfloat>
#include <cmath>
#include <cstddef>
#include <limits>
#include <optional>
#include <string>
#include <vector>

#include "message.h"

namespace rigor::stats {
namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();
// R's uniroot tolerance in wilcox.test (tol.root = 1e-4) and its iteration cap (maxiter = 1000).
constexpr double kRootTol = 1e-4;
constexpr int kRootMaxIter = 1000;
// Exact-distribution limits: the rank-sum recursion costs about m * n * (m * n / 2) steps and the
// signed-rank one n^3 / 4; beyond these sizes the normal approximation is accurate anyway.
constexpr double kMaxExactRankSumCells = 40000.0;  // n1 * n2 (200 x 200: ~0.5 s)
constexpr int kMaxExactSignedRankN = 1000;         // 2^-1000 is still a normal double

constexpr std::string_view kVarianceHint =
    "randomize a variance source (init, data order, ...) to test this claim";

double pnorm(double z, bool lower_tail) {
  const boost::math::normal_distribution<double> normal;
  return lower_tail ? boost::math::cdf(normal, z)
                    : boost::math::cdf(boost::math::complement(normal, z));
}

double qnorm(double p, bool lower_tail) {
  const boost::math::normal_distribution<double> normal;
  if (p <= 0.0) return lower_tail ? -kInf : kInf;
  if (p >= 1.0) return lower_tail ? kInf : -kInf;
  return lower_tail ? boost::math::quantile(normal, p)
                    : boost::math::quantile(boost::math::complement(normal, p));
}

// R's sign(): -1, 0 or 1.
double sign_of(double v) { return v > 0.0 ? 1.0 : (v < 0.0 ? -1.0 : 0.0); }

// Continuity correction of wilcox.test: two-sided sign(z) * 0.5, greater 0.5, less -0.5.
double continuity_correction(double z, Alternative alternative, bool continuity) {
  if (!continuity) return 0.0;
  switch (alternative) {
    case Alternative::kTwoSided:
      return sign_of(z) * 0.5;
    case Alternative::kGreater:
      return 0.5;
    case Alternative::kLess:
      return -0.5;
  }
  return 0.0;
}

// p-value of a standardized statistic, as wilcox.test: less pnorm(z), greater pnorm(z, upper),
// two-sided 2 * min(lower, upper).
double normal_p_value(double z, Alternative alternative) {
  switch (alternative) {
    case Alternative::kLess:
      return pnorm(z, true);
    case Alternative::kGreater:
      return pnorm(z, false);
    case Alternative::kTwoSided:
      return 2.0 * std::min(pnorm(z, true), pnorm(z, false));
  }
  return 1.0;
}

// R's median of a sorted vector: the middle value, or the mean of the two middle values.
double sorted_median(const std::vector<double>& sorted) {
  const std::size_t n = sorted.size();
  const std::size_t half = n / 2;
  if (n % 2 == 1) return sorted[half];
  return (sorted[half - 1] + sorted[half]) / 2.0;
}

// R's signif(x, 2), for the achieved confidence level reported by the exact signed-rank CI.
double signif2(double x) {
  if (x == 0.0 || !std::isfinite(x)) return x;
  const double e = std::floor(std::log10(std::abs(x)));
  const double scale = std::pow(10.0, 1.0 - e);
  return std::round(x * scale) / scale;  // R: 0.125 -> 0.13 (half away from zero)
}

void append_note(std::string& note, std::string_view text) {
  if (!note.empty()) note += "; ";
  note += text;
}

// Brent's root finder (Brent 1973, ch. 4; the netlib zeroin of Forsythe, Malcolm & Moler 1977)
// with the conventions of R's R_zeroin2 (used by uniroot): f(a) and f(b) given, an endpoint with
// f = 0 is returned at once, tolerance 2 * DBL_EPSILON * |b| + tol / 2. Reproducing R's sequence
// of steps exactly is what makes the Hodges-Lehmann estimate and CI of the normal approximation
// equal R's: the standardized rank statistic is a step function of the shift, so any root finder
// stops somewhere on a flat piece, and only the same steps stop at the same place.
template <class F>
double zeroin(double a, double b, double fa, double fb, F&& f, double tol, int max_iter) {
  if (fa == 0.0) return a;
  if (fb == 0.0) return b;
  double c = a;
  double fc = fa;
  for (int iter = 0; iter <= max_iter; ++iter) {
    const double previous_step = b - a;
    if (std::abs(fc) < std::abs(fb)) {  // keep b the best approximation so far
      a = b;
      b = c;
      c = a;
      fa = fb;
      fb = fc;
      fc = fa;
    }
    const double tol_act = 2.0 * DBL_EPSILON * std::abs(b) + tol / 2.0;
    double new_step = (c - b) / 2.0;  // bisection
    if (std::abs(new_step) <= tol_act || fb == 0.0) return b;
    // Interpolate when the previous step was large enough and went the right way.
    if (std::abs(previous_step) >= tol_act && std::abs(fa) > std::abs(fb)) {
      const double cb = c - b;
      double p;
      double q;
      if (a == c) {  // two distinct points: secant
        const double t1 = fb / fa;
        p = cb * t1;
        q = 1.0 - t1;
      } else {  // inverse quadratic interpolation
        const double qa = fa / fc;
        const double t1 = fb / fc;
        const double t2 = fb / fa;
        p = t2 * (cb * qa * (qa - t1) - (b - a) * (t1 - 1.0));
        q = (qa - 1.0) * (t1 - 1.0) * (t2 - 1.0);
      }
      if (p > 0.0) {
        q = -q;
      } else {
        p = -p;
      }
      // Accept the interpolation if it falls inside [b, c] and is not too large.
      if (p < (0.75 * cb * q - std::abs(tol_act * q) / 2.0) &&
          p < std::abs(previous_step * q / 2.0)) {
        new_step = p / q;
      }
    }
    if (std::abs(new_step) < tol_act) new_step = new_step > 0.0 ? tol_act : -tol_act;
    a = b;
    fa = fb;
    b += new_step;
    fb = f(b);
    if ((fb > 0.0 && fc > 0.0) || (fb < 0.0 && fc < 0.0)) {  // keep a sign change in [b, c]
      c = a;
      fc = fa;
    }
  }
  return b;  // R warns "_NOT_ converged"; never reached for these monotone step functions
}

// Null distribution of the Mann-Whitney U for sample sizes m, n: P(U = k) for k = 0..limit
// (default: up to the median + 1, all that cdf() and quantile() ever read; a smaller limit serves
// cdf(q) for q up to that limit or from mn - limit - 1 on, see cdf_limit()).
// The counting recursion of R's cwilcox (Mann & Whitney 1947, eq. 1) in probabilities: the
// largest of the i + j values is from the first sample with probability i / (i + j), adding j
// to U, so P_{i,j}(k) = i/(i+j) P_{i-1,j}(k - j) + j/(i+j) P_{i,j-1}(k). Every term is positive,
// so tail probabilities keep full relative accuracy, and probabilities cannot overflow where
// counts (up to C(m+n, m)) would.
// The distributions of U (rank sum) and V (signed rank) are symmetric on 0..total with
// probabilities dist.at(k). R's pwilcox/psignrank and qwilcox/qsignrank share these loops: the
// cdf sums the shorter side (so both tails stay accurate); the quantile walks from the nearer end
// with a fuzz of 10 DBL_EPSILON. `q` is already rounded as each R function rounds it.
template <class Dist>
double symmetric_cdf(const Dist& dist, double q, double total, bool lower_tail) {
  if (q < 0.0) return lower_tail ? 0.0 : 1.0;
  if (q >= total) return lower_tail ? 1.0 : 0.0;
  double p = 0.0;
  if (q <= total / 2.0) {
    for (long i = 0; i <= static_cast<long>(q); ++i) p += dist.at(i);
  } else {
    const long upper = static_cast<long>(total - q);
    for (long i = 0; i < upper; ++i) p += dist.at(i);
    lower_tail = !lower_tail;
  }
  return lower_tail ? p : 0.5 - p + 0.5;
}

template <class Dist>
double symmetric_quantile(const Dist& dist, double x, double total) {
  if (x <= 0.0) return 0.0;
  if (x >= 1.0) return total;
  double p = 0.0;
  long q = 0;
  if (x <= 0.5) {
    x = x - 10.0 * DBL_EPSILON;
    for (;;) {
      p += dist.at(q);
      if (p >= x) break;
      ++q;
    }
    return static_cast<double>(q);
  }
  x = 1.0 - x + 10.0 * DBL_EPSILON;
  for (;;) {
    p += dist.at(q);
    if (p > x) return total - static_cast<double>(q);
    ++q;
  }
}

class RankSumNull {
 public:
  RankSumNull(int m, int n, long limit = -1) : mn_(static_cast<double>(m) * n) {
    if (mn_ > kMaxExactRankSumCells) {
      throw StatsError(detail::cat("the exact rank-sum distribution for sample sizes ", m, " and ",
                                   n, " is too costly (n1 * n2 = ", mn_, " > ",
                                   kMaxExactRankSumCells,
                                   "); use method \"asymptotic\" (normal approximation)"));
    }
    const long total = static_cast<long>(m) * n;
    limit = limit < 0 ? total / 2 + 1 : limit;
    limit = std::min(total, limit);
    int small = std::min(m, n);
    int large = std::max(m, n);  // U_{m,n} and U_{n,m} have the same distribution
    std::vector<std::vector<double>> dist(static_cast<std::size_t>(small) + 1,
                                          std::vector<double>{1.0});
    for (int j = 1; j <= large; ++j) {
      for (int i = 1; i <= small; ++i) {
        std::vector<double>& cur = dist[static_cast<std::size_t>(i)];              // P_{i,j-1}
        const std::vector<double>& below = dist[static_cast<std::size_t>(i - 1)];  // P_{i-1,j}
        const long len = std::min(static_cast<long>(i) * j, limit) + 1;
        const double stay = static_cast<double>(j) / static_cast<double>(i + j);
        const double move = static_cast<double>(i) / static_cast<double>(i + j);
        cur.resize(static_cast<std::size_t>(len), 0.0);
        // Each k reads only cur[k] and below[k - j]: plain loops the compiler vectorizes.
        double* c = cur.data();
        const double* b = below.data();
        const long shifted_end = std::min(len, static_cast<long>(below.size()) + j);
        for (long k = 0; k < len; ++k) c[k] *= stay;
        for (long k = j; k < shifted_end; ++k) c[k] += move * b[k - j];
      }
    }
    pmf_ = std::move(dist[static_cast<std::size_t>(small)]);
  }

  // R's pwilcox: q rounded down (with R's 1e-7 fuzz), then the symmetric sum.
  double cdf(double q, bool lower_tail) const {
    return symmetric_cdf(*this, std::floor(q + 1e-7), mn_, lower_tail);
  }

  // R's qwilcox: smallest q with P(U <= q) >= p, with a fuzz of 10 DBL_EPSILON.
  double quantile(double x) const { return symmetric_quantile(*this, x, mn_); }

  double cells() const { return mn_; }

  // The largest k that cdf(q) reads: R sums over the shorter of the two tails.
  static long cdf_limit(double q, double mn) {
    q = std::floor(q + 1e-7);
    if (q < 0.0 || q >= mn) return 0;
    return q <= mn / 2.0 ? static_cast<long>(q) : static_cast<long>(mn - q) - 1;
  }

 private:
  template <class D>
  friend double symmetric_cdf(const D& dist, double q, double total, bool lower_tail);
  template <class D>
  friend double symmetric_quantile(const D& dist, double x, double total);

  double at(long k) const {
    return k < static_cast<long>(pmf_.size()) ? pmf_[static_cast<std::size_t>(k)] : 0.0;
  }

  double mn_;
  std::vector<double> pmf_;
};

// Null distribution of the signed-rank V for n differences: P(V = k), k = 0..n(n+1)/4 + 1.
// R's csignrank counts subsets of {1..n} with sum k; in probabilities each rank enters with
// probability 1/2: P_i(k) = (P_{i-1}(k) + P_{i-1}(k - i)) / 2, all terms positive.
class SignedRankNull {
 public:
  explicit SignedRankNull(int n, long limit = -1) : total_(static_cast<double>(n) * (n + 1) / 2.0) {
    if (n > kMaxExactSignedRankN) {
      throw StatsError(detail::cat("the exact signed-rank distribution for ", n,
                                   " non-zero differences is too costly (more than ",
                                   kMaxExactSignedRankN,
                                   "); use method \"asymptotic\" (normal approximation)"));
    }
    const long total = static_cast<long>(n) * (n + 1) / 2;
    limit = limit < 0 ? total / 2 + 1 : limit;
    limit = std::min(total, limit);
    pmf_.assign(static_cast<std::size_t>(limit) + 1, 0.0);
    pmf_[0] = 1.0;
    for (long i = 1; i <= n; ++i) {
      const long top = std::min(limit, i * (i + 1) / 2);
      for (long k = top; k >= i; --k) {
        pmf_[static_cast<std::size_t>(k)] =
            0.5 * (pmf_[static_cast<std::size_t>(k)] + pmf_[static_cast<std::size_t>(k - i)]);
      }
      for (long k = std::min(i - 1, top); k >= 0; --k) pmf_[static_cast<std::size_t>(k)] *= 0.5;
    }
  }

  // R's psignrank: x rounded to nearest (R_forceint, with R's 1e-7 fuzz), then the symmetric sum.
  double cdf(double x, bool lower_tail) const {
    return symmetric_cdf(*this, std::nearbyint(x + 1e-7), total_, lower_tail);
  }

  // R's qsignrank.
  double quantile(double x) const { return symmetric_quantile(*this, x, total_); }

  // The largest k that cdf(x) reads.
  static long cdf_limit(double x, double total) {
    x = std::nearbyint(x + 1e-7);
    if (x < 0.0 || x >= total) return 0;
    return x <= total / 2.0 ? static_cast<long>(x) : static_cast<long>(total - x) - 1;
  }

 private:
  template <class D>
  friend double symmetric_cdf(const D& dist, double q, double total, bool lower_tail);
  template <class D>
  friend double symmetric_quantile(const D& dist, double x, double total);

  double at(long k) const {
    return k < static_cast<long>(pmf_.size()) ? pmf_[static_cast<std::size_t>(k)] : 0.0;
  }

  double total_;
  std::vector<double> pmf_;
};

// The exact confidence interval of R's wilcox.test(conf.int = TRUE) from the sorted candidate
// values (pairwise differences for the rank sum, Walsh averages for the signed rank) and the null
// distribution of the statistic on 0..total: qu = quantile(alpha/2) (one-sided: alpha), at least 1;
// CI = [sorted[qu], sorted[total - qu + 1]] (1-based). `achieved` is the tail probability the
// interval really has, for the note when the requested level cannot be reached.
struct ExactInterval {
  Interval ci;
  double achieved = 0.0;
};

template <class Null>
ExactInterval exact_interval(const Null& null, const std::vector<double>& sorted, double total,
                             Alternative alternative, double alpha) {
  auto at = [&](double one_based) { return sorted[static_cast<std::size_t>(one_based) - 1]; };
  const bool two_sided = alternative == Alternative::kTwoSided;
  double qu = null.quantile(two_sided ? alpha / 2.0 : alpha);
  if (qu == 0.0) qu = 1.0;
  const double ql = total - qu;
  const double tail = null.cdf(std::trunc(qu) - 1.0, true);
  ExactInterval out;
  switch (alternative) {
    case Alternative::kTwoSided:
      out.ci = Interval{at(qu), at(ql + 1.0)};
      out.achieved = 2.0 * tail;
      break;
    case Alternative::kGreater:
      out.ci = Interval{at(qu), kInf};
      out.achieved = tail;
      break;
    case Alternative::kLess:
      out.ci = Interval{-kInf, at(ql + 1.0)};
      out.achieved = tail;
      break;
  }
  return out;
}

void require_finite_mu(double mu) {
  if (!std::isfinite(mu)) {
    throw StatsError(
        detail::cat("mu is ", mu, ", but must be a finite number (the null location)"));
  }
}

bool has_ties(std::span<const double> values) {
  std::vector<double> sorted(values.begin(), values.end());
  std::sort(sorted.begin(), sorted.end());
  return std::adjacent_find(sorted.begin(), sorted.end()) != sorted.end();
}

int checked_size(std::size_t n, std::string_view name) {
  if (n > static_cast<std::size_t>(std::numeric_limits<int>::max() / 4)) {
    throw StatsError(detail::cat(name, " has ", n, " values, more than rank tests support"));
  }
  return static_cast<int>(n);
}

// ---------------------------------------------------------------------------------------------
// Mann-Whitney

// The tail an exact rank-sum p-value sums (R's wilcox.test): two-sided uses the upper tail above
// the centre n1 n2 / 2, the lower tail below; upper tails read P(U > w - 1) = P(U >= w).
struct ExactTail {
  bool upper;
  double q;
};
ExactTail exact_rank_sum_tail(double w, double mn, Alternative alternative) {
  const bool upper = alternative == Alternative::kGreater ||
                     (alternative == Alternative::kTwoSided && w > mn / 2.0);
  return {upper, upper ? w - 1.0 : w};
}
double exact_rank_sum_p(const RankSumNull& null, const ExactTail& tail, Alternative alternative) {
  const double p = null.cdf(tail.q, !tail.upper);
  return alternative == Alternative::kTwoSided ? std::min(2.0 * p, 1.0) : p;
}

// R's rank(c(x - shift, y)): the pooled sample and the sum of x's average ranks in it.
struct PooledRanks {
  std::vector<double> pooled;
  double x_rank_sum = 0.0;
};
PooledRanks pooled_ranks(std::span<const double> x, std::span<const double> y, double shift) {
  PooledRanks out;
  out.pooled.reserve(x.size() + y.size());
  for (double v : x) out.pooled.push_back(v - shift);
  out.pooled.insert(out.pooled.end(), y.begin(), y.end());
  const std::vector<double> ranks = average_ranks(out.pooled);
  for (std::size_t i = 0; i < x.size(); ++i) out.x_rank_sum += ranks[i];
  return out;
}

// Standardized rank-sum statistic of (x - d, y): the function R's wilcox.test passes to uniroot
// for the Hodges-Lehmann estimate and CI of the normal approximation.
double rank_sum_z(std::span<const double> x, std::span<const double> y, double d,
                  Alternative alternative, bool continuity) {
  const double nx = static_cast<double>(x.size());
  const double ny = static_cast<double>(y.size());
  const PooledRanks ranked = pooled_ranks(x, y, d);
  const double ties = tie_correction_sum(ranked.pooled);
  const double dz = ranked.x_rank_sum - nx * (nx + 1.0) / 2.0 - nx * ny / 2.0;
  const double correction = continuity_correction(dz, alternative, continuity);
  const double sigma =
      std::sqrt((nx * ny / 12.0) * ((nx + ny + 1.0) - ties / ((nx + ny) * (nx + ny - 1.0))));
  return (dz - correction) / sigma;
}

void rank_sum_exact_ci(std::span<const double> x, std::span<const double> y,
                       const RankSumNull& null, const MannWhitneyOptions& o, TestResult& r) {
  std::vector<double> diffs;
  diffs.reserve(x.size() * y.size());
  for (double xi : x) {
    for (double yj : y) diffs.push_back(xi - yj);
  }
  std::sort(diffs.begin(), diffs.end());
  const double alpha = 1.0 - o.conf_level;
  const double mn = null.cells();
  // R: qu = qwilcox(alpha/2); CI = [diffs[qu], diffs[n1 n2 - qu + 1]] (1-based).
  const ExactInterval exact = exact_interval(null, diffs, mn, o.alternative, alpha);
  r.ci = exact.ci;
  const double achieved = exact.achieved;
  r.conf_level = o.conf_level;
  if (achieved - alpha > alpha / 2.0) {
    r.conf_level = 1.0 - achieved;
    append_note(r.note, detail::cat("requested conf_level ", o.conf_level,
                                    " is not achievable with these sample sizes; the CI has level ",
                                    r.conf_level));
  }
  r.estimate = sorted_median(diffs);
}

void rank_sum_normal_ci(std::span<const double> x, std::span<const double> y,
                        const MannWhitneyOptions& o, TestResult& r) {
  const double alpha = 1.0 - o.conf_level;
  const double mumin =
      *std::min_element(x.begin(), x.end()) - *std::max_element(y.begin(), y.end());
  const double mumax =
      *std::max_element(x.begin(), x.end()) - *std::min_element(y.begin(), y.end());
  r.conf_level = o.conf_level;
  if (mumin == mumax) {
    // x and y are each constant: every difference x_i - y_j is the same number. R's uniroot
    // stops on a NaN here; the shift is known exactly.
    r.estimate = mumin;
    r.ci = Interval{o.alternative == Alternative::kLess ? -kInf : mumin,
                    o.alternative == Alternative::kGreater ? kInf : mumin};
    append_note(r.note, detail::cat("x and y are each constant: the location shift is exactly ",
                                    mumin, " and the CI is that point"));
    return;
  }
  auto w = [&](double d) { return rank_sum_z(x, y, d, o.alternative, o.continuity); };
  const double w_min = w(mumin);
  const double w_max = w(mumax);
  // R's root(): clamps to the ends when the level is outside the reachable range.
  auto root = [&](double zq) {
    const double f_lower = w_min - zq;
    if (f_lower <= 0.0) return mumin;
    const double f_upper = w_max - zq;
    if (f_upper >= 0.0) return mumax;
    return zeroin(
        mumin, mumax, f_lower, f_upper, [&](double d) { return w(d) - zq; }, kRootTol,
        kRootMaxIter);
  };
  switch (o.alternative) {
    case Alternative::kTwoSided:
      r.ci = Interval{root(qnorm(alpha / 2.0, false)), root(qnorm(alpha / 2.0, true))};
      break;
    case Alternative::kGreater:
      r.ci = Interval{root(qnorm(alpha, false)), kInf};
      break;
    case Alternative::kLess:
      r.ci = Interval{-kInf, root(qnorm(alpha, true))};
      break;
  }
  // R: correct <- FALSE; uniroot(W, lower = mumin, upper = mumax, tol = 1e-4)$root. The
  // estimate has no continuity correction, so it is the same for every alternative.
  auto w0 = [&](double d) { return rank_sum_z(x, y, d, o.alternative, false); };
  const double w0_min = w0(mumin);
  const double w0_max = w0(mumax);
  if (sign_of(w0_min) * sign_of(w0_max) <= 0.0) {
    r.estimate = zeroin(mumin, mumax, w0_min, w0_max, w0, kRootTol, kRootMaxIter);
  } else {
    // R stops with "f() values at end points not of opposite sign"; the median of the
    // differences is the Hodges-Lehmann estimate the root approximates.
    std::vector<double> diffs;
    for (double xi : x) {
      for (double yj : y) diffs.push_back(xi - yj);
    }
    std::sort(diffs.begin(), diffs.end());
    r.estimate = sorted_median(diffs);
    append_note(r.note,
                "the standardized statistic does not change sign over the range of "
                "differences; the estimate is the median of the differences");
  }
}

// ---------------------------------------------------------------------------------------------
// Signed rank

// R's W(d) of wilcox.test's signed-rank CI: the standardized V of x - d, zeros dropped.
double signed_rank_z(const std::vector<double>& x, double d, Alternative alternative,
                     bool continuity) {
  std::vector<double> xd;
  xd.reserve(x.size());
  for (double v : x) {
    const double diff = v - d;
    if (diff != 0.0) xd.push_back(diff);
  }
  const double nx = static_cast<double>(xd.size());
  std::vector<double> abs_xd(xd.size());
  for (std::size_t i = 0; i < xd.size(); ++i) abs_xd[i] = std::abs(xd[i]);
  const std::vector<double> ranks = average_ranks(abs_xd);
  double positive = 0.0;
  for (std::size_t i = 0; i < xd.size(); ++i) {
    if (xd[i] > 0.0) positive += ranks[i];
  }
  const double zd = positive - nx * (nx + 1.0) / 4.0;
  const double ties = tie_correction_sum(abs_xd);
  const double sigma = std::sqrt(nx * (nx + 1.0) * (2.0 * nx + 1.0) / 24.0 - ties / 48.0);
  const double correction = continuity_correction(zd, alternative, continuity);
  return (zd - correction) / sigma;
}

void signed_rank_exact_ci(const std::vector<double>& x, const SignedRankNull& null,
                          const WilcoxonOptions& o, TestResult& r) {
  const std::size_t n = x.size();
  std::vector<double> walsh;
  walsh.reserve(n * (n + 1) / 2);
  for (std::size_t i = 0; i < n; ++i) {
    for (std::size_t j = i; j < n; ++j) walsh.push_back(x[i] + x[j]);
  }
  std::sort(walsh.begin(), walsh.end());
  for (double& v : walsh) v /= 2.0;
  const double alpha = 1.0 - o.conf_level;
  const double nd = static_cast<double>(n);
  const double total = nd * (nd + 1.0) / 2.0;
  const ExactInterval exact = exact_interval(null, walsh, total, o.alternative, alpha);
  r.ci = exact.ci;
  const double achieved = exact.achieved;
  r.conf_level = o.conf_level;
  if (achieved - alpha > alpha / 2.0) {
    r.conf_level = 1.0 - signif2(achieved);
    append_note(r.note,
                detail::cat("requested conf_level ", o.conf_level, " is not achievable with ", n,
                            " differences; the CI has level ", r.conf_level));
  }
  r.estimate = sorted_median(walsh);
}

void signed_rank_normal_ci(const std::vector<double>& x, const WilcoxonOptions& o, TestResult& r) {
  double alpha = 1.0 - o.conf_level;
  r.conf_level = o.conf_level;
  const double mumin = *std::min_element(x.begin(), x.end());
  const double mumax = *std::max_element(x.begin(), x.end());
  auto w = [&](double d) { return signed_rank_z(x, d, o.alternative, o.continuity); };
  const double w_min = w(mumin);
  const double w_max = std::isfinite(w_min) ? w(mumax) : std::numeric_limits<double>::quiet_NaN();
  if (!std::isfinite(w_max)) {
    // Every value is the same (non-zero) number; R returns a NaN interval and the midrange.
    const double c = (mumin + mumax) / 2.0;
    r.estimate = c;
    r.ci = Interval{o.alternative == Alternative::kLess ? -kInf : c,
                    o.alternative == Alternative::kGreater ? kInf : c};
    append_note(r.note, detail::cat("every difference equals ", c,
                                    ": the pseudomedian is that value and the CI is that point"));
    return;
  }
  // R's root(): a plain uniroot; its loops below make sure the ends bracket the level.
  auto root = [&](double zq) {
    const double f_lower = w_min - zq;
    const double f_upper = w_max - zq;
    if (sign_of(f_lower) * sign_of(f_upper) > 0.0) {
      // R's uniroot stops here ("not of opposite sign"); take the nearer end.
      return f_lower <= 0.0 ? mumin : mumax;
    }
    return zeroin(
        mumin, mumax, f_lower, f_upper, [&](double d) { return w(d) - zq; }, kRootTol,
        kRootMaxIter);
  };
  auto note_unachievable = [&]() {
    if (alpha >= 1.0 || 1.0 - o.conf_level < alpha * 0.75) {
      r.conf_level = 1.0 - std::min(1.0, alpha);
      append_note(r.note, detail::cat("requested conf_level ", o.conf_level,
                                      " is not achievable; the CI has level ", r.conf_level));
    }
  };
  const double median_x = [&] {
    std::vector<double> sorted = x;
    std::sort(sorted.begin(), sorted.end());
    return sorted_median(sorted);
  }();
  // R doubles alpha until the requested quantiles lie within [W(max x), W(min x)].
  switch (o.alternative) {
    case Alternative::kTwoSided: {
      while (alpha < 2.0 &&
             (w_min - qnorm(alpha / 2.0, false) < 0.0 || w_max - qnorm(alpha / 2.0, true) > 0.0)) {
        alpha *= 2.0;
      }
      note_unachievable();
      if (alpha < 1.0) {
        r.ci = Interval{root(qnorm(alpha / 2.0, false)), root(qnorm(alpha / 2.0, true))};
      } else {
        r.ci = Interval{median_x, median_x};
      }
      break;
    }
    case Alternative::kGreater: {
      while (alpha < 2.0 && w_min - qnorm(alpha, false) < 0.0) alpha *= 2.0;
      note_unachievable();
      r.ci = Interval{alpha < 1.0 ? root(qnorm(alpha, false)) : median_x, kInf};
      break;
    }
    case Alternative::kLess: {
      // R checks with qnorm(alpha / 2) here but solves at qnorm(alpha) (R 4.2.2 as is).
      while (alpha < 2.0 && w_max - qnorm(alpha / 2.0, true) > 0.0) alpha *= 2.0;
      note_unachievable();
      r.ci = Interval{-kInf, alpha < 1.0 ? root(qnorm(alpha, true)) : median_x};
      break;
    }
  }
  // R: correct <- FALSE; uniroot(W, lower = mumin, upper = mumax, tol = 1e-4)$root: no
  // continuity correction in the estimate.
  auto w0 = [&](double d) { return signed_rank_z(x, d, o.alternative, false); };
  const double w0_min = w0(mumin);
  const double w0_max = w0(mumax);
  if (sign_of(w0_min) * sign_of(w0_max) <= 0.0) {
    r.estimate = zeroin(mumin, mumax, w0_min, w0_max, w0, kRootTol, kRootMaxIter);
  } else {
    r.estimate = median_x;
    append_note(r.note,
                "the standardized statistic does not change sign over the range of the "
                "data; the estimate is the median");
  }
}

TestResult signed_rank_impl(std::span<const double> d, bool paired, const WilcoxonOptions& o) {
  require_finite_mu(o.mu);
  if (o.conf_int) require_level(o.conf_level, "conf_level");
  TestResult r;
  r.alternative = o.alternative;
  r.statistic_name = "V";
  r.conf_level = o.conf_level;
  // R: x <- x - mu; zeros dropped (kWilcox) or kept for ranking (kPratt, kZsplit).
  std::vector<double> shifted(d.size());
  for (std::size_t i = 0; i < d.size(); ++i) shifted[i] = d[i] - o.mu;
  std::vector<double> nonzero;
  for (double v : shifted) {
    if (v != 0.0) nonzero.push_back(v);
  }
  const std::size_t n_zero = shifted.size() - nonzero.size();
  std::string zero_label;
  if (o.zero_method != ZeroMethod::kWilcox) {
    zero_label = detail::cat(" (zero_method ", to_string(o.zero_method), ")");
  }

  if (nonzero.empty()) {
    r.method = "Wilcoxon signed rank test";
    r.statistic = 0.0;
    r.p_value = 1.0;
    r.degenerate = true;
    if (o.conf_int) {
      r.estimate = o.mu;
      r.ci = Interval{o.mu, o.mu};
    }
    r.note = paired ? detail::cat("all paired differences are zero: x - y",
                                  o.mu != 0.0 ? detail::cat(" equals mu = ", o.mu) : std::string(),
                                  " for every pair, so the signed-rank test has no information "
                                  "and p = 1; ",
                                  kVarianceHint)
                    : detail::cat("no variance: every value of x equals mu = ", o.mu,
                                  ", so the signed-rank test has no information and p = 1; ",
                                  kVarianceHint);
    return r;
  }

  const double n = static_cast<double>(nonzero.size());
  std::vector<double> abs_nonzero(nonzero.size());
  for (std::size_t i = 0; i < nonzero.size(); ++i) abs_nonzero[i] = std::abs(nonzero[i]);
  const std::vector<double> ranks = average_ranks(abs_nonzero);
  const bool ties = has_ties(abs_nonzero);
  const bool zeros = n_zero > 0;
  const bool want_exact =
      o.method == RankMethod::kExact || (o.method == RankMethod::kAuto && nonzero.size() < 50);

  if (zeros && o.zero_method != ZeroMethod::kWilcox) {
    // Pratt / zero-split with zeros present: scipy 1.10 wilcoxon(mode="approx") formulas.
    const double count = static_cast<double>(shifted.size());
    const double nz = static_cast<double>(n_zero);
    std::vector<double> abs_all(shifted.size());
    for (std::size_t i = 0; i < shifted.size(); ++i) abs_all[i] = std::abs(shifted[i]);
    const std::vector<double> all_ranks = average_ranks(abs_all);
    double r_plus = 0.0;
    double r_zero = 0.0;
    std::vector<double> nonzero_ranks;
    for (std::size_t i = 0; i < shifted.size(); ++i) {
      if (shifted[i] > 0.0) r_plus += all_ranks[i];
      if (shifted[i] == 0.0) {
        r_zero += all_ranks[i];
      } else {
        nonzero_ranks.push_back(all_ranks[i]);
      }
    }
    double mean = count * (count + 1.0) * 0.25;
    double var24 = count * (count + 1.0) * (2.0 * count + 1.0);
    double tie_term = 0.0;
    if (o.zero_method == ZeroMethod::kZsplit) {
      r_plus += r_zero / 2.0;
      tie_term = tie_correction_sum(all_ranks);
    } else {
      // Cureton (1967): the zeros' ranks 1..n0 leave the null distribution.
      mean -= nz * (nz + 1.0) * 0.25;
      var24 -= nz * (nz + 1.0) * (2.0 * nz + 1.0);
      tie_term = tie_correction_sum(nonzero_ranks);
    }
    var24 -= 0.5 * tie_term;
    const double se = std::sqrt(var24 / 24.0);
    const double correction = continuity_correction(r_plus - mean, o.alternative, o.continuity);
    const double z = (r_plus - mean - correction) / se;
    r.statistic = r_plus;
    r.p_value = std::min(1.0, normal_p_value(z, o.alternative));
    r.method = detail::cat("Wilcoxon signed rank test", zero_label,
                           o.continuity ? " with continuity correction" : "");
    if (want_exact) {
      append_note(r.note,
                  "cannot compute an exact p-value with zero differences; used the "
                  "normal approximation (as R and scipy)");
    }
  } else {
    double v = 0.0;
    for (std::size_t i = 0; i < nonzero.size(); ++i) {
      if (nonzero[i] > 0.0) v += ranks[i];
    }
    r.statistic = v;
    if (want_exact && !ties && !zeros) {
      // R: two-sided uses the upper tail above the centre n(n+1)/4, the lower tail below.
      const bool upper = o.alternative == Alternative::kGreater ||
                         (o.alternative == Alternative::kTwoSided && v > n * (n + 1.0) / 4.0);
      const double q = upper ? v - 1.0 : v;
      const SignedRankNull null(
          static_cast<int>(nonzero.size()),
          o.conf_int ? -1 : SignedRankNull::cdf_limit(q, n * (n + 1.0) / 2.0));
      r.exact = true;
      r.method = "Wilcoxon signed rank exact test";
      const double p = null.cdf(q, !upper);
      r.p_value = o.alternative == Alternative::kTwoSided ? std::min(2.0 * p, 1.0) : p;
      if (o.conf_int) {
        std::vector<double> x = nonzero;
        for (double& xi : x) xi += o.mu;  // R: x <- x + mu
        signed_rank_exact_ci(x, null, o, r);
      }
      return r;
    }
    const double ties_sum = tie_correction_sum(abs_nonzero);
    double z = v - n * (n + 1.0) / 4.0;
    const double sigma = std::sqrt(n * (n + 1.0) * (2.0 * n + 1.0) / 24.0 - ties_sum / 48.0);
    const double correction = continuity_correction(z, o.alternative, o.continuity);
    z = (z - correction) / sigma;
    r.p_value = normal_p_value(z, o.alternative);
    r.method = detail::cat("Wilcoxon signed rank test", zero_label,
                           o.continuity ? " with continuity correction" : "");
    if (want_exact && ties) {
      append_note(r.note,
                  "cannot compute an exact p-value with ties; used the normal "
                  "approximation (as R)");
    }
    if (want_exact && zeros) {
      append_note(r.note,
                  "cannot compute an exact p-value with zero differences; used the "
                  "normal approximation (as R)");
    }
  }
  if (o.conf_int) {
    std::vector<double> x = nonzero;
    for (double& xi : x) xi += o.mu;  // R: x <- x + mu, after dropping the zeros
    signed_rank_normal_ci(x, o, r);
  }
  return r;
}

TestResult sign_test_impl(std::span<const double> d, bool paired, const SignTestOptions& o) {
  require_finite_mu(o.mu);
  require_level(o.conf_level, "conf_level");
  TestResult r;
  r.alternative = o.alternative;
  r.statistic_name = "S";
  r.method = "Exact binomial sign test";
  r.exact = true;
  r.conf_level = o.conf_level;
  long positive = 0;
  long negative = 0;
  for (double v : d) {
    const double s = v - o.mu;
    if (s > 0.0) ++positive;
    if (s < 0.0) ++negative;
  }
  const long n = positive + negative;
  if (n == 0) {
    r.statistic = 0.0;
    r.p_value = 1.0;
    r.degenerate = true;
    r.note =
        paired ? detail::cat(
                     "all paired differences are zero: the sign test has no "
                     "non-zero difference to count and p = 1; ",
                     kVarianceHint)
               : detail::cat("no variance: every value of x equals mu = ", o.mu,
                             ", so the sign test has nothing to count and p = 1; ", kVarianceHint);
    return r;
  }
  const auto trials = static_cast<double>(n);
  const auto x = static_cast<double>(positive);
  r.statistic = x;
  const boost::math::binomial_distribution<double> binom(trials, 0.5);
  auto pbinom = [&](double k) {
    return k < 0.0 ? 0.0 : boost::math::cdf(binom, std::min(k, trials));
  };
  auto pbinom_upper = [&](double k) {
    if (k < 0.0) return 1.0;
    if (k >= trials) return 0.0;
    return boost::math::cdf(boost::math::complement(binom, k));
  };
  auto dbinom = [&](double k) { return boost::math::pdf(binom, k); };
  switch (o.alternative) {
    case Alternative::kLess:
      r.p_value = pbinom(x);
      break;
    case Alternative::kGreater:
      r.p_value = pbinom_upper(x - 1.0);
      break;
    case Alternative::kTwoSided: {
      // binom.test: add the probabilities of the outcomes on the other side that are no more
      // likely than the observed one (relative tolerance 1 + 1e-7).
      const double rel_err = 1.0 + 1e-7;
      const double d0 = dbinom(x);
      const double m = trials * 0.5;
      if (x == m) {
        r.p_value = 1.0;
      } else if (x < m) {
        double y = 0.0;
        for (double i = std::ceil(m); i <= trials; i += 1.0) {
          if (dbinom(i) <= d0 * rel_err) y += 1.0;
        }
        r.p_value = pbinom(x) + pbinom_upper(trials - y);
      } else {
        double y = 0.0;
        for (double i = 0.0; i <= std::floor(m); i += 1.0) {
          if (dbinom(i) <= d0 * rel_err) y += 1.0;
        }
        r.p_value = pbinom(y - 1.0) + pbinom_upper(x - 1.0);
      }
      r.p_value = std::min(1.0, r.p_value);
      break;
    }
  }
  // Clopper-Pearson interval of binom.test.
  auto lower_end = [&](double a) {
    return x == 0.0 ? 0.0 : boost::math::ibeta_inv(x, trials - x + 1.0, a);
  };
  auto upper_end = [&](double a) {
    return x == trials ? 1.0 : boost::math::ibetac_inv(x + 1.0, trials - x, a);
  };
  const double alpha = 1.0 - o.conf_level;
  switch (o.alternative) {
    case Alternative::kLess:
      r.ci = Interval{0.0, upper_end(alpha)};
      break;
    case Alternative::kGreater:
      r.ci = Interval{lower_end(alpha), 1.0};
      break;
    case Alternative::kTwoSided:
      r.ci = Interval{lower_end(alpha / 2.0), upper_end(alpha / 2.0)};
      break;
  }
  r.estimate = x / trials;
  return r;
}

}  // namespace

std::string_view to_string(RankMethod method) {
  switch (method) {
    case RankMethod::kAuto:
      return "auto";
    case RankMethod::kExact:
      return "exact";
    case RankMethod::kAsymptotic:
      return "asymptotic";
  }
  return "auto";
}

RankMethod parse_rank_method(std::string_view text, std::string_view field) {
  if (text == "auto") return RankMethod::kAuto;
  if (text == "exact") return RankMethod::kExact;
  if (text == "asymptotic" || text == "approx" || text == "normal") return RankMethod::kAsymptotic;
  throw StatsError(detail::cat(field, " is \"", text,
                               "\", but must be one of \"auto\", \"exact\", \"asymptotic\""));
}

std::string_view to_string(ZeroMethod method) {
  switch (method) {
    case ZeroMethod::kWilcox:
      return "wilcox";
    case ZeroMethod::kPratt:
      return "pratt";
    case ZeroMethod::kZsplit:
      return "zsplit";
  }
  return "wilcox";
}

ZeroMethod parse_zero_method(std::string_view text, std::string_view field) {
  if (text == "wilcox") return ZeroMethod::kWilcox;
  if (text == "pratt") return ZeroMethod::kPratt;
  if (text == "zsplit") return ZeroMethod::kZsplit;
  throw StatsError(detail::cat(field, " is \"", text,
                               "\", but must be one of \"wilcox\", \"pratt\", \"zsplit\""));
}

TestResult mann_whitney(std::span<const double> x, std::span<const double> y,
                        const MannWhitneyOptions& o) {
  require_finite(x, "x");
  require_finite(y, "y");
  require_finite_mu(o.mu);
  if (o.conf_int) require_level(o.conf_level, "conf_level");
  const int m = checked_size(x.size(), "x");
  const int n = checked_size(y.size(), "y");
  const double nx = static_cast<double>(m);
  const double ny = static_cast<double>(n);

  TestResult r;
  r.alternative = o.alternative;
  r.statistic_name = "W";
  r.conf_level = o.conf_level;
  // R: r <- rank(c(x - mu, y)); W = sum of x's ranks - n1 (n1 + 1) / 2.
  const PooledRanks ranked = pooled_ranks(x, y, o.mu);
  const std::vector<double>& combined = ranked.pooled;
  const double w = ranked.x_rank_sum - nx * (nx + 1.0) / 2.0;
  r.statistic = w;

  if (is_constant(combined)) {
    r.method = "Wilcoxon rank sum test";
    r.statistic = nx * ny / 2.0;
    r.p_value = 1.0;
    r.degenerate = true;
    if (o.conf_int) {
      const double shift = x[0] - y[0];
      r.estimate = shift;
      r.ci = Interval{shift, shift};
    }
    r.note = detail::cat("no variance: every value of x", o.mu != 0.0 ? " - mu" : "",
                         " and y is the same number, so the rank-sum test has no information "
                         "and p = 1; ",
                         kVarianceHint);
    return r;
  }

  const bool ties = has_ties(combined);
  const bool want_exact =
      o.method == RankMethod::kExact || (o.method == RankMethod::kAuto && m < 50 && n < 50);
  if (want_exact && !ties) {
    const ExactTail tail = exact_rank_sum_tail(w, nx * ny, o.alternative);
    const RankSumNull null(m, n, o.conf_int ? -1 : RankSumNull::cdf_limit(tail.q, nx * ny));
    r.exact = true;
    r.method = "Wilcoxon rank sum exact test";
    r.p_value = exact_rank_sum_p(null, tail, o.alternative);
    if (o.conf_int) rank_sum_exact_ci(x, y, null, o, r);
    return r;
  }

  // Normal approximation with the tie-corrected variance (R's wilcox.test).
  const double ties_sum = tie_correction_sum(combined);
  double z = w - nx * ny / 2.0;
  const double sigma =
      std::sqrt((nx * ny / 12.0) * ((nx + ny + 1.0) - ties_sum / ((nx + ny) * (nx + ny - 1.0))));
  const double correction = continuity_correction(z, o.alternative, o.continuity);
  z = (z - correction) / sigma;
  r.p_value = normal_p_value(z, o.alternative);
  r.method =
      o.continuity ? "Wilcoxon rank sum test with continuity correction" : "Wilcoxon rank sum test";
  if (want_exact) {
    append_note(r.note,
                "cannot compute an exact p-value with ties; used the normal "
                "approximation (as R)");
  }
  if (o.conf_int) rank_sum_normal_ci(x, y, o, r);
  return r;
}

TestResult wilcoxon_signed_rank(std::span<const double> x, std::span<const double> y,
                                const WilcoxonOptions& options) {
  require_finite(x, "x");
  require_finite(y, "y");
  require_same_length(x, y);
  std::vector<double> d(x.size());
  for (std::size_t i = 0; i < x.size(); ++i) d[i] = x[i] - y[i];  // R: x[OK] - y[OK]
  return signed_rank_impl(d, true, options);
}

TestResult wilcoxon_signed_rank(std::span<const double> x, const WilcoxonOptions& options) {
  require_finite(x, "x");
  return signed_rank_impl(x, false, options);
}

TestResult sign_test(std::span<const double> x, std::span<const double> y,
                     const SignTestOptions& options) {
  require_finite(x, "x");
  require_finite(y, "y");
  require_same_length(x, y);
  std::vector<double> d(x.size());
  for (std::size_t i = 0; i < x.size(); ++i) d[i] = x[i] - y[i];
  return sign_test_impl(d, true, options);
}

TestResult sign_test(std::span<const double> x, const SignTestOptions& options) {
  require_finite(x, "x");
  return sign_test_impl(x, false, options);
}

namespace {
void require_probability(double p) {
  if (!(p >= 0.0 && p <= 1.0)) {
    throw StatsError(detail::cat("p is ", p, ", but must be in [0, 1]"));
  }
}
void require_positive_size(int v, std::string_view name) {
  if (v < 1) throw StatsError(detail::cat(name, " is ", v, ", but must be at least 1"));
}
}  // namespace

double rank_sum_cdf(double q, int m, int n, bool lower_tail) {
  require_positive_size(m, "m");
  require_positive_size(n, "n");
  if (std::isnan(q)) throw StatsError("q is nan, but must be a number");
  return RankSumNull(m, n, RankSumNull::cdf_limit(q, static_cast<double>(m) * n))
      .cdf(q, lower_tail);
}

// The full distribution (no cdf limit): its entries below any limit equal those of a limited
// build (the counting recursion only reads lower indices), so p-values are the same bits.
struct RankSumExact::Impl {
  Impl(int m_in, int n_in)
      : null(m_in, n_in), m(m_in), n(n_in), mn(static_cast<double>(m_in) * n_in) {}
  RankSumNull null;
  int m;
  int n;
  double mn;
};

RankSumExact::RankSumExact(int m, int n) {
  require_positive_size(m, "m");
  require_positive_size(n, "n");
  impl_ = std::make_unique<const Impl>(m, n);
}
RankSumExact::RankSumExact(RankSumExact&&) noexcept = default;
RankSumExact& RankSumExact::operator=(RankSumExact&&) noexcept = default;
RankSumExact::~RankSumExact() = default;

double RankSumExact::p_value(double w, Alternative alternative) const {
  return exact_rank_sum_p(impl_->null, exact_rank_sum_tail(w, impl_->mn, alternative), alternative);
}

std::optional<double> RankSumExact::p_value(std::span<const double> x, std::span<const double> y,
                                            Alternative alternative) const {
  if (x.size() != static_cast<std::size_t>(impl_->m) ||
      y.size() != static_cast<std::size_t>(impl_->n)) {
    throw StatsError(detail::cat("x and y have ", x.size(), " and ", y.size(),
                                 " values, but this exact null distribution is for ", impl_->m,
                                 " and ", impl_->n, "; build a RankSumExact for those sizes"));
  }
  const PooledRanks ranked = pooled_ranks(x, y, 0.0);
  if (has_ties(ranked.pooled)) return std::nullopt;
  const auto nx = static_cast<double>(impl_->m);
  return p_value(ranked.x_rank_sum - nx * (nx + 1.0) / 2.0, alternative);
}

double rank_sum_quantile(double p, int m, int n) {
  require_positive_size(m, "m");
  require_positive_size(n, "n");
  require_probability(p);
  return RankSumNull(m, n).quantile(p);
}

double signed_rank_cdf(double q, int n, bool lower_tail) {
  require_positive_size(n, "n");
  if (std::isnan(q)) throw StatsError("q is nan, but must be a number");
  const double total = static_cast<double>(n) * (n + 1) / 2.0;
  return SignedRankNull(n, SignedRankNull::cdf_limit(q, total)).cdf(q, lower_tail);
}

double signed_rank_quantile(double p, int n) {
  require_positive_size(n, "n");
  require_probability(p);
  return SignedRankNull(n).quantile(p);
}

}  // namespace rigor::stats
