// Inline SVG charts: strip/box plots, forest plots, learning curves with bands, critical-difference
// diagrams. See rigor/reports/svg.h. Layout constants are in viewBox units; the page scales the
// chart to its width.
#include "rigor/reports/svg.h"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace rigor::reports::svg {
namespace {

using html::escape;

// Okabe & Ito (2008), "Color Universal Design": distinguishable with every common colour-vision
// deficiency. Arms take these in order, cycling after eight.
constexpr std::array<std::string_view, 8> kPalette = {"#0072B2", "#E69F00", "#009E73", "#CC79A7",
                                                      "#56B4E9", "#D55E00", "#000000", "#F0E442"};
constexpr std::string_view kGrid = "#e3e3e3";
constexpr std::string_view kAxis = "#555555";
constexpr std::string_view kText = "#1a1a1a";
constexpr std::string_view kMuted = "#5a5a5a";
constexpr std::string_view kRed = "#b2182b";

std::string_view palette(std::size_t i) { return kPalette[i % kPalette.size()]; }

// Coordinates: two decimals, trailing zeros trimmed, never "-0". Plenty for a viewBox of ~1000.
std::string c(double v) {
  double r = std::round(v * 100.0) / 100.0;
  if (r == 0.0) r = 0.0;  // folds -0 into 0
  std::string s = fmt::format("{:.2f}", r);
  while (s.back() == '0') s.pop_back();
  if (s.back() == '.') s.pop_back();
  return s;
}

// Four significant digits (format_number's rules otherwise): for text beside a chart.
std::string short_number(double v) {
  if (!std::isfinite(v) || v == 0.0) return format_number(v);
  std::string s = fmt::format("{:.4g}", v);
  return s == "-0" ? "0" : s;
}

// Number of UTF-8 code points in `s` (continuation bytes 10xxxxxx are not counted).
std::size_t code_points(std::string_view s) {
  std::size_t n = 0;
  for (char ch : s) {
    if ((static_cast<unsigned char>(ch) & 0xC0U) != 0x80U) ++n;
  }
  return n;
}

// `s` cut to at most `max` code points, the last replaced by "…" when cut; never splits a
// multi-byte character.
std::string shorten(std::string_view s, std::size_t max) {
  if (code_points(s) <= max) return std::string(s);
  std::size_t kept = 0;
  std::size_t i = 0;
  for (; i < s.size(); ++i) {
    if ((static_cast<unsigned char>(s[i]) & 0xC0U) != 0x80U) {
      if (kept == max - 1) break;
      ++kept;
    }
  }
  return std::string(s.substr(0, i)) + "\u2026";
}

// Maps [d0, d1] linearly onto [r0, r1]; a zero-width domain maps to the middle of the range.
struct Scale {
  double d0, d1, r0, r1;
  double operator()(double v) const {
    if (d1 == d0) return (r0 + r1) / 2.0;
    return r0 + (v - d0) * (r1 - r0) / (d1 - d0);
  }
};

// Accumulates one <svg> element.
class Svg {
 public:
  Svg(std::string_view kind, std::string_view title, double width, double height) {
    out_ = fmt::format(
        "<svg viewBox=\"0 0 {} {}\" width=\"100%\" "
        "role=\"img\" aria-label=\"{}\" data-chart=\"{}\" class=\"chart\">\n<title>{}</title>\n",
        c(width), c(height), escape(title), kind, escape(title));
  }
  void line(double x1, double y1, double x2, double y2, std::string_view stroke, double width,
            std::string_view extra = "") {
    out_ += fmt::format(
        "<line x1=\"{}\" y1=\"{}\" x2=\"{}\" y2=\"{}\" stroke=\"{}\" stroke-width=\"{}\"{}/>\n",
        c(x1), c(y1), c(x2), c(y2), stroke, c(width), extra);
  }
  void rect(double x, double y, double w, double h, std::string_view fill, std::string_view stroke,
            std::string_view extra = "", std::string_view tip = "") {
    out_ += fmt::format(
        "<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" fill=\"{}\" stroke=\"{}\"{}", c(x),
        c(y), c(std::max(w, 0.0)), c(std::max(h, 0.0)), fill, stroke, extra);
    close("rect", tip);
  }
  // A circle with a hover tooltip (escaped).
  void circle(double cx, double cy, double r, std::string_view fill, std::string_view stroke,
              std::string_view tip, std::string_view extra = "") {
    out_ += fmt::format(
        "<circle cx=\"{}\" cy=\"{}\" r=\"{}\" fill=\"{}\" stroke=\"{}\"{}><title>{}</title>"
        "</circle>\n",
        c(cx), c(cy), c(r), fill, stroke, extra, escape(tip));
  }
  void path(std::string_view d, std::string_view fill, std::string_view stroke, double width,
            std::string_view extra = "", std::string_view tip = "") {
    out_ += fmt::format("<path d=\"{}\" fill=\"{}\" stroke=\"{}\" stroke-width=\"{}\"{}", d, fill,
                        stroke, c(width), extra);
    close("path", tip);
  }
  // Text, escaped. anchor: "start", "middle" or "end". A `tip` (full text) becomes a tooltip.
  void text(double x, double y, std::string_view s, std::string_view anchor, double size,
            std::string_view fill = kText, std::string_view extra = "", std::string_view tip = "") {
    out_ += fmt::format(
        "<text x=\"{}\" y=\"{}\" text-anchor=\"{}\" font-size=\"{}\" fill=\"{}\"{}>{}{}</text>\n",
        c(x), c(y), anchor, c(size), fill, extra,
        tip.empty() ? std::string() : fmt::format("<title>{}</title>", escape(tip)), escape(s));
  }
  std::string finish() {
    out_ += "</svg>\n";
    return std::move(out_);
  }

