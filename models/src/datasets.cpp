// load_dataset: Fashion-MNIST, IDX directories, CSV tables and (via synthetic.cpp) synthetic data,
// with the SHA-256 digest of what was read. The user-facing rules are in docs/data.md.
#include <fmt/format.h>
#include <openssl/evp.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstring>
#include <fstream>
#include <iterator>
#include <map>
#include <optional>
#include <string_view>
#include <system_error>

#include "data_internal.h"
#include "rigor/models/data.h"

namespace rigor::models {

namespace fs = std::filesystem;
using rigor::protocols::Data;
using rigor::protocols::DatasetKind;

std::int64_t ExampleSet::example_size() const {
  std::int64_t n = 1;
  for (std::int64_t d : shape) n *= d;
  return n;
}

namespace detail {

Sha256::Sha256() : ctx_(EVP_MD_CTX_new()) {
  if (ctx_ == nullptr || EVP_DigestInit_ex(ctx_, EVP_sha256(), nullptr) != 1) {
    EVP_MD_CTX_free(ctx_);
    throw DataError(
        "SHA-256 failed in OpenSSL (EVP_DigestInit_ex); check the OpenSSL installation");
  }
}

Sha256::~Sha256() { EVP_MD_CTX_free(ctx_); }

void Sha256::update(const void* data, std::size_t size) {
  if (EVP_DigestUpdate(ctx_, data, size) != 1) {
    throw DataError("SHA-256 failed in OpenSSL (EVP_DigestUpdate); check the OpenSSL installation");
  }
}

std::string Sha256::hex_digest() {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  if (EVP_DigestFinal_ex(ctx_, digest, &length) != 1) {
    throw DataError(
        "SHA-256 failed in OpenSSL (EVP_DigestFinal_ex); check the OpenSSL installation");
  }
  std::string hex;
  for (unsigned int i = 0; i < length; ++i) hex += fmt::format("{:02x}", digest[i]);
  return hex;
}

}  // namespace detail

namespace {

constexpr std::int64_t kMaxClasses = 1'000'000;  // class_counts stays small; far above real tasks
constexpr const char* kFashionMnistDir = "/usr/share/datasets/fashion-mnist";
constexpr std::array<const char*, 4> kIdxFiles = {
    "train-images-idx3-ubyte", "train-labels-idx1-ubyte", "t10k-images-idx3-ubyte",
    "t10k-labels-idx1-ubyte"};

fs::path resolve(const fs::path& base_dir, const std::string& path) {
  const fs::path p(path);
  return p.is_relative() && !base_dir.empty() ? base_dir / p : p;
}

// Feeds a file's bytes, as stored on disk, into `hash`.
void hash_file(detail::Sha256& hash, const fs::path& file) {
  std::ifstream in(file, std::ios::binary);
  std::vector<char> buf(1u << 20);
  while (in) {
    in.read(buf.data(), static_cast<std::streamsize>(buf.size()));
    const std::streamsize got = in.gcount();
    if (got > 0) hash.update(buf.data(), static_cast<std::size_t>(got));
  }
  if (in.bad()) {
    throw DataError(fmt::format("{}: read error while hashing; check the disk", file.string()));
  }
}

// One split (train or t10k) of an IDX image dataset.
struct IdxPart {
  ExampleSet set;
  std::int64_t max_label = -1;
};

IdxPart read_idx_part(const fs::path& images_file, const fs::path& labels_file) {
  IdxArray images = detail::read_idx(images_file, true);  // ubyte pixels 0..255 -> [0, 1]
  const IdxArray labels = read_idx(labels_file);
  const std::string img = images_file.string(), lab = labels_file.string();
  const std::int64_t n = images.dims[0];
  if (!(labels.dims.size() == 1 || (labels.dims.size() == 2 && labels.dims[1] == 1))) {
    std::string dims;
    for (std::size_t i = 0; i < labels.dims.size(); ++i) {
      dims += (i ? " x " : "") + std::to_string(labels.dims[i]);
    }
    throw DataError(fmt::format(
        "{}: byte offset 3: the labels have dimensions {}, but must be one label per example "
        "(1 dimension); is it a labels file?",
        lab, dims));
  }
  if (labels.dims[0] != n) {
    throw DataError(fmt::format(
        "{}: byte offset 4: {} labels, but {} has {} examples; the two files must belong together",
        lab, labels.dims[0], img, n));
  }
  IdxPart part;
  // Per-example shape: {n} -> {1}; {n, f} -> {f}; {n, h, w} -> {1, h, w} (one channel); {n, c, h,
  // w, ...} -> {c, h, w, ...}.
  if (images.dims.size() == 1) {
    part.set.shape = {1};
  } else if (images.dims.size() == 3) {
    part.set.shape = {1, images.dims[1], images.dims[2]};
  } else {
    part.set.shape.assign(images.dims.begin() + 1, images.dims.end());
  }
  part.set.x = std::move(images.values);
  part.set.y.resize(static_cast<std::size_t>(n));
  part.set.index.resize(static_cast<std::size_t>(n));
  const std::size_t offset = 4 + 4 * labels.dims.size(), size = detail::idx_type_size(labels.type);
  for (std::int64_t i = 0; i < n; ++i) {
    const float v = labels.values[static_cast<std::size_t>(i)];
    if (!(v >= 0.0f && v < static_cast<float>(kMaxClasses) && v == std::floor(v))) {
      throw DataError(fmt::format(
          "{}: byte offset {}: label {} is {}, but labels must be integers in [0, {}) (class "
          "numbers)",
          lab, offset + static_cast<std::size_t>(i) * size, i, v, kMaxClasses));
    }
    const auto label = static_cast<std::int64_t>(v);
    part.set.y[static_cast<std::size_t>(i)] = label;
    part.set.index[static_cast<std::size_t>(i)] = i;
    part.max_label = std::max(part.max_label, label);
  }
  return part;
}

// dir/name.gz, else dir/name; nullopt when neither exists.
std::optional<fs::path> find_idx_file(const fs::path& dir, const std::string& name) {
  std::error_code ec;
  for (const fs::path& p : {dir / (name + ".gz"), dir / name}) {
    if (fs::is_regular_file(p, ec)) return p;
  }
  return std::nullopt;
}

std::string shape_text(const std::vector<std::int64_t>& shape) {
  std::string out = "{";
  for (std::size_t i = 0; i < shape.size(); ++i) out += (i ? ", " : "") + std::to_string(shape[i]);
  return out + "}";
}

RawDataset load_idx_dataset(const Data& data, const fs::path& base_dir, bool fashion) {
  const fs::path dir =
      fashion && data.path.empty() ? fs::path(kFashionMnistDir) : resolve(base_dir, data.path);
  std::array<fs::path, 4> files;
  for (std::size_t i = 0; i < 4; ++i) {
    const auto found = find_idx_file(dir, kIdxFiles[i]);
    if (!found) {
      const std::string missing =
          fmt::format("{}.gz not found (nor {})", (dir / kIdxFiles[i]).string(), kIdxFiles[i]);
      if (fashion) {
        throw DataError(fmt::format(
            "fashion-mnist: {}; install the Debian package dataset-fashion-mnist "
            "(scripts/install-deps.sh does) or set data.path to a directory holding the four "
            "Fashion-MNIST files",
            missing));
      }
      throw DataError(fmt::format(
          "idx: {}; data.path (\"{}\") must be a directory holding train-images-idx3-ubyte, "
          "train-labels-idx1-ubyte, t10k-images-idx3-ubyte and t10k-labels-idx1-ubyte, each "
          "gzip-compressed (.gz) or not",
          missing, data.path));
    }
    files[i] = *found;
  }
  IdxPart train = read_idx_part(files[0], files[1]);
  IdxPart test = read_idx_part(files[2], files[3]);
  if (test.set.shape != train.set.shape) {
    throw DataError(fmt::format(
        "{}: the test examples have shape {}, but the training examples ({}) have shape {}; the "
        "two image files must hold the same kind of examples",
        files[2].string(), shape_text(test.set.shape), files[0].string(),
        shape_text(train.set.shape)));
  }
  RawDataset raw;
  if (fashion) {
    if (train.set.shape != std::vector<std::int64_t>{1, 28, 28} || train.max_label > 9 ||
        test.max_label > 9) {
      throw DataError(fmt::format(
          "fashion-mnist: {} holds examples of shape {} with labels up to {}, but Fashion-MNIST "
          "has 28 x 28 images and labels 0..9; point data.path at the Fashion-MNIST files, or "
          "use dataset = \"idx\" for other IDX data",
          dir.string(), shape_text(train.set.shape), std::max(train.max_label, test.max_label)));
    }
    raw.name = "fashion-mnist";
    raw.classes = 10;
    raw.class_names = {"T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
                       "Sandal",      "Shirt",   "Sneaker",  "Bag",   "Ankle boot"};
  } else {
    raw.name = "idx:" + data.path;
    raw.classes = std::max(train.max_label, test.max_label) + 1;
    if (raw.classes == 0) {
      throw DataError(fmt::format("idx: {} and {} hold no examples; give non-empty IDX files",
                                  files[1].string(), files[3].string()));
    }
    for (std::int64_t c = 0; c < raw.classes; ++c) raw.class_names.push_back(std::to_string(c));
  }
  raw.pool = std::move(train.set);
  raw.official_test = std::move(test.set);
  detail::Sha256 hash;
  for (const fs::path& f : files) hash_file(hash, f);
  raw.digest = hash.hex_digest();
  return raw;
}

// ---- CSV (RFC 4180 basics: comma separator, "quoted, fields" with "" for a quote, CRLF or LF).

struct CsvField {
  std::string text;
  std::uint32_t line = 0;    // 1-based
  std::uint32_t column = 0;  // 1-based character column where the field starts
};

class CsvReader {
 public:
  CsvReader(std::string_view text, std::string file) : text_(text), file_(std::move(file)) {
    if (text_.substr(0, 3) == "\xEF\xBB\xBF") {  // UTF-8 byte order mark (Excel writes one)
      pos_ = 3;
      line_start_ = 3;
    }
  }

