// The layers and networks of the registry (see networks.h and docs/models.md), and Network's
// dropout. Everything random is drawn from an explicit CPU generator: parameters from the run's
// init generator in construction order, dropout masks from the run's dropout generator.
#include "networks.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <cmath>
#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace rigor::models {

// ---------------------------------------------------------------------------------------------
// Network: dropout from the run's generator.

void Network::set_dropout_generator(std::optional<at::Generator> generator) {
  if (generator.has_value()) {
    if (!generator->defined()) {
      throw ModelError(
          "set_dropout_generator: the generator is undefined; pass a CPU generator, e.g. "
          "at::detail::createCPUGenerator(dropout_seed), or std::nullopt");
    }
    if (generator->device().type() != c10::DeviceType::CPU) {
      throw ModelError(fmt::format(
          "set_dropout_generator: the generator is on {}, but dropout masks are drawn on the CPU "
          "(so that CPU and GPU runs share them); pass "
          "at::detail::createCPUGenerator(dropout_seed)",
          generator->device().str()));
    }
  }
  dropout_generator_ = std::move(generator);
}

torch::Tensor Network::dropout(const torch::Tensor& x, double p) {
  if (!(p >= 0.0 && p < 1.0)) {
    throw ModelError(fmt::format("dropout probability is {}, but must be in [0, 1)", p));
  }
  if (!is_training() || p == 0.0) return x;
  if (!dropout_generator_.has_value()) {
    throw ModelError(
        "dropout needs the run's dropout generator; call set_dropout_generator (training mode with "
        "dropout > 0 would otherwise draw from LibTorch's global generator)");
  }
  // Inverted dropout as ATen's _dropout_impl (aten/src/ATen/native/Dropout.cpp): noise =
  // bernoulli(1 - p) / (1 - p), output = x * noise. The keep mask is u < 1 - p with u a double
  // U[0, 1) from uniform_: element for element what bernoulli_(1 - p, gen) draws in builds without
  // MKL (at::bernoulli_distribution<double> compares one uniform_real_distribution<double> draw
  // with p), but also in MKL builds, whose bernoulli_ uses MKL's own stream instead. Drawn on the
  // CPU, so the mask is the same whichever device x is on.
  torch::Tensor noise;
  {
    torch::NoGradGuard no_grad;
    const torch::Tensor u =
        torch::empty(x.sizes(), torch::TensorOptions().dtype(torch::kFloat64).device(torch::kCPU))
            .uniform_(0.0, 1.0, *dropout_generator_);
    noise = u.lt(1.0 - p).to(x.scalar_type()).div_(1.0 - p).to(x.device());
  }
  return x * noise;
}

