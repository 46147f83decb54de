// Internal: provenance the study process collects itself (the worker adds LibTorch, BLAS and
// determinism settings): rigor version and commit, compiler, host, OS, CPU, time.
#ifndef RIGOR_HARNESS_SRC_PROVENANCE_H_
#define RIGOR_HARNESS_SRC_PROVENANCE_H_

#include <map>
#include <string>

namespace rigor::harness {

std::map<std::string, std::string> host_provenance();
// Current UTC time as RFC 3339, e.g. "2026-11-23T15:04:05Z".
std::string utc_now_rfc3339();

}  // namespace rigor::harness

#endif  // RIGOR_HARNESS_SRC_PROVENANCE_H_
