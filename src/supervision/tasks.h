#pragma once
// Supervision tasks (nhiệm vụ giám sát): the method, period, officers and targets of a unit's
// supervision, including key-point plans and directives (Art. 16.4(b), (c)) with who may start them
// (authority.h). Every write is one unit of work (store/work.h) with its audit entry.
#include <cstdint>
#include <optional>
#include <vector>

#include "audit/audit_log.h"
#include "core/clock.h"
#include "duty/duty.h"
#include "org/units.h"
#include "store/db.h"
#include "supervision/directory.h"
#include "supervision/records.h"

namespace watchfloor::supervision {

class Tasks {
 public:
  Tasks(store::Db& db, const core::Clock& clock, org::Units& units, duty::Duty& duty, DirectoryReader& directory, audit::AuditLog& audit)
      : db_(db), clock_(clock), units_(units), duty_(duty), directory_(directory), audit_(audit) {}

  std::vector<Task> list(const TaskQuery& q);  // newest first
  std::optional<Task> get(int64_t id);
  Task create(const TaskInput& in, const audit::Actor& by);
  Task update(int64_t id, const TaskInput& in, const audit::Actor& by);
  // A key-point plan comes into force when the leadership of the unit that owns it approves it.
  Task approve(int64_t id, const audit::Actor& by);

 private:
  // The end of a change to a task: its audit entry, and the task as it is now.
  Task done(const audit::Actor& who, const char* action, int64_t id, std::optional<nlohmann::json> details);

  store::Db& db_;
  const core::Clock& clock_;
  org::Units& units_;
  duty::Duty& duty_;
  DirectoryReader& directory_;
  audit::AuditLog& audit_;
};

}  // namespace watchfloor::supervision
