#pragma once
// The watch over the duty watch: run every few seconds by the server (and by tests with a fake clock)
// to raise and resolve alerts that reach the people on duty.
#include <cstdint>

#include "duty/duty.h"
#include "events/alerts.h"
#include "org/units.h"

namespace watchfloor::duty {

// - a member not checked in `checkin_grace_minutes` after the shift started: alert to the shift leader
//   and the unit's Office, closed when they check in or the shift ends;
// - a handover not accepted `handover_grace_minutes` after the boundary: alert to the leadership and
//   the Office, closed on acceptance;
// - a unit that must run 24/7 with a gap in the next 14 days: alert to the Office and leadership,
//   closed when the roster covers it.
void check_duty(Duty& duty, org::Units& units, events::Alerts& alerts, int64_t now);

}  // namespace watchfloor::duty
