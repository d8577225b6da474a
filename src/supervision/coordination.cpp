#include "supervision/coordination.h"

#include <fmt/format.h>

#include <algorithm>
#include <set>

#include "core/error.h"
#include "store/work.h"
#include "supervision/shared.h"

namespace watchfloor::supervision {

using core::Problem;

std::vector<CoordinationRequest> Coordination::list(const CoordinationQuery& q) {
  std::string sql = std::string(kCoordinationSelect) + " WHERE 1=1";
  std::vector<store::Value> params;
  if (q.case_id) sql += " AND r.case_id = ?", params.push_back(*q.case_id);
  if (q.status) sql += " AND r.status = ?", params.push_back(*q.status);
  if (q.before) sql += " AND r.id < ?", params.push_back(*q.before);
  params.push_back(q.limit);
  std::vector<CoordinationRequest> out;
  for (const auto& r : db_.query(sql + " ORDER BY r.id DESC LIMIT ?", params)) out.push_back(coordination_from_row(r));
  return out;
}

std::optional<CoordinationRequest> Coordination::get(int64_t id) {
  auto r = db_.query_one(std::string(kCoordinationSelect) + " WHERE r.id = ?", {id});
  if (!r) return std::nullopt;
  return coordination_from_row(*r);
}

std::vector<int64_t> Coordination::targets(const Case& c) {
  int64_t from = c.routing.is_object() ? c.routing.value("handling_unit_id", c.unit_id) : c.unit_id;
  std::vector<int64_t> out;
  for (const auto& u : units_.list())
    if (!u.external && u.id != from) out.push_back(u.id);
  return out;
}

CoordinationRequest Coordination::request(const CoordinationInput& in, const audit::Actor& who) {
  return store::Work::run(db_, [&](store::Work&) {
    const int64_t by = who.user_id;
    Case c = cases_.in_step(in.case_id, CaseStep::request_coordination);
    int64_t from_unit = c.routing.value("handling_unit_id", c.unit_id);
    if (auto allowed = targets(c); std::find(allowed.begin(), allowed.end(), in.to_unit_id) == allowed.end())
      throw from_unit == in.to_unit_id
          ? Problem::field("to_unit_id", "Không gửi đề nghị phối hợp cho chính đơn vị chủ trì",
                           "Cannot ask the handling unit itself")
          : Problem::field("to_unit_id", "Đơn vị không tồn tại", "No such unit");
    auto to = units_.get(in.to_unit_id);
    int64_t now = clock_.now_ms();
    if (in.deadline <= now)
      throw Problem::field("deadline", "Thời hạn phải ở tương lai", "The deadline must be in the future");
    auto from = units_.get(from_unit);
    int year = year_of(now, from->time_zone);
    std::string number = fmt::format("{:02}/{}/PH-{}", store::next_number(db_, fmt::format("coordination:{}:{}", from->code, year)), year, from->code);
    db_.exec("INSERT INTO coordination_requests(number, case_id, from_unit_id, to_unit_id, content, requested_action, deadline, contacts, "
             "created_by, created_at) VALUES (?,?,?,?,?,?,?,?,?,?)",
             {number, c.id, from_unit, in.to_unit_id, in.content, in.requested_action, in.deadline, in.contacts, by, now});
    auto r = *get(db_.last_insert_id());
    cases_.record(c.id, by, "coordination_requested", fmt::format("Đề nghị phối hợp số {} gửi {}", number, to->name_vi),
                  fmt::format("Coordination request {} sent to {}", number, to->name_en), {{"coordination_id", r.id}});
    if (c.status != "coordination_requested")
      db_.exec("UPDATE cases SET status='coordination_requested', updated_at=? WHERE id=?", {now, c.id});
    // The receiving unit: its leaders and whoever is on duty there (or at the duty watch above it).
    Directory dir = directory_.read(now);
    std::set<int64_t> people;
    for (const auto* p : dir.holding(to->id, {auth::Role::unit_leader, auth::Role::duty_officer, auth::Role::shift_leader}))
      people.insert(p->user_id);
    if (const auto* w = dir.nearest_with(to->id, "duty_watch"))
      for (auto u : resolve_role_at(dir, w->id, "duty_officer")) people.insert(u);
    inbox_.notify({people.begin(), people.end()}, "coordination_received", c, r.id, fmt::format("Đề nghị phối hợp {} (vụ việc {})", number, c.number),
                  fmt::format("Coordination request {} (case {})", number, c.number));
    changed(r);
    cases_.changed(c.id);
    audit_.append(who.event("coordination.create", "coordination_request", std::to_string(r.id), r.to_unit_id, to_json(r, now)));
    return r;
  });
}

CoordinationRequest Coordination::acknowledge(int64_t id, const audit::Actor& who) {
  return store::Work::run(db_, [&](store::Work&) {
    const int64_t by = who.user_id;
    auto r = get(id);
    if (!r) throw Problem::not_found("The coordination request", "Đề nghị phối hợp");
    if (r->status != "sent") throw Problem::conflict("The request was already acknowledged.", "Đề nghị đã được tiếp nhận.");
    int64_t now = clock_.now_ms();
    db_.exec("UPDATE coordination_requests SET status='acknowledged', acknowledged_by=?, acknowledged_at=? WHERE id=?", {by, now, id});
    cases_.record(r->case_id, by, "coordination_acknowledged", fmt::format("Đơn vị phối hợp tiếp nhận đề nghị {}", r->number),
                  fmt::format("Coordination request {} acknowledged", r->number), {{"coordination_id", id}});
    r = get(id);
    changed(*r);
    cases_.changed(r->case_id);
    audit_.append(who.event("coordination.acknowledge", "coordination_request", std::to_string(id), r->to_unit_id));
    return *r;
  });
}

CoordinationRequest Coordination::respond(int64_t id, const audit::Actor& who, const std::string& result) {
  return store::Work::run(db_, [&](store::Work&) {
    const int64_t by = who.user_id;
    auto r = get(id);
    if (!r) throw Problem::not_found("The coordination request", "Đề nghị phối hợp");
    if (r->status == "answered") throw Problem::conflict("The request was already answered.", "Đề nghị đã được trả lời.");
    int64_t now = clock_.now_ms();
    db_.exec("UPDATE coordination_requests SET status='answered', result=?, responded_by=?, responded_at=?, "
             "acknowledged_by=COALESCE(acknowledged_by, ?), acknowledged_at=COALESCE(acknowledged_at, ?) WHERE id=?",
             {result, by, now, by, now, id});
    cases_.record(r->case_id, by, "coordination_answered", fmt::format("Kết quả phối hợp ({}): {}", r->number, result),
                  fmt::format("Coordination result ({}): {}", r->number, result), {{"coordination_id", id}});
    Case c = cases_.require_case(r->case_id);
    inbox_.notify({r->created_by}, "coordination_answered", c, id, fmt::format("Đơn vị phối hợp đã trả lời đề nghị {}", r->number),
                  fmt::format("Coordination request {} answered", r->number));
    after_commit([this, id] { alerts_.resolve("coordination.overdue", fmt::format("coordination:{}", id)); });
    r = get(id);
    changed(*r);
    cases_.changed(r->case_id);
    audit_.append(who.event("coordination.respond", "coordination_request", std::to_string(id), r->to_unit_id, {{"result", result}}));
    return *r;
  });
}

void Coordination::changed(const CoordinationRequest& r) {
  events::Event e;
  e.topic = "coordination.changed";
  e.unit_id = r.to_unit_id;
  e.read_action = auth::Action::coordination_respond;
  e.payload = to_json(r, clock_.now_ms());
  e.also_users = cases_.recipients_of(r.case_id);
  e.also_users.push_back(r.created_by);
  publish(bus_, std::move(e));
}

void Coordination::printed(const CoordinationRequest& r, const audit::Actor& who) {
  audit_.append(who.event("coordination.print", "coordination_request", std::to_string(r.id), r.to_unit_id));
}

}  // namespace watchfloor::supervision
