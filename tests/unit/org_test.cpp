// org: the unit tree, designations, people and the organisation presets, on a real SQLite file.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <condition_variable>
#include <future>
#include <mutex>
#include <set>
#include <thread>

#include "auth/password.h"
#include "core/error.h"
#include "test_util.h"
#include "core/json_body.h"
#include "core/random.h"
#include "org/hq_words.h"
#include "org/preset.h"
#include "org/units.h"
#include "org/users.h"
#include "org/vocabulary.h"
#include "test_store.h"

#ifndef WATCHFLOOR_SOURCE_DIR
#error "WATCHFLOOR_SOURCE_DIR must name the repository root (tests/unit/CMakeLists.txt sets it)"
#endif

namespace watchfloor::org {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

const audit::Actor kBy = audit::Actor::system("test");


std::vector<std::string> fields(const core::Problem& p) {
  std::vector<std::string> out;
  for (const auto& e : p.errors()) out.push_back(e.field);
  return out;
}


// A database in its own temporary directory, with the org services over it.
struct Org {
  explicit Org(const std::string& tag) {
    dir = fs::path(::testing::TempDir()) / ("wf-org-" + tag + "-" + core::random_token(6));
    db = test::open_store(dir / "watchfloor.db");
    audit = std::make_unique<audit::AuditLog>(*db, clock);
    sessions = std::make_unique<auth::Sessions>(*db, clock, security);
    units = std::make_unique<Units>(*db, clock, *audit, bus);
    users = std::make_unique<Users>(*db, clock, *units, *audit, *sessions);
  }
  ~Org() {
    users.reset();
    units.reset();
    db.reset();
    fs::remove_all(dir);
  }
  int64_t count(const std::string& table) { return db->query_one("SELECT COUNT(*) FROM " + table)->i64(0); }
  int64_t id(const std::string& code) {
    auto u = units->by_code(code);
    EXPECT_TRUE(u) << code;
    return u ? u->id : -1;
  }

  fs::path dir;
  core::FakeClock clock;
  std::unique_ptr<store::Db> db;
  std::unique_ptr<audit::AuditLog> audit;
  core::SecurityConfig security;
  std::unique_ptr<auth::Sessions> sessions;
  events::Bus bus{clock};
  std::unique_ptr<Units> units;
  std::unique_ptr<Users> users;
};

UnitInput unit(const std::string& code, std::optional<int64_t> parent, const std::string& kind = "branch",
               const std::string& name_vi = "Đơn vị") {
  UnitInput in;
  in.code = code;
  in.parent_id = parent;
  in.kind = kind;
  in.name_vi = name_vi;
  in.name_en = "Unit " + code;
  return in;
}

// ---- units ---------------------------------------------------------------------------------

class UnitsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    hq_ = org_.units->create(unit("HQ", std::nullopt, "headquarters", "Tổng cục Hải quan"), kBy).id;
    a_ = org_.units->create(unit("PA", hq_, "provincial_department", "Cục Hải quan tỉnh A"), kBy).id;
    a1_ = org_.units->create(unit("PA-B1", a_, "branch", "Chi cục A1"), kBy).id;
    b_ = org_.units->create(unit("PB", hq_, "provincial_department", "Cục Hải quan tỉnh B"), kBy).id;
  }
  Org org_{"units"};
  int64_t hq_ = 0, a_ = 0, a1_ = 0, b_ = 0;
};

TEST_F(UnitsTest, CreateStoresEveryFieldWithDefaults) {
  auto in = unit("PA-B2", a_, "branch", "Chi cục Hải quan cửa khẩu quốc tế Lao Bảo");
  in.has_camera_room = true;
  in.must_run_24x7 = true;
  auto u = org_.units->create(in, kBy);
  EXPECT_GT(u.id, 0);
  EXPECT_EQ(u.parent_id, a_);
  EXPECT_EQ(u.code, "PA-B2");
  EXPECT_EQ(u.kind, "branch");
  EXPECT_EQ(u.time_zone, "Asia/Ho_Chi_Minh");  // the default
  EXPECT_TRUE(u.has_camera_room);
  EXPECT_TRUE(u.must_run_24x7);
  EXPECT_FALSE(u.external);
  auto again = org_.units->get(u.id);
  ASSERT_TRUE(again);
  EXPECT_EQ(again->name_vi, "Chi cục Hải quan cửa khẩu quốc tế Lao Bảo");
  EXPECT_EQ(org_.units->by_code("PA-B2")->id, u.id);
  EXPECT_FALSE(org_.units->by_code("NOPE"));
  EXPECT_FALSE(org_.units->get(9999));
  EXPECT_EQ(org_.units->list().size(), 5u);
}

TEST_F(UnitsTest, VietnameseNamesRoundTripByteForByte) {
  // Precomposed (NFC) and decomposed (NFD) spellings are stored exactly as given, not normalised.
  const std::string nfc = "Đội Kiểm soát Hải quan – Quảng Trị “Lao Bảo”";
  const std::string nfd = "Đo\u0302\u0323i";  // "Đội" with combining marks
  auto in = unit("PA-T1", a1_, "team", nfc);
  in.name_en = nfd;
  auto id = org_.units->create(in, kBy).id;
  auto u = org_.units->get(id);
  EXPECT_EQ(u->name_vi, nfc);
  EXPECT_EQ(u->name_en, nfd);
  auto j = to_json(*u);
  EXPECT_EQ(j["name_vi"], nfc);
  EXPECT_EQ(core::parse_json(j.dump())["name_vi"], nfc);
}

TEST_F(UnitsTest, DuplicateCodeIsRefusedOnTheCodeField) {
  auto p = problem_of([&] { org_.units->create(unit("PA", hq_), kBy); });
  EXPECT_EQ(p.status(), 400);
  EXPECT_EQ(fields(p), std::vector<std::string>{"code"});
  EXPECT_FALSE(p.errors()[0].message_vi.empty());
  // Renaming another unit onto a taken code is refused too; keeping one's own code is fine.
  UnitInput rename;
  rename.code = "PB";
  EXPECT_EQ(fields(problem_of([&] { org_.units->update(a_, rename, kBy); })), std::vector<std::string>{"code"});
  rename.code = "PA";
  EXPECT_NO_THROW(org_.units->update(a_, rename, kBy));
  EXPECT_EQ(org_.units->list().size(), 4u);
}

TEST_F(UnitsTest, BadCodesAreRefused) {
  for (const char* code : {"", "pa-lower", "-DASH", "HAS SPACE", "ĐỘI", "A1234567890123456789012345678901234567890"})
    EXPECT_EQ(fields(problem_of([&] { org_.units->create(unit(code, hq_), kBy); })), std::vector<std::string>{"code"})
        << code;
}

TEST_F(UnitsTest, UnknownKindIsRefused) {
  EXPECT_EQ(fields(problem_of([&] { org_.units->create(unit("X1", hq_, "castle"), kBy); })),
            std::vector<std::string>{"kind"});
}

TEST_F(UnitsTest, BadTimeZoneIsRefused) {
  auto in = unit("X1", hq_);
  in.time_zone = "Mars/Base";
  EXPECT_EQ(fields(problem_of([&] { org_.units->create(in, kBy); })), std::vector<std::string>{"time_zone"});
  in.time_zone = "Asia/Bangkok";
  EXPECT_EQ(org_.units->create(in, kBy).time_zone, "Asia/Bangkok");
}

