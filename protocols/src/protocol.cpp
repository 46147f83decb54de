// Parsing and validation of protocol files (TOML, toml++). Every error names the place
// (file:line:col), the key path, what is wrong and what to do.
#include "rigor/protocols/protocol.h"

#include <fmt/format.h>
#include <toml++/toml.h>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <limits>
#include <set>
#include <sstream>

#include "rigor/protocols/canonical.h"
#include "rigor/stats/random.h"

namespace rigor::protocols {
namespace {

// ---- names -------------------------------------------------------------------------------------

template <class E>
struct Names {
  std::vector<std::pair<std::string_view, E>> entries;
  std::string list() const {
    std::string out;
    for (const auto& [name, value] : entries)
      out += (out.empty() ? "\"" : ", \"") + std::string(name) + "\"";
    return out;
  }
  std::string_view name(E v) const {
    for (const auto& [n, e] : entries) {
      if (e == v) return n;
    }
    return "?";
  }
};

const Names<DatasetKind> kDatasetNames{{{"fashion-mnist", DatasetKind::kFashionMnist},
                                        {"idx", DatasetKind::kIdx},
                                        {"csv", DatasetKind::kCsv},
                                        {"synthetic", DatasetKind::kSynthetic}}};
const Names<SyntheticGenerator> kGeneratorNames{{{"none", SyntheticGenerator::kNone},
                                                 {"blobs", SyntheticGenerator::kBlobs},
                                                 {"moons", SyntheticGenerator::kMoons},
                                                 {"spirals", SyntheticGenerator::kSpirals}}};
const Names<SplitMode> kSplitModeNames{
    {{"fixed", SplitMode::kFixed}, {"per_seed", SplitMode::kPerSeed}}};
const Names<OptimizerKind> kOptimizerNames{{{"sgd", OptimizerKind::kSgd},
                                            {"adam", OptimizerKind::kAdam},
                                            {"adamw", OptimizerKind::kAdamW}}};
const Names<ScheduleKind> kScheduleNames{{{"constant", ScheduleKind::kConstant},
                                          {"step", ScheduleKind::kStep},
                                          {"cosine", ScheduleKind::kCosine}}};
const Names<VarianceSource> kSourceNames{{{"init", VarianceSource::kInit},
                                          {"data_order", VarianceSource::kDataOrder},
                                          {"split", VarianceSource::kSplit},
                                          {"dropout", VarianceSource::kDropout},
                                          {"augmentation", VarianceSource::kAugmentation}}};
const Names<MetricSplit> kMetricSplitNames{{{"train", MetricSplit::kTrain},
                                            {"validation", MetricSplit::kValidation},
                                            {"test", MetricSplit::kTest}}};
const Names<Direction> kDirectionNames{
    {{"higher", Direction::kHigher}, {"lower", Direction::kLower}}};
const Names<MetricWhen> kWhenNames{
    {{"final", MetricWhen::kFinal}, {"best_on_validation", MetricWhen::kBestOnValidation}}};
const Names<ClaimTest> kTestNames{{{"welch", ClaimTest::kWelch},
                                   {"mwu", ClaimTest::kMannWhitney},
                                   {"wilcoxon", ClaimTest::kWilcoxon},
                                   {"permutation", ClaimTest::kPermutation},
                                   {"aso", ClaimTest::kAso},
                                   {"p_outperform", ClaimTest::kPOutperform}}};
const Names<ClaimAlternative> kAlternativeNames{{{"two-sided", ClaimAlternative::kTwoSided},
                                                 {"greater", ClaimAlternative::kGreater},
                                                 {"less", ClaimAlternative::kLess}}};
const Names<Correction> kCorrectionNames{{{"none", Correction::kNone},
                                          {"bonferroni", Correction::kBonferroni},
                                          {"holm", Correction::kHolm},
                                          {"hochberg", Correction::kHochberg},
                                          {"bh", Correction::kBenjaminiHochberg},
                                          {"by", Correction::kBenjaminiYekutieli}}};
const Names<SpendingKind> kSpendingNames{
    {{"obrien-fleming", SpendingKind::kOBrienFleming}, {"pocock", SpendingKind::kPocock}}};

const std::vector<std::string_view> kAugmentations = {"gaussian_noise", "horizontal_flip",
                                                      "random_crop", "rotation"};

// ---- a checked view of one TOML table
// ------------------------------------------------------------

std::string type_name(const toml::node& n) {
  switch (n.type()) {
    case toml::node_type::table:
      return "a table";
    case toml::node_type::array:
      return "an array";
    case toml::node_type::string:
      return "a string";
    case toml::node_type::integer:
      return "an integer";
    case toml::node_type::floating_point:
      return "a float";
    case toml::node_type::boolean:
      return "a boolean";
    case toml::node_type::date:
      return "a date";
    case toml::node_type::time:
      return "a time";
    case toml::node_type::date_time:
      return "a date-time";
    default:
      return "nothing";
  }
}

class Context {
 public:
  explicit Context(std::string source) : source_(std::move(source)) {}

  [[noreturn]] void fail(const toml::source_region& where, std::string_view path,
                         std::string_view what, std::string_view todo) const {
    throw ProtocolError(fmt::format("{}:{}:{}: {}: {}; {}", source_, where.begin.line,
                                    where.begin.column, path, what, todo));
  }
  const std::string& source() const { return source_; }

 private:
  std::string source_;
};

// Reads keys of one table; finish() rejects any key that was not read.
class Reader {
 public:
  Reader(const Context& ctx, const toml::table& table, std::string path)
      : ctx_(ctx), table_(table), path_(std::move(path)) {}

  std::string key_path(std::string_view key) const {
    return path_.empty() ? std::string(key) : path_ + "." + std::string(key);
  }
  const std::string& path() const { return path_; }
  const toml::source_region& where() const { return table_.source(); }
  const Context& ctx() const { return ctx_; }

  const toml::node* get(std::string_view key) {
    known_.insert(std::string(key));
    return table_.get(key);
  }
  bool has(std::string_view key) const { return table_.contains(key); }

  [[noreturn]] void missing(std::string_view key, std::string_view todo) const {
    ctx_.fail(where(), key_path(key), "is required but missing", todo);
  }
  [[noreturn]] void wrong_type(const toml::node& n, std::string_view key,
                               std::string_view want) const {
    ctx_.fail(n.source(), key_path(key), fmt::format("is {}, but must be {}", type_name(n), want),
              fmt::format("write it as {}", want));
  }
  [[noreturn]] void bad(const toml::node& n, std::string_view key, std::string_view what,
                        std::string_view todo) const {
    ctx_.fail(n.source(), key_path(key), what, todo);
  }

