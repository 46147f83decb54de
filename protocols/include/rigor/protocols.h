// rigor/protocols.h — entry header of rigor::protocols: protocol files (TOML) -> validated value
// types; canonical hash and claim diff; seed tree and run plan. Format: docs/protocol.md.
//
//   auto p = rigor::protocols::load_protocol("protocols/examples/synthetic_tiny.toml");
//   auto plan = rigor::protocols::make_plan(p);     // cells, seeds, power, sequential looks
//   std::cout << rigor::protocols::canonical_hash(p) << " " << plan.total_runs << "\n";
#ifndef RIGOR_PROTOCOLS_H_
#define RIGOR_PROTOCOLS_H_

#include "rigor/protocols/canonical.h"
#include "rigor/protocols/plan.h"
#include "rigor/protocols/protocol.h"

#endif  // RIGOR_PROTOCOLS_H_
