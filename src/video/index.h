#pragma once
// The recorder's index in the database (docs/formats.md §4): sample directories, opens, streams,
// runs, segments, gaps, garbage. Every method that writes runs in its own transaction unless the
// caller already holds one. Segment file I/O lives in the writer and the recovery; the identity
// file of the sample directory (its lock) goes through the same Fs.
#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/clock.h"
#include "store/db.h"
#include "video/fs.h"
#include "video/mp4.h"

namespace watchfloor::video {

inline int64_t ms_to_90k(int64_t ms) { return ms * 90; }
inline int64_t t90k_to_ms(int64_t t) { return t >= 0 ? t / 90 : -((-t + 89) / 90); }
inline int64_t ns_to_90k(int64_t ns) {
  return ns >= 0 ? ns / 100'000 * 9 + (ns % 100'000) * 9 / 100'000 : -ns_to_90k(-ns);
}

// A camera's streams: the main stream, and the smaller sub stream many cameras also send.
inline constexpr const char* kStreamKinds[] = {"main", "sub"};

struct StreamRow {
  int64_t id = 0, camera_id = 0, sample_dir_id = 0, next_seq = 1;
  std::string kind;  // one of kStreamKinds
};

struct SegmentRow {
  int64_t id = 0, stream_id = 0, camera_id = 0, seq = 0, sample_dir_id = 0, open_id = 0, run_id = 0, run_index = 0;
  int64_t start_90k = 0, end_90k = 0, media_duration_90k = 0, local_start_delta_90k = 0;
  int64_t bytes = 0, frames = 0, keyframes = 0, fragments = 0, sample_entry_id = 0, flags = 0;
  std::string sha256_hex, sample_index, state = "ok";
};

struct GapRow {
  int64_t id = 0, stream_id = 0, camera_id = 0, start_90k = 0;
  std::optional<int64_t> end_90k;
  std::string cause;
};

struct RunRow {
  int64_t id = 0, stream_id = 0, first_seq = 0;
  std::optional<int64_t> start_90k, end_90k;
};

class Index {
 public:
  // `label` names this recorder's sample directory (video_root/label): "default" for an API server's own
  // recorder, "node-NAME" for a recorder node (`node_id`), whose directory row names the node.
  Index(store::Db& db, const core::Clock& clock, std::filesystem::path video_root, Fs& fs = posix_fs(),
        std::string label = "default", std::optional<int64_t> node_id = std::nullopt)
      : db_(db), clock_(clock), root_(std::move(video_root)), fs_(fs), label_(std::move(label)), node_id_(node_id) {}
  ~Index();
  Index(const Index&) = delete;
  Index& operator=(const Index&) = delete;

  // Makes this the index of recorder node `node_id`, whose directory is labelled `label` (before open()).
  void set_dir(std::string label, std::optional<int64_t> node_id) {
    label_ = std::move(label);
    node_id_ = node_id;
  }
  // This recorder's sample directory (created with its identity file on first use) and a new open.
  // Earlier opens of the directory that never ended are marked crashed (or power_loss after a reboot).
  void open();
  // Sets ended_ms on this open (an orderly shutdown).
  void close();
  void heartbeat();
  int64_t open_id() const { return open_id_; }
  // False when the sample directory's identity file is missing, foreign or locked by another server.
  bool dir_online() const { return dir_online_; }
  // The open before this one, when it did not end cleanly: its last heartbeat.
  std::optional<int64_t> crashed_alive_ms() const { return crashed_alive_ms_; }

  std::filesystem::path dir_path(int64_t sample_dir_id);
  std::filesystem::path stream_dir(const StreamRow& s);
  std::filesystem::path segment_path(const StreamRow& s, int64_t seq);

  StreamRow stream(int64_t camera_id, const std::string& kind);  // created on first use (in this directory)
  // The stream this recorder is to record into: when another recorder recorded it last (a camera moved to this
  // node, or taken over while its node is down), it moves here. The seq that recorder may still be writing is
  // skipped, its open run ends ("moved"), and the time until this recorder's first segment is a gap.
  StreamRow stream_to_record(int64_t camera_id, const std::string& kind);
  // This recorder's sample directory (its row's id, once open()).
  int64_t dir_id() const { return dir_id_; }
  std::vector<StreamRow> streams();
  std::optional<StreamRow> stream_by_id(int64_t id);

  // Inserts or finds the entry for these init bytes.
  int64_t sample_entry(const mp4::SampleEntry& e, const std::string& init);
  std::optional<std::string> init_bytes(int64_t sample_entry_id);

  int64_t begin_run(int64_t stream_id, int64_t first_seq, int64_t clock_offset_ns);
  std::optional<RunRow> run_for_seq(int64_t stream_id, int64_t seq);
  // Ends the run and opens the stream's gap at `end_90k` with `cause` (when the run recorded anything).
  void end_run(int64_t run_id, std::optional<int64_t> end_90k, const std::string& reason, const std::string& cause);

  // The latest committed end of a stream.
  std::optional<int64_t> last_end_90k(int64_t stream_id);
  std::optional<SegmentRow> segment(int64_t stream_id, int64_t seq);
  // Inserts the row after its file and directory are durable; advances next_seq, sets the run's
  // start on its first segment and closes the stream's open gap at the segment's start.
  // Throws when the segment would overlap an earlier one (invariant 6).
  int64_t commit_segment(SegmentRow& row);
  // A segment that will never be indexed (its data was not made durable): next_seq moves past it,
  // so its file, if left behind, is unexplained and quarantined (invariant 2), never recovered.
  void skip_seq(int64_t stream_id, int64_t seq);

  // Opens a gap on the stream at `start_90k` unless one is open already.
  void open_gap(int64_t stream_id, int64_t start_90k, const std::string& cause, const std::string& detail = "{}");
  std::optional<GapRow> open_gap_of(int64_t stream_id);

  std::vector<SegmentRow> segments(int64_t stream_id, int64_t from_90k, int64_t to_90k);
  std::vector<GapRow> gaps(int64_t stream_id, int64_t from_90k, int64_t to_90k);

  store::Db& db() { return db_; }
  // This recorder's sample directory (no database access: safe inside a metrics gauge).
  std::filesystem::path own_dir() const { return root_ / label_; }

 private:
  store::Db& db_;
  const core::Clock& clock_;
  std::filesystem::path root_;
  int64_t open_id_ = 0;
  std::optional<int64_t> crashed_alive_ms_;
  Fs& fs_;
  std::unique_ptr<File> lock_;
  bool dir_online_ = false;
  std::string label_;
  std::optional<int64_t> node_id_;
  int64_t dir_id_ = 0;
};

SegmentRow segment_from_row(const store::Row& r);
extern const char* const kSegmentColumns;

}  // namespace watchfloor::video
