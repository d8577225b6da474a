#pragma once
// The background hash scrub (docs/formats.md §6, invariant 1): segments are re-read and re-hashed,
// the oldest check (verified_ms) first, at no more than bytes_per_s as the Clock measures it, so it
// never competes with recording. A segment whose bytes no longer match its stored SHA-256, or whose
// file is short or gone, is set to `damaged` or `missing` (playback then skips it); every check
// sets verified_ms. Plain code over an Index, an Fs and a Clock; the recorder's health thread
// calls step() and raises the alerts.
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/clock.h"
#include "video/fs.h"
#include "video/index.h"

namespace watchfloor::video {

struct ScrubOptions {
  int64_t bytes_per_s = 10 << 20;                    // 0: no scrub
  int64_t rescan_after_ms = 30LL * 86'400'000;       // a segment is checked again after this long
};

struct ScrubResult {
  int64_t segment_id = 0, camera_id = 0, start_90k = 0, at_ms = 0;
  std::string state;   // ok | damaged | missing
  std::string detail;  // why, for a damaged or missing segment
};

class Scrubber {
 public:
  Scrubber(Index& index, const core::Clock& clock, ScrubOptions opt = {}, Fs& fs = posix_fs());
  ~Scrubber();
  // Reads what the rate allows since the previous call (at most one second's worth) and returns
  // the segments whose check finished now.
  std::vector<ScrubResult> step();
  // The last finished check, if any since start.
  std::optional<ScrubResult> last() const { return last_; }
  // Bytes read so far (tests check the rate).
  int64_t bytes_read() const { return bytes_read_; }

 private:
  struct Current;
  bool pick();
  ScrubResult finish(const std::string& state, const std::string& detail);

  Index& index_;
  const core::Clock& clock_;
  ScrubOptions opt_;
  Fs& fs_;
  std::unique_ptr<Current> cur_;
  std::optional<int64_t> last_mono_;
  double budget_ = 0;
  int64_t bytes_read_ = 0;
  std::optional<ScrubResult> last_;
};

}  // namespace watchfloor::video
