#include "app/backup.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <ostream>
#include <system_error>

#include "app/installation.h"
#include "core/clock.h"
#include "core/hash.h"
#include "core/private_files.h"
#include "store/backup.h"
#include "video/index.h"

namespace watchfloor::app {

namespace fs = std::filesystem;

namespace {

constexpr int kManifestFormat = 1;
constexpr const char* kDb = "watchfloor.db";
// The installation's keys, as the manifest names them: secret.key seals camera passwords, signing.key signs
// audit checkpoints and evidence (a restored installation must go on signing with the same key).
constexpr std::pair<const char*, const char*> kKeys[] = {{"secret_key", "secret.key"}, {"signing_key", "signing.key"}};
constexpr const char* kManifest = "manifest.json";

[[noreturn]] void fail_errno(const std::string& what) { throw std::system_error(errno, std::generic_category(), what); }

void fsync_path(const fs::path& p, int flags) {
  int fd = ::open(p.c_str(), O_RDONLY | O_CLOEXEC | flags);
  if (fd < 0) fail_errno("open " + p.string());
  int rc = ::fsync(fd);
  int err = errno;
  ::close(fd);
  if (rc != 0) throw std::system_error(err, std::generic_category(), "fsync " + p.string());
}
void fsync_file(const fs::path& f) { fsync_path(f, 0); }
void fsync_dir(const fs::path& d) { fsync_path(d, O_DIRECTORY); }

// Reads `file` through `sink` in 1 MiB pieces; returns the SHA-256 of its bytes.
template <typename Sink>
std::string read_hashing(const fs::path& file, Sink&& sink) {
  std::ifstream in(file, std::ios::binary);
  if (!in) throw std::runtime_error("cannot read " + file.string());
  core::Sha256 sha;
  std::string buf(1 << 20, '\0');
  while (in) {
    in.read(buf.data(), std::streamsize(buf.size()));
    std::string_view piece(buf.data(), size_t(in.gcount()));
    sha.update(piece);
    sink(piece);
  }
  if (in.bad()) throw std::runtime_error("cannot read " + file.string());
  return sha.hex();
}

std::string sha256_of(const fs::path& file) {
  return read_hashing(file, [](std::string_view) {});
}

// Copies `from` to `to` (owner-only) by way of a temporary name, fsynced before the rename and the
// directory after it; returns the SHA-256 of the bytes written.
std::string copy_durably(const fs::path& from, const fs::path& to) {
  auto tmp = to;
  tmp += ".tmp";
  fs::remove(tmp);
  std::string sha;
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    if (!out) throw std::runtime_error("cannot write " + tmp.string());
    core::make_private(tmp);
    sha = read_hashing(from, [&](std::string_view piece) { out.write(piece.data(), std::streamsize(piece.size())); });
    if (!out.flush()) throw std::runtime_error("cannot write " + tmp.string());
  }
  fsync_file(tmp);
  fs::rename(tmp, to);
  fsync_dir(to.parent_path());
  return sha;
}

bool empty_or_absent(const fs::path& dir) { return !fs::exists(dir) || (fs::is_directory(dir) && fs::is_empty(dir)); }

// Every indexed segment of `db`, in id order, a page at a time, with the path the recorder derives for it.
template <typename F>
void for_each_segment(store::Db& db, const core::Clock& clock, const fs::path& video_root, F&& f) {
  video::Index index(db, clock, video_root);
  std::map<int64_t, video::StreamRow> streams;
  for (auto& s : index.streams()) streams.emplace(s.id, s);
  int64_t after = 0;
  for (;;) {
    auto rows = db.query(
        "SELECT id, stream_id, seq, bytes, sha256, state FROM segments WHERE id > ? ORDER BY id LIMIT 2000", {after});
    if (rows.empty()) return;
    for (const auto& r : rows) {
      const auto& stream = streams.at(r.i64("stream_id"));
      int64_t seq = r.i64("seq");
      f(stream, seq, index.segment_path(stream, seq), r.i64("bytes"), r.str("sha256"), r.str("state"));
      after = r.i64("id");
    }
  }
}

// Writes the manifest of the database copy `db_file` to `dest` (segments streamed: a year of video is
// millions of them), then the copy's own size and hash, taken after the copy is closed.
int64_t write_manifest(Installation& inst, const fs::path& db_file, const std::map<std::string, std::string>& key_sha,
                       const fs::path& dest, BackupResult& result) {
  auto tmp = dest;
  tmp += ".tmp";
  std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
  if (!out) throw std::runtime_error("cannot write " + tmp.string());
  core::make_private(tmp);
  int64_t segments = 0;
  {
    auto copy = store::open_sqlite(db_file, {.create = false});
    result.schema_version = store::schema_version(*copy);
    nlohmann::ordered_json head = {{"format", kManifestFormat},
                                   {"watchfloor_version", WATCHFLOOR_VERSION},
                                   {"created_at", core::iso8601(inst.clock.now_ms())},
                                   {"source_data_dir", fs::absolute(inst.config.data_dir).string()},
                                   {"schema_version", result.schema_version}};
    for (const auto& [name, file] : kKeys)
      head[name] = key_sha.count(name) ? nlohmann::ordered_json{{"file", file}, {"sha256", key_sha.at(name)}}
                                       : nlohmann::ordered_json();
    nlohmann::ordered_json dirs = nlohmann::ordered_json::array();
    for (const auto& r : copy->query("SELECT label, path, uuid FROM sample_dirs ORDER BY id"))
      dirs.push_back({{"label", r.str("label")}, {"path", r.str("path")}, {"uuid", r.str("uuid")}});
    head["sample_dirs"] = dirs;
    auto text = head.dump(2);
    out << text.substr(0, text.size() - 2) << ",\n  \"segments\": [";
    for_each_segment(*copy, inst.clock, inst.config.data_dir / "video",
                     [&](const video::StreamRow& s, int64_t seq, const fs::path& path, int64_t bytes,
                         const std::string& sha, const std::string& state) {
                       out << (segments++ ? ",\n    " : "\n    ")
                           << nlohmann::ordered_json{{"camera_id", s.camera_id},
                                                     {"stream", s.kind},
                                                     {"seq", seq},
                                                     {"path", path.string()},
                                                     {"bytes", bytes},
                                                     {"sha256", sha},
                                                     {"state", state}}
                                  .dump();
                     });
  }
  result.db_bytes = int64_t(fs::file_size(db_file));
  result.db_sha256 = sha256_of(db_file);
  out << (segments ? "\n  ],\n" : "],\n") << "  \"segment_count\": " << segments << ",\n  \"database\": "
      << nlohmann::ordered_json{{"file", kDb}, {"bytes", result.db_bytes}, {"sha256", result.db_sha256}}.dump()
      << "\n}\n";
  if (!out.flush()) throw std::runtime_error("cannot write " + tmp.string());
  out.close();
  fsync_file(tmp);
  fs::rename(tmp, dest);
  return segments;
}

// The manifest without its segment list (restore checks the files against the restored index, which the
// database hash ties to the manifest).
nlohmann::json read_manifest(const fs::path& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) throw std::runtime_error("no backup manifest at " + file.string());
  bool in_segments = false;
  nlohmann::json m;
  try {
    m = nlohmann::json::parse(in, [&](int depth, nlohmann::json::parse_event_t ev, nlohmann::json& parsed) {
      if (depth == 1 && ev == nlohmann::json::parse_event_t::key) in_segments = parsed == "segments";
      return !(in_segments && depth >= 2);
    });
    if (m.at("format") != kManifestFormat) throw std::runtime_error("unknown manifest format " + m.at("format").dump());
    m.at("database").at("sha256").get<std::string>();
    m.at("created_at").get<std::string>();
  } catch (const nlohmann::json::exception& e) {
    throw std::runtime_error(file.string() + " is not a watchfloor backup manifest: " + e.what());
  }
  return m;
}

