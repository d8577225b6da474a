#include "core/private_files.h"

#include <fmt/format.h>
#include <sys/stat.h>

#include <cerrno>
#include <stdexcept>
#include <system_error>

namespace watchfloor::core {

namespace fs = std::filesystem;

void create_private_directories(const fs::path& dir) {
  if (dir.empty()) return;
  std::error_code ec;
  if (fs::is_directory(dir, ec)) return;
  create_private_directories(dir.parent_path());
  if (::mkdir(dir.c_str(), 0700) == 0) {
    // mkdir's mode passes through the umask, which could take away the owner's own bits.
    if (::chmod(dir.c_str(), 0700) != 0) throw std::system_error(errno, std::generic_category(), "chmod " + dir.string());
    return;
  }
  if (errno != EEXIST) throw std::system_error(errno, std::generic_category(), "mkdir " + dir.string());
  if (!fs::is_directory(dir, ec)) throw std::runtime_error(dir.string() + " exists and is not a directory");
}

void make_private(const fs::path& file) {
  if (::chmod(file.c_str(), 0600) != 0) throw std::system_error(errno, std::generic_category(), "chmod " + file.string());
}

std::optional<std::string> exposure_warning(const fs::path& p) {
  struct stat st {};
  if (::stat(p.c_str(), &st) != 0) return std::nullopt;
  unsigned mode = st.st_mode & 07777;
  if ((mode & 066) == 0) return std::nullopt;
  return fmt::format("{} {} is readable or writable by group or others (mode {:04o}); run chmod {} {}",
                     S_ISDIR(st.st_mode) ? "directory" : "file", p.string(), mode,
                     S_ISDIR(st.st_mode) ? "700" : "600", p.string());
}

}  // namespace watchfloor::core
