#include "csv.h"

#include <fmt/format.h>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <fstream>
#include <optional>

#include "rigor/error.h"

namespace rigor::cli {
namespace {

std::string trim(const std::string& s) {
  const auto first = s.find_first_not_of(" \t\r\"");
  if (first == std::string::npos) return "";
  const auto last = s.find_last_not_of(" \t\r\"");
  return s.substr(first, last - first + 1);
}

std::vector<std::string> split(const std::string& line) {
  std::vector<std::string> cells;
  std::string cell;
  for (char c : line) {
    if (c == ',') {
      cells.push_back(trim(cell));
      cell.clear();
    } else {
      cell += c;
    }
  }
  cells.push_back(trim(cell));
  return cells;
}

std::optional<double> parse_number(const std::string& text) {
  if (text.empty()) return std::nullopt;
  errno = 0;
  char* end = nullptr;
  const double v = std::strtod(text.c_str(), &end);
  if (end != text.c_str() + text.size() || errno == ERANGE) return std::nullopt;
  return v;
}

}  // namespace

std::vector<double> read_score_column(const std::string& path, const std::string& column) {
  std::ifstream in(path);
  if (!in) throw Error(fmt::format("cannot open \"{}\"; check the path", path));
  std::vector<double> values;
  std::optional<std::size_t> index;  // 0-based column
  if (!column.empty() && std::all_of(column.begin(), column.end(), ::isdigit)) {
    const auto k = std::stoul(column);
    if (k == 0)
      throw Error(fmt::format("--column {} is not valid: column indices start at 1", column));
    index = k - 1;
  }
  bool first_row = true;
  std::string line;
  std::size_t line_no = 0;
  while (std::getline(in, line)) {
    ++line_no;
    const std::string stripped = trim(line);
    if (stripped.empty() || stripped[0] == '#') continue;
    const auto cells = split(line);
    if (!index) {
      if (!column.empty()) {
        // A named column: the first row must be a header that holds it.
        auto it = std::find(cells.begin(), cells.end(), column);
        if (it == cells.end()) {
          throw Error(
              fmt::format("{}:{}: no column named \"{}\" in the header ({}); pass --column with "
                          "one of those names or a 1-based index",
                          path, line_no, column, fmt::join(cells, ", ")));
        }
        index = static_cast<std::size_t>(it - cells.begin());
        first_row = false;
        continue;
      }
      index = cells.size() - 1;
    }
    if (*index >= cells.size()) {
      throw Error(fmt::format("{}:{}: row has {} column(s), but column {} was asked for", path,
                              line_no, cells.size(), *index + 1));
    }
    const std::string& cell = cells[*index];
    const auto value = parse_number(cell);
    if (first_row && !value) {  // header
      first_row = false;
      continue;
    }
    first_row = false;
    if (!value) {
      throw Error(
          fmt::format("{}:{}:{}: \"{}\" is not a number; every score must be a finite number", path,
                      line_no, *index + 1, cell));
    }
    if (!std::isfinite(*value)) {
      throw Error(
          fmt::format("{}:{}:{}: score is {}; a diverged run must be handled explicitly (drop it "
                      "with a note, or record it as the worst score)",
                      path, line_no, *index + 1, cell));
    }
    values.push_back(*value);
  }
  if (values.empty())
    throw Error(
        fmt::format("{}: no scores found; expected one number per line (one per seed)", path));
  return values;
}

}  // namespace rigor::cli
