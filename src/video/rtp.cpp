#include "video/rtp.h"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <map>
#include <tuple>

#include "core/base64.h"
#include "core/hash.h"
#include "video/h265.h"

namespace watchfloor::video::rtsp {

namespace {

bool iequals(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) == std::tolower(static_cast<unsigned char>(y));
         });
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) s.remove_suffix(1);
  return s;
}

// The `sep`-separated parts of s, each trimmed (empty parts kept, no part after a trailing separator).
std::vector<std::string_view> split(std::string_view s, char sep) {
  std::vector<std::string_view> out;
  while (!s.empty()) {
    size_t end = s.find(sep);
    out.push_back(trim(s.substr(0, end)));
    s = end == std::string_view::npos ? std::string_view{} : s.substr(end + 1);
  }
  return out;
}

std::string upper(std::string_view s) {
  std::string out(s);
  for (auto& c : out) c = char(std::toupper(static_cast<unsigned char>(c)));
  return out;
}

std::string percent_decode(std::string_view s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    unsigned v = 0;
    auto [end, ec] = i + 2 < s.size() ? std::from_chars(s.data() + i + 1, s.data() + i + 3, v, 16)
                                      : std::from_chars_result{s.data(), std::errc::invalid_argument};
    if (s[i] == '%' && ec == std::errc{} && end == s.data() + i + 3) {
      out.push_back(char(v));
      i += 2;
    } else {
      out.push_back(s[i]);
    }
  }
  return out;
}

// key=value or key="value" pairs separated by commas (WWW-Authenticate parameters).
std::vector<std::pair<std::string, std::string>> auth_params(std::string_view s) {
  std::vector<std::pair<std::string, std::string>> out;
  size_t i = 0;
  while (i < s.size()) {
    while (i < s.size() && (s[i] == ' ' || s[i] == ',')) ++i;
    size_t eq = s.find('=', i);
    if (eq == std::string_view::npos) break;
    std::string key(trim(s.substr(i, eq - i)));
    i = eq + 1;
    std::string value;
    if (i < s.size() && s[i] == '"') {
      size_t end = s.find('"', i + 1);
      if (end == std::string_view::npos) end = s.size();
      value = std::string(s.substr(i + 1, end - i - 1));
      i = end + 1;
    } else {
      size_t end = s.find(',', i);
      if (end == std::string_view::npos) end = s.size();
      value = std::string(trim(s.substr(i, end - i)));
      i = end;
    }
    out.emplace_back(std::move(key), std::move(value));
  }
  return out;
}

}  // namespace

std::optional<Url> parse_url(std::string_view text) {
  constexpr std::string_view scheme = "rtsp://";
  if (text.size() <= scheme.size() || !iequals(text.substr(0, scheme.size()), scheme)) return std::nullopt;
  std::string_view rest = text.substr(scheme.size());
  size_t slash = rest.find_first_of("/?");
  std::string_view authority = rest.substr(0, slash);
  std::string_view path = slash == std::string_view::npos ? "/" : rest.substr(slash);
  Url u;
  if (size_t at = authority.rfind('@'); at != std::string_view::npos) {
    std::string_view userinfo = authority.substr(0, at);
    size_t colon = userinfo.find(':');
    u.user = percent_decode(userinfo.substr(0, colon));
    if (colon != std::string_view::npos) u.password = percent_decode(userinfo.substr(colon + 1));
    authority = authority.substr(at + 1);
  }
  std::string_view host = authority, port;
  const bool bracketed = !authority.empty() && authority.front() == '[';
  if (bracketed) {  // [IPv6]:port
    size_t close = authority.find(']');
    if (close == std::string_view::npos) return std::nullopt;
    host = authority.substr(1, close - 1);
    if (close + 1 < authority.size()) {
      if (authority[close + 1] != ':') return std::nullopt;
      port = authority.substr(close + 2);
    }
  } else if (size_t colon = authority.rfind(':'); colon != std::string_view::npos) {
    host = authority.substr(0, colon);
    port = authority.substr(colon + 1);
  }
  // A host name, an IPv4 address, or (bracketed, and only then) an IPv6 address: nothing that would
  // read back differently.
  auto host_char = [&](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '.' || c == '_' ||
           (bracketed && (c == ':' || c == '%'));
  };
  if (host.empty() || !std::all_of(host.begin(), host.end(), host_char) ||
      bracketed != (host.find(':') != std::string_view::npos))
    return std::nullopt;
  if (!port.empty()) {
    unsigned p = 0;
    auto [end, ec] = std::from_chars(port.data(), port.data() + port.size(), p);
    if (ec != std::errc{} || end != port.data() + port.size() || p == 0 || p > 65535) return std::nullopt;
    u.port = uint16_t(p);
    u.port_given = true;
  }
  if (path.find_first_of(" \r\n") != std::string_view::npos) return std::nullopt;
  u.host = std::string(host);
  u.url = fmt::format("rtsp://{}{}{}{}{}", bracketed ? "[" : "", u.host, bracketed ? "]" : "",
                      port.empty() ? "" : ":" + std::string(port), path);
  return u;
}

