#include "video/index.h"

#include <fmt/format.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <stdexcept>

#include "core/error.h"
#include "core/log.h"
#include "core/hash.h"
#include "core/random.h"

namespace watchfloor::video {

namespace fs = std::filesystem;

const char* const kSegmentColumns =
    "id, stream_id, camera_id, seq, sample_dir_id, open_id, run_id, run_index, start_90k, end_90k, media_duration_90k, "
    "local_start_delta_90k, bytes, sha256, frames, keyframes, fragments, sample_entry_id, sample_index, flags, state";

SegmentRow segment_from_row(const store::Row& r) {
  SegmentRow s;
  s.id = r.i64("id");
  s.stream_id = r.i64("stream_id");
  s.camera_id = r.i64("camera_id");
  s.seq = r.i64("seq");
  s.sample_dir_id = r.i64("sample_dir_id");
  s.open_id = r.i64("open_id");
  s.run_id = r.i64("run_id");
  s.run_index = r.i64("run_index");
  s.start_90k = r.i64("start_90k");
  s.end_90k = r.i64("end_90k");
  s.media_duration_90k = r.i64("media_duration_90k");
  s.local_start_delta_90k = r.i64("local_start_delta_90k");
  s.bytes = r.i64("bytes");
  s.sha256_hex = r.str("sha256");
  s.frames = r.i64("frames");
  s.keyframes = r.i64("keyframes");
  s.fragments = r.i64("fragments");
  s.sample_entry_id = r.i64("sample_entry_id");
  s.sample_index = r.str("sample_index");
  s.flags = r.i64("flags");
  s.state = r.str("state");
  return s;
}

namespace {

std::string boot_id() {
  std::ifstream f("/proc/sys/kernel/random/boot_id");
  std::string id;
  std::getline(f, id);
  return id.empty() ? "unknown" : id;
}

}  // namespace

void Index::open() {
  // This recorder's sample directory and its identity file (formats.md §1, invariant 13). The file is
  // written before the row that names its uuid, so a failure between the two is retried next start.
  auto dir_path = own_dir();
  auto ident_path = dir_path / ".watchfloor-dir";
  auto dir = db_.query_one("SELECT id, uuid, path FROM sample_dirs WHERE label = ?", {label_});
  Status s = make_dirs(fs_, dir_path);
  if (s.ok() && !dir) {
    std::string uuid = core::random_token(16);
    s = write_durably(fs_, ident_path,
                      nlohmann::json{{"format", 1}, {"dir_uuid", uuid}, {"label", label_}}.dump() + "\n");
    if (s.ok()) {
      db_.exec("INSERT INTO sample_dirs(label, path, uuid, node_id) VALUES (?, ?, ?, ?)",
               {label_, dir_path.string(), uuid, store::opt(node_id_)});
      dir = db_.query_one("SELECT id, uuid, path FROM sample_dirs WHERE label = ?", {label_});
    }
  }
  if (dir) dir_id_ = dir->i64("id");
  bool ok = false;
  if (s.ok()) {
    std::string text;
    s = read_file(fs_, ident_path, text);
    try {
      auto j = nlohmann::json::parse(text);
      ok = s.ok() && j.at("format") == 1 && j.at("dir_uuid") == dir->str("uuid");
    } catch (const std::exception&) {
      ok = false;
    }
  }
  if (ok) {
    s = fs_.lock(ident_path, lock_);
    ok = s.ok();
  }
  if (dir)
    db_.exec("UPDATE sample_dirs SET state = ? WHERE id = ?", {std::string(ok ? "online" : "offline"), dir->i64("id")});
  if (!ok)
    core::log_error("video: sample directory " + dir_path.string() + " is not ours, unreadable or in use" +
                    (s.ok() ? "" : " (" + s.message() + ")") + "; not recording");
  dir_online_ = ok;

  int64_t now = clock_.now_ms();
  std::string boot = boot_id();
  db_.transaction([&] {
    if (auto prev = db_.query_one("SELECT id, alive_ms, boot_id FROM recorder_opens WHERE ended_ms IS NULL "
                                  "AND sample_dir_id = ? ORDER BY id DESC LIMIT 1",
                                  {dir_id_})) {
      crashed_alive_ms_ = prev->i64("alive_ms");
      db_.exec("UPDATE recorder_opens SET end_kind = ? WHERE ended_ms IS NULL AND sample_dir_id = ?",
               {std::string(prev->str("boot_id") == boot ? "crash" : "power_loss"), dir_id_});
      db_.exec("UPDATE recorder_opens SET ended_ms = alive_ms WHERE ended_ms IS NULL AND sample_dir_id = ?", {dir_id_});
    }
    db_.exec("INSERT INTO recorder_opens(boot_id, started_ms, alive_ms, sample_dir_id) VALUES (?, ?, ?, ?)",
             {boot, now, now, dir_id_ ? store::Value(dir_id_) : store::Value(nullptr)});
    open_id_ = db_.last_insert_id();
  });
}

Index::~Index() = default;

void Index::close() {
  if (open_id_)
    db_.exec("UPDATE recorder_opens SET ended_ms = ?, alive_ms = ?, end_kind = 'clean' WHERE id = ?",
             {clock_.now_ms(), clock_.now_ms(), open_id_});
}

void Index::heartbeat() {
  if (open_id_) db_.exec("UPDATE recorder_opens SET alive_ms = ? WHERE id = ?", {clock_.now_ms(), open_id_});
}

fs::path Index::dir_path(int64_t id) {
  auto r = db_.query_one("SELECT path FROM sample_dirs WHERE id = ?", {id});
  if (!r) throw std::runtime_error(fmt::format("no sample directory {}", id));
  return r->str("path");
}

fs::path Index::stream_dir(const StreamRow& s) {
  return dir_path(s.sample_dir_id) / std::to_string(s.camera_id) / s.kind;
}

fs::path Index::segment_path(const StreamRow& s, int64_t seq) {
  return stream_dir(s) / fmt::format("{:012d}.mp4", seq);
}

namespace {
StreamRow stream_from_row(const store::Row& r) {
  return {r.i64("id"), r.i64("camera_id"), r.i64("sample_dir_id"), r.i64("next_seq"), r.str("kind")};
}
constexpr const char* kStreamColumns = "id, camera_id, kind, sample_dir_id, next_seq";

GapRow gap_from_row(const store::Row& r) {
  return {r.i64("id"),        r.i64("stream_id"),   r.i64("camera_id"),
          r.i64("start_90k"), r.opt_i64("end_90k"), r.str("cause")};
}
constexpr const char* kGapColumns = "id, stream_id, camera_id, start_90k, end_90k, cause";
}  // namespace

StreamRow Index::stream(int64_t camera_id, const std::string& kind) {
  std::string q = fmt::format("SELECT {} FROM streams WHERE camera_id = ? AND kind = ?", kStreamColumns);
  if (auto r = db_.query_one(q, {camera_id, kind})) return stream_from_row(*r);
  // The recorder's ingest and a request for the recordings may both come first: the second insert is a no-op,
  // never a UNIQUE error (which, in the ingest's thread, ended the process).
  db_.exec(
      "INSERT INTO streams(camera_id, kind, sample_dir_id) SELECT ?, ?, id FROM sample_dirs WHERE label = ? "
      "ON CONFLICT(camera_id, kind) DO NOTHING",
      {camera_id, kind, label_});
  auto r = db_.query_one(q, {camera_id, kind});
  if (!r) throw core::Problem(503, "recorder-not-open", "The recorder has not started", "Bộ ghi hình chưa khởi động");
  return stream_from_row(*r);
}

StreamRow Index::stream_to_record(int64_t camera_id, const std::string& kind) {
  StreamRow s = stream(camera_id, kind);
  if (s.sample_dir_id == dir_id_ || !dir_id_) return s;
  db_.transaction([&] {
    auto r = db_.query_one(fmt::format("SELECT {} FROM streams WHERE id = ?", kStreamColumns), {s.id});
    s = stream_from_row(*r);
    if (s.sample_dir_id == dir_id_) return;
    // The other recorder may be finishing seq next_seq: this one starts after it, so both commit.
    db_.exec("UPDATE streams SET sample_dir_id = ?, next_seq = next_seq + 1 WHERE id = ?", {dir_id_, s.id});
    db_.exec("UPDATE runs SET end_reason = 'moved' WHERE stream_id = ? AND end_reason IS NULL", {s.id});
    if (auto last = last_end_90k(s.id)) open_gap(s.id, *last, "recorder_down");
    s.sample_dir_id = dir_id_;
    s.next_seq += 1;
  });
  return s;
}

std::vector<StreamRow> Index::streams() {
  std::vector<StreamRow> out;
  for (const auto& r : db_.query(fmt::format("SELECT {} FROM streams ORDER BY id", kStreamColumns)))
    out.push_back(stream_from_row(r));
  return out;
}

std::optional<StreamRow> Index::stream_by_id(int64_t id) {
  if (auto r = db_.query_one(fmt::format("SELECT {} FROM streams WHERE id = ?", kStreamColumns), {id}))
    return stream_from_row(*r);
  return std::nullopt;
}

int64_t Index::sample_entry(const mp4::SampleEntry& e, const std::string& init) {
  std::string h = core::sha256_hex(init);
  if (auto r = db_.query_one("SELECT id FROM video_sample_entries WHERE sha256 = ?", {h})) return r->i64("id");
  db_.exec("INSERT INTO video_sample_entries(sha256, codec, width, height, init, created_ms) VALUES (?,?,?,?,?,?)",
           {h, e.codec, int64_t(e.width), int64_t(e.height), store::Blob{init}, clock_.now_ms()});
  return db_.last_insert_id();
}

std::optional<std::string> Index::init_bytes(int64_t id) {
  if (auto r = db_.query_one("SELECT init FROM video_sample_entries WHERE id = ?", {id})) return r->str("init");
  return std::nullopt;
}

int64_t Index::begin_run(int64_t stream_id, int64_t first_seq, int64_t clock_offset_ns) {
  db_.exec("INSERT INTO runs(stream_id, open_id, first_seq, clock_offset_ns) VALUES (?,?,?,?)",
           {stream_id, open_id_, first_seq, clock_offset_ns});
  return db_.last_insert_id();
}

std::optional<RunRow> Index::run_for_seq(int64_t stream_id, int64_t seq) {
  auto r = db_.query_one(
      "SELECT id, stream_id, first_seq, start_90k, end_90k FROM runs WHERE stream_id = ? AND first_seq <= ? "
      "ORDER BY first_seq DESC, id DESC LIMIT 1",
      {stream_id, seq});
  if (!r) return std::nullopt;
  return RunRow{r->i64("id"), r->i64("stream_id"), r->i64("first_seq"), r->opt_i64("start_90k"), r->opt_i64("end_90k")};
}

void Index::end_run(int64_t run_id, std::optional<int64_t> end_90k, const std::string& reason,
                    const std::string& cause) {
  db_.transaction([&] {
    db_.exec("UPDATE runs SET end_90k = ?, end_reason = ? WHERE id = ?", {store::opt(end_90k), reason, run_id});
    auto run = db_.query_one("SELECT stream_id FROM runs WHERE id = ?", {run_id});
    if (!run) return;
    // The gap starts where the stream's recording ends (this run's last segment, or an earlier one).
    if (auto last = last_end_90k(run->i64("stream_id"))) open_gap(run->i64("stream_id"), *last, cause);
  });
}

std::optional<int64_t> Index::last_end_90k(int64_t stream_id) {
  auto r = db_.query_one("SELECT MAX(end_90k) AS end_90k FROM segments WHERE stream_id = ?", {stream_id});
  return r ? r->opt_i64("end_90k") : std::nullopt;
}

std::optional<SegmentRow> Index::segment(int64_t stream_id, int64_t seq) {
  if (auto r = db_.query_one(fmt::format("SELECT {} FROM segments WHERE stream_id = ? AND seq = ?", kSegmentColumns),
                             {stream_id, seq}))
    return segment_from_row(*r);
  return std::nullopt;
}

int64_t Index::commit_segment(SegmentRow& s) {
  db_.transaction([&] {
    if (auto last = last_end_90k(s.stream_id); last && s.start_90k < *last)
      throw std::logic_error(
          fmt::format("segment {} of stream {} would overlap the recording before it", s.seq, s.stream_id));
    db_.exec(
        "INSERT INTO segments(stream_id, camera_id, seq, sample_dir_id, open_id, run_id, run_index, start_90k, "
        "end_90k, "
        "media_duration_90k, local_start_delta_90k, bytes, sha256, frames, keyframes, fragments, sample_entry_id, "
        "sample_index, flags, state) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
        {s.stream_id,
         s.camera_id,
         s.seq,
         s.sample_dir_id,
         s.open_id,
         s.run_id,
         s.run_index,
         s.start_90k,
         s.end_90k,
         s.media_duration_90k,
         s.local_start_delta_90k,
         s.bytes,
         s.sha256_hex,
         s.frames,
         s.keyframes,
         s.fragments,
         s.sample_entry_id,
         store::Blob{s.sample_index},
         s.flags,
         s.state});
    s.id = db_.last_insert_id();
    db_.exec("UPDATE streams SET next_seq = MAX(next_seq, ?) WHERE id = ?", {s.seq + 1, s.stream_id});
    db_.exec("UPDATE runs SET start_90k = COALESCE(start_90k, ?) WHERE id = ?", {s.start_90k, s.run_id});
    if (auto gap = open_gap_of(s.stream_id)) {
      if (gap->start_90k < s.start_90k)
        db_.exec("UPDATE gaps SET end_90k = ? WHERE id = ?", {s.start_90k, gap->id});
      else
        db_.exec("DELETE FROM gaps WHERE id = ?", {gap->id});
    }
  });
  return s.id;
}

void Index::skip_seq(int64_t stream_id, int64_t seq) {
  db_.exec("UPDATE streams SET next_seq = MAX(next_seq, ?) WHERE id = ?", {seq + 1, stream_id});
}

void Index::open_gap(int64_t stream_id, int64_t start_90k, const std::string& cause, const std::string& detail) {
  if (open_gap_of(stream_id)) return;
  auto s = stream_by_id(stream_id);
  if (!s) return;
  db_.exec("INSERT INTO gaps(stream_id, camera_id, start_90k, cause, detail) VALUES (?,?,?,?,?)",
           {stream_id, s->camera_id, start_90k, cause, detail});
}

std::optional<GapRow> Index::open_gap_of(int64_t stream_id) {
  auto r = db_.query_one(fmt::format("SELECT {} FROM gaps WHERE stream_id = ? AND end_90k IS NULL", kGapColumns),
                         {stream_id});
  if (!r) return std::nullopt;
  return gap_from_row(*r);
}

std::vector<SegmentRow> Index::segments(int64_t stream_id, int64_t from_90k, int64_t to_90k) {
  std::vector<SegmentRow> out;
  for (const auto& r :
       db_.query(fmt::format("SELECT {} FROM segments WHERE stream_id = ? AND start_90k < ? AND end_90k > ? "
                             "ORDER BY start_90k, id",
                             kSegmentColumns),
                 {stream_id, to_90k, from_90k}))
    out.push_back(segment_from_row(r));
  return out;
}

std::vector<GapRow> Index::gaps(int64_t stream_id, int64_t from_90k, int64_t to_90k) {
  std::vector<GapRow> out;
  for (const auto& r : db_.query(
           fmt::format("SELECT {} FROM gaps WHERE stream_id = ? AND start_90k < ? AND (end_90k IS NULL OR end_90k > ?) "
                       "ORDER BY start_90k",
                       kGapColumns),
           {stream_id, to_90k, from_90k}))
    out.push_back(gap_from_row(r));
  return out;
}

}  // namespace watchfloor::video
