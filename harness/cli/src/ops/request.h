// Internal: strict, typed access to one `rigor stats` request object. Every field an op reads is
// recorded; finish() rejects any field the op did not read, naming it and listing the known ones.
//
//   Request r(json, "request[2] (op \"t_test\")");
//   auto x = r.doubles("x");
//   double mu = r.number("mu", 0.0);
//   r.finish();  // throws on unknown fields
#ifndef RIGOR_CLI_SRC_OPS_REQUEST_H_
#define RIGOR_CLI_SRC_OPS_REQUEST_H_

#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "../json_io.h"
#include "rigor/error.h"
#include "rigor/stats/common.h"

namespace rigor::cli {

// A malformed request: wrong type, missing or unknown field, unknown op.
class RequestError : public rigor::Error {
 public:
  using rigor::Error::Error;
};

class Request {
 public:
  // `context` prefixes every message, e.g. `request[2] (op "t_test")`.
  Request(const Json& object, std::string context);

  std::vector<double> doubles(std::string_view field);  // required array of numbers
  std::optional<std::vector<double>> optional_doubles(std::string_view field);
  std::vector<std::vector<double>> matrix(std::string_view field);  // array of arrays of numbers
  double number(std::string_view field, double default_value);
  std::optional<double> optional_number(std::string_view field);
  double required_number(std::string_view field);
  std::int64_t integer(std::string_view field, std::int64_t default_value);
  std::optional<std::int64_t> optional_integer(std::string_view field);
  std::uint64_t seed(std::string_view field, std::uint64_t default_value);
  // A non-negative integer in [0, max_value] (counts of resamples, simulations); the library
  // checks its own further bounds.
  std::uint64_t count(std::string_view field, std::int64_t default_value,
                      std::int64_t max_value = std::int64_t{1} << 40);
  // Field "threads": 0 (all cores) to 1024.
  unsigned threads();
  bool boolean(std::string_view field, bool default_value);
  std::string string(std::string_view field, std::string_view default_value);
  std::optional<std::vector<std::string>> optional_strings(
      std::string_view field);  // array of strings
  // One of `allowed`; the error lists them.
  std::string choice(std::string_view field, std::string_view default_value,
                     const std::vector<std::string_view>& allowed);
  stats::Alternative alternative(std::string_view field = "alternative");

  // Throws RequestError if the object holds a field that no accessor asked for.
  void finish();
  bool finished() const { return finished_; }
  const std::string& context() const { return context_; }

  // Message with the context prefix, for ops that validate combinations of fields.
  [[noreturn]] void fail(std::string_view message) const;

 private:
  const Json* find(std::string_view field);

  const Json& object_;
  std::string context_;
  std::set<std::string, std::less<>> known_;
  bool finished_ = false;
};

}  // namespace rigor::cli

#endif  // RIGOR_CLI_SRC_OPS_REQUEST_H_
