// determinism.cpp — the process-wide determinism switches, the device check and the provenance of
// the LibTorch a run trains with (docs/training.md, "Determinism" and "Provenance").
#include <ATen/Context.h>
#include <ATen/Parallel.h>
#include <ATen/Version.h>
#include <dlfcn.h>
#include <fmt/format.h>
#include <torch/cuda.h>
#include <torch/torch.h>
#include <torch/version.h>

#include <array>
#include <climits>
#include <cstdlib>
#include <fstream>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "device.h"
#include "rigor/training/trainer.h"

namespace rigor::training {
namespace detail {
namespace {

const char* const kTorchVersion = TORCH_VERSION;

std::string bool_text(bool b) { return b ? "true" : "false"; }

// The CUDA driver API, opened at run time: a CPU-only LibTorch build must not link libcuda, and
// LibTorch exposes neither the GPU name nor the driver version without the CUDA headers.
// Signatures from cuda.h (CUresult and CUdevice are int).
class CudaDriver {
 public:
  static const CudaDriver& get() {
    static const CudaDriver driver;
    return driver;
  }
  bool ok() const { return init_ != nullptr && init_(0) == 0; }
  std::optional<int> version() const {
    int v = 0;
    if (!ok() || version_ == nullptr || version_(&v) != 0) return std::nullopt;
    return v;
  }
  std::optional<std::string> name(int index) const {
    int dev = 0;
    std::array<char, 256> buf{};
    if (!ok() || device_get_ == nullptr || device_name_ == nullptr ||
        device_get_(&dev, index) != 0 ||
        device_name_(buf.data(), static_cast<int>(buf.size()), dev) != 0) {
      return std::nullopt;
    }
    buf.back() = '\0';
    return std::string(buf.data());
  }

 private:
  using InitFn = int (*)(unsigned int);
  using VersionFn = int (*)(int*);
  using DeviceGetFn = int (*)(int*, int);
  using DeviceNameFn = int (*)(char*, int, int);

  CudaDriver() {
    // Never dlclose'd: the driver stays loaded for the life of the process (LibTorch holds it too).
    void* lib = dlopen("libcuda.so.1", RTLD_LAZY | RTLD_LOCAL);
    if (lib == nullptr) return;
    init_ = reinterpret_cast<InitFn>(dlsym(lib, "cuInit"));
    version_ = reinterpret_cast<VersionFn>(dlsym(lib, "cuDriverGetVersion"));
    device_get_ = reinterpret_cast<DeviceGetFn>(dlsym(lib, "cuDeviceGet"));
    device_name_ = reinterpret_cast<DeviceNameFn>(dlsym(lib, "cuDeviceGetName"));
  }

