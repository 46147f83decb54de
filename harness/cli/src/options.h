// Internal: option parsing shared by every verb (Boost.Program_options). A malformed command line
// becomes rigor::UsageError, which run() reports with the verb's name and exit code 2.
#ifndef RIGOR_CLI_SRC_OPTIONS_H_
#define RIGOR_CLI_SRC_OPTIONS_H_

#include <boost/program_options.hpp>
#include <string>
#include <vector>

#include "rigor/error.h"

namespace rigor::cli {

inline boost::program_options::variables_map parse_options(
    const std::vector<std::string>& args,
    const boost::program_options::options_description& options,
    const boost::program_options::positional_options_description& positional) {
  namespace po = boost::program_options;
  po::variables_map vm;
  try {
    po::store(po::command_line_parser(args).options(options).positional(positional).run(), vm);
    po::notify(vm);
  } catch (const po::error& e) {
    throw UsageError(e.what());
  }
  return vm;
}

}  // namespace rigor::cli

#endif  // RIGOR_CLI_SRC_OPTIONS_H_