  std::optional<std::string> opt_string(std::string_view key) {
    const toml::node* n = get(key);
    if (!n) return std::nullopt;
    if (!n->is_string()) wrong_type(*n, key, "a string");
    return std::string(n->as_string()->get());
  }
  std::string string(std::string_view key, std::string_view todo) {
    auto v = opt_string(key);
    if (!v) missing(key, todo);
    return *v;
  }
  std::optional<std::int64_t> opt_int(std::string_view key) {
    const toml::node* n = get(key);
    if (!n) return std::nullopt;
    if (!n->is_integer()) wrong_type(*n, key, "an integer");
    return n->as_integer()->get();
  }
  // A finite number; integers are accepted (alpha = 1 is read as 1.0 and then range-checked).
  std::optional<double> opt_double(std::string_view key) {
    const toml::node* n = get(key);
    if (!n) return std::nullopt;
    double v;
    if (n->is_integer()) {
      v = static_cast<double>(n->as_integer()->get());
    } else if (n->is_floating_point()) {
      v = n->as_floating_point()->get();
    } else {
      wrong_type(*n, key, "a number");
    }
    if (!std::isfinite(v))
      bad(*n, key, fmt::format("is {}, but must be finite", v), "write a finite number");
    return v;
  }
  std::optional<bool> opt_bool(std::string_view key) {
    const toml::node* n = get(key);
    if (!n) return std::nullopt;
    if (!n->is_boolean()) wrong_type(*n, key, "a boolean (true or false)");
    return n->as_boolean()->get();
  }
  const toml::table* opt_table(std::string_view key) {
    const toml::node* n = get(key);
    if (!n) return nullptr;
    if (!n->is_table()) wrong_type(*n, key, "a table");
    return n->as_table();
  }
  const toml::array* opt_array(std::string_view key) {
    const toml::node* n = get(key);
    if (!n) return nullptr;
    if (!n->is_array()) wrong_type(*n, key, "an array");
    return n->as_array();
  }
  std::optional<std::vector<std::string>> opt_strings(std::string_view key) {
    const toml::array* a = opt_array(key);
    if (!a) return std::nullopt;
    std::vector<std::string> out;
    for (std::size_t i = 0; i < a->size(); ++i) {
      const toml::node& e = *a->get(i);
      if (!e.is_string()) {
        ctx_.fail(e.source(), fmt::format("{}[{}]", key_path(key), i),
                  fmt::format("is {}, but must be a string", type_name(e)),
                  "write it as a quoted string");
      }
      out.emplace_back(e.as_string()->get());
    }
    return out;
  }

  template <class E>
  std::optional<E> opt_enum(std::string_view key, const Names<E>& names) {
    const toml::node* n = get(key);
    if (!n) return std::nullopt;
    if (!n->is_string()) wrong_type(*n, key, fmt::format("one of the strings {}", names.list()));
    const std::string_view text = n->as_string()->get();
    for (const auto& [name, value] : names.entries) {
      if (name == text) return value;
    }
    bad(*n, key, fmt::format("is \"{}\", which is not a known value", text),
        fmt::format("use one of {}", names.list()));
  }

  // Unknown keys are errors (a typo must not silently fall back to a default).
  void finish() const {
    for (const auto& [k, v] : table_) {
      if (known_.count(std::string(k.str())) == 0) {
        std::string list;
        for (const auto& name : known_) list += (list.empty() ? "" : ", ") + name;
        ctx_.fail(v.source(), key_path(k.str()), "is not a known key",
                  fmt::format("remove it or use one of: {} (see docs/protocol.md)", list));
      }
    }
  }

 private:
  const Context& ctx_;
  const toml::table& table_;
  std::string path_;
  std::set<std::string> known_;
};

// ---- range checks
// --------------------------------------------------------------------------------

void require(bool ok, Reader& r, std::string_view key, std::string_view what,
             std::string_view todo) {
  if (ok) return;
  const toml::node* n = r.get(key);
  if (n) r.bad(*n, key, what, todo);
  r.ctx().fail(r.where(), r.key_path(key), what, todo);
}

std::int64_t positive_int(Reader& r, std::string_view key, std::optional<std::int64_t> v,
                          std::int64_t max = std::numeric_limits<std::int64_t>::max()) {
  if (!v) r.missing(key, fmt::format("give a count in [1, {}]", max));
  require(*v >= 1 && *v <= max, r, key,
          fmt::format("is {}, but must be an integer in [1, {}]", *v, max),
          "give a positive count");
  return *v;
}

// ---- sections
// ------------------------------------------------------------------------------------

Study read_study(Reader r) {
  Study s;
  s.name = r.string("name", "give the study a short name, e.g. name = \"dropout-mlp\"");
  if (s.name.empty()) r.bad(*r.get("name"), "name", "is empty", "give the study a short name");
  s.description = r.opt_string("description").value_or("");
  s.author = r.string("author", "name who registers the protocol, e.g. author = \"A. Researcher\"");
  const toml::node* pre = r.get("preregistered");
  if (!pre)
    r.missing("preregistered",
              "write when the protocol was registered, e.g. preregistered = 2026-11-23T12:00:00Z");
  if (!pre->is_date_time()) {
    r.bad(*pre, "preregistered",
          fmt::format("is {}, but must be a TOML date-time with a time zone", type_name(*pre)),
          "write it unquoted, e.g. preregistered = 2026-11-23T12:00:00Z");
  }
  const toml::date_time& dt = pre->as_date_time()->get();
  if (!dt.offset) {
    r.bad(*pre, "preregistered", "has no time zone offset",
          "append Z (UTC) or an offset such as +01:00");
  }
  s.preregistered = fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}", dt.date.year, dt.date.month,
                                dt.date.day, dt.time.hour, dt.time.minute, dt.time.second);
  if (dt.time.nanosecond != 0) s.preregistered += fmt::format(".{:09}", dt.time.nanosecond);
  const int off = dt.offset->minutes;
  if (off == 0) {
    s.preregistered += "Z";
  } else {
    s.preregistered +=
        fmt::format("{}{:02}:{:02}", off < 0 ? '-' : '+', std::abs(off) / 60, std::abs(off) % 60);
  }
  if (auto seed = r.opt_int("seed")) {
    if (*seed < 0)
      r.bad(*r.get("seed"), "seed", fmt::format("is {}, but must be >= 0", *seed),
            "use a non-negative integer, or omit it to derive the seed from the protocol hash");
    s.master_seed = static_cast<std::uint64_t>(*seed);
  } else {
    s.master_seed_derived = true;
  }
  r.finish();
  return s;
}

Split read_split(Reader r, Split s) {
  s.train = r.opt_double("train").value_or(s.train);
  s.validation = r.opt_double("validation").value_or(s.validation);
  s.test = r.opt_double("test").value_or(s.test);
  s.mode = r.opt_enum("mode", kSplitModeNames).value_or(s.mode);
  require(s.train > 0.0 && s.train < 1.0, r, "train",
          fmt::format("is {}, but must be in (0, 1)", s.train),
          "give the training share, e.g. 0.8");
  require(s.validation >= 0.0 && s.validation < 1.0, r, "validation",
          fmt::format("is {}, but must be in [0, 1)", s.validation),
          "give the validation share, e.g. 0.1");
  require(s.test >= 0.0 && s.test < 1.0, r, "test",
          fmt::format("is {}, but must be in [0, 1)", s.test), "give the test share, e.g. 0.1");
  const double sum = s.train + s.validation + s.test;
  if (std::abs(sum - 1.0) > 1e-9) {
    r.ctx().fail(r.where(), r.path(),
                 fmt::format("train + validation + test is {}, but must be 1", sum),
                 "adjust the shares so that they add up to 1");
  }
  r.finish();
  return s;
}

