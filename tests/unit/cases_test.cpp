// Cases with their tasks, coordination requests, inbox and escalation runner over a real database with
// a fake clock and the 2017 organisation: reporting and inbox, handover of open cases, escalation by
// policy, acknowledgement timeouts, nobody on duty, handling plans that wait for approval (Art. 15.1d),
// Art. 8 on duty, coordination deadlines.
#include "supervision/cases.h"

#include <gtest/gtest.h>

#include <fmt/format.h>

#include <algorithm>
#include <atomic>
#include <future>
#include <thread>
#include <filesystem>
#include <map>

#include "core/random.h"
#include "events/cluster.h"
#include "org/preset.h"
#include "supervision/coordination.h"
#include "supervision/escalation_runner.h"
#include "supervision/inbox.h"
#include "supervision/relay.h"
#include "supervision/tasks.h"
#include "test_util.h"
#include "test_store.h"

namespace watchfloor::supervision {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

int64_t at(const std::string& iso) { return *core::parse_iso8601(iso); }
constexpr int64_t kMin = 60'000;

// The codes that play each part in one organisation preset.
struct Codes {
  std::string preset, hq, hq_leadership, province, province_leadership, province_division, branch, other_branch,
      other_province, other_province_leadership, focal_point, office;
};
const Codes k2017{"org-2017.json", "TCHQ", "TCHQ-LD", "HP", "HP-LD", "HP-GSQL", "HP-CKKV1", "HP-DV", "LS", "LS-LD", "VP-PTH", "VP"};
const Codes k2025{"org-2025.json", "CHQ", "CHQ-LD", "KV3", "KV3-LD", "KV3-GSQL", "KV3-HP1", "KV3-DV", "KV7", "KV7-LD", "CHQ-VP-PTH",
                  "CHQ-VP"};

struct World {
  explicit World(const Codes& c = k2017) : codes(c) {
    dir = fs::path(::testing::TempDir()) / ("wf-cases-" + core::random_token(6));
    open();
    org::import_org(*units, read_preset(c.preset), "test", audit::Actor::system("test"));
    setup();
  }
  // A second API server on `first`'s PostgreSQL store: its own connections, bus (on the cluster's events) and
  // domain objects; the same organisation, people and roster.
  struct OnStoreOf {
    const World& first;
  };
  explicit World(OnStoreOf o) : codes(o.first.codes), dir(o.first.dir), second(true) {
    open();
    log = std::make_unique<events::ClusterLog>(*db, clock);
    log->start(*bus);
  }
  void open() {
    db = test::open_store(dir / "watchfloor.db");
    clock.set_ms(at("2026-11-28T03:00:00Z"));  // 10:00 in Hải Phòng: the 08:00 shift is on duty
    bus = std::make_unique<events::Bus>(clock);
    audit = std::make_unique<audit::AuditLog>(*db, clock);
    sessions = std::make_unique<auth::Sessions>(*db, clock, security);
    units = std::make_unique<org::Units>(*db, clock, *audit, *bus);
    users = std::make_unique<org::Users>(*db, clock, *units, *audit, *sessions);
    duty = std::make_unique<duty::Duty>(*db, clock, *units, *users, *audit, *bus);
    alerts = std::make_unique<events::Alerts>(*db, clock, *bus, *audit);
    inbox = std::make_unique<Inbox>(*db, clock, *bus);
    directory = std::make_unique<DirectoryReader>(*db, *units, *duty);
    tasks = std::make_unique<Tasks>(*db, clock, *units, *duty, *directory, *audit);
    cases = std::make_unique<Cases>(*db, clock, *units, *duty, *directory, *bus, *alerts, *audit, *inbox, *tasks);
    coordination = std::make_unique<Coordination>(*db, clock, *units, *duty, *directory, *bus, *alerts, *audit, *inbox, *cases);
    escalation = std::make_unique<Escalation>(*db, clock, *units, *duty, *directory, *alerts, *audit, *inbox, *cases);
    duty->add_open_items_source([this](int64_t unit) { return cases->open_items(unit); });
    sub = bus->subscribe([this](const events::Event& e) { seen.push_back(e); });
  }
  void setup() {
    const Codes& c = codes;
    leader = user("lanhdao.hp", c.province_leadership, "unit_leader", c.province);
    shift_leader = user("truongca.hp", c.province_leadership, "shift_leader", c.province);
    duty_officer = user("trucban.hp", c.province_division, "duty_officer", c.province);
    branch_officer = user("canbo.hpkv1", c.branch, "supervision_officer", c.branch);
    hq_leader = user("lanhdao.tchq", c.hq_leadership, "hq_leader", c.hq);
    dv_leader = user("lanhdao.dv", c.other_branch, "unit_leader", c.other_branch);
    next_leader = user("truongca2.hp", c.province_leadership, "shift_leader", c.province);
    next_officer = user("canbo2.hp", c.province_division, "supervision_officer", c.province);
    // Hải Phòng's roster: two teams taking turns, today's team first.
    duty::RosterInput in;
    in.unit_id = unit(c.province);
    in.period_from = "2026-11-27";
    in.period_to = "2026-12-31";
    duty::Rotation r;
    r.anchor_date = "2026-11-28";
    r.teams = {{{shift_leader, "shift_leader"}, {duty_officer, "supervision_officer"}},
               {{next_leader, "shift_leader"}, {next_officer, "supervision_officer"}}};
    in.rotation = r;
    auto roster = duty->create_roster(in, leader);
    duty->submit(roster.id, leader);
    duty->approve(roster.id, leader, std::string("Đội hình rút gọn cho kiểm thử"));
    duty->publish(roster.id, leader);
  }
  ~World() {
    log.reset();
    bus->unsubscribe(sub);
    escalation.reset();
    coordination.reset();
    cases.reset();
    tasks.reset();
    inbox.reset();
    alerts.reset();
    duty.reset();
    units.reset();
    bus.reset();  // after what publishes on it and listens to it
    db.reset();
    if (!second) fs::remove_all(dir);
  }

  int64_t unit(const std::string& code) { return units->by_code(code)->id; }
  int64_t user(const std::string& name, const std::string& home, const std::string& role, const std::string& at_unit) {
    db->exec("INSERT INTO users(username, full_name, unit_id, password_hash, created_at) VALUES (?,?,?,?,0)",
             {name, "Cán bộ " + name, unit(home), std::string("x")});
    int64_t id = db->last_insert_id();
    db->exec("INSERT INTO role_grants(user_id, role, unit_id) VALUES (?,?,?)", {id, role, unit(at_unit)});
    return id;
  }

  // Runs a write as the API does: one unit of work, events after the commit.
  template <typename F>
  auto tx(F&& f) {
    return store::Work::run(*db, [&](store::Work&) { return f(); });
  }

  Case open_case(int64_t by, const std::string& unit_code, std::optional<int64_t> task = std::nullopt,
                 const std::string& severity = "medium", const std::string& measure = "") {
    CaseInput in;
    in.unit_id = unit(unit_code);
    in.task_id = task;
    in.severity = severity;
    in.observed_at = clock.now_ms() - 5 * kMin;
    in.site = "Cổng B cảng Tân Vũ";
    in.subject = "goods";
    in.description = "Container TCNU1234567 rời bãi khi chưa có quyết định thông quan";
    in.immediate_measure = measure;
    in.identifiers = json{{"containers", {"TCNU1234567"}}};
    return tx([&] { return cases->create(in, by); });
  }
  Case reported(int64_t by, const std::string& unit_code, const std::string& severity = "medium") {
    auto c = open_case(by, unit_code, std::nullopt, severity);
    return tx([&] { return cases->report(c.id, by); });
  }
  void advance(int64_t minutes) {
    clock.set_ms(clock.now_ms() + minutes * kMin);
    escalation->check(clock.now_ms());
  }
  std::vector<std::string> kinds_for(int64_t user) {
    std::vector<std::string> out;
    for (const auto& n : inbox->list(user, false)) out.insert(out.begin(), n.kind);
    return out;
  }
  int count(const std::vector<TimelineEntry>& t, const std::string& kind) {
    return static_cast<int>(std::count_if(t.begin(), t.end(), [&](const auto& e) { return e.kind == kind; }));
  }

  Task task(const std::string& method, const std::string& unit_code, int64_t by) {
    TaskInput t;
    t.unit_id = unit(unit_code);
    t.method = method;
    t.title =
        method == "keypoint_plan" ? "Chuyên đề chống buôn lậu phế liệu qua cảng" : "Giám sát hàng điện tử quá cảnh";
    if (method == "keypoint_directive")
      t.directive = json{{"number", "1234/TCHQ-ĐTCBL"}, {"date", "2026-11-20"}, {"issuer", "Phó Tổng cục trưởng"}};
    t.period_from = clock.now_ms() - 86'400'000;
    return tx([&] { return tasks->create(t, by); });
  }

