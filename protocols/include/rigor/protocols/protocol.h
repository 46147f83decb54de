// rigor/protocols/protocol.h — a study's protocol: the contract written before any training (what
// is trained, how many seeds, which claims are tested how). Parsed from TOML, strictly validated,
// resolved (arms inherit [defaults]) and hashed, so that nobody can quietly change the claims, the
// alpha or the number of seeds once results exist. The format is documented in docs/protocol.md.
//
//   rigor::protocols::Protocol p = rigor::protocols::load_protocol("study.toml");  // throws
//   ProtocolError std::cout << rigor::protocols::canonical_hash(p) << "\n";                     //
//   64 hex digits for (const auto& claim : p.claims) std::cout << claim.id << ": " <<
//   claim.statement << "\n";
#ifndef RIGOR_PROTOCOLS_PROTOCOL_H_
#define RIGOR_PROTOCOLS_PROTOCOL_H_

#include <array>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "rigor/error.h"

namespace rigor::protocols {

// A protocol that cannot be read or is invalid. what() is
// "file:line:col: key.path: what is wrong; what to do", e.g.
// "study.toml:14:9: claims[1].alpha: is 1.5, but must be in (0, 1); use e.g. 0.05".
class ProtocolError : public rigor::Error {
 public:
  using rigor::Error::Error;
};

// Where a value was written (1-based line and column; 0 when unknown, e.g. a default).
struct SourceLocation {
  std::uint32_t line = 0;
  std::uint32_t column = 0;
};

struct Study {
  std::string name;
  std::string description;
  std::string author;
  std::string preregistered;         // RFC 3339 date-time as written, e.g. "2026-11-23T12:00:00Z"
  std::uint64_t master_seed = 0;     // [study] seed, or derived from the canonical hash
  bool master_seed_derived = false;  // true when [study] has no seed (see docs/protocol.md)
};

enum class DatasetKind { kFashionMnist, kIdx, kCsv, kSynthetic };
enum class SyntheticGenerator { kNone, kBlobs, kMoons, kSpirals };
enum class SplitMode { kFixed, kPerSeed };

struct Split {
  double train = 0.8;
  double validation = 0.1;
  double test = 0.1;
  SplitMode mode = SplitMode::kFixed;  // kPerSeed: redrawn per replicate from the "split" seed
};

struct Data {
  DatasetKind kind = DatasetKind::kSynthetic;
  std::string path;  // idx: directory of the four idx files; csv: the file; fashion-mnist: optional
  std::string target;  // csv: name of the target column
  SyntheticGenerator generator = SyntheticGenerator::kNone;
  std::int64_t samples = 0;            // synthetic: number of points
  std::int64_t features = 2;           // synthetic blobs: dimension (moons and spirals are 2-D)
  std::int64_t classes = 2;            // synthetic blobs and spirals: number of classes
  double noise = 0.1;                  // synthetic: standard deviation of the added Gaussian noise
  std::optional<std::int64_t> subset;  // use only this many training examples
  Split split;
};

// A scalar, string or numeric list option of a model (e.g. hidden = [256, 128]).
using OptionValue = std::variant<bool, std::int64_t, double, std::string, std::vector<std::int64_t>,
                                 std::vector<double>>;

struct Model {
  std::string name;                            // model registry name, e.g. "mlp"
  std::map<std::string, OptionValue> options;  // passed to the registry as is
};

enum class OptimizerKind { kSgd, kAdam, kAdamW };
enum class ScheduleKind { kConstant, kStep, kCosine };

struct Arm {
  std::string name;
  std::string description;
  Model model;
  OptimizerKind optimizer = OptimizerKind::kSgd;
  double learning_rate = 0.01;
  double momentum = 0.0;  // sgd only
  ScheduleKind schedule = ScheduleKind::kConstant;
  std::int64_t step_size = 0;      // step: epochs between decays (required for step)
  double gamma = 0.1;              // step: decay factor
  std::int64_t warmup_epochs = 0;  // linear warm-up before the schedule
  std::int64_t batch_size = 64;
  std::int64_t epochs = 1;
  double dropout = 0.0;                   // in [0, 1)
  double weight_decay = 0.0;              // >= 0
  std::vector<std::string> augmentation;  // subset of kAugmentations, sorted
  SourceLocation location;                // of the [[arms]] entry
};

// The variance sources a seed tree covers, in their fixed order (the order is part of the seed
// derivation: source i uses stream i + 1; see docs/protocol.md).
enum class VarianceSource { kInit, kDataOrder, kSplit, kDropout, kAugmentation };
inline constexpr std::size_t kNumVarianceSources = 5;
inline constexpr std::array<VarianceSource, kNumVarianceSources> kVarianceSources = {
    VarianceSource::kInit, VarianceSource::kDataOrder, VarianceSource::kSplit,
    VarianceSource::kDropout, VarianceSource::kAugmentation};

struct Seeds {
  std::int64_t replicates = 0;  // per arm
  std::array<bool, kNumVarianceSources>
      randomized{};    // by VarianceSource index; false = held fixed
  bool paired = true;  // arms share each replicate's seeds (common random numbers)
};

enum class MetricSplit { kTrain, kValidation, kTest };
enum class Direction { kHigher, kLower };
enum class MetricWhen { kFinal, kBestOnValidation };

struct Metric {
  std::string name;
  MetricSplit split = MetricSplit::kTest;
  Direction direction = Direction::kHigher;
  MetricWhen when = MetricWhen::kFinal;
};

enum class ClaimTest { kWelch, kMannWhitney, kWilcoxon, kPermutation, kAso, kPOutperform };
enum class ClaimAlternative { kTwoSided, kGreater, kLess };
enum class Correction {
  kNone,
  kBonferroni,
  kHolm,
  kHochberg,
  kBenjaminiHochberg,
  kBenjaminiYekutieli
};

struct Claim {
  std::string id;
  std::string statement;  // the claim in words
  std::string a;          // arm names: the claim is about a versus b
  std::string b;
  std::string metric;
  ClaimTest test = ClaimTest::kWelch;
  ClaimAlternative alternative =
      ClaimAlternative::kGreater;  // "a greater than b" in the metric's units
  double alpha = 0.05;
  double min_effect = 0.0;  // smallest effect of interest (metric units; p_outperform: P - 1/2)
  std::string family;       // claims sharing a family are corrected together; default: the id
  Correction correction = Correction::kHolm;
  std::int64_t configurations =
      1;  // configurations tried for this claim (sweeps): counts in the family
  // Optional power-analysis inputs (rigor plan): pilot standard deviation (of the metric, or of
  // the paired differences for paired tests), expected effect (defaults to min_effect), expected
  // P(a > b) for mwu / p_outperform, and the target power.
  std::optional<double> pilot_sd;
  std::optional<double> expected_effect;
  std::optional<double> expected_p_outperform;
  double power = 0.8;
  SourceLocation location;
};

enum class SpendingKind { kOBrienFleming, kPocock };

struct Sequential {
  std::vector<double> looks;  // information fractions, increasing, last == 1
  SpendingKind spending = SpendingKind::kOBrienFleming;
};

struct Budget {
  std::optional<std::int64_t> max_runs;
  std::optional<double> max_wall_hours;
  std::optional<Sequential> sequential;
};

// A validated, resolved protocol: every arm has every field (defaults applied), every reference
// (claim -> arm, metric) exists, and every claim's test fits the design.
struct Protocol {
  std::string source;  // file name used in messages
  Study study;
  Data data;
  std::vector<Arm> arms;  // in file order
  Seeds seeds;
  std::vector<Metric> metrics;  // in file order
  std::vector<Claim> claims;    // in file order
  Budget budget;

