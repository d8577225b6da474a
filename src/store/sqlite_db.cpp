#include <fcntl.h>
#include <sqlite3.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <fmt/format.h>
#include <mutex>
#include <stdexcept>
#include <system_error>
#include <unordered_map>

#include "core/metrics.h"
#include "core/private_files.h"
#include "store/db.h"
#include "store/pg.h"
#include "store/pooled.h"

namespace watchfloor::store {

size_t Row::index(std::string_view column) const {
  if (names)
    for (size_t i = 0; i < names->size(); ++i)
      if ((*names)[i] == column) return i;
  std::string have;
  if (names)
    for (const auto& n : *names) have += (have.empty() ? "" : ", ") + n;
  throw std::logic_error(fmt::format("column '{}' is not in the result (columns: {})", column, have));
}

std::string Row::name_of(size_t i) const {
  if (names && i < names->size()) return fmt::format("'{}'", (*names)[i]);
  return std::to_string(i);
}

int64_t Row::i64(size_t i) const {
  const auto& v = cols.at(i);
  if (auto p = std::get_if<int64_t>(&v)) return *p;
  if (auto p = std::get_if<double>(&v)) return static_cast<int64_t>(*p);
  throw std::logic_error(fmt::format("column {} is not an integer", name_of(i)));
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
  throw std::logic_error(fmt::format("column {} is not text", name_of(i)));
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

bool Db::ping() {
  try {
    query("SELECT version FROM schema_migrations LIMIT 1");
    return true;
  } catch (const std::exception&) {
    return false;
  }
}

namespace {

// One SQLite connection and its prepared statements; the caller serialises its use.
class Conn {
 public:
  explicit Conn(sqlite3* h) : h_(h) {}
  ~Conn() {
    for (auto& [_, s] : cache_) sqlite3_finalize(s);
    sqlite3_close_v2(h_);
  }
  Conn(const Conn&) = delete;
  Conn& operator=(const Conn&) = delete;

  sqlite3* handle() const { return h_; }

  void raw(const char* sql) {
    char* err = nullptr;
    if (sqlite3_exec(h_, sql, nullptr, nullptr, &err) != SQLITE_OK) {
      std::string msg = err ? err : "unknown";
      sqlite3_free(err);
      throw std::runtime_error(fmt::format("sqlite: {}: {}", sql, msg));
    }
  }
  void rollback() noexcept { sqlite3_exec(h_, "ROLLBACK", nullptr, nullptr, nullptr); }

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
    std::shared_ptr<const std::vector<std::string>> names;
    int n = sqlite3_column_count(s);
    for (;;) {
      int rc = sqlite3_step(s);
      if (rc == SQLITE_DONE) break;
      if (rc != SQLITE_ROW) {
        std::string msg = sqlite3_errmsg(h_);
        int ext = sqlite3_extended_errcode(h_);
        sqlite3_reset(s);
        throw std::runtime_error(fmt::format("sqlite error {} ({}) in: {}", msg, ext, sql));
      }
      if (!names) {
        std::vector<std::string> v;
        v.reserve(n);
        for (int c = 0; c < n; ++c) v.emplace_back(sqlite3_column_name(s, c));
        names = std::make_shared<const std::vector<std::string>>(std::move(v));
      }
      Row row;
      row.names = names;
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

 private:
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
  std::unordered_map<std::string, sqlite3_stmt*> cache_;
};

sqlite3* open_handle(const std::filesystem::path& file, int flags) {
  sqlite3* h = nullptr;
  if (sqlite3_open_v2(file.c_str(), &h, flags | SQLITE_OPEN_FULLMUTEX, nullptr) != SQLITE_OK) {
    std::string msg = h ? sqlite3_errmsg(h) : "out of memory";
    sqlite3_close_v2(h);
    throw std::runtime_error(fmt::format("cannot open database {}: {}", file.string(), msg));
  }
  sqlite3_busy_timeout(h, 5000);
  return h;
}

class SqliteDb final : public PooledDb<Conn> {
 public:
  explicit SqliteDb(sqlite3* h) : PooledDb(std::make_unique<Conn>(h)) {}
  ~SqliteDb() override {
    close_readers();
    std::lock_guard lock(mu_);
    // Checkpoint so that a clean shutdown leaves everything in the main file (no reader is open now).
    sqlite3_wal_checkpoint_v2(writer_->handle(), nullptr, SQLITE_CHECKPOINT_TRUNCATE, nullptr, nullptr);
  }

  // Opens `n` read-only connections; called once, after the migrations.
  void open_readers(const std::filesystem::path& file, int n) {
    for (int i = 0; i < n; ++i) {
      auto c = std::make_unique<Conn>(open_handle(file, SQLITE_OPEN_READONLY));
      // Per connection; the writer keeps the large page cache, the readers share the OS's.
      c->raw("PRAGMA cache_size=-16384");
      c->raw("PRAGMA foreign_keys=ON");
      c->raw("PRAGMA synchronous=FULL");
      add_reader(std::move(c));
    }
  }

  int64_t exec(std::string_view sql, const std::vector<Value>& params) override {
    std::lock_guard lock(mu_);
    writer_->run(sql, params);
    inserted(sqlite3_last_insert_rowid(writer_->handle()));
    return sqlite3_changes(writer_->handle());
  }

  void exec_script(std::string_view sql) override {
    std::lock_guard lock(mu_);
    writer_->raw(std::string(sql).c_str());
  }

  void raw(const char* sql) {
    std::lock_guard lock(mu_);
    writer_->raw(sql);
  }

 private:
  const char* begin_write(Writers) const override { return "BEGIN IMMEDIATE"; }
  const char* begin_read() const override { return "BEGIN"; }  // deferred: the snapshot is the first query's
};

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
  sqlite3* h = open_handle(file, SQLITE_OPEN_READWRITE | (options.create ? SQLITE_OPEN_CREATE : 0));
  auto db = std::make_unique<SqliteDb>(h);
  db->raw("PRAGMA journal_mode=WAL");
  // FULL: a commit that returned is on disk, even across power loss.
  db->raw("PRAGMA synchronous=FULL");
  db->raw("PRAGMA foreign_keys=ON");
  // 64 MiB of page cache instead of SQLite's 2 MiB: the working set of a busy centre (open cases,
  // today's shifts, sessions) stays in memory instead of being read back from the OS on every query.
  db->raw("PRAGMA cache_size=-65536");
  auto check = static_cast<Db&>(*db).query("PRAGMA integrity_check", {});
  if (check.empty() || check.front().str("integrity_check") != "ok")
    throw std::runtime_error(fmt::format("database {} failed its integrity check: {}", file.string(),
                                         check.empty() ? "no answer" : check.front().str("integrity_check")));
  migrate(*db);
  db->open_readers(file, std::max(0, options.readers));
  return db;
}

}  // namespace watchfloor::store

namespace watchfloor::store {

std::unique_ptr<Db> open(const std::string& url, const std::filesystem::path& sqlite_file, OpenOptions options) {
  if (url.rfind("postgresql://", 0) == 0 || url.rfind("postgres://", 0) == 0) return open_postgres(url, options);
  if (!url.empty() && url.rfind("sqlite:", 0) != 0)
    throw std::runtime_error("store: url must be postgresql://… or sqlite:PATH (or empty for the data directory's file)");
  return open_sqlite(url.empty() ? sqlite_file : std::filesystem::path(url.substr(7)), options);
}

}  // namespace watchfloor::store