  Codes codes;
  fs::path dir;
  bool second = false;
  std::unique_ptr<events::ClusterLog> log;  // a second server's
  core::FakeClock clock;
  std::unique_ptr<store::Db> db;
  std::unique_ptr<org::Units> units;
  std::unique_ptr<org::Users> users;
  core::SecurityConfig security;
  std::unique_ptr<auth::Sessions> sessions;
  std::unique_ptr<duty::Duty> duty;
  std::unique_ptr<events::Bus> bus;
  std::unique_ptr<events::Alerts> alerts;
  std::unique_ptr<audit::AuditLog> audit;
  std::unique_ptr<Inbox> inbox;
  std::unique_ptr<DirectoryReader> directory;
  std::unique_ptr<Tasks> tasks;
  std::unique_ptr<Cases> cases;
  std::unique_ptr<Coordination> coordination;
  std::unique_ptr<Escalation> escalation;
  std::vector<events::Event> seen;
  uint64_t sub = 0;
  int64_t leader = 0, shift_leader = 0, duty_officer = 0, branch_officer = 0, hq_leader = 0, dv_leader = 0, next_leader = 0,
          next_officer = 0;
};

TEST(Cases, AReportReachesTheShiftOnDutyInboxAndTheHandover) {
  World w;
  auto c = w.reported(w.branch_officer, "HP-CKKV1");
  EXPECT_EQ(c.status, "reported");
  EXPECT_EQ(c.number, "HP-CKKV1-2026-0001");
  EXPECT_EQ(c.routing["clause"], "16.4.a");
  EXPECT_EQ(w.inbox->unread(w.shift_leader), 1);
  EXPECT_EQ(w.inbox->unread(w.duty_officer), 1);
  EXPECT_EQ(w.inbox->unread(w.leader), 0) << "16.4(a) is the duty watch's, not the leadership's";
  EXPECT_EQ(w.cases->relation(c, w.shift_leader), "approver");
  EXPECT_EQ(w.cases->relation(c, w.duty_officer), "recipient");
  EXPECT_EQ(w.cases->relation(c, w.branch_officer), "reporter");
  // Each notification is addressed to its person only, after the commit, with the unread count.
  int addressed = 0;
  for (const auto& e : w.seen)
    if (e.topic == "inbox.notification") {
      ++addressed;
      EXPECT_TRUE(e.only_user == w.shift_leader || e.only_user == w.duty_officer);
      EXPECT_EQ(e.payload["unread"], 1);
    }
  EXPECT_EQ(addressed, 2);
  // While open, the case travels with the handover.
  auto shift = w.duty->shift_at(w.unit("HP"), w.clock.now_ms());
  auto h = w.duty->prepare_handover(shift->id, w.shift_leader, "Bàn giao", "");
  ASSERT_EQ(h.open_items.size(), 1u);
  EXPECT_EQ(h.open_items[0]["type"], "case");
  EXPECT_EQ(h.open_items[0]["id"], c.id);
  // A second report: each person's event names that person's own new notification and count (written together).
  w.seen.clear();
  auto second = w.reported(w.branch_officer, "HP-CKKV1");
  addressed = 0;
  for (const auto& e : w.seen)
    if (e.topic == "inbox.notification") {
      ++addressed;
      ASSERT_TRUE(e.only_user);
      auto mine = w.inbox->list(*e.only_user, true);
      ASSERT_EQ(mine.size(), 2u);
      EXPECT_EQ(e.payload["notification"]["id"], mine[0].id) << "the newest notification of the person told";
      EXPECT_EQ(mine[0].case_id, second.id);
      EXPECT_EQ(e.payload["unread"], 2);
    }
  EXPECT_EQ(addressed, 2);
}

// An alert is open once per kind and subject (the store's index decides, as between two servers), and is raised with
// the change that raises it: never for one rolled back.
TEST(Cases, AnAlertIsOpenOncePerSubjectAndRaisedOnlyWithItsChange) {
  World w;
  events::Alert a;
  a.kind = "case.nobody_on_duty";
  a.subject = "case:7";
  a.severity = "high";
  a.title_vi = "Vụ việc được báo cáo khi không có ca trực";
  a.title_en = "A case was reported while nobody is on duty";
  ASSERT_TRUE(w.tx([&] { return w.alerts->raise(a); }));
  EXPECT_FALSE(w.tx([&] { return w.alerts->raise(a); })) << "already open";
  EXPECT_TRUE(w.alerts->resolve(a.kind, a.subject));
  EXPECT_TRUE(w.tx([&] { return w.alerts->raise(a); })) << "closed, so raised again";
  a.subject = "case:8";
  EXPECT_THROW(w.tx([&]() -> int {
                 w.alerts->raise(a);
                 throw std::runtime_error("the change fails");
               }),
               std::runtime_error);
  EXPECT_EQ(w.alerts->open_subjects(a.kind), std::vector<std::string>{"case:7"});
}

// A new draft is answered, published and audited as written, without reading it back: it must be what is stored.
TEST(Cases, ANewDraftIsWhatTheStoreHolds) {
  World w;
  auto c = w.open_case(w.branch_officer, "HP-CKKV1");
  auto stored = w.cases->get(c.id);
  ASSERT_TRUE(stored);
  int64_t now = w.clock.now_ms();
  EXPECT_EQ(to_json(c, true, now), to_json(*stored, true, now));
  EXPECT_EQ(c.created_by, w.branch_officer);
  EXPECT_EQ(c.status, "draft");
  // Its event carries that state, to its author only.
  int published = 0;
  for (const auto& e : w.seen)
    if (e.topic == "case.changed" && e.payload["id"] == c.id) {
      ++published;
      EXPECT_EQ(e.payload, to_json(*stored, false, now));
      EXPECT_EQ(e.only_user, w.branch_officer);
    }
  EXPECT_EQ(published, 1);
}

// Reporting returns the case as written, not read back: it must be what the store then gives, and so its event.
TEST(Cases, AReportedCaseIsWhatTheStoreHolds) {
  World w;
  auto draft = w.open_case(w.branch_officer, "HP-CKKV1", std::nullopt, "high");
  w.clock.set_ms(w.clock.now_ms() + 7 * kMin);  // reported later than drafted: updated_at moves
  auto drafted_then_reported = w.tx([&] { return w.cases->report(draft.id, w.branch_officer); });
  EXPECT_EQ(drafted_then_reported.updated_at, w.clock.now_ms());
  CaseInput in;
  in.unit_id = w.unit("HP-CKKV1");
  in.observed_at = w.clock.now_ms() - 5 * kMin;
  in.site = "Bãi container số 3";
  in.subject = "goods";
  in.description = "Niêm phong hãng tàu trên container MSKU7654321 bị cắt";
  in.immediate_measure = "Tạm dừng xếp dỡ";
  auto at_once = w.tx([&] { return w.cases->create_reported(in, w.branch_officer); });
  int64_t now = w.clock.now_ms();
  for (const auto& c : {drafted_then_reported, at_once}) {
    auto stored = w.cases->get(c.id);
    ASSERT_TRUE(stored);
    EXPECT_EQ(c.status, "reported");
    EXPECT_EQ(to_json(c, true, now), to_json(*stored, true, now));
    const events::Event* last = nullptr;
    for (const auto& e : w.seen)
      if (e.topic == "case.changed" && e.payload["id"] == c.id) last = &e;
    ASSERT_TRUE(last);
    EXPECT_EQ(last->payload, to_json(*stored, false, now));
  }
}

TEST(Cases, TheNextShiftTakesOverWhatTheHandoverCarries) {
  World w;
  auto c = w.reported(w.branch_officer, "HP-CKKV1");
  EXPECT_FALSE(w.cases->relation(c, w.next_leader).has_value()) << "not on duty yet";
  w.clock.set_ms(at("2026-11-29T02:00:00Z"));  // 09:00 the next day: the other team is on duty
  auto shift = w.duty->shift_at(w.unit("HP"), w.clock.now_ms());
  ASSERT_EQ(shift->position_of(w.next_leader), "shift_leader");
  EXPECT_EQ(w.cases->relation(c, w.next_leader), "approver");
  EXPECT_EQ(w.cases->relation(c, w.next_officer), "recipient");
  c = w.tx([&] { return w.cases->acknowledge(c.id, w.next_officer); });
  c = w.tx([&] { return w.cases->start_handling(c.id, w.next_officer); });
  c = w.tx([&] { return w.cases->conclude(c.id, w.next_leader, "no_violation", "Đã có quyết định thông quan, không vi phạm"); });
  EXPECT_EQ(c.status, "concluded");
  EXPECT_FALSE(w.cases->relation(c, w.next_officer).has_value()) << "a concluded case is no longer the shift's";
  EXPECT_TRUE(w.cases->open_items(w.unit("HP")).empty());
}

class Search : public ::testing::TestWithParam<size_t> {};

// On PostgreSQL both ways of a search (the few matching cases by id, or the words left to the list) find the same.
TEST_P(Search, FindsACaseByAnyIdentifierNumberOrSite) {
  World w;
  w.cases->set_few_matches(GetParam());
  auto c = w.reported(w.branch_officer, "HP-CKKV1");
  // Words in any order, the last perhaps only begun, with or without Vietnamese diacritics.
  for (const char* q : {"TCNU1234567", "tcnu123", "HP-CKKV1-2026", "Tân Vũ", "tan vu", "Vũ Tân"}) {
    CaseQuery query;
    query.text = q;
    auto found = w.cases->list(query);
    ASSERT_EQ(found.size(), 1u) << q;
    EXPECT_EQ(found[0].id, c.id);
  }
  CaseQuery none;
  none.text = "MSKU";
  EXPECT_TRUE(w.cases->list(none).empty());
  none.text = "%";
  EXPECT_TRUE(w.cases->list(none).empty()) << "a wildcard is a character, not a pattern";
  CaseQuery quoted;
  quoted.text = "\"TCNU1234567 OR";
  EXPECT_TRUE(w.cases->list(quoted).empty()) << "quotes and OR are words to find, not query syntax";
  quoted.text = "\"TCNU1234567";
  EXPECT_EQ(w.cases->list(quoted).size(), 1u);
  // A redrafted case is found by its new text only (the index follows every edit).
  auto draft = w.open_case(w.branch_officer, "HP-CKKV1");
  CaseInput edit;
  edit.site = "Kho ngoại quan Đông Lạch Huyện";
  w.cases->update_draft(draft.id, edit, w.branch_officer);
  CaseQuery site;
  site.text = "dong lach huyen";  // đ is folded to d as the officer types it
  auto found = w.cases->list(site);
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(found[0].id, draft.id);
  site.text = "Cổng B";
  found = w.cases->list(site);
  ASSERT_EQ(found.size(), 1u) << "only the first case is still at gate B";
  EXPECT_EQ(found[0].id, c.id);
}
INSTANTIATE_TEST_SUITE_P(Cases, Search, ::testing::Values(Cases::kFewMatches, size_t{0}),
                         [](const auto& p) { return p.param ? std::string("FewById") : std::string("ManyByWords"); });

TEST(Cases, AFailedWriteSendsNothing) {
  World w;
  auto c = w.open_case(w.branch_officer, "HP-CKKV1");
  w.seen.clear();
  EXPECT_THROW(w.tx([&] {
                 auto r = w.cases->report(c.id, w.branch_officer);
                 throw std::runtime_error("disk full");
                 return r;
               }),
               std::runtime_error);
  EXPECT_TRUE(w.seen.empty()) << "no notification for a report that did not commit";
  EXPECT_EQ(w.cases->get(c.id)->status, "draft");
  EXPECT_EQ(w.inbox->unread(w.shift_leader), 0);
}

TEST(Cases, EscalationFollowsThePolicyStepByStepOnTheClock) {
  World w;
  auto c = w.reported(w.branch_officer, "HP-CKKV1", "medium");
  // medium: after 15 min the shift leader (twice, 15 min apart), after 60 min the unit's leadership.
  w.advance(14);
  EXPECT_EQ(w.kinds_for(w.shift_leader), (std::vector<std::string>{"case_reported"}));
  w.advance(1);
  EXPECT_EQ(w.kinds_for(w.shift_leader), (std::vector<std::string>{"case_reported", "case_escalated"}));
  w.advance(15);
  EXPECT_EQ(w.kinds_for(w.shift_leader).size(), 3u);
  w.advance(15);
  EXPECT_EQ(w.kinds_for(w.shift_leader).size(), 3u) << "repeat count reached";
  EXPECT_TRUE(w.kinds_for(w.leader).empty());
  w.advance(15);  // 60 minutes
  EXPECT_EQ(w.kinds_for(w.leader), (std::vector<std::string>{"case_escalated"}));
  EXPECT_EQ(w.cases->relation(*w.cases->get(c.id), w.leader), "approver") << "the leadership may now decide";
  w.tx([&] { return w.cases->start_handling(c.id, w.leader); });  // acknowledged and in handling
  w.advance(24 * 60 - 61);
  EXPECT_EQ(w.kinds_for(w.leader).size(), 1u);
  w.advance(2);  // 24 h: "not closed" step
  EXPECT_EQ(w.kinds_for(w.leader).size(), 2u);
  EXPECT_EQ(w.count(w.cases->timeline(c.id), "escalated"), 4);
}

// Routing keeps the people and units between cases (DirectoryReader) and reads them again when one of them changed,
// whoever changed it: here by hand in the store, as another server sharing it would.
TEST(Cases, RoutingSeesEveryChangeToThePeopleTheirGrantsAndTheUnits) {
  World w;
  w.reported(w.branch_officer, "HP-CKKV1");  // the people read, and kept
  EXPECT_EQ(w.inbox->unread(w.duty_officer), 1);
  w.db->exec("UPDATE users SET active = 0 WHERE id = ?", {w.duty_officer});
  w.reported(w.branch_officer, "HP-CKKV1");
  EXPECT_EQ(w.inbox->unread(w.shift_leader), 2);
  EXPECT_EQ(w.inbox->unread(w.duty_officer), 1) << "routed to a person no longer active";
  w.db->exec("UPDATE users SET active = 1 WHERE id = ?", {w.duty_officer});
  // A second leader of the province, granted by hand: the medium policy's step to the unit's leadership (60 min)
  // reaches them as it reaches the first.
  int64_t deputy = w.user("pholanhdao.hp", w.codes.province_leadership, "unit_leader", w.codes.province);
  w.reported(w.branch_officer, "HP-CKKV1");
  EXPECT_EQ(w.inbox->unread(w.duty_officer), 2) << "not routed to again once active";
  w.advance(60);
  EXPECT_EQ(w.kinds_for(deputy).size(), 3u);
  EXPECT_EQ(w.kinds_for(deputy), w.kinds_for(w.leader));
  // The grant withdrawn: the next case's escalation leaves them out.
  w.db->exec("DELETE FROM role_grants WHERE user_id = ?", {deputy});
  size_t leader_had = w.kinds_for(w.leader).size();
  w.reported(w.branch_officer, "HP-CKKV1");
  w.advance(60);
  EXPECT_GT(w.kinds_for(w.leader).size(), leader_had);
  EXPECT_EQ(w.kinds_for(deputy).size(), 3u) << "escalated to a leader whose grant was withdrawn";
  // The units are kept the same way: a unit renamed and a designation withdrawn by hand are read at the next case.
  int64_t province = w.unit(w.codes.province);
  auto before = w.directory->read(w.clock.now_ms());
  ASSERT_TRUE(before.unit(province));
  ASSERT_FALSE(before.unit(province)->designations.empty());
  w.db->exec("UPDATE units SET name_vi = 'Cục Hải quan (đổi tên)' WHERE id = ?", {province});
  w.db->exec("DELETE FROM unit_designations WHERE unit_id = ?", {province});
  auto after = w.directory->read(w.clock.now_ms());
  EXPECT_EQ(after.unit(province)->name_vi, "Cục Hải quan (đổi tên)");
  EXPECT_TRUE(after.unit(province)->designations.empty());
}

TEST(Cases, AnAcknowledgementNotFollowedByHandlingLapses) {
  World w;
  auto c = w.reported(w.branch_officer, "HP-CKKV1", "high");  // high: ack timeout 15 min
  w.tx([&] { return w.cases->acknowledge(c.id, w.duty_officer); });
  w.advance(14);
  EXPECT_EQ(w.cases->get(c.id)->status, "acknowledged");
  w.advance(1);
  auto after = *w.cases->get(c.id);
  EXPECT_EQ(after.status, "reported");
  EXPECT_FALSE(after.acknowledged_by.has_value());
  EXPECT_EQ(w.count(w.cases->timeline(c.id), "ack_lapsed"), 1);
  // Escalation starts again from the lapse: the shift leader after 5 minutes.
  size_t before = w.kinds_for(w.shift_leader).size();
  w.advance(5);
  EXPECT_EQ(w.kinds_for(w.shift_leader).size(), before + 1);
  // Taken into handling in time, it stays.
  w.tx([&] { return w.cases->start_handling(c.id, w.shift_leader); });
  w.advance(60);
  EXPECT_EQ(w.cases->get(c.id)->status, "in_handling");
}

TEST(Cases, NobodyToNotifyMovesToTheNextStepAndRaisesAnAlert) {
  World w;
  EscalationPolicy p{"low", 0, 60,
                     {{0, "not_acknowledged", "shift_leader", "parent_unit", 1, 0},
                      {120, "not_acknowledged", "hq_leader", "headquarters", 1, 0}}};
  w.escalation->set_policy(p, w.hq_leader);
  auto c = w.reported(w.branch_officer, "HP-CKKV1", "low");
  w.advance(0);  // headquarters (HP's parent) has no shift on duty
  EXPECT_EQ(w.kinds_for(w.hq_leader), (std::vector<std::string>{"case_escalated"})) << "step 2 at once";
  auto open = w.alerts->list(std::nullopt, true);
  ASSERT_EQ(open.size(), 1u);
  EXPECT_EQ(open[0].kind, "case.escalation_unanswered");
  w.advance(200);
  EXPECT_EQ(w.kinds_for(w.hq_leader).size(), 1u) << "each step fires its count, no more";
  w.tx([&] { return w.cases->acknowledge(c.id, w.hq_leader); });
  EXPECT_TRUE(w.alerts->list(std::nullopt, true).empty()) << "someone acted: the alert closes";
}

TEST(Cases, AHandlingPlanIsCarriedOutOnlyAfterApproval) {
  World w;
  auto c = w.reported(w.branch_officer, "HP-CKKV1");
  c = w.tx([&] { return w.cases->propose(c.id, w.branch_officer, "Dừng đưa container qua khu vực giám sát, kiểm tra thực tế"); });
  ASSERT_EQ(c.proposals.size(), 1u);
  int64_t pid = c.proposals[0].id;
  EXPECT_EQ(problem_of([&] { w.tx([&] { return w.cases->execute(c.id, pid, w.duty_officer, "đã làm"); }); }).status(), 409);
  w.tx([&] { return w.cases->decide(c.id, pid, w.shift_leader, true, std::string("Đồng ý")); });
  w.tx([&] { return w.cases->start_handling(c.id, w.duty_officer); });
  EXPECT_EQ(problem_of([&] { w.tx([&] { return w.cases->conclude(c.id, w.shift_leader, "administrative_violation", "x"); }); }).status(), 409)
      << "an approved plan not yet carried out";
  c = w.tx([&] { return w.cases->execute(c.id, pid, w.duty_officer, "Đã dừng container, lập biên bản"); });
  EXPECT_EQ(c.proposals[0].status, "executed");
  c = w.tx([&] { return w.cases->conclude(c.id, w.shift_leader, "administrative_violation", "Xử phạt vi phạm hành chính"); });
  EXPECT_EQ(c.status, "concluded");
  EXPECT_EQ(w.kinds_for(w.branch_officer), (std::vector<std::string>{"proposal_decided"}));
  // Reopening needs a reason; every step is on the timeline, which cannot be rewritten.
  EXPECT_THROW(w.tx([&] { return w.cases->reopen(c.id, w.shift_leader, ""); }), core::Problem);
  w.tx([&] { return w.cases->reopen(c.id, w.shift_leader, "Có thêm chứng cứ mới"); });
  auto t = w.cases->timeline(c.id);
  for (const char* k : {"created", "reported", "routed", "proposal_submitted", "proposal_decided", "status_changed",
                        "proposal_executed", "concluded", "reopened"})
    EXPECT_EQ(w.count(t, k), 1) << k;
  EXPECT_THROW(w.db->exec("UPDATE case_events SET text_vi = 'sửa' WHERE case_id = ?", {c.id}), std::exception);
  EXPECT_THROW(w.db->exec("DELETE FROM case_events WHERE case_id = ?", {c.id}), std::exception);
}

TEST(Cases, AnOfficerOnDutyRecordsTheMeasureAndTheShiftLogShowsIt) {
  World w;
  auto c = w.open_case(w.duty_officer, "HP");
  auto p = problem_of([&] { w.tx([&] { return w.cases->report(c.id, w.duty_officer); }); });
  ASSERT_EQ(p.errors().size(), 1u);
  EXPECT_EQ(p.errors()[0].field, "immediate_measure");
  CaseInput in;
  in.immediate_measure = "Yêu cầu dừng xe tại cổng B";
  w.tx([&] { return w.cases->update_draft(c.id, in, w.duty_officer); });
  c = w.tx([&] { return w.cases->report(c.id, w.duty_officer); });
  EXPECT_TRUE(c.reporter_on_duty);
  auto shift = w.duty->shift_at(w.unit("HP"), w.clock.now_ms());
  auto log = w.duty->log(shift->id);
  ASSERT_EQ(log.size(), 1u);
  EXPECT_EQ(log[0].kind, "action_taken");
  EXPECT_EQ(log[0].links["case_id"], c.id);
  EXPECT_NE(log[0].text.find("Yêu cầu dừng xe"), std::string::npos);
}

TEST(Cases, KeyPointPlanCoordinationHasADeadlineThatAlerts) {
  World w;
  TaskInput t;
  t.unit_id = w.unit("HP");
  t.method = "keypoint_plan";
  t.title = "Chuyên đề chống buôn lậu phế liệu qua cảng";
  t.period_from = w.clock.now_ms() - 86'400'000;
  auto task = w.tx([&] { return w.tasks->create(t, w.leader); });
  auto c = w.open_case(w.branch_officer, "HP-CKKV1", task.id);
  EXPECT_EQ(c.method, "keypoint_plan") << "the task's method";
  c = w.tx([&] { return w.cases->report(c.id, w.branch_officer); });
  EXPECT_EQ(c.routing["clause"], "16.4.b");
  EXPECT_EQ(w.cases->relation(c, w.leader), "approver");
  EXPECT_FALSE(w.cases->relation(c, w.shift_leader).has_value());
  w.tx([&] { return w.cases->acknowledge(c.id, w.leader); });
  CoordinationInput in{c.id, w.unit("HP-DV"), w.clock.now_ms() + 60 * kMin, "Phối hợp kiểm tra container TCNU1234567",
                       "Kiểm tra thực tế hàng hóa", "Đ/c Ngô Văn Khánh, 0225 3836 xxx"};
  auto r = w.tx([&] { return w.coordination->request(in, w.leader); });
  EXPECT_EQ(r.number, "01/2026/PH-HP");
  EXPECT_EQ(w.cases->get(c.id)->status, "coordination_requested");
  EXPECT_EQ(w.kinds_for(w.dv_leader), (std::vector<std::string>{"coordination_received"}));
  w.advance(61);
  auto open = w.alerts->list(std::nullopt, true);
  ASSERT_EQ(open.size(), 1u);
  EXPECT_EQ(open[0].kind, "coordination.overdue");
  EXPECT_EQ(open[0].unit_id, w.unit("HP-DV"));
  EXPECT_EQ(w.kinds_for(w.leader).back(), "coordination_overdue");
  w.advance(10);
  EXPECT_EQ(w.kinds_for(w.leader), (std::vector<std::string>{"case_reported", "coordination_overdue"})) << "told once";
  w.tx([&] { return w.coordination->respond(r.id, w.dv_leader, "Đã kiểm tra, phát hiện 2 container khai sai tên hàng"); });
  EXPECT_TRUE(w.alerts->list(std::nullopt, true).empty());
  EXPECT_EQ(w.kinds_for(w.leader).back(), "coordination_answered");
}

// The status and the field names of the Problem `f` throws.
template <typename F>
std::pair<int, std::vector<std::string>> refusal(F&& f) {
  try {
    f();
  } catch (const core::Problem& p) {
    std::vector<std::string> fields;
    for (const auto& e : p.errors()) fields.push_back(e.field);
    return {p.status(), fields};
  }
  return {0, {}};
}

struct Headquarters : World {
  explicit Headquarters(const Codes& c) : World(c) {
    focal = user("tonghop.vp", c.focal_point, "office_officer", c.hq);
    focal_head = user("chanhvanphong", c.office, "unit_leader", c.office);  // the Office the focal point belongs to
    TaskInput t;
    t.unit_id = unit(c.province);
    t.method = "keypoint_directive";
    t.title = "Giám sát container phế liệu theo chỉ đạo của Lãnh đạo Tổng cục";
    t.period_from = clock.now_ms() - 86'400'000;
    t.directive = json{{"number", "125/TCHQ-ĐTCBL"}, {"date", "2026-11-20"}, {"issuer", "Phó Tổng cục trưởng"}};
    task = tx([&] { return tasks->create(t, hq_leader); }).id;
  }
  Case reported_directive(const std::string& severity = "medium") {
    auto c = open_case(branch_officer, codes.branch, task, severity);
    return tx([&] { return cases->report(c.id, branch_officer); });
  }
  int64_t focal = 0, focal_head = 0, task = 0;
};

// The rules of Art. 16.4(b), (c) and Art. 8 added for issue 13, over both presets.
class Clause16_4 : public ::testing::TestWithParam<Codes> {};

TEST_P(Clause16_4, Art16_4c_TheCaseWaitsAtTheFocalPointWhichForwardsItToTheLeadersItChooses) {
  Headquarters w(GetParam());
  auto c = w.reported_directive();
  EXPECT_EQ(c.routing["clause"], "16.4.c");
  ASSERT_TRUE(c.relay);
  EXPECT_EQ(c.relay->stage, "at_focal_point");
  EXPECT_EQ(c.relay->due_at, w.clock.now_ms() + 60 * kMin) << "a medium case: an hour for the focal point";
  EXPECT_EQ(to_json(c, true, w.clock.now_ms()), to_json(*w.cases->get(c.id), true, w.clock.now_ms())) << "as reported, so stored";
  EXPECT_EQ(w.kinds_for(w.focal), (std::vector<std::string>{"case_reported"}));
  EXPECT_TRUE(w.kinds_for(w.hq_leader).empty()) << "the leadership hears of it through the focal point, not beside it";
  EXPECT_EQ(w.cases->relay_actions(c, w.focal), (std::vector<std::string>{"forward"}));
  EXPECT_TRUE(w.cases->relay_actions(c, w.hq_leader).empty());
  EXPECT_EQ(w.cases->relay_candidates(c), (std::vector<int64_t>{w.hq_leader}));

  // Only the focal point forwards, and only to the leadership.
  EXPECT_EQ(refusal([&] { w.tx([&] { return w.cases->forward(c.id, w.branch_officer, {w.hq_leader}, "Tóm tắt", std::nullopt); }); }).first, 403);
  EXPECT_EQ(refusal([&] { w.tx([&] { return w.cases->forward(c.id, w.focal, {w.leader}, "Tóm tắt", std::nullopt); }); }),
            (std::pair<int, std::vector<std::string>>{400, {"leader_ids[0]"}}));
  c = w.tx([&] {
    return w.cases->forward(c.id, w.focal, {w.hq_leader}, "Container phế liệu rời bãi chưa thông quan tại cảng Tân Vũ",
                            std::string("Đề nghị giao Cục ĐTCBL phối hợp Cục Hải quan Hải Phòng xác minh"));
  });
  EXPECT_EQ(c.relay->stage, "forwarded");
  EXPECT_EQ(c.relay->leaders, (std::vector<int64_t>{w.hq_leader}));
  EXPECT_FALSE(c.relay->due_at);
  EXPECT_EQ(w.kinds_for(w.hq_leader), (std::vector<std::string>{"case_forwarded"}));
  EXPECT_EQ(w.cases->relation(c, w.hq_leader), "approver");
  EXPECT_EQ(refusal([&] { w.tx([&] { return w.cases->forward(c.id, w.focal, {w.hq_leader}, "Lần hai", std::nullopt); }); }).first, 409)
      << "forwarded once";

  // The direction comes back through the focal point to the reporter and the units' leadership.
  EXPECT_EQ(refusal([&] { w.tx([&] { return w.cases->direct(c.id, w.focal, "Tự chỉ đạo"); }); }).first, 403);
  c = w.tx([&] { return w.cases->direct(c.id, w.hq_leader, "Giao Cục Hải quan Hải Phòng kiểm tra thực tế 100%, báo cáo trước 17 giờ"); });
  EXPECT_EQ(c.relay->stage, "directed");
  EXPECT_EQ(w.kinds_for(w.focal).back(), "case_directed");
  EXPECT_TRUE(w.kinds_for(w.branch_officer).empty()) << "not beside the focal point on the way back either";
  c = w.tx([&] { return w.cases->relay_direction(c.id, w.focal, std::string("Đã gửi kèm công văn")); });
  EXPECT_EQ(c.relay->stage, "direction_relayed");
  EXPECT_EQ(w.kinds_for(w.branch_officer), (std::vector<std::string>{"case_direction"}));
  EXPECT_EQ(w.kinds_for(w.leader), (std::vector<std::string>{"case_direction"})) << "the leadership of the unit carrying it out";
  EXPECT_EQ(w.cases->relation(c, w.leader), "approver");
  auto t = w.cases->timeline(c.id);
  std::vector<std::string> hops;
  for (const auto& e : t)
    if (e.kind.rfind("relay.", 0) == 0) hops.push_back(e.kind);
  EXPECT_EQ(hops, (std::vector<std::string>{"relay.at_focal_point", "relay.forwarded", "relay.directed", "relay.direction_relayed"}));
}

TEST_P(Clause16_4, Art16_4c_NotForwardedInTimeGoesToTheFocalPointsLeadershipThenStraightToTheLeaders) {
  Headquarters w(GetParam());
  auto c = w.reported_directive("high");
  EXPECT_EQ(c.relay->due_at, w.clock.now_ms() + 15 * kMin) << "a high case: fifteen minutes a hop";
  w.advance(14);
  EXPECT_EQ(w.cases->get(c.id)->relay->stage, "at_focal_point");
  w.advance(2);
  c = *w.cases->get(c.id);
  EXPECT_EQ(c.relay->stage, "at_focal_leadership");
  EXPECT_EQ(w.kinds_for(w.focal_head), (std::vector<std::string>{"case_relay_overdue"}));
  EXPECT_TRUE(w.kinds_for(w.hq_leader).empty());
  EXPECT_EQ(w.cases->relay_actions(c, w.focal_head), (std::vector<std::string>{"forward"})) << "its leadership may forward it";
  w.advance(16);
  c = *w.cases->get(c.id);
  EXPECT_EQ(c.relay->stage, "sent_to_leaders");
  EXPECT_EQ(w.kinds_for(w.hq_leader), (std::vector<std::string>{"case_forwarded"}));
  EXPECT_NE(c.relay->bypass_reason.value("vi", "").find("không chuyển báo cáo trong thời hạn"), std::string::npos);
  EXPECT_EQ(w.cases->relay_actions(c, w.hq_leader), (std::vector<std::string>{"direct"}));
  // The severity's escalation steps did not run beside the relay while the focal point held it.
  for (auto u : {w.shift_leader, w.leader, w.hq_leader})
    for (const auto& k : w.kinds_for(u)) EXPECT_NE(k, "case_escalated");
  // Directed, but the focal point does not pass it on: the units get it directly, the reason recorded.
  w.tx([&] { return w.cases->direct(c.id, w.hq_leader, "Kiểm tra ngay"); });
  w.advance(16);
  c = *w.cases->get(c.id);
  EXPECT_EQ(c.relay->stage, "direction_sent");
  EXPECT_EQ(w.kinds_for(w.branch_officer), (std::vector<std::string>{"case_direction"}));
  EXPECT_EQ(w.count(w.cases->timeline(c.id), "relay.direction_sent"), 1);
}

TEST(Cases, AListKeepsToWhatTheReaderMayReadBeforeItsLimit) {
  World w;
  auto mine = w.reported(w.branch_officer, w.codes.branch);
  auto draft = w.open_case(w.leader, w.codes.branch);  // someone else's draft in the same unit
  for (int i = 0; i < 4; ++i) w.reported(w.leader, w.codes.other_province);  // newer, in another province
  CaseQuery q;
  q.limit = 3;
  auto ids = [&] {
    std::vector<int64_t> out;
    for (const auto& c : w.cases->list(q)) out.push_back(c.id);
    return out;
  };
  auto has = [](const std::vector<int64_t>& v, int64_t id) { return std::find(v.begin(), v.end(), id) != v.end(); };
  EXPECT_FALSE(has(ids(), mine.id)) << "unscoped, the newest three crowd it out";
  q.reader = CaseReader{w.next_officer, std::vector<int64_t>{w.unit(w.codes.branch)}, std::vector<int64_t>{}, false};
  EXPECT_EQ(ids(), (std::vector<int64_t>{mine.id})) << "the unit's case, not the draft, not the other province's";
  q.reader->read_roots = std::vector<int64_t>{};
  EXPECT_TRUE(ids().empty()) << "no unit scope and nothing routed to them";
  q.reader->user_id = w.leader;
  q.limit = 10;
  auto own = ids();
  EXPECT_EQ(own.size(), 5u) << "what they reported, and their own draft";
  EXPECT_TRUE(has(own, draft.id));
  EXPECT_FALSE(has(own, mine.id));
}

TEST(RelayTable, Art16_4c_EachHopIsTakenByItsOwnPeopleAndTheClockMovesOnlyTheFocalPointsHops) {
  EXPECT_EQ(relay_step("at_focal_point", RelayAction::forward, "focal_point").next, "forwarded");
  EXPECT_EQ(relay_step("at_focal_leadership", RelayAction::forward, "focal_leadership").next, "forwarded");
  EXPECT_TRUE(relay_step("at_focal_point", RelayAction::forward, "hq_leadership").wrong_person) << "a leader does not forward to himself";
  EXPECT_TRUE(relay_step("at_focal_point", RelayAction::forward, "").wrong_person);
  auto early = relay_step("at_focal_point", RelayAction::direct, "hq_leadership");
  EXPECT_FALSE(early.next);
  EXPECT_FALSE(early.wrong_person) << "the right person, too early: a conflict";
  EXPECT_EQ(relay_step("sent_to_leaders", RelayAction::direct, "hq_leadership").next, "directed");
  EXPECT_TRUE(relay_step("forwarded", RelayAction::direct, "focal_point").wrong_person);
  EXPECT_EQ(relay_step("directed", RelayAction::relay_direction, "focal_point").next, "direction_relayed");
  EXPECT_FALSE(relay_step("direction_relayed", RelayAction::relay_direction, "focal_point").next);
  EXPECT_EQ(relay_lapse("at_focal_point", 100, 100), "at_focal_leadership");
  EXPECT_FALSE(relay_lapse("at_focal_point", 100, 99));
  EXPECT_EQ(relay_lapse("at_focal_leadership", 100, 200), "sent_to_leaders");
  EXPECT_EQ(relay_lapse("directed", 100, 200), "direction_sent");
  EXPECT_FALSE(relay_lapse("forwarded", 100, 200)) << "the leaders' time is the escalation policy's, not the relay's";
  for (const char* stage : kRelayStages) {
    EXPECT_STRNE(relay_stage_vi(stage), "") << stage;
    EXPECT_STRNE(relay_stage_en(stage), "") << stage;
    EXPECT_EQ(relay_awaits_focal_point(stage), relay_lapse(stage, 0, 1).has_value()) << stage;
  }
}

TEST_P(Clause16_4, Art16_4b_APlanIsInForceOnlyOnceTheLeadershipOfItsUnitApprovesIt) {
  World w(GetParam());
  TaskInput t;
  t.unit_id = w.unit(w.codes.province);
  t.method = "keypoint_plan";
  t.title = "Kế hoạch giám sát trọng điểm hàng quá cảnh";
  t.period_from = w.clock.now_ms() - 86'400'000;
  auto plan = w.tx([&] { return w.tasks->create(t, w.shift_leader); });
  EXPECT_EQ(plan.status, "awaiting_approval");
  CaseInput in;
  in.unit_id = w.unit(w.codes.branch);
  in.task_id = plan.id;
  in.observed_at = w.clock.now_ms();
  in.site = "Cảng Tân Vũ";
  in.subject = "goods";
  in.description = "Container quá cảnh thay đổi niêm phong";
  EXPECT_EQ(refusal([&] { w.tx([&] { return w.cases->create(in, w.branch_officer); }); }),
            (std::pair<int, std::vector<std::string>>{400, {"task_id"}}))
      << "an unapproved plan cannot be used to report";
  EXPECT_EQ(refusal([&] { w.tx([&] { return w.tasks->approve(plan.id, w.shift_leader); }); }).first, 403);
  TaskInput activate;
  activate.status = "active";
  EXPECT_EQ(refusal([&] { w.tx([&] { return w.tasks->update(plan.id, activate, w.shift_leader); }); }).first, 400)
      << "no way around the approval";
  plan = w.tx([&] { return w.tasks->approve(plan.id, w.leader); });
  EXPECT_EQ(plan.status, "active");
  EXPECT_EQ(plan.approved_by, w.leader);
  EXPECT_NO_THROW(w.tx([&] { return w.cases->create(in, w.branch_officer); }));
  // Drawn up by the leadership itself: in force at once.
  EXPECT_EQ(w.tx([&] { return w.tasks->create(t, w.leader); }).status, "active");
}

TEST_P(Clause16_4, Art16_4c_OnlyAHeadquartersLeaderOrTheFocalPointRecordsADirection) {
  Headquarters w(GetParam());
  TaskInput t;
  t.unit_id = w.unit(w.codes.province);
  t.method = "keypoint_directive";
  t.title = "Theo chỉ đạo của Lãnh đạo Tổng cục";
  t.period_from = w.clock.now_ms();
  t.directive = json{{"number", "Chỉ đạo tại giao ban ngày 01/12"}, {"date", "2026-12-01"}, {"issuer", "Tổng cục trưởng"}};
  EXPECT_EQ(refusal([&] { w.tx([&] { return w.tasks->create(t, w.leader); }); }).first, 403) << "a provincial director";
  EXPECT_EQ(refusal([&] { w.tx([&] { return w.tasks->create(t, w.shift_leader); }); }).first, 403);
  EXPECT_EQ(w.tx([&] { return w.tasks->create(t, w.focal); }).status, "active") << "the focal point, on a leader's behalf";
  t.directive = json();
  EXPECT_EQ(refusal([&] { w.tx([&] { return w.tasks->create(t, w.focal); }); }),
            (std::pair<int, std::vector<std::string>>{400, {"directive"}}))
      << "with the direction's reference";
}

TEST_P(Clause16_4, Art8_PassengerBaggageNeedsTheMeasureTheTeamAndWhoAndWhatWhoeverReports) {
  World w(GetParam());
  CaseInput in;
  in.unit_id = w.unit(w.codes.branch);
  in.observed_at = w.clock.now_ms();
  in.site = "Sảnh nhập cảnh";
  in.subject = "passenger_baggage";
  in.description = "Hành khách mang hành lý có dấu hiệu cất giấu";
  auto c = w.tx([&] { return w.cases->create(in, w.branch_officer); });
  auto [status, fields] = refusal([&] { w.tx([&] { return w.cases->report(c.id, w.branch_officer); }); });
  EXPECT_EQ(status, 400);
  EXPECT_EQ(fields, (std::vector<std::string>{"site_unit_id", "immediate_measure", "identifiers.persons", "identifiers.baggage"}))
      << "an officer off shift too (the duty watch takes the measure)";
  EXPECT_EQ(w.cases->get(c.id)->status, "draft") << "nothing changed";
  in.site_unit_id = w.unit(w.codes.branch);
  in.immediate_measure = "Đề nghị đội nghiệp vụ giữ hành lý tại khu vực kiểm tra";
  in.identifiers = json{{"persons", {"NGUYEN VAN A, hộ chiếu C1234567"}}, {"baggage", {"Thẻ hành lý VN123456, vali đen"}}};
  w.tx([&] { return w.cases->update_draft(c.id, in, w.branch_officer); });
  EXPECT_EQ(w.tx([&] { return w.cases->report(c.id, w.branch_officer); }).status, "reported");
}

TEST_P(Clause16_4, EscalationFollowsTheChannelNeverFromABranchStraightToHeadquartersLeaders) {
  for (const auto& p : default_policies())
    for (const auto& step : p.steps) {
      EXPECT_NE(step.notify_role, "hq_leader") << p.severity;
      EXPECT_NE(step.notify_at, "headquarters") << p.severity;
    }
  World w(GetParam());
  auto c = w.reported(w.branch_officer, w.codes.branch, "high");
  w.advance(300);
  EXPECT_TRUE(w.kinds_for(w.hq_leader).empty()) << "four hours unanswered, and still not the HQ leaders";
  EXPECT_FALSE(w.kinds_for(w.leader).empty()) << "the province's leadership was told";
}
// ---- The handover carries what the duty watch must keep in view (Art. 15.2), over both presets.

class Handover15_2 : public ::testing::TestWithParam<Codes> {};

std::map<int64_t, json> items_of(const json& items, const std::string& type) {
  std::map<int64_t, json> out;
  for (const auto& i : items)
    if (i["type"] == type) out[i["id"].get<int64_t>()] = i;
  return out;
}

TEST_P(Handover15_2, KeyPointCasesOfPoints16_4bAnd16_4cTravelWithTheHandoverOfEachWatchTheyConcern) {
  const Codes& c = GetParam();
  World w(c);
  auto plan = w.task("keypoint_plan", c.province, w.leader);
  auto directive = w.task("keypoint_directive", c.hq, w.hq_leader);
  auto b = w.open_case(w.branch_officer, c.branch, plan.id);
  // A long description is cut for the handover between characters, never inside one.
  CaseInput longer;
  longer.description = "x";
  for (int i = 0; i < 150; ++i) longer.description->append("ư");
  w.tx([&] { return w.cases->update_draft(b.id, longer, w.branch_officer); });
  b = w.tx([&] { return w.cases->report(b.id, w.branch_officer); });
  auto cc = w.open_case(w.branch_officer, c.branch, directive.id);
  cc = w.tx([&] { return w.cases->report(cc.id, w.branch_officer); });
  ASSERT_EQ(b.routing["clause"], "16.4.b");
  ASSERT_EQ(cc.routing["clause"], "16.4.c");
  ASSERT_EQ(cc.routing["handling_unit_id"], w.unit(c.hq));

  // The province's watch: the 16.4(b) case its leadership handles and the 16.4(c) case its branch reported.
  auto shift = w.duty->shift_at(w.unit(c.province), w.clock.now_ms());
  auto h = w.duty->prepare_handover(shift->id, w.shift_leader, "Bàn giao", "");
  auto cases = items_of(h.open_items, "case");
  ASSERT_EQ(cases.size(), 2u) << h.open_items;
  EXPECT_EQ(cases[b.id]["kind"], "16.4.b");
  EXPECT_EQ(cases[b.id]["number"], b.number);
  EXPECT_EQ(cases[b.id]["target"], b.number + ": " + b.description.substr(0, 199)) << "the x and 99 whole characters";
  EXPECT_EQ(cases[cc.id]["kind"], "16.4.c");
  EXPECT_NO_THROW(to_json(*w.duty->handover(shift->id)).dump());
  // Headquarters' watch keeps the 16.4(c) case it handles; another province's watch neither.
  int64_t hq_watch = w.units->get(w.unit(c.hq))->designations.at("duty_watch");
  auto at_hq = items_of(w.cases->open_items(hq_watch), "case");
  EXPECT_TRUE(at_hq.count(cc.id));
  EXPECT_FALSE(at_hq.count(b.id));
  EXPECT_TRUE(items_of(w.cases->open_items(w.unit(c.other_province)), "case").empty());

  // Concluded, a key-point case no longer travels.
  w.tx([&] { return w.cases->acknowledge(b.id, w.leader); });
  w.tx([&] { return w.cases->conclude(b.id, w.leader, "no_violation", "Hàng đúng khai báo"); });
  cases = items_of(w.cases->open_items(w.unit(c.province)), "case");
  EXPECT_FALSE(cases.count(b.id));
  EXPECT_TRUE(cases.count(cc.id));
}

TEST_P(Handover15_2, AppendixV_ARequestAwaitingAnAnswerIsHandedOverByTheSenderAndTheReceiver) {
  const Codes& c = GetParam();
  World w(c);
  int64_t other_leader = w.user("lanhdao.ls", c.other_province_leadership, "unit_leader", c.other_province);
  auto plan = w.task("keypoint_plan", c.province, w.leader);
  auto b = w.open_case(w.branch_officer, c.branch, plan.id);
  w.tx([&] { return w.cases->report(b.id, w.branch_officer); });
  w.tx([&] { return w.cases->acknowledge(b.id, w.leader); });
  auto ask = [&](const std::string& unit_code) {
    CoordinationInput in{b.id,
                         w.unit(unit_code),
                         w.clock.now_ms() + 24 * 60 * kMin,
                         "Phối hợp kiểm tra container TCNU1234567",
                         "Kiểm tra thực tế hàng hóa",
                         "Đ/c Khánh, 0225 3836 xxx"};
    return w.tx([&] { return w.coordination->request(in, w.leader); });
  };
  auto to_province = ask(c.other_province);
  auto to_branch = ask(c.other_branch);

  auto ours = items_of(w.cases->open_items(w.unit(c.province)), "coordination");
  ASSERT_EQ(ours.size(), 2u);
  EXPECT_EQ(ours[to_province.id]["kind"], "sent");
  EXPECT_EQ(ours[to_province.id]["number"], to_province.number);
  EXPECT_EQ(ours[to_province.id]["case_number"], b.number);
  EXPECT_EQ(ours[to_province.id]["to_unit_id"], w.unit(c.other_province));
  EXPECT_EQ(ours[to_branch.id]["kind"], "sent") << "sent by the province to its own branch";
  auto theirs = items_of(w.cases->open_items(w.unit(c.other_province)), "coordination");
  ASSERT_EQ(theirs.size(), 1u);
  EXPECT_EQ(theirs[to_province.id]["kind"], "received");

  // Acknowledged is not answered; answered, it leaves both handovers.
  w.tx([&] { return w.coordination->acknowledge(to_province.id, other_leader); });
  EXPECT_EQ(items_of(w.cases->open_items(w.unit(c.other_province)), "coordination").size(), 1u);
  w.tx([&] { return w.coordination->respond(to_branch.id, w.dv_leader, "Đã kiểm tra, hàng đúng khai báo"); });
  ours = items_of(w.cases->open_items(w.unit(c.province)), "coordination");
  EXPECT_EQ(ours.size(), 1u);
  EXPECT_FALSE(ours.count(to_branch.id));
  w.tx([&] { return w.coordination->respond(to_province.id, other_leader, "Đã phối hợp kiểm tra"); });
  EXPECT_TRUE(items_of(w.cases->open_items(w.unit(c.province)), "coordination").empty());
  EXPECT_TRUE(items_of(w.cases->open_items(w.unit(c.other_province)), "coordination").empty());
}

TEST_P(Handover15_2, AppendixV_TheHandlingUnitAsksAnyOtherUnitOfCustomsAndOnlyThose) {
  const Codes& c = GetParam();
  World w(c);
  auto plan = w.task("keypoint_plan", c.province, w.leader);
  auto b = w.open_case(w.branch_officer, c.branch, plan.id);
  b = w.tx([&] { return w.cases->report(b.id, w.branch_officer); });
  b = w.tx([&] { return w.cases->acknowledge(b.id, w.leader); });
  auto targets = w.coordination->targets(b);
  auto listed = [&](int64_t u) { return std::find(targets.begin(), targets.end(), u) != targets.end(); };
  EXPECT_FALSE(listed(w.unit(c.province))) << "the handling unit";
  EXPECT_TRUE(listed(w.unit(c.branch))) << "the unit that found it";
  for (const auto& u : w.units->list()) EXPECT_EQ(listed(u.id), !u.external && u.id != w.unit(c.province)) << u.code;
  for (const auto& u : w.units->list()) {
    CoordinationInput in{b.id, u.id, w.clock.now_ms() + 60 * kMin, "Phối hợp", "Kiểm tra", "Đ/c Khánh"};
    if (listed(u.id)) continue;
    EXPECT_EQ(problem_of([&] { w.tx([&] { return w.coordination->request(in, w.leader); }); }).errors()[0].field,
              "to_unit_id")
        << u.code;
  }
  CoordinationInput in{b.id, w.unit(c.branch), w.clock.now_ms() + 60 * kMin, "Phối hợp", "Kiểm tra", "Đ/c Khánh"};
  EXPECT_EQ(w.tx([&] { return w.coordination->request(in, w.leader); }).to_unit_id, w.unit(c.branch));
}

INSTANTIATE_TEST_SUITE_P(BothPresets, Handover15_2, ::testing::Values(k2017, k2025), [](const auto& info) {
  return info.param.preset == "org-2017.json" ? std::string("Org2017") : std::string("Org2025");
});

INSTANTIATE_TEST_SUITE_P(BothPresets, Clause16_4, ::testing::Values(k2017, k2025), [](const auto& info) {
  return info.param.preset == "org-2017.json" ? std::string("Org2017") : std::string("Org2025");
});

// ---- the escalation runner's rules, pure (escalation.h)

TEST(EscalationRules, StepsFallDueInOrderRepeatAndStopWhenTheirConditionEnds) {
  EscalationPolicy high = default_policies()[0];  // 5 min shift leader ×2 every 5, 15 unit leader, 30 above, 240 not closed
  EscalationState s{1'000'000, {}, {}};
  CaseClock reported{"reported", 1'000'000, std::nullopt};
  EXPECT_TRUE(due_steps(high, s, reported, 1'000'000 + 4 * kMin).empty());
  EXPECT_EQ(next_due(high, s, reported), 1'000'000 + 5 * kMin) << "the runner's queue wakes at the first step";
  auto due = due_steps(high, s, reported, 1'000'000 + 5 * kMin);
  ASSERT_EQ(due.size(), 1u);
  EXPECT_EQ(due[0].step, 0u);
  mark_fired(s, 0, 1'000'000 + 5 * kMin);
  EXPECT_EQ(next_due(high, s, reported), 1'000'000 + 10 * kMin) << "the repeat, five minutes on";
  mark_fired(s, 0, 1'000'000 + 10 * kMin);
  EXPECT_EQ(next_due(high, s, reported), 1'000'000 + 15 * kMin) << "repeated twice: the unit's leadership next";
  // Acknowledged: the not-acknowledged steps stop; what remains is the lapse and the not-closed step.
  CaseClock acked{"acknowledged", 1'000'000, 1'000'000 + 12 * kMin};
  EXPECT_TRUE(due_steps(high, s, acked, 1'000'000 + 20 * kMin).empty());
  EXPECT_FALSE(ack_lapsed(high, acked, 1'000'000 + 26 * kMin));
  EXPECT_TRUE(ack_lapsed(high, acked, 1'000'000 + 27 * kMin)) << "15 minutes after the acknowledgement";
  EXPECT_EQ(next_due(high, s, acked), 1'000'000 + 27 * kMin);
  CaseClock handling{"in_handling", 1'000'000, 1'000'000 + 12 * kMin};
  EXPECT_EQ(next_due(high, s, handling), 1'000'000 + 240 * kMin) << "only the not-closed step is left";
  EXPECT_FALSE(ack_lapsed(high, handling, 1'000'000 + 999 * kMin));
  mark_fired(s, 3, 1'000'000 + 240 * kMin);
  EXPECT_EQ(next_due(high, s, handling), std::nullopt) << "nothing more to do: out of the queue";
}

TEST(Cases, TheEscalationRunnerLooksOnlyAtTheCasesDueAndTheInboxCountIsKept) {
  World w;
  auto c = w.reported(w.branch_officer, "HP-CKKV1");
  auto due_at = [&](int64_t id) { return w.db->query_one("SELECT due_at FROM cases WHERE id = ?", {id})->opt_i64("due_at"); };
  ASSERT_TRUE(due_at(c.id));
  EXPECT_EQ(*due_at(c.id), *c.reported_at + 15 * kMin) << "medium: the shift leader after 15 minutes";
  auto closed_draft = w.open_case(w.branch_officer, "HP-CKKV1");
  EXPECT_EQ(due_at(closed_draft.id), std::nullopt) << "a draft is not in the queue";
  EXPECT_EQ(w.inbox->unread(w.shift_leader), 1) << "the report";
  w.advance(14);
  EXPECT_EQ(w.count(w.cases->timeline(c.id), "escalated"), 0);
  w.advance(1);
  EXPECT_EQ(w.count(w.cases->timeline(c.id), "escalated"), 1);
  EXPECT_EQ(w.inbox->unread(w.shift_leader), 2) << "the escalation notice is counted";
  EXPECT_EQ(*due_at(c.id), w.clock.now_ms() + 15 * kMin) << "rescheduled at the repeat";
  w.cases->acknowledge(c.id, w.shift_leader);
  EXPECT_EQ(w.inbox->unread(w.shift_leader), 0) << "acknowledging reads the case's notices";
  EXPECT_EQ(*due_at(c.id), w.clock.now_ms() + 30 * kMin) << "now the acknowledgement's lapse";
  w.cases->start_handling(c.id, w.shift_leader);
  EXPECT_EQ(*due_at(c.id), *c.reported_at + 1440 * kMin) << "only the not-closed step is left";
  w.cases->conclude(c.id, w.leader, "no_violation", "Đã kiểm tra, không vi phạm");
  EXPECT_EQ(due_at(c.id), std::nullopt) << "concluded: out of the queue";
}

}  // namespace
}  // namespace watchfloor::supervision

