// Test helper shared by the report and chart tests: how often a text occurs in a rendered page.
#ifndef RIGOR_TESTS_REPORTS_TEXT_COUNT_H_
#define RIGOR_TESTS_REPORTS_TEXT_COUNT_H_

#include <cstddef>
#include <string>

namespace rigor::reports::test {

// Non-overlapping occurrences of `needle` in `haystack` (needle not empty).
inline std::size_t count(const std::string& haystack, const std::string& needle) {
  std::size_t n = 0;
  for (std::size_t pos = haystack.find(needle); pos != std::string::npos;
       pos = haystack.find(needle, pos + needle.size())) {
    ++n;
  }
  return n;
}

}  // namespace rigor::reports::test

#endif  // RIGOR_TESTS_REPORTS_TEXT_COUNT_H_
