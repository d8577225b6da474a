#include <libpq-fe.h>
#include <poll.h>

#include <algorithm>
#include <chrono>
#include <fmt/format.h>
#include <mutex>
#include <regex>
#include <set>
#include <stdexcept>
#include <unordered_map>

#include "core/metrics.h"
#include "store/dialect.h"
#include "store/pg.h"
#include "store/pooled.h"

namespace watchfloor::store {

namespace pg {

namespace {
// scheme://[user[:password]@]host[:port][/database][?query]
const std::regex kUrl(R"(^(postgres(?:ql)?://)([^@/]*@)?([^/?]*)(/[^?]*)?(\?.*)?$)");
}  // namespace

std::string with_database(const std::string& url, const std::string& database) {
  std::smatch m;
  if (!std::regex_match(url, m, kUrl)) throw std::invalid_argument("not a postgresql:// URL: " + redacted(url));
  return m[1].str() + m[2].str() + m[3].str() + "/" + database + m[5].str();
}

std::string redacted(const std::string& url) {
  std::smatch m;
  if (!std::regex_match(url, m, kUrl)) return "postgresql://…";
  std::string user = m[2].str();
  if (auto colon = user.find(':'); colon != std::string::npos) user = user.substr(0, colon) + ":***@";
  return m[1].str() + user + m[3].str() + m[4].str();
}

}  // namespace pg

namespace {

constexpr Oid kBool = 16, kBytea = 17, kInt8 = 20, kInt2 = 21, kInt4 = 23, kOid = 26, kFloat4 = 700, kFloat8 = 701,
              kNumeric = 1700;
// Two advisory locks order the cluster's writers (store::Writers). The writers' lock ("wfloor" in ASCII,
// 0x77666c6f6f72) is taken exclusively by an `exclusive` transaction and shared by a `shared` one, so that the two
// kinds never run side by side; the commit-order lock ("wforde", 0x77666f726465) is held from Db::commit_order()
// (an `exclusive` transaction: from BEGIN) to COMMIT, so that appends that must follow commit order (the audit
// chain, the cluster's events) come one transaction at a time. Always taken in that order: no cycle between them.
constexpr const char* kBeginExclusive =
    "BEGIN; SELECT pg_advisory_xact_lock(131281789611890), pg_advisory_xact_lock(131281840137317)";
constexpr const char* kBeginShared = "BEGIN; SELECT pg_advisory_xact_lock_shared(131281789611890)";
constexpr const char* kCommitOrder = "SELECT pg_advisory_xact_lock(131281840137317)";

struct PgResult {
  PGresult* r;
  explicit PgResult(PGresult* x) : r(x) {}
  ~PgResult() { PQclear(r); }
  PgResult(const PgResult&) = delete;
  PgResult& operator=(const PgResult&) = delete;
};

PGconn* connect(const std::string& url) {
  PGconn* c = PQconnectdb(url.c_str());
  if (PQstatus(c) != CONNECTION_OK) {
    std::string msg = c ? PQerrorMessage(c) : "out of memory";
    PQfinish(c);
    while (!msg.empty() && (msg.back() == '\n' || msg.back() == ' ')) msg.pop_back();
    throw std::runtime_error(fmt::format("cannot connect to {}: {}", pg::redacted(url), msg));
  }
  return c;
}

// Throws when `res` is an error, with the server's message and SQLSTATE.
void check(PGconn* c, const PGresult* res, std::string_view sql) {
  auto st = PQresultStatus(res);
  if (st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK || st == PGRES_EMPTY_QUERY) return;
  const char* state = PQresultErrorField(res, PG_DIAG_SQLSTATE);
  std::string msg = res ? PQresultErrorMessage(res) : PQerrorMessage(c);
  while (!msg.empty() && (msg.back() == '\n' || msg.back() == ' ')) msg.pop_back();
  std::string what = fmt::format("postgresql error {} ({}) in: {}", msg, state ? state : "?", sql);
  // A deadlock or a serialisation failure: the transaction is lost, and may be run again.
  if (state && (std::string_view(state) == "40P01" || std::string_view(state) == "40001")) throw Conflict(what);
  throw std::runtime_error(what);
}

Value value_of(const PGresult* res, int row, int col) {
  if (PQgetisnull(res, row, col)) return nullptr;
  const char* text = PQgetvalue(res, row, col);
  int len = PQgetlength(res, row, col);
  switch (PQftype(res, col)) {
    case kBool: return int64_t(text[0] == 't' ? 1 : 0);
    case kInt2:
    case kInt4:
    case kInt8:
    case kOid: return int64_t(std::stoll(text));
    case kFloat4:
    case kFloat8: return std::stod(text);
    case kNumeric: {
      std::string_view v(text, static_cast<size_t>(len));
      if (v.find_first_of(".eE") == std::string_view::npos) return int64_t(std::stoll(text));
      return std::stod(text);
    }
    case kBytea: {
      size_t n = 0;
      unsigned char* raw = PQunescapeBytea(reinterpret_cast<const unsigned char*>(text), &n);
      std::string bytes(reinterpret_cast<const char*>(raw), n);
      PQfreemem(raw);
      return bytes;
    }
    default: return std::string(text, static_cast<size_t>(len));
  }
}

// One connection and its prepared statements; the caller serialises its use.
class Conn {
 public:
  explicit Conn(PGconn* c) : c_(c) {}
  ~Conn() { PQfinish(c_); }
  Conn(const Conn&) = delete;
  Conn& operator=(const Conn&) = delete;

