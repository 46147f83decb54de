// rigor_report_fixture OUTDIR [--pdf]: writes the fixture store (report_fixture.h) to
// OUTDIR/study.h5, analyses it and writes OUTDIR/report.html; with --pdf also OUTDIR/report.pdf
// through headless Chromium (exit 77, "skipped", when Chromium is absent). Used by the browser
// render check (scripts/render-check.sh) and the PDF ctest.
#include "report_fixture.h"

#include <filesystem>
#include <fstream>
#include <iostream>
#include <string>

#include "rigor/reports/analysis.h"
#include "rigor/reports/html_report.h"

int main(int argc, char** argv) {
  const bool pdf = argc == 3 && std::string(argv[2]) == "--pdf";
  if (argc != 2 && !pdf) {
    std::cerr << "Usage: rigor_report_fixture OUTDIR [--pdf]\n";
    return 2;
  }
  try {
    const std::filesystem::path dir(argv[1]);
    std::filesystem::create_directories(dir);
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
