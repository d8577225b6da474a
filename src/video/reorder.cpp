#include "video/reorder.h"

#include <algorithm>
#include <vector>

namespace watchfloor::video {

namespace {
// Enough frames to hold the D+1 largest presentation times of a stream that reorders at most
// kMaxReorder frames, with room for frames whose times are not increasing at all.
constexpr size_t kWindow = 2 * DecodeTimes::kMaxReorder + 2;
}  // namespace

DecodeTimes::DecodeTimes(int reorder, int64_t frame_90k)
    : depth_(std::clamp(reorder, 0, kMaxReorder)), frame_(std::max<int64_t>(frame_90k, 1)) {}

void DecodeTimes::restart(int64_t pts) {
  recent_.clear();
  for (int k = depth_; k >= 1; --k) recent_.push_back(pts - k * frame_);
  started_ = true;
}

DecodeTimes::Times DecodeTimes::next(int64_t pts) {
  Times t;
  // More than a second before the last decode time: the camera restarted its clock. Start again.
  if (!started_ || pts < last_dts_ - 90'000) {
    bool jumped = started_;
    restart(pts);
    t.discontinuity = jumped;
  }
  // Frames before this one in decode order that present after it: more than the depth allows means
  // the SPS understated it (or said nothing); the depth grows to what the stream shows.
  int later = int(std::count_if(recent_.begin(), recent_.end(), [&](int64_t p) { return p > pts; }));
  if (later > depth_) {
    depth_ = std::min(later, kMaxReorder);
    t.discontinuity = true;
  }
  recent_.push_back(pts);
  while (recent_.size() > kWindow) recent_.pop_front();
  scratch_.assign(recent_.begin(), recent_.end());
  size_t rank = std::min(size_t(depth_), scratch_.size() - 1);
  std::nth_element(scratch_.begin(), scratch_.begin() + long(rank), scratch_.end(), std::greater<>());
  t.dts = scratch_[rank];
  if (have_last_ && !t.discontinuity && t.dts <= last_dts_) {
    // Two frames with one presentation time (a camera's rounding): keep decode order strict.
    t.dts = last_dts_ + 1;
  }
  t.pts = std::max(pts, t.dts);
  last_dts_ = t.dts;
  have_last_ = true;
  return t;
}

}  // namespace watchfloor::video