 private:
  // Ends an element whose attributes are written: "/>" or, with a tooltip,
  // "><title>...</title></tag>".
  void close(std::string_view tag, std::string_view tip) {
    if (tip.empty()) {
      out_ += "/>\n";
    } else {
      out_ += fmt::format("><title>{}</title></{}>\n", escape(tip), tag);
    }
  }
  std::string out_;
};

[[noreturn]] void fail(std::string_view chart, std::string_view title, const std::string& what) {
  throw RenderError(fmt::format("{} \"{}\": {}", chart, title, what));
}

void require_finite(double v, std::string_view chart, std::string_view title,
                    const std::string& field) {
  if (!std::isfinite(v)) {
    fail(chart, title,
         fmt::format("{} is {}, but must be finite; leave the value out (or mark the run as "
                     "excluded) instead",
                     field, format_number(v)));
  }
}

// Horizontal grid lines and labels for a vertical axis at x = left.
void y_axis(Svg& svg, const Scale& y, const std::vector<double>& ticks, double left, double right,
            std::string_view label, double label_x) {
  for (double t : ticks) {
    svg.line(left, y(t), right, y(t), kGrid, 1);
    svg.text(left - 6, y(t) + 4, format_number(t), "end", 11, kMuted);
  }
  svg.line(left, y(ticks.front()), left, y(ticks.back()), kAxis, 1);
  const double mid = (y(ticks.front()) + y(ticks.back())) / 2.0;
  svg.text(label_x, mid, shorten(label, 40), "middle", 12, kText,
           fmt::format(" transform=\"rotate(-90 {} {})\"", c(label_x), c(mid)), label);
}

// Vertical grid lines and labels for a horizontal axis at y = bottom.
void x_axis(Svg& svg, const Scale& x, const std::vector<double>& ticks, double top, double bottom) {
  for (double t : ticks) {
    svg.line(x(t), top, x(t), bottom, kGrid, 1);
    svg.text(x(t), bottom + 15, format_number(t), "middle", 11, kMuted);
  }
  svg.line(x(ticks.front()), bottom, x(ticks.back()), bottom, kAxis, 1);
}

// Ticks covering every value in `values` (empty -> [0, 1]).
std::vector<double> ticks_for(const std::vector<double>& values, int target) {
  if (values.empty()) return nice_ticks(0.0, 1.0, target);
  const auto [lo, hi] = std::minmax_element(values.begin(), values.end());
  return nice_ticks(*lo, *hi, target);
}

}  // namespace

// ---- Helpers -----------------------------------------------------------------------------

std::string format_number(double value) {
  if (std::isnan(value)) return "nan";
  if (std::isinf(value)) return value > 0 ? "inf" : "-inf";
  if (value == 0.0) return "0";
  std::string s = fmt::format("{:.6g}", value);
  if (s == "-0") return "0";
  return s;
}