std::string resolve_control(std::string_view base, std::string_view control) {
  if (control.empty() || control == "*") return std::string(base);
  if (control.size() > 7 && iequals(control.substr(0, 7), "rtsp://")) return std::string(control);
  std::string b(base);
  if (control.front() == '/') {  // absolute path on the same host
    size_t host_end = b.find('/', 7);
    return (host_end == std::string::npos ? b : b.substr(0, host_end)) + std::string(control);
  }
  if (b.empty() || b.back() != '/') b.push_back('/');
  return b + std::string(control);
}

std::optional<std::string_view> Message::header(std::string_view name) const {
  for (const auto& [k, v] : headers)
    if (iequals(k, name)) return std::string_view(v);
  return std::nullopt;
}

ParseResult parse_message(std::string_view buf, Message& out, size_t& consumed) {
  size_t head_end = buf.find("\r\n\r\n");
  size_t sep = 4;
  if (size_t lf = buf.find("\n\n"); lf != std::string_view::npos && (head_end == std::string_view::npos || lf < head_end))
    head_end = lf, sep = 2;
  if (head_end == std::string_view::npos) return buf.size() > kMaxMessage ? ParseResult::bad : ParseResult::incomplete;
  if (head_end > kMaxMessage) return ParseResult::bad;
  std::string_view head = buf.substr(0, head_end);
  size_t eol = head.find('\n');
  std::string_view first = trim(head.substr(0, eol));
  out = Message{};
  if (first.substr(0, 5) == "RTSP/") {
    size_t sp = first.find(' ');
    if (sp == std::string_view::npos) return ParseResult::bad;
    std::string_view code = first.substr(sp + 1, 3);
    int status = 0;
    if (std::from_chars(code.data(), code.data() + code.size(), status).ec != std::errc{} || status < 100 ||
        status > 999)
      return ParseResult::bad;
    out.status = status;
  } else if (first.find(" RTSP/") == std::string_view::npos) {
    return ParseResult::bad;  // neither a response nor a request: not RTSP
  }
  for (auto line : split(eol == std::string_view::npos ? std::string_view{} : head.substr(eol + 1), '\n')) {
    if (line.empty()) continue;
    size_t colon = line.find(':');
    if (colon == std::string_view::npos) return ParseResult::bad;
    out.headers.emplace_back(std::string(trim(line.substr(0, colon))), std::string(trim(line.substr(colon + 1))));
  }
  size_t length = 0;
  if (auto cl = out.header("Content-Length")) {
    auto [end, ec] = std::from_chars(cl->data(), cl->data() + cl->size(), length);
    if (ec != std::errc{} || end != cl->data() + cl->size() || length > kMaxMessage) return ParseResult::bad;
  }
  size_t body_at = head_end + sep;
  if (buf.size() - body_at < length) return ParseResult::incomplete;
  out.body = std::string(buf.substr(body_at, length));
  consumed = body_at + length;
  return ParseResult::ok;
}

