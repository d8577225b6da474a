// fuzz_rtp (docs/formats.md §10): RTP packets as a camera sends them over the RTSP connection —
// parse_rtp, the H.264 depacketizer (single NAL units, STAP-A, FU-A, loss), the H.265 one (single
// NAL units, AP, FU, PACI, loss; RFC 7798) and h264::parse_sps / h265::parse_sps.
//
// Input: a sequence of records, each a 2-byte big-endian length followed by that many bytes of one
// RTP packet (the RTSP interleaved frame without its '$' and channel byte); a last record cut short
// holds the bytes that are left. Each packet is copied into a buffer of exactly its size (so ASan sees
// a read past its end) and parsed; those that parse are fed, in order, to one H.264 and one H.265
// Depacketizer. At the end a packet with the next sequence number and a new timestamp flushes the
// unit in progress.
//
// Properties, not only "no crash":
//  - parse_rtp: rejects version ≠ 2 and packets under 12 bytes; on ok the header fields are the
//    packet's bytes and the payload lies inside the packet, after the fixed header and the CSRCs.
//  - every unit: au.avcc is valid 4-byte-length-prefixed NAL units (h264::split_avcc succeeds; empty
//    only when the unit is damaged); no AUD (9), filler (12), type 0 or ≥ 24 NAL in it; au.idr iff an
//    IDR (5) NAL is in it; au.sps / au.pps are the first SPS / PPS NAL in it (of a size avcC can hold);
//    its timestamp is one a fed packet carried; at most 2 units per packet. H.265 alike, with its types:
//    no AUD (35), filler (38) or type ≥ 48; au.idr iff an IRAP (16–21); vps / sps / pps the first of
//    types 32 / 33 / 34.
//  - lost_packets() never decreases, and grows only on a sequence number gap.
//  - h264::parse_sps on every payload and every unit's SPS: when it returns a value, width and height
//    are in 1..16384 and fps is 0 or in (0, 1000].
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "fuzz_check.h"
#include "fuzz_sps.h"
#include "video/h264.h"
#include "video/h265.h"
#include "video/rtp.h"

namespace h264 = watchfloor::video::h264;
namespace h265 = watchfloor::video::h265;
namespace rtsp = watchfloor::video::rtsp;
using watchfloor::video::VideoCodec;

