#pragma once
// `watchfloor migrate-store --from sqlite:PATH --to postgresql://…`: an installation moved from one machine's
// SQLite file to the shared PostgreSQL store (docs/deploy.md), its audit chain intact.
#include <ostream>
#include <string>

namespace watchfloor::app {

// Copies everything (store/copy.h), then verifies the audit chain on both sides; says what it did on `out`.
// Returns the process's exit status: 0 when both chains verify and every table has as many rows on both sides.
int migrate_store(const std::string& from, const std::string& to, std::ostream& out, size_t page_rows = 10000);

}  // namespace watchfloor::app
