#pragma once
// The narrow storage interface every repository uses. SQL stays in the portable subset so that a
// PostgreSQL implementation can stand behind the same interface later.
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace watchfloor::store {

// Bytes that are not text (hashes, MP4 boxes): bound and stored as a BLOB, read back as a string.
struct Blob {
  std::string bytes;
  bool operator==(const Blob&) const = default;
};
using Value = std::variant<std::nullptr_t, int64_t, double, std::string, Blob>;

struct Row {
  std::vector<Value> cols;
  bool is_null(size_t i) const { return std::holds_alternative<std::nullptr_t>(cols.at(i)); }
  int64_t i64(size_t i) const;
  std::optional<int64_t> opt_i64(size_t i) const;
  std::string str(size_t i) const;
  std::optional<std::string> opt_str(size_t i) const;
  std::optional<double> opt_f64(size_t i) const;
  bool boolean(size_t i) const { return i64(i) != 0; }
};

// Wraps optional values for binding: std::nullopt binds NULL.
Value opt(const std::optional<int64_t>& v);
Value opt(const std::optional<std::string>& v);
Value opt(const std::optional<double>& v);

class Db {
 public:
  virtual ~Db() = default;
  // Runs a statement and returns every row.
  virtual std::vector<Row> query(std::string_view sql, const std::vector<Value>& params = {}) = 0;
  // Runs a statement; returns the number of rows changed.
  virtual int64_t exec(std::string_view sql, const std::vector<Value>& params = {}) = 0;
  // The rowid of the calling thread's last INSERT through exec() (threads share the connection).
  virtual int64_t last_insert_id() = 0;
  // Runs several statements separated by ';' (migrations).
  virtual void exec_script(std::string_view sql) = 0;
  // Runs `body` in one write transaction (BEGIN IMMEDIATE ... COMMIT); any exception rolls back
  // and is rethrown. Nested calls join the outer transaction. The database is held exclusively
  // by the calling thread for the duration.
  virtual void transaction(const std::function<void()>& body) = 0;
  // Runs `body` with the connection held, without a write transaction (consistent reads).
  virtual void read(const std::function<void()>& body) = 0;

  std::optional<Row> query_one(std::string_view sql, const std::vector<Value>& params = {});
};

struct OpenOptions {
  bool create = true;
};

// Opens (and creates) the SQLite database in WAL mode with foreign keys on and synchronous=FULL,
// runs PRAGMA integrity_check (throws when it fails) and applies pending migrations.
std::unique_ptr<Db> open_sqlite(const std::filesystem::path& file, OpenOptions options = {});

// Schema version after migrations.
int64_t schema_version(Db& db);
// Applies every migration newer than the database, each in its own transaction. Returns how many ran.
int migrate(Db& db);

}  // namespace watchfloor::store
