// The model registry: names -> builders (an explicit table, no static self-registration), option
// parsing and validation, the catalog, and the parameter hash. docs/models.md describes each model.
#include "rigor/models/registry.h"

#include <ATen/CPUGeneratorImpl.h>
#include <fmt/format.h>
#include <fmt/ranges.h>
#include <openssl/evp.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <type_traits>
#include <variant>
#include <vector>

#include "networks.h"

namespace rigor::models {

namespace {

using rigor::protocols::OptionValue;

// Registry order = `rigor models` order; names exact. A function-local static, so that it is
// initialised on first use whatever the static initialisation order of the calling TUs.
const std::vector<ModelInfo>& catalog() {
  static const std::vector<ModelInfo> kCatalog = {
      {"logistic",
       "multinomial logistic regression, the linear baseline: flatten -> Linear(features, "
       "classes); "
       "dropout on the inputs; no options"},
      {"mlp",
       "multilayer perceptron: hidden = [256, 128] (widths in [1, 65536]; an integer is one "
       "layer), "
       "activation = \"relu\" (or \"tanh\", \"gelu\"); dropout after each hidden activation"},
      {"lenet5",
       "LeNet-5 (LeCun et al. 1998) for images {c, h, w} with h, w >= 16: activation = \"relu\" "
       "(or "
       "\"tanh\"); dropout after the 120- and 84-unit layers"},
      {"resnet20",
       "CIFAR ResNet (He et al. 2016), 6 * blocks + 2 layers: width = 16 (base width, in [1, "
       "1024]), "
       "blocks = 3 (per stage, in [1, 64]); projection shortcuts; dropout before the final layer"},
      {"majority",
       "baseline: always the most frequent training class (ties: the smallest index); no options, "
       "not trained"},
      {"random",
       "baseline: a uniformly random class per example, drawn from the init seed; no options, not "
       "trained"},
  };
  return kCatalog;
}

constexpr std::int64_t kMaxWidth = 65536;
constexpr std::int64_t kMaxResNetWidth = 1024;
constexpr std::int64_t kMaxResNetBlocks = 64;
constexpr std::int64_t kMinImageSide = 16;  // lenet5: two 2x2 pools around a 5x5 conv

std::string model_names() {
  std::vector<std::string_view> names;
  for (const ModelInfo& m : catalog()) names.push_back(m.name);
  return fmt::format("{}", fmt::join(names, ", "));
}

std::string shape_text(const std::vector<std::int64_t>& shape) {
  return fmt::format("{{{}}}", fmt::join(shape, ", "));
}

// An option value as a protocol would write it.
std::string value_text(const OptionValue& v) {
  return std::visit(
      [](const auto& x) -> std::string {
        using T = std::decay_t<decltype(x)>;
        if constexpr (std::is_same_v<T, bool>) {
          return x ? "true" : "false";
        } else if constexpr (std::is_same_v<T, std::string>) {
          return fmt::format("\"{}\"", x);
        } else if constexpr (std::is_same_v<T, std::int64_t> || std::is_same_v<T, double>) {
          return fmt::format("{}", x);
        } else {
          return fmt::format("[{}]", fmt::join(x, ", "));
        }
      },
      v);
}

std::string type_text(const OptionValue& v) {
  return std::visit(
      [](const auto& x) -> std::string {
        using T = std::decay_t<decltype(x)>;
        if constexpr (std::is_same_v<T, bool>) {
          return "a boolean";
        } else if constexpr (std::is_same_v<T, std::int64_t>) {
          return "an integer";
        } else if constexpr (std::is_same_v<T, double>) {
          return "a floating-point number";
        } else if constexpr (std::is_same_v<T, std::string>) {
          return "a string";
        } else if constexpr (std::is_same_v<T, std::vector<std::int64_t>>) {
          return "a list of integers";
        } else {
          return "a list of numbers";
        }
      },
      v);
}

// Reads one model's options: unknown names are rejected up front, listing the valid ones.
class OptionReader {
 public:
  OptionReader(const ModelSpec& spec, std::vector<std::string_view> valid)
      : spec_(spec), valid_(std::move(valid)) {
    for (const auto& [key, value] : spec.options) {
      if (std::find(valid_.begin(), valid_.end(), key) != valid_.end()) continue;
      throw ModelError(fmt::format(
          "model \"{}\": unknown option \"{}\" (given {}); valid options: {}; see docs/models.md",
          spec.name, key, value_text(value),
          valid_.empty() ? std::string("none (this model takes no options)")
                         : fmt::format("{}", fmt::join(valid_, ", "))));
    }
  }

  // An integer option in [lo, hi].
  std::int64_t integer(std::string_view key, std::int64_t fallback, std::int64_t lo,
                       std::int64_t hi) const {
    const OptionValue* v = find(key);
    if (v == nullptr) return fallback;
    const auto* i = std::get_if<std::int64_t>(v);
    if (i == nullptr) {
      throw ModelError(
          fmt::format("model \"{}\": option \"{}\" is {} ({}), but must be an integer in [{}, {}]; "
                      "e.g. {} = {}",
                      spec_.name, key, value_text(*v), type_text(*v), lo, hi, key, fallback));
    }
    if (*i < lo || *i > hi) {
      throw ModelError(
          fmt::format("model \"{}\": option \"{}\" is {}, but must be in [{}, {}]; e.g. {} = {}",
                      spec_.name, key, *i, lo, hi, key, fallback));
    }
    return *i;
  }

