#include "supervision/escalation_runner.h"

#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <optional>
#include <utility>

#include "org/vocabulary.h"
#include "store/work.h"
#include "supervision/relay.h"
#include "supervision/shared.h"

namespace watchfloor::supervision {
namespace {

using nlohmann::json;

// A role's Vietnamese name in messages (vocabulary.h), or the id when it is not a role.
std::string role_vi(const std::string& role) {
  for (const auto& t : org::role_terms())
    if (t.id == role) return std::string(t.name_vi);
  return role;
}

}  // namespace

std::vector<EscalationPolicy> Escalation::policies() {
  std::vector<EscalationPolicy> out;
  for (const char* sev : kSeverities) out.push_back(policy(sev));
  return out;
}

EscalationPolicy Escalation::policy(const std::string& severity) { return read_policy(db_, severity); }

EscalationPolicy Escalation::set_policy(const EscalationPolicy& p, const audit::Actor& who) {
  return store::Work::run(db_, [&](store::Work&) {
    const int64_t by = who.user_id;
    json j = to_json(p);
    j.erase("severity");
    db_.exec("INSERT INTO escalation_policies(severity, policy, updated_by, updated_at) VALUES (?,?,?,?) "
             "ON CONFLICT(severity) DO UPDATE SET policy=excluded.policy, updated_by=excluded.updated_by, updated_at=excluded.updated_at",
             {p.severity, j.dump(), by, clock_.now_ms()});
    auto saved = policy(p.severity);
    for (const auto& r : db_.query("SELECT id FROM cases WHERE severity = ? AND due_at IS NOT NULL", {p.severity}))
      cases_.schedule(r.i64("id"));
    audit_.append(who.event("escalation_policy.update", "escalation_policy", p.severity, std::nullopt, to_json(saved)));
    return saved;
  });
}

void Escalation::escalate(const Case& c, const EscalationPolicy& p, int64_t now, Directory& dir) {
  auto state = state_from_json(json::parse(db_.query_one("SELECT escalation FROM cases WHERE id = ?", {c.id})->str("escalation")));
  if (state.since == 0) state.since = c.reported_at.value_or(now);
  const std::string before = to_json(state).dump();
  CaseClock clock{c.status, c.reported_at.value_or(now), c.acknowledged_at};
  if (ack_lapsed(p, clock, now)) {
    // Acknowledged but not taken into handling in time: it is as if nobody had seen it.
    db_.exec("UPDATE cases SET status=?, acknowledged_by=NULL, acknowledged_at=NULL, updated_at=? WHERE id=?",
             {*case_step(c.status, CaseStep::lapse_acknowledgement).next, now, c.id});
    cases_.record(c.id, std::nullopt, "ack_lapsed",
                  fmt::format("Quá {} phút sau khi tiếp nhận chưa xử lý: vụ việc trở lại chờ tiếp nhận", p.ack_timeout_minutes),
                  fmt::format("Not taken into handling {} minutes after acknowledgement: back to awaiting acknowledgement", p.ack_timeout_minutes));
    state = EscalationState{now, {}, {}};
    clock = CaseClock{"reported", clock.reported_at, std::nullopt};
    cases_.changed(c.id);
  }
  int64_t handling = c.routing.value("handling_unit_id", c.unit_id);
  auto target_unit = [&](const std::string& at) -> std::optional<int64_t> {
    const org::Unit* u = dir.unit(handling);
    if (!u) return std::nullopt;
    if (at == "parent_unit") return u->parent_id;
    if (at == "headquarters") {
      while (u->parent_id && dir.unit(*u->parent_id)) u = dir.unit(*u->parent_id);
      return u->id;
    }
    return u->id;
  };
  // Up the channel: the duty watch above the one handling it, or at headquarters the focal point.
  auto above = [&](const std::string& role) {
    std::pair<std::optional<int64_t>, std::vector<int64_t>> out;
    const org::Unit* u = dir.unit(handling);
    const org::Unit* watch = u ? dir.nearest_with(u->id, "duty_watch") : nullptr;
    auto level = next_level(dir, watch ? *watch : *u);
    if (!level.unit) return out;
    out.first = level.unit->id;
    for (const auto& [p, leads] : level.people)
      if (role != "shift_leader" || leads || level.role == "focal_point") out.second.push_back(p->user_id);
    return out;
  };
  auto due = due_steps(p, state, clock, now);
  for (size_t k = 0; k < due.size(); ++k) {
    size_t i = due[k].step;
    const auto& step = p.steps[i];
    mark_fired(state, i, now);
    std::optional<int64_t> unit;
    std::vector<int64_t> people;
    if (step.notify_at == "duty_watch_above" && dir.unit(handling)) {
      std::tie(unit, people) = above(step.notify_role);
    } else {
      unit = target_unit(step.notify_at);
      if (unit) people = resolve_role_at(dir, *unit, step.notify_role);
    }
    const org::Unit* u = unit ? dir.unit(*unit) : nullptr;
    if (people.empty()) {
      // Nobody to notify (no one on duty): a coverage alert, and the next step now.
      events::Alert a;
      a.kind = "case.escalation_unanswered";
      a.subject = fmt::format("case:{}:step:{}", c.id, i);
      a.unit_id = unit ? unit : std::optional<int64_t>(handling);
      a.severity = "high";
      a.title_vi = fmt::format("Không có ai ({}) để nhận cảnh báo chuyển cấp xử lý vụ việc {}", role_vi(step.notify_role), c.number);
      a.title_en = fmt::format("Nobody ({}) to receive the escalation of case {}", step.notify_role, c.number);
      a.audience = {"unit_leader", "office_officer"};
      a.details = {{"case_id", c.id}, {"step", i}};
      alerts_.raise(std::move(a));
      cases_.record(c.id, std::nullopt, "escalated",
                    fmt::format("Chuyển cấp xử lý bước {}: không có người nhận ({}), chuyển bước tiếp theo", i + 1, role_vi(step.notify_role)),
                    fmt::format("Escalation step {}: nobody to notify ({}), moving to the next step", i + 1, step.notify_role),
                    {{"step", i}, {"users", json::array()}});
      if (i + 1 < p.steps.size() && condition_holds(p.steps[i + 1].condition, clock.status) &&
          std::none_of(due.begin(), due.end(), [&](const DueStep& d) { return d.step == i + 1; }))
        due.push_back({i + 1, (i + 1 < state.fired.size() ? state.fired[i + 1] : 0) + 1});
      continue;
    }
    bool approver = step.notify_role == "unit_leader" || step.notify_role == "hq_leader" || step.notify_role == "shift_leader";
    each_once(people);
    std::vector<store::Value> rows;
    const store::Value role = std::string("escalation");
    for (auto user : people) rows.insert(rows.end(), {c.id, user, role, int64_t{approver}});
    store::insert_rows(db_, "INSERT INTO case_recipients(case_id, user_id, role, approver) VALUES ", 4, rows,
                       "ON CONFLICT(case_id, user_id) DO UPDATE SET approver = MAX(case_recipients.approver, excluded.approver)");
    inbox_.notify(people, "case_escalated", c, std::nullopt,
                  fmt::format("Chuyển cấp xử lý: vụ việc {} chưa được {}", c.number, step.condition == "not_acknowledged" ? "tiếp nhận" : "xử lý xong"),
                  fmt::format("Escalation: case {} not yet {}", c.number, step.condition == "not_acknowledged" ? "acknowledged" : "closed"));
    cases_.record(c.id, std::nullopt, "escalated",
                  fmt::format("Chuyển cấp xử lý bước {} (lần {}): thông báo {} tại {}", i + 1, due[k].occurrence, role_vi(step.notify_role),
                              u ? u->name_vi : ""),
                  fmt::format("Escalation step {} (time {}): notified {} at {}", i + 1, due[k].occurrence, step.notify_role, u ? u->name_en : ""),
                  {{"step", i}, {"users", people}});
    cases_.changed(c.id);
  }
  // Written only when a step fired or the acknowledgement lapsed: most checks change nothing.
  if (auto after = to_json(state).dump(); after != before) db_.exec("UPDATE cases SET escalation = ? WHERE id = ?", {after, c.id});
}

void Escalation::check(int64_t now) {
  std::map<std::string, EscalationPolicy> pols;
  for (auto& p : policies()) pols[p.severity] = p;
  // The queue: only the cases whose next step is due (indexed), never a scan of every open case.
  std::vector<int64_t> due;
  for (const auto& r : db_.query("SELECT id FROM cases WHERE due_at IS NOT NULL AND due_at <= ? ORDER BY due_at LIMIT 1000", {now}))
    due.push_back(r.i64("id"));
  std::optional<Directory> dir;  // read once, and only when some step is due
  if (!due.empty()) dir = directory_.read(now);
  for (auto id : due)
    store::Work::run(db_, [&](store::Work&) {
      if (auto c = cases_.get(id); c && c->open()) {
        if (c->relay && relay_awaits_focal_point(c->relay->stage)) {
          if (auto to = relay_lapse(c->relay->stage, c->relay->due_at, now)) cases_.lapse_relay(*c, *to, now, *dir);
        } else {
          escalate(*c, pols[c->severity], now, *dir);
        }
      }
      cases_.schedule(id);
    });
  // Coordination deadlines: overdue -> an alert to the receiving unit, and the requester is told once.
  for (const auto& row : db_.query(std::string(kCoordinationSelect) + " WHERE r.status != 'answered' AND r.deadline < ?", {now})) {
    auto r = coordination_from_row(row);
    auto to = units_.get(r.to_unit_id);
    events::Alert a;
    a.kind = "coordination.overdue";
    a.subject = fmt::format("coordination:{}", r.id);
    a.unit_id = r.to_unit_id;
    a.severity = "high";
    a.title_vi = fmt::format("Quá hạn trả lời đề nghị phối hợp {}", r.number);
    a.title_en = fmt::format("Coordination request {} is overdue", r.number);
    a.audience = {"unit_leader", "duty_officer", "shift_leader"};
    a.details = {{"coordination_id", r.id}, {"case_id", r.case_id}};
    if (alerts_.raise(std::move(a)))
      store::Work::run(db_, [&](store::Work&) {
        inbox_.notify({r.created_by}, "coordination_overdue", cases_.require_case(r.case_id), r.id,
                      fmt::format("{} chưa trả lời đề nghị phối hợp {} đúng hạn", to ? to->name_vi : "", r.number),
                      fmt::format("{} has not answered coordination request {} in time", to ? to->name_en : "", r.number));
      });
  }
}

}  // namespace watchfloor::supervision
