// fuzz_rtsp (docs/formats.md §10): the text side of our RTSP client (src/video/rtp.h) — what a camera
// answers to DESCRIBE/SETUP/PLAY, its session description and its WWW-Authenticate challenge.
// The whole input is read as one RTSP message (parse_message), and also, on its own, as an SDP
// (parse_sdp), a URL (parse_url), a WWW-Authenticate value (parse_challenge) and sprop-parameter-sets.
// When the message parses, its WWW-Authenticate headers, SDP body, Content-Base and Location go through
// the same checks, and the video medium's control is resolved against the base (resolve_control).
// Properties, not only "no crash":
//  - parse_message: on ok, consumed ≤ size, status 0 or 100..999, the body is the Content-Length bytes
//    ending at `consumed`, header() is case-insensitive and returns the first header of that name; the
//    same bytes cut at `consumed` parse the same, cut one byte earlier are incomplete (never bad).
//  - parse_challenge + authorization: Digest only with a nonce and MD5; the Authorization value is
//    exactly `Digest username=…, realm=…, nonce="<nonce>", uri=…, response="<32 hex>"[, opaque][, qop…]`;
//    Basic is base64(user:password).
//  - parse_sdp: video payload 0..127, encoding upper case, clock rate > 0, framerate 0 or in (0, 240];
//    CRLF and LF line ends read the same.
//  - sprop_parameter_sets: on ok an SPS (≥ 4 bytes, type 7) and a PPS (type 8) that re-encode to the same;
//    parse_sps on the SPS gives 1..16384 × 1..16384 and fps 0 or in (0, 1000].
//  - parse_url: on ok port ≥ 1, host non-empty without blanks, url starts with "rtsp://" and parses
//    again to the same host, port and url with no user or password.
//  - resolve_control: "" and "*" give the base, absolute rtsp:// controls themselves, relative ones end
//    with the control after the base (or its scheme+authority); against a parsed URL the result keeps
//    its host and port.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "fuzz_check.h"
#include "fuzz_sps.h"
#include "video/h264.h"
#include "video/rtp.h"

namespace h264 = watchfloor::video::h264;
namespace rtsp = watchfloor::video::rtsp;

namespace {

char lower(char c) { return c >= 'A' && c <= 'Z' ? char(c - 'A' + 'a') : c; }
char upper(char c) { return c >= 'a' && c <= 'z' ? char(c - 'a' + 'A') : c; }

bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i)
    if (lower(a[i]) != lower(b[i])) return false;
  return true;
}

bool starts_with(std::string_view s, std::string_view p) { return s.substr(0, p.size()) == p; }
bool ends_with(std::string_view s, std::string_view p) {
  return s.size() >= p.size() && s.substr(s.size() - p.size()) == p;
}

