#pragma once
// `watchfloor backup DEST` and `watchfloor restore SRC` (sao lưu, khôi phục). A backup is a directory:
//   watchfloor.db   an online copy of the database (store::backup_sqlite), made while the server runs
//   secret.key      the key that seals camera passwords (when the installation has one)
//   signing.key     the key that signs audit checkpoints and evidence (when the installation has one)
//   manifest.json   what the copy holds: format, watchfloor version, time, schema version, the SHA-256 of
//                   the database copy and of secret.key, the sample directories and every indexed video
//                   segment (camera, stream, seq, path, bytes, sha256, state) as the copy's index has them
// Recordings are not copied (they are far larger; the operator copies the video directories with their
// own tools); the manifest says which files the restored index expects, and restore reports the missing.
#include <cstdint>
#include <filesystem>
#include <iosfwd>
#include <string>
#include <vector>

#include "core/config.h"

namespace watchfloor::app {

struct Installation;

struct BackupResult {
  std::filesystem::path dir;
  int64_t db_bytes = 0;
  std::string db_sha256;
  int64_t schema_version = 0;
  int64_t segments = 0;
};

// Writes the backup into `dest`, which must not exist or be an empty directory, and appends
// `system.backup` to the installation's audit log (with the copy's SHA-256). Throws std::runtime_error
// when `dest` is in use or a file cannot be written; a failed backup is not audited.
BackupResult backup(Installation& inst, const std::filesystem::path& dest);

struct MissingVideo {
  std::filesystem::path path;
  int64_t camera_id = 0;
  std::string stream;
  int64_t seq = 0;
  std::string problem;  // "missing" or "size N, indexed M"
};

struct RestoreResult {
  std::string backup_created_at, backup_version;
  int64_t schema_version = 0;  // of the restored database, after any migration this build applies
  int64_t segments = 0;        // indexed segments checked
  std::vector<MissingVideo> missing;
  // Sample directories whose identity file is absent or another installation's: the recorder keeps
  // them offline until their recordings are put back (docs/formats.md §1).
  std::vector<std::filesystem::path> offline_dirs;
};

// Restores the backup in `source` into `config.data_dir`. Before anything is written: the manifest must
// be readable, the database copy and secret.key must have the SHA-256 it records, the data directory must
// be absent or empty unless `force`, and no server may be using it (even with `force`). Then replaces the
// database (dropping any old -wal and -shm) and secret.key durably, opens the restored database (integrity
// check, migrations), checks every indexed segment's file and appends `system.restore` to the restored
// audit log. Run as root, the new files get the data directory's owner.
RestoreResult restore(const core::Config& config, const std::filesystem::path& source, bool force);

// The restore's account of the video for the operator, one line each.
void print_restore(const RestoreResult& r, std::ostream& out);

}  // namespace watchfloor::app
