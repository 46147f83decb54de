// Seed tree and run plan.
#include "rigor/protocols/plan.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <set>

#include "rigor/stats/power.h"
#include "rigor/stats/random.h"
#include "rigor/stats/sequential.h"
#include "test_util.h"

namespace rigor::protocols::test {
namespace {

using stats::derive_seed;

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

}  // namespace
}  // namespace rigor::protocols::test