  // A list of integers in [lo, hi] (at least one); a single integer is a list of one.
  std::vector<std::int64_t> integer_list(std::string_view key,
                                         const std::vector<std::int64_t>& fallback, std::int64_t lo,
                                         std::int64_t hi, std::string_view empty_fix) const {
    const OptionValue* v = find(key);
    if (v == nullptr) return fallback;
    const std::string example = fmt::format("{} = [{}]", key, fmt::join(fallback, ", "));
    std::vector<std::int64_t> out;
    if (const auto* i = std::get_if<std::int64_t>(v)) {
      out = {*i};
    } else if (const auto* l = std::get_if<std::vector<std::int64_t>>(v)) {
      out = *l;
    } else if (const auto* d = std::get_if<std::vector<double>>(v); d != nullptr && d->empty()) {
      out = {};
    } else {
      throw ModelError(fmt::format(
          "model \"{}\": option \"{}\" is {} ({}), but must be an integer or a list of integers "
          "in [{}, {}]; e.g. {}",
          spec_.name, key, value_text(*v), type_text(*v), lo, hi, example));
    }
    if (out.empty()) {
      throw ModelError(
          fmt::format("model \"{}\": option \"{}\" is [], but must list at least one "
                      "value; e.g. {}, or {}",
                      spec_.name, key, example, empty_fix));
    }
    for (std::int64_t x : out) {
      if (x < lo || x > hi) {
        throw ModelError(fmt::format(
            "model \"{}\": option \"{}\" is {}, but every value must be in [{}, {}]; e.g. {}",
            spec_.name, key, value_text(*v), lo, hi, example));
      }
    }
    return out;
  }

  // A string option, one of `allowed` (the first is the default).
  std::string_view choice(std::string_view key,
                          const std::vector<std::string_view>& allowed) const {
    const OptionValue* v = find(key);
    if (v == nullptr) return allowed.front();
    const std::string list = fmt::format("\"{}\"", fmt::join(allowed, "\", \""));
    const auto* s = std::get_if<std::string>(v);
    if (s == nullptr) {
      throw ModelError(
          fmt::format("model \"{}\": option \"{}\" is {} ({}), but must be a string, "
                      "one of {}; e.g. {} = \"{}\"",
                      spec_.name, key, value_text(*v), type_text(*v), list, key, allowed.front()));
    }
    for (std::string_view a : allowed) {
      if (*s == a) return a;
    }
    throw ModelError(fmt::format("model \"{}\": option \"{}\" is \"{}\", but must be one of {}",
                                 spec_.name, key, *s, list));
  }

 private:
  const OptionValue* find(std::string_view key) const {
    const auto it = spec_.options.find(std::string(key));
    return it == spec_.options.end() ? nullptr : &it->second;
  }

