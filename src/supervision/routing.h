#pragma once
// Who must learn of a possible violation (Art. 16.4, Art. 8 of the regulation issued with Decision
// 888/QĐ-TCHQ), as one pure function over a snapshot of the organisation, the people and the shifts on
// duty at that moment. Everything the rule needs comes in as data: designations name the units, the
// roster names the people, so the 2017 and the 2025 structures route with the same code.
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "auth/policy.h"
#include "org/units.h"

namespace watchfloor::supervision {

inline constexpr const char* kMethods[] = {"regular", "duty_task", "keypoint_plan", "keypoint_directive"};
inline constexpr const char* kSubjects[] = {"passenger_baggage", "goods", "means_of_transport", "officer_conduct",
                                            "information_system"};

struct Person {
  int64_t user_id = 0;
  std::string full_name;
  int64_t home_unit = 0;
  std::vector<auth::Grant> grants;
};

// The shift on duty at a unit now: members and their positions (shift_leader, deputy_leader, ...).
struct OnDuty {
  int64_t shift_id = 0;
  std::string date;
  std::vector<std::pair<int64_t, std::string>> members;
  std::optional<int64_t> acting_leader;  // the deputy the roster names acting leader (quyền lãnh đạo ca trực)
};

// Who leads a shift and approves within it: its shift leader; without one, the deputy the roster names
// acting leader, or failing that every deputy.
bool leads_shift(const OnDuty& shift, int64_t user, const std::string& pos);

// Everything routing reads, taken at one moment.
struct Directory {
  std::vector<org::Unit> units;
  // Active people only, shared by the snapshots taken while nobody changes them (directory.h).
  std::shared_ptr<const std::vector<Person>> people = std::make_shared<const std::vector<Person>>();
  std::map<int64_t, OnDuty> on_duty;   // unit id -> its shift on duty now

  const org::Unit* unit(int64_t id) const;
  const Person* person(int64_t id) const;
  // The unit itself or its nearest ancestor that designates `kind`; nullptr when none does.
  const org::Unit* nearest_with(int64_t unit_id, const std::string& kind) const;
  // People holding one of `roles` granted exactly at `unit`, or whose own unit is `unit` and who hold one
  // of `roles` anywhere (a deputy director sits in the leadership unit, holds the role at the department).
  std::vector<const Person*> holding(int64_t unit, const std::vector<auth::Role>& roles) const;
  // The shift on duty for the duty watch run at `unit` (kept at the unit or at its designated duty unit).
  const OnDuty* shift_for(const org::Unit& watch_unit) const;
};

struct RouteInput {
  std::string method;                  // kMethods
  int64_t unit_id = 0;                 // the detecting unit
  std::optional<int64_t> plan_unit_id; // the unit that owns the task (key-point plan), when from a task
  std::string subject;                 // kSubjects
  std::optional<int64_t> site_unit_id; // the operational team at the site
  int64_t reporter_id = 0;
};

struct Recipient {
  int64_t user_id = 0;
  int64_t unit_id = 0;   // the unit in whose name they receive it
  std::string role;      // duty_watch, shift_leader, leadership, focal_point, hq_leadership, team_leader
  bool approver = false; // may approve the handling plan, request coordination, conclude
  std::string reason_vi, reason_en;
};

struct Warning {
  std::string code, message_vi, message_en;
};

struct Routing {
  std::string clause;  // "16.4.a", "16.4.b", "16.4.c"
  std::string clause_vi, clause_en, explanation_vi, explanation_en;
  int64_t handling_unit_id = 0;
  std::optional<int64_t> shift_id;  // the duty shift that handles it (16.4.a), or the reporter's shift
  bool reporter_on_duty = false;    // Art. 8 applies
  // 16.4(c): the focal point the case waits at before it reaches the leadership (relay.h); nullopt when
  // there is none to relay it and the leadership received it directly (with a warning).
  std::optional<int64_t> focal_unit_id;
  std::vector<Recipient> recipients;
  std::vector<Warning> warnings;
};

// Never throws for a gap in the organisation: a missing designation or nobody on duty becomes a
// warning (and the escalation and coverage alerts take it from there).
Routing route_case(const RouteInput& in, const Directory& dir);

// The leadership of `unit`: those holding a leader's role there or at the unit its "leadership"
// designation names (a director sits in the leadership unit and holds the role at the department).
std::vector<const Person*> leadership_of(const Directory& dir, const org::Unit& unit);

// The unit whose leadership decides for `unit`: its nearest unit with a leadership designation, else itself.
const org::Unit* leadership_unit(const Directory& dir, int64_t unit);

// The people of the focal point that reports to the leadership of `hq` (its leadership_focal_point).
std::vector<const Person*> focal_point_people(const Directory& dir, const org::Unit& hq);

// The next level up the channel from the duty watch at `watch_unit` (Art. 16.4, 16.2): the shift on duty
// of the nearest duty watch above it that has one; at headquarters, the focal point. Empty when none.
struct NextLevel {
  const org::Unit* unit = nullptr;
  std::string role;  // "duty_watch_above" or "focal_point"
  std::vector<std::pair<const Person*, bool>> people;  // with whether they may approve the handling
};
NextLevel next_level(const Directory& dir, const org::Unit& watch_unit);

// The people to notify for an escalation step: `role` at the unit, taken from the shift on duty for
// shift_leader/duty_officer, else from the people holding the role there.
std::vector<int64_t> resolve_role_at(const Directory& dir, int64_t unit_id, const std::string& role);

}  // namespace watchfloor::supervision