  void raw(std::string_view sql) {
    std::string s(sql);
    PgResult res(PQexec(c_, s.c_str()));
    check(c_, res.r, sql);
  }
  void rollback() noexcept { PgResult res(PQexec(c_, "ROLLBACK")); }

  // Runs `sql` (the code's SQL: translated and prepared once per connection). `returning`: the identity column
  // to return from an INSERT (for last_insert_id), or empty.
  std::vector<Row> run(std::string_view sql, const std::vector<Value>& params, int64_t* changed = nullptr,
                       std::optional<int64_t>* inserted = nullptr, const std::string& returning = {}) {
    auto started = std::chrono::steady_clock::now();
    const Prepared& p = prepared(sql, returning);
    std::vector<std::string> text(params.size());
    std::vector<const char*> values(params.size());
    std::vector<int> lengths(params.size()), formats(params.size());
    for (size_t i = 0; i < params.size(); ++i) {
      std::visit(
          [&](const auto& v) {
            using T = std::decay_t<decltype(v)>;
            if constexpr (std::is_same_v<T, std::nullptr_t>) values[i] = nullptr;
            else {
              if constexpr (std::is_same_v<T, int64_t>) text[i] = std::to_string(v);
              else if constexpr (std::is_same_v<T, double>) text[i] = fmt::format("{}", v);
              else if constexpr (std::is_same_v<T, Blob>) text[i] = v.bytes, formats[i] = 1;
              else text[i] = v;
              values[i] = text[i].data();
              lengths[i] = static_cast<int>(text[i].size());
            }
          },
          params[i]);
    }
    PgResult res(p.name.empty() ? PQexecParams(c_, p.sql.c_str(), static_cast<int>(params.size()), nullptr, values.data(),
                                               lengths.data(), formats.data(), 0)
                                : PQexecPrepared(c_, p.name.c_str(), static_cast<int>(params.size()), values.data(),
                                                 lengths.data(), formats.data(), 0));
    check(c_, res.r, p.sql);
    if (changed) {
      const char* n = PQcmdTuples(res.r);
      *changed = n && *n ? std::stoll(n) : 0;
    }
    std::vector<Row> rows;
    int nrows = PQntuples(res.r), ncols = PQnfields(res.r);
    if (!p.returning.empty()) {
      if (inserted && nrows > 0) *inserted = std::get<int64_t>(value_of(res.r, nrows - 1, 0));
    } else if (nrows > 0) {
      std::vector<std::string> names;
      for (int c = 0; c < ncols; ++c) names.emplace_back(PQfname(res.r, c));
      auto shared = std::make_shared<const std::vector<std::string>>(std::move(names));
      rows.reserve(nrows);
      for (int r = 0; r < nrows; ++r) {
        Row row;
        row.names = shared;
        row.cols.reserve(ncols);
        for (int c = 0; c < ncols; ++c) row.cols.push_back(value_of(res.r, r, c));
        rows.push_back(std::move(row));
      }
    }
    double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    core::Metrics::global().observe("watchfloor_db_query_duration_seconds", "", secs);
    return rows;
  }

