#pragma once
// Grants (quyền khai thác, Art. 16.3): what an approved data request gives its requester — those cameras, those
// kinds of data, that recordings window, view or download, until expiry. The permission policy enforces them
// (auth::DataGrant, loaded with each request's session, so a revocation holds from the next request and ends
// open live views at their next check).
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "audit/audit_log.h"
#include "auth/policy.h"
#include "core/clock.h"
#include "events/bus.h"
#include "sharing/records.h"
#include "store/db.h"
#include "supervision/inbox.h"

namespace watchfloor::sharing {

struct GrantQuery {
  std::optional<int64_t> user_id;                       // the grantee
  std::optional<std::vector<int64_t>> decider_units;    // decided at one of these units (subtrees: the caller filters)
  std::optional<std::string> status;                    // kGrantStatuses
};

class Grants {
 public:
  Grants(store::Db& db, const core::Clock& clock, audit::AuditLog& audit, events::Bus& bus, supervision::Inbox& inbox)
      : db_(db), clock_(clock), audit_(audit), bus_(bus), inbox_(inbox) {}

  // The grants of `user` as the policy reads them, newest first: those in force now, and those that lapsed
  // (expired or were revoked) in the last 90 days, marked so.
  std::vector<auth::DataGrant> held(int64_t user);
  std::optional<GrantRecord> get(int64_t id);
  std::vector<GrantRecord> list(const GrantQuery& q);
  // Within the caller's unit of work: the grant an approval of `r` gives, for `s.access_days` from now.
  GrantRecord issue(const DataRequest& r, const Scope& s, int64_t by);
  // "grant.revoke" at the decider's unit; the grantee is told; 409 when revoked already. After the commit the
  // event "grant.revoked" {grant_id} goes to the grantee: open live views under the grant close on it.
  GrantRecord revoke(int64_t id, const std::string& reason, const audit::Actor& by);
  // One more use of the grant (its audit entry is the use's own, carrying the grant's id).
  void used(int64_t id);
  // A use of a camera's data or of a case's record (`object` "camera" or "case", with its id and unit) that the
  // caller's grants do not give, for the reason `slug` (grant-expired, grant-revoked, grant-outside-range,
  // grant-mode, grant-data-type): audited ("grant.refused"), then thrown as a 403 problem saying why, in
  // Vietnamese and English.
  [[noreturn]] void refuse(const std::string& slug, const std::string& object, int64_t id, int64_t unit,
                           const nlohmann::json& details, const audit::Actor& by);

 private:
  store::Db& db_;
  const core::Clock& clock_;
  audit::AuditLog& audit_;
  events::Bus& bus_;
  supervision::Inbox& inbox_;
};

}  // namespace watchfloor::sharing
