// rigor_bare_loop — the plain LibTorch training loop a user would write for the MLP on
// Fashion-MNIST, doing the same work as one `rigor run` cell of it (hidden [256, 128], relu, SGD
// lr 0.05 momentum 0.9, batch 128, evaluation of the validation and test sets in batches of 1024
// after every epoch), so that scripts can measure rigor's overhead against it. Data is read with
// rigor::models (timed separately as load_s), the loop itself is LibTorch only: torch::randperm
// shuffles, index_select gathers batches, loss.item() once per step.
//
//   rigor_bare_loop --epochs 1 --threads 1 [--subset 10000] [--data DIR] [--weight-decay 0]
//   {"load_s": 1.9, "epoch_s": [14.2], "eval_s": [0.9], "total_s": 17.0, ...}
#include <torch/torch.h>

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <optional>
#include <string>
#include <vector>

#include "rigor/models/data.h"
#include "rigor/protocols/protocol.h"

namespace {

struct Options {
  std::int64_t epochs = 1;
  int threads = 1;
  std::optional<std::int64_t> subset;
  std::string data_dir;  // empty: /usr/share/datasets/fashion-mnist
  double weight_decay = 0.0;
};

[[noreturn]] void usage(const std::string& problem) {
  std::cerr << "rigor_bare_loop: " << problem
            << "\nusage: rigor_bare_loop [--epochs N] [--threads N] [--subset N] [--data DIR] "
               "[--weight-decay X]\n";
  std::exit(2);
}

Options parse(int argc, char** argv) {
  Options o;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (i + 1 >= argc) usage(arg + " needs a value");
    const std::string value = argv[++i];
    try {
      if (arg == "--epochs") {
        o.epochs = std::stoll(value);
      } else if (arg == "--threads") {
        o.threads = std::stoi(value);
      } else if (arg == "--subset") {
        o.subset = std::stoll(value);
      } else if (arg == "--data") {
        o.data_dir = value;
      } else if (arg == "--weight-decay") {
        o.weight_decay = std::stod(value);
      } else {
        usage("unknown option " + arg);
      }
    } catch (const std::logic_error&) {
      usage(arg + " is \"" + value + "\", but must be a number");
    }
  }
  if (o.epochs < 1 || o.threads < 1 || (o.subset && *o.subset < 1)) {
    usage("--epochs, --threads and --subset must be >= 1");
  }
  return o;
}

double seconds_since(std::chrono::steady_clock::time_point t) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t).count();
}

torch::Tensor features(const rigor::models::ExampleSet& s) {
  // from_blob does not copy: the ExampleSet outlives every use of the tensor.
  std::vector<std::int64_t> shape{s.size()};
  shape.insert(shape.end(), s.shape.begin(), s.shape.end());
  return torch::from_blob(const_cast<float*>(s.x.data()), shape, torch::kFloat);
}

torch::Tensor labels(const rigor::models::ExampleSet& s) {
  return torch::from_blob(const_cast<std::int64_t*>(s.y.data()), {s.size()}, torch::kLong);
}

struct Mlp : torch::nn::Module {
  Mlp()
      : fc1(register_module("fc1", torch::nn::Linear(784, 256))),
        fc2(register_module("fc2", torch::nn::Linear(256, 128))),
        fc3(register_module("fc3", torch::nn::Linear(128, 10))) {}
  torch::Tensor forward(const torch::Tensor& x) {
    torch::Tensor h = torch::relu(fc1->forward(x.flatten(1)));
    h = torch::relu(fc2->forward(h));
    return fc3->forward(h);
  }
  torch::nn::Linear fc1;
  torch::nn::Linear fc2;
  torch::nn::Linear fc3;
};

// Mean loss and accuracy over a set, in batches of 1024, eval mode, no gradients.
std::pair<double, double> evaluate(Mlp& net, const torch::Tensor& x, const torch::Tensor& y) {
  net.eval();
  torch::NoGradGuard no_grad;
  double loss = 0.0;
  std::int64_t correct = 0;
  const std::int64_t n = x.size(0);
  for (std::int64_t s = 0; s < n; s += 1024) {
    const std::int64_t b = std::min<std::int64_t>(1024, n - s);
    const torch::Tensor logits = net.forward(x.narrow(0, s, b));
    const torch::Tensor yb = y.narrow(0, s, b);
    loss += torch::nn::functional::cross_entropy(
                logits, yb, torch::nn::functional::CrossEntropyFuncOptions().reduction(torch::kSum))
                .item<double>();
    correct += logits.argmax(1).eq(yb).sum().item<std::int64_t>();
  }
  return {loss / static_cast<double>(n), static_cast<double>(correct) / static_cast<double>(n)};
}