TEST_F(UnitsTest, EmptyNamesAreRefused) {
  auto in = unit("X1", hq_, "branch", "");
  in.name_en = "";
  EXPECT_EQ(fields(problem_of([&] { org_.units->create(in, kBy); })), (std::vector<std::string>{"name_vi", "name_en"}));
}

TEST_F(UnitsTest, MissingParentIsRefused) {
  EXPECT_EQ(fields(problem_of([&] { org_.units->create(unit("X1", 9999), kBy); })),
            std::vector<std::string>{"parent_id"});
  UnitInput move;
  move.parent_id = std::optional<int64_t>(9999);
  EXPECT_EQ(fields(problem_of([&] { org_.units->update(a1_, move, kBy); })), std::vector<std::string>{"parent_id"});
}

TEST_F(UnitsTest, AUnitCannotMoveUnderItselfOrItsDescendants) {
  UnitInput move;
  move.parent_id = std::optional<int64_t>(a1_);  // PA under its own branch
  auto p = problem_of([&] { org_.units->update(a_, move, kBy); });
  EXPECT_EQ(fields(p), std::vector<std::string>{"parent_id"});
  move.parent_id = std::optional<int64_t>(a_);  // under itself
  EXPECT_EQ(fields(problem_of([&] { org_.units->update(a_, move, kBy); })), std::vector<std::string>{"parent_id"});
  move.parent_id = std::optional<int64_t>(a_);  // HQ under its grandchild's parent
  EXPECT_EQ(fields(problem_of([&] { org_.units->update(hq_, move, kBy); })), std::vector<std::string>{"parent_id"});
  EXPECT_EQ(org_.units->get(a_)->parent_id, hq_);  // nothing changed
  // A legitimate move works and the tree follows it.
  move.parent_id = std::optional<int64_t>(b_);
  EXPECT_EQ(org_.units->update(a1_, move, kBy).parent_id, b_);
  EXPECT_TRUE(org_.units->tree()->contains(b_, a1_));
  EXPECT_FALSE(org_.units->tree()->contains(a_, a1_));
}

TEST_F(UnitsTest, ErrorsAreReportedTogether) {
  auto in = unit("PA", 9999, "castle");
  in.time_zone = "Nowhere/Land";
  auto p = problem_of([&] { org_.units->create(in, kBy); });
  EXPECT_EQ(fields(p), (std::vector<std::string>{"code", "kind", "time_zone", "parent_id"}));
  auto j = p.to_json();
  EXPECT_EQ(j["status"], 400);
  EXPECT_EQ(j["errors"].size(), 4u);
}

TEST_F(UnitsTest, DesignationsPointToExistingUnits) {
  UnitInput d;
  d.designations["leadership"] = 9999;
  EXPECT_EQ(fields(problem_of([&] { org_.units->update(a_, d, kBy); })),
            std::vector<std::string>{"designations.leadership"});
  d.designations.clear();
  d.designations["bogus_kind"] = a1_;
  EXPECT_EQ(fields(problem_of([&] { org_.units->update(a_, d, kBy); })),
            std::vector<std::string>{"designations.bogus_kind"});
  auto in = unit("X1", hq_);
  in.designations["duty_watch"] = 9999;
  EXPECT_EQ(fields(problem_of([&] { org_.units->create(in, kBy); })),
            std::vector<std::string>{"designations.duty_watch"});
  EXPECT_FALSE(org_.units->by_code("X1"));
  EXPECT_EQ(org_.count("unit_designations"), 0);
}

TEST_F(UnitsTest, DesignationsAreSetReplacedAndRemoved) {
  UnitInput d;
  d.designations["leadership"] = a1_;
  d.designations["duty_watch"] = a_;  // a unit may designate itself
  auto u = org_.units->update(a_, d, kBy);
  EXPECT_EQ(u.designations, (std::map<std::string, int64_t>{{"leadership", a1_}, {"duty_watch", a_}}));

  UnitInput change;
  change.designations["leadership"] = b_;
  change.designations["duty_watch"] = std::nullopt;
  u = org_.units->update(a_, change, kBy);
  EXPECT_EQ(u.designations, (std::map<std::string, int64_t>{{"leadership", b_}}));
  // Untouched designations stay when other fields change.
  UnitInput rename;
  rename.name_vi = "Cục Hải quan tỉnh A (mới)";
  EXPECT_EQ(org_.units->update(a_, rename, kBy).designations, (std::map<std::string, int64_t>{{"leadership", b_}}));

  auto j = to_json(*org_.units->get(a_));
  EXPECT_EQ(j["designations"]["leadership"], b_);
  EXPECT_TRUE(j["designations"]["duty_watch"].is_null());
  EXPECT_EQ(j["designations"].size(), designation_kinds().size());
}

TEST_F(UnitsTest, UpdateOfAMissingUnitIsNotFound) {
  EXPECT_EQ(problem_of([&] { org_.units->update(9999, UnitInput{}, kBy); }).status(), 404);
  EXPECT_EQ(problem_of([&] { org_.units->remove(9999, kBy); }).status(), 404);
}

TEST_F(UnitsTest, DeleteLeafWorks) {
  org_.units->remove(a1_, kBy);
  EXPECT_FALSE(org_.units->get(a1_));
  EXPECT_FALSE(org_.units->tree()->exists(a1_));
}

TEST_F(UnitsTest, DeleteWithSubunitsConflicts) {
  auto p = problem_of([&] { org_.units->remove(a_, kBy); });
  EXPECT_EQ(p.status(), 409);
  EXPECT_TRUE(org_.units->get(a_));
}

TEST_F(UnitsTest, DeleteOfADesignatedUnitConflicts) {
  UnitInput d;
  d.designations["supervision_section"] = a1_;
  org_.units->update(a_, d, kBy);
  auto p = problem_of([&] { org_.units->remove(a1_, kBy); });
  EXPECT_EQ(p.status(), 409);
  EXPECT_NE(p.to_json()["detail"].get<std::string>().find("supervision_section"), std::string::npos);
  EXPECT_TRUE(org_.units->get(a1_));
  // Once the designation is removed the unit may go.
  d.designations["supervision_section"] = std::nullopt;
  org_.units->update(a_, d, kBy);
  EXPECT_NO_THROW(org_.units->remove(a1_, kBy));
}

TEST_F(UnitsTest, DeleteOfAUnitDesignatingItselfWorks) {
  UnitInput d;
  d.designations["duty_watch"] = a1_;
  org_.units->update(a1_, d, kBy);
  EXPECT_NO_THROW(org_.units->remove(a1_, kBy));
  EXPECT_EQ(org_.count("unit_designations"), 0);
}

