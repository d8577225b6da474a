#pragma once
// Moving an installation from SQLite to PostgreSQL (`watchfloor migrate-store`): every row of every table, ids
// kept, in one transaction on the destination.
#include <cstdint>
#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "store/db.h"

namespace watchfloor::store {

// Copies every table of `from` (SQLite) into `to` (PostgreSQL, migrated to the same version and empty),
// parents before children, reading `page_rows` rows at a time, and moves each identity column's sequence past
// the copied ids. `progress` is told each table's name and row count as it is done. Returns (table, rows) in the
// order copied. Throws std::runtime_error, changing nothing in `to`, when the versions differ, `to` is not
// empty, or a row fails.
std::vector<std::pair<std::string, int64_t>> copy_sqlite_to_postgres(
    Db& from, Db& to, const std::function<void(const std::string&, int64_t)>& progress = {}, size_t page_rows = 10000);

}  // namespace watchfloor::store
