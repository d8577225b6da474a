// auth/policy: who may do what where. The tree is a hand-made fake so that these tests depend on
// the policy alone, not on the org module.
#include <gtest/gtest.h>

#include <algorithm>
#include <map>

#include "auth/policy.h"

namespace watchfloor::auth {
namespace {

//            HQ(1)                     External(50)
//     ┌───────┴────────┐                    │
//  ProvinceA(10)   ProvinceB(20)      BorderGuard(51)   (external inherited from 50)
//     │                │
//  BranchA1(11)    BranchB1(21)
constexpr int64_t HQ = 1, ProvinceA = 10, BranchA1 = 11, ProvinceB = 20, BranchB1 = 21, External = 50,
                  BorderGuard = 51;

class FakeTree final : public UnitScope {
 public:
  bool contains(int64_t ancestor, int64_t unit) const override {
    for (std::optional<int64_t> cur = unit; cur; cur = parent(*cur))
      if (*cur == ancestor) return true;
    return false;
  }
  bool is_external(int64_t unit) const override { return contains(External, unit); }

 private:
  static std::optional<int64_t> parent(int64_t u) {
    static const std::map<int64_t, int64_t> p = {
        {ProvinceA, HQ}, {BranchA1, ProvinceA}, {ProvinceB, HQ}, {BranchB1, ProvinceB}, {BorderGuard, External}};
    auto it = p.find(u);
    return it == p.end() ? std::nullopt : std::optional<int64_t>(it->second);
  }
};

const std::vector<int64_t> kAllUnits = {HQ, ProvinceA, BranchA1, ProvinceB, BranchB1, External, BorderGuard};

Principal person(int64_t id, int64_t unit, std::vector<Grant> grants) {
  return Principal{id, "user" + std::to_string(id), unit, std::move(grants), {}};
}

class PolicyTest : public ::testing::Test {
 protected:
  bool may(const Principal& p, Action a, int64_t unit) const { return allowed(p, a, Target{unit, std::nullopt}, tree_); }
  // The units in kAllUnits where `p` may do `a`.
  std::vector<int64_t> where(const Principal& p, Action a) const {
    std::vector<int64_t> out;
    for (auto u : kAllUnits)
      if (may(p, a, u)) out.push_back(u);
    return out;
  }
  FakeTree tree_;
};

TEST_F(PolicyTest, FakeTreeIsWhatTheTestsAssume) {
  EXPECT_TRUE(tree_.contains(HQ, BranchB1));
  EXPECT_TRUE(tree_.contains(ProvinceA, ProvinceA));
  EXPECT_FALSE(tree_.contains(ProvinceA, BranchB1));
  EXPECT_FALSE(tree_.contains(HQ, BorderGuard));
  EXPECT_TRUE(tree_.is_external(BorderGuard));
  EXPECT_FALSE(tree_.is_external(BranchA1));
}

TEST_F(PolicyTest, ProvincialAdminWritesOnlyInItsProvince) {
  auto admin = person(1, ProvinceA, {{Role::admin, ProvinceA}});
  for (auto a : {Action::unit_write, Action::user_write}) {
    EXPECT_EQ(where(admin, a), (std::vector<int64_t>{ProvinceA, BranchA1})) << static_cast<int>(a);
    EXPECT_FALSE(may(admin, a, ProvinceB));
    EXPECT_FALSE(may(admin, a, HQ));  // not upwards either
  }
}

TEST_F(PolicyTest, HeadquartersAdminWritesEverywhereInCustoms) {
  auto admin = person(1, HQ, {{Role::admin, HQ}});
  EXPECT_EQ(where(admin, Action::unit_write), (std::vector<int64_t>{HQ, ProvinceA, BranchA1, ProvinceB, BranchB1}));
}

TEST_F(PolicyTest, AuditorReadsTheAuditLogInScopeOnly) {
  auto auditor = person(2, ProvinceB, {{Role::auditor, ProvinceB}});
  EXPECT_EQ(where(auditor, Action::audit_read), (std::vector<int64_t>{ProvinceB, BranchB1}));
  EXPECT_TRUE(allowed(auditor, Action::audit_read, Target{}, tree_));  // may open the audit page at all
  EXPECT_EQ(where(auditor, Action::unit_write), std::vector<int64_t>{});
  EXPECT_EQ(where(auditor, Action::user_read), (std::vector<int64_t>{ProvinceB, BranchB1}));
}

TEST_F(PolicyTest, RolesWithoutTheRightAreRefusedEverywhere) {
  auto duty = person(3, HQ, {{Role::duty_officer, HQ}, {Role::shift_leader, HQ}, {Role::camera_admin, HQ}});
  for (auto a : {Action::unit_write, Action::user_write, Action::audit_read}) {
    EXPECT_EQ(where(duty, a), std::vector<int64_t>{}) << static_cast<int>(a);
    EXPECT_FALSE(allowed(duty, a, Target{}, tree_)) << static_cast<int>(a);
  }
}

TEST_F(PolicyTest, UnitReadIsOpenToEveryInternalUser) {
  auto nobody = person(4, BranchB1, {});  // no roles at all
  auto duty = person(5, BranchA1, {{Role::duty_officer, BranchA1}});
  EXPECT_EQ(where(nobody, Action::unit_read), kAllUnits);
  EXPECT_EQ(where(duty, Action::unit_read), kAllUnits);
  EXPECT_TRUE(allowed(duty, Action::unit_read, Target{}, tree_));
}

TEST_F(PolicyTest, ExternalPrincipalSeesOnlyItsOwnUnit) {
  auto guard = person(6, BorderGuard, {{Role::external_requester, BorderGuard}});
  EXPECT_TRUE(is_external(guard, tree_));
  EXPECT_EQ(where(guard, Action::unit_read), std::vector<int64_t>{BorderGuard});
  // The unit list may be opened, and is filtered to the unit's own subtree.
  EXPECT_TRUE(allowed(guard, Action::unit_read, Target{}, tree_));
  EXPECT_EQ(scope_roots(guard, Action::unit_read, tree_), std::optional(std::vector<int64_t>{BorderGuard}));
  for (auto a : {Action::unit_write, Action::user_write, Action::user_read, Action::audit_read})
    EXPECT_EQ(where(guard, a), std::vector<int64_t>{}) << static_cast<int>(a);
}

TEST_F(PolicyTest, ExternalUnitWinsOverAnyGrantedRole) {
  // A careless grant must not give a person outside customs powers inside it.
  auto guard = person(7, BorderGuard, {{Role::admin, HQ}, {Role::auditor, HQ}});
  EXPECT_TRUE(is_external(guard, tree_));
  EXPECT_FALSE(may(guard, Action::unit_write, ProvinceA));
  EXPECT_FALSE(may(guard, Action::audit_read, ProvinceA));
  EXPECT_FALSE(may(guard, Action::user_read, ProvinceA));
  EXPECT_EQ(where(guard, Action::unit_read), std::vector<int64_t>{BorderGuard});
}

TEST_F(PolicyTest, ExternalRequesterRoleAloneMakesAPrincipalExternal) {
  auto requester = person(8, ProvinceA, {{Role::external_requester, ProvinceA}});
  EXPECT_TRUE(is_external(requester, tree_));
  EXPECT_EQ(where(requester, Action::unit_read), (std::vector<int64_t>{ProvinceA, BranchA1}));
  auto mixed = person(9, ProvinceA, {{Role::external_requester, ProvinceA}, {Role::duty_officer, ProvinceA}});
  EXPECT_FALSE(is_external(mixed, tree_));
}

TEST_F(PolicyTest, Art7_AStopIsDirectedOnlyByTheShiftLeaderOrTheRosteredActingLeader) {
  // What counts is the place in that shift, whatever the roles held elsewhere.
  auto officer = person(5, ProvinceA, {{Role::duty_officer, ProvinceA}});
  auto on_shift = [&](const Principal& p, Action a, std::optional<std::string> position, bool acting) {
    Target t{ProvinceA};
    t.shift_position = std::move(position);
    t.acting_leader = acting;
    return allowed(p, a, t, tree_);
  };
  EXPECT_TRUE(on_shift(officer, Action::shift_stop_order, "shift_leader", false));
  EXPECT_TRUE(on_shift(officer, Action::shift_stop_order, "deputy_leader", true));
  EXPECT_FALSE(on_shift(officer, Action::shift_stop_order, "deputy_leader", false));
  EXPECT_FALSE(on_shift(officer, Action::shift_stop_order, "supervision_officer", true))
      << "the flag names a deputy, nobody else";
  EXPECT_FALSE(on_shift(officer, Action::shift_stop_order, std::nullopt, false));
  EXPECT_TRUE(on_shift(officer, Action::shift_command, "deputy_leader", false)) << "the deputy directs everything else";
  auto leader = person(6, ProvinceA, {{Role::unit_leader, ProvinceA}, {Role::shift_leader, ProvinceA}});
  EXPECT_FALSE(on_shift(leader, Action::shift_stop_order, std::nullopt, false)) << "not on that shift";
  auto guard = person(7, BorderGuard, {{Role::external_requester, BorderGuard}});
  EXPECT_FALSE(on_shift(guard, Action::shift_stop_order, "shift_leader", false));
}

TEST_F(PolicyTest, EveryoneMayReadThemselves) {
  auto guard = person(6, BorderGuard, {{Role::external_requester, BorderGuard}});
  auto duty = person(5, BranchA1, {{Role::duty_officer, BranchA1}});
  EXPECT_TRUE(allowed(guard, Action::user_read, Target{BorderGuard, 6}, tree_));
  EXPECT_TRUE(allowed(duty, Action::user_read, Target{BranchA1, 5}, tree_));
  // ...but not a colleague in the same unit, without a reading role.
  EXPECT_FALSE(allowed(duty, Action::user_read, Target{BranchA1, 99}, tree_));
  // Reading oneself is not writing oneself.
  EXPECT_FALSE(allowed(duty, Action::user_write, Target{BranchA1, 5}, tree_));
}

TEST_F(PolicyTest, LeadersReadPeopleInTheirSubtree) {
  auto leader = person(10, ProvinceA, {{Role::unit_leader, ProvinceA}});
  EXPECT_EQ(where(leader, Action::user_read), (std::vector<int64_t>{ProvinceA, BranchA1}));
  auto office = person(11, HQ, {{Role::office_officer, HQ}});
  EXPECT_EQ(where(office, Action::user_read), (std::vector<int64_t>{HQ, ProvinceA, BranchA1, ProvinceB, BranchB1}));
  EXPECT_EQ(where(office, Action::user_write), std::vector<int64_t>{});
}

TEST_F(PolicyTest, GrantsAtSeveralUnitsAddUp) {
  auto admin = person(12, ProvinceA, {{Role::admin, BranchA1}, {Role::admin, BranchB1}});
  EXPECT_EQ(where(admin, Action::unit_write), (std::vector<int64_t>{BranchA1, BranchB1}));
}

TEST_F(PolicyTest, PublicAndAuthenticatedActionsAreOpen) {
  auto guard = person(6, BorderGuard, {});
  EXPECT_TRUE(allowed(guard, Action::public_access, Target{}, tree_));
  EXPECT_TRUE(allowed(guard, Action::authenticated, Target{}, tree_));
}

TEST_F(PolicyTest, ScopeRootsAreTheGrantUnitsOfQualifyingRoles) {
  auto p = person(13, ProvinceA,
                  {{Role::admin, ProvinceA}, {Role::auditor, ProvinceB}, {Role::duty_officer, HQ}, {Role::unit_leader, BranchB1}});
  auto sorted = [](std::optional<std::vector<int64_t>> v) {
    EXPECT_TRUE(v.has_value());
    if (!v) return std::vector<int64_t>{-1};
    std::sort(v->begin(), v->end());
    return *v;
  };
  EXPECT_EQ(sorted(scope_roots(p, Action::unit_write, tree_)), std::vector<int64_t>{ProvinceA});
  EXPECT_EQ(sorted(scope_roots(p, Action::audit_read, tree_)), (std::vector<int64_t>{ProvinceA, ProvinceB}));
  EXPECT_EQ(sorted(scope_roots(p, Action::user_read, tree_)), (std::vector<int64_t>{ProvinceA, ProvinceB, BranchB1}));
  // Internal users read the whole organisation: no restriction.
  EXPECT_FALSE(scope_roots(p, Action::unit_read, tree_).has_value());
  auto duty = person(14, HQ, {{Role::duty_officer, HQ}});
  EXPECT_EQ(sorted(scope_roots(duty, Action::audit_read, tree_)), std::vector<int64_t>{});
}

TEST_F(PolicyTest, ScopeRootsOfAnExternalPrincipal) {
  auto guard = person(6, BorderGuard, {{Role::admin, HQ}, {Role::external_requester, BorderGuard}});
  EXPECT_EQ(scope_roots(guard, Action::unit_read, tree_), std::optional(std::vector<int64_t>{BorderGuard}));
  for (auto a : {Action::unit_write, Action::user_write, Action::user_read, Action::audit_read})
    EXPECT_EQ(scope_roots(guard, a, tree_), std::optional(std::vector<int64_t>{})) << static_cast<int>(a);
}

TEST(Roles, NamesRoundTrip) {
  EXPECT_EQ(all_roles().size(), 10u);
  for (auto r : all_roles()) {
    EXPECT_NE(role_name(r), "unknown");
    EXPECT_EQ(parse_role(role_name(r)), r);
  }
  EXPECT_EQ(parse_role("Admin"), std::nullopt);
  EXPECT_EQ(parse_role(""), std::nullopt);
  EXPECT_EQ(role_name(Role::duty_officer), "duty_officer");
}

TEST(Roles, HasRole) {
  auto p = person(1, HQ, {{Role::auditor, ProvinceA}});
  EXPECT_TRUE(p.has_role(Role::auditor));
  EXPECT_FALSE(p.has_role(Role::admin));
}

// ProvinceB stands for the unit designated lead unit for online supervision (Cục ĐTCBL): its subtree
// watches the cameras of the whole sector (Art. 16.1, 16.2.1).
class SectorTree final : public UnitScope {
 public:
  bool contains(int64_t ancestor, int64_t unit) const override { return tree_.contains(ancestor, unit); }
  bool is_external(int64_t unit) const override { return tree_.is_external(unit); }
  bool watches_sector(int64_t unit) const override { return tree_.contains(ProvinceB, unit); }

