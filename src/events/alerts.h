#pragma once
// Alerts (cảnh báo): something a person on duty must see — a member missing from a shift, a
// handover not accepted, a gap in a 24/7 roster. One open alert per (kind, subject): raising it
// again changes nothing; resolving closes it. Published on the bus after commit.
#include <nlohmann/json.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "audit/audit_log.h"
#include "core/clock.h"
#include "events/bus.h"
#include "store/db.h"

namespace watchfloor::events {

struct Alert {
  int64_t id = 0;
  std::string kind;     // "shift.member_missing", "shift.handover_overdue", "coverage.gap"
  std::string subject;  // what it is about, unique per kind while open: "shift:12:user:7"
  std::optional<int64_t> unit_id;
  std::string severity;  // "high", "medium", "low"
  std::string title_vi, title_en;
  std::vector<std::string> audience;  // roles at the unit who must see it
  nlohmann::json details = nlohmann::json::object();
  int64_t raised_at = 0;
  std::optional<int64_t> acknowledged_at, acknowledged_by, closed_at;
};

class Alerts {
 public:
  Alerts(store::Db& db, const core::Clock& clock, Bus& bus, audit::AuditLog& audit)
      : db_(db), clock_(clock), bus_(bus), audit_(audit) {}
  // Returns the new alert, or nullopt when one is already open for (kind, subject). Inside a unit of work it is
  // raised with the unit's change (a `shared` one too: the second of two raising one alert at once waits for the
  // first, then finds it open); "alert.raised" goes out after the commit.
  std::optional<Alert> raise(Alert a);
  // Closes the open alert of (kind, subject), if any; returns whether one was closed.
  bool resolve(const std::string& kind, const std::string& subject);
  // Subjects of the open alerts of a kind (to resolve what no longer holds).
  std::vector<std::string> open_subjects(const std::string& kind);
  std::vector<Alert> list(const std::optional<std::vector<int64_t>>& unit_ids, bool open_only, int limit = 200);
  std::optional<Alert> get(int64_t id);
  // Records who saw it first, audited; "alert.acknowledged" is published once the change commits.
  Alert acknowledge(int64_t id, const audit::Actor& by);
  static Event event(const std::string& topic, const Alert& a);

 private:
  store::Db& db_;
  const core::Clock& clock_;
  Bus& bus_;
  audit::AuditLog& audit_;
};

nlohmann::json to_json(const Alert& a);

}  // namespace watchfloor::events
