#include "rigor/stats/multi_sample.h"

#include <algorithm>
#include <boost/math/special_functions/gamma.hpp>
#include <cmath>
#include <cstddef>
#include <limits>
#include <string>
#include <vector>

#include "message.h"

namespace rigor::stats {
namespace {

constexpr std::string_view kVarianceHint =
    "randomize a variance source (init, data order, ...) to test this claim";

double chi_squared_upper(double statistic, double df) {
  if (statistic <= 0.0) return 1.0;
  return boost::math::gamma_q(df / 2.0, statistic / 2.0);
}

// Validates a rows x columns matrix: >= 2 rows, >= 2 columns, equal lengths, finite values.
void require_matrix(std::span<const std::vector<double>> rows) {
  if (rows.size() < 2) {
    throw StatsError(detail::cat("data has ", rows.size(), rows.size() == 1 ? " row" : " rows",
                                 ", but at least 2 rows (blocks / datasets) are required"));
  }
  const std::size_t k = rows[0].size();
  if (k < 2) {
    throw StatsError(detail::cat("data has ", k, k == 1 ? " column" : " columns",
                                 ", but at least 2 columns (groups / methods) are required"));
  }
  for (std::size_t i = 0; i < rows.size(); ++i) {
    if (rows[i].size() != k) {
      throw StatsError(detail::cat("data[", i, "] has ", rows[i].size(),
                                   " values, but data[0] has ", k,
                                   "; every row (block / dataset) needs one value per column "
                                   "(method)"));
    }
    for (std::size_t j = 0; j < k; ++j) {
      if (!std::isfinite(rows[i][j])) {
        throw StatsError(detail::cat("data[", i, "][", j, "] is ", rows[i][j],
                                     ", but every value must be finite; remove the row or impute "
                                     "it"));
      }
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Studentized range: Copenhaver & Holland (1988), the algorithm of R's ptukey.c / qtukey.c.

// Gauss-Legendre nodes and weights (Stroud & Secrest 1966): the positive half of the 12-point
// rule (inner integral) and of the 16-point rule (outer integral), as quoted in ptukey.c.
constexpr double kLeg12Nodes[6] = {
    0.981560634246719250690549090149, 0.904117256370474856678465866119,
    0.769902674194304687036893833213, 0.587317954286617447296702418941,
    0.367831498998180193752691536644, 0.125233408511468915472441369464};
constexpr double kLeg12Weights[6] = {
    0.047175336386511827194615961485, 0.106939325995318430960254718194,
    0.160078328543346226334652529543, 0.203167426723065921749064455810,
    0.233492536538354808760849898925, 0.249147045813402785000562436043};
constexpr double kLeg16Nodes[8] = {
    0.989400934991649932596154173450, 0.944575023073232576077988415535,
    0.865631202387831743880467897712, 0.755404408355003033895101194847,
    0.617876244402643748446671764049, 0.458016777657227386342419442984,
    0.281603550779258913230460501460, 0.950125098376374401853193354250e-1};
constexpr double kLeg16Weights[8] = {
    0.271524594117540948517805724560e-1, 0.622535239386478928628438369944e-1,
    0.951585116824927848099251076022e-1, 0.124628971255533872052476282192,
    0.149595988816576732081501730547,    0.169156519395002538189312079030,
    0.182603415044923588866763667969,    0.189450610455068496285396723208};
constexpr double kInvSqrt2Pi = 0.398942280401432677939946059934;

// Standard normal cdf as erfc(-z / sqrt 2) / 2 (what Boost's normal cdf computes, without its
// policy overhead: the quadrature calls it ~30000 times per ptukey).
double pnorm(double z) { return 0.5 * std::erfc(-z / std::sqrt(2.0)); }

// P(range of cc standard normals <= w), raised to rr: Hartley's form
//   P = (2 Phi(w/2) - 1)^cc + cc * integral_{w/2}^{inf} phi(u) (Phi(u) - Phi(u - w))^(cc-1) du * 2,
// the integral by 12-point Gauss-Legendre on 2 or 3 pieces of [w/2, 8]. The cut-offs (terms below
// e^-30, e^-50, u^2 > 60) are R's; keeping them keeps the results equal to R's.
double range_probability(double w, double rr, double cc) {
  constexpr double kC1 = -30.0;
  constexpr double kC2 = -50.0;
  constexpr double kC3 = 60.0;
  constexpr double kUpper = 8.0;
  const double half = w * 0.5;
  if (half >= kUpper) return 1.0;  // the integral's lower bound is already 1 - 5e-14
  double pr_w = 2.0 * pnorm(half) - 1.0;
  pr_w = pr_w >= std::exp(kC2 / cc) ? std::pow(pr_w, cc) : 0.0;
  const double pieces = w > 3.0 ? 2.0 : 3.0;
  // R (4.x) keeps both limits and the sums in long double.
  long double lower = half;
  const double step = (kUpper - half) / pieces;
  long double upper = lower + step;
  long double total = 0.0L;
  const double cc1 = cc - 1.0;
  for (double piece = 1.0; piece <= pieces; piece += 1.0) {
    long double piece_sum = 0.0L;
    const double mid = static_cast<double>(0.5L * (upper + lower));
    const double radius = static_cast<double>(0.5L * (upper - lower));
    for (int jj = 1; jj <= 12; ++jj) {
      int j;
      double node;
      if (jj > 6) {
        j = 12 - jj + 1;
        node = kLeg12Nodes[j - 1];
      } else {
        j = jj;
        node = -kLeg12Nodes[j - 1];
      }
      const double u = mid + radius * node;
      const double u2 = u * u;
      if (u2 > kC3) break;  // the nodes increase: every later term is below e^-30 too
      const double plus = 2.0 * pnorm(u);
      const double minus = 2.0 * pnorm(u - w);
      double inner = plus * 0.5 - minus * 0.5;
      if (inner >= std::exp(kC1 / cc1)) {
        inner = kLeg12Weights[j - 1] * std::exp(-(0.5 * u2)) * std::pow(inner, cc1);
        piece_sum += inner;
      }
    }
    piece_sum *= ((2.0 * radius) * cc) * kInvSqrt2Pi;
    total += piece_sum;
    lower = upper;
    upper += step;
  }
  pr_w = static_cast<double>(total + pr_w);
  if (pr_w <= std::exp(kC1 / rr)) return 0.0;
  pr_w = std::pow(pr_w, rr);
  return pr_w >= 1.0 ? 1.0 : pr_w;
}

// log Gamma(x) as R's lgammafn computes it for x > 10 (Stirling's series plus the Chebyshev
// correction of W. Fullerton's lgammacor, 5 terms): the studentized range density's constant
// depends on it, and a one-ulp difference in lgamma(60) (~180) is a 3e-14 relative difference in
// the whole integral, which shows in upper tails computed as 1 - P. std::lgamma below 10.
double r_lgamma(double x) {
  if (!(x > 10.0)) return std::lgamma(x);
  constexpr double kLnSqrt2Pi = 0.918938533204672741780329736406;
  if (x > 1e17) return x * (std::log(x) - 1.0);
  if (x > 4934720.0) return kLnSqrt2Pi + (x - 0.5) * std::log(x) - x;
  constexpr double kAlgmcs[5] = {
      +.1666389480451863247205729650822e+0, -.1384948176067563840732986059135e-4,
      +.9810825646924729426157171547487e-8, -.1809129475572494194263306266719e-10,
      +.6221098041892605227126015543416e-13};
  // Chebyshev series at t = 2 (10 / x)^2 - 1 (Clenshaw recurrence).
  const double tmp = 10.0 / x;
  const double twox = (tmp * tmp * 2.0 - 1.0) * 2.0;
  double b0 = 0.0;
  double b1 = 0.0;
  double b2 = 0.0;
  for (int i = 1; i <= 5; ++i) {
    b2 = b1;
    b1 = b0;
    b0 = twox * b1 - b2 + kAlgmcs[5 - i];
  }
  const double correction = (b0 - b2) * 0.5 / x;
  return kLnSqrt2Pi + (x - 0.5) * std::log(x) - x + correction;
}

// Lower-tail studentized range probability: the range probability integrated against the
// density of s (chi / sqrt(df)) with 16-point Gauss-Legendre on unit (or shorter) intervals.
double ptukey_lower(double q, double rr, double cc, double df) {
  if (q <= 0.0) return 0.0;
  if (!std::isfinite(q)) return 1.0;
  if (df > 25000.0) return range_probability(q, rr, cc);
  constexpr double kEps1 = -30.0;
  constexpr double kEps2 = 1.0e-14;
  const double f2 = df * 0.5;
  double f2lf = ((f2 * std::log(df)) - (df * std::log(2.0))) - r_lgamma(f2);
  const double f21 = f2 - 1.0;
  const double ff4 = df * 0.25;
  double ulen;
  if (df <= 100.0) {
    ulen = 1.0;
  } else if (df <= 800.0) {
    ulen = 0.5;
  } else if (df <= 5000.0) {
    ulen = 0.25;
  } else {
    ulen = 0.125;
  }
  f2lf += std::log(ulen);
  double ans = 0.0;
  for (int i = 1; i <= 50; ++i) {
    double interval_sum = 0.0;
    const double twa1 = (2.0 * i - 1.0) * ulen;
    for (int jj = 1; jj <= 16; ++jj) {
      int j;
      double t1;
      double point;
      if (jj > 8) {
        j = jj - 8 - 1;
        t1 = (f2lf + (f21 * std::log(twa1 + (kLeg16Nodes[j] * ulen)))) -
             (((kLeg16Nodes[j] * ulen) + twa1) * ff4);
        point = (kLeg16Nodes[j] * ulen) + twa1;
      } else {
        j = jj - 1;
        t1 = (f2lf + (f21 * std::log(twa1 - (kLeg16Nodes[j] * ulen)))) +
             (((kLeg16Nodes[j] * ulen) - twa1) * ff4);
        point = (-(kLeg16Nodes[j] * ulen)) + twa1;
      }
      if (t1 >= kEps1) {  // exp(t1) below 9e-14 adds nothing
        const double qsqz = q * std::sqrt(point * 0.5);
        interval_sum += (range_probability(qsqz, rr, cc) * kLeg16Weights[j]) * std::exp(t1);
      }
    }
    // Stop once an interval adds < 1e-14, after covering at least [0, 1].
    if (i * ulen >= 1.0 && interval_sum <= kEps2) break;
    ans += interval_sum;
  }
  return std::min(ans, 1.0);
}

// Starting value of the secant search: Odeh & Evans (1974, AS 70) via R's qinv.
double qtukey_start(double p, double c, double v) {
  constexpr double p0 = 0.322232421088;
  constexpr double q0 = 0.993484626060e-01;
  constexpr double p1 = -1.0;
  constexpr double q1 = 0.588581570495;
  constexpr double p2 = -0.342242088547;
  constexpr double q2 = 0.531103462366;
  constexpr double p3 = -0.204231210125;
  constexpr double q3 = 0.103537752850;
  constexpr double p4 = -0.453642210148e-04;
  constexpr double q4 = 0.38560700634e-02;
  constexpr double c1 = 0.8832;
  constexpr double c2 = 0.2368;
  constexpr double c3 = 1.214;
  constexpr double c4 = 1.208;
  constexpr double c5 = 1.4142;
  constexpr double vmax = 120.0;
  const double ps = 0.5 - 0.5 * p;
  const double yi = std::sqrt(std::log(1.0 / (ps * ps)));
  double t = yi + ((((yi * p4 + p3) * yi + p2) * yi + p1) * yi + p0) /
                      ((((yi * q4 + q3) * yi + q2) * yi + q1) * yi + q0);
  if (v < vmax) t += (t * t * t + t) / v / 4.0;
  double q = c1 - c2 * t;
  if (v < vmax) q += -c3 / v + c4 * t / v;
  return t * (q * std::log(c - 1.0) + c5);
}

void require_tukey_args(double k, double df, double nranges) {
  if (!(k >= 2.0)) {
    throw StatsError(detail::cat("k (number of means) is ", k, ", but must be at least 2"));
  }
  if (!(df >= 2.0)) {
    throw StatsError(
        detail::cat("df is ", df, ", but must be at least 2 (use +inf for a known variance)"));
  }
  if (!(nranges >= 1.0)) {
    throw StatsError(detail::cat("nranges is ", nranges, ", but must be at least 1"));
  }
}

std::vector<std::vector<double>> column_major(std::span<const std::vector<double>> rows) {
  const std::size_t k = rows[0].size();
  std::vector<std::vector<double>> columns(k, std::vector<double>(rows.size()));
  for (std::size_t i = 0; i < rows.size(); ++i) {
    for (std::size_t j = 0; j < k; ++j) columns[j][i] = rows[i][j];
  }
  return columns;
}

}  // namespace

TestResult kruskal_wallis(std::span<const std::vector<double>> groups) {
  if (groups.size() < 2) {
    throw StatsError(detail::cat("groups has ", groups.size(),
                                 groups.size() == 1 ? " group" : " groups",
                                 ", but at least 2 groups are required"));
  }
  std::vector<double> all;
  for (std::size_t g = 0; g < groups.size(); ++g) {
    if (groups[g].empty()) {
      throw StatsError(detail::cat("groups[", g,
                                   "] is empty, but every group needs at least one "
                                   "value; drop the group"));
    }
    for (std::size_t i = 0; i < groups[g].size(); ++i) {
      if (!std::isfinite(groups[g][i])) {
        throw StatsError(detail::cat("groups[", g, "][", i, "] is ", groups[g][i],
                                     ", but every value must be finite; remove or impute it"));
      }
    }
    all.insert(all.end(), groups[g].begin(), groups[g].end());
  }
  const double n = static_cast<double>(all.size());
  const double k = static_cast<double>(groups.size());
  TestResult r;
  r.method = "Kruskal-Wallis rank sum test";
  r.statistic_name = "chi-squared";
  r.df = k - 1.0;
  r.exact = false;
  if (is_constant(all)) {
    r.statistic = 0.0;
    r.p_value = 1.0;
    r.degenerate = true;
    r.note = detail::cat("no variance: all ", all.size(),
                         " values are the same number, so the groups cannot differ in rank and "
                         "p = 1; ",
                         kVarianceHint);
    return r;
  }
  const std::vector<double> ranks = average_ranks(all);
  // R: sum(tapply(r, g, sum)^2 / tapply(r, g, length)), summed in long double as R's sum().
  long double between = 0.0L;
  std::size_t offset = 0;
  for (const auto& group : groups) {
    double rank_sum = 0.0;
    for (std::size_t i = 0; i < group.size(); ++i) rank_sum += ranks[offset + i];
    offset += group.size();
    between += rank_sum * rank_sum / static_cast<double>(group.size());
  }
  const double ties = tie_correction_sum(all);
  // Kruskal & Wallis (1952), eq. 1.1 divided by the tie correction 1 - sum(t^3 - t)/(N^3 - N).
  const double h = (12.0 * static_cast<double>(between) / (n * (n + 1.0)) - 3.0 * (n + 1.0)) /
                   (1.0 - ties / (n * n * n - n));
  r.statistic = std::max(h, 0.0);  // rounding can leave -1e-15 when the groups' mean ranks agree
  r.p_value = chi_squared_upper(r.statistic, k - 1.0);
  return r;
}

TestResult friedman(std::span<const std::vector<double>> rows) {
  require_matrix(rows);
  const double n = static_cast<double>(rows.size());
  const std::size_t k_size = rows[0].size();
  const double k = static_cast<double>(k_size);
  TestResult r;
  r.method = "Friedman rank sum test";
  r.statistic_name = "chi-squared";
  r.df = k - 1.0;
  std::vector<double> column_rank_sums(k_size, 0.0);
  double ties = 0.0;
  bool all_tied = true;
  for (const auto& row : rows) {
    const std::vector<double> ranks = average_ranks(row);
    for (std::size_t j = 0; j < k_size; ++j) column_rank_sums[j] += ranks[j];
    ties += tie_correction_sum(row);
    all_tied = all_tied && is_constant(row);
  }
  if (all_tied) {
    r.statistic = 0.0;
    r.p_value = 1.0;
    r.degenerate = true;
    r.note = detail::cat("no variance: within every one of the ", rows.size(),
                         " rows all values are tied, so the columns cannot differ in rank and "
                         "p = 1; ",
                         kVarianceHint);
    return r;
  }
  // R's friedman.test: 12 sum (R_j - n (k + 1) / 2)^2 / (n k (k + 1) - sum(t^3 - t) / (k - 1)).
  double ss = 0.0;
  for (double rank_sum : column_rank_sums) {
    const double d = rank_sum - n * (k + 1.0) / 2.0;
    ss += d * d;
  }
  r.statistic = 12.0 * ss / (n * k * (k + 1.0) - ties / (k - 1.0));
  r.p_value = chi_squared_upper(r.statistic, k - 1.0);
  return r;
}

double studentized_range_cdf(double q, double k, double df, bool lower_tail, double nranges) {
  require_tukey_args(k, df, nranges);
  if (std::isnan(q)) throw StatsError("q is nan, but must be a number");
  const double p = ptukey_lower(q, nranges, k, df);
  return lower_tail ? p : 0.5 - p + 0.5;
}

double studentized_range_quantile(double p, double k, double df, double nranges) {
  require_tukey_args(k, df, nranges);
  if (!(p > 0.0 && p < 1.0)) {
    throw StatsError(detail::cat("p is ", p, ", but must be in (0, 1)"));
  }
  // R's qtukey: secant iterations on ptukey(x) - p from qinv's start, stopping when two iterates
  // differ by less than 1e-4 (at most 50 iterations).
  constexpr double kEps = 0.0001;
  constexpr int kMaxIter = 50;
  double x0 = qtukey_start(p, k, df);
  double valx0 = ptukey_lower(x0, nranges, k, df) - p;
  double x1 = valx0 > 0.0 ? std::max(0.0, x0 - 1.0) : x0 + 1.0;
  double valx1 = ptukey_lower(x1, nranges, k, df) - p;
  double ans = x1;
  for (int iter = 1; iter < kMaxIter; ++iter) {
    ans = x1 - ((valx1 * (x1 - x0)) / (valx1 - valx0));
    valx0 = valx1;
    x0 = x1;
    if (ans < 0.0) ans = 0.0;
    valx1 = ptukey_lower(ans, nranges, k, df) - p;
    x1 = ans;
    if (std::abs(x1 - x0) < kEps) return ans;
  }
  return ans;
}

std::vector<double> average_method_ranks(std::span<const std::vector<double>> rows,
                                         bool higher_is_better) {
  require_matrix(rows);
  const std::size_t k = rows[0].size();
  std::vector<double> sums(k, 0.0);
  std::vector<double> keyed(k);
  for (const auto& row : rows) {
    // Rank 1 = best: rank the negated scores when higher is better.
    for (std::size_t j = 0; j < k; ++j) keyed[j] = higher_is_better ? -row[j] : row[j];
    const std::vector<double> ranks = average_ranks(keyed);
    for (std::size_t j = 0; j < k; ++j) sums[j] += ranks[j];
  }
  for (double& s : sums) s /= static_cast<double>(rows.size());
  return sums;
}

PairwiseResult pairwise_wilcoxon(std::span<const std::vector<double>> rows,
                                 const PairwiseWilcoxonOptions& options) {
  require_matrix(rows);
  require_level(options.alpha, "alpha");
  const auto columns = column_major(rows);
  const std::size_t k = columns.size();
  WilcoxonOptions test_options;
  test_options.alternative = Alternative::kTwoSided;
  test_options.method = options.method;
  test_options.zero_method = options.zero_method;
  test_options.continuity = options.continuity;
  PairwiseResult result;
  result.correction = options.correction;
  result.alpha = options.alpha;
  std::vector<double> p_values;
  for (std::size_t i = 0; i + 1 < k; ++i) {
    for (std::size_t j = i + 1; j < k; ++j) {
      PairwiseComparison c;
      c.first = i;
      c.second = j;
      c.test = wilcoxon_signed_rank(columns[i], columns[j], test_options);
      p_values.push_back(c.test.p_value);
      result.comparisons.push_back(std::move(c));
    }
  }
  const AdjustResult adjusted = adjust_p_values(p_values, options.correction, options.alpha);
  for (std::size_t i = 0; i < result.comparisons.size(); ++i) {
    result.comparisons[i].p_adjusted = adjusted.adjusted[i];
    result.comparisons[i].reject = adjusted.reject[i];
  }
  return result;
}

NemenyiResult nemenyi(std::span<const std::vector<double>> rows, const NemenyiOptions& options) {
  require_matrix(rows);
  require_level(options.alpha, "alpha");
  NemenyiResult result;
  result.alpha = options.alpha;
  result.n_methods = rows[0].size();
  result.n_datasets = rows.size();
  result.average_ranks = average_method_ranks(rows, options.higher_is_better);
  result.friedman = friedman(rows);
  const double k = static_cast<double>(result.n_methods);
  const double n = static_cast<double>(result.n_datasets);
  const double inf = std::numeric_limits<double>::infinity();
  // Demšar (2006), eq. 5 and Table 5: q_alpha = qtukey(1 - alpha, k, Inf) / sqrt(2).
  result.q_alpha = studentized_range_quantile(1.0 - options.alpha, k, inf) / std::sqrt(2.0);
  const double se = std::sqrt(k * (k + 1.0) / (6.0 * n));
  result.critical_difference = result.q_alpha * se;
  for (std::size_t i = 0; i + 1 < result.n_methods; ++i) {
    for (std::size_t j = i + 1; j < result.n_methods; ++j) {
      NemenyiPair pair;
      pair.first = i;
      pair.second = j;
      pair.rank_difference = result.average_ranks[i] - result.average_ranks[j];
      pair.statistic = std::abs(pair.rank_difference) / se * std::sqrt(2.0);
      pair.p_value = studentized_range_cdf(pair.statistic, k, inf, /*lower_tail=*/false);
      pair.significant = std::abs(pair.rank_difference) > result.critical_difference;
      result.pairs.push_back(pair);
    }
  }
  return result;
}

}  // namespace rigor::stats
