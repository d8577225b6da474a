#pragma once
// Live view (docs/formats.md §11): the frames of one camera stream fanned out from the recorder's
// ingest to every viewer, so a camera has one RTSP session however many people watch it. Each frame
// is one small fMP4 fragment (prft+moof+mdat) built once and shared; the current GOP is kept so a
// new viewer starts at the latest keyframe at once; a viewer that falls behind skips to the next
// keyframe instead of growing server memory. Plain code: no sockets here (LiveViewer is the seam).
#include <nlohmann/json.hpp>

#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "video/mp4.h"

namespace watchfloor::video {

// One viewer as the fan-out sees it. Called with the stream's lock held, on the ingest thread or
// the viewer's own: implementations only queue, never block.
class LiveViewer {
 public:
  virtual ~LiveViewer() = default;
  virtual void text(const std::string& json) = 0;
  virtual void media(const std::shared_ptr<const std::string>& bytes) = 0;  // an init segment or a fragment
  virtual size_t backlog_bytes() const = 0;                                 // queued, not yet sent
};

struct LiveOptions {
  // A viewer with more than this queued skips to the next keyframe (and is told how many frames it
  // lost); it resumes there once under half of it. The GOP handed to a new viewer is kept only up
  // to this size too: beyond, it starts at the next keyframe.
  size_t max_backlog_bytes = 2u << 20;
};

class LiveStream {
 public:
  explicit LiveStream(LiveOptions opt = {}) : opt_(opt) {}
  LiveStream(const LiveStream&) = delete;
  LiveStream& operator=(const LiveStream&) = delete;

  // The stream's state as a viewer sees it ({"type":"state",…}); sent now and to every new viewer.
  void state(const nlohmann::json& msg);
  // A new run of frames with this codec configuration: every viewer gets {"type":"init",…} and
  // the init segment, then fragments from the next keyframe.
  void begin(const mp4::SampleEntry& e);
  // One access unit in MP4 form (length-prefixed NAL units); times in 90 kHz; `wall_ms` is when it
  // arrived (the fragment's prft, from which the console measures its latency).
  void frame(std::string_view sample, int64_t dts_90k, int64_t pts_90k, bool key, int64_t wall_ms);
  // The run ended (camera gone, codec change): the kept GOP is dropped.
  void end();

  void add(std::shared_ptr<LiveViewer> v);
  void remove(const LiveViewer* v);
  size_t viewers() const;

  // For tests and metrics.
  int64_t fragments_built() const;
  size_t gop_bytes() const;

 private:
  struct Seat {
    std::shared_ptr<LiveViewer> viewer;
    bool waiting_key = false;  // skipping: resumes at a keyframe
    int64_t skipped = 0;
  };
  void start_viewer(Seat& s);  // init + the kept GOP, or wait for the next keyframe
  void deliver(Seat& s, const std::shared_ptr<const std::string>& frag, bool key);

  LiveOptions opt_;
  mutable std::mutex mu_;
  std::vector<Seat> seats_;
  std::string state_ = R"({"type":"state","state":"starting","since":null,"reason":null})";
  std::optional<mp4::SampleEntry> entry_;
  std::shared_ptr<const std::string> init_;
  std::string init_msg_;
  std::vector<std::shared_ptr<const std::string>> gop_;  // from the latest keyframe; empty: none kept
  size_t gop_bytes_ = 0;
  std::optional<int64_t> last_tfdt_, last_dts_;  // of the latest fragment
  uint32_t last_duration_ = 3000;
  uint32_t sequence_ = 0;
  int64_t built_ = 0;
};

}  // namespace watchfloor::video
