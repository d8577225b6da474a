#pragma once
// Receiving a camera's RTSP stream (libavformat, RTSP over TCP), without decoding. The only place
// that includes FFmpeg headers besides the snapshot encoder. Failures come back as a reason in
// Vietnamese and English with a stable code; the URL's credentials never appear in any message.
#include <atomic>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

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
  std::string_view data;  // valid until the next read
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
  double nominal_fps() const;  // from the SDP or the stream, 0 when unknown
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

// The URL with user and password inserted (percent-encoded), for libavformat only.
std::string url_with_credentials(const std::string& url,
                                 const std::optional<std::pair<std::string, std::string>>& cred);

}  // namespace watchfloor::video
