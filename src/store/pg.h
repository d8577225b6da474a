#pragma once
// PostgreSQL behind store::Db (libpq), for an installation that outgrows one machine: several API servers and
// recorder nodes share one database ([store] url = "postgresql://…"). The SQL is the code's own (store/dialect.h
// rewrites what differs). Write transactions are serialised across every process on the database by transaction-scoped
// advisory locks, so that each runs as it would on SQLite's single writer, but for the `shared` ones (store::Writers),
// which run beside each other until their commit order; reads run beside them all.
#include <memory>
#include <string>

#include "store/db.h"

namespace watchfloor::store {

// Connects (one writer, `options.readers` readers), applies pending migrations under the writers' lock, and
// returns the database. Throws std::runtime_error naming the server's message when it cannot connect; the
// password of the URL never appears in it.
std::unique_ptr<Db> open_postgres(const std::string& url, OpenOptions options = {});

namespace pg {
// Runs one statement without parameters on its own connection to `url` (creating and dropping databases, which
// cannot run inside a transaction).
void admin_exec(const std::string& url, const std::string& sql);
// `url` with its database name replaced by `database`.
std::string with_database(const std::string& url, const std::string& database);
// `url` without its password, for logs and messages.
std::string redacted(const std::string& url);
}  // namespace pg

}  // namespace watchfloor::store
