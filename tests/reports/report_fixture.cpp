// rigor_report_fixture OUTDIR [--pdf]: writes the fixture store (report_fixture.h) to
// OUTDIR/study.h5, analyses it and writes OUTDIR/report.html; with --pdf also OUTDIR/report.pdf
// through headless Chromium (exit 77, "skipped", when Chromium is absent). Used by the browser
// render check (scripts/render-check.sh) and the PDF ctest.
//
// rigor_report_fixture OUTDIR --large: writes only OUTDIR/large.h5, the fixture study with 20
// replicates (60 runs), each with 1,000 steps x 2 step metrics, 10,000 test examples and a 4 MB
// checkpoint: a store to time `rigor analyze` and `rigor report` on (docs/store-format.md,
// "Performance").
#include "report_fixture.h"

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <string>
#include <vector>

#include "rigor/reports/analysis.h"
#include "rigor/reports/html_report.h"

namespace {

void write_large_store(const std::filesystem::path& path) {
  namespace rt = rigor::reports::test;
  std::filesystem::remove(path);
  std::filesystem::remove_all(path.string() + ".pending");
  constexpr int kReplicates = 20;
  constexpr std::size_t kCheckpointBytes = std::size_t{4} << 20;
  constexpr int kExamples = 10000;
  std::string text = rt::fixture_protocol_text();
  const std::string six = "replicates = 6";
  text.replace(text.find(six), six.size(), "replicates = " + std::to_string(kReplicates));
  rigor::store::ProtocolInfo protocol;
  protocol.text = text;
  protocol.hash =
      rigor::protocols::canonical_hash(rigor::protocols::parse_protocol(protocol.text, "large"));
  protocol.resolved_config = "{}";
  rigor::store::StoreOptions options;
  options.sync = false;
  auto writer =
      rigor::store::StoreWriter::create(path, protocol, {{"host", "large fixture"}}, options);
  std::uint64_t x = 0x9e3779b97f4a7c15ull;
  for (int arm = 0; arm < 3; ++arm) {
    for (int r = 0; r < kReplicates; ++r) {
      rigor::store::RunRecord run = rt::fixture_run(arm, r);
      for (int s = 0; s < 1000; ++s) {
        run.step_metrics["train_loss"].push_back({s, 0.7 / (1.0 + 0.01 * s)});
        run.step_metrics["learning_rate"].push_back({s, 0.01});
      }
      if (!run.examples.empty()) {
        for (int i = static_cast<int>(run.examples.index.size()); i < kExamples; ++i) {
          run.examples.index.push_back(i);
          run.examples.target.push_back(i % 10);
          run.examples.prediction.push_back((i + r) % 10);
          run.examples.loss.push_back(0.001 * ((i * 7 + r) % 1000));
        }
      }
      std::vector<std::uint8_t> bytes(kCheckpointBytes);
      for (auto& b : bytes) {  // xorshift64 (Marsaglia 2003): incompressible, like parameters
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        b = static_cast<std::uint8_t>(x >> 56);
      }
      run.checkpoint = std::move(bytes);
      writer.put_run(run);
    }
  }
  writer.close();
}

}  // namespace

int main(int argc, char** argv) {
  const bool pdf = argc == 3 && std::string(argv[2]) == "--pdf";
  const bool large = argc == 3 && std::string(argv[2]) == "--large";
  if (argc != 2 && !pdf && !large) {
    std::cerr << "Usage: rigor_report_fixture OUTDIR [--pdf | --large]\n";
    return 2;
  }
  try {
    const std::filesystem::path dir(argv[1]);
    std::filesystem::create_directories(dir);
    if (large) {
      write_large_store(dir / "large.h5");
      std::cout << "wrote " << (dir / "large.h5").string() << "\n";
      return 0;
    }
    rigor::reports::test::write_fixture_store(dir / "study.h5");
    const auto store = rigor::store::StoreReader::open(dir / "study.h5");
    rigor::reports::AnalyzeOptions options;
    options.rigor_version = "fixture";
    options.created = "2026-11-23T12:30:00Z";  // fixed: the report's bytes never change
    const auto analysis = rigor::reports::analyze(store, options);
    std::ofstream(dir / "report.html", std::ios::binary)
        << rigor::reports::html_report(analysis, store);
    std::cout << "wrote " << (dir / "report.html").string() << "\n";
    if (pdf) {
      if (!rigor::reports::find_chromium()) {
        std::cout << "skipped: Chromium is not on PATH (install the Debian package chromium)\n";
        return 77;
      }
      rigor::reports::write_pdf(dir / "report.html", dir / "report.pdf");
      std::cout << "wrote " << (dir / "report.pdf").string() << "\n";
    }
  } catch (const std::exception& e) {
    std::cerr << "rigor_report_fixture: " << e.what() << "\n";
    return 1;
  }
  return 0;
}