void check_hash(const fs::path& file, const std::string& expected) {
  if (!fs::exists(file)) throw std::runtime_error("the backup has no " + file.string());
  if (auto got = sha256_of(file); got != expected)
    throw std::runtime_error(fmt::format("{} does not match its manifest (SHA-256 {}, manifest {}); nothing restored",
                                         file.string(), got, expected));
}

// Throws when a server holds the data directory's default sample directory (video::Index keeps flock on
// its identity file while the server runs).
void refuse_if_served(const fs::path& data_dir) {
  auto ident = data_dir / "video" / "default" / ".watchfloor-dir";
  int fd = ::open(ident.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return;
  bool held = ::flock(fd, LOCK_EX | LOCK_NB) != 0 && errno == EWOULDBLOCK;
  ::close(fd);
  if (held)
    throw std::runtime_error("a watchfloor server is using " + data_dir.string() + "; stop it before restoring");
}

void give_to_owner_of(const fs::path& dir, const fs::path& file) {
  struct stat st {};
  if (::geteuid() != 0 || ::stat(dir.c_str(), &st) != 0) return;
  if (::chown(file.c_str(), st.st_uid, st.st_gid) != 0) fail_errno("chown " + file.string());
}

}  // namespace

namespace {
// A PostgreSQL store is PostgreSQL's to back up (pg_basebackup and WAL archiving, docs/deploy.md).
void require_sqlite(const core::Config& config, const char* what) {
  if (!config.store.url.empty() && config.store.url.rfind("sqlite:", 0) != 0)
    throw std::runtime_error(std::string(what) +
                             " copies the SQLite file; this installation's store is PostgreSQL: back it up with "
                             "pg_basebackup and WAL archiving (docs/deploy.md)");
}
}  // namespace

