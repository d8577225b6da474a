#pragma once
// The register of working relationships (quan hệ phối hợp công tác, Art. 16.3): between which units data is
// shared on what basis, what it covers and until when. Maintained by admin and the system operator's
// leadership (the policy's relationship_write); every change is one unit of work with its audit entry.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "audit/audit_log.h"
#include "core/clock.h"
#include "org/units.h"
#include "sharing/decision.h"
#include "store/db.h"

namespace watchfloor::sharing {

// A new relationship, or a change (absent fields stay as they are).
struct RelationshipInput {
  std::optional<int64_t> unit_id, partner_unit_id;
  std::optional<std::string> basis_kind, basis_number, basis_date, basis_title, valid_from, note;
  std::optional<std::optional<std::string>> valid_to;
  std::optional<std::vector<std::string>> data_types;
  std::optional<std::vector<int64_t>> unit_ids;
  std::optional<bool> download;
};

class Relationships {
 public:
  Relationships(store::Db& db, const core::Clock& clock, audit::AuditLog& audit, org::Units& units)
      : db_(db), clock_(clock), audit_(audit), units_(units) {}

  // Either side in `unit`'s subtree when given; in force today only when asked.
  std::vector<Relationship> list(std::optional<int64_t> unit, bool in_force_only);
  std::optional<Relationship> get(int64_t id);
  // 422 naming the field: unknown or identical units, a data type or basis kind not in the lists, a date not
  // YYYY-MM-DD, valid_to before valid_from, a covered unit outside unit_id's subtree. "relationship.create".
  Relationship create(const RelationshipInput& in, const audit::Actor& by);
  Relationship update(int64_t id, const RelationshipInput& in, const audit::Actor& by);  // "relationship.update"
  Relationship end(int64_t id, const std::string& reason, const audit::Actor& by);      // "relationship.end"
  // Today's date (YYYY-MM-DD) in the installation's zone, for in_force.
  std::string today() const;

 private:
  void check(const Relationship& r) const;
  void write(const Relationship& r);

  store::Db& db_;
  const core::Clock& clock_;
  audit::AuditLog& audit_;
  org::Units& units_;
};

}  // namespace watchfloor::sharing
