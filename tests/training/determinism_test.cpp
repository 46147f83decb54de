// Tests of rigor::training::set_determinism, torch_provenance and the device checks, and the
// CUDA runs (tests ending in Cuda skip without a GPU).
#include <ATen/Context.h>
#include <ATen/Parallel.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <torch/cuda.h>
#include <torch/version.h>

#include <cstdlib>
#include <string>

#include "rigor/store/record.h"
#include "rigor/training/trainer.h"
#include "test_util.h"

namespace rigor::training {
namespace {

using ::testing::HasSubstr;
using ::testing::StartsWith;

TEST(Determinism, SetsEveryDeterminismSwitch) {
  auto& ctx = at::globalContext();
  ctx.setDeterministicAlgorithms(false, false);
  ctx.setBenchmarkCuDNN(true);
  set_determinism({.device = "cpu", .threads = 2});
  EXPECT_EQ(at::get_num_threads(), 2);
  EXPECT_TRUE(ctx.deterministicAlgorithms());
  EXPECT_FALSE(ctx.deterministicAlgorithmsWarnOnly());
  EXPECT_TRUE(ctx.deterministicCuDNN());
  EXPECT_FALSE(ctx.benchmarkCuDNN());
  EXPECT_FALSE(ctx.allowTF32CuBLAS());
  EXPECT_FALSE(ctx.allowTF32CuDNN());
  // A second call (another cell in the same process) must not throw on the inter-op count.
  set_determinism({.device = "cpu", .threads = 1});
  EXPECT_EQ(at::get_num_threads(), 1);
  EXPECT_EQ(at::get_num_interop_threads(), 1);
}

TEST(Determinism, BenchmarkHookTurnsEverySwitchTheOtherWay) {
  // RIGOR_NONDETERMINISTIC=1 exists only for measuring the cost of determinism (gpu-bench.py).
  auto& ctx = at::globalContext();
  ::setenv("RIGOR_NONDETERMINISTIC", "1", 1);
  set_determinism({.device = "cpu", .threads = 1});
  ::unsetenv("RIGOR_NONDETERMINISTIC");
  EXPECT_FALSE(ctx.deterministicAlgorithms());
  EXPECT_FALSE(ctx.deterministicCuDNN());
  EXPECT_TRUE(ctx.benchmarkCuDNN());
  EXPECT_TRUE(ctx.allowTF32CuBLAS());
  set_determinism({.device = "cpu", .threads = 1});
  EXPECT_TRUE(ctx.deterministicAlgorithms());
  EXPECT_FALSE(ctx.benchmarkCuDNN());
  EXPECT_FALSE(ctx.allowTF32CuBLAS());
}

TEST(Determinism, RejectsZeroThreads) {
  try {
    set_determinism({.device = "cpu", .threads = 0});
    FAIL() << "no error";
  } catch (const TrainingError& e) {
    EXPECT_THAT(e.what(), HasSubstr("--threads is 0, but must be >= 1"));
  }
}

TEST(Provenance, RecordsVersionBlasThreadsAndSwitches) {
  const TrainOptions o{.device = "cpu", .threads = 1};
  set_determinism(o);
  const auto p = torch_provenance(o);
  EXPECT_EQ(p.at("torch.version"), TORCH_VERSION);
  EXPECT_THAT(p.at("torch.config"), HasSubstr("PyTorch built with"));
  EXPECT_EQ(p.at("torch.cuda"), torch::cuda::is_available() ? "true" : "false");
  // This machine's LibTorch calls libblas.so.3, which Debian's alternatives resolve to a real
  // file: a resolved path (no symlink left), and a vendor recognised from it.
  const std::string& blas = p.at("blas.library");
  EXPECT_THAT(blas, StartsWith("/"));
  EXPECT_THAT(blas, ::testing::AnyOf(HasSubstr("blas"), HasSubstr("mkl")));
  EXPECT_NE(p.at("blas.vendor"), "unknown");
  EXPECT_NE(p.at("blas.vendor"), "none found in /proc/self/maps");
  EXPECT_EQ(p.at("threads.intra_op"), "1");
  EXPECT_EQ(p.at("threads.inter_op"), "1");
  EXPECT_EQ(p.at("threads.requested"), "1");
  EXPECT_EQ(p.at("determinism.algorithms"), "true");
  EXPECT_EQ(p.at("determinism.cudnn_deterministic"), "true");
  EXPECT_EQ(p.at("determinism.cudnn_benchmark"), "false");
  EXPECT_EQ(p.at("determinism.tf32_cublas"), "false");
  EXPECT_EQ(p.at("determinism.tf32_cudnn"), "false");
  for (const char* key :
       {"env.CUBLAS_WORKSPACE_CONFIG", "env.OMP_NUM_THREADS", "env.OPENBLAS_NUM_THREADS"}) {
    EXPECT_TRUE(p.count(key)) << key;
  }
  EXPECT_EQ(p.at("device"), "cpu");
  EXPECT_FALSE(p.count("cuda.device_name"));
  // Keys become HDF5 attribute names in the store: non-empty, no '/'.
  for (const auto& [k, v] : p) EXPECT_EQ(k.find('/'), std::string::npos) << k;
}

TEST(Device, DeviceCudaWithoutGpuIsAClearError) {
  if (torch::cuda::is_available()) GTEST_SKIP() << "a GPU is visible";
  for (const std::string device : {"cuda", "cuda:0"}) {
    try {
      set_determinism({.device = device});
      FAIL() << "no error";
    } catch (const TrainingError& e) {
      EXPECT_EQ(std::string(e.what()),
                "--device " + device + ": this rigor-worker was built with LibTorch " +
                    TORCH_VERSION +
                    " without CUDA support (or no GPU is visible: torch::cuda::device_count() = "
                    "0); use --device cpu, or build against a CUDA LibTorch "
                    "(scripts/gpu-check.sh)");
    }
  }
  // train_cell checks too, before touching the network.
  const auto p = test::protocol();
  EXPECT_THROW(train_cell(p, test::cell(p, "mlp"), test::blobs(), {.device = "cuda"}, {}),
               TrainingError);
}

// ---- CUDA
// ----------------------------------------------------------------------------------------

TEST(Device, TrainsDeterministicallyOnCuda) {
  if (!torch::cuda::is_available()) GTEST_SKIP() << "no CUDA device";
  const TrainOptions o{.device = "cuda:0", .threads = 1};
  set_determinism(o);
  const auto p = test::protocol();
  const auto d = test::blobs();
  const auto c = test::cell(p, "mlp");
  const auto a = train_cell(p, c, d, o, {});
  const auto b = train_cell(p, c, d, o, {});
  ASSERT_EQ(a.status, rigor::store::RunStatus::kComplete) << a.error;
  EXPECT_THAT(a.device, StartsWith("cuda:0"));
  EXPECT_EQ(a.params_sha256, b.params_sha256);
  EXPECT_EQ(a.step_metrics.at("train_loss").size(), b.step_metrics.at("train_loss").size());
  EXPECT_GT(a.final_metrics.at("accuracy"), 0.8);
  const auto prov = torch_provenance(o);
  EXPECT_TRUE(prov.count("cuda.device_name"));
  EXPECT_TRUE(prov.count("cuda.runtime"));
  EXPECT_TRUE(prov.count("cuda.cudnn"));
  EXPECT_EQ(prov.at("env.CUBLAS_WORKSPACE_CONFIG"), ":4096:8");
}

TEST(Device, RejectsAMissingCudaIndexCuda) {
  if (!torch::cuda::is_available()) GTEST_SKIP() << "no CUDA device";
  const auto count = torch::cuda::device_count();
  const std::string device = "cuda:" + std::to_string(count);
  try {
    set_determinism({.device = device});
    FAIL() << "no error";
  } catch (const TrainingError& e) {
    EXPECT_THAT(e.what(), HasSubstr("there is no CUDA device " + std::to_string(count)));
  }
}

}  // namespace
}  // namespace rigor::training