std::vector<double> nice_ticks(double lo, double hi, int target) {
  if (!std::isfinite(lo) || !std::isfinite(hi) || lo > hi || target < 2) {
    throw RenderError(
        fmt::format("nice_ticks: range [{}, {}] with {} ticks, but lo and hi must be finite, "
                    "lo <= hi and at least 2 ticks asked for",
                    format_number(lo), format_number(hi), target));
  }
  if (lo == hi) {  // a single value: widen by 5% of its magnitude (or 1 around 0)
    const double pad = lo == 0.0 ? 1.0 : std::abs(lo) * 0.05;
    lo -= pad;
    hi += pad;
  }
  // Heckbert (1990): nice step = nicenum(range / (target - 1), round = true), where nicenum picks
  // 1, 2, 5 or 10 times the power of ten below the value.
  auto nicenum = [](double x, bool round) {
    const double e = std::floor(std::log10(x));
    const double f = x / std::pow(10.0, e);
    double nf;
    if (round) {
      nf = f < 1.5 ? 1.0 : f < 3.0 ? 2.0 : f < 7.0 ? 5.0 : 10.0;
    } else {
      nf = f <= 1.0 ? 1.0 : f <= 2.0 ? 2.0 : f <= 5.0 ? 5.0 : 10.0;
    }
    return nf * std::pow(10.0, e);
  };
  const double range = nicenum(hi - lo, false);
  const double step = nicenum(range / (target - 1), true);
  const double first = std::floor(lo / step) * step;
  const double last = std::ceil(hi / step) * step;
  const auto count = static_cast<std::size_t>(std::llround((last - first) / step));
  std::vector<double> ticks;
  ticks.reserve(count + 1);
  for (std::size_t i = 0; i <= count; ++i) {
    // Round to the step's decimal place so that 0.1 * 3 prints as 0.3, not 0.30000000000000004.
    const double t = first + static_cast<double>(i) * step;
    const double digits = std::max(0.0, -std::floor(std::log10(step))) + 1.0;
    const double scale = std::pow(10.0, digits);
    double rounded = std::round(t * scale) / scale;
    if (rounded == 0.0) rounded = 0.0;
    ticks.push_back(rounded);
  }
  return ticks;
}

double quantile_type7(const std::vector<double>& sorted, double p) {
  if (sorted.empty()) throw RenderError("quantile_type7: empty sample; need at least one value");
  if (!(p >= 0.0 && p <= 1.0)) {
    throw RenderError(
        fmt::format("quantile_type7: p is {}, but must be in [0, 1]", format_number(p)));
  }
  // R: quantile(x, p, type = 7); h = (n - 1) p + 1 in 1-based indexing (Hyndman & Fan 1996).
  const double h = static_cast<double>(sorted.size() - 1) * p;
  const auto lo = static_cast<std::size_t>(std::floor(h));
  const std::size_t hi = std::min(lo + 1, sorted.size() - 1);
  return sorted[lo] + (h - static_cast<double>(lo)) * (sorted[hi] - sorted[lo]);
}

BoxStats box_stats(std::vector<double> values) {
  if (values.empty()) throw RenderError("box_stats: empty sample; need at least one value");
  for (std::size_t i = 0; i < values.size(); ++i) {
    if (!std::isfinite(values[i])) {
      throw RenderError(fmt::format("box_stats: values[{}] is {}, but every value must be finite",
                                    i, format_number(values[i])));
    }
  }
  std::sort(values.begin(), values.end());
  BoxStats b;
  b.q1 = quantile_type7(values, 0.25);
  b.median = quantile_type7(values, 0.5);
  b.q3 = quantile_type7(values, 0.75);
  // Tukey fences: whiskers reach the most extreme data within 1.5 IQR of the box.
  const double iqr = b.q3 - b.q1;
  const double lo_fence = b.q1 - 1.5 * iqr;
  const double hi_fence = b.q3 + 1.5 * iqr;
  b.whisker_low = b.q1;
  b.whisker_high = b.q3;
  for (double v : values) {
    if (v >= lo_fence && v < b.whisker_low) b.whisker_low = v;
    if (v <= hi_fence && v > b.whisker_high) b.whisker_high = v;
    if (v < lo_fence || v > hi_fence) ++b.outliers;
  }
  return b;
}

double jitter(std::uint64_t seed, std::size_t group, std::size_t index) {
  // SplitMix64 finalizer (Steele, Lea & Flood 2014; constants from java.util.SplittableRandom).
  std::uint64_t z = seed + 0x9E3779B97F4A7C15ULL * (static_cast<std::uint64_t>(group) * 1000003ULL +
                                                    static_cast<std::uint64_t>(index) + 1ULL);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
  z ^= z >> 31;
  // Top 53 bits -> [0, 1) -> [-1, 1).
  const double u = static_cast<double>(z >> 11) * 0x1.0p-53;
  return 2.0 * u - 1.0;
}

// ---- Strip + box plot --------------------------------------------------------------------