TEST_F(UnitsTest, DeleteWithPeopleConflicts) {
  // A person is written directly: hashing a password here would only cost time.
  org_.db->exec("INSERT INTO users(username, full_name, unit_id, password_hash, created_at) VALUES (?,?,?,?,0)",
                {std::string("nvan.a"), std::string("Nguyễn Văn A"), a1_, std::string("x")});
  EXPECT_EQ(problem_of([&] { org_.units->remove(a1_, kBy); }).status(), 409);
  // A role held at the unit by someone elsewhere blocks deletion too.
  org_.db->exec("UPDATE users SET unit_id = ?", {b_});
  org_.db->exec("INSERT INTO role_grants(user_id, role, unit_id) SELECT id, 'auditor', ? FROM users", {a1_});
  EXPECT_EQ(problem_of([&] { org_.units->remove(a1_, kBy); }).status(), 409);
  org_.db->exec("DELETE FROM role_grants");
  EXPECT_NO_THROW(org_.units->remove(a1_, kBy));
}

TEST_F(UnitsTest, FailedCreateWritesNothing) {
  auto before = org_.count("units");
  auto in = unit("X1", hq_);
  in.designations["leadership"] = 9999;
  EXPECT_THROW(org_.units->create(in, kBy), core::Problem);
  EXPECT_EQ(org_.count("units"), before);
  EXPECT_FALSE(org_.units->by_code("X1"));
}

// ---- the tree ------------------------------------------------------------------------------

TEST(UnitTree, ContainsExternalAndSubtree) {
  auto mk = [](int64_t id, std::optional<int64_t> parent, bool external = false) {
    Unit u;
    u.id = id;
    u.parent_id = parent;
    u.external = external;
    return u;
  };
  // 1 HQ ─┬─ 2 ─ 3
  //       └─ 4 (external) ─ 5 ─ 6
  // 7 (separate root)
  UnitTree t({mk(1, {}), mk(2, 1), mk(3, 2), mk(4, 1, true), mk(5, 4), mk(6, 5), mk(7, {})});
  EXPECT_TRUE(t.contains(1, 1));
  EXPECT_TRUE(t.contains(1, 3));
  EXPECT_TRUE(t.contains(2, 3));
  EXPECT_FALSE(t.contains(3, 2));
  EXPECT_FALSE(t.contains(2, 4));
  EXPECT_FALSE(t.contains(1, 7));
  EXPECT_FALSE(t.contains(1, 99));
  EXPECT_FALSE(t.is_external(1));
  EXPECT_FALSE(t.is_external(3));
  EXPECT_TRUE(t.is_external(4));
  EXPECT_TRUE(t.is_external(5));  // inherited from 4
  EXPECT_TRUE(t.is_external(6));  // two levels down
  EXPECT_FALSE(t.is_external(99));
  EXPECT_TRUE(t.exists(6));
  EXPECT_FALSE(t.exists(99));
  auto sub = t.subtree(4);
  std::sort(sub.begin(), sub.end());
  EXPECT_EQ(sub, (std::vector<int64_t>{4, 5, 6}));
  sub = t.subtree(1);
  std::sort(sub.begin(), sub.end());
  EXPECT_EQ(sub, (std::vector<int64_t>{1, 2, 3, 4, 5, 6}));
  EXPECT_EQ(t.subtree(3), std::vector<int64_t>{3});
  EXPECT_TRUE(t.subtree(99).empty());
}

TEST(UnitTree, AnAuditorReadsTheEntriesOfTheUnitsInTheirScope) {
  auto mk = [](int64_t id, std::optional<int64_t> parent) {
    Unit u;
    u.id = id;
    u.parent_id = parent;
    return u;
  };
  // 1 HQ ─┬─ 2 ─ 3        7 (a second top-level unit)
  //       └─ 4
  UnitTree t({mk(1, {}), mk(2, 1), mk(3, 2), mk(4, 1), mk(7, {})});
  auto reader = [](std::vector<auth::Grant> grants) { return auth::Principal{9, "kiemtra", 2, std::move(grants), {}}; };
  auto sorted = [](std::optional<std::vector<int64_t>> ids) {
    if (ids) std::sort(ids->begin(), ids->end());
    return ids;
  };
  using Ids = std::optional<std::vector<int64_t>>;
  // Every top-level unit in scope: every entry, those of no unit too (nullopt).
  EXPECT_EQ(audit_scope(reader({{auth::Role::auditor, 1}, {auth::Role::auditor, 7}}), t), Ids());
  EXPECT_EQ(audit_scope(reader({{auth::Role::admin, 1}, {auth::Role::auditor, 7}}), t), Ids());
  // One of two: the units of its subtree only.
  EXPECT_EQ(sorted(audit_scope(reader({{auth::Role::auditor, 1}}), t)), Ids(std::vector<int64_t>{1, 2, 3, 4}));
  EXPECT_EQ(sorted(audit_scope(reader({{auth::Role::auditor, 2}}), t)), Ids(std::vector<int64_t>{2, 3}));
  EXPECT_EQ(sorted(audit_scope(reader({{auth::Role::auditor, 3}, {auth::Role::admin, 4}}), t)),
            Ids(std::vector<int64_t>{3, 4}));
  // A role that does not read the log: no unit at all.
  EXPECT_EQ(audit_scope(reader({{auth::Role::duty_officer, 1}, {auth::Role::duty_officer, 7}}), t),
            Ids(std::vector<int64_t>{}));
}

TEST(UnitTree, SurvivesACycleInBadData) {
  Unit a, b;
  a.id = 1;
  a.parent_id = 2;
  b.id = 2;
  b.parent_id = 1;
  UnitTree t({a, b});
  EXPECT_TRUE(t.contains(2, 1));
  EXPECT_FALSE(t.contains(3, 1));  // terminates
  EXPECT_FALSE(t.is_external(1));
}

TEST_F(UnitsTest, TreeFollowsExternalFlagFromTheDatabase) {
  auto ext_in = unit("EXT", hq_, "external", "Các đơn vị ngoài ngành");
  ext_in.external = true;
  auto ext = org_.units->create(ext_in, kBy).id;
  auto guard = org_.units->create(unit("EXT-BDBP", ext, "external", "Bộ đội Biên phòng"), kBy).id;
  auto tree = org_.units->tree();
  EXPECT_TRUE(tree->is_external(guard));
  EXPECT_FALSE(tree->is_external(a1_));
  EXPECT_TRUE(tree->contains(hq_, guard));
  UnitInput in;
  in.external = false;
  org_.units->update(ext, in, kBy);
  EXPECT_FALSE(org_.units->tree()->is_external(guard));
}

// ---- the cached tree under concurrency -----------------------------------------------------

// Passes every call to the real database, and tells the test when a chosen thread first reaches
// the database, that is, the moment it is about to wait for the connection.
class SignallingDb final : public store::Db {
 public:
  explicit SignallingDb(store::Db& inner) : inner_(inner) {}
  void watch(std::thread::id id) {
    std::lock_guard lock(mu_);
    watched_ = id;
  }
  void wait_for_watched() {
    std::unique_lock lock(mu_);
    cv_.wait(lock, [&] { return reached_; });
  }
  std::vector<store::Row> query(std::string_view sql, const std::vector<store::Value>& params) override {
    signal();
    return inner_.query(sql, params);
  }
  int64_t exec(std::string_view sql, const std::vector<store::Value>& params) override {
    signal();
    return inner_.exec(sql, params);
  }
  int64_t last_insert_id() override { return inner_.last_insert_id(); }
  void exec_script(std::string_view sql) override { inner_.exec_script(sql); }
  bool in_transaction() const override { return inner_.in_transaction(); }
  using store::Db::transaction;
  void transaction(const std::function<void()>& body, store::Writers writers) override {
    signal();
    inner_.transaction(body, writers);
  }
  void read(const std::function<void()>& body) override {
    signal();
    inner_.read(body);
  }

