#pragma once
// The narrow storage interface every repository uses: SQLite (one machine, the default) or PostgreSQL
// (store/pg.h). The SQL is SQLite's, kept to the subset PostgreSQL shares; store/dialect.h rewrites the rest.
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <stdexcept>
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

// One result row. Read it by column name (`r.i64("id")`): a mapper that names its columns keeps
// working when a SELECT gains, loses or reorders columns; a name that is not in the result throws
// std::logic_error naming it. The names are shared by every row of one result. A column's name is
// its alias (`COUNT(*) AS n`), else the column's own (`s.id` is "id"): alias expressions and
// columns that two joined tables share.
struct Row {
  std::vector<Value> cols;
  std::shared_ptr<const std::vector<std::string>> names;

  // The position of `column` in the result; throws std::logic_error when there is none.
  size_t index(std::string_view column) const;

  bool is_null(size_t i) const { return std::holds_alternative<std::nullptr_t>(cols.at(i)); }
  int64_t i64(size_t i) const;
  std::optional<int64_t> opt_i64(size_t i) const;
  std::string str(size_t i) const;
  std::optional<std::string> opt_str(size_t i) const;
  std::optional<double> opt_f64(size_t i) const;
  bool boolean(size_t i) const { return i64(i) != 0; }

  bool is_null(std::string_view column) const { return is_null(index(column)); }
  int64_t i64(std::string_view column) const { return i64(index(column)); }
  std::optional<int64_t> opt_i64(std::string_view column) const { return opt_i64(index(column)); }
  std::string str(std::string_view column) const { return str(index(column)); }
  std::optional<std::string> opt_str(std::string_view column) const { return opt_str(index(column)); }
  std::optional<double> opt_f64(std::string_view column) const { return opt_f64(index(column)); }
  bool boolean(std::string_view column) const { return boolean(index(column)); }

 private:
  std::string name_of(size_t i) const;  // for error messages
};

enum class Dialect { sqlite, postgres };

// Wraps optional values for binding: std::nullopt binds NULL.
Value opt(const std::optional<int64_t>& v);
Value opt(const std::optional<std::string>& v);
Value opt(const std::optional<double>& v);

// How a write transaction runs beside the writers of other API servers sharing a PostgreSQL store. SQLite has one
// writer: every transaction runs alone there, whatever it asks.
enum class Writers {
  // Alone among the cluster's writers from BEGIN to COMMIT, as on SQLite: every rule written for one writer holds.
  exclusive,
  // Beside other `shared` transactions, under PostgreSQL's row locks (READ COMMITTED), never beside an `exclusive`
  // one; alone only from Db::commit_order() to COMMIT, where what must follow commit order is appended (the audit
  // chain, the cluster's events). For the hot paths whose rules were checked to hold under row locks against each
  // other (supervision/cases.cpp: creating and reporting cases); a deadlock or serialisation failure between two of
  // them throws store::Conflict, and store::Work runs the unit again.
  shared,
};

// A transaction that lost a deadlock or a serialisation conflict to another (PostgreSQL SQLSTATE 40P01, 40001): it was
// rolled back and may simply be run again.
struct Conflict : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// Begins a statement whose best plan depends on its values: PostgreSQL plans it with them at every run instead of
// once per connection (a text search finds a rare word through its index and a common one along the newest
// cases; a plan made once for any value walked 375,000 rows for a container number). SQLite reads it as a comment.
inline constexpr std::string_view kPlanEachTime = "/* plan each time */ ";

// What other processes sharing the store announce with Db::notify (PostgreSQL's LISTEN/NOTIFY).
class Listener {
 public:
  virtual ~Listener() = default;
  // Waits up to `timeout_ms`; true when one or more notifications arrived (all are consumed), or when the
  // connection was lost and made again, since what was announced meanwhile is lost: read the state anew.
  virtual bool wait(int timeout_ms) = 0;
};

