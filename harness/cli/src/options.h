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

// Parses a verb that takes one positional argument (a protocol, a store, a CSV file) besides its
// `options`. The positional argument is hidden from --help (the usage line names it) and read as
// vm[name].
inline boost::program_options::variables_map parse_with_positional(
    const std::vector<std::string>& args,
    const boost::program_options::options_description& options, const char* name) {
  namespace po = boost::program_options;
  po::options_description hidden;
  hidden.add_options()(name, po::value<std::string>(), name);
  po::options_description all;
  all.add(options).add(hidden);
  po::positional_options_description positional;
  positional.add(name, 1);
  return parse_options(args, all, positional);
}

}  // namespace rigor::cli

#endif  // RIGOR_CLI_SRC_OPTIONS_H_
