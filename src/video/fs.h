#pragma once
// The file system as the recorder sees it (docs/formats.md §6, after LevelDB's Env): every open,
// write, fsync, fdatasync, truncate, rename, unlink, mkdir, readdir, stat, statvfs and lock of the
// segment store goes through an Fs, and every one returns a Status that the caller handles. The
// real one is posix_fs(); tests swap in one that injects ENOSPC, EIO and power cuts.
// Thread safety: an Fs may be used from several threads at once; a File by one thread at a time.
#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace watchfloor::video {

// The outcome of one file-system call: ok, or the errno and what was being done.
class [[nodiscard]] Status {
 public:
  Status() = default;
  static Status error(int code, std::string what) { return Status(code, std::move(what)); }
  bool ok() const { return code_ == 0; }
  int code() const { return code_; }
  // "fsync /data/video/default/3/main/000000000012.mp4: Input/output error"; empty when ok.
  std::string message() const;
  // ENOSPC or EDQUOT: the disk is full rather than failing.
  bool disk_full() const;
  // Throws std::system_error with the code and message (when not ok).
  void throw_if_error() const;

 private:
  Status(int code, std::string what) : code_(code), what_(std::move(what)) {}
  int code_ = 0;
  std::string what_;
};

// An open file. Closing is explicit (its error matters after writes); the destructor closes
// silently what was not closed.
class File {
 public:
  virtual ~File() = default;
  // Appends every part, in order (one writev), retrying short writes.
  virtual Status append(const std::vector<std::string_view>& parts) = 0;
  // Reads exactly n bytes at offset; a short read is EIO.
  virtual Status read_at(uint64_t offset, char* out, size_t n) = 0;
  virtual Status fsync() = 0;
  virtual Status fdatasync() = 0;
  virtual Status truncate(uint64_t size) = 0;
  virtual Status close() = 0;
};

struct FileInfo {
  uint64_t size = 0;
  int64_t mtime_ms = 0;
  bool directory = false;
};

struct DiskSpace {
  uint64_t total = 0, free = 0;
};

class Fs {
 public:
  virtual ~Fs() = default;
  // O_CREAT|O_EXCL|O_WRONLY, mode 0600: EEXIST when the name is taken.
  virtual Status create_new(const std::filesystem::path& p, std::unique_ptr<File>& out) = 0;
  virtual Status open_read(const std::filesystem::path& p, std::unique_ptr<File>& out) = 0;
  // Opens for writing without creating (recovery cuts a torn file back).
  virtual Status open_write(const std::filesystem::path& p, std::unique_ptr<File>& out) = 0;
  virtual Status rename(const std::filesystem::path& from, const std::filesystem::path& to) = 0;
  virtual Status unlink(const std::filesystem::path& p) = 0;
  // One directory, mode 0700; EEXIST when it exists.
  virtual Status mkdir(const std::filesystem::path& p) = 0;
  // fsync of a directory: a created, renamed or removed entry in it survives a power loss.
  virtual Status sync_dir(const std::filesystem::path& dir) = 0;
  // Entry names (not . and ..), sorted.
  virtual Status list_dir(const std::filesystem::path& dir, std::vector<std::string>& names) = 0;
  virtual Status stat(const std::filesystem::path& p, FileInfo& out) = 0;
  virtual Status statvfs(const std::filesystem::path& p, DiskSpace& out) = 0;
  // Opens `p` read-only and takes flock(LOCK_EX|LOCK_NB) on it; held until `out` is destroyed.
  virtual Status lock(const std::filesystem::path& p, std::unique_ptr<File>& out) = 0;
};

// The real file system (one instance for the process).
Fs& posix_fs();

// Helpers composed of the calls above.
// Reads a whole file.
Status read_file(Fs& fs, const std::filesystem::path& p, std::string& out);
// Creates `dir` and its missing parents (mode 0700) and fsyncs each new one's parent.
Status make_dirs(Fs& fs, const std::filesystem::path& dir);
// Writes `text` to `path` durably: temporary file, fsync, rename, fsync of the directory.
Status write_durably(Fs& fs, const std::filesystem::path& path, std::string_view text);
// fsync of an existing file by name.
Status sync_file(Fs& fs, const std::filesystem::path& p);

}  // namespace watchfloor::video
