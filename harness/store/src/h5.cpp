#include "h5.h"

#include <algorithm>
#include <cstddef>
#include <cstring>
#include <filesystem>
#include <mutex>
#include <utility>

namespace rigor::store::h5 {
namespace {

// Deflate level for metric datasets: 4 is within a few percent of level 9's size on float
// series and several times faster (zlib's own guidance).
constexpr unsigned kDeflateLevel = 4;
// Target chunk size: 64 KiB keeps a 100,000-step series in a few chunks and a 10-step one small.
constexpr std::size_t kChunkBytes = 64 * 1024;
// Attributes per object kept in the header (HDF5's maximum for compact storage).
constexpr unsigned kMaxCompactAttributes = 65535;
// At most this many frames of the HDF5 error stack go into a message.
constexpr unsigned kMaxFrames = 6;

herr_t collect_frame(unsigned n, const H5E_error2_t* err, void* data) {
  auto* out = static_cast<std::string*>(data);
  if (n >= kMaxFrames) return 0;
  if (!out->empty()) *out += "; ";
  *out += err->func_name ? err->func_name : "?";
  *out += "(): ";
  *out += err->desc ? err->desc : "";
  char minor[128] = {0};
  if (H5Eget_msg(err->min_num, nullptr, minor, sizeof minor) > 0 && minor[0] != '\0') {
    *out += " (";
    *out += minor;
    *out += ")";
  }
  return 0;
}

DatatypeId string_type(const std::string& where) {
  DatatypeId t(check(H5Tcopy(H5T_C_S1), where, "H5Tcopy"));
  check(H5Tset_size(t.get(), H5T_VARIABLE), where, "H5Tset_size");
  check(H5Tset_cset(t.get(), H5T_CSET_UTF8), where, "H5Tset_cset");
  return t;
}

DatatypeId series_type(const char* index_field, const std::string& where) {
  DatatypeId t(check(H5Tcreate(H5T_COMPOUND, sizeof(SeriesPoint)), where, "H5Tcreate"));
  check(H5Tinsert(t.get(), index_field, offsetof(SeriesPoint, step), H5T_NATIVE_INT64), where,
        "H5Tinsert");
  check(H5Tinsert(t.get(), "value", offsetof(SeriesPoint, value), H5T_NATIVE_DOUBLE), where,
        "H5Tinsert");
  return t;
}

void require_no_nul(const std::string& value, const std::string& where) {
  if (value.find('\0') != std::string::npos) {
    throw StoreError(where +
                     ": text contains a NUL byte, which HDF5 strings cannot hold; "
                     "encode binary data as a byte dataset");
  }
}

// Writes a 1-D chunked, extendible dataset of `n` elements of `mem_type`.
void write_1d(hid_t parent, const std::string& name, const std::string& where, hid_t mem_type,
              std::size_t elem_size, std::size_t n, const void* data, bool compress) {
  const hsize_t dims[1] = {n};
  const hsize_t maxdims[1] = {H5S_UNLIMITED};
  DataspaceId space(check(H5Screate_simple(1, dims, maxdims), where, "H5Screate_simple"));
  PropListId dcpl(check(H5Pcreate(H5P_DATASET_CREATE), where, "H5Pcreate"));
  const std::size_t per_chunk = std::max<std::size_t>(1, kChunkBytes / elem_size);
  const hsize_t chunk[1] = {n == 0 ? std::min<hsize_t>(per_chunk, 64)
                                   : std::min<hsize_t>(n, per_chunk)};
  check(H5Pset_chunk(dcpl.get(), 1, chunk), where, "H5Pset_chunk");
  if (compress) {
    check(H5Pset_shuffle(dcpl.get()), where, "H5Pset_shuffle");
    check(H5Pset_deflate(dcpl.get(), kDeflateLevel), where, "H5Pset_deflate");
  }
  DatasetId ds(check(
      H5Dcreate2(parent, name.c_str(), mem_type, space.get(), H5P_DEFAULT, dcpl.get(), H5P_DEFAULT),
      where, "H5Dcreate2"));
  if (n > 0) {
    check(H5Dwrite(ds.get(), mem_type, H5S_ALL, H5S_ALL, H5P_DEFAULT, data), where, "H5Dwrite");
  }
}

// Opens a 1-D dataset and returns its length.
DatasetId open_1d(hid_t parent, const std::string& name, const std::string& where, std::size_t* n) {
  DatasetId ds(check(H5Dopen2(parent, name.c_str(), H5P_DEFAULT), where, "H5Dopen2"));
  DataspaceId space(check(H5Dget_space(ds.get()), where, "H5Dget_space"));
  const int rank =
      check(H5Sget_simple_extent_ndims(space.get()), where, "H5Sget_simple_extent_ndims");
  if (rank != 1) {
    throw StoreError(where + ": dataset has rank " + std::to_string(rank) + ", but must be 1-D");
  }
  hsize_t dims[1] = {0};
  check(H5Sget_simple_extent_dims(space.get(), dims, nullptr), where, "H5Sget_simple_extent_dims");
  *n = static_cast<std::size_t>(dims[0]);
  return ds;
}

template <typename T>
std::vector<T> read_1d(hid_t parent, const std::string& name, const std::string& where,
                       hid_t mem_type) {
  std::size_t n = 0;
  DatasetId ds = open_1d(parent, name, where, &n);
  std::vector<T> out(n);
  if (n > 0) {
    check(H5Dread(ds.get(), mem_type, H5S_ALL, H5S_ALL, H5P_DEFAULT, out.data()), where, "H5Dread");
  }
  return out;
}

template <typename T>
void write_scalar_attribute(hid_t loc, const std::string& name, const std::string& where,
                            hid_t type, const T* value) {
  if (H5Aexists(loc, name.c_str()) > 0) check(H5Adelete(loc, name.c_str()), where, "H5Adelete");
  DataspaceId space(check(H5Screate(H5S_SCALAR), where, "H5Screate"));
  AttributeId a(check(H5Acreate2(loc, name.c_str(), type, space.get(), H5P_DEFAULT, H5P_DEFAULT),
                      where, "H5Acreate2"));
  check(H5Awrite(a.get(), type, value), where, "H5Awrite");
}

// Opens a scalar attribute and checks its type class.
AttributeId open_attribute(hid_t loc, const std::string& name, const std::string& where,
                           std::initializer_list<H5T_class_t> classes, const char* wanted) {
  const htri_t exists = check(H5Aexists(loc, name.c_str()), where, "H5Aexists");
  if (exists == 0) throw StoreError(where + ": attribute \"" + name + "\" is missing");
  AttributeId a(check(H5Aopen(loc, name.c_str(), H5P_DEFAULT), where, "H5Aopen"));
  DataspaceId space(check(H5Aget_space(a.get()), where, "H5Aget_space"));
  if (H5Sget_simple_extent_npoints(space.get()) != 1) {
    throw StoreError(where + ": attribute \"" + name + "\" must hold one value");
  }
  DatatypeId type(check(H5Aget_type(a.get()), where, "H5Aget_type"));
  const H5T_class_t cls = H5Tget_class(type.get());
  if (std::find(classes.begin(), classes.end(), cls) == classes.end()) {
    throw StoreError(where + ": attribute \"" + name + "\" must be " + wanted);
  }
  return a;
}

}  // namespace

void init() {
  static std::once_flag once;
  std::call_once(once, [] {
    H5open();
    H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);
  });
}