std::optional<Challenge> parse_challenge(const Message& m) {
  std::optional<Challenge> basic;
  for (const auto& [k, v] : m.headers) {
    if (!iequals(k, "WWW-Authenticate")) continue;
    std::string_view value = trim(v);
    size_t sp = value.find(' ');
    std::string_view scheme = value.substr(0, sp);
    auto params = auth_params(sp == std::string_view::npos ? "" : value.substr(sp + 1));
    Challenge c;
    for (const auto& [pk, pv] : params) {
      if (iequals(pk, "realm")) c.realm = pv;
      if (iequals(pk, "nonce")) c.nonce = pv;
      if (iequals(pk, "opaque")) c.opaque = pv;
      if (iequals(pk, "algorithm")) c.algorithm = pv;
      if (iequals(pk, "qop"))
        for (auto q : split(pv, ',')) c.qop_auth |= iequals(q, "auth");
    }
    if (iequals(scheme, "Digest") && !c.nonce.empty() && (c.algorithm.empty() || iequals(c.algorithm, "MD5"))) {
      c.digest = true;
      return c;
    }
    if (iequals(scheme, "Basic")) basic = c;
  }
  return basic;
}

std::string authorization(const Challenge& c, std::string_view user, std::string_view password,
                          std::string_view method, std::string_view uri, uint32_t nc, std::string_view cnonce) {
  if (!c.digest) return "Basic " + core::to_base64(fmt::format("{}:{}", user, password));
  std::string ha1 = core::md5_hex(fmt::format("{}:{}:{}", user, c.realm, password));
  std::string ha2 = core::md5_hex(fmt::format("{}:{}", method, uri));
  std::string nc_hex = fmt::format("{:08x}", nc);
  std::string response = c.qop_auth ? core::md5_hex(fmt::format("{}:{}:{}:{}:auth:{}", ha1, c.nonce, nc_hex, cnonce, ha2))
                                    : core::md5_hex(fmt::format("{}:{}:{}", ha1, c.nonce, ha2));
  std::string h = fmt::format(R"(Digest username="{}", realm="{}", nonce="{}", uri="{}", response="{}")", user,
                              c.realm, c.nonce, uri, response);
  if (!c.opaque.empty()) h += fmt::format(R"(, opaque="{}")", c.opaque);
  if (c.qop_auth) h += fmt::format(R"(, qop=auth, nc={}, cnonce="{}")", nc_hex, cnonce);
  return h;
}