std::string render(const StripBoxPlot& plot) {
  constexpr std::string_view kChart = "strip/box plot";
  if (plot.groups.empty()) fail(kChart, plot.title, "no groups; give at least one arm's scores");
  std::vector<double> all;
  for (std::size_t g = 0; g < plot.groups.size(); ++g) {
    const auto& grp = plot.groups[g];
    for (std::size_t i = 0; i < grp.values.size(); ++i) {
      require_finite(grp.values[i], kChart, plot.title,
                     fmt::format("groups[{}] ({}) values[{}]", g, grp.label, i));
      all.push_back(grp.values[i]);
    }
    for (std::size_t i = 0; i < grp.excluded.size(); ++i) {
      require_finite(grp.excluded[i], kChart, plot.title,
                     fmt::format("groups[{}] ({}) excluded[{}]", g, grp.label, i));
      all.push_back(grp.excluded[i]);
    }
    if (!grp.diverged.empty() && grp.diverged.size() != grp.values.size()) {
      fail(kChart, plot.title,
           fmt::format("groups[{}] ({}) has {} diverged flags for {} values; give one per value "
                       "or none",
                       g, grp.label, grp.diverged.size(), grp.values.size()));
    }
  }

  const double w = plot.width;
  const double h = plot.height;
  const double left = 72, right = w - 16, top = 40, bottom = h - 58;
  const auto ticks = ticks_for(all, 6);
  const Scale y{ticks.front(), ticks.back(), bottom, top};

  Svg svg("strip-box", plot.title, w, h);
  svg.text(w / 2, 22, plot.title, "middle", 15, kText, " font-weight=\"600\"");
  y_axis(svg, y, ticks, left, right, plot.y_label, 18);

  const double band = (right - left) / static_cast<double>(plot.groups.size());
  for (std::size_t g = 0; g < plot.groups.size(); ++g) {
    const auto& grp = plot.groups[g];
    const double cx = left + band * (static_cast<double>(g) + 0.5);
    const auto colour = palette(g);
    const double box_w = std::min(band * 0.36, 80.0);
    if (!grp.values.empty()) {
      const BoxStats b = box_stats(grp.values);
      svg.line(cx, y(b.whisker_low), cx, y(b.q1), kAxis, 1.2);
      svg.line(cx, y(b.q3), cx, y(b.whisker_high), kAxis, 1.2);
      svg.line(cx - box_w / 4, y(b.whisker_low), cx + box_w / 4, y(b.whisker_low), kAxis, 1.2);
      svg.line(cx - box_w / 4, y(b.whisker_high), cx + box_w / 4, y(b.whisker_high), kAxis, 1.2);
      svg.rect(cx - box_w / 2, y(b.q3), box_w, y(b.q1) - y(b.q3), colour, kAxis,
               " fill-opacity=\"0.15\" stroke-width=\"1.2\"");
      svg.line(cx - box_w / 2, y(b.median), cx + box_w / 2, y(b.median), kText, 2.2);
    } else {
      svg.text(cx, (top + bottom) / 2, "no scores", "middle", 12, kMuted);
    }
    std::size_t n_diverged = 0;
    for (std::size_t i = 0; i < grp.values.size(); ++i) {
      const double px = cx + jitter(plot.jitter_seed, g, i) * box_w * 0.45;
      const bool diverged = !grp.diverged.empty() && grp.diverged[i];
      const std::string tip = fmt::format("{}: {}{}", grp.label, format_number(grp.values[i]),
                                          diverged ? " (diverged)" : "");
      if (diverged) {
        ++n_diverged;
        svg.circle(px, y(grp.values[i]), 5, "none", kRed, tip, " stroke-width=\"2\"");
      } else {
        svg.circle(px, y(grp.values[i]), 3.5, colour, "#ffffff", tip,
                   " fill-opacity=\"0.85\" stroke-width=\"0.6\"");
      }
    }
    // Excluded runs: red crosses in a column right of the box.
    for (std::size_t i = 0; i < grp.excluded.size(); ++i) {
      const double px = cx + box_w * 0.5 + 12 + jitter(plot.jitter_seed, g, 100000 + i) * 4;
      const double py = y(grp.excluded[i]);
      const std::string tip = fmt::format("{}: {} (excluded: diverged or failed)", grp.label,
                                          format_number(grp.excluded[i]));
      svg.path(fmt::format("M{} {}L{} {}M{} {}L{} {}", c(px - 4), c(py - 4), c(px + 4), c(py + 4),
                           c(px - 4), c(py + 4), c(px + 4), c(py - 4)),
               "none", kRed, 2, "", tip);
    }
    const auto label_max = static_cast<std::size_t>(std::max(6.0, band / 7.5));
    svg.text(cx, bottom + 20, shorten(grp.label, label_max), "middle", 12, kText,
             " font-weight=\"600\"", grp.label);
    std::string counts = fmt::format("n = {}", grp.values.size());
    if (n_diverged > 0) counts += fmt::format(", {} diverged", n_diverged);
    if (!grp.excluded.empty()) counts += fmt::format(", {} excluded", grp.excluded.size());
    if (grp.missing > 0) counts += fmt::format(", {} no score", grp.missing);
    svg.text(cx, bottom + 36, counts, "middle", 11, kMuted);
  }
  return svg.finish();
}

