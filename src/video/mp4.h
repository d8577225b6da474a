#pragma once
// The ISO BMFF boxes the recorder writes and reads (docs/formats.md §2): the init segment
// (ftyp+moov), one fragment per GOP (prft+moof+mdat), the recovery scan of a segment file, and the
// compact per-segment sample index kept in the database. All of it is ours and fuzzed
// (tests/fuzz); libavformat only receives RTSP.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "video/codec.h"
#include "video/h264.h"

namespace watchfloor::video::mp4 {

inline constexpr int64_t kTimescale = 90'000;

struct SampleEntry {
  std::string codec;  // RFC 6381, "avc1.640028" or "hvc1.1.6.L93.B0"
  int width = 0, height = 0;
  h264::ParameterSets ps;  // SPS and PPS; for H.265 also the VPS
  VideoCodec kind = VideoCodec::h264;
};
// The entry for a stream's parameter sets: codec string and size from its SPS; nullopt when the
// SPS cannot be read (or, for H.265, a set is missing).
std::optional<SampleEntry> sample_entry(VideoCodec kind, const h264::ParameterSets& ps);
// The decoder configuration record of the entry (avcC or hvcC payload), as FFmpeg's extradata.
std::string decoder_config(const SampleEntry& e);

struct Sample {
  uint32_t duration = 0;  // 90 kHz
  uint32_t size = 0;
  bool key = false;
  int32_t cts_offset = 0;  // pts − dts
};

// A big-endian box builder: begin() opens a box, end() writes its size.
class BoxWriter {
 public:
  size_t begin(const char type[4]);
  size_t begin_full(const char type[4], uint8_t version, uint32_t flags);
  void end(size_t at);
  void u8(uint8_t v) { out_.push_back(char(v)); }
  void u16(uint16_t v);
  void u32(uint32_t v);
  void u64(uint64_t v);
  void bytes(std::string_view b) { out_.append(b); }
  void zeros(size_t n) { out_.append(n, '\0'); }
  std::string& str() { return out_; }
  size_t size() const { return out_.size(); }

 private:
  std::string out_;
};

// The avc1 (with avcC) or hvc1 (with hvcC) sample entry of an stsd box.
void write_sample_entry(BoxWriter& w, const SampleEntry& e);
void write_matrix(BoxWriter& w);
// Opens mdia, writes mdhd, hdlr, opens minf, writes vmhd and dinf, opens stbl and writes its stsd:
// what every video track of ours starts with. The caller adds the sample tables and closes the three.
struct OpenMedia {
  size_t mdia = 0, minf = 0, stbl = 0;
};
OpenMedia open_media(BoxWriter& w, const SampleEntry& e, uint32_t media_duration);

// ftyp + moov describing one H.264 or H.265 track at 90 kHz with no samples (a fragmented file's head).
// The same entry gives the same bytes every time.
std::string make_init(const SampleEntry& e);
// Parses an init segment at the start of `data`: the entry and the init's length.
struct Init {
  SampleEntry entry;
  size_t length = 0;
};
std::optional<Init> parse_init(std::string_view data);

// prft + moof + mdat header for a fragment whose samples (in order, 4-byte-length-prefixed) follow.
// `sequence` counts fragments within the file from 1; `base_dts` is the first sample's decode time
// since the segment's first frame; `wall_90k` the receipt time of the first sample.
std::string fragment_header(uint32_t sequence, int64_t base_dts, int64_t wall_90k, const std::vector<Sample>& samples);
inline constexpr size_t kPrftSize = 32;

// One complete fragment found in a file.
struct Fragment {
  uint64_t offset = 0;  // of its prft
  uint32_t moof_size = 0;
  uint64_t data_offset = 0;  // file offset of the first sample
  uint64_t end = 0;          // just past its mdat
  int64_t base_dts = 0;
  std::optional<int64_t> wall_90k;  // from prft
  std::vector<Sample> samples;
};

// The recovery walk (formats.md §7 step 5): the init, then every complete fragment up to the first
// incomplete or invalid box. `valid_length` is where a torn file is cut back to.
struct Scan {
  Init init;
  std::vector<Fragment> fragments;
  uint64_t valid_length = 0;
};
std::optional<Scan> scan_segment(std::string_view file);

// The compact sample index of one segment (formats.md §4): per fragment its moof size and samples.
struct IndexedFragment {
  uint32_t moof_size = 0;
  std::vector<Sample> samples;
};
std::string encode_sample_index(const std::vector<IndexedFragment>& frags);
std::optional<std::vector<IndexedFragment>> decode_sample_index(std::string_view blob);
// Bytes of a fragment on disk: prft + moof + mdat header + payload.
uint64_t fragment_bytes(const IndexedFragment& f);

}  // namespace watchfloor::video::mp4
