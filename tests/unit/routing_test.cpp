// Article 16.4 routing, one test per clause, over both shipped organisation presets: the 2017
// structure of the regulation and the 2025 structure. The people and shifts are written here by hand.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>

#include "supervision/routing.h"
#include "core/random.h"
#include "org/preset.h"
#include "test_util.h"
#include "test_store.h"

namespace watchfloor::supervision {
namespace {

namespace fs = std::filesystem;
using auth::Role;

// The codes that play each part in one preset.
struct Parts {
  std::string preset, hq, focal, hq_leadership_unit, asd, asd_division, province, province_leadership_unit, branch, team;
  // Art. 16.2.2(b): a site without a camera room, watched through a focal unit, and the unit whose duty watch it reports to.
  std::string watched_site, watched_site_province;
};

const Parts k2017{"org-2017.json", "TCHQ", "VP-PTH", "TCHQ-LD", "DTCBL", "DTCBL-GSTT", "HP", "HP-LD", "HP-CKKV1", "HP-CKKV1-GS",
                  "QT-LB", "QT"};
const Parts k2025{"org-2025.json", "CHQ", "CHQ-VP-PTH", "CHQ-LD", "CHQ-DTCBL", "CHQ-DTCBL-GSTT", "KV3", "KV3-LD", "KV3-HP1", "KV3-HP1",
                  "KV7-TL", "KV7"};

void PrintTo(const Parts& p, std::ostream* os) { *os << p.preset; }

class Routing16_4 : public ::testing::TestWithParam<Parts> {
 protected:
  void SetUp() override {
    const Parts& p = GetParam();
    dir_ = fs::path(::testing::TempDir()) / ("wf-routing-" + core::random_token(6));
    db_ = test::open_store(dir_ / "watchfloor.db");
    audit_ = std::make_unique<audit::AuditLog>(*db_, clock_);
    units_ = std::make_unique<org::Units>(*db_, clock_, *audit_, bus_);
    org::import_org(*units_, read_preset(p.preset), "test", audit::Actor::system("test"));
    dir.units = units_->list();
    // People: id, name, home unit, grants.
    person(1, "Lãnh đạo Tổng cục", p.hq_leadership_unit, Role::hq_leader, p.hq);
    person(2, "Chuyên viên Phòng Tổng hợp", p.focal, Role::office_officer, p.hq);
    person(3, "Cục trưởng Cục ĐTCBL", p.asd, Role::unit_leader, p.asd);
    person(4, "Cục trưởng Cục Hải quan", p.province_leadership_unit, Role::unit_leader, p.province);
    person(5, "Lãnh đạo ca trực", p.province_leadership_unit, Role::shift_leader, p.province);
    person(6, "Cán bộ trực ban", p.province, Role::duty_officer, p.province);
    person(7, "Công chức giám sát", p.province, Role::supervision_officer, p.province);
    person(8, "Công chức Chi cục", p.branch, Role::supervision_officer, p.branch);
    person(9, "Đội trưởng tại hiện trường", p.team, Role::unit_leader, p.team);
    person(10, "Công chức Phòng GSTT", p.asd_division, Role::supervision_officer, p.asd_division);
  }
  void TearDown() override {
    units_.reset();
    db_.reset();
    fs::remove_all(dir_);
  }

  int64_t id(const std::string& code) { return units_->by_code(code)->id; }
  void person(int64_t uid, const std::string& name, const std::string& home, Role role, const std::string& at) {
    auto people = *dir.people;
    people.push_back({uid, name, id(home), {{role, id(at)}}});
    dir.people = std::make_shared<const std::vector<Person>>(std::move(people));
  }
  void without(int64_t uid) {
    auto people = *dir.people;
    std::erase_if(people, [&](const Person& p) { return p.user_id == uid; });
    dir.people = std::make_shared<const std::vector<Person>>(std::move(people));
  }
  // The province's duty watch on duty now: 5 leads, 6 and 7 are members.
  void shift_on_duty() { dir.on_duty[id(GetParam().province)] = {42, "2026-11-28", {{5, "shift_leader"}, {6, "duty_officer"}, {7, "supervision_officer"}}, std::nullopt}; }

  static std::vector<int64_t> users(const Routing& r) {
    std::vector<int64_t> out;
    for (const auto& x : r.recipients) out.push_back(x.user_id);
    std::sort(out.begin(), out.end());
    return out;
  }
  static const Recipient* find(const Routing& r, int64_t user) {
    for (const auto& x : r.recipients)
      if (x.user_id == user) return &x;
    return nullptr;
  }

