// Internal: builds error messages without a formatting library (rigor::stats depends on Boost.Math
// only). Doubles print with 15 significant digits, so 0.1 prints as "0.1" and NaN as "nan".
#ifndef RIGOR_STATS_SRC_MESSAGE_H_
#define RIGOR_STATS_SRC_MESSAGE_H_

#include <sstream>
#include <string>

namespace rigor::stats::detail {

template <class... Parts>
std::string cat(const Parts&... parts) {
  std::ostringstream out;
  out.precision(15);
  (out << ... << parts);
  return out.str();
}

}  // namespace rigor::stats::detail

#endif  // RIGOR_STATS_SRC_MESSAGE_H_