namespace {

uint32_t be32(const std::vector<char>& d, size_t at) {
  return (uint32_t(uint8_t(d[at])) << 24) | (uint32_t(uint8_t(d[at + 1])) << 16) | (uint32_t(uint8_t(d[at + 2])) << 8) |
         uint32_t(uint8_t(d[at + 3]));
}

void check_packet(const std::vector<char>& d, const std::optional<rtsp::RtpPacket>& p) {
  if (d.size() < 12 || (uint8_t(d[0]) >> 6) != 2) {
    FUZZ_CHECK(!p);
    return;
  }
  if (!p) return;
  FUZZ_CHECK(p->payload_type == (uint8_t(d[1]) & 0x7f));
  FUZZ_CHECK(p->marker == bool(uint8_t(d[1]) & 0x80));
  FUZZ_CHECK(p->seq == ((uint8_t(d[2]) << 8) | uint8_t(d[3])));
  FUZZ_CHECK(p->timestamp == be32(d, 4));
  size_t header = 12 + 4 * size_t(uint8_t(d[0]) & 0x0f);
  FUZZ_CHECK(p->payload.data() >= d.data() + header);
  FUZZ_CHECK(p->payload.data() + p->payload.size() <= d.data() + d.size());
}

void check_h265_unit(const rtsp::Depacketizer::Unit& u) {
  const auto& au = u.au;
  auto nals = h264::split_avcc(au.avcc);
  FUZZ_CHECK(nals && !nals->empty());
  bool irap = false;
  std::optional<std::string_view> vps, sps, pps;
  for (auto n : *nals) {
    auto t = h265::nal_type(n);
    FUZZ_CHECK(n.size() >= 2 && t != h265::kAud && t != h265::kFiller && t < h265::kAggregation);
    irap |= h265::is_irap(t);
    if (n.size() > h264::kMaxParameterSet) continue;
    if (t == h265::kVps && !vps) vps = n;
    if (t == h265::kSps && !sps) sps = n;
    if (t == h265::kPps && !pps) pps = n;
  }
  FUZZ_CHECK(au.idr == irap);
  FUZZ_CHECK(au.vps.has_value() == vps.has_value() && (!vps || *au.vps == *vps));
  FUZZ_CHECK(au.sps.has_value() == sps.has_value() && (!sps || *au.sps == *sps));
  FUZZ_CHECK(au.pps.has_value() == pps.has_value() && (!pps || *au.pps == *pps));
  if (au.sps) check_h265_sps(*au.sps);
}

void check_unit(const rtsp::Depacketizer::Unit& u, const std::set<uint32_t>& timestamps, bool hevc) {
  FUZZ_CHECK(timestamps.count(u.timestamp) == 1);
  const auto& au = u.au;
  if (au.avcc.empty()) {
    FUZZ_CHECK(u.damaged);
    FUZZ_CHECK(!au.idr && !au.vps && !au.sps && !au.pps);
    return;
  }
  if (hevc) return check_h265_unit(u);
  auto nals = h264::split_avcc(au.avcc);
  FUZZ_CHECK(nals && !nals->empty());
  bool idr = false;
  std::optional<std::string_view> sps, pps;
  for (auto n : *nals) {
    auto t = h264::nal_type(n);
    FUZZ_CHECK(t != h264::kAud && t != h264::kFiller);
    FUZZ_CHECK(t != 0 && t < 24);
    idr |= t == h264::kIdr;
    if (t == h264::kSps && !sps && n.size() <= h264::kMaxParameterSet) sps = n;
    if (t == h264::kPps && !pps && n.size() <= h264::kMaxParameterSet) pps = n;
  }
  FUZZ_CHECK(au.idr == idr);
  FUZZ_CHECK(au.sps.has_value() == sps.has_value() && (!sps || *au.sps == *sps));
  FUZZ_CHECK(au.pps.has_value() == pps.has_value() && (!pps || *au.pps == *pps));
  if (au.sps) check_sps(*au.sps);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  rtsp::Depacketizer depack[2] = {rtsp::Depacketizer(VideoCodec::h264), rtsp::Depacketizer(VideoCodec::h265)};
  std::vector<rtsp::Depacketizer::Unit> units[2];
  std::set<uint32_t> timestamps;
  int64_t lost = 0;
  std::optional<rtsp::RtpPacket> last;  // the last packet fed (its views are not used after its buffer goes)

  auto feed = [&](const rtsp::RtpPacket& p) {
    std::optional<uint16_t> prev_seq;
    if (last) prev_seq = last->seq;
    timestamps.insert(p.timestamp);
    for (int k = 0; k < 2; ++k) {
      size_t before = units[k].size();
      depack[k].push(p, units[k]);
      FUZZ_CHECK(units[k].size() - before <= 2);
      for (size_t i = before; i < units[k].size(); ++i) check_unit(units[k][i], timestamps, k == 1);
    }
    int64_t now = depack[0].lost_packets();
    FUZZ_CHECK(now == depack[1].lost_packets());
    FUZZ_CHECK(now >= lost);
    if (!prev_seq || uint16_t(*prev_seq + 1) == p.seq) FUZZ_CHECK(now == lost);
    lost = now;
    last = p;
    last->payload = {};
  };

  size_t at = 0;
  while (at < size) {
    size_t n = size - at < 2 ? 0 : (size_t(data[at]) << 8) | data[at + 1];
    at += size - at < 2 ? size - at : 2;
    n = std::min(n, size - at);
    std::vector<char> pkt(data + at, data + at + n);  // exactly n bytes on the heap
    at += n;
    auto p = rtsp::parse_rtp(std::string_view(pkt.data(), pkt.size()));
    check_packet(pkt, p);
    if (!p) continue;
    check_sps(p->payload);
    check_h265_sps(p->payload);
    feed(*p);
  }
  // Flush: the next packet, a new timestamp, an AUD with the marker.
  if (last) {
    static const char kAudNal[] = {0x09, char(0xf0)};
    rtsp::RtpPacket end;
    end.payload_type = last->payload_type;
    end.marker = true;
    end.seq = uint16_t(last->seq + 1);
    end.timestamp = last->timestamp + 3000;
    end.payload = std::string_view(kAudNal, sizeof kAudNal);
    feed(end);
  }
  return 0;
}
