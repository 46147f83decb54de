// Integration: a protocol file, through rigor::models' data pipeline, trained by train_cell as the
// worker does it (label integration: a few seconds).
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <string>

#include "rigor/models/data.h"
#include "rigor/protocols/plan.h"
#include "rigor/protocols/protocol.h"
#include "rigor/store/record.h"
#include "rigor/training/trainer.h"

namespace rigor::training {
namespace {

using rigor::protocols::VarianceSource;

TEST(TrainingIntegration, TrainsTheTinyMoonsExampleReproducibly) {
  const std::filesystem::path file =
      std::filesystem::path(RIGOR_PROTOCOL_EXAMPLES_DIR) / "synthetic_tiny.toml";
  const auto protocol = rigor::protocols::load_protocol(file.string());
  const auto plan = rigor::protocols::make_plan(protocol);
  const TrainOptions options{.device = "cpu", .threads = 1};
  set_determinism(options);
  const auto& cell = plan.cells.at(plan.cells.size() - 1);  // "wide", last replicate
  const std::uint64_t split_seed = cell.seeds[static_cast<std::size_t>(VarianceSource::kSplit)];
  const auto raw = rigor::models::load_dataset(protocol.data, file.parent_path(), split_seed);
  const auto data = rigor::models::prepare(raw, protocol.data, split_seed);
  check_trainable(protocol, data, options);

  const auto a = train_cell(protocol, cell, data, options, {});
  ASSERT_EQ(a.status, rigor::store::RunStatus::kComplete) << a.error;
  EXPECT_EQ(a.cell_id, cell.id);
  EXPECT_GT(a.final_metrics.at("accuracy"), 0.75);  // two moons with noise 0.2, 64 hidden units
  EXPECT_EQ(a.examples.index.size(), static_cast<std::size_t>(data.test.size()));
  EXPECT_EQ(a.epoch_metrics.at("test_accuracy").size(), static_cast<std::size_t>(cell.epochs));

  // The same cell again, data re-read and re-split: bitwise the same parameters.
  const auto raw2 = rigor::models::load_dataset(protocol.data, file.parent_path(), split_seed);
  const auto b = train_cell(protocol, cell, rigor::models::prepare(raw2, protocol.data, split_seed),
                            options, {});
  EXPECT_EQ(a.params_sha256, b.params_sha256);
  EXPECT_EQ(a.final_metrics, b.final_metrics);
}

}  // namespace
}  // namespace rigor::training
