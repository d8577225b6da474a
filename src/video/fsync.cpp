#include "video/fsync.h"

#include <fcntl.h>
#include <sys/uio.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <climits>

namespace watchfloor::video {

namespace {
void fsync_open(const std::filesystem::path& p, int flags) {
  int fd = ::open(p.c_str(), O_RDONLY | O_CLOEXEC | flags);
  if (fd < 0) return;
  ::fsync(fd);
  ::close(fd);
}
}  // namespace

void fsync_dir(const std::filesystem::path& dir) { fsync_open(dir, O_DIRECTORY); }
void fsync_file(const std::filesystem::path& file) { fsync_open(file, 0); }

bool write_all(int fd, const std::vector<std::string_view>& parts) {
  std::vector<iovec> iov;
  iov.reserve(parts.size());
  for (auto p : parts)
    if (!p.empty()) iov.push_back({const_cast<char*>(p.data()), p.size()});
  size_t at = 0;
  while (at < iov.size()) {
    int n = int(std::min<size_t>(iov.size() - at, size_t(1024)));
    ssize_t w = ::writev(fd, iov.data() + at, n);
    if (w < 0) {
      if (errno == EINTR) continue;
      return false;
    }
    if (w == 0) {
      errno = EIO;
      return false;
    }
    size_t left = size_t(w);
    while (at < iov.size() && left >= iov[at].iov_len) left -= iov[at++].iov_len;
    if (left) {
      iov[at].iov_base = static_cast<char*>(iov[at].iov_base) + left;
      iov[at].iov_len -= left;
    }
  }
  return true;
}

}  // namespace watchfloor::video
