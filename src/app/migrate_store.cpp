#include "app/migrate_store.h"

#include <fmt/format.h>

#include <stdexcept>

#include "audit/audit_log.h"
#include "core/clock.h"
#include "store/copy.h"
#include "store/pg.h"

namespace watchfloor::app {

int migrate_store(const std::string& from, const std::string& to, std::ostream& out, size_t page_rows) {
  if (from.rfind("sqlite:", 0) != 0) throw std::runtime_error("migrate-store: --from must be sqlite:PATH");
  if (to.rfind("postgresql://", 0) != 0 && to.rfind("postgres://", 0) != 0)
    throw std::runtime_error("migrate-store: --to must be postgresql://…");
  auto source = store::open_sqlite(from.substr(7), {.create = false, .readers = 0});
  auto dest = store::open_postgres(to, {.readers = 0});
  out << fmt::format("watchfloor: copying {} into {}\n", from.substr(7), store::pg::redacted(to));
  auto copied = store::copy_sqlite_to_postgres(*source, *dest, [&](const std::string& table, int64_t rows) {
    out << fmt::format("  {:<28} {:>10} rows\n", table, rows);
  }, page_rows);
  bool same = true;
  for (const auto& [table, rows] : copied) {
    int64_t there = dest->query_one(fmt::format("SELECT COUNT(*) AS n FROM \"{}\"", table))->i64("n");
    if (there != rows) {
      out << fmt::format("watchfloor: {} has {} rows in PostgreSQL, {} in SQLite\n", table, there, rows);
      same = false;
    }
  }
  core::SystemClock clock;
  auto before = audit::AuditLog(*source, clock).verify();
  auto after = audit::AuditLog(*dest, clock).verify();
  out << fmt::format("watchfloor: audit chain {} ({} entries) in SQLite, {} ({} entries) in PostgreSQL\n",
                     before.ok ? "intact" : "BROKEN", before.entries, after.ok ? "intact" : "BROKEN", after.entries);
  return same && before.ok && after.ok && before.entries == after.entries ? 0 : 1;
}

}  // namespace watchfloor::app
