#pragma once
// Internal to the supervision module: what its classes (tasks.h, cases.h, coordination.h, inbox.h,
// escalation_runner.h) share, and nothing outside the module includes. The rows they read (by column
// name), the document numbers they issue, the snapshot of the organisation that routing reads, the
// escalation policy of a severity, and the unit-of-work helpers every write uses.
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "core/error.h"
#include "duty/duty.h"
#include "events/bus.h"
#include "org/units.h"
#include "store/db.h"
#include "supervision/authority.h"
#include "supervision/directory.h"
#include "supervision/escalation.h"
#include "supervision/records.h"
#include "supervision/routing.h"

namespace watchfloor::supervision {

// ---- rows

extern const char* const kTaskSelect;  // FROM tasks
Task task_from_row(const store::Row& r);
extern const char* const kCaseSelect;  // FROM cases c
Case case_from_row(const store::Row& r);
extern const char* const kCoordinationSelect;  // FROM coordination_requests r JOIN cases c
CoordinationRequest coordination_from_row(const store::Row& r);
extern const char* const kNotificationSelect;  // FROM notifications
Notification notification_from_row(const store::Row& r);
// The case's coordination requests, oldest first (what Cases::get puts in Case::coordination).
std::vector<CoordinationRequest> coordination_of(store::Db& db, int64_t case_id);

// ---- numbers, the roster, the policy

// The year of `ms` in a unit's time zone: a series starts again each year.
int year_of(int64_t ms, const std::string& tz);

// The shift as routing reads it.
OnDuty on_duty_of(const duty::Shift& s);
// The escalation policy of a severity: the one stored, else the installation's default.
EscalationPolicy read_policy(store::Db& db, const std::string& severity);

// A rule of the regulation refuses the caller: 403, the rule named.
core::Problem refused(const Refusal& r);

// ---- the unit of work (store/work.h)

// People written about together: each once (an upsert may not touch one row twice in a statement), in the order of
// their ids (two units writing about the same people lock their rows in one order).
void each_once(std::vector<int64_t>& user_ids);

// Runs `fn` after the calling thread's unit of work commits (publish, resolve alerts), never
// for one that rolls back; `key` as Work::after_commit. Throws std::logic_error outside a unit.
void after_commit(std::function<void()> fn, std::string key = {});
void publish(events::Bus& bus, events::Event e, std::string key = {});

}  // namespace watchfloor::supervision
