#include "video/retention.h"

#include <fmt/format.h>

#include <set>

#include "core/error.h"
#include "core/log.h"
#include "video/recovery.h"

namespace watchfloor::video {

namespace fs = std::filesystem;
using core::Problem;

namespace {

// A segment is held iff an unreleased hold of its camera overlaps it (formats.md §4).
constexpr const char* kUnheld =
    "NOT EXISTS (SELECT 1 FROM holds h WHERE h.camera_id = segments.camera_id AND h.released_ms IS NULL "
    "AND segments.start_90k < h.to_ms * 90 AND segments.end_90k > h.from_ms * 90)";

Hold hold_from_row(const store::Row& r) {
  Hold h;
  h.id = r.i64("id"), h.camera_id = r.i64("camera_id"), h.from_ms = r.i64("from_ms"), h.to_ms = r.i64("to_ms");
  h.reason = r.str("reason"), h.case_id = r.opt_i64("case_id"), h.holder_id = r.i64("holder_id");
  h.created_ms = r.i64("created_ms"), h.created_by = r.i64("created_by"), h.released_ms = r.opt_i64("released_ms");
  h.released_by = r.opt_i64("released_by"), h.release_reason = r.opt_str("release_reason");
  return h;
}
constexpr const char* kHoldColumns =
    "id, camera_id, from_ms, to_ms, reason, case_id, holder_id, created_ms, created_by, released_ms, released_by, "
    "release_reason";

}  // namespace

Retention::Retention(Index& index, const core::Clock& clock, double floor_percent, SpaceFn space, Fs& fs)
    : index_(index), clock_(clock), floor_percent_(floor_percent), space_(std::move(space)), fs_(fs) {}

DiskSpace Retention::space() {
  if (space_) return space_(index_.own_dir());
  DiskSpace d;
  if (auto s = fs_.statvfs(index_.own_dir(), d); !s.ok()) {
    // Unknown: reported as an empty disk, so the floor deletes nothing on a guess.
    core::log_error("video: " + s.message());
    return {};
  }
  return d;
}

std::vector<Hold> Retention::holds(std::optional<int64_t> camera_id, bool active_only) {
  std::string q = fmt::format("SELECT {} FROM holds WHERE 1 = 1{}{} ORDER BY id DESC", kHoldColumns,
                              camera_id ? " AND camera_id = ?" : "", active_only ? " AND released_ms IS NULL" : "");
  std::vector<Hold> out;
  std::vector<store::Value> params;
  if (camera_id) params.emplace_back(*camera_id);
  for (const auto& r : index_.db().query(q, params))
    out.push_back(hold_from_row(r));
  return out;
}

std::optional<Hold> Retention::hold(int64_t id) {
  if (auto r = index_.db().query_one(fmt::format("SELECT {} FROM holds WHERE id = ?", kHoldColumns), {id}))
    return hold_from_row(*r);
  return std::nullopt;
}

Hold Retention::create_hold(const HoldInput& in, int64_t by) {
  if (in.to_ms <= in.from_ms)
    throw Problem::field("to", "Thời điểm kết thúc phải sau thời điểm bắt đầu", "The end must be after the start");
  if (in.reason.empty()) throw Problem::field("reason", "Cần ghi lý do giữ dữ liệu", "A reason is required");
  if (in.case_id && !index_.db().query_one("SELECT 1 FROM cases WHERE id = ?", {*in.case_id}))
    throw Problem::field("case_id", "Không có vụ việc này", "No such case");
  index_.db().exec(
      "INSERT INTO holds(camera_id, from_ms, to_ms, reason, case_id, holder_id, created_ms, created_by) VALUES "
      "(?,?,?,?,?,?,?,?)",
      {in.camera_id, in.from_ms, in.to_ms, in.reason, store::opt(in.case_id), in.holder_id, clock_.now_ms(), by});
  return *hold(index_.db().last_insert_id());
}

Hold Retention::release_hold(int64_t id, int64_t by, const std::string& reason) {
  if (reason.empty())
    throw Problem::field("reason", "Cần ghi lý do hủy lưu giữ", "A reason for cancelling the hold is required");
  if (index_.db().exec(
          "UPDATE holds SET released_ms = ?, released_by = ?, release_reason = ? WHERE id = ? AND released_ms IS NULL",
          {clock_.now_ms(), by, reason, id}) == 0)
    throw Problem(409, "hold-released", "The hold is already cancelled", "Lệnh giữ dữ liệu đã được hủy lưu giữ trước đó");
  return *hold(id);
}

bool Retention::is_held(int64_t segment_id) {
  return !index_.db().query_one(fmt::format("SELECT 1 FROM segments WHERE id = ? AND {}", kUnheld), {segment_id});
}

int64_t Retention::held_bytes(std::optional<int64_t> camera_id) {
  auto r = index_.db().query_one(
      fmt::format("SELECT COALESCE(SUM(bytes), 0) AS bytes FROM segments WHERE {} AND NOT {}",
                  camera_id ? "camera_id = ?" : "1 = 1", kUnheld),
      camera_id ? std::vector<store::Value>{*camera_id} : std::vector<store::Value>{});
  return r ? r->i64("bytes") : 0;
}

std::vector<SegmentRow> Retention::oldest_unheld(const std::string& where, const std::vector<store::Value>& params,
                                                 int limit) {
  std::vector<SegmentRow> out;
  for (const auto& r :
       index_.db().query(fmt::format("SELECT {} FROM segments WHERE {} AND {} ORDER BY start_90k, id LIMIT {}",
                                     kSegmentColumns, where, kUnheld, limit),
                         params))
    out.push_back(segment_from_row(r));
  return out;
}

int64_t Retention::delete_segments(const std::vector<SegmentRow>& segs, const std::string& reason,
                                   const std::string& gap_cause) {
  if (segs.empty()) return 0;
  auto& db = index_.db();
  int64_t bytes = 0;
  db.transaction([&] {
    std::set<int64_t> streams;
    for (const auto& s : segs) {
      // The held test again inside the deleting transaction (invariant 10).
      if (!db.query_one(fmt::format("SELECT 1 FROM segments WHERE id = ? AND {}", kUnheld), {s.id})) continue;
      auto stream = index_.stream_by_id(s.stream_id);
      std::string rel = fmt::format("{}/{}/{:012d}.mp4", s.camera_id, stream->kind, s.seq);
      db.exec("DELETE FROM segments WHERE id = ?", {s.id});
      db.exec("INSERT INTO garbage(sample_dir_id, rel_path, reason, queued_ms) VALUES (?,?,?,?) "
              "ON CONFLICT(sample_dir_id, rel_path) DO UPDATE SET reason = excluded.reason, queued_ms = excluded.queued_ms",
              {s.sample_dir_id, rel, reason, clock_.now_ms()});
      // The stream's last segment: its open gap now starts where the deleted one did (invariant 8).
      auto open = index_.open_gap_of(s.stream_id);
      if (open && open->start_90k == s.end_90k &&
          !db.query_one("SELECT 1 FROM segments WHERE stream_id = ? AND end_90k > ?", {s.stream_id, s.start_90k}))
        db.exec("UPDATE gaps SET start_90k = ? WHERE id = ?", {s.start_90k, open->id});
      // A deleted span with recordings on both sides becomes a retention gap (invariant 8).
      else if (db.query_one("SELECT 1 FROM segments WHERE stream_id = ? AND end_90k <= ?", {s.stream_id, s.start_90k}))
        db.exec("INSERT INTO gaps(stream_id, camera_id, start_90k, end_90k, cause) VALUES (?,?,?,?,?)",
                {s.stream_id, s.camera_id, s.start_90k, s.end_90k, gap_cause});
      bytes += s.bytes;
      streams.insert(s.stream_id);
    }
    for (int64_t st : streams) {
      auto first = db.query_one("SELECT MIN(start_90k) AS start_90k FROM segments WHERE stream_id = ?", {st});
      if (first && !first->is_null("start_90k"))
        db.exec("DELETE FROM gaps WHERE stream_id = ? AND end_90k IS NOT NULL AND end_90k <= ?",
                {st, first->i64("start_90k")});
      else
        db.exec("DELETE FROM gaps WHERE stream_id = ? AND end_90k IS NOT NULL", {st});
    }
  });
  // The files go after their rows; what cannot be removed now stays listed for the next pass.
  auto g = collect_garbage(index_, fs_);
  unlink_failures_ = g.failed;
  for (const auto& p : g.problems) core::log_error("video retention: " + p);
  return bytes;
}

RetentionResult Retention::run() {
  RetentionResult res;
  auto& db = index_.db();
  // Files left over from an earlier pass (a failed unlink) first.
  auto left = collect_garbage(index_, fs_);
  unlink_failures_ = left.failed;
  for (const auto& p : left.problems) core::log_error("video retention: " + p);
  int64_t now_90k = ms_to_90k(clock_.now_ms());
  // This recorder's directory only: each node ages and frees its own disks (a camera's byte quota counts per node).
  const int64_t dir = index_.dir_id();
  auto cameras = db.query("SELECT id, retention_days, retention_bytes, sub_retention_days FROM cameras");
  for (const auto& c : cameras) {
    int64_t cam = c.i64("id");
    // 1. Age: the main stream's days, and the sub stream's own (a recorded sub stream is kept shorter).
    for (auto [kind, days] :
         {std::pair<const char*, int64_t>{"main", c.i64("retention_days")}, {"sub", c.i64("sub_retention_days")}}) {
      int64_t cutoff = now_90k - days * 86'400 * 90'000;
      for (;;) {
        auto segs = oldest_unheld(
            "sample_dir_id = ? AND camera_id = ? AND end_90k <= ? AND "
            "stream_id IN (SELECT id FROM streams WHERE camera_id = ? AND kind = ?)",
            {dir, cam, cutoff, cam, std::string(kind)}, 500);
        if (segs.empty()) break;
        res.deleted_bytes += delete_segments(segs, "retention");
        res.deleted += int64_t(segs.size());
        if (segs.size() < 500) break;
      }
    }
    // 2. Bytes: held bytes do not count against the camera's quota.
    if (int64_t quota = c.i64("retention_bytes"); quota > 0) {
      for (;;) {
        auto r = db.query_one(
            fmt::format("SELECT COALESCE(SUM(bytes), 0) AS bytes FROM segments WHERE sample_dir_id = ? AND camera_id = ? "
                        "AND {}",
                        kUnheld),
            {dir, cam});
        int64_t over = r->i64("bytes") - quota;
        if (over <= 0) break;
        auto segs = oldest_unheld("sample_dir_id = ? AND camera_id = ?", {dir, cam}, 1);
        if (segs.empty()) break;
        res.deleted_bytes += delete_segments(segs, "retention");
        res.deleted++;
      }
    }
  }
  // 3. The free-space floor of the directory.
  res.disk = space();
  auto floor = [&] { return uint64_t(double(res.disk.total) * floor_percent_ / 100.0); };
  // Deleting frees nothing while unlinks fail: the floor then stops rather than empty the index.
  while (res.disk.total > 0 && res.disk.free < floor() && !unlink_failures_) {
    auto segs = oldest_unheld("sample_dir_id = ?", {dir}, 1);
    if (segs.empty()) break;
    res.deleted_bytes += delete_segments(segs, "floor");
    res.deleted++;
    res.disk = space();
  }
  res.unlink_failures = unlink_failures_;
  res.held_full = res.disk.total > 0 && res.disk.free < floor() && !unlink_failures_;
  res.held_bytes = held_bytes(std::nullopt);
  res.held_warning = res.disk.total > 0 && double(res.held_bytes) > 0.8 * double(res.disk.total);
  held_full_ = res.held_full;
  if (res.deleted)
    core::log_json({{"event", "video.retention"}, {"deleted", res.deleted}, {"bytes", res.deleted_bytes}});
  return res;
}

void Retention::check_removable(int64_t camera_id) {
  // Holds stay in the evidence record, and so does the camera they name.
  if (!holds(camera_id, false).empty())
    throw Problem(409, "camera-held", "The camera's recordings have been held as evidence: disable it instead of removing it",
                  "Dữ liệu của camera đã từng được giữ làm chứng cứ: hãy tắt camera thay vì xóa");
}

void Retention::remove_camera(int64_t camera_id) {
  check_removable(camera_id);
  for (;;) {
    auto segs = oldest_unheld("camera_id = ?", {camera_id}, 500);
    if (segs.empty()) break;
    delete_segments(segs, "camera_removed");
  }
  auto& db = index_.db();
  db.transaction([&] {
    db.exec("DELETE FROM gaps WHERE camera_id = ?", {camera_id});
    db.exec("DELETE FROM runs WHERE stream_id IN (SELECT id FROM streams WHERE camera_id = ?)", {camera_id});
    db.exec("DELETE FROM streams WHERE camera_id = ?", {camera_id});
    db.exec("DELETE FROM camera_outages WHERE camera_id = ?", {camera_id});
  });
}

nlohmann::json to_json(const Hold& h) {
  auto opt = [](const auto& v) { return v ? nlohmann::json(*v) : nlohmann::json(); };
  return {{"id", h.id},
          {"camera_id", h.camera_id},
          {"from", core::iso8601(h.from_ms)},
          {"to", core::iso8601(h.to_ms)},
          {"reason", h.reason},
          {"case_id", opt(h.case_id)},
          {"holder_id", h.holder_id},
          {"created_at", core::iso8601(h.created_ms)},
          {"created_by", h.created_by},
          {"released_at", h.released_ms ? nlohmann::json(core::iso8601(*h.released_ms)) : nlohmann::json()},
          {"released_by", opt(h.released_by)},
          {"release_reason", opt(h.release_reason)}};
}

}  // namespace watchfloor::video