 private:
  void signal() {
    std::lock_guard lock(mu_);
    if (std::this_thread::get_id() != watched_ || reached_) return;
    reached_ = true;
    cv_.notify_all();
  }
  store::Db& inner_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::thread::id watched_;
  bool reached_ = false;
};

TEST(UnitsConcurrency, ReaderRebuildingTheTreeDoesNotDeadlockAWriter) {
  // A request thread that needs the tree (every permission check does) while an administrator's
  // write holds the connection must wait for the write, and the write must be able to finish.
  struct World {
    Org org{"deadlock"};
    SignallingDb db{*org.db};
    Units units{db, org.clock, *org.audit, org.bus};
    std::thread reader;
  };
  auto* w = new World;
  int64_t hq = w->units.create(unit("HQ", std::nullopt, "headquarters", "Tổng cục"), kBy).id;
  w->units.invalidate();  // the next reader rebuilds the tree from the database

  auto finished = std::async(std::launch::async, [w, hq] {
    store::Work::run(w->db, [&](store::Work&) {  // the administrator's change holds the writer
      w->reader = std::thread([w] {
        w->db.watch(std::this_thread::get_id());
        w->units.tree();
      });
      w->db.wait_for_watched();  // the reader now waits for the connection this thread holds
      UnitInput rename;
      rename.name_vi = "Tổng cục Hải quan";
      w->units.update(hq, rename, kBy);  // drops the cached tree
    });
    w->reader.join();
  });
  if (finished.wait_for(std::chrono::seconds(10)) != std::future_status::ready) {
    // Both threads are stuck for good; leave them (and what they use) alone and report.
    w->reader.detach();
    std::thread([f = std::move(finished)]() mutable { f.wait(); }).detach();
    FAIL() << "deadlock between the cached unit tree and the database connection";
  }
  finished.get();
  EXPECT_EQ(w->units.get(hq)->name_vi, "Tổng cục Hải quan");
  EXPECT_TRUE(w->units.tree()->exists(hq));
  delete w;
}

// ---- people --------------------------------------------------------------------------------

class UsersTest : public UnitsTest {
 protected:
  UserInput person(const std::string& username, int64_t unit_id, std::vector<auth::Grant> roles = {}) {
    UserInput in;
    in.username = username;
    in.full_name = "Nguyễn Thị Hồng";
    in.title = "Công chức";
    in.unit_id = unit_id;
    in.password = "Kiem-Soat-2026!";
    in.roles = std::move(roles);
    return in;
  }
};

TEST_F(UsersTest, CreateStoresThePersonAndAVerifiablePassword) {
  auto u = org_.users->create(
      person("nguyen.t.hong", a1_, {{auth::Role::duty_officer, a1_}, {auth::Role::auditor, a_}}), kBy);
  EXPECT_GT(u.id, 0);
  EXPECT_EQ(u.username, "nguyen.t.hong");
  EXPECT_EQ(u.full_name, "Nguyễn Thị Hồng");
  EXPECT_EQ(u.unit_id, a1_);
  EXPECT_TRUE(u.active);
  EXPECT_FALSE(u.must_change_password);
  EXPECT_EQ(u.created_at, org_.clock.now_ms());
  EXPECT_FALSE(u.last_login_at);
  ASSERT_EQ(u.roles.size(), 2u);
  auto hash = org_.users->password_hash(u.id);
  ASSERT_TRUE(hash);
  EXPECT_EQ(hash->rfind("$argon2id$", 0), 0u);
  EXPECT_TRUE(auth::verify_password(*hash, "Kiem-Soat-2026!"));
  EXPECT_EQ(org_.users->by_username("nguyen.t.hong")->id, u.id);
  EXPECT_FALSE(org_.users->by_username("NGUYEN.T.HONG"));

  auto p = org_.users->principal(u);
  EXPECT_EQ(p.user_id, u.id);
  EXPECT_EQ(p.unit_id, a1_);
  EXPECT_TRUE(p.has_role(auth::Role::duty_officer));
  EXPECT_TRUE(p.has_role(auth::Role::auditor));

  // The JSON never carries the hash.
  org_.clock.advance(std::chrono::minutes(5));
  org_.users->signed_in(u, kBy);  // records the time of the login
  auto j = to_json(*org_.users->get(u.id));
  EXPECT_EQ(j.dump().find("argon2"), std::string::npos);
  EXPECT_EQ(j.dump().find(*hash), std::string::npos);
  EXPECT_FALSE(j.contains("password"));
  EXPECT_FALSE(j.contains("password_hash"));
  EXPECT_EQ(j["username"], "nguyen.t.hong");
  EXPECT_EQ(j["created_at"], "2026-01-01T00:00:00.000Z");
  EXPECT_EQ(j["last_login_at"], "2026-01-01T00:05:00.000Z");
  EXPECT_EQ(j["roles"].size(), 2u);

  // Update: roles are replaced as a whole, other fields kept.
  UserInput change;
  change.roles = std::vector<auth::Grant>{{auth::Role::shift_leader, b_}};
  change.title = "Lãnh đạo ca";
  auto updated = org_.users->update(u.id, change, kBy);
  ASSERT_EQ(updated.roles.size(), 1u);
  EXPECT_EQ(updated.roles[0].role, auth::Role::shift_leader);
  EXPECT_EQ(updated.roles[0].unit_id, b_);
  EXPECT_EQ(updated.title, "Lãnh đạo ca");
  EXPECT_EQ(updated.full_name, "Nguyễn Thị Hồng");
  EXPECT_EQ(*org_.users->password_hash(u.id), *hash);  // untouched
  change = UserInput{};
  change.roles = std::vector<auth::Grant>{};
  EXPECT_TRUE(org_.users->update(u.id, change, kBy).roles.empty());
  EXPECT_EQ(org_.count("role_grants"), 0);

  // Validation on update, without hashing anything.
  UserInput bad;
  bad.unit_id = 9999;
  bad.roles = std::vector<auth::Grant>{{auth::Role::admin, 9999}};
  EXPECT_EQ(fields(problem_of([&] { org_.users->update(u.id, bad, kBy); })),
            (std::vector<std::string>{"unit_id", "roles[0].unit_id"}));
  UserInput weak;
  weak.password = "nguyen.t.hong-A1";
  EXPECT_EQ(fields(problem_of([&] { org_.users->update(u.id, weak, kBy); })), std::vector<std::string>{"password"});
  EXPECT_EQ(problem_of([&] { org_.users->update(9999, change, kBy); }).status(), 404);

  // The person now blocks deletion of the unit.
  EXPECT_EQ(problem_of([&] { org_.units->remove(a1_, kBy); }).status(), 409);
}