// ---- Forest plot -------------------------------------------------------------------------

std::string render(const ForestPlot& plot) {
  constexpr std::string_view kChart = "forest plot";
  if (plot.rows.empty()) fail(kChart, plot.title, "no rows; give at least one claim's effect");
  if (!std::isfinite(plot.min_effect) || plot.min_effect < 0) {
    fail(kChart, plot.title,
         fmt::format("min_effect is {}, but must be finite and >= 0 (0 draws no +-lines)",
                     format_number(plot.min_effect)));
  }
  std::vector<double> all = {0.0};
  if (plot.min_effect > 0) {
    all.push_back(plot.min_effect);
    all.push_back(-plot.min_effect);
  }
  for (std::size_t r = 0; r < plot.rows.size(); ++r) {
    const auto& row = plot.rows[r];
    require_finite(row.estimate, kChart, plot.title,
                   fmt::format("rows[{}] ({}) estimate", r, row.label));
    if (std::isnan(row.ci_low) || std::isnan(row.ci_high) || row.ci_low > row.ci_high) {
      fail(kChart, plot.title,
           fmt::format("rows[{}] ({}) interval is [{}, {}], but must be ordered and not NaN "
                       "(use -inf/+inf for an open end)",
                       r, row.label, format_number(row.ci_low), format_number(row.ci_high)));
    }
    all.push_back(row.estimate);
    if (std::isfinite(row.ci_low)) all.push_back(row.ci_low);
    if (std::isfinite(row.ci_high)) all.push_back(row.ci_high);
  }

  const double w = plot.width;
  const double row_h = 26;
  const double label_w = w * 0.3;
  const double left = label_w + 10, right = w - 170;
  const double top = 44;
  const double bottom = top + row_h * static_cast<double>(plot.rows.size());
  const double h = bottom + 70;
  const auto ticks = ticks_for(all, 6);
  const Scale x{ticks.front(), ticks.back(), left, right};

  Svg svg("forest", plot.title, w, h);
  svg.text(w / 2, 22, plot.title, "middle", 15, kText, " font-weight=\"600\"");
  x_axis(svg, x, ticks, top - 8, bottom);
  svg.line(x(0), top - 8, x(0), bottom, kText, 1.2);
  if (plot.min_effect > 0) {
    for (double m : {-plot.min_effect, plot.min_effect}) {
      svg.line(x(m), top - 8, x(m), bottom, kMuted, 1, " stroke-dasharray=\"5 4\"");
    }
    const std::string m = format_number(plot.min_effect);
    if (x(plot.min_effect) - x(-plot.min_effect) < 60) {  // labels would overlap: one "±m"
      svg.text(x(0), top - 12, fmt::format("\u00b1{}", m), "middle", 10, kMuted);
    } else {
      svg.text(x(plot.min_effect), top - 12, fmt::format("+{}", m), "middle", 10, kMuted);
      svg.text(x(-plot.min_effect), top - 12, fmt::format("-{}", m), "middle", 10, kMuted);
    }
  }
  svg.text(right + 8, top - 12, "estimate [CI]", "start", 11, kMuted);
  const auto label_max = static_cast<std::size_t>(std::max(8.0, label_w / 7.0));
  for (std::size_t r = 0; r < plot.rows.size(); ++r) {
    const auto& row = plot.rows[r];
    const double cy = top + row_h * (static_cast<double>(r) + 0.5);
    const auto colour = tone_colour(row.tone);
    svg.text(label_w, cy + 4, shorten(row.label, label_max), "end", 12, kText, "", row.label);
    const double x_lo = std::isfinite(row.ci_low) ? x(row.ci_low) : left;
    const double x_hi = std::isfinite(row.ci_high) ? x(row.ci_high) : right;
    svg.line(x_lo, cy, x_hi, cy, colour, 2.2);
    if (!std::isfinite(row.ci_low)) {  // open end: an arrowhead at the axis edge
      svg.path(fmt::format("M{} {}L{} {}L{} {}Z", c(left), c(cy), c(left + 8), c(cy - 5),
                           c(left + 8), c(cy + 5)),
               colour, colour, 1);
    } else {
      svg.line(x_lo, cy - 5, x_lo, cy + 5, colour, 2);
    }
    if (!std::isfinite(row.ci_high)) {
      svg.path(fmt::format("M{} {}L{} {}L{} {}Z", c(right), c(cy), c(right - 8), c(cy - 5),
                           c(right - 8), c(cy + 5)),
               colour, colour, 1);
    } else {
      svg.line(x_hi, cy - 5, x_hi, cy + 5, colour, 2);
    }
    // Full precision in the tooltip; 4 significant digits beside the plot (fits the margin).
    const std::string interval = fmt::format("{} [{}, {}]", format_number(row.estimate),
                                             format_number(row.ci_low), format_number(row.ci_high));
    svg.rect(x(row.estimate) - 5, cy - 5, 10, 10, colour, "#ffffff", " stroke-width=\"1\"",
             fmt::format("{}: {} ({})", row.label, interval, to_string(row.tone)));
    svg.text(right + 8, cy + 4,
             fmt::format("{} [{}, {}]", short_number(row.estimate), short_number(row.ci_low),
                         short_number(row.ci_high)),
             "start", 11, kText);
  }
  svg.text((left + right) / 2, bottom + 34, plot.x_label, "middle", 12);
  // Legend: the verdict colours present, in a fixed order.
  double lx = left;
  for (Tone tone : {Tone::kSupported, Tone::kNotSupported, Tone::kInconclusive, Tone::kNeutral}) {
    const bool present = std::any_of(plot.rows.begin(), plot.rows.end(),
                                     [&](const ForestRow& row) { return row.tone == tone; });
    if (!present) continue;
    svg.rect(lx, bottom + 48, 10, 10, tone_colour(tone), "none");
    const std::string word(to_string(tone));
    svg.text(lx + 14, bottom + 57, word, "start", 11, kText);
    lx += 30 + 7.0 * static_cast<double>(word.size());
  }
  return svg.finish();
}

