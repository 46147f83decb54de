// Tests of rigor::training::train_cell and its pure parts (schedule, final-metric selection,
// check_trainable). Hand-made two-class data (test_util.h): every test trains in well under a
// second on one CPU thread.
#include "rigor/training/trainer.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <torch/torch.h>

#include <cmath>
#include <cstring>
#include <numbers>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

#include "rigor/models/registry.h"
#include "rigor/protocols/plan.h"
#include "rigor/store/record.h"
#include "test_util.h"

namespace rigor::training {
namespace {

using rigor::protocols::Arm;
using rigor::protocols::Direction;
using rigor::protocols::Metric;
using rigor::protocols::MetricSplit;
using rigor::protocols::MetricWhen;
using rigor::protocols::Protocol;
using rigor::protocols::RunCell;
using rigor::protocols::ScheduleKind;
using rigor::protocols::VarianceSource;
using rigor::store::RunRecord;
using rigor::store::RunStatus;
using rigor::store::Series;
using ::testing::HasSubstr;
using ::testing::MatchesRegex;

constexpr std::size_t idx(VarianceSource s) { return static_cast<std::size_t>(s); }

class TrainerTest : public ::testing::Test {
 protected:
  void SetUp() override { set_determinism(options_); }

  RunRecord train(const RunCell& c, const TrainOptions& o) {
    return train_cell(protocol_, c, data_, o, {});
  }
  RunRecord train(const RunCell& c) { return train(c, options_); }
  Arm& arm(const std::string& name) {
    for (Arm& a : protocol_.arms) {
      if (a.name == name) return a;
    }
    throw std::runtime_error("test bug: no arm " + name);
  }
  // The network as train_cell builds it before training (from the cell's init seed).
  std::string initial_hash(const RunCell& c) {
    const Arm& a = arm(c.arm);
    auto net = rigor::models::make_network({a.model.name, a.model.options, data_.train.shape,
                                            data_.classes, a.dropout, data_.class_counts},
                                           c.seeds[idx(VarianceSource::kInit)]);
    return rigor::models::parameters_sha256(*net);
  }

