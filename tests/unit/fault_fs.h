#pragma once
// A file system for crash tests (after LevelDB's fault_injection_test): it passes every call to a
// real one underneath, counts the calls of each kind, fails the n-th call of a kind with an errno
// (a failing write first writes half, as a torn writev would), and models a power cut — every byte
// not yet fsynced is dropped (each file keeps its durable length) and every create, rename, unlink
// or mkdir whose directory was not fsynced afterwards is undone.
#include <cstdint>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "video/fs.h"

namespace watchfloor::video {

enum class Op { create, open, write, read, fsync, fdatasync, truncate, close, rename, unlink, mkdir, sync_dir, list, stat, statvfs, lock };
const char* op_name(Op op);

// Thrown at the call where the power goes (not a std::exception: nothing in the recorder catches it).
struct PowerCut {};

class FaultFs final : public Fs {
 public:
  explicit FaultFs(Fs& base = posix_fs()) : base_(base) {}

  // The n-th call of `op` from now on (1-based) fails with `err`; n = 0 disarms.
  void fail_at(Op op, int64_t n, int err);
  // The power goes just before the n-th call of any kind (1-based): it throws PowerCut, and so
  // does every later call.
  void cut_power_at(int64_t n) { cut_at_ = n; }
  // Drops from the disk what a power cut would have lost; the power is back afterwards.
  void apply_power_cut();

  int64_t calls() const { return int64_t(log_.size()); }
  int64_t calls(Op op) const;
  // Every call so far: its kind and the file or directory it was about.
  const std::vector<std::pair<Op, std::string>>& log() const { return log_; }
  // The call that was failed, "" when none was.
  const std::string& failed_call() const { return failed_; }

  Status create_new(const std::filesystem::path& p, std::unique_ptr<File>& out) override;
  Status open_read(const std::filesystem::path& p, std::unique_ptr<File>& out) override;
  Status open_write(const std::filesystem::path& p, std::unique_ptr<File>& out) override;
  Status rename(const std::filesystem::path& from, const std::filesystem::path& to) override;
  Status unlink(const std::filesystem::path& p) override;
  Status mkdir(const std::filesystem::path& p) override;
  Status sync_dir(const std::filesystem::path& dir) override;
  Status list_dir(const std::filesystem::path& dir, std::vector<std::string>& names) override;
  Status stat(const std::filesystem::path& p, FileInfo& out) override;
  Status statvfs(const std::filesystem::path& p, DiskSpace& out) override;
  Status lock(const std::filesystem::path& p, std::unique_ptr<File>& out) override;

 private:
  friend class FaultFile;
  // Counts the call; a fault or the power cut when it is the one.
  Status enter(Op op, const std::filesystem::path& p);
  void synced(const std::filesystem::path& p);  // the file's current length is durable
  Status wrap(const std::filesystem::path& p, Status s, std::unique_ptr<File>& out);

  struct Entry {  // a directory change not yet made durable by a sync of its directory
    enum Kind { create, rename, unlink, mkdir } kind;
    std::filesystem::path dir, path, from;
    std::string saved;  // an unlinked file's durable bytes
  };

  Fs& base_;
  std::map<Op, int64_t> counts_;
  std::map<Op, std::pair<int64_t, int>> faults_;  // op -> (call number, errno)
  int64_t cut_at_ = 0;
  bool cut_ = false;
  std::vector<std::pair<Op, std::string>> log_;
  std::string failed_;
  std::map<std::string, uint64_t> durable_;  // path -> durable length, for files created through us
  std::vector<Entry> pending_;
};

}  // namespace watchfloor::video
