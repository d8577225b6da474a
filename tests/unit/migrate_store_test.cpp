// `watchfloor migrate-store`: a demo installation on SQLite moved into PostgreSQL, every row and the audit chain
// with it (runs when the tests have a PostgreSQL cluster: WATCHFLOOR_TEST_PG).
#include <gtest/gtest.h>

#include <filesystem>
#include <sstream>

#include "app/installation.h"
#include "app/migrate_store.h"
#include "core/random.h"
#include "test_store.h"

namespace watchfloor {
namespace {

namespace fs = std::filesystem;

TEST(MigrateStore, ADemoInstallationMovesIntoPostgresWithEveryRowAndItsAuditChain) {
  if (!test::on_postgres()) GTEST_SKIP() << "needs WATCHFLOOR_TEST_PG (make test gives it a throw-away cluster)";
  fs::path dir = fs::temp_directory_path() / ("wf-move-" + core::random_token(6));
  core::Config cfg;
  cfg.data_dir = dir;
  int64_t cases = 0, audit = 0;
  std::string someone;
  {
    app::Installation inst(cfg);  // SQLite, the default
    app::ensure_demo(inst);
    app::ensure_demo_duty(inst, inst.duty);
    app::ensure_demo_cases(inst);
    cases = inst.db->query_one("SELECT COUNT(*) AS n FROM cases")->i64("n");
    audit = inst.db->query_one("SELECT COUNT(*) AS n FROM audit_log")->i64("n");
    someone = inst.db->query_one("SELECT username FROM users ORDER BY id DESC LIMIT 1")->str("username");
  }
  ASSERT_GT(cases, 0);
  std::string to = test::store_url(dir / "moved.db");
  std::ostringstream out;
  // Read 7 rows at a time: every table of more than 7 rows crosses pages.
  EXPECT_EQ(app::migrate_store("sqlite:" + (dir / "watchfloor.db").string(), to, out, 7), 0) << out.str();
  EXPECT_NE(out.str().find("audit chain intact"), std::string::npos) << out.str();

  // The moved installation runs on PostgreSQL: the same people, cases and chain, and new rows get new ids.
  cfg.store.url = to;
  app::Installation moved(cfg);
  EXPECT_EQ(moved.db->query_one("SELECT COUNT(*) AS n FROM cases")->i64("n"), cases);
  EXPECT_EQ(moved.db->query_one("SELECT COUNT(*) AS n FROM audit_log")->i64("n"), audit);
  EXPECT_TRUE(moved.users.by_username(someone)) << someone;
  auto v = moved.audit.verify();
  EXPECT_TRUE(v.ok) << v.reason;
  int64_t max_unit = moved.db->query_one("SELECT MAX(id) AS n FROM units")->i64("n");
  moved.db->exec("INSERT INTO units(code, kind, name_vi, name_en, time_zone, created_at, updated_at) "
                 "VALUES ('NEW', 'branch', 'Mới', 'New', 'Asia/Ho_Chi_Minh', 0, 0)");
  EXPECT_GT(moved.db->last_insert_id(), max_unit) << "identity columns go on after the copied ids";

  std::ostringstream again;
  EXPECT_THROW(app::migrate_store("sqlite:" + (dir / "watchfloor.db").string(), to, again), std::runtime_error)
      << "the destination is not empty any more";
  fs::remove_all(dir);
}

}  // namespace
}  // namespace watchfloor
