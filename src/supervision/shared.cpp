#include "supervision/shared.h"

#include <algorithm>
#include <map>
#include <stdexcept>

#include "store/work.h"

namespace watchfloor::supervision {

using core::Problem;
using nlohmann::json;

const char* const kTaskSelect =
    "SELECT id, unit_id, method, title, description, period_from, period_to, status, directive, officers, targets, "
    "created_by, created_at, updated_at, approved_by, approved_at FROM tasks";

Task task_from_row(const store::Row& r) {
  Task t;
  t.id = r.i64("id");
  t.unit_id = r.i64("unit_id");
  t.method = r.str("method");
  t.title = r.str("title");
  t.description = r.str("description");
  t.period_from = r.i64("period_from");
  t.period_to = r.opt_i64("period_to");
  t.status = r.str("status");
  t.directive = json::parse(r.str("directive"));
  t.officers = json::parse(r.str("officers"));
  t.targets = json::parse(r.str("targets"));
  t.created_by = r.i64("created_by");
  t.created_at = r.i64("created_at");
  t.updated_at = r.i64("updated_at");
  t.approved_by = r.opt_i64("approved_by");
  t.approved_at = r.opt_i64("approved_at");
  return t;
}

const char* const kCaseSelect =
    "SELECT c.id, c.number, c.unit_id, c.task_id, c.method, c.status, c.severity, c.observed_at, c.site, c.site_unit_id, "
    "c.cameras, c.subject, c.description, c.suspected_violation, c.immediate_measure, c.identifiers, c.reported_by, "
    "c.reported_at, c.reporter_on_duty, c.routing, c.acknowledged_by, c.acknowledged_at, c.outcome, c.outcome_note, "
    "c.concluded_by, c.concluded_at, c.closed_by, c.closed_at, c.created_by, c.created_at, c.updated_at FROM cases c";

Case case_from_row(const store::Row& r) {
  Case c;
  c.id = r.i64("id");
  c.number = r.str("number");
  c.unit_id = r.i64("unit_id");
  c.task_id = r.opt_i64("task_id");
  c.method = r.str("method");
  c.status = r.str("status");
  c.severity = r.str("severity");
  c.observed_at = r.i64("observed_at");
  c.site = r.str("site");
  c.site_unit_id = r.opt_i64("site_unit_id");
  c.cameras = json::parse(r.str("cameras"));
  c.subject = r.str("subject");
  c.description = r.str("description");
  c.suspected_violation = r.str("suspected_violation");
  c.immediate_measure = r.str("immediate_measure");
  c.identifiers = json::parse(r.str("identifiers"));
  c.reported_by = r.opt_i64("reported_by");
  c.reported_at = r.opt_i64("reported_at");
  c.reporter_on_duty = r.boolean("reporter_on_duty");
  c.routing = json::parse(r.str("routing"));
  c.acknowledged_by = r.opt_i64("acknowledged_by");
  c.acknowledged_at = r.opt_i64("acknowledged_at");
  c.outcome = r.opt_str("outcome");
  c.outcome_note = r.opt_str("outcome_note");
  c.concluded_by = r.opt_i64("concluded_by");
  c.concluded_at = r.opt_i64("concluded_at");
  c.closed_by = r.opt_i64("closed_by");
  c.closed_at = r.opt_i64("closed_at");
  c.created_by = r.i64("created_by");
  c.created_at = r.i64("created_at");
  c.updated_at = r.i64("updated_at");
  return c;
}

const char* const kCoordinationSelect =
    "SELECT r.id, r.number, r.case_id, c.number AS case_number, r.from_unit_id, r.to_unit_id, r.content, r.requested_action, r.deadline, "
    "r.contacts, r.status, r.created_by, r.created_at, r.acknowledged_by, r.acknowledged_at, r.result, r.responded_by, "
    "r.responded_at FROM coordination_requests r JOIN cases c ON c.id = r.case_id";

CoordinationRequest coordination_from_row(const store::Row& r) {
  CoordinationRequest c;
  c.id = r.i64("id");
  c.number = r.str("number");
  c.case_id = r.i64("case_id");
  c.case_number = r.str("case_number");
  c.from_unit_id = r.i64("from_unit_id");
  c.to_unit_id = r.i64("to_unit_id");
  c.content = r.str("content");
  c.requested_action = r.str("requested_action");
  c.deadline = r.i64("deadline");
  c.contacts = r.str("contacts");
  c.status = r.str("status");
  c.created_by = r.i64("created_by");
  c.created_at = r.i64("created_at");
  c.acknowledged_by = r.opt_i64("acknowledged_by");
  c.acknowledged_at = r.opt_i64("acknowledged_at");
  c.result = r.opt_str("result");
  c.responded_by = r.opt_i64("responded_by");
  c.responded_at = r.opt_i64("responded_at");
  return c;
}

const char* const kNotificationSelect =
    "SELECT id, user_id, kind, case_id, coordination_id, data_request_id, title_vi, title_en, severity, created_at, read_at "
    "FROM notifications";

Notification notification_from_row(const store::Row& r) {
  return {r.i64("id"), r.i64("user_id"), r.i64("created_at"), r.str("kind"), r.str("title_vi"), r.str("title_en"),
          r.str("severity"), r.opt_i64("case_id"), r.opt_i64("coordination_id"), r.opt_i64("read_at"),
          r.opt_i64("data_request_id")};
}

std::vector<CoordinationRequest> coordination_of(store::Db& db, int64_t case_id) {
  std::vector<CoordinationRequest> out;
  for (const auto& r : db.query(std::string(kCoordinationSelect) + " WHERE r.case_id = ? ORDER BY r.id", {case_id}))
    out.push_back(coordination_from_row(r));
  return out;
}

int year_of(int64_t ms, const std::string& tz) { return std::stoi(duty::local_date_of(ms, tz).substr(0, 4)); }

OnDuty on_duty_of(const duty::Shift& s) {
  OnDuty od{s.id, s.date, {}, std::nullopt};
  for (const auto& m : s.members) {
    od.members.push_back({m.user_id, m.position});
    if (m.acting_leader) od.acting_leader = m.user_id;
  }
  return od;
}

EscalationPolicy read_policy(store::Db& db, const std::string& severity) {
  if (auto r = db.query_one("SELECT policy FROM escalation_policies WHERE severity = ?", {severity}))
    return policy_from_json(json::parse(r->str("policy")), severity);
  for (auto& p : default_policies())
    if (p.severity == severity) return p;
  return {severity, 0, default_relay_minutes(severity), {}};
}

Problem refused(const Refusal& r) { return Problem(403, "forbidden-by-rule", "Forbidden by the regulation", "Quy chế không cho phép", r.en, r.vi); }

void each_once(std::vector<int64_t>& user_ids) {
  std::sort(user_ids.begin(), user_ids.end());
  user_ids.erase(std::unique(user_ids.begin(), user_ids.end()), user_ids.end());
}

void after_commit(std::function<void()> fn, std::string key) {
  auto* work = store::Work::current();
  if (!work) throw std::logic_error("supervision: a write outside a unit of work");
  work->after_commit(std::move(fn), std::move(key));
}

void publish(events::Bus& bus, events::Event e, std::string key) {
  bus.publish_on_commit(std::move(e), std::move(key));
}

}  // namespace watchfloor::supervision