namespace detail {

namespace {

// torch.nn.init.kaiming_uniform_(w, a=sqrt(5)) bound, with the expressions of torch/nn/init.py
// (calculate_gain("leaky_relu", a) = sqrt(2 / (1 + a**2)); std = gain / sqrt(fan_in); bound =
// sqrt(3) * std). Mathematically 1/sqrt(fan_in).
double kaiming_uniform_bound(std::int64_t fan_in) {
  const double a = std::sqrt(5.0);
  const double gain = std::sqrt(2.0 / (1.0 + a * a));
  const double std_dev = gain / std::sqrt(static_cast<double>(fan_in));
  return std::sqrt(3.0) * std_dev;
}

// Bias bound of nn.Linear / nn.Conv2d.reset_parameters: 1 / sqrt(fan_in).
double bias_bound(std::int64_t fan_in) { return 1.0 / std::sqrt(static_cast<double>(fan_in)); }

// Why rigor does not call float32 uniform_(-b, b, gen) / normal_(0, s, gen) as torch.nn.init does:
// their results depend on the CPU kernel ATen dispatches to. uniform_ computes u * (to - from) +
// from, which the AVX2 build of the kernel contracts into an FMA, and float32 normal_ has an AVX2
// Box-Muller of its own; measured with python3-torch 1.13 here, ATEN_CPU_CAPABILITY=default and
// =avx2 give different float32 uniform_ and normal_ values for the same generator state. rigor
// draws only double u ~ U[0, 1) from the generator (ATen's uniform_real_distribution<double>: the
// low 53 bits of one random64() output times 2^-53, drawn serially, exact on every kernel) and
// transforms them with operations that round the same way everywhere, then rounds once to float32.
std::vector<double> draw_uniforms(std::int64_t n, at::Generator& gen) {
  const torch::Tensor u =
      torch::empty({n}, torch::TensorOptions().dtype(torch::kFloat64)).uniform_(0.0, 1.0, gen);
  const double* p = u.data_ptr<double>();
  return std::vector<double>(p, p + n);
}

// U(-bound, bound): bound * (2u - 1); 2u - 1 is exact, so one rounding in double, one to float.
torch::Tensor init_uniform(c10::IntArrayRef sizes, double bound, at::Generator& gen) {
  torch::Tensor t = torch::empty(sizes, torch::TensorOptions().dtype(torch::kFloat32));
  const std::vector<double> u = draw_uniforms(t.numel(), gen);
  float* w = t.data_ptr<float>();
  for (std::size_t i = 0; i < u.size(); ++i) w[i] = static_cast<float>(bound * (2.0 * u[i] - 1.0));
  return t;
}

// N(0, sd^2) by the Box-Muller transform (Box & Muller 1958) in double: for each pair (u1, u2),
// r = sqrt(-2 ln(1 - u2)), elements sd * r cos(2 pi u1) and sd * r sin(2 pi u1) (the sine one only
// when a second element is needed). Depends on libm's log/cos/sin only in their last bit, which
// survives the rounding to float32 with probability about 2^-29 per element.
torch::Tensor init_normal(c10::IntArrayRef sizes, double sd, at::Generator& gen) {
  torch::Tensor t = torch::empty(sizes, torch::TensorOptions().dtype(torch::kFloat32));
  const std::int64_t n = t.numel();
  const std::vector<double> u = draw_uniforms(2 * ((n + 1) / 2), gen);
  constexpr double kTwoPi = 6.283185307179586476925286766559;
  float* w = t.data_ptr<float>();
  for (std::int64_t k = 0; 2 * k < n; ++k) {
    const double u1 = u[static_cast<std::size_t>(2 * k)];
    const double u2 = u[static_cast<std::size_t>(2 * k + 1)];
    const double r = std::sqrt(-2.0 * std::log(1.0 - u2));
    const double theta = kTwoPi * u1;
    w[2 * k] = static_cast<float>(sd * (r * std::cos(theta)));
    if (2 * k + 1 < n) w[2 * k + 1] = static_cast<float>(sd * (r * std::sin(theta)));
  }
  return t;
}

torch::TensorOptions float_cpu() {
  return torch::TensorOptions().dtype(torch::kFloat32).device(torch::kCPU);
}

std::string format_shape(c10::IntArrayRef sizes) {
  return fmt::format("[{}]", fmt::join(sizes, ", "));
}

}  // namespace

torch::Tensor activate(const torch::Tensor& x, Activation activation) {
  switch (activation) {
    case Activation::kRelu:
      return torch::relu(x);
    case Activation::kTanh:
      return torch::tanh(x);
    case Activation::kGelu:
      return torch::gelu(x);  // exact: x * Phi(x) (Hendrycks & Gimpel 2016), approximate="none"
  }
  throw ModelError("unknown activation");  // unreachable: the enum is closed
}

std::int64_t shape_numel(const std::vector<std::int64_t>& shape) {
  std::int64_t n = 1;
  for (std::int64_t d : shape) n *= d;
  return n;
}

void check_input(const torch::Tensor& x, std::string_view model,
                 const std::vector<std::int64_t>& shape) {
  bool ok = x.defined() && x.scalar_type() == torch::kFloat32 &&
            x.dim() == static_cast<std::int64_t>(shape.size()) + 1;
  for (std::size_t i = 0; ok && i < shape.size(); ++i) {
    ok = x.size(static_cast<std::int64_t>(i) + 1) == shape[i];
  }
  if (ok) return;
  const std::string got =
      !x.defined() ? std::string("an undefined tensor")
                   : fmt::format("{} {}", c10::toString(x.scalar_type()), format_shape(x.sizes()));
  throw ModelError(fmt::format(
      "model \"{}\" expects float32 input [batch, {}] (the shape it was built for), but got {}",
      model, fmt::join(shape, ", "), got));
}

// ---------------------------------------------------------------------------------------------
// Layers.

Linear::Linear(std::int64_t in, std::int64_t out, at::Generator& gen) {
  // Weight first, then bias, as nn.Linear.reset_parameters.
  weight_ = register_parameter("weight", init_uniform({out, in}, kaiming_uniform_bound(in), gen));
  bias_ = register_parameter("bias", init_uniform({out}, bias_bound(in), gen));
}

torch::Tensor Linear::forward(const torch::Tensor& x) { return torch::linear(x, weight_, bias_); }

Conv2d::Conv2d(std::int64_t in, std::int64_t out, std::int64_t kernel, std::int64_t stride,
               std::int64_t padding, bool bias, ConvInit init, at::Generator& gen)
    : stride_(stride), padding_(padding) {
  const std::int64_t fan_in = in * kernel * kernel;
  const std::int64_t fan_out = out * kernel * kernel;
  if (init == ConvInit::kPytorchDefault) {
    weight_ = register_parameter(
        "weight", init_uniform({out, in, kernel, kernel}, kaiming_uniform_bound(fan_in), gen));
  } else {
    // kaiming_normal_(mode="fan_out", nonlinearity="relu") (He et al. 2015; torch/nn/init.py):
    // std = gain / sqrt(fan_out) with gain = sqrt(2).
    const double sd = std::sqrt(2.0) / std::sqrt(static_cast<double>(fan_out));
    weight_ = register_parameter("weight", init_normal({out, in, kernel, kernel}, sd, gen));
  }
  if (bias) bias_ = register_parameter("bias", init_uniform({out}, bias_bound(fan_in), gen));
}

torch::Tensor Conv2d::forward(const torch::Tensor& x) {
  return torch::conv2d(x, weight_, bias_, {stride_, stride_}, {padding_, padding_});
}

BatchNorm2d::BatchNorm2d(std::int64_t channels) {
  weight_ = register_parameter("weight", torch::ones({channels}, float_cpu()));
  bias_ = register_parameter("bias", torch::zeros({channels}, float_cpu()));
  running_mean_ = register_buffer("running_mean", torch::zeros({channels}, float_cpu()));
  running_var_ = register_buffer("running_var", torch::ones({channels}, float_cpu()));
  num_batches_tracked_ =
      register_buffer("num_batches_tracked", torch::zeros({}, torch::TensorOptions(torch::kInt64)));
}

torch::Tensor BatchNorm2d::forward(const torch::Tensor& x) {
  if (is_training()) {
    // torch.nn.functional.batch_norm refuses this too: the batch variance of one value is 0.
    if (x.size(0) * x.size(2) * x.size(3) <= 1) {
      throw ModelError(fmt::format(
          "batch normalisation in training mode needs more than one value per channel, but got "
          "input {}; use a batch size >= 2",
          format_shape(x.sizes())));
    }
    torch::NoGradGuard no_grad;
    num_batches_tracked_.add_(1);
  }
  // torch.nn.BatchNorm2d defaults: momentum 0.1, eps 1e-5; running stats updated in training.
  return torch::batch_norm(x, weight_, bias_, running_mean_, running_var_, is_training(), 0.1, 1e-5,
                           at::globalContext().userEnabledCuDNN());
}

// ---------------------------------------------------------------------------------------------
// Networks.

namespace {

// Multinomial logistic regression: flatten -> dropout(p) on the inputs -> Linear(in, classes).
class Logistic : public Network {
 public:
  Logistic(const ModelSpec& spec, at::Generator& gen)
      : shape_(spec.input_shape), dropout_(spec.dropout) {
    linear_ =
        register_module("linear", std::make_shared<Linear>(shape_numel(shape_), spec.classes, gen));
  }
  torch::Tensor forward(const torch::Tensor& x) override {
    check_input(x, "logistic", shape_);
    return linear_->forward(dropout(x.flatten(1), dropout_));
  }

