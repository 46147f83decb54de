// The rigor run <-> rigor-worker wire format: records survive bit for bit, lines parse strictly.
#include "rigor/harness/wire.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <bit>
#include <cmath>
#include <filesystem>
#include <limits>

namespace rigor::harness {
namespace {

using testing::HasSubstr;

store::RunRecord sample_record() {
  store::RunRecord r;
  r.cell_id = "dropout-r3";
  r.arm = "dropout";
  r.replicate = 3;
  r.seeds = {{"init", 18446744073709551615ULL}, {"data_order", 7}};
  r.status = store::RunStatus::kDiverged;
  r.error = "loss became nan at step 12";
  r.start_time = 1.7e9 + 0.25;
  r.end_time = 1.7e9 + 3.5;
  r.wall_seconds = 3.25;
  r.cpu_seconds = 3.0000000000000004;
  r.device = "cpu";
  // A NaN with a payload and a sign: only a bit-exact format keeps it.
  r.step_metrics["train_loss"] = {{0, 2.3}, {1, std::bit_cast<double>(0xfff8000000000123ULL)}};
  r.epoch_metrics["test_accuracy"] = {{0, 0.1 + 0.2}};
  r.final_metrics["accuracy"] = 0.8712345678901234;
  r.final_metrics["loss"] = -std::numeric_limits<double>::infinity();
  r.examples.index = {5, 9};
  r.examples.prediction = {1, 0};
  r.examples.target = {1, 1};
  r.examples.loss = {0.01, 4.5};
  r.params_sha256 = std::string(64, 'a');
  r.checkpoint = std::vector<std::uint8_t>{0, 1, 2, 255};
  return r;
}

TEST(WireRecord, RoundTripsEveryFieldBitForBit) {
  const store::RunRecord r = sample_record();
  const store::RunRecord back = decode_record(encode_record(r), "test");
  EXPECT_TRUE(store::identical(r, back));
  EXPECT_EQ(std::bit_cast<std::uint64_t>(back.step_metrics.at("train_loss")[1].value),
            0xfff8000000000123ULL);
  EXPECT_EQ(back.seeds.at("init"), 18446744073709551615ULL);
  ASSERT_TRUE(back.checkpoint.has_value());
  EXPECT_EQ(*back.checkpoint, (std::vector<std::uint8_t>{0, 1, 2, 255}));
}

TEST(WireRecord, FileIsWrittenAtomicallyAndReadBack) {
  const auto dir = std::filesystem::temp_directory_path() / "rigor-wire-test";
  std::filesystem::create_directories(dir);
  const auto file = dir / "x.cbor";
  write_record_file(file, sample_record());
  EXPECT_FALSE(std::filesystem::exists(dir / "x.cbor.tmp"));
  EXPECT_TRUE(store::identical(read_record_file(file), sample_record()));
  std::filesystem::remove_all(dir);
}

TEST(WireRecord, GarbageIsAClearError) {
  try {
    decode_record({1, 2, 3}, "results/x.cbor");
    FAIL();
  } catch (const HarnessError& e) {
    EXPECT_THAT(e.what(), HasSubstr("results/x.cbor: not a valid run record from rigor-worker"));
  }
}

TEST(WireLines, CommandsRoundTrip) {
  WorkerCommand c{WorkerCommand::Kind::kRun, "a-r0", "/tmp/r.cbor", "/tmp/r.log"};
  const std::string line = format_command(c);
  EXPECT_EQ(line.back(), '\n');
  const WorkerCommand back = parse_command(line);
  EXPECT_EQ(back.kind, WorkerCommand::Kind::kRun);
  EXPECT_EQ(back.cell, "a-r0");
  EXPECT_EQ(back.result, "/tmp/r.cbor");
  EXPECT_EQ(parse_command(format_command(WorkerCommand{})).kind, WorkerCommand::Kind::kQuit);
  EXPECT_THAT([] { parse_command("{\"cmd\":\"dance\"}"); },
              testing::ThrowsMessage<HarnessError>(HasSubstr("unknown cmd \"dance\"")));
}

TEST(WireLines, EventsRoundTripWithNonFiniteLoss) {
  WorkerEvent e;
  e.kind = WorkerEvent::Kind::kProgress;
  e.cell = "a-r1";
  e.epoch = 2;
  e.epochs = 5;
  e.loss = std::numeric_limits<double>::quiet_NaN();
  const WorkerEvent back = parse_event(format_event(e));
  EXPECT_EQ(back.kind, WorkerEvent::Kind::kProgress);
  EXPECT_EQ(back.epoch, 2);
  EXPECT_EQ(back.epochs, 5);
  EXPECT_TRUE(std::isnan(back.loss));

  WorkerEvent ready;
  ready.kind = WorkerEvent::Kind::kReady;
  ready.provenance = {{"torch.version", "1.13.1"}};
  EXPECT_EQ(parse_event(format_event(ready)).provenance.at("torch.version"), "1.13.1");

  WorkerEvent done;
  done.kind = WorkerEvent::Kind::kDone;
  done.cell = "a-r1";
  done.signal = 9;
  EXPECT_EQ(parse_event(format_event(done)).signal, 9);
  EXPECT_THAT([] { parse_event("not json"); },
              testing::ThrowsMessage<HarnessError>(
                  HasSubstr("rigor-worker sent a line rigor run cannot read: \"not json\"")));
}

}  // namespace
}  // namespace rigor::harness
