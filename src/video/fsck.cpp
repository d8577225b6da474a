#include "video/fsck.h"

#include <fmt/format.h>

#include <map>
#include <ostream>
#include <set>

#include "core/hash.h"
#include "video/recovery.h"
#include "video/retention.h"

namespace watchfloor::video {

namespace fs = std::filesystem;

int64_t FsckReport::problems_left() const {
  int64_t n = 0;
  for (const auto& f : findings) n += f.problem && !f.repaired;
  return n;
}

int64_t FsckReport::repaired() const {
  int64_t n = 0;
  for (const auto& f : findings) n += f.repaired;
  return n;
}

namespace {

struct Checker {
  Checker(Index& i, Fs& f, const core::Clock& c, const FsckOptions& o) : index(i), fs(f), clock(c), opt(o) {}
  Index& index;
  Fs& fs;
  const core::Clock& clock;
  const FsckOptions& opt;
  FsckReport rep;
  Retention retention{index, clock, 0, Retention::SpaceFn{}, fs};
  std::map<int64_t, std::string> inits;  // sample entry id -> init bytes

  FsckFinding& add(std::string kind, const fs::path& p, std::string vi, std::string en, bool problem = true) {
    rep.findings.push_back({std::move(kind), p.string(), std::move(vi), std::move(en), problem, false});
    return rep.findings.back();
  }

  const std::string* init_of(int64_t id) {
    if (auto it = inits.find(id); it != inits.end()) return &it->second;
    auto bytes = index.init_bytes(id);
    if (!bytes) return nullptr;
    return &(inits[id] = std::move(*bytes));
  }

  // Invariant 1 for one row.
  void check_row(const StreamRow& s, const SegmentRow& row) {
    rep.segments++;
    auto p = index.segment_path(s, row.seq);
    FileInfo info;
    Status st = fs.stat(p, info);
    if (!st.ok() && st.code() != ENOENT) {
      add("unreadable", p, "Không đọc được tệp: " + st.message(), "Cannot read the file: " + st.message());
      return;
    }
    if (!st.ok() || int64_t(info.size) < row.bytes) {
      bool gone = !st.ok();
      auto& f = gone ? add("missing", p, "Đoạn ghi có trong chỉ mục nhưng mất tệp", "Indexed segment whose file is gone")
                     : add("short", p,
                           fmt::format("Tệp ngắn hơn chỉ mục ({} / {} byte)", info.size, row.bytes),
                           fmt::format("File shorter than the index says ({} of {} bytes)", info.size, row.bytes));
      if (opt.repair) f.repaired = drop(s, row, p, gone);
      return;
    }
    if (int64_t(info.size) > row.bytes)
      add("long", p, fmt::format("Tệp dài hơn chỉ mục ({} / {} byte)", info.size, row.bytes),
          fmt::format("File longer than the index says ({} of {} bytes)", info.size, row.bytes));
    const std::string* init = init_of(row.sample_entry_id);
    if (!init) {
      add("no_sample_entry", p, fmt::format("Chỉ mục trỏ tới cấu hình mã hóa {} không tồn tại", row.sample_entry_id),
          fmt::format("The row names sample entry {}, which does not exist", row.sample_entry_id));
    } else {
      std::string head(std::min<uint64_t>(init->size(), info.size), '\0');
      std::unique_ptr<File> f;
      st = fs.open_read(p, f);
      if (st.ok()) st = f->read_at(0, head.data(), head.size());
      if (st.ok()) st = f->close();
      if (!st.ok())
        add("unreadable", p, "Không đọc được tệp: " + st.message(), "Cannot read the file: " + st.message());
      else if (head != *init)
        add("init_mismatch", p, "Phần đầu tệp không khớp cấu hình mã hóa trong chỉ mục",
            "The file does not start with its sample entry's init");
    }
    if (opt.hash) {
      std::string data;
      st = read_file(fs, p, data);
      if (st.ok() && core::sha256_hex(std::string_view(data).substr(0, size_t(row.bytes))) != row.sha256_hex)
        add("hash_mismatch", p, "Mã băm SHA-256 của tệp khác chỉ mục", "The file's SHA-256 differs from the index");
    }
    if (row.state != "ok")
      add("marked", p, "Đoạn ghi đã bị đánh dấu " + std::string(row.state == "missing" ? "mất" : "hỏng"),
          "The segment is marked " + row.state);
  }

  // Drops an unheld row whose file is gone or short: the short file to quarantine, the span a
  // disk_error gap. A held one stays, marked.
  bool drop(const StreamRow& s, const SegmentRow& row, const fs::path& p, bool gone) {
    if (retention.is_held(row.id)) {
      index.db().exec("UPDATE segments SET state = ? WHERE id = ?", {std::string(gone ? "missing" : "damaged"), row.id});
      return false;
    }
    if (!gone) {
      if (auto st = quarantine_file(index, fs, s, p); !st.ok()) {
        add("unreadable", p, "Không chuyển được tệp vào thư mục cách ly: " + st.message(),
            "Cannot move the file to quarantine: " + st.message());
        return false;
      }
    }
    retention.delete_segments({row}, "fsck", "disk_error");
    return true;
  }