TEST_F(UsersTest, APasswordTheInstallationSetsIsAuditedAndEndsTheSessions) {
  auto u = org_.users->create(person("nguyen.t.hong", a1_), kBy);
  auto session = org_.sessions->create(u.id, "10.0.0.1");
  org_.users->set_password(u.id, "Mat-Khau-Moi-2026!", false, audit::Actor::system("demo"));
  EXPECT_TRUE(auth::verify_password(*org_.users->password_hash(u.id), "Mat-Khau-Moi-2026!"));
  EXPECT_FALSE(org_.users->get(u.id)->must_change_password);  // the demo's: usable at once
  EXPECT_FALSE(org_.sessions->find(session.token));
  auto e = org_.audit->list({}).front();
  EXPECT_EQ(e.event.action, "user.update");
  EXPECT_EQ(e.event.object_id, std::to_string(u.id));
  EXPECT_EQ(e.event.actor, "system:demo");
  EXPECT_EQ(e.details_text.find("Mat-Khau"), std::string::npos);
  org_.users->set_password(u.id, "Mot-Lan-Nua-2026!", true, audit::Actor::system("cli"));
  EXPECT_TRUE(org_.users->get(u.id)->must_change_password);
  EXPECT_EQ(problem_of([&] { org_.users->set_password(9999, "Mot-Lan-Nua-2026!", true, kBy); }).status(), 404);
}

TEST_F(UsersTest, UsernamePatternIsEnforced) {
  for (const char* name : {"ab", "Nguyen", "nguyễn", "-leading", ".dot", "has space", "a@b.vn", ""}) {
    auto p = problem_of([&] { org_.users->create(person(name, a1_), kBy); });
    EXPECT_EQ(fields(p), std::vector<std::string>{"username"}) << name;
  }
  EXPECT_EQ(fields(problem_of([&] { org_.users->create(person(std::string(65, 'a'), a1_), kBy); })),
            std::vector<std::string>{"username"});
  EXPECT_EQ(org_.count("users"), 0);
}

TEST_F(UsersTest, DuplicateUsernameIsRefused) {
  org_.db->exec("INSERT INTO users(username, full_name, unit_id, password_hash, created_at) VALUES (?,?,?,?,0)",
                {std::string("taken.name"), std::string("Trần Văn B"), a_, std::string("x")});
  auto p = problem_of([&] { org_.users->create(person("taken.name", a1_), kBy); });
  EXPECT_EQ(fields(p), std::vector<std::string>{"username"});
  EXPECT_EQ(p.errors()[0].message_en, "This username is already taken");
  EXPECT_EQ(org_.count("users"), 1);
}

TEST_F(UsersTest, PasswordPolicyAppliesOnCreate) {
  auto in = person("le.van.c", a1_);
  in.password = "short1A";
  EXPECT_EQ(fields(problem_of([&] { org_.users->create(in, kBy); })), std::vector<std::string>{"password"});
  in.password = "xx-le.van.c-2026-XX";  // contains the username
  auto p = problem_of([&] { org_.users->create(in, kBy); });
  EXPECT_EQ(fields(p), std::vector<std::string>{"password"});
  EXPECT_NE(p.errors()[0].message_en.find("username"), std::string::npos);
  EXPECT_EQ(org_.count("users"), 0);
}

TEST_F(UsersTest, RequiredFieldsAndReferencesAreChecked) {
  auto p = problem_of([&] { org_.users->create(UserInput{}, kBy); });
  EXPECT_EQ(fields(p), (std::vector<std::string>{"username", "full_name", "unit_id", "password"}));

  auto in = person("pham.d", 9999, {{auth::Role::admin, a_}, {auth::Role::auditor, 8888}});
  in.full_name = "";
  p = problem_of([&] { org_.users->create(in, kBy); });
  EXPECT_EQ(fields(p), (std::vector<std::string>{"full_name", "unit_id", "roles[1].unit_id"}));

  in = person("pham.d", a1_, {{auth::Role::admin, 8888}});
  EXPECT_EQ(fields(problem_of([&] { org_.users->create(in, kBy); })), std::vector<std::string>{"roles[0].unit_id"});
  EXPECT_EQ(org_.count("users"), 0);
  EXPECT_EQ(org_.count("role_grants"), 0);
}

TEST_F(UsersTest, ListFiltersBySubtreeScopeAndText) {
  auto add = [&](const std::string& name, const std::string& full, int64_t unit) {
    org_.db->exec("INSERT INTO users(username, full_name, unit_id, password_hash, created_at) VALUES (?,?,?,?,0)",
                  {name, full, unit, std::string("x")});
  };
  add("hq.one", "Lê Văn Một", hq_);
  add("pa.two", "Trần Thị Hai", a_);
  add("pa1.three", "Phạm Văn Ba", a1_);
  add("pb.four", "Đỗ Thị Bốn", b_);
  auto names = [](const std::vector<User>& us) {
    std::vector<std::string> out;
    for (const auto& u : us) out.push_back(u.username);
    return out;
  };
  EXPECT_EQ(names(org_.users->list({})), (std::vector<std::string>{"hq.one", "pa.two", "pa1.three", "pb.four"}));
  UserQuery q;
  q.unit = a_;
  EXPECT_EQ(names(org_.users->list(q)), (std::vector<std::string>{"pa.two", "pa1.three"}));
  q = {};
  q.unit_ids = std::vector<int64_t>{a1_, b_};
  EXPECT_EQ(names(org_.users->list(q)), (std::vector<std::string>{"pa1.three", "pb.four"}));
  q.unit_ids = std::vector<int64_t>{};
  EXPECT_TRUE(org_.users->list(q).empty());
  q = {};
  q.text = "Thị";
  EXPECT_EQ(names(org_.users->list(q)), (std::vector<std::string>{"pa.two", "pb.four"}));
  q.text = "pa";
  q.unit = a1_;
  EXPECT_EQ(names(org_.users->list(q)), (std::vector<std::string>{"pa1.three"}));
}

// ---- presets: import and export ------------------------------------------------------------

class PresetTest : public ::testing::Test {
 protected:
  Org org_{"preset"};
};

