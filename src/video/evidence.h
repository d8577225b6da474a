#pragma once
// Evidence on a case (chứng cứ của vụ việc): a clip [from, to) or a still of a camera's recording attached to
// a case. Attaching places an evidence hold with the case's id, so that retention keeps the footage (a still:
// ±30 s around it, the source stays); a still is also stored as the JPEG it was (DATA/evidence/, through
// video::Fs, fsynced, 0600) with its SHA-256. Removing one (with a reason) releases its hold; the row stays,
// marked removed. Each is one unit of work with its audit entries ("evidence.attach", "evidence.remove" at the
// case's unit, and the hold's own). The caller has checked who may act on the case and the camera.
#include <nlohmann/json.hpp>

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "audit/audit_log.h"
#include "core/clock.h"
#include "store/db.h"
#include "video/fs.h"

namespace watchfloor::video {

class Catalog;
class Index;
class Retention;

inline constexpr const char* kEvidenceKinds[] = {"clip", "snapshot"};
inline constexpr int64_t kSnapshotHoldMs = 30'000;  // a still holds its footage ±30 s

struct EvidenceItem {
  int64_t id = 0, case_id = 0, camera_id = 0, hold_id = 0, created_by = 0, created_at = 0;
  std::string kind, note;
  std::optional<int64_t> from_ms, to_ms;      // a clip
  std::optional<int64_t> at_ms, frame_ms;     // a still: the time asked, and the keyframe's
  std::optional<std::string> file, sha256;    // a still: its JPEG under DATA/evidence/
  std::optional<int64_t> bytes;
  std::optional<int64_t> removed_at, removed_by;
  std::optional<std::string> remove_reason;
};

struct EvidenceInput {
  int64_t case_id = 0, camera_id = 0;
  std::string kind;  // clip | snapshot
  std::optional<int64_t> from_ms, to_ms, at_ms;
  std::string note;
  std::string hold_reason;  // what the hold says (names the case)
};

class Evidence {
 public:
  Evidence(store::Db& db, const core::Clock& clock, Catalog& catalog, Index& index, Retention& retention, audit::AuditLog& audit,
           std::filesystem::path dir, int64_t max_clip_ms, Fs& fs = posix_fs())
      : db_(db), clock_(clock), catalog_(catalog), index_(index), retention_(retention), audit_(audit), dir_(std::move(dir)),
        max_clip_ms_(max_clip_ms), fs_(fs) {}

  std::vector<EvidenceItem> list(int64_t case_id, bool with_removed = false);
  std::optional<EvidenceItem> get(int64_t id);
  // 400 naming the field for an unknown camera, to <= from, a clip longer than the maximum, nothing recorded
  // there (a still: no keyframe within 10 s); nothing is written then.
  EvidenceItem attach(const EvidenceInput& in, int64_t case_unit_id, const audit::Actor& by);
  // 409 when removed already.
  EvidenceItem remove(int64_t id, const std::string& reason, int64_t case_unit_id, const audit::Actor& by);
  // Where a still's JPEG is.
  std::filesystem::path file_path(const EvidenceItem& e) const { return dir_ / e.file.value_or(""); }
  int64_t max_clip_ms() const { return max_clip_ms_; }

 private:
  store::Db& db_;
  const core::Clock& clock_;
  Catalog& catalog_;
  Index& index_;
  Retention& retention_;
  audit::AuditLog& audit_;
  std::filesystem::path dir_;
  int64_t max_clip_ms_;
  Fs& fs_;
};

nlohmann::json to_json(const EvidenceItem& e);

// The JPEG of the keyframe of a camera's stream nearest `at_ms` (within 10 s) and that frame's time: the still
// of a snapshot, of evidence and of an export. nullopt when there is none; a frame that does not decode is a 500
// problem (`snapshot-failed`).
struct Still {
  std::string jpeg;
  int64_t frame_ms = 0;
};
std::optional<Still> still_at(Index& index, int64_t camera_id, int64_t at_ms, const std::string& stream_kind = "main");

// Whether the main stream has committed recording in [from_ms, to_ms).
bool recorded_in(Index& index, int64_t camera_id, int64_t from_ms, int64_t to_ms);

}  // namespace watchfloor::video
