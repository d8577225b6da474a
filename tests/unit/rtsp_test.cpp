// Our RTSP client: the protocol pieces (rtp.h), the SPS reader, and whole sessions against a scripted
// camera on a local socket — Digest authentication, a stream without video, an unsupported codec, a
// camera that never answers, parameter sets only in band, FU-A/STAP-A reassembly, a lost packet.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <functional>
#include <thread>

#include "core/hash.h"
#include "video/rtp.h"
#include "video/rtsp.h"

using namespace watchfloor::video;
namespace rtsp = watchfloor::video::rtsp;

namespace {

std::string unhex(std::string_view h) {
  std::string out;
  for (size_t i = 0; i + 1 < h.size(); i += 2) out.push_back(char(std::stoi(std::string(h.substr(i, 2)), nullptr, 16)));
  return out;
}

// Real SPS from x264 (ffmpeg -f lavfi testsrc … -c:v libx264 -profile:v P -f h264).
const std::string kSps1080 = unhex("674d4028eca03c0113f2e022000003000200000300641e30632c");  // main, 25 fps
const std::string kSps720 = unhex("6742c01fd9005005bb0110000003001000000303c0f1832480");     // baseline, 30 fps
const std::string kSps422 = unhex("677a001ebcd940b4126c0440000003004000000c83c58b6580");     // high 4:2:2 720x576
const std::string kSpsOdd = unhex("67640016acd940a42fe224c044000003000400000300783c58b658");  // high 642x362 15 fps
const std::string kPps = unhex("68ebe3cb22c0");

std::string rtp(uint16_t seq, uint32_t ts, bool marker, std::string_view payload, uint8_t pt = 96) {
  std::string p = {char(0x80), char((marker ? 0x80 : 0) | pt), char(seq >> 8), char(seq), char(ts >> 24),
                   char(ts >> 16), char(ts >> 8), char(ts), 0, 0, 0, 1};
  return p + std::string(payload);
}
std::string interleaved(int channel, std::string_view data) {
  return std::string{'$', char(channel), char(data.size() >> 8), char(data.size())} + std::string(data);
}
std::string stap_a(std::initializer_list<std::string_view> nals) {
  std::string s(1, char(24));
  for (auto n : nals) s += std::string{char(n.size() >> 8), char(n.size())} + std::string(n);
  return s;
}
// FU-A fragments of one NAL, `pieces` of them.
std::vector<std::string> fu_a(std::string_view nal, int pieces) {
  std::vector<std::string> out;
  std::string_view body = nal.substr(1);
  size_t step = (body.size() + pieces - 1) / pieces;
  for (int i = 0; i < pieces; ++i) {
    char fu = char((i == 0 ? 0x80 : 0) | (i == pieces - 1 ? 0x40 : 0) | (nal[0] & 0x1f));
    out.push_back(std::string{char((nal[0] & 0xe0) | 28), fu} + std::string(body.substr(i * step, step)));
  }
  return out;
}

// H.265 (RFC 7798): x265's parameter sets for 1920×1080 with B-frames (reorder depth 2).
const std::string kVps265 = unhex("40010c01ffff016000000300900000030000030078959409");
const std::string kSps265 =
    unhex("420101016000000300900000030000030078a003c08010e596565924caf0168080000003008000000c84");
const std::string kPps265 = unhex("4401c172b46240");
const std::string kSprop265 =
    "sprop-vps=QAEMAf//AWAAAAMAkAAAAwAAAwB4lZQJ; sprop-sps=QgEBAWAAAAMAkAAAAwAAAwB4oAPAgBDlllZZJMrwFoCAAAADAIAAAAyE; "
    "sprop-pps=RAHBcrRiQA==";
std::string nal265(int type, std::string_view body) { return std::string{char(type << 1), 1} + std::string(body); }
std::string ap(std::initializer_list<std::string_view> nals) {
  std::string s = {char(48 << 1), 1};
  for (auto n : nals) s += std::string{char(n.size() >> 8), char(n.size())} + std::string(n);
  return s;
}
std::vector<std::string> fu265(std::string_view nal, int pieces) {
  std::vector<std::string> out;
  std::string_view body = nal.substr(2);
  size_t step = (body.size() + pieces - 1) / pieces;
  for (int i = 0; i < pieces; ++i) {
    char fu = char((i == 0 ? 0x80 : 0) | (i == pieces - 1 ? 0x40 : 0) | ((nal[0] >> 1) & 0x3f));
    out.push_back(std::string{char((nal[0] & 0x81) | (49 << 1)), nal[1], fu} + std::string(body.substr(i * step, step)));
  }
  return out;
}

// A camera on 127.0.0.1 that runs `script` on the first connection.
class ScriptedCamera {
 public:
  explicit ScriptedCamera(std::function<void(ScriptedCamera&)> script) : script_(std::move(script)) {
    listen_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ::bind(listen_, reinterpret_cast<sockaddr*>(&a), sizeof a);
    ::listen(listen_, 4);
    socklen_t len = sizeof a;
    ::getsockname(listen_, reinterpret_cast<sockaddr*>(&a), &len);
    port = ntohs(a.sin_port);
    thread_ = std::thread([this] {
      fd_ = ::accept(listen_, nullptr, nullptr);
      if (fd_ < 0) return;
      script_(*this);
      ::shutdown(fd_, SHUT_WR);  // the camera hangs up when its script ends
    });
  }
  ~ScriptedCamera() {
    ::shutdown(listen_, SHUT_RDWR);
    ::close(listen_);
    if (fd_ >= 0) ::shutdown(fd_, SHUT_RDWR);
    thread_.join();
    if (fd_ >= 0) ::close(fd_);
  }
  std::string url(std::string_view path = "/stream") const {
    return "rtsp://127.0.0.1:" + std::to_string(port) + std::string(path);
  }
  // The next request; its CSeq is remembered for reply().
  rtsp::Message request() {
    for (;;) {
      rtsp::Message m;
      size_t used = 0;
      if (rtsp::parse_message(in_, m, used) == rtsp::ParseResult::ok) {
        requests.push_back(in_.substr(0, used));
        in_.erase(0, used);
        cseq_ = std::string(m.header("CSeq").value_or("0"));
        return m;
      }
      char b[4096];
      ssize_t n = ::recv(fd_, b, sizeof b, 0);
      if (n <= 0) return {};
      in_.append(b, size_t(n));
    }
  }
  void reply(int status, std::string_view headers = "", std::string_view body = "") {
    std::string r = "RTSP/1.0 " + std::to_string(status) + " X\r\nCSeq: " + cseq_ + "\r\n" + std::string(headers);
    if (!body.empty()) r += "Content-Length: " + std::to_string(body.size()) + "\r\n";
    send(r + "\r\n" + std::string(body));
  }
  void send(std::string_view d) { ::send(fd_, d.data(), d.size(), MSG_NOSIGNAL); }
  // DESCRIBE, SETUP, PLAY answered with `sdp`.
  void handshake(std::string_view sdp) {
    request();
    reply(200, "Content-Base: " + url() + "/\r\nContent-Type: application/sdp\r\n", sdp);
    request();
    reply(200, "Session: 12345678;timeout=60\r\nTransport: RTP/AVP/TCP;unicast;interleaved=0-1\r\n");
    request();
    reply(200, "Session: 12345678\r\n");
  }

