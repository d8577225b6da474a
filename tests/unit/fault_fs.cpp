#include "fault_fs.h"

#include <fmt/format.h>

#include <algorithm>
#include <cerrno>
#include <fstream>

namespace watchfloor::video {

namespace fs = std::filesystem;

const char* op_name(Op op) {
  static const char* names[] = {"create", "open",  "write", "read", "fsync",    "fdatasync", "truncate", "close",
                                "rename", "unlink", "mkdir", "sync_dir", "list", "stat", "statvfs", "lock"};
  return names[int(op)];
}

namespace {
std::string key(const fs::path& p) { return p.lexically_normal().string(); }
fs::path dir_of(const fs::path& p) { return p.lexically_normal().parent_path(); }

std::string read_prefix(const fs::path& p, uint64_t n) {
  std::ifstream f(p, std::ios::binary);
  std::string data(std::istreambuf_iterator<char>(f), {});
  if (data.size() > n) data.resize(n);
  return data;
}
}  // namespace

class FaultFile final : public File {
 public:
  FaultFile(FaultFs& fs, fs::path path, std::unique_ptr<File> base)
      : fs_(fs), path_(std::move(path)), base_(std::move(base)) {}

  Status append(const std::vector<std::string_view>& parts) override {
    if (auto s = fs_.enter(Op::write, path_); !s.ok()) {
      // A torn writev: half of it reaches the file before the error.
      std::string all;
      for (auto p : parts) all.append(p);
      (void)base_->append({std::string_view(all).substr(0, all.size() / 2)});
      return s;
    }
    return base_->append(parts);
  }
  Status read_at(uint64_t offset, char* out, size_t n) override {
    if (auto s = fs_.enter(Op::read, path_); !s.ok()) return s;
    return base_->read_at(offset, out, n);
  }
  Status fsync() override { return sync(Op::fsync); }
  Status fdatasync() override { return sync(Op::fdatasync); }
  Status truncate(uint64_t size) override {
    if (auto s = fs_.enter(Op::truncate, path_); !s.ok()) return s;
    auto s = base_->truncate(size);
    if (s.ok())
      if (auto it = fs_.durable_.find(key(path_)); it != fs_.durable_.end()) it->second = std::min(it->second, size);
    return s;
  }
  Status close() override {
    if (auto s = fs_.enter(Op::close, path_); !s.ok()) {
      (void)base_->close();
      return s;
    }
    return base_->close();
  }

