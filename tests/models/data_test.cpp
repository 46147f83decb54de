// Datasets, splits and orders (models/src/idx.cpp, datasets.cpp, synthetic.cpp, split.cpp).
// IDX fixtures are written by the tests into a temporary directory (zlib for the .gz ones); the
// CSV fixture is tests/models/data/flowers.csv. Fashion-MNIST is read from the Debian package
// dataset-fashion-mnist when installed (CI installs it), otherwise those tests are skipped.
#include "rigor/models/data.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <unistd.h>
#include <zlib.h>

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <numbers>
#include <numeric>
#include <set>

#include "rigor/models/rng.h"

namespace rigor::models {
namespace {

namespace fs = std::filesystem;
using protocols::Data;
using protocols::DatasetKind;
using protocols::SplitMode;
using protocols::SyntheticGenerator;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

const fs::path kTestData = RIGOR_TEST_DATA_DIR;
const fs::path kFashionMnist = "/usr/share/datasets/fashion-mnist";

// A fresh directory per test, removed afterwards.
class TempDir {
 public:
  TempDir() {
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    path_ = fs::temp_directory_path() / ("rigor_models_data_" + std::to_string(::getpid()) + "_" +
                                         info->test_suite_name() + "_" + info->name());
    fs::remove_all(path_);
    fs::create_directories(path_);
  }
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(path_, ec);
  }
  const fs::path& path() const { return path_; }

 private:
  fs::path path_;
};

using Bytes = std::vector<unsigned char>;

void put_be(Bytes& out, std::uint64_t v, int bytes) {
  for (int i = bytes - 1; i >= 0; --i) out.push_back(static_cast<unsigned char>(v >> (8 * i)));
}

// An IDX file: 00 00 type ndims, big-endian uint32 dims, then `payload` (already big-endian).
Bytes idx_file(int type, const std::vector<std::uint32_t>& dims, const Bytes& payload) {
  Bytes out = {0, 0, static_cast<unsigned char>(type), static_cast<unsigned char>(dims.size())};
  for (std::uint32_t d : dims) put_be(out, d, 4);
  out.insert(out.end(), payload.begin(), payload.end());
  return out;
}

void write_file(const fs::path& path, const Bytes& bytes, bool gzip = false) {
  if (gzip) {
    gzFile f = gzopen(path.c_str(), "wb");
    ASSERT_NE(f, nullptr) << path;
    ASSERT_EQ(gzwrite(f, bytes.data(), static_cast<unsigned>(bytes.size())),
              static_cast<int>(bytes.size()));
    ASSERT_EQ(gzclose(f), Z_OK);
  } else {
    std::ofstream out(path, std::ios::binary);
    out.write(reinterpret_cast<const char*>(bytes.data()),
              static_cast<std::streamsize>(bytes.size()));
  }
}

void write_text(const fs::path& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary);
  out << text;
}

