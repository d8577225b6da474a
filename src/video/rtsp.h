#pragma once
// Receiving a camera's RTSP stream without decoding: our own RTSP 1.0 client, RTP interleaved over
// one TCP connection (rtp.h holds the protocol pieces). Why not libavformat: docs/formats.md §6.
// Failures come back as a reason in Vietnamese and English with a stable code; credentials never
// appear in any message.
#include <atomic>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "video/h264.h"
#include "video/mp4.h"

namespace watchfloor::video {

struct RtspFailure {
  std::string code;  // unauthorized | not_found | refused | timeout | unreachable | no_video | unsupported_codec |
                     // bad_stream | stopped
  std::string vi, en;
};

struct RtspOptions {
  int timeout_ms = 10'000;  // no packet for this long: the session is over
  std::optional<std::pair<std::string, std::string>> credentials;
};

struct RtspPacket {
  h264::AccessUnit au;  // length-prefixed NAL units, as an MP4 sample holds them
  int64_t dts_90k = 0, pts_90k = 0;
  bool key = false;
};

class RtspSession {
 public:
  // Connects and reads the session description. nullptr and `failure` set when it cannot.
  static std::unique_ptr<RtspSession> open(const std::string& url, const RtspOptions& opt,
                                           const std::atomic<bool>* stop, RtspFailure& failure);
  ~RtspSession();
  RtspSession(const RtspSession&) = delete;
  RtspSession& operator=(const RtspSession&) = delete;

  const mp4::SampleEntry& entry() const;
  double nominal_fps() const;  // from the SDP or the SPS, 0 when unknown
  int64_t lost_packets() const;  // RTP sequence gaps seen (the camera dropped them; TCP does not)
  // The next video packet; false when the session ended (failure set).
  bool read(RtspPacket& out, RtspFailure& failure);

 private:
  struct Impl;
  explicit RtspSession(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

struct ProbeResult {
  bool ok = false;
  std::string codec;
  int width = 0, height = 0;
  double fps = 0, kbps = 0;
  RtspFailure failure;
};
// "Test connection": opens the stream, reads about `seconds` of packets, reports what it saw.
ProbeResult probe(const std::string& url, const RtspOptions& opt, double seconds = 3.0);

}  // namespace watchfloor::video
