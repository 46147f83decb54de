// Test helpers for rigor::protocols: a small valid protocol and a way to break it.
#ifndef RIGOR_TESTS_PROTOCOLS_TEST_UTIL_H_
#define RIGOR_TESTS_PROTOCOLS_TEST_UTIL_H_

#include <gtest/gtest.h>

#include <string>

#include "rigor/protocols.h"

namespace rigor::protocols::test {

// Line numbers matter: error tests quote them.
inline const std::string kBase = R"([study]
name = "t"
author = "me"
preregistered = 2026-01-01T00:00:00Z
seed = 1

[data]
dataset = "synthetic"
generator = "blobs"
samples = 100

[[arms]]
name = "a"
model = { name = "mlp" }

[[arms]]
name = "b"
model = { name = "mlp" }
dropout = 0.5

[seeds]
replicates = 5
randomize = ["init", "data_order"]
fixed = ["split", "dropout", "augmentation"]

[[metrics]]
name = "acc"
direction = "higher"

[[claims]]
id = "c"
statement = "b beats a"
a = "b"
b = "a"
metric = "acc"
test = "welch"
alternative = "greater"
alpha = 0.05
min_effect = 0.01
)";

// kBase with the first occurrence of `from` replaced by `to` (the test fails if absent).
inline std::string with(const std::string& from, const std::string& to, std::string text = kBase) {
  const auto pos = text.find(from);
  EXPECT_NE(pos, std::string::npos) << "test bug: \"" << from << "\" not in the protocol";
  if (pos != std::string::npos) text.replace(pos, from.size(), to);
  return text;
}

// The ProtocolError message of parsing `text` (as "p.toml"), or "no error".
inline std::string error_of(const std::string& text) {
  try {
    parse_protocol(text, "p.toml");
  } catch (const ProtocolError& e) {
    return e.what();
  }
  return "no error";
}

inline std::string example(const std::string& name) {
  return std::string(RIGOR_PROTOCOL_EXAMPLES_DIR) + "/" + name;
}

}  // namespace rigor::protocols::test

#endif  // RIGOR_TESTS_PROTOCOLS_TEST_UTIL_H_