 private:
  std::vector<std::int64_t> shape_;
  double dropout_;
  std::shared_ptr<Linear> linear_;
};

// flatten -> [Linear -> activation -> dropout] per hidden width -> Linear(last, classes). Layers
// fc1 .. fc{n+1}.
class Mlp : public Network {
 public:
  Mlp(const ModelSpec& spec, const MlpConfig& config, at::Generator& gen)
      : shape_(spec.input_shape), dropout_(spec.dropout), activation_(config.activation) {
    std::int64_t in = shape_numel(shape_);
    for (std::size_t i = 0; i < config.hidden.size(); ++i) {
      layers_.push_back(register_module(fmt::format("fc{}", i + 1),
                                        std::make_shared<Linear>(in, config.hidden[i], gen)));
      in = config.hidden[i];
    }
    layers_.push_back(register_module(fmt::format("fc{}", config.hidden.size() + 1),
                                      std::make_shared<Linear>(in, spec.classes, gen)));
  }
  torch::Tensor forward(const torch::Tensor& x) override {
    check_input(x, "mlp", shape_);
    torch::Tensor h = x.flatten(1);
    for (std::size_t i = 0; i + 1 < layers_.size(); ++i) {
      h = dropout(activate(layers_[i]->forward(h), activation_), dropout_);
    }
    return layers_.back()->forward(h);
  }