  int port = 0;
  std::vector<std::string> requests;

 private:
  std::function<void(ScriptedCamera&)> script_;
  int listen_ = -1, fd_ = -1;
  std::string in_, cseq_;
  std::thread thread_;
};

std::string sdp(std::string_view media) {
  return "v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=cam\r\nt=0 0\r\na=control:*\r\n" + std::string(media);
}

RtspOptions quick() {
  RtspOptions o;
  o.timeout_ms = 2000;
  return o;
}

}  // namespace

TEST(RtspProtocol, UrlsAndControls) {
  auto u = rtsp::parse_url("rtsp://adm%40in:p%3Ass@cam.example:8554/Streaming/Channels/101?transport=tcp");
  ASSERT_TRUE(u);
  EXPECT_EQ(u->host, "cam.example");
  EXPECT_EQ(u->port, 8554);
  EXPECT_EQ(u->user, "adm@in");
  EXPECT_EQ(u->password, "p:ss");
  EXPECT_EQ(u->url, "rtsp://cam.example:8554/Streaming/Channels/101?transport=tcp") << "credentials never go on the wire in the URL";
  EXPECT_EQ(rtsp::parse_url("rtsp://[fe80::1]/x")->host, "fe80::1");
  EXPECT_EQ(rtsp::parse_url("rtsp://10.0.0.5")->port, 554);
  EXPECT_FALSE(rtsp::parse_url("http://10.0.0.5/x"));
  EXPECT_FALSE(rtsp::parse_url("rtsp://10.0.0.5:99999/x"));
  EXPECT_FALSE(rtsp::parse_url("rtsp:///x"));
  EXPECT_FALSE(rtsp::parse_url("rtsp://[[abc]/")) << "found by fuzz_rtsp: a host that reads back differently";
  EXPECT_FALSE(rtsp::parse_url("rtsp://a]:b:5/"));
  EXPECT_EQ(rtsp::parse_url("rtsp://u%4g:p@h/")->user, "u%4g") << "not a %XX escape: kept as written";
  EXPECT_EQ(rtsp::resolve_control("rtsp://h/s/", "trackID=1"), "rtsp://h/s/trackID=1");
  EXPECT_EQ(rtsp::resolve_control("rtsp://h/s", "trackID=1"), "rtsp://h/s/trackID=1");
  EXPECT_EQ(rtsp::resolve_control("rtsp://h:5/s/", "/other"), "rtsp://h:5/other");
  EXPECT_EQ(rtsp::resolve_control("rtsp://h/s/", "rtsp://g/t"), "rtsp://g/t");
  EXPECT_EQ(rtsp::resolve_control("rtsp://h/s/", "*"), "rtsp://h/s/");
}

