// rigor/reports/svg.h — inline SVG charts for the audit report: strip/box plots of per-seed
// scores, forest plots of effect intervals, learning curves with seed bands, and Demšar's
// critical-difference diagram. Plain value types in, one "<svg ...>" string out.
//
//   rigor::reports::svg::StripBoxPlot plot{.title = "accuracy", .y_label = "test accuracy"};
//   plot.groups = {{.label = "baseline", .values = {0.91, 0.90, 0.92}}};
//   std::string markup = rigor::reports::svg::render(plot);  // embed in the page as is
//
// Every chart: an <svg> with viewBox, width="100%", role="img", a data-chart="<kind>" attribute
// ("strip-box", "forest", "line-band", "critical-difference"), and a <title> first (screen
// readers, hover). All text (titles, labels) is escaped. Output is deterministic: the same input
// gives the same bytes (numbers formatted with fixed rules, jitter from a fixed hash, no clock).
// Throws RenderError (html.h) naming the chart title, field and index for NaN/Inf where a finite
// number is required, mismatched lengths and empty charts.
#ifndef RIGOR_REPORTS_SVG_H_
#define RIGOR_REPORTS_SVG_H_

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "rigor/reports/html.h"

namespace rigor::reports::svg {

// ---- Helpers (public for tests and for other renderers) -------------------------------------

// "%.6g"-style text of a number for labels: at most 6 significant digits, no trailing zeros,
// "-0" printed as "0", "inf"/"-inf"/"nan" spelled out. Locale-independent.
std::string format_number(double value);

// About `target` evenly spaced "nice" tick values (1, 2 or 5 times a power of ten apart) covering
// [lo, hi]: the first tick <= lo and the last >= hi (Heckbert, "Nice numbers for graph labels",
// Graphics Gems, 1990). lo == hi gives a small range around the value. Throws RenderError unless
// lo and hi are finite, lo <= hi and target >= 2.
std::vector<double> nice_ticks(double lo, double hi, int target = 5);

// Sample quantile of sorted, finite `sorted` at probability p in [0, 1], R's quantile(type = 7):
// h = (n - 1) p, Q = x[floor h] + (h - floor h) (x[floor h + 1] - x[floor h]) (Hyndman & Fan 1996,
// definition 7). Throws RenderError for an empty sample or p outside [0, 1].
double quantile_type7(const std::vector<double>& sorted, double p);

// Box statistics of a sample, drawn by StripBoxPlot: quartiles as R's quantile(type = 7),
// whiskers at the most extreme values within 1.5 IQR of the box (Tukey 1977), the rest outliers.
struct BoxStats {
  double q1 = 0.0;
  double median = 0.0;
  double q3 = 0.0;
  double whisker_low = 0.0;
  double whisker_high = 0.0;
  std::size_t outliers = 0;
};
// Throws RenderError for an empty sample or a non-finite value.
BoxStats box_stats(std::vector<double> values);

// Deterministic jitter in [-1, 1] for point `index` of group `group`: SplitMix64 (Steele, Lea &
// Flood 2014) of the seed, group and index, mapped to a double. Same arguments -> same value.
double jitter(std::uint64_t seed, std::size_t group, std::size_t index);

// ---- Strip + box plot --------------------------------------------------------------------

// One box: the per-seed scores of one arm.
struct StripGroup {
  std::string label;           // arm name (escaped)
  std::vector<double> values;  // scores the box summarises, one per run; finite
  // Empty, or values.size() flags: true marks a run in `values` that diverged (drawn as a red
  // ring) but was counted, as the protocol says.
  std::vector<bool> diverged;
  // Scores of runs left out of `values` (diverged or failed and excluded by the protocol): drawn
  // as red crosses beside the box, not in it. Finite.
  std::vector<double> excluded;
  // Runs with no score at all (failed before the metric was measured): noted under the label.
  std::size_t missing = 0;
};

struct StripBoxPlot {
  std::string title;    // chart title and <title> (escaped)
  std::string y_label;  // axis title, e.g. "test_accuracy"
  std::vector<StripGroup> groups;
  std::uint64_t jitter_seed = 0;  // change to move the points sideways; same seed -> same bytes
  double width = 720.0;           // viewBox units (the chart scales to the page width)
  double height = 360.0;
};
// Throws RenderError for no groups, non-finite values or `diverged` of the wrong length.
std::string render(const StripBoxPlot& plot);

// ---- Forest plot -------------------------------------------------------------------------

struct ForestRow {
  std::string label;  // claim id or statement (escaped; long labels are shortened with "…")
  double estimate = 0.0;
  double ci_low = 0.0;         // may be -inf (one-sided interval): drawn as an arrow to the edge
  double ci_high = 0.0;        // may be +inf
  Tone tone = Tone::kNeutral;  // verdict colour
};

struct ForestPlot {
  std::string title;
  std::string x_label;  // e.g. "effect (difference of means)"
  std::vector<ForestRow> rows;
  double min_effect = 0.0;  // >= 0; dashed lines at +-min_effect when > 0. Always a line at 0.
  double width = 720.0;
};
// Throws RenderError for no rows, a non-finite estimate, a NaN interval end, ci_low > ci_high or
// a negative/non-finite min_effect.
std::string render(const ForestPlot& plot);

// ---- Learning curves with seed bands -----------------------------------------------------

// One run's curve: points (x[i], y[i]), x ascending (e.g. epochs). Non-finite y values (a diverged
// run's loss) are skipped and counted in the chart's note.
struct Curve {
  std::vector<double> x;
  std::vector<double> y;
};

struct CurveGroup {
  std::string label;  // arm name
  std::vector<Curve> runs;
};

// What the shaded band around each mean line shows.
enum class Band {
  kMinMax,  // pointwise minimum to maximum over runs
  kMeanSd,  // pointwise mean +- one sample standard deviation (n - 1 denominator)
};

struct LineBand {
  std::string title;
  std::string x_label = "epoch";
  std::string y_label;
  std::vector<CurveGroup> groups;
  Band band = Band::kMinMax;
  double width = 720.0;
  double height = 320.0;
};

// Pointwise summary of one group, as drawn: for every x present in any run, the mean of the finite
// y values there, the band limits, and how many runs contributed.
struct BandPoint {
  double x = 0.0;
  double mean = 0.0;
  double lower = 0.0;
  double upper = 0.0;
  std::size_t n = 0;
};
// Throws RenderError for x/y of different lengths, non-finite or non-ascending x.
std::vector<BandPoint> summarize(const CurveGroup& group, Band band,
                                 std::size_t* skipped_non_finite = nullptr);
// The note under the chart names the band ("band: min-max over runs" or "band: mean +- 1 sd") and
// the number of skipped non-finite values. Throws RenderError for no groups, a chart with no
// finite point at all, or bad curves (see summarize).
std::string render(const LineBand& plot);

// ---- Critical-difference diagram ---------------------------------------------------------

struct CdMethod {
  std::string label;
  double average_rank = 0.0;  // in [1, k]; 1 = best
};

struct CriticalDifference {
  std::string title;
  std::vector<CdMethod> methods;  // at least 2
  // Critical difference (e.g. Nemenyi at alpha 0.05), > 0: drawn as a bar above the axis. Absent
  // for post-hoc tests without one (pairwise Wilcoxon/Mann-Whitney with Holm); then `cliques` must
  // be given.
  std::optional<double> cd;
  std::string cd_label = "CD";  // text beside the CD bar, e.g. "CD = 1.48 (Nemenyi, 0.05)"
  // Groups of methods (indices into `methods`) not significantly different, joined by a bar. When
  // absent, computed from the ranks and `cd` with cd_cliques.
  std::optional<std::vector<std::vector<std::size_t>>> cliques;
  double width = 720.0;
};

// Demšar (2006, JMLR 7:1-30, section 3.2.2 and Fig. 1): methods sorted by average rank; each
// maximal run of consecutive methods whose rank span is < cd forms a clique (groups of one are
// left out). Returns indices into `methods`, each clique ascending by rank.
std::vector<std::vector<std::size_t>> cd_cliques(const std::vector<CdMethod>& methods, double cd);

// Throws RenderError for fewer than 2 methods, a rank outside [1, k], a non-finite or
// non-positive cd, neither cd nor cliques, or a clique index out of range.
std::string render(const CriticalDifference& plot);

}  // namespace rigor::reports::svg

#endif  // RIGOR_REPORTS_SVG_H_
