#include <fcntl.h>
#include <sqlite3.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <fmt/format.h>
#include <mutex>
#include <stdexcept>
#include <system_error>
#include <thread>
#include <unordered_map>

#include "core/metrics.h"
#include "core/private_files.h"
#include "store/db.h"

namespace watchfloor::store {

int64_t Row::i64(size_t i) const {
  const auto& v = cols.at(i);
  if (auto p = std::get_if<int64_t>(&v)) return *p;
  if (auto p = std::get_if<double>(&v)) return static_cast<int64_t>(*p);
  throw std::logic_error(fmt::format("column {} is not an integer", i));
}
std::optional<int64_t> Row::opt_i64(size_t i) const {
  if (is_null(i)) return std::nullopt;
  return i64(i);
}
std::string Row::str(size_t i) const {
  const auto& v = cols.at(i);
  if (auto p = std::get_if<std::string>(&v)) return *p;
  if (auto p = std::get_if<int64_t>(&v)) return std::to_string(*p);
  if (is_null(i)) return {};
  throw std::logic_error(fmt::format("column {} is not text", i));
}
std::optional<std::string> Row::opt_str(size_t i) const {
  if (is_null(i)) return std::nullopt;
  return str(i);
}

std::optional<double> Row::opt_f64(size_t i) const {
  const auto& v = cols.at(i);
  if (auto p = std::get_if<double>(&v)) return *p;
  if (auto p = std::get_if<int64_t>(&v)) return static_cast<double>(*p);
  return std::nullopt;
}

Value opt(const std::optional<int64_t>& v) { return v ? Value(*v) : Value(nullptr); }
Value opt(const std::optional<double>& v) { return v ? Value(*v) : Value(nullptr); }
Value opt(const std::optional<std::string>& v) { return v ? Value(*v) : Value(nullptr); }

std::optional<Row> Db::query_one(std::string_view sql, const std::vector<Value>& params) {
  auto rows = query(sql, params);
  if (rows.empty()) return std::nullopt;
  return std::move(rows.front());
}

namespace {

class SqliteDb final : public Db {
 public:
  explicit SqliteDb(sqlite3* h) : h_(h) {}
  ~SqliteDb() override {
    std::lock_guard lock(mu_);
    for (auto& [_, s] : cache_) sqlite3_finalize(s);
    // Checkpoint so that a clean shutdown leaves everything in the main file.
    sqlite3_wal_checkpoint_v2(h_, nullptr, SQLITE_CHECKPOINT_TRUNCATE, nullptr, nullptr);
    sqlite3_close_v2(h_);
  }

  std::vector<Row> query(std::string_view sql, const std::vector<Value>& params) override {
    std::lock_guard lock(mu_);
    return run(sql, params);
  }

  int64_t exec(std::string_view sql, const std::vector<Value>& params) override {
    std::lock_guard lock(mu_);
    run(sql, params);
    last_insert = {this, sqlite3_last_insert_rowid(h_)};
    return sqlite3_changes(h_);
  }

  // The rowid of the calling thread's last INSERT. The connection is shared by every thread, and
  // sqlite3_last_insert_rowid() is per connection: read after the lock is released it may be
  // another thread's row (the recorder's 64 cameras showed it).
  int64_t last_insert_id() override { return last_insert.db == this ? last_insert.rowid : 0; }

  void exec_script(std::string_view sql) override {
    std::lock_guard lock(mu_);
    raw_exec(std::string(sql).c_str());
  }

  void transaction(const std::function<void()>& body) override {
    std::lock_guard lock(mu_);
    if (depth_ > 0) {
      ++depth_;
      try { body(); } catch (...) { --depth_; throw; }
      --depth_;
      return;
    }
    raw_exec("BEGIN IMMEDIATE");
    depth_ = 1;
    try {
      body();
      raw_exec("COMMIT");
      depth_ = 0;
    } catch (...) {
      depth_ = 0;
      sqlite3_exec(h_, "ROLLBACK", nullptr, nullptr, nullptr);
      throw;
    }
  }

  void read(const std::function<void()>& body) override {
    std::lock_guard lock(mu_);
    body();
  }

  void raw_exec(const char* sql) {
    char* err = nullptr;
    if (sqlite3_exec(h_, sql, nullptr, nullptr, &err) != SQLITE_OK) {
      std::string msg = err ? err : "unknown";
      sqlite3_free(err);
      throw std::runtime_error(fmt::format("sqlite: {}: {}", sql, msg));
    }
  }

