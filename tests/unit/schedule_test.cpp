// The duty schedule computation: shift boundaries in the unit's time zone, rotations, swaps,
// overrides, composition and coverage.
#include <gtest/gtest.h>

#include <set>

#include "core/clock.h"
#include "duty/schedule.h"

namespace watchfloor::duty {
namespace {

const std::string kVN = "Asia/Ho_Chi_Minh";

Rotation teams(std::vector<std::vector<Member>> t, std::string anchor = "2026-11-01") {
  Rotation r;
  r.kind = "daily_rotation";
  r.anchor_date = std::move(anchor);
  r.teams = std::move(t);
  return r;
}

std::vector<Member> team(int64_t leader, int64_t a, int64_t b) {
  return {{leader, "shift_leader"}, {a, "supervision_officer"}, {b, "supervision_officer"}};
}

std::vector<int64_t> ids(const PlannedShift& s) {
  std::vector<int64_t> v;
  for (const auto& m : s.members) v.push_back(m.user_id);
  return v;
}

TEST(Schedule, EightToEightInVietnamIsOneAmToOneAmUtc) {
  auto s = compute_schedule(teams({team(1, 2, 3)}), {}, {}, default_template(), kVN, "2026-11-28", "2026-11-28");
  ASSERT_EQ(s.size(), 1u);
  EXPECT_EQ(core::iso8601(s[0].starts_at), "2026-11-28T01:00:00.000Z");
  EXPECT_EQ(core::iso8601(s[0].ends_at), "2026-11-29T01:00:00.000Z");
}

TEST(Schedule, ShiftsChainAcrossMonthAndYearEnds) {
  auto s = compute_schedule(teams({team(1, 2, 3), team(4, 5, 6)}), {}, {}, default_template(), kVN, "2026-12-30",
                            "2027-01-02");
  ASSERT_EQ(s.size(), 4u);
  EXPECT_EQ(s[0].date, "2026-12-30");
  EXPECT_EQ(s[1].date, "2026-12-31");
  EXPECT_EQ(s[2].date, "2027-01-01");
  EXPECT_EQ(core::iso8601(s[1].ends_at), "2027-01-01T01:00:00.000Z");
  for (size_t i = 1; i < s.size(); ++i) EXPECT_EQ(s[i - 1].ends_at, s[i].starts_at) << "no gap, no overlap";
  // Teams alternate from the anchor date 2026-11-01 (team 0): 59 days later is team 1.
  EXPECT_EQ(ids(s[0]), (std::vector<int64_t>{4, 5, 6}));
  EXPECT_EQ(ids(s[1]), (std::vector<int64_t>{1, 2, 3}));
}

TEST(Schedule, LeapDayHasItsOwnShift) {
  auto s = compute_schedule(teams({team(1, 2, 3)}), {}, {}, default_template(), kVN, "2028-02-28", "2028-03-01");
  ASSERT_EQ(s.size(), 3u);
  EXPECT_EQ(s[1].date, "2028-02-29");
  EXPECT_EQ(core::iso8601(s[1].starts_at), "2028-02-29T01:00:00.000Z");
  EXPECT_EQ(s[2].date, "2028-03-01");
  EXPECT_THROW(compute_schedule(teams({team(1, 2, 3)}), {}, {}, default_template(), kVN, "2027-02-29", "2027-03-01"),
               std::invalid_argument);
}

TEST(Schedule, RotationBeforeTheAnchorDateStillCycles) {
  auto s = compute_schedule(teams({team(1, 2, 3), team(4, 5, 6), team(7, 8, 9)}), {}, {}, default_template(), kVN,
                            "2026-10-30", "2026-11-01");
  EXPECT_EQ(ids(s[0]), (std::vector<int64_t>{4, 5, 6}));  // two days before the anchor: team 1
  EXPECT_EQ(ids(s[1]), (std::vector<int64_t>{7, 8, 9}));  // the day before: team 2
  EXPECT_EQ(ids(s[2]), (std::vector<int64_t>{1, 2, 3}));  // the anchor: team 0
}

TEST(Schedule, HeadquartersWeekdaysBelongToDepartments) {
  Rotation r;
  r.kind = "weekday_owners";
  for (int d = 0; d < 7; ++d) r.weekdays.push_back({100 + d, team(10 * d + 1, 10 * d + 2, 10 * d + 3)});
  // 2026-11-30 is a Monday, 2026-12-06 a Sunday.
  auto s = compute_schedule(r, {}, {}, default_template(), kVN, "2026-11-30", "2026-12-06");
  ASSERT_EQ(s.size(), 7u);
  EXPECT_EQ(s[0].owner_unit_id, 100);
  EXPECT_EQ(ids(s[0]), (std::vector<int64_t>{1, 2, 3}));
  EXPECT_EQ(s[6].owner_unit_id, 106);
  EXPECT_EQ(ids(s[6]), (std::vector<int64_t>{61, 62, 63}));
  r.weekdays.pop_back();
  EXPECT_THROW(compute_schedule(r, {}, {}, default_template(), kVN, "2026-11-30", "2026-12-06"), std::invalid_argument);
}

TEST(Schedule, SwapTradesDaysAndPositions) {
  auto rot = teams({team(1, 2, 3), team(4, 5, 6)});
  // 2026-11-01 is team 0's day, 2026-11-02 team 1's. Officer 2 and leader 4 trade days: each takes the
  // other's place, and the position of the person replaced.
  auto s = compute_schedule(rot, {}, {{"2026-11-01", 2, "2026-11-02", 4, "việc gia đình"}}, default_template(), kVN,
                            "2026-11-01", "2026-11-02");
  EXPECT_EQ(s[0].members, (std::vector<Member>{{1, "shift_leader"}, {4, "supervision_officer"}, {3, "supervision_officer"}}));
  EXPECT_EQ(s[1].members, (std::vector<Member>{{2, "shift_leader"}, {5, "supervision_officer"}, {6, "supervision_officer"}}));
}

TEST(Schedule, OverrideReplacesOnePersonOnOneDay) {
  auto s = compute_schedule(teams({team(1, 2, 3)}), {{"2026-11-02", 3, 99, "ốm"}}, {}, default_template(), kVN,
                            "2026-11-01", "2026-11-03");
  EXPECT_EQ(ids(s[0]), (std::vector<int64_t>{1, 2, 3}));
  EXPECT_EQ(ids(s[1]), (std::vector<int64_t>{1, 2, 99}));
  EXPECT_EQ(s[1].members[2].position, "supervision_officer");
  EXPECT_EQ(ids(s[2]), (std::vector<int64_t>{1, 2, 3}));
  // Replacing someone who is not on that day's shift is an error, not a silent no-op.
  EXPECT_THROW(compute_schedule(teams({team(1, 2, 3)}), {{"2026-11-02", 42, 99, ""}}, {}, default_template(), kVN,
                                "2026-11-01", "2026-11-03"),
               std::invalid_argument);
}

TEST(Schedule, UnitsInOtherTimeZonesStartAtTheirOwnEight) {
  auto vn = compute_schedule(teams({team(1, 2, 3)}), {}, {}, default_template(), kVN, "2026-11-28", "2026-11-28");
  auto tokyo = compute_schedule(teams({team(1, 2, 3)}), {}, {}, default_template(), "Asia/Tokyo", "2026-11-28", "2026-11-28");
  EXPECT_EQ(core::iso8601(tokyo[0].starts_at), "2026-11-27T23:00:00.000Z");
  EXPECT_EQ(vn[0].starts_at - tokyo[0].starts_at, 2 * 3600 * 1000);
}

TEST(Schedule, DaylightSavingMakesA23HourShift) {
  // Europe/Paris moves to summer time on 2026-03-29: 08:00 to 08:00 local is 23 hours that day.
  auto s = compute_schedule(teams({team(1, 2, 3)}), {}, {}, default_template(), "Europe/Paris", "2026-03-28", "2026-03-29");
  EXPECT_EQ(s[0].ends_at - s[0].starts_at, 23 * 3600 * 1000);
  EXPECT_EQ(s[1].ends_at - s[1].starts_at, 24 * 3600 * 1000);
  EXPECT_THROW(compute_schedule(teams({team(1, 2, 3)}), {}, {}, default_template(), "Mars/Base", "2026-03-28", "2026-03-29"),
               std::invalid_argument);
}

TEST(Composition, MissingPositionsArePerPhase) {
  auto s = compute_schedule(teams({team(1, 2, 3)}), {}, {}, default_template(), kVN, "2026-11-01", "2026-11-01")[0];
  auto gaps = check_composition(s, default_template());
  // Office hours need a division-level leader and an office officer that this team lacks; after hours is complete.
  ASSERT_EQ(gaps.size(), 2u);
  for (const auto& g : gaps) EXPECT_EQ(g.phase, "office_hours");
  std::set<std::string> missing = {gaps[0].position, gaps[1].position};
  EXPECT_EQ(missing, (std::set<std::string>{"deputy_leader", "office_officer"}));
  s.members.push_back({7, "deputy_leader"});
  s.members.push_back({8, "office_officer"});
  EXPECT_TRUE(check_composition(s, default_template()).empty());
  s.members.erase(s.members.begin());  // no shift leader at all
  EXPECT_EQ(check_composition(s, default_template()).size(), 2u);
}

TEST(Coverage, GapsWhereNothingIsPlannedOrNobodyIsOnIt) {
  auto s = compute_schedule(teams({team(1, 2, 3)}), {}, {}, default_template(), kVN, "2026-11-01", "2026-11-05");
  s.erase(s.begin() + 2);   // 2026-11-03 missing
  s[3].members.clear();      // 2026-11-05 planned but empty
  int64_t from = s[0].starts_at, to = s.back().ends_at + 24 * 3600 * 1000;
  auto gaps = coverage_gaps(s, from, to);
  ASSERT_EQ(gaps.size(), 3u);
  EXPECT_EQ(core::iso8601(gaps[0].from), "2026-11-03T01:00:00.000Z");
  EXPECT_EQ(core::iso8601(gaps[0].to), "2026-11-04T01:00:00.000Z");
  EXPECT_EQ(gaps[0].reason, "no_shift");
  // The empty shift and the unplanned day after it: two reasons, two gaps.
  EXPECT_EQ(gaps[1].reason, "no_members");
  EXPECT_EQ(core::iso8601(gaps[1].from), "2026-11-05T01:00:00.000Z");
  EXPECT_EQ(gaps[2].reason, "no_shift");
  EXPECT_EQ(gaps[2].from, gaps[1].to);
  EXPECT_EQ(gaps[2].to, to);
  auto all = coverage_gaps({}, from, to);
  ASSERT_EQ(all.size(), 1u);
  EXPECT_EQ(all[0].from, from);
  EXPECT_EQ(all[0].to, to);
  EXPECT_TRUE(coverage_gaps(s, s[0].starts_at, s[1].ends_at).empty());
}

TEST(Dates, Helpers) {
  EXPECT_EQ(add_days("2026-12-31", 1), "2027-01-01");
  EXPECT_EQ(days_between("2028-02-28", "2028-03-01"), 2);
  EXPECT_EQ(weekday_monday0("2026-11-30"), 0);
  EXPECT_EQ(local_date_of(local_to_utc_ms("2026-11-28", 7 * 60, kVN), kVN), "2026-11-28");
  EXPECT_EQ(local_date_of(local_to_utc_ms("2026-11-28", 7 * 60, kVN), "UTC"), "2026-11-28");
  EXPECT_EQ(local_date_of(local_to_utc_ms("2026-11-28", 6 * 60, kVN), "UTC"), "2026-11-27");
  EXPECT_FALSE(valid_date("2026-13-01"));
  EXPECT_FALSE(valid_date("28/11/2026"));
}

}  // namespace
}  // namespace watchfloor::duty
