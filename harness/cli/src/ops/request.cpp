#include "request.h"

#include <fmt/format.h>

#include <cmath>
#include <limits>

namespace rigor::cli {
namespace {

std::string type_name(const Json& j) {
  switch (j.type()) {
    case Json::value_t::null:
      return "null";
    case Json::value_t::boolean:
      return "a boolean";
    case Json::value_t::string:
      return "a string";
    case Json::value_t::array:
      return "an array";
    case Json::value_t::object:
      return "an object";
    case Json::value_t::number_integer:
    case Json::value_t::number_unsigned:
    case Json::value_t::number_float:
      return "a number";
    default:
      return "an unsupported value";
  }
}

}  // namespace

Request::Request(const Json& object, std::string context)
    : object_(object), context_(std::move(context)) {
  if (!object_.is_object())
    fail(fmt::format("must be a JSON object, but is {}", type_name(object_)));
}

void Request::fail(std::string_view message) const {
  throw RequestError(fmt::format("{}: {}", context_, message));
}

const Json* Request::find(std::string_view field) {
  known_.emplace(field);
  auto it = object_.find(std::string(field));
  if (it == object_.end() || it->is_null()) return nullptr;
  return &*it;
}

std::optional<std::vector<double>> Request::optional_doubles(std::string_view field) {
  const Json* j = find(field);
  if (!j) return std::nullopt;
  if (!j->is_array()) {
    fail(fmt::format("field \"{}\" is {}, but must be an array of numbers", field, type_name(*j)));
  }
  std::vector<double> values;
  values.reserve(j->size());
  for (std::size_t i = 0; i < j->size(); ++i) {
    const Json& v = (*j)[i];
    if (!v.is_number()) {
      fail(fmt::format("field \"{}\"[{}] is {}, but must be a number", field, i, type_name(v)));
    }
    values.push_back(v.get<double>());
  }
  return values;
}

std::vector<double> Request::doubles(std::string_view field) {
  auto values = optional_doubles(field);
  if (!values) fail(fmt::format("field \"{}\" is required (an array of numbers)", field));
  return *values;
}

std::vector<std::vector<double>> Request::matrix(std::string_view field) {
  const Json* j = find(field);
  if (!j) fail(fmt::format("field \"{}\" is required (an array of arrays of numbers)", field));
  if (!j->is_array()) {
    fail(fmt::format("field \"{}\" is {}, but must be an array of arrays of numbers", field,
                     type_name(*j)));
  }
  std::vector<std::vector<double>> rows;
  for (std::size_t r = 0; r < j->size(); ++r) {
    const Json& row = (*j)[r];
    if (!row.is_array()) {
      fail(fmt::format("field \"{}\"[{}] is {}, but must be an array of numbers", field, r,
                       type_name(row)));
    }
    std::vector<double> values;
    for (std::size_t c = 0; c < row.size(); ++c) {
      if (!row[c].is_number()) {
        fail(fmt::format("field \"{}\"[{}][{}] is {}, but must be a number", field, r, c,
                         type_name(row[c])));
      }
      values.push_back(row[c].get<double>());
    }
    rows.push_back(std::move(values));
  }
  return rows;
}

std::optional<double> Request::optional_number(std::string_view field) {
  const Json* j = find(field);
  if (!j) return std::nullopt;
  if (!j->is_number())
    fail(fmt::format("field \"{}\" is {}, but must be a number", field, type_name(*j)));
  return j->get<double>();
}

double Request::number(std::string_view field, double default_value) {
  return optional_number(field).value_or(default_value);
}

double Request::required_number(std::string_view field) {
  auto v = optional_number(field);
  if (!v) fail(fmt::format("field \"{}\" is required (a number)", field));
  return *v;
}

std::optional<std::int64_t> Request::optional_integer(std::string_view field) {
  const Json* j = find(field);
  if (!j) return std::nullopt;
  if (j->is_number_integer()) return j->get<std::int64_t>();
  if (j->is_number_float()) {
    const double d = j->get<double>();
    if (std::floor(d) == d && std::abs(d) < 9.0e15) return static_cast<std::int64_t>(d);
  }
  fail(fmt::format("field \"{}\" is {}, but must be an integer", field,
                   j->is_number() ? fmt::format("{}", j->get<double>()) : type_name(*j)));
}

std::int64_t Request::integer(std::string_view field, std::int64_t default_value) {
  return optional_integer(field).value_or(default_value);
}

std::uint64_t Request::seed(std::string_view field, std::uint64_t default_value) {
  const Json* j = find(field);
  if (!j) return default_value;
  if (j->is_number_unsigned()) return j->get<std::uint64_t>();
  if (j->is_number_integer() && j->get<std::int64_t>() >= 0)
    return static_cast<std::uint64_t>(j->get<std::int64_t>());
  fail(fmt::format("field \"{}\" must be a non-negative integer below 2^64", field));
}

std::uint64_t Request::count(std::string_view field, std::int64_t default_value,
                             std::int64_t max_value) {
  const std::int64_t v = integer(field, default_value);
  if (v < 0 || v > max_value) {
    fail(fmt::format("field \"{}\" is {}, but must be an integer in [0, {}]", field, v, max_value));
  }
  return static_cast<std::uint64_t>(v);
}

unsigned Request::threads() { return static_cast<unsigned>(count("threads", 0, 1024)); }

bool Request::boolean(std::string_view field, bool default_value) {
  const Json* j = find(field);
  if (!j) return default_value;
  if (!j->is_boolean()) {
    fail(fmt::format("field \"{}\" is {}, but must be true or false", field, type_name(*j)));
  }
  return j->get<bool>();
}

std::string Request::string(std::string_view field, std::string_view default_value) {
  const Json* j = find(field);
  if (!j) return std::string(default_value);
  if (!j->is_string())
    fail(fmt::format("field \"{}\" is {}, but must be a string", field, type_name(*j)));
  return j->get<std::string>();
}

std::optional<std::vector<std::string>> Request::optional_strings(std::string_view field) {
  const Json* j = find(field);
  if (!j) return std::nullopt;
  if (!j->is_array()) {
    fail(fmt::format("field \"{}\" is {}, but must be an array of strings", field, type_name(*j)));
  }
  std::vector<std::string> values;
  for (std::size_t i = 0; i < j->size(); ++i) {
    if (!(*j)[i].is_string()) {
      fail(fmt::format("field \"{}\"[{}] is {}, but must be a string", field, i,
                       type_name((*j)[i])));
    }
    values.push_back((*j)[i].get<std::string>());
  }
  return values;
}

std::string Request::choice(std::string_view field, std::string_view default_value,
                            const std::vector<std::string_view>& allowed) {
  std::string value = string(field, default_value);
  for (std::string_view a : allowed) {
    if (a == value) return value;
  }
  fail(fmt::format("field \"{}\" is \"{}\", but must be one of: {}", field, value,
                   fmt::join(allowed, ", ")));
}

stats::Alternative Request::alternative(std::string_view field) {
  const std::string text = string(field, "two-sided");
  try {
    return stats::parse_alternative(text, fmt::format("field \"{}\"", field));
  } catch (const stats::StatsError& e) {
    fail(e.what());
  }
}

void Request::finish() {
  finished_ = true;
  for (auto it = object_.begin(); it != object_.end(); ++it) {
    if (it.key() == "op" || known_.count(it.key())) continue;
    std::vector<std::string> fields(known_.begin(), known_.end());
    fail(fmt::format("unknown field \"{}\"; known fields: op, {}", it.key(),
                     fmt::join(fields, ", ")));
  }
}

}  // namespace rigor::cli