 private:
  Status sync(Op op) {
    // Durability is what this class models; the disk's own sync would only slow the tests down.
    if (auto s = fs_.enter(op, path_); !s.ok()) return s;
    fs_.synced(path_);
    return {};
  }
  FaultFs& fs_;
  fs::path path_;
  std::unique_ptr<File> base_;
};

void FaultFs::fail_at(Op op, int64_t n, int err) {
  if (n <= 0) {
    faults_.erase(op);
    return;
  }
  faults_[op] = {counts_[op] + n, err};
}

int64_t FaultFs::calls(Op op) const {
  auto it = counts_.find(op);
  return it == counts_.end() ? 0 : it->second;
}

Status FaultFs::enter(Op op, const fs::path& p) {
  if (cut_ || (cut_at_ && int64_t(log_.size()) + 1 >= cut_at_)) {
    cut_ = true;
    throw PowerCut{};
  }
  log_.emplace_back(op, p.string());
  int64_t n = ++counts_[op];
  if (auto it = faults_.find(op); it != faults_.end() && it->second.first == n) {
    failed_ = fmt::format("{} #{} {}", op_name(op), n, p.string());
    return Status::error(it->second.second, fmt::format("{} {}", op_name(op), p.string()));
  }
  return {};
}

void FaultFs::synced(const fs::path& p) {
  std::error_code ec;
  auto size = fs::file_size(p, ec);
  if (!ec) durable_[key(p)] = size;
}

Status FaultFs::wrap(const fs::path& p, Status s, std::unique_ptr<File>& out) {
  if (s.ok()) out = std::make_unique<FaultFile>(*this, p, std::move(out));
  return s;
}

Status FaultFs::create_new(const fs::path& p, std::unique_ptr<File>& out) {
  if (auto s = enter(Op::create, p); !s.ok()) return s;
  auto s = base_.create_new(p, out);
  if (s.ok()) {
    durable_[key(p)] = 0;
    pending_.push_back({Entry::create, dir_of(p), p.lexically_normal(), {}, {}});
  }
  return wrap(p, std::move(s), out);
}

Status FaultFs::open_read(const fs::path& p, std::unique_ptr<File>& out) {
  if (auto s = enter(Op::open, p); !s.ok()) return s;
  return wrap(p, base_.open_read(p, out), out);
}

Status FaultFs::open_write(const fs::path& p, std::unique_ptr<File>& out) {
  if (auto s = enter(Op::open, p); !s.ok()) return s;
  return wrap(p, base_.open_write(p, out), out);
}

Status FaultFs::rename(const fs::path& from, const fs::path& to) {
  if (auto s = enter(Op::rename, from); !s.ok()) return s;
  auto s = base_.rename(from, to);
  if (s.ok()) {
    if (auto it = durable_.find(key(from)); it != durable_.end()) {
      durable_[key(to)] = it->second;
      durable_.erase(key(from));
    }
    pending_.push_back({Entry::rename, dir_of(to), to.lexically_normal(), from.lexically_normal(), {}});
  }
  return s;
}

Status FaultFs::unlink(const fs::path& p) {
  if (auto s = enter(Op::unlink, p); !s.ok()) return s;
  auto it = durable_.find(key(p));
  std::string saved = read_prefix(p, it == durable_.end() ? UINT64_MAX : it->second);
  auto s = base_.unlink(p);
  if (s.ok()) {
    if (it != durable_.end()) durable_.erase(it);
    pending_.push_back({Entry::unlink, dir_of(p), p.lexically_normal(), {}, std::move(saved)});
  }
  return s;
}

Status FaultFs::mkdir(const fs::path& p) {
  if (auto s = enter(Op::mkdir, p); !s.ok()) return s;
  auto s = base_.mkdir(p);
  if (s.ok()) pending_.push_back({Entry::mkdir, dir_of(p), p.lexically_normal(), {}, {}});
  return s;
}

Status FaultFs::sync_dir(const fs::path& dir) {
  if (auto s = enter(Op::sync_dir, dir); !s.ok()) return s;
  auto d = dir.lexically_normal();
  std::erase_if(pending_, [&](const Entry& e) { return e.dir == d; });
  return {};
}

Status FaultFs::list_dir(const fs::path& dir, std::vector<std::string>& names) {
  if (auto s = enter(Op::list, dir); !s.ok()) return s;
  return base_.list_dir(dir, names);
}

Status FaultFs::stat(const fs::path& p, FileInfo& out) {
  if (auto s = enter(Op::stat, p); !s.ok()) return s;
  return base_.stat(p, out);
}

Status FaultFs::statvfs(const fs::path& p, DiskSpace& out) {
  if (auto s = enter(Op::statvfs, p); !s.ok()) return s;
  return base_.statvfs(p, out);
}

Status FaultFs::lock(const fs::path& p, std::unique_ptr<File>& out) {
  if (auto s = enter(Op::lock, p); !s.ok()) return s;
  return base_.lock(p, out);
}

void FaultFs::apply_power_cut() {
  std::error_code ec;
  for (auto it = pending_.rbegin(); it != pending_.rend(); ++it) {
    switch (it->kind) {
      case Entry::create:
        fs::remove(it->path, ec);
        durable_.erase(key(it->path));
        break;
      case Entry::rename:
        if (fs::exists(it->path, ec)) {
          fs::rename(it->path, it->from, ec);
          if (auto d = durable_.find(key(it->path)); d != durable_.end()) {
            durable_[key(it->from)] = d->second;
            durable_.erase(key(it->path));
          }
        }
        break;
      case Entry::unlink: {
        std::ofstream(it->path, std::ios::binary) << it->saved;
        durable_[key(it->path)] = it->saved.size();
        break;
      }
      case Entry::mkdir:
        fs::remove_all(it->path, ec);
        break;
    }
  }
  pending_.clear();
  cut_ = false;
  cut_at_ = 0;
  for (const auto& [path, len] : durable_)
    if (fs::exists(path, ec) && fs::file_size(path, ec) > len) fs::resize_file(path, len, ec);
}

}  // namespace watchfloor::video
