#include "store/work.h"

#include <algorithm>

namespace watchfloor::store {
namespace {
thread_local Work* t_current = nullptr;
}  // namespace

Work* Work::current() { return t_current; }

void Work::add(std::vector<After>& list, std::function<void()> f, std::string key) {
  if (!key.empty()) std::erase_if(list, [&](const After& a) { return a.key == key; });
  list.push_back({std::move(key), std::move(f)});
}

void Work::after_commit(std::function<void()> f, std::string key) { add(after_, std::move(f), std::move(key)); }

void Work::before_commit(std::function<void()> f, std::string key) { add(before_, std::move(f), std::move(key)); }

void Work::on_rollback(std::function<void()> f) { undo_.push_back(std::move(f)); }

void Work::attempt(const std::function<void()>& body) {
  t_current = this;
  try {
    db_.transaction(
        [&] {
          body();
          // By index, on a copy: a hook may register more (an audit entry of what it writes).
          for (size_t i = 0; i < before_.size(); ++i) {
            auto fn = before_[i].fn;
            fn();
          }
        },
        writers_);
  } catch (...) {
    t_current = nullptr;
    for (auto& f : undo_) f();
    throw;
  }
  t_current = nullptr;
}

void Work::commit(const std::function<void()>& body) {
  for (int attempt = 1;; ++attempt) {
    try {
      this->attempt(body);
      break;
    } catch (const Conflict&) {
      if (writers_ != Writers::shared || attempt == kAttempts) throw;
      before_.clear(), after_.clear(), undo_.clear();
    }
  }
  // Durable now: what follows may publish, and may itself start new units of work.
  auto after = std::move(after_);
  for (auto& a : after) a.fn();
}

int64_t next_number(Db& db, const std::string& series) {
  if (!db.in_transaction()) throw std::logic_error("store::next_number outside a write transaction");
  const char* kNext = "INSERT INTO number_series(series, last) VALUES (?, 1) ON CONFLICT(series) DO UPDATE SET last = number_series.last + 1";
  // One round trip on PostgreSQL. SQLite has none to save, and its RETURNING opens a temporary b-tree at each run.
  if (db.dialect() == Dialect::postgres) return db.query_one(std::string(kNext) + " RETURNING last", {series})->i64("last");
  db.exec(kNext, {series});
  return db.query_one("SELECT last FROM number_series WHERE series = ?", {series})->i64("last");
}

std::vector<Row> insert_rows(Db& db, std::string_view head, size_t width, const std::vector<Value>& params,
                             std::string_view tail, std::string_view returning) {
  if (width == 0 || params.size() % width != 0) throw std::logic_error("store::insert_rows: params not a whole number of rows");
  // Within both databases' bounds on a statement's parameters (SQLite 32,766; PostgreSQL 65,535).
  const size_t rows = std::max<size_t>(1, std::min<size_t>(1'000, 30'000 / width));
  std::string row = "(?";
  for (size_t i = 1; i < width; ++i) row += ",?";
  row += ")";
  std::vector<Row> out;
  db.transaction([&] {
    for (size_t at = 0; at < params.size(); at += rows * width) {
      size_t end = std::min(params.size(), at + rows * width);
      std::string sql(head);
      for (size_t i = at; i < end; i += width) sql += i == at ? row : "," + row;
      if (!tail.empty()) sql += " " + std::string(tail);
      std::vector<Value> chunk(params.begin() + static_cast<std::ptrdiff_t>(at), params.begin() + static_cast<std::ptrdiff_t>(end));
      if (returning.empty()) {
        db.exec(sql, chunk);
      } else {
        for (auto& r : db.query(sql + " RETURNING " + std::string(returning), chunk)) out.push_back(std::move(r));
      }
    }
  });
  return out;
}

}  // namespace watchfloor::store
