// libFuzzer target: the protocol parser never crashes, leaks or hangs on any input; it either
// returns a valid protocol (which then hashes and plans) or throws ProtocolError. Any other
// exception escapes and is reported by libFuzzer as a crash.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "rigor/protocols.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  try {
    const rigor::protocols::Protocol p = rigor::protocols::parse_protocol(text, "fuzz.toml");
    (void)rigor::protocols::canonical_hash(p);
    // Plans cost arms x replicates cells plus, per claim, a group-sequential design whose
    // inflation factor integrates every look repeatedly, and up to ~1 s for each claim whose
    // power is simulated (a pilot_sd on a claim other than welch); keep each input well under
    // -timeout: plan the power of at most two simulated claims.
    const std::size_t looks = p.budget.sequential ? p.budget.sequential->looks.size() : 0;
    std::size_t simulated = 0;
    for (const auto& c : p.claims) {
      if (c.pilot_sd && c.test != rigor::protocols::ClaimTest::kWelch) ++simulated;
    }
    if (static_cast<std::int64_t>(p.arms.size()) * p.seeds.replicates <= 2000 &&
        p.claims.size() * looks <= 40) {
      (void)rigor::protocols::make_plan(p, {.power_analysis = simulated <= 2});
    }
  } catch (const rigor::protocols::ProtocolError&) {
    // Rejected with a message: the expected outcome for most inputs.
  }
  return 0;
}
