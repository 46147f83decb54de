// Internals shared by the dataset sources of rigor::models_data (not installed, not public).
#ifndef RIGOR_MODELS_SRC_DATA_INTERNAL_H_
#define RIGOR_MODELS_SRC_DATA_INTERNAL_H_

#include <cstddef>
#include <cstdint>
#include <string>

#include "rigor/models/data.h"

struct evp_md_ctx_st;

namespace rigor::models::detail {

// Incremental SHA-256 (OpenSSL EVP), hex digest. Throws DataError if OpenSSL fails.
class Sha256 {
 public:
  Sha256();
  ~Sha256();
  Sha256(const Sha256&) = delete;
  Sha256& operator=(const Sha256&) = delete;
  void update(const void* data, std::size_t size);
  std::string hex_digest();  // finishes the hash; call once

 private:
  evp_md_ctx_st* ctx_;
};

// Bytes per element of an IDX type code (0x08 ubyte ... 0x0E double); 0 for an unknown code.
std::size_t idx_type_size(int type);

// read_idx, with ubyte values divided by 255 (to [0, 1]) when `unit_ubyte`, in the same pass.
IdxArray read_idx(const std::filesystem::path& file, bool unit_ubyte);

// The synthetic datasets (synthetic.cpp); see docs/data.md for the generators' definitions.
RawDataset make_synthetic(const rigor::protocols::Data& data, std::uint64_t seed);

}  // namespace rigor::models::detail

#endif  // RIGOR_MODELS_SRC_DATA_INTERNAL_H_