  const ModelSpec& spec_;
  std::vector<std::string_view> valid_;
};

// For the models without options: any option is an error listing none as valid.
void reject_options(const ModelSpec& spec) { const OptionReader reader(spec, {}); }

detail::Activation to_activation(std::string_view name) {
  if (name == "tanh") return detail::Activation::kTanh;
  if (name == "gelu") return detail::Activation::kGelu;
  return detail::Activation::kRelu;
}

// Checks what every model needs from the spec: classes, dropout, a positive input shape.
void check_spec(const ModelSpec& spec) {
  if (spec.classes < 2) {
    throw ModelError(fmt::format(
        "model \"{}\": classes is {}, but must be >= 2; a classifier needs at least two classes",
        spec.name, spec.classes));
  }
  if (!(spec.dropout >= 0.0 && spec.dropout < 1.0)) {
    throw ModelError(fmt::format(
        "model \"{}\": dropout is {}, but must be in [0, 1); e.g. dropout = 0.5 (0 turns it off)",
        spec.name, spec.dropout));
  }
  const bool positive = std::all_of(spec.input_shape.begin(), spec.input_shape.end(),
                                    [](std::int64_t d) { return d >= 1; });
  if (spec.input_shape.empty() || !positive) {
    throw ModelError(fmt::format(
        "model \"{}\": the input shape is {}, but must be {{features}} or {{channels, height, "
        "width}} with every size >= 1",
        spec.name, shape_text(spec.input_shape)));
  }
}

// lenet5 and resnet20 take images only.
void check_image(const ModelSpec& spec, std::int64_t min_side) {
  const auto& s = spec.input_shape;
  if (s.size() != 3 || s[1] < min_side || s[2] < min_side) {
    throw ModelError(fmt::format(
        "model \"{}\" needs image input {{channels, height, width}}{}, but the data's examples "
        "have shape {}; use \"mlp\" or \"logistic\" for tabular data",
        spec.name,
        min_side > 1 ? fmt::format(" with height and width >= {}", min_side) : std::string(),
        shape_text(s)));
  }
}

void check_class_counts(const ModelSpec& spec) {
  if (static_cast<std::int64_t>(spec.class_counts.size()) != spec.classes) {
    throw ModelError(fmt::format(
        "model \"majority\": class_counts has {} entries, but classes is {}; pass the training "
        "label counts (PreparedData::class_counts)",
        spec.class_counts.size(), spec.classes));
  }
  std::int64_t total = 0;
  for (std::size_t i = 0; i < spec.class_counts.size(); ++i) {
    if (spec.class_counts[i] < 0) {
      throw ModelError(
          fmt::format("model \"majority\": class_counts[{}] is {}, but counts must be "
                      ">= 0",
                      i, spec.class_counts[i]));
    }
    total += spec.class_counts[i];
  }
  if (total == 0) {
    throw ModelError(
        "model \"majority\": class_counts are all 0, so there is no majority class; the training "
        "set is empty");
  }
}

// EVP_MD_CTX with RAII.
struct DigestCtxFree {
  void operator()(EVP_MD_CTX* c) const { EVP_MD_CTX_free(c); }
};

}  // namespace

NetworkPtr make_network(const ModelSpec& spec, std::uint64_t init_seed) {
  const std::vector<ModelInfo>& models = catalog();
  const auto known = std::find_if(models.begin(), models.end(),
                                  [&](const ModelInfo& m) { return m.name == spec.name; });
  if (known == models.end()) {
    throw ModelError(fmt::format("unknown model \"{}\"; the registry has: {} (see docs/models.md)",
                                 spec.name, model_names()));
  }
  check_spec(spec);
  // The one init generator: every parameter is drawn from it, in construction order.
  at::Generator gen = at::detail::createCPUGenerator(init_seed);
  const std::string_view name = spec.name;
  if (name == "logistic") {
    reject_options(spec);
    return detail::make_logistic(spec, gen);
  }
  if (name == "mlp") {
    const OptionReader opts(spec, {"hidden", "activation"});
    detail::MlpConfig config;
    config.hidden = opts.integer_list("hidden", {256, 128}, 1, kMaxWidth,
                                      "model = \"logistic\" for no hidden layer");
    config.activation = to_activation(opts.choice("activation", {"relu", "tanh", "gelu"}));
    return detail::make_mlp(spec, config, gen);
  }
  if (name == "lenet5") {
    const OptionReader opts(spec, {"activation"});
    detail::LeNetConfig config;
    config.activation = to_activation(opts.choice("activation", {"relu", "tanh"}));
    check_image(spec, kMinImageSide);
    return detail::make_lenet5(spec, config, gen);
  }
  if (name == "resnet20") {
    const OptionReader opts(spec, {"width", "blocks"});
    detail::ResNetConfig config;
    config.width = opts.integer("width", 16, 1, kMaxResNetWidth);
    config.blocks = opts.integer("blocks", 3, 1, kMaxResNetBlocks);
    check_image(spec, 1);
    return detail::make_resnet(spec, config, gen);
  }
  if (name == "majority") {
    reject_options(spec);
    check_class_counts(spec);
    return detail::make_majority(spec);
  }
  reject_options(spec);  // "random"
  return detail::make_random(spec, gen);
}

const std::vector<ModelInfo>& model_catalog() { return catalog(); }

std::string parameters_sha256(const torch::nn::Module& module) {
  std::unique_ptr<EVP_MD_CTX, DigestCtxFree> ctx(EVP_MD_CTX_new());
  if (!ctx || EVP_DigestInit_ex(ctx.get(), EVP_sha256(), nullptr) != 1) {
    throw ModelError("parameters_sha256: OpenSSL could not start a SHA-256 digest");
  }
  auto update = [&](const void* data, std::size_t n) {
    if (n > 0 && EVP_DigestUpdate(ctx.get(), data, n) != 1) {
      throw ModelError("parameters_sha256: OpenSSL SHA-256 update failed");
    }
  };
  auto add = [&](const std::string& name, const torch::Tensor& t) {
    // name \0 dtype \0 sizes ("2x3"; "" for a scalar) \0 raw bytes (native byte order).
    std::string header = name;
    header += '\0';
    header += c10::toString(t.scalar_type());
    header += '\0';
    header += fmt::format("{}", fmt::join(t.sizes(), "x"));
    header += '\0';
    update(header.data(), header.size());
    const torch::Tensor c = t.detach().to(torch::kCPU).contiguous();
    update(c.data_ptr(), static_cast<std::size_t>(c.numel()) * c.element_size());
  };
  for (const auto& p : module.named_parameters()) add(p.key(), p.value());
  for (const auto& b : module.named_buffers()) add(b.key(), b.value());
  std::array<unsigned char, EVP_MAX_MD_SIZE> digest{};
  unsigned int length = 0;
  if (EVP_DigestFinal_ex(ctx.get(), digest.data(), &length) != 1) {
    throw ModelError("parameters_sha256: OpenSSL could not finish the SHA-256 digest");
  }
  std::string hex;
  for (unsigned int i = 0; i < length; ++i) hex += fmt::format("{:02x}", digest[i]);
  return hex;
}

}  // namespace rigor::models
