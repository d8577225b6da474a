// Online supervision: tasks, cases, handling plans, coordination requests (Appendix V), the inbox
// and escalation policies. Thin: parse, ask the policy with the caller's relation to the case, call
// the supervision module's classes (each call is one unit of work that audits itself), answer with names.
#include <fmt/format.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "api/routes.h"
#include "supervision/coordination_form.h"
#include "supervision/coordination_pdf.h"
#include "core/json_body.h"

namespace watchfloor::api {

// What the caller is to the case: from its routing and authorship, or a unit asked to coordinate.
std::optional<std::string> relation(http::Context& ctx, Services& s, const supervision::Case& c) {
  if (auto r = s.cases.relation(c, ctx.principal().user_id)) return r;
  for (const auto& req : c.coordination)
    if (ctx.may(auth::Action::coordination_respond, {req.to_unit_id})) return "coordinating";
  return std::nullopt;
}

auth::Target case_target(http::Context& ctx, Services& s, const supervision::Case& c) {
  auth::Target t{c.unit_id};
  if (c.status == "draft") t.owner_user = c.created_by;  // nobody else reads or acts on a draft
  t.relation = relation(ctx, s, c);
  t.from_camera = c.cameras.is_array() && !c.cameras.empty();
  return t;
}

supervision::Case load_case(http::Context& ctx, Services& s, const std::string& param) {
  auto c = s.cases.get(ctx.id_param(param));
  if (!c || !ctx.may(auth::Action::case_read, case_target(ctx, s, *c))) throw core::Problem::not_found("The case", "Vụ việc");
  return *c;
}

namespace {

using auth::Action;
using core::Need;
using core::Problem;
using nlohmann::json;

inline constexpr const char* kTaskStatuses[] = {"active", "awaiting_approval", "closed"};

// ---- parsing ------------------------------------------------------------------------------

// Array of objects, each read by `read` with its own field-named errors.
template <typename Fn>
json objects(core::JsonBody& b, std::string_view f, size_t max, Fn read) {
  json out = json::array();
  const auto* raw = b.raw(f);
  if (!raw) return out;
  if (!raw->is_array() || raw->size() > max) {
    b.error(b.path(f), fmt::format("Phải là danh sách tối đa {} mục", max), fmt::format("Must be a list of at most {} items", max));
    return out;
  }
  for (size_t i = 0; i < raw->size(); ++i) out.push_back(read((*raw)[i], fmt::format("{}[{}]", b.path(f), i)));
  return out;
}

json parse_directive(core::JsonBody& b) {
  const auto* raw = b.raw("directive");
  if (!raw || raw->is_null()) return json();
  core::JsonBody d(*raw, {"number", "date", "issuer"}, "directive");
  auto number = d.string("number", Need::required, 100);
  auto date = d.string("date", Need::required, 10);
  auto issuer = d.string("issuer", Need::required, 200);
  if (date && !core::parse_iso8601(*date + "T00:00:00Z")) d.error("directive.date", "Ngày phải theo dạng YYYY-MM-DD", "Date must be YYYY-MM-DD");
  b.adopt(d);
  return {{"number", number.value_or("")}, {"date", date.value_or("")}, {"issuer", issuer.value_or("")}};
}

supervision::TaskInput parse_task(const std::string& text, bool create) {
  auto b = core::JsonBody::parse(text, {"unit_id", "method", "title", "description", "period_from", "period_to", "directive",
                                        "officers", "targets", "status"});
  supervision::TaskInput in;
  Need need = create ? Need::required : Need::optional;
  if (create) {
    in.unit_id = b.integer("unit_id", need);
    in.method = choice(b, "method", need, supervision::kMethods);
    in.period_from = time_field(b, "period_from", need);
  } else {
    for (const char* fixed : {"unit_id", "method", "period_from"})
      if (b.has(fixed)) b.error(fixed, "Không sửa được sau khi giao nhiệm vụ", "Cannot be changed once assigned");
  }
  in.title = b.string("title", need, 300);
  in.description = b.string("description", Need::optional, 5000);
  if (const auto* pt = b.raw("period_to")) in.period_to = pt->is_null() ? std::nullopt : time_field(b, "period_to", Need::optional);
  in.status = choice(b, "status", Need::optional, kTaskStatuses);
  if (b.has("directive")) in.directive = parse_directive(b);
  if (b.has("officers"))
    in.officers = objects(b, "officers", 100, [&](const json& v, const std::string& path) {
      core::JsonBody o(v, {"user_id", "scope"}, path);
      json officer = {{"user_id", o.integer("user_id", Need::required).value_or(0)}, {"scope", json::object()}};
      if (const auto* sc = o.raw("scope")) {
        core::JsonBody sb(*sc, {"field", "area", "customs_type", "route"}, path + ".scope");
        for (const char* k : {"field", "area", "customs_type", "route"})
          if (auto x = sb.string(k, Need::optional, 300)) officer["scope"][k] = *x;
        o.adopt(sb);
      }
      b.adopt(o);
      return officer;
    });
  if (b.has("targets"))
    in.targets = objects(b, "targets", 200, [&](const json& v, const std::string& path) {
      core::JsonBody t(v, {"type", "ref", "label"}, path);
      json target = {{"type", choice(t, "type", Need::required, supervision::kTargetTypes).value_or("")},
                     {"ref", t.string("ref", Need::required, 200).value_or("")}};
      if (auto l = t.string("label", Need::optional, 300)) target["label"] = *l;
      b.adopt(t);
      return target;
    });
  b.finish();
  return in;
}

const std::initializer_list<std::string_view> kCaseFields = {
    "unit_id", "task_id", "method", "severity", "observed_at", "site", "site_unit_id", "cameras", "subject", "description",
    "suspected_violation", "immediate_measure", "identifiers"};
// Creating may also report at once ("report": true): one transaction, so a refused report leaves no draft.
const std::initializer_list<std::string_view> kCaseCreateFields = {
    "unit_id", "task_id", "method", "severity", "observed_at", "site", "site_unit_id", "cameras", "subject", "description",
    "suspected_violation", "immediate_measure", "identifiers", "report"};

void read_case_fields(core::JsonBody& b, supervision::CaseInput& in, bool create) {
  Need need = create ? Need::required : Need::optional;
  in.unit_id = b.integer("unit_id", need);
  if (b.has("task_id")) in.task_id = b.nullable_integer("task_id");
  in.method = choice(b, "method", Need::optional, supervision::kMethods);
  in.severity = choice(b, "severity", Need::optional, supervision::kSeverities);
  in.observed_at = time_field(b, "observed_at", need);
  in.site = b.string("site", need, 300);
  if (b.has("site_unit_id")) in.site_unit_id = b.nullable_integer("site_unit_id");
  in.subject = choice(b, "subject", need, supervision::kSubjects);
  in.description = b.string("description", need, 10000);
  in.suspected_violation = b.string("suspected_violation", Need::optional, 2000);
  in.immediate_measure = b.string("immediate_measure", Need::optional, 2000);
  if (b.has("cameras"))
    in.cameras = objects(b, "cameras", 50, [&](const json& v, const std::string& path) {
      core::JsonBody c(v, {"camera", "from", "to"}, path);
      auto cam = c.string("camera", Need::required, 200);
      auto from = time_field(c, "from", Need::required);
      auto to = time_field(c, "to", Need::required);
      if (from && to && *to <= *from) c.error(path + ".to", "Phải sau thời điểm bắt đầu", "Must be after the start");
      b.adopt(c);
      return json{{"camera", cam.value_or("")}, {"from", from ? core::iso8601(*from) : ""}, {"to", to ? core::iso8601(*to) : ""}};
    });
  if (const auto* ids = b.raw("identifiers")) {
    json out = json::object();
    if (!ids->is_object()) {
      b.error("identifiers", "Phải là một đối tượng JSON", "Must be a JSON object");
    } else {
      for (const auto& [k, list] : ids->items()) {
        if (std::none_of(std::begin(supervision::kIdentifierKinds), std::end(supervision::kIdentifierKinds), [&](const char* x) { return k == x; })) {
          b.error("identifiers." + k, "Loại định danh không hợp lệ", "Unknown kind of identifier");
          continue;
        }
        bool ok = list.is_array() && list.size() <= 100;
        for (const auto& x : list) ok = ok && x.is_string() && !x.get<std::string>().empty() && x.get<std::string>().size() <= 100;
        if (!ok) b.error("identifiers." + k, "Phải là danh sách chuỗi (tối đa 100)", "Must be a list of strings (at most 100)");
        else out[k] = list;
      }
    }
    in.identifiers = out;
  }
}

// ---- views ----------------------------------------------------------------------------------

// A case as the console shows it, without the names of its people and units (case_json adds them; a list names
// all its cases at once).
json case_view(http::Context& ctx, Services& s, const supervision::Case& c, bool full) {
  json j = supervision::to_json(c, full, s.clock.now_ms());
  j["my_role"] = full ? json(relation(ctx, s, c).value_or("")) : json();
  if (j["my_role"] == "") j["my_role"] = nullptr;
  // 16.4(c): what the caller may do in the relay now, and whom the focal point may forward it to.
  if (full && c.relay) {
    auto actions = s.cases.relay_actions(c, ctx.principal().user_id);
    j["relay"]["actions"] = actions;
    json candidates = json::array();
    if (std::find(actions.begin(), actions.end(), "forward") != actions.end())
      for (auto u : s.cases.relay_candidates(c)) candidates.push_back({{"user_id", u}});
    j["relay"]["candidates"] = candidates;
  }
  // The units POST /coordination-requests accepts as to_unit_id for this case: the console offers exactly these.
  if (full) j["coordination_targets"] = s.coordination.targets(c);
  j["task_title"] = nullptr;
  if (c.task_id)
    if (auto t = s.tasks.get(*c.task_id)) j["task_title"] = t->title;
  return j;
}

json case_json(http::Context& ctx, Services& s, const supervision::Case& c, bool full) {
  return with_names(s, case_view(ctx, s, c, full));
}

json task_json(Services& s, const supervision::Task& t) { return with_names(s, supervision::to_json(t)); }

auth::Target task_target(http::Context& ctx, const supervision::Task& t) {
  auth::Target target{t.unit_id};
  if (t.assigned(ctx.principal().user_id)) target.relation = "assigned";
  return target;
}

supervision::Task load_task(http::Context& ctx, Services& s) {
  auto t = s.tasks.get(ctx.id_param());
  if (!t || !ctx.may(Action::task_read, task_target(ctx, *t))) throw Problem::not_found("The task", "Nhiệm vụ");
  return *t;
}

supervision::CoordinationRequest load_request(http::Context& ctx, Services& s) {
  auto r = s.coordination.get(ctx.id_param());
  bool visible = r && (ctx.may(Action::coordination_respond, {r->to_unit_id}) || [&] {
                   auto c = s.cases.get(r->case_id);
                   return c && ctx.may(Action::case_read, case_target(ctx, s, *c));
                 }());
  if (!visible) throw Problem::not_found("The coordination request", "Đề nghị phối hợp");
  return *r;
}

json request_json(Services& s, const supervision::CoordinationRequest& r) { return with_names(s, supervision::to_json(r, s.clock.now_ms())); }

// The administrator's template (DATA/templates/coordination-request.tmpl) when there is one, else the
// built-in text (the same as templates/coordination-request.tmpl in the repository).
std::string coordination_template(Services& s) {
  auto file = s.config.data_dir / "templates" / "coordination-request.tmpl";
  std::ifstream in(file, std::ios::binary);
  if (!in) return supervision::default_coordination_template();
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

http::Response coordination_form(http::Context& ctx, Services& s, const supervision::CoordinationRequest& r) {
  const supervision::CoordinationForm f = supervision::build_coordination_form(s.cases, s.units, s.users, r);
  auto tmpl = coordination_template(s);
  if (auto wrong = supervision::check_coordination_template(tmpl))
    throw Problem::conflict("The coordination request template of this installation is not valid: " + *wrong,
                            "Mẫu phiếu đề nghị phối hợp của hệ thống không hợp lệ: " + *wrong);
  auto pdf = supervision::render_coordination_pdf(f, tmpl);
  s.coordination.printed(r, ctx.actor());
  http::Response res;
  res.status = 200;
  res.content_type = "application/pdf";
  res.headers.emplace_back("Content-Disposition", "inline; filename=\"phieu-de-nghi-phoi-hop-" + std::to_string(r.id) + ".pdf\"");
  res.body = std::move(pdf);
  return res;
}

// ---- supervision tasks (nhiệm vụ giám sát) ---------------------------------------------------

http::Response list_tasks(http::Context& ctx, Services& s) {
  auto pg = page(ctx);
  auto tasks = s.tasks.list({query_id(ctx, "unit"), query_choice(ctx, "method", supervision::kMethods),
                             query_choice(ctx, "status", kTaskStatuses), pg.before, pg.limit});
  json items = json::array();
  for (const auto& t : tasks)
    if (ctx.may(Action::task_read, task_target(ctx, t))) items.push_back(task_json(s, t));
  return http::Response::json(200, paged(std::move(items), pg, tasks.size(), tasks.empty() ? json() : json(tasks.back().id)));
}

http::Response create_task(http::Context& ctx, Services& s) {
  auto in = parse_task(ctx.req.body, true);
  if (s.units.tree()->exists(*in.unit_id)) ctx.require(Action::task_write, {*in.unit_id});
  return http::Response::json(201, task_json(s, s.tasks.create(in, ctx.actor())));
}

// Art. 16.4(b): a key-point plan comes into force when its unit's leadership approves it.
http::Response approve_task(http::Context& ctx, Services& s) {
  auto t = load_task(ctx, s);
  return http::Response::json(200, task_json(s, s.tasks.approve(t.id, ctx.actor())));
}

http::Response get_task(http::Context& ctx, Services& s) { return http::Response::json(200, task_json(s, load_task(ctx, s))); }

http::Response update_task(http::Context& ctx, Services& s) {
  auto in = parse_task(ctx.req.body, false);
  auto t = load_task(ctx, s);
  ctx.require(Action::task_write, {t.unit_id});
  return http::Response::json(200, task_json(s, s.tasks.update(t.id, in, ctx.actor())));
}

// ---- cases (vụ việc) ------------------------------------------------------------------------

http::Response list_cases(http::Context& ctx, Services& s) {
  auto pg = page(ctx);
  supervision::CaseQuery q;
  q.unit_id = query_id(ctx, "unit");
  q.method = query_choice(ctx, "method", supervision::kMethods);
  q.status = query_choice(ctx, "status", supervision::kCaseStatuses);
  q.severity = query_choice(ctx, "severity", supervision::kSeverities);
  if (query(ctx, "from")) q.from = query_time(ctx, "from", 0);
  if (query(ctx, "to")) q.to = query_time(ctx, "to", 0);
  q.text = query(ctx, "q");
  q.before = pg.before;
  q.limit = pg.limit;
  const auto& p = ctx.principal();
  q.reader = supervision::CaseReader{p.user_id, auth::scope_roots(p, Action::case_read, *ctx.scope),
                                     auth::scope_roots(p, Action::coordination_respond, *ctx.scope),
                                     auth::watches_sector(p, *ctx.scope)};
  auto cases = s.cases.list(q);
  json items = json::array();
  for (const auto& c : cases) {
    auth::Target t{c.unit_id};
    if (c.status == "draft") t.owner_user = c.created_by;
    t.from_camera = c.cameras.is_array() && !c.cameras.empty();
    if (!ctx.may(Action::case_read, t)) t.relation = s.cases.relation(c, ctx.principal().user_id);  // only when needed
    if (ctx.may(Action::case_read, t)) items.push_back(case_view(ctx, s, c, false));
  }
  return http::Response::json(200, paged(with_names(s, std::move(items)), pg, cases.size(), cases.empty() ? json() : json(cases.back().id)));
}

// Creating may also report at once ("report": true): one unit of work, so a refused report leaves no draft.
http::Response create_case(http::Context& ctx, Services& s) {
  auto b = core::JsonBody::parse(ctx.req.body, kCaseCreateFields);
  supervision::CaseInput in;
  read_case_fields(b, in, true);
  bool report = b.boolean("report", Need::optional).value_or(false);
  b.finish();
  if (s.units.tree()->exists(*in.unit_id)) ctx.require(Action::case_write, {*in.unit_id});
  auto c = report ? s.cases.create_reported(in, ctx.actor()) : s.cases.create(in, ctx.actor());
  return http::Response::json(201, case_json(ctx, s, c, true));
}

// A case read through a data-sharing grant of case data (Art. 16.3): what was seen, where and when, and what came
// of it; not its routing, its people, its handling or what the reader could do.
json shared_case_json(Services& s, const supervision::Case& c, const sharing::GrantRecord& g) {
  json full = with_names(s, supervision::to_json(c, false, s.clock.now_ms()));
  json j = json::object();
  for (const char* k : {"id", "number", "status", "method", "severity", "observed_at", "site", "unit_id", "unit_name", "unit_name_en",
                        "cameras", "subject", "description", "suspected_violation", "identifiers", "reported_at", "outcome",
                        "concluded_at", "closed_at"})
    if (full.contains(k)) j[k] = full[k];
  j["shared"] = {{"grant_id", g.id}, {"request_number", g.request_number}, {"expires_at", core::iso8601(g.expires_at)}};
  return j;
}

// The one route through which a grant of case data reads a case; the case's other routes are for its readers by role.
http::Response get_case(http::Context& ctx, Services& s) {
  auto c = s.cases.get(ctx.id_param());
  if (!c) throw Problem::not_found("The case", "Vụ việc");
  auto t = case_target(ctx, s, *c);
  t.case_id = c->id;
  const auto& p = ctx.principal();
  if (auto grant = auth::via_grant(p, Action::case_read, t, *ctx.scope)) {
    s.cases.opened(*c, ctx.actor(), grant);
    s.grants.used(*grant);
    return http::Response::json(200, shared_case_json(s, *c, *s.grants.get(*grant)));
  }
  if (!ctx.may(Action::case_read, t)) {
    if (auto why = auth::grant_shortfall(p, Action::case_read, t)) s.grants.refuse(*why, "case", c->id, c->unit_id, {}, ctx.actor());
    throw Problem::not_found("The case", "Vụ việc");
  }
  s.cases.opened(*c, ctx.actor());
  return http::Response::json(200, case_json(ctx, s, *c, true));
}

// A draft is edited by its author; after reporting, PATCH moves the case along its lifecycle.
http::Response update_case(http::Context& ctx, Services& s) {
  auto c = load_case(ctx, s);
  auto t = case_target(ctx, s, c);
  auto me = ctx.actor();
  json body = core::parse_json(ctx.req.body);
  auto answer = [&](const supervision::Case& after) { return http::Response::json(200, case_json(ctx, s, after, true)); };
  if (body.is_object() && body.contains("status")) {
    core::JsonBody b(body, {"status", "outcome", "outcome_note", "reason"});
    auto status = choice(b, "status", Need::required, supervision::kCaseStatuses);
    auto outcome = choice(b, "outcome", Need::optional, supervision::kOutcomes);
    auto note = b.string("outcome_note", Need::optional, 5000);
    auto reason = b.string("reason", Need::optional, 2000);
    if (status == "concluded" && !outcome) b.error("outcome", "Phải chọn kết quả xử lý", "An outcome is required");
    if (status == "concluded" && !note) b.error("outcome_note", "Phải ghi nội dung kết luận", "A conclusion note is required");
    if (status && *status != "in_handling" && *status != "concluded" && *status != "closed")
      b.error("status", "Chỉ chuyển sang: in_handling, concluded, closed", "Only in_handling, concluded or closed");
    b.finish();
    bool reopening = *status == "in_handling" && (c.status == "concluded" || c.status == "closed");
    if (*status == "in_handling" && !reopening) {
      ctx.require(Action::case_handle, t);
      return answer(s.cases.start_handling(c.id, me));
    }
    ctx.require(Action::case_approve, t);
    if (reopening) {
      if (!reason) throw Problem::field("reason", "Phải nêu lý do mở lại", "A reason to reopen is required");
      return answer(s.cases.reopen(c.id, me, *reason));
    }
    if (*status == "concluded") return answer(s.cases.conclude(c.id, me, *outcome, *note));
    return answer(s.cases.close(c.id, me));
  }
  core::JsonBody b(body, kCaseFields);
  supervision::CaseInput in;
  read_case_fields(b, in, false);
  b.finish();
  ctx.require(Action::case_write, {c.unit_id, c.created_by});
  if (in.unit_id) ctx.require(Action::case_write, {*in.unit_id});
  return answer(s.cases.update_draft(c.id, in, me));
}

http::Response report_case(http::Context& ctx, Services& s) {
  auto c = load_case(ctx, s);
  ctx.require(Action::case_write, {c.unit_id, c.created_by});
  return http::Response::json(200, case_json(ctx, s, s.cases.report(c.id, ctx.actor()), true));
}

http::Response acknowledge_case(http::Context& ctx, Services& s) {
  auto c = load_case(ctx, s);
  ctx.require(Action::case_handle, case_target(ctx, s, c));
  return http::Response::json(200, case_json(ctx, s, s.cases.acknowledge(c.id, ctx.actor()), true));
}

http::Response case_timeline(http::Context& ctx, Services& s) {
  auto c = load_case(ctx, s);
  json items = json::array();
  for (const auto& e : s.cases.timeline(c.id)) items.push_back(supervision::to_json(e));
  return http::Response::json(200, {{"items", with_names(s, items)}});
}

// Art. 15.1(d): a handling plan is proposed, approved by the case's approver, then carried out.
http::Response propose(http::Context& ctx, Services& s) {
  auto b = core::JsonBody::parse(ctx.req.body, {"text"});
  auto text = b.string("text", Need::required, 5000);
  b.finish();
  auto c = load_case(ctx, s);
  ctx.require(Action::case_propose, case_target(ctx, s, c));
  return http::Response::json(201, case_json(ctx, s, s.cases.propose(c.id, ctx.actor(), *text), true));
}

http::Response decide(http::Context& ctx, Services& s) {
  auto b = core::JsonBody::parse(ctx.req.body, {"decision", "remarks"});
  static const char* const kDecisions[] = {"approve", "reject"};
  auto decision = choice(b, "decision", Need::required, kDecisions);
  auto remarks = b.string("remarks", Need::optional, 2000);
  b.finish();
  auto c = load_case(ctx, s);
  ctx.require(Action::case_approve, case_target(ctx, s, c));
  auto after = s.cases.decide(c.id, ctx.id_param("proposal_id"), ctx.actor(), *decision == "approve", remarks);
  return http::Response::json(200, case_json(ctx, s, after, true));
}

http::Response execute(http::Context& ctx, Services& s) {
  auto b = core::JsonBody::parse(ctx.req.body, {"note"});
  auto note = b.string("note", Need::required, 5000);
  b.finish();
  auto c = load_case(ctx, s);
  ctx.require(Action::case_handle, case_target(ctx, s, c));
  return http::Response::json(200, case_json(ctx, s, s.cases.execute(c.id, ctx.id_param("proposal_id"), ctx.actor(), *note), true));
}

// ---- Art. 16.4(c): to headquarters leadership through the focal point, and the direction back

http::Response forward(http::Context& ctx, Services& s) {
  auto b = core::JsonBody::parse(ctx.req.body, {"leader_ids", "summary", "proposal"});
  auto leaders = ids(b, "leader_ids", 20);
  auto summary = b.string("summary", Need::required, 5000);
  auto proposal = b.string("proposal", Need::optional, 5000);
  b.finish();
  auto c = load_case(ctx, s);
  ctx.require(Action::case_handle, case_target(ctx, s, c));
  return http::Response::json(200, case_json(ctx, s, s.cases.forward(c.id, ctx.actor(), leaders, *summary, proposal), true));
}

http::Response direct(http::Context& ctx, Services& s) {
  auto b = core::JsonBody::parse(ctx.req.body, {"direction"});
  auto direction = b.string("direction", Need::required, 5000);
  b.finish();
  auto c = load_case(ctx, s);
  ctx.require(Action::case_approve, case_target(ctx, s, c));
  return http::Response::json(200, case_json(ctx, s, s.cases.direct(c.id, ctx.actor(), *direction), true));
}

http::Response relay_direction(http::Context& ctx, Services& s) {
  auto b = core::JsonBody::parse(ctx.req.body.empty() ? "{}" : ctx.req.body, {"note"});
  auto note = b.string("note", Need::optional, 2000);
  b.finish();
  auto c = load_case(ctx, s);
  ctx.require(Action::case_handle, case_target(ctx, s, c));
  return http::Response::json(200, case_json(ctx, s, s.cases.relay_direction(c.id, ctx.actor(), note), true));
}

// ---- coordination requests (Appendix V) ------------------------------------------------------

http::Response list_coordination(http::Context& ctx, Services& s) {
  static const char* const kDirections[] = {"incoming", "outgoing"};
  static const char* const kStatuses[] = {"sent", "acknowledged", "answered"};
  auto direction = query_choice(ctx, "direction", kDirections);
  auto pg = page(ctx);
  auto requests = s.coordination.list({query_id(ctx, "case"), query_choice(ctx, "status", kStatuses), pg.before, pg.limit});
  json items = json::array();
  for (const auto& req : requests) {
    bool incoming = ctx.may(Action::coordination_respond, {req.to_unit_id});
    bool outgoing = [&] {
      auto c = s.cases.get(req.case_id);
      return c && ctx.may(Action::case_read, case_target(ctx, s, *c));
    }();
    if ((direction == "incoming" && !incoming) || (direction == "outgoing" && !outgoing) || (!incoming && !outgoing)) continue;
    items.push_back(request_json(s, req));
  }
  return http::Response::json(200, paged(std::move(items), pg, requests.size(), requests.empty() ? json() : json(requests.back().id)));
}

http::Response request_coordination(http::Context& ctx, Services& s) {
  auto b = core::JsonBody::parse(ctx.req.body, {"case_id", "to_unit_id", "content", "requested_action", "deadline", "contacts"});
  auto case_id = b.integer("case_id", Need::required);
  auto to = b.integer("to_unit_id", Need::required);
  auto content = b.string("content", Need::required, 10000);
  auto action = b.string("requested_action", Need::required, 5000);
  auto deadline = time_field(b, "deadline", Need::required);
  auto contacts = b.string("contacts", Need::required, 1000);
  b.finish();
  auto c = s.cases.get(*case_id);
  if (!c || !ctx.may(Action::case_read, case_target(ctx, s, *c))) throw Problem::not_found("The case", "Vụ việc");
  ctx.require(Action::case_approve, case_target(ctx, s, *c));
  supervision::CoordinationInput in{*case_id, *to, *deadline, *content, *action, *contacts};
  return http::Response::json(201, request_json(s, s.coordination.request(in, ctx.actor())));
}

http::Response get_coordination(http::Context& ctx, Services& s) {
  return http::Response::json(200, request_json(s, load_request(ctx, s)));
}

http::Response coordination_pdf(http::Context& ctx, Services& s) { return coordination_form(ctx, s, load_request(ctx, s)); }

http::Response acknowledge_coordination(http::Context& ctx, Services& s) {
  auto req = load_request(ctx, s);
  ctx.require(Action::coordination_respond, {req.to_unit_id});
  return http::Response::json(200, request_json(s, s.coordination.acknowledge(req.id, ctx.actor())));
}

http::Response respond_coordination(http::Context& ctx, Services& s) {
  auto b = core::JsonBody::parse(ctx.req.body, {"result"});
  auto result = b.string("result", Need::required, 10000);
  b.finish();
  auto req = load_request(ctx, s);
  ctx.require(Action::coordination_respond, {req.to_unit_id});
  return http::Response::json(200, request_json(s, s.coordination.respond(req.id, ctx.actor(), *result)));
}

// ---- inbox (hộp thư): one's own notifications ------------------------------------------------

http::Response inbox(http::Context& ctx, Services& s) {
  int64_t me = ctx.principal().user_id;
  auto unread_only = query(ctx, "unread").value_or("");
  auto pg = page(ctx);
  auto notes = s.inbox.list(me, unread_only == "1" || unread_only == "true", pg.before, pg.limit);
  json items = json::array();
  for (const auto& n : notes) items.push_back(supervision::to_json(n));
  auto page = paged(std::move(items), pg, notes.size(), notes.empty() ? json() : json(notes.back().id));
  page["unread"] = s.inbox.unread(me);
  return http::Response::json(200, page);
}

http::Response read_notification(http::Context& ctx, Services& s) {
  int64_t me = ctx.principal().user_id;
  s.inbox.mark_read(me, ctx.id_param());
  return http::Response::json(200, {{"unread", s.inbox.unread(me)}});
}

http::Response read_all(http::Context& ctx, Services& s) {
  int64_t me = ctx.principal().user_id;
  s.inbox.mark_read(me, std::nullopt);
  return http::Response::json(200, {{"unread", s.inbox.unread(me)}});
}

// ---- escalation policies ---------------------------------------------------------------------

http::Response list_policies(http::Context&, Services& s) {
  json items = json::array();
  for (const auto& p : s.escalation.policies()) items.push_back(supervision::to_json(p));
  return http::Response::json(200, {{"items", items}});
}

http::Response set_policy(http::Context& ctx, Services& s) {
  std::string severity = ctx.params.at("severity");
  if (std::none_of(std::begin(supervision::kSeverities), std::end(supervision::kSeverities), [&](const char* x) { return severity == x; }))
    throw Problem::not_found("The severity", "Mức độ");
  auto p = supervision::policy_from_json(core::parse_json(ctx.req.body), severity);
  return http::Response::json(200, supervision::to_json(s.escalation.set_policy(p, ctx.actor())));
}

}  // namespace

void add_case_routes(http::Router& r, Services& s) {
  add_routes(r, s, {
    {"GET", "/api/v1/tasks", Action::task_read, list_tasks},
    {"POST", "/api/v1/tasks", Action::task_write, create_task},
    {"POST", "/api/v1/tasks/{id}/approve", Action::task_write, approve_task},
    {"GET", "/api/v1/tasks/{id}", Action::task_read, get_task},
    {"PATCH", "/api/v1/tasks/{id}", Action::task_write, update_task},
    {"GET", "/api/v1/cases", Action::case_read, list_cases},
    {"POST", "/api/v1/cases", Action::case_write, create_case},
    {"GET", "/api/v1/cases/{id}", Action::case_read, get_case},
    {"PATCH", "/api/v1/cases/{id}", Action::case_read, update_case},
    {"POST", "/api/v1/cases/{id}/report", Action::case_write, report_case},
    {"POST", "/api/v1/cases/{id}/acknowledge", Action::case_handle, acknowledge_case},
    {"GET", "/api/v1/cases/{id}/timeline", Action::case_read, case_timeline},
    {"POST", "/api/v1/cases/{id}/proposals", Action::case_propose, propose},
    {"POST", "/api/v1/cases/{id}/proposals/{proposal_id}/decide", Action::case_approve, decide},
    {"POST", "/api/v1/cases/{id}/proposals/{proposal_id}/execute", Action::case_handle, execute},
    {"POST", "/api/v1/cases/{id}/forward", Action::case_handle, forward},
    {"POST", "/api/v1/cases/{id}/direct", Action::case_approve, direct},
    {"POST", "/api/v1/cases/{id}/relay-direction", Action::case_handle, relay_direction},
    {"GET", "/api/v1/coordination-requests", Action::case_read, list_coordination},
    {"POST", "/api/v1/coordination-requests", Action::case_approve, request_coordination},
    {"GET", "/api/v1/coordination-requests/{id}", Action::case_read, get_coordination},
    {"GET", "/api/v1/coordination-requests/{id}/form.pdf", Action::case_read, coordination_pdf},
    {"POST", "/api/v1/coordination-requests/{id}/acknowledge", Action::coordination_respond, acknowledge_coordination},
    {"POST", "/api/v1/coordination-requests/{id}/respond", Action::coordination_respond, respond_coordination},
    {"GET", "/api/v1/inbox", Action::authenticated, inbox},
    {"POST", "/api/v1/inbox/{id}/read", Action::authenticated, read_notification},
    {"POST", "/api/v1/inbox/read-all", Action::authenticated, read_all},
    {"GET", "/api/v1/escalation-policies", Action::case_read, list_policies},
    {"PUT", "/api/v1/escalation-policies/{severity}", Action::config_write, set_policy},
  });
}

}  // namespace watchfloor::api
