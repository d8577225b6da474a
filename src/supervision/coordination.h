#pragma once
// Coordination requests (đề nghị phối hợp, Appendix V): the unit handling a case asks another unit
// of customs to act by a deadline; the other unit acknowledges and answers. The escalation runner
// (escalation_runner.h) watches the deadlines. Every write is one unit of work (store/work.h) with its
// audit entry and the case's timeline.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "audit/audit_log.h"
#include "core/clock.h"
#include "duty/duty.h"
#include "events/alerts.h"
#include "events/bus.h"
#include "org/units.h"
#include "store/db.h"
#include "supervision/cases.h"
#include "supervision/directory.h"
#include "supervision/inbox.h"
#include "supervision/records.h"

namespace watchfloor::supervision {

class Coordination {
 public:
  Coordination(store::Db& db, const core::Clock& clock, org::Units& units, duty::Duty& duty, DirectoryReader& directory, events::Bus& bus,
               events::Alerts& alerts, audit::AuditLog& audit, Inbox& inbox, Cases& cases)
      : db_(db), clock_(clock), units_(units), duty_(duty), directory_(directory), bus_(bus), alerts_(alerts), audit_(audit), inbox_(inbox), cases_(cases) {}

  std::vector<CoordinationRequest> list(const CoordinationQuery& q);  // newest first
  std::optional<CoordinationRequest> get(int64_t id);
  // The units the case's handling unit may ask to coordinate (Appendix V): every unit of customs but itself.
  std::vector<int64_t> targets(const Case& c);
  CoordinationRequest request(const CoordinationInput& in, const audit::Actor& by);
  CoordinationRequest acknowledge(int64_t id, const audit::Actor& by);
  CoordinationRequest respond(int64_t id, const audit::Actor& by, const std::string& result);
  // The Appendix V form was printed (it leaves the system on paper): audited.
  void printed(const CoordinationRequest& r, const audit::Actor& by);

 private:
  // "coordination.changed" after the commit.
  void changed(const CoordinationRequest& r);

  store::Db& db_;
  const core::Clock& clock_;
  org::Units& units_;
  duty::Duty& duty_;
  DirectoryReader& directory_;
  events::Bus& bus_;
  events::Alerts& alerts_;
  audit::AuditLog& audit_;
  Inbox& inbox_;
  Cases& cases_;
};

}  // namespace watchfloor::supervision
