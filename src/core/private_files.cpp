#include "core/private_files.h"

#include <fmt/format.h>
#include <sodium.h>
#include <sys/stat.h>

#include <cerrno>
#include <fstream>
#include <iterator>
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

std::string read_or_create_key(const fs::path& file, size_t size) {
  if (sodium_init() < 0) throw std::runtime_error("libsodium could not be initialised");
  std::string key;
  if (std::ifstream in(file, std::ios::binary); in) {
    key.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
    if (key.size() != size) throw std::runtime_error("key file " + file.string() + " has the wrong size");
    return key;
  }
  key.resize(size);
  randombytes_buf(key.data(), key.size());
  create_private_directories(file.parent_path());
  auto tmp = file;
  tmp += ".tmp";
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    make_private(tmp);
    out.write(key.data(), static_cast<std::streamsize>(key.size()));
    if (!out.flush()) throw std::runtime_error("cannot write " + tmp.string());
  }
  fs::rename(tmp, file);
  return key;
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