// Our own base64 (RFC 4648, padded): an oracle independent of the libsodium call inside rtp.cpp.
std::string base64(std::string_view in) {
  static constexpr char kAlpha[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  for (size_t i = 0; i < in.size(); i += 3) {
    uint32_t v = uint32_t(uint8_t(in[i])) << 16;
    if (i + 1 < in.size()) v |= uint32_t(uint8_t(in[i + 1])) << 8;
    if (i + 2 < in.size()) v |= uint8_t(in[i + 2]);
    out.push_back(kAlpha[(v >> 18) & 63]);
    out.push_back(kAlpha[(v >> 12) & 63]);
    out.push_back(i + 1 < in.size() ? kAlpha[(v >> 6) & 63] : '=');
    out.push_back(i + 2 < in.size() ? kAlpha[v & 63] : '=');
  }
  return out;
}

void check_sprop(std::string_view sprop) {
  auto ps = rtsp::sprop_parameter_sets(sprop);
  if (!ps) return;
  FUZZ_CHECK(ps->sps.size() >= 4 && h264::nal_type(ps->sps) == h264::kSps);
  FUZZ_CHECK(!ps->pps.empty() && h264::nal_type(ps->pps) == h264::kPps);
  FUZZ_CHECK(ps->sps.size() <= h264::kMaxParameterSet && ps->pps.size() <= h264::kMaxParameterSet);
  auto again = rtsp::sprop_parameter_sets(base64(ps->sps) + "," + base64(ps->pps));
  FUZZ_CHECK(again && again->sps == ps->sps && again->pps == ps->pps);
  check_sps(ps->sps);
}

std::optional<rtsp::Url> check_url(std::string_view text) {
  auto u = rtsp::parse_url(text);
  if (!u) return u;
  FUZZ_CHECK(iequals(text.substr(0, 7), "rtsp://"));
  FUZZ_CHECK(u->port >= 1);
  FUZZ_CHECK(!u->host.empty() && u->host.find_first_of(" \r\n") == std::string::npos);
  FUZZ_CHECK(starts_with(u->url, "rtsp://") && u->url.find_first_of(" \r\n") == std::string::npos);
  auto again = rtsp::parse_url(u->url);  // what a request line and a redirect carry
  FUZZ_CHECK(again);
  FUZZ_CHECK(again->host == u->host && again->port == u->port && again->url == u->url);
  FUZZ_CHECK(again->user.empty() && again->password.empty());
  return u;
}

void check_control(std::string_view base, std::string_view control, bool base_is_url) {
  std::string r = rtsp::resolve_control(base, control);
  if (control.empty() || control == "*") {
    FUZZ_CHECK(r == base);
    return;
  }
  if (control.size() > 7 && iequals(control.substr(0, 7), "rtsp://")) {
    FUZZ_CHECK(r == control);
    return;
  }
  FUZZ_CHECK(ends_with(r, control));
  std::string_view head = std::string_view(r).substr(0, r.size() - control.size());
  if (control.front() == '/') {
    FUZZ_CHECK(starts_with(base, head));  // scheme and authority of the base (or all of it)
  } else {
    FUZZ_CHECK(head == base || (head.size() == base.size() + 1 && starts_with(head, base) && head.back() == '/'));
  }
  if (base_is_url && control.find_first_of(" \r\n") == std::string_view::npos) {
    auto b = rtsp::parse_url(base);
    auto u = rtsp::parse_url(r);
    FUZZ_CHECK(b && u);
    FUZZ_CHECK(u->host == b->host && u->port == b->port);
  }
}

void check_challenge(const rtsp::Message& m, std::string_view user, std::string_view password) {
  auto c = rtsp::parse_challenge(m);
  bool any = false;
  for (const auto& [k, v] : m.headers) any |= iequals(k, "WWW-Authenticate");
  if (!any) FUZZ_CHECK(!c);
  if (!c) return;
  const std::string uri = "rtsp://10.0.0.7/stream1";
  const std::string cnonce = "0a4f113b";
  std::string h = rtsp::authorization(*c, user, password, "DESCRIBE", uri, 1, cnonce);
  if (!c->digest) {
    FUZZ_CHECK(h == "Basic " + base64(std::string(user) + ":" + std::string(password)));
    return;
  }
  FUZZ_CHECK(!c->nonce.empty() && (c->algorithm.empty() || iequals(c->algorithm, "MD5")));
  std::string head = "Digest username=\"" + std::string(user) + "\", realm=\"" + c->realm + "\", nonce=\"" + c->nonce +
                     "\", uri=\"" + uri + "\", response=\"";
  FUZZ_CHECK(h.find("nonce=\"" + c->nonce + "\"") != std::string::npos);
  FUZZ_CHECK(starts_with(h, head) && h.size() >= head.size() + 33);
  for (size_t i = head.size(); i < head.size() + 32; ++i)
    FUZZ_CHECK((h[i] >= '0' && h[i] <= '9') || (h[i] >= 'a' && h[i] <= 'f'));
  FUZZ_CHECK(h[head.size() + 32] == '"');
  std::string tail;
  if (!c->opaque.empty()) tail += ", opaque=\"" + c->opaque + "\"";
  if (c->qop_auth) tail += ", qop=auth, nc=00000001, cnonce=\"" + cnonce + "\"";
  FUZZ_CHECK(std::string_view(h).substr(head.size() + 33) == tail);
  // The response depends on the nonce count only with qop=auth.
  std::string h2 = rtsp::authorization(*c, user, password, "DESCRIBE", uri, 2, cnonce);
  FUZZ_CHECK((h2.substr(head.size(), 32) == h.substr(head.size(), 32)) == !c->qop_auth);
}

bool same(const rtsp::Sdp& a, const rtsp::Sdp& b) {
  if (a.media != b.media || a.session_control != b.session_control || a.video.has_value() != b.video.has_value())
    return false;
  if (!a.video) return true;
  const auto &x = *a.video, &y = *b.video;
  return x.payload == y.payload && x.encoding == y.encoding && x.clock_rate == y.clock_rate && x.control == y.control &&
         x.sprop == y.sprop && x.framerate == y.framerate;
}

rtsp::Sdp check_sdp(std::string_view text) {
  rtsp::Sdp sdp = rtsp::parse_sdp(text);
  FUZZ_CHECK(sdp.media >= 0);
  if (sdp.video) {
    const auto& v = *sdp.video;
    FUZZ_CHECK(sdp.media >= 1);
    FUZZ_CHECK(v.payload >= 0 && v.payload <= 127);
    for (char ch : v.encoding) FUZZ_CHECK(ch == upper(ch));
    FUZZ_CHECK(v.clock_rate > 0);
    FUZZ_CHECK(v.framerate == 0 || (v.framerate > 0 && v.framerate <= 240));
    check_sprop(v.sprop);
  }
  // Line ends: a camera sends CRLF or bare LF; both read the same.
  std::string crlf;
  crlf.reserve(text.size() + text.size() / 8);
  for (char ch : text) {
    if (ch == '\n') crlf.push_back('\r');
    crlf.push_back(ch);
  }
  FUZZ_CHECK(same(rtsp::parse_sdp(crlf), sdp));
  return sdp;
}

void check_message(std::string_view in, std::string_view user, std::string_view password) {
  rtsp::Message m;
  size_t consumed = SIZE_MAX;
  auto r = rtsp::parse_message(in, m, consumed);
  if (r != rtsp::ParseResult::ok) return;
  FUZZ_CHECK(consumed <= in.size());
  FUZZ_CHECK(m.status == 0 || (m.status >= 100 && m.status <= 999));
  // Body: exactly Content-Length bytes (the first such header), the last bytes of the message.
  size_t length = 0;
  if (auto cl = m.header("content-length")) {
    FUZZ_CHECK(!cl->empty());
    for (char ch : *cl) {
      FUZZ_CHECK(ch >= '0' && ch <= '9');
      length = length * 10 + size_t(ch - '0');
      FUZZ_CHECK(length <= rtsp::kMaxMessage);
    }
  }
  FUZZ_CHECK(m.body.size() == length && length <= consumed);
  FUZZ_CHECK(in.substr(consumed - length, length) == m.body);
  // header(): case-insensitive, the first header of that name, consistent with `headers`.
  for (size_t i = 0; i < m.headers.size(); ++i) {
    const auto& name = m.headers[i].first;
    size_t first = i;
    for (size_t j = 0; j < i; ++j)
      if (iequals(m.headers[j].first, name)) {
        first = j;
        break;
      }
    std::string up(name), low(name);
    for (auto& ch : up) ch = upper(ch);
    for (auto& ch : low) ch = lower(ch);
    for (const auto& n : {name, up, low}) {
      auto v = m.header(n);
      FUZZ_CHECK(v && *v == m.headers[first].second);
    }
  }
  // A stream reader sees the same message in the bytes up to `consumed`, and waits for more before.
  {
    rtsp::Message m2;
    size_t c2 = SIZE_MAX;
    FUZZ_CHECK(rtsp::parse_message(in.substr(0, consumed), m2, c2) == rtsp::ParseResult::ok);
    FUZZ_CHECK(c2 == consumed && m2.status == m.status && m2.headers == m.headers && m2.body == m.body);
    if (consumed > 0 && consumed <= rtsp::kMaxMessage) {
      size_t c3 = SIZE_MAX;
      FUZZ_CHECK(rtsp::parse_message(in.substr(0, consumed - 1), m2, c3) == rtsp::ParseResult::incomplete);
    }
  }

  check_challenge(m, user, password);
  rtsp::Sdp sdp = check_sdp(m.body);
  std::optional<std::string> base;
  for (const char* name : {"Content-Base", "Content-Location", "Location"})
    if (auto v = m.header(name)) {
      auto u = check_url(*v);
      if (u && !base && name[0] == 'C') base = u->url;
    }
  if (sdp.video) {
    check_control(base.value_or("rtsp://10.0.0.7:554/stream1"), sdp.video->control, true);
    check_control(sdp.video->control, sdp.session_control, false);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view in(reinterpret_cast<const char*>(data), size);

  // The URL; its user and password (when it has them) then answer the challenges.
  auto url = check_url(in);
  std::string user = url && !url->user.empty() ? url->user : "admin";
  std::string password = url && !url->user.empty() ? url->password : "secret";

  check_message(in, user, password);

  // The whole input as a WWW-Authenticate value, an SDP and sprop-parameter-sets.
  rtsp::Message challenge;
  challenge.headers.emplace_back("WWW-Authenticate", std::string(in));
  check_challenge(challenge, user, password);
  rtsp::Sdp sdp = check_sdp(in);
  if (sdp.video) check_control(url ? url->url : "rtsp://10.0.0.7/", sdp.video->control, url.has_value());
  check_sprop(in);
  check_sps(in);
  return 0;
}