  // The next non-blank record into `out`; false at the end. `line` is its first line.
  bool next(std::vector<CsvField>& out, std::uint32_t& line) {
    out.clear();
    // Skip blank lines.
    for (;;) {
      if (pos_ >= text_.size()) return false;
      const std::size_t p = skip_blanks(pos_);
      if (p < text_.size() && text_[p] == '\n') {
        new_line(p + 1);
      } else if (p + 1 < text_.size() && text_[p] == '\r' && text_[p + 1] == '\n') {
        new_line(p + 2);
      } else if (p >= text_.size()) {
        pos_ = p;
        return false;
      } else {
        break;
      }
    }
    line = line_;
    for (;;) {
      out.push_back(field());
      if (pos_ >= text_.size()) return true;
      const char c = text_[pos_];
      if (c == ',') {
        ++pos_;
        continue;
      }
      if (c == '\n') {
        new_line(pos_ + 1);
      } else {  // "\r\n" (field() stops only at ',', '\n', "\r\n" or the end)
        new_line(pos_ + 2);
      }
      return true;
    }
  }

 private:
  std::size_t skip_blanks(std::size_t p) const {
    while (p < text_.size() && (text_[p] == ' ' || text_[p] == '\t')) ++p;
    return p;
  }
  void new_line(std::size_t p) {
    pos_ = p;
    line_start_ = p;
    ++line_;
  }
  std::uint32_t column(std::size_t p) const {
    return static_cast<std::uint32_t>(p - line_start_ + 1);
  }
  bool at_field_end(std::size_t p) const {
    return p >= text_.size() || text_[p] == '\n' || text_[p] == ',' ||
           (text_[p] == '\r' && p + 1 < text_.size() && text_[p + 1] == '\n');
  }

