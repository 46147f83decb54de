// IDX reader (LeCun & Cortes' MNIST file format) on zlib's gz* interface, which reads gzip and
// uncompressed files alike.
#include <fmt/format.h>
#include <zlib.h>

#include <algorithm>
#include <bit>
#include <cerrno>
#include <climits>
#include <cmath>
#include <cstring>
#include <memory>
#include <string>
#include <string_view>
#include <system_error>

#include "data_internal.h"
#include "rigor/models/data.h"

namespace rigor::models {
namespace {

struct GzCloser {
  void operator()(gzFile_s* f) const { gzclose(f); }
};
using GzFile = std::unique_ptr<gzFile_s, GzCloser>;

std::string type_name(int type) {
  switch (type) {
    case 0x08:
      return "ubyte";
    case 0x09:
      return "byte";
    case 0x0B:
      return "short";
    case 0x0C:
      return "int";
    case 0x0D:
      return "float";
    case 0x0E:
      return "double";
    default:
      return "unknown";
  }
}

std::string dims_text(const std::vector<std::int64_t>& dims) {
  std::string out;
  for (std::size_t i = 0; i < dims.size(); ++i) out += (i ? " x " : "") + std::to_string(dims[i]);
  return out;
}

// zlib's last error text, without the path gzerror puts in front ("file: unexpected end of
// file"): the messages name the file already. Empty when there is no error.
std::string zlib_error(gzFile f, int* code) {
  const char* msg = gzerror(f, code);
  if (*code == Z_OK || msg == nullptr) return "";
  std::string_view text(msg);
  if (const auto colon = text.rfind(": "); colon != std::string_view::npos) {
    text.remove_prefix(colon + 2);
  }
  return std::string(text);
}

// Why a short read happened: a truncated gzip stream reports Z_BUF_ERROR ("unexpected end of
// file"); an uncompressed file simply ends.
std::string short_read_note(gzFile f) {
  int code = Z_OK;
  const std::string msg = zlib_error(f, &code);
  return code == Z_BUF_ERROR ? fmt::format(" (zlib: {})", msg) : "";
}

// Reads up to `size` bytes (gzread takes an unsigned count and returns an int: at most 1 GiB per
// call). Returns the bytes read; throws on a zlib error other than a premature end of the stream.
std::size_t read_bytes(gzFile f, unsigned char* out, std::size_t size, const std::string& file,
                       std::size_t offset) {
  std::size_t done = 0;
  while (done < size) {
    const auto chunk = static_cast<unsigned>(std::min<std::size_t>(size - done, 1u << 30));
    const int got = gzread(f, out + done, chunk);
    if (got < 0) {
      int code = Z_OK;
      const std::string msg = zlib_error(f, &code);
      throw DataError(fmt::format(
          "{}: near byte offset {}: cannot decompress (zlib: {}); the .gz file is damaged, "
          "download or install it again",
          file, offset + done, msg.empty() ? "error" : msg));
    }
    if (got == 0) break;
    done += static_cast<std::size_t>(got);
  }
  return done;
}

std::uint32_t be32(const unsigned char* p) {
  return (std::uint32_t{p[0]} << 24) | (std::uint32_t{p[1]} << 16) | (std::uint32_t{p[2]} << 8) |
         std::uint32_t{p[3]};
}

std::uint64_t be64(const unsigned char* p) {
  return (std::uint64_t{be32(p)} << 32) | std::uint64_t{be32(p + 4)};
}

// Big-endian values of `type` -> floats (ubyte divided by `scale`). Non-finite floats are errors;
// `offset` and `first` locate b[0] in the file and in the array.
void convert(const unsigned char* b, std::size_t n, int type, float scale, float* v,
             const std::string& file, std::size_t offset, std::size_t first) {
  switch (type) {
    case 0x08:
      if (scale == 1.0f) {
        for (std::size_t i = 0; i < n; ++i) v[i] = static_cast<float>(b[i]);
      } else {
        for (std::size_t i = 0; i < n; ++i) v[i] = static_cast<float>(b[i]) / scale;
      }
      return;
    case 0x09:
      for (std::size_t i = 0; i < n; ++i) v[i] = static_cast<float>(static_cast<std::int8_t>(b[i]));
      return;
    case 0x0B:
      for (std::size_t i = 0; i < n; ++i) {
        const auto u = static_cast<std::uint16_t>((b[2 * i] << 8) | b[2 * i + 1]);
        v[i] = static_cast<float>(static_cast<std::int16_t>(u));
      }
      return;
    case 0x0C:
      for (std::size_t i = 0; i < n; ++i) {
        v[i] = static_cast<float>(static_cast<std::int32_t>(be32(b + 4 * i)));
      }
      return;
    default:  // 0x0D float, 0x0E double
      for (std::size_t i = 0; i < n; ++i) {
        const double value = type == 0x0D
                                 ? static_cast<double>(std::bit_cast<float>(be32(b + 4 * i)))
                                 : std::bit_cast<double>(be64(b + 8 * i));
        v[i] = static_cast<float>(value);
        if (!std::isfinite(v[i])) {
          throw DataError(fmt::format(
              "{}: byte offset {}: value [{}] = {} is {}, but every value must be a finite "
              "number within the float range (|x| < 3.4e38); fix or drop it",
              file, offset + i * detail::idx_type_size(type), first + i, value,
              std::isfinite(value) ? "beyond the float range" : "not finite"));
        }
      }
      return;
  }
}

}  // namespace

namespace detail {

IdxArray read_idx(const std::filesystem::path& path, bool unit_ubyte) {
  const std::string file = path.string();
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec)) {
    throw DataError(fmt::format("{}: no such file; check the path", file));
  }
  errno = 0;
  GzFile f(gzopen(file.c_str(), "rb"));
  if (!f) {
    throw DataError(fmt::format("{}: cannot open ({}); check the file's permissions", file,
                                errno ? std::strerror(errno) : "out of memory"));
  }
  // 128 KiB input buffer (zlib: 8 KiB); reads of at least this size inflate straight into ours.
  gzbuffer(f.get(), 1u << 17);

