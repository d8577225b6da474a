// The duty watch (trực ban): rosters, shifts, duty log, focus items, orders, handover, coverage.
#include <fmt/format.h>

#include <functional>
#include <map>
#include <set>

#include "api/routes.h"
#include "core/json_body.h"
#include "duty/duty.h"
#include "duty/report.h"

namespace watchfloor::api {
namespace {

using auth::Action;
using core::Need;
using core::Problem;
using nlohmann::json;

duty::RosterInput parse_roster(const std::string& text, bool create) {
  auto b = core::JsonBody::parse(text, {"unit_id", "period_from", "period_to", "rotation", "overrides", "swaps", "reason"});
  duty::RosterInput in;
  Need need = create ? Need::required : Need::optional;
  in.unit_id = b.integer("unit_id", need);
  in.period_from = b.string("period_from", need, 10);
  in.period_to = b.string("period_to", need, 10);
  in.reason = b.string("reason", Need::optional, 1000);
  if (create && !b.has("rotation")) b.error("rotation", "Trường bắt buộc", "Required field");
  b.finish();
  if (const auto* r = b.raw("rotation")) in.rotation = duty::rotation_from_json(*r, "rotation");
  if (const auto* o = b.raw("overrides")) in.overrides = duty::overrides_from_json(*o, "overrides");
  if (const auto* s = b.raw("swaps")) in.swaps = duty::swaps_from_json(*s, "swaps");
  return in;
}

json roster_json(Services& s, const duty::Roster& r) {
  json j = with_names(s, duty::to_json(r));
  json gaps = json::array();
  for (const auto& g : s.duty.composition_gaps(r))
    gaps.push_back({{"date", g.date}, {"phase", g.phase}, {"position", g.position}, {"required", g.required}, {"present", g.present}});
  j["composition_gaps"] = gaps;
  return j;
}

duty::Roster load_roster(http::Context& ctx, Services& s) {
  auto ro = s.duty.roster(ctx.id_param());
  if (!ro || !ctx.may(Action::duty_read, {ro->unit_id})) throw Problem::not_found("The roster", "Lịch trực");
  return *ro;
}

json shift_json(Services& s, const duty::Shift& sh) { return with_names(s, duty::to_json(sh, s.clock.now_ms())); }

// The duty reads' unit: ?unit (403 unless the caller may read its duty watch), or without it the duty
// watch the caller serves in (their own unit when they may not read that one).
int64_t board_unit(http::Context& ctx, Services& s, int64_t now) {
  const auto& p = ctx.principal();
  if (auto asked = query_id(ctx, "unit")) {
    if (!ctx.may(Action::duty_read, {*asked})) throw Problem::forbidden();
    return *asked;
  }
  int64_t mine = s.duty.duty_watch_of(p.user_id, p.unit_id, now);
  return ctx.may(Action::duty_read, {mine}) ? mine : p.unit_id;
}

duty::Shift load_shift(http::Context& ctx, Services& s) {
  auto sh = s.duty.shift(ctx.id_param());
  if (!sh || !ctx.may(Action::duty_read, {sh->unit_id})) throw Problem::not_found("The shift", "Ca trực");
  return *sh;
}

auth::Target in_shift(const duty::Shift& sh, const http::Context& ctx) {
  auth::Target t{sh.unit_id};
  if (const auto* m = sh.member(ctx.principal().user_id)) {
    t.shift_position = m->position;
    t.acting_leader = m->acting_leader;
  }
  return t;
}

// Art. 7, refused: the rule named, with the field it concerns.
Problem stop_order_refused() {
  return Problem(
      403, "stop-order-shift-leader", "Only the shift leader directs a stop",
      "Chỉ lãnh đạo ca trực được ra chỉ đạo dừng",
      "Only the shift leader, or the division-level leader the roster names acting shift leader, may direct that "
      "goods or a means of transport be stopped from leaving the supervision area.",
      "Chỉ lãnh đạo ca trực, hoặc lãnh đạo cấp phòng được giao quyền lãnh đạo ca trực trong lịch trực, mới được "
      "ra chỉ đạo dừng đưa hàng hóa, phương tiện qua khu vực giám sát.",
      {{"kind", "Chỉ lãnh đạo ca trực (hoặc người được giao quyền lãnh đạo ca trực) ra chỉ đạo này",
        "Only the shift leader (or the acting shift leader) gives this direction"}});
}

// The handover of `sh` is taken over by the leader of the shift that follows it.
void require_incoming_leader(http::Context& ctx, Services& s, const duty::Shift& sh) {
  auto next = s.duty.next_shift(sh.unit_id, sh.ends_at);
  if (!next || next->starts_at != sh.ends_at)
    throw Problem::conflict("No shift follows this one to accept the handover.",
                            "Không có ca trực kế tiếp để nhận bàn giao.");
  ctx.require(Action::shift_command, in_shift(*next, ctx));
}

// A query range [from, to): positive and at most 400 days.
void require_range(int64_t from, int64_t to) {
  if (to <= from || to - from > 400 * 86'400'000LL)
    throw Problem::field("to", "Khoảng thời gian phải dương và không quá 400 ngày", "The range must be positive and at most 400 days");
}

// ---- rosters (lịch trực ban) -----------------------------------------------------------------

http::Response list_rosters(http::Context& ctx, Services& s) {
  json items = json::array();
  for (const auto& ro : s.duty.rosters(query_id(ctx, "unit")))
    if (ctx.may(Action::duty_read, {ro.unit_id})) items.push_back(duty::to_json(ro));
  return http::Response::json(200, {{"items", items}});
}

http::Response create_roster(http::Context& ctx, Services& s) {
  auto in = parse_roster(ctx.req.body, true);
  if (s.units.tree()->exists(*in.unit_id)) ctx.require(Action::roster_write, {*in.unit_id});
  return http::Response::json(201, roster_json(s, s.duty.create_roster(in, ctx.actor())));
}

http::Response get_roster(http::Context& ctx, Services& s) { return http::Response::json(200, roster_json(s, load_roster(ctx, s))); }

// The Office writes rosters and the leadership may amend them too, so the route asks only for
// duty_read and the handler for either write right at the roster's unit.
http::Response update_roster(http::Context& ctx, Services& s) {
  auto in = parse_roster(ctx.req.body, false);
  auto ro = load_roster(ctx, s);
  if (!ctx.may(Action::roster_write, {ro.unit_id})) ctx.require(Action::roster_approve, {ro.unit_id});
  return http::Response::json(200, roster_json(s, s.duty.update_roster(ro.id, in, ctx.actor(), core::parse_json(ctx.req.body))));
}

// The body of a lifecycle step: an optional composition_exception (used by approve).
std::optional<std::string> composition_exception(const http::Context& ctx) {
  if (ctx.req.body.empty()) return std::nullopt;
  auto b = core::JsonBody::parse(ctx.req.body, {"composition_exception"});
  auto exception = b.string("composition_exception", Need::optional, 2000);
  b.finish();
  return exception;
}

http::Response submit_roster(http::Context& ctx, Services& s) {
  composition_exception(ctx);
  auto ro = load_roster(ctx, s);
  ctx.require(Action::roster_write, {ro.unit_id});
  return http::Response::json(200, roster_json(s, s.duty.submit(ro.id, ctx.actor())));
}

http::Response approve_roster(http::Context& ctx, Services& s) {
  auto exception = composition_exception(ctx);
  auto ro = load_roster(ctx, s);
  ctx.require(Action::roster_approve, {ro.unit_id});
  return http::Response::json(200, roster_json(s, s.duty.approve(ro.id, ctx.actor(), exception)));
}

// Publishing is the Office's or the leadership's.
http::Response publish_roster(http::Context& ctx, Services& s) {
  composition_exception(ctx);
  auto ro = load_roster(ctx, s);
  if (!ctx.may(Action::roster_approve, {ro.unit_id})) ctx.require(Action::roster_write, {ro.unit_id});
  return http::Response::json(200, roster_json(s, s.duty.publish(ro.id, ctx.actor())));
}

// ---- shifts (ca trực) ------------------------------------------------------------------------

http::Response list_shifts(http::Context& ctx, Services& s) {
  int64_t now = s.clock.now_ms();
  int64_t unit = board_unit(ctx, s, now);
  int64_t from = query_time(ctx, "from", now - 7 * 86'400'000LL), to = query_time(ctx, "to", now + 31 * 86'400'000LL);
  require_range(from, to);
  json items = json::array();
  for (const auto& sh : s.duty.shifts(unit, from, to)) items.push_back(shift_json(s, sh));
  return http::Response::json(200, {{"items", items}});
}

http::Response current_shift(http::Context& ctx, Services& s) {
  int64_t now = s.clock.now_ms();
  int64_t unit = board_unit(ctx, s, now);
  auto current = s.duty.shift_at(unit, now);
  auto next = s.duty.next_shift(unit, current ? current->ends_at : now);
  // The shift before, while it still waits for its handover to be accepted.
  std::optional<duty::Shift> previous;
  if (current)
    if (auto before = s.duty.shift_at(unit, current->starts_at - 1); before && before->status(now) == "handover_pending")
      previous = before;
  auto tmpl = s.duty.template_for(unit);
  return http::Response::json(200, {{"unit_id", unit},
                                    {"previous", previous ? shift_json(s, *previous) : json()},
                                    {"current", current ? shift_json(s, *current) : json()},
                                    {"next", next ? shift_json(s, *next) : json()},
                                    {"template", duty::to_json(tmpl)}});
}

http::Response get_shift(http::Context& ctx, Services& s) {
  auto sh = load_shift(ctx, s);
  json j = shift_json(s, sh);
  json focus = json::array(), orders = json::array();
  for (const auto& f : s.duty.focus(sh.id)) focus.push_back(duty::to_json(f));
  for (const auto& o : s.duty.orders(sh.id)) orders.push_back(duty::to_json(o));
  auto h = s.duty.handover(sh.id);
  j["focus_items"] = with_names(s, focus);
  j["orders"] = with_names(s, orders);
  j["handover"] = h ? with_names(s, duty::to_json(*h)) : json();
  j["my_position"] = sh.position_of(ctx.principal().user_id) ? json(*sh.position_of(ctx.principal().user_id)) : json();
  // Whether the caller may direct a stop here (the console disables that choice otherwise).
  j["can_order_stop"] = ctx.may(Action::shift_stop_order, in_shift(sh, ctx));
  return http::Response::json(200, j);
}

http::Response check_in(http::Context& ctx, Services& s) {
  auto sh = load_shift(ctx, s);
  ctx.require(Action::shift_write, in_shift(sh, ctx));
  s.duty.check_in(sh.id, ctx.actor());
  return http::Response::json(200, shift_json(s, *s.duty.shift(sh.id)));
}

// ---- duty log (nhật ký trực ban): append-only

http::Response shift_log(http::Context& ctx, Services& s) {
  auto sh = load_shift(ctx, s);
  json items = json::array();
  for (const auto& e : s.duty.log(sh.id)) items.push_back(duty::to_json(e));
  return http::Response::json(200, {{"items", with_names(s, items)}});
}

http::Response add_log(http::Context& ctx, Services& s) {
  auto sh = load_shift(ctx, s);
  ctx.require(Action::shift_write, in_shift(sh, ctx));
  auto b = core::JsonBody::parse(ctx.req.body, {"kind", "text", "links", "corrects_id"});
  auto kind = b.string("kind", Need::required, 40);
  auto text = b.string("text", Need::required, 5000);
  auto corrects = b.integer("corrects_id", Need::optional);
  json links = json::object();
  if (const auto* l = b.raw("links")) {
    core::JsonBody lb(*l, {"case_id", "camera_id", "unit_id"}, "links");
    lb.integer("case_id", Need::optional);
    lb.integer("camera_id", Need::optional);
    lb.integer("unit_id", Need::optional);
    b.adopt(lb);
    links = *l;
  }
  b.finish();
  auto e = s.duty.add_log(sh.id, ctx.actor(), *kind, *text, links, corrects);
  return http::Response::json(201, with_names(s, duty::to_json(e)));
}

// ---- focus items (nội dung trọng điểm)

http::Response list_focus(http::Context& ctx, Services& s) {
  auto sh = load_shift(ctx, s);
  json items = json::array();
  for (const auto& f : s.duty.focus(sh.id)) items.push_back(duty::to_json(f));
  return http::Response::json(200, {{"items", with_names(s, items)}});
}

http::Response add_focus(http::Context& ctx, Services& s) {
  auto sh = load_shift(ctx, s);
  ctx.require(Action::shift_command, in_shift(sh, ctx));
  auto b = core::JsonBody::parse(ctx.req.body, {"text", "source"});
  auto text = b.string("text", Need::required, 2000);
  auto source = b.string("source", Need::required, 40);
  b.finish();
  return http::Response::json(201, duty::to_json(s.duty.add_focus(sh.id, ctx.actor(), *text, *source)));
}

// ---- what the shift leader directs (chỉ đạo của lãnh đạo ca trực)

http::Response list_orders(http::Context& ctx, Services& s) {
  auto sh = load_shift(ctx, s);
  json items = json::array();
  for (const auto& o : s.duty.orders(sh.id)) items.push_back(duty::to_json(o));
  return http::Response::json(200, {{"items", with_names(s, items)}});
}

http::Response add_order(http::Context& ctx, Services& s) {
  auto sh = load_shift(ctx, s);
  auto target = in_shift(sh, ctx);
  ctx.require(Action::shift_command, target);
  auto b = core::JsonBody::parse(ctx.req.body, {"kind", "target_type", "target_ref", "receiving_unit_id", "instructions"});
  duty::Order o;
  o.kind = b.string("kind", Need::required, 40).value_or("");
  o.target_type = b.string("target_type", Need::required, 40).value_or("");
  o.target_ref = b.string("target_ref", Need::required, 200).value_or("");
  o.receiving_unit_id = b.integer("receiving_unit_id", Need::optional);
  o.instructions = b.string("instructions", Need::optional, 5000).value_or("");
  b.finish();
  if (duty::stops_goods_or_transport(o.kind) && !ctx.may(Action::shift_stop_order, target)) throw stop_order_refused();
  return http::Response::json(201, duty::to_json(s.duty.add_order(sh.id, ctx.actor(), o)));
}

http::Response report_outcome(http::Context& ctx, Services& s) {
  auto sh = load_shift(ctx, s);
  // The shift that issued the order reports back, or the shift on duty now when it was handed over.
  auto current = s.duty.shift_at(sh.unit_id, s.clock.now_ms());
  if (!ctx.may(Action::shift_write, in_shift(sh, ctx))) ctx.require(Action::shift_write, in_shift(current.value_or(sh), ctx));
  auto b = core::JsonBody::parse(ctx.req.body, {"outcome"});
  auto outcome = b.string("outcome", Need::required, 5000);
  b.finish();
  return http::Response::json(200, duty::to_json(s.duty.report_outcome(sh.id, ctx.id_param("order_id"), ctx.actor(), *outcome)));
}

// ---- handover (giao ca)

http::Response get_handover(http::Context& ctx, Services& s) {
  auto sh = load_shift(ctx, s);
  auto h = s.duty.handover(sh.id);
  if (!h) throw Problem::not_found("The handover", "Biên bản giao ca");
  return http::Response::json(200, with_names(s, duty::to_json(*h)));
}

http::Response prepare_handover(http::Context& ctx, Services& s) {
  auto sh = load_shift(ctx, s);
  ctx.require(Action::shift_command, in_shift(sh, ctx));
  auto b = core::JsonBody::parse(ctx.req.body, {"summary", "notes"});
  auto summary = b.string("summary", Need::required, 10000);
  auto notes = b.string("notes", Need::optional, 10000);
  b.finish();
  return http::Response::json(200, duty::to_json(s.duty.prepare_handover(sh.id, ctx.actor(), *summary, notes.value_or(""))));
}

http::Response accept_handover(http::Context& ctx, Services& s) {
  std::optional<std::string> remarks;
  if (!ctx.req.body.empty()) {
    auto b = core::JsonBody::parse(ctx.req.body, {"remarks"});
    remarks = b.string("remarks", Need::optional, 10000);
    b.finish();
  }
  auto sh = load_shift(ctx, s);
  require_incoming_leader(ctx, s, sh);
  return http::Response::json(200, duty::to_json(s.duty.accept_handover(sh.id, ctx.actor(), remarks)));
}

// The incoming leader takes the open items over one by one: accepted (tiếp nhận) or noted (ghi nhận).
http::Response decide_handover_item(http::Context& ctx, Services& s) {
  auto b = core::JsonBody::parse(ctx.req.body, {"type", "id", "decision", "note"});
  auto type = b.string("type", Need::required, 40);
  auto item = b.integer("id", Need::required);
  auto decision = b.string("decision", Need::required, 20);
  auto note = b.string("note", Need::optional, 2000);
  b.finish();
  auto sh = load_shift(ctx, s);
  require_incoming_leader(ctx, s, sh);
  auto h = s.duty.decide_item(sh.id, ctx.actor(), *type, *item, *decision, note.value_or(""));
  return http::Response::json(200, with_names(s, duty::to_json(h)));
}

// ---- the shift report (báo cáo ca trực), printable

http::Response shift_report(http::Context& ctx, Services& s) {
  auto sh = load_shift(ctx, s);
  http::Response res;
  res.content_type = "application/pdf";
  res.body = duty::render_shift_report_pdf(duty::build_shift_report(s.duty, s.units, s.users, sh));
  res.headers.emplace_back("Content-Disposition", fmt::format("inline; filename=\"bao-cao-ca-truc-{}.pdf\"", sh.date));
  s.duty.report_printed(sh, ctx.actor());
  return res;
}

// ---- the unit's shift template (mẫu ca trực): start, length, phases and their composition

int64_t template_unit(http::Context& ctx, Services& s) {
  int64_t unit = ctx.id_param();
  if (!s.units.get(unit) || !ctx.may(Action::duty_read, {unit})) throw Problem::not_found("The unit", "Đơn vị");
  return unit;
}

http::Response get_template(http::Context& ctx, Services& s) {
  return http::Response::json(200, duty::to_json(s.duty.template_for(template_unit(ctx, s))));
}

http::Response set_template(http::Context& ctx, Services& s) {
  auto t = duty::template_from_json(core::parse_json(ctx.req.body));
  int64_t unit = template_unit(ctx, s);
  ctx.require(Action::roster_approve, {unit});
  return http::Response::json(200, duty::to_json(s.duty.set_template(unit, t, ctx.actor())));
}

// ---- alerts (cảnh báo) for the people on duty

http::Response list_alerts(http::Context& ctx, Services& s) {
  bool open_only = query(ctx, "status").value_or("open") == "open";
  auto unit = query_id(ctx, "unit");
  json items = json::array();
  for (const auto& a : s.alerts.list(std::nullopt, open_only, 500)) {
    if (!a.unit_id || !ctx.may(Action::duty_read, {*a.unit_id})) continue;
    if (unit && !s.units.tree()->contains(*unit, *a.unit_id)) continue;
    items.push_back(events::to_json(a));
  }
  return http::Response::json(200, {{"items", items}});
}

http::Response acknowledge_alert(http::Context& ctx, Services& s) {
  auto a = s.alerts.get(ctx.id_param());
  if (!a || !a->unit_id || !ctx.may(Action::duty_read, {*a->unit_id})) throw Problem::not_found("The alert", "Cảnh báo");
  return http::Response::json(200, events::to_json(s.alerts.acknowledge(a->id, ctx.actor())));
}

// ---- coverage of units that must run 24/7

http::Response coverage(http::Context& ctx, Services& s) {
  int64_t now = s.clock.now_ms();
  int64_t unit = board_unit(ctx, s, now);
  int64_t from = query_time(ctx, "from", now), to = query_time(ctx, "to", now + 14 * 86'400'000LL);
  require_range(from, to);
  json gaps = json::array();
  for (const auto& g : s.duty.coverage(unit, from, to))
    gaps.push_back({{"from", core::iso8601(g.from)}, {"to", core::iso8601(g.to)}, {"reason", g.reason}});
  auto u = s.units.get(unit);
  return http::Response::json(200, {{"unit_id", unit}, {"must_run_24x7", u && u->must_run_24x7}, {"from", core::iso8601(from)},
                                    {"to", core::iso8601(to)}, {"gaps", gaps}});
}

}  // namespace

void add_duty_routes(http::Router& r, Services& s) {
  add_routes(r, s, {
    {"GET", "/api/v1/rosters", Action::duty_read, list_rosters},
    {"POST", "/api/v1/rosters", Action::roster_write, create_roster},
    {"GET", "/api/v1/rosters/{id}", Action::duty_read, get_roster},
    {"PATCH", "/api/v1/rosters/{id}", Action::duty_read, update_roster},
    {"POST", "/api/v1/rosters/{id}/submit", Action::roster_write, submit_roster},
    {"POST", "/api/v1/rosters/{id}/approve", Action::roster_approve, approve_roster},
    {"POST", "/api/v1/rosters/{id}/publish", Action::duty_read, publish_roster},
    {"GET", "/api/v1/shifts", Action::duty_read, list_shifts},
    {"GET", "/api/v1/shifts/current", Action::duty_read, current_shift},
    {"GET", "/api/v1/shifts/{id}", Action::duty_read, get_shift},
    {"POST", "/api/v1/shifts/{id}/checkin", Action::shift_write, check_in},
    {"GET", "/api/v1/shifts/{id}/log", Action::duty_read, shift_log},
    {"POST", "/api/v1/shifts/{id}/log", Action::shift_write, add_log},
    {"GET", "/api/v1/shifts/{id}/focus", Action::duty_read, list_focus},
    {"POST", "/api/v1/shifts/{id}/focus", Action::shift_command, add_focus},
    {"GET", "/api/v1/shifts/{id}/orders", Action::duty_read, list_orders},
    {"POST", "/api/v1/shifts/{id}/orders", Action::shift_command, add_order},
    {"POST", "/api/v1/shifts/{id}/orders/{order_id}/outcome", Action::shift_write, report_outcome},
    {"GET", "/api/v1/shifts/{id}/handover", Action::duty_read, get_handover},
    {"POST", "/api/v1/shifts/{id}/handover", Action::shift_command, prepare_handover},
    {"POST", "/api/v1/shifts/{id}/handover/accept", Action::shift_command, accept_handover},
    {"POST", "/api/v1/shifts/{id}/handover/items", Action::shift_command, decide_handover_item},
    {"GET", "/api/v1/shifts/{id}/report.pdf", Action::duty_read, shift_report},
    {"GET", "/api/v1/units/{id}/shift-template", Action::duty_read, get_template},
    {"PUT", "/api/v1/units/{id}/shift-template", Action::roster_approve, set_template},
    {"GET", "/api/v1/alerts", Action::duty_read, list_alerts},
    {"POST", "/api/v1/alerts/{id}/acknowledge", Action::duty_read, acknowledge_alert},
    {"GET", "/api/v1/coverage", Action::duty_read, coverage},
  });
}

}  // namespace watchfloor::api