TEST_F(PresetTest, Imports2017Organisation) {
  auto doc = read_preset("org-2017.json");
  auto res = import_org(*org_.units, doc, "test", kBy);
  EXPECT_EQ(res.created, static_cast<int>(doc["units"].size()));
  EXPECT_EQ(res.updated, 0);
  auto& units = *org_.units;

  auto all = units.list();
  auto named = [&](const std::string& name_vi) {
    std::vector<Unit> out;
    for (const auto& u : all)
      if (u.name_vi == name_vi) out.push_back(u);
    return out;
  };
  auto dtcbl = named("Cục Điều tra chống buôn lậu");
  ASSERT_EQ(dtcbl.size(), 1u);

  std::vector<Unit> roots;
  for (const auto& u : all)
    if (!u.parent_id) roots.push_back(u);
  ASSERT_EQ(roots.size(), 1u);
  const auto& root = roots[0];
  EXPECT_EQ(root.name_vi, "Tổng cục Hải quan");
  // Where each agency sits, for the place line of its documents; its parts take it from above.
  EXPECT_EQ(root.place, "Hà Nội");
  EXPECT_EQ(units.by_code("HP")->place, "Hải Phòng");
  EXPECT_EQ(units.by_code("HP")->name_vi, "Cục Hải quan thành phố Hải Phòng");  // the full official name
  EXPECT_EQ(units.by_code("HP-CKKV1")->place, "");
  ASSERT_TRUE(root.designations.count("leadership_focal_point"));
  EXPECT_EQ(units.get(root.designations.at("leadership_focal_point"))->name_vi, "Phòng Tổng hợp");
  ASSERT_TRUE(root.designations.count("lead_supervision_unit"));
  EXPECT_EQ(root.designations.at("lead_supervision_unit"), dtcbl[0].id);

  // Quảng Trị has no camera room; its supervision section is the control team.
  auto qt = named("Cục Hải quan tỉnh Quảng Trị");
  ASSERT_EQ(qt.size(), 1u);
  EXPECT_FALSE(qt[0].has_camera_room);
  ASSERT_TRUE(qt[0].designations.count("supervision_section"));
  auto section = units.get(qt[0].designations.at("supervision_section"));
  EXPECT_EQ(section->parent_id, qt[0].id);
  EXPECT_EQ(named("Cục Hải quan tỉnh Lạng Sơn").at(0).has_camera_room, true);

  // The border guard is outside customs, and so is anyone placed beneath it.
  auto guard = named("Bộ Tư lệnh Bộ đội Biên phòng");
  ASSERT_EQ(guard.size(), 1u);
  EXPECT_TRUE(units.tree()->is_external(guard[0].id));
  EXPECT_FALSE(units.tree()->is_external(dtcbl[0].id));
  EXPECT_FALSE(units.tree()->is_external(qt[0].id));

  // Every designation target exists and every kind is a known one.
  for (const auto& u : all)
    for (const auto& [kind, target] : u.designations) {
      EXPECT_TRUE(is_term(designation_kinds(), kind)) << u.code << " " << kind;
      EXPECT_TRUE(units.tree()->exists(target)) << u.code << " " << kind;
    }
}

TEST_F(PresetTest, ImportIsIdempotent) {
  auto doc = read_preset("org-2017.json");
  import_org(*org_.units, doc, "test", kBy);
  auto before = org_.units->list();
  auto designations = org_.count("unit_designations");
  auto res = import_org(*org_.units, doc, "test", kBy);
  EXPECT_EQ(res.created, 0);
  EXPECT_EQ(res.updated, static_cast<int>(doc["units"].size()));
  auto after = org_.units->list();
  ASSERT_EQ(after.size(), before.size());
  for (size_t i = 0; i < after.size(); ++i) EXPECT_EQ(to_json(after[i]), to_json(before[i]));
  EXPECT_EQ(org_.count("unit_designations"), designations);
}

TEST_F(PresetTest, ImportUpdatesExistingUnitsByCode) {
  auto doc = read_preset("org-2017.json");
  import_org(*org_.units, doc, "test", kBy);
  UnitInput rename;
  rename.name_vi = "Tên cũ";
  org_.units->update(org_.id("QT"), rename, kBy);
  import_org(*org_.units, doc, "test", kBy);
  EXPECT_EQ(org_.units->by_code("QT")->name_vi, "Cục Hải quan tỉnh Quảng Trị");
}

// A unit's content as it travels between installations: ids replaced by codes.
std::map<std::string, json> by_code(Units& units) {
  std::map<int64_t, std::string> code;
  auto all = units.list();
  for (const auto& u : all) code[u.id] = u.code;
  std::map<std::string, json> out;
  for (const auto& u : all) {
    auto j = to_json(u);
    j.erase("id");
    j["parent_id"] = u.parent_id ? json(code[*u.parent_id]) : json();
    for (auto& [kind, target] : j["designations"].items())
      if (!target.is_null()) target = code[target.get<int64_t>()];
    out[u.code] = j;
  }
  return out;
}

TEST_F(PresetTest, ExportThenImportReproducesTheOrganisation) {
  auto doc = read_preset("org-2017.json");
  import_org(*org_.units, doc, "test", kBy);
  // Make the source differ from the preset a little, so that the export is what is compared.
  auto in = unit("QT-LB-DKS", org_.id("QT-LB"), "team", "Đội Kiểm soát Lao Bảo");
  in.time_zone = "Asia/Bangkok";
  in.place = "Quảng Trị";
  in.must_run_24x7 = true;
  in.designations["duty_watch"] = org_.id("QT-VP");
  org_.units->create(in, kBy);

  auto exported = export_org(*org_.units);
  EXPECT_EQ(exported["units"].size(), doc["units"].size() + 1);
  // Parents come before their children, so the file imports in one pass.
  std::set<std::string> seen;
  for (const auto& u : exported["units"]) {
    if (!u["parent"].is_null()) {
      EXPECT_TRUE(seen.count(u["parent"].get<std::string>())) << u["code"];
    }
    seen.insert(u["code"].get<std::string>());
  }

  Org fresh("fresh");
  // Through text, as `org export` > file > `org import` would.
  auto res = import_org(*fresh.units, core::parse_json(exported.dump(2)), "test", kBy);
  EXPECT_EQ(res.created, static_cast<int>(exported["units"].size()));
  auto a = by_code(*org_.units), b = by_code(*fresh.units);
  EXPECT_EQ(a.size(), b.size());
  for (const auto& [code, j] : a) EXPECT_EQ(b[code], j) << code;
  EXPECT_EQ(fresh.count("unit_designations"), org_.count("unit_designations"));
}

TEST_F(PresetTest, Imports2025Organisation) {
  auto doc = read_preset("org-2025.json");
  auto res = import_org(*org_.units, doc, "test", kBy);
  EXPECT_EQ(res.created, static_cast<int>(doc["units"].size()));
  auto root = org_.units->by_code("CHQ");
  ASSERT_TRUE(root);
  EXPECT_FALSE(root->parent_id);
  EXPECT_EQ(root->name_vi, "Cục Hải quan");
  EXPECT_EQ(org_.units->get(root->designations.at("leadership_focal_point"))->name_vi, "Phòng Tổng hợp");
  EXPECT_EQ(org_.units->get(root->designations.at("lead_supervision_unit"))->name_vi, "Ban Điều tra chống buôn lậu");
  EXPECT_EQ(org_.units->by_code("KV7-HN")->kind, "border_gate_office");
  EXPECT_EQ(org_.units->by_code("KV3")->place, "Hải Phòng");
  EXPECT_TRUE(org_.units->tree()->is_external(org_.id("CHQ-EXT-BDBP")));
  // Trà Lĩnh's cameras do not reach the regional camera room: the region's control team is its focal unit.
  auto tl = org_.units->by_code("KV7-TL");
  ASSERT_TRUE(tl);
  EXPECT_EQ(tl->kind, "border_gate_office");
  EXPECT_FALSE(tl->has_camera_room);
  EXPECT_EQ(org_.units->get(tl->designations.at("supervision_section"))->name_vi, "Đội Kiểm soát hải quan");
}

// ---- both presets: the words for headquarters, and Art. 16.2.2 -----------------------------------

