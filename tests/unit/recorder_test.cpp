// The recorder's formats and invariants (docs/formats.md): boxes that read back as written, segments
// of a run that touch, a torn file cut back to its last complete fragment and indexed at start-up,
// retention that never deletes held data, and playback that serves exactly the recorded bytes.
#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <thread>

#include "core/hash.h"
#include "core/random.h"
#include "org/preset.h"
#include "recorder_world.h"
#include "test_util.h"
#include "video/catalog.h"
#include "video/index.h"
#include "video/live.h"
#include "video/mp4.h"
#include "video/playback.h"
#include "video/recovery.h"
#include "video/retention.h"
#include "video/writer.h"

namespace watchfloor::video {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

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

// Instant replay: the seconds just recorded play before their segment is committed, from the
// fragments already in its file, and asking twice for the same span gives the same bytes.
TEST(Playback, InstantReplayReachesTheSegmentBeingWritten) {
  World w;
  auto stream = w.index->stream(w.camera_id, "main");
  StreamWriter writer(*w.index, w.clock, stream);
  auto open = std::make_shared<OpenSegment>();
  writer.publish_open(open);
  writer.begin_run(entry());
  w.record(writer, 25, /*end=*/false);  // shorter than a segment: nothing committed yet
  EXPECT_TRUE(w.index->segments(stream.id, 0, INT64_MAX).empty());
  auto row = open->get();
  ASSERT_TRUE(row);
  EXPECT_EQ(row->frames, 24 * 25) << "the GOP still being gathered is not in the file yet";
  int64_t now = ms_to_90k(w.clock.now_ms());
  EXPECT_FALSE(build_clip(*w.index, stream.id, now - 10 * 90'000, now)) << "without the open segment: nothing";
  auto clip = build_clip(*w.index, stream.id, now - 10 * 90'000, now, row);
  ASSERT_TRUE(clip);
  EXPECT_EQ(clip->end_90k, row->end_90k) << "up to the last flushed frame";
  EXPECT_GE(clip->frames, 8 * 25);
  std::string body(clip->size, '\0');
  EXPECT_EQ(read_clip(*clip, 0, body.data(), body.size()), clip->size);
  EXPECT_TRUE(clip->segment_ids.empty()) << "no committed segment in it";
  // Two more seconds flushed: the same span asked again is the same clip.
  w.record(writer, 2, false);
  auto again = build_clip(*w.index, stream.id, now - 10 * 90'000, std::min(now, clip->end_90k), open->get());
  ASSERT_TRUE(again);
  EXPECT_EQ(again->frames, clip->frames);
  EXPECT_EQ(again->size, clip->size);
  // Committed, the open segment is withdrawn and the index serves the same frames.
  writer.end_run("camera_down", "camera_down");
  EXPECT_FALSE(open->get());
  auto committed = build_clip(*w.index, stream.id, now - 10 * 90'000, clip->end_90k, open->get());
  ASSERT_TRUE(committed);
  EXPECT_EQ(committed->frames, clip->frames);
}

// A viewer as the live fan-out sees it: what it was sent, and a backlog the test sets.
struct FakeViewer final : LiveViewer {
  std::vector<std::string> texts;
  std::vector<std::shared_ptr<const std::string>> media_sent;
  size_t backlog = 0;
  void text(const std::string& json) override { texts.push_back(json); }
  void media(const std::shared_ptr<const std::string>& bytes) override { media_sent.push_back(bytes); }
  size_t backlog_bytes() const override { return backlog; }
  std::vector<nlohmann::json> of_type(const std::string& type) const {
    std::vector<nlohmann::json> out;
    for (const auto& t : texts)
      if (auto j = nlohmann::json::parse(t); j["type"] == type) out.push_back(j);
    return out;
  }
};

// A fragment's single sample: key flag, decode time and prft wall time, read back with our scanner.
struct FragInfo {
  bool key = false;
  int64_t base_dts = 0, wall_90k = 0;
  uint32_t size = 0;
};
FragInfo read_fragment(const std::string& init, const std::string& frag) {
  // Our recovery scanner reads it once renumbered as a file's first fragment (it checks mfhd order)
  // and, for a frame that is not a keyframe, after a keyframe fragment.
  auto renumber = [](std::string f, uint32_t seq) {
    size_t at = f.find("mfhd") + 8;
    for (int i = 0; i < 4; ++i) f[at + i] = char(seq >> (24 - 8 * i));
    return f;
  };
  static const std::string key = [] {
    LiveStream one;
    auto v = std::make_shared<FakeViewer>();
    one.add(v);
    one.begin(entry());
    auto au = h264::to_sample(access_unit(true, 100, 3));
    one.frame(au->avcc, 0, 0, true, 0);
    return *v->media_sent.back();
  }();
  bool is_key = mp4::scan_segment(init + renumber(frag, 1)).value().fragments.size() == 1;
  auto scan = mp4::scan_segment(init + (is_key ? renumber(frag, 1) : renumber(key, 1) + renumber(frag, 2)));
  EXPECT_TRUE(scan);
  EXPECT_EQ(scan->fragments.size(), is_key ? 1u : 2u);
  const auto& f = scan->fragments.at(scan->fragments.size() - 1);
  EXPECT_EQ(f.samples.size(), 1u) << "one frame per fragment: low latency";
  return {f.samples.at(0).key, f.base_dts, f.wall_90k.value_or(-1), f.samples.at(0).size};
}

std::string sample(bool key, size_t size) {
  auto au = h264::to_sample(access_unit(key, size, 7));
  return au->avcc;
}

TEST(Live, ANewViewerStartsAtTheLatestKeyframeAndGetsEveryFrameAfterIt) {
  LiveStream live;
  live.state({{"type", "state"}, {"state", "online"}});
  live.begin(entry());
  int64_t dts = 5'000'000;
  for (int i = 0; i < 60; ++i, dts += 3600) live.frame(sample(i % 50 == 0, 500), dts, dts, i % 50 == 0, 1'767'225'600'000 + i * 40);
  auto v = std::make_shared<FakeViewer>();
  live.add(v);
  ASSERT_EQ(v->of_type("state").size(), 1u);
  auto init = v->of_type("init");
  ASSERT_EQ(init.size(), 1u);
  EXPECT_EQ(init[0]["codec"], entry().codec);
  EXPECT_EQ(init[0]["width"], 640);
  ASSERT_EQ(v->media_sent.size(), 1u + 10u) << "the init, then the GOP from the keyframe at frame 50";
  EXPECT_EQ(*v->media_sent[0], mp4::make_init(entry()));
  const std::string& init_bytes = *v->media_sent[0];
  auto first = read_fragment(init_bytes, *v->media_sent[1]);
  EXPECT_TRUE(first.key);
  EXPECT_EQ(first.base_dts, 50 * 3600) << "decode times continue from the run's first frame";
  EXPECT_EQ(first.wall_90k, ms_to_90k(1'767'225'600'000 + 50 * 40)) << "prft: when the frame arrived";
  // Live frames follow, one fragment each, with continuous decode times.
  live.frame(sample(false, 500), dts, dts, false, 0);
  ASSERT_EQ(v->media_sent.size(), 12u);
  auto next = read_fragment(init_bytes, *v->media_sent.back());
  EXPECT_FALSE(next.key);
  EXPECT_EQ(next.base_dts, 60 * 3600);
  // Removed, it gets nothing more.
  live.remove(v.get());
  live.frame(sample(false, 500), dts + 3600, dts + 3600, false, 0);
  EXPECT_EQ(v->media_sent.size(), 12u);
  EXPECT_EQ(live.viewers(), 0u);
}

TEST(Live, ASlowViewerSkipsToTheNextKeyframeAndIsTold) {
  LiveOptions opt;
  opt.max_backlog_bytes = 10'000;
  LiveStream live(opt);
  live.begin(entry());
  auto fast = std::make_shared<FakeViewer>(), slow = std::make_shared<FakeViewer>();
  live.add(fast);
  live.add(slow);
  int64_t dts = 0;
  auto frames = [&](int n) {
    for (int i = 0; i < n; ++i, dts += 3600) live.frame(sample(dts % (50 * 3600) == 0, 500), dts, dts, dts % (50 * 3600) == 0, 0);
  };
  frames(10);
  slow->backlog = 20'000;  // its socket stopped draining
  frames(20);
  EXPECT_EQ(slow->media_sent.size(), 1u + 10u) << "nothing queued while it is behind";
  slow->backlog = 0;  // drained, but mid-GOP: it waits for the keyframe
  frames(30);
  EXPECT_EQ(fast->media_sent.size(), 1u + 60u) << "the others are not held back";
  auto skipped = slow->of_type("skipped");
  ASSERT_EQ(skipped.size(), 1u);
  EXPECT_EQ(skipped[0]["frames"], 40) << "frames 10 to 49";
  ASSERT_EQ(slow->media_sent.size(), 1u + 10u + 10u);
  EXPECT_TRUE(read_fragment(*slow->media_sent[0], *slow->media_sent[11]).key) << "it resumes at a keyframe";
}

TEST(Live, ANewRunSendsANewInitAndAViewerOfAStoppedStreamSeesOnlyItsState) {
  LiveStream live;
  auto v = std::make_shared<FakeViewer>();
  live.add(v);
  live.state({{"type", "state"}, {"state", "offline"}});
  EXPECT_TRUE(v->media_sent.empty()) << "no init before the camera streams";
  EXPECT_EQ(v->of_type("state").back()["state"], "offline");
  live.begin(entry());
  live.frame(sample(false, 300), 0, 0, false, 0);
  EXPECT_EQ(v->media_sent.size(), 1u) << "the init; the frame before the first keyframe is not sent";
  live.frame(sample(true, 300), 3600, 3600, true, 0);
  EXPECT_EQ(v->media_sent.size(), 2u);
  auto other = entry();
  other.width = 1280, other.height = 720;
  live.end();
  live.begin(other);
  EXPECT_EQ(v->of_type("init").size(), 2u);
  EXPECT_EQ(v->of_type("init").back()["width"], 1280);
  EXPECT_EQ(*v->media_sent.back(), mp4::make_init(other));
  // The GOP of the old run is not handed to a new viewer of the new one.
  auto late = std::make_shared<FakeViewer>();
  live.add(late);
  EXPECT_EQ(late->media_sent.size(), 1u);
  EXPECT_EQ(*late->media_sent[0], mp4::make_init(other));
}

TEST(Live, AGopTooBigToHandOverIsNotKept) {
  LiveOptions opt;
  opt.max_backlog_bytes = 4'000;
  LiveStream live(opt);
  live.begin(entry());
  for (int i = 0; i < 20; ++i) live.frame(sample(i == 0, 500), i * 3600, i * 3600, i == 0, 0);
  EXPECT_EQ(live.gop_bytes(), 0u) << "bounded: memory does not grow with a long GOP";
  auto v = std::make_shared<FakeViewer>();
  live.add(v);
  EXPECT_EQ(v->media_sent.size(), 1u) << "only the init: it starts at the next keyframe";
  live.frame(sample(false, 500), 20 * 3600, 20 * 3600, false, 0);
  live.frame(sample(true, 500), 21 * 3600, 21 * 3600, true, 0);
  EXPECT_EQ(v->media_sent.size(), 2u);
}

}  // namespace
}  // namespace watchfloor::video

namespace watchfloor::video {
namespace {

// A camera just added: its ingest and a console asking for its recordings may both make the stream's index
// row first. Both get the same row; neither gets a UNIQUE error (in the ingest's thread it ended the process).
TEST(Index, TheIngestAndARequestMayBothMakeAStreamFirst) {
  World w;
  for (int round = 0; round < 200; ++round) {
    w.db->exec("DELETE FROM streams WHERE camera_id = ?", {w.camera_id});
    std::atomic<int> ready{0};
    int64_t ids[2] = {0, 0};
    std::string errors[2];
    auto make = [&](int i) {
      ++ready;
      while (ready < 2) {
      }
      try {
        ids[i] = w.index->stream(w.camera_id, "main").id;
      } catch (const std::exception& e) {
        errors[i] = e.what();
      }
    };
    std::thread a(make, 0), b(make, 1);
    a.join();
    b.join();
    ASSERT_EQ(errors[0] + errors[1], "") << "round " << round;
    ASSERT_EQ(ids[0], ids[1]);
  }
}

}  // namespace
}  // namespace watchfloor::video
