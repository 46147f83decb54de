// rigor/models/data.h (target rigor::models_data) — datasets as plain float buffers (no LibTorch
// here): Fashion-MNIST from the Debian package, generic IDX files (gzip or raw, read with zlib),
// CSV tables, seeded synthetic generators; the train/validation/test split, subsets and
// normalisation; the per-epoch order.
//
//   auto raw = rigor::models::load_dataset(protocol.data, protocol_dir);   // throws DataError
//   auto data = rigor::models::prepare(raw, protocol.data, split_seed);    // split + normalise
//   auto order = rigor::models::epoch_order(data.train.size(), data_order_seed, epoch);
#ifndef RIGOR_MODELS_DATA_H_
#define RIGOR_MODELS_DATA_H_

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "rigor/error.h"
#include "rigor/protocols/protocol.h"

namespace rigor::models {

// A dataset that cannot be read or used. The message names the file (and line/column for CSV,
// byte offset for IDX), what was found and the fix, e.g.
// "data.csv:14:3: column \"petal_width\" is \"abc\", but must be a number; fix or drop the row".
class DataError : public rigor::Error {
 public:
  using rigor::Error::Error;
};

// n examples of one shape, features row-major in `x` (n * example_size() floats), labels in `y`.
struct ExampleSet {
  std::vector<std::int64_t> shape;  // per-example shape: {channels, height, width} or {features}
  std::vector<float> x;
  std::vector<std::int64_t> y;      // class labels in [0, classes)
  std::vector<std::int64_t> index;  // each example's index in its source (train pool or test file)
  std::int64_t size() const { return static_cast<std::int64_t>(y.size()); }
  std::int64_t example_size() const;  // product of shape (1 for an empty shape)
};

// A dataset as read from disk, before splitting.
struct RawDataset {
  std::string name;          // "fashion-mnist", "idx:<dir>", "csv:<file>", "synthetic:moons"
  ExampleSet pool;           // the examples the split divides (official train set, or all)
  ExampleSet official_test;  // fashion-mnist / idx: the official test set; else empty
  std::int64_t classes = 0;
  std::vector<std::string> class_names;  // csv: label text in sorted order; else "0", "1", ...
  std::string digest;  // hex SHA-256 over the source files' bytes (or the generator
                       // parameters and seed), recorded in provenance
};

// Reads the dataset a protocol names (the full rules are in docs/data.md). Relative paths resolve
// against `base_dir` (the protocol's directory).
//  * fashion-mnist: data.path or /usr/share/datasets/fashion-mnist, the four IDX files; pixels /
//  255
//    in [0, 1], shape {1, 28, 28}, 10 classes with the Fashion-MNIST names; t10k-* is the
//    official test set.
//  * idx: the same four file names in data.path (each .gz or raw); ubyte values / 255, other types
//    as stored; classes = largest label + 1.
//  * csv: data.path with a header row; data.target names the label column, every other column
//    must hold finite numbers; shape {columns - 1}.
//  * synthetic: data.generator drawn from Rng(synthetic_seed) (the split seed of replicate 0).
// digest = SHA-256 of the files' bytes as stored (or of the generator's parameters and seed).
// Throws DataError for a missing or malformed file, naming it (with line:column or byte offset)
// and the fix (e.g. the Debian package dataset-fashion-mnist).
RawDataset load_dataset(const rigor::protocols::Data& data, const std::filesystem::path& base_dir,
                        std::uint64_t synthetic_seed);

// Reads one IDX file (LeCun's format: bytes 0 0 type ndims, ndims big-endian uint32 sizes, then the
// values big-endian, row-major), gzip-compressed or raw (zlib reads both), into floats: ubyte
// (0x08), byte (0x09), short (0x0B), int (0x0C), float (0x0D), double (0x0E). Values are not
// scaled (ubyte stays 0..255); int values above 2^24 and doubles are rounded to the nearest float.
// Throws DataError naming the file and the byte offset (in the uncompressed data) for a missing or
// unreadable file, a bad magic number, an unknown type, truncated data, or bytes beyond what the
// dimensions declare.
struct IdxArray {
  std::vector<std::int64_t> dims;
  std::vector<float> values;  // prod(dims) values, row-major
  int type = 0x08;            // the element type code of the header (0x08 ubyte ... 0x0E double)
};
IdxArray read_idx(const std::filesystem::path& file);

// The split a run trains on. The pool (n examples) is permuted with
// permutation(n, Rng(split_seed)); the first round(validation * n) examples are the validation
// set, the next round(test * n) the test set (only when the dataset has no official test set), the
// rest the training set, of which only the first data.subset are kept when a subset is declared
// (round = to nearest, halves away from zero). Each set keeps the permuted order. Features are then
// standardised with the training set's statistics, computed in double: examples of rank-1 shape
// (tables) per column, any other shape (images) one mean and sd over all values; sd is the
// population sd (divisor n); a constant column (or image set) is centred only (sd recorded as 1).
// The same statistics are applied to the validation and test sets. The official test set, when
// there is one, is the test set (all of it, in file order). data.split.mode plays no part: the
// caller passes the split seed of the replicate (per_seed) or of replicate 0 (fixed).
// Throws DataError when the training set ends empty, when data.subset exceeds the training examples
// available, or when data.split.test > 0 for a dataset with an official test set.
struct PreparedData {
  ExampleSet train;
  ExampleSet validation;  // may be empty (validation share 0)
  ExampleSet test;        // may be empty (test share 0 and no official test set)
  std::int64_t classes = 0;
  std::vector<std::int64_t> class_counts;  // of the training labels (majority baseline)
  // The standardisation applied, x' = (x - mean) / sd: one entry per column for tables, a single
  // entry for images (provenance; sd is 1 where the training values were constant).
  std::vector<double> mean;
  std::vector<double> sd;
};
PreparedData prepare(const RawDataset& raw, const rigor::protocols::Data& data,
                     std::uint64_t split_seed);

// The order in which epoch `epoch` (0-based) visits the n training examples:
// permutation(n, Rng(substream(data_order_seed, epoch))). Depends on nothing else. Throws
// DataError when n < 0 or epoch < 0.
std::vector<std::int64_t> epoch_order(std::int64_t n, std::uint64_t data_order_seed,
                                      std::int64_t epoch);

}  // namespace rigor::models

#endif  // RIGOR_MODELS_DATA_H_