// What one preset says, and the codes that play each part in it.
struct PresetParts {
  std::string file;
  std::string hq_vi, short_vi, leadership_vi, leadership_en, focal_point_vi, province_kind, province_vi;
  // Art. 16.2.2(b): the unit without a camera room that designates a focal unit, the focal unit, a site
  // under the first, and a site watched by a camera room elsewhere.
  std::string without_room, focal, watched_site, other_site;
};

const PresetParts kParts2017{"org-2017.json", "Tổng cục Hải quan", "Tổng cục", "Lãnh đạo Tổng cục",
                             "General Department leadership", "Phòng Tổng hợp, Văn phòng Tổng cục",
                             "provincial_department", "Cục Hải quan tỉnh, thành phố", "QT", "QT-DKS", "QT-LB", "LS-HN"};
const PresetParts kParts2025{"org-2025.json", "Cục Hải quan", "Cục", "Lãnh đạo Cục", "Customs Department leadership",
                             "Phòng Tổng hợp, Văn phòng Cục Hải quan", "regional_branch", "Chi cục Hải quan khu vực",
                             "KV7-TL", "KV7-DKS", "KV7-TL", "KV7-HN"};

void PrintTo(const PresetParts& p, std::ostream* os) { *os << p.file; }

class BothPresets : public ::testing::TestWithParam<PresetParts> {
 protected:
  void SetUp() override { import_org(*org_.units, read_preset(GetParam().file), "test", kBy); }
  Org org_{"both"};
};

const NamedTerm& term(const std::vector<NamedTerm>& terms, const std::string& id) {
  auto it = std::find_if(terms.begin(), terms.end(), [&](const NamedTerm& t) { return t.id == id; });
  EXPECT_NE(it, terms.end()) << id;
  return *it;
}

TEST_P(BothPresets, HeadquartersIsCalledWhatTheInstalledOrganisationCallsIt) {
  const auto& p = GetParam();
  auto w = hq_words(org_.units->list());
  EXPECT_EQ(w.name_vi, p.hq_vi);
  EXPECT_EQ(w.short_vi, p.short_vi);
  EXPECT_EQ(w.leadership_vi, p.leadership_vi);
  EXPECT_EQ(w.leadership_en, p.leadership_en);
  EXPECT_EQ(w.focal_point_vi, p.focal_point_vi);
  EXPECT_EQ(w.province_kind, p.province_kind);
  EXPECT_EQ(w.province_vi, p.province_vi);
  // The provincial level is a kind the preset really uses.
  auto all = org_.units->list();
  EXPECT_TRUE(std::any_of(all.begin(), all.end(), [&](const Unit& u) { return u.kind == p.province_kind; }));
  // The role and the designation that name the leadership say it the same way.
  auto roles = with_hq_words(role_terms(), w);
  EXPECT_EQ(term(roles, "hq_leader").name_vi, p.leadership_vi);
  EXPECT_EQ(term(roles, "shift_leader").name_vi, "Lãnh đạo ca trực");
  EXPECT_EQ(roles.size(), role_terms().size());
  EXPECT_EQ(term(with_hq_words(designation_kinds(), w), "leadership_focal_point").name_vi,
            "Đầu mối báo cáo " + p.leadership_vi);
}

TEST_P(BothPresets, Art16_2_2b_AUnitWithoutACameraRoomIsWatchedThroughItsFocalUnit) {
  const auto& p = GetParam();
  auto unit = org_.units->by_code(p.without_room);
  ASSERT_TRUE(unit);
  EXPECT_FALSE(unit->has_camera_room);
  ASSERT_TRUE(unit->designations.count("supervision_section"));
  EXPECT_EQ(unit->designations.at("supervision_section"), org_.id(p.focal));

  using auth::Action;
  auto at = [&](const std::string& code) { return auth::Target{org_.id(code)}; };
  // An officer of the focal unit, with the role granted there and nowhere else.
  auth::Principal officer{1, "focal", org_.id(p.focal), {{auth::Role::supervision_officer, org_.id(p.focal)}}, {}};
  auto tree = org_.units->tree();
  for (auto a : {Action::camera_read, Action::video_live, Action::video_playback}) {
    EXPECT_TRUE(auth::allowed(officer, a, at(p.watched_site), *tree)) << "the cameras the focal unit supervises";
    EXPECT_FALSE(auth::allowed(officer, a, at(p.other_site), *tree)) << "a camera room watches those";
  }
  auto roots = auth::scope_roots(officer, Action::camera_read, *tree);
  ASSERT_TRUE(roots);
  EXPECT_NE(std::find(roots->begin(), roots->end(), unit->id), roots->end());
  // A camera going dark there flashes on their wall; that unit's own duty log stays its own.
  auto alert = at(p.watched_site);
  alert.from_camera = true;
  EXPECT_TRUE(auth::allowed(officer, Action::duty_read, alert, *tree));
  EXPECT_FALSE(auth::allowed(officer, Action::duty_read, at(p.watched_site), *tree));
  // Watching is neither administering the cameras nor holding evidence.
  EXPECT_FALSE(auth::allowed(officer, Action::camera_write, at(p.watched_site), *tree));
  EXPECT_FALSE(auth::allowed(officer, Action::hold_write, at(p.watched_site), *tree));
  auth::Principal admin{2, "focal.admin", org_.id(p.focal), {{auth::Role::camera_admin, org_.id(p.focal)}}, {}};
  EXPECT_FALSE(auth::allowed(admin, Action::video_live, at(p.watched_site), *tree));

  // It is the designation that does it: without it the focal unit sees only its own.
  UnitInput undo;
  undo.designations["supervision_section"] = std::nullopt;
  org_.units->update(unit->id, undo, kBy);
  EXPECT_FALSE(auth::allowed(officer, Action::video_live, at(p.watched_site), *org_.units->tree()));
}

INSTANTIATE_TEST_SUITE_P(Org, BothPresets, ::testing::Values(kParts2017, kParts2025),
                         [](const auto& info) { return info.param.file == "org-2017.json" ? std::string("Org2017") : std::string("Org2025"); });

TEST(HqWords, AnEmptyInstallationSpeaksTheRegulationsWords) {
  auto w = hq_words({});
  EXPECT_EQ(w.leadership_vi, "Lãnh đạo Tổng cục");
  EXPECT_EQ(w.province_vi, "Cục Hải quan tỉnh, thành phố");
  EXPECT_TRUE(w.focal_point_vi.empty());
  // The vocabulary's own names are the regulation's words.
  for (const auto& t : with_hq_words(role_terms(), w)) {
    auto it = std::find_if(role_terms().begin(), role_terms().end(), [&](const Term& r) { return r.id == t.id; });
    EXPECT_EQ(t.name_vi, it->name_vi) << t.id;
    EXPECT_EQ(t.name_en, it->name_en) << t.id;
  }
  for (const auto& t : with_hq_words(designation_kinds(), w)) {
    auto it = std::find_if(designation_kinds().begin(), designation_kinds().end(), [&](const Term& r) { return r.id == t.id; });
    EXPECT_EQ(t.name_vi, it->name_vi) << t.id;
    EXPECT_EQ(t.name_en, it->name_en) << t.id;
  }
}

