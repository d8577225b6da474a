// What the recorder needs to store B-frame and H.265 streams correctly: decode times derived from
// presentation times (reorder.h), the reorder depth from H.264 and H.265 SPSs, the hvcC record and
// codec string of H.265, and an hvc1 init segment that reads back as written.
#include <gtest/gtest.h>

#include <algorithm>
#include <vector>

#include "video/h264.h"
#include "video/h265.h"
#include "video/mp4.h"
#include "video/reorder.h"

using namespace watchfloor::video;

namespace {

std::string unhex(std::string_view h) {
  std::string out;
  for (size_t i = 0; i + 1 < h.size(); i += 2) out.push_back(char(std::stoi(std::string(h.substr(i, 2)), nullptr, 16)));
  return out;
}

// From x265 3.5 (ffmpeg -f lavfi -i testsrc=size=WxH -pix_fmt yuv420p -c:v libx265 -x265-params bframes=3 -f hevc).
const std::string kVps1080 = unhex("40010c01ffff016000000300900000030000030078959409");
const std::string kSps1080 = unhex(
    "420101016000000300900000030000030078a003c08010e596565924caf0168080000003008000000c84");
const std::string kSps642 = unhex(
    "42010101600000030090000003000003003fa005120171c926595964932bc05a020000030002000003003210");
const std::string kPps265 = unhex("4401c172b46240");
// From x264 (bframes=2, no pyramid): the VUI's bitstream_restriction says max_num_reorder_frames 1.
const std::string kSpsB = unhex("6764000dacd10141fb011000000300100000030320f1429120");
const std::string kSpsBaseline = unhex("6742c01fd9005005bb0110000003001000000303c0f1832480");

constexpr int64_t T = 3600;  // one frame at 25 fps

struct Out {
  std::vector<DecodeTimes::Times> t;
  int discontinuities = 0;
};
// Feeds presentation times (in frames) in decode order.
Out run(DecodeTimes& d, const std::vector<int64_t>& shown) {
  Out o;
  for (auto f : shown) {
    o.t.push_back(d.next(1'000'000 + f * T));
    o.discontinuities += o.t.back().discontinuity;
  }
  return o;
}

void expect_valid(const Out& o, const std::vector<int64_t>& shown) {
  for (size_t i = 0; i < o.t.size(); ++i) {
    EXPECT_EQ(o.t[i].pts, 1'000'000 + shown[i] * T) << "presentation time kept, frame " << i;
    EXPECT_LE(o.t[i].dts, o.t[i].pts) << "decoded before shown, frame " << i;
    if (i > 0) {
      EXPECT_GT(o.t[i].dts, o.t[i - 1].dts) << "decode times strictly increase, frame " << i;
    }
  }
}

}  // namespace

TEST(DecodeTimes, WithoutBFramesDecodeTimeIsPresentationTime) {
  DecodeTimes d(0, T);
  std::vector<int64_t> shown{0, 1, 2, 3, 4, 5};
  auto o = run(d, shown);
  expect_valid(o, shown);
  for (const auto& t : o.t) EXPECT_EQ(t.dts, t.pts);
  EXPECT_EQ(o.discontinuities, 0);
}

TEST(DecodeTimes, BFramesGetEvenDecodeTimesAndPositiveOffsets) {
  // I0 P3 B1 B2 P6 B4 B5 …: one frame reordered (x264 bframes=2 without pyramid).
  std::vector<int64_t> shown{0, 3, 1, 2, 6, 4, 5, 9, 7, 8, 12, 10, 11};
  DecodeTimes d(1, T);
  auto o = run(d, shown);
  expect_valid(o, shown);
  EXPECT_EQ(o.discontinuities, 0);
  for (size_t i = 0; i < o.t.size(); ++i)
    EXPECT_EQ(o.t[i].dts, 1'000'000 + (int64_t(i) - 1) * T) << "one frame duration apart, one frame early";
  EXPECT_EQ(o.t[0].pts - o.t[0].dts, T) << "the first frame's composition offset is the reorder delay";
  EXPECT_EQ(o.t[2].pts - o.t[2].dts, 0) << "a B-frame is shown as it is decoded";

  // A B-pyramid (x264 b-pyramid, x265 default): I0 P4 B2 b1 b3 P8 B6 b5 b7, two frames reordered.
  std::vector<int64_t> pyramid{0, 4, 2, 1, 3, 8, 6, 5, 7, 12, 10, 9, 11};
  DecodeTimes p(2, T);
  auto op = run(p, pyramid);
  expect_valid(op, pyramid);
  EXPECT_EQ(op.discontinuities, 0);
}

