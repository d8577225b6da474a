#include "video/writer.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <sys/uio.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <system_error>

#include "core/hash.h"
#include "core/log.h"
#include "core/metrics.h"
#include "core/private_files.h"
#include "video/fsync.h"

namespace watchfloor::video {

namespace fs = std::filesystem;

struct StreamWriter::Open {
  int fd = -1;
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

StreamWriter::StreamWriter(Index& index, const core::Clock& clock, StreamRow stream, WriterOptions opt)
    : index_(index), clock_(clock), stream_(std::move(stream)), opt_(opt), next_seq_(stream_.next_seq) {}

StreamWriter::~StreamWriter() {
  if (seg_ && seg_->fd >= 0) ::close(seg_->fd);
}

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
    close_segment();
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
  if (!fs::exists(dir)) {
    core::create_private_directories(dir);
    fsync_dir(dir.parent_path().parent_path());
    fsync_dir(dir.parent_path());
  }
  auto seg = std::make_unique<Open>();
  for (;;) {
    seg->seq = next_seq_++;
    seg->path = index_.segment_path(stream_, seg->seq);
    seg->fd = ::open(seg->path.c_str(), O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC, 0600);
    if (seg->fd >= 0) break;
    if (errno != EEXIST) throw std::system_error(errno, std::generic_category(), "create " + seg->path.string());
  }
  seg->last_sync_mono = clock_.mono_ns();
  seg_ = std::move(seg);
  if (!write_all(seg_->fd, {init_})) {
    int err = errno;
    ::close(seg_->fd);
    ::unlink(seg_->path.c_str());
    seg_.reset();
    throw std::system_error(err, std::generic_category(), "write");
  }
  seg_->sha.update(init_);
  seg_->bytes = init_.size();
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
  if (!write_all(seg_->fd, parts)) return fail(errno);
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
    ::fdatasync(seg_->fd);
    seg_->last_sync_mono = now;
  }
}

void StreamWriter::fail(int err) {
  // Cut the torn fragment off, keep what is complete, end the run (formats.md §5).
  if (::ftruncate(seg_->fd, off_t(seg_->bytes)) != 0) core::log_error("video: cannot cut back " + seg_->path.string());
  pending_.clear();
  pending_bytes_ = 0;
  std::string cause = err == ENOSPC || err == EDQUOT ? "disk_full" : "disk_error";
  try {
    close_segment();
  } catch (const std::exception& e) {
    core::log_error(std::string("video: cannot commit after a write error: ") + e.what());
  }
  index_.end_run(run_id_, prev_end_90k_, cause, cause);
  run_id_ = 0;
  throw std::system_error(err, std::generic_category(), "write " + stream_dir_label());
}

void StreamWriter::close_segment() {
  if (!seg_) return;
  auto seg = std::move(seg_);
  // Instant replay reads the open segment until its row is committed (or the segment is dropped).
  struct Unpublish {
    OpenSegment* open;
    ~Unpublish() {
      if (open) open->set(std::nullopt);
    }
  } unpublish{open_.get()};
  if (seg->frags.empty()) {
    ::close(seg->fd);
    ::unlink(seg->path.c_str());
    fsync_dir(seg->path.parent_path());
    return;
  }
  auto started = std::chrono::steady_clock::now();
  int rc = ::fsync(seg->fd);
  ::close(seg->fd);
  if (rc != 0) throw std::system_error(errno, std::generic_category(), "fsync " + seg->path.string());
  fsync_dir(seg->path.parent_path());

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
    close_segment();
  } catch (...) {
    index_.end_run(run_id_, prev_end_90k_, reason, cause);
    run_id_ = 0;
    throw;
  }
  index_.end_run(run_id_, prev_end_90k_, reason, cause);
  run_id_ = 0;
}

std::string StreamWriter::stream_dir_label() const {
  return fmt::format("camera {} {}", stream_.camera_id, stream_.kind);
}

}  // namespace watchfloor::video