  PGconn* handle() const { return c_; }

 private:
  struct Prepared {
    std::string name, sql, returning;
  };

  const Prepared& prepared(std::string_view sql, const std::string& returning) {
    std::string key(sql);
    key += '\0';
    key += returning;
    if (auto it = cache_.find(key); it != cache_.end()) return it->second;
    Prepared p{fmt::format("wf{}", cache_.size() + 1), pg::statement(sql), returning};
    if (!returning.empty()) p.sql += " RETURNING " + returning;
    if (sql.starts_with(kPlanEachTime)) {  // not prepared: planned with its values at every run (db.h)
      p.name.clear();
      return cache_.emplace(std::move(key), std::move(p)).first->second;
    }
    // Parameter types are left to the server to infer from where each `$n` stands, as SQLite takes any value.
    // A blob is bytea; the server infers that too.
    PgResult res(PQprepare(c_, p.name.c_str(), p.sql.c_str(), 0, nullptr));
    check(c_, res.r, p.sql);
    return cache_.emplace(std::move(key), std::move(p)).first->second;
  }

  PGconn* c_;
  std::unordered_map<std::string, Prepared> cache_;
};

// LISTEN on a connection of its own; reconnects when the server went away.
class PgListener final : public Listener {
 public:
  PgListener(std::string url, std::string channel) : url_(std::move(url)), channel_(std::move(channel)) { open(); }

  bool wait(int timeout_ms) override {
    if (!conn_ || PQstatus(conn_->handle()) != CONNECTION_OK) {
      try {
        open();
        return true;  // whatever was announced while it was down is gone: the caller reads anew
      } catch (const std::exception&) {
        conn_.reset();
        ::poll(nullptr, 0, timeout_ms);
        return false;
      }
    }
    if (drain()) return true;
    pollfd p{PQsocket(conn_->handle()), POLLIN, 0};
    if (::poll(&p, 1, timeout_ms) <= 0) return false;
    return drain() || PQstatus(conn_->handle()) != CONNECTION_OK;
  }

 private:
  void open() {
    conn_.reset();
    auto c = std::make_unique<Conn>(connect(url_));
    char* id = PQescapeIdentifier(c->handle(), channel_.c_str(), channel_.size());
    std::string listen = fmt::format("LISTEN {}", id);
    PQfreemem(id);
    c->raw(listen);
    conn_ = std::move(c);
  }
  // Consumes what the socket holds; true when it held a notification.
  bool drain() {
    if (!PQconsumeInput(conn_->handle())) return true;  // the connection broke: the next wait reconnects
    bool any = false;
    while (PGnotify* n = PQnotifies(conn_->handle())) {
      any = true;
      PQfreemem(n);
    }
    return any;
  }

  std::string url_, channel_;
  std::unique_ptr<Conn> conn_;
};

class PgDb final : public PooledDb<Conn> {
 public:
  explicit PgDb(const std::string& url) : PooledDb(std::make_unique<Conn>(connect(url))), url_(url) {
    writer_->raw("SET client_min_messages = warning");
  }

  Dialect dialect() const override { return Dialect::postgres; }

  void open_readers(int n) {
    for (int i = 0; i < n; ++i) add_reader(std::make_unique<Conn>(connect(url_)));
  }

  // The identity column of each table (`id`, or `seq` for the audit log): an INSERT returns it.
  void load_identities() {
    std::lock_guard lock(mu_);
    identities_stale_ = false;
    identity_.clear();
    returning_.clear();
    for (const auto& r : writer_->run("SELECT table_name, column_name FROM information_schema.columns "
                                      "WHERE table_schema = current_schema() AND is_identity = 'YES'",
                                      {}))
      identity_[r.str("table_name")] = r.str("column_name");
  }

  int64_t exec(std::string_view sql, const std::vector<Value>& params) override {
    std::lock_guard lock(mu_);
    int64_t changed = 0;
    std::optional<int64_t> id;
    writer_->run(sql, params, &changed, &id, returning(sql));
    if (id) inserted(*id);
    return changed;
  }