 private:
  FakeTree tree_;
};

TEST(SectorWatch, TheLeadUnitsOfficersViewAndPlayEveryCameraOfCustoms) {
  SectorTree tree;
  auto where = [&](const Principal& p, Action a) {
    std::vector<int64_t> out;
    for (auto u : kAllUnits)
      if (allowed(p, a, Target{u}, tree)) out.push_back(u);
    return out;
  };
  const std::vector<int64_t> customs = {HQ, ProvinceA, BranchA1, ProvinceB, BranchB1};
  for (Role r : {Role::supervision_officer, Role::duty_officer, Role::shift_leader, Role::unit_leader}) {
    auto officer = person(1, BranchB1, {{r, BranchB1}});
    EXPECT_EQ(where(officer, Action::camera_read), customs) << role_name(r);
    EXPECT_EQ(where(officer, Action::video_playback), customs) << role_name(r) << ": never a camera outside customs";
    EXPECT_EQ(scope_roots(officer, Action::camera_read, tree), std::nullopt);
  }
  // Watching is not administering, nor holding evidence, nor reading the other units' duty logs.
  auto sector = person(2, BranchB1, {{Role::supervision_officer, BranchB1}});
  EXPECT_EQ(where(sector, Action::hold_write), (std::vector<int64_t>{BranchB1}));
  EXPECT_EQ(where(sector, Action::case_read), (std::vector<int64_t>{BranchB1}));
  auto admin_there = person(3, ProvinceB, {{Role::camera_admin, ProvinceB}});
  EXPECT_EQ(where(admin_there, Action::camera_write), (std::vector<int64_t>{ProvinceB, BranchB1}));
  EXPECT_EQ(where(admin_there, Action::camera_read), (std::vector<int64_t>{ProvinceB, BranchB1}));
  // The cases raised from camera footage, anywhere: read (not handled) by the watchers, and a draft
  // stays its author's.
  Target footage{ProvinceA};
  footage.from_camera = true;
  EXPECT_TRUE(allowed(sector, Action::case_read, footage, tree));
  EXPECT_FALSE(allowed(sector, Action::case_read, Target{ProvinceA}, tree)) << "a case without footage";
  EXPECT_FALSE(allowed(sector, Action::case_handle, footage, tree));
  EXPECT_FALSE(allowed(admin_there, Action::case_read, footage, tree));
  Target draft = footage;
  draft.owner_user = 99;
  EXPECT_FALSE(allowed(sector, Action::case_read, draft, tree));
  // A camera's alert reaches them (their wall flashes); the province's own duty log does not.
  Target camera_alert{ProvinceA};
  camera_alert.from_camera = true;
  EXPECT_TRUE(allowed(sector, Action::duty_read, camera_alert, tree));
  EXPECT_FALSE(allowed(sector, Action::duty_read, Target{ProvinceA}, tree));
  EXPECT_FALSE(allowed(admin_there, Action::duty_read, camera_alert, tree));
  // A provincial officer keeps to his own subtree, and an external user sees nothing.
  auto provincial = person(4, BranchA1, {{Role::supervision_officer, ProvinceA}});
  EXPECT_EQ(where(provincial, Action::video_playback), (std::vector<int64_t>{ProvinceA, BranchA1}));
  auto outside = person(5, BorderGuard, {{Role::supervision_officer, BorderGuard}});
  EXPECT_TRUE(where(outside, Action::camera_read).empty());
}

// ProvinceA has no camera room: its director assigned BranchA1 as the focal unit that supervises its
// cameras online (Art. 16.2.2b).
class FocalTree final : public UnitScope {
 public:
  bool contains(int64_t ancestor, int64_t unit) const override { return tree_.contains(ancestor, unit); }
  bool is_external(int64_t unit) const override { return tree_.is_external(unit); }
  std::vector<int64_t> watched_through_section(int64_t unit) const override {
    return tree_.contains(BranchA1, unit) ? std::vector<int64_t>{ProvinceA} : std::vector<int64_t>{};
  }

