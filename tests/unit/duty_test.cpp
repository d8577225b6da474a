// The duty watch over a real database with a fake clock: roster lifecycle, composition exceptions,
// publication into shifts, amendments, the append-only duty log, orders and handover.
#include "duty/duty.h"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <filesystem>

#include "core/error.h"
#include "core/random.h"
#include "duty/watch.h"
#include "events/alerts.h"
#include "org/units.h"
#include "org/users.h"
#include "test_util.h"
#include "test_store.h"

namespace watchfloor::duty {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

int64_t at(const std::string& iso) { return *core::parse_iso8601(iso); }

struct World {
  World() {
    dir = fs::path(::testing::TempDir()) / ("wf-duty-" + core::random_token(6));
    db = test::open_store(dir / "watchfloor.db");
    clock.set_ms(at("2026-11-27T12:00:00Z"));
    audit_log = std::make_unique<audit::AuditLog>(*db, clock);
    sessions = std::make_unique<auth::Sessions>(*db, clock, security);
    units = std::make_unique<org::Units>(*db, clock, *audit_log, duty_bus);
    users = std::make_unique<org::Users>(*db, clock, *units, *audit_log, *sessions);
    duty = std::make_unique<Duty>(*db, clock, *units, *users, *audit_log, duty_bus);
    org::UnitInput u;
    u.code = "HP";
    u.kind = "provincial_department";
    u.name_vi = "Cục Hải quan TP. Hải Phòng";
    u.name_en = "Hai Phong Customs Department";
    u.must_run_24x7 = true;
    unit = units->create(u, audit::Actor::system("test")).id;
    for (int i = 1; i <= 8; ++i)
      db->exec("INSERT INTO users(username, full_name, unit_id, password_hash, created_at) VALUES (?,?,?,?,?)",
               {"u" + std::to_string(i), "Cán bộ " + std::to_string(i), unit, std::string("x"), int64_t(0)});
  }
  ~World() {
    duty.reset();
    audit_log.reset();
    users.reset();
    units.reset();
    db.reset();
    fs::remove_all(dir);
  }

  // Two complete teams (shift leader, division leader, office officer, two supervision officers) would
  // need 10 people; team A is complete, team B lacks an office officer.
  RosterInput two_teams(const std::string& from, const std::string& to) {
    Rotation r;
    r.kind = "daily_rotation";
    r.anchor_date = from;
    r.teams = {{{1, "shift_leader"}, {2, "deputy_leader"}, {3, "office_officer"}, {4, "supervision_officer"}, {5, "supervision_officer"}},
               {{6, "shift_leader"}, {7, "deputy_leader"}, {8, "supervision_officer"}, {4, "supervision_officer"}}};
    RosterInput in;
    in.unit_id = unit;
    in.period_from = from;
    in.period_to = to;
    in.rotation = r;
    return in;
  }

  Roster published(const std::string& from, const std::string& to) {
    auto r = duty->create_roster(two_teams(from, to), 3);
    duty->submit(r.id, 3);
    duty->approve(r.id, 1, std::string("Thiếu cán bộ Văn phòng ca B, đã báo cáo Cục trưởng"));
    return duty->publish(r.id, 3);
  }

