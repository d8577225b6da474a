#pragma once
// H.264 bitstream handling the recorder needs without decoding: split Annex B or length-prefixed
// access units into NAL units, convert to 4-byte length prefixes, find the parameter sets.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace watchfloor::video::h264 {

// avcC stores a parameter set's length in 16 bits; a longer one is not a parameter set we can keep.
inline constexpr size_t kMaxParameterSet = 0xffff;

enum NalType : uint8_t { kSlice = 1, kIdr = 5, kSei = 6, kSps = 7, kPps = 8, kAud = 9, kFiller = 12 };

inline uint8_t nal_type(std::string_view nal) { return nal.empty() ? 0 : static_cast<uint8_t>(nal[0]) & 0x1f; }

// NAL units of an Annex B stream (00 00 01 / 00 00 00 01 start codes). Bytes before the first start
// code are ignored; trailing zero bytes of a NAL (the next start code's leading zero) are dropped.
std::vector<std::string_view> split_annexb(std::string_view data);
// NAL units of a 4-byte-length-prefixed access unit; nullopt when a length runs past the end.
std::optional<std::vector<std::string_view>> split_avcc(std::string_view data);
// True when the data starts with a start code.
bool is_annexb(std::string_view data);

// One access unit (one picture) as an MP4 sample holds it; for H.264 and, from the H.265
// depacketizer (rtp.h), for H.265.
struct AccessUnit {
  std::string avcc;  // 4-byte length-prefixed NAL units, AUD and filler dropped
  bool idr = false;  // a random access point: IDR (H.264), IRAP (H.265 NAL types 16–21)
  std::optional<std::string> vps, sps, pps;  // in-band parameter sets, when present (vps: H.265 only)
};
// Converts one packet from the camera (Annex B or already length-prefixed) to what an MP4 sample holds.
std::optional<AccessUnit> to_sample(std::string_view packet);

struct ParameterSets {
  std::string sps, pps;
  std::string vps{};  // H.265 only (a default initialiser: {sps, pps} stays a complete H.264 initialiser)
};
// The first SPS and PPS in codec extradata: an avcC record or Annex B (as RTSP's sprop-parameter-sets
// arrives from libavformat). nullopt when either is missing.
std::optional<ParameterSets> parameter_sets(std::string_view extradata);

// What the recorder needs from a sequence parameter set (ITU-T H.264 §7.3.2.1.1 and Annex E):
// the displayed size after cropping, when the VUI has timing the frame rate, and the reorder depth.
struct SpsInfo {
  int width = 0, height = 0;
  double fps = 0;  // 0 when the SPS carries no timing
  // max_num_reorder_frames (VUI bitstream_restriction, or 0 where the profile or POC type rules
  // reordering out); -1 when the SPS does not say (reorder.h then learns it from the stream).
  int reorder_frames = -1;
};
// nullopt when the NAL is not an SPS, is cut short, or describes an impossible picture.
std::optional<SpsInfo> parse_sps(std::string_view nal);

// "avc1.640028" (RFC 6381) from the SPS's profile, constraint flags and level.
std::string codec_string(std::string_view sps);

// The avcC box payload (AVCDecoderConfigurationRecord) for one SPS and PPS.
std::string avcc_record(const ParameterSets& ps);
// The inverse, for reading an init segment back; nullopt when malformed.
std::optional<ParameterSets> parse_avcc_record(std::string_view rec);

}  // namespace watchfloor::video::h264
