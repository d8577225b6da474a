#pragma once
// Writes one stream's frames into segment files and commits them to the index (docs/formats.md
// §2, §3, §5): remux only, one fragment per GOP, segments of about a minute cut on keyframes,
// fsync file → fsync directory → index row. Plain code over a Clock; no libav here.
#include <cerrno>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

#include "core/clock.h"
#include "video/fs.h"
#include "video/h264.h"
#include "video/index.h"
#include "video/mp4.h"

namespace watchfloor::video {

struct Frame {
  std::string_view data;  // one access unit as the camera sent it (Annex B or length-prefixed)
  int64_t dts_90k = 0;
  int64_t pts_90k = 0;
  bool key = false;
  int64_t recv_mono_ns = 0;  // Clock::mono_ns() when it arrived
};

struct WriterOptions {
  int64_t segment_s = 60;
  int64_t min_segment_s = 10;
  int64_t max_fragment_ms = 5000;
  size_t max_fragment_bytes = 4u << 20;
  int64_t sync_interval_s = 10;
};

// The segment being written, as far as its fragments are in its file: what instant replay reads
// before the segment is committed (formats.md §9). Written by the ingest thread, read by playback.
class OpenSegment {
 public:
  void set(std::optional<SegmentRow> row) {
    std::lock_guard lock(mu_);
    row_ = std::move(row);
  }
  std::optional<SegmentRow> get() const {
    std::lock_guard lock(mu_);
    return row_;
  }

 private:
  mutable std::mutex mu_;
  std::optional<SegmentRow> row_;
};

// A disk error that ended the run (formats.md §5). After a write error (ENOSPC, EIO) the segment
// being written is cut back to its last complete fragment and committed; after an fsync or
// fdatasync error (`sync_failed`) it is not indexed at all — the kernel may have dropped the pages
// it could not write — and its file goes to quarantine/.
class DiskError : public std::system_error {
 public:
  DiskError(const Status& s, bool sync_failed)
      : std::system_error(s.code(), std::generic_category(), s.message()), sync_failed_(sync_failed) {}
  bool sync_failed() const { return sync_failed_; }
  bool disk_full() const { return code().value() == ENOSPC || code().value() == EDQUOT; }

 private:
  bool sync_failed_;
};

class StreamWriter {
 public:
  StreamWriter(Index& index, const core::Clock& clock, StreamRow stream, WriterOptions opt = {},
               Fs& fs = posix_fs());
  ~StreamWriter();
  StreamWriter(const StreamWriter&) = delete;
  StreamWriter& operator=(const StreamWriter&) = delete;

  // Starts a run with the session's codec configuration; frames before its first keyframe are dropped.
  void begin_run(const mp4::SampleEntry& entry);
  // Throws DiskError on a disk error, after ending the run (see DiskError). H.264 only (Annex B is split by H.264 NAL types); H.265 comes through the overload below.
  void frame(const Frame& f);
  // The same for an access unit already in MP4 form (the RTSP client builds them); takes its bytes.
  void frame(h264::AccessUnit&& au, int64_t dts_90k, int64_t pts_90k, bool key, int64_t recv_mono_ns);
  // Commits what was recorded and ends the run; the stream's gap opens with `cause`.
  void end_run(const std::string& reason, const std::string& cause);
  bool in_run() const { return run_id_ != 0; }
  // Publishes the segment being written after each fragment (and clears it at commit).
  void publish_open(std::shared_ptr<OpenSegment> to) { open_ = std::move(to); }

  // For health: frames and bytes accepted so far.
  int64_t frames_total() const { return frames_total_; }
  int64_t bytes_total() const { return bytes_total_; }
  int64_t segments_committed() const { return committed_; }
  // Runs ended because the real-time clock stepped, and the last step (ns, + = forward).
  int64_t clock_steps() const { return clock_steps_; }
  int64_t last_clock_step_ns() const { return last_clock_step_ns_; }

 private:
  struct Pending {
    std::string avcc;
    int64_t dts, pts, local_90k;
    bool key;
  };
  struct Open;  // the segment being written

  void open_segment();
  void flush_fragment(std::optional<int64_t> next_dts);
  // Makes the open segment durable (fsync file, close, fsync directory) and commits its row; on a
  // failure the segment is abandoned (never indexed) and the failure returned.
  Status close_segment();
  // Drops the open segment from the index for good: its seq is skipped and its file quarantined.
  void abandon_segment(const Status& why);
  // A disk error: keeps what can be kept of the open segment, ends the run, throws DiskError.
  [[noreturn]] void fail(const Status& s, bool sync_failed);
  [[noreturn]] void end_on_error(const Status& s, bool sync_failed);
  // The index row of the open segment: its times from the segment's first fragment on.
  SegmentRow row_of(const Open& seg);
  int64_t local_90k(int64_t mono_ns) const;
  int64_t realtime_ns() const;

  Index& index_;
  const core::Clock& clock_;
  StreamRow stream_;
  WriterOptions opt_;
  Fs& fs_;
  int64_t next_seq_;
  bool dirs_synced_ = false;  // the stream directory's entries made durable by this writer

  int64_t run_id_ = 0, run_index_ = 0, offset_ns_ = 0;
  std::optional<int64_t> prev_end_90k_;  // end of this run's last committed segment
  mp4::SampleEntry entry_;
  std::string init_;
  int64_t sample_entry_id_ = 0;
  bool waiting_key_ = true;
  std::optional<int64_t> last_dts_;
  uint32_t last_duration_ = 3000;

  std::vector<Pending> pending_;
  size_t pending_bytes_ = 0;
  std::unique_ptr<Open> seg_;
  std::shared_ptr<OpenSegment> open_;

  int64_t frames_total_ = 0, bytes_total_ = 0, committed_ = 0, clock_steps_ = 0, last_clock_step_ns_ = 0;
};

// The instant a segment started at `start_90k` should end: the next k·segment + stagger at least
// min_segment after its start.
int64_t rotation_time(int64_t start_90k, int64_t stream_id, const WriterOptions& opt);

}  // namespace watchfloor::video