// Threads: any thread may call any method. One writer connection serves exec(), exec_script() and
// everything inside transaction(); queries outside a transaction run on a small pool of read-only
// connections (WAL readers), so that a read never waits behind another thread's commit and its fsync.
// A reader sees only committed data; a query inside transaction() runs on the writer and sees the
// transaction's own writes.
class Db {
 public:
  virtual ~Db() = default;
  // Runs a statement and returns every row (a read-only statement: outside a transaction it runs on
  // a reader; use exec() for writes).
  virtual std::vector<Row> query(std::string_view sql, const std::vector<Value>& params = {}) = 0;
  // Runs a statement on the writer; returns the number of rows changed.
  virtual int64_t exec(std::string_view sql, const std::vector<Value>& params = {}) = 0;
  // The rowid of the calling thread's last INSERT through exec() (threads share the writer).
  virtual int64_t last_insert_id() = 0;
  // Runs several statements separated by ';' (migrations).
  virtual void exec_script(std::string_view sql) = 0;
  // Runs `body` in one write transaction (BEGIN IMMEDIATE ... COMMIT); any exception rolls back
  // and is rethrown. Nested calls join the outer transaction. The writer is held exclusively by the
  // calling thread for the duration; other threads' queries go on, on readers.
  virtual void transaction(const std::function<void()>& body) { transaction(body, Writers::exclusive); }
  // The same, beside other servers' `shared` transactions when `writers` says so (see Writers).
  virtual void transaction(const std::function<void()>& body, Writers writers) = 0;
  // Inside a write transaction: from here to COMMIT, alone among the cluster's writers (an `exclusive` transaction
  // already is). Whatever reads the end of an append-only sequence to add to it (the audit chain, the cluster's
  // events) calls this first. SQLite: nothing.
  virtual void commit_order() {}
  // Runs `body` with one reader held in one read transaction: every query of the calling thread in
  // it sees the same committed snapshot. Inside transaction() it simply runs `body` on the writer.
  virtual void read(const std::function<void()>& body) = 0;
  // Whether the calling thread is inside transaction().
  virtual bool in_transaction() const = 0;
  // The few statements that differ by database (full-text search) ask; everything else is the same SQL.
  virtual Dialect dialect() const { return Dialect::sqlite; }
  // Whether this process leads `duty` (the timers that must run once however many servers share the store:
  // escalation, the duty watch's checks, audit checkpoints). SQLite: always (one process owns the file).
  // PostgreSQL: the one process holding the duty's session advisory lock; asked again on each round, so that
  // another takes over within a round when the holder stops or dies (its connection, and the lock, go with it).
  virtual bool leads(const std::string& /*duty*/) { return true; }
  // Inside a write transaction: announce on `channel`, to every process listening, once the transaction commits
  // (nothing when it rolls back). SQLite: nothing (one process owns the file, nobody else to tell).
  virtual void notify(const std::string& /*channel*/) {}
  // A listener of `channel` on its own connection; nullptr on SQLite.
  virtual std::unique_ptr<Listener> listen(const std::string& /*channel*/) { return nullptr; }

  std::optional<Row> query_one(std::string_view sql, const std::vector<Value>& params = {});
  // Whether the database answers a query that reads its schema (readiness): false instead of an exception.
  bool ping();
};

struct OpenOptions {
  bool create = true;
  // Read-only connections beside the writer ([store] readers); 0: every query runs on the writer.
  int readers = 4;
};

// Opens (and creates) the SQLite database in WAL mode with foreign keys on and synchronous=FULL,
// runs PRAGMA integrity_check (throws when it fails), applies pending migrations, then opens the
// readers.
std::unique_ptr<Db> open_sqlite(const std::filesystem::path& file, OpenOptions options = {});

// The store that `url` names ([store] url): "postgresql://…" (store/pg.h), else the SQLite file `sqlite_file`.
std::unique_ptr<Db> open(const std::string& url, const std::filesystem::path& sqlite_file, OpenOptions options = {});

// Schema version after migrations.
int64_t schema_version(Db& db);
// Applies every migration newer than the database, each in its own transaction. Returns how many ran.
int migrate(Db& db);

}  // namespace watchfloor::store
