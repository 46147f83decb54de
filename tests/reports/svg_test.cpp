// Tests of rigor/reports/svg.h: helpers against R, chart structure, escaping, validation, and
// golden SVG files per chart type.
//
// Golden files: tests/reports/data/<kind>.svg. After an intended change of the drawing, regenerate
// them with
//   RIGOR_UPDATE_GOLDEN=1 /tmp/build/tests/reports/rigor_report_render_tests
//   --gtest_filter='SvgGolden*'
// then review the diff (git diff tests/reports/data). The files are inline-SVG fragments (no xmlns:
// the HTML page supplies the namespace); to look at one, paste it into an .html file's <body>.
#include "rigor/reports/svg.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <limits>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "text_count.h"

namespace rigor::reports::svg {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

using rigor::reports::test::count;

template <typename Chart>
std::string error_of(const Chart& chart) {
  try {
    (void)render(chart);
  } catch (const RenderError& e) {
    return e.what();
  }
  return "no error";
}

// Checks the attributes every chart must have.
void expect_chart_shell(const std::string& svg, const std::string& kind,
                        const std::string& escaped_title) {
  EXPECT_EQ(svg.rfind("<svg viewBox=\"0 0 ", 0), 0U) << svg.substr(0, 80);
  EXPECT_THAT(svg, HasSubstr(" width=\"100%\""));
  EXPECT_THAT(svg, HasSubstr(" role=\"img\""));
  EXPECT_THAT(svg, HasSubstr("data-chart=\"" + kind + "\""));
  // The <title> is the first child.
  EXPECT_THAT(svg, HasSubstr("class=\"chart\">\n<title>" + escaped_title + "</title>\n"));
  EXPECT_EQ(svg.substr(svg.size() - 7), "</svg>\n");
  EXPECT_EQ(count(svg, "<svg"), 1U);
  EXPECT_EQ(count(svg, "</svg>"), 1U);
}

// ---- Helpers ------------------------------------------------------------------------------

TEST(SvgFormatNumber, PrintsSixSignificantDigitsWithoutNoise) {
  EXPECT_EQ(format_number(0.1 + 0.2), "0.3");
  EXPECT_EQ(format_number(-0.0), "0");
  EXPECT_EQ(format_number(0.9123456789), "0.912346");
  EXPECT_EQ(format_number(1234567.0), "1.23457e+06");
  EXPECT_EQ(format_number(-2.5), "-2.5");
  EXPECT_EQ(format_number(std::numeric_limits<double>::infinity()), "inf");
  EXPECT_EQ(format_number(-std::numeric_limits<double>::infinity()), "-inf");
  EXPECT_EQ(format_number(std::nan("")), "nan");
}

TEST(SvgNiceTicks, CoversTheRangeWithOneTwoFiveSteps) {
  EXPECT_EQ(nice_ticks(0.0, 1.0, 5), (std::vector<double>{0, 0.2, 0.4, 0.6, 0.8, 1.0}));
  // Heckbert: range 0.06 -> nice 0.1, step 0.1/5 = 0.02; 0.87 floors to 0.86, 0.93 ceils to 0.94.
  EXPECT_EQ(nice_ticks(0.87, 0.93, 6), (std::vector<double>{0.86, 0.88, 0.9, 0.92, 0.94}));
  const auto t = nice_ticks(-3.7, 12.1, 5);
  EXPECT_LE(t.front(), -3.7);
  EXPECT_GE(t.back(), 12.1);
  EXPECT_EQ(t, (std::vector<double>{-5, 0, 5, 10, 15}));
}

TEST(SvgNiceTicks, WidensASingleValue) {
  const auto t = nice_ticks(0.5, 0.5, 5);
  ASSERT_GE(t.size(), 2U);
  EXPECT_LT(t.front(), 0.5);
  EXPECT_GT(t.back(), 0.5);
  const auto z = nice_ticks(0.0, 0.0, 5);
  EXPECT_LT(z.front(), 0.0);
  EXPECT_GT(z.back(), 0.0);
}

TEST(SvgNiceTicks, RejectsBadRanges) {
  try {
    (void)nice_ticks(1.0, std::nan(""), 5);
    FAIL() << "no error";
  } catch (const RenderError& e) {
    EXPECT_THAT(e.what(), HasSubstr("nice_ticks: range [1, nan]"));
    EXPECT_THAT(e.what(), HasSubstr("must be finite"));
  }
  EXPECT_THROW((void)nice_ticks(2.0, 1.0, 5), RenderError);
  EXPECT_THROW((void)nice_ticks(0.0, 1.0, 1), RenderError);
}

// Reference: R 4.2.2, quantile(c(0.91,0.93,0.90,0.95,0.88,0.97,0.92), c(.25,.5,.75), type=7)
// = 0.905 0.92 0.94; quantile(c(1:9,30), ..., type=7) = 3.25 5.5 7.75. Tolerance 1e-12.
TEST(SvgQuantileType7, MatchesR) {
  std::vector<double> x = {0.91, 0.93, 0.90, 0.95, 0.88, 0.97, 0.92};
  std::sort(x.begin(), x.end());
  EXPECT_NEAR(quantile_type7(x, 0.25), 0.905, 1e-12);
  EXPECT_NEAR(quantile_type7(x, 0.5), 0.92, 1e-12);
  EXPECT_NEAR(quantile_type7(x, 0.75), 0.94, 1e-12);
  EXPECT_EQ(quantile_type7(x, 0.0), 0.88);
  EXPECT_EQ(quantile_type7(x, 1.0), 0.97);
  EXPECT_EQ(quantile_type7({4.0}, 0.3), 4.0);
  EXPECT_THROW((void)quantile_type7({}, 0.5), RenderError);
  EXPECT_THROW((void)quantile_type7(x, 1.5), RenderError);
}

TEST(SvgBoxStats, WhiskersStopAtTukeyFences) {
  const BoxStats b = box_stats({30, 1, 2, 3, 4, 5, 6, 7, 8, 9});
  EXPECT_NEAR(b.q1, 3.25, 1e-12);
  EXPECT_NEAR(b.median, 5.5, 1e-12);
  EXPECT_NEAR(b.q3, 7.75, 1e-12);
  // IQR 4.5: upper fence 7.75 + 6.75 = 14.5, so 30 is an outlier and the whisker ends at 9.
  EXPECT_EQ(b.whisker_low, 1.0);
  EXPECT_EQ(b.whisker_high, 9.0);
  EXPECT_EQ(b.outliers, 1U);
  try {
    (void)box_stats({1.0, std::nan("")});
    FAIL() << "no error";
  } catch (const RenderError& e) {
    EXPECT_THAT(e.what(), HasSubstr("values[1] is nan"));
  }
}

TEST(SvgJitter, IsDeterministicAndBounded) {
  EXPECT_EQ(jitter(7, 1, 3), jitter(7, 1, 3));
  EXPECT_NE(jitter(7, 1, 3), jitter(7, 1, 4));
  EXPECT_NE(jitter(7, 1, 3), jitter(8, 1, 3));
  EXPECT_NE(jitter(7, 1, 3), jitter(7, 2, 3));
  double lo = 1, hi = -1;
  for (std::size_t i = 0; i < 2000; ++i) {
    const double j = jitter(0, 0, i);
    ASSERT_GE(j, -1.0);
    ASSERT_LT(j, 1.0);
    lo = std::min(lo, j);
    hi = std::max(hi, j);
  }
  EXPECT_LT(lo, -0.9);  // spreads over the whole interval
  EXPECT_GT(hi, 0.9);
}

// ---- Fixed inputs (also used by the golden files) -----------------------------------------

// Builders: GCC 12 warns (-Wmissing-field-initializers) on designated initializers that leave
// members to their defaults.
StripBoxPlot strip_plot(std::string title, std::string y_label) {
  StripBoxPlot p;
  p.title = std::move(title);
  p.y_label = std::move(y_label);
  return p;
}
StripGroup group(std::string label, std::vector<double> values) {
  StripGroup g;
  g.label = std::move(label);
  g.values = std::move(values);
  return g;
}
LineBand line_plot(std::string title, std::string y_label) {
  LineBand p;
  p.title = std::move(title);
  p.y_label = std::move(y_label);
  return p;
}
CurveGroup curves(std::string label, std::vector<Curve> runs) {
  CurveGroup g;
  g.label = std::move(label);
  g.runs = std::move(runs);
  return g;
}

StripBoxPlot strip_fixture() {
  auto p = strip_plot("test_accuracy per seed", "test_accuracy");
  p.groups.push_back(group("baseline", {0.912, 0.905, 0.921, 0.899, 0.915, 0.908, 0.911, 0.918}));
  auto wide = group("wide-resnet", {0.931, 0.925, 0.94, 0.928, 0.936, 0.1, 0.933});
  wide.diverged = {false, false, false, false, false, true, false};
  wide.excluded = {0.5};
  wide.missing = 1;
  p.groups.push_back(wide);
  return p;
}

ForestPlot forest_fixture() {
  ForestPlot p;
  p.title = "Effects across claims";
  p.x_label = "difference in test_accuracy";
  p.min_effect = 0.01;
  p.rows = {
      {.label = "wide beats baseline",
       .estimate = 0.021,
       .ci_low = 0.012,
       .ci_high = 0.03,
       .tone = Tone::kSupported},
      {.label = "dropout helps",
       .estimate = 0.002,
       .ci_low = -0.004,
       .ci_high = 0.008,
       .tone = Tone::kNotSupported},
      {.label = "one-sided claim",
       .estimate = 0.006,
       .ci_low = -0.001,
       .ci_high = std::numeric_limits<double>::infinity(),
       .tone = Tone::kInconclusive},
  };
  return p;
}

LineBand line_fixture() {
  auto p = line_plot("validation_accuracy", "validation_accuracy");
  auto a = curves("baseline", {});
  a.runs.push_back({.x = {0, 1, 2, 3}, .y = {0.80, 0.86, 0.88, 0.89}});
  a.runs.push_back({.x = {0, 1, 2, 3}, .y = {0.78, 0.85, 0.89, 0.90}});
  auto b = curves("wide-resnet", {});
  b.runs.push_back({.x = {0, 1, 2, 3}, .y = {0.82, 0.88, 0.91, 0.93}});
  b.runs.push_back({.x = {0, 1, 2, 3}, .y = {0.81, std::nan(""), 0.92, 0.92}});
  p.groups = {a, b};
  return p;
}

// Demšar (2006), section 3.2.2: four variants of C4.5 on 14 data sets, average ranks 3.143, 2.000,
// 2.893, 1.964; Nemenyi CD at alpha 0.10 is 1.12.
CriticalDifference cd_fixture() {
  CriticalDifference p;
  p.title = "Average ranks (Friedman + Nemenyi)";
  p.methods = {{"C4.5", 3.143}, {"C4.5+m", 2.000}, {"C4.5+cf", 2.893}, {"C4.5+m+cf", 1.964}};
  p.cd = 1.12;
  p.cd_label = "CD = 1.12 (Nemenyi, 0.10)";
  return p;
}

// ---- Strip + box ----------------------------------------------------------------------------

TEST(SvgStripBox, DrawsEveryRunAndMarksDivergedAndExcluded) {
  const std::string s = render(strip_fixture());
  expect_chart_shell(s, "strip-box", "test_accuracy per seed");
  // 8 + 7 circles: one per counted run (6 filled and 1 red ring in the second group).
  EXPECT_EQ(count(s, "<circle"), 15U);
  EXPECT_EQ(count(s, "stroke=\"#b2182b\" stroke-width=\"2\"><title>wide-resnet: 0.1 (diverged)"),
            1U);
  EXPECT_THAT(s, HasSubstr("wide-resnet: 0.5 (excluded: diverged or failed)"));
  EXPECT_THAT(s, HasSubstr("n = 8</text>"));
  EXPECT_THAT(s, HasSubstr("n = 7, 1 diverged, 1 excluded, 1 no score</text>"));
  EXPECT_EQ(count(s, "<rect"), 2U);  // one box per group
}

TEST(SvgStripBox, IsDeterministicAndTheSeedMovesPoints) {
  auto p = strip_fixture();
  EXPECT_EQ(render(p), render(p));
  const std::string before = render(p);
  p.jitter_seed = 99;
  EXPECT_NE(render(p), before);
}

TEST(SvgStripBox, ShowsAnArmWithoutScores) {
  auto p = strip_plot("t", "y");
  p.groups = {group("a", {1.0, 2.0}), group("b", {})};
  p.groups[1].missing = 3;
  const std::string s = render(p);
  EXPECT_THAT(s, HasSubstr(">no scores</text>"));
  EXPECT_THAT(s, HasSubstr("n = 0, 3 no score"));
}

TEST(SvgStripBox, RejectsBadInput) {
  auto p = strip_plot("acc", "y");
  EXPECT_THAT(error_of(p), HasSubstr("strip/box plot \"acc\": no groups"));
  p.groups = {group("a", {1.0, std::nan("")})};
  EXPECT_THAT(error_of(p), HasSubstr("groups[0] (a) values[1] is nan, but must be finite"));
  p.groups = {group("a", {1.0, 2.0})};
  p.groups[0].diverged = {true};
  EXPECT_THAT(error_of(p), HasSubstr("groups[0] (a) has 1 diverged flags for 2 values"));
  p.groups = {group("a", {1.0})};
  p.groups[0].excluded = {std::numeric_limits<double>::infinity()};
  EXPECT_THAT(error_of(p), HasSubstr("excluded[0] is inf"));
}

// ---- Forest ---------------------------------------------------------------------------------

TEST(SvgForest, DrawsRowsReferenceLinesAndVerdictColours) {
  const std::string s = render(forest_fixture());
  expect_chart_shell(s, "forest", "Effects across claims");
  EXPECT_THAT(s, HasSubstr("0.021 [0.012, 0.03]"));
  EXPECT_THAT(s, HasSubstr("0.006 [-0.001, inf]"));
  EXPECT_EQ(count(s, "stroke-dasharray=\"5 4\""), 2U);  // +-min_effect
  EXPECT_THAT(s, HasSubstr(">+0.01</text>"));
  EXPECT_THAT(s, HasSubstr(">-0.01</text>"));
  EXPECT_THAT(s, HasSubstr("stroke=\"#1b7837\""));  // supported
  EXPECT_THAT(s, HasSubstr("stroke=\"#b2182b\""));  // not supported
  EXPECT_THAT(s, HasSubstr("stroke=\"#b35806\""));  // inconclusive
  EXPECT_EQ(count(s, "Z\" fill=\"#b35806\""), 1U);  // the open end's arrowhead
  EXPECT_THAT(s, HasSubstr(">supported</text>"));
  EXPECT_THAT(s, Not(HasSubstr(">neutral</text>")));  // legend lists only the tones present
}

TEST(SvgForest, OmitsMinEffectLinesWhenZero) {
  auto p = forest_fixture();
  p.min_effect = 0.0;
  EXPECT_EQ(count(render(p), "stroke-dasharray"), 0U);
}

TEST(SvgForest, MergesCloseMinEffectLabelsAndShortensNumbers) {
  auto p = forest_fixture();
  p.rows[0].ci_low = -1.0;  // a wide axis: +-0.01 lie a few units apart
  p.rows[0].ci_high = 1.23456789;
  const std::string s = render(p);
  EXPECT_THAT(s, HasSubstr(">\u00b10.01</text>"));
  EXPECT_THAT(s, Not(HasSubstr(">+0.01</text>")));
  EXPECT_THAT(s, HasSubstr(">0.021 [-1, 1.235]</text>"));        // beside the plot: 4 digits
  EXPECT_THAT(s, HasSubstr("0.021 [-1, 1.23457] (supported)"));  // tooltip: 6 digits
}

TEST(SvgForest, RejectsBadInput) {
  auto p = forest_fixture();
  p.rows[1].ci_low = 0.5;
  EXPECT_THAT(error_of(p), HasSubstr("rows[1] (dropout helps) interval is [0.5, 0.008], but must "
                                     "be ordered"));
  p = forest_fixture();
  p.rows[0].estimate = std::nan("");
  EXPECT_THAT(error_of(p), HasSubstr("rows[0] (wide beats baseline) estimate is nan"));
  p = forest_fixture();
  p.min_effect = -1;
  EXPECT_THAT(error_of(p), HasSubstr("min_effect is -1, but must be finite and >= 0"));
  p.rows.clear();
  EXPECT_THAT(error_of(p), HasSubstr("no rows"));
}

// ---- Line + band ----------------------------------------------------------------------------

TEST(SvgLineBand, SummarizesMinMaxAndMeanSd) {
  auto g = curves("a", {});
  g.runs.push_back({.x = {0, 1}, .y = {0.5, 1.0}});
  g.runs.push_back({.x = {0, 1}, .y = {0.7, std::nan("")}});
  g.runs.push_back({.x = {0, 1, 2}, .y = {0.9, 2.0, 3.0}});
  std::size_t skipped = 0;
  const auto mm = summarize(g, Band::kMinMax, &skipped);
  ASSERT_EQ(mm.size(), 3U);
  EXPECT_EQ(skipped, 1U);
  EXPECT_NEAR(mm[0].mean, 0.7, 1e-12);
  EXPECT_EQ(mm[0].lower, 0.5);
  EXPECT_EQ(mm[0].upper, 0.9);
  EXPECT_EQ(mm[0].n, 3U);
  EXPECT_EQ(mm[1].n, 2U);  // the NaN is left out
  EXPECT_NEAR(mm[1].mean, 1.5, 1e-12);
  EXPECT_EQ(mm[2].n, 1U);
  // R: sd(c(0.5, 0.7, 0.9)) = 0.2
  const auto sd = summarize(g, Band::kMeanSd);
  EXPECT_NEAR(sd[0].lower, 0.5, 1e-12);
  EXPECT_NEAR(sd[0].upper, 0.9, 1e-12);
  EXPECT_EQ(sd[2].lower, 3.0);  // one run: no spread
  EXPECT_EQ(sd[2].upper, 3.0);
}

TEST(SvgLineBand, DrawsABandAndALinePerArmAndSaysWhatTheBandIs) {
  const std::string s = render(line_fixture());
  expect_chart_shell(s, "line-band", "validation_accuracy");
  EXPECT_EQ(count(s, "fill-opacity=\"0.18\""), 2U);      // bands
  EXPECT_EQ(count(s, "stroke-linejoin=\"round\""), 2U);  // mean lines
  EXPECT_THAT(s, HasSubstr("band: min to max over runs; 1 non-finite values skipped"));
  EXPECT_THAT(s, HasSubstr(">baseline (2 runs)</text>"));
  auto p = line_fixture();
  p.band = Band::kMeanSd;
  EXPECT_THAT(render(p), HasSubstr("band: mean +- 1 sd over runs"));
}

TEST(SvgLineBand, RejectsBadCurves) {
  auto p = line_plot("loss", "loss");
  EXPECT_THAT(error_of(p), HasSubstr("learning curves \"loss\": no groups"));
  p.groups = {curves("a", {{.x = {0, 1}, .y = {1.0}}})};
  EXPECT_THAT(error_of(p), HasSubstr("runs[0] has 2 x values and 1 y values"));
  p.groups = {curves("a", {{.x = {1, 0}, .y = {1.0, 2.0}}})};
  EXPECT_THAT(error_of(p), HasSubstr("runs[0].x[1] is 0, but x must be finite and strictly"));
  p.groups = {curves("a", {{.x = {0}, .y = {std::nan("")}}})};
  EXPECT_THAT(error_of(p), HasSubstr("no finite point in any run"));
}

// ---- Critical difference ------------------------------------------------------------------

TEST(SvgCriticalDifference, CliquesFollowDemsar) {
  const auto p = cd_fixture();
  // Sorted: m+cf 1.964, m 2.000, cf 2.893, C4.5 3.143. At CD 1.12: C4.5 differs from m+cf (1.179)
  // and from m (1.143), so the cliques are {m+cf, m, cf} and {cf, C4.5} (Demšar 2006, Fig. 1).
  const auto q = cd_cliques(p.methods, *p.cd);
  ASSERT_EQ(q.size(), 2U);
  EXPECT_EQ(q[0], (std::vector<std::size_t>{3, 1, 2}));
  EXPECT_EQ(q[1], (std::vector<std::size_t>{2, 0}));
  // At alpha 0.05, CD = 1.25 exceeds the whole span: one clique of all four (Demšar's text).
  EXPECT_EQ(cd_cliques(p.methods, 1.25), (std::vector<std::vector<std::size_t>>{{3, 1, 2, 0}}));
  // A tiny CD separates everything: no clique.
  EXPECT_TRUE(cd_cliques(p.methods, 0.01).empty());
}

TEST(SvgCriticalDifference, DrawsAxisCdBarLabelsAndCliques) {
  const std::string s = render(cd_fixture());
  expect_chart_shell(s, "critical-difference", "Average ranks (Friedman + Nemenyi)");
  EXPECT_THAT(s, HasSubstr(">CD = 1.12 (Nemenyi, 0.10)</text>"));
  EXPECT_THAT(s, HasSubstr(">C4.5+m+cf (1.964)</text>"));
  EXPECT_THAT(s, HasSubstr(">C4.5 (3.143)</text>"));
  EXPECT_EQ(count(s, "stroke-width=\"4\" stroke-linecap=\"round\""), 2U);
  EXPECT_EQ(count(s, "stroke-width=\"1.5\""), 2U);  // the CD bar's end caps
  // The best half is labelled on the left (text-anchor end), the rest on the right.
  EXPECT_THAT(s,
              HasSubstr("text-anchor=\"end\" font-size=\"12\" fill=\"#1a1a1a\"><title>C4.5+m+cf"));
  EXPECT_THAT(s, HasSubstr("text-anchor=\"start\" font-size=\"12\" fill=\"#1a1a1a\"><title>C4.5<"));
}

TEST(SvgCriticalDifference, DrawsGivenCliquesWithoutACdBar) {
  auto p = cd_fixture();
  p.cd.reset();
  p.cliques = std::vector<std::vector<std::size_t>>{{3, 1}};
  const std::string s = render(p);
  EXPECT_THAT(s, Not(HasSubstr("CD = 1.12")));
  EXPECT_EQ(count(s, "stroke-width=\"1.5\""), 0U);
  EXPECT_EQ(count(s, "stroke-width=\"4\" stroke-linecap=\"round\""), 1U);
}

TEST(SvgCriticalDifference, RejectsBadInput) {
  auto p = cd_fixture();
  p.methods[0].average_rank = 4.5;
  EXPECT_THAT(error_of(p),
              HasSubstr("methods[0] (C4.5) average_rank is 4.5, but must be in [1, 4]"));
  p = cd_fixture();
  p.cd = 0.0;
  EXPECT_THAT(error_of(p), HasSubstr("cd is 0, but must be finite and > 0"));
  p.cd.reset();
  EXPECT_THAT(error_of(p), HasSubstr("neither cd nor cliques given"));
  p = cd_fixture();
  p.cliques = std::vector<std::vector<std::size_t>>{{0, 7}};
  EXPECT_THAT(error_of(p), HasSubstr("cliques[0] names method 7, but there are only 4 methods"));
  p.methods.resize(1);
  EXPECT_THAT(error_of(p), HasSubstr("1 methods, but a CD diagram compares at least 2"));
}

// ---- Escaping -------------------------------------------------------------------------------

TEST(SvgEscaping, UserTextNeverBecomesMarkup) {
  const std::string evil = "<script>alert(1)</script> & \"x\" 'y'";
  const std::string escaped =
      "&lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;x&quot; &#39;y&#39;";
  auto strip = strip_fixture();
  strip.title = evil;
  strip.y_label = evil;
  strip.groups[0].label = evil;
  auto forest = forest_fixture();
  forest.title = evil;
  forest.x_label = evil;
  forest.rows[0].label = evil;
  auto line = line_fixture();
  line.title = evil;
  line.y_label = evil;
  line.groups[0].label = evil;
  auto cd = cd_fixture();
  cd.title = evil;
  cd.cd_label = evil;
  cd.methods[0].label = evil;
  for (const std::string& s : {render(strip), render(forest), render(line), render(cd)}) {
    EXPECT_THAT(s, Not(HasSubstr("<script")));
    EXPECT_THAT(s, Not(HasSubstr("\"x\"")));
    EXPECT_THAT(s, HasSubstr(escaped));                           // in <title> / tooltips
    EXPECT_THAT(s, HasSubstr("aria-label=\"" + escaped + "\""));  // attribute value
    EXPECT_THAT(s, Not(HasSubstr("http://")));
    EXPECT_THAT(s, Not(HasSubstr("https://")));
  }
}

TEST(SvgEscaping, ShortensLongLabelsOnCharacterBoundaries) {
  auto p = strip_plot("t", "y");
  // 40 two-byte characters; a narrow band shortens the label: the cut must not split a character.
  std::string label;
  for (int i = 0; i < 40; ++i) label += "\xC3\xA9";  // é
  for (int i = 0; i < 8; ++i) p.groups.push_back(group(label, {1.0}));
  const std::string s = render(p);
  EXPECT_THAT(s, HasSubstr("\xC3\xA9\xE2\x80\xA6</text>"));   // "é…"
  EXPECT_THAT(s, HasSubstr("<title>" + label + "</title>"));  // full label as tooltip
}

// ---- Golden files ---------------------------------------------------------------------------

void check_golden(const std::string& name, const std::string& actual) {
  const std::filesystem::path path = std::filesystem::path(RIGOR_TEST_DATA_DIR) / name;
  const char* update = std::getenv("RIGOR_UPDATE_GOLDEN");
  if (update != nullptr && std::string(update) == "1") {
    std::filesystem::create_directories(path.parent_path());
    std::ofstream(path, std::ios::binary) << actual;
    std::cout << "updated golden file " << path << "\n";
    return;
  }
  std::ifstream in(path, std::ios::binary);
  ASSERT_TRUE(in) << "missing golden file " << path
                  << "; create it with RIGOR_UPDATE_GOLDEN=1 (see the top of svg_test.cpp)";
  std::stringstream buffer;
  buffer << in.rdbuf();
  EXPECT_EQ(buffer.str(), actual)
      << "chart differs from " << path
      << "; if the change is intended, regenerate with RIGOR_UPDATE_GOLDEN=1 and review the diff";
}

TEST(SvgGolden, StripBox) { check_golden("strip-box.svg", render(strip_fixture())); }
TEST(SvgGolden, Forest) { check_golden("forest.svg", render(forest_fixture())); }
TEST(SvgGolden, LineBand) { check_golden("line-band.svg", render(line_fixture())); }
TEST(SvgGolden, CriticalDifference) {
  check_golden("critical-difference.svg", render(cd_fixture()));
}

}  // namespace
}  // namespace rigor::reports::svg