TEST(RtspProtocol, MessagesAndDigest) {
  std::string wire = "RTSP/1.0 401 Unauthorized\r\nCSeq: 2\r\nwww-authenticate: Basic realm=\"cam\"\r\n"
                     "WWW-Authenticate: Digest realm=\"testrealm@host.com\", qop=\"auth,auth-int\", "
                     "nonce=\"dcd98b7102dd2f0e8b11d0f600bfb0c093\", opaque=\"5ccc069c403ebaf9f0171e9517f40e41\"\r\n"
                     "Content-Length: 3\r\n\r\nabcRTSP/1.0";
  rtsp::Message m;
  size_t used = 0;
  ASSERT_EQ(rtsp::parse_message(std::string_view(wire).substr(0, 60), m, used), rtsp::ParseResult::incomplete);
  ASSERT_EQ(rtsp::parse_message(wire, m, used), rtsp::ParseResult::ok);
  EXPECT_EQ(m.status, 401);
  EXPECT_EQ(m.body, "abc");
  EXPECT_EQ(used, wire.size() - 8);
  EXPECT_EQ(m.header("cseq"), "2");
  rtsp::Message http;
  EXPECT_EQ(rtsp::parse_message("HTTP/1.1 200 OK\r\n\r\n", http, used), rtsp::ParseResult::bad);

  auto c = rtsp::parse_challenge(m);
  ASSERT_TRUE(c);
  EXPECT_TRUE(c->digest) << "Digest is preferred over Basic";
  // RFC 2617 §3.5's worked example.
  auto h = rtsp::authorization(*c, "Mufasa", "Circle Of Life", "GET", "/dir/index.html", 1, "0a4f113b");
  EXPECT_NE(h.find(R"(response="6629fae49393a05397450978507c4ef1")"), std::string::npos) << h;
  EXPECT_NE(h.find("nc=00000001"), std::string::npos);
  EXPECT_NE(h.find(R"(opaque="5ccc069c403ebaf9f0171e9517f40e41")"), std::string::npos);

  rtsp::Message basic;
  rtsp::parse_message("RTSP/1.0 401 X\r\nWWW-Authenticate: Basic realm=\"c\"\r\n\r\n", basic, used);
  EXPECT_EQ(rtsp::authorization(*rtsp::parse_challenge(basic), "Aladdin", "open sesame", "DESCRIBE", "rtsp://x/", 1, ""),
            "Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ==");
}

