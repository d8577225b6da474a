#pragma once
// The duty schedule (lịch trực ban) as a pure function: rotation rules + overrides + swaps + the
// unit's shift template and time zone -> the planned shifts of a period. No database, no clock.
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace watchfloor::duty {

// Positions in a shift (thành phần ca trực).
inline constexpr const char* kPositions[] = {
    "shift_leader",         // lãnh đạo ca trực (department-level leader)
    "deputy_leader",        // lãnh đạo cấp phòng
    "office_officer",       // cán bộ Văn phòng theo dõi báo cáo
    "supervision_officer",  // công chức giám sát trực tuyến
    "duty_officer",         // cán bộ trực ban
};
bool is_position(const std::string& p);

struct Member {
  int64_t user_id = 0;
  std::string position;
  // Quyền lãnh đạo ca trực: a deputy_leader the roster names to act as the shift's leader, with the
  // leader's authority (Art. 7: directing that goods or a means of transport be stopped). The flag
  // belongs to the place in the shift, so whoever replaces them there (override, swap) acts too.
  bool acting_leader = false;
  bool operator==(const Member&) const = default;
};

// A part of the shift with its own required composition, e.g. office hours in the camera room.
struct Phase {
  std::string id;  // "office_hours", "after_hours"
  std::string name_vi, name_en;
  int from_minute = 0;  // minutes after the shift starts
  int to_minute = 0;
  std::map<std::string, int> required;  // position -> at least this many
};

struct ShiftTemplate {
  int start_minute = 8 * 60;  // local time of day the shift starts (08:00)
  int length_minutes = 24 * 60;
  std::vector<Phase> phases;
  int checkin_grace_minutes = 15;    // a member not checked in after this is an alert
  int handover_grace_minutes = 30;   // a handover not accepted after this is an alert
};

// The default template of a provincial camera room: 08:00 to 08:00, office hours 08:00-17:00 with a
// shift leader, a division-level leader, an office officer and two supervision officers; after hours a
// shift leader and one supervision officer.
ShiftTemplate default_template();

// Rotation rules (data, set per roster).
struct WeekdayOwner {
  std::optional<int64_t> owner_unit_id;  // the department that owns the day
  std::vector<Member> members;
};
struct Rotation {
  // "weekday_owners": headquarters, each of seven departments owns a weekday (index 0 = Monday).
  // "daily_rotation": teams take turns, one per day, starting with teams[0] on anchor_date.
  std::string kind = "daily_rotation";
  std::vector<WeekdayOwner> weekdays;  // size 7 for weekday_owners
  std::string anchor_date;             // YYYY-MM-DD
  std::vector<std::vector<Member>> teams;
};

// A replacement on one day: user_out leaves that day's shift and user_in takes the same position.
struct Override {
  std::string date;
  int64_t user_out = 0;
  int64_t user_in = 0;
  std::string reason;
};

// Two people trade days: user_a works date_b in their place and user_b works date_a.
struct Swap {
  std::string date_a;
  int64_t user_a = 0;
  std::string date_b;
  int64_t user_b = 0;
  std::string reason;
};

struct PlannedShift {
  std::string date;  // the local date the shift starts on
  int64_t starts_at = 0, ends_at = 0;  // UTC milliseconds
  std::optional<int64_t> owner_unit_id;
  std::vector<Member> members;
};

// Dates are YYYY-MM-DD in the unit's time zone; `to` is inclusive. Throws std::invalid_argument on a
// bad date or time zone.
std::vector<PlannedShift> compute_schedule(const Rotation& rotation, const std::vector<Override>& overrides,
                                           const std::vector<Swap>& swaps, const ShiftTemplate& tmpl,
                                           const std::string& time_zone, const std::string& from,
                                           const std::string& to);

struct CompositionGap {
  std::string date;
  std::string phase;
  std::string position;
  int required = 0;
  int present = 0;
};
std::vector<CompositionGap> check_composition(const PlannedShift& s, const ShiftTemplate& tmpl);

// An interval of the period in which the unit has nobody on duty.
struct CoverageGap {
  int64_t from = 0, to = 0;  // UTC ms
  std::string reason;        // "no_shift" (nothing planned) or "no_members" (planned but empty)
};
// `shifts` may come from several rosters, in any order.
std::vector<CoverageGap> coverage_gaps(std::vector<PlannedShift> shifts, int64_t from, int64_t to);

// Date helpers (proleptic Gregorian, no time zone).
bool valid_date(const std::string& ymd);
std::string add_days(const std::string& ymd, int days);
int days_between(const std::string& from, const std::string& to);  // to - from
int weekday_monday0(const std::string& ymd);
// The UTC instant of a local wall-clock time in a zone (the earlier one when ambiguous).
int64_t local_to_utc_ms(const std::string& ymd, int minute_of_day, const std::string& time_zone);
// The local date of a UTC instant in a zone.
std::string local_date_of(int64_t utc_ms, const std::string& time_zone);

}  // namespace watchfloor::duty
