#include "video/evidence.h"

#include <fmt/format.h>

#include "core/error.h"
#include "core/hash.h"
#include "core/random.h"
#include "core/text.h"
#include "store/work.h"
#include "video/catalog.h"
#include "video/playback.h"
#include "video/index.h"
#include "video/retention.h"
#include "video/snapshot.h"

namespace watchfloor::video {
namespace {

using core::Problem;
using nlohmann::json;

const char* kSelect =
    "SELECT id, case_id, kind, camera_id, from_ms, to_ms, at_ms, frame_ms, hold_id, note, file, sha256, bytes, created_by, "
    "created_at, removed_at, removed_by, remove_reason FROM case_evidence";

EvidenceItem from_row(const store::Row& r) {
  EvidenceItem e;
  e.id = r.i64("id");
  e.case_id = r.i64("case_id");
  e.kind = r.str("kind");
  e.camera_id = r.i64("camera_id");
  e.from_ms = r.opt_i64("from_ms");
  e.to_ms = r.opt_i64("to_ms");
  e.at_ms = r.opt_i64("at_ms");
  e.frame_ms = r.opt_i64("frame_ms");
  e.hold_id = r.i64("hold_id");
  e.note = r.str("note");
  e.file = r.opt_str("file");
  e.sha256 = r.opt_str("sha256");
  e.bytes = r.opt_i64("bytes");
  e.created_by = r.i64("created_by");
  e.created_at = r.i64("created_at");
  e.removed_at = r.opt_i64("removed_at");
  e.removed_by = r.opt_i64("removed_by");
  e.remove_reason = r.opt_str("remove_reason");
  return e;
}

json opt_time(const std::optional<int64_t>& ms) { return ms ? json(core::iso8601(*ms)) : json(); }

}  // namespace

bool recorded_in(Index& index, int64_t camera_id, int64_t from_ms, int64_t to_ms) {
  for (const auto& s : index.segments(index.stream(camera_id, "main").id, ms_to_90k(from_ms), ms_to_90k(to_ms)))
    if (s.state == "ok") return true;
  return false;
}

std::optional<Still> still_at(Index& index, int64_t camera_id, int64_t at_ms, const std::string& stream_kind) {
  auto key = nearest_keyframe(index, index.stream(camera_id, stream_kind).id, ms_to_90k(at_ms), 10 * 90'000);
  if (!key) return std::nullopt;
  std::string sample(key->length, '\0');
  Clip one;
  one.slices.push_back({{}, key->file, key->offset, key->length});
  read_clip(one, 0, sample.data(), sample.size());
  auto init = mp4::parse_init(*index.init_bytes(key->sample_entry_id));
  std::string error;
  auto jpeg = init ? keyframe_to_jpeg(init->entry, sample, error) : std::nullopt;
  if (!jpeg) throw Problem(500, "snapshot-failed", "The frame could not be decoded", "Không giải mã được khung hình");
  return Still{std::move(*jpeg), t90k_to_ms(key->at_90k)};
}

std::vector<EvidenceItem> Evidence::list(int64_t case_id, bool with_removed) {
  std::vector<EvidenceItem> out;
  for (const auto& r : db_.query(std::string(kSelect) + " WHERE case_id = ?" + (with_removed ? "" : " AND removed_at IS NULL") +
                                     " ORDER BY COALESCE(from_ms, at_ms), id",
                                 {case_id}))
    out.push_back(from_row(r));
  return out;
}

std::optional<EvidenceItem> Evidence::get(int64_t id) {
  auto r = db_.query_one(std::string(kSelect) + " WHERE id = ?", {id});
  if (!r) return std::nullopt;
  return from_row(*r);
}

EvidenceItem Evidence::attach(const EvidenceInput& in, int64_t case_unit_id, const audit::Actor& by) {
  auto cam = catalog_.camera(in.camera_id);
  if (!cam) throw Problem::field("camera_id", "Không có camera này", "No such camera");
  HoldInput hold;
  hold.camera_id = cam->id;
  hold.case_id = in.case_id;
  hold.holder_id = by.user_id;
  hold.reason = in.hold_reason;
  std::optional<Still> still;
  if (in.kind == "clip") {
    if (!in.from_ms) throw Problem::field("from", "Thiếu thời điểm bắt đầu", "`from` is required");
    if (!in.to_ms) throw Problem::field("to", "Thiếu thời điểm kết thúc", "`to` is required");
    if (*in.to_ms <= *in.from_ms) throw Problem::field("to", "Thời điểm kết thúc phải sau thời điểm bắt đầu", "`to` must be after `from`");
    if (*in.to_ms - *in.from_ms > max_clip_ms_)
      throw Problem::field("to", fmt::format("Đoạn video dài tối đa {} phút", max_clip_ms_ / 60'000),
                           fmt::format("A clip is at most {} minutes long", max_clip_ms_ / 60'000));
    if (!recorded_in(index_, cam->id, *in.from_ms, *in.to_ms))
      throw Problem::field("from", "Không có dữ liệu ghi hình của camera trong khoảng thời gian này",
                           "Nothing of this camera is recorded in this period");
    hold.from_ms = *in.from_ms, hold.to_ms = *in.to_ms;
  } else {
    if (!in.at_ms) throw Problem::field("at", "Thiếu thời điểm chụp", "`at` is required");
    still = still_at(index_, cam->id, *in.at_ms);
    if (!still)
      throw Problem::field("at", "Không có khung hình ghi trong vòng 10 giây quanh thời điểm này",
                           "No recorded frame within 10 s of this time");
    hold.from_ms = still->frame_ms - kSnapshotHoldMs, hold.to_ms = still->frame_ms + kSnapshotHoldMs;
  }
  // A still's file is durable before the row that names it; a row that fails to commit leaves no file behind.
  std::optional<std::string> file, sha;
  if (still) {
    file = fmt::format("{}/case-{}-camera-{}-{}-{}.jpg", in.case_id, in.case_id, cam->id, still->frame_ms, core::random_token(4));
    sha = core::sha256_hex(still->jpeg);
    auto path = dir_ / *file;
    make_dirs(fs_, path.parent_path()).throw_if_error();
    write_durably(fs_, path, still->jpeg).throw_if_error();
  }
  try {
    return store::Work::run(db_, [&](store::Work&) {
      auto h = catalog_.create_hold(retention_, hold, by);
      db_.exec("INSERT INTO case_evidence(case_id, kind, camera_id, from_ms, to_ms, at_ms, frame_ms, hold_id, note, file, sha256, bytes, "
               "created_by, created_at) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
               {in.case_id, in.kind, cam->id, store::opt(in.kind == "clip" ? in.from_ms : std::nullopt),
                store::opt(in.kind == "clip" ? in.to_ms : std::nullopt), store::opt(still ? in.at_ms : std::nullopt),
                store::opt(still ? std::optional(still->frame_ms) : std::nullopt), h.id, in.note, store::opt(file), store::opt(sha),
                store::opt(still ? std::optional<int64_t>(int64_t(still->jpeg.size())) : std::nullopt), by.user_id, clock_.now_ms()});
      auto e = *get(db_.last_insert_id());
      json details = to_json(e);
      details["camera_name"] = cam->name;
      audit_.append(by.event("evidence.attach", "case", std::to_string(in.case_id), case_unit_id, details));
      return e;
    });
  } catch (...) {
    if (file) (void)fs_.unlink(dir_ / *file);  // best effort: the row that would name it is not there
    throw;
  }
}

EvidenceItem Evidence::remove(int64_t id, const std::string& reason, int64_t case_unit_id, const audit::Actor& by) {
  return store::Work::run(db_, [&](store::Work&) {
    auto e = get(id);
    if (!e) throw Problem::not_found("The evidence", "Chứng cứ");
    if (e->removed_at) throw Problem::conflict("This evidence was removed already.", "Chứng cứ này đã được gỡ.");
    if (auto h = retention_.hold(e->hold_id); h && !h->released_ms)
      catalog_.release_hold(retention_, e->hold_id, reason, by);
    db_.exec("UPDATE case_evidence SET removed_at = ?, removed_by = ?, remove_reason = ? WHERE id = ?",
             {clock_.now_ms(), by.user_id, reason, id});
    auto out = *get(id);
    audit_.append(by.event("evidence.remove", "case", std::to_string(e->case_id), case_unit_id, to_json(out)));
    return out;
  });
}

json to_json(const EvidenceItem& e) {
  return {{"id", e.id},
          {"case_id", e.case_id},
          {"kind", e.kind},
          {"camera_id", e.camera_id},
          {"from", opt_time(e.from_ms)},
          {"to", opt_time(e.to_ms)},
          {"at", opt_time(e.at_ms)},
          {"frame_time", opt_time(e.frame_ms)},
          {"hold_id", e.hold_id},
          {"note", e.note},
          {"file", e.file ? json(std::filesystem::path(*e.file).filename().string()) : json()},
          {"sha256", e.sha256 ? json(*e.sha256) : json()},
          {"bytes", e.bytes ? json(*e.bytes) : json()},
          {"created_by", e.created_by},
          {"created_at", core::iso8601(e.created_at)},
          {"removed_at", opt_time(e.removed_at)},
          {"removed_by", e.removed_by ? json(*e.removed_by) : json()},
          {"remove_reason", e.remove_reason ? json(*e.remove_reason) : json()}};
}

}  // namespace watchfloor::video
