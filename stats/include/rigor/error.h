// rigor/error.h — the one exception base of rigor; every module throws a subclass of it.
//
//   try { rigor::stats::welch_t_test(a, b); }
//   catch (const rigor::stats::StatsError& e) { std::cerr << e.what(); }  // names field, value,
//   fix catch (const rigor::Error& e) { ... }                                  // any rigor module
#ifndef RIGOR_ERROR_H_
#define RIGOR_ERROR_H_

#include <stdexcept>
#include <string>

namespace rigor {

// Base of all rigor errors. Messages say where, what was given, what is required and, when known,
// the fix: "x[3] is NaN, but every value must be finite; remove or impute it".
class Error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Command-line usage errors (unknown option, missing argument). The CLI maps them to exit code 2.
class UsageError : public Error {
 public:
  using Error::Error;
};

}  // namespace rigor

#endif  // RIGOR_ERROR_H_