std::string json_list(const std::vector<double>& v) {
  std::string s = "[";
  for (std::size_t i = 0; i < v.size(); ++i) {
    if (i > 0) s += ", ";
    s += std::to_string(v[i]);
  }
  return s + "]";
}

}  // namespace

int main(int argc, char** argv) {
  const Options o = parse(argc, argv);
  const auto start = std::chrono::steady_clock::now();
  torch::set_num_threads(o.threads);
  torch::manual_seed(0);

  // The data as `rigor run` prepares it for protocols/examples/fashion_mnist_dropout.toml.
  const auto load_start = std::chrono::steady_clock::now();
  rigor::protocols::Data spec;
  spec.kind = rigor::protocols::DatasetKind::kFashionMnist;
  spec.path = o.data_dir;
  spec.subset = o.subset;
  spec.split = {.train = 0.9, .validation = 0.1, .test = 0.0};
  rigor::models::PreparedData data;
  try {
    const auto raw = rigor::models::load_dataset(spec, ".", 0);
    data = rigor::models::prepare(raw, spec, 0);
  } catch (const std::exception& e) {
    std::cerr << "rigor_bare_loop: " << e.what() << "\n";
    return 1;
  }
  const torch::Tensor x_train = features(data.train);
  const torch::Tensor y_train = labels(data.train);
  const torch::Tensor x_val = features(data.validation);
  const torch::Tensor y_val = labels(data.validation);
  const torch::Tensor x_test = features(data.test);
  const torch::Tensor y_test = labels(data.test);
  const double load_s = seconds_since(load_start);

  Mlp net;
  torch::optim::SGD optimizer(
      net.parameters(), torch::optim::SGDOptions(0.05).momentum(0.9).weight_decay(o.weight_decay));
  const std::int64_t n = x_train.size(0);
  const std::int64_t batch = 128;
  std::vector<double> epoch_s;
  std::vector<double> eval_s;
  double train_loss = 0.0;
  double test_accuracy = 0.0;
  for (std::int64_t epoch = 0; epoch < o.epochs; ++epoch) {
    const auto epoch_start = std::chrono::steady_clock::now();
    net.train();
    const torch::Tensor order = torch::randperm(n, torch::kLong);
    double loss_sum = 0.0;
    for (std::int64_t s = 0; s < n; s += batch) {
      const std::int64_t b = std::min(batch, n - s);
      const torch::Tensor idx = order.narrow(0, s, b);
      const torch::Tensor xb = x_train.index_select(0, idx);
      const torch::Tensor yb = y_train.index_select(0, idx);
      const torch::Tensor loss = torch::nn::functional::cross_entropy(net.forward(xb), yb);
      optimizer.zero_grad();
      loss.backward();
      optimizer.step();
      loss_sum += loss.item<double>() * static_cast<double>(b);
    }
    train_loss = loss_sum / static_cast<double>(n);
    epoch_s.push_back(seconds_since(epoch_start));
    const auto eval_start = std::chrono::steady_clock::now();
    if (x_val.size(0) > 0) evaluate(net, x_val, y_val);
    if (x_test.size(0) > 0) test_accuracy = evaluate(net, x_test, y_test).second;
    eval_s.push_back(seconds_since(eval_start));
  }
  std::printf(
      "{\"load_s\": %.6f, \"epoch_s\": %s, \"eval_s\": %s, \"total_s\": %.6f, \"threads\": %d, "
      "\"train_examples\": %lld, \"train_loss\": %.6f, \"test_accuracy\": %.6f}\n",
      load_s, json_list(epoch_s).c_str(), json_list(eval_s).c_str(), seconds_since(start),
      o.threads, static_cast<long long>(n), train_loss, test_accuracy);
  return 0;
}
