// Writes the seed corpora of tests/fuzz/corpus/ from a short real H.264 elementary stream, laid out
// exactly as the recorder writes it (video::mp4::make_init, fragment_header, length-prefixed samples;
// see src/video/writer.cpp). Built only on request:
//
//   ffmpeg -f lavfi -i testsrc=size=64x48:rate=10 -frames:v 10 -pix_fmt yuv420p -c:v libx264 -preset veryfast
//     -x264-params keyint=5:min-keyint=5:scenecut=0:bframes=0:aud=1 -bsf:v h264_mp4toannexb -f h264 /tmp/clip.h264   (one command)
//   cmake --build BUILD --target fuzz_make_seeds && BUILD/tests/fuzz/fuzz_make_seeds /tmp/clip.h264 tests/fuzz/corpus
//
// The stream must carry AUD NAL units (aud=1): they mark where one access unit ends.
//
// fuzz_rtsp and fuzz_rtp get hand-written camera answers (GStreamer's rtsp-server, a Hikvision-style
// camera, Digest and Basic challenges, a redirect, audio-only and H.265 sessions) and RTP packet
// sequences built from the clip's access units and from SPSs of real cameras and encoders.
#include <sodium.h>

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "video/h264.h"
#include "video/mp4.h"

namespace fs = std::filesystem;
namespace h264 = watchfloor::video::h264;
namespace mp4 = watchfloor::video::mp4;

