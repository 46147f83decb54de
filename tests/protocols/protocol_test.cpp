// Parsing of the shipped example protocols and of [defaults] resolution.
#include "rigor/protocols/protocol.h"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "test_util.h"

namespace rigor::protocols::test {
namespace {

TEST(LoadProtocol, ReadsTheDropoutPaperCheck) {
  const Protocol p = load_protocol(example("fashion_mnist_dropout.toml"));
  EXPECT_EQ(p.study.name, "fmnist-mlp-dropout");
  EXPECT_EQ(p.study.preregistered, "2026-11-23T12:00:00Z");
  EXPECT_EQ(p.study.master_seed, 4242u);
  EXPECT_FALSE(p.study.master_seed_derived);
  EXPECT_EQ(p.data.kind, DatasetKind::kFashionMnist);
  EXPECT_DOUBLE_EQ(p.data.split.train, 0.9);
  EXPECT_DOUBLE_EQ(p.data.split.test, 0.0);
  ASSERT_EQ(p.arms.size(), 2u);
  const Arm& base = p.arms[0];
  const Arm& drop = p.arms[1];
  EXPECT_EQ(base.name, "baseline");
  EXPECT_EQ(base.dropout, 0.0);
  EXPECT_EQ(drop.dropout, 0.5);
  // Inherited from [defaults]:
  for (const Arm* a : {&base, &drop}) {
    EXPECT_EQ(a->model.name, "mlp");
    EXPECT_EQ(std::get<std::vector<std::int64_t>>(a->model.options.at("hidden")),
              (std::vector<std::int64_t>{256, 128}));
    EXPECT_EQ(std::get<std::string>(a->model.options.at("activation")), "relu");
    EXPECT_EQ(a->optimizer, OptimizerKind::kSgd);
    EXPECT_DOUBLE_EQ(a->learning_rate, 0.05);
    EXPECT_DOUBLE_EQ(a->momentum, 0.9);
    EXPECT_EQ(a->schedule, ScheduleKind::kCosine);
    EXPECT_EQ(a->batch_size, 128);
    EXPECT_EQ(a->epochs, 20);
    EXPECT_DOUBLE_EQ(a->weight_decay, 5e-4);
  }
  EXPECT_EQ(p.seeds.replicates, 20);
  EXPECT_TRUE(p.seeds.paired);
  EXPECT_TRUE(p.seeds.randomized[static_cast<std::size_t>(VarianceSource::kDropout)]);
  EXPECT_FALSE(p.seeds.randomized[static_cast<std::size_t>(VarianceSource::kSplit)]);
  ASSERT_EQ(p.metrics.size(), 2u);
  EXPECT_EQ(p.metrics[1].direction, Direction::kLower);
  EXPECT_EQ(p.metrics[0].when, MetricWhen::kBestOnValidation);
  ASSERT_EQ(p.claims.size(), 2u);
  EXPECT_EQ(p.claims[0].test, ClaimTest::kWilcoxon);
  EXPECT_EQ(p.claims[1].test, ClaimTest::kPOutperform);
  EXPECT_EQ(p.claims[0].alternative, ClaimAlternative::kGreater);
  EXPECT_EQ(p.claims[0].family, "paper");
  EXPECT_EQ(family_size(p, "paper"), 2);
  ASSERT_TRUE(p.budget.sequential.has_value());
  EXPECT_EQ(p.budget.sequential->looks, (std::vector<double>{0.5, 1.0}));
  EXPECT_EQ(*p.budget.max_runs, 40);
}

TEST(LoadProtocol, AblationArmsAreBaselineMinusOneThing) {
  const Protocol p = load_protocol(example("ablation.toml"));
  ASSERT_EQ(p.arms.size(), 4u);
  const Arm* base = p.find_arm("baseline");
  ASSERT_NE(base, nullptr);
  EXPECT_EQ(base->augmentation,
            (std::vector<std::string>{"horizontal_flip", "random_crop"}));  // sorted
  EXPECT_DOUBLE_EQ(base->dropout, 0.3);
  EXPECT_DOUBLE_EQ(p.find_arm("no-dropout")->dropout, 0.0);
  EXPECT_DOUBLE_EQ(p.find_arm("no-dropout")->weight_decay, 1e-4);
  EXPECT_DOUBLE_EQ(p.find_arm("no-weight-decay")->weight_decay, 0.0);
  EXPECT_TRUE(p.find_arm("no-augmentation")->augmentation.empty());
  EXPECT_EQ(p.data.split.mode, SplitMode::kPerSeed);
  EXPECT_EQ(*p.data.subset, 20000);
  EXPECT_EQ(family_size(p, "ablation"), 3);
  for (const Claim& c : p.claims) EXPECT_EQ(c.correction, Correction::kHolm);
}

TEST(LoadProtocol, SweepCountsEveryTriedConfiguration) {
  const Protocol p = load_protocol(example("lr_sweep.toml"));
  EXPECT_EQ(p.arms.size(), 4u);
  EXPECT_DOUBLE_EQ(p.find_arm("lr-0.1")->learning_rate, 0.1);
  EXPECT_DOUBLE_EQ(p.find_arm("lr-0.01")->learning_rate, 0.01);
  EXPECT_EQ(p.find_arm("lr-0.1")->schedule, ScheduleKind::kStep);  // nested table merged key by key
  EXPECT_EQ(p.find_arm("lr-0.1")->step_size, 10);
  EXPECT_DOUBLE_EQ(p.find_arm("lr-0.1")->momentum, 0.9);
  EXPECT_EQ(family_size(p, "sweep"), 5);  // 3 claims, the last counts 3 configurations
  EXPECT_FALSE(p.seeds.paired);
  EXPECT_EQ(p.data.generator, SyntheticGenerator::kSpirals);
  EXPECT_EQ(p.data.classes, 3);
}

TEST(LoadProtocol, TinySyntheticProtocol) {
  const Protocol p = load_protocol(example("synthetic_tiny.toml"));
  EXPECT_EQ(p.data.generator, SyntheticGenerator::kMoons);
  EXPECT_EQ(p.data.samples, 600);
  EXPECT_EQ(std::get<std::vector<std::int64_t>>(p.find_arm("wide")->model.options.at("hidden")),
            (std::vector<std::int64_t>{64}));
  EXPECT_EQ(std::get<std::string>(p.find_arm("wide")->model.options.at("activation")), "relu");
  EXPECT_EQ(p.arms[0].location.line, 24u);
}

TEST(LoadProtocol, MissingFileNamesThePath) {
  try {
    load_protocol("/nonexistent/p.toml");
    FAIL() << "no throw";
  } catch (const ProtocolError& e) {
    EXPECT_STREQ(e.what(), "/nonexistent/p.toml:0:0: (file): cannot be opened; check the path");
  }
}

TEST(ParseProtocol, DerivesTheMasterSeedFromTheHashWhenAbsent) {
  const Protocol p = parse_protocol(with("seed = 1\n", ""));
  EXPECT_TRUE(p.study.master_seed_derived);
  const std::string h = canonical_hash(p);
  EXPECT_EQ(p.study.master_seed, std::stoull(h.substr(0, 16), nullptr, 16));
}

TEST(ParseProtocol, ProtocolErrorIsARigorError) {
  try {
    parse_protocol("x = 1", "p.toml");
    FAIL() << "no throw";
  } catch (const rigor::Error& e) {
    EXPECT_NE(dynamic_cast<const ProtocolError*>(&e), nullptr);
  }
}

TEST(LoadProtocol, TheCompleteExampleOfTheDocsIsValid) {
  std::ifstream in(RIGOR_PROTOCOL_DOC);
  ASSERT_TRUE(in) << RIGOR_PROTOCOL_DOC;
  std::ostringstream buffer;
  buffer << in.rdbuf();
  const std::string doc = buffer.str();
  const auto section = doc.find("## A complete example");
  ASSERT_NE(section, std::string::npos);
  const auto begin = doc.find("```toml\n", section);
  ASSERT_NE(begin, std::string::npos);
  const auto end = doc.find("```", begin + 8);
  const Protocol p = parse_protocol(doc.substr(begin + 8, end - begin - 8), "docs/protocol.md");
  EXPECT_EQ(p.study.name, "fmnist-mlp-dropout");
  EXPECT_EQ(p.arms.size(), 2u);
  EXPECT_EQ(p.claims.size(), 1u);
  EXPECT_TRUE(p.budget.sequential.has_value());
}

TEST(ParseProtocol, ReadsIntegersWhereNumbersAreExpected) {
  const Protocol p = parse_protocol(with("min_effect = 0.01", "min_effect = 1"));
  EXPECT_DOUBLE_EQ(p.claims[0].min_effect, 1.0);
}

}  // namespace
}  // namespace rigor::protocols::test