  const Arm* find_arm(std::string_view name) const;
  const Metric* find_metric(std::string_view name) const;
  const Claim* find_claim(std::string_view id) const;
};

// Reads and validates a protocol file. Throws ProtocolError ("file:line:col: key.path: ...; ...")
// on unreadable files, TOML syntax errors, unknown keys, wrong types, out-of-range values, dangling
// references, or a claim whose test does not fit the design.
Protocol load_protocol(const std::string& path);
// The same from text; `source` names it in messages.
Protocol parse_protocol(std::string_view text, std::string_view source = "<protocol>");

// Names as written in protocol files (and accepted by the parser).
std::string_view to_string(DatasetKind v);
std::string_view to_string(SyntheticGenerator v);
std::string_view to_string(SplitMode v);
std::string_view to_string(OptimizerKind v);
std::string_view to_string(ScheduleKind v);
std::string_view to_string(VarianceSource v);
std::string_view to_string(MetricSplit v);
std::string_view to_string(Direction v);
std::string_view to_string(MetricWhen v);
std::string_view to_string(ClaimTest v);
std::string_view to_string(ClaimAlternative v);
std::string_view to_string(Correction v);
std::string_view to_string(SpendingKind v);

// Whether a claim's test analyses the arms as pairs (replicate r of a with replicate r of b).
bool is_paired_test(ClaimTest test);

// Total size of a claim's correction family: the sum of `configurations` over its claims.
std::int64_t family_size(const Protocol& protocol, std::string_view family);

}  // namespace rigor::protocols

#endif  // RIGOR_PROTOCOLS_PROTOCOL_H_
