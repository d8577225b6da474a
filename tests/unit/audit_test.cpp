// audit: the append-only, hash-chained log (nhật ký hệ thống).
#include <gtest/gtest.h>

#include <filesystem>
#include <functional>
#include <stdexcept>

#include "audit/audit_log.h"
#include "audit/checkpoints.h"
#include "audit/refusals.h"
#include "core/hash.h"
#include "core/random.h"
#include "test_store.h"

namespace watchfloor::audit {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

class AuditTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::path(::testing::TempDir()) / ("wf-audit-" + core::random_token(6));
    db_ = test::open_store(dir_ / "watchfloor.db");
    log_ = std::make_unique<AuditLog>(*db_, clock_);
  }
  void TearDown() override {
    log_.reset();
    db_.reset();
    fs::remove_all(dir_);
  }

  static Event event(std::string action, std::string object_id, std::optional<int64_t> unit = std::nullopt,
                     std::optional<std::string> actor = "admin") {
    Event e;
    e.actor_id = actor ? std::optional<int64_t>(1) : std::nullopt;
    e.actor = std::move(actor);
    e.unit_id = unit;
    e.action = std::move(action);
    e.object_type = e.action.substr(0, e.action.find('.'));
    e.object_id = std::move(object_id);
    e.details = {{"name_vi", "Đội Kiểm soát"}};
    e.request_id = "req-" + e.object_id;
    e.ip = "10.0.0.1";
    return e;
  }

  // Five entries one minute apart.
  void fill() {
    log_->append(event("unit.create", "1", 10));
    clock_.advance(1min);
    log_->append(event("unit.update", "1", 10));
    clock_.advance(1min);
    log_->append(event("user.create", "7", 20, "hq.admin"));
    clock_.advance(1min);
    log_->append(event("user.password_reset", "7", 20, "hq.admin"));
    clock_.advance(1min);
    log_->append(event("auth.login_failed", "x", std::nullopt, std::nullopt));
  }

  void drop_triggers() { test::drop_append_only_guards(*db_, "audit_log"); }

  static Filter where(const std::function<void(Filter&)>& set) {
    Filter f;
    set(f);
    return f;
  }

  static std::vector<int64_t> seqs(const std::vector<Entry>& entries) {
    std::vector<int64_t> out;
    for (const auto& e : entries) out.push_back(e.seq);
    return out;
  }

  fs::path dir_;
  core::FakeClock clock_;
  std::unique_ptr<store::Db> db_;
  std::unique_ptr<AuditLog> log_;
};

