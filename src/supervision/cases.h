#pragma once
// Online supervision records (giám sát trực tuyến): supervision tasks, cases (vụ việc) with their
// routing (routing.h), handling-plan approvals (Art. 15.1d), Appendix V coordination requests, the
// per-person inbox and escalation (escalation.h). Every write is one unit of work (store/work.h): its rows,
// its audit entry and its timeline commit together, and its events go out only after the commit.
#include <nlohmann/json.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "supervision/escalation.h"
#include "supervision/lifecycle.h"
#include "supervision/relay.h"
#include "supervision/routing.h"
#include "core/clock.h"
#include "duty/duty.h"
#include "events/alerts.h"
#include "events/bus.h"
#include "org/units.h"
#include "store/db.h"
#include "store/work.h"
#include "audit/audit_log.h"

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
};

struct CoordinationInput {
  int64_t case_id = 0, to_unit_id = 0, deadline = 0;
  std::string content, requested_action, contacts;
};

class Cases {
 public:
  Cases(store::Db& db, const core::Clock& clock, org::Units& units, duty::Duty& duty, events::Bus& bus,
        events::Alerts& alerts, audit::AuditLog& audit)
      : db_(db), clock_(clock), units_(units), duty_(duty), bus_(bus), alerts_(alerts), audit_(audit) {}

  // ---- tasks
  std::vector<Task> tasks(const TaskQuery& q);  // newest first
  std::optional<Task> task(int64_t id);
  Task create_task(const TaskInput& in, const audit::Actor& by);
  Task update_task(int64_t id, const TaskInput& in, const audit::Actor& by);
  // A key-point plan comes into force when the leadership of the unit that owns it approves it.
  Task approve_task(int64_t id, const audit::Actor& by);

  // ---- cases
  // Matching cases, newest first, with the caller's relation (see relation()) for visibility checks.
  std::vector<Case> list(const CaseQuery& q);
  std::optional<Case> get(int64_t id);
  Case create(const CaseInput& in, const audit::Actor& by);
  // Drafted and reported at once: a refused report leaves no draft.
  Case create_reported(const CaseInput& in, const audit::Actor& by);
  Case update_draft(int64_t id, const CaseInput& in, const audit::Actor& by);
  // Routes it (Art. 16.4, Art. 8) at this moment and notifies every recipient.
  Case report(int64_t id, const audit::Actor& by);
  Case acknowledge(int64_t id, const audit::Actor& by);
  Case start_handling(int64_t id, const audit::Actor& by);
  Case conclude(int64_t id, const audit::Actor& by, const std::string& outcome, const std::string& note);
  Case close(int64_t id, const audit::Actor& by);
  Case reopen(int64_t id, const audit::Actor& by, const std::string& reason);
  Case propose(int64_t id, const audit::Actor& by, const std::string& text);
  Case decide(int64_t id, int64_t proposal_id, const audit::Actor& by, bool approve, const std::optional<std::string>& remarks);
  Case execute(int64_t id, int64_t proposal_id, const audit::Actor& by, const std::string& note);
  std::vector<TimelineEntry> timeline(int64_t case_id);

  // ---- 16.4(c): through the focal point (relay.h)
  // The focal point forwards the case, with its summary and perhaps a proposal, to leaders it chooses.
  Case forward(int64_t id, const audit::Actor& by, const std::vector<int64_t>& leaders, const std::string& summary,
               const std::optional<std::string>& proposal);
  // A leader it reached gives the direction; the focal point passes it to the units.
  Case direct(int64_t id, const audit::Actor& by, const std::string& direction);
  Case relay_direction(int64_t id, const audit::Actor& by, const std::optional<std::string>& note);
  // The leaders the focal point may forward a case to (the leadership of headquarters).
  std::vector<int64_t> relay_candidates(const Case& c);
  // The relay steps `user` may take on the case now: "forward", "direct", "relay_direction".
  std::vector<std::string> relay_actions(const Case& c, int64_t user);
  // "reporter", "approver", "recipient", or nullopt: what `user` is to the case. Besides those it was
  // sent to, a 16.4(a) case belongs to whoever is on the handling unit's shift now (the handover carries it).
  std::optional<std::string> relation(const Case& c, int64_t user);

