// Seed tree and run plan.
#include "rigor/protocols/plan.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <map>
#include <numbers>
#include <set>
#include <sstream>

#include "rigor/stats/power.h"
#include "rigor/stats/random.h"
#include "rigor/stats/sequential.h"
#include "rigor/stats/sim_power.h"
#include "test_util.h"

namespace rigor::protocols::test {
namespace {

using stats::derive_seed;
using ::testing::HasSubstr;
using ::testing::StartsWith;

TEST(CellSeed, FollowsTheDocumentedDerivation) {
  const Protocol p = parse_protocol(kBase);  // master seed 1; init, data_order randomized; paired
  for (std::int64_t r = 0; r < 5; ++r) {
    for (VarianceSource v : kVarianceSources) {
      const auto i = static_cast<std::uint64_t>(v);
      const bool randomized = v == VarianceSource::kInit || v == VarianceSource::kDataOrder;
      const std::uint64_t want =
          derive_seed(derive_seed(1, i + 1), randomized ? static_cast<std::uint64_t>(r) : 0);
      EXPECT_EQ(cell_seed(p, "a", r, v), want);
      EXPECT_EQ(cell_seed(p, "b", r, v), want);  // paired: common random numbers
    }
  }
}

TEST(CellSeed, WorkedExampleOfTheDocs) {
  // docs/protocol.md, "Seed tree": protocols/examples/synthetic_tiny.toml, master seed 20261123.
  const Protocol p = load_protocol(example("synthetic_tiny.toml"));
  EXPECT_EQ(derive_seed(20261123, 1), 4246994565025253174u);
  EXPECT_EQ(cell_seed(p, "wide", 3, VarianceSource::kInit), 2521171828172290385u);
  EXPECT_EQ(cell_seed(p, "wide", 3, VarianceSource::kSplit), 1077122033624054081u);
  EXPECT_EQ(arm_key("wide"), 773110653471910543u);  // SHA-256("wide") starts 0abaa40b10436a8f
}

TEST(CellSeed, UnpairedArmsGetTheirOwnStreams) {
  const Protocol p =
      parse_protocol(with("fixed = [\"split\", \"dropout\", \"augmentation\"]",
                          "fixed = [\"split\", \"dropout\", \"augmentation\"]\npaired = false"));
  const std::uint64_t shared = derive_seed(derive_seed(1, 1), 2);
  EXPECT_EQ(cell_seed(p, "a", 2, VarianceSource::kInit), derive_seed(shared, arm_key("a")));
  EXPECT_EQ(cell_seed(p, "b", 2, VarianceSource::kInit), derive_seed(shared, arm_key("b")));
  EXPECT_NE(cell_seed(p, "a", 2, VarianceSource::kInit),
            cell_seed(p, "b", 2, VarianceSource::kInit));
  // arm_key: the first 8 bytes of SHA-256("a"), big-endian.
  EXPECT_EQ(arm_key("a"), 0xca978112ca1bbdcaULL);
}

TEST(CellSeed, FixedSourcesRepeatAndRandomizedSourcesDiffer) {
  const Protocol p = parse_protocol(kBase);
  std::set<std::uint64_t> init;
  for (std::int64_t r = 0; r < 5; ++r) {
    init.insert(cell_seed(p, "a", r, VarianceSource::kInit));
    EXPECT_EQ(cell_seed(p, "a", r, VarianceSource::kSplit),
              cell_seed(p, "a", 0, VarianceSource::kSplit));
  }
  EXPECT_EQ(init.size(), 5u);
  EXPECT_NE(cell_seed(p, "a", 0, VarianceSource::kInit),
            cell_seed(p, "a", 0, VarianceSource::kDataOrder));
}

TEST(CellSeed, DoesNotDependOnArmOrderOrOtherArms) {
  const Protocol p =
      parse_protocol(with("fixed = [\"split\", \"dropout\", \"augmentation\"]",
                          "fixed = [\"split\", \"dropout\", \"augmentation\"]\npaired = false"));
  const std::string more =
      with("[seeds]", "[[arms]]\nname = \"z\"\nmodel = { name = \"cnn\" }\n\n[seeds]",
           with("fixed = [\"split\", \"dropout\", \"augmentation\"]",
                "fixed = [\"split\", \"dropout\", \"augmentation\"]\npaired = false"));
  const Protocol q = parse_protocol(more);
  for (VarianceSource v : kVarianceSources) {
    EXPECT_EQ(cell_seed(p, "b", 4, v), cell_seed(q, "b", 4, v));
  }
}

TEST(CellSeed, RejectsUnknownArmAndReplicate) {
  const Protocol p = parse_protocol(kBase, "p.toml");
  try {
    cell_seed(p, "x", 0, VarianceSource::kInit);
    FAIL();
  } catch (const ProtocolError& e) {
    EXPECT_STREQ(e.what(), "p.toml: arm \"x\" is not declared; use one of the [[arms]] names");
  }
  try {
    cell_seed(p, "a", 5, VarianceSource::kInit);
    FAIL();
  } catch (const ProtocolError& e) {
    EXPECT_STREQ(e.what(), "p.toml: replicate 5 is outside [0, 5); seeds.replicates is 5");
  }
}

TEST(SeedMap, NamesEverySourceAsTheStoreRecordsIt) {
  const Plan plan = make_plan(load_protocol(example("lr_sweep.toml")));
  const RunCell& c = plan.cells[13];
  const auto seeds = seed_map(c);
  ASSERT_EQ(seeds.size(), kNumVarianceSources);
  EXPECT_EQ(seeds.at("init"), c.seeds[0]);
  EXPECT_EQ(seeds.at("data_order"), c.seeds[1]);
  EXPECT_EQ(seeds.at("split"), c.seeds[2]);
  EXPECT_EQ(seeds.at("dropout"), c.seeds[3]);
  EXPECT_EQ(seeds.at("augmentation"), c.seeds[4]);
}

TEST(MakePlan, ListsEveryCellWithItsSeeds) {
  const Protocol p = load_protocol(example("lr_sweep.toml"));
  const Plan plan = make_plan(p);
  EXPECT_EQ(plan.total_runs, 4 * 12);
  EXPECT_EQ(plan.total_epochs, 4 * 12 * 30);
  EXPECT_EQ(plan.protocol_hash, canonical_hash(p));
  ASSERT_EQ(plan.cells.size(), 48u);
  EXPECT_EQ(plan.cells[0].id, "lr-0.01-r0");
  EXPECT_EQ(plan.cells[13].id, "lr-0.003-r1");
  std::set<std::string> ids;
  for (const RunCell& c : plan.cells) {
    ids.insert(c.id);
    for (VarianceSource v : kVarianceSources) {
      EXPECT_EQ(c.seeds[static_cast<std::size_t>(v)], cell_seed(p, c.arm, c.replicate, v));
    }
  }
  EXPECT_EQ(ids.size(), 48u);
}

TEST(MakePlan, PowerAnalysisUsesPowerTTestAtTheFamilyLevel) {
  const Protocol p = load_protocol(example("lr_sweep.toml"));
  const Plan plan = make_plan(p);
  ASSERT_EQ(plan.power.size(), 3u);
  EXPECT_FALSE(plan.power[0].seeds_needed.has_value());
  EXPECT_EQ(plan.power[0].note,
            "no power analysis: give pilot_sd (and expected_effect, or rely on min_effect)");
  const ClaimPower& cp = plan.power[2];
  EXPECT_DOUBLE_EQ(cp.alpha_used, 0.05 / 5);
  stats::PowerTTestSpec spec;
  spec.delta = 0.02;
  spec.sd = 0.03;
  spec.alpha = 0.05 / 5;
  spec.power = 0.8;
  spec.alternative = stats::PowerAlternative::kOneSided;
  const auto want = stats::power_t_test(spec);
  ASSERT_TRUE(cp.seeds_needed.has_value());
  EXPECT_EQ(*cp.seeds_needed, want.n_ceil);
  EXPECT_EQ(cp.method, "power.t.test two-sample, one-sided");
  ASSERT_TRUE(cp.power_at_planned.has_value());
  EXPECT_GT(*cp.power_at_planned, 0.0);
  EXPECT_LT(*cp.power_at_planned, 1.0);
}

TEST(MakePlan, SequentialLooksAndNoetherForPOutperform) {
  const Protocol p = load_protocol(example("fashion_mnist_dropout.toml"));
  const Plan plan = make_plan(p);
  ASSERT_EQ(plan.sequential.size(), 2u);
  const ClaimLooks& cl = plan.sequential[0];
  EXPECT_EQ(cl.sides, 1);
  EXPECT_DOUBLE_EQ(cl.alpha, 0.025);  // 0.05 / family size 2
  ASSERT_EQ(cl.looks.size(), 2u);
  EXPECT_EQ(cl.looks[0].replicates, 10);
  EXPECT_EQ(cl.looks[1].replicates, 20);
  const auto d =
      stats::group_sequential_design(std::vector<double>{0.5, 1.0}, {.alpha = 0.025, .sides = 1});
  EXPECT_DOUBLE_EQ(cl.looks[0].z_bound, d.looks[0].z_bound);
  EXPECT_DOUBLE_EQ(cl.looks[1].z_bound, d.looks[1].z_bound);
  EXPECT_DOUBLE_EQ(cl.looks[1].cumulative_alpha, 0.025);
  EXPECT_GT(cl.inflation, 1.0);
  // p_outperform claim: Noether with the expected P(a > b) = 0.75, one-sided, alpha 0.025.
  const ClaimPower& cp = plan.power[1];
  const auto n =
      stats::noether_sample_size(0.75, {.alpha = 0.025,
                                        .power = 0.8,
                                        .fraction = 0.5,
                                        .alternative = stats::PowerAlternative::kOneSided});
  ASSERT_TRUE(cp.seeds_needed.has_value());
  EXPECT_EQ(*cp.seeds_needed, n.n_x_ceil);
  ASSERT_TRUE(cp.seeds_needed_sequential.has_value());
  EXPECT_GE(*cp.seeds_needed_sequential, *cp.seeds_needed);
  EXPECT_THAT(cp.note, ::testing::HasSubstr("planned seeds.replicates = 20 is below the"));
}

// ---- Simulated power (docs/protocol.md, "Plan") ----

std::string fmt_double(const std::string& prefix, double value) {
  std::ostringstream out;
  out << prefix << value;
  return out.str();
}

// kBase with one claim of `test` whose power analysis has pilot_sd and expected_effect.
std::string claim_protocol(const std::string& test, double pilot_sd, double effect,
                           const std::string& alternative = "greater", double alpha = 0.05,
                           int replicates = 5, bool paired = true) {
  std::string text = with("test = \"welch\"", "test = \"" + test + "\"");
  text = with("alternative = \"greater\"", "alternative = \"" + alternative + "\"", text);
  text = with("alpha = 0.05", fmt_double("alpha = ", alpha), text);
  text = with("min_effect = 0.01\n",
              fmt_double("min_effect = 0.01\npilot_sd = ", pilot_sd) +
                  fmt_double("\nexpected_effect = ", effect) + "\n",
              text);
  text = with("replicates = 5", "replicates = " + std::to_string(replicates), text);
  if (!paired) {
    text = with("fixed = [\"split\", \"dropout\", \"augmentation\"]",
                "fixed = [\"split\", \"dropout\", \"augmentation\"]\npaired = false", text);
  }
  return text;
}

ClaimPower power_of(const std::string& text) {
  const Plan plan = make_plan(parse_protocol(text));
  EXPECT_EQ(plan.power.size(), 1u);
  return plan.power.at(0);
}

// Monte-Carlo standard error of a power estimated from `studies` simulated studies.
double mc_se(double power, double studies) { return std::sqrt(power * (1 - power) / studies); }

// rigor's simulated n is consistent with reference powers (by n) of the same test: the reference
// power at n is not clearly below the target and at n - 1 not clearly above it, "clearly" being
// 3 standard errors of rigor's estimate (the reference's own error, <= 0.0011, is negligible).
void expect_consistent_n(std::int64_t n, const std::map<std::int64_t, double>& reference,
                         double target, double studies) {
  ASSERT_TRUE(reference.count(n)) << "n = " << n << " is outside the reference table";
  EXPECT_GE(reference.at(n), target - 3 * mc_se(target, studies)) << "n = " << n;
  if (reference.count(n - 1)) {
    EXPECT_LE(reference.at(n - 1), target + 3 * mc_se(target, studies)) << "n = " << n;
  }
}

// Reference powers from SciPy's exact tests, 200,000 simulated studies each:
// `/usr/bin/python3 tests/protocols/plan_sim_reference.py` (numpy 1.24, scipy 1.10).
// One-sided Wilcoxon signed rank, N(1, 1) differences, alpha 0.025, by pairs:
const std::map<std::int64_t, double> kSignedRankD1 = {
    {9, 0.6847}, {10, 0.7845}, {11, 0.8076}, {12, 0.8509}, {13, 0.8947}};
// One-sided Mann-Whitney, N(2, 1) against N(0, 1), alpha 0.025, by seeds per arm:
const std::map<std::int64_t, double> kRankSumD2 = {
    {4, 0.4877}, {5, 0.6763}, {6, 0.8284}, {7, 0.8860}};

TEST(SimulatedPlan, WilcoxonClaimGetsTheSignedRankTestsSmallestN) {
  // fashion_mnist_demo.toml, mlp-beats-linear: d = 0.02 / 0.004 = 5, one-sided, alpha 0.05 / 2.
  // power.t.test says 3 pairs; the exact signed-rank test's smallest p-value with 5 pairs is
  // 2^-5 = 0.031 > 0.025, so 5 pairs have power 0, and 6 pairs (smallest p 1/64) have power
  // Phi(5)^6 > 0.9999: the answer is exactly 6 whatever the Monte-Carlo error.
  const Plan plan = make_plan(load_protocol(example("fashion_mnist_demo.toml")));
  const ClaimPower& cp = plan.power.at(0);
  ASSERT_EQ(cp.claim, "mlp-beats-linear");
  stats::PowerTTestSpec spec;
  spec.delta = 0.02;
  spec.sd = 0.004;
  spec.alpha = 0.025;
  spec.power = 0.8;
  spec.type = stats::TTestDesign::kPaired;
  spec.alternative = stats::PowerAlternative::kOneSided;
  ASSERT_EQ(stats::power_t_test(spec).n_ceil, 3);
  ASSERT_TRUE(cp.seeds_needed.has_value());
  EXPECT_EQ(*cp.seeds_needed, 6);
  EXPECT_EQ(cp.method,
            "simulated Wilcoxon signed-rank test, one-sided: normal differences with sd = "
            "pilot_sd; 1000 studies per n, SE <= 0.016");
  EXPECT_EQ(cp.note,
            "power.t.test paired: 3; the exact Wilcoxon signed-rank test cannot reject with fewer "
            "than 6 pairs at alpha 0.025");
  ASSERT_TRUE(cp.power_at_planned.has_value());
  EXPECT_DOUBLE_EQ(*cp.power_at_planned, 1.0);  // 10 pairs at d = 5
  EXPECT_EQ(cp.simulations, 1000u);
}

TEST(SimulatedPlan, WilcoxonPowerMatchesScipy) {
  // fashion_mnist_demo.toml, dropout-helps-mlp: d = 0.003 / 0.003 = 1, alpha 0.025, 10 pairs.
  const Plan plan = make_plan(load_protocol(example("fashion_mnist_demo.toml")));
  const ClaimPower& cp = plan.power.at(1);
  ASSERT_EQ(cp.claim, "dropout-helps-mlp");
  ASSERT_TRUE(cp.power_at_planned.has_value());
  const double want = kSignedRankD1.at(10);
  EXPECT_NEAR(*cp.power_at_planned, want, 4 * mc_se(want, 1000));  // 4 SE = 0.052
  ASSERT_TRUE(cp.seeds_needed.has_value());
  expect_consistent_n(*cp.seeds_needed, kSignedRankD1, 0.8, 1000);
  EXPECT_THAT(cp.note, HasSubstr("power.t.test paired: 10"));
}

TEST(SimulatedPlan, MannWhitneyPowerMatchesScipy) {
  // An mwu claim with pilot_sd (no expected_p_outperform): d = 0.02 / 0.01 = 2, alpha 0.025.
  const ClaimPower cp = power_of(claim_protocol("mwu", 0.01, 0.02, "greater", 0.025, 4));
  EXPECT_THAT(cp.method, StartsWith("simulated Mann-Whitney test, one-sided: normal scores"));
  ASSERT_TRUE(cp.power_at_planned.has_value());
  const double want = kRankSumD2.at(4);
  EXPECT_NEAR(*cp.power_at_planned, want, 4 * mc_se(want, 1000));
  ASSERT_TRUE(cp.seeds_needed.has_value());
  expect_consistent_n(*cp.seeds_needed, kRankSumD2, 0.8, 1000);
}

TEST(SimulatedPlan, TwoSidedWilcoxonCannotRejectWithFivePairs) {
  // Two-sided, alpha 0.05: the smallest exact p-value with 5 pairs is 2 / 32 = 0.0625, so the
  // planned 5 pairs have power exactly 0, where power.t.test promises more than 0.3 at d = 1.
  const ClaimPower cp = power_of(claim_protocol("wilcoxon", 0.01, 0.01, "two-sided"));
  ASSERT_TRUE(cp.power_at_planned.has_value());
  EXPECT_EQ(*cp.power_at_planned, 0.0);
  stats::PowerTTestSpec at;
  at.n = 5;
  at.delta = 0.01;
  at.sd = 0.01;
  at.type = stats::TTestDesign::kPaired;
  EXPECT_GT(stats::power_t_test(at).power, 0.3);
  EXPECT_THAT(cp.method, StartsWith("simulated Wilcoxon signed-rank test, two-sided:"));
  EXPECT_THAT(cp.note, HasSubstr("the exact Wilcoxon signed-rank test cannot reject with fewer "
                                 "than 6 pairs at alpha 0.05"));
  ASSERT_TRUE(cp.seeds_needed.has_value());
  EXPECT_GE(*cp.seeds_needed, 6);
}

TEST(SimulatedPlan, PermutationIsPlannedWithTheRankTestOfItsDesign) {
  // Same claim id and inputs, so the same simulation seed: a paired permutation claim gets the
  // signed-rank answer, an unpaired one the Mann-Whitney answer.
  const ClaimPower paired = power_of(claim_protocol("permutation", 0.01, 0.01));
  const ClaimPower wilcoxon = power_of(claim_protocol("wilcoxon", 0.01, 0.01));
  EXPECT_EQ(paired.method,
            "simulated Wilcoxon signed-rank test standing in for the permutation test, "
            "one-sided: normal differences with sd = pilot_sd; 1000 studies per n, SE <= 0.016");
  EXPECT_EQ(paired.seeds_needed, wilcoxon.seeds_needed);
  EXPECT_EQ(paired.power_at_planned, wilcoxon.power_at_planned);
  EXPECT_THAT(paired.note, HasSubstr("(for normal scores the permutation test of means lies "
                                     "between the two)"));
  const ClaimPower unpaired =
      power_of(claim_protocol("permutation", 0.01, 0.01, "greater", 0.05, 5, false));
  const ClaimPower mwu = power_of(claim_protocol("mwu", 0.01, 0.01, "greater", 0.05, 5, false));
  EXPECT_EQ(unpaired.method,
            "simulated Mann-Whitney test standing in for the permutation test, one-sided: normal "
            "scores with sd = pilot_sd; 1000 studies per n, SE <= 0.016");
  EXPECT_EQ(unpaired.seeds_needed, mwu.seeds_needed);
  EXPECT_EQ(unpaired.power_at_planned, mwu.power_at_planned);
  ASSERT_TRUE(unpaired.seeds_needed.has_value());
  EXPECT_NE(unpaired.seeds_needed, paired.seeds_needed);  // 15 against 9: the design matters
}

TEST(SimulatedPlan, DocumentedSeedAndSettingsReproduceTheAnswer) {
  // docs/protocol.md: seed = derive_seed(derive_seed(master_seed, 0x706c616e), claim_key), 1000
  // studies, search from the exact test's smallest n (2^-5 < 0.05: 5 pairs) to 200, arms of sd
  // pilot_sd / sqrt(2) with correlation 0 (differences of sd pilot_sd).
  const Plan plan = make_plan(load_protocol(example("synthetic_tiny.toml")));
  const ClaimPower& cp = plan.power.at(0);
  const std::uint64_t seed =
      derive_seed(derive_seed(20261123, 0x706c616e), arm_key("wide-beats-narrow"));
  EXPECT_EQ(cp.simulation_seed, seed);
  stats::ScoreModel model = stats::ScoreModel::normal(0.03, 0.0, 0.02 / std::sqrt(2.0));
  stats::SimPowerOptions o;
  o.test = stats::PowerTest::kWilcoxonSignedRank;
  o.alternative = stats::Alternative::kGreater;
  o.alpha = 0.05;
  o.n_simulations = 1000;
  const auto found = stats::simulate_sample_size(model, seed, o, {0.8, 5, 200});
  ASSERT_TRUE(found.reached);
  ASSERT_TRUE(cp.seeds_needed.has_value());
  EXPECT_EQ(*cp.seeds_needed, static_cast<std::int64_t>(found.n));
  ASSERT_TRUE(cp.power_at_planned.has_value());
  EXPECT_EQ(*cp.power_at_planned, stats::simulate_power(model, 8, seed, o).power);
}

TEST(SimulatedPlan, AsoClaimIsSimulatedWithItsNoEffectRate) {
  const ClaimPower cp = power_of(claim_protocol("aso", 0.01, 0.01));
  EXPECT_EQ(cp.method,
            "simulated ASO (eps_min < 0.2 at confidence 0.95), one-sided: normal scores with sd = "
            "pilot_sd; 400 studies per n x 100 bootstrap replicates, SE <= 0.025");
  EXPECT_EQ(cp.simulations, 400u);
  ASSERT_TRUE(cp.seeds_needed.has_value());
  // The documented settings: search from 4 seeds per arm (1 / C(8, 4) < 0.05) to 48.
  stats::SimPowerOptions o;
  o.test = stats::PowerTest::kAso;
  o.alternative = stats::Alternative::kGreater;
  o.alpha = 0.05;
  o.n_simulations = 400;
  o.aso_num_bootstrap = 100;
  o.aso_threshold = 0.2;
  const auto found = stats::simulate_sample_size(stats::ScoreModel::normal(0.01, 0.0, 0.01),
                                                 *cp.simulation_seed, o, {0.8, 4, 48});
  ASSERT_TRUE(found.reached);
  EXPECT_EQ(*cp.seeds_needed, static_cast<std::int64_t>(found.n));
  EXPECT_THAT(cp.note, HasSubstr("power.t.test two-sample: 14"));
  EXPECT_THAT(cp.note, HasSubstr("with no effect ASO detects in "));
  // Two-sided: the claimed direction at alpha / 2, the no-effect rate over both directions.
  const ClaimPower both = power_of(claim_protocol("aso", 0.01, 0.01, "two-sided"));
  EXPECT_THAT(both.method, StartsWith("simulated ASO (eps_min < 0.2 at confidence 0.975), claimed "
                                      "direction at alpha/2:"));
  EXPECT_THAT(both.note, HasSubstr("seeds per arm (both directions)"));
  ASSERT_TRUE(both.seeds_needed.has_value());
  EXPECT_GT(*both.seeds_needed, *cp.seeds_needed);
}

TEST(SimulatedPlan, ClosedFormStandsInAboveTheSimulationCaps) {
  // Wilcoxon, d = 0.1: power.t.test needs ~620 pairs, above the cap of 200: n_t / (3/pi).
  const ClaimPower tiny = power_of(claim_protocol("wilcoxon", 0.01, 0.001));
  stats::PowerTTestSpec spec;
  spec.delta = 0.001;
  spec.sd = 0.01;
  spec.power = 0.8;
  spec.type = stats::TTestDesign::kPaired;
  spec.alternative = stats::PowerAlternative::kOneSided;
  const double n_t = stats::power_t_test(spec).n;
  ASSERT_TRUE(tiny.seeds_needed.has_value());
  EXPECT_EQ(*tiny.seeds_needed, static_cast<std::int64_t>(std::ceil(n_t * std::numbers::pi / 3)));
  EXPECT_EQ(tiny.method,
            "power.t.test paired x pi/3 (asymptotic efficiency 3/pi of the Wilcoxon signed-rank "
            "test for normal differences, Hodges & Lehmann 1956), one-sided");
  EXPECT_THAT(tiny.note, HasSubstr("not simulated: the Wilcoxon signed-rank test would need about "
                                   "649 seeds per arm, above its simulation cap of 200 (cost)"));
  // ASO, d = 0.4: power.t.test needs 78 per arm, above ASO's cap of 48.
  const ClaimPower aso = power_of(claim_protocol("aso", 0.01, 0.004));
  EXPECT_EQ(aso.method, "power.t.test two-sample, one-sided");
  EXPECT_EQ(aso.seeds_needed, 78);
  EXPECT_THAT(aso.note, HasSubstr("t-test approximation of the aso test"));
  // ASO, d = 0.55: power.t.test says 42, but ASO's simulated power at 48 is below 0.8.
  const ClaimPower past = power_of(claim_protocol("aso", 0.01, 0.0055));
  EXPECT_EQ(past.seeds_needed, 49);
  EXPECT_THAT(past.note, HasSubstr("simulated power at the cap of 48 seeds per arm is "));
  EXPECT_THAT(past.note, HasSubstr("at least 49 are needed; power.t.test two-sample: 42"));
  // Planned seeds above the cap for the power with the planned seeds: closed form, said so.
  const ClaimPower many = power_of(claim_protocol("mwu", 0.01, 0.01, "greater", 0.05, 1001));
  ASSERT_TRUE(many.power_at_planned.has_value());
  stats::PowerTTestSpec at;
  at.n = 1001 * (3 / std::numbers::pi);
  at.delta = 0.01;
  at.sd = 0.01;
  at.alternative = stats::PowerAlternative::kOneSided;
  EXPECT_DOUBLE_EQ(*many.power_at_planned, stats::power_t_test(at).power);
  EXPECT_THAT(many.note,
              HasSubstr("power with the planned 1001 from the closed form (above the simulation "
                        "cap of 1000)"));
}

TEST(SimulatedPlan, IsTheSameEveryTimeAndAppliesTheSequentialInflation) {
  for (const char* name : {"fashion_mnist_demo.toml", "fashion_mnist_dropout.toml"}) {
    const Protocol p = load_protocol(example(name));
    const Plan one = make_plan(p);
    const Plan two = make_plan(p);
    ASSERT_EQ(one.power.size(), two.power.size());
    for (std::size_t i = 0; i < one.power.size(); ++i) {
      EXPECT_EQ(one.power[i].seeds_needed, two.power[i].seeds_needed);
      EXPECT_EQ(one.power[i].seeds_needed_sequential, two.power[i].seeds_needed_sequential);
      EXPECT_EQ(one.power[i].power_at_planned, two.power[i].power_at_planned);
      EXPECT_EQ(one.power[i].method, two.power[i].method);
      EXPECT_EQ(one.power[i].note, two.power[i].note);
      EXPECT_EQ(one.power[i].simulation_seed, two.power[i].simulation_seed);
    }
  }
  for (const char* test : {"aso", "permutation"}) {
    const std::string text = claim_protocol(test, 0.01, 0.01);
    const ClaimPower a = power_of(text), b = power_of(text);
    EXPECT_EQ(a.seeds_needed, b.seeds_needed);
    EXPECT_EQ(a.power_at_planned, b.power_at_planned);
    EXPECT_EQ(a.note, b.note);
  }
  // fashion_mnist_dropout.toml: the simulated wilcoxon claim, inflated by the sequential design.
  const Plan plan = make_plan(load_protocol(example("fashion_mnist_dropout.toml")));
  const ClaimPower& cp = plan.power.at(0);
  EXPECT_THAT(cp.method, StartsWith("simulated Wilcoxon signed-rank test"));
  ASSERT_TRUE(cp.seeds_needed && cp.seeds_needed_sequential);
  EXPECT_EQ(*cp.seeds_needed_sequential,
            static_cast<std::int64_t>(std::ceil(
                static_cast<double>(*cp.seeds_needed) * plan.sequential.at(0).inflation - 1e-9)));
}

TEST(SimulatedPlan, PowerAnalysisCanBeSkipped) {
  const Protocol p = load_protocol(example("fashion_mnist_dropout.toml"));
  const Plan full = make_plan(p);
  const Plan cells = make_plan(p, {.power_analysis = false});
  EXPECT_TRUE(cells.power.empty());
  EXPECT_EQ(full.power.size(), 2u);
  EXPECT_EQ(cells.sequential.size(), full.sequential.size());
  ASSERT_EQ(cells.cells.size(), full.cells.size());
  for (std::size_t i = 0; i < cells.cells.size(); ++i) {
    EXPECT_EQ(cells.cells[i].id, full.cells[i].id);
    EXPECT_EQ(cells.cells[i].seeds, full.cells[i].seeds);
  }
}

TEST(SimulatedPlan, EveryExampleProtocolPlans) {
  std::size_t files = 0, simulated = 0;
  for (const auto& entry : std::filesystem::directory_iterator(RIGOR_PROTOCOL_EXAMPLES_DIR)) {
    if (entry.path().extension() != ".toml") continue;
    ++files;
    const Protocol p = load_protocol(entry.path().string());
    const Plan plan = make_plan(p);
    ASSERT_EQ(plan.power.size(), p.claims.size()) << entry.path();
    for (std::size_t i = 0; i < p.claims.size(); ++i) {
      const Claim& c = p.claims[i];
      const ClaimPower& cp = plan.power[i];
      if (c.pilot_sd || c.expected_p_outperform || c.test == ClaimTest::kPOutperform) {
        EXPECT_TRUE(cp.seeds_needed.has_value()) << entry.path() << " " << c.id << ": " << cp.note;
      }
      if (c.pilot_sd && c.test == ClaimTest::kWilcoxon) {
        EXPECT_THAT(cp.method, StartsWith("simulated Wilcoxon signed-rank test")) << c.id;
        ++simulated;
      }
    }
  }
  EXPECT_EQ(files, 5u);
  EXPECT_EQ(simulated, 4u);
}

}  // namespace
}  // namespace rigor::protocols::test
