#pragma once
// Decode times for a stream whose transport carries presentation times only (RTP, RFC 3550/6184/
// 7798): frames arrive in decode order, each with its presentation time. With B-frames those times
// go back and forth, and an MP4 sample needs both (decode time for stts/tfdt and trun, the
// difference as its composition offset, docs/formats.md §2). Plain data in, data out; no clock.
//
// With a reorder depth D (at most D frames precede a frame in decode order yet follow it in
// presentation), the decode time of a frame is the (D+1)-th largest presentation time seen so far,
// including its own: never after its presentation time (D frames at most are later), strictly
// increasing (each new frame either raises that rank or would be a (D+1)-th later frame), and, for
// a stream without B-frames (D = 0), its own presentation time. The first D frames have no such
// rank yet: they get D nominal frame durations before the first frame's presentation time.
#include <cstdint>
#include <deque>
#include <vector>

namespace watchfloor::video {

class DecodeTimes {
 public:
  static constexpr int kMaxReorder = 16;  // the DPB's size: no codec reorders more
  // `reorder`: from the SPS (h264::SpsInfo, h265::SpsInfo), or -1 when it does not say — then 0 until
  // the stream proves more. `frame_90k`: the nominal frame duration (1/fps), > 0.
  DecodeTimes(int reorder, int64_t frame_90k);

  struct Times {
    int64_t dts = 0, pts = 0;
    // This frame's decode time is not after the previous one's: the stream jumped back in time,
    // or reordered deeper than its SPS said (the depth is raised from now on). The writer ends the
    // run here and starts the next at a keyframe (formats.md §3), so nothing is stored out of order.
    bool discontinuity = false;
  };
  // The next frame in decode order, with its presentation time on the 90 kHz clock.
  Times next(int64_t pts_90k);
  int reorder() const { return depth_; }

 private:
  void restart(int64_t pts_90k);
  int depth_;
  int64_t frame_;
  std::deque<int64_t> recent_;  // presentation times of the latest frames, in decode order (and seeds)
  std::vector<int64_t> scratch_;
  bool started_ = false;
  int64_t last_dts_ = 0;
  bool have_last_ = false;
};

}  // namespace watchfloor::video