// ---- Learning curves with seed bands -----------------------------------------------------

std::vector<BandPoint> summarize(const CurveGroup& group, Band band,
                                 std::size_t* skipped_non_finite) {
  std::map<double, std::vector<double>> at;  // x -> finite y values of the runs
  std::size_t skipped = 0;
  for (std::size_t r = 0; r < group.runs.size(); ++r) {
    const auto& run = group.runs[r];
    if (run.x.size() != run.y.size()) {
      throw RenderError(fmt::format(
          "learning curves \"{}\": runs[{}] has {} x values and {} y values; give one y per x",
          group.label, r, run.x.size(), run.y.size()));
    }
    for (std::size_t i = 0; i < run.x.size(); ++i) {
      if (!std::isfinite(run.x[i]) || (i > 0 && !(run.x[i] > run.x[i - 1]))) {
        throw RenderError(fmt::format(
            "learning curves \"{}\": runs[{}].x[{}] is {}, but x must be finite and strictly "
            "ascending (epochs in order)",
            group.label, r, i, format_number(run.x[i])));
      }
      if (!std::isfinite(run.y[i])) {
        ++skipped;
        at.try_emplace(run.x[i]);
        continue;
      }
      at[run.x[i]].push_back(run.y[i]);
    }
  }
  std::vector<BandPoint> points;
  for (const auto& [x, ys] : at) {
    if (ys.empty()) continue;
    BandPoint p;
    p.x = x;
    p.n = ys.size();
    double sum = 0.0;
    for (double v : ys) sum += v;
    p.mean = sum / static_cast<double>(p.n);
    if (band == Band::kMinMax) {
      const auto [lo, hi] = std::minmax_element(ys.begin(), ys.end());
      p.lower = *lo;
      p.upper = *hi;
    } else {
      // Sample sd (R's sd(), n - 1 denominator); one run gives no spread: the band collapses.
      double ss = 0.0;
      for (double v : ys) ss += (v - p.mean) * (v - p.mean);
      const double sd = p.n > 1 ? std::sqrt(ss / static_cast<double>(p.n - 1)) : 0.0;
      p.lower = p.mean - sd;
      p.upper = p.mean + sd;
    }
    points.push_back(p);
  }
  if (skipped_non_finite != nullptr) *skipped_non_finite = skipped;
  return points;
}

