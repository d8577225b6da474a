#include "video/h265.h"

#include <fmt/format.h>

#include "video/bits.h"

namespace watchfloor::video::h265 {

namespace {
using detail::Bits;
}  // namespace

std::optional<SpsInfo> parse_sps(std::string_view nal) {
  if (nal_type(nal) != kSps || nal.size() < 16) return std::nullopt;
  Bits b(nal.substr(2));
  SpsInfo info;
  b.u(4);  // sps_video_parameter_set_id
  uint32_t max_sub = b.u(3);
  info.temporal_id_nested = b.u(1);
  if (max_sub > 6 || b.rbsp().size() < 13) return std::nullopt;
  // profile_tier_level(1, max_sub): the general part is byte-aligned, 12 bytes.
  for (size_t i = 0; i < info.ptl.size(); ++i) info.ptl[i] = uint8_t(b.rbsp()[1 + i]);
  b.skip(96);
  bool profile_present[8] = {}, level_present[8] = {};
  for (uint32_t i = 0; i < max_sub; ++i) {
    profile_present[i] = b.u(1);
    level_present[i] = b.u(1);
  }
  if (max_sub > 0)
    for (uint32_t i = max_sub; i < 8; ++i) b.u(2);  // reserved_zero_2bits
  for (uint32_t i = 0; i < max_sub; ++i) {
    if (profile_present[i]) b.skip(88);
    if (level_present[i]) b.skip(8);
  }
  if (b.ue() > 15) return std::nullopt;  // sps_seq_parameter_set_id
  uint32_t chroma = b.ue();
  if (chroma > 3) return std::nullopt;
  bool separate_planes = chroma == 3 && b.u(1);
  uint32_t w = b.ue(), h = b.ue();
  uint32_t crop[4] = {0, 0, 0, 0};
  if (b.u(1))
    for (auto& c : crop) c = b.ue();
  uint32_t depth_luma = b.ue() + 8, depth_chroma = b.ue() + 8;
  b.ue();  // log2_max_pic_order_cnt_lsb_minus4
  bool all_layers = b.u(1);  // sps_sub_layer_ordering_info_present_flag
  uint32_t reorder = 0;
  for (uint32_t i = all_layers ? 0 : max_sub; i <= max_sub && !b.bad; ++i) {
    uint32_t dpb = b.ue() + 1;
    reorder = b.ue();
    b.ue();  // sps_max_latency_increase_plus1
    if (dpb > 16 || reorder >= dpb) return std::nullopt;
  }
  if (b.bad || w == 0 || h == 0 || w > 16384 || h > 16384 || depth_luma > 16 || depth_chroma > 16)
    return std::nullopt;
  uint32_t sub_w = (chroma == 1 || chroma == 2) && !separate_planes ? 2 : 1;
  uint32_t sub_h = chroma == 1 && !separate_planes ? 2 : 1;
  int64_t width = int64_t(w) - int64_t(sub_w) * (int64_t(crop[0]) + crop[1]);
  int64_t height = int64_t(h) - int64_t(sub_h) * (int64_t(crop[2]) + crop[3]);
  if (width <= 0 || height <= 0) return std::nullopt;
  info.width = int(width);
  info.height = int(height);
  info.reorder_frames = int(reorder);
  info.chroma_format = int(chroma);
  info.bit_depth_luma = int(depth_luma);
  info.bit_depth_chroma = int(depth_chroma);
  info.sub_layers = int(max_sub) + 1;
  return info;
}

std::string codec_string(std::string_view sps) {
  auto info = parse_sps(sps);
  if (!info) return "hvc1";
  const auto& p = info->ptl;
  uint32_t space = p[0] >> 6, tier = (p[0] >> 5) & 1, profile = p[0] & 0x1f;
  uint32_t compat = (uint32_t(p[1]) << 24) | (uint32_t(p[2]) << 16) | (uint32_t(p[3]) << 8) | p[4];
  uint32_t reversed = 0;  // the flags in reverse bit order (Annex E.3)
  for (int i = 0; i < 32; ++i) reversed |= ((compat >> i) & 1) << (31 - i);
  std::string s = fmt::format("hvc1.{}{}.{:X}.{}{}", space ? std::string(1, char('A' + space - 1)) : "", profile,
                              reversed, tier ? 'H' : 'L', p[11]);
  int last = 10;  // constraint bytes p[5..10], trailing zero bytes left out
  while (last >= 5 && p[size_t(last)] == 0) --last;
  for (int i = 5; i <= last; ++i) s += fmt::format(".{:X}", p[size_t(i)]);
  return s;
}

std::optional<std::string> hvcc_record(const h264::ParameterSets& ps) {
  auto info = parse_sps(ps.sps);
  if (!info || ps.vps.empty() || ps.pps.empty() || ps.vps.size() > h264::kMaxParameterSet ||
      ps.sps.size() > h264::kMaxParameterSet || ps.pps.size() > h264::kMaxParameterSet)
    return std::nullopt;
  std::string r;
  r.push_back(1);  // configurationVersion
  r.append(reinterpret_cast<const char*>(info->ptl.data()), info->ptl.size());
  r.push_back(char(0xf0)), r.push_back(0);  // min_spatial_segmentation_idc 0
  r.push_back(char(0xfc));                  // parallelismType 0 (unknown)
  r.push_back(char(0xfc | info->chroma_format));
  r.push_back(char(0xf8 | (info->bit_depth_luma - 8)));
  r.push_back(char(0xf8 | (info->bit_depth_chroma - 8)));
  r.push_back(0), r.push_back(0);  // avgFrameRate unknown
  // constantFrameRate 0, numTemporalLayers, temporalIdNested, lengthSizeMinusOne = 3
  r.push_back(char((info->sub_layers << 3) | (info->temporal_id_nested ? 4 : 0) | 3));
  r.push_back(3);
  for (auto [type, nal] : {std::pair{kVps, &ps.vps}, std::pair{kSps, &ps.sps}, std::pair{kPps, &ps.pps}}) {
    r.push_back(char(0x80 | type));  // array_completeness: these are all the sets of that type
    r.push_back(0), r.push_back(1);
    r.push_back(char(nal->size() >> 8)), r.push_back(char(nal->size()));
    r.append(*nal);
  }
  return r;
}

std::optional<h264::ParameterSets> parse_hvcc_record(std::string_view r) {
  if (r.size() < 23 || uint8_t(r[0]) != 1 || (uint8_t(r[21]) & 3) != 3) return std::nullopt;
  size_t at = 22;
  int arrays = uint8_t(r[at++]);
  h264::ParameterSets ps;
  auto u16 = [&](size_t& n) {
    if (r.size() - at < 2) return false;
    n = (size_t(uint8_t(r[at])) << 8) | uint8_t(r[at + 1]);
    at += 2;
    return true;
  };
  for (int a = 0; a < arrays; ++a) {
    if (at >= r.size()) return std::nullopt;
    uint8_t type = uint8_t(r[at++]) & 0x3f;
    size_t count = 0;
    if (!u16(count)) return std::nullopt;
    for (size_t i = 0; i < count; ++i) {
      size_t n = 0;
      if (!u16(n) || n == 0 || r.size() - at < n) return std::nullopt;
      std::string_view nal = r.substr(at, n);
      at += n;
      if (nal_type(nal) != type) return std::nullopt;
      std::string* slot = type == kVps ? &ps.vps : type == kSps ? &ps.sps : type == kPps ? &ps.pps : nullptr;
      if (slot && slot->empty()) *slot = std::string(nal);
    }
  }
  if (ps.vps.empty() || ps.pps.empty() || !parse_sps(ps.sps)) return std::nullopt;
  return ps;
}

}  // namespace watchfloor::video::h265
