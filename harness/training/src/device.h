// device.h (internal to rigor::training) — the --device text turned into a torch::Device, checked
// against what this LibTorch and this machine offer, and described for the run record. Defined in
// determinism.cpp; used by trainer.cpp.
//
//   torch::Device device = rigor::training::detail::resolve_device("cuda:1");  // throws
//   record.device = rigor::training::detail::describe_device(device);  // "cuda:1 (NVIDIA H100
//   ...)"
#ifndef RIGOR_TRAINING_DEVICE_H_
#define RIGOR_TRAINING_DEVICE_H_

#include <torch/torch.h>

#include <optional>
#include <string>

namespace rigor::training::detail {

// "cpu" -> CPU; "cuda" -> cuda:0; "cuda:<k>" -> cuda:k. Throws TrainingError for any other text,
// for CUDA when LibTorch has no CUDA or no GPU is visible, and for an index >= the device count.
torch::Device resolve_device(const std::string& spec);

// "cpu", or "cuda:<k> (<GPU name>)" ("cuda:<k>" alone when the name cannot be read).
std::string describe_device(const torch::Device& device);

// The GPU's name from the CUDA driver (libcuda.so.1, opened with dlopen so that a CPU-only build
// does not link CUDA), or nullopt when the driver or the device is not available.
std::optional<std::string> cuda_device_name(int index);

// The CUDA driver's version as "major.minor" (cuDriverGetVersion), or nullopt without a driver.
std::optional<std::string> cuda_driver_version();

}  // namespace rigor::training::detail

#endif  // RIGOR_TRAINING_DEVICE_H_