Sdp parse_sdp(std::string_view text) {
  Sdp sdp;
  SdpVideo cur;  // the video medium being read, before it is kept
  bool in_media = false, in_video = false, have = false;
  std::vector<int> formats;          // payload types of the current m= line
  std::map<int, std::map<std::string, std::string>> fmtp;  // by payload type: lower-case key → value
  auto keep = [&] {
    if (have && !sdp.video) {
      auto& f = fmtp[cur.payload];
      cur.sprop = f["sprop-parameter-sets"];
      cur.sprop_vps = f["sprop-vps"];
      cur.sprop_sps = f["sprop-sps"];
      cur.sprop_pps = f["sprop-pps"];
      std::string_view don = f["sprop-max-don-diff"];
      int d = 0;
      std::from_chars(don.data(), don.data() + don.size(), d);
      cur.max_don_diff = d;
      sdp.video = cur;
    }
    have = false;
  };
  // What we record, best first: H.264 plays in every browser, H.265 only in some.
  auto rank = [](std::string_view encoding) { return encoding == "H264" ? 2 : encoding == "H265" ? 1 : 0; };
  for (auto line : split(text, '\n')) {
    if (line.size() < 2 || line[1] != '=') continue;
    std::string_view v = line.substr(2);
    if (line[0] == 'm') {
      keep();
      ++sdp.media;
      in_media = true;
      // m=video 0 RTP/AVP 96 97 — the first format, unless an rtpmap below names H.264 among them
      in_video = v.substr(0, 6) == "video ";
      formats.clear();
      fmtp.clear();
      if (in_video) {
        auto fields = split(v, ' ');
        for (size_t i = 3; i < fields.size(); ++i) {
          int f = -1;
          if (std::from_chars(fields[i].data(), fields[i].data() + fields[i].size(), f).ec == std::errc{} && f >= 0 &&
              f < 128)
            formats.push_back(f);
        }
        int pt = formats.empty() ? -1 : formats.front();
        if (pt >= 0) {
          cur = SdpVideo{};
          have = true;
          cur.payload = pt;
          if (pt == 26) cur.encoding = "JPEG";  // static payload types name no rtpmap
          if (pt == 32) cur.encoding = "MPV";
          if (pt == 34) cur.encoding = "H263";
        }
      }
      continue;
    }
    if (line[0] != 'a') continue;
    if (!in_media) {
      if (v.substr(0, 8) == "control:") sdp.session_control = std::string(trim(v.substr(8)));
      continue;
    }
    if (!in_video || !have) continue;
    int pt = -1;
    auto after_pt = [&](std::string_view attr) -> std::optional<std::string_view> {
      // a=rtpmap:96 H264/90000 — for one of this medium's formats
      std::string_view rest = v.substr(attr.size());
      size_t sp = rest.find(' ');
      if (sp == std::string_view::npos || std::from_chars(rest.data(), rest.data() + sp, pt).ec != std::errc{} ||
          std::find(formats.begin(), formats.end(), pt) == formats.end())
        return std::nullopt;
      return trim(rest.substr(sp + 1));
    };
    if (v.substr(0, 7) == "rtpmap:") {
      if (auto m = after_pt("rtpmap:")) {
        size_t slash = m->find('/');
        std::string encoding = upper(m->substr(0, slash));
        // The chosen format is the first, or a later one that we record and rank higher.
        if (pt != cur.payload && rank(encoding) <= rank(cur.encoding)) continue;
        cur.payload = pt;
        cur.encoding = std::move(encoding);
        cur.clock_rate = 90'000;
        if (slash != std::string_view::npos) {
          uint32_t rate = 0;
          std::string_view r = m->substr(slash + 1);
          std::from_chars(r.data(), r.data() + r.size(), rate);
          if (rate > 0) cur.clock_rate = rate;
        }
      }
    } else if (v.substr(0, 5) == "fmtp:") {
      if (auto m = after_pt("fmtp:")) {
        for (auto kv : split(*m, ';')) {
          size_t eq = kv.find('=');
          if (eq == std::string_view::npos) continue;
          std::string key(trim(kv.substr(0, eq)));
          for (auto& c : key) c = char(std::tolower(static_cast<unsigned char>(c)));
          fmtp[pt][key] = std::string(trim(kv.substr(eq + 1)));
        }
      }
    } else if (v.substr(0, 8) == "control:") {
      cur.control = std::string(trim(v.substr(8)));
    } else if (v.substr(0, 10) == "framerate:") {
      std::string_view r = trim(v.substr(10));
      try {
        double f = std::stod(std::string(r));
        if (f > 0 && f <= 240) cur.framerate = f;
      } catch (const std::exception&) {
      }
    }
  }
  keep();
  return sdp;
}

std::optional<h264::ParameterSets> sprop_parameter_sets(std::string_view sprop) {
  h264::ParameterSets ps;
  for (auto part : split(sprop, ',')) {
    auto nal = core::from_base64(part);
    if (!nal || nal->empty() || nal->size() > h264::kMaxParameterSet) return std::nullopt;
    if (h264::nal_type(*nal) == h264::kSps && ps.sps.empty()) ps.sps = std::move(*nal);
    else if (h264::nal_type(*nal) == h264::kPps && ps.pps.empty()) ps.pps = std::move(*nal);
  }
  if (ps.sps.size() < 4 || ps.pps.empty()) return std::nullopt;
  return ps;
}

