// The recorder's formats and invariants (docs/formats.md): boxes that read back as written, segments
// of a run that touch, a torn file cut back to its last complete fragment and indexed at start-up,
// retention that never deletes held data, and playback that serves exactly the recorded bytes.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "core/hash.h"
#include "core/random.h"
#include "org/preset.h"
#include "test_util.h"
#include "video/catalog.h"
#include "video/index.h"
#include "video/mp4.h"
#include "video/playback.h"
#include "video/recovery.h"
#include "video/retention.h"
#include "video/writer.h"

namespace watchfloor::video {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

const std::string kSps(
    "\x67\x64\x00\x1e\xac\xd9\x40\xa0\x2f\xf9\x70\x11\x00\x00\x03\x00\x01\x00\x00\x03\x00\x32\x0f\x16\x2d\x96", 26);
const std::string kPps("\x68\xeb\xe3\xcb\x22\xc0", 6);

mp4::SampleEntry entry() {
  mp4::SampleEntry e;
  e.ps = {kSps, kPps};
  e.codec = h264::codec_string(kSps);
  e.width = 640;
  e.height = 360;
  return e;
}

// An Annex B access unit of `size` bytes: an IDR slice (type 5) or a non-IDR slice (type 1).
std::string access_unit(bool key, size_t size, uint8_t fill) {
  std::string au("\x00\x00\x00\x01", 4);
  au.push_back(key ? char(0x65) : char(0x41));
  au.append(size, char(fill | 1));  // never two zero bytes in a row: no false start codes
  return au;
}

std::string slurp(const fs::path& p) {
  std::ifstream f(p, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(f), {});
}

TEST(Mp4, InitReadsBackAsWrittenAndIsTheSameBytesEveryTime) {
  auto init = mp4::make_init(entry());
  EXPECT_EQ(init, mp4::make_init(entry()));
  auto parsed = mp4::parse_init(init);
  ASSERT_TRUE(parsed);
  EXPECT_EQ(parsed->length, init.size());
  EXPECT_EQ(parsed->entry.width, 640);
  EXPECT_EQ(parsed->entry.height, 360);
  EXPECT_EQ(parsed->entry.ps.sps, kSps);
  EXPECT_EQ(parsed->entry.ps.pps, kPps);
  EXPECT_EQ(parsed->entry.codec, "avc1.64001e");
  EXPECT_FALSE(mp4::parse_init(init.substr(0, init.size() - 1)));
}

TEST(Mp4, SampleIndexRoundTripsAndRejectsTruncation) {
  std::vector<mp4::IndexedFragment> frags(2);
  frags[0].moof_size = 140;
  frags[0].samples = {{3600, 50000, true, 0}, {3600, 1200, false, 0}, {3599, 1300, false, 0}};
  frags[1].moof_size = 188;
  frags[1].samples = {{3601, 48000, true, 3600}, {3600, 900, false, -3600}};
  auto blob = mp4::encode_sample_index(frags);
  auto back = mp4::decode_sample_index(blob);
  ASSERT_TRUE(back);
  ASSERT_EQ(back->size(), 2u);
  for (size_t f = 0; f < 2; ++f) {
    EXPECT_EQ((*back)[f].moof_size, frags[f].moof_size);
    ASSERT_EQ((*back)[f].samples.size(), frags[f].samples.size());
    for (size_t i = 0; i < frags[f].samples.size(); ++i) {
      EXPECT_EQ((*back)[f].samples[i].duration, frags[f].samples[i].duration);
      EXPECT_EQ((*back)[f].samples[i].size, frags[f].samples[i].size);
      EXPECT_EQ((*back)[f].samples[i].key, frags[f].samples[i].key);
      EXPECT_EQ((*back)[f].samples[i].cts_offset, frags[f].samples[i].cts_offset);
    }
  }
  EXPECT_FALSE(mp4::decode_sample_index(blob.substr(0, blob.size() - 1)));
  EXPECT_FALSE(mp4::decode_sample_index(""));
}

TEST(H264, AnnexBBecomesLengthPrefixedWithoutAudOrFiller) {
  std::string pkt = std::string("\x00\x00\x00\x01\x09\xf0", 6) + std::string("\x00\x00\x01", 3) + kSps +
                    std::string("\x00\x00\x01", 3) + kPps + access_unit(true, 10, 0x22);
  auto au = h264::to_sample(pkt);
  ASSERT_TRUE(au);
  EXPECT_TRUE(au->idr);
  EXPECT_EQ(au->sps, kSps);
  auto nals = h264::split_avcc(au->avcc);
  ASSERT_TRUE(nals);
  ASSERT_EQ(nals->size(), 3u) << "the access unit delimiter is dropped";
  EXPECT_EQ(h264::nal_type((*nals)[2]), h264::kIdr);
}

struct World {
  World() {
    dir = fs::path(::testing::TempDir()) / ("wf-rec-" + core::random_token(6));
    db = store::open_sqlite(dir / "watchfloor.db");
    units = std::make_unique<org::Units>(*db, clock);
    org::import_org(*db, *units, read_preset("org-2017.json"));
    secrets = std::make_unique<core::SecretBox>(dir / "secret.key");
    catalog = std::make_unique<Catalog>(*db, clock, *units, *secrets);
    SiteInput si;
    si.unit_id = units->by_code("HP-CKKV1")->id;
    si.kind = "seaport";
    si.name = "Cảng Tân Vũ";
    auto site = catalog->create_site(si);
    CameraInput ci;
    ci.site_id = site.id;
    ci.name = "Cổng B";
    ci.main_url = "rtsp://127.0.0.1/cam1/main";
    camera_id = catalog->create_camera(ci).id;
    reopen();
  }
  ~World() {
    index.reset();
    catalog.reset();
    units.reset();
    db.reset();
    fs::remove_all(dir);
  }
  void reopen() {
    index.reset();
    index = std::make_unique<Index>(*db, clock, dir / "video");
    index->open();
  }
  // Records `seconds` of 25 fps video with a keyframe every 2 s, as the camera's clock and ours agree.
  void record(StreamWriter& w, int seconds, bool end = true) {
    for (int i = 0; i < seconds * 25; ++i) {
      std::string au = access_unit(i % 50 == 0, i % 50 == 0 ? 4000 : 600, uint8_t(i));
      w.frame({au, dts, dts, i % 50 == 0, clock.mono_ns()});
      dts += 3600;
      clock.advance(40ms);
    }
    if (end) w.end_run("camera_down", "camera_down");
  }
  fs::path dir;
  core::FakeClock clock{1'767'225'600'000};
  std::unique_ptr<store::Db> db;
  std::unique_ptr<org::Units> units;
  std::unique_ptr<core::SecretBox> secrets;
  std::unique_ptr<Catalog> catalog;
  std::unique_ptr<Index> index;
  int64_t camera_id = 0;
  int64_t dts = 1'000'000;
};

TEST(Writer, SegmentsOfARunTouchAndTheRunEndsInAGap) {
  World w;
  auto stream = w.index->stream(w.camera_id, "main");
  StreamWriter writer(*w.index, w.clock, stream);
  writer.begin_run(entry());
  w.record(writer, 150);
  auto segs = w.index->segments(stream.id, 0, INT64_MAX);
  ASSERT_GE(segs.size(), 3u) << "150 s make at least three segments of about a minute";
  int64_t frames = 0;
  for (size_t i = 0; i < segs.size(); ++i) {
    frames += segs[i].frames;
    EXPECT_EQ(segs[i].run_index, int64_t(i));
    if (i) {
      EXPECT_EQ(segs[i].start_90k, segs[i - 1].end_90k) << "segments of one run touch";
    }
    EXPECT_LE(std::abs((segs[i].end_90k - segs[i].start_90k) - segs[i].media_duration_90k),
              segs[i].media_duration_90k / 2000 + 1);
    // Each file reads back as a whole fMP4 with exactly what the index says.
    auto data = slurp(w.index->segment_path(stream, segs[i].seq));
    EXPECT_EQ(int64_t(data.size()), segs[i].bytes);
    EXPECT_EQ(core::sha256_hex(data), segs[i].sha256_hex);
    auto scan = mp4::scan_segment(data);
    ASSERT_TRUE(scan);
    EXPECT_EQ(scan->valid_length, data.size());
    EXPECT_EQ(int64_t(scan->fragments.size()), segs[i].fragments);
  }
  EXPECT_EQ(frames, 150 * 25) << "no frame lost";
  EXPECT_EQ(segs.front().start_90k, ms_to_90k(1'767'225'600'000));
  auto gap = w.index->open_gap_of(stream.id);
  ASSERT_TRUE(gap);
  EXPECT_EQ(gap->cause, "camera_down");
  EXPECT_EQ(gap->start_90k, segs.back().end_90k);

  // The camera comes back 30 s later: the gap closes where the new run starts.
  w.clock.advance(30s);
  w.dts += 30 * 90'000;
  writer.begin_run(entry());
  w.record(writer, 20);
  auto gaps = w.index->gaps(stream.id, 0, INT64_MAX);
  ASSERT_EQ(gaps.size(), 2u);
  ASSERT_TRUE(gaps[0].end_90k);
  auto after = w.index->segments(stream.id, *gaps[0].end_90k, INT64_MAX);
  ASSERT_FALSE(after.empty());
  EXPECT_EQ(after.front().start_90k, *gaps[0].end_90k);
  EXPECT_NEAR(double(*gaps[0].end_90k - gaps[0].start_90k), 30.0 * 90'000, 90'000.0 / 25);
}

TEST(Writer, AClockStepEndsTheRunAtTheNextKeyframeAndTheNextRunUsesTheNewTime) {
  World w;
  auto stream = w.index->stream(w.camera_id, "main");
  StreamWriter writer(*w.index, w.clock, stream);
  writer.begin_run(entry());
  w.record(writer, 10, false);
  // NTP corrects the server's clock 5 minutes forward; the monotonic clock and the camera go on.
  int64_t before_ms = w.clock.now_ms();
  w.clock.set_ms(before_ms + 300'000);
  w.record(writer, 10);
  EXPECT_EQ(writer.clock_steps(), 1);
  EXPECT_NEAR(double(writer.last_clock_step_ns()), 300e9, 1e6);
  auto segs = w.index->segments(stream.id, 0, INT64_MAX);
  ASSERT_GE(segs.size(), 2u);
  EXPECT_NE(segs.front().run_id, segs.back().run_id) << "the step ended the run";
  EXPECT_NEAR(double(segs.front().end_90k), double(ms_to_90k(before_ms)), 90'000.0 / 25 + 1);
  EXPECT_NEAR(double(segs.back().start_90k), double(ms_to_90k(before_ms + 300'000)), 90'000.0 / 25 + 1)
      << "the new run is anchored on the new clock";
  auto gaps = w.index->gaps(stream.id, 0, INT64_MAX);
  ASSERT_FALSE(gaps.empty());
  EXPECT_EQ(gaps.front().cause, "clock_step");
  ASSERT_TRUE(gaps.front().end_90k);
  EXPECT_NEAR(double(*gaps.front().end_90k - gaps.front().start_90k), 300.0 * 90'000, 90'000.0 / 25 + 1)
      << "a forward step shows as a clock_step gap of its size";
  int64_t frames = 0;
  for (const auto& s : segs) frames += s.frames;
  EXPECT_EQ(frames, 20 * 25) << "no frame lost across the step";
}

TEST(Recovery, ATornSegmentIsCutBackToItsLastFragmentAndIndexed) {
  World w;
  auto stream = w.index->stream(w.camera_id, "main");
  fs::path torn;
  {
    StreamWriter writer(*w.index, w.clock, stream);
    writer.begin_run(entry());
    w.record(writer, 75, false);  // one committed segment, the next one still being written
    auto segs = w.index->segments(stream.id, 0, INT64_MAX);
    ASSERT_EQ(segs.size(), 1u);
    torn = w.index->segment_path(stream, segs[0].seq + 1);
  }  // "kill -9": the writer goes away without committing
  ASSERT_TRUE(fs::exists(torn));
  auto whole = fs::file_size(torn);
  fs::resize_file(torn, whole - 777);  // a torn last write
  w.db->exec("UPDATE recorder_opens SET ended_ms = NULL");
  w.reopen();
  auto rep = recover(*w.index);
  EXPECT_EQ(rep.recovered, 1);
  EXPECT_EQ(rep.quarantined, 0);
  auto segs = w.index->segments(stream.id, 0, INT64_MAX);
  ASSERT_EQ(segs.size(), 2u);
  EXPECT_EQ(segs[1].flags & 1, 1);
  EXPECT_EQ(segs[1].start_90k, segs[0].end_90k) << "the recovered segment continues its run";
  auto data = slurp(torn);
  EXPECT_EQ(int64_t(data.size()), segs[1].bytes);
  EXPECT_EQ(mp4::scan_segment(data)->valid_length, data.size()) << "cut back to a fragment boundary";
  // Lost: at most the torn fragment (one GOP of 2 s) and the frames never flushed.
  int64_t recorded = segs[0].frames + segs[1].frames;
  EXPECT_GE(recorded, 75 * 25 - 2 * 50);
  auto gap = w.index->open_gap_of(stream.id);
  ASSERT_TRUE(gap);
  EXPECT_EQ(gap->cause, "recorder_down");
  EXPECT_EQ(gap->start_90k, segs[1].end_90k);
  // Recovery again changes nothing (idempotent).
  EXPECT_EQ(recover(*w.index).recovered, 0);
}

TEST(Recovery, AFileNobodyCanExplainIsQuarantinedNotDeleted) {
  World w;
  auto stream = w.index->stream(w.camera_id, "main");
  {
    StreamWriter writer(*w.index, w.clock, stream);
    writer.begin_run(entry());
    w.record(writer, 70);
  }
  auto dir = w.index->stream_dir(stream);
  std::ofstream(dir / "notes.txt") << "hello";
  auto rep = recover(*w.index);
  EXPECT_EQ(rep.quarantined, 1);
  EXPECT_TRUE(
      fs::exists(w.dir / "video" / "default" / "quarantine" / (std::to_string(w.camera_id) + "-main-notes.txt")));
}

TEST(Retention, HeldSegmentsSurviveAQuotaAndTheOldestUnheldGoFirst) {
  World w;
  auto stream = w.index->stream(w.camera_id, "main");
  StreamWriter writer(*w.index, w.clock, stream);
  writer.begin_run(entry());
  w.record(writer, 300);
  auto before = w.index->segments(stream.id, 0, INT64_MAX);
  ASSERT_GE(before.size(), 5u);
  // Hold the very first minute for a case; allow the camera two segments' worth of unheld bytes.
  auto held = before[0];
  Retention ret(*w.index, w.clock, 5.0, [](const fs::path&) { return DiskSpace{1'000'000'000, 500'000'000}; });
  w.db->exec(
      "INSERT INTO users(username, full_name, unit_id, password_hash, created_at) SELECT 'u', 'U', id, '!', 0 FROM "
      "units LIMIT 1");
  int64_t admin = w.db->last_insert_id();
  ret.create_hold({w.camera_id, t90k_to_ms(held.start_90k), t90k_to_ms(held.start_90k) + 1000, admin,
                   "Vụ việc HP-CKKV1-2026-0001", std::nullopt},
                  admin);
  int64_t quota = before[before.size() - 1].bytes + before[before.size() - 2].bytes;
  w.db->exec("UPDATE cameras SET retention_bytes = ? WHERE id = ?", {quota, w.camera_id});
  auto r = ret.run();
  EXPECT_GT(r.deleted, 0);
  auto after = w.index->segments(stream.id, 0, INT64_MAX);
  ASSERT_FALSE(after.empty());
  EXPECT_EQ(after.front().id, held.id) << "the held minute survives";
  EXPECT_TRUE(fs::exists(w.index->segment_path(stream, held.seq)));
  EXPECT_EQ(after.back().id, before.back().id) << "the newest stays";
  for (const auto& s : before)
    if (s.id != held.id && std::none_of(after.begin(), after.end(), [&](const auto& a) { return a.id == s.id; })) {
      EXPECT_FALSE(fs::exists(w.index->segment_path(stream, s.seq))) << "a deleted row's file is gone";
    }
  EXPECT_TRUE(w.db->query("SELECT 1 FROM garbage").empty());
  // What was deleted between the held minute and the rest is a retention gap.
  bool retention_gap = false;
  for (const auto& g : w.index->gaps(stream.id, 0, INT64_MAX)) retention_gap |= g.cause == "retention";
  EXPECT_TRUE(retention_gap);

  // The disk below its floor with only held data left: held_full, and the held data still there.
  Retention full(*w.index, w.clock, 5.0, [](const fs::path&) { return DiskSpace{1'000'000'000, 10'000'000}; });
  w.db->exec("UPDATE holds SET to_ms = ?", {t90k_to_ms(after.back().end_90k) + 1});
  auto f = full.run();
  EXPECT_TRUE(f.held_full);
  EXPECT_FALSE(f.held_warning) << "the held minutes are far from 80 % of a 1 GB disk";
  // A small disk where the held data passes 80 %: the early warning, before anything stops.
  uint64_t held_now = uint64_t(ret.held_bytes(std::nullopt));
  Retention small(*w.index, w.clock, 5.0, [held_now](const fs::path&) { return DiskSpace{held_now * 10 / 9, held_now / 2}; });
  auto s = small.run();
  EXPECT_TRUE(s.held_warning);
  EXPECT_FALSE(s.held_full);
  EXPECT_EQ(w.index->segments(stream.id, 0, INT64_MAX).size(), after.size());
  EXPECT_THROW(full.remove_camera(w.camera_id), core::Problem);
}

TEST(Playback, TheClipHoldsTheRecordedFramesFromTheKeyframeBeforeFrom) {
  World w;
  auto stream = w.index->stream(w.camera_id, "main");
  StreamWriter writer(*w.index, w.clock, stream);
  writer.begin_run(entry());
  w.record(writer, 130);
  auto segs = w.index->segments(stream.id, 0, INT64_MAX);
  int64_t t0 = segs.front().start_90k;
  // 10 s starting 3 s into the recording: from the keyframe at 2 s, 11 s of frames.
  auto clip = build_clip(*w.index, stream.id, t0 + 3 * 90'000, t0 + 13 * 90'000);
  ASSERT_TRUE(clip);
  EXPECT_EQ(clip->frames, 11 * 25);
  EXPECT_EQ(clip->first_frame_90k, t0 + 3 * 90'000);
  std::string body(clip->size, '\0');
  EXPECT_EQ(read_clip(*clip, 0, body.data(), body.size()), clip->size);
  EXPECT_EQ(body.substr(4, 4), "ftyp");
  // Across a segment boundary, and the same bytes read in pieces as at once.
  auto across = build_clip(*w.index, stream.id, segs[0].end_90k - 5 * 90'000, segs[0].end_90k + 5 * 90'000);
  ASSERT_TRUE(across);
  EXPECT_GE(across->segment_ids.size(), 2u);
  std::string all(across->size, '\0'), pieces;
  read_clip(*across, 0, all.data(), all.size());
  for (uint64_t at = 0; at < across->size; at += 7777) {
    std::string part(std::min<uint64_t>(7777, across->size - at), '\0');
    read_clip(*across, at, part.data(), part.size());
    pieces += part;
  }
  EXPECT_EQ(all, pieces);
  EXPECT_FALSE(build_clip(*w.index, stream.id, t0 - 100 * 90'000, t0 - 50 * 90'000));
}

}  // namespace
}  // namespace watchfloor::video