std::string take_error_stack() {
  std::string out;
  H5Ewalk2(H5E_DEFAULT, H5E_WALK_DOWNWARD, collect_frame, &out);
  H5Eclear2(H5E_DEFAULT);
  return out.empty() ? "no HDF5 error detail" : out;
}

void fail(const std::string& where, std::string_view call) {
  throw StoreError(where + ": " + std::string(call) + " failed: " + take_error_stack());
}

std::string Group::child_path(std::string_view name) const {
  std::string p = path_;
  if (p.empty() || p.back() != '/') p += '/';
  p += name;
  return p;
}

bool Group::has(const std::string& name) const {
  return check(H5Lexists(id(), name.c_str(), H5P_DEFAULT), child_where(name), "H5Lexists") > 0;
}

Group Group::create_group(const std::string& name) const {
  const std::string w = child_where(name);
  // Attributes stay in the object header ("compact") however many there are: HDF5 1.10.8's
  // H5Ocopy crashes copying dense-stored attributes that hold variable-length strings
  // (H5A__dense_post_copy_file_all), and compaction and merge copy run groups with H5Ocopy.
  PropListId gcpl(check(H5Pcreate(H5P_GROUP_CREATE), w, "H5Pcreate"));
  check(H5Pset_attr_phase_change(gcpl.get(), kMaxCompactAttributes, 0), w,
        "H5Pset_attr_phase_change");
  GroupId g(
      check(H5Gcreate2(id(), name.c_str(), H5P_DEFAULT, gcpl.get(), H5P_DEFAULT), w, "H5Gcreate2"));
  return Group(std::move(g), file_, child_path(name));
}

