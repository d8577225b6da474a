#pragma once
// `watchfloor video fsck` (docs/formats.md §6): the index against the files — every segment row
// names an existing file of its length that starts with its sample entry's init (invariant 1; with
// `hash`, also its SHA-256), every file in a stream directory is indexed, listed in `garbage` or
// uncommitted (invariant 2). `repair` does only what start-up recovery already considers safe:
// unheld rows whose file is gone or short are dropped (the span becomes a `disk_error` gap, a short
// file goes to quarantine/), orphan files older than `orphan_age_ms` are removed when they hold no
// complete fragment and quarantined otherwise, and `garbage` is collected. Held segments are never
// dropped: they are marked `missing`/`damaged`. Repair needs the directory's lock (the server stopped).
#include <cstdint>
#include <iosfwd>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "core/clock.h"
#include "video/fs.h"
#include "video/index.h"

namespace watchfloor::video {

struct FsckOptions {
  bool repair = false;
  bool hash = false;
  int64_t orphan_age_ms = 10 * 60'000;  // a file younger than this may be one a writer is working on
};

struct FsckFinding {
  // missing | short | long | no_sample_entry | init_mismatch | hash_mismatch | marked | orphan |
  // unexplained | unreadable | garbage | uncommitted
  std::string kind;
  std::string path;
  std::string vi, en;
  bool problem = true;    // false: information only (an uncommitted file recovery will index)
  bool repaired = false;  // --repair dealt with it
};

struct FsckReport {
  int64_t segments = 0, files = 0;
  std::vector<FsckFinding> findings;
  int64_t problems_left() const;
  int64_t repaired() const;
};

// Throws std::runtime_error when repair cannot take a sample directory's lock.
FsckReport fsck(Index& index, Fs& fs, const core::Clock& clock, const FsckOptions& opt);
// One line per finding (Vietnamese, then English) and a summary line.
void print(const FsckReport& r, std::ostream& out);
nlohmann::json to_json(const FsckReport& r);

}  // namespace watchfloor::video
