#pragma once
// Retention and evidence holds (docs/formats.md §8): per camera days and bytes, a free-space floor
// per directory; the oldest *unheld* segments go first; a held segment is never deleted. Deletion
// goes through the garbage table (invariant 9): a file's garbage row goes only once its unlink (and
// its directory's fsync) succeeded, and a failed unlink is tried again on the next pass.
#include <atomic>
#include <cstdint>
#include <functional>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "core/clock.h"
#include "video/fs.h"
#include "video/index.h"

namespace watchfloor::video {

struct Hold {
  int64_t id = 0, camera_id = 0, from_ms = 0, to_ms = 0, holder_id = 0, created_ms = 0, created_by = 0;
  std::string reason;
  std::optional<int64_t> case_id, released_ms, released_by;
  std::optional<std::string> release_reason;
};

struct HoldInput {
  int64_t camera_id = 0, from_ms = 0, to_ms = 0, holder_id = 0;
  std::string reason;
  std::optional<int64_t> case_id;
};

struct RetentionResult {
  int64_t deleted = 0, deleted_bytes = 0;
  bool held_full = false;     // below the floor with only held data left
  bool held_warning = false;  // held data fills more than 80 % of the directory's disk (formats.md §8.4)
  int64_t held_bytes = 0;
  int64_t unlink_failures = 0;  // files whose rows are gone but which could not be removed yet
  DiskSpace disk;
};

class Retention {
 public:
  using SpaceFn = std::function<DiskSpace(const std::filesystem::path&)>;
  // `space` replaces the file system's statvfs (tests of the floor); by default fs.statvfs.
  Retention(Index& index, const core::Clock& clock, double floor_percent, SpaceFn space = {}, Fs& fs = posix_fs());

  std::vector<Hold> holds(std::optional<int64_t> camera_id, bool active_only);
  std::optional<Hold> hold(int64_t id);
  Hold create_hold(const HoldInput& in, int64_t by);
  Hold release_hold(int64_t id, int64_t by, const std::string& reason);
  // Whether an unreleased hold covers the segment (formats.md §4).
  bool is_held(int64_t segment_id);
  // Bytes of a camera's recordings inside unreleased holds.
  int64_t held_bytes(std::optional<int64_t> camera_id);

  // One pass: age, then bytes per camera, then the floor. Returns what it did.
  RetentionResult run();
  // 409 when the camera's recordings were ever held: it is disabled, not removed.
  void check_removable(int64_t camera_id);
  // Deletes every segment of a camera (camera removal), after check_removable.
  void remove_camera(int64_t camera_id);
  // Deletes these rows (gaps kept right, invariant 8) and then their files (invariant 9); the
  // held test is repeated inside the transaction. `gap_cause` names a span left between
  // recordings. Returns the bytes whose rows went.
  int64_t delete_segments(const std::vector<SegmentRow>& segs, const std::string& reason,
                          const std::string& gap_cause = "retention");
  bool held_full() const { return held_full_.load(); }
  DiskSpace space();

 private:
  std::vector<SegmentRow> oldest_unheld(const std::string& where, const std::vector<store::Value>& params, int limit);

  Index& index_;
  const core::Clock& clock_;
  double floor_percent_;
  SpaceFn space_;
  Fs& fs_;
  std::atomic<bool> held_full_{false};
  int64_t unlink_failures_ = 0;  // of the last garbage pass
};

nlohmann::json to_json(const Hold& h);

}  // namespace watchfloor::video
