#include "video/h264.h"

#include <fmt/format.h>

namespace watchfloor::video::h264 {

namespace {

uint32_t be32(std::string_view d, size_t at) {
  return (uint32_t(uint8_t(d[at])) << 24) | (uint32_t(uint8_t(d[at + 1])) << 16) | (uint32_t(uint8_t(d[at + 2])) << 8) |
         uint32_t(uint8_t(d[at + 3]));
}

void put_be32(std::string& out, uint32_t v) {
  out.push_back(char(v >> 24));
  out.push_back(char(v >> 16));
  out.push_back(char(v >> 8));
  out.push_back(char(v));
}

// Position of the next 00 00 01 at or after `from`, or npos.
size_t find_start(std::string_view d, size_t from) {
  for (size_t i = from; i + 2 < d.size(); ++i) {
    if (uint8_t(d[i + 2]) > 1) {  // cannot end a start code: skip ahead (unsigned: bytes >= 0x80 too)
      i += 2;
      continue;
    }
    if (d[i] == 0 && d[i + 1] == 0 && d[i + 2] == 1) return i;
  }
  return std::string_view::npos;
}

}  // namespace

bool is_annexb(std::string_view d) {
  return (d.size() >= 3 && d[0] == 0 && d[1] == 0 && d[2] == 1) ||
         (d.size() >= 4 && d[0] == 0 && d[1] == 0 && d[2] == 0 && d[3] == 1);
}

std::vector<std::string_view> split_annexb(std::string_view d) {
  std::vector<std::string_view> out;
  size_t sc = find_start(d, 0);
  while (sc != std::string_view::npos) {
    size_t begin = sc + 3;
    size_t next = find_start(d, begin);
    size_t end = next == std::string_view::npos ? d.size() : next;
    while (end > begin && d[end - 1] == 0) --end;  // trailing_zero_8bits / the next 4-byte start code
    if (end > begin) out.push_back(d.substr(begin, end - begin));
    sc = next;
  }
  return out;
}

std::optional<std::vector<std::string_view>> split_avcc(std::string_view d) {
  std::vector<std::string_view> out;
  size_t at = 0;
  while (at < d.size()) {
    if (d.size() - at < 4) return std::nullopt;
    uint32_t n = be32(d, at);
    at += 4;
    if (n == 0 || n > d.size() - at) return std::nullopt;
    out.push_back(d.substr(at, n));
    at += n;
  }
  return out;
}

std::optional<AccessUnit> to_sample(std::string_view packet) {
  std::vector<std::string_view> nals;
  if (is_annexb(packet)) {
    nals = split_annexb(packet);
  } else if (auto v = split_avcc(packet)) {
    nals = std::move(*v);
  } else {
    return std::nullopt;
  }
  AccessUnit au;
  au.avcc.reserve(packet.size() + 16);
  for (auto nal : nals) {
    uint8_t t = nal_type(nal);
    if (t == kAud || t == kFiller) continue;
    if (t == kIdr) au.idr = true;
    if (t == kSps && !au.sps && nal.size() <= kMaxParameterSet) au.sps = std::string(nal);
    if (t == kPps && !au.pps && nal.size() <= kMaxParameterSet) au.pps = std::string(nal);
    put_be32(au.avcc, static_cast<uint32_t>(nal.size()));
    au.avcc.append(nal);
  }
  if (au.avcc.empty()) return std::nullopt;
  return au;
}

std::optional<ParameterSets> parameter_sets(std::string_view ex) {
  if (!ex.empty() && uint8_t(ex[0]) == 1) return parse_avcc_record(ex);
  ParameterSets ps;
  for (auto nal : split_annexb(ex)) {
    if (nal_type(nal) == kSps && ps.sps.empty()) ps.sps = std::string(nal);
    if (nal_type(nal) == kPps && ps.pps.empty()) ps.pps = std::string(nal);
  }
  if (ps.sps.size() < 4 || ps.pps.empty() || ps.sps.size() > kMaxParameterSet || ps.pps.size() > kMaxParameterSet)
    return std::nullopt;
  return ps;
}

std::string codec_string(std::string_view sps) {
  if (sps.size() < 4) return "avc1";
  return fmt::format("avc1.{:02x}{:02x}{:02x}", uint8_t(sps[1]), uint8_t(sps[2]), uint8_t(sps[3]));
}

std::string avcc_record(const ParameterSets& ps) {
  std::string r;
  r.push_back(1);
  r.push_back(ps.sps.size() > 1 ? ps.sps[1] : 0);
  r.push_back(ps.sps.size() > 2 ? ps.sps[2] : 0);
  r.push_back(ps.sps.size() > 3 ? ps.sps[3] : 0);
  r.push_back(char(0xff));  // lengthSizeMinusOne = 3
  r.push_back(char(0xe1));  // one SPS
  r.push_back(char(ps.sps.size() >> 8));
  r.push_back(char(ps.sps.size()));
  r.append(ps.sps);
  r.push_back(1);  // one PPS
  r.push_back(char(ps.pps.size() >> 8));
  r.push_back(char(ps.pps.size()));
  r.append(ps.pps);
  return r;
}

std::optional<ParameterSets> parse_avcc_record(std::string_view r) {
  if (r.size() < 7 || uint8_t(r[0]) != 1 || (uint8_t(r[4]) & 3) != 3) return std::nullopt;
  size_t at = 5;
  auto take = [&](std::string& out) {
    if (r.size() - at < 2) return false;
    size_t n = (size_t(uint8_t(r[at])) << 8) | uint8_t(r[at + 1]);
    at += 2;
    if (n == 0 || r.size() - at < n) return false;
    out = std::string(r.substr(at, n));
    at += n;
    return true;
  };
  ParameterSets ps;
  int nsps = uint8_t(r[at++]) & 0x1f;
  if (nsps < 1) return std::nullopt;
  for (int i = 0; i < nsps; ++i) {
    std::string s;
    if (!take(s)) return std::nullopt;
    if (i == 0) ps.sps = std::move(s);
  }
  if (at >= r.size()) return std::nullopt;
  int npps = uint8_t(r[at++]);
  if (npps < 1) return std::nullopt;
  for (int i = 0; i < npps; ++i) {
    std::string s;
    if (!take(s)) return std::nullopt;
    if (i == 0) ps.pps = std::move(s);
  }
  if (ps.sps.size() < 4 || nal_type(ps.sps) != kSps || nal_type(ps.pps) != kPps) return std::nullopt;
  return ps;
}

}  // namespace watchfloor::video::h264
