#include "video/h264.h"

#include <fmt/format.h>

#include <algorithm>

#include "video/bits.h"

namespace watchfloor::video::h264 {

namespace {

using detail::Bits;

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

// hrd_parameters() (Annex E.1.2), skipped.
void skip_hrd(Bits& b) {
  uint32_t cpb = b.ue() + 1;
  if (cpb > 32) {
    b.bad = true;
    return;
  }
  b.u(8);  // bit_rate_scale, cpb_size_scale
  for (uint32_t i = 0; i < cpb && !b.bad; ++i) {
    b.ue();
    b.ue();
    b.u(1);
  }
  b.u(20);  // four delay and offset lengths
}

// From after timing_info to max_num_reorder_frames; -1 when the VUI has no bitstream_restriction.
int vui_reorder(Bits& b) {
  bool nal_hrd = b.u(1);
  if (nal_hrd) skip_hrd(b);
  bool vcl_hrd = b.u(1);
  if (vcl_hrd) skip_hrd(b);
  if (nal_hrd || vcl_hrd) b.u(1);  // low_delay_hrd_flag
  b.u(1);                          // pic_struct_present_flag
  if (!b.u(1)) return -1;          // bitstream_restriction_flag
  b.u(1);                          // motion_vectors_over_pic_boundaries_flag
  for (int i = 0; i < 4; ++i) b.ue();
  uint32_t reorder = b.ue();
  uint32_t dpb = b.ue();  // max_dec_frame_buffering
  if (b.bad || reorder > 16 || reorder > dpb) {
    b.bad = true;
    return -1;
  }
  return int(reorder);
}

bool intra_profile(uint32_t profile) {
  return profile == 44 || profile == 86 || profile == 100 || profile == 110 || profile == 122 || profile == 244;
}

}  // namespace

std::optional<SpsInfo> parse_sps(std::string_view nal) {
  if (nal_type(nal) != kSps || nal.size() < 4) return std::nullopt;
  Bits b(nal.substr(1));
  uint32_t profile = b.u(8);
  bool constraint3 = b.u(8) & 0x10;  // constraint_set3_flag
  b.u(8);                            // level
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
  int reorder = -1;
  bool vui = b.u(1);
  if (vui) {
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
      b.u(1);  // fixed_frame_rate_flag
    }
    // The rest of the VUI only for the reorder depth: a camera whose VUI we misread still records,
    // with the depth learnt from its stream (reorder.h).
    bool bad_before = b.bad;
    reorder = vui_reorder(b);
    if (b.bad && !bad_before) reorder = -1, b.bad = false;
  }
  // Without the VUI's bitstream_restriction (Annex E.2.1) the depth is known only where no frame
  // can be reordered: Baseline (no B slices), intra-only profiles, output order = decode order.
  if (reorder < 0 && (profile == 66 || poc_type == 2 || (constraint3 && intra_profile(profile)))) reorder = 0;
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
  return SpsInfo{int(width), int(height), fps, reorder};
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