BackupResult backup(Installation& inst, const fs::path& dest) {
  require_sqlite(inst.config, "backup");
  if (!empty_or_absent(dest))
    throw std::runtime_error(dest.string() + " exists and is not empty; back up into a new directory");
  core::create_private_directories(dest);
  BackupResult r;
  r.dir = dest;
  try {
    store::backup_sqlite(inst.db_path(), dest / kDb);
    std::map<std::string, std::string> key_sha;
    for (const auto& [name, file] : kKeys)
      if (auto key = inst.config.data_dir / file; fs::exists(key)) key_sha[name] = copy_durably(key, dest / file);
    r.segments = write_manifest(inst, dest / kDb, key_sha, dest / kManifest, r);
    fsync_file(dest / kDb);
    fsync_dir(dest);
  } catch (...) {
    // Half a backup must not pass for one, nor block the next attempt at the same place.
    std::error_code ec;
    std::vector<fs::path> written;
    for (const auto& entry : fs::directory_iterator(dest, ec)) written.push_back(entry.path());
    for (const auto& p : written) fs::remove(p, ec);
    throw;
  }
  inst.db->transaction([&] {
    inst.audit.append(cli_actor().event("system.backup", "installation", dest.string(), std::nullopt,
                                        {{"dest", fs::absolute(dest).string()},
                                         {"database_sha256", r.db_sha256},
                                         {"database_bytes", r.db_bytes},
                                         {"schema_version", r.schema_version},
                                         {"segments", r.segments}}));
  });
  return r;
}

RestoreResult restore(const core::Config& config, const fs::path& source, bool force) {
  require_sqlite(config, "restore");
  auto manifest = read_manifest(source / kManifest);
  std::string db_sha = manifest["database"]["sha256"];
  check_hash(source / kDb, db_sha);
  // A key the manifest lists must be the one copied; one it does not list (an older backup) stays as it is.
  for (const auto& [name, file] : kKeys)
    if (manifest.contains(name) && !manifest[name].is_null())
      check_hash(source / file, manifest[name].at("sha256").get<std::string>());

  const auto& data = config.data_dir;
  if (!empty_or_absent(data) && !force)
    throw std::runtime_error(data.string() +
                             " is not empty; restore with --force to replace its database and keys");
  refuse_if_served(data);
  core::create_private_directories(data);
  // A -wal left beside the old database would be replayed into the restored one.
  for (const char* suffix : {"-wal", "-shm", "-journal"}) fs::remove(data / (std::string(kDb) + suffix));
  copy_durably(source / kDb, data / kDb);
  give_to_owner_of(data, data / kDb);
  for (const auto& [name, file] : kKeys)
    if (manifest.contains(name) && !manifest[name].is_null()) {
      copy_durably(source / file, data / file);
      give_to_owner_of(data, data / file);
    }

  RestoreResult r;
  r.backup_created_at = manifest["created_at"];
  r.backup_version = manifest.value("watchfloor_version", "");
  Installation inst(config);
  r.schema_version = store::schema_version(*inst.db);
  for_each_segment(
      *inst.db, inst.clock, data / "video",
      [&](const video::StreamRow& s, int64_t seq, const fs::path& path, int64_t bytes, const std::string&,
          const std::string&) {
        ++r.segments;
        std::error_code ec;
        auto size = fs::file_size(path, ec);
        if (ec)
          r.missing.push_back({path, s.camera_id, s.kind, seq, "missing"});
        else if (int64_t(size) != bytes)
          r.missing.push_back({path, s.camera_id, s.kind, seq, fmt::format("size {}, indexed {}", size, bytes)});
      });
  for (const auto& d : inst.db->query("SELECT path, uuid FROM sample_dirs ORDER BY id")) {
    bool ours = false;
    try {
      std::ifstream f(fs::path(d.str("path")) / ".watchfloor-dir");
      ours = f && nlohmann::json::parse(f).value("dir_uuid", "") == d.str("uuid");
    } catch (const nlohmann::json::exception&) {
    }
    if (!ours) r.offline_dirs.push_back(d.str("path"));
  }
  inst.db->transaction([&] {
    inst.audit.append(cli_actor().event("system.restore", "installation", fs::absolute(data).string(), std::nullopt,
                                        {{"source", fs::absolute(source).string()},
                                         {"backup_created_at", r.backup_created_at},
                                         {"backup_version", r.backup_version},
                                         {"database_sha256", db_sha},
                                         {"segments", r.segments},
                                         {"missing_video", r.missing.size()}}));
  });
  return r;
}

void print_restore(const RestoreResult& r, std::ostream& out) {
  out << "watchfloor: restored the backup of " << r.backup_created_at << " (watchfloor " << r.backup_version
      << "), schema version " << r.schema_version << "\n";
  if (r.segments == 0) {
    out << "watchfloor: video: no segments indexed\n";
  } else if (r.missing.empty()) {
    out << "watchfloor: video: all " << r.segments << " indexed segment files are present\n";
  } else {
    out << "watchfloor: video: " << r.missing.size() << " of " << r.segments
        << " indexed segment files are missing or changed on this machine:\n";
    for (const auto& m : r.missing)
      out << "  " << m.path.string() << " (camera " << m.camera_id << ", " << m.stream << ", seq " << m.seq
          << "): " << m.problem << "\n";
  }
  for (const auto& d : r.offline_dirs)
    out << "watchfloor: video directory " << d.string()
        << " has no identity file of this installation: the recorder keeps it offline until its recordings are put "
           "back\n";
}

}  // namespace watchfloor::app
