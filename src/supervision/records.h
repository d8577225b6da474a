#pragma once
// The records of online supervision (giám sát trực tuyến) as plain data: supervision tasks, cases
// (vụ việc) with their handling plans and 16.4(c) relay, Appendix V coordination requests, timeline
// entries and notifications; the queries that list them; and their JSON. The classes that keep them
// are tasks.h, cases.h, coordination.h, inbox.h and escalation_runner.h.
#include <nlohmann/json.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "supervision/lifecycle.h"
#include "supervision/routing.h"

namespace watchfloor::supervision {

inline constexpr const char* kTargetTypes[] = {"site", "camera", "enterprise", "declaration", "route"};
inline constexpr const char* kOutcomes[] = {"no_violation", "procedure_corrected", "administrative_violation",
                                            "criminal_transfer", "officer_discipline"};
inline constexpr const char* kIdentifierKinds[] = {"declarations", "containers", "plates", "seals", "persons", "baggage"};

struct Task {
  int64_t id = 0, unit_id = 0, created_by = 0, created_at = 0, updated_at = 0;
  // "active"; "awaiting_approval" for a key-point plan its unit's leadership has not approved; "closed".
  std::string method, title, description, status = "active";
  std::optional<int64_t> approved_by, approved_at;  // a key-point plan's approval
  int64_t period_from = 0;
  std::optional<int64_t> period_to;
  nlohmann::json directive;                              // {number, date, issuer} or null
  nlohmann::json officers = nlohmann::json::array();     // [{user_id, scope: {field, area, customs_type, route}}]
  nlohmann::json targets = nlohmann::json::array();      // [{type, ref, label}]
  bool assigned(int64_t user) const;
};

struct TaskInput {
  std::optional<int64_t> unit_id;
  std::optional<std::string> method, title, description, status;
  std::optional<int64_t> period_from;
  std::optional<std::optional<int64_t>> period_to;
  std::optional<nlohmann::json> directive, officers, targets;
};

struct Proposal {
  int64_t id = 0, case_id = 0, proposed_by = 0, proposed_at = 0;
  std::string text, status = "proposed";
  std::optional<int64_t> decided_by, decided_at, executed_by, executed_at;
  std::optional<std::string> remarks, execution_note;
};

struct CoordinationRequest {
  int64_t id = 0, case_id = 0, from_unit_id = 0, to_unit_id = 0, deadline = 0, created_by = 0, created_at = 0;
  std::string number, case_number, content, requested_action, contacts, status = "sent";
  std::optional<int64_t> acknowledged_by, acknowledged_at, responded_by, responded_at;
  std::optional<std::string> result;
  bool overdue(int64_t now) const { return status != "answered" && now > deadline; }
};

// A 16.4(c) case on its way to headquarters leadership and back (relay.h).
struct Relay {
  std::string stage;
  int64_t focal_unit_id = 0, hq_unit_id = 0;
  std::optional<int64_t> due_at;
  std::vector<int64_t> leaders;  // the leaders it reached
  std::optional<std::string> summary, proposal, direction, relay_note;
  std::optional<int64_t> forwarded_by, forwarded_at, directed_by, directed_at, relayed_by, relayed_at;
  nlohmann::json bypass_reason;  // {vi, en} when a hop went around the focal point, else null
};

struct Case {
  int64_t id = 0, unit_id = 0, observed_at = 0, created_by = 0, created_at = 0, updated_at = 0;
  std::string number, method, status = "draft", severity = "medium", site, subject, description, suspected_violation,
      immediate_measure;
  std::optional<int64_t> task_id, site_unit_id;
  nlohmann::json cameras = nlohmann::json::array();       // [{camera, from, to}]
  nlohmann::json identifiers = nlohmann::json::object();  // kind -> [strings]
  std::optional<int64_t> reported_by, reported_at, acknowledged_by, acknowledged_at, concluded_by, concluded_at,
      closed_by, closed_at;
  bool reporter_on_duty = false;
  nlohmann::json routing;  // null until reported; see to_json(Routing)
  std::optional<std::string> outcome, outcome_note;
  std::vector<Proposal> proposals;                   // filled by get()
  std::vector<CoordinationRequest> coordination;     // filled by get()
  std::optional<Relay> relay;                        // filled by get(), 16.4(c) only
  bool open() const { return case_open(status); }
};

struct CaseInput {
  std::optional<int64_t> unit_id, observed_at;
  std::optional<std::optional<int64_t>> task_id, site_unit_id;
  std::optional<std::string> method, severity, site, subject, description, suspected_violation, immediate_measure;
  std::optional<nlohmann::json> cameras, identifiers;
};

// Who is listing: the query keeps to the cases they may read before the limit applies (a superset the
// policy then narrows), so that cases out of scope never crowd out the caller's own.
struct CaseReader {
  int64_t user_id = 0;
  std::optional<std::vector<int64_t>> read_roots;        // case_read by unit scope; nullopt: every unit
  std::optional<std::vector<int64_t>> coordinate_roots;  // units whose coordination requests they answer
  bool footage = false;                                  // a sector watcher: every case raised from footage
};

struct CaseQuery {
  std::optional<int64_t> unit_id;   // this unit's subtree
  std::optional<std::string> method, status, severity, text;
  std::optional<int64_t> from, to;  // observed_at
  std::optional<CaseReader> reader;
  std::optional<int64_t> before;  // keyset paging: only ids below this
  int64_t limit = 500;
};

struct TaskQuery {
  std::optional<int64_t> unit_id;  // this unit's subtree
  std::optional<std::string> method, status;
  std::optional<int64_t> before;
  int64_t limit = 500;
};

struct CoordinationQuery {
  std::optional<int64_t> case_id;
  std::optional<std::string> status;
  std::optional<int64_t> before;
  int64_t limit = 500;
};

struct TimelineEntry {
  int64_t id = 0, case_id = 0, at = 0;
  std::optional<int64_t> by;
  std::string kind, text_vi, text_en;
  nlohmann::json details = nlohmann::json::object();
};

struct Notification {
  int64_t id = 0, user_id = 0, created_at = 0;
  std::string kind, title_vi, title_en, severity;
  std::optional<int64_t> case_id, coordination_id, read_at;
  std::optional<int64_t> data_request_id;  // a data request (Art. 16.3, sharing/) instead of a case
};

struct CoordinationInput {
  int64_t case_id = 0, to_unit_id = 0, deadline = 0;
  std::string content, requested_action, contacts;
};

nlohmann::json to_json(const Task& t);
nlohmann::json to_json(const Case& c, bool full, int64_t now);
nlohmann::json to_json(const Proposal& p);
nlohmann::json to_json(const CoordinationRequest& r, int64_t now);
nlohmann::json to_json(const Relay& r, int64_t now);
nlohmann::json to_json(const TimelineEntry& e);
nlohmann::json to_json(const Notification& n);
nlohmann::json to_json(const Routing& r);

}  // namespace watchfloor::supervision
