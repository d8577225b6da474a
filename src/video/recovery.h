#pragma once
// Start-up recovery of the segment store (docs/formats.md §7): garbage removed, uncommitted
// files cut back to their last complete fragment and indexed, unexplained files quarantined,
// indexed files checked, gaps opened for the time the recorder was down. Every file operation goes
// through an Fs; one that fails leaves the index as it was for that file, and is reported.
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "video/fs.h"
#include "video/index.h"

namespace watchfloor::video {

struct RecoveryReport {
  int64_t recovered = 0;              // uncommitted files indexed
  int64_t removed = 0;                // uncommitted files with no complete fragment, and garbage
  int64_t quarantined = 0;            // files nobody can explain
  int64_t missing = 0;                // indexed files gone or of the wrong size
  int64_t bytes_cut = 0;              // torn tails removed
  std::vector<std::string> problems;  // one line each, for the log and an alert
};

RecoveryReport recover(Index& index, Fs& fs = posix_fs());

// Moves a file nobody can explain to the sample directory's quarantine/ (never deleted by us).
Status quarantine_file(Index& index, Fs& fs, const StreamRow& s, const std::filesystem::path& file);

struct GarbageResult {
  int64_t removed = 0, failed = 0;
  std::vector<std::string> problems;
};
// Removes the files listed in `garbage` (invariant 9): unlink (ENOENT counts as done), fsync of
// each touched directory, and only then the rows are deleted. A row whose unlink or directory
// fsync failed stays, so the next pass (retention, start-up) tries again.
GarbageResult collect_garbage(Index& index, Fs& fs);

// The segment's seq from its file name ("000000000012.mp4"); nullopt for any other name.
std::optional<int64_t> segment_seq(const std::string& file_name);

}  // namespace watchfloor::video