 private:
  std::vector<std::int64_t> shape_;
  double dropout_;
  Activation activation_;
  std::vector<std::shared_ptr<Linear>> layers_;
};

// LeNet-5 (LeCun et al. 1998) as the classic PyTorch adaptation to 28x28 inputs: conv1 (c -> 6,
// 5x5, padding 2) -> act -> max pool 2 -> conv2 (6 -> 16, 5x5) -> act -> max pool 2 -> flatten ->
// fc1 (-> 120) -> act -> dropout -> fc2 (-> 84) -> act -> dropout -> fc3 (-> classes). The
// flattened size is 16 * h2 * w2 with h2 = floor((floor(h / 2) - 4) / 2): 400 for 28x28.
class LeNet5 : public Network {
 public:
  LeNet5(const ModelSpec& spec, const LeNetConfig& config, at::Generator& gen)
      : shape_(spec.input_shape), dropout_(spec.dropout), activation_(config.activation) {
    const std::int64_t h2 = (shape_[1] / 2 - 4) / 2;
    const std::int64_t w2 = (shape_[2] / 2 - 4) / 2;
    const ConvInit init = ConvInit::kPytorchDefault;
    conv1_ =
        register_module("conv1", std::make_shared<Conv2d>(shape_[0], 6, 5, 1, 2, true, init, gen));
    conv2_ = register_module("conv2", std::make_shared<Conv2d>(6, 16, 5, 1, 0, true, init, gen));
    fc1_ = register_module("fc1", std::make_shared<Linear>(16 * h2 * w2, 120, gen));
    fc2_ = register_module("fc2", std::make_shared<Linear>(120, 84, gen));
    fc3_ = register_module("fc3", std::make_shared<Linear>(84, spec.classes, gen));
  }
  torch::Tensor forward(const torch::Tensor& x) override {
    check_input(x, "lenet5", shape_);
    torch::Tensor h = torch::max_pool2d(activate(conv1_->forward(x), activation_), {2, 2});
    h = torch::max_pool2d(activate(conv2_->forward(h), activation_), {2, 2});
    h = h.flatten(1);
    h = dropout(activate(fc1_->forward(h), activation_), dropout_);
    h = dropout(activate(fc2_->forward(h), activation_), dropout_);
    return fc3_->forward(h);
  }