json small_doc() {
  return json::parse(R"({"preset":"test","units":[
    {"code":"R","parent":null,"kind":"headquarters","name_vi":"Gốc","name_en":"Root",
     "designations":{"duty_watch":"C"}},
    {"code":"C","parent":"R","kind":"office","name_vi":"Văn phòng","name_en":"Office"}
  ]})");
}

TEST_F(PresetTest, DesignationsMayPointForward) {
  auto res = import_org(*org_.units, small_doc(), "test", kBy);
  EXPECT_EQ(res.created, 2);
  EXPECT_EQ(org_.units->by_code("R")->designations.at("duty_watch"), org_.id("C"));
}

TEST_F(PresetTest, BadParentReferenceFailsAndWritesNothing) {
  auto doc = small_doc();
  doc["units"][1]["parent"] = "NOPE";
  auto p = problem_of([&] { import_org(*org_.units, doc, "test", kBy); });
  EXPECT_EQ(p.status(), 400);
  EXPECT_EQ(fields(p), std::vector<std::string>{"units[1].parent"});
  EXPECT_EQ(org_.count("units"), 0);  // units[0] was created, then rolled back
  EXPECT_TRUE(org_.units->list().empty());
  EXPECT_FALSE(org_.units->tree()->exists(1));
}

TEST_F(PresetTest, AnImportIsOneAuditEntryByWhoeverRanIt) {
  import_org(*org_.units, small_doc(), "org-small.json", audit::Actor::system("cli"));
  auto entries = org_.audit->list({});
  ASSERT_EQ(entries.size(), 1u);  // not one per unit
  const auto& e = entries.front().event;
  EXPECT_EQ(e.action, "org.import");
  EXPECT_EQ(e.object_type, "organisation");
  EXPECT_EQ(e.object_id, "org-small.json");
  EXPECT_EQ(e.actor, "system:cli");
  EXPECT_EQ(nlohmann::json::parse(entries.front().details_text),
            (json{{"preset", "test"}, {"created", 2}, {"updated", 0}}));
  import_org(*org_.units, small_doc(), "org-small.json", audit::Actor(7));
  entries = org_.audit->list({});
  ASSERT_EQ(entries.size(), 2u);
  EXPECT_EQ(entries.front().event.actor_id, 7);
  EXPECT_EQ(nlohmann::json::parse(entries.front().details_text)["updated"], 2);
  // A refused file changes nothing and is not in the log.
  auto doc = small_doc();
  doc["units"][1]["parent"] = "NOPE";
  EXPECT_THROW(import_org(*org_.units, doc, "bad.json", kBy), core::Problem);
  EXPECT_EQ(org_.audit->list({}).size(), 2u);
}

TEST_F(PresetTest, ParentMustComeEarlierInTheFile) {
  auto doc = small_doc();
  std::swap(doc["units"][0], doc["units"][1]);
  EXPECT_EQ(fields(problem_of([&] { import_org(*org_.units, doc, "test", kBy); })),
            std::vector<std::string>{"units[0].parent"});
  EXPECT_EQ(org_.count("units"), 0);
}

TEST_F(PresetTest, CycleThroughReimportNamesTheFileField) {
  import_org(*org_.units, small_doc(), "test", kBy);
  auto doc = small_doc();
  doc["units"][0]["parent"] = "C";  // the root under its own office
  auto p = problem_of([&] { import_org(*org_.units, doc, "test", kBy); });
  // The file calls it "parent", so the error does too.
  EXPECT_EQ(fields(p), std::vector<std::string>{"units[0].parent"});
  EXPECT_FALSE(org_.units->by_code("R")->parent_id);
}

TEST_F(PresetTest, BadDesignationReferenceFailsAndWritesNothing) {
  auto doc = small_doc();
  doc["units"][0]["designations"]["duty_watch"] = "NOPE";
  EXPECT_EQ(fields(problem_of([&] { import_org(*org_.units, doc, "test", kBy); })),
            std::vector<std::string>{"units[0].designations.duty_watch"});
  EXPECT_EQ(org_.count("units"), 0);

  doc = small_doc();
  doc["units"][0]["designations"] = {{"castle_keeper", "C"}};
  EXPECT_EQ(fields(problem_of([&] { import_org(*org_.units, doc, "test", kBy); })),
            std::vector<std::string>{"units[0].designations.castle_keeper"});
  EXPECT_EQ(org_.count("units"), 0);
}

TEST_F(PresetTest, UnitErrorsNameTheirPlaceInTheFile) {
  auto doc = small_doc();
  doc["units"][1]["kind"] = "castle";
  doc["units"][1]["time_zone"] = "Mars/Base";
  EXPECT_EQ(fields(problem_of([&] { import_org(*org_.units, doc, "test", kBy); })),
            (std::vector<std::string>{"units[1].kind", "units[1].time_zone"}));

  doc = small_doc();
  doc["units"][1]["colour"] = "red";
  doc["units"][1].erase("name_vi");
  doc["units"][1]["external"] = "yes";
  EXPECT_EQ(fields(problem_of([&] { import_org(*org_.units, doc, "test", kBy); })),
            (std::vector<std::string>{"units[1].colour", "units[1].name_vi", "units[1].external"}));

  doc = small_doc();
  doc["units"].push_back(doc["units"][1]);  // the same code twice: the second one updates the first
  EXPECT_EQ(import_org(*org_.units, doc, "test", kBy).updated, 1);
  EXPECT_EQ(org_.count("units"), 2);
}

TEST_F(PresetTest, DocumentShapeIsChecked) {
  EXPECT_EQ(fields(problem_of([&] { import_org(*org_.units, json::object(), "test", kBy); })),
            std::vector<std::string>{"units"});
  EXPECT_EQ(fields(problem_of([&] { import_org(*org_.units, json{{"units", "all"}}, "test", kBy); })),
            std::vector<std::string>{"units"});
  auto extra = json{{"units", json::array()}, {"x", 1}};
  EXPECT_EQ(fields(problem_of([&] { import_org(*org_.units, extra, "test", kBy); })),
            std::vector<std::string>{"x"});
  auto p = problem_of([&] { import_org(*org_.units, json{{"units", json::array({1})}}, "test", kBy); });
  ASSERT_FALSE(p.errors().empty());
  EXPECT_EQ(p.errors()[0].field, "units[0]");
  EXPECT_EQ(p.errors()[0].message_en, "Must be a JSON object");
  EXPECT_EQ(org_.count("units"), 0);
}

// ---- vocabulary ----------------------------------------------------------------------------

TEST(Vocabulary, RoleTermsMatchThePolicyRoles) {
  ASSERT_EQ(role_terms().size(), auth::all_roles().size());
  for (auto r : auth::all_roles()) EXPECT_TRUE(is_term(role_terms(), auth::role_name(r))) << auth::role_name(r);
  for (const auto& list : {unit_kinds(), designation_kinds(), role_terms()})
    for (const auto& t : list) {
      EXPECT_FALSE(t.name_vi.empty()) << t.id;
      EXPECT_FALSE(t.name_en.empty()) << t.id;
    }
  EXPECT_FALSE(is_term(unit_kinds(), "castle"));
  EXPECT_TRUE(is_term(unit_kinds(), "branch"));
}

}  // namespace
}  // namespace watchfloor::org
