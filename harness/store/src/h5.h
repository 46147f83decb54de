// Internal: the HDF5 C API wrapped once. One RAII handle class per object kind; every call is
// checked and a failure throws StoreError "<file>:<object path>: <call> failed: <HDF5 stack>".
// HDF5's automatic error printing is turned off; its error stack is captured into the message.
#ifndef RIGOR_STORE_SRC_H5_H_
#define RIGOR_STORE_SRC_H5_H_

#include <hdf5.h>

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "rigor/store/record.h"

namespace rigor::store::h5 {

// Turns off HDF5's automatic error printing (idempotent; called by every entry point).
void init();

// The current HDF5 error stack as one line ("H5Dwrite(): can't write data; ..."), then clears it.
std::string take_error_stack();

// Throws StoreError "<where>: <call> failed: <stack>".
[[noreturn]] void fail(const std::string& where, std::string_view call);

// Returns `r` if it is a valid id / non-negative status, else fail(where, call).
template <typename T>
T check(T r, const std::string& where, std::string_view call) {
  if (r < 0) fail(where, call);
  return r;
}

// Owns one hid_t and closes it with `Close`. Move-only.
template <herr_t (*Close)(hid_t)>
class Handle {
 public:
  Handle() = default;
  explicit Handle(hid_t id) : id_(id) {}
  Handle(const Handle&) = delete;
  Handle& operator=(const Handle&) = delete;
  Handle(Handle&& o) noexcept : id_(o.id_) { o.id_ = H5I_INVALID_HID; }
  Handle& operator=(Handle&& o) noexcept {
    if (this != &o) {
      reset();
      id_ = o.id_;
      o.id_ = H5I_INVALID_HID;
    }
    return *this;
  }
  ~Handle() { reset(); }
  hid_t get() const { return id_; }
  bool valid() const { return id_ >= 0; }
  // Gives up ownership without closing.
  hid_t release() {
    const hid_t id = id_;
    id_ = H5I_INVALID_HID;
    return id;
  }
  void reset() {
    if (id_ >= 0) Close(id_);  // a failed close in a destructor has nobody to report to
    id_ = H5I_INVALID_HID;
  }

 private:
  hid_t id_ = H5I_INVALID_HID;
};

using DatasetId = Handle<H5Dclose>;
using DataspaceId = Handle<H5Sclose>;
using DatatypeId = Handle<H5Tclose>;
using AttributeId = Handle<H5Aclose>;
using PropListId = Handle<H5Pclose>;
using GroupId = Handle<H5Gclose>;
using FileId = Handle<H5Fclose>;

// A group (or a file's root group) with its place, for messages.
class Group {
 public:
  Group(GroupId id, std::string file, std::string path)
      : id_(std::move(id)), file_(std::move(file)), path_(std::move(path)) {}
  hid_t id() const { return id_.get(); }
  const std::string& file() const { return file_; }
  const std::string& path() const { return path_; }
  std::string where() const { return file_ + ":" + path_; }
  std::string child_path(std::string_view name) const;
  std::string child_where(std::string_view name) const { return file_ + ":" + child_path(name); }

  bool has(const std::string& name) const;  // a link `name` exists here
  Group create_group(const std::string& name) const;
  Group open_group(const std::string& name) const;  // throws naming the path when missing
  std::vector<std::string> links() const;           // child names, in name order
  std::vector<std::string> attributes() const;      // attribute names, in name order
  bool has_attribute(const std::string& name) const;
  void remove(const std::string& name) const;  // unlinks a child

  void write_attribute(const std::string& name, const std::string& value) const;
  void write_attribute(const std::string& name, std::int64_t value) const;
  void write_attribute(const std::string& name, std::uint64_t value) const;
  void write_attribute(const std::string& name, double value) const;
  std::string read_string_attribute(const std::string& name) const;
  std::int64_t read_int_attribute(const std::string& name) const;
  std::uint64_t read_uint_attribute(const std::string& name) const;
  double read_double_attribute(const std::string& name) const;

  // Scalar variable-length UTF-8 string dataset.
  void write_string(const std::string& name, const std::string& value) const;
  std::string read_string(const std::string& name) const;
  // 1-D datasets: chunked, extendible (unlimited max size), deflate + shuffle.
  void write_vector(const std::string& name, const std::vector<std::int64_t>& v) const;
  void write_vector(const std::string& name, const std::vector<double>& v) const;
  void write_vector(const std::string& name, const std::vector<std::uint8_t>& v) const;
  std::vector<std::int64_t> read_int_vector(const std::string& name) const;
  std::vector<double> read_double_vector(const std::string& name) const;
  std::vector<std::uint8_t> read_byte_vector(const std::string& name) const;
  // 1-D variable-length UTF-8 string dataset (chunked, deflate).
  void write_strings(const std::string& name, const std::vector<std::string>& v) const;
  std::vector<std::string> read_strings(const std::string& name) const;
  // A series as a compound dataset {<index_field>: int64, value: float64}.
  void write_series(const std::string& name, const Series& s, const char* index_field) const;
  Series read_series(const std::string& name, const char* index_field) const;

 private:
  GroupId id_;
  std::string file_;
  std::string path_;
};

struct OpenOptions {
  bool write = false;
};

// An HDF5 file. `close()` reports failures; the destructor closes silently.
class File {
 public:
  // Creates a new file (fails if it exists). Latest-format (1.10) layout: compact and indexed
  // links and attributes, which keeps a 10,000-run /runs group fast to list.
  static File create(const std::string& name);
  // Opens an existing file; checks first that it is HDF5, for a clearer message.
  static File open(const std::string& name, bool write);
  Group root() const;
  const std::string& name() const { return name_; }
  void close();

 private:
  File(FileId id, std::string name) : id_(std::move(id)), name_(std::move(name)) {}
  FileId id_;
  std::string name_;
};

// H5Ocopy of `src_parent/name` into `dst_parent/name` (whole subtree, across files).
void copy_object(const Group& src_parent, const std::string& name, const Group& dst_parent);

}  // namespace rigor::store::h5

#endif  // RIGOR_STORE_SRC_H5_H_