 private:
  std::vector<std::int64_t> shape_;
  double dropout_;
  Activation activation_;
  std::shared_ptr<Conv2d> conv1_, conv2_;
  std::shared_ptr<Linear> fc1_, fc2_, fc3_;
};

// He et al. 2016, "Deep Residual Learning for Image Recognition", basic block (Fig. 2): conv3x3
// (stride) -> BN -> ReLU -> conv3x3 -> BN, plus the shortcut, -> ReLU. The shortcut is the
// identity, or, when the shape changes, option B: a 1x1 convolution (stride) + BN projection
// (torchvision's `downsample`).
class BasicBlock : public torch::nn::Module {
 public:
  BasicBlock(std::int64_t in, std::int64_t out, std::int64_t stride, at::Generator& gen) {
    const ConvInit init = ConvInit::kKaimingNormalFanOut;
    conv1_ =
        register_module("conv1", std::make_shared<Conv2d>(in, out, 3, stride, 1, false, init, gen));
    bn1_ = register_module("bn1", std::make_shared<BatchNorm2d>(out));
    conv2_ =
        register_module("conv2", std::make_shared<Conv2d>(out, out, 3, 1, 1, false, init, gen));
    bn2_ = register_module("bn2", std::make_shared<BatchNorm2d>(out));
    if (stride != 1 || in != out) {
      shortcut_conv_ = register_module(
          "shortcut_conv", std::make_shared<Conv2d>(in, out, 1, stride, 0, false, init, gen));
      shortcut_bn_ = register_module("shortcut_bn", std::make_shared<BatchNorm2d>(out));
    }
  }
  torch::Tensor forward(const torch::Tensor& x) {
    torch::Tensor y = torch::relu(bn1_->forward(conv1_->forward(x)));
    y = bn2_->forward(conv2_->forward(y));
    const torch::Tensor shortcut =
        shortcut_conv_ ? shortcut_bn_->forward(shortcut_conv_->forward(x)) : x;
    return torch::relu(y + shortcut);
  }

 private:
  std::shared_ptr<Conv2d> conv1_, conv2_, shortcut_conv_;
  std::shared_ptr<BatchNorm2d> bn1_, bn2_, shortcut_bn_;
};

// One stage: `blocks` basic blocks named 0, 1, ...; the first one may change width and stride.
class Stage : public torch::nn::Module {
 public:
  Stage(std::int64_t in, std::int64_t out, std::int64_t stride, std::int64_t blocks,
        at::Generator& gen) {
    for (std::int64_t i = 0; i < blocks; ++i) {
      blocks_.push_back(register_module(
          std::to_string(i),
          std::make_shared<BasicBlock>(i == 0 ? in : out, out, i == 0 ? stride : 1, gen)));
    }
  }
  torch::Tensor forward(torch::Tensor x) {
    for (const auto& block : blocks_) x = block->forward(x);
    return x;
  }

 private:
  std::vector<std::shared_ptr<BasicBlock>> blocks_;
};

// CIFAR ResNet (He et al. 2016, section 4.2): conv3x3 (c -> w) -> BN -> ReLU, three stages of
// `blocks` basic blocks with widths w, 2w, 4w (stride 1, 2, 2), global average pool, dropout,
// fc (4w -> classes): 6 * blocks + 2 weighted layers (20 for blocks = 3).
class ResNet : public Network {
 public:
  ResNet(const ModelSpec& spec, const ResNetConfig& config, at::Generator& gen)
      : shape_(spec.input_shape), dropout_(spec.dropout) {
    const std::int64_t w = config.width;
    conv1_ =
        register_module("conv1", std::make_shared<Conv2d>(shape_[0], w, 3, 1, 1, false,
                                                          ConvInit::kKaimingNormalFanOut, gen));
    bn1_ = register_module("bn1", std::make_shared<BatchNorm2d>(w));
    layer1_ = register_module("layer1", std::make_shared<Stage>(w, w, 1, config.blocks, gen));
    layer2_ = register_module("layer2", std::make_shared<Stage>(w, 2 * w, 2, config.blocks, gen));
    layer3_ =
        register_module("layer3", std::make_shared<Stage>(2 * w, 4 * w, 2, config.blocks, gen));
    fc_ = register_module("fc", std::make_shared<Linear>(4 * w, spec.classes, gen));
  }
  torch::Tensor forward(const torch::Tensor& x) override {
    check_input(x, "resnet20", shape_);
    torch::Tensor h = torch::relu(bn1_->forward(conv1_->forward(x)));
    h = layer3_->forward(layer2_->forward(layer1_->forward(h)));
    // Global average pool as a mean over H and W: the same numbers as adaptive_avg_pool2d(1), but
    // its backward is deterministic on CUDA (adaptive_avg_pool2d's is not).
    h = h.mean({2, 3});
    return fc_->forward(dropout(h, dropout_));
  }

