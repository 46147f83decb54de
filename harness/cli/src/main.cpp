#include <iostream>
#include <string>
#include <vector>

#include "rigor/cli.h"

int main(int argc, char** argv) {
  std::vector<std::string> args(argv, argv + argc);
  return rigor::cli::run(args, std::cin, std::cout, std::cerr);
}
