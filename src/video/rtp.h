#pragma once
// The protocol pieces of our RTSP client (RFC 2326 RTSP 1.0, RFC 4566 SDP, RFC 3550 RTP, RFC 6184
// H.264 payload, RFC 7798 H.265 payload, RFC 2617 Digest), as plain functions over bytes: no sockets, no clock. rtsp.cpp
// drives them over one TCP connection; tests/fuzz feeds them whatever a camera could send.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "video/codec.h"
#include "video/h264.h"

namespace watchfloor::video::rtsp {

struct Url {
  std::string host;
  uint16_t port = 554;
  bool port_given = false;     // the authority names a port (rtsps:// defaults differ)
  std::string user, password;  // from user:pass@ in the URL, percent-decoded (the API refuses them; tools may not)
  std::string url;             // the URL without user:pass@, as sent in requests
};
// rtsp://host[:port]/path; nullopt for any other scheme or a malformed authority.
std::optional<Url> parse_url(std::string_view text);
// An SDP a=control value against the base URL (Content-Base, Content-Location or the request URL).
std::string resolve_control(std::string_view base, std::string_view control);

// One RTSP message: a response, or a request the camera sent us (status 0).
struct Message {
  int status = 0;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  // The first header of that name (case-insensitive), or nullopt.
  std::optional<std::string_view> header(std::string_view name) const;
};
enum class ParseResult { incomplete, ok, bad };
inline constexpr size_t kMaxMessage = 64 * 1024;  // head and body; a camera's SDP is a few hundred bytes
// Parses the message at the start of `buf`; on ok, `consumed` is its length with the body.
ParseResult parse_message(std::string_view buf, Message& out, size_t& consumed);

// WWW-Authenticate: Digest (preferred) or Basic.
struct Challenge {
  bool digest = false;
  std::string realm, nonce, opaque, algorithm;
  bool qop_auth = false;
};
std::optional<Challenge> parse_challenge(const Message& m);
// The Authorization header value for one request.
std::string authorization(const Challenge& c, std::string_view user, std::string_view password,
                          std::string_view method, std::string_view uri, uint32_t nc, std::string_view cnonce);

// What we need from the session description: the first video medium.
struct SdpVideo {
  int payload = -1;
  std::string encoding;  // "H264", "H265", "JPEG", … as a=rtpmap names it (upper case)
  uint32_t clock_rate = 90'000;
  std::string control;   // a=control of the medium (may be relative)
  std::string sprop;     // fmtp sprop-parameter-sets (base64, comma-separated)
  std::string sprop_vps, sprop_sps, sprop_pps;  // H.265 fmtp (RFC 7798 §7.1)
  int max_don_diff = 0;  // H.265 sprop-max-don-diff: > 0 means DONL fields, which we do not take
  double framerate = 0;  // a=framerate, 0 when absent
};
struct Sdp {
  std::optional<SdpVideo> video;
  int media = 0;  // m= lines of any type
  std::string session_control;
};
Sdp parse_sdp(std::string_view text);
// SPS and PPS from sprop-parameter-sets; nullopt when either is missing or not base64.
std::optional<h264::ParameterSets> sprop_parameter_sets(std::string_view sprop);
// VPS, SPS and PPS from H.265's sprop-vps, sprop-sps and sprop-pps (the first of each); nullopt when
// one is missing, not base64 or not of its type.
std::optional<h264::ParameterSets> sprop_h265(const SdpVideo& v);

struct RtpPacket {
  uint8_t payload_type = 0;
  bool marker = false;
  uint16_t seq = 0;
  uint32_t timestamp = 0;
  std::string_view payload;
};
// RTP fixed header, CSRCs, extension and padding handled; nullopt when malformed.
std::optional<RtpPacket> parse_rtp(std::string_view data);

// Reassembles access units from RTP packets. H.264 (RFC 6184): single NAL units, STAP-A, FU-A, in
// non-interleaved mode, which is what cameras send. H.265 (RFC 7798): single NAL units, aggregation
// packets (type 48) and fragmentation units (type 49), without DONL (sprop-max-don-diff 0). An
// access unit ends at the marker bit or when the timestamp changes. A sequence number gap marks the
// access unit in progress damaged.
class Depacketizer {
 public:
  explicit Depacketizer(VideoCodec codec = VideoCodec::h264) : hevc_(codec == VideoCodec::h265) {}
  struct Unit {
    h264::AccessUnit au;  // length-prefixed NAL units, AUD and filler dropped; idr (IRAP), parameter sets found
    uint32_t timestamp = 0;
    bool damaged = false;  // a packet of it was lost, or it held a NAL type we cannot take
  };
  // Feeds one packet; completed units are appended to `out` (0, 1 or 2 of them).
  void push(const RtpPacket& p, std::vector<Unit>& out);
  int64_t lost_packets() const { return lost_; }

 private:
  bool note(std::string_view nal);  // records idr/sps/pps; false when the NAL is not stored
  void add_nal(std::string_view nal);
  void finish(std::vector<Unit>& out);
  void abort_fu();

  Unit cur_;
  bool active_ = false;         // cur_ holds something
  size_t fu_start_ = 0;         // offset of the length prefix of the FU-A NAL being built
  bool in_fu_ = false;
  std::optional<uint16_t> last_seq_;
  int64_t lost_ = 0;
  bool hevc_ = false;
};
using H264Depacketizer = Depacketizer;

}  // namespace watchfloor::video::rtsp
