// Host provenance (provenance.h).
#include "provenance.h"

#include <fmt/format.h>
#include <sys/utsname.h>
#include <unistd.h>

#include <ctime>
#include <fstream>
#include <thread>

namespace rigor::harness {

std::string utc_now_rfc3339() {
  const std::time_t t = std::time(nullptr);
  std::tm tm{};
  ::gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

std::map<std::string, std::string> host_provenance() {
  std::map<std::string, std::string> p;
  p["rigor.version"] = RIGOR_VERSION;
  p["rigor.commit"] = RIGOR_GIT_COMMIT;
  p["rigor.compiler"] = fmt::format("{} {}",
#if defined(__clang__)
                                    "clang",
#else
                                    "gcc",
#endif
                                    __VERSION__);
  utsname u{};
  if (::uname(&u) == 0) {
    p["host.name"] = u.nodename;
    p["host.os"] = fmt::format("{} {} {}", u.sysname, u.release, u.machine);
  }
  std::ifstream cpu("/proc/cpuinfo");
  for (std::string line; std::getline(cpu, line);) {
    if (line.rfind("model name", 0) == 0) {
      const auto colon = line.find(':');
      if (colon != std::string::npos)
        p["host.cpu"] = line.substr(line.find_first_not_of(' ', colon + 1));
      break;
    }
  }
  p["host.cpus"] = std::to_string(std::thread::hardware_concurrency());
  std::ifstream os("/etc/os-release");
  for (std::string line; std::getline(os, line);) {
    if (line.rfind("PRETTY_NAME=", 0) == 0) {
      std::string v = line.substr(12);
      if (v.size() >= 2 && v.front() == '"') v = v.substr(1, v.size() - 2);
      p["host.distribution"] = v;
    }
  }
  p["time.created"] = utc_now_rfc3339();
  return p;
}

}  // namespace rigor::harness
