#include "store/backup.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <sqlite3.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <memory>
#include <stdexcept>
#include <system_error>

namespace watchfloor::store {

namespace {

struct Closer {
  void operator()(sqlite3* h) const { sqlite3_close_v2(h); }
};
using Handle = std::unique_ptr<sqlite3, Closer>;

Handle open(const std::filesystem::path& file, int flags) {
  sqlite3* h = nullptr;
  int rc = sqlite3_open_v2(file.c_str(), &h, flags, nullptr);
  Handle handle(h);
  if (rc != SQLITE_OK)
    throw std::runtime_error(
        fmt::format("cannot open database {}: {}", file.string(), h ? sqlite3_errmsg(h) : "out of memory"));
  sqlite3_busy_timeout(h, 5000);
  return handle;
}

void copy_pages(const std::filesystem::path& source, const std::filesystem::path& dest) {
  // Read-write without create: a read-only connection cannot open a WAL database whose -shm it may not
  // write, and the source must exist.
  auto src = open(source, SQLITE_OPEN_READWRITE);
  auto dst = open(dest, SQLITE_OPEN_READWRITE);
  sqlite3_backup* b = sqlite3_backup_init(dst.get(), "main", src.get(), "main");
  if (!b) throw std::runtime_error(fmt::format("cannot back up {}: {}", source.string(), sqlite3_errmsg(dst.get())));
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  int rc;
  // -1: every page in one step, so that the whole copy is one read transaction of the source.
  while ((rc = sqlite3_backup_step(b, -1)) == SQLITE_BUSY || rc == SQLITE_LOCKED) {
    if (std::chrono::steady_clock::now() > deadline) break;
    sqlite3_sleep(50);
  }
  sqlite3_backup_finish(b);
  if (rc != SQLITE_DONE)
    throw std::runtime_error(
        fmt::format("cannot back up {} to {}: {}", source.string(), dest.string(), sqlite3_errstr(rc)));
}

}  // namespace

void backup_sqlite(const std::filesystem::path& source, const std::filesystem::path& dest) {
  // Created empty and owner-only here: SQLite would create it with the umask's mode.
  int fd = ::open(dest.c_str(), O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC, 0600);
  if (fd < 0) throw std::system_error(errno, std::generic_category(), "create " + dest.string());
  ::close(fd);
  try {
    copy_pages(source, dest);
  } catch (...) {
    std::error_code ec;
    std::filesystem::remove(dest, ec);
    throw;
  }
}

}  // namespace watchfloor::store
