// watchfloor backup / restore: the online copy is one consistent snapshot while a writer commits, the
// restored installation's audit log verifies and records the restore, and restore refuses what it must.
#include "app/backup.h"

#include <gtest/gtest.h>

#include <atomic>
#include <fstream>
#include <sstream>
#include <thread>

#include "app/installation.h"
#include "core/random.h"
#include "store/backup.h"
#include "store/db.h"

namespace watchfloor {
namespace {

namespace fs = std::filesystem;

class BackupTest : public ::testing::Test {
 protected:
  void SetUp() override { dir_ = fs::path(::testing::TempDir()) / ("wf-backup-" + core::random_token(6)); }
  void TearDown() override { fs::remove_all(dir_); }
  core::Config config(const std::string& name) {
    core::Config c;
    c.data_dir = dir_ / name;
    return c;
  }
  fs::path dir_;
};

int64_t count(store::Db& db, const std::string& table) { return db.query_one("SELECT count(*) FROM " + table)->i64(0); }

TEST_F(BackupTest, TheOnlineCopyIsOneConsistentSnapshotWhileAWriterCommits) {
  auto db = store::open_sqlite(dir_ / "live.db");
  db->exec_script(
      "CREATE TABLE orders (id INTEGER PRIMARY KEY, pad TEXT); CREATE TABLE lines (id INTEGER PRIMARY KEY, pad TEXT)");
  std::atomic<bool> stop = false;
  std::atomic<int64_t> commits = 0;
  // Each commit adds one row to both tables: a copy taken between two statements of a commit would
  // show them unequal.
  std::thread writer([&] {
    std::string pad(2000, 'x');
    while (!stop) {
      db->transaction([&] {
        db->exec("INSERT INTO orders(pad) VALUES (?)", {pad});
        db->exec("INSERT INTO lines(pad) VALUES (?)", {pad});
      });
      ++commits;
    }
  });
  while (commits < 200) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  int64_t before = commits;
  store::backup_sqlite(dir_ / "live.db", dir_ / "copy.db");
  int64_t during = commits;
  std::this_thread::sleep_for(std::chrono::milliseconds(20));
  stop = true;
  writer.join();

  EXPECT_GT(commits.load(), during) << "the writer went on committing after the copy";
  EXPECT_EQ((fs::status(dir_ / "copy.db").permissions() & fs::perms::all),
            fs::perms::owner_read | fs::perms::owner_write);
  auto copy = store::open_sqlite(dir_ / "copy.db", {.create = false});  // runs PRAGMA integrity_check
  int64_t orders = count(*copy, "orders");
  EXPECT_EQ(orders, count(*copy, "lines"));
  EXPECT_GE(orders, before);
  EXPECT_LE(orders, commits.load());
}

TEST_F(BackupTest, TheOnlineCopyNeverOverwritesAFile) {
  auto db = store::open_sqlite(dir_ / "live.db");
  { std::ofstream(dir_ / "taken.db") << "precious"; }
  EXPECT_THROW(store::backup_sqlite(dir_ / "live.db", dir_ / "taken.db"), std::system_error);
  std::ifstream in(dir_ / "taken.db");
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  EXPECT_EQ(text, "precious");
  EXPECT_THROW(store::backup_sqlite(dir_ / "absent.db", dir_ / "new.db"), std::runtime_error);
  EXPECT_FALSE(fs::exists(dir_ / "new.db")) << "a failed copy leaves nothing behind";
}

TEST_F(BackupTest, TheRestoredInstallationVerifiesAndRecordsTheBackupAndTheRestore) {
  std::string db_sha;
  {
    app::Installation live(config("live"));
    std::ostringstream quiet;
    app::bootstrap(live, quiet);
    auto r = app::backup(live, dir_ / "backup");
    db_sha = r.db_sha256;
    EXPECT_EQ(r.segments, 0);
    EXPECT_EQ(r.schema_version, store::schema_version(*live.db));
    auto entry = live.db->query_one("SELECT details FROM audit_log WHERE action = 'system.backup'");
    ASSERT_TRUE(entry) << "the backup is in the live installation's audit log";
    EXPECT_EQ(nlohmann::json::parse(entry->str(0)).at("database_sha256"), db_sha);
  }
  auto manifest = nlohmann::json::parse(std::ifstream(dir_ / "backup" / "manifest.json"));
  EXPECT_EQ(manifest["format"], 1);
  EXPECT_EQ(manifest["database"]["sha256"], db_sha);
  EXPECT_EQ(manifest["segments"], nlohmann::json::array());
  EXPECT_TRUE(manifest["secret_key"].is_object());
  EXPECT_EQ(manifest["signing_key"]["file"], "signing.key");

  auto r = app::restore(config("restored"), dir_ / "backup", false);
  EXPECT_TRUE(r.missing.empty());
  app::Installation restored(config("restored"));
  auto v = restored.audit.verify();
  EXPECT_TRUE(v.ok) << v.reason;
  EXPECT_EQ(restored.db->query_one("SELECT action FROM audit_log ORDER BY seq DESC LIMIT 1")->str(0), "system.restore");
  EXPECT_TRUE(restored.users.by_username("admin")) << "the people came back";
  std::ifstream a(dir_ / "live" / "secret.key", std::ios::binary),
      b(dir_ / "restored" / "secret.key", std::ios::binary);
  EXPECT_EQ(std::string(std::istreambuf_iterator<char>(a), {}), std::string(std::istreambuf_iterator<char>(b), {}))
      << "camera passwords stay readable";
  EXPECT_EQ(restored.signing.public_key(), core::SigningKey(dir_ / "live" / "signing.key").public_key())
      << "the restored installation signs with the same key, so its earlier checkpoints still verify";
}

TEST_F(BackupTest, RestoreReplacesANonEmptyDataDirectoryOnlyWithForce) {
  {
    app::Installation live(config("live"));
    std::ostringstream quiet;
    app::bootstrap(live, quiet);
    app::backup(live, dir_ / "backup");
  }
  EXPECT_THROW(app::backup(*std::make_unique<app::Installation>(config("live")), dir_ / "backup"), std::runtime_error)
      << "a backup never writes into an earlier one";
  {
    app::Installation other(config("other"));  // an installation with no people at all
  }
  try {
    app::restore(config("other"), dir_ / "backup", false);
    ADD_FAILURE() << "restore overwrote a data directory that is not empty";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("--force"), std::string::npos) << e.what();
  }
  EXPECT_FALSE(app::Installation(config("other")).users.by_username("admin")) << "nothing was restored";
  app::restore(config("other"), dir_ / "backup", true);
  EXPECT_TRUE(app::Installation(config("other")).users.by_username("admin"));
}

TEST_F(BackupTest, RestoreRefusesACopyThatDoesNotMatchItsManifest) {
  {
    app::Installation live(config("live"));
    app::backup(live, dir_ / "backup");
  }
  {
    std::fstream f(dir_ / "backup" / "watchfloor.db", std::ios::in | std::ios::out | std::ios::binary);
    f.seekg(5000);
    char c = char(f.get());
    f.seekp(5000);
    f.put(char(~c));
  }
  try {
    app::restore(config("restored"), dir_ / "backup", false);
    ADD_FAILURE() << "a damaged copy was restored";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("does not match its manifest"), std::string::npos) << e.what();
  }
  EXPECT_FALSE(fs::exists(dir_ / "restored")) << "nothing was written";
}

}  // namespace
}  // namespace watchfloor