 private:
  std::vector<std::int64_t> shape_;
  double dropout_;
  std::shared_ptr<Conv2d> conv1_;
  std::shared_ptr<BatchNorm2d> bn1_;
  std::shared_ptr<Stage> layer1_, layer2_, layer3_;
  std::shared_ptr<Linear> fc_;
};

// Majority-class baseline: logits 1 for the most frequent training class (the smallest index among
// ties), 0 elsewhere, so cross-entropy stays finite. The counts are a buffer, so the parameter hash
// covers them.
class Majority : public Network {
 public:
  explicit Majority(const ModelSpec& spec) : shape_(spec.input_shape), classes_(spec.classes) {
    torch::Tensor counts =
        torch::empty({static_cast<std::int64_t>(spec.class_counts.size())}, torch::kInt64);
    auto* data = counts.data_ptr<std::int64_t>();
    for (std::size_t i = 0; i < spec.class_counts.size(); ++i) {
      data[i] = spec.class_counts[i];
      if (spec.class_counts[i] > spec.class_counts[majority_]) majority_ = i;
    }
    register_buffer("class_counts", counts);
  }
  torch::Tensor forward(const torch::Tensor& x) override {
    check_input(x, "majority", shape_);
    torch::Tensor logits = torch::zeros({x.size(0), classes_}, x.options());
    logits.select(1, static_cast<std::int64_t>(majority_)).fill_(1.0);
    return logits;
  }
  bool trainable() const override { return false; }

 private:
  std::vector<std::int64_t> shape_;
  std::int64_t classes_;
  std::size_t majority_ = 0;
};

// Uniform random-guess baseline: logits U[0, 1) per example and class from a CPU generator seeded
// with the init seed and advanced by every forward call, so argmax is a uniformly random class and
// a run (a fixed sequence of calls) is deterministic. The seed is a buffer, so the hash covers it.
class RandomGuess : public Network {
 public:
  RandomGuess(const ModelSpec& spec, at::Generator gen)
      : shape_(spec.input_shape), classes_(spec.classes), gen_(std::move(gen)) {
    torch::Tensor seed = torch::empty({}, torch::kInt64);
    seed.fill_(static_cast<std::int64_t>(gen_.current_seed()));  // two's complement bit pattern
    register_buffer("seed", seed);
  }
  torch::Tensor forward(const torch::Tensor& x) override {
    check_input(x, "random", shape_);
    torch::Tensor logits;
    {
      torch::NoGradGuard no_grad;
      logits = torch::empty({x.size(0), classes_}, float_cpu()).uniform_(0.0, 1.0, gen_);
    }
    return logits.to(x.device());
  }
  bool trainable() const override { return false; }

 private:
  std::vector<std::int64_t> shape_;
  std::int64_t classes_;
  at::Generator gen_;
};

}  // namespace

NetworkPtr make_logistic(const ModelSpec& spec, at::Generator& gen) {
  return std::make_shared<Logistic>(spec, gen);
}
NetworkPtr make_mlp(const ModelSpec& spec, const MlpConfig& config, at::Generator& gen) {
  return std::make_shared<Mlp>(spec, config, gen);
}
NetworkPtr make_lenet5(const ModelSpec& spec, const LeNetConfig& config, at::Generator& gen) {
  return std::make_shared<LeNet5>(spec, config, gen);
}
NetworkPtr make_resnet(const ModelSpec& spec, const ResNetConfig& config, at::Generator& gen) {
  return std::make_shared<ResNet>(spec, config, gen);
}
NetworkPtr make_majority(const ModelSpec& spec) { return std::make_shared<Majority>(spec); }
NetworkPtr make_random(const ModelSpec& spec, at::Generator gen) {
  return std::make_shared<RandomGuess>(spec, std::move(gen));
}

}  // namespace detail
}  // namespace rigor::models