  // ---- coordination requests (Appendix V)
  std::vector<CoordinationRequest> coordination(int64_t case_id);  // the case's, oldest first
  std::vector<CoordinationRequest> coordination_requests(const CoordinationQuery& q);  // newest first
  std::optional<CoordinationRequest> coordination_request(int64_t id);
  // The units the case's handling unit may ask to coordinate (Appendix V): every unit of customs but itself.
  std::vector<int64_t> coordination_targets(const Case& c);
  CoordinationRequest request_coordination(const CoordinationInput& in, const audit::Actor& by);
  CoordinationRequest acknowledge_coordination(int64_t id, const audit::Actor& by);
  CoordinationRequest respond_coordination(int64_t id, const audit::Actor& by, const std::string& result);

  // ---- inbox
  std::vector<Notification> inbox(int64_t user, bool unread_only, std::optional<int64_t> before = std::nullopt, int64_t limit = 200);
  int64_t unread(int64_t user);
  void mark_read(int64_t user, std::optional<int64_t> notification_id);  // nullopt: all

  // ---- escalation
  std::vector<EscalationPolicy> policies();
  EscalationPolicy policy(const std::string& severity);
  EscalationPolicy set_policy(const EscalationPolicy& p, const audit::Actor& by);
  // Runs escalation steps, acknowledgement timeouts and coordination deadlines due at `now`.
  // Own transactions; publishes what it caused.
  void check(int64_t now);

  // The organisation, people and shifts on duty at `now` (what routing reads).
  Directory directory(int64_t now);
  // The handover's open items of the duty watch whose shifts are kept at `unit_id` (Art. 15.2): open
  // 16.4(a) cases it handles, open key-point cases (16.4b, c) of a unit that reports to it (handling,
  // reporting or sent to), and coordination requests awaiting an answer that such a unit sent or received.
  nlohmann::json open_items(int64_t unit_id);

  // Reading a case is a sensitive read (it names people and goods under suspicion): audited.
  void opened(const Case& c, const audit::Actor& by);
  // The Appendix V form was printed (it leaves the system on paper): audited.
  void printed(const CoordinationRequest& r, const audit::Actor& by);

 private:
  Case require_case(int64_t id);
  // The end of a change to a case: its event, its audit entry, and the case as it is now.
  Case done(const audit::Actor& who, const char* action, int64_t id, nlohmann::json details = nlohmann::json::object());
  Task task_done(const audit::Actor& who, const char* action, int64_t id, std::optional<nlohmann::json> details);
  // After the unit of work commits (store/work.h): publish, raise or resolve alerts. `key` as Work::after_commit.
  void after_commit(std::function<void()> fn, std::string key = {});
  void publish(events::Event e, std::string key = {});
  // `read` notifications of `user` were marked read.
  void uncount(int64_t user, int64_t read);
  // The escalation runner's queue (cases.due_at): when it next has something to do for the case.
  void schedule(int64_t case_id);
  // The case, when the lifecycle (lifecycle.h) allows `step` in its status; 409 naming why otherwise.
  Case in_step(int64_t id, CaseStep step);
  void record(int64_t case_id, std::optional<int64_t> by, const std::string& kind, const std::string& vi,
              const std::string& en, const nlohmann::json& details = nlohmann::json::object());
  void set_status(const Case& c, const std::string& status, int64_t by, const std::string& kind, const std::string& vi,
                  const std::string& en);
  void notify(int64_t user, const std::string& kind, const Case& c, std::optional<int64_t> coordination_id,
              const std::string& vi, const std::string& en);
  void changed(int64_t case_id);
  void coordination_changed(const CoordinationRequest& r);
  void escalate(const Case& c, const EscalationPolicy& p, int64_t now, Directory& dir);
  std::vector<int64_t> recipients_of(int64_t case_id);
  void resolve_alerts(int64_t case_id);
  std::optional<Relay> relay_of(int64_t case_id);
  std::string relay_role(int64_t case_id, int64_t user);
  void add_recipients(const Case& c, const std::vector<int64_t>& users, const std::string& role, bool approver);
  void lapse_relay(const Case& c, const std::string& to, int64_t now, Directory& dir);
  // The direction reaches the reporter and the leadership of the reporting and the carrying-out units.
  void deliver_direction(const Case& c, Directory& dir);
  // The next number of a document series ("case:HP-CKKV1:2026"), within the caller's transaction.
  int64_t next_number(const std::string& series);
  // The unit handling a case and the unit it designates to run its duty watch (where shifts may be kept).
  std::vector<int64_t> watch_units(int64_t handling_unit);

  store::Db& db_;
  const core::Clock& clock_;
  org::Units& units_;
  duty::Duty& duty_;
  events::Bus& bus_;
  events::Alerts& alerts_;
  audit::AuditLog& audit_;
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
