#include "video/fs.h"

#include <dirent.h>
#include <fcntl.h>
#include <fmt/format.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/uio.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <system_error>

namespace watchfloor::video {

namespace fs = std::filesystem;

std::string Status::message() const {
  if (ok()) return {};
  return fmt::format("{}: {}", what_, std::strerror(code_));
}

bool Status::disk_full() const { return code_ == ENOSPC || code_ == EDQUOT; }

void Status::throw_if_error() const {
  if (!ok()) throw std::system_error(code_, std::generic_category(), what_);
}

namespace {

Status err(const char* op, const fs::path& p) { return Status::error(errno, fmt::format("{} {}", op, p.string())); }

class PosixFile final : public File {
 public:
  PosixFile(int fd, fs::path path) : fd_(fd), path_(std::move(path)) {}
  int fd() const { return fd_; }
  ~PosixFile() override {
    if (fd_ >= 0) (void)::close(fd_);  // already failed or abandoned: the caller reported why
  }

  Status append(const std::vector<std::string_view>& parts) override {
    std::vector<iovec> iov;
    iov.reserve(parts.size());
    for (auto p : parts)
      if (!p.empty()) iov.push_back({const_cast<char*>(p.data()), p.size()});
    size_t at = 0;
    while (at < iov.size()) {
      int n = int(std::min<size_t>(iov.size() - at, size_t(1024)));
      ssize_t w = ::writev(fd_, iov.data() + at, n);
      if (w < 0) {
        if (errno == EINTR) continue;
        return err("write", path_);
      }
      if (w == 0) return Status::error(EIO, "write " + path_.string());
      size_t left = size_t(w);
      while (at < iov.size() && left >= iov[at].iov_len) left -= iov[at++].iov_len;
      if (left) {
        iov[at].iov_base = static_cast<char*>(iov[at].iov_base) + left;
        iov[at].iov_len -= left;
      }
    }
    return {};
  }

  Status read_at(uint64_t offset, char* out, size_t n) override {
    size_t done = 0;
    while (done < n) {
      ssize_t r = ::pread(fd_, out + done, n - done, off_t(offset + done));
      if (r < 0) {
        if (errno == EINTR) continue;
        return err("read", path_);
      }
      if (r == 0) return Status::error(EIO, "short read of " + path_.string());
      done += size_t(r);
    }
    return {};
  }

  Status fsync() override { return ::fsync(fd_) == 0 ? Status() : err("fsync", path_); }
  Status fdatasync() override { return ::fdatasync(fd_) == 0 ? Status() : err("fdatasync", path_); }
  Status truncate(uint64_t size) override {
    return ::ftruncate(fd_, off_t(size)) == 0 ? Status() : err("truncate", path_);
  }
  Status close() override {
    if (fd_ < 0) return {};
    int rc = ::close(fd_);
    fd_ = -1;
    return rc == 0 ? Status() : err("close", path_);
  }

