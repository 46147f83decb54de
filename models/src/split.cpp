// prepare (train/validation/test split, subset, standardisation) and epoch_order.
#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <utility>

#include "rigor/models/data.h"
#include "rigor/models/rng.h"

namespace rigor::models {
namespace {

// The examples perm[begin, begin + count) of `from`, in that order.
ExampleSet gather(const ExampleSet& from, const std::vector<std::int64_t>& perm, std::int64_t begin,
                  std::int64_t count) {
  ExampleSet out;
  out.shape = from.shape;
  const auto es = static_cast<std::size_t>(from.example_size());
  const auto n = static_cast<std::size_t>(count);
  out.x.resize(n * es);
  out.y.resize(n);
  out.index.resize(n);
  for (std::size_t i = 0; i < n; ++i) {
    const auto src = static_cast<std::size_t>(perm[static_cast<std::size_t>(begin) + i]);
    std::copy_n(from.x.begin() + static_cast<std::ptrdiff_t>(src * es), es,
                out.x.begin() + static_cast<std::ptrdiff_t>(i * es));
    out.y[i] = from.y[src];
    out.index[i] = from.index[src];
  }
  return out;
}

void check_consistent(const ExampleSet& set, const char* what) {
  const auto n = static_cast<std::size_t>(set.size());
  if (set.x.size() != n * static_cast<std::size_t>(set.example_size()) || set.index.size() != n) {
    throw DataError(fmt::format(
        "prepare: the {} holds {} labels, {} indices and {} feature values, but examples of "
        "shape size {} need {} values; the dataset was built inconsistently (a bug in its "
        "loader)",
        what, n, set.index.size(), set.x.size(), set.example_size(),
        n * static_cast<std::size_t>(set.example_size())));
  }
}

// x' = float((x - mean) / sd) in double, with the group (column, or 0 for images) of each value.
void standardise(ExampleSet& set, const std::vector<double>& mean, const std::vector<double>& sd,
                 bool per_column) {
  if (!per_column) {  // one group: a flat loop the compiler vectorises
    const double m = mean[0], s = sd[0];
    for (float& v : set.x) v = static_cast<float>((static_cast<double>(v) - m) / s);
    return;
  }
  const auto es = static_cast<std::size_t>(set.example_size());
  for (std::size_t i = 0; i < set.x.size(); i += es) {
    for (std::size_t g = 0; g < es; ++g) {
      set.x[i + g] = static_cast<float>((static_cast<double>(set.x[i + g]) - mean[g]) / sd[g]);
    }
  }
}

bool official_test_shape_differs(const RawDataset& raw) {
  return raw.official_test.size() > 0 && raw.official_test.shape != raw.pool.shape;
}

}  // namespace

PreparedData prepare(const RawDataset& raw, const rigor::protocols::Data& data,
                     std::uint64_t split_seed) {
  check_consistent(raw.pool, "pool");
  check_consistent(raw.official_test, "official test set");
  const ExampleSet& pool = raw.pool;
  const std::int64_t n = pool.size();
  if (pool.example_size() < 1) {
    throw DataError(fmt::format(
        "prepare: the examples of {} have shape size {}, but need at least one feature value",
        raw.name, pool.example_size()));
  }
  if (official_test_shape_differs(raw)) {
    throw DataError(fmt::format(
        "prepare: the official test set of {} has another example shape than its training pool; "
        "the two must hold the same kind of examples",
        raw.name));
  }
  const bool official_test = raw.official_test.size() > 0;
  if (official_test && data.split.test > 0.0) {
    throw DataError(fmt::format(
        "data.split.test is {}, but {} has an official test set; set test = 0 and share the "
        "training set between train and validation",
        data.split.test, raw.name));
  }
  for (const auto& [name, share] :
       {std::pair{"validation", data.split.validation}, std::pair{"test", data.split.test}}) {
    if (!(share >= 0.0 && share < 1.0)) {
      throw DataError(fmt::format("data.split.{} is {}, but must be in [0, 1)", name, share));
    }
  }
  // round() = nearest, halves away from zero (std::llround), e.g. 0.1 x 45 = 4.5 -> 5.
  const std::int64_t n_val = std::llround(data.split.validation * static_cast<double>(n));
  const std::int64_t n_test =
      official_test ? 0 : std::llround(data.split.test * static_cast<double>(n));
  const std::int64_t available = n - n_val - n_test;
  if (available <= 0) {
    throw DataError(fmt::format(
        "data.split leaves the training set empty: {} has {} examples to split, of which "
        "round({} x {}) = {} go to validation and round({} x {}) = {} to test; use more data or "
        "a larger train share",
        raw.name, n, data.split.validation, n, n_val, official_test ? 0.0 : data.split.test, n,
        n_test));
  }
  if (data.subset && *data.subset < 1) {
    throw DataError(fmt::format("data.subset is {}, but must be >= 1", *data.subset));
  }
  if (data.subset && *data.subset > available) {
    throw DataError(fmt::format(
        "data.subset is {}, but only {} training examples are available ({} examples, train "
        "share {}); lower data.subset to at most {} or enlarge the train share",
        *data.subset, available, n, data.split.train, available));
  }
  const std::int64_t n_train = data.subset ? *data.subset : available;

  Rng rng(split_seed);
  const std::vector<std::int64_t> perm = permutation(n, rng);
  PreparedData out;
  out.classes = raw.classes;
  out.validation = gather(pool, perm, 0, n_val);
  out.test = official_test ? raw.official_test : gather(pool, perm, n_val, n_test);
  out.train = gather(pool, perm, n_val + n_test, n_train);

  // Training statistics in double (two passes: the mean, then the population variance about it;
  // numpy's mean and std with ddof = 0). Tables (rank-1 shape): one group per column; any other
  // shape (images): one group for all values.
  const auto es = static_cast<std::size_t>(pool.example_size());
  const bool per_column = pool.shape.size() == 1;
  const std::size_t groups = per_column ? es : 1;
  const std::vector<float>& tx = out.train.x;
  std::vector<double> sum(groups, 0.0), ssd(groups, 0.0);
  std::vector<float> lo(groups, std::numeric_limits<float>::infinity());
  std::vector<float> hi(groups, -std::numeric_limits<float>::infinity());
  if (per_column) {
    for (std::size_t i = 0; i < tx.size(); i += es) {
      for (std::size_t g = 0; g < es; ++g) {
        const float v = tx[i + g];
        sum[g] += static_cast<double>(v);
        lo[g] = std::min(lo[g], v);
        hi[g] = std::max(hi[g], v);
      }
    }
  } else {  // local accumulators: the compiler keeps them in registers
    double s = 0.0;
    float l = lo[0], h = hi[0];
    for (const float v : tx) {
      s += static_cast<double>(v);
      l = std::min(l, v);
      h = std::max(h, v);
    }
    sum[0] = s;
    lo[0] = l;
    hi[0] = h;
  }
  const double count = static_cast<double>(tx.size() / groups);
  out.mean.resize(groups);
  for (std::size_t g = 0; g < groups; ++g) out.mean[g] = sum[g] / count;
  if (per_column) {
    for (std::size_t i = 0; i < tx.size(); i += es) {
      for (std::size_t g = 0; g < es; ++g) {
        const double dev = static_cast<double>(tx[i + g]) - out.mean[g];
        ssd[g] += dev * dev;
      }
    }
  } else {
    const double m = out.mean[0];
    double s = 0.0;
    for (const float v : tx) s += (static_cast<double>(v) - m) * (static_cast<double>(v) - m);
    ssd[0] = s;
  }
  out.sd.resize(groups);
  for (std::size_t g = 0; g < groups; ++g) {
    // A constant column is centred only: the exact test min == max keeps float rounding in the
    // mean from turning a constant into a huge ratio.
    out.sd[g] = lo[g] == hi[g] ? 1.0 : std::sqrt(ssd[g] / count);
  }
  standardise(out.train, out.mean, out.sd, per_column);
  standardise(out.validation, out.mean, out.sd, per_column);
  standardise(out.test, out.mean, out.sd, per_column);

  out.class_counts.assign(static_cast<std::size_t>(std::max<std::int64_t>(raw.classes, 0)), 0);
  for (std::size_t i = 0; i < out.train.y.size(); ++i) {
    const std::int64_t y = out.train.y[i];
    if (y < 0 || y >= raw.classes) {
      throw DataError(fmt::format(
          "prepare: example {} of {} has label {}, but the dataset declares {} classes (labels "
          "0..{}); the dataset was built inconsistently",
          out.train.index[i], raw.name, y, raw.classes, raw.classes - 1));
    }
    ++out.class_counts[static_cast<std::size_t>(y)];
  }
  return out;
}

std::vector<std::int64_t> epoch_order(std::int64_t n, std::uint64_t data_order_seed,
                                      std::int64_t epoch) {
  if (n < 0 || epoch < 0) {
    throw DataError(
        fmt::format("epoch_order: n is {} and epoch is {}, but both must be >= 0", n, epoch));
  }
  Rng rng(substream(data_order_seed, static_cast<std::uint64_t>(epoch)));
  return permutation(n, rng);
}

}  // namespace rigor::models
