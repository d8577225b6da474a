#pragma once
// Escalation (chuyển cấp xử lý): making sure someone acts on a reported case in time. Policies are data (one
// per severity); this file decides, from a case's state and the clock, which steps are due. Pure:
// the runner (escalation_runner.h) resolves people from the roster and records what was sent.
#include <nlohmann/json.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace watchfloor::supervision {

inline constexpr const char* kSeverities[] = {"high", "medium", "low"};
inline constexpr const char* kConditions[] = {"not_acknowledged", "not_closed"};
// duty_watch_above: the shift on duty of the nearest duty watch above the handling unit's, or at
// headquarters the focal point (routing.h next_level): up the channel, never around it.
inline constexpr const char* kNotifyAt[] = {"handling_unit", "duty_watch_above", "parent_unit", "headquarters"};
inline constexpr const char* kNotifyRoles[] = {"shift_leader", "duty_officer", "unit_leader", "hq_leader", "office_officer"};

struct EscalationStep {
  int after_minutes = 0;        // after the case was reported (or its acknowledgement lapsed)
  std::string condition;        // kConditions: the step fires only while this holds
  std::string notify_role;      // kNotifyRoles
  std::string notify_at;        // kNotifyAt, relative to the unit handling the case
  int repeat = 1;               // how many times in all
  int every_minutes = 0;        // between repeats
};

struct EscalationPolicy {
  std::string severity;
  // An acknowledged case that is not taken into handling within this time returns to "reported" and
  // its escalation starts again (0: never).
  int ack_timeout_minutes = 0;
  // 16.4(c): how long the focal point has for each hop of the relay (relay.h) before it goes up.
  int relay_minutes = 60;
  std::vector<EscalationStep> steps;
};

// What the engine remembers per case (stored as JSON with the case).
struct EscalationState {
  int64_t since = 0;              // reported, or the moment the acknowledgement lapsed
  std::vector<int> fired;         // per step: times fired
  std::vector<int64_t> last_at;   // per step: when it last fired
};

struct CaseClock {
  std::string status;
  int64_t reported_at = 0;
  std::optional<int64_t> acknowledged_at;
};

struct DueStep {
  size_t step = 0;
  int occurrence = 1;  // 1-based
};

// The steps due at `now`, in order; does not change the state (see mark_fired).
std::vector<DueStep> due_steps(const EscalationPolicy& p, const EscalationState& s, const CaseClock& c, int64_t now);
void mark_fired(EscalationState& s, size_t step, int64_t at);
// When the runner next has something to do for the case: the earliest step that will fall due while its
// condition holds, or the acknowledgement lapsing; nullopt when nothing ever will (the runner's queue).
std::optional<int64_t> next_due(const EscalationPolicy& p, const EscalationState& s, const CaseClock& c);
// True when the acknowledgement has lapsed at `now` (the case goes back to "reported").
bool ack_lapsed(const EscalationPolicy& p, const CaseClock& c, int64_t now);
bool condition_holds(const std::string& condition, const std::string& status);

// The focal point's time for a hop when a policy does not say: 15 min high, 60 medium, 240 low.
int default_relay_minutes(const std::string& severity);

// The policies shipped with a new installation: up the channel (shift leader, the unit's leadership,
// the duty watch above), never from a branch straight to headquarters leadership.
std::vector<EscalationPolicy> default_policies();

nlohmann::json to_json(const EscalationPolicy& p);
nlohmann::json to_json(const EscalationState& s);
EscalationState state_from_json(const nlohmann::json& j);
// Field-named validation errors (core::Problem).
EscalationPolicy policy_from_json(const nlohmann::json& j, const std::string& severity);

}  // namespace watchfloor::supervision
