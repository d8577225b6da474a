// Data sharing (Art. 16.3): the register of working relationships, data requests and their decisions, grants.
// Parse -> call sharing/ -> JSON; who may act on which request is the request's routing (Requests::relation),
// asked through the one policy.
#include <fmt/format.h>

#include "api/routes.h"
#include "sharing/grants.h"
#include "sharing/relationships.h"
#include "sharing/requests.h"

namespace watchfloor::api {
namespace {

using auth::Action;
using core::Need;
using core::Problem;
using nlohmann::json;

// A list of strings, each one of `set` (field-named errors); nullopt when absent and not required.
template <size_t N>
std::optional<std::vector<std::string>> strings(core::JsonBody& b, std::string_view f, Need need, const char* const (&set)[N]) {
  const auto* raw = b.raw(f);
  if (!raw) {
    if (need == Need::required) b.error(b.path(f), "Bắt buộc", "Required");
    return std::nullopt;
  }
  std::vector<std::string> out;
  std::string allowed;
  for (const char* x : set) allowed += (allowed.empty() ? "" : ", ") + std::string(x);
  if (!raw->is_array() || raw->size() > N) {
    b.error(b.path(f), "Cần danh sách, chọn trong: " + allowed, "A list of: " + allowed);
    return out;
  }
  for (const auto& x : *raw) {
    bool known = x.is_string() && std::any_of(std::begin(set), std::end(set), [&](const char* s) { return x.get<std::string>() == s; });
    if (!known) b.error(b.path(f), "Giá trị không hợp lệ; chọn trong: " + allowed, "Invalid value; one of: " + allowed);
    else out.push_back(x.get<std::string>());
  }
  return out;
}

// ---- working relationships ------------------------------------------------------------------

sharing::RelationshipInput parse_relationship(const std::string& text, bool create) {
  auto b = core::JsonBody::parse(text, {"unit_id", "partner_unit_id", "basis_kind", "basis_number", "basis_date", "basis_title",
                                        "data_types", "unit_ids", "download", "valid_from", "valid_to", "note"});
  Need need = create ? Need::required : Need::optional;
  sharing::RelationshipInput in;
  in.unit_id = b.integer("unit_id", need);
  in.partner_unit_id = b.integer("partner_unit_id", need);
  in.basis_kind = choice(b, "basis_kind", need, sharing::kBasisKinds);
  in.basis_number = b.string("basis_number", need, 100);
  in.basis_date = b.string("basis_date", need, 10);
  in.basis_title = b.string("basis_title", Need::optional, 500);
  in.data_types = strings(b, "data_types", need, sharing::kDataTypes);
  if (b.has("unit_ids")) in.unit_ids = ids(b, "unit_ids", 100, 0);
  in.download = b.boolean("download", Need::optional);
  in.valid_from = b.string("valid_from", need, 10);
  if (const auto* v = b.raw("valid_to")) in.valid_to = v->is_null() ? std::optional<std::string>() : b.string("valid_to", Need::optional, 10);
  in.note = b.string("note", Need::optional, 2000);
  b.finish();
  if (create && !in.basis_title) in.basis_title = "";
  return in;
}

json relationship_json(http::Context& ctx, Services& s, const sharing::Relationship& r) {
  json j = sharing::to_json(r, s.relationships.today());
  j["partner_external"] = ctx.scope->is_external(r.partner_unit_id);
  json names = json::array();
  for (int64_t u : r.unit_ids)
    if (auto unit = s.units.get(u)) names.push_back(unit->name_vi);
  j["unit_names"] = names;
  j["can_edit"] = !r.ended_at && ctx.may(Action::relationship_write, {r.unit_id});
  return with_names(s, j);
}

http::Response list_relationships(http::Context& ctx, Services& s) {
  bool in_force = query(ctx, "in_force") == "true";
  json items = json::array();
  for (const auto& r : s.relationships.list(query_id(ctx, "unit"), in_force)) items.push_back(relationship_json(ctx, s, r));
  return http::Response::json(200, {{"items", items}});
}

http::Response create_relationship(http::Context& ctx, Services& s) {
  auto in = parse_relationship(ctx.req.body, true);
  ctx.require(Action::relationship_write, {*in.unit_id});
  return http::Response::json(201, relationship_json(ctx, s, s.relationships.create(in, ctx.actor())));
}

sharing::Relationship load_relationship(http::Context& ctx, Services& s) {
  auto r = s.relationships.get(ctx.id_param());
  if (!r) throw Problem::not_found("The working relationship", "Quan hệ phối hợp");
  ctx.require(Action::relationship_write, {r->unit_id});
  return *r;
}

http::Response update_relationship(http::Context& ctx, Services& s) {
  auto r = load_relationship(ctx, s);
  auto in = parse_relationship(ctx.req.body, false);
  return http::Response::json(200, relationship_json(ctx, s, s.relationships.update(r.id, in, ctx.actor())));
}

http::Response end_relationship(http::Context& ctx, Services& s) {
  auto r = load_relationship(ctx, s);
  auto b = core::JsonBody::parse(ctx.req.body.empty() ? "{}" : ctx.req.body, {"reason"});
  auto reason = b.string("reason", Need::required, 2000);
  b.finish();
  return http::Response::json(200, relationship_json(ctx, s, s.relationships.end(r.id, *reason, ctx.actor())));
}

// ---- data requests ----------------------------------------------------------------------------

json camera_refs(Services& s, const std::vector<int64_t>& ids) {
  json out = json::array();
  for (int64_t id : ids) {
    auto c = s.catalog.camera(id);
    if (!c) continue;
    auto site = s.catalog.site(c->site_id);
    out.push_back({{"id", c->id}, {"name", c->name}, {"site_name", site ? json(site->name) : json()}, {"unit_id", c->unit_id}});
  }
  return out;
}

// The request's target for the policy: what the caller is to it (its routing), and its units.
auth::Target request_target(http::Context& ctx, Services& s, const sharing::DataRequest& r) {
  auth::Target t(r.requester_unit_id);
  auto rel = s.requests.relation(r, ctx.principal().user_id);
  if (!rel && r.requester_unit_id == ctx.principal().unit_id) rel = "requester";  // a colleague of the requester
  t.relation = rel;
  return t;
}

bool may_read(http::Context& ctx, Services& s, const sharing::DataRequest& r) {
  if (ctx.may(Action::data_request_read, request_target(ctx, s, r))) return true;
  return ctx.may(Action::data_request_read, {r.routing.operating_unit_id}) || ctx.may(Action::data_request_read, {r.routing.decider_unit_id});
}

json request_json(http::Context& ctx, Services& s, const sharing::DataRequest& r) {
  json j = sharing::to_json(r);
  j["cameras"] = camera_refs(s, r.scope.camera_ids);
  j["requester_external"] = ctx.scope->is_external(r.requester_unit_id);
  j["can"] = s.requests.can(r, ctx.principal().user_id);
  return with_names(s, j);
}

sharing::DataRequest load_request(http::Context& ctx, Services& s) {
  auto r = s.requests.get(ctx.id_param());
  if (!r || !may_read(ctx, s, *r)) throw Problem::not_found("The data request", "Yêu cầu khai thác dữ liệu");
  return *r;
}

// The scope of a request or of a narrower approval, under `prefix` for the field names.
sharing::Scope parse_scope(core::JsonBody& b) {
  sharing::Scope sc;
  sc.data_types = strings(b, "data_types", Need::required, sharing::kDataTypes).value_or(std::vector<std::string>{});
  sc.camera_ids = ids(b, "camera_ids", 200, 0);  // none: case data alone (the request's rules say when cameras are needed)
  sc.from_ms = time_field(b, "from", Need::optional);
  sc.to_ms = time_field(b, "to", Need::optional);
  sc.mode = choice(b, "mode", Need::required, sharing::kModes).value_or("view");
  sc.access_days = b.integer("access_days", Need::required).value_or(0);
  return sc;
}

http::Response catalogue(http::Context& ctx, Services& s) {
  // What may be asked for: every site and camera inside customs, by name only (no addresses, no video).
  std::map<int64_t, json> sites;
  json out = json::array();
  for (const auto& site : s.catalog.sites(std::nullopt)) {
    if (ctx.scope->is_external(site.unit_id)) continue;
    sites[site.id] = {{"id", site.id}, {"name", site.name}, {"kind", site.kind}, {"unit_id", site.unit_id}, {"cameras", json::array()}};
  }
  for (const auto& c : s.catalog.cameras(std::nullopt, std::nullopt))
    if (auto it = sites.find(c.site_id); it != sites.end()) it->second["cameras"].push_back({{"id", c.id}, {"name", c.name}});
  for (auto& [_, j] : sites) out.push_back(std::move(j));
  return http::Response::json(200, with_names(s, json{{"sites", out}}));
}

inline constexpr const char* kViews[] = {"mine", "to_decide", "all"};

http::Response list_requests(http::Context& ctx, Services& s) {
  const auto& p = ctx.principal();
  sharing::RequestQuery q;
  q.view = query_choice(ctx, "view", kViews).value_or("mine");
  q.user = p.user_id;
  q.user_unit = p.unit_id;
  q.status = query_choice(ctx, "status", sharing::kRequestStatuses);
  auto pg = page(ctx);
  q.before = pg.before;
  q.limit = pg.limit;
  if (q.view == "all") {
    q.scope_units = auth::scope_roots(p, Action::data_request_read, *ctx.scope);
    if (q.scope_units && q.scope_units->empty())
      throw Problem(403, "forbidden", "Only leaders and auditors see all requests", "Chỉ lãnh đạo và kiểm tra viên xem được mọi yêu cầu");
  }
  size_t scanned = 0;
  int64_t last = 0;
  auto rows = s.requests.list(q, &scanned, &last);
  json items = json::array();
  for (const auto& r : rows) items.push_back(request_json(ctx, s, r));
  return http::Response::json(200, paged(std::move(items), pg, scanned, last ? json(last) : json()));
}

http::Response create_request(http::Context& ctx, Services& s) {
  auto b = core::JsonBody::parse(ctx.req.body, {"purpose", "reference", "case_id", "case_number", "data_types", "camera_ids", "from", "to", "mode", "access_days"});
  sharing::RequestInput in;
  in.purpose = b.string("purpose", Need::required, 4000).value_or("");
  in.reference = b.string("reference", Need::optional, 500).value_or("");
  in.case_id = b.integer("case_id", Need::optional);
  in.case_number = b.string("case_number", Need::optional, 50);
  in.scope = parse_scope(b);
  b.finish();
  // By id, a case the requester reads (its own reference); by number, any reported case (outside agencies, and case
  // data of another unit's case).
  if (in.case_id && ctx.scope->is_external(ctx.principal().unit_id))
    throw Problem::field("case_id", "Đơn vị ngoài ngành nêu vụ việc bằng số vụ việc (case_number)", "An outside agency names the case by its number (case_number)");
  if (in.case_id) {
    auto c = s.cases.get(*in.case_id);
    if (!c || !ctx.may(Action::case_read, case_target(ctx, s, *c))) throw Problem::field("case_id", "Không có vụ việc này", "No such case");
  }
  auto r = s.requests.submit(in, ctx.principal().unit_id, ctx.actor());
  return http::Response::json(201, request_json(ctx, s, r));
}

http::Response get_request(http::Context& ctx, Services& s) { return http::Response::json(200, request_json(ctx, s, load_request(ctx, s))); }

std::string text_of(http::Context& ctx, const char* field, Need need) {
  auto b = core::JsonBody::parse(ctx.req.body.empty() ? "{}" : ctx.req.body, {field});
  auto v = b.string(field, need, 4000);
  b.finish();
  return v.value_or("");
}

http::Response forward_request(http::Context& ctx, Services& s) {
  auto r = load_request(ctx, s);
  ctx.require(Action::data_decide, request_target(ctx, s, r));
  auto note = text_of(ctx, "note", Need::optional);
  return http::Response::json(200, request_json(ctx, s, s.requests.forward(r.id, note, ctx.actor())));
}

http::Response decide_request(http::Context& ctx, Services& s) {
  auto r = load_request(ctx, s);
  ctx.require(Action::data_decide, request_target(ctx, s, r));
  auto b = core::JsonBody::parse(ctx.req.body, {"decision", "reasons", "narrower"});
  auto decision = choice(b, "decision", Need::required, sharing::kDecisions);
  auto reasons = b.string("reasons", Need::required, 4000);
  std::optional<sharing::Scope> narrower;
  if (const auto* n = b.raw("narrower"); n && !n->is_null()) {
    core::JsonBody nb(*n, {"data_types", "camera_ids", "from", "to", "mode", "access_days"}, "narrower");
    sharing::Scope given = r.scope;  // what the narrower scope leaves out stays as asked
    if (nb.has("data_types")) given.data_types = strings(nb, "data_types", Need::required, sharing::kDataTypes).value_or(given.data_types);
    if (nb.has("camera_ids")) given.camera_ids = ids(nb, "camera_ids", 200, 0);
    if (nb.has("from")) given.from_ms = nb.raw("from")->is_null() ? std::nullopt : time_field(nb, "from", Need::required);
    if (nb.has("to")) given.to_ms = nb.raw("to")->is_null() ? std::nullopt : time_field(nb, "to", Need::required);
    if (nb.has("mode")) given.mode = choice(nb, "mode", Need::required, sharing::kModes).value_or(given.mode);
    if (nb.has("access_days")) given.access_days = nb.integer("access_days", Need::required).value_or(given.access_days);
    b.adopt(nb);
    narrower = given;
  }
  b.finish();
  return http::Response::json(200, request_json(ctx, s, s.requests.decide(r.id, *decision, *reasons, narrower, ctx.actor())));
}

http::Response answer_request(http::Context& ctx, Services& s) {
  auto r = load_request(ctx, s);
  auto text = text_of(ctx, "text", Need::required);
  return http::Response::json(200, request_json(ctx, s, s.requests.answer(r.id, text, ctx.actor())));
}

http::Response withdraw_request(http::Context& ctx, Services& s) {
  auto r = load_request(ctx, s);
  auto reason = text_of(ctx, "reason", Need::required);
  return http::Response::json(200, request_json(ctx, s, s.requests.withdraw(r.id, reason, ctx.actor())));
}

// ---- grants -------------------------------------------------------------------------------------

auth::Target grant_target(Services& s, const sharing::GrantRecord& g, int64_t user) {
  auth::Target t(g.decider_unit_id, g.user_id);
  if (s.requests.leads(g.decider_unit_id, user)) t.relation = "decider";
  return t;
}

json grant_json(http::Context& ctx, Services& s, const sharing::GrantRecord& g) {
  json j = sharing::to_json(g, s.clock.now_ms());
  j["cameras"] = camera_refs(s, g.scope.camera_ids);
  j["can_revoke"] = !g.revoked_at && ctx.may(Action::grant_revoke, grant_target(s, g, ctx.principal().user_id));
  return with_names(s, j);
}

bool may_read_grant(http::Context& ctx, Services& s, const sharing::GrantRecord& g) {
  if (g.user_id == ctx.principal().user_id) return true;
  if (ctx.may(Action::data_request_read, {g.decider_unit_id}) || ctx.may(Action::data_request_read, {g.unit_id})) return true;
  auto t = grant_target(s, g, ctx.principal().user_id);
  return t.relation.has_value() || ctx.may(Action::grant_revoke, t);
}

inline constexpr const char* kGrantViews[] = {"mine", "issued", "all"};

http::Response list_grants(http::Context& ctx, Services& s) {
  const auto& p = ctx.principal();
  auto view = query_choice(ctx, "view", kGrantViews).value_or("mine");
  sharing::GrantQuery q;
  q.status = query_choice(ctx, "status", sharing::kGrantStatuses);
  if (view == "mine" || ctx.scope->is_external(p.unit_id)) q.user_id = p.user_id;
  json items = json::array();
  for (const auto& g : s.grants.list(q)) {
    if (view == "issued" && g.issued_by != p.user_id && !ctx.may(Action::grant_revoke, grant_target(s, g, p.user_id))) continue;
    if (may_read_grant(ctx, s, g)) items.push_back(grant_json(ctx, s, g));
  }
  return http::Response::json(200, {{"items", items}});
}

sharing::GrantRecord load_grant(http::Context& ctx, Services& s) {
  auto g = s.grants.get(ctx.id_param());
  if (!g || !may_read_grant(ctx, s, *g)) throw Problem::not_found("The grant", "Quyền khai thác");
  return *g;
}

http::Response get_grant(http::Context& ctx, Services& s) { return http::Response::json(200, grant_json(ctx, s, load_grant(ctx, s))); }

http::Response revoke_grant(http::Context& ctx, Services& s) {
  auto g = load_grant(ctx, s);
  ctx.require(Action::grant_revoke, grant_target(s, g, ctx.principal().user_id));
  auto reason = text_of(ctx, "reason", Need::required);
  return http::Response::json(200, grant_json(ctx, s, s.grants.revoke(g.id, reason, ctx.actor())));
}

}  // namespace

void add_sharing_routes(http::Router& r, Services& s) {
  add_routes(r, s, {
    {"GET", "/api/v1/working-relationships", Action::relationship_read, list_relationships},
    {"POST", "/api/v1/working-relationships", Action::relationship_write, create_relationship},
    {"PATCH", "/api/v1/working-relationships/{id}", Action::relationship_write, update_relationship},
    {"POST", "/api/v1/working-relationships/{id}/end", Action::relationship_write, end_relationship},
    {"GET", "/api/v1/data-requests/catalogue", Action::data_request_write, catalogue},
    {"GET", "/api/v1/data-requests", Action::data_request_read, list_requests},
    {"POST", "/api/v1/data-requests", Action::data_request_write, create_request},
    {"GET", "/api/v1/data-requests/{id}", Action::data_request_read, get_request},
    {"POST", "/api/v1/data-requests/{id}/forward", Action::data_decide, forward_request},
    {"POST", "/api/v1/data-requests/{id}/decide", Action::data_decide, decide_request},
    {"POST", "/api/v1/data-requests/{id}/answer", Action::data_request_write, answer_request},
    {"POST", "/api/v1/data-requests/{id}/withdraw", Action::data_request_write, withdraw_request},
    {"GET", "/api/v1/grants", Action::data_request_read, list_grants},
    {"GET", "/api/v1/grants/{id}", Action::data_request_read, get_grant},
    {"POST", "/api/v1/grants/{id}/revoke", Action::grant_revoke, revoke_grant},
  });
}

}  // namespace watchfloor::api
