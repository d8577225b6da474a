#include "video/recovery.h"

#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <set>

#include "core/hash.h"
#include "core/log.h"
#include "core/metrics.h"

namespace watchfloor::video {

namespace fs = std::filesystem;

std::optional<int64_t> segment_seq(const std::string& name) {
  if (name.size() != 16 || name.substr(12) != ".mp4") return std::nullopt;
  int64_t v = 0;
  for (int i = 0; i < 12; ++i) {
    if (name[i] < '0' || name[i] > '9') return std::nullopt;
    v = v * 10 + (name[i] - '0');
  }
  return v;
}

Status quarantine_file(Index& index, Fs& fs, const StreamRow& s, const fs::path& file) {
  auto q = index.dir_path(s.sample_dir_id) / "quarantine";
  auto to = q / fmt::format("{}-{}-{}", s.camera_id, s.kind, file.filename().string());
  if (auto st = make_dirs(fs, q); !st.ok()) return st;
  if (auto st = fs.rename(file, to); !st.ok()) return st;
  if (auto st = fs.sync_dir(q); !st.ok()) return st;
  return fs.sync_dir(file.parent_path());
}

GarbageResult collect_garbage(Index& index, Fs& fs) {
  GarbageResult res;
  auto& db = index.db();
  // Per directory: the rows whose file is gone, deleted once the directory is synced.
  std::map<fs::path, std::vector<std::pair<int64_t, std::string>>> done;
  // This recorder's directory only: another node removes its own files.
  for (const auto& g : db.query("SELECT sample_dir_id, rel_path FROM garbage WHERE sample_dir_id = ? "
                                "ORDER BY sample_dir_id, rel_path",
                                {index.dir_id()})) {
    auto p = index.dir_path(g.i64("sample_dir_id")) / g.str("rel_path");
    auto s = fs.unlink(p);
    if (s.ok()) res.removed++;
    if (s.ok() || s.code() == ENOENT) {
      done[p.parent_path()].emplace_back(g.i64("sample_dir_id"), g.str("rel_path"));
    } else {
      res.failed++;
      res.problems.push_back(s.message());
    }
  }
  for (const auto& [dir, rows] : done) {
    // A directory that is gone has nothing left to sync.
    if (auto s = fs.sync_dir(dir); !s.ok() && s.code() != ENOENT) {
      res.failed += int64_t(rows.size());
      res.problems.push_back(s.message());
      continue;
    }
    db.transaction([&] {
      for (const auto& [dir_id, rel] : rows)
        db.exec("DELETE FROM garbage WHERE sample_dir_id = ? AND rel_path = ?", {dir_id, rel});
    });
  }
  if (res.failed) core::Metrics::global().inc("watchfloor_video_unlink_failures_total", "", double(res.failed));
  return res;
}

namespace {

void quarantine(Index& index, Fs& fs, const StreamRow& s, const fs::path& file, RecoveryReport& rep,
                const std::string& why) {
  if (auto st = quarantine_file(index, fs, s, file); !st.ok()) {
    rep.problems.push_back(fmt::format("{} ({}) cannot be quarantined: {}", file.string(), why, st.message()));
    return;
  }
  rep.quarantined++;
  rep.problems.push_back(fmt::format("{} quarantined: {}", file.string(), why));
}

// Indexes one uncommitted file (formats.md §7 step 5). Nothing is indexed unless the file's kept
// part and its directory were synced (invariant 3).
void recover_file(Index& index, Fs& fs, const StreamRow& s, int64_t seq, const fs::path& file, RecoveryReport& rep) {
  std::string data;
  if (auto st = read_file(fs, file, data); !st.ok()) {
    rep.problems.push_back(st.message());
    return;
  }
  auto scan = mp4::scan_segment(data);
  if (!scan) return quarantine(index, fs, s, file, rep, "no valid init segment");
  if (scan->fragments.empty()) {
    Status st = fs.unlink(file);
    if (st.ok()) st = fs.sync_dir(file.parent_path());
    if (!st.ok()) {
      rep.problems.push_back(st.message());
      return;
    }
    rep.removed++;
    return;
  }
  Status st;
  {
    std::unique_ptr<File> f;
    st = fs.open_write(file, f);
    if (st.ok() && scan->valid_length < data.size()) st = f->truncate(scan->valid_length);
    if (st.ok()) st = f->fsync();
    if (st.ok()) st = f->close();
  }
  if (st.ok()) st = fs.sync_dir(file.parent_path());
  if (!st.ok()) {
    rep.problems.push_back(fmt::format("{} not recovered: {}", file.string(), st.message()));
    return;
  }
  if (scan->valid_length < data.size()) {
    rep.bytes_cut += int64_t(data.size() - scan->valid_length);
    data.resize(scan->valid_length);
  }

  SegmentRow row;
  row.stream_id = s.id;
  row.camera_id = s.camera_id;
  row.seq = seq;
  row.sample_dir_id = s.sample_dir_id;
  row.open_id = index.open_id();
  row.flags = 1;
  std::vector<mp4::IndexedFragment> frags;
  std::optional<int64_t> local_start;
  for (const auto& f : scan->fragments) {
    mp4::IndexedFragment x{f.moof_size, f.samples};
    for (const auto& smp : f.samples) {
      row.frames++;
      row.keyframes += smp.key;
      row.media_duration_90k += smp.duration;
    }
    if (f.wall_90k) local_start = std::min(local_start.value_or(INT64_MAX), *f.wall_90k - f.base_dts);
    frags.push_back(std::move(x));
  }
  row.fragments = int64_t(frags.size());
  row.sample_index = mp4::encode_sample_index(frags);
  row.bytes = int64_t(data.size());
  row.sha256_hex = core::sha256_hex(data);
  row.sample_entry_id = index.sample_entry(scan->init.entry, data.substr(0, scan->init.length));

  auto run = index.run_for_seq(s.id, seq);
  if (!run) {
    row.run_id = index.begin_run(s.id, seq, 0);
  } else {
    row.run_id = run->id;
  }
  auto prev = index.segment(s.id, seq - 1);
  int64_t ls = local_start.value_or(index.last_end_90k(s.id).value_or(0));
  if (prev && prev->run_id == row.run_id) {
    row.run_index = prev->run_index + 1;
    row.start_90k = prev->end_90k;
    int64_t slew = std::clamp(ls - row.start_90k, -row.media_duration_90k / 2000, row.media_duration_90k / 2000);
    row.end_90k = row.start_90k + row.media_duration_90k + slew;
  } else {
    row.run_index = 0;
    row.start_90k = ls;
    if (auto last = index.last_end_90k(s.id); last && row.start_90k < *last) row.start_90k = *last;
    row.end_90k = row.start_90k + row.media_duration_90k;
  }
  row.local_start_delta_90k = ls - row.start_90k;
  index.db().transaction([&] {
    index.commit_segment(row);
    index.db().exec("UPDATE runs SET end_90k = ?, end_reason = 'crash' WHERE id = ?", {row.end_90k, row.run_id});
  });
  rep.recovered++;
}

}  // namespace

RecoveryReport recover(Index& index, Fs& fs) {
  RecoveryReport rep;
  auto& db = index.db();
  // Garbage first: files whose rows are already gone (invariant 9).
  auto garbage = collect_garbage(index, fs);
  rep.removed += garbage.removed;
  for (auto& p : garbage.problems) rep.problems.push_back(std::move(p));
  for (auto s : index.streams()) {
    // A stream another recorder records now (it moved to a node, or was taken over) may still have files here,
    // from before: those indexed are checked, the others were never committed and are quarantined.
    bool mine = s.sample_dir_id == index.dir_id();
    s.sample_dir_id = index.dir_id();
    auto dir = index.stream_dir(s);
    std::vector<std::string> names;
    if (auto st = fs.list_dir(dir, names); !st.ok() && (st.code() != ENOENT || !mine)) {
      // A directory we cannot read: nothing about it is changed (its rows stay as they are).
      if (st.code() != ENOENT) rep.problems.push_back(st.message());
      continue;
    }
    std::map<int64_t, int64_t> indexed;  // seq -> bytes
    for (const auto& r :
         db.query("SELECT seq, bytes FROM segments WHERE stream_id = ? AND sample_dir_id = ?", {s.id, s.sample_dir_id}))
      indexed[r.i64("seq")] = r.i64("bytes");
    std::map<int64_t, fs::path> on_disk;
    for (const auto& name : names) {
      auto seq = segment_seq(name);
      if (!seq) {
        quarantine(index, fs, s, dir / name, rep, "not a segment name");
        continue;
      }
      on_disk[*seq] = dir / name;
    }
    for (const auto& [seq, path] : on_disk) {
      if (indexed.count(seq)) continue;
      if (!mine || seq < s.next_seq) {
        quarantine(index, fs, s, path, rep, mine ? "below next_seq and not indexed" : "not indexed, and the stream moved to another recorder");
        continue;
      }
      try {
        recover_file(index, fs, s, seq, path, rep);
      } catch (const std::exception& e) {
        rep.problems.push_back(fmt::format("{}: {}", path.string(), e.what()));
      }
    }
    // Invariant 1 (size part): every indexed file is there with its length.
    for (const auto& [seq, bytes] : indexed) {
      auto p = index.segment_path(s, seq);
      FileInfo info;
      auto st = fs.stat(p, info);
      if (!st.ok() && st.code() != ENOENT) {
        rep.problems.push_back(st.message());  // cannot tell: the row keeps its state
        continue;
      }
      std::string state = !st.ok() ? "missing" : (int64_t(info.size) != bytes ? "damaged" : "ok");
      if (state == "ok") continue;
      db.exec("UPDATE segments SET state = ? WHERE stream_id = ? AND seq = ? AND state = 'ok'", {state, s.id, seq});
      rep.missing++;
      rep.problems.push_back(fmt::format("{} is {}", p.string(), state));
    }
    if (!mine) continue;  // its seq, runs and gaps are the other recorder's
    int64_t max_seq = on_disk.empty() ? 0 : on_disk.rbegin()->first;
    db.exec("UPDATE streams SET next_seq = MAX(next_seq, ?) WHERE id = ?", {max_seq + 1, s.id});
    // Open runs of the crashed open end here; the time the recorder was down is a gap.
    db.exec("UPDATE runs SET end_reason = 'crash' WHERE stream_id = ? AND end_reason IS NULL AND open_id <> ?",
            {s.id, index.open_id()});
    if (auto gap = index.open_gap_of(s.id); gap && index.crashed_alive_ms() && gap->cause != "recorder_down") {
      int64_t alive = ms_to_90k(*index.crashed_alive_ms());
      if (alive > gap->start_90k)
        db.exec("UPDATE gaps SET end_90k = ? WHERE id = ?", {alive, gap->id});
      else  // the recorder died before the gap's cause could last: the whole gap is its being down
        db.exec("UPDATE gaps SET cause = 'recorder_down' WHERE id = ?", {gap->id});
    }
    if (auto last = index.last_end_90k(s.id)) {
      auto gap = index.open_gap_of(s.id);
      if (!gap) {
        int64_t start = *last;
        if (auto closed = db.query_one("SELECT MAX(end_90k) AS end_90k FROM gaps WHERE stream_id = ?", {s.id});
            closed && !closed->is_null("end_90k"))
          start = std::max(start, closed->i64("end_90k"));
        index.open_gap(s.id, start, "recorder_down");
      }
    }
  }
  for (const auto& p : rep.problems) core::log_error("video recovery: " + p);
  return rep;
}

}  // namespace watchfloor::video
