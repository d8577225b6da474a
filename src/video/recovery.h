#pragma once
// Start-up recovery of the segment store (docs/formats.md §7): garbage removed, uncommitted
// files cut back to their last complete fragment and indexed, unexplained files quarantined,
// indexed files checked, gaps opened for the time the recorder was down.
#include <cstdint>
#include <string>
#include <vector>

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

RecoveryReport recover(Index& index);

}  // namespace watchfloor::video
