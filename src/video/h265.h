#pragma once
// H.265 (HEVC) handling the recorder needs without decoding (ITU-T H.265, ISO/IEC 14496-15 §8.3):
// NAL unit types, what the sequence parameter set says about the picture, the `hvcC` record of the
// `hvc1` sample entry and the RFC 6381 codec string. The bitstream framing (length prefixes,
// emulation prevention) is H.264's (h264.h).
#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "video/h264.h"

namespace watchfloor::video::h265 {

enum NalType : uint8_t {
  kIrapFirst = 16,  // BLA_W_LP … CRA_NUT (16–21): random access points
  kIrapLast = 21,
  kVps = 32,
  kSps = 33,
  kPps = 34,
  kAud = 35,
  kFiller = 38,
  kAggregation = 48,    // RFC 7798 AP
  kFragmentation = 49,  // RFC 7798 FU
};

// The 6-bit type of a NAL unit's 2-byte header; 0xff when the NAL is shorter than its header.
inline uint8_t nal_type(std::string_view nal) {
  return nal.size() < 2 ? 0xff : static_cast<uint8_t>((static_cast<uint8_t>(nal[0]) >> 1) & 0x3f);
}
inline bool is_irap(uint8_t type) { return type >= kIrapFirst && type <= kIrapLast; }

struct SpsInfo {
  int width = 0, height = 0;  // after the conformance window
  int reorder_frames = 0;     // sps_max_num_reorder_pics of the highest sub-layer
  int chroma_format = 1, bit_depth_luma = 8, bit_depth_chroma = 8;
  int sub_layers = 1;  // sps_max_sub_layers_minus1 + 1
  bool temporal_id_nested = false;
  // general_profile_tier_level as coded: profile space, tier and profile (1 byte), compatibility
  // flags (4), constraint flags (6), level (1) — copied as is into hvcC and the codec string.
  std::array<uint8_t, 12> ptl{};
};
// nullopt when the NAL is not an SPS, is cut short, or describes an impossible picture.
std::optional<SpsInfo> parse_sps(std::string_view nal);

// "hvc1.1.6.L93.B0" (ISO/IEC 14496-15 Annex E) from the SPS; "hvc1" when it cannot be read.
std::string codec_string(std::string_view sps);

// The hvcC box payload (HEVCDecoderConfigurationRecord) with one VPS, SPS and PPS; nullopt when the
// SPS cannot be read.
std::optional<std::string> hvcc_record(const h264::ParameterSets& ps);
// The inverse, for reading an init segment back; nullopt when malformed or a set is missing.
std::optional<h264::ParameterSets> parse_hvcc_record(std::string_view rec);

}  // namespace watchfloor::video::h265