 private:
  std::vector<Row> run(std::string_view sql, const std::vector<Value>& params) {
    auto started = std::chrono::steady_clock::now();
    sqlite3_stmt* s = prepared(sql);
    sqlite3_reset(s);
    sqlite3_clear_bindings(s);
    for (size_t i = 0; i < params.size(); ++i) {
      int idx = static_cast<int>(i + 1);
      std::visit(
          [&](const auto& v) {
            using T = std::decay_t<decltype(v)>;
            if constexpr (std::is_same_v<T, std::nullptr_t>) sqlite3_bind_null(s, idx);
            else if constexpr (std::is_same_v<T, int64_t>) sqlite3_bind_int64(s, idx, v);
            else if constexpr (std::is_same_v<T, double>) sqlite3_bind_double(s, idx, v);
            else if constexpr (std::is_same_v<T, Blob>)
              sqlite3_bind_blob64(s, idx, v.bytes.data(), v.bytes.size(), SQLITE_TRANSIENT);
            else sqlite3_bind_text(s, idx, v.data(), static_cast<int>(v.size()), SQLITE_TRANSIENT);
          },
          params[i]);
    }
    std::vector<Row> rows;
    for (;;) {
      int rc = sqlite3_step(s);
      if (rc == SQLITE_DONE) break;
      if (rc != SQLITE_ROW) {
        std::string msg = sqlite3_errmsg(h_);
        int ext = sqlite3_extended_errcode(h_);
        sqlite3_reset(s);
        throw std::runtime_error(fmt::format("sqlite error {} ({}) in: {}", msg, ext, sql));
      }
      Row row;
      int n = sqlite3_column_count(s);
      row.cols.reserve(n);
      for (int c = 0; c < n; ++c) {
        switch (sqlite3_column_type(s, c)) {
          case SQLITE_NULL: row.cols.emplace_back(nullptr); break;
          case SQLITE_INTEGER: row.cols.emplace_back(static_cast<int64_t>(sqlite3_column_int64(s, c))); break;
          case SQLITE_FLOAT: row.cols.emplace_back(sqlite3_column_double(s, c)); break;
          case SQLITE_BLOB: {
            auto* p = static_cast<const char*>(sqlite3_column_blob(s, c));
            row.cols.emplace_back(std::string(p ? p : "", sqlite3_column_bytes(s, c)));
            break;
          }
          default: {
            auto* p = reinterpret_cast<const char*>(sqlite3_column_text(s, c));
            row.cols.emplace_back(std::string(p ? p : "", sqlite3_column_bytes(s, c)));
          }
        }
      }
      rows.push_back(std::move(row));
    }
    sqlite3_reset(s);
    double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    core::Metrics::global().observe("watchfloor_db_query_duration_seconds", "", secs);
    return rows;
  }

  sqlite3_stmt* prepared(std::string_view sql) {
    std::string key(sql);
    if (auto it = cache_.find(key); it != cache_.end()) return it->second;
    sqlite3_stmt* s = nullptr;
    if (sqlite3_prepare_v2(h_, key.c_str(), static_cast<int>(key.size()), &s, nullptr) != SQLITE_OK)
      throw std::runtime_error(fmt::format("sqlite prepare failed: {} in: {}", sqlite3_errmsg(h_), key));
    cache_.emplace(std::move(key), s);
    return s;
  }

  sqlite3* h_;
  std::recursive_mutex mu_;
  int depth_ = 0;
  struct LastInsert {
    const SqliteDb* db = nullptr;
    int64_t rowid = 0;
  };
  static thread_local LastInsert last_insert;
  std::unordered_map<std::string, sqlite3_stmt*> cache_;
};

thread_local SqliteDb::LastInsert SqliteDb::last_insert;

}  // namespace

std::unique_ptr<Db> open_sqlite(const std::filesystem::path& file, OpenOptions options) {
  if (options.create && file.has_parent_path()) core::create_private_directories(file.parent_path());
  if (options.create) {
    // Created here, empty and owner-only, rather than by SQLite with the umask's mode: SQLite takes
    // an empty file for a new database and gives the -wal and -shm files the database file's mode.
    int fd = ::open(file.c_str(), O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC, 0600);
    if (fd >= 0) {
      int rc = ::fchmod(fd, 0600);
      int err = errno;
      ::close(fd);
      if (rc != 0) throw std::system_error(err, std::generic_category(), "chmod " + file.string());
    } else if (errno != EEXIST) {
      throw std::system_error(errno, std::generic_category(), "create " + file.string());
    }
  }
  sqlite3* h = nullptr;
  int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_FULLMUTEX | (options.create ? SQLITE_OPEN_CREATE : 0);
  if (sqlite3_open_v2(file.c_str(), &h, flags, nullptr) != SQLITE_OK) {
    std::string msg = h ? sqlite3_errmsg(h) : "out of memory";
    sqlite3_close_v2(h);
    throw std::runtime_error(fmt::format("cannot open database {}: {}", file.string(), msg));
  }
  auto db = std::make_unique<SqliteDb>(h);
  sqlite3_busy_timeout(h, 5000);
  db->raw_exec("PRAGMA journal_mode=WAL");
  // FULL: a commit that returned is on disk, even across power loss.
  db->raw_exec("PRAGMA synchronous=FULL");
  db->raw_exec("PRAGMA foreign_keys=ON");
  // 64 MiB of page cache instead of SQLite's 2 MiB: the working set of a busy centre (open cases,
  // today's shifts, sessions) stays in memory instead of being read back from the OS on every query.
  db->raw_exec("PRAGMA cache_size=-65536");
  auto check = static_cast<Db&>(*db).query("PRAGMA integrity_check", {});
  if (check.empty() || check.front().str(0) != "ok")
    throw std::runtime_error(fmt::format("database {} failed its integrity check: {}", file.string(),
                                         check.empty() ? "no answer" : check.front().str(0)));
  migrate(*db);
  return db;
}

}  // namespace watchfloor::store