  InitFn init_ = nullptr;
  VersionFn version_ = nullptr;
  DeviceGetFn device_get_ = nullptr;
  DeviceNameFn device_name_ = nullptr;
};

std::string env_text(const char* name) {
  const char* v = std::getenv(name);
  return v == nullptr ? std::string("(unset)") : std::string(v);
}

// The BLAS shared objects mapped into this process, resolved through symlinks (Debian's
// alternatives make libblas.so.3 point at OpenBLAS, reference BLAS, BLIS or MKL), in map order.
std::vector<std::string> loaded_blas_libraries() {
  std::vector<std::string> out;
  std::ifstream maps("/proc/self/maps");
  std::string line;
  while (std::getline(maps, line)) {
    const std::size_t slash = line.find('/');
    if (slash == std::string::npos) continue;
    const std::string path = line.substr(slash);
    const std::size_t base = path.rfind('/');
    const std::string file = path.substr(base + 1);
    const bool blas = file.rfind("libblas", 0) == 0 || file.rfind("libopenblas", 0) == 0 ||
                      file.rfind("libmkl", 0) == 0 || file.rfind("libblis", 0) == 0 ||
                      file.rfind("libcblas", 0) == 0;
    if (!blas) continue;
    std::array<char, PATH_MAX> resolved{};
    const std::string real =
        realpath(path.c_str(), resolved.data()) != nullptr ? std::string(resolved.data()) : path;
    bool seen = false;
    for (const auto& p : out) seen = seen || p == real;
    if (!seen) out.push_back(real);
  }
  return out;
}

// The BLAS implementation a resolved library path belongs to (Debian's directory names).
std::string blas_vendor(const std::string& path) {
  if (path.find("openblas-openmp") != std::string::npos) return "openblas-openmp";
  if (path.find("openblas-pthread") != std::string::npos) return "openblas-pthread";
  if (path.find("openblas-serial") != std::string::npos) return "openblas-serial";
  if (path.find("libopenblas") != std::string::npos) return "openblas";
  if (path.find("mkl") != std::string::npos) return "mkl";
  if (path.find("blis") != std::string::npos) return "blis";
  if (path.find("atlas") != std::string::npos) return "atlas";
  if (path.find("/blas/libblas") != std::string::npos) return "reference";
  return "unknown";
}

// cudaRuntimeGetVersion encodes 1000 * major + 10 * minor (CUDA Runtime API reference).
std::string cudart_text(long v) { return fmt::format("{}.{} ({})", v / 1000, (v % 1000) / 10, v); }

// cuDNN encodes major * 1000 + minor * 100 + patch before 9, major * 10000 + minor * 100 + patch
// from 9 on (cudnn.h, CUDNN_VERSION).
std::string cudnn_text(long v) {
  if (v >= 90000) return fmt::format("{}.{}.{} ({})", v / 10000, (v % 10000) / 100, v % 100, v);
  return fmt::format("{}.{}.{} ({})", v / 1000, (v % 1000) / 100, v % 100, v);
}

}  // namespace

torch::Device resolve_device(const std::string& spec) {
  if (spec == "cpu") return torch::Device(torch::kCPU);
  int index = 0;
  const std::string prefix = "cuda:";
  if (spec != "cuda") {
    bool ok = spec.size() > prefix.size() && spec.size() <= prefix.size() + 3 &&
              spec.rfind(prefix, 0) == 0;
    for (std::size_t i = prefix.size(); ok && i < spec.size(); ++i) {
      ok = spec[i] >= '0' && spec[i] <= '9';
      index = index * 10 + (spec[i] - '0');
    }
    if (!ok) {
      throw TrainingError(fmt::format(
          "--device \"{}\": unknown device; use cpu, cuda or cuda:<index> (e.g. cuda:0)", spec));
    }
  }
  // In a CUDA build, is_available() is device_count() > 0, so "no CUDA" and "no GPU" look alike.
  if (!torch::cuda::is_available()) {
    throw TrainingError(fmt::format(
        "--device {}: this rigor-worker was built with LibTorch {} without CUDA support (or no GPU "
        "is visible: torch::cuda::device_count() = {}); use --device cpu, or build against a CUDA "
        "LibTorch (scripts/gpu-check.sh)",
        spec, kTorchVersion, torch::cuda::device_count()));
  }
  const auto count = static_cast<int>(torch::cuda::device_count());
  if (index >= count) {
    throw TrainingError(fmt::format(
        "--device {}: there is no CUDA device {}, only {} visible (CUDA_VISIBLE_DEVICES="
        "{}); use --device cuda:<index> with an index from 0 to {}",
        spec, index, count, env_text("CUDA_VISIBLE_DEVICES"), count - 1));
  }
  return torch::Device(torch::kCUDA, static_cast<c10::DeviceIndex>(index));
}

std::string describe_device(const torch::Device& device) {
  if (!device.is_cuda()) return "cpu";
  const int index = device.has_index() ? device.index() : 0;
  const auto name = cuda_device_name(index);
  return name ? fmt::format("cuda:{} ({})", index, *name) : fmt::format("cuda:{}", index);
}

std::optional<std::string> cuda_device_name(int index) { return CudaDriver::get().name(index); }

// cuDriverGetVersion encodes 1000 * major + 10 * minor (CUDA Driver API reference).
std::optional<std::string> cuda_driver_version() {
  const auto v = CudaDriver::get().version();
  if (!v) return std::nullopt;
  return fmt::format("{}.{} ({})", *v / 1000, (*v % 1000) / 10, *v);
}

}  // namespace detail

void set_determinism(const TrainOptions& options) {
  if (options.threads < 1) {
    throw TrainingError(
        fmt::format("--threads is {}, but must be >= 1; use --threads 1 (one intra-op thread per "
                    "run, the default)",
                    options.threads));
  }
  const torch::Device device = detail::resolve_device(options.device);
  if (device.is_cuda() && (std::getenv("RIGOR_NONDETERMINISTIC") == nullptr ||
                           std::string_view(std::getenv("RIGOR_NONDETERMINISTIC")) != "1")) {
    // cuBLAS reads it when its first handle is created; deterministic algorithms make LibTorch
    // throw on a cuBLAS call without it (PyTorch "Reproducibility" notes). The worker sets it at
    // start; this only fills it in for other callers, never overriding a user's value.
    setenv("CUBLAS_WORKSPACE_CONFIG", ":4096:8", /*overwrite=*/0);
  }
  // Intra-op threads: also the OpenMP thread count of OpenBLAS-openmp (at::set_num_threads calls
  // omp_set_num_threads). Results of reductions can depend on it, so it is pinned and recorded.
  torch::set_num_threads(options.threads);
  // Inter-op threads (only used by torch.jit fork/wait, which rigor does not use) can be set once,
  // before the pool starts; a second call throws, hence the flag.
  static bool interop_set = false;
  if (!interop_set) {
    interop_set = true;
    try {
      at::set_num_interop_threads(1);
    } catch (const c10::Error&) {
      // The pool already started (someone ran inter-op work first): provenance records the
      // actual count, which is what matters for reproducing the run.
    }
  }
  auto& ctx = at::globalContext();
  // Benchmarking hook, never for studies: RIGOR_NONDETERMINISTIC=1 turns every switch the other
  // way (LibTorch's fast defaults plus cuDNN benchmark and TF32), so scripts/gpu-bench.py can
  // measure what determinism costs. Provenance reads the switches back, so a store made this way
  // says so.
  const char* fast = std::getenv("RIGOR_NONDETERMINISTIC");
  const bool deterministic = fast == nullptr || std::string_view(fast) != "1";
  // warn_only = false: a nondeterministic op throws, naming itself
  // (torch.use_deterministic_algorithms).
  ctx.setDeterministicAlgorithms(deterministic, false);
  ctx.setDeterministicCuDNN(deterministic);
  ctx.setBenchmarkCuDNN(!deterministic);
  // TF32 changes float32 matmul and convolution results on Ampere and newer GPUs. LibTorch 2.9
  // added setFloat32Precision; these setters still exist there and keep meaning "TF32 off".
  ctx.setAllowTF32CuBLAS(!deterministic);
  ctx.setAllowTF32CuDNN(!deterministic);
}

std::map<std::string, std::string> torch_provenance(const TrainOptions& options) {
  std::map<std::string, std::string> p;
  auto& ctx = at::globalContext();
  p["torch.version"] = detail::kTorchVersion;
  p["torch.config"] = at::show_config();
  p["torch.cuda"] = detail::bool_text(at::hasCUDA());
  p["torch.cuda_devices"] = std::to_string(at::hasCUDA() ? torch::cuda::device_count() : 0);
  const auto blas = detail::loaded_blas_libraries();
  std::string library;
  std::string vendor = blas.empty() ? "none found in /proc/self/maps" : "unknown";
  for (const auto& path : blas) {
    library += (library.empty() ? "" : "; ") + path;
    const std::string v = detail::blas_vendor(path);
    if (vendor == "unknown" && v != "unknown") vendor = v;
  }
  p["blas.library"] = library;
  p["blas.vendor"] = vendor;
  p["threads.requested"] = std::to_string(options.threads);
  p["threads.intra_op"] = std::to_string(at::get_num_threads());
  p["threads.inter_op"] = std::to_string(at::get_num_interop_threads());
  p["determinism.algorithms"] = detail::bool_text(ctx.deterministicAlgorithms());
  p["determinism.algorithms_warn_only"] = detail::bool_text(ctx.deterministicAlgorithmsWarnOnly());
  p["determinism.cudnn_deterministic"] = detail::bool_text(ctx.deterministicCuDNN());
  p["determinism.cudnn_benchmark"] = detail::bool_text(ctx.benchmarkCuDNN());
  p["determinism.tf32_cublas"] = detail::bool_text(ctx.allowTF32CuBLAS());
  p["determinism.tf32_cudnn"] = detail::bool_text(ctx.allowTF32CuDNN());
  for (const char* name : {"CUBLAS_WORKSPACE_CONFIG", "OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS",
                           "MKL_NUM_THREADS", "CUDA_VISIBLE_DEVICES"}) {
    p[std::string("env.") + name] = detail::env_text(name);
  }
  const torch::Device device = detail::resolve_device(options.device);
  p["device"] = detail::describe_device(device);
  if (device.is_cuda()) {
    const int index = device.has_index() ? device.index() : 0;
    const auto name = detail::cuda_device_name(index);
    p["cuda.device_name"] = name.value_or("(not readable: libcuda.so.1 cuDeviceGetName failed)");
    const auto& hooks = at::detail::getCUDAHooks();
    p["cuda.runtime"] = detail::cudart_text(hooks.versionCUDART());
    p["cuda.cudnn"] =
        hooks.hasCuDNN() ? detail::cudnn_text(hooks.versionCuDNN()) : std::string("(none)");
    const auto driver = detail::cuda_driver_version();
    p["cuda.driver"] = driver.value_or("(not readable: libcuda.so.1 cuDriverGetVersion failed)");
  }
  return p;
}

}  // namespace rigor::training