  CsvField field() {
    CsvField f;
    const std::size_t start = skip_blanks(pos_);
    f.line = line_;
    f.column = column(start);
    if (start < text_.size() && text_[start] == '"') {
      const std::uint32_t open_line = line_, open_col = column(start);
      std::size_t p = start + 1;
      for (;;) {
        if (p >= text_.size()) {
          throw DataError(fmt::format(
              "{}:{}:{}: the quoted field opened here is never closed; end it with a \" (write "
              "\"\" for a quote inside a quoted field)",
              file_, open_line, open_col));
        }
        const char c = text_[p];
        if (c == '"') {
          if (p + 1 < text_.size() && text_[p + 1] == '"') {
            f.text += '"';
            p += 2;
            continue;
          }
          ++p;
          break;
        }
        f.text += c;
        ++p;
        if (c == '\n') {  // a line break inside quotes is part of the field
          ++line_;
          line_start_ = p;
        }
      }
      p = skip_blanks(p);
      if (!at_field_end(p)) {
        throw DataError(fmt::format(
            "{}:{}:{}: '{}' follows the closing quote of a quoted field, but only a comma or "
            "the end of the line may; quote the whole field and write \"\" for a quote inside it",
            file_, line_, column(p), text_[p]));
      }
      pos_ = p;
      return f;
    }
    std::size_t p = pos_;
    while (!at_field_end(p)) ++p;
    std::size_t b = start, e = p;
    while (e > b && (text_[e - 1] == ' ' || text_[e - 1] == '\t')) --e;
    f.text.assign(text_.substr(b, e - b));
    pos_ = p;
    return f;
  }