TEST(RtspProtocol, SessionDescription) {
  auto s = rtsp::parse_sdp(sdp("m=audio 0 RTP/AVP 0\r\na=control:trackID=0\r\n"
                               "m=video 0 RTP/AVP 96\r\na=rtpmap:96 h264/90000\r\n"
                               "a=fmtp:96 packetization-mode=1;profile-level-id=4d4028;sprop-parameter-sets=Z01AKOygPAET8uAiAAADAAIAAAMAZB4wYyw=,aOvjyyLA\r\n"
                               "a=framerate:25\r\na=control:trackID=1\r\n"));
  EXPECT_EQ(s.media, 2);
  EXPECT_EQ(s.session_control, "*");
  ASSERT_TRUE(s.video);
  EXPECT_EQ(s.video->payload, 96);
  EXPECT_EQ(s.video->encoding, "H264");
  EXPECT_EQ(s.video->control, "trackID=1");
  EXPECT_EQ(s.video->framerate, 25);
  auto ps = rtsp::sprop_parameter_sets(s.video->sprop);
  ASSERT_TRUE(ps);
  EXPECT_EQ(ps->sps, kSps1080);
  EXPECT_EQ(ps->pps, kPps);
  EXPECT_FALSE(rtsp::sprop_parameter_sets("not base64!,aOvjyyLA"));
  EXPECT_FALSE(rtsp::parse_sdp(sdp("m=audio 0 RTP/AVP 0\r\n")).video);
  EXPECT_EQ(rtsp::parse_sdp(sdp("m=video 0 RTP/AVP 26\r\n")).video->encoding, "JPEG");
  // Several formats on one m= line: the H.264 one is recorded, with its own parameter sets.
  auto multi = rtsp::parse_sdp(sdp("m=video 0 RTP/AVP 97 96\r\na=rtpmap:97 H265/90000\r\na=fmtp:97 sprop-vps=QAEMAf\r\n"
                                   "a=fmtp:96 sprop-parameter-sets=Z01AKOygPAET8uAiAAADAAIAAAMAZB4wYyw=,aOvjyyLA\r\n"
                                   "a=rtpmap:96 H264/90000\r\n"));
  ASSERT_TRUE(multi.video);
  EXPECT_EQ(multi.video->payload, 96);
  EXPECT_EQ(multi.video->encoding, "H264");
  EXPECT_TRUE(rtsp::sprop_parameter_sets(multi.video->sprop));
}

TEST(RtspProtocol, SpsSizeAndRate) {
  auto a = h264::parse_sps(kSps1080);
  ASSERT_TRUE(a);
  EXPECT_EQ(a->width, 1920);
  EXPECT_EQ(a->height, 1080) << "1088 coded rows, 8 cropped";
  EXPECT_DOUBLE_EQ(a->fps, 25);
  auto b = h264::parse_sps(kSps720);
  ASSERT_TRUE(b);
  EXPECT_EQ(b->width, 1280);
  EXPECT_EQ(b->height, 720);
  EXPECT_DOUBLE_EQ(b->fps, 30);
  auto c = h264::parse_sps(kSps422);
  ASSERT_TRUE(c);
  EXPECT_EQ(c->width, 720);
  EXPECT_EQ(c->height, 576);
  auto d = h264::parse_sps(kSpsOdd);
  ASSERT_TRUE(d);
  EXPECT_EQ(d->width, 642);
  EXPECT_EQ(d->height, 362);
  EXPECT_DOUBLE_EQ(d->fps, 15);
  EXPECT_FALSE(h264::parse_sps(kSps1080.substr(0, 8))) << "cut short";
  EXPECT_FALSE(h264::parse_sps(kPps));
  // Found by fuzz_rtp / fuzz_rtsp: a field-coded SPS claiming 1280×32768, a scaling delta out of range.
  EXPECT_FALSE(h264::parse_sps(unhex("6742c01eda014000800480")));
  EXPECT_FALSE(h264::parse_sps(unhex("67640028ad80000000fffffffe016805005b90")));
}

