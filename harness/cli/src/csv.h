// Internal: reads a column of scores from a CSV file (one score per seed), for `rigor compare`.
#ifndef RIGOR_CLI_SRC_CSV_H_
#define RIGOR_CLI_SRC_CSV_H_

#include <string>
#include <vector>

namespace rigor::cli {

// Reads the numbers of one column. The first row is a header when its cell in that column is not a
// number. `column` is a header name or a 1-based index ("" = the only column, or the last one when
// rows have several). Blank lines and lines starting with '#' are skipped. Throws rigor::Error
// naming the file, line and column of any bad cell (empty, non-numeric, NaN/Inf).
std::vector<double> read_score_column(const std::string& path, const std::string& column);

}  // namespace rigor::cli

#endif  // RIGOR_CLI_SRC_CSV_H_