 private:
  int fd_;
  fs::path path_;
};

class PosixFs final : public Fs {
 public:
  Status create_new(const fs::path& p, std::unique_ptr<File>& out) override {
    return open_as(p, O_CREAT | O_EXCL | O_WRONLY, "create", out);
  }
  Status open_read(const fs::path& p, std::unique_ptr<File>& out) override { return open_as(p, O_RDONLY, "open", out); }
  Status open_write(const fs::path& p, std::unique_ptr<File>& out) override { return open_as(p, O_WRONLY, "open", out); }
  Status rename(const fs::path& from, const fs::path& to) override {
    return ::rename(from.c_str(), to.c_str()) == 0 ? Status() : err("rename", from);
  }
  Status unlink(const fs::path& p) override { return ::unlink(p.c_str()) == 0 ? Status() : err("unlink", p); }
  Status mkdir(const fs::path& p) override {
    if (::mkdir(p.c_str(), 0700) != 0) return err("mkdir", p);
    // mkdir's mode passes through the umask, which could take away the owner's own bits.
    return ::chmod(p.c_str(), 0700) == 0 ? Status() : err("chmod", p);
  }
  Status sync_dir(const fs::path& dir) override {
    int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0) return err("open", dir);
    Status s = ::fsync(fd) == 0 ? Status() : err("fsync", dir);
    (void)::close(fd);  // read-only: nothing for close to report
    return s;
  }
  Status list_dir(const fs::path& dir, std::vector<std::string>& names) override {
    names.clear();
    DIR* d = ::opendir(dir.c_str());
    if (!d) return err("opendir", dir);
    errno = 0;
    while (dirent* e = ::readdir(d)) {
      std::string n = e->d_name;
      if (n != "." && n != "..") names.push_back(std::move(n));
      errno = 0;
    }
    int e = errno;
    ::closedir(d);
    if (e) return Status::error(e, "readdir " + dir.string());
    std::sort(names.begin(), names.end());
    return {};
  }
  Status stat(const fs::path& p, FileInfo& out) override {
    struct stat st {};
    if (::stat(p.c_str(), &st) != 0) return err("stat", p);
    out.size = uint64_t(st.st_size);
    out.mtime_ms = int64_t(st.st_mtim.tv_sec) * 1000 + st.st_mtim.tv_nsec / 1'000'000;
    out.directory = S_ISDIR(st.st_mode);
    return {};
  }
  Status statvfs(const fs::path& p, DiskSpace& out) override {
    struct statvfs st {};
    if (::statvfs(p.c_str(), &st) != 0) return err("statvfs", p);
    out = {uint64_t(st.f_blocks) * st.f_frsize, uint64_t(st.f_bavail) * st.f_frsize};
    return {};
  }
  Status lock(const fs::path& p, std::unique_ptr<File>& out) override {
    if (auto s = open_as(p, O_RDONLY, "open", out); !s.ok()) return s;
    auto& f = static_cast<PosixFile&>(*out);
    if (::flock(f.fd(), LOCK_EX | LOCK_NB) != 0) {
      Status s = err("lock", p);
      out.reset();
      return s;
    }
    return {};
  }

 private:
  Status open_as(const fs::path& p, int flags, const char* op, std::unique_ptr<File>& out) {
    int fd = ::open(p.c_str(), flags | O_CLOEXEC, 0600);
    if (fd < 0) return err(op, p);
    out = std::make_unique<PosixFile>(fd, p);
    return {};
  }
};

}  // namespace

Fs& posix_fs() {
  static PosixFs fs;
  return fs;
}

Status read_file(Fs& fs, const fs::path& p, std::string& out) {
  FileInfo info;
  if (auto s = fs.stat(p, info); !s.ok()) return s;
  std::unique_ptr<File> f;
  if (auto s = fs.open_read(p, f); !s.ok()) return s;
  out.resize(info.size);
  if (auto s = f->read_at(0, out.data(), out.size()); !s.ok()) return s;
  return f->close();
}

Status make_dirs(Fs& fs, const fs::path& dir) {
  if (dir.empty()) return {};
  FileInfo info;
  if (auto s = fs.stat(dir, info); s.ok()) {
    return info.directory ? Status() : Status::error(ENOTDIR, "mkdir " + dir.string());
  } else if (s.code() != ENOENT) {
    return s;
  }
  if (auto s = make_dirs(fs, dir.parent_path()); !s.ok()) return s;
  if (auto s = fs.mkdir(dir); !s.ok() && s.code() != EEXIST) return s;
  // The new entry is durable only once its parent is synced (formats.md §1).
  return fs.sync_dir(dir.parent_path().empty() ? fs::path(".") : dir.parent_path());
}

Status write_durably(Fs& fs, const fs::path& path, std::string_view text) {
  auto tmp = path;
  tmp += ".tmp";
  if (auto s = fs.unlink(tmp); !s.ok() && s.code() != ENOENT) return s;
  std::unique_ptr<File> f;
  if (auto s = fs.create_new(tmp, f); !s.ok()) return s;
  if (auto s = f->append({text}); !s.ok()) return s;
  if (auto s = f->fsync(); !s.ok()) return s;
  if (auto s = f->close(); !s.ok()) return s;
  if (auto s = fs.rename(tmp, path); !s.ok()) return s;
  return fs.sync_dir(path.parent_path());
}

Status sync_file(Fs& fs, const fs::path& p) {
  std::unique_ptr<File> f;
  if (auto s = fs.open_read(p, f); !s.ok()) return s;
  if (auto s = f->fsync(); !s.ok()) return s;
  return f->close();
}

}  // namespace watchfloor::video