namespace {

fs::path out_root;

void put(const std::string& target, const std::string& name, std::string_view bytes) {
  auto dir = out_root / target;
  fs::create_directories(dir);
  std::ofstream(dir / name, std::ios::binary).write(bytes.data(), std::streamsize(bytes.size()));
  std::printf("%s/%s %zu\n", target.c_str(), name.c_str(), bytes.size());
}

struct Au {
  std::string annexb;  // as the camera sends it
  h264::AccessUnit sample;
};

// One segment: init + fragments of `gop` access units each, like StreamWriter::flush_fragment.
std::string segment(const mp4::SampleEntry& e, const std::vector<Au>& aus, size_t gop, bool cts, std::vector<mp4::IndexedFragment>* index) {
  std::string out = mp4::make_init(e);
  uint32_t seq = 0;
  const int64_t wall0 = int64_t(1'767'225'600) * mp4::kTimescale;  // 2026-01-01T00:00:00Z
  for (size_t at = 0; at < aus.size(); at += gop) {
    std::vector<mp4::Sample> samples;
    std::string payload;
    for (size_t i = at; i < aus.size() && i < at + gop; ++i) {
      mp4::Sample s;
      s.duration = 9000;
      s.size = uint32_t(aus[i].sample.avcc.size());
      s.key = aus[i].sample.idr;
      s.cts_offset = cts ? int32_t(i % 3) * 9000 - 9000 : 0;  // one negative, so trun version 1 matters
      samples.push_back(s);
      payload += aus[i].sample.avcc;
    }
    int64_t dts = int64_t(at) * 9000;
    auto header = mp4::fragment_header(++seq, dts, wall0 + dts + 1234, samples);
    if (index) index->push_back({uint32_t(header.size() - mp4::kPrftSize - 8), samples});
    out += header;
    out += payload;
  }
  return out;
}

std::string be64(uint64_t v) {
  std::string s;
  for (int i = 7; i >= 0; --i) s.push_back(char(v >> (8 * i)));
  return s;
}

std::string from_hex(std::string_view hex) {
  std::string out;
  for (size_t i = 0; i + 1 < hex.size(); i += 2)
    out.push_back(char(std::stoi(std::string(hex.substr(i, 2)), nullptr, 16)));
  return out;
}

std::string to_hex(std::string_view bin) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  for (char c : bin) out.push_back(kHex[uint8_t(c) >> 4]), out.push_back(kHex[uint8_t(c) & 15]);
  return out;
}

std::string base64(std::string_view bin) {
  std::string out(sodium_base64_ENCODED_LEN(bin.size(), sodium_base64_VARIANT_ORIGINAL), '\0');
  sodium_bin2base64(out.data(), out.size(), reinterpret_cast<const unsigned char*>(bin.data()), bin.size(),
                    sodium_base64_VARIANT_ORIGINAL);
  out.resize(out.find('\0'));
  return out;
}

// SPSs of real cameras and encoders (hex), with a PPS to go with each.
struct RealSps {
  const char* name;
  const char* sps;
  const char* pps;
};
const RealSps kRealSps[] = {
    {"gstreamer-main", "674d4028eca03c0113f2e022000003000200000300641e30632c", "68ebe3cb22c0"},
    {"1280x720-30fps-baseline", "6742c01fd9005005bb0110000003001000000303c0f1832480", "68cb8cb2"},
    {"720x576-422", "677a001ebcd940b4126c0440000003004000000c83c58b6580", "68ebe3cb22c0"},
    {"642x362-15fps-high", "67640016acd940a42fe224c044000003000400000300783c58b658", "68ebecb22c"},
};

// An RTSP response (or request) with CRLF line ends; Content-Length is added when there is a body.
std::string rtsp_message(const std::string& first, const std::vector<std::string>& headers,
                         const std::string& body = "") {
  std::string m = first + "\r\n";
  for (const auto& h : headers) m += h + "\r\n";
  if (!body.empty()) m += "Content-Length: " + std::to_string(body.size()) + "\r\n";
  return m + "\r\n" + body;
}

std::string crlf(const std::string& lf) {
  std::string out;
  for (char c : lf) {
    if (c == '\n') out.push_back('\r');
    out.push_back(c);
  }
  return out;
}

// The SDP of GStreamer's rtsp-server (gst-rtsp-server test-launch with rtph264pay) for one SPS/PPS.
std::string gstreamer_sdp(const std::string& sps, const std::string& pps) {
  return crlf(
      "v=0\n"
      "o=- 1188340656180883 1 IN IP4 192.168.1.20\n"
      "s=Session streamed with GStreamer\n"
      "i=rtsp-server\n"
      "t=0 0\n"
      "a=tool:GStreamer\n"
      "a=type:broadcast\n"
      "a=range:npt=now-\n"
      "a=control:rtsp://192.168.1.20:8554/test\n"
      "m=video 0 RTP/AVP 96\n"
      "c=IN IP4 0.0.0.0\n"
      "b=AS:2000\n"
      "a=rtpmap:96 H264/90000\n"
      "a=framerate:25\n"
      "a=fmtp:96 packetization-mode=1;sprop-parameter-sets=" +
      base64(sps) + "," + base64(pps) + ";profile-level-id=" + to_hex(sps.substr(1, 3)) +
      "\n"
      "a=control:rtsp://192.168.1.20:8554/test/stream=0\n"
      "a=ts-refclk:local\n"
      "a=mediaclk:sender\n");
}

// RTP: fixed header (version 2, SSRC 0x1234abcd), payload type 96 unless told.
std::string rtp(uint16_t seq, uint32_t ts, bool marker, std::string_view payload, uint8_t pt = 96) {
  std::string p;
  p.push_back(char(0x80));
  p.push_back(char((marker ? 0x80 : 0) | pt));
  p.push_back(char(seq >> 8)), p.push_back(char(seq));
  for (int i = 3; i >= 0; --i) p.push_back(char(ts >> (8 * i)));
  p.append("\x12\x34\xab\xcd", 4);
  p.append(payload);
  return p;
}

// fuzz_rtp's input: each packet behind a 2-byte big-endian length.
struct RtpSeq {
  std::string bytes;
  uint16_t seq = 4711;
  void add(const std::string& packet) {
    bytes.push_back(char(packet.size() >> 8)), bytes.push_back(char(packet.size()));
    bytes += packet;
  }
  void push(uint32_t ts, bool marker, std::string_view payload) { add(rtp(seq++, ts, marker, payload)); }
};

std::string stap_a(const std::vector<std::string_view>& nals) {
  std::string p(1, char(0x18));  // F=0, NRI=0, type 24
  for (auto n : nals) {
    p.push_back(char(n.size() >> 8)), p.push_back(char(n.size()));
    p.append(n);
    p[0] = char(std::max(uint8_t(p[0]), uint8_t((uint8_t(n[0]) & 0x60) | 0x18)));  // the highest NRI
  }
  return p;
}

// One NAL unit as FU-A payloads of about equal size (RFC 6184 §5.8).
std::vector<std::string> fu_a(std::string_view nal, size_t parts) {
  std::vector<std::string> out;
  std::string_view body = nal.substr(1);
  size_t step = (body.size() + parts - 1) / parts;
  for (size_t i = 0; i < parts; ++i) {
    std::string p;
    p.push_back(char((uint8_t(nal[0]) & 0xe0) | 28));
    p.push_back(char((i == 0 ? 0x80 : 0) | (i + 1 == parts ? 0x40 : 0) | (uint8_t(nal[0]) & 0x1f)));
    p.append(body.substr(std::min(body.size(), i * step), step));
    out.push_back(p);
  }
  return out;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 3) {
    std::fprintf(stderr, "usage: %s CLIP.h264 CORPUS_DIR\n", argv[0]);
    return 2;
  }
  std::ifstream in(argv[1], std::ios::binary);
  std::string es((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  out_root = argv[2];

  // Access units: each starts at an AUD.
  std::vector<Au> aus;
  for (auto nal : h264::split_annexb(es)) {
    if (h264::nal_type(nal) == h264::kAud || aus.empty()) aus.emplace_back();
    aus.back().annexb.append("\0\0\0\1", 4).append(nal);
  }
  for (auto& au : aus) {
    auto s = h264::to_sample(au.annexb);
    if (!s) return std::fprintf(stderr, "not H.264 access units\n"), 1;
    au.sample = *s;
  }
  auto ps = h264::parameter_sets(es);
  if (aus.size() < 6 || !ps || !aus.front().sample.idr) return std::fprintf(stderr, "need ≥ 6 AUs starting with an IDR\n"), 1;
  mp4::SampleEntry e;
  e.width = 64, e.height = 48, e.ps = *ps, e.codec = h264::codec_string(ps->sps);

  // fuzz_init: the init as we write it (64x48 and 1080p), a torn one, and a segment's head (init
  // followed by fragment bytes; written below).
  auto init = mp4::make_init(e);
  put("fuzz_init", "init-64x48", init);
  auto e2 = e;
  e2.width = 1920, e2.height = 1080;
  put("fuzz_init", "init-1080p", mp4::make_init(e2));
  put("fuzz_init", "init-torn", std::string_view(init).substr(0, init.size() - 20));

  // fuzz_recover: whole segments, with and without composition offsets, torn ones, zeros after a
  // power loss, an init alone.
  std::vector<mp4::IndexedFragment> idx, idx_cts;
  auto seg = segment(e, aus, 5, false, &idx);
  auto seg_cts = segment(e, std::vector<Au>(aus.begin(), aus.begin() + 6), 5, true, &idx_cts);
  put("fuzz_init", "segment-head", std::string_view(seg).substr(0, init.size() + 200));
  put("fuzz_recover", "segment", seg);
  put("fuzz_recover", "segment-cts", seg_cts);
  put("fuzz_recover", "torn-in-mdat", std::string_view(seg).substr(0, seg.size() - 777));
  put("fuzz_recover", "torn-in-moof", std::string_view(seg_cts).substr(0, init.size() + mp4::kPrftSize + 40));
  std::string zeros = seg;
  for (size_t i = seg.size() - 1500; i < seg.size(); ++i) zeros[i] = 0;
  put("fuzz_recover", "zeros-after-power-loss", zeros);
  put("fuzz_recover", "init-only", init);
  // The second fragment's mdat with a 64-bit size: its samples sit 8 bytes past where the index
  // would place them, so recovery must cut the file back to the first fragment.
  {
    size_t mdat_at = init.size() + size_t(mp4::fragment_bytes(idx[0])) + mp4::kPrftSize + idx[1].moof_size;
    uint64_t mdat_size = 16 + (mp4::fragment_bytes(idx[1]) - mp4::kPrftSize - idx[1].moof_size - 8);
    std::string large = seg.substr(0, mdat_at) + std::string("\0\0\0\1mdat", 8) + be64(mdat_size) + seg.substr(mdat_at + 8);
    put("fuzz_recover", "mdat-64bit-size", large);
  }

  // fuzz_sample_index: the index blobs of those segments, an empty one, a torn one.
  auto blob = mp4::encode_sample_index(idx);
  put("fuzz_sample_index", "index", blob);
  put("fuzz_sample_index", "index-cts", mp4::encode_sample_index(idx_cts));
  put("fuzz_sample_index", "empty", std::string("\x01", 1));
  put("fuzz_sample_index", "torn", std::string_view(blob).substr(0, blob.size() / 2));

  // fuzz_h264: Annex B packets (keyframe with SPS/PPS/SEI, a P frame), the same as length-prefixed
  // samples, extradata as avcC and as Annex B.
  put("fuzz_h264", "annexb-idr", aus[0].annexb);
  put("fuzz_h264", "annexb-p", aus[1].annexb);
  put("fuzz_h264", "avcc-idr", aus[0].sample.avcc);
  put("fuzz_h264", "avcc-p", aus[1].sample.avcc);
  put("fuzz_h264", "avcC-record", h264::avcc_record(*ps));
  std::string annexb_ps = std::string("\0\0\0\1", 4) + ps->sps + std::string("\0\0\1", 3) + ps->pps;
  put("fuzz_h264", "annexb-extradata", annexb_ps);

  // fuzz_range: 8-byte big-endian body size, then the Range header value.
  struct R {
    const char* name;
    uint64_t size;
    const char* header;
  } ranges[] = {
      {"first-100", 1000, "bytes=0-99"},          {"suffix", 1000, "bytes=-500"},
      {"open-end", 1000, "bytes=100-"},           {"last-beyond", 1000, "bytes=900-5000"},
      {"start-beyond", 1000, "bytes=1000-"},      {"reversed", 1000, "bytes=5-3"},
      {"several", 1000, "bytes=0-0,5-9"},         {"suffix-zero", 1000, "bytes=-0"},
      {"huge", UINT64_MAX, "bytes=18446744073709551614-"}, {"twenty-digits", 1000, "bytes=99999999999999999999-"},
      {"empty-body", 0, "bytes=0-0"},             {"not-bytes", 1000, "items=0-1"},
      {"suffix-larger", 10, "bytes=-11"},         {"one-byte", 1, "bytes=0-0"},
  };
  for (const auto& r : ranges) put("fuzz_range", r.name, be64(r.size) + r.header);

  // fuzz_rtsp: a whole camera answer, or one piece of one (an SDP, a URL, a challenge, a sprop).
  const std::string gst_sps = from_hex(kRealSps[0].sps), gst_pps = from_hex(kRealSps[0].pps);
  put("fuzz_rtsp", "describe-200-gstreamer",
      rtsp_message("RTSP/1.0 200 OK",
                   {"CSeq: 2", "Content-Type: application/sdp", "Content-Base: rtsp://192.168.1.20:8554/test/",
                    "Server: GStreamer RTSP server", "Date: Thu, 01 Jan 2026 00:00:00 GMT"},
                   gstreamer_sdp(gst_sps, gst_pps)));
  const std::string hik_sdp = crlf(
      "v=0\n"
      "o=- 1767225600000000 1767225600000000 IN IP4 192.168.1.64\n"
      "s=Media Presentation\n"
      "e=NONE\n"
      "b=AS:5100\n"
      "t=0 0\n"
      "a=control:rtsp://192.168.1.64:554/Streaming/Channels/101/?transportmode=unicast\n"
      "m=video 0 RTP/AVP 96\n"
      "c=IN IP4 0.0.0.0\n"
      "b=AS:5000\n"
      "a=recvonly\n"
      "a=x-dimensions:1280,720\n"
      "a=control:rtsp://192.168.1.64:554/Streaming/Channels/101/trackID=1?transportmode=unicast\n"
      "a=rtpmap:96 H264/90000\n"
      "a=fmtp:96 profile-level-id=420029; packetization-mode=1; sprop-parameter-sets=" +
      base64(from_hex(kRealSps[1].sps)) + "," + base64(from_hex(kRealSps[1].pps)) +
      "\n"
      "m=audio 0 RTP/AVP 0\n"
      "c=IN IP4 0.0.0.0\n"
      "b=AS:50\n"
      "a=recvonly\n"
      "a=control:rtsp://192.168.1.64:554/Streaming/Channels/101/trackID=2?transportmode=unicast\n"
      "a=rtpmap:0 PCMU/8000\n"
      "a=Media_header:MEDIAINFO=494D4B48010100000400010010710110401F000000FA000000000000000000000000000000000000;\n"
      "a=appversion:1.0\n");
  put("fuzz_rtsp", "describe-200-hikvision",
      rtsp_message(
          "RTSP/1.0 200 OK",
          {"CSeq: 3", "Content-Type: application/sdp", "Content-Base: rtsp://192.168.1.64:554/Streaming/Channels/101/"},
          hik_sdp));
  put("fuzz_rtsp", "401-digest",
      rtsp_message("RTSP/1.0 401 Unauthorized",
                   {"CSeq: 2", "WWW-Authenticate: Digest realm=\"cam\", nonce=\"abc\", qop=\"auth\""}));
  put("fuzz_rtsp", "401-basic",
      rtsp_message("RTSP/1.0 401 Unauthorized", {"CSeq: 2", "WWW-Authenticate: Basic realm=\"cam\""}));
  put("fuzz_rtsp", "401-basic-and-digest",
      rtsp_message("RTSP/1.0 401 Unauthorized",
                   {"CSeq: 2", "WWW-Authenticate: Basic realm=\"AXIS_ACCC8E000000\"",
                    "www-authenticate: Digest realm=\"AXIS_ACCC8E000000\", "
                    "nonce=\"0024e47aY398109708de9ccd8056c58a068a59540a99d3\", "
                    "stale=FALSE, algorithm=MD5, opaque=\"5ccc069c403ebaf9f0171e9517f40e41\", qop=\"auth,auth-int\"",
                    "Date: Thu, Jan 01 2026 00:00:00 GMT"}));
  put("fuzz_rtsp", "302-redirect",
      rtsp_message("RTSP/1.0 302 Moved Temporarily", {"CSeq: 1", "Location: rtsp://10.0.0.7:8554/live/main"}));
  put("fuzz_rtsp", "describe-200-audio-only",
      rtsp_message("RTSP/1.0 200 OK", {"CSeq: 2", "Content-Type: application/sdp"},
                   crlf("v=0\no=- 0 0 IN IP4 10.0.0.9\ns=Audio\nt=0 0\na=control:*\n"
                        "m=audio 0 RTP/AVP 97\na=rtpmap:97 MPEG4-GENERIC/16000/1\n"
                        "a=fmtp:97 streamtype=5; profile-level-id=15; mode=AAC-hbr; config=1408; sizeLength=13; "
                        "indexLength=3; indexDeltaLength=3\n"
                        "a=control:trackID=1\n")));
  put("fuzz_rtsp", "describe-200-h265",
      rtsp_message("RTSP/1.0 200 OK",
                   {"CSeq: 2", "Content-Type: application/sdp", "Content-Base: rtsp://10.0.0.8/h265/"},
                   crlf("v=0\no=- 38990265062388 38990265062388 IN IP4 10.0.0.8\ns=RTSP Session\nt=0 0\na=control:*\n"
                        "m=video 0 RTP/AVP 98\nc=IN IP4 0.0.0.0\na=rtpmap:98 H265/90000\n"
                        "a=fmtp:98 sprop-vps=QAEMAf//AWAAAAMAkAAAAwAAAwBdlZgJ; "
                        "sprop-sps=QgEBAWAAAAMAkAAAAwAAAwBdoAKAgC0WWVmkkyvAQAAA+kAAF3AC; "
                        "sprop-pps=RAHBcrRiQA==\na=control:trackID=1\na=framerate:20.000000\n")));
  put("fuzz_rtsp", "setup-200",
      rtsp_message("RTSP/1.0 200 OK", {"CSeq: 4", "Session: 6B2A4C3E;timeout=60",
                                       "Transport: RTP/AVP/TCP;unicast;interleaved=0-1;ssrc=1234ABCD;mode=\"play\""}));
  put("fuzz_rtsp", "play-200",
      rtsp_message(
          "RTSP/1.0 200 OK",
          {"CSeq: 5", "Session: 6B2A4C3E",
           "RTP-Info: url=rtsp://192.168.1.20:8554/test/stream=0;seq=4711;rtptime=2916521730", "Range: npt=now-"}));
  put("fuzz_rtsp", "request-from-camera",
      rtsp_message("GET_PARAMETER rtsp://10.0.0.7/stream1 RTSP/1.0",
                   {"CSeq: 7", "Session: 6B2A4C3E", "Content-Type: text/parameters"}, "position\r\n"));
  {
    const std::string sdp =
        "v=0\no=- 1 1 IN IP4 10.1.1.1\ns=-\nt=0 0\n"
        "m=video 0 RTP/AVP 96\na=rtpmap:96 h264/90000\na=control:track1\na=framerate:29.97\n";
    put("fuzz_rtsp", "describe-200-lf-only",
        "RTSP/1.0 200 OK\nCSeq: 2\nContent-Type: application/sdp\ncontent-length: " + std::to_string(sdp.size()) +
            "\n\n" + sdp);
  }
  put("fuzz_rtsp", "404", rtsp_message("RTSP/1.0 404 Stream Not Found", {"CSeq: 2"}));
  for (const auto& s : kRealSps)
    put("fuzz_rtsp", std::string("sdp-") + s.name, gstreamer_sdp(from_hex(s.sps), from_hex(s.pps)));
  put("fuzz_rtsp", "sprop-gstreamer", base64(gst_sps) + "," + base64(gst_pps));
  put("fuzz_rtsp", "sps-gstreamer", gst_sps);
  put("fuzz_rtsp", "url-plain", "rtsp://192.168.1.64:554/Streaming/Channels/101");
  put("fuzz_rtsp", "url-userinfo", "rtsp://admin:p%40ss:w0rd@cam-3.local/stream1");
  put("fuzz_rtsp", "url-ipv6", "rtsp://[fe80::1]:8554/live?channel=1&subtype=0");
  put("fuzz_rtsp", "challenge-digest",
      "Digest realm=\"IP Camera(C6496)\", nonce=\"3f27a1b8e0c4d9f2\", algorithm=\"MD5\", qop=\"auth\"");

  // fuzz_rtp: RTP packet sequences, each packet behind a 2-byte length (see fuzz_rtp.cpp).
  std::vector<std::vector<std::string_view>> nals;  // the clip's NAL units per access unit
  for (const auto& au : aus) nals.push_back(h264::split_annexb(au.annexb));
  std::string_view idr_nal, p_nal, sps_nal, pps_nal;
  for (auto n : nals[0]) {
    if (h264::nal_type(n) == h264::kIdr) idr_nal = n;
    if (h264::nal_type(n) == h264::kSps) sps_nal = n;
    if (h264::nal_type(n) == h264::kPps) pps_nal = n;
  }
  for (auto n : nals[1])
    if (h264::nal_type(n) == h264::kSlice) p_nal = n;
  if (idr_nal.empty() || p_nal.empty() || sps_nal.empty() || pps_nal.empty())
    return std::fprintf(stderr, "need an IDR with SPS and PPS, then a P slice\n"), 1;
  {
    RtpSeq s;
    s.push(90000, true, p_nal);
    put("fuzz_rtp", "single-nal", s.bytes);
  }
  {
    // Every NAL unit of the first three access units as it comes (AUD, SPS, PPS, SEI, slices), one
    // packet each, the marker on the last one of each access unit.
    RtpSeq s;
    for (size_t i = 0; i < 3; ++i)
      for (size_t k = 0; k < nals[i].size(); ++k) s.push(uint32_t(9000 * i), k + 1 == nals[i].size(), nals[i][k]);
    put("fuzz_rtp", "clip-single-nals", s.bytes);
  }
  {
    RtpSeq s;
    s.push(0, false, stap_a({gst_sps, gst_pps}));
    s.push(0, true, idr_nal);
    put("fuzz_rtp", "stap-a-sps-pps", s.bytes);
  }
  auto idr_fus = fu_a(idr_nal, 3);
  {
    RtpSeq s;
    s.push(0, false, stap_a({sps_nal, pps_nal}));
    for (size_t i = 0; i < 3; ++i) s.push(0, i == 2, idr_fus[i]);
    s.push(9000, true, p_nal);
    put("fuzz_rtp", "fu-a-idr-3", s.bytes);
  }
  {
    // The middle fragment never arrives: that access unit and the P frame after it are damaged or
    // useless until the next IDR.
    RtpSeq s;
    s.push(0, false, stap_a({sps_nal, pps_nal}));
    s.push(0, false, idr_fus[0]);
    ++s.seq;
    s.push(0, true, idr_fus[2]);
    s.push(9000, true, p_nal);
    s.push(18000, false, stap_a({sps_nal, pps_nal}));
    for (size_t i = 0; i < 3; ++i) s.push(18000, i == 2, idr_fus[i]);
    put("fuzz_rtp", "missing-seq", s.bytes);
  }
  {
    // The end fragment is lost and so is the marker: the timestamp change ends the access unit.
    RtpSeq s;
    s.push(0, false, idr_fus[0]);
    s.push(0, false, idr_fus[1]);
    s.push(3600, false, p_nal);
    s.push(7200, true, p_nal);
    put("fuzz_rtp", "fu-a-end-lost", s.bytes);
  }
  {
    // x264 CBR: AUD and filler data around the slice, no marker (the timestamp ends the unit).
    std::string filler = std::string("\x0c", 1) + std::string(40, char(0xff)) + "\x80";
    RtpSeq s;
    s.push(0, false, std::string("\x09\xf0", 2));
    s.push(0, false, p_nal);
    s.push(0, false, filler);
    s.push(3000, false, std::string("\x09\xf0", 2));
    s.push(3000, true, p_nal);
    put("fuzz_rtp", "aud-filler", s.bytes);
  }
  {
    // Two CSRCs, a header extension (one 32-bit word) and 4 bytes of padding around one slice.
    std::string pkt = rtp(4711, 0, true, "");
    pkt[0] = char(0x80 | 0x20 | 0x10 | 2);
    pkt += std::string("\x00\x00\x00\x01\x00\x00\x00\x02", 8);  // CSRCs
    pkt += std::string("\xbe\xde\x00\x01\x10\xaa\x00\x00", 8);  // RFC 8285 one-byte extension
    pkt += p_nal;
    pkt += std::string("\x00\x00\x00\x04", 4);
    RtpSeq s;
    s.add(pkt);
    put("fuzz_rtp", "csrc-extension-padding", s.bytes);
  }
  for (const auto& r : kRealSps) {
    // The SPS and PPS alone, then as a STAP-A with an IDR.
    auto sps = from_hex(r.sps), pps = from_hex(r.pps);
    RtpSeq s;
    s.push(0, false, sps);
    s.push(0, true, pps);
    s.push(3600, false, stap_a({sps, pps}));
    s.push(3600, true, idr_nal);
    put("fuzz_rtp", std::string("sps-") + r.name, s.bytes);
  }
  return 0;
}
