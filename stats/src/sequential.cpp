// Group-sequential boundaries by recursive numerical integration.
//
// Model (Jennison & Turnbull 2000, sec. 3.1, "canonical joint distribution"): with information
// fractions t_1 < ... < t_K, the score S_k = Z_k sqrt(t_k) has independent increments
// S_k - S_{k-1} ~ N(drift (t_k - t_{k-1}), t_k - t_{k-1}). The density of Z_k on the continuation
// region (paths that have not crossed yet) follows Armitage, McPherson & Rowe (1969):
//   f_1(z) = phi(z - drift sqrt(t_1))
//   f_k(z) = int_{C_{k-1}} f_{k-1}(u) sqrt(t_k / d) phi((z sqrt(t_k) - u sqrt(t_{k-1}) - drift d) /
//   sqrt(d)) du
// with d = t_k - t_{k-1}. Integrals use the grid and Simpson's rule of Jennison & Turnbull
// (2000), sec. 19.2.1.
#include "rigor/stats/sequential.h"

#include <algorithm>
#include <boost/math/distributions/normal.hpp>
#include <cmath>
#include <limits>
#include <numbers>

#include "message.h"

namespace rigor::stats {
namespace {

using detail::cat;

// Upper tail 1 - Phi(x), accurate far into both tails (erfc, not 1 - erf).
double upper_tail(double x) { return 0.5 * std::erfc(x / std::numbers::sqrt2); }
double phi(double x) { return std::exp(-0.5 * x * x) / std::sqrt(2.0 * std::numbers::pi); }
// Phi^{-1}(1 - p), for p in (0, 1).
double upper_quantile(double p) {
  return boost::math::quantile(
      boost::math::complement(boost::math::normal_distribution<double>(), p));
}

void require_sides(int sides) {
  if (sides != 1 && sides != 2) {
    throw StatsError(cat("sides is ", sides,
                         ", but must be 1 (upper boundary only) or 2 (symmetric "
                         "two-sided boundaries)"));
  }
}

void require_alpha(double alpha) {
  if (!(alpha > 0.0 && alpha < 1.0)) {
    throw StatsError(cat("alpha is ", alpha, ", but must be in (0, 1); e.g. 0.05"));
  }
}

void require_grid(int grid_r) {
  if (grid_r < 4 || grid_r > 1000) {
    throw StatsError(cat("grid_r is ", grid_r,
                         ", but must be in [4, 1000]; the default 64 is accurate to ~1e-8"));
  }
}

void require_fractions(std::span<const double> t) {
  if (t.empty()) throw StatsError("information is empty, but a design needs at least one look");
  for (std::size_t k = 0; k < t.size(); ++k) {
    if (!(t[k] > 0.0 && t[k] <= 1.0)) {
      throw StatsError(
          cat("information[", k, "] is ", t[k], ", but information fractions must be in (0, 1]"));
    }
    if (k > 0 && !(t[k] > t[k - 1])) {
      throw StatsError(cat("information[", k, "] is ", t[k], ", but must exceed information[",
                           k - 1, "] = ", t[k - 1],
                           "; list the looks in increasing order without repeats"));
    }
  }
}

// Nodes and Simpson weights on [a, b] (a may be -inf, b may be +inf) for a variable with mean mu
// and unit variance: Jennison & Turnbull (2000), eq. (19.4), trimmed to [a, b], then each interval
// split at its midpoint for Simpson's rule.
struct Grid {
  std::vector<double> z;
  std::vector<double> w;
};

Grid make_grid(double mu, double a, double b, int r) {
  std::vector<double> x;
  const int m = 6 * r - 1;
  x.reserve(static_cast<std::size_t>(m) + 2);
  const double rd = static_cast<double>(r);
  for (int i = 1; i <= m; ++i) {
    const double id = static_cast<double>(i);
    double v;
    if (i < r) {
      v = mu - 3.0 - 4.0 * std::log(rd / id);
    } else if (i <= 5 * r) {
      v = mu - 3.0 + 3.0 * (id - rd) / (2.0 * rd);
    } else {
      v = mu + 3.0 + 4.0 * std::log(rd / (6.0 * rd - id));
    }
    x.push_back(v);
  }
  // Trim to [a, b]: drop points outside, keep the ends themselves (J&T: "replaced by a / b").
  std::vector<double> kept;
  kept.reserve(x.size() + 2);
  if (std::isfinite(a) && a > x.front()) kept.push_back(a);
  for (double v : x) {
    if (v > a && v < b) kept.push_back(v);
  }
  if (std::isfinite(b) && b < x.back()) kept.push_back(b);
  Grid g;
  if (kept.size() < 2) {
    // [a, b] lies beyond the grid's +-(3 + 4 ln r) sd: an empty continuation region to double
    // precision. Two points with zero weight keep the recursion well defined.
    g.z = {a, b};
    g.w = {0.0, 0.0};
    return g;
  }
  const std::size_t n = kept.size();
  g.z.resize(2 * n - 1);
  g.w.assign(2 * n - 1, 0.0);
  for (std::size_t j = 0; j + 1 < n; ++j) {
    const double h = kept[j + 1] - kept[j];
    g.z[2 * j] = kept[j];
    g.z[2 * j + 1] = 0.5 * (kept[j] + kept[j + 1]);
    g.w[2 * j] += h / 6.0;
    g.w[2 * j + 1] += 4.0 * h / 6.0;
    g.w[2 * j + 2] += h / 6.0;
  }
  g.z[2 * n - 2] = kept[n - 1];
  return g;
}

// The recursion's state after look k: nodes z_i and h_i = w_i f_k(z_i) on C_k.
struct State {
  std::vector<double> z;
  std::vector<double> h;
  double t = 0.0;
};

struct Exit {
  double upper = 0.0;
  double lower = 0.0;
};

// Probabilities of first exit at the next look (fraction t, bound c) given the state.
Exit exit_probabilities(const State* prev, double t, double c, int sides, double drift) {
  Exit e;
  if (prev == nullptr) {
    const double mu = drift * std::sqrt(t);
    e.upper = upper_tail(c - mu);
    if (sides == 2) e.lower = upper_tail(c + mu);
    return e;
  }
  const double d = t - prev->t;
  const double sd = std::sqrt(d);
  const double st = std::sqrt(t);
  const double sp = std::sqrt(prev->t);
  for (std::size_t i = 0; i < prev->z.size(); ++i) {
    const double m = prev->z[i] * sp + drift * d;  // E[S_k | Z_{k-1} = z_i]
    e.upper += prev->h[i] * upper_tail((c * st - m) / sd);
    if (sides == 2) e.lower += prev->h[i] * upper_tail((c * st + m) / sd);
  }
  return e;
}

// Density of Z_k on the continuation region at look k, on its grid.
State advance(const State* prev, double t, double c, int sides, double drift, int grid_r) {
  const double mu = drift * std::sqrt(t);
  const double lo = sides == 2 ? -c : -std::numeric_limits<double>::infinity();
  Grid g = make_grid(mu, lo, c, grid_r);
  State s;
  s.t = t;
  s.z = g.z;
  s.h.assign(g.z.size(), 0.0);
  if (prev == nullptr) {
    for (std::size_t j = 0; j < g.z.size(); ++j) s.h[j] = g.w[j] * phi(g.z[j] - mu);
    return s;
  }
  const double d = t - prev->t;
  const double sd = std::sqrt(d);
  const double st = std::sqrt(t);
  const double sp = std::sqrt(prev->t);
  const double scale = st / sd;
  for (std::size_t j = 0; j < g.z.size(); ++j) {
    if (g.w[j] == 0.0) continue;
    double f = 0.0;
    for (std::size_t i = 0; i < prev->z.size(); ++i) {
      f += prev->h[i] * phi((g.z[j] * st - prev->z[i] * sp - drift * d) / sd);
    }
    s.h[j] = g.w[j] * scale * f;
  }
  return s;
}

// Largest z at which the upper tail still resolves to a positive double (upper_tail(38.5) ~
// 1e-324).
constexpr double kMaxBound = 38.0;

}  // namespace

std::string_view to_string(Spending spending) {
  return spending == Spending::kPocock ? "pocock" : "obrien-fleming";
}

Spending parse_spending(std::string_view text, std::string_view field) {
  if (text == "obrien-fleming" || text == "obf" || text == "o'brien-fleming")
    return Spending::kOBrienFleming;
  if (text == "pocock") return Spending::kPocock;
  throw StatsError(cat(field, " is \"", text, "\", but must be \"obrien-fleming\" or \"pocock\""));
}

double alpha_spent(Spending spending, double alpha, double t, int sides) {
  require_alpha(alpha);
  require_sides(sides);
  if (!(t >= 0.0 && t <= 1.0))
    throw StatsError(cat("t is ", t, ", but an information fraction must be in [0, 1]"));
  if (t == 0.0) return 0.0;
  if (t == 1.0) return alpha;
  if (spending == Spending::kPocock) {
    // Lan & DeMets (1983), eq. (5): alpha ln(1 + (e - 1) t); linear in alpha, so one-sided and
    // two-sided versions coincide.
    return alpha * std::log1p((std::numbers::e - 1.0) * t);
  }
  // Lan & DeMets (1983), eq. (4): a1(t; a) = 2 - 2 Phi(z_{1 - a/2} / sqrt(t)), one side at level a.
  // Two-sided total: both sides spend a1(t; alpha / 2).
  const double side_alpha = alpha / static_cast<double>(sides);
  const double one = 2.0 * upper_tail(upper_quantile(side_alpha / 2.0) / std::sqrt(t));
  return static_cast<double>(sides) * one;
}

GroupSequentialDesign group_sequential_design(std::span<const double> information,
                                              const GroupSequentialOptions& options) {
  require_alpha(options.alpha);
  require_sides(options.sides);
  require_grid(options.grid_r);
  require_fractions(information);
  GroupSequentialDesign design;
  design.spending = options.spending;
  design.alpha = options.alpha;
  design.sides = options.sides;
  const int sides = options.sides;
  State state;
  bool have_state = false;
  double spent_before = 0.0;
  for (std::size_t k = 0; k < information.size(); ++k) {
    const double t = information[k];
    const double spent = alpha_spent(options.spending, options.alpha, t, sides);
    const double target = spent - spent_before;
    if (!(target > 1e-300)) {
      throw StatsError(cat("information[", k, "] = ", t, " is so early that the ",
                           to_string(options.spending),
                           " spending function spends no alpha there in double precision (", target,
                           "); drop that look or move it later"));
    }
    const State* prev = have_state ? &state : nullptr;
    double c;
    if (prev == nullptr) {
      c = upper_quantile(target / static_cast<double>(sides));
    } else {
      auto total = [&](double cc) {
        const Exit e = exit_probabilities(prev, t, cc, sides, 0.0);
        return e.upper + e.lower;
      };
      double lo = 0.0;
      double hi = kMaxBound;
      if (total(lo) < target) {
        throw StatsError(cat(
            "information[", k, "] = ", t, ": the probability of reaching this look (", total(lo),
            ") is below the alpha to spend (", target, "); the spending function is not valid"));
      }
      // Bisection: the exit probability decreases in c; 200 halvings reach double resolution.
      for (int it = 0; it < 200 && hi - lo > 1e-15 * hi; ++it) {
        const double mid = 0.5 * (lo + hi);
        if (total(mid) > target) {
          lo = mid;
        } else {
          hi = mid;
        }
      }
      c = 0.5 * (lo + hi);
    }
    Look look;
    look.information = t;
    look.z_bound = c;
    look.nominal_p = static_cast<double>(sides) * upper_tail(c);
    look.cumulative_alpha = spent;
    look.incremental_alpha = target;
    design.looks.push_back(look);
    if (k + 1 < information.size()) {
      state = advance(prev, t, c, sides, 0.0, options.grid_r);
      have_state = true;
    }
    spent_before = spent;
  }
  return design;
}

CrossingProbabilities crossing_probabilities(std::span<const double> information,
                                             std::span<const double> z_bounds, int sides,
                                             double drift, int grid_r) {
  require_sides(sides);
  require_grid(grid_r);
  require_fractions(information);
  if (information.size() != z_bounds.size()) {
    throw StatsError(cat("z_bounds has ", z_bounds.size(), " values but information has ",
                         information.size(), "; give one bound per look"));
  }
  for (std::size_t k = 0; k < z_bounds.size(); ++k) {
    if (!(std::isfinite(z_bounds[k]) && z_bounds[k] > 0.0)) {
      throw StatsError(cat("z_bounds[", k, "] is ", z_bounds[k], ", but must be finite and > 0"));
    }
  }
  if (!std::isfinite(drift)) throw StatsError(cat("drift is ", drift, ", but must be finite"));
  CrossingProbabilities out;
  State state;
  bool have_state = false;
  for (std::size_t k = 0; k < information.size(); ++k) {
    const State* prev = have_state ? &state : nullptr;
    const Exit e = exit_probabilities(prev, information[k], z_bounds[k], sides, drift);
    out.upper.push_back(e.upper);
    out.lower.push_back(e.lower);
    out.total += e.upper + e.lower;
    if (k + 1 < information.size()) {
      state = advance(prev, information[k], z_bounds[k], sides, drift, grid_r);
      have_state = true;
    }
  }
  return out;
}

double inflation_factor(const GroupSequentialDesign& design, double power) {
  if (!(power > design.alpha && power < 1.0)) {
    throw StatsError(
        cat("power is ", power, ", but must be in (alpha, 1) = (", design.alpha, ", 1)"));
  }
  if (design.looks.empty())
    throw StatsError("design has no looks; build it with group_sequential_design");
  std::vector<double> t;
  std::vector<double> c;
  for (const Look& l : design.looks) {
    t.push_back(l.information);
    c.push_back(l.z_bound);
  }
  const int sides = design.sides;
  // Both drifts solve "rejection probability = power" exactly (the opposite tail included), by
  // bisection on [0, 40]: rejection probability increases with drift >= 0.
  auto solve = [&](auto&& rejection) {
    double lo = 0.0;
    double hi = 40.0;
    for (int it = 0; it < 200 && hi - lo > 1e-13; ++it) {
      const double mid = 0.5 * (lo + hi);
      if (rejection(mid) < power) {
        lo = mid;
      } else {
        hi = mid;
      }
    }
    return 0.5 * (lo + hi);
  };
  const double z_fixed = upper_quantile(design.alpha / static_cast<double>(sides));
  const double drift_fixed = solve([&](double d) {
    return upper_tail(z_fixed - d) + (sides == 2 ? upper_tail(z_fixed + d) : 0.0);
  });
  const double drift_seq =
      solve([&](double d) { return crossing_probabilities(t, c, sides, d, 32).total; });
  return (drift_seq / drift_fixed) * (drift_seq / drift_fixed);
}

}  // namespace rigor::stats
