#include "test_store.h"

#include <fmt/format.h>

#include <chrono>
#include <cstdlib>
#include <functional>
#include <mutex>
#include <set>
#include <stdexcept>
#include <thread>

#include "core/random.h"
#include "store/pg.h"

namespace watchfloor::test {
namespace {

std::string admin_url() {
  const char* url = std::getenv("WATCHFLOOR_TEST_PG");
  return url ? url : "";
}

// CREATE DATABASE copies its template only while nobody else is connected to it: another test process may be
// copying it, or making it. Tried again for a while.
// Whether it made the database (false: it was there already).
bool create_database(const std::string& admin, const std::string& sql) {
  for (int attempt = 0;; ++attempt) {
    try {
      store::pg::admin_exec(admin, sql);
      return true;
    } catch (const std::runtime_error& e) {
      std::string what = e.what();
      // Made already (the same path again), or being made by another process this instant (its unique index).
      if (what.find("(42P04)") != std::string::npos || what.find("(23505)") != std::string::npos) return false;
      if (what.find("being accessed by other users") == std::string::npos || attempt > 300) throw;
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
  }
}

// The database migrated once (by the first test process of the run), which each test's database copies.
std::string template_database(const std::string& admin) {
  static std::once_flag once;
  static std::string name;
  std::call_once(once, [&] {
    name = "wf_template";
    // Migrated by the process that made it (connected meanwhile, so that nobody copies it half made).
    if (create_database(admin, "CREATE DATABASE " + name)) store::open_postgres(store::pg::with_database(admin, name), {.readers = 0});
  });
  return name;
}

struct Made {
  std::mutex mu;
  std::set<std::string> names;
  ~Made() {
    std::string admin = admin_url();
    for (const auto& n : names) {
      try {
        store::pg::admin_exec(admin, fmt::format("DROP DATABASE IF EXISTS {} WITH (FORCE)", n));
      } catch (const std::exception&) {
      }
    }
  }
};
Made made;

}  // namespace

bool on_postgres() { return !admin_url().empty(); }

std::string store_url(const std::filesystem::path& file) {
  std::string admin = admin_url();
  if (admin.empty()) return "";
  std::string name = fmt::format("wf_{:016x}", std::hash<std::string>{}(std::filesystem::absolute(file).lexically_normal().string()));
  {
    std::lock_guard lock(made.mu);
    if (made.names.insert(name).second)
      create_database(admin, fmt::format("CREATE DATABASE {} TEMPLATE {}", name, template_database(admin)));
  }
  return store::pg::with_database(admin, name);
}

std::unique_ptr<store::Db> open_store(const std::filesystem::path& file, store::OpenOptions options) {
  if (!on_postgres()) return store::open_sqlite(file, options);
  return store::open_postgres(store_url(file), options);
}

void drop_append_only_guards(store::Db& db, const std::string& table) {
  for (const char* what : {"_no_update", "_no_delete"})
    db.exec(db.dialect() == store::Dialect::postgres ? fmt::format("DROP TRIGGER IF EXISTS {0}{1} ON {0}", table, what)
                          : fmt::format("DROP TRIGGER IF EXISTS {}{}", table, what));
}

void foreign_keys_off(store::Db& db) {
  // PostgreSQL checks references with internal triggers, which a replica's session does not fire.
  db.exec(db.dialect() == store::Dialect::postgres ? "SET session_replication_role = replica" : "PRAGMA foreign_keys = OFF");
}

void commits_unsynced(store::Db& db) {
  db.exec(db.dialect() == store::Dialect::postgres ? "SET synchronous_commit = off" : "PRAGMA synchronous = OFF");
}

}  // namespace watchfloor::test
