#pragma once
// The escalation runner (chuyển cấp xử lý): the policies of each severity, and the pass that runs,
// at `now`, the escalation steps due (escalation.h decides which, purely), the acknowledgements that
// lapsed, the 16.4(c) hops the focal point let lapse (relay.h), and the coordination deadlines passed.
// Its work is proportional to what is due: cases wait in an indexed queue (cases.due_at, Cases::schedule).
#include <cstdint>
#include <string>
#include <vector>

#include "audit/audit_log.h"
#include "core/clock.h"
#include "duty/duty.h"
#include "events/alerts.h"
#include "org/units.h"
#include "store/db.h"
#include "supervision/cases.h"
#include "supervision/directory.h"
#include "supervision/escalation.h"
#include "supervision/inbox.h"

namespace watchfloor::supervision {

class Escalation {
 public:
  Escalation(store::Db& db, const core::Clock& clock, org::Units& units, duty::Duty& duty, DirectoryReader& directory, events::Alerts& alerts,
             audit::AuditLog& audit, Inbox& inbox, Cases& cases)
      : db_(db), clock_(clock), units_(units), duty_(duty), directory_(directory), alerts_(alerts), audit_(audit), inbox_(inbox), cases_(cases) {}

  std::vector<EscalationPolicy> policies();
  EscalationPolicy policy(const std::string& severity);
  // Audited; the open cases of that severity are rescheduled by the new policy.
  EscalationPolicy set_policy(const EscalationPolicy& p, const audit::Actor& by);
  // Runs escalation steps, acknowledgement timeouts, relay deadlines and coordination deadlines due at
  // `now`. One unit of work per case; publishes what it caused.
  void check(int64_t now);

 private:
  void escalate(const Case& c, const EscalationPolicy& p, int64_t now, Directory& dir);

  store::Db& db_;
  const core::Clock& clock_;
  org::Units& units_;
  duty::Duty& duty_;
  DirectoryReader& directory_;
  events::Alerts& alerts_;
  audit::AuditLog& audit_;
  Inbox& inbox_;
  Cases& cases_;
};

}  // namespace watchfloor::supervision