  Directory dir;
  fs::path dir_;
  core::FakeClock clock_;
  std::unique_ptr<store::Db> db_;
  std::unique_ptr<audit::AuditLog> audit_;
  events::Bus bus_{clock_};
  std::unique_ptr<org::Units> units_;
};

TEST_P(Routing16_4, PointA_RegularSupervisionAtABranchGoesToTheProvincesShiftOnDuty) {
  shift_on_duty();
  auto r = route_case({"regular", id(GetParam().branch), std::nullopt, "goods", std::nullopt, 8}, dir);
  EXPECT_EQ(r.clause, "16.4.a");
  EXPECT_EQ(r.clause_vi, "Điều 16 khoản 4 điểm a");
  EXPECT_EQ(r.handling_unit_id, id(GetParam().province));
  EXPECT_EQ(r.shift_id, 42);
  EXPECT_EQ(users(r), (std::vector<int64_t>{5, 6, 7})) << "exactly the shift on duty, nobody else";
  EXPECT_TRUE(find(r, 5)->approver) << "the shift leader decides within the shift";
  EXPECT_EQ(find(r, 5)->role, "shift_leader");
  EXPECT_FALSE(find(r, 6)->approver);
  EXPECT_TRUE(r.warnings.empty());
  EXPECT_FALSE(r.reporter_on_duty);
}

TEST_P(Routing16_4, PointA_WithoutAShiftLeaderTheActingLeaderTheRosterNamesApproves) {
  person(13, "Phó ca trực thứ hai", GetParam().province, Role::duty_officer, GetParam().province);
  OnDuty s{42, "2026-11-28", {{5, "deputy_leader"}, {13, "deputy_leader"}, {7, "supervision_officer"}}, std::nullopt};
  dir.on_duty[id(GetParam().province)] = s;
  auto r = route_case({"regular", id(GetParam().branch), std::nullopt, "goods", std::nullopt, 8}, dir);
  EXPECT_TRUE(find(r, 5)->approver && find(r, 13)->approver) << "no acting leader named: either deputy leads";
  s.acting_leader = 13;
  dir.on_duty[id(GetParam().province)] = s;
  r = route_case({"regular", id(GetParam().branch), std::nullopt, "goods", std::nullopt, 8}, dir);
  EXPECT_TRUE(find(r, 13)->approver) << "the acting leader (quyền lãnh đạo ca trực) approves";
  EXPECT_FALSE(find(r, 5)->approver) << "the other deputy does not";
}

TEST_P(Routing16_4, PointA_ATaskOfTheDutyWatchRoutesTheSameWay) {
  shift_on_duty();
  auto r = route_case({"duty_task", id(GetParam().province), std::nullopt, "means_of_transport", std::nullopt, 8}, dir);
  EXPECT_EQ(r.clause, "16.4.a");
  EXPECT_EQ(users(r), (std::vector<int64_t>{5, 6, 7}));
}

TEST_P(Routing16_4, PointA_NobodyOnDutyFallsBackToTheDutyOfficersAndTellsTheNextLevelAtOnce) {
  auto r = route_case({"regular", id(GetParam().branch), std::nullopt, "goods", std::nullopt, 8}, dir);
  EXPECT_EQ(r.clause, "16.4.a");
  ASSERT_EQ(r.warnings.size(), 1u);
  EXPECT_EQ(r.warnings[0].code, "nobody_on_duty");
  EXPECT_EQ(users(r), (std::vector<int64_t>{2, 5, 6})) << "the unit's shift leaders and duty officers, and the next level";
  EXPECT_TRUE(find(r, 5)->approver);
  // Nobody on duty above either: at headquarters the next level is the focal point, not the leaders.
  EXPECT_EQ(find(r, 2)->role, "focal_point");
  EXPECT_EQ(find(r, 1), nullptr) << "never from a branch straight to headquarters leadership";
}

TEST_P(Routing16_4, Escalation_NobodyOnDutyTellsTheDutyWatchAboveAtOnce) {
  // Headquarters' duty watch has a shift on duty; the province has none.
  person(11, "Lãnh đạo ca trực cơ quan", GetParam().hq, Role::shift_leader, GetParam().hq);
  person(12, "Cán bộ trực ban cơ quan", GetParam().hq, Role::duty_officer, GetParam().hq);
  dir.on_duty[dir.unit(id(GetParam().hq))->designations.at("duty_watch")] = {77, "2026-11-28", {{11, "shift_leader"}, {12, "duty_officer"}}, std::nullopt};
  auto r = route_case({"regular", id(GetParam().branch), std::nullopt, "goods", std::nullopt, 8}, dir);
  ASSERT_NE(find(r, 11), nullptr);
  EXPECT_EQ(find(r, 11)->role, "duty_watch_above");
  EXPECT_TRUE(find(r, 11)->approver) << "the shift leader above may approve";
  EXPECT_FALSE(find(r, 12)->approver);
  EXPECT_EQ(find(r, 2), nullptr) << "the duty watch above answers; the focal point is not needed";
  auto level = next_level(dir, *dir.unit(id(GetParam().province)));
  ASSERT_NE(level.unit, nullptr);
  EXPECT_EQ(level.role, "duty_watch_above");
}

TEST_P(Routing16_4, Art8_AnOfficerOnDutyReportsToTheShiftLeaderAndIsNotTheirOwnRecipient) {
  shift_on_duty();
  auto r = route_case({"regular", id(GetParam().province), std::nullopt, "goods", std::nullopt, 7}, dir);
  EXPECT_TRUE(r.reporter_on_duty);
  EXPECT_EQ(users(r), (std::vector<int64_t>{5, 6}));
  EXPECT_NE(find(r, 5)->reason_vi.find("Điều 8"), std::string::npos) << find(r, 5)->reason_vi;
}

TEST_P(Routing16_4, PointB_AProvincialPlanGoesToTheProvincesLeadership) {
  shift_on_duty();
  auto r = route_case({"keypoint_plan", id(GetParam().branch), id(GetParam().province), "goods", std::nullopt, 8}, dir);
  EXPECT_EQ(r.clause, "16.4.b");
  EXPECT_EQ(r.clause_vi, "Điều 16 khoản 4 điểm b");
  EXPECT_EQ(r.handling_unit_id, id(GetParam().province));
  EXPECT_EQ(users(r), (std::vector<int64_t>{4})) << "the leadership only; the shift leader (5) holds another role";
  EXPECT_TRUE(find(r, 4)->approver);
  EXPECT_EQ(find(r, 4)->role, "leadership");
}

TEST_P(Routing16_4, PointB_TheAntiSmugglingDepartmentsPlanGoesToItsLeadership) {
  auto r = route_case({"keypoint_plan", id(GetParam().asd_division), id(GetParam().asd_division), "goods", std::nullopt, 10}, dir);
  EXPECT_EQ(r.clause, "16.4.b");
  EXPECT_EQ(r.handling_unit_id, id(GetParam().asd)) << "the division's plan belongs to the department's leadership";
  EXPECT_EQ(users(r), (std::vector<int64_t>{3}));
}

TEST_P(Routing16_4, PointB_AnOfficerOnDutyAlsoTellsTheShiftLeaderWhoDoesNotApprove) {
  shift_on_duty();
  auto r = route_case({"keypoint_plan", id(GetParam().province), id(GetParam().province), "goods", std::nullopt, 7}, dir);
  EXPECT_EQ(users(r), (std::vector<int64_t>{4, 5}));
  EXPECT_TRUE(find(r, 4)->approver);
  EXPECT_FALSE(find(r, 5)->approver) << "in 16.4(b) the leadership decides, not the shift";
}

TEST_P(Routing16_4, PointC_ALeadershipDirectiveGoesToTheFocalPointNotBesideIt) {
  auto r = route_case({"keypoint_directive", id(GetParam().branch), id(GetParam().asd), "goods", std::nullopt, 8}, dir);
  EXPECT_EQ(r.clause, "16.4.c");
  EXPECT_EQ(r.clause_en, "Article 16(4)(c)");
  EXPECT_EQ(r.handling_unit_id, id(GetParam().hq));
  EXPECT_EQ(users(r), (std::vector<int64_t>{2})) << "the leadership hears of it from the focal point";
  EXPECT_EQ(find(r, 2)->role, "focal_point");
  EXPECT_FALSE(find(r, 2)->approver) << "the focal point relays; the leadership directs";
  EXPECT_EQ(r.focal_unit_id, id(GetParam().focal));
  const auto& hq = *dir.unit(id(GetParam().hq));
  EXPECT_NE(r.explanation_vi.find("qua đầu mối " + dir.unit(id(GetParam().focal))->name_vi), std::string::npos) << r.explanation_vi;
  EXPECT_NE(r.explanation_vi.find("Lãnh đạo " + hq.name_vi), std::string::npos) << "the preset's own name: " << r.explanation_vi;
  ASSERT_EQ(leadership_of(dir, hq).size(), 1u);
  EXPECT_EQ(leadership_of(dir, hq)[0]->user_id, 1) << "whom the focal point may forward it to";
}

TEST_P(Routing16_4, PointC_WithoutAFocalPointOnRecordTheLeadershipReceivesItDirectlyWithAWarning) {
  without(2);
  auto r = route_case({"keypoint_directive", id(GetParam().branch), id(GetParam().asd), "goods", std::nullopt, 8}, dir);
  EXPECT_EQ(users(r), (std::vector<int64_t>{1}));
  EXPECT_TRUE(find(r, 1)->approver);
  EXPECT_FALSE(r.focal_unit_id);
  ASSERT_EQ(r.warnings.size(), 1u);
  EXPECT_EQ(r.warnings[0].code, "no_focal_point");
}

// Every reported case reaches someone who may approve its handling, whatever reports it, wherever,
// with or without a shift on duty (a 16.4(c) case reaches its approvers through the focal point).
TEST_P(Routing16_4, EveryCaseHasARecipientWhoMayApproveItsHandling) {
  const Parts& p = GetParam();
  for (bool on_duty : {false, true}) {
    dir.on_duty.clear();
    if (on_duty) shift_on_duty();
    for (const char* method : kMethods)
      for (const char* subject : kSubjects)
        for (const auto& [unit, reporter] : std::vector<std::pair<std::string, int64_t>>{
                 {p.branch, 8}, {p.team, 8}, {p.province, 7}, {p.asd_division, 10}}) {
          std::optional<int64_t> plan_unit = std::string(method) == "keypoint_plan" ? std::optional(id(unit)) : std::nullopt;
          std::optional<int64_t> team = std::string(subject) == "passenger_baggage" ? std::optional(id(p.team)) : std::nullopt;
          auto r = route_case({method, id(unit), plan_unit, subject, team, reporter}, dir);
          bool approvable = r.focal_unit_id || std::any_of(r.recipients.begin(), r.recipients.end(), [](const auto& x) { return x.approver; });
          EXPECT_TRUE(approvable) << method << " / " << subject << " at " << unit << (on_duty ? " (shift on duty)" : " (nobody on duty)");
        }
  }
}

TEST_P(Routing16_4, Art8_PassengerBaggageAlsoNotifiesTheTeamLeaderOnSite) {
  shift_on_duty();
  auto r = route_case({"regular", id(GetParam().branch), std::nullopt, "passenger_baggage", id(GetParam().team), 8}, dir);
  EXPECT_EQ(users(r), (std::vector<int64_t>{5, 6, 7, 9}));
  EXPECT_EQ(find(r, 9)->role, "team_leader");
  EXPECT_FALSE(find(r, 9)->approver);
}

TEST_P(Routing16_4, Art8_ATeamWithoutALeaderOnRecordIsAWarningNotASilence) {
  shift_on_duty();
  without(9);
  auto r = route_case({"regular", id(GetParam().branch), std::nullopt, "passenger_baggage", id(GetParam().team), 8}, dir);
  ASSERT_EQ(r.warnings.size(), 1u);
  EXPECT_EQ(r.warnings[0].code, "no_team_leader");
}

TEST_P(Routing16_4, PointA_AFindingAtASiteWatchedThroughAFocalUnitGoesToTheDutyWatchAbove) {
  // The focal unit watches the site's cameras (Art. 16.2.2b); it is not a duty watch: what it finds goes
  // to the duty watch of the unit that assigned it, under 16.4(a).
  const org::Unit* site = dir.unit(id(GetParam().watched_site));
  ASSERT_TRUE(site);
  EXPECT_FALSE(site->has_camera_room);
  auto r = route_case({"regular", site->id, std::nullopt, "goods", std::nullopt, 8}, dir);
  EXPECT_EQ(r.clause, "16.4.a");
  EXPECT_EQ(r.handling_unit_id, id(GetParam().watched_site_province));
  ASSERT_GE(r.warnings.size(), 1u);
  EXPECT_EQ(r.warnings[0].code, "nobody_on_duty") << "nobody is rostered there in this test";
}

TEST_P(Routing16_4, EscalationResolvesShiftRolesFromTheRosterAndOthersFromGrants) {
  EXPECT_TRUE(resolve_role_at(dir, id(GetParam().province), "shift_leader").empty()) << "nobody on duty: nobody";
  shift_on_duty();
  EXPECT_EQ(resolve_role_at(dir, id(GetParam().province), "shift_leader"), (std::vector<int64_t>{5}));
  EXPECT_EQ(resolve_role_at(dir, id(GetParam().province), "unit_leader"), (std::vector<int64_t>{4}));
  EXPECT_EQ(resolve_role_at(dir, id(GetParam().hq), "hq_leader"), (std::vector<int64_t>{1}));
}

INSTANTIATE_TEST_SUITE_P(BothPresets, Routing16_4, ::testing::Values(k2017, k2025),
                         [](const auto& info) { return info.param.preset == "org-2017.json" ? std::string("Org2017") : std::string("Org2025"); });

}  // namespace
}  // namespace watchfloor::supervision