std::optional<h264::ParameterSets> sprop_h265(const SdpVideo& v) {
  h264::ParameterSets ps;
  for (auto [sprop, type, out] : {std::tuple{&v.sprop_vps, h265::kVps, &ps.vps},
                                  std::tuple{&v.sprop_sps, h265::kSps, &ps.sps},
                                  std::tuple{&v.sprop_pps, h265::kPps, &ps.pps}}) {
    auto parts = split(*sprop, ',');
    if (parts.empty()) return std::nullopt;
    auto nal = core::from_base64(parts.front());
    if (!nal || nal->size() > h264::kMaxParameterSet || h265::nal_type(*nal) != type) return std::nullopt;
    *out = std::move(*nal);
  }
  return ps;
}

std::optional<RtpPacket> parse_rtp(std::string_view d) {
  if (d.size() < 12 || (uint8_t(d[0]) >> 6) != 2) return std::nullopt;
  RtpPacket p;
  bool padding = uint8_t(d[0]) & 0x20, extension = uint8_t(d[0]) & 0x10;
  size_t at = 12 + 4 * size_t(uint8_t(d[0]) & 0x0f);
  p.marker = uint8_t(d[1]) & 0x80;
  p.payload_type = uint8_t(d[1]) & 0x7f;
  p.seq = uint16_t((uint8_t(d[2]) << 8) | uint8_t(d[3]));
  p.timestamp = (uint32_t(uint8_t(d[4])) << 24) | (uint32_t(uint8_t(d[5])) << 16) | (uint32_t(uint8_t(d[6])) << 8) |
                uint32_t(uint8_t(d[7]));
  if (extension) {
    if (d.size() < at + 4) return std::nullopt;
    at += 4 + 4 * ((size_t(uint8_t(d[at + 2])) << 8) | uint8_t(d[at + 3]));
  }
  size_t end = d.size();
  if (padding) {
    size_t pad = uint8_t(d.back());
    if (pad == 0 || pad > end) return std::nullopt;
    end -= pad;
  }
  if (at > end) return std::nullopt;
  p.payload = d.substr(at, end - at);
  return p;
}

bool Depacketizer::note(std::string_view nal) {
  if (hevc_) {
    uint8_t t = h265::nal_type(nal);
    if (t == h265::kAud || t == h265::kFiller) return false;
    if (t >= h265::kAggregation) {  // an aggregation or fragment inside an aggregate, or unspecified
      cur_.damaged = true;
      return false;
    }
    if (h265::is_irap(t)) cur_.au.idr = true;
    if (nal.size() <= h264::kMaxParameterSet) {
      if (t == h265::kVps && !cur_.au.vps) cur_.au.vps = std::string(nal);
      if (t == h265::kSps && !cur_.au.sps) cur_.au.sps = std::string(nal);
      if (t == h265::kPps && !cur_.au.pps) cur_.au.pps = std::string(nal);
    }
    return true;
  }
  uint8_t t = h264::nal_type(nal);
  if (nal.empty() || t == h264::kAud || t == h264::kFiller) return false;
  if (t == 0 || t >= 24) {  // reserved, or an aggregation type inside an aggregate: not a NAL we can store
    cur_.damaged = true;
    return false;
  }
  if (t == h264::kIdr) cur_.au.idr = true;
  if (t == h264::kSps && !cur_.au.sps && nal.size() <= h264::kMaxParameterSet) cur_.au.sps = std::string(nal);
  if (t == h264::kPps && !cur_.au.pps && nal.size() <= h264::kMaxParameterSet) cur_.au.pps = std::string(nal);
  return true;
}

namespace {
void put_length(char* at, size_t n) {
  at[0] = char(n >> 24), at[1] = char(n >> 16), at[2] = char(n >> 8), at[3] = char(n);
}
}  // namespace

void Depacketizer::add_nal(std::string_view nal) {
  if (!note(nal)) return;
  size_t at = cur_.au.avcc.size();
  cur_.au.avcc.resize(at + 4);
  put_length(cur_.au.avcc.data() + at, nal.size());
  cur_.au.avcc.append(nal);
}

void Depacketizer::finish(std::vector<Unit>& out) {
  abort_fu();
  if (active_ && (!cur_.au.avcc.empty() || cur_.damaged)) out.push_back(std::move(cur_));
  cur_ = Unit{};
  active_ = false;
}

