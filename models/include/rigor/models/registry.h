// rigor/models/registry.h — the networks rigor trains, made by name from an explicit registry (no
// static self-registration): logistic regression, MLP, LeNet-5, ResNet-20 (CIFAR style) and the
// baselines users forget (majority class, uniform random guess). Parameters are initialised from
// the run's own init generator, never from LibTorch's global generator; dropout masks come from
// the run's dropout generator. Includes LibTorch: keep it out of torch-free code.
//
//   rigor::models::ModelSpec spec{.name = "mlp", .options = arm.model.options,
//                                 .input_shape = {1, 28, 28}, .classes = 10, .dropout = 0.5};
//   auto net = rigor::models::make_network(spec, init_seed);    // throws ModelError
//   torch::Tensor logits = net->forward(batch);                   // [batch, classes]
#ifndef RIGOR_MODELS_REGISTRY_H_
#define RIGOR_MODELS_REGISTRY_H_

#include <torch/torch.h>

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "rigor/error.h"
#include "rigor/protocols/protocol.h"

namespace rigor::models {

// An unknown model, an unknown or mistyped option, or an option value out of range. The message
// names the model, the option, the value given and what is accepted, e.g. "model \"mlp\": option
// \"hidden\" is [0], but every value must be in [1, 65536]; e.g. hidden = [256, 128]".
class ModelError : public rigor::Error {
 public:
  using rigor::Error::Error;
};

struct ModelSpec {
  std::string name;  // registry name
  std::map<std::string, rigor::protocols::OptionValue> options;
  std::vector<std::int64_t> input_shape;  // per example: {c, h, w} or {features}
  std::int64_t classes = 2;
  double dropout = 0.0;  // the arm's dropout probability; where it applies is per model
  std::vector<std::int64_t> class_counts;  // training label counts (used by the majority baseline)
};

// Every network maps a batch [batch, input_shape...] to logits [batch, classes].
class Network : public torch::nn::Module {
 public:
  virtual torch::Tensor forward(const torch::Tensor& x) = 0;
  // The generator dropout draws its masks from: a CPU generator whatever the network's device (the
  // masks are drawn on the CPU and moved to the input's device, so CPU and GPU runs share them).
  // Without one, dropout in training mode throws ModelError (it would silently use the global
  // generator). Throws ModelError for an undefined or non-CPU generator; std::nullopt clears it.
  void set_dropout_generator(std::optional<at::Generator> generator);
  // False for the baselines: nothing to optimise, the trainer only evaluates them.
  virtual bool trainable() const { return true; }

 protected:
  // Inverted dropout with the dropout generator: x * keep / (1 - p), keep = (u < 1 - p) for one
  // double u ~ U[0, 1) per element drawn on the CPU; identity in eval mode or when p == 0. Throws
  // ModelError for p outside [0, 1), or in training mode with p > 0 and no generator.
  torch::Tensor dropout(const torch::Tensor& x, double p);

 private:
  std::optional<at::Generator> dropout_generator_;
};
using NetworkPtr = std::shared_ptr<Network>;

// Builds a network on the CPU, its parameters (float32) drawn from a CPU generator seeded with
// init_seed, in construction order; LibTorch's global generator is never used (docs/models.md).
// Throws ModelError naming the model/option for unknown names, unknown options, wrong types or
// out-of-range values, and for inputs the model cannot take (e.g. lenet5 on tabular data).
NetworkPtr make_network(const ModelSpec& spec, std::uint64_t init_seed);

struct ModelInfo {
  std::string_view name;
  std::string_view summary;  // one line, with its options and defaults
};
// The registry, in the order `rigor models` lists it.
const std::vector<ModelInfo>& model_catalog();

// Hex SHA-256 of a module's parameters and buffers: for each, in named_parameters() then
// named_buffers() order, its name, dtype, sizes and the raw bytes of a contiguous CPU copy. Equal
// hashes mean bitwise identical parameters.
std::string parameters_sha256(const torch::nn::Module& module);

}  // namespace rigor::models

#endif  // RIGOR_MODELS_REGISTRY_H_
