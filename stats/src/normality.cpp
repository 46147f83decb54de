#include "rigor/stats/normality.h"

#include <algorithm>
#include <boost/math/distributions/normal.hpp>
#include <cmath>
#include <vector>

#include "message.h"

namespace rigor::stats {
namespace {

// Polynomial cc[0] + cc[1] x + ... + cc[n-1] x^(n-1), evaluated as AS 181.2 (Royston 1982,
// Applied Statistics 31:176) and R's swilk.c poly() do, so rounding matches R.
double poly(const double* cc, int nord, double x) {
  double result = cc[0];
  if (nord > 1) {
    double p = x * cc[nord - 1];
    for (int j = nord - 2; j > 0; --j) p = (p + cc[j]) * x;
    result += p;
  }
  return result;
}

struct SwilkResult {
  double w;
  double p;
};

// W and its p-value for sorted x, n = x.size() in [3, 5000], range > 0: algorithm AS R94
// (Royston 1995) as R's src/library/stats/src/swilk.c runs it (R 4.2.2), step for step.
SwilkResult swilk(const std::vector<double>& x) {
  const int n = static_cast<int>(x.size());
  const int nn2 = n / 2;
  std::vector<double> a(static_cast<std::size_t>(nn2) + 1);  // 1-based, as in AS R94

  // Polynomial coefficients of AS R94 (Royston 1995, table 1 and eq. for m, s).
  static constexpr double g[2] = {-2.273, .459};
  static constexpr double c1[6] = {0., .221157, -.147981, -2.07119, 4.434685, -2.706056};
  static constexpr double c2[6] = {0., .042981, -.293762, -1.752461, 5.682633, -3.582633};
  static constexpr double c3[4] = {.544, -.39978, .025054, -6.714e-4};
  static constexpr double c4[4] = {1.3822, -.77857, .062767, -.0020322};
  static constexpr double c5[4] = {-1.5861, -.31082, -.083751, .0038915};
  static constexpr double c6[3] = {-.4803, -.082676, .0030302};

  const double an = static_cast<double>(n);
  const boost::math::normal_distribution<double> standard;

  // Coefficients a_i: Royston's approximation to the normalised expected normal order statistics.
  if (n == 3) {
    a[1] = 0.70710678;  // sqrt(1/2) to 8 digits, as AS R94 and R have it
  } else {
    const double an25 = an + .25;
    double summ2 = 0.0;
    for (int i = 1; i <= nn2; ++i) {
      // Blom scores m_i = Phi^-1((i - 3/8) / (n + 1/4)).
      a[i] = boost::math::quantile(standard, (i - 0.375) / an25);
      summ2 += a[i] * a[i];
    }
    summ2 *= 2.;
    const double ssumm2 = std::sqrt(summ2);
    const double rsn = 1. / std::sqrt(an);
    const double a1 = poly(c1, 6, rsn) - a[1] / ssumm2;
    int i1;
    double fac;
    if (n > 5) {
      i1 = 3;
      const double a2 = -a[2] / ssumm2 + poly(c2, 6, rsn);
      fac = std::sqrt((summ2 - 2. * (a[1] * a[1]) - 2. * (a[2] * a[2])) /
                      (1. - 2. * (a1 * a1) - 2. * (a2 * a2)));
      a[2] = a2;
    } else {
      i1 = 2;
      fac = std::sqrt((summ2 - 2. * (a[1] * a[1])) / (1. - 2. * (a1 * a1)));
    }
    a[1] = a1;
    for (int i = i1; i <= nn2; ++i) a[i] /= -fac;
  }

  const double range = x[static_cast<std::size_t>(n) - 1] - x[0];
  // Sums of the range-scaled data and of the (antisymmetric) coefficients, in swilk.c's order
  // (its loop also checks the sort order, which holds here, and the range, which is > 0).
  double sx = x[0] / range;
  double sa = -a[1];
  for (int i = 1, j = n - 1; i < n; --j) {
    sx += x[static_cast<std::size_t>(i)] / range;
    ++i;
    if (i != j) sa += (i - j > 0 ? 1.0 : -1.0) * a[static_cast<std::size_t>(std::min(i, j))];
  }

  // W as the squared correlation between the data and the coefficients.
  sa /= n;
  sx /= n;
  double ssa = 0.0;
  double ssx = 0.0;
  double sax = 0.0;
  for (int i = 0, j = n - 1; i < n; ++i, --j) {
    double asa;
    if (i != j) {
      asa = (i - j > 0 ? 1.0 : -1.0) * a[static_cast<std::size_t>(1 + std::min(i, j))] - sa;
    } else {
      asa = -sa;
    }
    const double xsx = x[static_cast<std::size_t>(i)] / range - sx;
    ssa += asa * asa;
    ssx += xsx * xsx;
    sax += asa * xsx;
  }
  // w1 = 1 - W, computed this way to avoid rounding error for W near 1 (AS R94 comment).
  const double ssassx = std::sqrt(ssa * ssx);
  const double w1 = (ssassx - sax) * (ssassx + sax) / (ssa * ssx);
  const double w = 1. - w1;

  if (n == 3) {
    // Exact distribution for n = 3 (Shapiro & Wilk 1965): p = 6/pi (asin(sqrt(W)) -
    // asin(sqrt(3/4))).
    constexpr double kPi6 = 1.90985931710274;   // 6 / pi, as in swilk.c
    constexpr double kStqr = 1.04719755119660;  // asin(sqrt(3/4)) = pi / 3, as in swilk.c
    double pw = kPi6 * (std::asin(std::sqrt(w)) - kStqr);
    if (pw < 0.) pw = 0.;
    return {w, pw};
  }
  double y = std::log(w1);
  const double lxx = std::log(an);
  double m;
  double s;
  if (n <= 11) {
    // Royston 1995: for 4 <= n <= 11, -log(gamma - log(1 - W)) is approximately normal.
    const double gamma = poly(g, 2, an);
    if (y >= gamma) return {w, 1e-99};  // swilk.c's "obvious" value, below any level
    y = -std::log(gamma - y);
    m = poly(c3, 4, an);
    s = std::exp(poly(c4, 4, an));
  } else {
    // n >= 12: log(1 - W) is approximately normal with mean and sd polynomials in log(n).
    m = poly(c5, 4, lxx);
    s = std::exp(poly(c6, 3, lxx));
  }
  const boost::math::normal_distribution<double> fitted(m, s);
  return {w, boost::math::cdf(boost::math::complement(fitted, y))};
}

}  // namespace

TestResult shapiro_wilk(std::span<const double> x) {
  require_finite(x, "x");
  if (x.size() < 3 || x.size() > 5000) {
    throw StatsError(detail::cat("x has ", x.size(), x.size() == 1 ? " value" : " values",
                                 ", but the Shapiro-Wilk test needs between 3 and 5000 (the range "
                                 "Royston's AS R94 approximation is valid for, as in R's "
                                 "shapiro.test)"));
  }
  TestResult r;
  r.method = "Shapiro-Wilk normality test";
  r.statistic_name = "W";
  r.alternative = Alternative::kTwoSided;
  std::vector<double> sorted(x.begin(), x.end());
  std::sort(sorted.begin(), sorted.end());
  const double range = sorted.back() - sorted.front();
  if (range == 0.0) {
    r.statistic = 1.0;
    r.p_value = 1.0;
    r.degenerate = true;
    r.note = detail::cat("no variance: all ", x.size(), " values of x equal ", x[0],
                         ", so normality cannot be assessed (W = 1, p = 1 by convention; R stops "
                         "with \"all 'x' values are identical\"); randomize a variance source "
                         "(init, data order, ...) to test this claim");
    return r;
  }
  // R: if (rng < 1e-10) x <- x / rng, to keep swilk.c's range check (1e-19) from failing.
  if (range < 1e-10) {
    for (double& v : sorted) v /= range;
  }
  const SwilkResult res = swilk(sorted);
  r.statistic = res.w;
  r.p_value = res.p;
  r.exact = x.size() == 3;
  return r;
}

}  // namespace rigor::stats