  bool leads(const std::string& duty) override {
    std::lock_guard lock(lead_mu_);
    if (lead_ && PQstatus(lead_->handle()) != CONNECTION_OK) lead_.reset(), led_.clear();  // the server went away
    if (led_.count(duty)) return true;
    try {
      if (!lead_) lead_ = std::make_unique<Conn>(connect(url_));
      // FNV-1a of the duty's name, in the signed 64-bit range of advisory lock keys.
      uint64_t h = 14695981039346656037ull;
      for (unsigned char c : "watchfloor:" + duty) h = (h ^ c) * 1099511628211ull;
      auto row = lead_->run("SELECT pg_try_advisory_lock(CAST(? AS BIGINT)) AS got", {static_cast<int64_t>(h)});
      if (row.at(0).boolean("got")) led_.insert(duty);
    } catch (const std::exception&) {
      lead_.reset();
      led_.clear();
    }
    return led_.count(duty) > 0;
  }

  void commit_order() override {
    if (!in_transaction()) throw std::logic_error("Db::commit_order outside a write transaction");
    std::lock_guard lock(mu_);
    if (writers() == Writers::exclusive || ordered_in_ == transactions()) return;
    writer_->raw(kCommitOrder);
    ordered_in_ = transactions();
  }

  void notify(const std::string& channel) override {
    if (!in_transaction()) throw std::logic_error("Db::notify outside a write transaction");
    std::lock_guard lock(mu_);
    // PostgreSQL delivers one notification per channel and transaction however many are sent: send one.
    if (notified_in_ != transactions()) notified_.clear(), notified_in_ = transactions();
    if (notified_.insert(channel).second) exec("SELECT pg_notify(?, '')", {channel});
  }

  std::unique_ptr<Listener> listen(const std::string& channel) override {
    return std::make_unique<PgListener>(url_, channel);
  }

  void exec_script(std::string_view sql) override {
    std::lock_guard lock(mu_);
    writer_->raw(pg::migration(sql));
    identities_stale_ = true;  // a migration may have made tables
    if (depth() == 0) load_identities();
  }

 private:
  const char* begin_write(Writers writers) const override {
    return writers == Writers::shared ? kBeginShared : kBeginExclusive;
  }
  const char* begin_read() const override { return "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY"; }
  void committed() override {
    if (identities_stale_) load_identities();
  }

  // The column an INSERT into a table with an identity returns, unless the statement returns something itself;
  // worked out once per statement (with the writer held), again after a migration.
  const std::string& returning(std::string_view sql) {
    auto [it, fresh] = returning_.try_emplace(std::string(sql));
    if (!fresh) return it->second;
    static const std::regex insert(R"(^\s*INSERT\s+INTO\s+(\w+))", std::regex::icase);
    static const std::regex returns(R"(\bRETURNING\b)", std::regex::icase);
    std::match_results<std::string_view::const_iterator> m;
    if (std::regex_search(sql.begin(), sql.end(), m, insert) && !std::regex_search(sql.begin(), sql.end(), returns))
      if (auto id = identity_.find(m[1].str()); id != identity_.end()) it->second = id->second;
    return it->second;
  }

  std::string url_;
  std::mutex lead_mu_;
  std::unique_ptr<Conn> lead_;  // the session that holds the duties' locks
  std::set<std::string> led_;
  bool identities_stale_ = false;
  std::unordered_map<std::string, std::string> identity_;
  std::unordered_map<std::string, std::string> returning_;  // statement → the column its INSERT returns, or ""
  uint64_t ordered_in_ = 0;          // the last `shared` write transaction that took the commit-order lock
  uint64_t notified_in_ = 0;         // the write transaction that notified_ belongs to
  std::set<std::string> notified_;   // the channels it has notified
};

}  // namespace

std::unique_ptr<Db> open_postgres(const std::string& url, OpenOptions options) {
  auto db = std::make_unique<PgDb>(url);
  db->load_identities();
  migrate(*db);
  db->open_readers(std::max(0, options.readers));
  return db;
}

void pg::admin_exec(const std::string& url, const std::string& sql) {
  Conn c(connect(url));
  c.raw(sql);
}

}  // namespace watchfloor::store
