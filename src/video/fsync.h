#pragma once
// The few durable-file operations the recorder uses (docs/formats.md §5).
#include <filesystem>
#include <string_view>
#include <vector>

namespace watchfloor::video {

// fsync of a directory, so that a created or removed entry survives a power loss.
void fsync_dir(const std::filesystem::path& dir);
// fsync of a file by name (one already written and closed).
void fsync_file(const std::filesystem::path& file);
// Writes every part, in order, with writev, retrying short writes. False with errno set on failure.
bool write_all(int fd, const std::vector<std::string_view>& parts);

}  // namespace watchfloor::video