Data read_data(Reader r) {
  Data d;
  auto kind = r.opt_enum("dataset", kDatasetNames);
  if (!kind) r.missing("dataset", fmt::format("name the data, one of {}", kDatasetNames.list()));
  d.kind = *kind;
  d.path = r.opt_string("path").value_or("");
  if (d.kind == DatasetKind::kIdx || d.kind == DatasetKind::kCsv) {
    require(!d.path.empty(), r, "path",
            fmt::format("is required for dataset \"{}\"", kDatasetNames.name(d.kind)),
            d.kind == DatasetKind::kIdx ? "give the directory holding the four idx files"
                                        : "give the CSV file");
  }
  if (auto t = r.opt_string("target")) {
    if (d.kind != DatasetKind::kCsv)
      r.bad(*r.get("target"), "target", "applies only to dataset \"csv\"", "remove it");
    d.target = *t;
  }
  if (d.kind == DatasetKind::kCsv && d.target.empty()) {
    require(false, r, "target", "is required for dataset \"csv\"",
            "name the target column, e.g. target = \"label\"");
  }
  const bool synthetic = d.kind == DatasetKind::kSynthetic;
  for (std::string_view key : {"generator", "samples", "features", "classes", "noise"}) {
    if (!synthetic && r.has(key)) {
      r.bad(*r.get(key), key, "applies only to dataset \"synthetic\"", "remove it");
    }
  }
  if (synthetic) {
    auto g = r.opt_enum("generator", kGeneratorNames);
    if (!g || *g == SyntheticGenerator::kNone) {
      require(false, r, "generator", "is required for dataset \"synthetic\"",
              "use one of \"blobs\", \"moons\", \"spirals\"");
    }
    d.generator = *g;
    d.samples = positive_int(r, "samples", r.opt_int("samples"), 100'000'000);
    if (auto f = r.opt_int("features")) {
      if (d.generator != SyntheticGenerator::kBlobs) {
        r.bad(*r.get("features"), "features",
              "applies only to generator \"blobs\" (moons and spirals are 2-D)", "remove it");
      }
      d.features = positive_int(r, "features", f, 100'000);
    }
    if (auto c = r.opt_int("classes")) {
      if (d.generator == SyntheticGenerator::kMoons) {
        r.bad(*r.get("classes"), "classes",
              "applies only to generators \"blobs\" and \"spirals\" (moons has 2)", "remove it");
      }
      require(*c >= 2 && *c <= 1000, r, "classes",
              fmt::format("is {}, but must be in [2, 1000]", *c), "give the number of classes");
      d.classes = *c;
    }
    d.noise = r.opt_double("noise").value_or(d.noise);
    require(d.noise >= 0.0, r, "noise", fmt::format("is {}, but must be >= 0", d.noise),
            "give a standard deviation");
  }
  if (auto s = r.opt_int("subset")) d.subset = positive_int(r, "subset", s, 1'000'000'000);
  // Fashion-MNIST and idx data come with an official test set: split divides the official
  // training set into train and validation, and split.test must be 0.
  const bool official_test = d.kind == DatasetKind::kFashionMnist || d.kind == DatasetKind::kIdx;
  if (official_test) d.split = Split{0.9, 0.1, 0.0, SplitMode::kFixed};
  if (const toml::table* t = r.opt_table("split")) {
    Reader sr(r.ctx(), *t, r.key_path("split"));
    d.split = read_split(sr, d.split);
    if (official_test && d.split.test != 0.0) {
      r.ctx().fail(t->get("test") ? t->get("test")->source() : t->source(),
                   r.key_path("split.test"),
                   fmt::format("is {}, but dataset \"{}\" has an official test set", d.split.test,
                               kDatasetNames.name(d.kind)),
                   "set test = 0 and share the training set between train and validation");
    }
  }
  r.finish();
  return d;
}

OptionValue read_option(const Reader& r, std::string_view key, const toml::node& n) {
  if (n.is_boolean()) return n.as_boolean()->get();
  if (n.is_integer()) return n.as_integer()->get();
  if (n.is_floating_point()) {
    const double v = n.as_floating_point()->get();
    if (!std::isfinite(v)) r.bad(n, key, "is not finite", "write a finite number");
    return v;
  }
  if (n.is_string()) return std::string(n.as_string()->get());
  if (n.is_array()) {
    const toml::array& a = *n.as_array();
    if (a.empty()) return std::vector<std::int64_t>{};
    if (a.is_homogeneous(toml::node_type::integer)) {
      std::vector<std::int64_t> out;
      for (const auto& e : a) out.push_back(e.as_integer()->get());
      return out;
    }
    bool numbers = true;
    for (const auto& e : a) numbers = numbers && (e.is_integer() || e.is_floating_point());
    if (numbers) {
      std::vector<double> out;
      for (const auto& e : a) {
        const double v = e.is_integer() ? static_cast<double>(e.as_integer()->get())
                                        : e.as_floating_point()->get();
        if (!std::isfinite(v))
          r.bad(e, key, "holds a value that is not finite", "write finite numbers");
        out.push_back(v);
      }
      return out;
    }
  }
  r.bad(
      n, key,
      fmt::format("is {}, but a model option must be a boolean, number, string or list of numbers",
                  type_name(n)),
      "write it as one of those");
}

// Tables merge key by key (arm over defaults); any other value replaces.
void merge_into(toml::table& base, const toml::table& over) {
  for (const auto& [k, v] : over) {
    toml::node* existing = base.get(k);
    if (existing && existing->is_table() && v.is_table()) {
      merge_into(*existing->as_table(), *v.as_table());
    } else {
      base.insert_or_assign(k, v);
    }
  }
}

// Reads an arm from its merged table (defaults + arm). `from_defaults` says where a key came from.
Arm read_arm(Reader r, bool is_defaults) {
  Arm a;
  if (!is_defaults) {
    a.name = r.string("name", "give the arm a name, e.g. name = \"baseline\"");
    // Arm names become run cell ids ("<arm>-r<replicate>"), HDF5 group and file names.
    const bool bad_char =
        a.name.find_first_not_of(
            "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._-") !=
        std::string::npos;
    if (a.name.empty() || bad_char || a.name.front() == '.' || a.name.size() > 180) {
      r.bad(*r.get("name"), "name",
            fmt::format("is \"{}\", but must be 1 to 180 letters, digits, '-', '_' or '.' (not "
                        "starting with '.')",
                        a.name),
            "rename the arm, e.g. \"lr-0.1\" instead of \"lr=0.1\"");
    }
  }
  a.description = r.opt_string("description").value_or("");
  if (const toml::table* m = r.opt_table("model")) {
    Reader mr(r.ctx(), *m, r.key_path("model"));
    a.model.name = mr.opt_string("name").value_or("");
    if (const toml::table* o = mr.opt_table("options")) {
      Reader orr(mr.ctx(), *o, mr.key_path("options"));
      for (const auto& [k, v] : *o) {
        a.model.options[std::string(k.str())] = read_option(orr, k.str(), v);
        orr.get(k.str());
      }
      orr.finish();
    }
    mr.finish();
  }
  if (!is_defaults && a.model.name.empty()) {
    r.ctx().fail(r.where(), r.key_path("model.name"),
                 "is required but missing (in the arm and in [defaults])",
                 "name the registered model, e.g. model.name = \"mlp\"");
  }
  if (const toml::table* o = r.opt_table("optimizer")) {
    Reader orr(r.ctx(), *o, r.key_path("optimizer"));
    a.optimizer = orr.opt_enum("name", kOptimizerNames).value_or(a.optimizer);
    a.learning_rate = orr.opt_double("learning_rate").value_or(a.learning_rate);
    require(a.learning_rate > 0.0, orr, "learning_rate",
            fmt::format("is {}, but must be > 0", a.learning_rate),
            "give a positive learning rate, e.g. 0.01");
    a.momentum = orr.opt_double("momentum").value_or(a.momentum);
    require(a.momentum >= 0.0 && a.momentum < 1.0, orr, "momentum",
            fmt::format("is {}, but must be in [0, 1)", a.momentum), "use e.g. 0.9");
    if (a.optimizer != OptimizerKind::kSgd && a.momentum != 0.0) {
      require(false, orr, "momentum", "applies only to optimizer \"sgd\"",
              "remove it or set name = \"sgd\"");
    }
    orr.finish();
  }
  if (const toml::table* s = r.opt_table("schedule")) {
    Reader sr(r.ctx(), *s, r.key_path("schedule"));
    a.schedule = sr.opt_enum("name", kScheduleNames).value_or(a.schedule);
    if (auto v = sr.opt_int("step_size")) a.step_size = positive_int(sr, "step_size", v);
    a.gamma = sr.opt_double("gamma").value_or(a.gamma);
    require(a.gamma > 0.0 && a.gamma <= 1.0, sr, "gamma",
            fmt::format("is {}, but must be in (0, 1]", a.gamma), "use e.g. 0.1");
    if (auto w = sr.opt_int("warmup_epochs")) {
      require(*w >= 0, sr, "warmup_epochs", fmt::format("is {}, but must be >= 0", *w),
              "give a count of epochs");
      a.warmup_epochs = *w;
    }
    if (a.schedule == ScheduleKind::kStep && a.step_size == 0) {
      require(false, sr, "step_size", "is required for schedule \"step\"",
              "give the epochs between decays");
    }
    sr.finish();
  }
  if (auto v = r.opt_int("batch_size")) a.batch_size = positive_int(r, "batch_size", v, 1'000'000);
  if (auto v = r.opt_int("epochs")) a.epochs = positive_int(r, "epochs", v, 1'000'000);
  a.dropout = r.opt_double("dropout").value_or(a.dropout);
  require(a.dropout >= 0.0 && a.dropout < 1.0, r, "dropout",
          fmt::format("is {}, but must be in [0, 1)", a.dropout),
          "give the drop probability, e.g. 0.5");
  a.weight_decay = r.opt_double("weight_decay").value_or(a.weight_decay);
  require(a.weight_decay >= 0.0, r, "weight_decay",
          fmt::format("is {}, but must be >= 0", a.weight_decay),
          "give an L2 coefficient, e.g. 5e-4");
  if (auto aug = r.opt_strings("augmentation")) {
    const toml::array& arr = *r.get("augmentation")->as_array();
    for (std::size_t i = 0; i < aug->size(); ++i) {
      const std::string& name = (*aug)[i];
      if (std::find(kAugmentations.begin(), kAugmentations.end(), name) == kAugmentations.end()) {
        std::string list;
        for (auto k : kAugmentations)
          list += (list.empty() ? "\"" : ", \"") + std::string(k) + "\"";
        r.ctx().fail(arr.get(i)->source(), fmt::format("{}[{}]", r.key_path("augmentation"), i),
                     fmt::format("is \"{}\", which is not a known augmentation", name),
                     fmt::format("use one of {}", list));
      }
      if (std::count(aug->begin(), aug->end(), name) > 1) {
        r.ctx().fail(arr.get(i)->source(), fmt::format("{}[{}]", r.key_path("augmentation"), i),
                     fmt::format("\"{}\" is listed twice", name), "list each augmentation once");
      }
    }
    a.augmentation = *aug;
    std::sort(a.augmentation.begin(), a.augmentation.end());
  }
  a.location = {static_cast<std::uint32_t>(r.where().begin.line),
                static_cast<std::uint32_t>(r.where().begin.column)};
  r.finish();
  return a;
}

Seeds read_seeds(Reader r) {
  Seeds s;
  s.replicates = positive_int(r, "replicates", r.opt_int("replicates"), 100'000);
  const auto randomize = r.opt_strings("randomize");
  const auto fixed = r.opt_strings("fixed");
  if (!randomize)
    r.missing("randomize",
              "list the variance sources drawn anew per replicate, e.g. randomize = [\"init\", "
              "\"data_order\"]");
  s.randomized.fill(false);
  std::array<bool, kNumVarianceSources> listed{};
  auto mark = [&](const std::vector<std::string>& names, std::string_view key, bool value) {
    const toml::array& arr = *r.get(key)->as_array();
    for (std::size_t i = 0; i < names.size(); ++i) {
      std::optional<std::size_t> idx;
      for (std::size_t j = 0; j < kNumVarianceSources; ++j) {
        if (kSourceNames.entries[j].first == names[i]) idx = j;
      }
      const std::string path = fmt::format("{}[{}]", r.key_path(key), i);
      if (!idx) {
        r.ctx().fail(arr.get(i)->source(), path,
                     fmt::format("is \"{}\", which is not a variance source", names[i]),
                     fmt::format("use one of {}", kSourceNames.list()));
      }
      if (listed[*idx]) {
        r.ctx().fail(arr.get(i)->source(), path,
                     fmt::format("\"{}\" is listed twice (in randomize or fixed)", names[i]),
                     "list each variance source once, in randomize or in fixed");
      }
      listed[*idx] = true;
      s.randomized[*idx] = value;
    }
  };
  mark(*randomize, "randomize", true);
  if (fixed) mark(*fixed, "fixed", false);
  for (std::size_t j = 0; j < kNumVarianceSources; ++j) {
    if (!listed[j]) {
      r.ctx().fail(r.where(), r.path(),
                   fmt::format("variance source \"{}\" is neither in randomize nor in fixed",
                               kSourceNames.entries[j].first),
                   "declare every source explicitly: add it to randomize or to fixed");
    }
  }
  s.paired = r.opt_bool("paired").value_or(true);
  r.finish();
  return s;
}

Metric read_metric(Reader r) {
  Metric m;
  m.name = r.string("name", "name the metric, e.g. name = \"accuracy\"");
  if (m.name.empty()) r.bad(*r.get("name"), "name", "is empty", "name the metric");
  m.split = r.opt_enum("split", kMetricSplitNames).value_or(m.split);
  auto dir = r.opt_enum("direction", kDirectionNames);
  if (!dir) r.missing("direction", "say whether \"higher\" or \"lower\" is better");
  m.direction = *dir;
  m.when = r.opt_enum("when", kWhenNames).value_or(m.when);
  r.finish();
  return m;
}

Claim read_claim(Reader r) {
  Claim c;
  c.id = r.string("id", "give the claim an id, e.g. id = \"dropout-helps\"");
  if (c.id.empty()) r.bad(*r.get("id"), "id", "is empty", "give the claim an id");
  c.statement = r.string("statement", "state the claim in words");
  c.a = r.string("a", "name the arm claimed better (a in \"a versus b\")");
  c.b = r.string("b", "name the arm it is compared with (b in \"a versus b\")");
  c.metric = r.string("metric", "name a metric declared in [[metrics]]");
  auto test = r.opt_enum("test", kTestNames);
  if (!test) r.missing("test", fmt::format("choose the test, one of {}", kTestNames.list()));
  c.test = *test;
  auto alt = r.opt_enum("alternative", kAlternativeNames);
  if (!alt)
    r.missing("alternative",
              "say \"greater\" (a better than b in the metric's units), \"less\" or \"two-sided\"");
  c.alternative = *alt;
  auto alpha = r.opt_double("alpha");
  if (!alpha) r.missing("alpha", "give the significance level, e.g. alpha = 0.05");
  c.alpha = *alpha;
  require(c.alpha > 0.0 && c.alpha < 1.0, r, "alpha",
          fmt::format("is {}, but must be in (0, 1)", c.alpha), "use e.g. 0.05");
  auto me = r.opt_double("min_effect");
  if (!me) r.missing("min_effect", "give the smallest effect that matters, in the metric's units");
  c.min_effect = *me;
  if (c.test == ClaimTest::kPOutperform) {
    require(c.min_effect > 0.0 && c.min_effect < 0.5, r, "min_effect",
            fmt::format(
                "is {}, but for test \"p_outperform\" it is P(a > b) - 1/2 and must be in (0, 0.5)",
                c.min_effect),
            "use e.g. 0.1 (P(a > b) >= 0.6)");
  } else {
    require(c.min_effect >= 0.0, r, "min_effect",
            fmt::format("is {}, but must be >= 0", c.min_effect),
            "give a magnitude; the direction is set by alternative");
  }
  c.family = r.opt_string("family").value_or(c.id);
  c.correction = r.opt_enum("correction", kCorrectionNames).value_or(c.correction);
  if (auto n = r.opt_int("configurations"))
    c.configurations = positive_int(r, "configurations", n, 1'000'000);
  c.pilot_sd = r.opt_double("pilot_sd");
  if (c.pilot_sd)
    require(*c.pilot_sd > 0.0, r, "pilot_sd", fmt::format("is {}, but must be > 0", *c.pilot_sd),
            "give a pilot standard deviation");
  c.expected_effect = r.opt_double("expected_effect");
  if (c.expected_effect) {
    require(*c.expected_effect > 0.0, r, "expected_effect",
            fmt::format("is {}, but must be > 0", *c.expected_effect),
            "give the effect's magnitude");
  }
  c.expected_p_outperform = r.opt_double("expected_p_outperform");
  if (c.expected_p_outperform) {
    require(*c.expected_p_outperform > 0.0 && *c.expected_p_outperform < 1.0 &&
                *c.expected_p_outperform != 0.5,
            r, "expected_p_outperform",
            fmt::format("is {}, but must be in (0, 1) and not 0.5", *c.expected_p_outperform),
            "give the expected P(a > b), e.g. 0.7");
  }
  c.power = r.opt_double("power").value_or(c.power);
  require(c.power > c.alpha && c.power < 1.0, r, "power",
          fmt::format("is {}, but must be in (alpha, 1)", c.power), "use e.g. 0.8");
  c.location = {static_cast<std::uint32_t>(r.where().begin.line),
                static_cast<std::uint32_t>(r.where().begin.column)};
  r.finish();
  return c;
}

Budget read_budget(Reader r) {
  Budget b;
  if (auto m = r.opt_int("max_runs")) b.max_runs = positive_int(r, "max_runs", m, 1'000'000'000);
  if (auto h = r.opt_double("max_wall_hours")) {
    require(*h > 0.0, r, "max_wall_hours", fmt::format("is {}, but must be > 0", *h),
            "give hours, e.g. 12");
    b.max_wall_hours = *h;
  }
  if (const toml::table* s = r.opt_table("sequential")) {
    Reader sr(r.ctx(), *s, r.key_path("sequential"));
    Sequential q;
    const toml::node* looks = sr.get("looks");
    if (!looks)
      sr.missing("looks",
                 "give the number of equally spaced looks (e.g. looks = 3) or their information "
                 "fractions");
    if (looks->is_integer()) {
      const std::int64_t k = looks->as_integer()->get();
      if (k < 1 || k > 50)
        sr.bad(*looks, "looks", fmt::format("is {}, but must be in [1, 50]", k), "use e.g. 3");
      for (std::int64_t i = 1; i <= k; ++i)
        q.looks.push_back(static_cast<double>(i) / static_cast<double>(k));
    } else if (looks->is_array()) {
      const toml::array& arr = *looks->as_array();
      if (arr.empty() || arr.size() > 50)
        sr.bad(*looks, "looks", "must hold 1 to 50 fractions", "e.g. looks = [0.5, 1.0]");
      for (std::size_t i = 0; i < arr.size(); ++i) {
        const toml::node& e = *arr.get(i);
        const std::string path = fmt::format("{}[{}]", sr.key_path("looks"), i);
        if (!e.is_number()) {
          sr.ctx().fail(e.source(), path, fmt::format("is {}, but must be a number", type_name(e)),
                        "write a fraction in (0, 1]");
        }
        const double t = e.is_integer() ? static_cast<double>(e.as_integer()->get())
                                        : e.as_floating_point()->get();
        if (!(t > 0.0 && t <= 1.0) || (!q.looks.empty() && !(t > q.looks.back()))) {
          sr.ctx().fail(e.source(), path,
                        fmt::format("is {}, but looks must increase within (0, 1]", t),
                        "list increasing information fractions ending in 1");
        }
        q.looks.push_back(t);
      }
      if (q.looks.back() != 1.0)
        sr.bad(*looks, "looks",
               fmt::format("ends at {}, but the last look must be 1", q.looks.back()),
               "end the list with 1.0 (the maximum number of replicates)");
    } else {
      sr.wrong_type(*looks, "looks", "an integer or an array of fractions");
    }
    q.spending = sr.opt_enum("spending", kSpendingNames).value_or(q.spending);
    sr.finish();
    b.sequential = q;
  }
  r.finish();
  return b;
}

const toml::table& table_at(const Context& ctx, const toml::array& arr, std::size_t i,
                            const std::string& path) {
  const toml::node& n = *arr.get(i);
  if (!n.is_table()) {
    ctx.fail(n.source(), fmt::format("{}[{}]", path, i),
             fmt::format("is {}, but must be a table", type_name(n)),
             fmt::format("write each entry as [[{}]]", path));
  }
  return *n.as_table();
}

// ---- cross-section validation
// ---------------------------------------------------------------------

void validate_references(const Context& ctx, const toml::table& root, Protocol& p) {
  const toml::array* claims = root.get_as<toml::array>("claims");
  std::map<std::string, const Claim*> family_first;
  for (std::size_t i = 0; i < p.claims.size(); ++i) {
    const Claim& c = p.claims[i];
    const toml::table& t = *claims->get(i)->as_table();
    const std::string path = fmt::format("claims[{}]", i);
    auto at = [&](std::string_view key) -> const toml::source_region& {
      const toml::node* n = t.get(key);
      return n ? n->source() : t.source();
    };
    auto arm_names = [&] {
      std::string list;
      for (const Arm& a : p.arms) list += (list.empty() ? "\"" : ", \"") + a.name + "\"";
      return list;
    };
    if (!p.find_arm(c.a)) {
      ctx.fail(at("a"), path + ".a", fmt::format("names arm \"{}\", which is not declared", c.a),
               fmt::format("use one of the [[arms]] names: {}", arm_names()));
    }
    if (!p.find_arm(c.b)) {
      ctx.fail(at("b"), path + ".b", fmt::format("names arm \"{}\", which is not declared", c.b),
               fmt::format("use one of the [[arms]] names: {}", arm_names()));
    }
    if (c.a == c.b) {
      ctx.fail(at("b"), path + ".b", fmt::format("is \"{}\", the same arm as a", c.b),
               "compare two different arms");
    }
    if (!p.find_metric(c.metric)) {
      std::string list;
      for (const Metric& m : p.metrics) list += (list.empty() ? "\"" : ", \"") + m.name + "\"";
      ctx.fail(
          at("metric"), path + ".metric",
          fmt::format("names metric \"{}\", which is not declared", c.metric),
          list.empty() ? "declare it in a [[metrics]] table" : fmt::format("use one of: {}", list));
    }
    if (is_paired_test(c.test) && !p.seeds.paired) {
      ctx.fail(
          at("test"), path + ".test",
          fmt::format("\"{}\" is a paired test, but the arms are not paired (seeds.paired = false)",
                      to_string(c.test)),
          "set seeds.paired = true, or use an unpaired test such as \"mwu\" or \"welch\"");
    }
    if (is_paired_test(c.test) && p.seeds.replicates < 2) {
      ctx.fail(at("test"), path + ".test", "needs at least 2 replicates per arm",
               "raise seeds.replicates");
    }
    if (p.seeds.replicates < 2) {
      ctx.fail(at("test"), path + ".test",
               fmt::format("cannot be tested with seeds.replicates = {}", p.seeds.replicates),
               "a claim needs at least 2 replicates per arm; raise seeds.replicates");
    }
    auto [it, inserted] = family_first.emplace(c.family, &c);
    if (!inserted) {
      const Claim& first = *it->second;
      if (first.correction != c.correction) {
        ctx.fail(
            at("correction"), path + ".correction",
            fmt::format("is \"{}\", but claim \"{}\" of the same family \"{}\" uses \"{}\"",
                        to_string(c.correction), first.id, c.family, to_string(first.correction)),
            "use one correction method per family");
      }
      if (first.alpha != c.alpha) {
        ctx.fail(at("alpha"), path + ".alpha",
                 fmt::format("is {}, but claim \"{}\" of the same family \"{}\" uses {}", c.alpha,
                             first.id, c.family, first.alpha),
                 "use one alpha per family (the family-wise level)");
      }
    }
  }
  const toml::array* metrics = root.get_as<toml::array>("metrics");
  for (std::size_t i = 0; i < p.metrics.size(); ++i) {
    const Metric& m = p.metrics[i];
    const toml::table& t = *metrics->get(i)->as_table();
    const double share = m.split == MetricSplit::kTest         ? p.data.split.test
                         : m.split == MetricSplit::kValidation ? p.data.split.validation
                                                               : p.data.split.train;
    const bool official_test =
        p.data.kind == DatasetKind::kFashionMnist || p.data.kind == DatasetKind::kIdx;
    if (share == 0.0 && !(m.split == MetricSplit::kTest && official_test)) {
      ctx.fail(
          t.get("split") ? t.get("split")->source() : t.source(),
          fmt::format("metrics[{}].split", i),
          fmt::format("is \"{}\", but data.split.{} is 0", to_string(m.split), to_string(m.split)),
          "give that split a share in data.split, or measure on another split");
    }
    if (m.when == MetricWhen::kBestOnValidation && p.data.split.validation == 0.0) {
      ctx.fail(t.get("when")->source(), fmt::format("metrics[{}].when", i),
               "is \"best_on_validation\", but data.split.validation is 0",
               "give the validation split a share, or use when = \"final\"");
    }
  }
  if (p.budget.max_runs) {
    const std::int64_t runs = static_cast<std::int64_t>(p.arms.size()) * p.seeds.replicates;
    if (runs > *p.budget.max_runs) {
      const toml::node* b = root.get("budget");
      const toml::node* n = b->as_table()->get("max_runs");
      ctx.fail(n->source(), "budget.max_runs",
               fmt::format("is {}, but the protocol asks for {} runs ({} arms x {} replicates)",
                           *p.budget.max_runs, runs, p.arms.size(), p.seeds.replicates),
               "raise max_runs, or lower seeds.replicates or the number of arms");
    }
  }
  if (p.budget.sequential) {
    const auto& looks = p.budget.sequential->looks;
    const toml::node* n =
        root.get("budget")->as_table()->get("sequential")->as_table()->get("looks");
    std::int64_t prev = 0;
    for (double t : looks) {
      const auto reps =
          static_cast<std::int64_t>(std::ceil(t * static_cast<double>(p.seeds.replicates) - 1e-9));
      if (reps <= prev || reps < 2) {
        ctx.fail(n->source(), "budget.sequential.looks",
                 fmt::format("gives a look at {} replicates per arm (of seeds.replicates = {}), "
                             "which repeats a look or has "
                             "fewer than 2 replicates",
                             reps, p.seeds.replicates),
                 "use fewer looks or more replicates");
      }
      prev = reps;
    }
  }
  const bool split_randomized =
      p.seeds.randomized[static_cast<std::size_t>(VarianceSource::kSplit)];
  if (split_randomized != (p.data.split.mode == SplitMode::kPerSeed)) {
    const toml::node* seeds = root.get("seeds");
    ctx.fail(seeds->source(), "seeds.randomize",
             split_randomized ? "randomizes \"split\", but data.split.mode is \"fixed\""
                              : "holds \"split\" fixed, but data.split.mode is \"per_seed\"",
             "make them agree: \"split\" in seeds.randomize with mode = \"per_seed\", or in "
             "seeds.fixed with mode = \"fixed\"");
  }
}

void check_unique(const Context& ctx, const toml::array& arr, const std::string& section,
                  std::string_view key, const std::vector<std::string>& names) {
  for (std::size_t i = 0; i < names.size(); ++i) {
    for (std::size_t j = 0; j < i; ++j) {
      if (names[i] == names[j]) {
        const toml::table& t = *arr.get(i)->as_table();
        ctx.fail(t.get(key)->source(), fmt::format("{}[{}].{}", section, i, key),
                 fmt::format("\"{}\" is already used by {}[{}]", names[i], section, j),
                 "give each entry a unique " + std::string(key));
      }
    }
  }
}

Protocol read_protocol(const Context& ctx, const toml::table& root) {
  Protocol p;
  p.source = ctx.source();
  Reader r(ctx, root, "");
  // Unknown sections first: "[dat]" must read as a typo, not as a missing [data].
  for (std::string_view key :
       {"study", "data", "defaults", "arms", "seeds", "metrics", "claims", "budget"}) {
    r.get(key);
  }
  r.finish();
  const toml::table* study = r.opt_table("study");
  if (!study)
    r.ctx().fail(root.source(), "study", "is required but missing",
                 "add a [study] table with name, author, preregistered");
  p.study = read_study(Reader(ctx, *study, "study"));
  const toml::table* data = r.opt_table("data");
  if (!data)
    r.ctx().fail(root.source(), "data", "is required but missing",
                 "add a [data] table naming the dataset");
  p.data = read_data(Reader(ctx, *data, "data"));
  const toml::table* defaults = r.opt_table("defaults");
  if (defaults)
    read_arm(Reader(ctx, *defaults, "defaults"), true);  // validates [defaults] on its own lines
  const toml::array* arms = r.opt_array("arms");
  if (!arms || arms->empty()) {
    ctx.fail(root.source(), "arms", "is required but missing",
             "declare at least one [[arms]] table");
  }
  for (std::size_t i = 0; i < arms->size(); ++i) {
    const std::string path = fmt::format("arms[{}]", i);
    const toml::table& t = table_at(ctx, *arms, i, "arms");
    if (defaults) {
      toml::table merged = *defaults;
      merge_into(merged, t);
      Arm a = read_arm(Reader(ctx, merged, path), false);
      a.location = {static_cast<std::uint32_t>(t.source().begin.line),
                    static_cast<std::uint32_t>(t.source().begin.column)};
      p.arms.push_back(std::move(a));
    } else {
      p.arms.push_back(read_arm(Reader(ctx, t, path), false));
    }
  }
  {
    std::vector<std::string> names;
    for (const Arm& a : p.arms) names.push_back(a.name);
    check_unique(ctx, *arms, "arms", "name", names);
  }
  const toml::table* seeds = r.opt_table("seeds");
  if (!seeds)
    ctx.fail(root.source(), "seeds", "is required but missing",
             "add a [seeds] table with replicates and randomize");
  p.seeds = read_seeds(Reader(ctx, *seeds, "seeds"));
  const toml::array* metrics = r.opt_array("metrics");
  if (!metrics || metrics->empty()) {
    ctx.fail(root.source(), "metrics", "is required but missing",
             "declare at least one [[metrics]] table");
  }
  for (std::size_t i = 0; i < metrics->size(); ++i) {
    p.metrics.push_back(read_metric(
        Reader(ctx, table_at(ctx, *metrics, i, "metrics"), fmt::format("metrics[{}]", i))));
  }
  {
    std::vector<std::string> names;
    for (const Metric& m : p.metrics) names.push_back(m.name);
    check_unique(ctx, *metrics, "metrics", "name", names);
  }
  const toml::array* claims = r.opt_array("claims");
  if (!claims || claims->empty()) {
    ctx.fail(root.source(), "claims", "is required but missing",
             "declare at least one [[claims]] table");
  }
  for (std::size_t i = 0; i < claims->size(); ++i) {
    p.claims.push_back(
        read_claim(Reader(ctx, table_at(ctx, *claims, i, "claims"), fmt::format("claims[{}]", i))));
  }
  {
    std::vector<std::string> ids;
    for (const Claim& c : p.claims) ids.push_back(c.id);
    check_unique(ctx, *claims, "claims", "id", ids);
  }
  if (const toml::table* budget = r.opt_table("budget"))
    p.budget = read_budget(Reader(ctx, *budget, "budget"));
  r.finish();
  validate_references(ctx, root, p);
  if (p.study.master_seed_derived) {
    // The seed is the first 8 bytes (big-endian) of the canonical hash, which renders a derived
    // seed as "derived" (not as a number), so there is no circularity.
    const std::string h = canonical_hash(p);
    p.study.master_seed = std::stoull(h.substr(0, 16), nullptr, 16);
  }
  return p;
}

// toml++ 3.3 (the Debian version) reaches __builtin_unreachable() - undefined behaviour - when
// some non-ASCII code points stand where it checks for whitespace: outside strings and comments,
// and first on the line after a line-ending backslash in a multi-line basic string (upstream issues
// marzer/tomlplusplus#190 and #295, fixed after 3.4; found by tests/protocols/fuzz). TOML allows
// non-ASCII text only inside strings and comments anyway, so this scan rejects the other places
// before toml++ sees them.
void reject_non_ascii_outside_strings(std::string_view text, std::string_view source) {
  enum class State { kNormal, kComment, kBasic, kLiteral, kMultiBasic, kMultiLiteral };
  State state = State::kNormal;
  std::size_t line = 1;
  std::size_t col = 1;
  std::size_t i = 0;
  auto at = [&](std::size_t k) -> char { return k < text.size() ? text[k] : '\0'; };
  auto triple = [&](char q) { return at(i) == q && at(i + 1) == q && at(i + 2) == q; };
  auto advance = [&] {
    const auto byte = static_cast<unsigned char>(text[i]);
    if (byte == '\n') {
      ++line;
      col = 1;
    } else if ((byte & 0xC0) != 0x80) {
      ++col;  // count code points, like toml++'s columns
    }
    ++i;
  };
  auto fail = [&](std::string_view what, std::string_view todo) {
    throw ProtocolError(fmt::format("{}:{}:{}: (syntax): {}; {}", source, line, col, what, todo));
  };
  while (i < text.size()) {
    const char ch = text[i];
    const bool non_ascii = static_cast<unsigned char>(ch) >= 0x80;
    switch (state) {
      case State::kNormal:
        if (non_ascii) {
          fail("non-ASCII character outside a string or comment",
               "TOML allows non-ASCII text only in quoted strings and comments");
        }
        if (ch == '#') {
          state = State::kComment;
        } else if (triple('"')) {
          state = State::kMultiBasic;
          advance();
          advance();
        } else if (triple('\'')) {
          state = State::kMultiLiteral;
          advance();
          advance();
        } else if (ch == '"') {
          state = State::kBasic;
        } else if (ch == '\'') {
          state = State::kLiteral;
        }
        advance();
        break;
      case State::kComment:
        if (ch == '\n') state = State::kNormal;
        advance();
        break;
      case State::kBasic:
        if (ch == '\\' && i + 1 < text.size() && at(i + 1) != '\n') {
          advance();  // the escaped character cannot end the string
        } else if (ch == '"' || ch == '\n') {
          state = State::kNormal;
        }
        advance();
        break;
      case State::kLiteral:
        if (ch == '\'' || ch == '\n') state = State::kNormal;
        advance();
        break;
      case State::kMultiBasic:
        if (ch == '\\') {
          std::size_t k = i + 1;
          while (at(k) == ' ' || at(k) == '\t') ++k;
          if (at(k) == '\n' || (at(k) == '\r' && at(k + 1) == '\n')) {
            advance();
            while (i < text.size() &&
                   (text[i] == ' ' || text[i] == '\t' || text[i] == '\r' || text[i] == '\n')) {
              advance();
            }
            if (i < text.size() && static_cast<unsigned char>(text[i]) >= 0x80) {
              fail("non-ASCII character first after a line-ending backslash",
                   "start the continued line with an ASCII character");
            }
            break;
          }
          advance();  // an escape: skip the escaped character
          if (i < text.size()) advance();
          break;
        }
        if (triple('"')) {
          for (int q = 0; q < 5 && at(i) == '"'; ++q)
            advance();  // """ plus up to two quotes of content
          state = State::kNormal;
          break;
        }
        advance();
        break;
      case State::kMultiLiteral:
        if (triple('\'')) {
          for (int q = 0; q < 5 && at(i) == '\''; ++q) advance();
          state = State::kNormal;
          break;
        }
        advance();
        break;
    }
  }
}

// The text with each non-ASCII code point replaced by 'x' (same line and column numbers, which
// count code points). Throws ProtocolError on malformed UTF-8 (TOML documents are UTF-8).
std::string ascii_copy(std::string_view text, std::string_view source) {
  std::string out;
  out.reserve(text.size());
  std::size_t line = 1;
  std::size_t col = 1;
  for (std::size_t i = 0; i < text.size();) {
    const auto b = static_cast<unsigned char>(text[i]);
    if (b < 0x80) {
      out += static_cast<char>(b);
      if (b == '\n') {
        ++line;
        col = 1;
      } else {
        ++col;
      }
      ++i;
      continue;
    }
    // Well-formed UTF-8 (Unicode 15, table 3-7): lead byte, continuation count, first-continuation
    // range.
    std::size_t n = 0;
    unsigned lo = 0x80;
    unsigned hi = 0xBF;
    if (b >= 0xC2 && b <= 0xDF) {
      n = 1;
    } else if (b >= 0xE0 && b <= 0xEF) {
      n = 2;
      if (b == 0xE0) lo = 0xA0;
      if (b == 0xED) hi = 0x9F;
    } else if (b >= 0xF0 && b <= 0xF4) {
      n = 3;
      if (b == 0xF0) lo = 0x90;
      if (b == 0xF4) hi = 0x8F;
    }
    bool ok = n > 0;
    for (std::size_t k = 1; ok && k <= n; ++k) {
      if (i + k >= text.size()) {
        ok = false;
        break;
      }
      const auto c = static_cast<unsigned char>(text[i + k]);
      ok = k == 1 ? (c >= lo && c <= hi) : (c >= 0x80 && c <= 0xBF);
    }
    if (!ok) {
      throw ProtocolError(fmt::format(
          "{}:{}:{}: (syntax): byte 0x{:02x} is not valid UTF-8; save the file as UTF-8", source,
          line, col, b));
    }
    out += 'x';
    ++col;
    i += n + 1;
  }
  return out;
}

}  // namespace

const Arm* Protocol::find_arm(std::string_view name) const {
  for (const Arm& a : arms) {
    if (a.name == name) return &a;
  }
  return nullptr;
}
const Metric* Protocol::find_metric(std::string_view name) const {
  for (const Metric& m : metrics) {
    if (m.name == name) return &m;
  }
  return nullptr;
}
const Claim* Protocol::find_claim(std::string_view id) const {
  for (const Claim& c : claims) {
    if (c.id == id) return &c;
  }
  return nullptr;
}

Protocol parse_protocol(std::string_view text, std::string_view source) {
  const Context ctx{std::string(source)};
  // Defence against toml++ 3.3's undefined behaviour on some non-ASCII code points (see
  // reject_non_ascii_outside_strings): (1) the text must be UTF-8; (2) a copy with every non-ASCII
  // code point replaced by 'x' must parse, so the structure is valid TOML and (3) the string and
  // comment scan sees the document as toml++ does; only then does toml++ see the original.
  const std::string ascii = ascii_copy(text, source);
  try {
    (void)toml::parse(ascii, source);
  } catch (const toml::parse_error& e) {
    const auto& where = e.source();
    throw ProtocolError(fmt::format(
        "{}:{}:{}: (syntax): {}; fix the TOML syntax (https://toml.io){}", source, where.begin.line,
        where.begin.column, e.description(),
        ascii == text ? "" : " (non-ASCII text is allowed only in strings and comments)"));
  }
  reject_non_ascii_outside_strings(text, source);
  toml::table root;
  try {
    root = toml::parse(text, source);
  } catch (const toml::parse_error& e) {
    const auto& where = e.source();
    throw ProtocolError(fmt::format("{}:{}:{}: (syntax): {}; fix the TOML syntax (https://toml.io)",
                                    source, where.begin.line, where.begin.column, e.description()));
  }
  return read_protocol(ctx, root);
}

Protocol load_protocol(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in)
    throw ProtocolError(fmt::format("{}:0:0: (file): cannot be opened; check the path", path));
  std::ostringstream buffer;
  buffer << in.rdbuf();
  return parse_protocol(buffer.str(), path);
}

std::string_view to_string(DatasetKind v) { return kDatasetNames.name(v); }
std::string_view to_string(SyntheticGenerator v) { return kGeneratorNames.name(v); }
std::string_view to_string(SplitMode v) { return kSplitModeNames.name(v); }
std::string_view to_string(OptimizerKind v) { return kOptimizerNames.name(v); }
std::string_view to_string(ScheduleKind v) { return kScheduleNames.name(v); }
std::string_view to_string(VarianceSource v) { return kSourceNames.name(v); }
std::string_view to_string(MetricSplit v) { return kMetricSplitNames.name(v); }
std::string_view to_string(Direction v) { return kDirectionNames.name(v); }
std::string_view to_string(MetricWhen v) { return kWhenNames.name(v); }
std::string_view to_string(ClaimTest v) { return kTestNames.name(v); }
std::string_view to_string(ClaimAlternative v) { return kAlternativeNames.name(v); }
std::string_view to_string(Correction v) { return kCorrectionNames.name(v); }
std::string_view to_string(SpendingKind v) { return kSpendingNames.name(v); }

bool is_paired_test(ClaimTest test) { return test == ClaimTest::kWilcoxon; }

std::int64_t family_size(const Protocol& protocol, std::string_view family) {
  std::int64_t n = 0;
  for (const Claim& c : protocol.claims) {
    if (c.family == family) n += c.configurations;
  }
  return n;
}

}  // namespace rigor::protocols
