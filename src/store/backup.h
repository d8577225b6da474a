#pragma once
// An online copy of a live SQLite database (SQLite's backup API), for `watchfloor backup`.
#include <filesystem>

namespace watchfloor::store {

// Copies the database `source` into the new file `dest` (mode 0600; it must not exist) as one
// consistent snapshot while other connections, in this process or in a running server, keep writing:
// the copy is made in one step under a WAL read transaction, which never blocks the writer and is never
// restarted by its commits. Waits up to 30 s while the source is locked (a WAL recovery). Throws
// std::runtime_error naming the file when either side fails; a failed copy leaves no `dest` behind.
void backup_sqlite(const std::filesystem::path& source, const std::filesystem::path& dest);

}  // namespace watchfloor::store