Group Group::open_group(const std::string& name) const {
  const std::string w = child_where(name);
  if (!has(name)) throw StoreError(w + ": group is missing");
  GroupId g(check(H5Gopen2(id(), name.c_str(), H5P_DEFAULT), w, "H5Gopen2"));
  return Group(std::move(g), file_, child_path(name));
}

std::vector<std::string> Group::links() const {
  std::vector<std::string> names;
  auto cb = [](hid_t, const char* name, const H5L_info_t*, void* data) -> herr_t {
    static_cast<std::vector<std::string>*>(data)->emplace_back(name);
    return 0;
  };
  check(H5Literate(id(), H5_INDEX_NAME, H5_ITER_INC, nullptr, cb, &names), where(), "H5Literate");
  return names;
}

std::vector<std::string> Group::attributes() const {
  std::vector<std::string> names;
  auto cb = [](hid_t, const char* name, const H5A_info_t*, void* data) -> herr_t {
    static_cast<std::vector<std::string>*>(data)->emplace_back(name);
    return 0;
  };
  check(H5Aiterate2(id(), H5_INDEX_NAME, H5_ITER_INC, nullptr, cb, &names), where(), "H5Aiterate2");
  return names;
}

bool Group::has_attribute(const std::string& name) const {
  return check(H5Aexists(id(), name.c_str()), where(), "H5Aexists") > 0;
}

void Group::remove(const std::string& name) const {
  check(H5Ldelete(id(), name.c_str(), H5P_DEFAULT), child_where(name), "H5Ldelete");
}

void Group::write_attribute(const std::string& name, const std::string& value) const {
  require_no_nul(value, where() + " attribute \"" + name + "\"");
  DatatypeId t = string_type(where());
  const char* p = value.c_str();
  write_scalar_attribute(id(), name, where(), t.get(), &p);
}
void Group::write_attribute(const std::string& name, std::int64_t value) const {
  write_scalar_attribute(id(), name, where(), H5T_NATIVE_INT64, &value);
}
void Group::write_attribute(const std::string& name, std::uint64_t value) const {
  write_scalar_attribute(id(), name, where(), H5T_NATIVE_UINT64, &value);
}
void Group::write_attribute(const std::string& name, double value) const {
  write_scalar_attribute(id(), name, where(), H5T_NATIVE_DOUBLE, &value);
}

std::string Group::read_string_attribute(const std::string& name) const {
  AttributeId a = open_attribute(id(), name, where(), {H5T_STRING}, "a string");
  DatatypeId file_type(check(H5Aget_type(a.get()), where(), "H5Aget_type"));
  const htri_t variable = check(H5Tis_variable_str(file_type.get()), where(), "H5Tis_variable_str");
  if (variable > 0) {
    DatatypeId t = string_type(where());
    char* p = nullptr;
    check(H5Aread(a.get(), t.get(), &p), where() + " attribute \"" + name + "\"", "H5Aread");
    std::string out = p ? p : "";
    H5free_memory(p);
    return out;
  }
  // Fixed-length strings (written by other tools, e.g. h5py's np.bytes_ attributes).
  const std::size_t size = H5Tget_size(file_type.get());
  std::string buf(size, '\0');
  check(H5Aread(a.get(), file_type.get(), buf.data()), where() + " attribute \"" + name + "\"",
        "H5Aread");
  buf.resize(std::strlen(buf.c_str()));
  return buf;
}

std::int64_t Group::read_int_attribute(const std::string& name) const {
  AttributeId a = open_attribute(id(), name, where(), {H5T_INTEGER}, "an integer");
  std::int64_t v = 0;
  check(H5Aread(a.get(), H5T_NATIVE_INT64, &v), where() + " attribute \"" + name + "\"", "H5Aread");
  return v;
}

