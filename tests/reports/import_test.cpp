// Tests of rigor/reports/import.h: a CSV produced elsewhere (tests/reports/data/import_results.csv,
// written as a Python training script would) becomes a store that analyzes like a `rigor run`
// store, and every kind of bad row is an error naming file:line:column.
//
// Expected value from R 4.2.2 (baseline r3 diverged: it counts as the worst complete accuracy,
// 0.8902):
//   wilcox.test(c(0.9012, 0.9034, 0.8991, 0.9050, 0.9023), c(0.8931, 0.8950, 0.8902, 0.8902,
//               0.8944), paired = TRUE, alternative = "greater")  # V = 15, p = 0.03125
#include "rigor/reports/import.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "reports_test_util.h"
#include "rigor/protocols/canonical.h"
#include "rigor/reports/analysis.h"
#include "rigor/store/store.h"

namespace rigor::reports {
namespace {

using ::testing::HasSubstr;
using ::testing::StartsWith;

std::string protocol_text() { return test::read_text(test::data_path("import_protocol.toml")); }

protocols::Protocol protocol() { return protocols::parse_protocol(protocol_text(), "P.toml"); }

// The error message of importing `csv` (written to a scratch file named results.csv).
std::string import_error(const std::string& csv, ImportOptions options = {}) {
  const auto path = test::scratch_dir("import_error") / "results.csv";
  test::write_text(path, csv);
  try {
    (void)import_csv(path, protocol(), protocol_text(), options);
  } catch (const ReportError& e) {
    std::string what = e.what();
    const std::string prefix = path.string();
    for (auto pos = what.find(prefix); pos != std::string::npos; pos = what.find(prefix)) {
      what.replace(pos, prefix.size(), "results.csv");
    }
    return what;
  }
  return "no error";
}

// A final row: accuracy 0.9<r>1, loss 0.3<r>.
std::string fmt_row(const std::string& arm, int r) {
  return arm + "," + std::to_string(r) + ",0.9" + std::to_string(r) + "1,0.3" + std::to_string(r) +
         "\n";
}

// A valid file: 5 replicates per arm, final rows only.
std::string valid_csv() {
  std::string csv = "arm,replicate,accuracy,loss\n";
  for (const char* arm : {"dropout", "baseline"}) {
    for (int r = 0; r < 5; ++r) csv += fmt_row(arm, r);
  }
  return csv;
}

TEST(ImportCsv, ReadsTidyResultsWithEpochsAndStatus) {
  const std::string path = test::data_path("import_results.csv");
  const ImportResult r = import_csv(path, protocol(), protocol_text());
  ASSERT_EQ(r.runs.size(), 10U);
  const store::RunRecord& first = r.runs[0];
  EXPECT_EQ(first.cell_id, "dropout-r0");
  EXPECT_EQ(first.arm, "dropout");
  EXPECT_EQ(first.replicate, 0);
  EXPECT_EQ(first.status, store::RunStatus::kComplete);
  EXPECT_EQ(first.final_metrics.at("accuracy"), 0.9012);
  EXPECT_EQ(first.final_metrics.at("loss"), 0.2811);
  ASSERT_EQ(first.epoch_metrics.at("accuracy").size(), 2U);
  EXPECT_EQ(first.epoch_metrics.at("accuracy")[1].step, 1);
  EXPECT_EQ(first.epoch_metrics.at("accuracy")[1].value, 0.8803);
  EXPECT_TRUE(r.runs[1].epoch_metrics.empty());
  const store::RunRecord& diverged = r.runs[8];
  EXPECT_EQ(diverged.cell_id, "baseline-r3");
  EXPECT_EQ(diverged.status, store::RunStatus::kDiverged);
  EXPECT_TRUE(diverged.final_metrics.empty());
  EXPECT_EQ(r.protocol.hash, protocols::canonical_hash(protocol()));
  EXPECT_EQ(r.protocol.text, protocol_text());
  EXPECT_EQ(r.provenance.at("source"), "external");
  EXPECT_EQ(r.provenance.at("import.file"), path);
  EXPECT_EQ(r.provenance.at("import.sha256"), protocols::sha256_hex(test::read_text(path)));
  EXPECT_EQ(r.provenance.at("import.rows"), "14");
  EXPECT_TRUE(r.warnings.empty());
}

TEST(ImportCsv, StoreAnalyzesLikeARunStore) {
  const ImportResult r =
      import_csv(test::data_path("import_results.csv"), protocol(), protocol_text());
  const auto path = test::scratch_dir("import_store") / "study.h5";
  write_import_store(r, path);
  const auto reader = store::StoreReader::open(path);
  EXPECT_EQ(reader.provenance().at("source"), "external");
  EXPECT_EQ(reader.run_ids().size(), 10U);
  const Analysis a = analyze(reader);
  EXPECT_TRUE(a.pre_registered);
  ASSERT_EQ(a.claims.size(), 1U);
  const ClaimResult& c = a.claims[0];
  ASSERT_TRUE(c.test);
  EXPECT_EQ(c.test->statistic, 15);
  EXPECT_NEAR(*c.test->p_value, 0.03125, 1e-15);
  EXPECT_EQ(c.scores_b[3].value, 0.8902);
  EXPECT_EQ(c.verdict, Verdict::kSupported);
  EXPECT_THROW(write_import_store(r, path), store::StoreError);  // never overwrites a store
}

TEST(ImportCsv, SeedColumnNumbersRunsByFirstAppearance) {
  const auto path = test::scratch_dir("import_seed") / "results.csv";
  std::string csv = "seed,arm,accuracy,loss\n";
  for (const char* arm : {"baseline", "dropout"}) {
    for (int r = 0; r < 5; ++r) {
      csv += std::to_string(1000 - r) + "," + arm + ",0.9" + std::to_string(r) + ",0.3\n";
    }
  }
  test::write_text(path, csv);
  const ImportResult r = import_csv(path, protocol(), protocol_text());
  ASSERT_EQ(r.runs.size(), 10U);
  EXPECT_EQ(r.runs[0].arm, "dropout");  // protocol arm order
  EXPECT_EQ(r.runs[0].replicate, 0);
  EXPECT_EQ(r.runs[0].seeds.at("seed"), 1000U);
  EXPECT_EQ(r.runs[4].seeds.at("seed"), 996U);
  EXPECT_EQ(r.runs[4].final_metrics.at("accuracy"), 0.94);
}

TEST(ImportCsv, QuotedFieldsAndCrlfAreAccepted) {
  const auto path = test::scratch_dir("import_quoted") / "results.csv";
  std::string csv = "\"arm\",\"replicate\",\"accuracy\",\"loss\"\r\n";
  for (const char* arm : {"dropout", "baseline"}) {
    for (int r = 0; r < 5; ++r) {
      csv += std::string("\"") + arm + "\"," + std::to_string(r) + ",\"0.91\", 0.3 \r\n";
    }
  }
  test::write_text(path, csv);
  const ImportResult r = import_csv(path, protocol(), protocol_text());
  EXPECT_EQ(r.runs.size(), 10U);
  EXPECT_EQ(r.runs[9].final_metrics.at("loss"), 0.3);
}

TEST(ImportCsvErrors, BadNumberNamesLineAndColumn) {
  std::string csv = valid_csv();
  csv.replace(csv.find("dropout,2,0.921"), 15, "dropout,2,abc");
  EXPECT_THAT(import_error(csv),
              StartsWith("results.csv:4:3: column \"accuracy\" is \"abc\", but must be a number"));
}

TEST(ImportCsvErrors, NonFiniteValueIsRefused) {
  std::string csv = valid_csv();
  csv.replace(csv.find("dropout,1,0.911"), 15, "dropout,1,nan");
  EXPECT_THAT(import_error(csv),
              HasSubstr("results.csv:3:3: column \"accuracy\" is \"nan\", but must be a finite "
                        "number (leave it empty and set status = diverged"));
}

TEST(ImportCsvErrors, EveryBadRowIsReported) {
  std::string csv = valid_csv();
  csv.replace(csv.find("dropout,1,0.9"), 13, "dropout,1,x.9");
  csv.replace(csv.find("baseline,3,0.9"), 14, "baseline,3,y.9");
  const std::string e = import_error(csv);
  EXPECT_THAT(e, HasSubstr("results.csv:3:3: column \"accuracy\" is \"x.9"));
  EXPECT_THAT(e, HasSubstr("\nresults.csv:10:3: column \"accuracy\" is \"y.9"));
}

TEST(ImportCsvErrors, UnknownArm) {
  std::string csv = valid_csv();
  csv.replace(csv.find("dropout,4"), 9, "dropuot,4");
  EXPECT_THAT(import_error(csv),
              HasSubstr("results.csv:6:1: column \"arm\" is \"dropuot\", but the "
                        "protocol's arms are dropout, baseline"));
}

TEST(ImportCsvErrors, MissingMetricColumn) {
  EXPECT_THAT(import_error("arm,replicate,accuracy\ndropout,0,0.9\n"),
              HasSubstr("results.csv:1: the header has no column for metric \"loss\" declared in "
                        "the protocol; add it"));
}

TEST(ImportCsvErrors, UnknownColumn) {
  EXPECT_THAT(import_error("arm,replicate,accuracy,loss,acc\n"),
              HasSubstr("results.csv:1:5: column \"acc\" is not known; the columns are arm, "
                        "replicate or seed, the protocol's metrics (accuracy, loss)"));
}

TEST(ImportCsvErrors, ReplicateOutOfRange) {
  std::string csv = valid_csv();
  csv.replace(csv.find("baseline,4"), 10, "baseline,5");
  EXPECT_THAT(import_error(csv),
              HasSubstr("results.csv:11:2: column \"replicate\" is \"5\", but must be an integer "
                        "in [0, 5) (0-based; seeds.replicates = 5)"));
}

TEST(ImportCsvErrors, MissingReplicateUnlessAllowed) {
  std::string csv = valid_csv();
  const auto pos = csv.find("baseline,4");
  csv.erase(pos, csv.find('\n', pos) - pos + 1);
  EXPECT_THAT(import_error(csv),
              HasSubstr("results.csv: arm \"baseline\" has 4 of seeds.replicates = 5 runs; missing "
                        "replicate 4; add their rows, or pass --allow-missing"));
  const auto path = test::scratch_dir("import_allow") / "results.csv";
  test::write_text(path, csv);
  ImportOptions options;
  options.allow_missing = true;
  const ImportResult r = import_csv(path, protocol(), protocol_text(), options);
  EXPECT_EQ(r.runs.size(), 9U);
  ASSERT_EQ(r.warnings.size(), 1U);
  EXPECT_THAT(r.warnings[0], HasSubstr("missing replicate 4 (claims on this arm will be "
                                       "inconclusive)"));
}

TEST(ImportCsvErrors, DuplicateFinalRow) {
  std::string csv = valid_csv() + fmt_row("dropout", 1);
  EXPECT_THAT(import_error(csv),
              HasSubstr("results.csv:12: arm \"dropout\" replicate 1 already has its final row on "
                        "line 3"));
}

TEST(ImportCsvErrors, EpochRowsNeedAFinalRow) {
  std::string csv = "arm,replicate,epoch,accuracy,loss\n";
  for (const char* arm : {"dropout", "baseline"}) {
    for (int r = 0; r < 5; ++r) csv += std::string(arm) + "," + std::to_string(r) + ",,0.9,0.3\n";
  }
  csv.replace(csv.find("baseline,2,,"), 12, "baseline,2,0,");
  EXPECT_THAT(import_error(csv),
              HasSubstr("results.csv:9: arm \"baseline\" replicate 2 has per-epoch rows but no "
                        "final row"));
}

TEST(ImportCsvErrors, EmptyValueOfACompleteRun) {
  std::string csv = valid_csv();
  csv.replace(csv.find("dropout,0,0.901,"), 16, "dropout,0,,");
  EXPECT_THAT(import_error(csv),
              HasSubstr("results.csv:2:3: column \"accuracy\" is empty, but a complete run needs a "
                        "final value (set status to failed or diverged if it has none)"));
}

TEST(ImportCsvErrors, BadStatusAndRaggedRow) {
  std::string csv =
      "arm,replicate,accuracy,loss,status\ndropout,0,0.9,0.3,exploded\n"
      "dropout,1,0.9\n";
  const std::string e = import_error(csv);
  EXPECT_THAT(e, HasSubstr("results.csv:2:5: column \"status\" is \"exploded\", but must be "
                           "complete, diverged or failed (empty: complete)"));
  EXPECT_THAT(e, HasSubstr("results.csv:3: the row has 3 fields, but the header has 5"));
}

TEST(ImportCsvErrors, HeaderNeedsReplicateOrSeed) {
  EXPECT_THAT(import_error("arm,accuracy,loss\n"),
              HasSubstr("results.csv:1: the header needs a \"replicate\" (0-based) or \"seed\" "
                        "column"));
  EXPECT_THAT(import_error(""), HasSubstr("results.csv: the file is empty"));
  EXPECT_THAT(import_error("arm,replicate,accuracy,loss\n\"dropout,0,0.9,0.3\n"),
              HasSubstr("results.csv:2:1: a quoted field is not closed"));
}

TEST(ImportCsvErrors, MissingFile) {
  EXPECT_THROW(
      {
        try {
          (void)import_csv("/nonexistent/results.csv", protocol(), protocol_text());
        } catch (const ReportError& e) {
          EXPECT_THAT(e.what(), HasSubstr("/nonexistent/results.csv: cannot open the results "
                                          "file"));
          throw;
        }
      },
      ReportError);
}

}  // namespace
}  // namespace rigor::reports