std::string render(const LineBand& plot) {
  constexpr std::string_view kChart = "learning curves";
  if (plot.groups.empty()) fail(kChart, plot.title, "no groups; give at least one arm's curves");
  std::vector<std::vector<BandPoint>> summaries;
  std::size_t skipped = 0;
  std::vector<double> xs;
  std::vector<double> ys;
  for (const auto& grp : plot.groups) {
    std::size_t s = 0;
    summaries.push_back(summarize(grp, plot.band, &s));
    skipped += s;
    for (const auto& p : summaries.back()) {
      xs.push_back(p.x);
      ys.push_back(p.lower);
      ys.push_back(p.upper);
    }
  }
  if (xs.empty()) {
    fail(kChart, plot.title,
         "no finite point in any run; every value is missing or non-finite (diverged runs?)");
  }

  const double w = plot.width;
  const double h = plot.height;
  const double left = 72, right = w - 170, top = 40, bottom = h - 62;
  const auto xt = ticks_for(xs, 8);
  const auto yt = ticks_for(ys, 6);
  const Scale x{xt.front(), xt.back(), left, right};
  const Scale y{yt.front(), yt.back(), bottom, top};

  Svg svg("line-band", plot.title, w, h);
  svg.text((left + right) / 2, 22, plot.title, "middle", 15, kText, " font-weight=\"600\"");
  y_axis(svg, y, yt, left, right, plot.y_label, 18);
  for (double t : xt) {
    svg.text(x(t), bottom + 15, format_number(t), "middle", 11, kMuted);
  }
  svg.line(left, bottom, right, bottom, kAxis, 1);
  svg.text((left + right) / 2, bottom + 32, plot.x_label, "middle", 12);

  for (std::size_t g = 0; g < plot.groups.size(); ++g) {
    const auto& pts = summaries[g];
    const auto colour = palette(g);
    if (pts.empty()) continue;
    if (pts.size() == 1) {
      svg.rect(x(pts[0].x) - 3, y(pts[0].upper), 6, y(pts[0].lower) - y(pts[0].upper), colour,
               "none", " fill-opacity=\"0.25\"");
      svg.circle(x(pts[0].x), y(pts[0].mean), 3.5, colour, "none",
                 fmt::format("{}: {} at {}", plot.groups[g].label, format_number(pts[0].mean),
                             format_number(pts[0].x)));
      continue;
    }
    std::string band_d;
    for (std::size_t i = 0; i < pts.size(); ++i) {
      band_d += fmt::format("{}{} {}", i == 0 ? "M" : "L", c(x(pts[i].x)), c(y(pts[i].upper)));
    }
    for (std::size_t i = pts.size(); i-- > 0;) {
      band_d += fmt::format("L{} {}", c(x(pts[i].x)), c(y(pts[i].lower)));
    }
    band_d += "Z";
    svg.path(band_d, colour, "none", 0, " fill-opacity=\"0.18\"");
    std::string line_d;
    for (std::size_t i = 0; i < pts.size(); ++i) {
      line_d += fmt::format("{}{} {}", i == 0 ? "M" : "L", c(x(pts[i].x)), c(y(pts[i].mean)));
    }
    svg.path(line_d, "none", colour, 2, " stroke-linejoin=\"round\"");
  }
  // Legend on the right: colour, arm, number of runs.
  for (std::size_t g = 0; g < plot.groups.size(); ++g) {
    const double ly = top + 8 + 20 * static_cast<double>(g);
    svg.line(right + 14, ly - 4, right + 34, ly - 4, palette(g), 3);
    const auto& label = plot.groups[g].label;
    svg.text(right + 40, ly,
             fmt::format("{} ({} runs)", shorten(label, 14), plot.groups[g].runs.size()), "start",
             11, kText, "", label);
  }
  std::string note = plot.band == Band::kMinMax
                         ? "line: mean over runs; band: min to max over runs"
                         : "line: mean over runs; band: mean +- 1 sd over runs";
  if (skipped > 0) note += fmt::format("; {} non-finite values skipped", skipped);
  svg.text(left, h - 8, note, "start", 11, kMuted);
  return svg.finish();
}

// ---- Critical-difference diagram ---------------------------------------------------------

std::vector<std::vector<std::size_t>> cd_cliques(const std::vector<CdMethod>& methods, double cd) {
  std::vector<std::size_t> order(methods.size());
  for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
    return methods[a].average_rank < methods[b].average_rank;
  });
  // Demšar (2006), Fig. 1: methods whose average ranks differ by less than CD are not
  // significantly different (Nemenyi); draw each maximal such run of consecutive methods once.
  std::vector<std::vector<std::size_t>> cliques;
  std::size_t last_end = 0;  // one past the end of the previous clique, in `order`
  for (std::size_t i = 0; i < order.size(); ++i) {
    std::size_t j = i;
    while (j + 1 < order.size() &&
           methods[order[j + 1]].average_rank - methods[order[i]].average_rank < cd) {
      ++j;
    }
    if (j > i && j + 1 > last_end) {
      cliques.emplace_back(order.begin() + static_cast<std::ptrdiff_t>(i),
                           order.begin() + static_cast<std::ptrdiff_t>(j + 1));
      last_end = j + 1;
    }
  }
  return cliques;
}