std::uint64_t Group::read_uint_attribute(const std::string& name) const {
  AttributeId a = open_attribute(id(), name, where(), {H5T_INTEGER}, "an unsigned integer");
  std::uint64_t v = 0;
  check(H5Aread(a.get(), H5T_NATIVE_UINT64, &v), where() + " attribute \"" + name + "\"",
        "H5Aread");
  return v;
}

double Group::read_double_attribute(const std::string& name) const {
  AttributeId a = open_attribute(id(), name, where(), {H5T_FLOAT, H5T_INTEGER}, "a number");
  double v = 0;
  check(H5Aread(a.get(), H5T_NATIVE_DOUBLE, &v), where() + " attribute \"" + name + "\"",
        "H5Aread");
  return v;
}

void Group::write_string(const std::string& name, const std::string& value) const {
  const std::string w = child_where(name);
  require_no_nul(value, w);
  if (has(name)) remove(name);
  DatatypeId t = string_type(w);
  DataspaceId space(check(H5Screate(H5S_SCALAR), w, "H5Screate"));
  DatasetId ds(check(
      H5Dcreate2(id(), name.c_str(), t.get(), space.get(), H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT),
      w, "H5Dcreate2"));
  const char* p = value.c_str();
  check(H5Dwrite(ds.get(), t.get(), H5S_ALL, H5S_ALL, H5P_DEFAULT, &p), w, "H5Dwrite");
}

std::string Group::read_string(const std::string& name) const {
  const std::string w = child_where(name);
  if (!has(name)) throw StoreError(w + ": dataset is missing");
  DatasetId ds(check(H5Dopen2(id(), name.c_str(), H5P_DEFAULT), w, "H5Dopen2"));
  DatatypeId file_type(check(H5Dget_type(ds.get()), w, "H5Dget_type"));
  DataspaceId space(check(H5Dget_space(ds.get()), w, "H5Dget_space"));
  if (H5Tget_class(file_type.get()) != H5T_STRING || H5Tis_variable_str(file_type.get()) <= 0 ||
      H5Sget_simple_extent_npoints(space.get()) != 1) {
    throw StoreError(w + ": must be a scalar variable-length string dataset");
  }
  DatatypeId t = string_type(w);
  char* p = nullptr;
  check(H5Dread(ds.get(), t.get(), H5S_ALL, H5S_ALL, H5P_DEFAULT, &p), w, "H5Dread");
  std::string out = p ? p : "";
  H5free_memory(p);
  return out;
}

void Group::write_vector(const std::string& name, const std::vector<std::int64_t>& v) const {
  write_1d(id(), name, child_where(name), H5T_NATIVE_INT64, sizeof(std::int64_t), v.size(),
           v.data(), true);
}
void Group::write_vector(const std::string& name, const std::vector<double>& v) const {
  write_1d(id(), name, child_where(name), H5T_NATIVE_DOUBLE, sizeof(double), v.size(), v.data(),
           true);
}
void Group::write_vector(const std::string& name, const std::vector<std::uint8_t>& v) const {
  // Checkpoints: serialized floats barely compress, so no filters (deflate would cost seconds).
  write_1d(id(), name, child_where(name), H5T_NATIVE_UINT8, 1, v.size(), v.data(), false);
}
std::vector<std::int64_t> Group::read_int_vector(const std::string& name) const {
  return read_1d<std::int64_t>(id(), name, child_where(name), H5T_NATIVE_INT64);
}
std::vector<double> Group::read_double_vector(const std::string& name) const {
  return read_1d<double>(id(), name, child_where(name), H5T_NATIVE_DOUBLE);
}
std::vector<std::uint8_t> Group::read_byte_vector(const std::string& name) const {
  return read_1d<std::uint8_t>(id(), name, child_where(name), H5T_NATIVE_UINT8);
}

void Group::write_strings(const std::string& name, const std::vector<std::string>& v) const {
  const std::string w = child_where(name);
  std::vector<const char*> ptrs;
  ptrs.reserve(v.size());
  for (const std::string& x : v) {
    require_no_nul(x, w);
    ptrs.push_back(x.c_str());
  }
  DatatypeId t = string_type(w);
  write_1d(id(), name, w, t.get(), sizeof(char*), ptrs.size(), ptrs.data(), true);
}

