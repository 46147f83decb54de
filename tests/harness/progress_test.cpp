// The progress display of rigor run (plain lines mode, as in Slurm logs and CI).
#include "progress.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <sstream>

namespace rigor::harness {
namespace {

using ::testing::HasSubstr;

TEST(ProgressFormat, DurationsReadNaturally) {
  EXPECT_EQ(format_duration(0.44), "0.4s");
  EXPECT_EQ(format_duration(9.94), "9.9s");
  EXPECT_EQ(format_duration(12.4), "12s");
  EXPECT_EQ(format_duration(200), "3m20s");
  EXPECT_EQ(format_duration(3720), "1h02m");
  EXPECT_EQ(format_duration(-1), "?");
}

TEST(ProgressLines, OneLinePerRunWithStatusMetricsFailuresAndEta) {
  std::ostringstream out;
  Progress p(out, ProgressMode::kLines, 3, 1, 2);
  store::RunRecord ok;
  ok.cell_id = "a-r0";
  ok.status = store::RunStatus::kComplete;
  ok.wall_seconds = 2.0;
  ok.final_metrics["accuracy"] = 0.875;
  p.started("a-r0");
  p.epoch("a-r0", 0, 5);
  p.finished(ok);
  store::RunRecord bad = ok;
  bad.cell_id = "a-r1";
  bad.status = store::RunStatus::kFailed;
  bad.error = "the run's process died of signal 6 (Aborted)\nlog tail";
  bad.final_metrics.clear();
  p.finished(bad);
  p.close();
  const std::string text = out.str();
  EXPECT_THAT(text, HasSubstr("rigor run: 3 runs to do (1 already in the store), 2 at a time\n"));
  EXPECT_THAT(text, HasSubstr("[1/3] a-r0 complete in 2.0s accuracy=0.875 | ETA 2.0s\n"));
  EXPECT_THAT(text, HasSubstr("[2/3] a-r1 failed in 2.0s: the run's process died of signal 6 "
                              "(Aborted) | 1 failed | ETA 1.0s\n"));
  EXPECT_THAT(text, HasSubstr("2 runs in"));
  EXPECT_THAT(text, HasSubstr("1 complete, 0 diverged, 1 failed\n"));
  EXPECT_EQ(text.find('\r'), std::string::npos);  // no bar redraws in lines mode
}

}  // namespace
}  // namespace rigor::harness