Bytes read_bytes(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  return Bytes(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

// The message of the DataError `f` throws ("no error" when it returns).
template <class F>
std::string error_of(F&& f) {
  try {
    f();
  } catch (const DataError& e) {
    return e.what();
  }
  return "no error";
}

// ---------------------------------------------------------------------------------------- IDX

TEST(IdxReader, ReadsGzipImages) {
  TempDir tmp;
  const fs::path file = tmp.path() / "images.gz";
  write_file(file, idx_file(0x08, {3, 2, 2}, {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 254, 255}), true);
  EXPECT_NE(read_bytes(file)[0], 0) << "the fixture must really be gzip (1f 8b)";
  const IdxArray a = read_idx(file);
  EXPECT_THAT(a.dims, ElementsAre(3, 2, 2));
  EXPECT_EQ(a.type, 0x08);
  EXPECT_THAT(a.values, ElementsAre(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 254, 255));  // not scaled
}

TEST(IdxReader, ReadsUncompressedFiles) {
  TempDir tmp;
  const fs::path file = tmp.path() / "labels";
  write_file(file, idx_file(0x08, {4}, {9, 0, 3, 7}));
  const IdxArray a = read_idx(file);
  EXPECT_THAT(a.dims, ElementsAre(4));
  EXPECT_THAT(a.values, ElementsAre(9, 0, 3, 7));
}

TEST(IdxReader, DecodesEveryElementTypeBigEndian) {
  TempDir tmp;
  struct Case {
    int type;
    Bytes payload;
    std::vector<float> want;
  };
  Bytes shorts, ints, floats, doubles;
  put_be(shorts, static_cast<std::uint16_t>(-300), 2);
  put_be(shorts, 1000, 2);
  put_be(ints, static_cast<std::uint32_t>(-70000), 4);
  put_be(ints, 123456, 4);
  put_be(floats, std::bit_cast<std::uint32_t>(1.5f), 4);
  put_be(floats, std::bit_cast<std::uint32_t>(-2.25f), 4);
  put_be(doubles, std::bit_cast<std::uint64_t>(3.25), 8);
  put_be(doubles, std::bit_cast<std::uint64_t>(-1e-3), 8);
  const std::vector<Case> cases = {
      {0x09, {0xfd, 0x7f}, {-3.0f, 127.0f}},  // signed bytes
      {0x0B, shorts, {-300.0f, 1000.0f}},    {0x0C, ints, {-70000.0f, 123456.0f}},
      {0x0D, floats, {1.5f, -2.25f}},        {0x0E, doubles, {3.25f, static_cast<float>(-1e-3)}},
  };
  for (const Case& c : cases) {
    const fs::path file = tmp.path() / ("t" + std::to_string(c.type) + ".gz");
    write_file(file, idx_file(c.type, {2}, c.payload), true);
    const IdxArray a = read_idx(file);
    EXPECT_EQ(a.type, c.type);
    EXPECT_EQ(a.values, c.want) << "type 0x" << std::hex << c.type;
  }
}

TEST(IdxReader, RejectsABadMagicNumber) {
  TempDir tmp;
  const fs::path file = tmp.path() / "bad";
  write_file(file, {0x01, 0x00, 0x08, 0x01, 0, 0, 0, 1, 5});
  EXPECT_THAT(error_of([&] { read_idx(file); }),
              HasSubstr(file.string() +
                        ": byte offset 0: bad magic number 01 00 08 01: an IDX file starts with "
                        "00 00 <type> <ndims>; is it an IDX file?"));
}

TEST(IdxReader, RejectsAnUnknownType) {
  TempDir tmp;
  const fs::path file = tmp.path() / "bad.gz";
  write_file(file, idx_file(0x0A, {1}, {5}), true);
  EXPECT_THAT(error_of([&] { read_idx(file); }),
              HasSubstr(file.string() + ": byte offset 2: unknown element type 0x0a; IDX types "
                                        "are 0x08 (ubyte), 0x09 (byte), 0x0b (short)"));
}

TEST(IdxReader, RejectsTruncatedData) {
  TempDir tmp;
  const fs::path file = tmp.path() / "short";
  write_file(file, idx_file(0x08, {3, 2, 2}, {1, 2, 3, 4, 5, 6, 7, 8, 9, 10}));  // 10 of 12
  EXPECT_THAT(error_of([&] { read_idx(file); }),
              HasSubstr(file.string() +
                        ": byte offset 26: truncated: the dimensions 3 x 2 x 2 (ubyte) need 12 "
                        "bytes of data from offset 16, but the data ends after 10"));
  const fs::path header = tmp.path() / "header";
  write_file(header, {0, 0, 8, 3, 0, 0, 0, 3});  // 3 dims declared, one given
  EXPECT_THAT(error_of([&] { read_idx(header); }),
              HasSubstr(": byte offset 8: truncated: the header declares 3 dimensions"));
}

TEST(IdxReader, RejectsATruncatedGzipStream) {
  TempDir tmp;
  const fs::path whole = tmp.path() / "whole.gz", cut = tmp.path() / "cut.gz";
  Bytes payload(5000);
  Rng rng(1);
  for (unsigned char& b : payload)
    b = static_cast<unsigned char>(rng.below(256));  // incompressible
  write_file(whole, idx_file(0x08, {5000}, payload), true);
  Bytes gz = read_bytes(whole);
  gz.resize(gz.size() / 2);
  write_file(cut, gz);
  const std::string e = error_of([&] { read_idx(cut); });
  EXPECT_THAT(e, HasSubstr(cut.string() + ": byte offset "));
  EXPECT_THAT(e, HasSubstr("truncated: the dimensions 5000 (ubyte) need 5000 bytes of data"));
  EXPECT_THAT(e, HasSubstr("(zlib: unexpected end of file)"));
  // A damaged byte inside the deflate stream (or its CRC) cannot be decompressed.
  gz = read_bytes(whole);
  gz[gz.size() - 6] ^= 0xff;  // in the CRC-32 trailer
  write_file(cut, gz);
  EXPECT_THAT(error_of([&] { read_idx(cut); }), HasSubstr(cut.string() + ": near byte offset "));
  EXPECT_THAT(error_of([&] { read_idx(cut); }),
              HasSubstr("cannot decompress (zlib: incorrect data check); the .gz file is damaged, "
                        "download or install it again"));
}

TEST(IdxReader, RejectsDataBeyondTheDimensions) {
  TempDir tmp;
  const fs::path file = tmp.path() / "long.gz";
  write_file(file, idx_file(0x08, {2, 2}, {1, 2, 3, 4, 5, 6, 7}), true);  // 7 values for 2 x 2
  EXPECT_THAT(error_of([&] { read_idx(file); }),
              HasSubstr(file.string() +
                        ": byte offset 16: 3 bytes follow the 4 values the dimensions 2 x 2 "
                        "declare (ubyte, 4 bytes from offset 12); the product of the dimensions "
                        "does not match the data"));
}

TEST(IdxReader, RejectsNonFiniteValuesAndMissingFiles) {
  TempDir tmp;
  const fs::path file = tmp.path() / "nan";
  Bytes floats;
  put_be(floats, std::bit_cast<std::uint32_t>(1.0f), 4);
  put_be(floats, std::bit_cast<std::uint32_t>(std::numeric_limits<float>::quiet_NaN()), 4);
  write_file(file, idx_file(0x0D, {2}, floats));
  EXPECT_THAT(error_of([&] { read_idx(file); }),
              HasSubstr(": byte offset 12: value [1] = nan is not finite, but every value must "
                        "be a finite number"));
  EXPECT_THAT(error_of([&] { read_idx(tmp.path() / "absent.gz"); }),
              HasSubstr((tmp.path() / "absent.gz").string() + ": no such file; check the path"));
}

// An IDX dataset directory: 2 x 3 ubyte images, 5 training and 2 test examples, mixing .gz and
// raw files. Labels 0..4 in training, 6 in the test set.
void write_idx_dir(const fs::path& dir) {
  Bytes train(5 * 6), test(2 * 6);
  for (std::size_t i = 0; i < train.size(); ++i) train[i] = static_cast<unsigned char>(i * 8);
  for (std::size_t i = 0; i < test.size(); ++i) test[i] = static_cast<unsigned char>(255 - i);
  write_file(dir / "train-images-idx3-ubyte.gz", idx_file(0x08, {5, 2, 3}, train), true);
  write_file(dir / "train-labels-idx1-ubyte", idx_file(0x08, {5}, {4, 0, 1, 2, 3}));
  write_file(dir / "t10k-images-idx3-ubyte", idx_file(0x08, {2, 2, 3}, test));
  write_file(dir / "t10k-labels-idx1-ubyte.gz", idx_file(0x08, {2}, {6, 0}), true);
}

Data idx_data(const std::string& path) {
  Data d;
  d.kind = DatasetKind::kIdx;
  d.path = path;
  d.split = {0.8, 0.2, 0.0, SplitMode::kFixed};
  return d;
}

TEST(IdxDataset, LoadsTheFourFilesGzipOrNot) {
  TempDir tmp;
  fs::create_directories(tmp.path() / "digits");
  write_idx_dir(tmp.path() / "digits");
  const RawDataset raw = load_dataset(idx_data("digits"), tmp.path(), 0);  // relative to base
  EXPECT_EQ(raw.name, "idx:digits");
  EXPECT_EQ(raw.classes, 7);  // max label (6, in the test set) + 1
  EXPECT_THAT(raw.class_names, ElementsAre("0", "1", "2", "3", "4", "5", "6"));
  EXPECT_THAT(raw.pool.shape, ElementsAre(1, 2, 3));
  EXPECT_EQ(raw.pool.size(), 5);
  EXPECT_THAT(raw.pool.y, ElementsAre(4, 0, 1, 2, 3));
  EXPECT_THAT(raw.pool.index, ElementsAre(0, 1, 2, 3, 4));
  ASSERT_EQ(raw.pool.x.size(), 30u);
  EXPECT_EQ(raw.pool.x[1], 8.0f / 255.0f);  // ubyte scaled to [0, 1]
  EXPECT_EQ(raw.pool.x[29], 232.0f / 255.0f);
  EXPECT_EQ(raw.official_test.size(), 2);
  EXPECT_THAT(raw.official_test.y, ElementsAre(6, 0));
  EXPECT_THAT(raw.official_test.index, ElementsAre(0, 1));
  EXPECT_EQ(raw.official_test.x[0], 1.0f);
  EXPECT_EQ(raw.digest.size(), 64u);
}

TEST(IdxDataset, KeepsNonByteValuesAndTableShapes) {
  TempDir tmp;
  Bytes shorts;
  for (int v : {-5, 300, 7, 8}) put_be(shorts, static_cast<std::uint16_t>(v), 2);
  write_file(tmp.path() / "train-images-idx3-ubyte", idx_file(0x0B, {2, 2}, shorts));
  write_file(tmp.path() / "train-labels-idx1-ubyte", idx_file(0x08, {2}, {0, 1}));
  write_file(tmp.path() / "t10k-images-idx3-ubyte", idx_file(0x0B, {1, 2}, {0, 1, 0, 2}));
  write_file(tmp.path() / "t10k-labels-idx1-ubyte", idx_file(0x08, {1}, {1}));
  const RawDataset raw = load_dataset(idx_data(tmp.path().string()), "/elsewhere", 0);
  EXPECT_THAT(raw.pool.shape, ElementsAre(2));  // {n, f} -> a table of f columns
  EXPECT_THAT(raw.pool.x, ElementsAre(-5, 300, 7, 8));
  EXPECT_THAT(raw.official_test.x, ElementsAre(1, 2));
}

TEST(IdxDataset, DigestIsTheSha256OfTheFilesAsStored) {
  // /usr/bin/python3 -c "import hashlib, struct
  // def idx(t, dims, data): return bytes([0,0,t,len(dims)]) + b''.join(struct.pack('>I', d) for
  //     d in dims) + bytes(data)
  // print(hashlib.sha256(idx(8,[2,1,2],[0,255,128,64]) + idx(8,[2],[1,0]) + idx(8,[1,1,2],[10,20])
  //     + idx(8,[1],[2])).hexdigest())"
  TempDir tmp;
  write_file(tmp.path() / "train-images-idx3-ubyte", idx_file(0x08, {2, 1, 2}, {0, 255, 128, 64}));
  write_file(tmp.path() / "train-labels-idx1-ubyte", idx_file(0x08, {2}, {1, 0}));
  write_file(tmp.path() / "t10k-images-idx3-ubyte", idx_file(0x08, {1, 1, 2}, {10, 20}));
  write_file(tmp.path() / "t10k-labels-idx1-ubyte", idx_file(0x08, {1}, {2}));
  const RawDataset raw = load_dataset(idx_data(tmp.path().string()), {}, 0);
  EXPECT_EQ(raw.digest, "fe282e48713bed84532c46e1e2246372122c76b210991eea1675f735c5ead841");
}

TEST(IdxDataset, MissingFileNamesTheExpectedFiles) {
  TempDir tmp;
  write_idx_dir(tmp.path());
  fs::remove(tmp.path() / "t10k-labels-idx1-ubyte.gz");
  EXPECT_THAT(error_of([&] { load_dataset(idx_data(tmp.path().string()), {}, 0); }),
              HasSubstr("idx: " + (tmp.path() / "t10k-labels-idx1-ubyte").string() +
                        ".gz not found (nor t10k-labels-idx1-ubyte); data.path (\"" +
                        tmp.path().string() + "\") must be a directory holding"));
}

TEST(IdxDataset, RejectsBadLabels) {
  TempDir tmp;
  write_idx_dir(tmp.path());
  write_file(tmp.path() / "train-labels-idx1-ubyte", idx_file(0x09, {5}, {0, 1, 0xff, 2, 3}));
  EXPECT_THAT(error_of([&] { load_dataset(idx_data(tmp.path().string()), {}, 0); }),
              HasSubstr("train-labels-idx1-ubyte: byte offset 10: label 2 is -1, but labels must "
                        "be integers in [0, 1000000)"));
  write_file(tmp.path() / "train-labels-idx1-ubyte", idx_file(0x08, {4}, {0, 1, 2, 3}));
  EXPECT_THAT(error_of([&] { load_dataset(idx_data(tmp.path().string()), {}, 0); }),
              HasSubstr("train-labels-idx1-ubyte: byte offset 4: 4 labels, but "));
}

// ------------------------------------------------------------------------------ Fashion-MNIST

TEST(FashionMnist, MissingFilesNameTheDebianPackage) {
  Data d;
  d.kind = DatasetKind::kFashionMnist;
  d.path = "/nonexistent/fmnist";
  EXPECT_THAT(error_of([&] { load_dataset(d, {}, 0); }),
              HasSubstr("fashion-mnist: /nonexistent/fmnist/train-images-idx3-ubyte.gz not found "
                        "(nor train-images-idx3-ubyte); install the Debian package "
                        "dataset-fashion-mnist (scripts/install-deps.sh does) or set data.path"));
}

TEST(FashionMnist, LoadsTheDebianPackage) {
  if (!fs::exists(kFashionMnist / "train-images-idx3-ubyte.gz")) {
    GTEST_SKIP() << "dataset-fashion-mnist is not installed";
  }
  Data d;
  d.kind = DatasetKind::kFashionMnist;
  d.split = {0.9, 0.1, 0.0, SplitMode::kFixed};
  const RawDataset raw = load_dataset(d, "/some/protocol/dir", 0);  // default location
  EXPECT_EQ(raw.name, "fashion-mnist");
  EXPECT_EQ(raw.classes, 10);
  EXPECT_THAT(raw.class_names, ElementsAre("T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
                                           "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"));
  EXPECT_THAT(raw.pool.shape, ElementsAre(1, 28, 28));
  ASSERT_EQ(raw.pool.size(), 60000);
  ASSERT_EQ(raw.official_test.size(), 10000);
  std::vector<std::int64_t> train_counts(10, 0), test_counts(10, 0);
  for (std::int64_t y : raw.pool.y) ++train_counts[static_cast<std::size_t>(y)];
  for (std::int64_t y : raw.official_test.y) ++test_counts[static_cast<std::size_t>(y)];
  EXPECT_EQ(train_counts, std::vector<std::int64_t>(10, 6000));
  EXPECT_EQ(test_counts, std::vector<std::int64_t>(10, 1000));
  // Reference (Debian 12: Python 3.11, numpy 1.24):
  //   /usr/bin/python3 -c "import gzip, numpy as np; d = '/usr/share/datasets/fashion-mnist/'
  //   x = np.frombuffer(gzip.open(d + 'train-images-idx3-ubyte.gz').read(), np.uint8,
  //       offset=16).reshape(-1, 28, 28)
  //   y = np.frombuffer(gzip.open(d + 'train-labels-idx1-ubyte.gz').read(), np.uint8, offset=8)
  //   t = np.frombuffer(gzip.open(d + 't10k-images-idx3-ubyte.gz').read(), np.uint8,
  //       offset=16).reshape(-1, 28, 28)
  //   print(x[0,14,14], y[0], x[59999,10,20], y[59999], t[0,14,14], x.mean()/255, x.std()/255)"
  //   -> 217 9 19 5 110 0.2860405969887955 0.3530242445149223
  EXPECT_EQ(raw.pool.x[14 * 28 + 14], 217.0f / 255.0f);
  EXPECT_EQ(raw.pool.y[0], 9);
  EXPECT_EQ(raw.pool.x[59999 * 784 + 10 * 28 + 20], 19.0f / 255.0f);
  EXPECT_EQ(raw.pool.y[59999], 5);
  EXPECT_EQ(raw.official_test.x[14 * 28 + 14], 110.0f / 255.0f);
  EXPECT_EQ(raw.pool.index[59999], 59999);

  const PreparedData data = prepare(raw, d, 1234);
  EXPECT_EQ(data.train.size(), 54000);
  EXPECT_EQ(data.validation.size(), 6000);
  EXPECT_EQ(data.test.size(), 10000);  // the official test set
  EXPECT_EQ(data.test.index[0], 0);
  ASSERT_EQ(data.mean.size(), 1u);  // images: one mean and sd over all pixels
  // Over all 60000 training images (no validation), the statistics are numpy's (population sd);
  // the tolerance covers the float rounding of x / 255.
  Data all = d;
  all.split = {1.0, 0.0, 0.0, SplitMode::kFixed};
  const PreparedData whole = prepare(raw, all, 1);
  EXPECT_NEAR(whole.mean[0], 0.2860405969887955, 1e-7);
  EXPECT_NEAR(whole.sd[0], 0.3530242445149223, 1e-7);
}

// ------------------------------------------------------------------------------------- CSV

Data csv_data(const std::string& path, const std::string& target) {
  Data d;
  d.kind = DatasetKind::kCsv;
  d.path = path;
  d.target = target;
  return d;
}

TEST(CsvDataset, ReadsQuotedFieldsAndStringLabels) {
  const RawDataset raw = load_dataset(csv_data("flowers.csv", "species"), kTestData, 0);
  EXPECT_EQ(raw.name, "csv:flowers.csv");
  EXPECT_THAT(raw.pool.shape, ElementsAre(2));
  EXPECT_EQ(raw.pool.size(), 5);
  EXPECT_THAT(raw.pool.x, ElementsAre(5.1f, 0.2f, 4.9f, 0.25f, 7.0f, 1.4f, 6.3f, 2.5f,
                                      static_cast<float>(-1e-3), 3.0f));
  // Classes are the label texts sorted by their bytes; quotes are undone ("" -> ").
  EXPECT_EQ(raw.classes, 3);
  EXPECT_THAT(raw.class_names, ElementsAre("setosa", "versi\"color", "virginica, tall"));
  EXPECT_THAT(raw.pool.y, ElementsAre(0, 0, 1, 2, 0));
  EXPECT_THAT(raw.pool.index, ElementsAre(0, 1, 2, 3, 4));
  EXPECT_EQ(raw.official_test.size(), 0);
  // sha256sum tests/models/data/flowers.csv
  EXPECT_EQ(raw.digest, "e366ed318810d9dfbac5e59924279582e5e58f46e70f73f50b4908b6184442a6");
  // The target may be any column, e.g. the quoted one with a comma in its name; then "species"
  // is a feature, and its text is an error.
  EXPECT_THAT(
      error_of([&] { load_dataset(csv_data("flowers.csv", "petal, width"), kTestData, 0); }),
      HasSubstr("flowers.csv:2:9: column \"species\" is \"setosa\", but must be a finite "
                "number"));
}

TEST(CsvDataset, SortsIntegerLabelsNumerically) {
  TempDir tmp;
  // BOM, CRLF line ends, a blank line, and labels 10 / 9 / -1 / 09.
  write_text(tmp.path() / "t.csv", "\xEF\xBB\xBFy,a\r\n10,1\r\n9,2\r\n\r\n-1,3\r\n09,4\r\n");
  const RawDataset raw = load_dataset(csv_data("t.csv", "y"), tmp.path(), 0);
  EXPECT_THAT(raw.class_names, ElementsAre("-1", "9", "10"));  // "09" is the class 9
  EXPECT_THAT(raw.pool.y, ElementsAre(2, 1, 0, 1));
  EXPECT_THAT(raw.pool.x, ElementsAre(1, 2, 3, 4));
  // Columns count from after the byte order mark.
  write_text(tmp.path() / "b.csv",
             "\xEF\xBB\xBF"
             "a,y\r\n1,2\r\n");
  EXPECT_THAT(error_of([&] { load_dataset(csv_data("b.csv", "z"), tmp.path(), 0); }),
              HasSubstr("b.csv:1: data.target is \"z\""));
  write_text(tmp.path() / "c.csv",
             "\xEF\xBB\xBF"
             "a,a\r\n1,2\r\n");
  EXPECT_THAT(error_of([&] { load_dataset(csv_data("c.csv", "a"), tmp.path(), 0); }),
              HasSubstr("c.csv:1:3: column name \"a\" appears twice"));
}

TEST(CsvDataset, NonNumericFeatureNamesLineColumnAndValue) {
  TempDir tmp;
  write_text(tmp.path() / "bad.csv", "a,b,label\n1,2,x\n3, abc,y\n");
  EXPECT_THAT(error_of([&] { load_dataset(csv_data("bad.csv", "label"), tmp.path(), 0); }),
              HasSubstr((tmp.path() / "bad.csv").string() +
                        ":3:4: column \"b\" is \"abc\", but must be a finite number; fix or drop "
                        "the row, or drop the column"));
  write_text(tmp.path() / "nan.csv", "a,label\nnan,x\n");
  EXPECT_THAT(error_of([&] { load_dataset(csv_data("nan.csv", "label"), tmp.path(), 0); }),
              HasSubstr("nan.csv:2:1: column \"a\" is \"nan\", but must be a finite number;"));
  write_text(tmp.path() / "big.csv", "a,label\n1e300,x\n");
  EXPECT_THAT(error_of([&] { load_dataset(csv_data("big.csv", "label"), tmp.path(), 0); }),
              HasSubstr("big.csv:2:1: column \"a\" is \"1e300\", but must be a finite number "
                        "within the float range (|x| < 3.4e38)"));
  write_text(tmp.path() / "empty.csv", "a,label\n,x\n");
  EXPECT_THAT(error_of([&] { load_dataset(csv_data("empty.csv", "label"), tmp.path(), 0); }),
              HasSubstr("empty.csv:2:1: column \"a\" is \"\", but must be a finite number"));
}

TEST(CsvDataset, MissingTargetColumnListsTheColumns) {
  EXPECT_THAT(error_of([&] { load_dataset(csv_data("flowers.csv", "label"), kTestData, 0); }),
              HasSubstr("flowers.csv:1: data.target is \"label\", but the header has no such "
                        "column; the columns are \"sepal length\", \"petal, width\", \"species\""));
}

TEST(CsvDataset, RaggedRowNamesTheLine) {
  TempDir tmp;
  write_text(tmp.path() / "r.csv", "a,b,label\n1,2,x\n\n3,y\n");
  EXPECT_THAT(error_of([&] { load_dataset(csv_data("r.csv", "label"), tmp.path(), 0); }),
              HasSubstr("r.csv:4: the row has 2 fields, but the header has 3 columns; every row "
                        "needs one value per column (quote a field that contains a comma: "
                        "\"a,b\")"));
}

TEST(CsvDataset, MalformedQuotesAreErrors) {
  TempDir tmp;
  write_text(tmp.path() / "q.csv", "a,label\n1,\"x\n2,y\n");
  EXPECT_THAT(error_of([&] { load_dataset(csv_data("q.csv", "label"), tmp.path(), 0); }),
              HasSubstr("q.csv:2:3: the quoted field opened here is never closed"));
  write_text(tmp.path() / "s.csv", "a,label\n1,\"x\"z\n");
  EXPECT_THAT(error_of([&] { load_dataset(csv_data("s.csv", "label"), tmp.path(), 0); }),
              HasSubstr("s.csv:2:6: 'z' follows the closing quote of a quoted field"));
}

TEST(CsvDataset, QuotedFieldsMaySpanLines) {
  TempDir tmp;
  write_text(tmp.path() / "m.csv", "a,label\n1,\"two\nlines\"\nx,y\n");
  // The label spans lines 2-3, so the bad number is on line 4.
  EXPECT_THAT(error_of([&] { load_dataset(csv_data("m.csv", "label"), tmp.path(), 0); }),
              HasSubstr("m.csv:4:1: column \"a\" is \"x\""));
}

TEST(CsvDataset, OtherErrors) {
  TempDir tmp;
  EXPECT_THAT(error_of([&] { load_dataset(csv_data("none.csv", "y"), tmp.path(), 0); }),
              HasSubstr("none.csv: no such file; check data.path (\"none.csv\"; a relative path "
                        "is relative to the protocol's directory)"));
  write_text(tmp.path() / "e.csv", "");
  EXPECT_THAT(error_of([&] { load_dataset(csv_data("e.csv", "y"), tmp.path(), 0); }),
              HasSubstr("e.csv: the file is empty, but a CSV dataset needs a header row"));
  write_text(tmp.path() / "h.csv", "a,y\n");
  EXPECT_THAT(error_of([&] { load_dataset(csv_data("h.csv", "y"), tmp.path(), 0); }),
              HasSubstr("h.csv: the file has a header but no data rows"));
  write_text(tmp.path() / "d.csv", "a,y,a\n1,2,3\n");
  EXPECT_THAT(error_of([&] { load_dataset(csv_data("d.csv", "y"), tmp.path(), 0); }),
              HasSubstr("d.csv:1:5: column name \"a\" appears twice (columns 1 and 3)"));
  write_text(tmp.path() / "o.csv", "y\n1\n");
  EXPECT_THAT(error_of([&] { load_dataset(csv_data("o.csv", "y"), tmp.path(), 0); }),
              HasSubstr("o.csv:1: the only column is the target \"y\", but a CSV dataset needs "
                        "at least one feature column"));
  write_text(tmp.path() / "l.csv", "a,y\n1,\"\"\n");
  EXPECT_THAT(error_of([&] { load_dataset(csv_data("l.csv", "y"), tmp.path(), 0); }),
              HasSubstr("l.csv:2:3: column \"y\" (the target) is empty, but every row needs a "
                        "label"));
}

// ------------------------------------------------------------------------------- Synthetic

Data synthetic(SyntheticGenerator g, std::int64_t samples, double noise) {
  Data d;
  d.kind = DatasetKind::kSynthetic;
  d.generator = g;
  d.samples = samples;
  d.noise = noise;
  return d;
}

TEST(SyntheticData, MoonsFollowTheMakeMoonsDefinition) {
  const RawDataset raw = load_dataset(synthetic(SyntheticGenerator::kMoons, 101, 0.0), {}, 3);
  EXPECT_EQ(raw.name, "synthetic:moons");
  EXPECT_THAT(raw.pool.shape, ElementsAre(2));
  EXPECT_EQ(raw.classes, 2);
  EXPECT_EQ(std::count(raw.pool.y.begin(), raw.pool.y.end(), 0), 51);  // class 0 gets the odd one
  EXPECT_EQ(std::count(raw.pool.y.begin(), raw.pool.y.end(), 1), 50);
  for (std::int64_t i = 0; i < raw.pool.size(); ++i) {
    const double x = raw.pool.x[2 * static_cast<std::size_t>(i)];
    const double y = raw.pool.x[2 * static_cast<std::size_t>(i) + 1];
    if (raw.pool.y[static_cast<std::size_t>(i)] == 0) {  // (cos t, sin t)
      EXPECT_NEAR(x * x + y * y, 1.0, 1e-6);
      EXPECT_GE(y, 0.0);
    } else {  // (1 - cos t, 1 - sin t - 0.5)
      EXPECT_NEAR((x - 1) * (x - 1) + (y - 0.5) * (y - 0.5), 1.0, 1e-6);
      EXPECT_LE(y, 0.5 + 1e-6);
    }
  }
  // Shuffled: the classes are interleaved, not 51 zeros then 50 ones.
  EXPECT_NE(std::count(raw.pool.y.begin(), raw.pool.y.begin() + 51, 0), 51);
}

TEST(SyntheticData, MoonsHaveTheExpectedMomentsWithNoise) {
  const RawDataset raw = load_dataset(synthetic(SyntheticGenerator::kMoons, 20000, 0.1), {}, 5);
  // E[cos t] = 0 and E[sin t] = 2 / pi for t ~ U[0, pi]; the noise has mean 0 and sd 0.1.
  double sx[2] = {0, 0}, sy[2] = {0, 0}, n[2] = {0, 0};
  double rad_dev2 = 0.0;
  for (std::size_t i = 0; i < raw.pool.y.size(); ++i) {
    const auto c = static_cast<std::size_t>(raw.pool.y[i]);
    const double x = raw.pool.x[2 * i], y = raw.pool.x[2 * i + 1];
    sx[c] += x;
    sy[c] += y;
    n[c] += 1;
    const double r = c == 0 ? std::hypot(x, y) : std::hypot(x - 1, y - 0.5);
    rad_dev2 += (r - 1) * (r - 1);
  }
  const double two_over_pi = 2 / std::numbers::pi;
  EXPECT_NEAR(sx[0] / n[0], 0.0, 0.015);  // se of the mean of cos t: 0.71 / sqrt(1e4) = 0.007
  EXPECT_NEAR(sy[0] / n[0], two_over_pi, 0.01);
  EXPECT_NEAR(sx[1] / n[1], 1.0, 0.015);
  EXPECT_NEAR(sy[1] / n[1], 0.5 - two_over_pi, 0.01);
  EXPECT_NEAR(std::sqrt(rad_dev2 / 20000), 0.1, 0.005);  // radial part of the isotropic noise
}

TEST(SyntheticData, IsDeterministicPerSeedAndDigestsItsParameters) {
  Data d = synthetic(SyntheticGenerator::kMoons, 600, 0.2);
  const RawDataset a = load_dataset(d, {}, 20261123), b = load_dataset(d, {}, 20261123);
  const RawDataset c = load_dataset(d, {}, 20261124);
  EXPECT_EQ(a.pool.x, b.pool.x);
  EXPECT_EQ(a.pool.y, b.pool.y);
  EXPECT_NE(a.pool.x, c.pool.x);
  // /usr/bin/python3 -c "import hashlib; print(hashlib.sha256(b'rigor synthetic v1\ngenerator=
  //   moons\nsamples=600\nfeatures=2\nclasses=2\nnoise=0.2\nseed=20261123\n').hexdigest())"
  EXPECT_EQ(a.digest, "aacad62dfcd57ac58fa85d301871530acf3295004a21abad5eabf1b197cb5352");
  EXPECT_NE(c.digest, a.digest);
}

TEST(SyntheticData, BlobsAreGaussianAroundCentresInTheUnitBox) {
  Data d = synthetic(SyntheticGenerator::kBlobs, 3001, 0.2);
  d.features = 5;
  d.classes = 3;
  const RawDataset raw = load_dataset(d, {}, 9);
  EXPECT_THAT(raw.pool.shape, ElementsAre(5));
  EXPECT_EQ(raw.classes, 3);
  std::vector<double> sum(15, 0.0), sum2(15, 0.0), n(3, 0.0);
  for (std::size_t i = 0; i < raw.pool.y.size(); ++i) {
    const auto c = static_cast<std::size_t>(raw.pool.y[i]);
    n[c] += 1;
    for (std::size_t j = 0; j < 5; ++j) {
      const double v = raw.pool.x[5 * i + j];
      sum[5 * c + j] += v;
      sum2[5 * c + j] += v * v;
    }
  }
  EXPECT_THAT(n, ElementsAre(1001, 1000, 1000));
  for (std::size_t c = 0; c < 3; ++c) {
    for (std::size_t j = 0; j < 5; ++j) {
      const double mean = sum[5 * c + j] / n[c];
      const double sd = std::sqrt(sum2[5 * c + j] / n[c] - mean * mean);
      EXPECT_LE(std::abs(mean), 1.0 + 0.03) << c << " " << j;  // centre in [-1, 1]
      EXPECT_NEAR(sd, 0.2, 0.015) << c << " " << j;            // se of sd: 0.2 / sqrt(2000)
    }
  }
}

TEST(SyntheticData, SpiralsFollowTheDocumentedArms) {
  Data d = synthetic(SyntheticGenerator::kSpirals, 300, 0.0);
  d.classes = 3;
  const RawDataset raw = load_dataset(d, {}, 4);
  EXPECT_EQ(raw.classes, 3);
  for (std::size_t i = 0; i < raw.pool.y.size(); ++i) {
    const double x = raw.pool.x[2 * i], y = raw.pool.x[2 * i + 1];
    const double t = std::hypot(x, y);  // radius = t
    if (t < 0.05) continue;
    const double want =
        2 * std::numbers::pi * static_cast<double>(raw.pool.y[i]) / 3 + 3 * std::numbers::pi * t;
    const double diff = std::remainder(std::atan2(y, x) - want, 2 * std::numbers::pi);
    EXPECT_NEAR(diff, 0.0, 1e-4) << i;
  }
  EXPECT_EQ(std::count(raw.pool.y.begin(), raw.pool.y.end(), 2), 100);
}

TEST(SyntheticData, RejectsFewerSamplesThanClasses) {
  Data d = synthetic(SyntheticGenerator::kBlobs, 3, 0.1);
  d.classes = 4;
  EXPECT_THAT(error_of([&] { load_dataset(d, {}, 1); }),
              HasSubstr("data.samples is 3, but must be at least data.classes (4)"));
}

// ------------------------------------------------------------------------------ prepare

// A hand-made table dataset: n examples of 3 columns (the third constant), labels i % 2.
RawDataset table(std::int64_t n) {
  RawDataset raw;
  raw.name = "table";
  raw.classes = 2;
  raw.class_names = {"0", "1"};
  raw.pool.shape = {3};
  for (std::int64_t i = 0; i < n; ++i) {
    raw.pool.x.insert(raw.pool.x.end(),
                      {static_cast<float>(i), static_cast<float>(i % 7) * 10.0f, 4.5f});
    raw.pool.y.push_back(i % 2);
    raw.pool.index.push_back(i);
  }
  raw.official_test.shape = raw.pool.shape;
  return raw;
}

Data split(double train, double validation, double test) {
  Data d;
  d.split = {train, validation, test, SplitMode::kFixed};
  return d;
}

std::set<std::int64_t> ids(const ExampleSet& s) { return {s.index.begin(), s.index.end()}; }

TEST(Prepare, SplitSizesRoundHalvesAwayFromZero) {
  // n = 45: validation round(4.5) = 5, test round(4.5) = 5, train 35.
  const PreparedData p = prepare(table(45), split(0.8, 0.1, 0.1), 1);
  EXPECT_EQ(p.validation.size(), 5);
  EXPECT_EQ(p.test.size(), 5);
  EXPECT_EQ(p.train.size(), 35);
  const PreparedData q = prepare(table(1000), split(0.7, 0.2, 0.1), 1);
  EXPECT_EQ(q.validation.size(), 200);
  EXPECT_EQ(q.test.size(), 100);
  EXPECT_EQ(q.train.size(), 700);
  EXPECT_EQ(q.classes, 2);
}

TEST(Prepare, SetsAreDisjointAndCoverThePool) {
  const PreparedData p = prepare(table(1000), split(0.7, 0.2, 0.1), 77);
  std::set<std::int64_t> all;
  for (const ExampleSet* s : {&p.train, &p.validation, &p.test}) {
    for (std::int64_t i : s->index) EXPECT_TRUE(all.insert(i).second) << "index " << i << " twice";
    EXPECT_EQ(s->x.size(), static_cast<std::size_t>(s->size()) * 3);
    EXPECT_THAT(s->shape, ElementsAre(3));
  }
  EXPECT_EQ(all.size(), 1000u);
  // Each example keeps its features and label: column 1 before standardisation was (i % 7) * 10.
  for (std::size_t k = 0; k < p.train.y.size(); ++k) {
    EXPECT_EQ(p.train.y[k], p.train.index[k] % 2);
  }
  // The order is the permutation's: the validation set is the first 200 of permutation(1000).
  Rng rng(77);
  const std::vector<std::int64_t> perm = permutation(1000, rng);
  EXPECT_EQ(p.validation.index, std::vector<std::int64_t>(perm.begin(), perm.begin() + 200));
  EXPECT_EQ(p.test.index, std::vector<std::int64_t>(perm.begin() + 200, perm.begin() + 300));
  EXPECT_EQ(p.train.index, std::vector<std::int64_t>(perm.begin() + 300, perm.end()));
}

TEST(Prepare, IsDeterministicAndSeedDependent) {
  const RawDataset raw = table(500);
  const PreparedData a = prepare(raw, split(0.8, 0.1, 0.1), 5);
  const PreparedData b = prepare(raw, split(0.8, 0.1, 0.1), 5);
  const PreparedData c = prepare(raw, split(0.8, 0.1, 0.1), 6);
  EXPECT_EQ(a.train.index, b.train.index);
  EXPECT_EQ(a.train.x, b.train.x);
  EXPECT_EQ(a.test.index, b.test.index);
  EXPECT_NE(a.train.index, c.train.index);
  EXPECT_NE(ids(a.test), ids(c.test));
}

TEST(Prepare, SubsetKeepsTheFirstTrainingExamples) {
  const RawDataset raw = table(1000);
  Data d = split(0.7, 0.2, 0.1);
  const PreparedData full = prepare(raw, d, 3);
  d.subset = 100;
  const PreparedData sub = prepare(raw, d, 3);
  EXPECT_EQ(sub.train.size(), 100);
  EXPECT_EQ(sub.train.index,
            std::vector<std::int64_t>(full.train.index.begin(), full.train.index.begin() + 100));
  EXPECT_EQ(sub.validation.index, full.validation.index);
  EXPECT_EQ(sub.test.index, full.test.index);
  EXPECT_EQ(sub.class_counts[0] + sub.class_counts[1], 100);
  d.subset = 701;
  EXPECT_THAT(error_of([&] { prepare(raw, d, 3); }),
              HasSubstr("data.subset is 701, but only 700 training examples are available (1000 "
                        "examples, train share 0.7); lower data.subset to at most 700"));
}

TEST(Prepare, RejectsAnEmptyTrainingSet) {
  EXPECT_THAT(error_of([&] { prepare(table(2), split(0.2, 0.4, 0.4), 1); }),
              HasSubstr("data.split leaves the training set empty: table has 2 examples to split, "
                        "of which round(0.4 x 2) = 1 go to validation and round(0.4 x 2) = 1 to "
                        "test"));
}

TEST(Prepare, StandardisesTablesPerColumnWithTrainingStatistics) {
  const RawDataset raw = table(1000);
  const PreparedData p = prepare(raw, split(0.7, 0.2, 0.1), 8);
  ASSERT_EQ(p.mean.size(), 3u);
  ASSERT_EQ(p.sd.size(), 3u);
  const auto n = static_cast<std::size_t>(p.train.size());
  for (std::size_t j = 0; j < 2; ++j) {
    double s = 0, s2 = 0;
    for (std::size_t i = 0; i < n; ++i) {
      s += p.train.x[3 * i + j];
      s2 += static_cast<double>(p.train.x[3 * i + j]) * p.train.x[3 * i + j];
    }
    EXPECT_NEAR(s / static_cast<double>(n), 0.0, 1e-6) << j;
    EXPECT_NEAR(s2 / static_cast<double>(n), 1.0, 1e-5) << j;  // population sd 1
  }
  // The constant column is centred only.
  EXPECT_EQ(p.mean[2], 4.5);
  EXPECT_EQ(p.sd[2], 1.0);
  for (std::size_t i = 0; i < n; ++i) EXPECT_EQ(p.train.x[3 * i + 2], 0.0f);
  // Column 0 is the example index i: its training mean and population sd by hand.
  double m = 0, v = 0;
  for (std::int64_t i : p.train.index) m += static_cast<double>(i);
  m /= static_cast<double>(n);
  for (std::int64_t i : p.train.index)
    v += (static_cast<double>(i) - m) * (static_cast<double>(i) - m);
  const double sd = std::sqrt(v / static_cast<double>(n));
  EXPECT_NEAR(p.mean[0], m, 1e-9);
  EXPECT_NEAR(p.sd[0], sd, 1e-9);
  // Validation and test use the training statistics.
  const std::int64_t vi = p.validation.index[0];
  EXPECT_FLOAT_EQ(p.validation.x[0], static_cast<float>((static_cast<double>(vi) - m) / sd));
  const std::int64_t ti = p.test.index[3];
  EXPECT_FLOAT_EQ(p.test.x[9 + 1],
                  static_cast<float>((static_cast<double>(ti % 7) * 10.0 - p.mean[1]) / p.sd[1]));
}

// Images: 1 x 2 x 2, pixel p of example i is i + 10 p; official test set of 2 examples.
RawDataset images(std::int64_t n) {
  RawDataset raw;
  raw.name = "images";
  raw.classes = 3;
  raw.class_names = {"0", "1", "2"};
  raw.pool.shape = {1, 2, 2};
  raw.official_test.shape = raw.pool.shape;
  for (std::int64_t i = 0; i < n; ++i) {
    for (int p = 0; p < 4; ++p) raw.pool.x.push_back(static_cast<float>(i + 10 * p));
    raw.pool.y.push_back(i % 3);
    raw.pool.index.push_back(i);
  }
  raw.official_test.x = {0, 0, 0, 0, 1, 1, 1, 1};
  raw.official_test.y = {2, 1};
  raw.official_test.index = {0, 1};
  return raw;
}

TEST(Prepare, StandardisesImagesWithOneMeanAndSd) {
  const RawDataset raw = images(100);
  const PreparedData p = prepare(raw, split(0.9, 0.1, 0.0), 2);
  ASSERT_EQ(p.mean.size(), 1u);
  double s = 0, s2 = 0;
  for (float v : p.train.x) {
    s += v;
    s2 += static_cast<double>(v) * v;
  }
  const auto count = static_cast<double>(p.train.x.size());
  EXPECT_NEAR(s / count, 0.0, 1e-6);
  EXPECT_NEAR(s2 / count, 1.0, 1e-5);
  // Pixel 0 alone is not centred (one mean over all pixels, not one per pixel).
  double pixel0 = 0;
  for (std::size_t i = 0; i < p.train.y.size(); ++i) pixel0 += p.train.x[4 * i];
  EXPECT_LT(pixel0 / static_cast<double>(p.train.y.size()), -0.3);
  // The official test set is the test set, whole and in file order, standardised likewise.
  EXPECT_EQ(p.test.size(), 2);
  EXPECT_THAT(p.test.y, ElementsAre(2, 1));
  EXPECT_THAT(p.test.index, ElementsAre(0, 1));
  EXPECT_FLOAT_EQ(p.test.x[4], static_cast<float>((1.0 - p.mean[0]) / p.sd[0]));
  EXPECT_EQ(p.validation.size(), 10);
  EXPECT_EQ(p.train.size(), 90);
  Data bad = split(0.8, 0.1, 0.1);
  EXPECT_THAT(error_of([&] { prepare(raw, bad, 2); }),
              HasSubstr("data.split.test is 0.1, but images has an official test set; set test = "
                        "0"));
}

TEST(Prepare, CountsTrainingLabelsPerClass) {
  const PreparedData p = prepare(images(90), split(0.9, 0.1, 0.0), 4);
  ASSERT_EQ(p.class_counts.size(), 3u);
  std::vector<std::int64_t> want(3, 0);
  for (std::int64_t y : p.train.y) ++want[static_cast<std::size_t>(y)];
  EXPECT_EQ(p.class_counts, want);
  EXPECT_EQ(want[0] + want[1] + want[2], p.train.size());
}

// ---------------------------------------------------------------------------- epoch_order

TEST(EpochOrder, IsThePermutationOfTheEpochSubstream) {
  // scripts/golden/models_rng.py: permutation(10, Rng(substream(9, 2))).
  EXPECT_THAT(epoch_order(10, 9, 2), ElementsAre(4, 6, 7, 3, 1, 2, 9, 0, 8, 5));
  std::vector<std::int64_t> o = epoch_order(1000, 9, 0);
  EXPECT_NE(o, epoch_order(1000, 9, 1));
  EXPECT_NE(o, epoch_order(1000, 10, 0));
  EXPECT_EQ(o, epoch_order(1000, 9, 0));
  std::sort(o.begin(), o.end());
  for (std::size_t i = 0; i < o.size(); ++i) EXPECT_EQ(o[i], static_cast<std::int64_t>(i));
  EXPECT_THAT(error_of([&] { epoch_order(10, 9, -1); }),
              HasSubstr("epoch_order: n is 10 and epoch is -1, but both must be >= 0"));
}

}  // namespace
}  // namespace rigor::models