TEST_F(AuditTest, AppendBuildsAHashChain) {
  fill();
  Filter all;
  auto entries = log_->list(all);
  ASSERT_EQ(entries.size(), 5u);
  std::reverse(entries.begin(), entries.end());  // list is newest first
  EXPECT_EQ(entries[0].seq, 1);
  EXPECT_EQ(entries[0].prev_hash, kGenesisHash);
  EXPECT_EQ(entries[0].prev_hash, std::string(64, '0'));
  for (size_t i = 0; i < entries.size(); ++i) {
    EXPECT_EQ(entries[i].seq, static_cast<int64_t>(i + 1));
    EXPECT_EQ(entries[i].hash.size(), 64u);
    EXPECT_EQ(entries[i].hash, core::sha256_hex(entries[i].prev_hash + canonical(entries[i].seq, entries[i].at,
                                                                                  entries[i].event,
                                                                                  entries[i].details_text,
                                                                                  entries[i].prev_hash)));
    if (i > 0) {
      EXPECT_EQ(entries[i].prev_hash, entries[i - 1].hash) << "seq " << entries[i].seq;
    }
  }
  EXPECT_EQ(entries[0].at, 1'767'225'600'000);
  EXPECT_EQ(entries[4].at, 1'767'225'600'000 + 4 * 60'000);
}

TEST_F(AuditTest, AppendReturnsSequenceAndKeepsTheEvent) {
  EXPECT_EQ(log_->append(event("unit.create", "1", 10)), 1);
  EXPECT_EQ(log_->append(event("unit.create", "2", 10)), 2);
  auto e = log_->list({}).front();
  EXPECT_EQ(e.seq, 2);
  EXPECT_EQ(e.event.action, "unit.create");
  EXPECT_EQ(e.event.object_type, "unit");
  EXPECT_EQ(e.event.object_id, "2");
  EXPECT_EQ(e.event.actor, "admin");
  EXPECT_EQ(e.event.unit_id, 10);
  EXPECT_EQ(e.event.ip, "10.0.0.1");
  auto j = to_json(e);
  EXPECT_EQ(j["details"]["name_vi"], "Đội Kiểm soát");
  EXPECT_EQ(j["time"], "2026-01-01T00:00:00.000Z");
  EXPECT_EQ(j["hash"], e.hash);
  EXPECT_EQ(j["prev_hash"], e.prev_hash);
}

TEST_F(AuditTest, VerifyAcceptsAnIntactChain) {
  auto empty = log_->verify();
  EXPECT_TRUE(empty.ok);
  EXPECT_EQ(empty.entries, 0);
  fill();
  auto r = log_->verify();
  EXPECT_TRUE(r.ok) << r.reason;
  EXPECT_EQ(r.entries, 5);
  EXPECT_FALSE(r.first_broken_seq);
}

TEST_F(AuditTest, TriggersRefuseUpdateAndDelete) {
  fill();
  EXPECT_THROW(db_->exec("UPDATE audit_log SET action = 'unit.delete' WHERE seq = 2"), std::runtime_error);
  EXPECT_THROW(db_->exec("DELETE FROM audit_log WHERE seq = 5"), std::runtime_error);
  EXPECT_THROW(db_->exec("DELETE FROM audit_log"), std::runtime_error);
  EXPECT_EQ(log_->list({}).size(), 5u);
  EXPECT_EQ(log_->list({}).back().event.action, "unit.create");
  EXPECT_TRUE(log_->verify().ok);
}

TEST_F(AuditTest, RewrittenContentIsDetectedAtThatEntry) {
  fill();
  drop_triggers();
  EXPECT_EQ(db_->exec("UPDATE audit_log SET action = 'unit.view' WHERE seq = 3"), 1);
  auto r = log_->verify();
  EXPECT_FALSE(r.ok);
  EXPECT_EQ(r.first_broken_seq, 3);
  EXPECT_FALSE(r.reason.empty());
}

TEST_F(AuditTest, RewrittenDetailsOrTimeAreDetected) {
  fill();
  drop_triggers();
  db_->exec("UPDATE audit_log SET details = '{\"name_vi\":\"Đội Nghiệp vụ\"}' WHERE seq = 4");
  EXPECT_EQ(log_->verify().first_broken_seq, 4);

  // A fresh log with an entry moved in time.
  db_->exec("DELETE FROM audit_log");
  fill();
  db_->exec("UPDATE audit_log SET at = at + 1 WHERE seq = 2");
  EXPECT_EQ(log_->verify().first_broken_seq, 2);
}

TEST_F(AuditTest, RecomputingOneHashStillBreaksTheNextEntry) {
  // Someone who rewrites an entry and fixes up its own hash is caught by the entry after it.
  fill();
  drop_triggers();
  auto e = log_->list(where([](Filter& f) {
                 f.before_seq = 3;
                 f.limit = 1;
               })).front();
  ASSERT_EQ(e.seq, 2);
  e.event.action = "unit.view";
  auto forged = core::sha256_hex(e.prev_hash + canonical(e.seq, e.at, e.event, e.details_text, e.prev_hash));
  db_->exec("UPDATE audit_log SET action = ?, hash = ? WHERE seq = 2", {e.event.action, forged});
  auto r = log_->verify();
  EXPECT_FALSE(r.ok);
  EXPECT_EQ(r.first_broken_seq, 3);
}

TEST_F(AuditTest, DeletedMiddleEntryIsDetected) {
  fill();
  drop_triggers();
  EXPECT_EQ(db_->exec("DELETE FROM audit_log WHERE seq = 3"), 1);
  auto r = log_->verify();
  EXPECT_FALSE(r.ok);
  EXPECT_EQ(r.first_broken_seq, 3);
  EXPECT_EQ(r.entries, 2);  // the two good entries before it
}

TEST_F(AuditTest, DeletedFirstEntryIsDetected) {
  fill();
  drop_triggers();
  db_->exec("DELETE FROM audit_log WHERE seq = 1");
  EXPECT_EQ(log_->verify().first_broken_seq, 1);
}

TEST_F(AuditTest, VerifyWalksPastItsBatchSize) {
  db_->transaction([&] {
    for (int i = 0; i < 1005; ++i) log_->append(event("unit.update", std::to_string(i), 10));
  });
  auto r = log_->verify();
  EXPECT_TRUE(r.ok) << r.reason;
  EXPECT_EQ(r.entries, 1005);
  drop_triggers();
  db_->exec("UPDATE audit_log SET object_id = 'x' WHERE seq = 1003");
  EXPECT_EQ(log_->verify().first_broken_seq, 1003);
}

TEST_F(AuditTest, ListFilters) {
  using V = std::vector<int64_t>;
  auto q = [&](const std::function<void(Filter&)>& set) { return seqs(log_->list(where(set))); };
  fill();
  EXPECT_EQ(seqs(log_->list({})), (V{5, 4, 3, 2, 1}));
  EXPECT_EQ(q([](Filter& f) { f.actor = "hq.admin"; }), (V{4, 3}));
  EXPECT_EQ(q([](Filter& f) { f.action_prefix = "unit."; }), (V{2, 1}));
  EXPECT_EQ(q([](Filter& f) { f.action_prefix = "user.password"; }), (V{4}));
  EXPECT_EQ(q([](Filter& f) { f.action_prefix = "unit.create"; }), (V{1}));
  EXPECT_EQ(q([](Filter& f) { f.object_type = "user"; f.object_id = "7"; }), (V{4, 3}));
  EXPECT_EQ(q([](Filter& f) { f.object_type = "unit"; f.object_id = "7"; }), (V{}));
  // from is inclusive, to is exclusive.
  const int64_t t0 = 1'767'225'600'000;
  EXPECT_EQ(q([&](Filter& f) { f.from_ms = t0 + 60'000; f.to_ms = t0 + 3 * 60'000; }), (V{3, 2}));
  EXPECT_EQ(q([&](Filter& f) { f.from_ms = t0 + 4 * 60'000; }), (V{5}));
  EXPECT_EQ(q([&](Filter& f) { f.to_ms = t0; }), (V{}));
  // Paging: newest first, then everything older than the last seen.
  EXPECT_EQ(q([](Filter& f) { f.limit = 2; }), (V{5, 4}));
  EXPECT_EQ(q([](Filter& f) { f.before_seq = 4; f.limit = 2; }), (V{3, 2}));
  EXPECT_EQ(q([](Filter& f) { f.before_seq = 2; f.limit = 2; }), (V{1}));
  // Scope: only entries of the given units; entries without a unit are in no scope.
  EXPECT_EQ(q([](Filter& f) { f.unit_ids = V{20}; }), (V{4, 3}));
  EXPECT_EQ(q([](Filter& f) { f.unit_ids = V{10, 20}; }), (V{4, 3, 2, 1}));
  EXPECT_EQ(q([](Filter& f) { f.unit_ids = V{}; }), (V{}));
  // Filters combine.
  EXPECT_EQ(q([](Filter& f) { f.actor = "admin"; f.action_prefix = "unit."; f.unit_ids = V{20}; }), (V{}));
  EXPECT_EQ(q([](Filter& f) { f.actor = "admin"; f.action_prefix = "unit."; f.unit_ids = V{10}; }), (V{2, 1}));
}

TEST_F(AuditTest, ReadingTheLogIsItselfAnEntryWithTheQueryAndTheCount) {
  fill();
  Actor reader(3, "kiemtra.hp", "req-9", "10.0.0.9");
  auto page = log_->read(where([](Filter& f) { f.action_prefix = "unit."; }), {{"action", "unit."}}, 20, reader);
  EXPECT_EQ(seqs(page), (std::vector<int64_t>{2, 1}));  // the read's own entry comes after the page
  auto e = log_->list({}).front();
  EXPECT_EQ(e.seq, 6);
  EXPECT_EQ(e.event.action, "audit.read");
  EXPECT_EQ(e.event.object_type, "audit_log");
  EXPECT_EQ(e.event.object_id, "*");
  EXPECT_EQ(e.event.unit_id, 20);  // the reader's unit
  EXPECT_EQ(e.event.actor, "kiemtra.hp");
  EXPECT_EQ(e.event.request_id, "req-9");
  EXPECT_EQ(nlohmann::json::parse(e.details_text), (nlohmann::json{{"query", {{"action", "unit."}}}, {"count", 2}}));
}

TEST_F(AuditTest, CheckingTheChainIsItselfAnEntryWithTheResult) {
  fill();
  auto v = log_->verified(10, Actor(3, "kiemtra.hp", "req-9", "10.0.0.9"));
  EXPECT_TRUE(v.ok);
  EXPECT_EQ(v.entries, 5);
  auto e = log_->list({}).front();
  EXPECT_EQ(e.event.action, "audit.verify");
  EXPECT_EQ(e.event.unit_id, 10);
  EXPECT_EQ(nlohmann::json::parse(e.details_text), (nlohmann::json{{"ok", true}, {"entries", 5}}));
  EXPECT_TRUE(log_->verify().ok);
}

TEST_F(AuditTest, TheSystemActsAsNoPersonUnderItsOwnName) {
  log_->append(Actor::system("cli").event("user.update", "user", "7", 20, {{"active", false}}));
  auto j = to_json(log_->list({}).front());
  EXPECT_TRUE(j["actor_id"].is_null());  // no person: the console shows the name
  EXPECT_EQ(j["actor"], "system:cli");
  EXPECT_EQ(j["ip"], "local");
  // A timer acting on its own has no name at all (the console says "Hệ thống").
  log_->append(Actor().event("case.escalate", "case", "1", 20));
  j = to_json(log_->list({}).front());
  EXPECT_TRUE(j["actor_id"].is_null());
  EXPECT_TRUE(j["actor"].is_null());
}

TEST_F(AuditTest, ActionPrefixIsNotAPattern) {
  using V = std::vector<int64_t>;
  auto q = [&](const std::function<void(Filter&)>& set) { return seqs(log_->list(where(set))); };
  log_->append(event("unit.create", "1", 10));
  log_->append(event("unitXcreate", "2", 10));
  EXPECT_EQ(q([](Filter& f) { f.action_prefix = "unit."; }), (V{1}));
  EXPECT_EQ(q([](Filter& f) { f.action_prefix = "unit%"; }), (V{}));
  EXPECT_EQ(q([](Filter& f) { f.action_prefix = "unit_"; }), (V{}));
}

TEST_F(AuditTest, EntryInARolledBackTransactionIsNotKept) {
  log_->append(event("unit.create", "1", 10));
  EXPECT_THROW(db_->transaction([&] {
    db_->exec("INSERT INTO installation(key, value) VALUES ('k', 'v')");
    log_->append(event("unit.update", "1", 10));
    throw std::runtime_error("the change failed");
  }),
               std::runtime_error);
  EXPECT_EQ(seqs(log_->list({})), (std::vector<int64_t>{1}));
  EXPECT_FALSE(db_->query_one("SELECT 1 FROM installation WHERE key = 'k'"));
  // The chain continues from the last kept entry.
  EXPECT_EQ(log_->append(event("unit.update", "1", 10)), 2);
  EXPECT_TRUE(log_->verify().ok);
}

TEST_F(AuditTest, ChainSurvivesReopen) {
  fill();
  log_.reset();
  db_.reset();
  db_ = test::open_store(dir_ / "watchfloor.db");
  log_ = std::make_unique<AuditLog>(*db_, clock_);
  EXPECT_EQ(log_->append(event("unit.delete", "1", 10)), 6);
  auto r = log_->verify();
  EXPECT_TRUE(r.ok) << r.reason;
  EXPECT_EQ(r.entries, 6);
}

// Refusals (issue 11, finding 7): probing is visible, flooding is cheap.
TEST_F(AuditTest, RefusalsAreOneEntryPerSourceRouteAndMinute) {
  RefusalLog refusals(*log_, clock_);
  Refusal throttled{std::nullopt, {}, std::nullopt, "127.0.0.9", "POST", "/api/v1/auth/login", 429, "throttled", "nobody"};
  for (int i = 0; i < 11'000; ++i) refusals.note(throttled);
  Refusal forbidden{5, "canbo.hp", 12, "127.0.0.1", "GET", "/api/v1/audit", 403, "forbidden", ""};
  for (int i = 0; i < 3; ++i) {
    refusals.note(forbidden);
    clock_.advance(1s);
  }
  EXPECT_EQ(refusals.flush(), 0) << "the minute has not ended";
  clock_.advance(1min);
  EXPECT_EQ(refusals.flush(), 2);
  EXPECT_EQ(refusals.flush(), 0) << "written once";

  Filter f;
  f.action_prefix = "access.refused";
  auto entries = log_->list(f);
  ASSERT_EQ(entries.size(), 2u);
  const Entry* flood = nullptr;
  const Entry* probe = nullptr;
  for (const auto& e : entries) (e.event.ip == "127.0.0.9" ? flood : probe) = &e;
  ASSERT_TRUE(flood && probe);
  EXPECT_FALSE(flood->event.actor_id);
  EXPECT_EQ(flood->event.object_id, "POST /api/v1/auth/login");
  auto fd = nlohmann::json::parse(flood->details_text);
  EXPECT_EQ(fd["count"], 11'000);
  EXPECT_EQ(fd["status"], 429);
  EXPECT_EQ(fd["reason"], "throttled");
  EXPECT_EQ(fd["subject"], "nobody") << "the account being guessed";
  auto pd = nlohmann::json::parse(probe->details_text);
  EXPECT_EQ(probe->event.actor, "canbo.hp");
  EXPECT_EQ(probe->event.unit_id, 12) << "the caller's unit: its auditors see it";
  EXPECT_EQ(pd["count"], 3);
  EXPECT_NE(pd["first_at"], pd["last_at"]);
  EXPECT_TRUE(log_->verify().ok);
}

TEST_F(AuditTest, RefusalsPastTheKeyBoundAreStillCounted) {
  RefusalLog refusals(*log_, clock_, 10);
  for (int i = 0; i < 25; ++i)
    refusals.note({std::nullopt, {}, std::nullopt, "127.0.1." + std::to_string(i), "GET", "/api/v1/cases/{id}", 404, "not-found", ""});
  EXPECT_EQ(refusals.flush(true), 11);
  Filter f;
  f.action_prefix = "access.refused";
  int64_t total = 0, overflow = 0;
  for (const auto& e : log_->list(f)) {
    auto d = nlohmann::json::parse(e.details_text);
    total += d["count"].get<int64_t>();
    if (e.event.actor == "*") overflow = d["count"];
  }
  EXPECT_EQ(total, 25);
  EXPECT_EQ(overflow, 15);
}

// Signed checkpoints (docs/formats.md §14).
class CheckpointTest : public AuditTest {
 protected:
  void SetUp() override {
    AuditTest::SetUp();
    key_ = std::make_unique<core::SigningKey>(dir_ / "signing.key");
    checkpoints_ = std::make_unique<Checkpoints>(*db_, clock_, *log_, *key_, CheckpointOptions{3, 3'600'000});
  }
  void TearDown() override {
    checkpoints_.reset();
    AuditTest::TearDown();
  }
  std::unique_ptr<core::SigningKey> key_;
  std::unique_ptr<Checkpoints> checkpoints_;
};

TEST_F(CheckpointTest, ATruncatedTailPassesTheChainButNotTheCheckpoint) {
  fill();
  auto cp = checkpoints_->take();
  ASSERT_TRUE(cp);
  EXPECT_EQ(cp->seq, 5);
  EXPECT_TRUE(checkpoints_->check(*cp).ok);
  drop_triggers();
  db_->exec("DELETE FROM audit_log WHERE seq >= 4");
  EXPECT_TRUE(log_->verify().ok) << "the chain alone cannot see a removed tail";
  auto c = checkpoints_->check(*cp);
  EXPECT_FALSE(c.ok);
  EXPECT_NE(c.reason_en.find("ends at entry 3"), std::string::npos) << c.reason_en;
  EXPECT_NE(c.reason_vi.find("cắt cụt"), std::string::npos) << c.reason_vi;
  EXPECT_FALSE(checkpoints_->check_latest().ok) << "the stored checkpoint sees it too";
}

TEST_F(CheckpointTest, AChangedFileOrAnotherKeyOrARewrittenEntryIsRefused) {
  fill();
  auto cp = *checkpoints_->take();
  // The file as downloaded, read back.
  auto back = checkpoint_from_json(nlohmann::json::parse(to_json(cp).dump()));
  ASSERT_TRUE(back);
  EXPECT_TRUE(checkpoints_->check(*back).ok);
  auto moved = *back;
  moved.seq = 4;  // claims to cover less than was signed
  EXPECT_NE(checkpoints_->check(moved).reason_en.find("signature is not valid"), std::string::npos);
  EXPECT_FALSE(checkpoint_from_json({{"format", "something else"}}));

  core::SigningKey other(dir_ / "other.key");
  Checkpoint foreign = cp;
  foreign.public_key = other.public_key();
  foreign.key_id = other.key_id();
  foreign.signature = other.sign(signed_text(foreign));
  EXPECT_NE(checkpoints_->check(foreign).reason_en.find("another installation"), std::string::npos);

  drop_triggers();
  db_->exec("UPDATE audit_log SET hash = 'x' WHERE seq = 5");
  EXPECT_NE(checkpoints_->check(cp).reason_en.find("Entry 5 is not what it was"), std::string::npos);
}

TEST_F(CheckpointTest, TakenEveryNEntriesAndEveryHourWhileEntriesArrive) {
  EXPECT_FALSE(checkpoints_->take_if_due()) << "an empty log";
  log_->append(event("unit.create", "1", 10));
  log_->append(event("unit.create", "2", 10));
  EXPECT_FALSE(checkpoints_->take_if_due()) << "two entries, within the hour";
  log_->append(event("unit.create", "3", 10));
  auto first = checkpoints_->take_if_due();
  ASSERT_TRUE(first) << "three entries";
  EXPECT_EQ(first->seq, 3);
  clock_.advance(2h);
  EXPECT_FALSE(checkpoints_->take_if_due()) << "an hour without entries: nothing new to sign";
  log_->append(event("unit.update", "3", 10));
  auto hourly = checkpoints_->take_if_due();
  ASSERT_TRUE(hourly) << "one entry, more than an hour after the last checkpoint";
  EXPECT_EQ(hourly->seq, 4);
  EXPECT_EQ(checkpoints_->take()->seq, 4) << "the head is covered already: the same checkpoint";
  auto all = checkpoints_->list(std::nullopt, 10);
  ASSERT_EQ(all.size(), 2u);
  EXPECT_EQ(all[0].seq, 4);
  EXPECT_EQ(checkpoints_->list(4, 10).front().seq, 3);
  EXPECT_THROW(db_->exec("DELETE FROM audit_checkpoints"), std::exception) << "append-only";
}

}  // namespace
}  // namespace watchfloor::audit
