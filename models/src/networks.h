// networks.h (internal to rigor::models) — the layers and networks behind the registry. Options
// arrive here already parsed and range-checked (registry.cpp); these builders only construct.
//
//   at::Generator gen = at::detail::createCPUGenerator(init_seed);
//   NetworkPtr net = detail::make_mlp(spec, detail::MlpConfig{{256, 128}, Activation::kRelu}, gen);
//   torch::Tensor logits = net->forward(batch);
//
// Every parameter is drawn from the one init generator `gen`, in construction order (= the order of
// named_parameters()), never from LibTorch's global generator. That is why these layers are not
// torch::nn::Linear / Conv2d / BatchNorm2d: their constructors call reset_parameters(), which draws
// from the global generator (torch/csrc/api/src/nn/modules/linear.cpp).
#ifndef RIGOR_MODELS_SRC_NETWORKS_H_
#define RIGOR_MODELS_SRC_NETWORKS_H_

#include <torch/torch.h>

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "rigor/models/registry.h"

namespace rigor::models::detail {

enum class Activation { kRelu, kTanh, kGelu };

// Applies the activation: relu, tanh, or the exact (erf) GELU (torch.nn.functional.gelu with
// approximate="none").
torch::Tensor activate(const torch::Tensor& x, Activation activation);

// The number of elements of one example (product of the shape).
std::int64_t shape_numel(const std::vector<std::int64_t>& shape);

// Throws ModelError unless x is a float32 tensor of shape [batch, shape...]: "model \"mlp\"
// expects float32 input [batch, 784] (the shape it was built for), but got Float [64, 1, 28, 28]".
void check_input(const torch::Tensor& x, std::string_view model,
                 const std::vector<std::int64_t>& shape);

// y = x W^T + b (torch.nn.Linear). Initialised with the distributions of PyTorch's
// Linear.reset_parameters (1.13/2.x): W ~ kaiming_uniform_(a = sqrt(5)) = U(-b, b) with
// b = sqrt(3) * sqrt(2 / (1 + a^2)) / sqrt(fan_in) = 1/sqrt(fan_in), then bias ~ U(-1/sqrt(fan_in),
// 1/sqrt(fan_in)); drawn from `gen` in that order with CPU-kernel-independent draws (networks.cpp).
class Linear : public torch::nn::Module {
 public:
  Linear(std::int64_t in, std::int64_t out, at::Generator& gen);
  torch::Tensor forward(const torch::Tensor& x);

 private:
  torch::Tensor weight_;  // [out, in]
  torch::Tensor bias_;    // [out]
};

// How a convolution's weight is drawn.
enum class ConvInit {
  kPytorchDefault,       // as nn.Conv2d.reset_parameters: kaiming_uniform_(a = sqrt(5)), bias
                         // U(±1/sqrt(fan_in))
  kKaimingNormalFanOut,  // torchvision ResNet: kaiming_normal_(mode="fan_out", nonlinearity="relu")
};

// 2-D convolution, square kernel, zero padding (torch.nn.Conv2d, groups = 1, dilation = 1).
class Conv2d : public torch::nn::Module {
 public:
  Conv2d(std::int64_t in, std::int64_t out, std::int64_t kernel, std::int64_t stride,
         std::int64_t padding, bool bias, ConvInit init, at::Generator& gen);
  torch::Tensor forward(const torch::Tensor& x);

 private:
  torch::Tensor weight_;  // [out, in, kernel, kernel]
  torch::Tensor bias_;    // [out], undefined when bias == false
  std::int64_t stride_;
  std::int64_t padding_;
};

// Batch normalisation over [N, C, H, W] (torch.nn.BatchNorm2d, eps = 1e-5, momentum = 0.1,
// affine, tracked running statistics): weight 1, bias 0, running_mean 0, running_var 1,
// num_batches_tracked 0 (buffers, as PyTorch names them). Draws nothing.
class BatchNorm2d : public torch::nn::Module {
 public:
  explicit BatchNorm2d(std::int64_t channels);
  torch::Tensor forward(const torch::Tensor& x);

 private:
  torch::Tensor weight_;
  torch::Tensor bias_;
  torch::Tensor running_mean_;
  torch::Tensor running_var_;
  torch::Tensor num_batches_tracked_;
};

struct MlpConfig {
  std::vector<std::int64_t> hidden;
  Activation activation = Activation::kRelu;
};
struct LeNetConfig {
  Activation activation = Activation::kRelu;
};
struct ResNetConfig {
  std::int64_t width = 16;
  std::int64_t blocks = 3;
};

// Builders: spec is validated (classes >= 2, dropout in [0, 1), input_shape positive; lenet5 and
// resnet20 get a {c, h, w} shape, lenet5 with h, w >= 16; majority gets class_counts of size
// classes with a positive sum).
NetworkPtr make_logistic(const ModelSpec& spec, at::Generator& gen);
NetworkPtr make_mlp(const ModelSpec& spec, const MlpConfig& config, at::Generator& gen);
NetworkPtr make_lenet5(const ModelSpec& spec, const LeNetConfig& config, at::Generator& gen);
NetworkPtr make_resnet(const ModelSpec& spec, const ResNetConfig& config, at::Generator& gen);
NetworkPtr make_majority(const ModelSpec& spec);
NetworkPtr make_random(const ModelSpec& spec, at::Generator gen);

}  // namespace rigor::models::detail

#endif  // RIGOR_MODELS_SRC_NETWORKS_H_
