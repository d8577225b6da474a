// `watchfloor seed` (bench/growth, bench/scale): a demo installation grown by cases, cameras, people and audit
// entries through the domain layer, the audit chain intact, and a second run with the same sizes adding nothing.
#include <fmt/format.h>
#include <gtest/gtest.h>

#include <filesystem>

#include "app/installation.h"
#include "core/random.h"
#include "test_store.h"

namespace watchfloor {
namespace {

namespace fs = std::filesystem;

TEST(Seed, GrowsTheDemoToTheSizesAskedWithAnIntactAuditChainAndAddsNothingTheSecondTime) {
  fs::path dir = fs::temp_directory_path() / ("wf-seed-" + core::random_token(6));
  core::Config cfg;
  cfg.data_dir = dir;
  cfg.store.url = test::store_url(dir / "watchfloor.db");
  app::Installation inst(cfg);
  app::ensure_demo(inst);
  auto count = [&](const char* table) {
    return inst.db->query_one(std::string("SELECT COUNT(*) AS n FROM ") + table)->i64("n");
  };
  int64_t people = count("users");
  auto r = app::seed(inst, 40, 12, people + 3, 3'000, 10);
  EXPECT_EQ(count("cases"), 40);
  // The seeded cases but the newest ten are closed, each with its conclusion and closing on its timeline; the
  // escalation runner has nothing to do for them. The newest ten are in handling, acknowledged by their reporter
  // (not overdue "reported" cases that would keep the escalation runner notifying leaders during a benchmark).
  const char* kSeeded = "FROM cases WHERE description LIKE 'Tăng trưởng %'";
  int64_t seeded_cases = inst.db->query_one(fmt::format("SELECT COUNT(*) AS n {}", kSeeded))->i64("n");
  EXPECT_EQ(r.cases_closed, seeded_cases - 10);
  EXPECT_EQ(r.cases_handled, 10);
  EXPECT_EQ(inst.db->query_one(fmt::format("SELECT COUNT(*) AS n {} AND status = 'in_handling' AND acknowledged_by = reported_by", kSeeded))->i64("n"), 10);
  EXPECT_EQ(inst.db->query_one(fmt::format("SELECT COUNT(*) AS n FROM case_events WHERE kind = 'status_changed' AND case_id IN "
                                           "(SELECT id {} AND status = 'in_handling')", kSeeded))->i64("n"),
            10);
  EXPECT_EQ(inst.db->query_one(fmt::format("SELECT COUNT(*) AS n {} AND status = 'closed' AND due_at IS NULL AND closed_at IS NOT NULL", kSeeded))->i64("n"),
            seeded_cases - 10);
  EXPECT_EQ(inst.db->query_one(fmt::format("SELECT COUNT(*) AS n FROM case_events WHERE kind IN ('concluded', 'closed') AND case_id IN "
                                           "(SELECT id {} AND status = 'closed')", kSeeded))->i64("n"),
            2 * (seeded_cases - 10));
  EXPECT_EQ(count("cameras"), 12);
  EXPECT_EQ(count("users"), people + 3);
  EXPECT_EQ(r.users_added, 3);
  EXPECT_GE(count("audit_log"), 3'000);
  auto seeded = inst.users.by_username("seed.user" + fmt::format("{:06}", people));
  ASSERT_TRUE(seeded);
  EXPECT_EQ(seeded->roles.at(0).role, auth::Role::supervision_officer);
  auto v = inst.audit.verify();
  EXPECT_TRUE(v.ok) << v.reason;
  auto again = app::seed(inst, 40, 12, people + 3, 3'000, 10);
  EXPECT_EQ(again.cases_added + again.cameras_added + again.users_added + again.audit_added + again.cases_closed + again.cases_handled, 0);
  fs::remove_all(dir);
}

}  // namespace
}  // namespace watchfloor
