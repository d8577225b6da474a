#pragma once
// The SQL the code writes is SQLite's, kept to the subset PostgreSQL shares (store/db.h). These rewrite the few
// differences as PostgreSQL runs them; pure functions, tested by themselves (tests/unit/dialect_test.cpp).
#include <string>
#include <string_view>

namespace watchfloor::store::pg {

// A statement: `?` placeholders become `$1, $2, …`; the two-argument MAX(a, b) and MIN(a, b) become GREATEST and
// LEAST; json_each(?) becomes json_array_elements_text(?) (its column is `value` in both). Text in quotes and
// comments is left alone.
std::string statement(std::string_view sql);

// A migration script: the statement rewrites, then the types (INTEGER PRIMARY KEY an identity column of BIGINT,
// INTEGER BIGINT, REAL DOUBLE PRECISION, BLOB BYTEA) and each append-only guard
//   CREATE TRIGGER t BEFORE UPDATE|DELETE ON tbl BEGIN SELECT RAISE(ABORT, 'why'); END;
// as a PL/pgSQL function raising 'why' and a row trigger calling it. Throws std::invalid_argument for another
// kind of trigger (a migration that needs one gives its PostgreSQL text itself).
std::string migration(std::string_view sql);

}  // namespace watchfloor::store::pg
