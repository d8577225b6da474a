#pragma once
// The installation's data is for the service account alone: the data directory, the database (and
// its -wal and -shm), secret.key, demo-logins.json and the recordings. The process runs with
// umask 077 (app/main.cpp); these helpers also set the mode themselves, so that it holds for code
// run without that umask (unit tests, tools). Files that exist already keep their mode — an
// administrator may have widened it on purpose — and exposure_warning() lets the start-up say so.
#include <filesystem>
#include <optional>
#include <string>

namespace watchfloor::core {

// Creates `dir` and its missing parents with mode 0700; existing ones are left alone. Throws
// std::system_error (or std::runtime_error when a component is not a directory).
void create_private_directories(const std::filesystem::path& dir);
// Sets mode 0600 on a file this process has just created; throws std::system_error.
void make_private(const std::filesystem::path& file);
// The bytes of a key file; when it does not exist, `size` fresh random bytes written to it atomically
// (mode 0600). Throws std::runtime_error naming the file when it has another size.
std::string read_or_create_key(const std::filesystem::path& file, size_t size);
// A one-line warning naming `p` and its mode when group or others may read or write it; nullopt
// when they may not or when `p` does not exist.
std::optional<std::string> exposure_warning(const std::filesystem::path& p);

}  // namespace watchfloor::core