  fs::path dir;
  core::FakeClock clock;
  std::unique_ptr<store::Db> db;
  std::unique_ptr<audit::AuditLog> audit_log;
  core::SecurityConfig security;
  std::unique_ptr<auth::Sessions> sessions;
  events::Bus duty_bus{clock};  // what the organisation and the duty watch publish
  std::unique_ptr<org::Units> units;
  std::unique_ptr<org::Users> users;
  std::unique_ptr<Duty> duty;
  int64_t unit = 0;
};

struct Watched : World {
  Watched() : bus(clock), alerts(*db, clock, bus, *audit_log) {}
  ~Watched() { bus.unsubscribe(sub); }
  void check() { check_duty(*duty, *units, alerts, clock.now_ms()); }
  std::vector<events::Alert> open() { return alerts.list(std::nullopt, true); }
  events::Bus bus;
  events::Alerts alerts;
  std::vector<std::string> topics;
  uint64_t sub = bus.subscribe([this](const events::Event& e) { topics.push_back(e.topic); });
};


TEST(Roster, MovesDraftSubmittedApprovedPublishedAndNoStepSkips) {
  World w;
  auto r = w.duty->create_roster(w.two_teams("2026-12-01", "2026-12-31"), 3);
  EXPECT_EQ(r.status, "draft");
  EXPECT_EQ(problem_of([&] { w.duty->approve(r.id, 1, std::string("x")); }).status(), 409);
  EXPECT_EQ(problem_of([&] { w.duty->publish(r.id, 1); }).status(), 409);
  EXPECT_EQ(w.duty->submit(r.id, 3).status, "submitted");
  EXPECT_EQ(problem_of([&] { w.duty->submit(r.id, 3); }).status(), 409);
  EXPECT_EQ(w.duty->approve(r.id, 1, std::string("ngoại lệ")).status, "approved");
  auto p = w.duty->publish(r.id, 3);
  EXPECT_EQ(p.status, "published");
  EXPECT_EQ(p.published_by, 3);
  EXPECT_EQ(w.duty->shifts(w.unit, at("2026-11-30T00:00:00Z"), at("2027-01-02T00:00:00Z")).size(), 31u);
}

TEST(Roster, TheUnitsTemplateSetsTheShiftHoursOfWhatIsPublishedNext) {
  World w;
  auto t = default_template();
  t.start_minute = 7 * 60 + 30;
  t.length_minutes = 12 * 60;
  t.phases = {{"day", "Ca ngày", "Day", 0, 12 * 60, {{"shift_leader", 1}}}};
  w.duty->set_template(w.unit, t, 1);
  EXPECT_EQ(w.duty->template_for(w.unit).start_minute, 450);
  w.published("2026-12-01", "2026-12-01");
  auto s = w.duty->shifts(w.unit, at("2026-11-30T00:00:00Z"), at("2026-12-02T00:00:00Z"));
  ASSERT_EQ(s.size(), 1u);
  EXPECT_EQ(core::iso8601(s[0].starts_at), "2026-12-01T00:30:00.000Z");  // 07:30 in Vietnam
  EXPECT_EQ(s[0].ends_at - s[0].starts_at, 12 * 3600'000LL);
  EXPECT_THROW(template_from_json(json{{"start_minute", 2000}}), core::Problem);
}

TEST(Roster, CompositionGapsBlockApprovalUnlessAnExceptionIsRecorded) {
  World w;
  auto r = w.duty->create_roster(w.two_teams("2026-12-01", "2026-12-04"), 3);
  w.duty->submit(r.id, 3);
  auto p = problem_of([&] { w.duty->approve(r.id, 1, std::nullopt); });
  EXPECT_EQ(p.status(), 409);
  EXPECT_EQ(p.slug(), "composition");
  ASSERT_FALSE(p.errors().empty());
  // Team B works 02/12 and 04/12 without an office officer during office hours.
  EXPECT_NE(p.errors()[0].message_vi.find("2026-12-02"), std::string::npos);
  EXPECT_NE(p.errors()[0].message_en.find("office_officer"), std::string::npos);
  EXPECT_EQ(w.duty->roster(r.id)->status, "submitted");
  auto ok = w.duty->approve(r.id, 1, std::string("Thiếu cán bộ Văn phòng, đã báo cáo"));
  EXPECT_EQ(ok.composition_exception, "Thiếu cán bộ Văn phòng, đã báo cáo");
}

TEST(Roster, EditingASubmittedRosterSendsItBackToDraft) {
  World w;
  auto r = w.duty->create_roster(w.two_teams("2026-12-01", "2026-12-04"), 3);
  w.duty->submit(r.id, 3);
  RosterInput change;
  change.period_to = "2026-12-05";
  EXPECT_EQ(w.duty->update_roster(r.id, change, 3).status, "draft");
}

TEST(Roster, PublishedRosterIsAmendedWithAReasonAndOnlyFutureShiftsChange) {
  World w;
  auto r = w.published("2026-11-27", "2026-11-30");
  // 27/11 08:00 (VN) has started (the clock says 27/11 19:00 VN); 28/11 has not.
  RosterInput change;
  change.overrides = std::vector<Override>{{"2026-11-27", 4, 8, "ốm"}, {"2026-11-28", 4, 5, "đi công tác"}};
  EXPECT_EQ(problem_of([&] { w.duty->update_roster(r.id, change, 3); }).errors()[0].field, "reason");
  RosterInput no_rotation = change;
  no_rotation.reason = "x";
  no_rotation.rotation = r.rotation;
  EXPECT_EQ(problem_of([&] { w.duty->update_roster(r.id, no_rotation, 3); }).errors()[0].field, "rotation");
  change.reason = "Đồng chí u4 nghỉ ốm";
  auto amended = w.duty->update_roster(r.id, change, 1);
  EXPECT_EQ(amended.status, "published");
  ASSERT_EQ(amended.amendments.size(), 1u);
  EXPECT_EQ(amended.amendments[0].reason, "Đồng chí u4 nghỉ ốm");
  auto today = w.duty->shift_at(w.unit, w.clock.now_ms());
  ASSERT_TRUE(today);
  EXPECT_TRUE(today->position_of(4)) << "the shift already worked is not rewritten";
  auto tomorrow = w.duty->next_shift(w.unit, today->ends_at);
  ASSERT_TRUE(tomorrow);
  EXPECT_FALSE(tomorrow->position_of(4));
}

TEST(Roster, OverlappingPublishedRostersAreRefused) {
  World w;
  w.published("2026-12-01", "2026-12-10");
  auto r = w.duty->create_roster(w.two_teams("2026-12-10", "2026-12-20"), 3);
  w.duty->submit(r.id, 3);
  w.duty->approve(r.id, 1, std::string("x"));
  EXPECT_EQ(problem_of([&] { w.duty->publish(r.id, 3); }).status(), 409);
  EXPECT_EQ(w.duty->roster(r.id)->status, "approved");
}

TEST(Roster, UnknownPeopleAndImpossibleSwapsAreFieldErrors) {
  World w;
  auto in = w.two_teams("2026-12-01", "2026-12-04");
  in.rotation->teams[0][0].user_id = 999;
  EXPECT_EQ(problem_of([&] { w.duty->create_roster(in, 3); }).errors()[0].field, "rotation");
  auto in2 = w.two_teams("2026-12-01", "2026-12-04");
  in2.swaps = std::vector<Swap>{{"2026-12-01", 6, "2026-12-02", 1, ""}};  // 6 is not on 01/12
  EXPECT_EQ(problem_of([&] { w.duty->create_roster(in2, 3); }).errors()[0].field, "swaps");
  auto in3 = w.two_teams("2026-12-04", "2026-12-01");
  EXPECT_EQ(problem_of([&] { w.duty->create_roster(in3, 3); }).errors()[0].field, "period_to");
}

TEST(Shift, StatusFollowsTheClockAndTheHandover) {
  World w;
  w.published("2026-11-27", "2026-11-28");
  auto s = *w.duty->shift_at(w.unit, w.clock.now_ms());
  EXPECT_EQ(s.date, "2026-11-27");
  EXPECT_EQ(s.status(w.clock.now_ms()), "on_duty");
  auto next = *w.duty->next_shift(w.unit, s.ends_at);
  EXPECT_EQ(next.status(w.clock.now_ms()), "planned");
  // Handed over and accepted ten minutes early: still on duty until its end.
  w.clock.set_ms(s.ends_at - 600'000);
  w.duty->prepare_handover(s.id, 1, "Ca trực bình thường", "");
  w.duty->accept_handover(s.id, 6, std::string("Đã nhận đủ"));
  EXPECT_EQ(w.duty->shift(s.id)->status(w.clock.now_ms()), "on_duty");
  w.clock.set_ms(s.ends_at);
  EXPECT_EQ(w.duty->shift(s.id)->status(w.clock.now_ms()), "closed");
  EXPECT_EQ(next.status(w.clock.now_ms()), "on_duty");
}

TEST(Shift, AnUnacceptedHandoverKeepsTheShiftOpen) {
  World w;
  w.published("2026-11-27", "2026-11-28");
  auto s = *w.duty->shift_at(w.unit, w.clock.now_ms());
  w.clock.set_ms(s.ends_at + 60'000);
  EXPECT_EQ(w.duty->shift(s.id)->status(w.clock.now_ms()), "handover_pending");
  w.duty->prepare_handover(s.id, 1, "Ca trực bình thường", "");
  w.duty->accept_handover(s.id, 6, std::string("Đã nhận đủ"));
  EXPECT_EQ(w.duty->shift(s.id)->status(w.clock.now_ms()), "closed");
}

TEST(DutyLog, IsAppendOnlyAndCorrectionsPointBack) {
  World w;
  w.published("2026-11-27", "2026-11-28");
  auto s = *w.duty->shift_at(w.unit, w.clock.now_ms());
  auto e1 = w.duty->add_log(s.id, 4, "information_received", "Nhận tin báo xe 15C-123.45 nghi vấn", json::object(), std::nullopt);
  auto e2 = w.duty->add_log(s.id, 4, "other", "Đính chính: biển số đúng là 15C-123.54", json::object(), e1.id);
  auto log = w.duty->log(s.id);
  ASSERT_EQ(log.size(), 2u);
  EXPECT_EQ(log[0].text, "Nhận tin báo xe 15C-123.45 nghi vấn");
  EXPECT_EQ(log[1].corrects_id, e1.id);
  EXPECT_THROW(w.db->exec("UPDATE duty_log SET text = 'sửa' WHERE id = ?", {e1.id}), std::runtime_error);
  EXPECT_THROW(w.db->exec("DELETE FROM duty_log WHERE id = ?", {e2.id}), std::runtime_error);
  EXPECT_EQ(problem_of([&] { w.duty->add_log(s.id, 4, "gossip", "x", json::object(), std::nullopt); }).errors()[0].field, "kind");
  auto other = *w.duty->next_shift(w.unit, s.ends_at);
  EXPECT_EQ(problem_of([&] { w.duty->add_log(other.id, 6, "other", "x", json::object(), e1.id); }).errors()[0].field, "corrects_id");
}

TEST(Handover, OpenOrdersAreCollectedAndCarriedUntilDone) {
  World w;
  w.published("2026-11-27", "2026-11-29");
  auto s1 = *w.duty->shift_at(w.unit, w.clock.now_ms());
  Order o;
  o.kind = "stop_goods";
  o.target_type = "container";
  o.target_ref = "TGHU 123456-7";
  auto stop = w.duty->add_order(s1.id, 1, o);
  o.kind = "inspection";
  o.target_ref = "TKHQ 105123456789";
  auto inspect = w.duty->add_order(s1.id, 1, o);
  w.duty->report_outcome(s1.id, inspect.id, 4, "Đã kiểm tra, hàng đúng khai báo");
  EXPECT_EQ(problem_of([&] { w.duty->report_outcome(s1.id, inspect.id, 4, "lần hai"); }).status(), 409);
  w.duty->add_log(s1.id, 4, "equipment_status", "Camera cổng B mất tín hiệu từ 14:05", json::object(), std::nullopt);
  auto h1 = w.duty->prepare_handover(s1.id, 1, "Giao ca ngày 27/11", "");
  ASSERT_EQ(h1.open_items.size(), 2u);
  EXPECT_EQ(h1.open_items[0]["target"], "TGHU 123456-7");
  EXPECT_EQ(h1.open_items[1]["type"], "log");
  EXPECT_EQ(h1.open_items[1]["target"], "Camera cổng B mất tín hiệu từ 14:05");
  for (const auto& item : h1.open_items) w.duty->decide_item(s1.id, 6, item["type"], item["id"], "accepted", "");
  w.duty->accept_handover(s1.id, 6, std::nullopt);
  EXPECT_EQ(problem_of([&] { w.duty->accept_handover(s1.id, 6, std::nullopt); }).status(), 409);

  // The next shift still carries the open order; once its outcome is in, the one after does not.
  w.clock.set_ms(s1.ends_at + 3600'000);
  auto s2 = *w.duty->shift_at(w.unit, w.clock.now_ms());
  EXPECT_EQ(w.duty->prepare_handover(s2.id, 6, "Giao ca ngày 28/11", "").open_items.size(), 1u);
  w.duty->report_outcome(s1.id, stop.id, 8, "Đã cho thông quan sau kiểm tra");
  EXPECT_EQ(w.duty->prepare_handover(s2.id, 6, "Giao ca ngày 28/11 (lập lại)", "").open_items.size(), 0u);
}

TEST(Handover, Art15_2_TheIncomingLeaderAcceptsOrNotesEachOpenItemBeforeTheShift) {
  World w;
  w.published("2026-11-27", "2026-11-29");
  auto s1 = *w.duty->shift_at(w.unit, w.clock.now_ms());
  Order o;
  o.kind = "inspection";
  o.target_type = "declaration";
  o.target_ref = "TKHQ 105123456789";
  auto order = w.duty->add_order(s1.id, 1, o);
  auto outage =
      w.duty->add_log(s1.id, 4, "system_outage", "Hệ thống VNACCS gián đoạn từ 15:20", json::object(), std::nullopt);
  w.duty->prepare_handover(s1.id, 1, "Giao ca ngày 27/11", "");

  // Nothing carries over unseen: the whole handover waits for a decision on each item, and says which.
  auto pending = problem_of([&] { w.duty->accept_handover(s1.id, 6, std::nullopt); });
  EXPECT_EQ(pending.status(), 409);
  EXPECT_EQ(pending.slug(), "handover-items-pending");
  EXPECT_NE(pending.to_json()["detail_vi"].get<std::string>().find(fmt::format("chỉ đạo #{}", order.id)),
            std::string::npos)
      << pending.to_json();
  EXPECT_EQ(problem_of([&] { w.duty->decide_item(s1.id, 6, "order", order.id, "ok", ""); }).errors()[0].field,
            "decision");
  EXPECT_EQ(
      problem_of([&] { w.duty->decide_item(s1.id, 6, "order", order.id + 100, "accepted", ""); }).errors()[0].field,
      "id");

  w.clock.set_ms(w.clock.now_ms() + 60'000);
  auto h = w.duty->decide_item(s1.id, 6, "order", order.id, "accepted", "");
  EXPECT_EQ(h.open_items[0]["acceptance"]["decision"], "accepted");
  EXPECT_EQ(h.open_items[0]["acceptance"]["by"], 6);
  EXPECT_EQ(h.open_items[0]["acceptance"]["at"], "2026-11-27T12:01:00.000Z");
  EXPECT_FALSE(h.open_items[1].contains("acceptance"));
  // Prepared again (a late entry), the handover keeps what was already decided.
  h = w.duty->prepare_handover(s1.id, 1, "Giao ca ngày 27/11 (bổ sung)", "");
  ASSERT_EQ(h.open_items.size(), 2u);
  EXPECT_EQ(h.open_items[0]["acceptance"]["decision"], "accepted");
  EXPECT_EQ(problem_of([&] { w.duty->accept_handover(s1.id, 6, std::nullopt); }).status(), 409);

  h = w.duty->decide_item(s1.id, 6, "log", outage.id, "noted", "Đã báo Cục CNTT, chờ khắc phục");
  EXPECT_EQ(h.open_items[1]["acceptance"]["decision"], "noted");
  EXPECT_EQ(h.open_items[1]["acceptance"]["note"], "Đã báo Cục CNTT, chờ khắc phục");
  h = w.duty->accept_handover(s1.id, 6, std::string("Đã nhận đủ"));
  EXPECT_TRUE(h.accepted_at.has_value());
  EXPECT_EQ(w.duty->handover(s1.id)->open_items[1]["acceptance"]["by"], 6) << "each decision stays on the record";
  EXPECT_EQ(problem_of([&] { w.duty->decide_item(s1.id, 6, "order", order.id, "noted", ""); }).status(), 409);

  // An order still open is handed over afresh by the next shift: its earlier acceptance does not travel.
  w.clock.set_ms(s1.ends_at + 3600'000);
  auto s2 = *w.duty->shift_at(w.unit, w.clock.now_ms());
  auto h2 = w.duty->prepare_handover(s2.id, 6, "Giao ca ngày 28/11", "");
  ASSERT_EQ(h2.open_items.size(), 1u);
  EXPECT_EQ(h2.open_items[0]["id"], order.id);
  EXPECT_FALSE(h2.open_items[0].contains("acceptance"));
}

TEST(Roster, Art7_TheRosterNamesADivisionLevelLeaderActingShiftLeaderForTheirShifts) {
  World w;
  auto in = w.two_teams("2026-11-27", "2026-11-30");  // A, B, A, B
  in.rotation->teams[1][1].acting_leader = true;      // team B's division-level leader acts as its leader
  auto r = w.duty->create_roster(in, 3);
  EXPECT_TRUE(to_json(r)["rotation"]["teams"][1][1]["acting_leader"]);
  EXPECT_FALSE(to_json(r)["rotation"]["teams"][0][1]["acting_leader"]);
  // The place carries the authority: whoever replaces the acting leader on a day acts that day.
  w.duty->submit(r.id, 3);
  w.duty->approve(r.id, 1, std::string("Thiếu cán bộ Văn phòng ca B"));
  w.duty->publish(r.id, 3);
  RosterInput amend;
  amend.overrides = std::vector<Override>{{"2026-11-28", 7, 2, "Đổi người trực"}};
  amend.reason = "Đổi người trực";
  w.duty->update_roster(r.id, amend, 3);
  auto shifts = w.duty->shifts(w.unit, at("2026-11-27T00:00:00Z"), at("2026-12-01T00:00:00Z"));
  ASSERT_EQ(shifts.size(), 4u);
  EXPECT_FALSE(shifts[0].member(2)->acting_leader) << "named for team B only";
  EXPECT_TRUE(shifts[1].member(2)->acting_leader) << "standing in for the acting leader on 28/11";
  EXPECT_EQ(shifts[1].member(7), nullptr);
  EXPECT_TRUE(shifts[3].member(7)->acting_leader);
  EXPECT_TRUE(to_json(shifts[3], w.clock.now_ms())["members"][1]["acting_leader"]);
  EXPECT_FALSE(to_json(shifts[3], w.clock.now_ms())["members"][0]["acting_leader"]);

  // Only a division-level leader may be named, and one per shift.
  auto field_of = [](const json& rotation) {
    return problem_of([&] { rotation_from_json(rotation, "rotation"); }).errors()[0].field;
  };
  json rotation = to_json(*in.rotation);
  rotation["teams"][0][3]["acting_leader"] = true;
  EXPECT_EQ(field_of(rotation), "rotation.teams[0][3].acting_leader");
  rotation = to_json(*in.rotation);
  rotation["teams"][1].push_back({{"user_id", 2}, {"position", "deputy_leader"}, {"acting_leader", true}});
  EXPECT_EQ(field_of(rotation), "rotation.teams[1][4].acting_leader");
  rotation = to_json(*in.rotation);
  rotation["teams"][0][1]["acting_leader"] = "yes";
  EXPECT_EQ(field_of(rotation), "rotation.teams[0][1].acting_leader");
}

TEST(Coverage, APublishedMonthHasNoGapsAndTheEndOfTheRosterDoes) {
  World w;
  w.published("2026-11-27", "2026-12-05");
  int64_t from = at("2026-11-28T00:00:00Z");
  auto gaps = w.duty->coverage(w.unit, from, from + 14 * 86'400'000LL);
  ASSERT_EQ(gaps.size(), 1u);
  EXPECT_EQ(core::iso8601(gaps[0].from), "2026-12-06T01:00:00.000Z");
  EXPECT_EQ(gaps[0].reason, "no_shift");
}

}  // namespace
}  // namespace watchfloor::duty

namespace watchfloor::duty {
namespace {

TEST(Watch, AMissingMemberIsAnAlertAfterTheGraceAndClosesOnCheckIn) {
  Watched w;
  w.published("2026-11-27", "2026-12-31");
  auto s = *w.duty->shift_at(w.unit, w.clock.now_ms());
  for (const auto& m : s.members)
    if (m.user_id != 5) w.duty->check_in(s.id, m.user_id);
  w.clock.set_ms(s.starts_at + 10 * 60'000);
  w.check();
  EXPECT_TRUE(w.open().empty()) << "within the 15-minute grace nobody is missing yet";
  w.clock.set_ms(s.starts_at + 16 * 60'000);
  w.check();
  w.check();  // checking again raises nothing new
  auto open = w.open();
  ASSERT_EQ(open.size(), 1u);
  EXPECT_EQ(open[0].kind, "shift.member_missing");
  EXPECT_EQ(open[0].details["user_id"], 5);
  EXPECT_EQ(open[0].audience, (std::vector<std::string>{"shift_leader", "office_officer"}));
  w.duty->check_in(s.id, 5);
  w.check();
  EXPECT_TRUE(w.open().empty());
  EXPECT_EQ(w.topics, (std::vector<std::string>{"alert.raised", "alert.closed"}));
}

TEST(Watch, AHandoverNotAcceptedInTimeIsAnAlertUntilAccepted) {
  Watched w;
  w.published("2026-11-27", "2026-12-31");
  auto s = *w.duty->shift_at(w.unit, w.clock.now_ms());
  auto next = *w.duty->next_shift(w.unit, s.ends_at);
  for (const auto& m : next.members) w.duty->check_in(next.id, m.user_id);
  w.clock.set_ms(s.ends_at + 29 * 60'000);
  w.check();
  EXPECT_TRUE(w.open().empty());
  w.clock.set_ms(s.ends_at + 31 * 60'000);
  w.check();
  ASSERT_EQ(w.open().size(), 1u);
  EXPECT_EQ(w.open()[0].kind, "shift.handover_overdue");
  EXPECT_EQ(w.open()[0].severity, "high");
  w.duty->prepare_handover(s.id, 1, "Giao ca", "");
  w.duty->accept_handover(s.id, 6, std::nullopt);
  w.check();
  EXPECT_TRUE(w.open().empty());
}

TEST(Watch, ARosterGapInTheNextTwoWeeksIsAnAlertUntilCovered) {
  Watched w;
  w.published("2026-11-27", "2026-12-03");  // ends six days from now
  auto s = *w.duty->shift_at(w.unit, w.clock.now_ms());
  for (const auto& m : s.members) w.duty->check_in(s.id, m.user_id);
  w.check();
  auto open = w.open();
  ASSERT_EQ(open.size(), 1u);
  EXPECT_EQ(open[0].kind, "coverage.gap");
  EXPECT_EQ(open[0].severity, "medium") << "the gap is in the future";
  EXPECT_EQ(open[0].details["gaps"][0]["from"], "2026-12-04T01:00:00.000Z");
  w.published("2026-12-04", "2027-01-31");
  w.check();
  EXPECT_TRUE(w.open().empty());
}

}  // namespace
}  // namespace watchfloor::duty