  TrainOptions options_{.device = "cpu", .threads = 1, .keep_checkpoint = false};
  Protocol protocol_ = test::protocol();
  rigor::models::PreparedData data_ = test::blobs();
};

// Bitwise equality of two series (a NaN equals itself).
bool same_bits(const Series& a, const Series& b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (a[i].step != b[i].step || std::memcmp(&a[i].value, &b[i].value, sizeof(double)) != 0) {
      return false;
    }
  }
  return true;
}

// Equal but for the timings, which differ between any two runs, and the recorded seeds (tests
// change a seed that must not matter).
bool same_result(RunRecord a, RunRecord b) {
  b.seeds = a.seeds;
  b.start_time = a.start_time;
  b.end_time = a.end_time;
  b.wall_seconds = a.wall_seconds;
  b.cpu_seconds = a.cpu_seconds;
  return rigor::store::identical(a, b);
}

TEST_F(TrainerTest, SameCellTwiceIsBitwiseIdentical) {
  const RunCell c = test::cell(protocol_, "mlp");
  const RunRecord a = train(c);
  const RunRecord b = train(c);
  ASSERT_EQ(a.status, RunStatus::kComplete) << a.error;
  EXPECT_EQ(a.params_sha256, b.params_sha256);
  EXPECT_EQ(a.params_sha256.size(), 64u);
  ASSERT_EQ(a.step_metrics.size(), b.step_metrics.size());
  for (const auto& [name, series] : a.step_metrics) {
    EXPECT_TRUE(same_bits(series, b.step_metrics.at(name))) << name;
  }
  ASSERT_EQ(a.epoch_metrics.size(), b.epoch_metrics.size());
  for (const auto& [name, series] : a.epoch_metrics) {
    EXPECT_TRUE(same_bits(series, b.epoch_metrics.at(name))) << name;
  }
  EXPECT_TRUE(same_result(a, b));
}

TEST_F(TrainerTest, DifferentInitSeedGivesDifferentParameters) {
  RunCell c = test::cell(protocol_, "mlp");
  const RunRecord a = train(c);
  c.seeds[idx(VarianceSource::kInit)] += 1;
  const RunRecord b = train(c);
  EXPECT_NE(a.params_sha256, b.params_sha256);
  EXPECT_FALSE(same_bits(a.step_metrics.at("train_loss"), b.step_metrics.at("train_loss")));
}

TEST_F(TrainerTest, NetworkComesFromTheInitSeedAlone) {
  // With learning rate 0 the parameters stay at their initial values: they must be exactly the
  // network made from the init seed, whatever the data-order seed.
  arm("mlp").learning_rate = 0.0;
  RunCell c = test::cell(protocol_, "mlp");
  const RunRecord a = train(c);
  c.seeds[idx(VarianceSource::kDataOrder)] += 1;
  const RunRecord b = train(c);
  EXPECT_EQ(a.params_sha256, initial_hash(c));
  EXPECT_EQ(b.params_sha256, initial_hash(c));
  // The order still differs, so the per-step losses do.
  EXPECT_FALSE(same_bits(a.step_metrics.at("train_loss"), b.step_metrics.at("train_loss")));
}

TEST_F(TrainerTest, DataOrderSeedChangesTheResultButNotTheInitialNetwork) {
  RunCell c = test::cell(protocol_, "mlp");
  const std::string before = initial_hash(c);
  const RunRecord a = train(c);
  c.seeds[idx(VarianceSource::kDataOrder)] += 1;
  const RunRecord b = train(c);
  EXPECT_EQ(initial_hash(c), before);
  EXPECT_NE(a.params_sha256, b.params_sha256);
  EXPECT_EQ(a.seeds.at("data_order") + 1, b.seeds.at("data_order"));
}

TEST_F(TrainerTest, DropoutSeedMattersOnlyWithDropout) {
  RunCell c = test::cell(protocol_, "mlp");
  RunCell other = c;
  other.seeds[idx(VarianceSource::kDropout)] += 1;
  EXPECT_TRUE(same_result(train(c), train(other))) << "dropout 0 must not use the dropout seed";
  arm("mlp").dropout = 0.5;
  const RunRecord a = train(c);
  const RunRecord b = train(other);
  EXPECT_NE(a.params_sha256, b.params_sha256);
  EXPECT_TRUE(same_result(a, train(c)));
}

TEST_F(TrainerTest, AugmentationSeedMattersOnlyWithAugmentation) {
  RunCell c = test::cell(protocol_, "mlp");
  RunCell other = c;
  other.seeds[idx(VarianceSource::kAugmentation)] += 1;
  EXPECT_TRUE(same_result(train(c), train(other)));
  arm("mlp").augmentation = {"gaussian_noise"};
  const RunRecord a = train(c);
  EXPECT_NE(a.params_sha256, train(other).params_sha256);
  EXPECT_TRUE(same_result(a, train(c)));
}

TEST_F(TrainerTest, RecordsTheCellSeedsAndTimings) {
  const RunCell c = test::cell(protocol_, "mlp");
  const RunRecord r = train(c);
  EXPECT_EQ(r.cell_id, c.id);
  EXPECT_EQ(r.arm, "mlp");
  EXPECT_EQ(r.replicate, 0);
  ASSERT_EQ(r.seeds.size(), 5u);
  EXPECT_EQ(r.seeds.at("init"), c.seeds[idx(VarianceSource::kInit)]);
  EXPECT_EQ(r.seeds.at("data_order"), c.seeds[idx(VarianceSource::kDataOrder)]);
  EXPECT_EQ(r.seeds.at("split"), c.seeds[idx(VarianceSource::kSplit)]);
  EXPECT_EQ(r.seeds.at("dropout"), c.seeds[idx(VarianceSource::kDropout)]);
  EXPECT_EQ(r.seeds.at("augmentation"), c.seeds[idx(VarianceSource::kAugmentation)]);
  EXPECT_EQ(r.status, RunStatus::kComplete);
  EXPECT_EQ(r.error, "");
  EXPECT_EQ(r.device, "cpu");
  EXPECT_GT(r.start_time, 1.7e9);  // after 2023
  EXPECT_GE(r.end_time, r.start_time);
  EXPECT_GT(r.wall_seconds, 0.0);
  EXPECT_GE(r.cpu_seconds, 0.0);
  EXPECT_FALSE(r.checkpoint.has_value());
}

TEST_F(TrainerTest, RecordsStepAndEpochSeries) {
  const RunRecord r = train(test::cell(protocol_, "mlp"));
  // 120 examples in batches of 16: 7 full batches and one of 8, per epoch.
  const Series& steps = r.step_metrics.at("train_loss");
  ASSERT_EQ(steps.size(), 3u * 8u);
  for (std::size_t i = 0; i < steps.size(); ++i) EXPECT_EQ(steps[i].step, std::int64_t(i));
  for (const char* name : {"train_loss", "train_accuracy", "learning_rate", "validation_loss",
                           "validation_accuracy", "test_loss", "test_accuracy"}) {
    ASSERT_TRUE(r.epoch_metrics.count(name)) << name;
    ASSERT_EQ(r.epoch_metrics.at(name).size(), 3u) << name;
    EXPECT_EQ(r.epoch_metrics.at(name)[2].step, 2) << name;
  }
  // The epoch's train loss is the batch-size-weighted mean of its step losses.
  double sum = 0.0;
  for (std::size_t i = 8; i < 16; ++i) sum += steps[i].value * (i == 15 ? 8.0 : 16.0);
  EXPECT_DOUBLE_EQ(r.epoch_metrics.at("train_loss")[1].value, sum / 120.0);
  // Training worked: the blobs are nearly separable.
  EXPECT_GT(r.epoch_metrics.at("test_accuracy")[2].value, 0.85);
  EXPECT_LT(steps.back().value, steps.front().value);
  for (std::int64_t e = 0; e < 3; ++e) {
    EXPECT_EQ(r.epoch_metrics.at("learning_rate")[e].value, scheduled_learning_rate(arm("mlp"), e));
  }
}

TEST_F(TrainerTest, FinalMetricsAndExamplesComeFromTheTestSet) {
  const RunRecord r = train(test::cell(protocol_, "mlp"));
  const double accuracy = r.epoch_metrics.at("test_accuracy").back().value;
  EXPECT_EQ(r.final_metrics.at("accuracy"), accuracy);
  ASSERT_TRUE(r.final_metrics.count("loss"));
  const auto& ex = r.examples;
  ASSERT_EQ(ex.index.size(), 40u);
  EXPECT_EQ(ex.index, data_.test.index);
  EXPECT_EQ(ex.target, data_.test.y);
  ASSERT_EQ(ex.prediction.size(), 40u);
  ASSERT_EQ(ex.loss.size(), 40u);
  double correct = 0.0;
  double loss = 0.0;
  for (std::size_t i = 0; i < 40; ++i) {
    correct += ex.prediction[i] == ex.target[i] ? 1.0 : 0.0;
    loss += ex.loss[i];
    EXPECT_GE(ex.loss[i], 0.0);
  }
  EXPECT_EQ(correct / 40.0, accuracy);
  EXPECT_NEAR(loss / 40.0, r.epoch_metrics.at("test_loss").back().value, 1e-12);
}

TEST_F(TrainerTest, ExamplesFallBackToValidationWithoutATestSet) {
  data_.test = {};
  protocol_.metrics = {
      {"accuracy", MetricSplit::kValidation, Direction::kHigher, MetricWhen::kFinal}};
  const RunRecord r = train(test::cell(protocol_, "mlp"));
  EXPECT_EQ(r.examples.index, data_.validation.index);
  EXPECT_FALSE(r.epoch_metrics.count("test_accuracy"));
  EXPECT_EQ(r.final_metrics.at("accuracy"), r.epoch_metrics.at("validation_accuracy")[2].value);
}

TEST_F(TrainerTest, TrainSplitMetricIsTheEpochRunningAverage) {
  protocol_.metrics = {{"error", MetricSplit::kTrain, Direction::kLower, MetricWhen::kFinal}};
  const RunRecord r = train(test::cell(protocol_, "mlp"));
  EXPECT_EQ(r.final_metrics.at("error"), 1.0 - r.epoch_metrics.at("train_accuracy")[2].value);
}

TEST_F(TrainerTest, ProgressIsCalledAfterEveryEpoch) {
  std::vector<std::tuple<std::int64_t, std::int64_t, double>> calls;
  const RunRecord r = train_cell(
      protocol_, test::cell(protocol_, "mlp"), data_, options_,
      [&](std::int64_t e, std::int64_t n, double loss) { calls.emplace_back(e, n, loss); });
  ASSERT_EQ(calls.size(), 3u);
  for (std::int64_t e = 0; e < 3; ++e) {
    EXPECT_EQ(std::get<0>(calls[e]), e);
    EXPECT_EQ(std::get<1>(calls[e]), 3);
    EXPECT_EQ(std::get<2>(calls[e]), r.epoch_metrics.at("train_loss")[e].value);
  }
}

TEST_F(TrainerTest, CheckpointHoldsTheFinalParameters) {
  TrainOptions o = options_;
  o.keep_checkpoint = true;
  const RunCell c = test::cell(protocol_, "mlp");
  const RunRecord r = train(c, o);
  ASSERT_TRUE(r.checkpoint.has_value());
  ASSERT_FALSE(r.checkpoint->empty());
  // Load the bytes into a freshly initialised network of another seed: its hash becomes the run's.
  const Arm& a = arm("mlp");
  auto net = rigor::models::make_network({a.model.name, a.model.options, data_.train.shape,
                                          data_.classes, a.dropout, data_.class_counts},
                                         12345);
  ASSERT_NE(rigor::models::parameters_sha256(*net), r.params_sha256);
  std::istringstream bytes(std::string(r.checkpoint->begin(), r.checkpoint->end()));
  torch::serialize::InputArchive archive;
  archive.load_from(bytes);
  net->load(archive);
  EXPECT_EQ(rigor::models::parameters_sha256(*net), r.params_sha256);
}

TEST_F(TrainerTest, OptimizersAndSchedulesTrain) {
  Arm& a = arm("mlp");
  a.schedule = ScheduleKind::kCosine;
  a.warmup_epochs = 1;
  std::vector<std::string> hashes;
  for (auto kind : {rigor::protocols::OptimizerKind::kSgd, rigor::protocols::OptimizerKind::kAdam,
                    rigor::protocols::OptimizerKind::kAdamW}) {
    a.optimizer = kind;
    a.learning_rate = kind == rigor::protocols::OptimizerKind::kSgd ? 0.1 : 0.01;
    a.weight_decay = 0.01;
    const RunRecord r = train(test::cell(protocol_, "mlp"));
    ASSERT_EQ(r.status, RunStatus::kComplete) << r.error;
    EXPECT_GT(r.final_metrics.at("accuracy"), 0.8) << rigor::protocols::to_string(kind);
    EXPECT_EQ(r.epoch_metrics.at("learning_rate")[0].value, a.learning_rate / 2.0);
    hashes.push_back(r.params_sha256);
  }
  // Adam's L2 weight decay and AdamW's decoupled decay give different parameters.
  EXPECT_NE(hashes[1], hashes[2]);
  EXPECT_NE(hashes[0], hashes[1]);
}

TEST_F(TrainerTest, MajorityBaselineScoresTheMajorityShare) {
  const RunCell c = test::cell(protocol_, "majority");
  const RunRecord r = train(c);
  ASSERT_EQ(r.status, RunStatus::kComplete) << r.error;
  const std::int64_t majority = data_.class_counts[1] > data_.class_counts[0] ? 1 : 0;
  double share = 0.0;
  for (std::int64_t y : data_.test.y) share += y == majority ? 1.0 : 0.0;
  share /= static_cast<double>(data_.test.size());
  ASSERT_LT(share, 1.0);
  EXPECT_EQ(r.final_metrics.at("accuracy"), share);
  for (std::int64_t p : r.examples.prediction) EXPECT_EQ(p, majority);
  // Not trained: no optimiser steps, no learning rate; the epochs still evaluate.
  EXPECT_FALSE(r.step_metrics.count("train_loss"));
  EXPECT_FALSE(r.epoch_metrics.count("learning_rate"));
  EXPECT_EQ(r.epoch_metrics.at("test_accuracy").size(), 3u);
  EXPECT_EQ(r.epoch_metrics.at("train_accuracy").size(), 3u);
  EXPECT_EQ(r.params_sha256, initial_hash(c));
}

TEST_F(TrainerTest, RandomBaselineIsDeterministicAndNearChance) {
  const RunCell c = test::cell(protocol_, "random");
  const RunRecord a = train(c);
  ASSERT_EQ(a.status, RunStatus::kComplete) << a.error;
  EXPECT_TRUE(same_result(a, train(c)));
  const double acc = a.final_metrics.at("accuracy");
  EXPECT_GT(acc, 0.2);
  EXPECT_LT(acc, 0.8);
  EXPECT_FALSE(a.step_metrics.count("train_loss"));
}

TEST_F(TrainerTest, NanInputsDivergeAtTheFirstStepNamingTheParameter) {
  for (float& v : data_.train.x) v = std::nanf("");
  const RunCell c = test::cell(protocol_, "mlp");
  const Arm& a = arm("mlp");
  auto net = rigor::models::make_network({a.model.name, a.model.options, data_.train.shape,
                                          data_.classes, a.dropout, data_.class_counts},
                                         1);
  const std::string first = net->named_parameters().keys().front();
  const RunRecord r = train(c);
  EXPECT_EQ(r.status, RunStatus::kDiverged);
  EXPECT_EQ(r.error,
            "loss became nan at step 0 (epoch 0, batch 0); first non-finite parameter: " + first);
  ASSERT_EQ(r.step_metrics.at("train_loss").size(), 1u);
  EXPECT_TRUE(std::isnan(r.step_metrics.at("train_loss")[0].value));
  EXPECT_TRUE(r.epoch_metrics.empty());
  EXPECT_TRUE(r.final_metrics.empty());
  EXPECT_TRUE(r.examples.empty());
}

TEST_F(TrainerTest, HugeLearningRateDivergesAndStopsTheSeries) {
  arm("mlp").learning_rate = 1e30;
  const RunRecord r = train(test::cell(protocol_, "mlp"));
  ASSERT_EQ(r.status, RunStatus::kDiverged);
  std::smatch m;
  const std::regex pattern(
      R"(^(loss became (nan|inf|-inf)|parameter fc\d\.(weight|bias) became (nan|inf|-inf)) )"
      R"(at step (\d+) \(epoch (\d+), batch (\d+)\).*)");
  ASSERT_TRUE(std::regex_match(r.error, m, pattern)) << r.error;
  const auto step = std::stoul(m[5].str());
  const auto epoch = std::stoul(m[6].str());
  EXPECT_EQ(r.step_metrics.at("train_loss").size(), step + 1);
  EXPECT_EQ(r.step_metrics.at("train_loss").back().step, std::int64_t(step));
  // Series stop at the last complete epoch.
  if (epoch == 0) {
    EXPECT_TRUE(r.epoch_metrics.empty());
  } else {
    EXPECT_EQ(r.epoch_metrics.at("test_accuracy").size(), epoch);
  }
  EXPECT_FALSE(r.final_metrics.count("accuracy"));  // when = final: none for a diverged run
}

TEST_F(TrainerTest, ExplodingParametersDivergeWithAFiniteLoss) {
  // Inputs of 1e30 keep the first forward pass finite, but the gradients are about 1e29, and
  // times a learning rate of 1e10 every weight overflows float to +-inf in the first step.
  for (float& v : data_.train.x) v = v > 0 ? 1e30f : -1e30f;
  arm("mlp").learning_rate = 1e10;
  arm("mlp").momentum = 0.0;
  const RunRecord r = train(test::cell(protocol_, "mlp"));
  ASSERT_EQ(r.status, RunStatus::kDiverged);
  EXPECT_THAT(r.error, MatchesRegex(R"(parameter fc1\.weight became -?inf at step 0 \(epoch 0, )"
                                    R"(batch 0\); the loss was [0-9.e+]+)"));
}

TEST_F(TrainerTest, UnknownArmIsAnError) {
  RunCell c = test::cell(protocol_, "mlp");
  c.arm = "nope";
  try {
    train(c);
    FAIL() << "no error";
  } catch (const TrainingError& e) {
    EXPECT_THAT(e.what(), HasSubstr("no arm named \"nope\""));
  }
}

// ---- schedule ----------------------------------------------------------------------------------

Arm schedule_arm(ScheduleKind kind, std::int64_t epochs, std::int64_t warmup) {
  Arm a;
  a.name = "s";
  a.learning_rate = 0.4;
  a.schedule = kind;
  a.epochs = epochs;
  a.warmup_epochs = warmup;
  a.step_size = 2;
  a.gamma = 0.5;
  return a;
}

TEST(Schedule, ConstantIsTheBaseRate) {
  const Arm a = schedule_arm(ScheduleKind::kConstant, 3, 0);
  for (std::int64_t e = 0; e < 3; ++e) EXPECT_EQ(scheduled_learning_rate(a, e), 0.4);
}

TEST(Schedule, LinearWarmUpReachesTheBaseRateWhenTheScheduleStarts) {
  // LinearLR(start_factor=1/4, total_iters=3) in PyTorch: 0.1, 0.2, 0.3, then 0.4.
  const Arm a = schedule_arm(ScheduleKind::kConstant, 5, 3);
  EXPECT_DOUBLE_EQ(scheduled_learning_rate(a, 0), 0.1);
  EXPECT_DOUBLE_EQ(scheduled_learning_rate(a, 1), 0.2);
  EXPECT_DOUBLE_EQ(scheduled_learning_rate(a, 2), 0.3);
  EXPECT_DOUBLE_EQ(scheduled_learning_rate(a, 3), 0.4);
  EXPECT_DOUBLE_EQ(scheduled_learning_rate(a, 4), 0.4);
}

TEST(Schedule, StepDecaysEveryStepSizeEpochsAfterWarmUp) {
  // StepLR(step_size=2, gamma=0.5) started after 1 warm-up epoch.
  const Arm a = schedule_arm(ScheduleKind::kStep, 8, 1);
  const double want[] = {0.2, 0.4, 0.4, 0.2, 0.2, 0.1, 0.1, 0.05};
  for (std::int64_t e = 0; e < 8; ++e)
    EXPECT_DOUBLE_EQ(scheduled_learning_rate(a, e), want[e]) << e;
}

TEST(Schedule, CosineAnnealsOverTheEpochsAfterWarmUp) {
  // CosineAnnealingLR(T_max=4): 0.4, 0.2 (1 + cos(pi/4)), 0.2, 0.2 (1 + cos(3 pi/4)).
  const Arm a = schedule_arm(ScheduleKind::kCosine, 4, 0);
  EXPECT_DOUBLE_EQ(scheduled_learning_rate(a, 0), 0.4);
  EXPECT_NEAR(scheduled_learning_rate(a, 1), 0.341421356237309505, 1e-15);
  EXPECT_NEAR(scheduled_learning_rate(a, 2), 0.2, 1e-15);
  EXPECT_NEAR(scheduled_learning_rate(a, 3), 0.058578643762690495, 1e-15);
  const Arm w = schedule_arm(ScheduleKind::kCosine, 6, 2);  // T_max = 4 after 2 warm-up epochs
  EXPECT_NEAR(scheduled_learning_rate(w, 0), 0.4 / 3.0, 1e-15);
  EXPECT_NEAR(scheduled_learning_rate(w, 2), 0.4, 1e-15);
  EXPECT_NEAR(scheduled_learning_rate(w, 3), 0.341421356237309505, 1e-15);
}

TEST(Schedule, RejectsEpochsOutsideTheRunAndAZeroStepSize) {
  Arm a = schedule_arm(ScheduleKind::kStep, 4, 0);
  EXPECT_THROW(scheduled_learning_rate(a, 4), TrainingError);
  EXPECT_THROW(scheduled_learning_rate(a, -1), TrainingError);
  a.step_size = 0;
  try {
    scheduled_learning_rate(a, 0);
    FAIL() << "no error";
  } catch (const TrainingError& e) {
    EXPECT_THAT(e.what(), HasSubstr("step_size 0, but step_size must be >= 1"));
  }
}

// ---- final metrics -----------------------------------------------------------------------------

Series series(std::vector<double> values) {
  Series s;
  for (std::size_t i = 0; i < values.size(); ++i) s.push_back({std::int64_t(i), values[i]});
  return s;
}

TEST(FinalMetrics, BestOnValidationPicksTheEarliestBestFiniteEpoch) {
  const double nan = std::nan("");
  const std::map<std::string, Series> epochs = {
      {"validation_accuracy", series({0.5, 0.8, 0.8, 0.7})},
      {"test_accuracy", series({0.4, 0.6, 0.9, 0.95})},
      {"validation_loss", series({1.0, nan, 0.5, 0.5})},
      {"test_loss", series({2.0, 1.5, 1.2, 1.1})},
      {"train_accuracy", series({0.55, 0.65, 0.75, 0.85})},
  };
  const std::vector<Metric> metrics = {
      {"accuracy", MetricSplit::kTest, Direction::kHigher, MetricWhen::kBestOnValidation},
      {"error", MetricSplit::kTest, Direction::kLower, MetricWhen::kBestOnValidation},
      {"loss", MetricSplit::kTest, Direction::kLower, MetricWhen::kBestOnValidation},
  };
  const auto out = select_final_metrics(metrics, epochs, true);
  EXPECT_EQ(out.at("accuracy"), 0.6);  // epochs 1 and 2 tie at 0.8: the earlier one
  EXPECT_EQ(out.at("error"), 1.0 - 0.6);
  EXPECT_EQ(out.at("loss"), 1.2);  // NaN skipped; epochs 2 and 3 tie at 0.5
  // The same selection survives divergence (complete = false).
  EXPECT_EQ(select_final_metrics(metrics, epochs, false), out);
  const std::vector<Metric> train = {
      {"accuracy", MetricSplit::kTrain, Direction::kHigher, MetricWhen::kBestOnValidation}};
  EXPECT_EQ(select_final_metrics(train, epochs, true).at("accuracy"), 0.65);
}

TEST(FinalMetrics, FinalIsTheLastEpochOnlyForCompleteRuns) {
  const std::map<std::string, Series> epochs = {{"test_accuracy", series({0.4, 0.6, 0.9})},
                                                {"validation_loss", series({0.1, 0.2, 0.3})}};
  const std::vector<Metric> metrics = {
      {"accuracy", MetricSplit::kTest, Direction::kHigher, MetricWhen::kFinal},
      {"error", MetricSplit::kTest, Direction::kLower, MetricWhen::kFinal}};
  const auto out = select_final_metrics(metrics, epochs, true);
  EXPECT_EQ(out.at("accuracy"), 0.9);
  EXPECT_DOUBLE_EQ(out.at("error"), 0.1);
  EXPECT_TRUE(select_final_metrics(metrics, epochs, false).empty());
  // No validation accuracy series: a best_on_validation accuracy cannot be selected.
  const std::vector<Metric> best = {
      {"accuracy", MetricSplit::kTest, Direction::kHigher, MetricWhen::kBestOnValidation}};
  EXPECT_TRUE(select_final_metrics(best, epochs, true).empty());
  const std::vector<Metric> f1 = {
      {"f1", MetricSplit::kTest, Direction::kHigher, MetricWhen::kFinal}};
  EXPECT_THROW(select_final_metrics(f1, epochs, true), TrainingError);
}

TEST(KnownMetrics, AreAccuracyErrorAndLoss) {
  EXPECT_THAT(known_metrics(), ::testing::ElementsAre("accuracy", "error", "loss"));
}

// ---- check_trainable ---------------------------------------------------------------------------

std::string trainable_error(const Protocol& p, const rigor::models::PreparedData& d,
                            const TrainOptions& o = {}) {
  try {
    check_trainable(p, d, o);
  } catch (const TrainingError& e) {
    return e.what();
  }
  return "no error";
}

TEST(CheckTrainable, AcceptsTheTestProtocol) {
  EXPECT_EQ(trainable_error(test::protocol(), test::blobs()), "no error");
}

TEST(CheckTrainable, RejectsAnUnknownMetricNamingIt) {
  Protocol p = test::protocol();
  p.metrics[1].name = "f1";
  EXPECT_EQ(trainable_error(p, test::blobs()),
            "p.toml: metrics[1].name: is \"f1\", but rigor run computes only accuracy, error, "
            "loss; use one of them, or train elsewhere and use rigor import");
}

TEST(CheckTrainable, RejectsABadModelOptionNamingTheArm) {
  Protocol p = test::protocol();
  p.arms[0].model.options["hidden"] = std::vector<std::int64_t>{0};
  const std::string e = trainable_error(p, test::blobs());
  EXPECT_THAT(e, HasSubstr("p.toml: arms[0].model: "));
  EXPECT_THAT(e, HasSubstr("hidden"));
}

TEST(CheckTrainable, RejectsImageAugmentationOnTabularData) {
  Protocol p = test::protocol();
  p.arms[2].augmentation = {"random_crop"};
  const std::string e = trainable_error(p, test::blobs());
  EXPECT_THAT(e, HasSubstr("p.toml: arms[2].augmentation: "));
  EXPECT_THAT(e, HasSubstr("random_crop"));
}

TEST(CheckTrainable, RejectsAMetricOnAnEmptySplit) {
  Protocol p = test::protocol();
  rigor::models::PreparedData d = test::blobs();
  d.test = {};
  EXPECT_THAT(trainable_error(p, d),
              HasSubstr("p.toml: metrics[0].split: is \"test\", but the prepared data has no test "
                        "examples"));
  d = test::blobs();
  d.validation = {};
  p.metrics[1].split = MetricSplit::kTest;
  EXPECT_THAT(trainable_error(p, d),
              HasSubstr("p.toml: metrics[1].when: is \"best_on_validation\", but the prepared "
                        "data has no validation examples"));
}

TEST(CheckTrainable, RejectsAnUnknownDevice) {
  EXPECT_THAT(trainable_error(test::protocol(), test::blobs(), {.device = "tpu"}),
              HasSubstr("--device \"tpu\": unknown device; use cpu, cuda or cuda:<index>"));
  EXPECT_THAT(trainable_error(test::protocol(), test::blobs(), {.device = "cuda:x"}),
              HasSubstr("--device \"cuda:x\": unknown device"));
}

}  // namespace
}  // namespace rigor::training