std::vector<std::string> Group::read_strings(const std::string& name) const {
  const std::string w = child_where(name);
  std::size_t n = 0;
  DatasetId ds = open_1d(id(), name, w, &n);
  DatatypeId file_type(check(H5Dget_type(ds.get()), w, "H5Dget_type"));
  if (H5Tget_class(file_type.get()) != H5T_STRING || H5Tis_variable_str(file_type.get()) <= 0) {
    throw StoreError(w + ": must be a variable-length string dataset");
  }
  DatatypeId t = string_type(w);
  std::vector<char*> ptrs(n, nullptr);
  std::vector<std::string> out;
  if (n == 0) return out;
  check(H5Dread(ds.get(), t.get(), H5S_ALL, H5S_ALL, H5P_DEFAULT, ptrs.data()), w, "H5Dread");
  out.reserve(n);
  for (char* p : ptrs) out.emplace_back(p ? p : "");
  DataspaceId space(check(H5Dget_space(ds.get()), w, "H5Dget_space"));
  H5Dvlen_reclaim(t.get(), space.get(), H5P_DEFAULT, ptrs.data());
  return out;
}

void Group::write_series(const std::string& name, const Series& s, const char* index_field) const {
  const std::string w = child_where(name);
  DatatypeId t = series_type(index_field, w);
  write_1d(id(), name, w, t.get(), sizeof(SeriesPoint), s.size(), s.data(), true);
}

Series Group::read_series(const std::string& name, const char* index_field) const {
  const std::string w = child_where(name);
  DatatypeId t = series_type(index_field, w);
  return read_1d<SeriesPoint>(id(), name, w, t.get());
}

File File::create(const std::string& name) {
  init();
  PropListId fapl(check(H5Pcreate(H5P_FILE_ACCESS), name, "H5Pcreate"));
  // Low bound 1.8: new-style groups (indexed links, dense attributes) that h5py and 1.8 tools read.
  check(H5Pset_libver_bounds(fapl.get(), H5F_LIBVER_V18, H5F_LIBVER_LATEST), name,
        "H5Pset_libver_bounds");
  FileId id(
      check(H5Fcreate(name.c_str(), H5F_ACC_EXCL, H5P_DEFAULT, fapl.get()), name, "H5Fcreate"));
  return File(std::move(id), name);
}

File File::open(const std::string& name, bool write) {
  init();
  std::error_code ec;
  if (!std::filesystem::exists(name, ec)) throw StoreError(name + ": no such file");
  if (!std::filesystem::is_regular_file(name, ec)) throw StoreError(name + ": not a regular file");
  const htri_t is_hdf5 = H5Fis_hdf5(name.c_str());
  if (is_hdf5 < 0) fail(name, "H5Fis_hdf5");
  if (is_hdf5 == 0) {
    throw StoreError(
        name + ": not an HDF5 file (no HDF5 signature): truncated, corrupt or another format");
  }
  FileId id(check(H5Fopen(name.c_str(), write ? H5F_ACC_RDWR : H5F_ACC_RDONLY, H5P_DEFAULT), name,
                  "H5Fopen (truncated or corrupt file?)"));
  return File(std::move(id), name);
}

Group File::root() const {
  GroupId g(check(H5Gopen2(id_.get(), "/", H5P_DEFAULT), name_ + ":/", "H5Gopen2"));
  return Group(std::move(g), name_, "/");
}

void File::close() {
  if (!id_.valid()) return;
  const ssize_t open_objects = H5Fget_obj_count(id_.get(), H5F_OBJ_ALL | H5F_OBJ_LOCAL);
  if (open_objects > 1) {
    throw StoreError(name_ + ": internal error: " + std::to_string(open_objects - 1) +
                     " HDF5 objects still open at close; the file would not be flushed");
  }
  if (H5Fclose(id_.release()) < 0) fail(name_, "H5Fclose");
}

void copy_object(const Group& src_parent, const std::string& name, const Group& dst_parent) {
  check(H5Ocopy(src_parent.id(), name.c_str(), dst_parent.id(), name.c_str(), H5P_DEFAULT,
                H5P_DEFAULT),
        dst_parent.child_where(name), "H5Ocopy");
}

}  // namespace rigor::store::h5
