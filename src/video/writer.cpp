#include "video/writer.h"

#include <fmt/format.h>

#include <algorithm>
#include <chrono>

#include "core/hash.h"
#include "core/log.h"
#include "core/metrics.h"
#include "video/recovery.h"

namespace watchfloor::video {

namespace fs = std::filesystem;

struct StreamWriter::Open {
  std::unique_ptr<File> file;
  int64_t seq = 0;
  fs::path path;
  uint64_t bytes = 0;
  core::Sha256 sha;
  int64_t first_dts = 0, rotate_at_90k = 0, media = 0, frames = 0, keys = 0;
  std::optional<int64_t> local_start;
  std::optional<int64_t> start_90k;  // a run's first segment: placed at its first fragment (row_of)
  std::vector<mp4::IndexedFragment> frags;
  uint32_t fragment_seq = 0;
  int64_t last_sync_mono = 0;
};

int64_t rotation_time(int64_t start_90k, int64_t stream_id, const WriterOptions& opt) {
  const int64_t seg = opt.segment_s * 90'000;
  const int64_t off = (stream_id * 7 * 90'000) % seg;
  int64_t earliest = start_90k + opt.min_segment_s * 90'000 - off;
  int64_t k = earliest >= 0 ? (earliest + seg - 1) / seg : earliest / seg;
  return k * seg + off;
}

StreamWriter::StreamWriter(Index& index, const core::Clock& clock, StreamRow stream, WriterOptions opt, Fs& fs)
    : index_(index), clock_(clock), stream_(std::move(stream)), opt_(opt), fs_(fs), next_seq_(stream_.next_seq) {}

// Dropped without end_run ("kill -9" in tests): the open file is closed, its tail left to recovery.
StreamWriter::~StreamWriter() = default;

int64_t StreamWriter::local_90k(int64_t mono_ns) const { return ns_to_90k(mono_ns + offset_ns_); }

int64_t StreamWriter::realtime_ns() const {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(clock_.now().time_since_epoch()).count();
}

void StreamWriter::begin_run(const mp4::SampleEntry& entry) {
  entry_ = entry;
  init_ = mp4::make_init(entry);
  sample_entry_id_ = index_.sample_entry(entry, init_);
  offset_ns_ = realtime_ns() - clock_.mono_ns();
  // The run row exists before its first file (formats.md §5), so recovery can place that file.
  if (auto s = index_.stream_by_id(stream_.id)) next_seq_ = std::max(next_seq_, s->next_seq);
  run_id_ = index_.begin_run(stream_.id, next_seq_, offset_ns_);
  run_index_ = 0;
  prev_end_90k_.reset();
  waiting_key_ = true;
  last_dts_.reset();
  pending_.clear();
  pending_bytes_ = 0;
}

void StreamWriter::frame(const Frame& f) {
  if (!run_id_) return;
  auto au = h264::to_sample(f.data);
  if (!au) return;  // not H.264 access units: dropped, counted by the caller's health figures
  frame(std::move(*au), f.dts_90k, f.pts_90k, f.key, f.recv_mono_ns);
}

void StreamWriter::frame(h264::AccessUnit&& au, int64_t dts_90k, int64_t pts_90k, bool key_flag, int64_t recv_mono_ns) {
  if (!run_id_ || au.avcc.empty()) return;
  bool key = key_flag || au.idr;
  if (key && !waiting_key_) {
    // The real-time clock stepped (NTP, an operator) by more than 1 s since the run was anchored:
    // end the run at this keyframe and anchor the next one on the new clock (formats.md §3).
    int64_t step = realtime_ns() - clock_.mono_ns() - offset_ns_;
    if (std::abs(step) > 1'000'000'000) {
      auto entry = entry_;
      end_run("clock_step", "clock_step");
      begin_run(entry);
      last_clock_step_ns_ = step;
      ++clock_steps_;
    }
  }
  if (last_dts_ && (dts_90k <= *last_dts_ || dts_90k - *last_dts_ > 10 * 90'000)) {
    // A timestamp discontinuity ends the run; the next one starts at the next keyframe (§3).
    auto entry = entry_;
    end_run("discontinuity", "discontinuity");
    begin_run(entry);
  }
  if (waiting_key_) {
    if (!key) return;
    waiting_key_ = false;
  }
  bool new_params = key && au.sps && au.pps &&
                    (*au.sps != entry_.ps.sps || *au.pps != entry_.ps.pps || (au.vps && *au.vps != entry_.ps.vps));
  int64_t local = local_90k(recv_mono_ns);
  if (!pending_.empty()) {
    bool capped =
        dts_90k - pending_.front().dts >= opt_.max_fragment_ms * 90 || pending_bytes_ >= opt_.max_fragment_bytes;
    if (key || capped) flush_fragment(dts_90k);
  }
  if (seg_ && key && (local >= seg_->rotate_at_90k || new_params || seg_->bytes > (4ull << 30) - (64ull << 20)))
    if (auto s = close_segment(); !s.ok()) end_on_error(s, true);
  if (new_params) {
    // The camera changed its configuration in band: a new sample entry from the next segment.
    auto ps = entry_.ps;
    ps.sps = *au.sps, ps.pps = *au.pps;
    if (au.vps) ps.vps = *au.vps;
    if (auto e = mp4::sample_entry(entry_.kind, ps)) {
      entry_ = *e;
    } else {  // an SPS we cannot read: keep its bytes, with the size and codec string of the last one
      entry_.ps = ps;
    }
    init_ = mp4::make_init(entry_);
    sample_entry_id_ = index_.sample_entry(entry_, init_);
  }
  if (!seg_) open_segment();
  if (!seg_->frames && pending_.empty()) {
    seg_->first_dts = dts_90k;
    seg_->rotate_at_90k = rotation_time(local, stream_.id, opt_);
  }
  pending_bytes_ += au.avcc.size();
  pending_.push_back({std::move(au.avcc), dts_90k, pts_90k, local, key});
  last_dts_ = dts_90k;
}

void StreamWriter::open_segment() {
  auto dir = index_.stream_dir(stream_);
  // New camera and stream directories are fsynced with their parents (formats.md §1). Once more by
  // each writer: a directory whose parent's fsync failed before exists without being durable.
  if (!dirs_synced_) {
    Status s = make_dirs(fs_, dir);
    if (s.ok()) s = fs_.sync_dir(dir.parent_path().parent_path());
    if (s.ok()) s = fs_.sync_dir(dir.parent_path());
    if (!s.ok()) end_on_error(s, false);
    dirs_synced_ = true;
  }
  auto seg = std::make_unique<Open>();
  for (;;) {
    seg->seq = next_seq_++;
    seg->path = index_.segment_path(stream_, seg->seq);
    auto s = fs_.create_new(seg->path, seg->file);
    if (s.ok()) break;
    if (s.code() != EEXIST) end_on_error(s, false);
  }
  seg->last_sync_mono = clock_.mono_ns();
  if (auto s = seg->file->append({init_}); !s.ok()) {
    // A file without a whole init is nobody's: remove it (recovery would quarantine it otherwise).
    if (auto c = seg->file->close(); !c.ok()) core::log_error("video: " + c.message());
    if (auto u = fs_.unlink(seg->path); !u.ok()) core::log_error("video: " + u.message());
    end_on_error(s, false);
  }
  seg->sha.update(init_);
  seg->bytes = init_.size();
  seg_ = std::move(seg);
}

void StreamWriter::flush_fragment(std::optional<int64_t> next_dts) {
  if (pending_.empty() || !seg_) return;
  std::vector<mp4::Sample> samples(pending_.size());
  for (size_t i = 0; i < pending_.size(); ++i) {
    int64_t next = i + 1 < pending_.size() ? pending_[i + 1].dts : next_dts.value_or(pending_[i].dts + last_duration_);
    auto& s = samples[i];
    s.duration = uint32_t(std::clamp<int64_t>(next - pending_[i].dts, 1, 10 * 90'000));
    s.size = uint32_t(pending_[i].avcc.size());
    s.key = pending_[i].key;
    s.cts_offset = int32_t(std::clamp<int64_t>(pending_[i].pts - pending_[i].dts, INT32_MIN, INT32_MAX));
    last_duration_ = s.duration;
  }
  std::string header = mp4::fragment_header(++seg_->fragment_seq, pending_.front().dts - seg_->first_dts,
                                            pending_.front().local_90k, samples);
  std::vector<std::string_view> parts{header};
  for (const auto& p : pending_) parts.push_back(p.avcc);
  if (auto s = seg_->file->append(parts); !s.ok()) fail(s, false);
  for (auto part : parts) seg_->sha.update(part);
  mp4::IndexedFragment frag;
  // moof size = header − prft − mdat header.
  frag.moof_size = uint32_t(header.size() - mp4::kPrftSize - 8);
  frag.samples = samples;
  uint64_t written = header.size();
  for (size_t i = 0; i < pending_.size(); ++i) {
    written += pending_[i].avcc.size();
    int64_t since_start = pending_[i].dts - seg_->first_dts;
    int64_t ls = pending_[i].local_90k - since_start;
    seg_->local_start = seg_->local_start ? std::min(*seg_->local_start, ls) : ls;
    seg_->media += samples[i].duration;
    seg_->frames++;
    seg_->keys += samples[i].key;
  }
  seg_->bytes += written;
  seg_->frags.push_back(std::move(frag));
  core::Metrics::global().inc("watchfloor_video_bytes_written_total",
                              core::label("camera", std::to_string(stream_.camera_id)), double(written));
  frames_total_ += int64_t(pending_.size());
  bytes_total_ += int64_t(written);
  pending_.clear();
  pending_bytes_ = 0;
  if (!seg_->start_90k || open_) {
    SegmentRow row = row_of(*seg_);
    seg_->start_90k = row.start_90k;
    if (open_) {
      row.sample_index = mp4::encode_sample_index(seg_->frags);
      open_->set(std::move(row));
    }
  }
  int64_t now = clock_.mono_ns();
  if (now - seg_->last_sync_mono >= opt_.sync_interval_s * 1'000'000'000) {
    if (auto s = seg_->file->fdatasync(); !s.ok()) {
      core::Metrics::global().inc("watchfloor_fsync_errors_total");
      fail(s, true);
    }
    seg_->last_sync_mono = now;
  }
}

void StreamWriter::fail(const Status& s, bool sync_failed) {
  pending_.clear();
  pending_bytes_ = 0;
  if (seg_) {
    if (sync_failed) {
      abandon_segment(s);
    } else if (auto cut = seg_->file->truncate(seg_->bytes); !cut.ok()) {
      // Cut the torn fragment off and keep what is complete (formats.md §5); a file that cannot
      // even be cut back is not indexed.
      abandon_segment(cut);
    } else if (auto closed = close_segment(); !closed.ok()) {
      core::log_error("video: cannot commit after a write error: " + closed.message());
    }
  }
  end_on_error(s, sync_failed);
}

void StreamWriter::end_on_error(const Status& s, bool sync_failed) {
  if (seg_) abandon_segment(s);
  std::string cause = s.disk_full() ? "disk_full" : "disk_error";
  index_.end_run(run_id_, prev_end_90k_, cause, cause);
  run_id_ = 0;
  throw DiskError(s, sync_failed);
}

void StreamWriter::abandon_segment(const Status& why) {
  auto seg = std::move(seg_);
  if (open_) open_->set(std::nullopt);
  if (auto c = seg->file->close(); !c.ok()) core::log_error("video: " + c.message());
  // Never indexed: the seq is skipped, so the file can only be quarantined, by us now or by the
  // next start-up when the rename fails too (invariants 2 and 3).
  index_.skip_seq(stream_.id, seg->seq);
  core::log_json({{"event", "video.segment_dropped"},
                  {"camera_id", stream_.camera_id},
                  {"stream", stream_.kind},
                  {"seq", seg->seq},
                  {"frames", seg->frames},
                  {"reason", why.message()}});
  core::Metrics::global().inc("watchfloor_video_segments_dropped_total");
  if (auto q = quarantine_file(index_, fs_, stream_, seg->path); !q.ok())
    core::log_error("video: cannot quarantine a dropped segment: " + q.message());
}

Status StreamWriter::close_segment() {
  if (!seg_) return {};
  // Instant replay reads the open segment until its row is committed (or the segment is dropped).
  struct Unpublish {
    OpenSegment* open;
    ~Unpublish() {
      if (open) open->set(std::nullopt);
    }
  } unpublish{open_.get()};
  if (seg_->frags.empty()) {
    // Nothing but the init: remove it. Left behind, recovery removes it (no complete fragment).
    auto seg = std::move(seg_);
    Status s = seg->file->close();
    if (s.ok()) s = fs_.unlink(seg->path);
    if (s.ok()) s = fs_.sync_dir(seg->path.parent_path());
    if (!s.ok()) core::log_error("video: cannot remove an empty segment: " + s.message());
    return {};
  }
  auto started = std::chrono::steady_clock::now();
  Status s = seg_->file->fsync();
  if (s.ok()) s = seg_->file->close();
  if (s.ok()) s = fs_.sync_dir(seg_->path.parent_path());
  if (!s.ok()) {
    core::Metrics::global().inc("watchfloor_fsync_errors_total");
    abandon_segment(s);
    return s;
  }
  auto seg = std::move(seg_);
  SegmentRow row = row_of(*seg);  // the start instant replay has used since the first fragment
  row.bytes = int64_t(seg->bytes);
  row.sha256_hex = seg->sha.hex();
  row.frames = seg->frames;
  row.keyframes = seg->keys;
  row.fragments = int64_t(seg->frags.size());
  row.sample_entry_id = sample_entry_id_;
  row.sample_index = mp4::encode_sample_index(seg->frags);
  index_.commit_segment(row);
  // Write latency as the disk shows it: fsync of file and directory plus the index commit.
  core::Metrics::global().observe("watchfloor_video_segment_commit_seconds", "",
                                  std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count());
  prev_end_90k_ = row.end_90k;
  ++run_index_;
  ++committed_;
  return {};
}

SegmentRow StreamWriter::row_of(const Open& seg) {
  SegmentRow row;
  row.stream_id = stream_.id;
  row.camera_id = stream_.camera_id;
  row.seq = seg.seq;
  row.sample_dir_id = stream_.sample_dir_id;
  row.open_id = index_.open_id();
  row.run_id = run_id_;
  row.run_index = run_index_;
  row.media_duration_90k = seg.media;
  row.sample_entry_id = sample_entry_id_;
  row.bytes = int64_t(seg.bytes);
  row.frames = seg.frames;
  int64_t local_start = seg.local_start.value_or(0);
  if (run_index_ == 0 || !prev_end_90k_) {
    // Placed once, at the segment's first fragment, so that instant replay asked twice for the
    // same span of the open segment gets the same frames, and the committed row agrees with it.
    if (seg.start_90k) {
      row.start_90k = *seg.start_90k;
    } else {
      row.start_90k = local_start;
      if (auto last = index_.last_end_90k(stream_.id); last && row.start_90k < *last) row.start_90k = *last;
    }
    row.end_90k = row.start_90k + seg.media;
  } else {
    row.start_90k = *prev_end_90k_;
    int64_t slew = std::clamp(local_start - row.start_90k, -seg.media / 2000, seg.media / 2000);
    row.end_90k = row.start_90k + seg.media + slew;
  }
  row.local_start_delta_90k = local_start - row.start_90k;
  return row;
}

void StreamWriter::end_run(const std::string& reason, const std::string& cause) {
  if (!run_id_) return;
  try {
    flush_fragment(std::nullopt);
    if (auto s = close_segment(); !s.ok()) end_on_error(s, true);
  } catch (const DiskError&) {
    throw;  // the run is ended already
  } catch (const std::exception&) {
    index_.end_run(run_id_, prev_end_90k_, reason, cause);
    run_id_ = 0;
    throw;
  }
  index_.end_run(run_id_, prev_end_90k_, reason, cause);
  run_id_ = 0;
}

}  // namespace watchfloor::video
