// Crash safety of the recorder over a fault-injecting file system (docs/formats.md §6): ENOSPC and
// EIO at the n-th call of every kind the recorder makes while recording a few segments (with a
// crashed writer's leftover recovered in between and a retention pass at the end), and a power
// cut before every one of those calls. After each, what was not made durable is dropped, start-up
// recovery runs, and every invariant of formats.md must hold. The cases run are printed as a table.
#include <fmt/format.h>
#include <gtest/gtest.h>

#include <iostream>
#include <set>

#include "core/hash.h"
#include "fault_fs.h"
#include "recorder_world.h"
#include "video/recovery.h"
#include "video/retention.h"

namespace watchfloor::video {
namespace {

WriterOptions short_segments() {
  WriterOptions o;
  o.segment_s = 10;
  o.min_segment_s = 4;
  o.sync_interval_s = 3;  // fdatasync inside a segment too
  return o;
}

// Records like the recorder's ingest thread: a disk error ends the run, the next run begins.
int feed(World& w, StreamWriter& writer, int seconds) {
  int errors = 0;
  for (int i = 0; i < seconds * 25; ++i) {
    if (!writer.in_run()) writer.begin_run(entry());
    std::string au = access_unit(i % 50 == 0, i % 50 == 0 ? 4000 : 600, uint8_t(i));
    try {
      writer.frame({au, w.dts, w.dts, i % 50 == 0, w.clock.mono_ns()});
    } catch (const DiskError&) {
      ++errors;
    }
    w.dts += 3600;
    w.clock.advance(40ms);
  }
  return errors;
}

struct Outcome {
  int disk_errors = 0;
  bool power_cut = false;
  int64_t recovery_problems = 0;
};

// A crashed writer's leftover, recovered at a restart; then 35 s in 10 s segments; then a
// retention pass that deletes the oldest segment. Every file operation goes through `files`.
Outcome scenario(World& w, FaultFs& files) {
  Outcome out;
  try {
    w.reopen();
    if (w.index->dir_online()) {
      auto stream = w.index->stream(w.camera_id, "main");
      {
        StreamWriter a(*w.index, w.clock, stream, short_segments(), files);
        out.disk_errors += feed(w, a, 12);
      }  // kill -9
      w.index->heartbeat();
      w.reopen();
      out.recovery_problems += int64_t(recover(*w.index, files).problems.size());
      StreamWriter b(*w.index, w.clock, *w.index->stream_by_id(stream.id), short_segments(), files);
      out.disk_errors += feed(w, b, 35);
      try {
        b.end_run("camera_down", "camera_down");
      } catch (const DiskError&) {
        ++out.disk_errors;
      }
      w.index->heartbeat();
    }
    auto total = w.db->query_one("SELECT COALESCE(SUM(bytes), 0) FROM segments")->i64(0);
    w.db->exec("UPDATE cameras SET retention_bytes = ?", {std::max<int64_t>(total - 1, 1)});
    Retention ret(*w.index, w.clock, 5.0, {}, files);
    (void)ret.run();
  } catch (const PowerCut&) {
    out.power_cut = true;
  }
  return out;
}

// Every invariant of formats.md §6 that the files and the index can show; one line per violation.
std::vector<std::string> violations(World& w) {
  std::vector<std::string> bad;
  auto& db = *w.db;
  for (const auto& s : w.index->streams()) {
    auto segs = w.index->segments(s.id, INT64_MIN, INT64_MAX);
    std::set<int64_t> indexed;
    for (size_t i = 0; i < segs.size(); ++i) {
      const auto& r = segs[i];
      indexed.insert(r.seq);
      auto path = w.index->segment_path(s, r.seq);
      // 1. the file exists with its length and hash (so no row outlived its bytes: 3).
      if (r.state != "ok") bad.push_back(fmt::format("1: seq {} is {}", r.seq, r.state));
      if (!fs::exists(path)) {
        bad.push_back(fmt::format("1: seq {} has no file", r.seq));
        continue;
      }
      auto data = slurp(path);
      if (int64_t(data.size()) != r.bytes) bad.push_back(fmt::format("1: seq {} is {} bytes, not {}", r.seq, data.size(), r.bytes));
      if (core::sha256_hex(data) != r.sha256_hex) bad.push_back(fmt::format("1: seq {} hash differs", r.seq));
      // 4. init of its sample entry, then complete fragments only, starting with a keyframe.
      auto init = w.index->init_bytes(r.sample_entry_id);
      auto scan = mp4::scan_segment(data);
      if (!init || data.compare(0, init->size(), *init) != 0) bad.push_back(fmt::format("4: seq {} init", r.seq));
      if (!scan || scan->valid_length != data.size() || scan->fragments.empty() ||
          scan->fragments[0].samples.empty() || !scan->fragments[0].samples[0].key) {
        bad.push_back(fmt::format("4: seq {} is not init + complete fragments from a keyframe", r.seq));
        continue;
      }
      // 5. the index agrees with the file.
      int64_t frames = 0, keys = 0, media = 0;
      std::vector<mp4::IndexedFragment> frags;
      for (const auto& f : scan->fragments) {
        frags.push_back({f.moof_size, f.samples});
        for (const auto& x : f.samples) frames++, keys += x.key, media += x.duration;
      }
      if (frames != r.frames || keys != r.keyframes || int64_t(frags.size()) != r.fragments ||
          media != r.media_duration_90k || mp4::encode_sample_index(frags) != r.sample_index)
        bad.push_back(fmt::format("5: seq {} counts or sample index differ from the file", r.seq));
      // 6. no overlap; a run's segments touch. 7. wall duration within 500 ppm.
      if (i && segs[i - 1].end_90k > r.start_90k) bad.push_back(fmt::format("6: seq {} overlaps", r.seq));
      if (i && segs[i - 1].run_id == r.run_id && segs[i - 1].end_90k != r.start_90k)
        bad.push_back(fmt::format("6: seq {} does not touch its run", r.seq));
      if (std::abs((r.end_90k - r.start_90k) - r.media_duration_90k) > r.media_duration_90k / 2000 + 1)
        bad.push_back(fmt::format("7: seq {}", r.seq));
    }
    // 8. every span between segments is covered exactly by gaps; one open gap, at the last end.
    auto gaps = w.index->gaps(s.id, INT64_MIN, INT64_MAX);
    int open = 0;
    for (const auto& g : gaps) {
      open += !g.end_90k;
      int64_t ge = g.end_90k.value_or(INT64_MAX);
      for (const auto& r : segs)
        if (g.start_90k < r.end_90k && ge > r.start_90k) bad.push_back(fmt::format("8: gap {} overlaps seq {}", g.id, r.seq));
    }
    if (open > 1) bad.push_back("8: more than one open gap");
    if (!segs.empty()) {
      int64_t last = 0;
      for (const auto& r : segs) last = std::max(last, r.end_90k);
      // The open gap starts at the last end, or where the closed gaps after it reach (§7 step 6).
      int64_t reach = last;
      for (const auto& g : gaps)
        if (g.end_90k && g.start_90k == reach) reach = *g.end_90k;
      for (const auto& g : gaps)
        if (!g.end_90k && g.start_90k != reach) bad.push_back(fmt::format("8: open gap starts at {}, last end {}", g.start_90k, reach));
      for (size_t i = 0; i + 1 < segs.size(); ++i) {
        int64_t at = segs[i].end_90k;
        for (const auto& g : gaps)
          if (g.end_90k && g.start_90k == at && *g.end_90k <= segs[i + 1].start_90k) at = *g.end_90k;
        if (at != segs[i + 1].start_90k)
          bad.push_back(fmt::format("8: span before seq {} not covered by gaps", segs[i + 1].seq));
      }
    }
    // 2 and 12: every file is indexed, listed in garbage, or uncommitted above next_seq.
    auto stream = *w.index->stream_by_id(s.id);
    std::error_code ec;
    for (const auto& e : fs::directory_iterator(w.index->stream_dir(s), ec)) {
      auto seq = segment_seq(e.path().filename().string());
      std::string rel = fmt::format("{}/{}/{}", s.camera_id, s.kind, e.path().filename().string());
      if (seq && indexed.count(*seq)) continue;
      if (db.query_one("SELECT 1 FROM garbage WHERE rel_path = ?", {rel})) continue;
      if (seq && *seq >= stream.next_seq) continue;
      bad.push_back("2: unexplained file " + e.path().filename().string());
    }
    for (int64_t seq : indexed)
      if (seq >= stream.next_seq) bad.push_back(fmt::format("12: seq {} not below next_seq", seq));
  }
  // 9. garbage is gone once its files are.
  for (const auto& g : db.query("SELECT sample_dir_id, rel_path FROM garbage"))
    if (!fs::exists(w.index->dir_path(g.i64(0)) / g.str(1))) bad.push_back("9: garbage row without its file");
  return bad;
}

struct Case {
  std::string fault, call, outcome;
};

// Runs the scenario with `arm` setting up the fault, then a power cut, a restart and recovery.
Case run_case(const std::function<void(FaultFs&)>& arm, const std::string& fault) {
  FaultFs files;
  arm(files);
  World w(files, false, true);  // the files are under test, not the store
  test::commits_unsynced(*w.db);  // the database's durability is not under test here
  Outcome o = scenario(w, files);
  std::string call = files.failed_call();
  if (o.power_cut)
    call = files.log().empty() ? "before the first call"
                               : fmt::format("after {} #{} {}", op_name(files.log().back().first), files.calls(),
                                             files.log().back().second);
  files.apply_power_cut();  // what was not made durable is lost now in any case
  for (auto op : {Op::create, Op::write, Op::fsync, Op::fdatasync, Op::close, Op::sync_dir, Op::rename, Op::unlink,
                  Op::mkdir, Op::truncate, Op::list, Op::stat, Op::read, Op::open, Op::statvfs, Op::lock})
    files.fail_at(op, 0, 0);
  w.reopen();
  auto rep = recover(*w.index, files);
  auto bad = violations(w);
  auto segs = w.db->query_one("SELECT COUNT(*) FROM segments")->i64(0);
  std::string outcome = fmt::format("{}{} disk errors, {} segments kept, {} recovered, {} quarantined: {}",
                                    o.power_cut ? "power cut, " : "", o.disk_errors, segs, rep.recovered,
                                    rep.quarantined, bad.empty() ? "invariants hold" : "BROKEN " + bad.front());
  EXPECT_TRUE(bad.empty()) << fault << " at " << call << ": " << ::testing::PrintToString(bad);
  return {fault, call, outcome};
}

std::string short_path(std::string p) {
  auto at = p.find("/video/"), from = p.find('/');
  return at == std::string::npos ? p : p.substr(0, from) + p.substr(at + 7);
}

TEST(RecorderFaults, EveryCallSiteFailingOrLosingPowerLeavesTheIndexAndFilesConsistent) {
  // The calls the scenario makes, by kind, without faults.
  FaultFs counting;
  {
    World w(counting, false, true);
    auto o = scenario(w, counting);
    ASSERT_EQ(o.disk_errors, 0);
    ASSERT_GE(w.db->query_one("SELECT COUNT(*) FROM segments")->i64(0), 3);
  }
  int64_t total = counting.calls();
  std::vector<Case> cases;
  for (auto op : {Op::create, Op::write, Op::fsync, Op::fdatasync, Op::close, Op::sync_dir, Op::rename, Op::unlink,
                  Op::mkdir, Op::truncate, Op::list, Op::stat, Op::read, Op::open, Op::statvfs, Op::lock}) {
    for (int64_t n = 1; n <= counting.calls(op); ++n)
      for (int err : {ENOSPC, EIO})
        cases.push_back(run_case([&](FaultFs& f) { f.fail_at(op, n, err); },
                                 fmt::format("{} at {} #{}", err == ENOSPC ? "ENOSPC" : "EIO", op_name(op), n)));
  }
  for (int64_t n = 1; n <= total + 1; ++n)
    cases.push_back(run_case([&](FaultFs& f) { f.cut_power_at(n); }, fmt::format("power cut before call {}", n)));

  std::cout << "\nFault injection (docs/formats.md §6): " << cases.size() << " cases over " << total
            << " file-system calls\n";
  std::cout << fmt::format("{:<28} | {:<48} | {}\n", "fault", "call", "outcome");
  for (const auto& c : cases) std::cout << fmt::format("{:<28} | {:<48} | {}\n", c.fault, short_path(c.call), c.outcome);
}

}  // namespace
}  // namespace watchfloor::video
