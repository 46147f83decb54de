// rigor/protocols/canonical.h — the canonical rendering and SHA-256 hash of a protocol, the
// comparison a harness makes before running a stored study, and the claim diff that marks an
// amended protocol's new or changed claims exploratory.
//
//   std::string h = rigor::protocols::canonical_hash(p);          // 64 lowercase hex digits
//   rigor::protocols::require_hash(p, stored_hash);               // throws if the meaning changed
//   auto d = rigor::protocols::diff_claims(stored, amended);      // d.added, d.changed, ...
#ifndef RIGOR_PROTOCOLS_CANONICAL_H_
#define RIGOR_PROTOCOLS_CANONICAL_H_

#include <string>
#include <string_view>
#include <vector>

#include "rigor/protocols/protocol.h"

namespace rigor::protocols {

// One line per resolved value, "path = value", in a fixed order: sections in the order study,
// data, seeds, arms (sorted by name), metrics (by name), claims (by id), budget; keys in a fixed
// order inside each; strings JSON-escaped; doubles in shortest round-trip form (std::to_chars).
// Key order, formatting, comments and spelling out a default do not change it; any change of
// meaning does. The first line names the format version: "rigor-protocol-canonical 1".
std::string canonical_text(const Protocol& protocol);

// SHA-256 (OpenSSL EVP) of canonical_text, as 64 lowercase hex digits.
std::string canonical_hash(const Protocol& protocol);

// SHA-256 of any bytes, lowercase hex (exposed for tests and the seed derivation).
std::string sha256_hex(std::string_view bytes);

// Throws ProtocolError "<source>: protocol hash is H1 but the study was registered with H2; ..."
// unless canonical_hash(protocol) equals `expected_hash` (case-insensitive).
void require_hash(const Protocol& protocol, std::string_view expected_hash);

// How an amended protocol's claims relate to the stored (registered) one. A claim is "changed"
// when its own rendering differs or when anything it depends on differs: its two arms, its
// metric, the data, the seeds, or its family's size. New and changed claims are exploratory.
struct ClaimDiff {
  std::vector<std::string> added;      // ids only in the amended protocol
  std::vector<std::string> removed;    // ids only in the stored protocol
  std::vector<std::string> changed;    // ids in both, with a different meaning
  std::vector<std::string> unchanged;  // ids in both, same meaning: still confirmatory
  bool identical = false;              // the canonical hashes are equal
};
ClaimDiff diff_claims(const Protocol& stored, const Protocol& amended);

}  // namespace rigor::protocols

#endif  // RIGOR_PROTOCOLS_CANONICAL_H_
