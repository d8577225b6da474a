// Writes the seed corpora of tests/fuzz/corpus/ from a short real H.264 elementary stream, laid out
// exactly as the recorder writes it (video::mp4::make_init, fragment_header, length-prefixed samples;
// see src/video/writer.cpp). Built only on request:
//
//   ffmpeg -f lavfi -i testsrc=size=64x48:rate=10 -frames:v 10 -pix_fmt yuv420p -c:v libx264 -preset veryfast
//     -x264-params keyint=5:min-keyint=5:scenecut=0:bframes=0:aud=1 -bsf:v h264_mp4toannexb -f h264 /tmp/clip.h264   (one command)
//   cmake --build BUILD --target fuzz_make_seeds && BUILD/tests/fuzz/fuzz_make_seeds /tmp/clip.h264 tests/fuzz/corpus
//
// The stream must carry AUD NAL units (aud=1): they mark where one access unit ends.
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "video/h264.h"
#include "video/mp4.h"

namespace fs = std::filesystem;
namespace h264 = watchfloor::video::h264;
namespace mp4 = watchfloor::video::mp4;

namespace {

fs::path out_root;

void put(const std::string& target, const std::string& name, std::string_view bytes) {
  auto dir = out_root / target;
  fs::create_directories(dir);
  std::ofstream(dir / name, std::ios::binary).write(bytes.data(), std::streamsize(bytes.size()));
  std::printf("%s/%s %zu\n", target.c_str(), name.c_str(), bytes.size());
}

struct Au {
  std::string annexb;  // as the camera sends it
  h264::AccessUnit sample;
};

// One segment: init + fragments of `gop` access units each, like StreamWriter::flush_fragment.
std::string segment(const mp4::SampleEntry& e, const std::vector<Au>& aus, size_t gop, bool cts, std::vector<mp4::IndexedFragment>* index) {
  std::string out = mp4::make_init(e);
  uint32_t seq = 0;
  const int64_t wall0 = int64_t(1'767'225'600) * mp4::kTimescale;  // 2026-01-01T00:00:00Z
  for (size_t at = 0; at < aus.size(); at += gop) {
    std::vector<mp4::Sample> samples;
    std::string payload;
    for (size_t i = at; i < aus.size() && i < at + gop; ++i) {
      mp4::Sample s;
      s.duration = 9000;
      s.size = uint32_t(aus[i].sample.avcc.size());
      s.key = aus[i].sample.idr;
      s.cts_offset = cts ? int32_t(i % 3) * 9000 - 9000 : 0;  // one negative, so trun version 1 matters
      samples.push_back(s);
      payload += aus[i].sample.avcc;
    }
    int64_t dts = int64_t(at) * 9000;
    auto header = mp4::fragment_header(++seq, dts, wall0 + dts + 1234, samples);
    if (index) index->push_back({uint32_t(header.size() - mp4::kPrftSize - 8), samples});
    out += header;
    out += payload;
  }
  return out;
}

std::string be64(uint64_t v) {
  std::string s;
  for (int i = 7; i >= 0; --i) s.push_back(char(v >> (8 * i)));
  return s;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 3) {
    std::fprintf(stderr, "usage: %s CLIP.h264 CORPUS_DIR\n", argv[0]);
    return 2;
  }
  std::ifstream in(argv[1], std::ios::binary);
  std::string es((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  out_root = argv[2];

  // Access units: each starts at an AUD.
  std::vector<Au> aus;
  for (auto nal : h264::split_annexb(es)) {
    if (h264::nal_type(nal) == h264::kAud || aus.empty()) aus.emplace_back();
    aus.back().annexb.append("\0\0\0\1", 4).append(nal);
  }
  for (auto& au : aus) {
    auto s = h264::to_sample(au.annexb);
    if (!s) return std::fprintf(stderr, "not H.264 access units\n"), 1;
    au.sample = *s;
  }
  auto ps = h264::parameter_sets(es);
  if (aus.size() < 6 || !ps || !aus.front().sample.idr) return std::fprintf(stderr, "need ≥ 6 AUs starting with an IDR\n"), 1;
  mp4::SampleEntry e;
  e.width = 64, e.height = 48, e.ps = *ps, e.codec = h264::codec_string(ps->sps);

  // fuzz_init: the init as we write it (64x48 and 1080p), a torn one, and a segment's head (init
  // followed by fragment bytes; written below).
  auto init = mp4::make_init(e);
  put("fuzz_init", "init-64x48", init);
  auto e2 = e;
  e2.width = 1920, e2.height = 1080;
  put("fuzz_init", "init-1080p", mp4::make_init(e2));
  put("fuzz_init", "init-torn", std::string_view(init).substr(0, init.size() - 20));

  // fuzz_recover: whole segments, with and without composition offsets, torn ones, zeros after a
  // power loss, an init alone.
  std::vector<mp4::IndexedFragment> idx, idx_cts;
  auto seg = segment(e, aus, 5, false, &idx);
  auto seg_cts = segment(e, std::vector<Au>(aus.begin(), aus.begin() + 6), 5, true, &idx_cts);
  put("fuzz_init", "segment-head", std::string_view(seg).substr(0, init.size() + 200));
  put("fuzz_recover", "segment", seg);
  put("fuzz_recover", "segment-cts", seg_cts);
  put("fuzz_recover", "torn-in-mdat", std::string_view(seg).substr(0, seg.size() - 777));
  put("fuzz_recover", "torn-in-moof", std::string_view(seg_cts).substr(0, init.size() + mp4::kPrftSize + 40));
  std::string zeros = seg;
  for (size_t i = seg.size() - 1500; i < seg.size(); ++i) zeros[i] = 0;
  put("fuzz_recover", "zeros-after-power-loss", zeros);
  put("fuzz_recover", "init-only", init);
  // The second fragment's mdat with a 64-bit size: its samples sit 8 bytes past where the index
  // would place them, so recovery must cut the file back to the first fragment.
  {
    size_t mdat_at = init.size() + size_t(mp4::fragment_bytes(idx[0])) + mp4::kPrftSize + idx[1].moof_size;
    uint64_t mdat_size = 16 + (mp4::fragment_bytes(idx[1]) - mp4::kPrftSize - idx[1].moof_size - 8);
    std::string large = seg.substr(0, mdat_at) + std::string("\0\0\0\1mdat", 8) + be64(mdat_size) + seg.substr(mdat_at + 8);
    put("fuzz_recover", "mdat-64bit-size", large);
  }

  // fuzz_sample_index: the index blobs of those segments, an empty one, a torn one.
  auto blob = mp4::encode_sample_index(idx);
  put("fuzz_sample_index", "index", blob);
  put("fuzz_sample_index", "index-cts", mp4::encode_sample_index(idx_cts));
  put("fuzz_sample_index", "empty", std::string("\x01", 1));
  put("fuzz_sample_index", "torn", std::string_view(blob).substr(0, blob.size() / 2));

  // fuzz_h264: Annex B packets (keyframe with SPS/PPS/SEI, a P frame), the same as length-prefixed
  // samples, extradata as avcC and as Annex B.
  put("fuzz_h264", "annexb-idr", aus[0].annexb);
  put("fuzz_h264", "annexb-p", aus[1].annexb);
  put("fuzz_h264", "avcc-idr", aus[0].sample.avcc);
  put("fuzz_h264", "avcc-p", aus[1].sample.avcc);
  put("fuzz_h264", "avcC-record", h264::avcc_record(*ps));
  std::string annexb_ps = std::string("\0\0\0\1", 4) + ps->sps + std::string("\0\0\1", 3) + ps->pps;
  put("fuzz_h264", "annexb-extradata", annexb_ps);

  // fuzz_range: 8-byte big-endian body size, then the Range header value.
  struct R {
    const char* name;
    uint64_t size;
    const char* header;
  } ranges[] = {
      {"first-100", 1000, "bytes=0-99"},          {"suffix", 1000, "bytes=-500"},
      {"open-end", 1000, "bytes=100-"},           {"last-beyond", 1000, "bytes=900-5000"},
      {"start-beyond", 1000, "bytes=1000-"},      {"reversed", 1000, "bytes=5-3"},
      {"several", 1000, "bytes=0-0,5-9"},         {"suffix-zero", 1000, "bytes=-0"},
      {"huge", UINT64_MAX, "bytes=18446744073709551614-"}, {"twenty-digits", 1000, "bytes=99999999999999999999-"},
      {"empty-body", 0, "bytes=0-0"},             {"not-bytes", 1000, "items=0-1"},
      {"suffix-larger", 10, "bytes=-11"},         {"one-byte", 1, "bytes=0-0"},
  };
  for (const auto& r : ranges) put("fuzz_range", r.name, be64(r.size) + r.header);
  return 0;
}
