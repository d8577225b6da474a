#include "supervision/records.h"

#include "core/clock.h"
#include "supervision/relay.h"

namespace watchfloor::supervision {

using nlohmann::json;

bool Task::assigned(int64_t user) const {
  for (const auto& o : officers)
    if (o.value("user_id", int64_t{0}) == user) return true;
  return false;
}

json to_json(const Task& t) {
  return {{"id", t.id},
          {"unit_id", t.unit_id},
          {"method", t.method},
          {"title", t.title},
          {"description", t.description},
          {"period_from", core::iso8601(t.period_from)},
          {"period_to", t.period_to ? json(core::iso8601(*t.period_to)) : json()},
          {"status", t.status},
          {"directive", t.directive},
          {"officers", t.officers},
          {"targets", t.targets},
          {"created_by", t.created_by},
          {"created_at", core::iso8601(t.created_at)},
          {"approved_by", t.approved_by ? json(*t.approved_by) : json()},
          {"approved_at", t.approved_at ? json(core::iso8601(*t.approved_at)) : json()},
          {"updated_at", core::iso8601(t.updated_at)}};
}

namespace {
json opt_time(const std::optional<int64_t>& t) { return t ? json(core::iso8601(*t)) : json(); }
json opt_id(const std::optional<int64_t>& v) { return v ? json(*v) : json(); }
json opt_str(const std::optional<std::string>& v) { return v ? json(*v) : json(); }
}  // namespace

json to_json(const Proposal& p) {
  return {{"id", p.id},
          {"text", p.text},
          {"proposed_by", p.proposed_by},
          {"proposed_at", core::iso8601(p.proposed_at)},
          {"status", p.status},
          {"decided_by", opt_id(p.decided_by)},
          {"decided_at", opt_time(p.decided_at)},
          {"remarks", opt_str(p.remarks)},
          {"executed_by", opt_id(p.executed_by)},
          {"executed_at", opt_time(p.executed_at)},
          {"execution_note", opt_str(p.execution_note)}};
}

json to_json(const CoordinationRequest& r, int64_t now) {
  return {{"id", r.id},
          {"number", r.number},
          {"case_id", r.case_id},
          {"case_number", r.case_number},
          {"from_unit_id", r.from_unit_id},
          {"to_unit_id", r.to_unit_id},
          {"content", r.content},
          {"requested_action", r.requested_action},
          {"deadline", core::iso8601(r.deadline)},
          {"contacts", r.contacts},
          {"status", r.status},
          {"overdue", r.overdue(now)},
          {"created_by", r.created_by},
          {"created_at", core::iso8601(r.created_at)},
          {"acknowledged_by", opt_id(r.acknowledged_by)},
          {"acknowledged_at", opt_time(r.acknowledged_at)},
          {"result", opt_str(r.result)},
          {"responded_by", opt_id(r.responded_by)},
          {"responded_at", opt_time(r.responded_at)}};
}

json to_json(const Case& c, bool full, int64_t now) {
  json j = {{"id", c.id},
            {"number", c.number},
            {"unit_id", c.unit_id},
            {"task_id", opt_id(c.task_id)},
            {"method", c.method},
            {"status", c.status},
            {"severity", c.severity},
            {"observed_at", core::iso8601(c.observed_at)},
            {"site", c.site},
            {"site_unit_id", opt_id(c.site_unit_id)},
            {"cameras", c.cameras},
            {"subject", c.subject},
            {"description", c.description},
            {"suspected_violation", c.suspected_violation},
            {"immediate_measure", c.immediate_measure},
            {"identifiers", c.identifiers},
            {"reported_by", opt_id(c.reported_by)},
            {"reported_at", opt_time(c.reported_at)},
            {"reporter_on_duty", c.reporter_on_duty},
            {"routing", c.routing},
            {"acknowledged_by", opt_id(c.acknowledged_by)},
            {"acknowledged_at", opt_time(c.acknowledged_at)},
            {"outcome", opt_str(c.outcome)},
            {"outcome_note", opt_str(c.outcome_note)},
            {"concluded_at", opt_time(c.concluded_at)},
            {"closed_at", opt_time(c.closed_at)},
            {"created_by", c.created_by},
            {"created_at", core::iso8601(c.created_at)},
            {"updated_at", core::iso8601(c.updated_at)}};
  j["relay"] = c.relay ? to_json(*c.relay, now) : json();
  if (full) {
    j["proposals"] = json::array();
    for (const auto& p : c.proposals) j["proposals"].push_back(to_json(p));
    j["coordination"] = json::array();
    for (const auto& r : c.coordination) j["coordination"].push_back(to_json(r, now));
  }
  return j;
}

json to_json(const Relay& r, int64_t now) {
  json leaders = json::array();
  for (auto u : r.leaders) leaders.push_back({{"user_id", u}});
  return {{"stage", r.stage},
          {"stage_vi", relay_stage_vi(r.stage)},
          {"stage_en", relay_stage_en(r.stage)},
          {"focal_unit_id", r.focal_unit_id},
          {"hq_unit_id", r.hq_unit_id},
          {"due_at", opt_time(r.due_at)},
          {"overdue", r.due_at && now >= *r.due_at},
          {"leaders", leaders},
          {"summary", opt_str(r.summary)},
          {"proposal", opt_str(r.proposal)},
          {"forwarded_by", opt_id(r.forwarded_by)},
          {"forwarded_at", opt_time(r.forwarded_at)},
          {"bypass_reason", r.bypass_reason},
          {"direction", opt_str(r.direction)},
          {"directed_by", opt_id(r.directed_by)},
          {"directed_at", opt_time(r.directed_at)},
          {"relay_note", opt_str(r.relay_note)},
          {"relayed_by", opt_id(r.relayed_by)},
          {"relayed_at", opt_time(r.relayed_at)}};
}

json to_json(const TimelineEntry& e) {
  return {{"id", e.id}, {"at", core::iso8601(e.at)}, {"by", opt_id(e.by)}, {"kind", e.kind},
          {"text_vi", e.text_vi}, {"text_en", e.text_en}, {"details", e.details}};
}

json to_json(const Notification& n) {
  return {{"id", n.id},
          {"kind", n.kind},
          {"case_id", opt_id(n.case_id)},
          {"coordination_id", opt_id(n.coordination_id)},
          {"data_request_id", opt_id(n.data_request_id)},
          {"title_vi", n.title_vi},
          {"title_en", n.title_en},
          {"severity", n.severity},
          {"created_at", core::iso8601(n.created_at)},
          {"read_at", opt_time(n.read_at)}};
}

json to_json(const Routing& r) {
  json recipients = json::array();
  for (const auto& x : r.recipients)
    recipients.push_back({{"user_id", x.user_id}, {"unit_id", x.unit_id}, {"role", x.role}, {"approver", x.approver},
                          {"reason_vi", x.reason_vi}, {"reason_en", x.reason_en}});
  json warnings = json::array();
  for (const auto& w : r.warnings) warnings.push_back({{"code", w.code}, {"message_vi", w.message_vi}, {"message_en", w.message_en}});
  return {{"clause", r.clause},
          {"clause_vi", r.clause_vi},
          {"clause_en", r.clause_en},
          {"explanation_vi", r.explanation_vi},
          {"explanation_en", r.explanation_en},
          {"handling_unit_id", r.handling_unit_id},
          {"shift_id", opt_id(r.shift_id)},
          {"reporter_on_duty", r.reporter_on_duty},
          {"recipients", recipients},
          {"warnings", warnings}};
}

}  // namespace watchfloor::supervision