void Depacketizer::abort_fu() {
  if (!in_fu_) return;  // a fragmented NAL that will never be whole: cut it off
  cur_.au.avcc.resize(fu_start_);
  cur_.damaged = true;
  in_fu_ = false;
}

void Depacketizer::push(const RtpPacket& p, std::vector<Unit>& out) {
  if (last_seq_ && int16_t(uint16_t(p.seq - *last_seq_)) <= 0) return;  // a duplicate or a late packet
  bool loss = last_seq_ && uint16_t(p.seq - *last_seq_) != 1;
  if (loss) lost_ += uint16_t(p.seq - *last_seq_) - 1;
  last_seq_ = p.seq;
  if (active_ && p.timestamp != cur_.timestamp) finish(out);
  if (!active_) {
    cur_.timestamp = p.timestamp;
    active_ = true;
  }
  if (loss) {
    cur_.damaged = true;
    abort_fu();
  }
  std::string_view d = p.payload;
  // The payload header: H.264's one byte, H.265's two (RFC 7798 §4.4); its type says the structure.
  const size_t header = hevc_ ? 2 : 1;
  const uint8_t kSingleMax = hevc_ ? 47 : 23, kAggregate = hevc_ ? 48 : 24, kFragment = hevc_ ? 49 : 28;
  uint8_t type = d.size() < header ? 0xff : hevc_ ? h265::nal_type(d) : uint8_t(d[0]) & 0x1f;
  if (type != kFragment) abort_fu();  // anything but the next fragment while one is open: its end was lost
  if (d.empty()) {
    // nothing to add; a marker still ends the access unit
  } else if (type <= kSingleMax && (hevc_ || type >= 1)) {
    add_nal(d);
  } else if (type == kAggregate) {  // STAP-A / AP: 16-bit size + NAL, repeated
    size_t at = header;
    while (at + 2 <= d.size()) {
      size_t n = (size_t(uint8_t(d[at])) << 8) | uint8_t(d[at + 1]);
      at += 2;
      if (n == 0 || n > d.size() - at) {
        cur_.damaged = true;
        break;
      }
      add_nal(d.substr(at, n));
      at += n;
    }
  } else if (type == kFragment && d.size() >= header + 1) {  // FU-A / FU
    uint8_t fu = uint8_t(d[header]);
    bool start = fu & 0x80, end = fu & 0x40;
    uint8_t nal_type = hevc_ ? fu & 0x3f : fu & 0x1f;
    if (start) {
      abort_fu();
      if (hevc_ ? nal_type >= h265::kAggregation : (nal_type == 0 || nal_type >= 24)) {
        cur_.damaged = true;
        in_fu_ = false;
      } else {
        fu_start_ = cur_.au.avcc.size();
        cur_.au.avcc.append(4, '\0');
        if (hevc_) {  // the NAL header: F and layer id from the payload header, the type from the FU header
          cur_.au.avcc.push_back(char((uint8_t(d[0]) & 0x81) | (nal_type << 1)));
          cur_.au.avcc.push_back(d[1]);
        } else {
          cur_.au.avcc.push_back(char((uint8_t(d[0]) & 0xe0) | nal_type));
        }
        in_fu_ = true;
      }
    } else if (!in_fu_) {
      cur_.damaged = true;  // a middle or end without its start
    }
    if (in_fu_) {
      cur_.au.avcc.append(d.substr(header + 1));
      if (end) {  // the NAL is whole: its length goes into the 4 bytes kept for it
        in_fu_ = false;
        auto& b = cur_.au.avcc;
        if (note(std::string_view(b).substr(fu_start_ + 4)))
          put_length(b.data() + fu_start_, b.size() - fu_start_ - 4);
        else
          b.resize(fu_start_);
      }
    }
  } else {
    // H.264: STAP-B, MTAP, FU-B (interleaved mode, which we do not request); H.265: PACI, unspecified
    cur_.damaged = true;
  }
  if (p.marker) finish(out);
}

}  // namespace watchfloor::video::rtsp
