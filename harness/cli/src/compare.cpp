#include "verbs.h"
#include "rigor/error.h"

namespace rigor::cli {

int compare_main(const std::vector<std::string>& args, Io& io) {
  (void)args;
  (void)io;
  throw Error("compare: under construction in this session");
}

}  // namespace rigor::cli
