#include "video/live.h"

#include <algorithm>

namespace watchfloor::video {

using nlohmann::json;

void LiveStream::state(const json& msg) {
  std::lock_guard lock(mu_);
  state_ = msg.dump();
  for (auto& s : seats_) s.viewer->text(state_);
}

void LiveStream::begin(const mp4::SampleEntry& e) {
  std::lock_guard lock(mu_);
  entry_ = e;
  init_ = std::make_shared<const std::string>(mp4::make_init(e));
  init_msg_ = json{{"type", "init"}, {"codec", e.codec}, {"width", e.width}, {"height", e.height}}.dump();
  gop_.clear();
  gop_bytes_ = 0;
  last_tfdt_.reset();
  last_dts_.reset();
  for (auto& s : seats_) {
    s.viewer->text(init_msg_);
    s.viewer->media(init_);
    s.waiting_key = true;
    s.skipped = 0;
  }
}

void LiveStream::end() {
  std::lock_guard lock(mu_);
  entry_.reset();
  init_.reset();
  gop_.clear();
  gop_bytes_ = 0;
}

void LiveStream::frame(std::string_view sample, int64_t dts_90k, int64_t pts_90k, bool key, int64_t wall_ms) {
  std::lock_guard lock(mu_);
  if (!init_ || sample.empty()) return;
  // Decode times continue across a camera's timestamp jump, so a viewer's buffer stays one range.
  int64_t tfdt = 0;
  if (last_dts_) {
    int64_t step = dts_90k - *last_dts_;
    if (step > 0 && step < 10 * 90'000) last_duration_ = uint32_t(step);
    tfdt = *last_tfdt_ + last_duration_;
  }
  last_tfdt_ = tfdt;
  last_dts_ = dts_90k;
  mp4::Sample s;
  s.duration = last_duration_;  // the next frame's time is not known yet: the last interval
  s.size = uint32_t(sample.size());
  s.key = key;
  s.cts_offset = int32_t(std::clamp<int64_t>(pts_90k - dts_90k, 0, 10 * 90'000));
  auto frag = std::make_shared<std::string>(mp4::fragment_header(++sequence_, tfdt, wall_ms * 90, {s}));
  frag->append(sample);
  std::shared_ptr<const std::string> shared = std::move(frag);
  ++built_;
  if (key) {
    gop_.clear();
    gop_bytes_ = 0;
  }
  if ((key || !gop_.empty()) && gop_bytes_ + shared->size() <= opt_.max_backlog_bytes) {
    gop_.push_back(shared);
    gop_bytes_ += shared->size();
  } else {
    gop_.clear();  // too big to hand to a new viewer: it starts at the next keyframe
    gop_bytes_ = 0;
  }
  for (auto& seat : seats_) deliver(seat, shared, key);
}

void LiveStream::deliver(Seat& s, const std::shared_ptr<const std::string>& frag, bool key) {
  size_t backlog = s.viewer->backlog_bytes();
  if (!s.waiting_key && backlog > opt_.max_backlog_bytes) s.waiting_key = true;
  if (s.waiting_key) {
    if (!key || backlog > opt_.max_backlog_bytes / 2) {
      ++s.skipped;
      return;
    }
    s.waiting_key = false;
    if (s.skipped) s.viewer->text(json{{"type", "skipped"}, {"frames", s.skipped}}.dump());
    s.skipped = 0;
  }
  s.viewer->media(frag);
}

void LiveStream::start_viewer(Seat& s) {
  s.viewer->text(state_);
  if (!init_) return;  // not streaming: the init comes with the next run
  s.viewer->text(init_msg_);
  s.viewer->media(init_);
  if (gop_.empty()) {
    s.waiting_key = true;
    return;
  }
  for (const auto& f : gop_) s.viewer->media(f);
}

void LiveStream::add(std::shared_ptr<LiveViewer> v) {
  std::lock_guard lock(mu_);
  seats_.push_back({std::move(v)});
  start_viewer(seats_.back());
}

void LiveStream::remove(const LiveViewer* v) {
  std::lock_guard lock(mu_);
  std::erase_if(seats_, [&](const Seat& s) { return s.viewer.get() == v; });
}

size_t LiveStream::viewers() const {
  std::lock_guard lock(mu_);
  return seats_.size();
}

int64_t LiveStream::fragments_built() const {
  std::lock_guard lock(mu_);
  return built_;
}

size_t LiveStream::gop_bytes() const {
  std::lock_guard lock(mu_);
  return gop_bytes_;
}

}  // namespace watchfloor::video