  std::string_view text_;
  std::string file_;
  std::size_t pos_ = 0;
  std::size_t line_start_ = 0;
  std::uint32_t line_ = 1;
};

// A field value as quoted in a message: at most 40 characters.
std::string shown(const std::string& text) {
  return text.size() <= 40 ? text : text.substr(0, 37) + "...";
}

std::optional<double> parse_number(std::string_view s) {
  if (!s.empty() && s[0] == '+') s.remove_prefix(1);
  double v = 0.0;
  const auto res = std::from_chars(s.data(), s.data() + s.size(), v);
  if (s.empty() || res.ec != std::errc() || res.ptr != s.data() + s.size()) return std::nullopt;
  return v;
}

std::optional<std::int64_t> parse_integer(std::string_view s) {
  std::int64_t v = 0;
  const auto res = std::from_chars(s.data(), s.data() + s.size(), v);
  if (s.empty() || res.ec != std::errc() || res.ptr != s.data() + s.size()) return std::nullopt;
  return v;
}

RawDataset load_csv(const Data& data, const fs::path& base_dir) {
  const fs::path path = resolve(base_dir, data.path);
  const std::string file = path.string();
  std::error_code ec;
  if (!fs::is_regular_file(path, ec)) {
    throw DataError(
        fmt::format("{}: no such file; check data.path (\"{}\"; a relative path is relative to the "
                    "protocol's directory)",
                    file, data.path));
  }
  std::string content;
  {
    std::ifstream in(path, std::ios::binary);
    if (!in) {
      throw DataError(fmt::format("{}: cannot open ({}); check the file's permissions", file,
                                  std::strerror(errno)));
    }
    content.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
    if (in.bad()) throw DataError(fmt::format("{}: read error; check the disk", file));
  }

  CsvReader reader(content, file);
  std::vector<CsvField> row;
  std::uint32_t line = 0;
  if (!reader.next(row, line)) {
    throw DataError(fmt::format(
        "{}: the file is empty, but a CSV dataset needs a header row and at least one data row",
        file));
  }
  std::vector<std::string> names;
  std::optional<std::size_t> target;
  for (std::size_t c = 0; c < row.size(); ++c) {
    for (std::size_t k = 0; k < c; ++k) {
      if (names[k] == row[c].text) {
        throw DataError(fmt::format(
            "{}:{}:{}: column name \"{}\" appears twice (columns {} and {}); column names must be "
            "unique",
            file, row[c].line, row[c].column, row[c].text, k + 1, c + 1));
      }
    }
    names.push_back(row[c].text);
    if (row[c].text == data.target) target = c;
  }
  if (!target) {
    std::string list;
    for (std::size_t c = 0; c < names.size(); ++c) list += (c ? ", \"" : "\"") + names[c] + "\"";
    throw DataError(fmt::format(
        "{}:{}: data.target is \"{}\", but the header has no such column; the columns are {}", file,
        line, data.target, list));
  }
  if (names.size() < 2) {
    throw DataError(fmt::format(
        "{}:{}: the only column is the target \"{}\", but a CSV dataset needs at least one "
        "feature column",
        file, line, data.target));
  }
  const std::size_t n_cols = names.size();
  RawDataset raw;
  raw.name = "csv:" + data.path;
  raw.pool.shape = {static_cast<std::int64_t>(n_cols - 1)};
  std::vector<std::string> labels;
  while (reader.next(row, line)) {
    if (row.size() != n_cols) {
      throw DataError(fmt::format(
          "{}:{}: the row has {} fields, but the header has {} columns; every row needs one value "
          "per column (quote a field that contains a comma: \"a,b\")",
          file, line, row.size(), n_cols));
    }
    for (std::size_t c = 0; c < n_cols; ++c) {
      const CsvField& f = row[c];
      if (c == *target) {
        if (f.text.empty()) {
          throw DataError(fmt::format(
              "{}:{}:{}: column \"{}\" (the target) is empty, but every row needs a label; fill "
              "it in or drop the row",
              file, f.line, f.column, names[c]));
        }
        labels.push_back(f.text);
        continue;
      }
      const std::optional<double> v = parse_number(f.text);
      const auto value = static_cast<float>(v.value_or(0.0));
      if (!v || !std::isfinite(*v) || !std::isfinite(value)) {
        throw DataError(fmt::format(
            "{}:{}:{}: column \"{}\" is \"{}\", but must be a finite number{}; fix or drop the "
            "row, or drop the column",
            file, f.line, f.column, names[c], shown(f.text),
            v && std::isfinite(*v) ? " within the float range (|x| < 3.4e38)" : ""));
      }
      raw.pool.x.push_back(value);
    }
  }
  if (labels.empty()) {
    throw DataError(fmt::format(
        "{}: the file has a header but no data rows; a CSV dataset needs at least one row", file));
  }

  // Classes: the distinct labels, numerically sorted when every label is an integer ("10" after
  // "9"; "1" and "01" are one class, named "1"), else sorted by their bytes.
  std::vector<std::int64_t> numeric;
  numeric.reserve(labels.size());
  for (const std::string& s : labels) {
    const auto v = parse_integer(s);
    if (!v) break;
    numeric.push_back(*v);
  }
  const std::size_t n = labels.size();
  raw.pool.y.resize(n);
  if (numeric.size() == n) {
    std::map<std::int64_t, std::int64_t> ids;
    for (std::int64_t v : numeric) ids.emplace(v, 0);
    for (auto& [value, id] : ids) {
      id = static_cast<std::int64_t>(raw.class_names.size());
      raw.class_names.push_back(std::to_string(value));
    }
    for (std::size_t i = 0; i < n; ++i) raw.pool.y[i] = ids.at(numeric[i]);
  } else {
    std::map<std::string, std::int64_t> ids;
    for (const std::string& s : labels) ids.emplace(s, 0);
    for (auto& [text, id] : ids) {
      id = static_cast<std::int64_t>(raw.class_names.size());
      raw.class_names.push_back(text);
    }
    for (std::size_t i = 0; i < n; ++i) raw.pool.y[i] = ids.at(labels[i]);
  }
  raw.classes = static_cast<std::int64_t>(raw.class_names.size());
  raw.pool.index.resize(n);
  for (std::size_t i = 0; i < n; ++i) raw.pool.index[i] = static_cast<std::int64_t>(i);
  raw.official_test.shape = raw.pool.shape;
  detail::Sha256 hash;
  hash.update(content.data(), content.size());
  raw.digest = hash.hex_digest();
  return raw;
}

}  // namespace

RawDataset load_dataset(const Data& data, const fs::path& base_dir, std::uint64_t synthetic_seed) {
  switch (data.kind) {
    case DatasetKind::kFashionMnist:
      return load_idx_dataset(data, base_dir, true);
    case DatasetKind::kIdx:
      if (data.path.empty()) {
        throw DataError(
            "data.path is empty, but dataset \"idx\" needs the directory of its four "
            "IDX files; set data.path");
      }
      return load_idx_dataset(data, base_dir, false);
    case DatasetKind::kCsv:
      if (data.path.empty() || data.target.empty()) {
        throw DataError(
            fmt::format("data.{} is empty, but dataset \"csv\" needs {}; set it",
                        data.path.empty() ? "path" : "target",
                        data.path.empty() ? "the CSV file" : "the name of the target column"));
      }
      return load_csv(data, base_dir);
    case DatasetKind::kSynthetic:
      return detail::make_synthetic(data, synthetic_seed);
  }
  throw DataError("data.dataset has an unknown kind; use fashion-mnist, idx, csv or synthetic");
}

}  // namespace rigor::models
