#include "duty/schedule.h"

#include <date/date.h>
#include <date/tz.h>

#include <algorithm>
#include <cstdio>
#include <stdexcept>

namespace watchfloor::duty {
namespace {

date::sys_days parse_day(const std::string& ymd) {
  int y = 0;
  unsigned m = 0, d = 0;
  char tail = 0;
  if (ymd.size() != 10 || std::sscanf(ymd.c_str(), "%4d-%2u-%2u%c", &y, &m, &d, &tail) != 3)
    throw std::invalid_argument("not a date (YYYY-MM-DD): " + ymd);
  date::year_month_day ymd_v{date::year{y}, date::month{m}, date::day{d}};
  if (!ymd_v.ok()) throw std::invalid_argument("not a calendar date: " + ymd);
  return date::sys_days(ymd_v);
}

std::string format_day(date::sys_days d) { return date::format("%F", d); }

const date::time_zone* zone(const std::string& name) {
  try {
    return date::locate_zone(name);
  } catch (const std::exception&) {
    throw std::invalid_argument("unknown time zone: " + name);
  }
}

void replace_member(std::vector<Member>& members, int64_t out, int64_t in, const std::string& what) {
  auto it = std::find_if(members.begin(), members.end(), [&](const Member& m) { return m.user_id == out; });
  if (it == members.end()) throw std::invalid_argument(what + ": user " + std::to_string(out) + " is not on that shift");
  it->user_id = in;
}

}  // namespace

bool is_position(const std::string& p) {
  return std::any_of(std::begin(kPositions), std::end(kPositions), [&](const char* x) { return p == x; });
}

ShiftTemplate default_template() {
  ShiftTemplate t;
  t.phases = {
      {"office_hours", "Giờ hành chính", "Office hours", 0, 9 * 60,
       {{"shift_leader", 1}, {"deputy_leader", 1}, {"office_officer", 1}, {"supervision_officer", 2}}},
      {"after_hours", "Ngoài giờ hành chính", "After hours", 9 * 60, 24 * 60,
       {{"shift_leader", 1}, {"supervision_officer", 1}}},
  };
  return t;
}

bool valid_date(const std::string& ymd) {
  try {
    parse_day(ymd);
    return true;
  } catch (const std::invalid_argument&) {
    return false;
  }
}

std::string add_days(const std::string& ymd, int days) { return format_day(parse_day(ymd) + date::days{days}); }

int days_between(const std::string& from, const std::string& to) {
  return static_cast<int>((parse_day(to) - parse_day(from)).count());
}

int weekday_monday0(const std::string& ymd) {
  return static_cast<int>((date::weekday{parse_day(ymd)}.c_encoding() + 6) % 7);
}

int64_t local_to_utc_ms(const std::string& ymd, int minute_of_day, const std::string& time_zone) {
  auto local = date::local_days(parse_day(ymd).time_since_epoch()) + std::chrono::minutes(minute_of_day);
  auto sys = zone(time_zone)->to_sys(local, date::choose::earliest);
  return std::chrono::duration_cast<std::chrono::milliseconds>(sys.time_since_epoch()).count();
}

std::string local_date_of(int64_t utc_ms, const std::string& time_zone) {
  date::sys_time<std::chrono::milliseconds> t{std::chrono::milliseconds(utc_ms)};
  auto local = zone(time_zone)->to_local(t);
  return format_day(date::sys_days(date::floor<date::days>(local).time_since_epoch()));
}

std::vector<PlannedShift> compute_schedule(const Rotation& rotation, const std::vector<Override>& overrides,
                                           const std::vector<Swap>& swaps, const ShiftTemplate& tmpl,
                                           const std::string& time_zone, const std::string& from,
                                           const std::string& to) {
  zone(time_zone);
  int n = days_between(from, to);
  if (n < 0) throw std::invalid_argument("the period ends before it starts");
  if (rotation.kind == "weekday_owners" && rotation.weekdays.size() != 7)
    throw std::invalid_argument("weekday_owners needs seven weekdays, Monday first");
  if (rotation.kind == "daily_rotation" && (rotation.teams.empty() || !valid_date(rotation.anchor_date)))
    throw std::invalid_argument("daily_rotation needs teams and an anchor date");
  if (rotation.kind != "weekday_owners" && rotation.kind != "daily_rotation")
    throw std::invalid_argument("unknown rotation kind: " + rotation.kind);

  // The base members of any date, before swaps and overrides.
  auto base = [&](const std::string& day, std::optional<int64_t>& owner) {
    if (rotation.kind == "weekday_owners") {
      const auto& w = rotation.weekdays[weekday_monday0(day)];
      owner = w.owner_unit_id;
      return w.members;
    }
    int k = days_between(rotation.anchor_date, day);
    int t = static_cast<int>(rotation.teams.size());
    return rotation.teams[((k % t) + t) % t];
  };

  std::vector<PlannedShift> out;
  for (int i = 0; i <= n; ++i) {
    PlannedShift s;
    s.date = add_days(from, i);
    s.members = base(s.date, s.owner_unit_id);
    for (const auto& sw : swaps) {
      // Each trades into the other's place, taking the position of the person they replace.
      if (sw.date_a == s.date) replace_member(s.members, sw.user_a, sw.user_b, "swap on " + s.date);
      if (sw.date_b == s.date) replace_member(s.members, sw.user_b, sw.user_a, "swap on " + s.date);
    }
    for (const auto& o : overrides)
      if (o.date == s.date) replace_member(s.members, o.user_out, o.user_in, "override on " + s.date);
    s.starts_at = local_to_utc_ms(s.date, tmpl.start_minute, time_zone);
    s.ends_at = local_to_utc_ms(s.date, tmpl.start_minute + tmpl.length_minutes, time_zone);
    out.push_back(std::move(s));
  }
  return out;
}

std::vector<CompositionGap> check_composition(const PlannedShift& s, const ShiftTemplate& tmpl) {
  std::vector<CompositionGap> gaps;
  for (const auto& phase : tmpl.phases)
    for (const auto& [position, need] : phase.required) {
      int have = static_cast<int>(
          std::count_if(s.members.begin(), s.members.end(), [&](const Member& m) { return m.position == position; }));
      if (have < need) gaps.push_back({s.date, phase.id, position, need, have});
    }
  return gaps;
}

std::vector<CoverageGap> coverage_gaps(std::vector<PlannedShift> shifts, int64_t from, int64_t to) {
  std::sort(shifts.begin(), shifts.end(), [](const auto& a, const auto& b) { return a.starts_at < b.starts_at; });
  std::vector<CoverageGap> gaps;
  auto add = [&](int64_t a, int64_t b, const char* why) {
    a = std::max(a, from);
    b = std::min(b, to);
    if (a >= b) return;
    if (!gaps.empty() && gaps.back().to == a && gaps.back().reason == why) gaps.back().to = b;
    else gaps.push_back({a, b, why});
  };
  int64_t covered_until = from;
  for (const auto& s : shifts) {
    if (s.ends_at <= from || s.starts_at >= to) continue;
    if (s.starts_at > covered_until) add(covered_until, s.starts_at, "no_shift");
    if (s.members.empty()) add(std::max(s.starts_at, covered_until), s.ends_at, "no_members");
    covered_until = std::max(covered_until, s.ends_at);
  }
  add(covered_until, to, "no_shift");
  return gaps;
}

}  // namespace watchfloor::duty
