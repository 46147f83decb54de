// The registry (models/src/registry.cpp): the catalog, option and spec errors (text asserted), the
// parameter hash (checked against an independent Python implementation) and the initialisation
// (seeded, PyTorch's default distributions, the same on every CPU kernel, never touching
// LibTorch's global generator).
//
// Golden values come from scripts/golden/models_hash.py (Debian 12 python3-torch 1.13.1):
//   /usr/bin/python3 scripts/golden/models_hash.py
// Hashes are exact (bitwise parameters); see the script for how each value is computed.
#include "rigor/models/registry.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <torch/torch.h>

#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

namespace rigor::models {
namespace {

using rigor::protocols::OptionValue;
using ::testing::HasSubstr;

ModelSpec spec_of(std::string name, std::vector<std::int64_t> shape, std::int64_t classes = 10,
                  std::map<std::string, OptionValue> options = {}) {
  ModelSpec s;
  s.name = std::move(name);
  s.options = std::move(options);
  s.input_shape = std::move(shape);
  s.classes = classes;
  s.class_counts.assign(static_cast<std::size_t>(classes), 1);
  return s;
}

std::string error_of(const ModelSpec& spec) {
  try {
    make_network(spec, 1);
  } catch (const ModelError& e) {
    return e.what();
  }
  return "no error";
}

torch::Tensor param(const torch::nn::Module& m, const std::string& name) {
  const auto params = m.named_parameters();
  const torch::Tensor* t = params.find(name);
  if (t == nullptr) throw std::runtime_error("no parameter " + name);
  return *t;
}

// ---------------------------------------------------------------------------------------------
// Catalog and names.

TEST(ModelCatalog, ListsEveryModelInRegistryOrder) {
  std::vector<std::string> names;
  for (const ModelInfo& m : model_catalog()) {
    names.emplace_back(m.name);
    EXPECT_FALSE(m.summary.empty()) << m.name;
    EXPECT_EQ(m.summary.find('\n'), std::string_view::npos) << m.name;
  }
  EXPECT_EQ(names, (std::vector<std::string>{"logistic", "mlp", "lenet5", "resnet20", "majority",
                                             "random"}));
}

TEST(ModelCatalog, SummariesStateTheDefaults) {
  const auto& c = model_catalog();
  EXPECT_THAT(std::string(c[1].summary), HasSubstr("hidden = [256, 128]"));
  EXPECT_THAT(std::string(c[1].summary), HasSubstr("activation = \"relu\""));
  EXPECT_THAT(std::string(c[3].summary), HasSubstr("width = 16"));
  EXPECT_THAT(std::string(c[3].summary), HasSubstr("blocks = 3"));
}

TEST(ModelCatalog, EveryEntryBuildsWithItsDefaults) {
  for (const ModelInfo& m : model_catalog()) {
    NetworkPtr net = make_network(spec_of(std::string(m.name), {1, 28, 28}), 3);
    ASSERT_NE(net, nullptr) << m.name;
    net->eval();
    EXPECT_EQ(net->forward(torch::zeros({2, 1, 28, 28})).sizes(),
              (std::vector<std::int64_t>{2, 10}))
        << m.name;
  }
}

TEST(MakeNetwork, UnknownModelListsTheNames) {
  const std::string e = error_of(spec_of("linear", {5}));
  EXPECT_THAT(e, HasSubstr("unknown model \"linear\""));
  EXPECT_THAT(e, HasSubstr("logistic, mlp, lenet5, resnet20, majority, random"));
}

// ---------------------------------------------------------------------------------------------
// Options.

TEST(MakeNetwork, UnknownOptionListsTheValidOptions) {
  EXPECT_THAT(error_of(spec_of("mlp", {5}, 3, {{"hiden", std::vector<std::int64_t>{8}}})),
              HasSubstr("model \"mlp\": unknown option \"hiden\" (given [8]); valid options: "
                        "hidden, activation"));
  EXPECT_THAT(error_of(spec_of("resnet20", {3, 32, 32}, 3, {{"depth", std::int64_t{20}}})),
              HasSubstr("valid options: width, blocks"));
  EXPECT_THAT(error_of(spec_of("lenet5", {1, 28, 28}, 3, {{"hidden", std::int64_t{20}}})),
              HasSubstr("valid options: activation"));
}

TEST(MakeNetwork, ModelsWithoutOptionsRejectAnyOption) {
  for (const char* name : {"logistic", "majority", "random"}) {
    EXPECT_THAT(error_of(spec_of(name, {5}, 3, {{"hidden", std::int64_t{4}}})),
                HasSubstr("unknown option \"hidden\" (given 4); valid options: none"))
        << name;
  }
}

TEST(MakeNetwork, WrongTypeNamesTheExpectedType) {
  EXPECT_THAT(error_of(spec_of("mlp", {5}, 3, {{"activation", std::int64_t{3}}})),
              HasSubstr("model \"mlp\": option \"activation\" is 3 (an integer), but must be a "
                        "string, one of \"relu\", \"tanh\", \"gelu\""));
  EXPECT_THAT(error_of(spec_of("mlp", {5}, 3, {{"hidden", std::string("wide")}})),
              HasSubstr("option \"hidden\" is \"wide\" (a string), but must be an integer or a "
                        "list of integers in [1, 65536]; e.g. hidden = [256, 128]"));
  EXPECT_THAT(error_of(spec_of("mlp", {5}, 3, {{"hidden", std::vector<double>{256.5}}})),
              HasSubstr("is [256.5] (a list of numbers), but must be an integer or a list"));
  EXPECT_THAT(error_of(spec_of("resnet20", {3, 32, 32}, 3, {{"width", 16.0}})),
              HasSubstr("option \"width\" is 16 (a floating-point number), but must be an integer "
                        "in [1, 1024]; e.g. width = 16"));
  EXPECT_THAT(error_of(spec_of("resnet20", {3, 32, 32}, 3, {{"blocks", true}})),
              HasSubstr("option \"blocks\" is true (a boolean), but must be an integer"));
}

TEST(MakeNetwork, OutOfRangeStatesTheRange) {
  EXPECT_THAT(error_of(spec_of("mlp", {5}, 3, {{"hidden", std::vector<std::int64_t>{64, 0}}})),
              HasSubstr("model \"mlp\": option \"hidden\" is [64, 0], but every value must be in "
                        "[1, 65536]; e.g. hidden = [256, 128]"));
  EXPECT_THAT(error_of(spec_of("mlp", {5}, 3, {{"hidden", std::vector<std::int64_t>{}}})),
              HasSubstr("option \"hidden\" is [], but must list at least one value; e.g. hidden = "
                        "[256, 128], or model = \"logistic\" for no hidden layer"));
  EXPECT_THAT(error_of(spec_of("mlp", {5}, 3, {{"activation", std::string("sigmoid")}})),
              HasSubstr("option \"activation\" is \"sigmoid\", but must be one of \"relu\", "
                        "\"tanh\", \"gelu\""));
  EXPECT_THAT(error_of(spec_of("lenet5", {1, 28, 28}, 3, {{"activation", std::string("gelu")}})),
              HasSubstr("is \"gelu\", but must be one of \"relu\", \"tanh\""));
  EXPECT_THAT(error_of(spec_of("resnet20", {3, 32, 32}, 3, {{"blocks", std::int64_t{0}}})),
              HasSubstr("model \"resnet20\": option \"blocks\" is 0, but must be in [1, 64]; e.g. "
                        "blocks = 3"));
  EXPECT_THAT(error_of(spec_of("resnet20", {3, 32, 32}, 3, {{"width", std::int64_t{2048}}})),
              HasSubstr("option \"width\" is 2048, but must be in [1, 1024]"));
}

TEST(MakeNetwork, OptionsShapeTheNetwork) {
  // An integer `hidden` is one layer.
  NetworkPtr one = make_network(spec_of("mlp", {5}, 3, {{"hidden", std::int64_t{7}}}), 1);
  EXPECT_EQ(param(*one, "fc1.weight").sizes(), (std::vector<std::int64_t>{7, 5}));
  EXPECT_EQ(param(*one, "fc2.weight").sizes(), (std::vector<std::int64_t>{3, 7}));
  EXPECT_EQ(one->named_parameters().size(), 4U);
  // Defaults: hidden = [256, 128].
  NetworkPtr def = make_network(spec_of("mlp", {1, 28, 28}, 10), 1);
  EXPECT_EQ(param(*def, "fc1.weight").sizes(), (std::vector<std::int64_t>{256, 784}));
  EXPECT_EQ(param(*def, "fc2.weight").sizes(), (std::vector<std::int64_t>{128, 256}));
  EXPECT_EQ(param(*def, "fc3.weight").sizes(), (std::vector<std::int64_t>{10, 128}));
  // resnet20 width and blocks.
  NetworkPtr r = make_network(spec_of("resnet20", {3, 32, 32}, 10,
                                      {{"width", std::int64_t{8}}, {"blocks", std::int64_t{2}}}),
                              1);
  EXPECT_EQ(param(*r, "conv1.weight").sizes(), (std::vector<std::int64_t>{8, 3, 3, 3}));
  EXPECT_EQ(param(*r, "layer3.1.conv2.weight").sizes(), (std::vector<std::int64_t>{32, 32, 3, 3}));
  EXPECT_EQ(r->named_parameters().find("layer3.2.conv1.weight"), nullptr);
  EXPECT_EQ(param(*r, "fc.weight").sizes(), (std::vector<std::int64_t>{10, 32}));
}

// ---------------------------------------------------------------------------------------------
// The spec.

TEST(MakeNetwork, RejectsBadSpecs) {
  EXPECT_THAT(error_of(spec_of("mlp", {5}, 1)),
              HasSubstr("model \"mlp\": classes is 1, but must be >= 2"));
  ModelSpec s = spec_of("mlp", {5}, 3);
  s.dropout = 1.0;
  EXPECT_THAT(error_of(s), HasSubstr("dropout is 1, but must be in [0, 1)"));
  s.dropout = std::nan("");
  EXPECT_THAT(error_of(s), HasSubstr("dropout is nan, but must be in [0, 1)"));
  EXPECT_THAT(error_of(spec_of("logistic", {}, 3)),
              HasSubstr("the input shape is {}, but must be {features} or {channels, height, "
                        "width} with every size >= 1"));
  EXPECT_THAT(error_of(spec_of("logistic", {3, 0, 4}, 3)),
              HasSubstr("the input shape is {3, 0, 4}"));
}

TEST(MakeNetwork, ImageModelsRejectTabularInput) {
  EXPECT_THAT(error_of(spec_of("lenet5", {5}, 3)),
              HasSubstr("model \"lenet5\" needs image input {channels, height, width} with height "
                        "and width >= 16, but the data's examples have shape {5}; use \"mlp\" or "
                        "\"logistic\" for tabular data"));
  EXPECT_THAT(error_of(spec_of("lenet5", {1, 15, 28}, 3)), HasSubstr("have shape {1, 15, 28}"));
  EXPECT_THAT(error_of(spec_of("resnet20", {5}, 3)),
              HasSubstr("model \"resnet20\" needs image input {channels, height, width}, but the "
                        "data's examples have shape {5}"));
  EXPECT_NO_THROW(make_network(spec_of("lenet5", {1, 16, 16}, 3), 1));
}

TEST(MakeNetwork, MajorityNeedsTheTrainingClassCounts) {
  ModelSpec s = spec_of("majority", {5}, 3);
  s.class_counts = {4, 5};
  EXPECT_THAT(error_of(s), HasSubstr("model \"majority\": class_counts has 2 entries, but classes "
                                     "is 3; pass the training label counts"));
  s.class_counts = {4, -1, 2};
  EXPECT_THAT(error_of(s), HasSubstr("class_counts[1] is -1, but counts must be >= 0"));
  s.class_counts = {0, 0, 0};
  EXPECT_THAT(error_of(s), HasSubstr("class_counts are all 0, so there is no majority class"));
}

// ---------------------------------------------------------------------------------------------
// parameters_sha256.

// The module scripts/golden/models_hash.py hashes as Tiny: two parameters, an int64 scalar and a
// float64 buffer.
struct Tiny : torch::nn::Module {
  Tiny() {
    register_parameter("weight",
                       torch::tensor({0.5F, -1.0F, 2.0F, 3.25F, 0.0F, -0.125F}).view({2, 3}));
    register_parameter("bias", torch::tensor({1.0F, -2.0F}));
    register_buffer("count", torch::full({}, 7, torch::kInt64));
    register_buffer("scale", torch::full({1}, 0.1, torch::kFloat64));
  }
};

TEST(ParametersSha256, MatchesAnIndependentPythonHash) {
  // hashlib over the specification (scripts/golden/models_hash.py, "tiny fixed module").
  EXPECT_EQ(parameters_sha256(Tiny()),
            "27c9d0e1cf969d51ab16619647564a7306367ac1f0a72ee127f4332d35f958b3");
}

TEST(ParametersSha256, EqualModulesHashEqualAndOneElementChangesIt) {
  Tiny a;
  Tiny b;
  const std::string h = parameters_sha256(a);
  EXPECT_EQ(h.size(), 64U);
  EXPECT_EQ(parameters_sha256(b), h);
  {
    torch::NoGradGuard no_grad;
    // The smallest change of one element: the next float after 2.0.
    b.named_parameters()["weight"][0][2].fill_(std::nextafter(2.0F, 3.0F));
  }
  EXPECT_NE(parameters_sha256(b), h);
  Tiny c;
  c.named_buffers()["count"].fill_(8);  // buffers are covered too
  EXPECT_NE(parameters_sha256(c), h);
}

TEST(ParametersSha256, CoversNamesShapesAndDtypes) {
  struct Named : torch::nn::Module {
    // A buffer: an int32 view cannot be a parameter (only floating point can require gradients).
    Named(const std::string& name, torch::Tensor t) { register_buffer(name, std::move(t)); }
  };
  const torch::Tensor t = torch::arange(6, torch::kFloat32);
  const std::string h = parameters_sha256(Named("w", t));
  EXPECT_NE(parameters_sha256(Named("v", t)), h);                      // name
  EXPECT_NE(parameters_sha256(Named("w", t.view({2, 3}))), h);         // sizes, same bytes
  EXPECT_NE(parameters_sha256(Named("w", t.view(torch::kInt32))), h);  // dtype, same bytes
  EXPECT_EQ(parameters_sha256(Named("w", t.clone())), h);
}

// ---------------------------------------------------------------------------------------------
// Initialisation.

std::vector<ModelSpec> trainable_specs() {
  return {spec_of("logistic", {1, 28, 28}), spec_of("mlp", {1, 28, 28}),
          spec_of("lenet5", {1, 28, 28}), spec_of("resnet20", {3, 32, 32})};
}

TEST(Init, SameSeedSameParametersDifferentSeedDifferent) {
  for (const ModelSpec& s : trainable_specs()) {
    const std::string h = parameters_sha256(*make_network(s, 1234));
    EXPECT_EQ(parameters_sha256(*make_network(s, 1234)), h) << s.name;
    EXPECT_NE(parameters_sha256(*make_network(s, 1235)), h) << s.name;
  }
  // The random baseline's seed is a buffer: covered by the hash as well.
  const ModelSpec r = spec_of("random", {5}, 3);
  EXPECT_NE(parameters_sha256(*make_network(r, 1)), parameters_sha256(*make_network(r, 2)));
}

TEST(Init, NeverTouchesTheGlobalGenerator) {
  torch::manual_seed(1);
  const torch::Tensor expected = torch::rand({4});
  torch::manual_seed(1);
  for (const ModelInfo& m : model_catalog()) {
    ModelSpec s = spec_of(std::string(m.name), {1, 28, 28}, 10);
    s.dropout = 0.5;
    NetworkPtr net = make_network(s, 99);
    net->set_dropout_generator(at::detail::createCPUGenerator(5));
    net->train();
    net->forward(torch::zeros({2, 1, 28, 28}));
  }
  EXPECT_TRUE(torch::equal(torch::rand({4}), expected));
}

TEST(Init, MatchesAnIndependentPythonImplementationBitwise) {
  // Each network written out with torch.nn in Python and initialised from
  // torch.Generator().manual_seed(seed) by the rules of docs/models.md
  // (scripts/golden/models_hash.py).
  EXPECT_EQ(parameters_sha256(*make_network(spec_of("logistic", {3}, 2), 42)),
            "21f6fdd68a0f23d522b5ebabd2868c48d423c84248aa68419d7cf59fae3484c4");
  EXPECT_EQ(parameters_sha256(*make_network(spec_of("mlp", {4}, 3,
                                                    {{"hidden", std::vector<std::int64_t>{5, 3}},
                                                     {"activation", std::string("gelu")}}),
                                            7)),
            "832f3d8cf27ba56f278117a2e2a9a04ffbcf300941707679aa2a9a6d9bd7d391");
  EXPECT_EQ(parameters_sha256(*make_network(
                spec_of("lenet5", {1, 16, 16}, 3, {{"activation", std::string("tanh")}}), 3)),
            "5ea87cb49926c021306e9af72bc610fba0fdf7d7495ff61c97b347fdd8dae1c7");
  EXPECT_EQ(parameters_sha256(*make_network(spec_of("lenet5", {3, 32, 32}, 10), 5)),
            "2dc889bf0f05036293663740351425e9b328905a08a904d0bf6ecdcb20ecc5dc");
  // resnet20: kaiming_normal(fan_out) convolutions by Box-Muller, in construction order.
  EXPECT_EQ(parameters_sha256(
                *make_network(spec_of("resnet20", {2, 8, 8}, 3,
                                      {{"width", std::int64_t{4}}, {"blocks", std::int64_t{1}}}),
                              11)),
            "39e6bd992fa828e7d72488ba5ac2337a677e0b04b096157a795e58062f676a89");
}

TEST(Init, DoesNotDependOnTheCpuKernelAtenDispatchesTo) {
  // PyTorch's own float32 uniform_/normal_ differ between ATEN_CPU_CAPABILITY=default and avx2
  // (FMA contraction, vectorised Box-Muller); rigor's draws must not. Re-run the golden test above
  // in a child process that forces the portable kernels.
  const char* forced = std::getenv("ATEN_CPU_CAPABILITY");
  if (forced != nullptr) GTEST_SKIP() << "already running with ATEN_CPU_CAPABILITY=" << forced;
  const std::string self = std::filesystem::read_symlink("/proc/self/exe").string();
  const std::string command =
      "ATEN_CPU_CAPABILITY=default '" + self +
      "' --gtest_filter=Init.MatchesAnIndependentPythonImplementationBitwise > /dev/null 2>&1";
  EXPECT_EQ(std::system(command.c_str()), 0) << command;
}

TEST(Init, LinearLayersAreUniformWithinOneOverSqrtFanIn) {
  NetworkPtr net =
      make_network(spec_of("mlp", {1000}, 10, {{"hidden", std::vector<std::int64_t>{500}}}), 8);
  const torch::Tensor w = param(*net, "fc1.weight").to(torch::kFloat64);
  const double bound = 1.0 / std::sqrt(1000.0);
  EXPECT_LE(w.abs().max().item<double>(), bound);
  EXPECT_GT(w.abs().max().item<double>(), 0.999 * bound);  // the whole range is used
  // U(-b, b): variance b^2 / 3. With n = 5e5 the sample variance has relative sd 1.3e-3; the 1%
  // tolerance is about 8 sd. The mean has sd sqrt(b^2 / 3 / n) = 2.6e-5; tolerance 6 sd.
  EXPECT_NEAR(w.var().item<double>() / (bound * bound / 3.0), 1.0, 0.01);
  EXPECT_NEAR(w.mean().item<double>(), 0.0, 1.5e-4);
  const torch::Tensor b = param(*net, "fc1.bias");
  EXPECT_LE(b.abs().max().item<double>(), bound);
  EXPECT_GT(b.abs().max().item<double>(), 0.9 * bound);
  EXPECT_LE(param(*net, "fc2.bias").abs().max().item<double>(), 1.0 / std::sqrt(500.0));
}

TEST(Init, ResNetConvsAreKaimingNormalFanOutAndBatchNormIsIdentity) {
  NetworkPtr net = make_network(spec_of("resnet20", {3, 32, 32}), 21);
  // 3x3 convs of the last stage: 64 * 64 * 9 = 36864 weights, std sqrt(2 / fan_out), fan_out =
  // 64 * 9. Relative sd of the sample variance sqrt(2 / n) = 0.74%; tolerance 4% (about 5 sd).
  const torch::Tensor w = param(*net, "layer3.1.conv1.weight").to(torch::kFloat64);
  EXPECT_NEAR(w.var().item<double>() / (2.0 / (64 * 9)), 1.0, 0.04);
  EXPECT_NEAR(w.mean().item<double>(), 0.0, 5.0 * std::sqrt(2.0 / (64 * 9) / 36864));
  // The projection of stage 2: 1x1, fan_out = 32; 512 weights (relative sd 6%; tolerance 30%).
  const torch::Tensor p = param(*net, "layer2.0.shortcut_conv.weight").to(torch::kFloat64);
  EXPECT_EQ(p.sizes(), (std::vector<std::int64_t>{32, 16, 1, 1}));
  EXPECT_NEAR(p.var().item<double>() / (2.0 / 32), 1.0, 0.3);
  EXPECT_TRUE(torch::equal(param(*net, "layer1.0.bn1.weight"), torch::ones({16})));
  EXPECT_TRUE(torch::equal(param(*net, "layer1.0.bn1.bias"), torch::zeros({16})));
  EXPECT_LE(param(*net, "fc.weight").abs().max().item<double>(), 1.0 / std::sqrt(64.0));
}

}  // namespace
}  // namespace rigor::models
