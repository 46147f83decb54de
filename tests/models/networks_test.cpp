// The networks (models/src/networks.cpp): output shapes, logits against an independent PyTorch
// implementation, parameter counts, where dropout applies and how its masks are drawn, the
// baselines, and the input checks.
//
// Golden logits come from scripts/golden/models_hash.py (Debian 12 python3-torch 1.13.1, the same
// networks written with torch.nn and initialised by the rules of docs/models.md):
//   /usr/bin/python3 scripts/golden/models_hash.py
// for the input x[i] = ((37 i) mod 101) / 50 - 1 (float32), batch 2; tolerance 1e-5 absolute
// (float32 sums of at most a few thousand terms in another order; ATEN_CPU_CAPABILITY=default moves
// them by up to 6e-8).
#include <ATen/Context.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <torch/torch.h>

#include <cmath>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "rigor/models/registry.h"

namespace rigor::models {
namespace {

using rigor::protocols::OptionValue;
using ::testing::HasSubstr;

ModelSpec spec_of(std::string name, std::vector<std::int64_t> shape, std::int64_t classes = 10,
                  std::map<std::string, OptionValue> options = {}, double dropout = 0.0) {
  ModelSpec s;
  s.name = std::move(name);
  s.options = std::move(options);
  s.input_shape = std::move(shape);
  s.classes = classes;
  s.dropout = dropout;
  s.class_counts.assign(static_cast<std::size_t>(classes), 1);
  return s;
}

// The golden script's input: x[i] = ((37 i) mod 101) / 50 - 1, shape [batch, shape...].
torch::Tensor test_input(const std::vector<std::int64_t>& shape, std::int64_t batch = 2) {
  std::vector<std::int64_t> sizes{batch};
  std::int64_t n = batch;
  for (std::int64_t d : shape) {
    sizes.push_back(d);
    n *= d;
  }
  std::vector<float> v(static_cast<std::size_t>(n));
  for (std::int64_t i = 0; i < n; ++i) {
    v[static_cast<std::size_t>(i)] =
        static_cast<float>(static_cast<double>((37 * i) % 101) / 50.0 - 1.0);
  }
  return torch::tensor(v).view(sizes);
}

void expect_logits(const torch::Tensor& got, const std::vector<float>& expected) {
  ASSERT_EQ(got.numel(), static_cast<std::int64_t>(expected.size()));
  const torch::Tensor flat = got.detach().flatten().contiguous();
  for (std::size_t i = 0; i < expected.size(); ++i) {
    EXPECT_NEAR(flat[static_cast<std::int64_t>(i)].item<float>(), expected[i], 1e-5)
        << "logit " << i;
  }
}

std::int64_t parameter_count(const torch::nn::Module& m) {
  std::int64_t n = 0;
  for (const auto& p : m.parameters()) n += p.numel();
  return n;
}

std::string forward_error(Network& net, const torch::Tensor& x) {
  try {
    net.forward(x);
  } catch (const ModelError& e) {
    return e.what();
  }
  return "no error";
}

// ---------------------------------------------------------------------------------------------
// Shapes.

TEST(Networks, ForwardGivesBatchByClassesLogits) {
  struct Case {
    std::vector<std::int64_t> shape;
    std::vector<std::string> models;
  };
  const std::vector<Case> cases = {
      {{1, 28, 28}, {"logistic", "mlp", "lenet5", "resnet20", "majority", "random"}},
      {{3, 32, 32}, {"logistic", "mlp", "lenet5", "resnet20", "majority", "random"}},
      {{5}, {"logistic", "mlp", "majority", "random"}},
  };
  for (const Case& c : cases) {
    for (const std::string& name : c.models) {
      NetworkPtr net = make_network(spec_of(name, c.shape, 7), 1);
      for (bool training : {false, true}) {
        net->train(training);
        const torch::Tensor y = net->forward(test_input(c.shape));
        EXPECT_EQ(y.sizes(), (std::vector<std::int64_t>{2, 7})) << name;
        EXPECT_EQ(y.scalar_type(), torch::kFloat32) << name;
        EXPECT_TRUE(torch::isfinite(y).all().item<bool>()) << name;
      }
    }
  }
}

TEST(Networks, ParameterCountsMatchTheArchitectures) {
  // LeNet-5 on 28x28 with padding 2: 156 + 2416 + 48120 + 10164 + 850.
  EXPECT_EQ(parameter_count(*make_network(spec_of("lenet5", {1, 28, 28}), 1)), 61706);
  // ResNet-20 on CIFAR: 269722 with option A shortcuts (He et al. 2016: "0.27M"), plus the two
  // option B projections, 16*32 + 2*32 and 32*64 + 2*64: 2752.
  EXPECT_EQ(parameter_count(*make_network(spec_of("resnet20", {3, 32, 32}), 1)), 269722 + 2752);
  // MLP 784-256-128-10.
  EXPECT_EQ(parameter_count(*make_network(spec_of("mlp", {1, 28, 28}), 1)),
            784 * 256 + 256 + 256 * 128 + 128 + 128 * 10 + 10);
  EXPECT_EQ(parameter_count(*make_network(spec_of("logistic", {5}, 3), 1)), 18);
}

TEST(Networks, ResNet20HasTwentyWeightedLayers) {
  NetworkPtr net = make_network(spec_of("resnet20", {3, 32, 32}), 1);
  int layers = 0;
  for (const auto& p : net->named_parameters()) {
    const bool conv = p.value().dim() == 4 && p.key().find("shortcut") == std::string::npos;
    if (conv || p.key() == "fc.weight") ++layers;
  }
  EXPECT_EQ(layers, 20);
  // BN after each conv, projections included: 19 + 2.
  EXPECT_EQ(net->named_buffers().size(), 21U * 3U);
}

// ---------------------------------------------------------------------------------------------
// Logits against the PyTorch reference (scripts/golden/models_hash.py).

TEST(Networks, LogitsMatchPytorch) {
  NetworkPtr logistic = make_network(spec_of("logistic", {3}, 2), 42);
  logistic->eval();
  expect_logits(logistic->forward(test_input({3})),
                {0.95845449f, 0.990992188f, 0.668543935f, 0.888347864f});

  NetworkPtr mlp = make_network(
      spec_of("mlp", {4}, 3,
              {{"hidden", std::vector<std::int64_t>{5, 3}}, {"activation", std::string("gelu")}}),
      7);
  mlp->eval();
  expect_logits(mlp->forward(test_input({4})), {-0.367153913f, 0.437787324f, 0.11027009f,
                                                -0.297488153f, 0.629304349f, 0.392600864f});

  NetworkPtr lenet_tanh =
      make_network(spec_of("lenet5", {1, 16, 16}, 3, {{"activation", std::string("tanh")}}), 3);
  lenet_tanh->eval();
  expect_logits(
      lenet_tanh->forward(test_input({1, 16, 16})),
      {-0.0124788973f, -0.036711894f, 0.195585907f, -0.0132945217f, -0.0444098748f, 0.193378985f});

  NetworkPtr lenet = make_network(spec_of("lenet5", {3, 32, 32}, 10), 5);
  lenet->eval();
  expect_logits(lenet->forward(test_input({3, 32, 32})),
                {-0.0546501502f, -0.0504429527f, -0.0973529369f, 0.151112229f,  0.0195160694f,
                 -0.0837317631f, 0.0485935882f,  -0.107039854f,  0.0227843076f, 0.144659132f,
                 -0.0495694652f, -0.0455830805f, -0.0999777988f, 0.156585768f,  0.013493876f,
                 -0.0772173703f, 0.0453618839f,  -0.109197617f,  0.0227769893f, 0.143059939f});
}

TEST(Networks, ResNetMatchesPytorchInEvalAndTrainingMode) {
  const ModelSpec s =
      spec_of("resnet20", {2, 8, 8}, 3, {{"width", std::int64_t{4}}, {"blocks", std::int64_t{1}}});
  NetworkPtr net = make_network(s, 11);
  net->eval();
  expect_logits(net->forward(test_input({2, 8, 8})), {0.397733718f, 0.00973023474f, 0.0188245047f,
                                                      0.390662134f, 0.0135571063f, 0.00321725197f});
  // Training mode: batch statistics; afterwards running statistics moved by momentum 0.1 (running
  // variance with the unbiased batch variance) and num_batches_tracked = 1, as nn.BatchNorm2d.
  net->train();
  torch::Tensor y;
  {
    torch::NoGradGuard no_grad;
    y = net->forward(test_input({2, 8, 8}));
  }
  expect_logits(
      y, {0.260337412f, 0.48032099f, 0.00590915419f, 1.15375471f, -0.328399271f, 0.0704292804f});
  // The running statistics (compared with a tolerance: batch statistics depend on the CPU kernel).
  const torch::Tensor x = test_input({2, 8, 8});
  const torch::Tensor h =
      torch::conv2d(x, net->named_parameters()["conv1.weight"], {}, {1, 1}, {1, 1});
  const auto buffers = net->named_buffers();
  EXPECT_TRUE(torch::allclose(buffers["bn1.running_mean"], 0.1 * h.mean({0, 2, 3}), 0.0, 1e-6));
  EXPECT_TRUE(torch::allclose(buffers["bn1.running_var"],
                              0.9 + 0.1 * h.var({0, 2, 3}, /*unbiased=*/true), 0.0, 1e-6));
  for (const auto& b : buffers) {
    if (b.key().find("num_batches_tracked") != std::string::npos) {
      EXPECT_EQ(b.value().item<std::int64_t>(), 1) << b.key();
    }
  }
}

TEST(Networks, TrainingModeBackpropagatesIntoEveryParameter) {
  for (const char* name : {"logistic", "mlp", "lenet5", "resnet20"}) {
    NetworkPtr net = make_network(spec_of(name, {1, 16, 16}, 3), 2);
    net->train();
    torch::nn::functional::cross_entropy(net->forward(test_input({1, 16, 16}, 4)),
                                         torch::tensor({0, 1, 2, 1}, torch::kInt64))
        .backward();
    for (const auto& p : net->named_parameters()) {
      ASSERT_TRUE(p.value().grad().defined()) << name << " " << p.key();
      EXPECT_GT(p.value().grad().abs().sum().item<double>(), 0.0) << name << " " << p.key();
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Dropout.

// Exposes Network::dropout.
class DropoutProbe : public Network {
 public:
  explicit DropoutProbe(double p) : p_(p) {}
  torch::Tensor forward(const torch::Tensor& x) override { return dropout(x, p_); }

 private:
  double p_;
};

std::string dropout_error(double p, bool with_generator) {
  DropoutProbe probe(p);
  if (with_generator) probe.set_dropout_generator(at::detail::createCPUGenerator(1));
  return forward_error(probe, torch::ones({3}));
}

TEST(Dropout, NeedsTheRunsGeneratorInTrainingMode) {
  EXPECT_THAT(dropout_error(0.5, false),
              HasSubstr("dropout needs the run's dropout generator; call set_dropout_generator"));
  // A network with dropout > 0 says the same when trained without one...
  NetworkPtr mlp = make_network(spec_of("mlp", {5}, 3, {}, 0.5), 1);
  mlp->train();
  EXPECT_THAT(forward_error(*mlp, torch::zeros({2, 5})),
              HasSubstr("dropout needs the run's dropout generator"));
  // ... but needs none for evaluation, or with dropout 0.
  mlp->eval();
  EXPECT_EQ(forward_error(*mlp, torch::zeros({2, 5})), "no error");
  EXPECT_EQ(dropout_error(0.0, false), "no error");
  // Out of range, or an undefined generator.
  EXPECT_THAT(dropout_error(1.0, true),
              HasSubstr("dropout probability is 1, but must be in [0, 1)"));
  DropoutProbe probe(0.5);
  EXPECT_THROW(
      {
        try {
          probe.set_dropout_generator(at::Generator());
        } catch (const ModelError& e) {
          EXPECT_THAT(e.what(), HasSubstr("the generator is undefined"));
          throw;
        }
      },
      ModelError);
}

TEST(Dropout, EvalModeIsTheIdentity) {
  DropoutProbe probe(0.5);
  probe.set_dropout_generator(at::detail::createCPUGenerator(3));
  probe.eval();
  const torch::Tensor x = torch::randn({4, 5});
  EXPECT_TRUE(torch::equal(probe.forward(x), x));
}

TEST(Dropout, MasksDependOnlyOnTheGeneratorState) {
  const torch::Tensor x = torch::ones({64, 32});
  auto run = [&](at::Generator gen) {
    DropoutProbe probe(0.3);
    probe.set_dropout_generator(gen);
    probe.train();
    return probe.forward(x);
  };
  const torch::Tensor a = run(at::detail::createCPUGenerator(17));
  EXPECT_TRUE(torch::equal(run(at::detail::createCPUGenerator(17)), a));
  EXPECT_FALSE(torch::equal(run(at::detail::createCPUGenerator(18)), a));
  // A generator advanced elsewhere to the same state gives the same mask.
  at::Generator g = at::detail::createCPUGenerator(5);
  torch::empty({10}, torch::kFloat64).uniform_(0, 1, g);
  const at::Generator copy = g.clone();
  EXPECT_TRUE(torch::equal(run(g), run(copy)));
  // Successive masks from one generator differ.
  DropoutProbe probe(0.3);
  probe.set_dropout_generator(at::detail::createCPUGenerator(17));
  probe.train();
  EXPECT_TRUE(torch::equal(probe.forward(x), a));
  EXPECT_FALSE(torch::equal(probe.forward(x), a));
}

TEST(Dropout, KeepsOneMinusPAndScalesByItsInverse) {
  const double p = 0.3;
  DropoutProbe probe(p);
  probe.set_dropout_generator(at::detail::createCPUGenerator(7));
  probe.train();
  const torch::Tensor y = probe.forward(torch::ones({200000}));
  const torch::Tensor kept = y.ne(0);
  const float scale = 1.0F / static_cast<float>(1.0 - p);
  EXPECT_TRUE(torch::all(y.masked_select(kept) == scale).item<bool>());
  // Kept fraction: sd sqrt(0.21 / 2e5) = 0.001; tolerance 5 sd. E[y] = 1.
  EXPECT_NEAR(kept.to(torch::kFloat64).mean().item<double>(), 1.0 - p, 0.005);
  EXPECT_NEAR(y.to(torch::kFloat64).mean().item<double>(), 1.0, 0.008);
}

TEST(Dropout, MaskIsBernoulliOfTheGeneratorWithoutMkl) {
  // On builds without MKL, Tensor::bernoulli_(1 - p, gen) draws exactly rigor's mask (one double
  // uniform per element, kept when u < 1 - p). MKL builds use MKL's own stream for bernoulli_,
  // which rigor deliberately does not, so that masks do not depend on the build.
  if (at::hasMKL()) GTEST_SKIP() << "LibTorch built with MKL: bernoulli_ uses MKL's stream";
  const double p = 0.4;
  DropoutProbe probe(p);
  probe.set_dropout_generator(at::detail::createCPUGenerator(23));
  probe.train();
  const torch::Tensor y = probe.forward(torch::ones({50, 40}));
  at::Generator g = at::detail::createCPUGenerator(23);
  const torch::Tensor mask = torch::empty({50, 40}).bernoulli_(1.0 - p, g).div_(1.0 - p);
  EXPECT_TRUE(torch::equal(y, mask));
}

TEST(Dropout, MlpMatchesPytorchDropoutWithTheSameGeneratorState) {
  // Python: init seed 7, then torch.manual_seed(99) and F.dropout(p=0.3) after each hidden layer.
  NetworkPtr mlp =
      make_network(spec_of("mlp", {4}, 3, {{"hidden", std::vector<std::int64_t>{5, 3}}}, 0.3), 7);
  mlp->set_dropout_generator(at::detail::createCPUGenerator(99));
  mlp->train();
  expect_logits(mlp->forward(test_input({4})), {-0.498591959f, 0.39001894f, -0.0665213615f,
                                                -0.395221174f, 0.751439035f, 0.447190017f});
}

// Where dropout applies, seen from how many uniforms each forward pass draws.
TEST(Dropout, AppliesWhereDocumented) {
  struct Case {
    ModelSpec spec;
    std::int64_t draws_per_example;
  };
  const std::vector<Case> cases = {
      {spec_of("logistic", {1, 16, 16}, 3, {}, 0.5), 256},  // the input features
      {spec_of("mlp", {1, 16, 16}, 3, {{"hidden", std::vector<std::int64_t>{6, 4}}}, 0.5),
       6 + 4},                                                 // after each hidden activation
      {spec_of("lenet5", {1, 16, 16}, 3, {}, 0.5), 120 + 84},  // after fc1 and fc2
      {spec_of("resnet20", {1, 16, 16}, 3, {{"width", std::int64_t{4}}}, 0.5),
       16},  // before the final layer (4 * width features)
      {spec_of("majority", {1, 16, 16}, 3, {}, 0.5), 0},
      {spec_of("random", {1, 16, 16}, 3, {}, 0.5), 0},
  };
  for (const Case& c : cases) {
    NetworkPtr net = make_network(c.spec, 1);
    at::Generator gen = at::detail::createCPUGenerator(31);
    net->set_dropout_generator(gen);
    net->train();
    net->forward(test_input({1, 16, 16}, 3));
    at::Generator reference = at::detail::createCPUGenerator(31);
    if (c.draws_per_example > 0) {
      torch::empty({3 * c.draws_per_example}, torch::kFloat64).uniform_(0, 1, reference);
    }
    const torch::Tensor next = torch::empty({4}, torch::kFloat64).uniform_(0, 1, gen);
    EXPECT_TRUE(torch::equal(next, torch::empty({4}, torch::kFloat64).uniform_(0, 1, reference)))
        << c.spec.name;
  }
}

// ---------------------------------------------------------------------------------------------
// Baselines.

TEST(Baselines, AreNotTrainableAndHaveNoParameters) {
  for (const char* name : {"majority", "random"}) {
    NetworkPtr net = make_network(spec_of(name, {5}, 3), 1);
    EXPECT_FALSE(net->trainable()) << name;
    EXPECT_TRUE(net->parameters().empty()) << name;
  }
  for (const char* name : {"logistic", "mlp", "lenet5", "resnet20"}) {
    EXPECT_TRUE(make_network(spec_of(name, {1, 16, 16}, 3), 1)->trainable()) << name;
  }
}

TEST(Baselines, MajorityPredictsTheMostFrequentClassSmallestOnTies) {
  ModelSpec s = spec_of("majority", {5}, 4);
  s.class_counts = {3, 9, 9, 1};
  NetworkPtr net = make_network(s, 1);
  const torch::Tensor y = net->forward(torch::randn({6, 5}));
  EXPECT_TRUE(torch::equal(y, torch::tensor({0.0F, 1.0F, 0.0F, 0.0F}).expand({6, 4})));
  const double loss =
      torch::nn::functional::cross_entropy(y, torch::zeros({6}, torch::kInt64)).item<double>();
  EXPECT_NEAR(loss, std::log(3.0 + std::exp(1.0)) - 0.0, 1e-6);  // finite
  s.class_counts = {3, 9, 10, 1};
  EXPECT_EQ(make_network(s, 1)->forward(torch::zeros({1, 5})).argmax(1).item<std::int64_t>(), 2);
  // The counts are a buffer: the hash tells majority models apart.
  ModelSpec t = s;
  t.class_counts = {3, 9, 11, 1};
  EXPECT_NE(parameters_sha256(*make_network(s, 1)), parameters_sha256(*make_network(t, 1)));
}

TEST(Baselines, RandomIsSeededUniformAndDeterministic) {
  const ModelSpec s = spec_of("random", {5}, 3);
  NetworkPtr a = make_network(s, 8);
  NetworkPtr b = make_network(s, 8);
  const torch::Tensor x = torch::zeros({20000, 5});
  const torch::Tensor first = a->forward(x);
  EXPECT_TRUE(torch::equal(b->forward(x), first));   // same seed, same calls: same logits
  EXPECT_FALSE(torch::equal(a->forward(x), first));  // each call draws anew
  EXPECT_FALSE(torch::equal(make_network(s, 9)->forward(x), first));
  // The predicted class is uniform: each of 3 classes has sd sqrt(20000 * 2/9) = 67 around 6667.
  const torch::Tensor counts = torch::bincount(first.argmax(1), {}, 3);
  for (std::int64_t k = 0; k < 3; ++k) {
    EXPECT_NEAR(counts[k].item<double>(), 20000.0 / 3.0, 400.0) << "class " << k;
  }
}

// ---------------------------------------------------------------------------------------------
// Input checks.

TEST(Networks, ForwardRejectsInputOfAnotherShapeOrType) {
  NetworkPtr lenet = make_network(spec_of("lenet5", {1, 28, 28}), 1);
  EXPECT_THAT(forward_error(*lenet, torch::zeros({2, 784})),
              HasSubstr("model \"lenet5\" expects float32 input [batch, 1, 28, 28] (the shape it "
                        "was built for), but got Float [2, 784]"));
  NetworkPtr mlp = make_network(spec_of("mlp", {5}), 1);
  EXPECT_THAT(forward_error(*mlp, torch::zeros({2, 5}, torch::kFloat64)),
              HasSubstr("expects float32 input [batch, 5] (the shape it was built for), but got "
                        "Double [2, 5]"));
  NetworkPtr majority = make_network(spec_of("majority", {5}), 1);
  EXPECT_THAT(forward_error(*majority, torch::zeros({2, 6})), HasSubstr("but got Float [2, 6]"));
}

TEST(Networks, BatchNormNeedsMoreThanOneValuePerChannelInTraining) {
  // 4x4 images reach 1x1 in the last stage: a batch of one has one value per channel there.
  NetworkPtr net = make_network(spec_of("resnet20", {1, 4, 4}, 3, {{"width", std::int64_t{2}}}), 1);
  net->train();
  EXPECT_THAT(forward_error(*net, torch::zeros({1, 1, 4, 4})),
              HasSubstr("batch normalisation in training mode needs more than one value per "
                        "channel, but got input [1, 8, 1, 1]; use a batch size >= 2"));
  net->eval();
  EXPECT_EQ(forward_error(*net, torch::zeros({1, 1, 4, 4})), "no error");
}

}  // namespace
}  // namespace rigor::models
