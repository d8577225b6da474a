#include "video/h264.h"

#include <fmt/format.h>

#include <algorithm>

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

// Bits of an RBSP (emulation prevention bytes removed), read MSB first. Reading past the end sets
// `bad` and yields zeros, so a parser checks once at the end.
class Bits {
 public:
  explicit Bits(std::string_view nal) {
    rbsp_.reserve(nal.size());
    int zeros = 0;
    for (char c : nal) {
      if (zeros >= 2 && c == 3) {  // 00 00 03: emulation prevention, not data
        zeros = 0;
        continue;
      }
      zeros = c == 0 ? zeros + 1 : 0;
      rbsp_.push_back(c);
    }
  }
  uint32_t u(int n) {
    uint32_t v = 0;
    for (int i = 0; i < n; ++i) v = (v << 1) | bit();
    return v;
  }
  uint32_t ue() {
    int zeros = 0;
    while (!bit()) {
      if (++zeros > 31 || bad) {
        bad = true;
        return 0;
      }
    }
    return zeros ? ((1u << zeros) - 1 + u(zeros)) : 0;
  }
  int32_t se() {
    uint32_t k = ue();
    return k & 1 ? int32_t((k + 1) / 2) : -int32_t(k / 2);
  }
  bool bad = false;

 private:
  uint32_t bit() {
    if (pos_ >= rbsp_.size() * 8) {
      bad = true;
      return 0;
    }
    uint32_t b = (uint8_t(rbsp_[pos_ / 8]) >> (7 - pos_ % 8)) & 1;
    ++pos_;
    return b;
  }
  std::string rbsp_;
  size_t pos_ = 0;
};

void skip_scaling_list(Bits& b, int size) {
  int last = 8, next = 8;
  for (int j = 0; j < size && !b.bad; ++j) {
    if (next != 0) {
      int32_t delta = b.se();
      if (delta < -128 || delta > 127) {  // delta_scale's range (§7.4.2.1.1.1)
        b.bad = true;
        return;
      }
      next = (last + delta + 256) % 256;
    }
    last = next == 0 ? last : next;
  }
}

}  // namespace

std::optional<SpsInfo> parse_sps(std::string_view nal) {
  if (nal_type(nal) != kSps || nal.size() < 4) return std::nullopt;
  Bits b(nal.substr(1));
  uint32_t profile = b.u(8);
  b.u(16);  // constraint flags, level
  b.ue();   // seq_parameter_set_id
  uint32_t chroma = 1;
  bool separate_planes = false;
  static constexpr uint32_t kHigh[] = {100, 110, 122, 244, 44, 83, 86, 118, 128, 138, 139, 134, 135};
  if (std::find(std::begin(kHigh), std::end(kHigh), profile) != std::end(kHigh)) {
    chroma = b.ue();
    if (chroma > 3) return std::nullopt;
    if (chroma == 3) separate_planes = b.u(1);
    b.ue();  // bit_depth_luma_minus8
    b.ue();  // bit_depth_chroma_minus8
    b.u(1);  // qpprime_y_zero_transform_bypass_flag
    if (b.u(1)) {
      for (int i = 0; i < (chroma != 3 ? 8 : 12) && !b.bad; ++i)
        if (b.u(1)) skip_scaling_list(b, i < 6 ? 16 : 64);
    }
  }
  b.ue();  // log2_max_frame_num_minus4
  uint32_t poc_type = b.ue();
  if (poc_type == 0) {
    b.ue();
  } else if (poc_type == 1) {
    b.u(1);
    b.se();
    b.se();
    uint32_t n = b.ue();
    if (n > 255) return std::nullopt;
    for (uint32_t i = 0; i < n && !b.bad; ++i) b.se();
  } else if (poc_type != 2) {
    return std::nullopt;
  }
  b.ue();    // max_num_ref_frames
  b.u(1);    // gaps_in_frame_num_value_allowed_flag
  uint32_t w_mbs = b.ue() + 1, h_units = b.ue() + 1;
  bool frame_mbs_only = b.u(1);
  if (!frame_mbs_only) b.u(1);  // mb_adaptive_frame_field_flag
  b.u(1);                       // direct_8x8_inference_flag
  uint32_t crop[4] = {0, 0, 0, 0};
  if (b.u(1))
    for (auto& c : crop) c = b.ue();
  double fps = 0;
  if (b.u(1)) {  // vui_parameters_present_flag
    if (b.u(1) && b.u(8) == 255) b.u(32);  // aspect ratio (Extended_SAR: sar width and height)
    if (b.u(1)) b.u(1);                    // overscan
    if (b.u(1)) {                          // video signal type
      b.u(4);
      if (b.u(1)) b.u(24);
    }
    if (b.u(1)) {  // chroma location
      b.ue();
      b.ue();
    }
    if (b.u(1)) {  // timing_info_present_flag
      uint32_t units = b.u(32), scale = b.u(32);
      if (!b.bad && units && scale) fps = double(scale) / (2.0 * units);
    }
  }
  // At most 16384 × 16384 pixels; a field-coded stream has two map units per macroblock row pair.
  if (b.bad || w_mbs > 1024 || uint64_t(2 - frame_mbs_only) * h_units > 1024) return std::nullopt;
  uint32_t sub_w = (chroma == 1 || chroma == 2) && !separate_planes ? 2 : 1;
  uint32_t sub_h = chroma == 1 && !separate_planes ? 2 : 1;
  uint32_t crop_x = chroma == 0 || separate_planes ? 1 : sub_w;
  uint32_t crop_y = (chroma == 0 || separate_planes ? 1 : sub_h) * (2 - frame_mbs_only);
  int64_t width = int64_t(w_mbs) * 16 - int64_t(crop_x) * (int64_t(crop[0]) + crop[1]);
  int64_t height = int64_t(2 - frame_mbs_only) * h_units * 16 - int64_t(crop_y) * (int64_t(crop[2]) + crop[3]);
  if (width <= 0 || height <= 0) return std::nullopt;
  if (fps > 1000) fps = 0;
  return SpsInfo{int(width), int(height), fps};
}

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
