// What the operator sees when the disk misbehaves (docs/formats.md §5, §6): an fsync error drops the
// segment from the index and alerts the system operator, a failed unlink keeps its garbage row until
// a later pass removes the file, `video fsck` finds lost and orphan files and repairs only what is
// safe, and the background scrub re-hashes at its rate and flags a damaged segment.
#include <fmt/format.h>
#include <gtest/gtest.h>

#include "core/metrics.h"
#include "events/alerts.h"
#include "events/bus.h"
#include "fault_fs.h"
#include "recorder_world.h"
#include "video/fsck.h"
#include "video/recorder.h"
#include "video/retention.h"
#include "video/scrub.h"

namespace watchfloor::video {
namespace {

void set_old_mtime(const fs::path& p, int64_t ms) {
  fs::last_write_time(p, std::chrono::file_clock::from_sys(std::chrono::sys_time<std::chrono::milliseconds>(
                             std::chrono::milliseconds(ms))));
}

struct Alerting {
  explicit Alerting(World& w, Fs& files = posix_fs(), RecorderOptions opt = {})
      : bus(w.clock), audit(*w.db, w.clock), alerts(*w.db, w.clock, bus, audit), recorder(*w.db, w.clock, *w.catalog, alerts, bus, w.dir / "video", opt, files) {}
  std::vector<events::Alert> open(const std::string& kind) {
    std::vector<events::Alert> out;
    for (auto& a : alerts.list(std::nullopt, true))
      if (a.kind == kind) out.push_back(a);
    return out;
  }
  events::Bus bus;
  audit::AuditLog audit;
  events::Alerts alerts;
  Recorder recorder;
};

TEST(RecorderFaults, AnFsyncErrorKeepsTheSegmentOutOfTheIndexAndAlertsTheSystemOperator) {
  FaultFs files;
  World w(files);
  auto stream = w.index->stream(w.camera_id, "main");
  StreamWriter writer(*w.index, w.clock, stream, {}, files);
  writer.begin_run(entry());
  w.record(writer, 70, false);  // one segment committed, the second being written
  ASSERT_EQ(w.index->segments(stream.id, 0, INT64_MAX).size(), 1u);
  files.fail_at(Op::fsync, 1, EIO);
  std::optional<DiskError> error;
  try {
    w.record(writer, 60, false);  // the second segment closes: its fsync fails
  } catch (const DiskError& e) {
    error = e;
  }
  ASSERT_TRUE(error);
  EXPECT_TRUE(error->sync_failed());
  EXPECT_FALSE(writer.in_run()) << "the run ended";
  auto segs = w.index->segments(stream.id, 0, INT64_MAX);
  ASSERT_EQ(segs.size(), 1u) << "nothing of the segment whose fsync failed is indexed";
  EXPECT_FALSE(fs::exists(w.index->segment_path(stream, segs[0].seq + 1)));
  EXPECT_TRUE(fs::exists(w.dir / "video" / "default" / "quarantine" /
                         fmt::format("{}-main-{:012d}.mp4", w.camera_id, segs[0].seq + 1)))
      << "its bytes are kept aside for a person to look at";
  EXPECT_GT(w.index->stream_by_id(stream.id)->next_seq, segs[0].seq + 1) << "its seq is never used again";
  auto gap = w.index->open_gap_of(stream.id);
  ASSERT_TRUE(gap);
  EXPECT_EQ(gap->cause, "disk_error");
  EXPECT_EQ(gap->start_90k, segs[0].end_90k);

  // The recorder raises it to the system operator (DTCBL-GSTT in the 2017 organisation) …
  Alerting a(w, files);
  auto cam = *w.catalog->camera(w.camera_id);
  a.recorder.disk_error(cam, "main", *error);
  auto raised = a.open("video.disk_error");
  ASSERT_EQ(raised.size(), 1u);
  EXPECT_EQ(raised[0].unit_id, w.units->by_code("DTCBL-GSTT")->id);
  EXPECT_NE(raised[0].title_vi.find("fsync"), std::string::npos);
  // … until the stream records again; a fresh segment then starts after the back-off.
  writer.begin_run(entry());
  w.record(writer, 70);
  EXPECT_EQ(w.index->segments(stream.id, 0, INT64_MAX).size(), 3u);
  a.recorder.disk_ok(w.camera_id, "main");
  EXPECT_TRUE(a.open("video.disk_error").empty());
}

TEST(Retention, AFailedUnlinkKeepsItsGarbageRowAndTheNextPassRemovesTheFile) {
  FaultFs files;
  World w(files);
  auto stream = w.index->stream(w.camera_id, "main");
  StreamWriter writer(*w.index, w.clock, stream, {}, files);
  writer.begin_run(entry());
  w.record(writer, 200);
  auto before = w.index->segments(stream.id, 0, INT64_MAX);
  ASSERT_GE(before.size(), 3u);
  int64_t total = 0;
  for (const auto& s : before) total += s.bytes;
  w.db->exec("UPDATE cameras SET retention_bytes = ?", {total - 1});  // the oldest segment goes
  Retention ret(*w.index, w.clock, 5.0, [](const fs::path&) { return DiskSpace{1'000'000'000, 500'000'000}; }, files);
  files.fail_at(Op::unlink, 1, EIO);
  auto r = ret.run();
  EXPECT_EQ(r.unlink_failures, 1);
  auto first = w.index->segment_path(stream, before[0].seq);
  EXPECT_TRUE(fs::exists(first)) << "the unlink failed";
  EXPECT_EQ(w.db->query("SELECT 1 FROM garbage").size(), 1u) << "its garbage row stays (invariant 9)";
  EXPECT_FALSE(w.index->segment(stream.id, before[0].seq)) << "its index row went first";
  auto again = ret.run();
  EXPECT_EQ(again.unlink_failures, 0);
  EXPECT_FALSE(fs::exists(first)) << "retried on the next pass";
  EXPECT_TRUE(w.db->query("SELECT 1 FROM garbage").empty());
}

TEST(Fsck, FindsLostAndOrphanFilesAndRepairDoesOnlyWhatIsSafe) {
  World w;
  auto stream = w.index->stream(w.camera_id, "main");
  {
    StreamWriter writer(*w.index, w.clock, stream);
    writer.begin_run(entry());
    w.record(writer, 300);
  }
  auto segs = w.index->segments(stream.id, 0, INT64_MAX);
  ASSERT_GE(segs.size(), 5u);
  // Lost: seq of segs[1] gone, segs[2] cut short, segs[3] gone but held as evidence.
  fs::remove(w.index->segment_path(stream, segs[1].seq));
  fs::resize_file(w.index->segment_path(stream, segs[2].seq), uint64_t(segs[2].bytes) - 100);
  fs::remove(w.index->segment_path(stream, segs[3].seq));
  w.db->exec(
      "INSERT INTO users(username, full_name, unit_id, password_hash, created_at) SELECT 'u', 'U', id, '!', 0 FROM "
      "units LIMIT 1");
  int64_t user = w.db->last_insert_id();
  Retention(*w.index, w.clock, 5.0).create_hold({w.camera_id, t90k_to_ms(segs[3].start_90k),
                                                t90k_to_ms(segs[3].start_90k) + 1000, user, "Vụ việc", std::nullopt},
                                               user);
  // Orphans: an init-only file below next_seq, and a file that is no segment at all.
  auto dir = w.index->stream_dir(stream);
  std::ofstream(dir / "000000000000.mp4", std::ios::binary) << mp4::make_init(entry());
  std::ofstream(dir / "notes.txt") << "hello";
  for (auto name : {"000000000000.mp4", "notes.txt"}) set_old_mtime(dir / name, w.clock.now_ms() - 3'600'000);

  auto check = fsck(*w.index, posix_fs(), w.clock, {});
  std::set<std::string> kinds;
  for (const auto& f : check.findings) kinds.insert(f.kind);
  EXPECT_EQ(kinds, (std::set<std::string>{"missing", "short", "orphan", "unexplained"}));
  EXPECT_EQ(check.problems_left(), 5);
  EXPECT_EQ(w.index->segments(stream.id, 0, INT64_MAX).size(), segs.size()) << "a check changes nothing";
  std::ostringstream out;
  print(check, out);
  EXPECT_NE(out.str().find("Đoạn ghi có trong chỉ mục nhưng mất tệp"), std::string::npos);
  EXPECT_NE(out.str().find("Indexed segment whose file is gone"), std::string::npos);

  // Repair needs the directory to itself: the running recorder holds its lock.
  FsckOptions repair;
  repair.repair = true;
  EXPECT_THROW(fsck(*w.index, posix_fs(), w.clock, repair), std::runtime_error);
  w.index.reset();  // the server stops
  Index idx(*w.db, w.clock, w.dir / "video");
  auto fixed = fsck(idx, posix_fs(), w.clock, repair);
  EXPECT_EQ(fixed.repaired(), 4);
  EXPECT_EQ(fixed.problems_left(), 1) << "the held segment's loss stays visible";
  auto after = idx.segments(stream.id, 0, INT64_MAX);
  EXPECT_EQ(after.size(), segs.size() - 2);
  auto held = idx.segment(stream.id, segs[3].seq);
  ASSERT_TRUE(held) << "a held row is never dropped";
  EXPECT_EQ(held->state, "missing");
  int disk_error_gaps = 0;
  for (const auto& g : idx.gaps(stream.id, 0, INT64_MAX)) disk_error_gaps += g.cause == "disk_error";
  EXPECT_EQ(disk_error_gaps, 2) << "the dropped spans are gaps";
  auto q = w.dir / "video" / "default" / "quarantine";
  EXPECT_TRUE(fs::exists(q / fmt::format("{}-main-{:012d}.mp4", w.camera_id, segs[2].seq))) << "the short file is kept aside";
  EXPECT_TRUE(fs::exists(q / fmt::format("{}-main-notes.txt", w.camera_id)));
  EXPECT_FALSE(fs::exists(dir / "000000000000.mp4")) << "a file without a fragment holds nothing";
  EXPECT_EQ(fsck(idx, posix_fs(), w.clock, {}).problems_left(), 1);
}

TEST(Scrub, ReHashesAtItsRateAndAlertsTheSystemOperatorToADamagedSegment) {
  World w;
  auto stream = w.index->stream(w.camera_id, "main");
  {
    StreamWriter writer(*w.index, w.clock, stream);
    writer.begin_run(entry());
    w.record(writer, 150);
  }
  auto segs = w.index->segments(stream.id, 0, INT64_MAX);
  int64_t total = 0;
  for (const auto& s : segs) total += s.bytes;
  ScrubOptions opt;
  opt.bytes_per_s = 100'000;
  opt.rescan_after_ms = 3'600'000;
  Scrubber scrub(*w.index, w.clock, opt);
  EXPECT_TRUE(scrub.step().empty()) << "no time has passed: nothing read";
  int seconds = 0;
  std::vector<ScrubResult> done;
  while (done.size() < segs.size() && seconds < 10'000) {
    w.clock.advance(1s);
    ++seconds;
    for (auto& r : scrub.step()) done.push_back(r);
    EXPECT_LE(scrub.bytes_read(), int64_t(seconds) * opt.bytes_per_s) << "never faster than its rate";
  }
  ASSERT_EQ(done.size(), segs.size());
  EXPECT_GE(seconds, total / opt.bytes_per_s);
  for (const auto& r : done) EXPECT_EQ(r.state, "ok");
  EXPECT_TRUE(w.db->query("SELECT 1 FROM segments WHERE verified_ms IS NULL").empty());
  w.clock.advance(1s);
  EXPECT_TRUE(scrub.step().empty()) << "checked segments wait rescan_after_ms";

  // A bit flips on the disk; an hour later the scrub finds it, through the recorder, which alerts.
  {
    std::fstream f(w.index->segment_path(stream, segs[1].seq), std::ios::in | std::ios::out | std::ios::binary);
    f.seekp(segs[1].bytes - 10);
    f.put('\x5a');
  }
  w.clock.advance(2h);
  auto metric = [] {
    auto text = core::Metrics::global().render();
    auto at = text.find("\nwatchfloor_scrub_mismatches_total ");
    return at == std::string::npos ? 0.0 : std::stod(text.substr(at + 35));
  };
  double mismatches = metric();
  RecorderOptions ro;
  ro.scrub = opt;
  Alerting a(w, posix_fs(), ro);
  w.index.reset();              // the recorder's own index takes the directory's lock
  a.recorder.index().open();
  for (int i = 0; i < 10'000 && a.open("video.segment_damaged").empty(); ++i) {
    w.clock.advance(1s);
    a.recorder.scrub();
  }
  auto raised = a.open("video.segment_damaged");
  ASSERT_EQ(raised.size(), 1u);
  EXPECT_EQ(raised[0].unit_id, w.units->by_code("DTCBL-GSTT")->id);
  EXPECT_EQ(raised[0].details.at("segment_id"), segs[1].id);
  EXPECT_EQ(a.recorder.index().segment(stream.id, segs[1].seq)->state, "damaged") << "playback skips it from now on";
  EXPECT_EQ(metric(), mismatches + 1);
}

}  // namespace
}  // namespace watchfloor::video