namespace watchfloor::supervision {
namespace {

// ---- the lifecycle table (lifecycle.h), every status against every step

TEST(CaseLifecycle, EveryStatusAllowsExactlyItsStepsAndNamesTheStatusWhenItRefuses) {
  const std::map<std::string, std::map<CaseStep, std::string>> allowed = {
      {"draft", {{CaseStep::edit, "draft"}, {CaseStep::report, "reported"}}},
      {"reported",
       {{CaseStep::acknowledge, "acknowledged"}, {CaseStep::start_handling, "in_handling"}, {CaseStep::propose, "reported"},
        {CaseStep::decide, "reported"}, {CaseStep::execute, "reported"}}},
      {"acknowledged",
       {{CaseStep::start_handling, "in_handling"}, {CaseStep::propose, "acknowledged"}, {CaseStep::decide, "acknowledged"},
        {CaseStep::execute, "acknowledged"}, {CaseStep::request_coordination, "coordination_requested"},
        {CaseStep::conclude, "concluded"}, {CaseStep::lapse_acknowledgement, "reported"}}},
      {"in_handling",
       {{CaseStep::propose, "in_handling"}, {CaseStep::decide, "in_handling"}, {CaseStep::execute, "in_handling"},
        {CaseStep::request_coordination, "coordination_requested"}, {CaseStep::conclude, "concluded"}}},
      {"coordination_requested",
       {{CaseStep::start_handling, "in_handling"}, {CaseStep::propose, "coordination_requested"},
        {CaseStep::decide, "coordination_requested"}, {CaseStep::execute, "coordination_requested"},
        {CaseStep::request_coordination, "coordination_requested"}, {CaseStep::conclude, "concluded"}}},
      {"concluded", {{CaseStep::close, "closed"}, {CaseStep::reopen, "in_handling"}}},
      {"closed", {{CaseStep::reopen, "in_handling"}}},
  };
  const CaseStep steps[] = {CaseStep::edit,    CaseStep::report,  CaseStep::acknowledge,          CaseStep::start_handling,
                            CaseStep::propose, CaseStep::decide,  CaseStep::execute,              CaseStep::request_coordination,
                            CaseStep::conclude, CaseStep::close,  CaseStep::reopen,               CaseStep::lapse_acknowledgement};
  for (const char* status : kCaseStatuses) {
    ASSERT_TRUE(allowed.count(status)) << status;
    for (auto step : steps) {
      auto t = case_step(status, step);
      auto it = allowed.at(status).find(step);
      if (it != allowed.at(status).end()) {
        EXPECT_EQ(t.next, it->second) << status << " step " << static_cast<int>(step);
      } else {
        EXPECT_EQ(t.next, std::nullopt) << status << " step " << static_cast<int>(step);
        EXPECT_NE(t.refusal_vi.find(status), std::string::npos) << "the refusal names the status";
        EXPECT_NE(t.refusal_en.find(status), std::string::npos);
      }
    }
  }
  EXPECT_FALSE(case_open("draft"));
  EXPECT_TRUE(case_open("coordination_requested"));
  EXPECT_FALSE(case_open("concluded"));
}

CaseInput goods_at(int64_t unit, int64_t observed_at, int i) {
  CaseInput in;
  in.unit_id = unit;
  in.observed_at = observed_at;
  in.site = "Cổng B cảng Tân Vũ";
  in.subject = "goods";
  in.description = fmt::format("Container TCNU{:07} rời bãi khi chưa có quyết định thông quan", i);
  in.identifiers = json{{"containers", {fmt::format("TCNU{:07}", i)}}};
  return in;
}

// Cases created and reported on two servers at once (store::Writers::shared): every number of each unit's series
// given once and none skipped, every case routed with its recipients notified once and their unread counts exact,
// the audit chain whole with every creation and report in it.
TEST(CasesOnTwoServers, CasesReportedOnBothAtOnceAreNumberedRoutedAndAuditedAsOneAtATime) {
  if (!test::on_postgres()) GTEST_SKIP() << "one process owns a SQLite store";
  World w;
  World b(World::OnStoreOf{w});
  const int64_t units[] = {w.unit("HP-CKKV1"), w.unit(w.codes.other_branch)};
  constexpr int kEach = 12;
  std::atomic<int> ready{0};
  auto file = [&](Cases& cases, int first) {
    ++ready;
    while (ready < 2) std::this_thread::yield();
    for (int i = 0; i < kEach; ++i)
      cases.create_reported(goods_at(units[i % 2], w.clock.now_ms() - 5 * kMin, first + i), w.branch_officer);
  };
  std::thread on_b([&] { file(*b.cases, 100); });
  file(*w.cases, 0);
  on_b.join();

  for (int64_t unit : units) {
    auto code = w.units->get(unit)->code;
    auto rows = w.db->query("SELECT number FROM cases WHERE unit_id = ? AND status = 'reported' ORDER BY number", {unit});
    ASSERT_EQ(rows.size(), size_t{kEach}) << code;
    for (int i = 0; i < kEach; ++i) EXPECT_EQ(rows[i].str("number"), fmt::format("{}-2026-{:04}", code, i + 1));
  }
  int64_t notified = 0;
  for (const auto& r : w.db->query("SELECT c.id, COUNT(DISTINCT p.user_id) AS recipients, COUNT(n.id) AS notices FROM cases c "
                                   "JOIN case_recipients p ON p.case_id = c.id LEFT JOIN notifications n ON n.case_id = c.id "
                                   "AND n.user_id = p.user_id GROUP BY c.id")) {
    EXPECT_GT(r.i64("recipients"), 0);
    EXPECT_EQ(r.i64("notices"), r.i64("recipients")) << "case " << r.i64("id");
    notified += r.i64("notices");
  }
  EXPECT_GT(notified, 2 * kEach);
  for (const auto& r : w.db->query("SELECT user_id, unread, (SELECT COUNT(*) FROM notifications n WHERE n.user_id = k.user_id) AS n "
                                   "FROM inbox_counts k"))
    EXPECT_EQ(r.i64("unread"), r.i64("n")) << "user " << r.i64("user_id") << ": an increment lost";
  auto v = w.audit->verify();
  EXPECT_TRUE(v.ok) << v.reason << " at " << v.first_broken_seq.value_or(0);
  EXPECT_EQ(w.db->query_one("SELECT COUNT(*) AS n FROM audit_log WHERE action IN ('case.create', 'case.report')")->i64("n"),
            4 * kEach);
}

// Two servers reporting one draft at once: both read it a draft; the second's report, reaching the case after the
// first's commit, is refused, and the case is routed once.
TEST(CasesOnTwoServers, ADraftReportedOnBothAtOnceIsReportedOnce) {
  if (!test::on_postgres()) GTEST_SKIP() << "one process owns a SQLite store";
  World w;
  World b(World::OnStoreOf{w});
  auto draft = w.open_case(w.branch_officer, "HP-CKKV1");
  std::promise<void> reported, release;
  std::thread first([&] {
    store::Work::run(*w.db, [&](store::Work&) {
      w.cases->report(draft.id, w.branch_officer);
      reported.set_value();
      release.get_future().wait();  // still uncommitted
    }, store::Writers::shared);
  });
  reported.get_future().wait();
  auto second = std::async(std::launch::async, [&] { return b.cases->report(draft.id, w.branch_officer); });
  EXPECT_EQ(second.wait_for(std::chrono::milliseconds(300)), std::future_status::timeout)
      << "the second report reached the case before the first committed";
  release.set_value();
  first.join();
  try {
    second.get();
    ADD_FAILURE() << "the draft was reported twice";
  } catch (const core::Problem& p) {
    EXPECT_EQ(p.status(), 409);
  }
  EXPECT_EQ(w.cases->get(draft.id)->status, "reported");
  auto routed = w.db->query_one("SELECT COUNT(*) AS n FROM case_events WHERE case_id = ? AND kind = 'routed'", {draft.id});
  EXPECT_EQ(routed->i64("n"), 1);
  EXPECT_EQ(w.inbox->unread(w.shift_leader), 1);
}

}  // namespace
}  // namespace watchfloor::supervision