  unsigned char head[4];
  std::size_t got = read_bytes(f.get(), head, 4, file, 0);
  if (got < 4) {
    throw DataError(fmt::format(
        "{}: byte offset {}: truncated: an IDX header needs 4 bytes (00 00 type ndims), but the "
        "data ends after {}{}; is it an IDX file?",
        file, got, got, short_read_note(f.get())));
  }
  if (head[0] != 0 || head[1] != 0) {
    throw DataError(fmt::format(
        "{}: byte offset 0: bad magic number {:02x} {:02x} {:02x} {:02x}: an IDX file starts with "
        "00 00 <type> <ndims>; is it an IDX file?",
        file, head[0], head[1], head[2], head[3]));
  }
  IdxArray out;
  out.type = head[2];
  const std::size_t size = detail::idx_type_size(out.type);
  if (size == 0) {
    throw DataError(fmt::format(
        "{}: byte offset 2: unknown element type 0x{:02x}; IDX types are 0x08 (ubyte), 0x09 "
        "(byte), 0x0b (short), 0x0c (int), 0x0d (float) and 0x0e (double)",
        file, head[2]));
  }
  const int ndims = head[3];
  if (ndims == 0) {
    throw DataError(fmt::format(
        "{}: byte offset 3: the number of dimensions is 0, but an IDX array needs at least 1",
        file));
  }
  std::vector<unsigned char> dim_bytes(static_cast<std::size_t>(ndims) * 4);
  got = read_bytes(f.get(), dim_bytes.data(), dim_bytes.size(), file, 4);
  if (got < dim_bytes.size()) {
    throw DataError(fmt::format(
        "{}: byte offset {}: truncated: the header declares {} dimensions ({} bytes of sizes from "
        "offset 4), but only {} of those bytes follow{}",
        file, 4 + got, ndims, dim_bytes.size(), got, short_read_note(f.get())));
  }
  // rigor keeps values in one std::vector<float>: at most 2^32 of them (16 GiB).
  constexpr std::uint64_t kMaxValues = std::uint64_t{1} << 32;
  std::uint64_t count = 1;
  for (int d = 0; d < ndims; ++d) {
    const std::uint32_t n = be32(&dim_bytes[static_cast<std::size_t>(d) * 4]);
    out.dims.push_back(static_cast<std::int64_t>(n));
    if (n != 0 && count > kMaxValues / n) count = kMaxValues + 1;  // saturate: overflow guard
    count = count > kMaxValues ? count : count * n;
  }
  const std::size_t data_offset = 4 + dim_bytes.size();
  if (count > kMaxValues) {
    throw DataError(fmt::format(
        "{}: byte offset 4: the dimensions {} give more than 2^32 values, more than rigor reads; "
        "is the header damaged?",
        file, dims_text(out.dims)));
  }
  const std::size_t n_values = static_cast<std::size_t>(count);
  const std::size_t n_bytes = n_values * size;