TEST(DecodeTimes, AnUnderstatedDepthIsLearntWithOneDiscontinuity) {
  // The SPS says nothing (-1): taken as 0 until the first B-frame shows one frame reordered.
  std::vector<int64_t> shown{0, 3, 1, 2, 6, 4, 5, 9, 7, 8};
  DecodeTimes d(-1, T);
  auto o = run(d, shown);
  EXPECT_EQ(d.reorder(), 1);
  EXPECT_EQ(o.discontinuities, 1);
  EXPECT_TRUE(o.t[2].discontinuity);
  EXPECT_LE(o.t[2].dts, o.t[1].dts) << "the writer sees decode time go back and ends the run there";
  for (size_t i = 3; i < o.t.size(); ++i) {
    EXPECT_GT(o.t[i].dts, o.t[i - 1].dts);
    EXPECT_LE(o.t[i].dts, o.t[i].pts);
  }
}

TEST(DecodeTimes, AClockJumpBackIsADiscontinuityAndEqualTimesStayOrdered) {
  DecodeTimes d(1, T);
  auto a = d.next(900'000);
  auto b = d.next(900'000 + 2 * T);
  auto c = d.next(900'000 + T);
  EXPECT_LT(a.dts, b.dts);
  EXPECT_LT(b.dts, c.dts);
  auto back = d.next(0);  // ten seconds back: the camera restarted its clock
  EXPECT_TRUE(back.discontinuity);
  EXPECT_LT(back.dts, c.dts);
  auto e = d.next(2 * T);
  EXPECT_FALSE(e.discontinuity);
  EXPECT_GT(e.dts, back.dts);

  DecodeTimes z(0, T);
  auto x = z.next(5000), y = z.next(5000);  // a camera that stamps two frames alike
  EXPECT_GT(y.dts, x.dts);
  EXPECT_GE(y.pts, y.dts);
}

TEST(H264Sps, ReorderDepthFromTheVuiOrTheProfile) {
  auto b = h264::parse_sps(kSpsB);
  ASSERT_TRUE(b);
  EXPECT_EQ(b->width, 320);
  EXPECT_EQ(b->height, 240);
  EXPECT_EQ(b->reorder_frames, 1);
  auto base = h264::parse_sps(kSpsBaseline);
  ASSERT_TRUE(base);
  EXPECT_EQ(base->reorder_frames, 0) << "Baseline has no B slices";
}

TEST(H265Sps, SizeReorderDepthAndCodecString) {
  auto a = h265::parse_sps(kSps1080);
  ASSERT_TRUE(a);
  EXPECT_EQ(a->width, 1920);
  EXPECT_EQ(a->height, 1080);
  EXPECT_EQ(a->reorder_frames, 2);
  EXPECT_EQ(a->chroma_format, 1);
  EXPECT_EQ(a->bit_depth_luma, 8);
  EXPECT_EQ(h265::codec_string(kSps1080), "hvc1.1.6.L120.90");
  auto b = h265::parse_sps(kSps642);
  ASSERT_TRUE(b);
  EXPECT_EQ(b->width, 642) << "the conformance window crops the coded 648";
  EXPECT_EQ(b->height, 362);
  EXPECT_EQ(h265::codec_string(kSps642), "hvc1.1.6.L63.90");
  EXPECT_FALSE(h265::parse_sps(kSps1080.substr(0, 20))) << "cut short";
  EXPECT_FALSE(h265::parse_sps(kVps1080));
  EXPECT_FALSE(h265::parse_sps(kSpsB)) << "an H.264 SPS";
}

TEST(H265Hvcc, RecordMatchesFfmpegAndReadsBack) {
  h264::ParameterSets ps{kSps1080, kPps265, kVps1080};
  auto rec = h265::hvcc_record(ps);
  ASSERT_TRUE(rec);
  // The 23-byte header as FFmpeg's mp4 muxer writes it for the same stream.
  EXPECT_EQ(rec->substr(0, 23), unhex("0101600000009000000000007" "8f000fcfdf8f800000f03"));
  auto back = h265::parse_hvcc_record(*rec);
  ASSERT_TRUE(back);
  EXPECT_EQ(back->vps, kVps1080);
  EXPECT_EQ(back->sps, kSps1080);
  EXPECT_EQ(back->pps, kPps265);
  EXPECT_FALSE(h265::hvcc_record({kSps1080, kPps265, ""})) << "no VPS";
  EXPECT_FALSE(h265::parse_hvcc_record(rec->substr(0, rec->size() - 2))) << "cut short";
}

TEST(H265Init, Hvc1InitReadsBackAndFragmentsCarrySignedOffsets) {
  auto e = mp4::sample_entry(VideoCodec::h265, {kSps1080, kPps265, kVps1080});
  ASSERT_TRUE(e);
  EXPECT_EQ(e->codec, "hvc1.1.6.L120.90");
  EXPECT_EQ(e->width, 1920);
  std::string init = mp4::make_init(*e);
  EXPECT_NE(init.find("hvc1"), std::string::npos);
  EXPECT_NE(init.find("hvcC"), std::string::npos);
  EXPECT_EQ(init.find("avc1"), std::string::npos);
  EXPECT_EQ(mp4::make_init(*e), init);
  auto parsed = mp4::parse_init(init);
  ASSERT_TRUE(parsed);
  EXPECT_EQ(parsed->entry.kind, VideoCodec::h265);
  EXPECT_EQ(parsed->entry.codec, e->codec);
  EXPECT_EQ(parsed->entry.ps.vps, kVps1080);
  EXPECT_EQ(parsed->entry.height, 1080);
  EXPECT_EQ(mp4::decoder_config(parsed->entry), *h265::hvcc_record(e->ps));

  // A GOP with B-frames: composition offsets survive the segment scan and the sample index.
  std::vector<mp4::Sample> samples{{T, 8, true, int32_t(T)}, {T, 8, false, int32_t(3 * T)}, {T, 8, false, -int32_t(T)}};
  std::string file = init + mp4::fragment_header(1, 0, 1'767'225'600LL * 90'000, samples);
  for (int i = 0; i < 3; ++i) file += std::string("\0\0\0\x04\x26\x01xx", 8);
  auto scan = mp4::scan_segment(file);
  ASSERT_TRUE(scan);
  ASSERT_EQ(scan->fragments.size(), 1u);
  ASSERT_EQ(scan->fragments[0].samples.size(), 3u);
  EXPECT_EQ(scan->fragments[0].samples[1].cts_offset, int32_t(3 * T));
  EXPECT_EQ(scan->fragments[0].samples[2].cts_offset, -int32_t(T)) << "trun version 1: signed";
  auto idx = mp4::decode_sample_index(mp4::encode_sample_index({{0, samples}}));
  ASSERT_TRUE(idx);
  EXPECT_EQ((*idx)[0].samples[2].cts_offset, -int32_t(T));
}

TEST(H264Init, AnH264EntryStaysAvc1) {
  auto e = mp4::sample_entry(VideoCodec::h264, {kSpsB, unhex("68ebe3cb22c0"), ""});
  ASSERT_TRUE(e);
  EXPECT_EQ(e->codec, "avc1.64000d");
  auto parsed = mp4::parse_init(mp4::make_init(*e));
  ASSERT_TRUE(parsed);
  EXPECT_EQ(parsed->entry.kind, VideoCodec::h264);
  EXPECT_FALSE(mp4::sample_entry(VideoCodec::h265, {kSpsB, unhex("68ebe3cb22c0"), ""})) << "an H.264 SPS is not H.265";
}
