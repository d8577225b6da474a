#pragma once
// The store the unit tests run on: a SQLite file, or, when WATCHFLOOR_TEST_PG names the administrative database
// of a PostgreSQL cluster (`make test` starts a throw-away one: scripts/pg-test-cluster), a database of that
// cluster for each file path — the same path, the same database, so a test that reopens its store after a
// simulated crash finds its data. The databases a test process made are dropped when it exits.
#include <filesystem>
#include <memory>
#include <string>

#include "store/db.h"

namespace watchfloor::test {

// Whether the tests run on PostgreSQL.
bool on_postgres();
// The [store] url for the store of `file`: empty (SQLite, the file) or the PostgreSQL database standing for it.
std::string store_url(const std::filesystem::path& file);
// Opens the store of `file` on the store under test.
std::unique_ptr<store::Db> open_store(const std::filesystem::path& file, store::OpenOptions options = {});

// Set-ups that reach below the code, on either store: a tamperer who removed `table`'s append-only guards
// (its triggers `<table>_no_update` and `<table>_no_delete`); rows written without their references checked;
// commits that do not wait for the disk (when the database's durability is not under test).
void drop_append_only_guards(store::Db& db, const std::string& table);
void foreign_keys_off(store::Db& db);
void commits_unsynced(store::Db& db);

}  // namespace watchfloor::test