  // Decode in chunks of 256 KiB: each chunk is inflated, converted into a small float buffer that
  // stays in cache, and appended, so the 47 MB of Fashion-MNIST's training images never exist
  // twice in memory and no pass runs over cold memory (measured in docs/data.md). The reserve is
  // capped so that a damaged header cannot ask for 16 GiB before the data proves it.
  out.values.reserve(std::min<std::size_t>(n_values, std::size_t{1} << 28));
  constexpr std::size_t kChunk = 1u << 18;  // a multiple of every element size
  std::vector<unsigned char> raw(kChunk);
  std::vector<float> conv(kChunk);
  const float scale = unit_ubyte && out.type == 0x08 ? 255.0f : 1.0f;
  std::size_t done = 0;
  while (done < n_bytes) {
    const std::size_t want = std::min(kChunk, n_bytes - done);
    got = read_bytes(f.get(), raw.data(), want, file, data_offset + done);
    if (got < want) {
      throw DataError(fmt::format(
          "{}: byte offset {}: truncated: the dimensions {} ({}) need {} bytes of data from "
          "offset {}, but the data ends after {}{}; the file is incomplete, download or install "
          "it again",
          file, data_offset + done + got, dims_text(out.dims), type_name(out.type), n_bytes,
          data_offset, done + got, short_read_note(f.get())));
    }
    const std::size_t n = want / size;
    convert(raw.data(), n, out.type, scale, conv.data(), file, data_offset + done, done / size);
    out.values.insert(out.values.end(), conv.begin(),
                      conv.begin() + static_cast<std::ptrdiff_t>(n));
    done += want;
  }
  // Bytes beyond the declared array mean the dimensions and the data disagree.
  std::size_t extra = 0;
  for (;;) {
    const std::size_t more =
        read_bytes(f.get(), raw.data(), raw.size(), file, data_offset + n_bytes + extra);
    if (more == 0) break;
    extra += more;
  }
  if (extra > 0) {
    throw DataError(fmt::format(
        "{}: byte offset {}: {} bytes follow the {} values the dimensions {} declare ({}, {} bytes "
        "from offset {}); the product of the dimensions does not match the data",
        file, data_offset + n_bytes, extra, n_values, dims_text(out.dims), type_name(out.type),
        n_bytes, data_offset));
  }
  return out;
}

}  // namespace detail

IdxArray read_idx(const std::filesystem::path& file) { return detail::read_idx(file, false); }

namespace detail {

std::size_t idx_type_size(int type) {
  switch (type) {
    case 0x08:
    case 0x09:
      return 1;
    case 0x0B:
      return 2;
    case 0x0C:
    case 0x0D:
      return 4;
    case 0x0E:
      return 8;
    default:
      return 0;
  }
}

}  // namespace detail

}  // namespace rigor::models