TEST(RtspProtocol, DepacketizerReassemblesAndMarksLoss) {
  rtsp::H264Depacketizer d;
  std::vector<rtsp::H264Depacketizer::Unit> out;
  std::string idr = "\x65" + std::string(3000, 'i');
  uint16_t seq = 100;
  d.push(*rtsp::parse_rtp(rtp(seq++, 1000, false, stap_a({"\x09\x10", kSps1080, kPps}))), out);
  for (auto& f : fu_a(idr, 3)) d.push(*rtsp::parse_rtp(rtp(seq++, 1000, f == fu_a(idr, 3).back(), f)), out);
  ASSERT_EQ(out.size(), 1u);
  auto nals = h264::split_avcc(out[0].au.avcc);
  ASSERT_TRUE(nals);
  ASSERT_EQ(nals->size(), 3u) << "AUD dropped; SPS, PPS, IDR kept";
  EXPECT_EQ((*nals)[2], idr) << "FU-A fragments joined with the NAL header rebuilt";
  EXPECT_TRUE(out[0].au.idr);
  EXPECT_EQ(out[0].au.sps, kSps1080);
  EXPECT_FALSE(out[0].damaged);

  // A P frame without marker ends when the next timestamp arrives; then a frame with a hole.
  out.clear();
  d.push(*rtsp::parse_rtp(rtp(seq++, 4600, false, "\x41pframe")), out);
  EXPECT_TRUE(out.empty());
  auto frags = fu_a("\x41" + std::string(900, 'p'), 3);
  d.push(*rtsp::parse_rtp(rtp(seq++, 8200, false, frags[0])), out);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(h264::split_avcc(out[0].au.avcc)->at(0), "\x41pframe");
  seq++;  // frags[1] lost
  d.push(*rtsp::parse_rtp(rtp(seq++, 8200, true, frags[2])), out);
  ASSERT_EQ(out.size(), 2u);
  EXPECT_TRUE(out[1].damaged);
  EXPECT_EQ(d.lost_packets(), 1);

  // A duplicate is ignored, not 32767 lost packets; a STAP-A while a fragment is open closes it.
  out.clear();
  d.push(*rtsp::parse_rtp(rtp(uint16_t(seq - 1), 8200, true, frags[2])), out);
  EXPECT_TRUE(out.empty());
  EXPECT_EQ(d.lost_packets(), 1);
  d.push(*rtsp::parse_rtp(rtp(seq++, 11800, false, fu_a(idr, 3)[0])), out);
  d.push(*rtsp::parse_rtp(rtp(seq++, 11800, true, stap_a({kSps1080, kPps}))), out);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_TRUE(out[0].damaged) << "the IDR's end never came";
  EXPECT_FALSE(out[0].au.idr);
  EXPECT_EQ(h264::split_avcc(out[0].au.avcc)->size(), 2u) << "only the STAP-A's SPS and PPS, not the cut IDR";
}

TEST(RtspProtocol, H265SessionDescriptionAndDepacketizer) {
  auto s = rtsp::parse_sdp(sdp("m=video 0 RTP/AVP 96\r\na=rtpmap:96 H265/90000\r\na=fmtp:96 " + kSprop265 + "\r\n"));
  ASSERT_TRUE(s.video);
  EXPECT_EQ(s.video->encoding, "H265");
  EXPECT_EQ(s.video->max_don_diff, 0);
  auto ps = rtsp::sprop_h265(*s.video);
  ASSERT_TRUE(ps);
  EXPECT_EQ(ps->vps, kVps265);
  EXPECT_EQ(ps->sps, kSps265);
  EXPECT_EQ(ps->pps, kPps265);
  auto swapped = *s.video;
  std::swap(swapped.sprop_vps, swapped.sprop_pps);
  EXPECT_FALSE(rtsp::sprop_h265(swapped)) << "a set of the wrong type";
  // Offered both, the H.264 format is recorded (it plays in every browser).
  auto both = rtsp::parse_sdp(sdp("m=video 0 RTP/AVP 97 96\r\na=rtpmap:97 H265/90000\r\na=rtpmap:96 H264/90000\r\n"));
  EXPECT_EQ(both.video->encoding, "H264");

  rtsp::Depacketizer d(VideoCodec::h265);
  std::vector<rtsp::Depacketizer::Unit> out;
  std::string idr = nal265(19, std::string(3000, 'i'));  // IDR_W_RADL
  uint16_t seq = 500;
  d.push(*rtsp::parse_rtp(rtp(seq++, 1000, false, ap({nal265(35, "\x50"), kVps265, kSps265, kPps265}))), out);
  auto frags = fu265(idr, 3);
  for (size_t i = 0; i < frags.size(); ++i) d.push(*rtsp::parse_rtp(rtp(seq++, 1000, i + 1 == frags.size(), frags[i])), out);
  ASSERT_EQ(out.size(), 1u);
  auto nals = h264::split_avcc(out[0].au.avcc);
  ASSERT_TRUE(nals);
  ASSERT_EQ(nals->size(), 4u) << "AUD dropped; VPS, SPS, PPS and the IDR kept";
  EXPECT_EQ((*nals)[3], idr) << "FU fragments joined with the 2-byte NAL header rebuilt";
  EXPECT_TRUE(out[0].au.idr);
  EXPECT_EQ(out[0].au.vps, kVps265);
  EXPECT_EQ(out[0].au.sps, kSps265);
  EXPECT_EQ(out[0].au.pps, kPps265);
  EXPECT_FALSE(out[0].damaged);

  out.clear();
  d.push(*rtsp::parse_rtp(rtp(seq++, 4600, true, nal265(1, "trail"))), out);  // TRAIL_R: not a keyframe
  auto cra = fu265(nal265(21, std::string(900, 'c')), 3);
  d.push(*rtsp::parse_rtp(rtp(seq++, 8200, false, cra[0])), out);
  seq++;  // cra[1] lost
  d.push(*rtsp::parse_rtp(rtp(seq++, 8200, true, cra[2])), out);
  ASSERT_EQ(out.size(), 2u);
  EXPECT_FALSE(out[0].au.idr);
  EXPECT_FALSE(out[0].damaged);
  EXPECT_TRUE(out[1].damaged);
  EXPECT_EQ(d.lost_packets(), 1);
  out.clear();
  d.push(*rtsp::parse_rtp(rtp(seq++, 11800, true, nal265(50, "paci"))), out);  // PACI: not taken
  ASSERT_EQ(out.size(), 1u);
  EXPECT_TRUE(out[0].damaged);
}