  // Invariant 2 for one stream directory.
  void check_files(const StreamRow& s, const std::set<int64_t>& indexed, const std::set<std::string>& garbage) {
    auto dir = index.stream_dir(s);
    std::vector<std::string> names;
    if (auto st = fs.list_dir(dir, names); !st.ok()) {
      if (st.code() != ENOENT)
        add("unreadable", dir, "Không đọc được thư mục: " + st.message(), "Cannot read the directory: " + st.message());
      return;
    }
    for (const auto& name : names) {
      rep.files++;
      auto p = dir / name;
      auto seq = segment_seq(name);
      if (seq && indexed.count(*seq)) continue;
      if (garbage.count(fmt::format("{}/{}/{}", s.camera_id, s.kind, name))) {
        auto& f = add("garbage", p, "Tệp chờ xóa (đã bỏ khỏi chỉ mục)", "File waiting to be removed (no longer indexed)");
        f.repaired = opt.repair;  // collected below
        continue;
      }
      if (seq && *seq >= s.next_seq) {
        add("uncommitted", p, "Tệp chưa vào chỉ mục; lần khởi động sau sẽ khôi phục",
            "Uncommitted file; the next start-up recovers it", false);
        continue;
      }
      auto& f = seq ? add("orphan", p, "Tệp không có trong chỉ mục", "File not in the index")
                    : add("unexplained", p, "Tệp không phải đoạn ghi", "Not a segment file");
      if (opt.repair) f.repaired = remove_orphan(s, p, bool(seq));
    }
  }

  // What recovery does with the same file: removed when it holds no complete fragment, else quarantined.
  bool remove_orphan(const StreamRow& s, const fs::path& p, bool segment_name) {
    FileInfo info;
    if (!fs.stat(p, info).ok() || clock.now_ms() - info.mtime_ms < opt.orphan_age_ms) return false;
    std::string data;
    if (segment_name && read_file(fs, p, data).ok()) {
      auto scan = mp4::scan_segment(data);
      if (scan && scan->fragments.empty()) {
        Status st = fs.unlink(p);
        if (st.ok()) st = fs.sync_dir(p.parent_path());
        return st.ok();
      }
    }
    return quarantine_file(index, fs, s, p).ok();
  }
};

}  // namespace

FsckReport fsck(Index& index, Fs& fs, const core::Clock& clock, const FsckOptions& opt) {
  Checker c(index, fs, clock, opt);
  auto streams = index.streams();
  std::vector<std::unique_ptr<File>> locks;
  if (opt.repair) {
    // Nobody else may write while rows and files change: the server holds this lock while it runs.
    std::set<int64_t> dirs;
    for (const auto& s : streams) dirs.insert(s.sample_dir_id);
    for (int64_t d : dirs) {
      auto& lock = locks.emplace_back();
      if (auto st = fs.lock(index.dir_path(d) / ".watchfloor-dir", lock); !st.ok())
        throw std::runtime_error("video fsck --repair needs the video directory to itself (stop the server first): " +
                                 st.message());
    }
  }
  std::set<std::string> garbage;
  for (const auto& g : index.db().query("SELECT rel_path FROM garbage")) garbage.insert(g.str("rel_path"));
  for (const auto& s : streams) {
    std::set<int64_t> indexed;
    for (const auto& row : index.segments(s.id, INT64_MIN, INT64_MAX)) {
      indexed.insert(row.seq);
      c.check_row(s, row);
    }
    c.check_files(s, indexed, garbage);
  }
  if (opt.repair) {
    auto g = collect_garbage(index, fs);
    for (const auto& p : g.problems)
      c.add("unreadable", p, "Không xóa được tệp chờ xóa: " + p, "Cannot remove a file waiting for removal: " + p);
  }
  return std::move(c.rep);
}

void print(const FsckReport& r, std::ostream& out) {
  for (const auto& f : r.findings) {
    const char* tag = !f.problem ? "info" : f.repaired ? "repaired" : "PROBLEM";
    out << tag << " " << f.kind << " " << f.path << "\n  " << f.vi << "\n  " << f.en << "\n";
  }
  out << fmt::format("{} đoạn ghi, {} tệp; {} vấn đề còn lại, {} đã sửa / {} segments, {} files; {} problems left, "
                     "{} repaired\n",
                     r.segments, r.files, r.problems_left(), r.repaired(), r.segments, r.files, r.problems_left(),
                     r.repaired());
}

nlohmann::json to_json(const FsckReport& r) {
  nlohmann::json findings = nlohmann::json::array();
  for (const auto& f : r.findings)
    findings.push_back({{"kind", f.kind}, {"path", f.path}, {"problem", f.problem}, {"repaired", f.repaired}});
  return {{"segments", r.segments},
          {"files", r.files},
          {"problems_left", r.problems_left()},
          {"repaired", r.repaired()},
          {"findings", findings}};
}

}  // namespace watchfloor::video
