#pragma once
// The case file (hồ sơ vụ việc) and its lifecycle: drafting, reporting with its routing (routing.h,
// Art. 16.4, Art. 8), acknowledging, handling plans and their approval (Art. 15.1d), conclusion,
// closing and reopening (lifecycle.h), the 16.4(c) relay through the focal point (relay.h), the
// timeline, and what the handover carries. Every write is one unit of work (store/work.h): its rows, its
// audit entry and its timeline commit together, and its events go out only after the commit.
// Coordination requests (coordination.h) and the escalation runner (escalation_runner.h) build on it.
#include <nlohmann/json.hpp>

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
#include "supervision/directory.h"
#include "supervision/inbox.h"
#include "supervision/lifecycle.h"
#include "supervision/records.h"
#include "supervision/relay.h"
#include "supervision/routing.h"
#include "supervision/tasks.h"

namespace watchfloor::supervision {

class Cases {
 public:
  Cases(store::Db& db, const core::Clock& clock, org::Units& units, duty::Duty& duty, DirectoryReader& directory, events::Bus& bus,
        events::Alerts& alerts, audit::AuditLog& audit, Inbox& inbox, Tasks& tasks)
      : db_(db), clock_(clock), units_(units), duty_(duty), directory_(directory), bus_(bus), alerts_(alerts), audit_(audit), inbox_(inbox), tasks_(tasks) {}

  // Matching cases, newest first, with the caller's relation (see relation()) for visibility checks.
  std::vector<Case> list(const CaseQuery& q);
  // On PostgreSQL a search whose words are in at most this many cases lists them by id (cases.cpp, match_words).
  static constexpr size_t kFewMatches = 2'000;
  void set_few_matches(size_t n) { few_matches_ = n; }  // tests: 0 takes the other way
  std::optional<Case> get(int64_t id);
  // Only its number (VV-…), for lists that name the case beside something else (evidence holds).
  std::optional<std::string> number_of(int64_t id);
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

  // The handover's open items of the duty watch whose shifts are kept at `unit_id` (Art. 15.2): open
  // 16.4(a) cases it handles, open key-point cases (16.4b, c) of a unit that reports to it (handling,
  // reporting or sent to), and coordination requests awaiting an answer that such a unit sent or received.
  nlohmann::json open_items(int64_t unit_id);

  // Reading a case is a sensitive read (it names people and goods under suspicion): audited.
  void opened(const Case& c, const audit::Actor& by, std::optional<int64_t> grant = std::nullopt);  // read through a data-sharing grant

  // ---- for the classes built on cases (coordination.h, escalation_runner.h), within their unit of work
  // The case, or 404.
  Case require_case(int64_t id);
  // The case, when the lifecycle (lifecycle.h) allows `step` in its status; 409 naming why otherwise.
  Case in_step(int64_t id, CaseStep step);
  // An entry on the case's timeline (which cannot be rewritten).
  void record(int64_t case_id, std::optional<int64_t> by, const std::string& kind, const std::string& vi,
              const std::string& en, const nlohmann::json& details = nlohmann::json::object());
  // The case changed: "case.changed" after the commit (one per case per unit, its final state), and
  // its place in the escalation runner's queue again. Returns the case as it is now.
  Case changed(int64_t case_id);
  // Everyone the case was sent to (its recipients).
  std::vector<int64_t> recipients_of(int64_t case_id);
  // The escalation runner's queue (cases.due_at): when it next has something to do for the case.
  void schedule(int64_t case_id);
  // The clock moves the relay on (relay.h relay_lapse): the focal point's hop lapsed at `now`, so the
  // case goes `to` the focal point's leadership, the leaders, or the units directly.
  void lapse_relay(const Case& c, const std::string& to, int64_t now, Directory& dir);

 private:
  // Reports the draft `c` (Art. 16.4, Art. 8) within the caller's unit: returns it as now written.
  Case reported(Case c, const audit::Actor& who);
  // The end of a change to a case: its place in the escalation queue, its event, its audit entry, and the case as it
  // is now (read again; or `c`, which the change holds as it wrote it).
  Case done(const audit::Actor& who, const char* action, int64_t id, nlohmann::json details = nlohmann::json::object());
  Case done(const audit::Actor& who, const char* action, Case c, nlohmann::json details = nlohmann::json::object());
  void set_status(const Case& c, const std::string& status, int64_t by, const std::string& kind, const std::string& vi,
                  const std::string& en);
  void resolve_alerts(int64_t case_id);
  std::optional<Relay> relay_of(int64_t case_id);
  std::string relay_role(int64_t case_id, int64_t user);
  void add_recipients(const Case& c, std::vector<int64_t> users, const std::string& role, bool approver);
  // "case.changed" of `c` after the commit (changed() without reading the case again or scheduling it).
  void published(const Case& c);
  // The direction reaches the reporter and the leadership of the reporting and the carrying-out units.
  void deliver_direction(const Case& c, Directory& dir);
  // The unit handling a case and the unit it designates to run its duty watch (where shifts may be kept).
  std::vector<int64_t> watch_units(int64_t handling_unit);

  store::Db& db_;
  const core::Clock& clock_;
  org::Units& units_;
  duty::Duty& duty_;
  DirectoryReader& directory_;
  events::Bus& bus_;
  events::Alerts& alerts_;
  audit::AuditLog& audit_;
  Inbox& inbox_;
  Tasks& tasks_;
  size_t few_matches_ = kFewMatches;
};

}  // namespace watchfloor::supervision