 private:
  FakeTree tree_;
};

TEST(SectionWatch, Art16_2_2b_TheFocalUnitsOfficersWatchTheCamerasOfTheUnitThatAssignedIt) {
  FocalTree tree;
  auto where = [&](const Principal& p, Action a) {
    std::vector<int64_t> out;
    for (auto u : kAllUnits)
      if (allowed(p, a, Target{u}, tree)) out.push_back(u);
    return out;
  };
  for (Role r : {Role::supervision_officer, Role::duty_officer, Role::shift_leader, Role::unit_leader}) {
    auto officer = person(1, BranchA1, {{r, BranchA1}});
    for (Action a : {Action::camera_read, Action::video_live, Action::video_playback})
      EXPECT_EQ(where(officer, a), (std::vector<int64_t>{ProvinceA, BranchA1})) << role_name(r);
    auto roots = scope_roots(officer, Action::camera_read, tree);
    ASSERT_TRUE(roots);
    EXPECT_NE(std::find(roots->begin(), roots->end(), ProvinceA), roots->end());
  }
  auto officer = person(1, BranchA1, {{Role::supervision_officer, BranchA1}});
  EXPECT_EQ(where(officer, Action::hold_write), (std::vector<int64_t>{BranchA1})) << "watching is not holding evidence";
  EXPECT_EQ(where(officer, Action::case_read), (std::vector<int64_t>{BranchA1}));
  Target alert{ProvinceA};
  alert.from_camera = true;
  EXPECT_TRUE(allowed(officer, Action::duty_read, alert, tree)) << "a camera alert of the province reaches them";
  alert.unit = ProvinceB;
  EXPECT_FALSE(allowed(officer, Action::duty_read, alert, tree));
  auto admin = person(2, BranchA1, {{Role::camera_admin, BranchA1}});
  EXPECT_EQ(where(admin, Action::camera_read), (std::vector<int64_t>{BranchA1})) << "administrators keep to their own";
  auto other = person(3, BranchB1, {{Role::supervision_officer, BranchB1}});
  EXPECT_EQ(where(other, Action::video_live), (std::vector<int64_t>{BranchB1}));
}

}  // namespace
}  // namespace watchfloor::auth
