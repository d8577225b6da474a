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

void require_writable(const duty::Shift& sh, Services& s) {
  auto status = sh.status(s.clock.now_ms());
  if (status == "planned" || status == "closed")
    throw Problem::conflict("The duty log of a shift can be written only while it is on duty or handing over.",
                            "Chỉ ghi nhật ký trực ban khi ca đang trực hoặc đang giao ca.");
}

std::string entity_id(const duty::Shift& sh) { return std::to_string(sh.id); }

}  // namespace

void add_duty_routes(http::Router& r, Services& s) {
  // ---- rosters (lịch trực ban)
  r.add("GET", "/api/v1/rosters", Action::duty_read, [&s](http::Context& ctx) {
    json items = json::array();
    for (const auto& ro : s.duty.rosters(query_id(ctx, "unit")))
      if (ctx.may(Action::duty_read, {ro.unit_id})) items.push_back(duty::to_json(ro));
    return http::Response::json(200, {{"items", items}});
  });

  r.add("POST", "/api/v1/rosters", Action::roster_write, [&s](http::Context& ctx) {
    auto in = parse_roster(ctx.req.body, true);
    if (s.units.tree()->exists(*in.unit_id)) ctx.require(Action::roster_write, {*in.unit_id});
    duty::Roster created;
    write(s, [&] {
      created = s.duty.create_roster(in, ctx.principal().user_id);
      s.audit.append(ctx.audit("roster.create", "roster", std::to_string(created.id), created.unit_id, duty::to_json(created)));
    });
    return http::Response::json(201, roster_json(s, created));
  });

  r.add("GET", "/api/v1/rosters/{id}", Action::duty_read, [&s](http::Context& ctx) {
    auto ro = s.duty.roster(ctx.id_param());
    if (!ro || !ctx.may(Action::duty_read, {ro->unit_id})) throw Problem::not_found("The roster", "Lịch trực");
    return http::Response::json(200, roster_json(s, *ro));
  });

  // The Office writes rosters and the leadership may amend them too, so the route asks only for
  // duty_read and the handler for either write right at the roster's unit.
  r.add("PATCH", "/api/v1/rosters/{id}", Action::duty_read, [&s](http::Context& ctx) {
    auto in = parse_roster(ctx.req.body, false);
    auto ro = s.duty.roster(ctx.id_param());
    if (!ro || !ctx.may(Action::duty_read, {ro->unit_id})) throw Problem::not_found("The roster", "Lịch trực");
    if (!ctx.may(Action::roster_write, {ro->unit_id})) ctx.require(Action::roster_approve, {ro->unit_id});
    duty::Roster after;
    write(s, [&] {
      after = s.duty.update_roster(ro->id, in, ctx.principal().user_id);
      s.audit.append(ctx.audit(ro->status == "published" ? "roster.amend" : "roster.update", "roster", std::to_string(ro->id),
                               ro->unit_id, {{"change", core::parse_json(ctx.req.body)}}));
    });
    return http::Response::json(200, roster_json(s, after));
  });

  struct Step {
    const char* path;
    const char* action;
    Action needs;
  };
  for (const Step& step : {Step{"submit", "roster.submit", Action::roster_write},
                           Step{"approve", "roster.approve", Action::roster_approve},
                           Step{"publish", "roster.publish", Action::roster_write}}) {
    bool publish = std::string(step.path) == "publish";
    r.add("POST", std::string("/api/v1/rosters/{id}/") + step.path, publish ? Action::duty_read : step.needs, [&s, step](http::Context& ctx) {
      std::optional<std::string> exception;
      if (!ctx.req.body.empty()) {
        auto b = core::JsonBody::parse(ctx.req.body, {"composition_exception"});
        exception = b.string("composition_exception", Need::optional, 2000);
        b.finish();
      }
      auto ro = s.duty.roster(ctx.id_param());
      if (!ro || !ctx.may(Action::duty_read, {ro->unit_id})) throw Problem::not_found("The roster", "Lịch trực");
      // Publishing is the Office's or the leadership's; the rest is exactly the step's role.
      bool leadership_publishes = std::string(step.path) == "publish" && ctx.may(Action::roster_approve, {ro->unit_id});
      if (!leadership_publishes) ctx.require(step.needs, {ro->unit_id});
      int64_t by = ctx.principal().user_id;
      duty::Roster after;
      write(s, [&] {
        std::string p = step.path;
        after = p == "submit" ? s.duty.submit(ro->id, by) : p == "approve" ? s.duty.approve(ro->id, by, exception) : s.duty.publish(ro->id, by);
        s.audit.append(ctx.audit(step.action, "roster", std::to_string(ro->id), ro->unit_id,
                                 exception ? json{{"composition_exception", *exception}} : json::object()));
      });
      return http::Response::json(200, roster_json(s, after));
    });
  }

  // ---- shifts (ca trực)
  r.add("GET", "/api/v1/shifts", Action::duty_read, [&s](http::Context& ctx) {
    int64_t now = s.clock.now_ms();
    int64_t unit = board_unit(ctx, s, now);
    int64_t from = query_time(ctx, "from", now - 7 * 86'400'000LL), to = query_time(ctx, "to", now + 31 * 86'400'000LL);
    if (to <= from || to - from > 400 * 86'400'000LL)
      throw Problem::field("to", "Khoảng thời gian phải dương và không quá 400 ngày", "The range must be positive and at most 400 days");
    json items = json::array();
    for (const auto& sh : s.duty.shifts(unit, from, to)) items.push_back(shift_json(s, sh));
    return http::Response::json(200, {{"items", items}});
  });

  r.add("GET", "/api/v1/shifts/current", Action::duty_read, [&s](http::Context& ctx) {
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
  });

  r.add("GET", "/api/v1/shifts/{id}", Action::duty_read, [&s](http::Context& ctx) {
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
  });

  r.add("POST", "/api/v1/shifts/{id}/checkin", Action::shift_write, [&s](http::Context& ctx) {
    auto sh = load_shift(ctx, s);
    ctx.require(Action::shift_write, in_shift(sh, ctx));
    write(s, [&] {
      s.duty.check_in(sh.id, ctx.principal().user_id);
      s.audit.append(ctx.audit("shift.checkin", "shift", entity_id(sh), sh.unit_id));
    });
    auto j = shift_json(s, *s.duty.shift(sh.id));
    s.bus.publish("shift.updated", sh.unit_id, Action::duty_read, {{"shift_id", sh.id}, {"checkin", ctx.principal().user_id}});
    return http::Response::json(200, j);
  });

  // ---- duty log (nhật ký trực ban): append-only
  r.add("GET", "/api/v1/shifts/{id}/log", Action::duty_read, [&s](http::Context& ctx) {
    auto sh = load_shift(ctx, s);
    json items = json::array();
    for (const auto& e : s.duty.log(sh.id)) items.push_back(duty::to_json(e));
    return http::Response::json(200, {{"items", with_names(s, items)}});
  });

  r.add("POST", "/api/v1/shifts/{id}/log", Action::shift_write, [&s](http::Context& ctx) {
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
    require_writable(sh, s);
    duty::LogEntry e;
    write(s, [&] {
      e = s.duty.add_log(sh.id, ctx.principal().user_id, *kind, *text, links, corrects);
      s.audit.append(ctx.audit("duty_log.create", "duty_log", std::to_string(e.id), sh.unit_id, duty::to_json(e)));
    });
    auto named = with_names(s, duty::to_json(e));
    s.bus.publish("duty_log.created", sh.unit_id, Action::duty_read, named);
    return http::Response::json(201, named);
  });

  // ---- focus items (nội dung trọng điểm)
  r.add("GET", "/api/v1/shifts/{id}/focus", Action::duty_read, [&s](http::Context& ctx) {
    auto sh = load_shift(ctx, s);
    json items = json::array();
    for (const auto& f : s.duty.focus(sh.id)) items.push_back(duty::to_json(f));
    return http::Response::json(200, {{"items", with_names(s, items)}});
  });

  r.add("POST", "/api/v1/shifts/{id}/focus", Action::shift_command, [&s](http::Context& ctx) {
    auto sh = load_shift(ctx, s);
    ctx.require(Action::shift_command, in_shift(sh, ctx));
    auto b = core::JsonBody::parse(ctx.req.body, {"text", "source"});
    auto text = b.string("text", Need::required, 2000);
    auto source = b.string("source", Need::required, 40);
    b.finish();
    duty::FocusItem f;
    write(s, [&] {
      f = s.duty.add_focus(sh.id, ctx.principal().user_id, *text, *source);
      s.audit.append(ctx.audit("focus.create", "shift", entity_id(sh), sh.unit_id, duty::to_json(f)));
    });
    s.bus.publish("shift.updated", sh.unit_id, Action::duty_read, {{"shift_id", sh.id}, {"focus_item", duty::to_json(f)}});
    return http::Response::json(201, duty::to_json(f));
  });

  // ---- what the shift leader directs (chỉ đạo của lãnh đạo ca trực)
  r.add("GET", "/api/v1/shifts/{id}/orders", Action::duty_read, [&s](http::Context& ctx) {
    auto sh = load_shift(ctx, s);
    json items = json::array();
    for (const auto& o : s.duty.orders(sh.id)) items.push_back(duty::to_json(o));
    return http::Response::json(200, {{"items", with_names(s, items)}});
  });

  r.add("POST", "/api/v1/shifts/{id}/orders", Action::shift_command, [&s](http::Context& ctx) {
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
    if (duty::stops_goods_or_transport(o.kind) && !ctx.may(Action::shift_stop_order, target))
      throw stop_order_refused();
    require_writable(sh, s);
    duty::Order created;
    write(s, [&] {
      created = s.duty.add_order(sh.id, ctx.principal().user_id, o);
      s.audit.append(ctx.audit("order.create", "order", std::to_string(created.id), sh.unit_id, duty::to_json(created)));
    });
    s.bus.publish("shift.updated", sh.unit_id, Action::duty_read, {{"shift_id", sh.id}, {"order", duty::to_json(created)}});
    return http::Response::json(201, duty::to_json(created));
  });

  r.add("POST", "/api/v1/shifts/{id}/orders/{order_id}/outcome", Action::shift_write, [&s](http::Context& ctx) {
    auto sh = load_shift(ctx, s);
    // The shift that issued the order reports back, or the shift on duty now when it was handed over.
    auto current = s.duty.shift_at(sh.unit_id, s.clock.now_ms());
    if (!ctx.may(Action::shift_write, in_shift(sh, ctx))) ctx.require(Action::shift_write, in_shift(current.value_or(sh), ctx));
    auto b = core::JsonBody::parse(ctx.req.body, {"outcome"});
    auto outcome = b.string("outcome", Need::required, 5000);
    b.finish();
    duty::Order o;
    write(s, [&] {
      o = s.duty.report_outcome(sh.id, ctx.id_param("order_id"), ctx.principal().user_id, *outcome);
      s.audit.append(ctx.audit("order.outcome", "order", std::to_string(o.id), sh.unit_id, {{"outcome", *outcome}}));
    });
    s.bus.publish("shift.updated", sh.unit_id, Action::duty_read, {{"shift_id", sh.id}, {"order", duty::to_json(o)}});
    return http::Response::json(200, duty::to_json(o));
  });

  // ---- handover (giao ca)
  r.add("GET", "/api/v1/shifts/{id}/handover", Action::duty_read, [&s](http::Context& ctx) {
    auto sh = load_shift(ctx, s);
    auto h = s.duty.handover(sh.id);
    if (!h) throw Problem::not_found("The handover", "Biên bản giao ca");
    return http::Response::json(200, with_names(s, duty::to_json(*h)));
  });

  r.add("POST", "/api/v1/shifts/{id}/handover", Action::shift_command, [&s](http::Context& ctx) {
    auto sh = load_shift(ctx, s);
    ctx.require(Action::shift_command, in_shift(sh, ctx));
    auto b = core::JsonBody::parse(ctx.req.body, {"summary", "notes"});
    auto summary = b.string("summary", Need::required, 10000);
    auto notes = b.string("notes", Need::optional, 10000);
    b.finish();
    if (sh.status(s.clock.now_ms()) == "planned")
      throw Problem::conflict("A shift that has not started cannot hand over.", "Ca trực chưa bắt đầu thì chưa thể giao ca.");
    duty::Handover h;
    write(s, [&] {
      h = s.duty.prepare_handover(sh.id, ctx.principal().user_id, *summary, notes.value_or(""));
      s.audit.append(ctx.audit("handover.prepare", "shift", entity_id(sh), sh.unit_id, duty::to_json(h)));
    });
    s.bus.publish("shift.updated", sh.unit_id, Action::duty_read, {{"shift_id", sh.id}, {"handover", duty::to_json(h)}});
    return http::Response::json(200, duty::to_json(h));
  });

  r.add("POST", "/api/v1/shifts/{id}/handover/accept", Action::shift_command, [&s](http::Context& ctx) {
    std::optional<std::string> remarks;
    if (!ctx.req.body.empty()) {
      auto b = core::JsonBody::parse(ctx.req.body, {"remarks"});
      remarks = b.string("remarks", Need::optional, 10000);
      b.finish();
    }
    auto sh = load_shift(ctx, s);
    require_incoming_leader(ctx, s, sh);
    duty::Handover h;
    write(s, [&] {
      h = s.duty.accept_handover(sh.id, ctx.principal().user_id, remarks);
      s.audit.append(ctx.audit("handover.accept", "shift", entity_id(sh), sh.unit_id, duty::to_json(h)));
    });
    s.bus.publish("shift.updated", sh.unit_id, Action::duty_read, {{"shift_id", sh.id}, {"handover", duty::to_json(h)}});
    return http::Response::json(200, duty::to_json(h));
  });

  // The incoming leader takes the open items over one by one: accepted (tiếp nhận) or noted (ghi nhận).
  r.add("POST", "/api/v1/shifts/{id}/handover/items", Action::shift_command, [&s](http::Context& ctx) {
    auto b = core::JsonBody::parse(ctx.req.body, {"type", "id", "decision", "note"});
    auto type = b.string("type", Need::required, 40);
    auto item = b.integer("id", Need::required);
    auto decision = b.string("decision", Need::required, 20);
    auto note = b.string("note", Need::optional, 2000);
    b.finish();
    auto sh = load_shift(ctx, s);
    require_incoming_leader(ctx, s, sh);
    duty::Handover h;
    write(s, [&] {
      h = s.duty.decide_item(sh.id, ctx.principal().user_id, *type, *item, *decision, note.value_or(""));
      s.audit.append(ctx.audit("handover.item", "shift", entity_id(sh), sh.unit_id,
                               {{"type", *type}, {"id", *item}, {"decision", *decision}, {"note", note.value_or("")}}));
    });
    auto named = with_names(s, duty::to_json(h));
    s.bus.publish("shift.updated", sh.unit_id, Action::duty_read, {{"shift_id", sh.id}, {"handover", named}});
    return http::Response::json(200, named);
  });

  // ---- the shift report (báo cáo ca trực), printable
  r.add("GET", "/api/v1/shifts/{id}/report.pdf", Action::duty_read, [&s](http::Context& ctx) {
    auto sh = load_shift(ctx, s);
    http::Response res;
    res.content_type = "application/pdf";
    res.body = duty::render_shift_report_pdf(duty::build_shift_report(s.duty, s.units, s.users, sh));
    res.headers.emplace_back("Content-Disposition", fmt::format("inline; filename=\"bao-cao-ca-truc-{}.pdf\"", sh.date));
    s.audit.append(ctx.audit("shift.report", "shift", entity_id(sh), sh.unit_id));
    return res;
  });

  // ---- the unit's shift template (mẫu ca trực): start, length, phases and their composition
  r.add("GET", "/api/v1/units/{id}/shift-template", Action::duty_read, [&s](http::Context& ctx) {
    int64_t unit = ctx.id_param();
    if (!s.units.get(unit) || !ctx.may(Action::duty_read, {unit})) throw Problem::not_found("The unit", "Đơn vị");
    return http::Response::json(200, duty::to_json(s.duty.template_for(unit)));
  });

  r.add("PUT", "/api/v1/units/{id}/shift-template", Action::roster_approve, [&s](http::Context& ctx) {
    auto t = duty::template_from_json(core::parse_json(ctx.req.body));
    int64_t unit = ctx.id_param();
    if (!s.units.get(unit) || !ctx.may(Action::duty_read, {unit})) throw Problem::not_found("The unit", "Đơn vị");
    ctx.require(Action::roster_approve, {unit});
    duty::ShiftTemplate saved;
    write(s, [&] {
      saved = s.duty.set_template(unit, t);
      s.audit.append(ctx.audit("shift_template.update", "unit", std::to_string(unit), unit, duty::to_json(saved)));
    });
    return http::Response::json(200, duty::to_json(saved));
  });

  // ---- alerts (cảnh báo) for the people on duty
  r.add("GET", "/api/v1/alerts", Action::duty_read, [&s](http::Context& ctx) {
    bool open_only = query(ctx, "status").value_or("open") == "open";
    auto unit = query_id(ctx, "unit");
    json items = json::array();
    for (const auto& a : s.alerts.list(std::nullopt, open_only, 500)) {
      if (!a.unit_id || !ctx.may(Action::duty_read, {*a.unit_id})) continue;
      if (unit && !s.units.tree()->contains(*unit, *a.unit_id)) continue;
      items.push_back(events::to_json(a));
    }
    return http::Response::json(200, {{"items", items}});
  });

  r.add("POST", "/api/v1/alerts/{id}/acknowledge", Action::duty_read, [&s](http::Context& ctx) {
    auto a = s.alerts.get(ctx.id_param());
    if (!a || !a->unit_id || !ctx.may(Action::duty_read, {*a->unit_id})) throw Problem::not_found("The alert", "Cảnh báo");
    events::Alert acked;
    write(s, [&] {
      acked = s.alerts.acknowledge(a->id, ctx.principal().user_id);
      s.audit.append(ctx.audit("alert.acknowledge", "alert", std::to_string(a->id), a->unit_id));
    });
    s.alerts.publish("alert.acknowledged", acked);
    return http::Response::json(200, events::to_json(acked));
  });

  // ---- coverage of units that must run 24/7
  r.add("GET", "/api/v1/coverage", Action::duty_read, [&s](http::Context& ctx) {
    int64_t now = s.clock.now_ms();
    int64_t unit = board_unit(ctx, s, now);
    int64_t from = query_time(ctx, "from", now), to = query_time(ctx, "to", now + 14 * 86'400'000LL);
    if (to <= from || to - from > 400 * 86'400'000LL)
      throw Problem::field("to", "Khoảng thời gian phải dương và không quá 400 ngày", "The range must be positive and at most 400 days");
    json gaps = json::array();
    for (const auto& g : s.duty.coverage(unit, from, to))
      gaps.push_back({{"from", core::iso8601(g.from)}, {"to", core::iso8601(g.to)}, {"reason", g.reason}});
    auto u = s.units.get(unit);
    return http::Response::json(200, {{"unit_id", unit}, {"must_run_24x7", u && u->must_run_24x7}, {"from", core::iso8601(from)},
                                      {"to", core::iso8601(to)}, {"gaps", gaps}});
  });
}

}  // namespace watchfloor::api