std::string render(const CriticalDifference& plot) {
  constexpr std::string_view kChart = "critical-difference diagram";
  const std::size_t k = plot.methods.size();
  if (k < 2) {
    fail(kChart, plot.title, fmt::format("{} methods, but a CD diagram compares at least 2", k));
  }
  if (plot.cd && (!std::isfinite(*plot.cd) || *plot.cd <= 0)) {
    fail(kChart, plot.title,
         fmt::format("cd is {}, but must be finite and > 0", format_number(*plot.cd)));
  }
  if (!plot.cd && !plot.cliques) {
    fail(kChart, plot.title,
         "neither cd nor cliques given; give the critical difference or the groups of methods "
         "that are not significantly different");
  }
  for (std::size_t i = 0; i < k; ++i) {
    const double r = plot.methods[i].average_rank;
    if (!std::isfinite(r) || r < 1.0 - 1e-9 || r > static_cast<double>(k) + 1e-9) {
      fail(kChart, plot.title,
           fmt::format("methods[{}] ({}) average_rank is {}, but must be in [1, {}] (1 = best)", i,
                       plot.methods[i].label, format_number(r), k));
    }
  }
  const auto cliques = plot.cliques ? *plot.cliques : cd_cliques(plot.methods, *plot.cd);
  for (std::size_t q = 0; q < cliques.size(); ++q) {
    for (std::size_t idx : cliques[q]) {
      if (idx >= k) {
        fail(kChart, plot.title,
             fmt::format("cliques[{}] names method {}, but there are only {} methods", q, idx, k));
      }
    }
  }
  std::vector<std::size_t> order(k);
  for (std::size_t i = 0; i < k; ++i) order[i] = i;
  std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
    return plot.methods[a].average_rank < plot.methods[b].average_rank;
  });

  const double w = plot.width;
  const double margin = std::min(200.0, w * 0.26);
  const double left = margin, right = w - margin;
  const double axis_y = 84;
  const double clique_top = axis_y + 14;
  const double label_top =
      clique_top + 8 * static_cast<double>(cliques.size()) + (cliques.empty() ? 10 : 14);
  const std::size_t n_left = (k + 1) / 2;
  const double h = label_top + 20 * static_cast<double>(n_left) + 12;
  const Scale x{1.0, static_cast<double>(k), left, right};

  Svg svg("critical-difference", plot.title, w, h);
  svg.text(w / 2, 20, plot.title, "middle", 15, kText, " font-weight=\"600\"");
  // CD bar: from rank 1 to 1 + cd, above the axis.
  if (plot.cd) {
    const double cd_end = x(std::min(1.0 + *plot.cd, static_cast<double>(k)));
    svg.line(x(1), 50, cd_end, 50, kText, 2);
    svg.line(x(1), 45, x(1), 55, kText, 1.5);
    svg.line(cd_end, 45, cd_end, 55, kText, 1.5);
    svg.text((x(1) + cd_end) / 2, 40, plot.cd_label, "middle", 11, kText);
  }
  // Axis with a tick per integer rank, labels above.
  svg.line(left, axis_y, right, axis_y, kText, 1.2);
  for (std::size_t r = 1; r <= k; ++r) {
    const double tx = x(static_cast<double>(r));
    svg.line(tx, axis_y - 6, tx, axis_y, kText, 1.2);
    svg.text(tx, axis_y - 10, fmt::format("{}", r), "middle", 11, kText);
    if (r < k) {
      svg.line(x(static_cast<double>(r) + 0.5), axis_y - 3, x(static_cast<double>(r) + 0.5), axis_y,
               kText, 1);
    }
  }
  // Methods: best half labelled on the left, the rest on the right (Demšar's layout).
  for (std::size_t pos = 0; pos < k; ++pos) {
    const auto& m = plot.methods[order[pos]];
    const double mx = x(m.average_rank);
    const bool on_left = pos < n_left;
    const std::size_t row = on_left ? pos : k - 1 - pos;
    const double ly = label_top + 20 * static_cast<double>(row);
    const double end_x = on_left ? left - 8 : right + 8;
    svg.path(fmt::format("M{} {}V{}H{}", c(mx), c(axis_y), c(ly), c(end_x)), "none", kAxis, 1);
    const std::string label =
        fmt::format("{} ({})", shorten(m.label, 22), format_number(m.average_rank));
    svg.text(on_left ? end_x - 4 : end_x + 4, ly + 4, label, on_left ? "end" : "start", 12, kText,
             "", m.label);
  }
  // Cliques: thick bars joining methods that are not significantly different.
  for (std::size_t q = 0; q < cliques.size(); ++q) {
    double lo = std::numeric_limits<double>::infinity();
    double hi = -lo;
    for (std::size_t idx : cliques[q]) {
      lo = std::min(lo, plot.methods[idx].average_rank);
      hi = std::max(hi, plot.methods[idx].average_rank);
    }
    const double qy = clique_top + 8 * static_cast<double>(q);
    svg.line(x(lo) - 4, qy, x(hi) + 4, qy, kText, 4, " stroke-linecap=\"round\"");
  }
  return svg.finish();
}

}  // namespace rigor::reports::svg
