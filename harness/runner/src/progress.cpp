// Study progress display (progress.h).
#include "progress.h"

#include <fmt/format.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <iostream>
#include <utility>

namespace rigor::harness {

std::string format_duration(double seconds) {
  if (!std::isfinite(seconds) || seconds < 0) return "?";
  if (seconds < 9.95) return fmt::format("{:.1f}s", seconds);  // short runs: "0.4s", not "0s"
  const auto s = static_cast<std::int64_t>(std::llround(seconds));
  if (s >= 3600) return fmt::format("{}h{:02}m", s / 3600, (s % 3600) / 60);
  if (s >= 60) return fmt::format("{}m{:02}s", s / 60, s % 60);
  return fmt::format("{}s", s);
}

Progress::Progress(std::ostream& out, ProgressMode mode, std::int64_t total, std::int64_t skipped,
                   int jobs, std::string label)
    : out_(out),
      mode_(mode),
      label_(std::move(label)),
      total_(total),
      jobs_(std::max(jobs, 1)),
      start_(std::chrono::steady_clock::now()) {
  if (mode_ == ProgressMode::kAuto) {
    const bool is_stderr = &out == &std::cerr || &out == &std::clog;
    const bool is_stdout = &out == &std::cout;
    const bool tty = (is_stderr && ::isatty(2)) || (is_stdout && ::isatty(1));
    mode_ = tty ? ProgressMode::kBar : ProgressMode::kLines;
  }
  if (mode_ != ProgressMode::kQuiet) {
    out_ << fmt::format(
        "{}: {} run{} to do{}, {} at a time\n", label_, total_, total_ == 1 ? "" : "s",
        skipped > 0 ? fmt::format(" ({} already in the store)", skipped) : "", jobs_);
    out_.flush();
  }
}

std::string Progress::eta() const {
  if (done_ == 0) return "?";
  const double per_run = run_seconds_ / static_cast<double>(done_);
  const double remaining = static_cast<double>(total_ - done_) * per_run / jobs_;
  return format_duration(remaining);
}

void Progress::started(const std::string& cell) {
  in_flight_[cell] = {0, 0};
  if (mode_ == ProgressMode::kBar) draw();
}

void Progress::epoch(const std::string& cell, std::int64_t epoch, std::int64_t epochs) {
  in_flight_[cell] = {epoch + 1, epochs};
  if (mode_ != ProgressMode::kBar) return;
  const auto now = std::chrono::steady_clock::now();
  if (now - last_draw_ > std::chrono::milliseconds(100)) draw();
}

void Progress::finished(const store::RunRecord& r) {
  in_flight_.erase(r.cell_id);
  ++done_;
  run_seconds_ += r.wall_seconds;
  if (r.status == store::RunStatus::kFailed) ++failed_;
  if (r.status == store::RunStatus::kDiverged) ++diverged_;
  if (mode_ == ProgressMode::kQuiet) return;
  std::string metrics;
  for (const auto& [name, value] : r.final_metrics)
    metrics += fmt::format(" {}={:.6g}", name, value);
  std::string line =
      fmt::format("[{}/{}] {} {} in {}{}", done_, total_, r.cell_id, store::to_string(r.status),
                  format_duration(r.wall_seconds), metrics);
  if (r.status != store::RunStatus::kComplete) {
    const std::string first = r.error.substr(0, r.error.find('\n'));
    line += ": " + first;
  }
  if (failed_ > 0) line += fmt::format(" | {} failed", failed_);
  if (done_ < total_) line += " | ETA " + eta();
  if (mode_ == ProgressMode::kBar) out_ << "\r\033[K";
  out_ << line << "\n";
  if (mode_ == ProgressMode::kBar) draw();
  out_.flush();
}

void Progress::message(const std::string& text) {
  if (mode_ == ProgressMode::kQuiet) return;
  if (mode_ == ProgressMode::kBar) out_ << "\r\033[K";
  out_ << text << "\n";
  if (mode_ == ProgressMode::kBar) draw();
  out_.flush();
}

void Progress::draw() {
  last_draw_ = std::chrono::steady_clock::now();
  constexpr int kWidth = 24;
  const int filled = total_ > 0 ? static_cast<int>(kWidth * done_ / total_) : kWidth;
  std::string bar(static_cast<std::size_t>(filled), '#');
  bar.resize(kWidth, '-');
  std::string flight;
  for (const auto& [cell, e] : in_flight_) {
    if (flight.size() > 60) {
      flight += " ...";
      break;
    }
    flight +=
        e.second > 0 ? fmt::format(" {} {}/{}", cell, e.first, e.second) : fmt::format(" {}", cell);
  }
  out_ << fmt::format("\r\033[K[{}] {}/{} runs{}{} | ETA {} |{}", bar, done_, total_,
                      failed_ ? fmt::format(" | {} failed", failed_) : "",
                      diverged_ ? fmt::format(" | {} diverged", diverged_) : "", eta(), flight);
  out_.flush();
}

void Progress::close() {
  if (mode_ == ProgressMode::kQuiet) return;
  if (mode_ == ProgressMode::kBar) out_ << "\r\033[K";
  const double wall =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
  out_ << fmt::format("{}: {} run{} in {}: {} complete, {} diverged, {} failed\n", label_, done_,
                      done_ == 1 ? "" : "s", format_duration(wall), done_ - failed_ - diverged_,
                      diverged_, failed_);
  out_.flush();
}

}  // namespace rigor::harness