TEST(RtspSession, H265WithBFramesGetsDecodeTimesAndCompositionOffsets) {
  // Decode order I0 P4 B2 b1 b3 P8 … as RTP sends it, each with its presentation time.
  const std::vector<int> shown{0, 4, 2, 1, 3, 8, 6, 5, 7};
  ScriptedCamera cam([&](ScriptedCamera& c) {
    c.handshake(sdp("m=video 0 RTP/AVP 96\r\na=rtpmap:96 H265/90000\r\na=fmtp:96 " + kSprop265 +
                    "\r\na=framerate:25\r\na=control:track1\r\n"));
    uint16_t seq = 1;
    for (size_t i = 0; i < shown.size(); ++i) {
      uint32_t ts = uint32_t(90'000 + shown[i] * 3600);
      std::string nal = i == 0 ? nal265(19, std::string(2000, 'k')) : nal265(1, "frame" + std::to_string(i));
      if (i == 0)
        for (auto& f : fu265(nal, 2)) c.send(interleaved(0, rtp(seq++, ts, f == fu265(nal, 2).back(), f)));
      else
        c.send(interleaved(0, rtp(seq++, ts, true, nal)));
    }
  });
  RtspFailure f;
  auto s = RtspSession::open(cam.url(), quick(), nullptr, f);
  ASSERT_TRUE(s) << f.code << " " << f.en;
  EXPECT_EQ(s->entry().kind, VideoCodec::h265);
  EXPECT_EQ(s->entry().codec, "hvc1.1.6.L120.90");
  EXPECT_EQ(s->entry().width, 1920);
  EXPECT_EQ(s->entry().height, 1080);
  std::vector<RtspPacket> got;
  RtspPacket p;
  while (s->read(p, f)) got.push_back(std::move(p));
  ASSERT_EQ(got.size(), shown.size());
  EXPECT_TRUE(got[0].key);
  for (size_t i = 0; i < got.size(); ++i) {
    EXPECT_EQ(got[i].pts_90k - got[0].pts_90k, shown[i] * 3600) << "presentation times as the camera sent them";
    EXPECT_LE(got[i].dts_90k, got[i].pts_90k) << i;
    if (i) {
      EXPECT_GT(got[i].dts_90k, got[i - 1].dts_90k) << i;
    }
  }
  EXPECT_EQ(got[0].pts_90k - got[0].dts_90k, 2 * 3600) << "two frames reordered (the SPS says so)";
}

TEST(RtspSession, DigestThenNoVideoIsAClearFailure) {
  ScriptedCamera cam([](ScriptedCamera& c) {
    c.request();
    c.reply(401, "WWW-Authenticate: Digest realm=\"IP Camera\", nonce=\"n0nce\"\r\n");
    c.request();
    c.reply(200, "", sdp("m=audio 0 RTP/AVP 0\r\na=control:trackID=0\r\n"));
  });
  RtspFailure f;
  auto o = quick();
  o.credentials = std::pair<std::string, std::string>{"viewer", "Cam pass"};
  EXPECT_FALSE(RtspSession::open(cam.url(), o, nullptr, f));
  EXPECT_EQ(f.code, "no_video");
  EXPECT_FALSE(f.vi.empty());
  ASSERT_EQ(cam.requests.size(), 2u);
  EXPECT_EQ(cam.requests[0].find("Authorization"), std::string::npos);
  std::string ha1 = watchfloor::core::md5_hex("viewer:IP Camera:Cam pass");
  std::string ha2 = watchfloor::core::md5_hex("DESCRIBE:" + cam.url());
  EXPECT_NE(cam.requests[1].find("response=\"" + watchfloor::core::md5_hex(ha1 + ":n0nce:" + ha2) + "\""), std::string::npos)
      << cam.requests[1];
  EXPECT_EQ(cam.requests[1].find("Cam pass"), std::string::npos) << "the password itself never goes on the wire";
}

TEST(RtspSession, WrongCredentialsUnsupportedCodecSilenceAndNonsense) {
  {
    ScriptedCamera cam([](ScriptedCamera& c) {
      for (int i = 0; i < 2; ++i) {
        c.request();
        c.reply(401, "WWW-Authenticate: Basic realm=\"cam\"\r\n");
      }
    });
    RtspFailure f;
    auto o = quick();
    o.credentials = std::pair<std::string, std::string>{"viewer", "wrong"};
    EXPECT_FALSE(RtspSession::open(cam.url(), o, nullptr, f));
    EXPECT_EQ(f.code, "unauthorized");
  }
  {
    ScriptedCamera cam([](ScriptedCamera& c) {
      c.request();
      c.reply(200, "", sdp("m=video 0 RTP/AVP 98\r\na=rtpmap:98 MP4V-ES/90000\r\n"));
    });
    RtspFailure f;
    EXPECT_FALSE(RtspSession::open(cam.url(), quick(), nullptr, f));
    EXPECT_EQ(f.code, "unsupported_codec");
    EXPECT_NE(f.en.find("MP4V-ES"), std::string::npos) << f.en;
  }
  {
    ScriptedCamera cam([](ScriptedCamera& c) {  // H.265 with DONL fields (interleaved): refused, not misread
      c.request();
      c.reply(200, "", sdp("m=video 0 RTP/AVP 98\r\na=rtpmap:98 H265/90000\r\na=fmtp:98 sprop-max-don-diff=2\r\n"));
    });
    RtspFailure f;
    EXPECT_FALSE(RtspSession::open(cam.url(), quick(), nullptr, f));
    EXPECT_EQ(f.code, "unsupported_codec");
    EXPECT_NE(f.en.find("DONL"), std::string::npos) << f.en;
  }
  {
    ScriptedCamera cam([](ScriptedCamera& c) {  // reads, never answers, until the client hangs up
      c.request();
      c.request();
    });
    RtspFailure f;
    auto o = quick();
    o.timeout_ms = 300;
    EXPECT_FALSE(RtspSession::open(cam.url(), o, nullptr, f));
    EXPECT_EQ(f.code, "timeout");
  }
  {
    ScriptedCamera cam([](ScriptedCamera& c) {
      c.request();
      c.send("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n");
    });
    RtspFailure f;
    EXPECT_FALSE(RtspSession::open(cam.url(), quick(), nullptr, f));
    EXPECT_EQ(f.code, "bad_stream");
  }
  {
    ScriptedCamera cam([](ScriptedCamera& c) {
      c.request();
      c.reply(404);
    });
    RtspFailure f;
    EXPECT_FALSE(RtspSession::open(cam.url(), quick(), nullptr, f));
    EXPECT_EQ(f.code, "not_found");
  }
}

TEST(RtspSession, InBandParameterSetsFramesAndLoss) {
  std::string idr = "\x65\x88" + std::string(5000, 'k');
  ScriptedCamera cam([&](ScriptedCamera& c) {
    c.handshake(sdp("m=video 0 RTP/AVP 96\r\na=rtpmap:96 H264/90000\r\na=control:track1\r\n"));
    uint16_t seq = 7;
    auto frame = [&](uint32_t ts, std::string_view nal) { c.send(interleaved(0, rtp(seq++, ts, true, nal))); };
    c.send(interleaved(0, rtp(seq++, 0, false, stap_a({kSps720, kPps}))));
    auto frags = fu_a(idr, 4);
    for (size_t i = 0; i < frags.size(); ++i) c.send(interleaved(0, rtp(seq++, 0, i + 1 == frags.size(), frags[i])));
    c.send(interleaved(1, "\x80\xc8 rtcp sender report"));  // RTCP: ignored
    frame(3000, "\x41p1");
    c.send("RTSP/1.0 200 OK\r\nCSeq: 9\r\n\r\n");  // an answer to a keep-alive, between packets
    frame(6000, "\x41p2");
    seq++;  // lost
    frame(9000, "\x41p3");  // refers to the lost frame: dropped until the next keyframe
    frame(12000, "\x41p4");
    frame(15000, idr);
    frame(uint32_t(15000 - 900000), "\x41" "back");  // ten seconds backwards: passed on as is
  });
  RtspFailure f;
  auto s = RtspSession::open(cam.url(), quick(), nullptr, f);
  ASSERT_TRUE(s) << f.code << " " << f.en;
  EXPECT_EQ(s->entry().width, 1280);
  EXPECT_EQ(s->entry().height, 720);
  EXPECT_EQ(s->entry().codec, "avc1.42c01f");
  EXPECT_DOUBLE_EQ(s->nominal_fps(), 30);
  ASSERT_GE(cam.requests.size(), 3u);
  EXPECT_EQ(cam.requests[1].rfind("SETUP rtsp://127.0.0.1:" + std::to_string(cam.port) + "/stream/track1 ", 0), 0u)
      << cam.requests[1];
  EXPECT_NE(cam.requests[1].find("interleaved=0-1"), std::string::npos);
  EXPECT_NE(cam.requests[2].find("Session: 12345678"), std::string::npos);

  std::vector<RtspPacket> got;
  RtspPacket p;
  while (s->read(p, f)) got.push_back(std::move(p));
  EXPECT_EQ(f.code, "ended");
  ASSERT_EQ(got.size(), 5u);
  EXPECT_TRUE(got[0].key);
  EXPECT_EQ(h264::split_avcc(got[0].au.avcc)->back(), idr);
  EXPECT_EQ(got[1].dts_90k, 3000);
  EXPECT_EQ(h264::split_avcc(got[2].au.avcc)->at(0), "\x41p2");
  EXPECT_TRUE(got[3].key) << "after the loss, the next frame given is the keyframe";
  EXPECT_EQ(got[3].dts_90k, 15000);
  EXPECT_LT(got[4].dts_90k, 15000) << "a jump backwards is passed on for the writer to end the run";
  EXPECT_EQ(s->lost_packets(), 1);
}

TEST(RtspSession, FollowsARedirectToAnotherServer) {
  ScriptedCamera moved([](ScriptedCamera& c) {
    c.request();
    c.reply(401, "WWW-Authenticate: Digest realm=\"b\", nonce=\"second\"\r\n");
    c.request();
    c.reply(200, "", sdp("m=audio 0 RTP/AVP 0\r\n"));
  });
  ScriptedCamera first([&](ScriptedCamera& c) {
    c.request();
    c.reply(401, "WWW-Authenticate: Digest realm=\"a\", nonce=\"first\"\r\n");
    c.request();
    c.reply(302, "Location: " + moved.url("/moved") + "\r\n");
  });
  RtspFailure f;
  auto o = quick();
  o.credentials = std::pair<std::string, std::string>{"viewer", "pw"};
  EXPECT_FALSE(RtspSession::open(first.url(), o, nullptr, f));
  EXPECT_EQ(f.code, "no_video") << "followed the redirect and authenticated again there: " << f.en;
  ASSERT_EQ(moved.requests.size(), 2u);
  EXPECT_EQ(moved.requests[0].rfind("DESCRIBE " + moved.url("/moved") + " ", 0), 0u);
  EXPECT_NE(moved.requests[1].find("nonce=\"second\""), std::string::npos);
}
