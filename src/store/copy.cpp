#include "store/copy.h"

#include <fmt/format.h>

#include <algorithm>
#include <iterator>
#include <limits>
#include <map>
#include <set>
#include <stdexcept>

namespace watchfloor::store {
namespace {

constexpr size_t kBatch = 200;  // rows per INSERT

struct Table {
  std::string name;
  std::vector<std::string> columns;  // as both stores have them (PostgreSQL's generated columns left out)
  std::set<std::string> parents;     // tables it references
  std::vector<std::string> self_refs;  // its columns that reference its own rows
  std::set<std::string> bytea;
};

// The source's tables: the schema's, not SQLite's own, not FTS5's, not the migrations' record.
std::vector<Table> tables_of(Db& from, Db& to) {
  std::vector<Table> out;
  for (const auto& r : from.query("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' "
                                  "AND name NOT LIKE 'cases_fts%' AND name <> 'schema_migrations' AND name <> 'directory_version' ORDER BY name")) {
    Table t{r.str("name"), {}, {}, {}, {}};
    std::set<std::string> generated;
    for (const auto& c : to.query("SELECT column_name, data_type, is_generated FROM information_schema.columns "
                                  "WHERE table_schema = current_schema() AND table_name = ?",
                                  {t.name})) {
      if (c.str("is_generated") == "ALWAYS") generated.insert(c.str("column_name"));
      if (c.str("data_type") == "bytea") t.bytea.insert(c.str("column_name"));
    }
    for (const auto& c : from.query("SELECT name FROM pragma_table_info(?) ORDER BY cid", {t.name}))
      if (!generated.count(c.str("name"))) t.columns.push_back(c.str("name"));
    for (const auto& f : from.query("SELECT \"table\" AS parent, \"from\" AS col FROM pragma_foreign_key_list(?)", {t.name})) {
      if (f.str("parent") == t.name) t.self_refs.push_back(f.str("col"));
      else t.parents.insert(f.str("parent"));
    }
    out.push_back(std::move(t));
  }
  return out;
}

// Parents before children.
std::vector<Table> in_order(std::vector<Table> tables) {
  std::vector<Table> out;
  std::set<std::string> done;
  while (!tables.empty()) {
    auto ready = std::stable_partition(tables.begin(), tables.end(), [&](const Table& t) {
      return !std::all_of(t.parents.begin(), t.parents.end(), [&](const std::string& p) { return done.count(p) > 0; });
    });
    if (ready == tables.end()) throw std::runtime_error("migrate-store: the tables' references form a cycle");
    for (auto it = ready; it != tables.end(); ++it) {
      done.insert(it->name);
      out.push_back(std::move(*it));
    }
    tables.erase(ready, tables.end());
  }
  return out;
}

std::string column_list(const Table& t) {
  std::string cols;
  for (const auto& c : t.columns) cols += (cols.empty() ? "\"" : ", \"") + c + "\"";
  return cols;
}

// A table whose rows reference its own (units): every row, each after the rows it references (a unit after its
// parent). Such tables are small.
std::vector<Row> ordered_rows(Db& from, const Table& t) {
  auto rows = from.query(fmt::format("SELECT {} FROM \"{}\" ORDER BY rowid", column_list(t), t.name));
  size_t id_col = std::find(t.columns.begin(), t.columns.end(), "id") - t.columns.begin();
  std::vector<size_t> refs;
  for (const auto& s : t.self_refs) refs.push_back(std::find(t.columns.begin(), t.columns.end(), s) - t.columns.begin());
  std::set<int64_t> placed;
  std::vector<Row> out;
  while (!rows.empty()) {
    size_t before = rows.size();
    auto ready = std::stable_partition(rows.begin(), rows.end(), [&](const Row& r) {
      return !std::all_of(refs.begin(), refs.end(), [&](size_t i) { return r.is_null(i) || placed.count(r.i64(i)) > 0; });
    });
    for (auto it = ready; it != rows.end(); ++it) {
      placed.insert(it->i64(id_col));
      out.push_back(std::move(*it));
    }
    rows.erase(ready, rows.end());
    if (rows.size() == before) throw std::runtime_error("migrate-store: rows of " + t.name + " reference rows that are not there");
  }
  return out;
}

// Gives `each` the table's rows `page` at a time (a year's audit log does not fit in memory at once), their
// columns in the order of t.columns.
void for_pages(Db& from, const Table& t, size_t page_rows, const std::function<void(std::vector<Row>&)>& each) {
  if (!t.self_refs.empty()) {
    auto rows = ordered_rows(from, t);
    for (size_t at = 0; at < rows.size(); at += page_rows) {
      std::vector<Row> page(std::make_move_iterator(rows.begin() + at),
                            std::make_move_iterator(rows.begin() + std::min(rows.size(), at + page_rows)));
      each(page);
    }
    return;
  }
  std::string sql = fmt::format("SELECT rowid AS wf_rowid, {} FROM \"{}\" WHERE rowid > ? ORDER BY rowid LIMIT {}",
                                column_list(t), t.name, page_rows);
  for (int64_t after = std::numeric_limits<int64_t>::min();;) {
    auto page = from.query(sql, {after});
    if (page.empty()) return;
    after = page.back().i64(size_t{0});
    for (auto& r : page) r.cols.erase(r.cols.begin());  // the columns as listed
    each(page);
  }
}

}  // namespace

std::vector<std::pair<std::string, int64_t>> copy_sqlite_to_postgres(Db& from, Db& to,
                                                                     const std::function<void(const std::string&, int64_t)>& progress,
                                                                     size_t page_rows) {
  if (from.dialect() != Dialect::sqlite || to.dialect() != Dialect::postgres)
    throw std::runtime_error("migrate-store: from SQLite to PostgreSQL only");
  if (schema_version(from) != schema_version(to))
    throw std::runtime_error(fmt::format("migrate-store: the source is at schema version {}, the destination at {}",
                                         schema_version(from), schema_version(to)));
  if (to.query_one("SELECT 1 FROM units LIMIT 1") || to.query_one("SELECT 1 FROM audit_log LIMIT 1"))
    throw std::runtime_error("migrate-store: the destination is not empty");
  std::vector<std::pair<std::string, int64_t>> copied;
  auto tables = in_order(tables_of(from, to));
  to.transaction([&] {
    for (const auto& t : tables) {
      int64_t count = 0;
      for_pages(from, t, std::max<size_t>(1, page_rows), [&](std::vector<Row>& rows) {
        for (size_t at = 0; at < rows.size(); at += kBatch) {
          size_t n = std::min(kBatch, rows.size() - at);
          std::string sql = fmt::format("INSERT INTO \"{}\"({}) VALUES ", t.name, column_list(t));
          std::vector<Value> params;
          params.reserve(n * t.columns.size());
          for (size_t i = 0; i < n; ++i) {
            sql += i ? ", (" : "(";
            for (size_t c = 0; c < t.columns.size(); ++c) {
              sql += c ? ", ?" : "?";
              Value v = std::move(rows[at + i].cols[c]);
              if (t.bytea.count(t.columns[c]) && std::holds_alternative<std::string>(v)) v = Blob{std::get<std::string>(v)};
              params.push_back(std::move(v));
            }
            sql += ")";
          }
          to.exec(sql, params);
        }
        count += static_cast<int64_t>(rows.size());
      });
      copied.emplace_back(t.name, count);
      if (progress) progress(t.name, count);
    }
    // Identity columns go on after the copied ids.
    for (const auto& r : to.query("SELECT table_name, column_name FROM information_schema.columns "
                                  "WHERE table_schema = current_schema() AND is_identity = 'YES'"))
      to.query(fmt::format("SELECT setval(pg_get_serial_sequence('{0}', '{1}'), COALESCE(MAX({1}), 0) + 1, false) AS v FROM {0}",
                           r.str("table_name"), r.str("column_name")));
  });
  // The planner's statistics of the new rows (autovacuum would gather them later; until then a list could be
  // planned as if its tables were empty).
  to.exec_script("ANALYZE");
  return copied;
}

}  // namespace watchfloor::store
