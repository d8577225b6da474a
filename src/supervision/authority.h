#pragma once
// Who may start key-point work (giám sát trọng điểm, Art. 16.4(b) and (c)). A key-point plan comes into
// force when the leadership of the unit that owns it approves it; a task recording a direction of
// headquarters leadership is entered by a leader of headquarters, or by the focal point on a leader's
// behalf with the direction's reference. Pure, over the same snapshot routing reads.
#include <cstdint>
#include <optional>
#include <string>

#include "supervision/routing.h"

namespace watchfloor::supervision {

struct Refusal {
  std::string vi, en;
};

std::optional<Refusal> may_approve_plan(const Directory& dir, int64_t user, int64_t plan_unit);

// `has_reference`: the task carries the direction's number or instruction, date and who gave it.
std::optional<Refusal> may_record_directive(const Directory& dir, int64_t user, int64_t task_unit, bool has_reference);

// True when `user` leads `unit` (leadership_of).
bool leads(const Directory& dir, int64_t user, const org::Unit& unit);

}  // namespace watchfloor::supervision
