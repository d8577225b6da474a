// People: GET/POST /api/v1/users, GET/PATCH /api/v1/users/{id}, POST /api/v1/users/{id}/unlock.
#include "api/routes.h"
#include "core/json_body.h"

namespace watchfloor::api {
namespace {

using auth::Action;
using core::Need;

org::UserInput parse_user(const std::string& text, bool create) {
  auto b = core::JsonBody::parse(text, {"username", "full_name", "unit_id", "title", "password", "roles", "active",
                                        "must_change_password"});
  Need need = create ? Need::required : Need::optional;
  org::UserInput in;
  if (create) in.username = b.string("username", Need::required, 64);
  else if (b.has("username")) b.error("username", "Không thể đổi tên đăng nhập", "The username cannot be changed");
  in.full_name = b.string("full_name", need, 200);
  in.unit_id = b.integer("unit_id", need);
  in.title = b.string("title", Need::optional, 200);
  in.password = b.string("password", need, 256);
  in.active = b.boolean("active", Need::optional);
  in.must_change_password = b.boolean("must_change_password", Need::optional);
  if (const auto* roles = b.raw("roles")) {
    if (!roles->is_array()) {
      b.error("roles", "Phải là một mảng", "Must be an array");
    } else {
      in.roles.emplace();
      for (size_t i = 0; i < roles->size(); ++i) {
        core::JsonBody g((*roles)[i], {"role", "unit_id"}, "roles[" + std::to_string(i) + "]");
        auto role_name = g.string("role", Need::required, 40);
        auto unit = g.integer("unit_id", Need::required);
        auto role = role_name ? auth::parse_role(*role_name) : std::nullopt;
        if (role_name && !role) g.error(g.path("role"), "Vai trò không hợp lệ", "Unknown role");
        if (role && unit) in.roles->push_back({*role, *unit});
        b.adopt(g);
      }
    }
  }
  b.finish();
  return in;
}

// An administrator may only place people and grant roles inside their own scope. Units that do
// not exist are left to validation, which names the field.
void require_write_scope(http::Context& ctx, Services& s, const org::UserInput& in) {
  auto tree = s.units.tree();
  auto check = [&](int64_t unit) {
    if (tree->exists(unit)) ctx.require(Action::user_write, {unit});
  };
  if (in.unit_id) check(*in.unit_id);
  if (in.roles)
    for (const auto& g : *in.roles) check(g.unit_id);
}

org::User load_user(http::Context& ctx, Services& s) {
  auto u = s.users.get(ctx.id_param());
  if (!u || !ctx.may(Action::user_read, {u->unit_id, u->id})) throw core::Problem::not_found("The user", "Người dùng");
  return *u;
}

// ---- routes -----------------------------------------------------------------------------------

http::Response list_users(http::Context& ctx, Services& s) {
  const auto& p = ctx.principal();
  org::UserQuery q;
  q.unit_ids = auth::scope_roots(p, Action::user_read, *ctx.scope);
  if (auto it = ctx.req.query.find("unit"); it != ctx.req.query.end()) {
    try {
      q.unit = std::stoll(it->second);
    } catch (const std::exception&) {
      throw core::Problem::field("unit", "Phải là mã số đơn vị", "Must be a unit id");
    }
  }
  if (auto it = ctx.req.query.find("q"); it != ctx.req.query.end() && !it->second.empty()) q.text = it->second;
  auto items = nlohmann::json::array();
  bool self_listed = false;
  for (const auto& u : s.users.list(q)) {
    items.push_back(org::to_json(u));
    self_listed = self_listed || u.id == p.user_id;
  }
  // Anybody may see themselves, even without a role that reads people.
  if (!self_listed && q.unit_ids && q.unit_ids->empty() && !q.text && !q.unit)
    if (auto me = s.users.get(p.user_id)) items.push_back(org::to_json(*me));
  s.users.listed(ctx.req.query, items.size(), p, ctx.actor());
  return http::Response::json(200, {{"items", items}});
}

http::Response get_user(http::Context& ctx, Services& s) {
  auto u = load_user(ctx, s);
  s.users.opened(u, ctx.actor());  // reading someone else's record is a sensitive read
  auto out = org::to_json(u);
  // Some address is made to wait before signing in again as this user (not a lock-out: see auth/throttle.h).
  auto until = s.throttle.throttled_until(u.username);
  out["locked_until"] = until ? nlohmann::json(core::iso8601(*until)) : nlohmann::json(nullptr);
  return http::Response::json(200, out);
}

http::Response create_user(http::Context& ctx, Services& s) {
  auto in = parse_user(ctx.req.body, true);
  require_write_scope(ctx, s, in);
  auto created = s.users.create(in, ctx.actor());
  return http::Response::json(201, org::to_json(created)).with_header("Location", "/api/v1/users/" + std::to_string(created.id));
}

http::Response update_user(http::Context& ctx, Services& s) {
  auto in = parse_user(ctx.req.body, false);
  auto before = load_user(ctx, s);
  ctx.require(Action::user_write, {before.unit_id});
  require_write_scope(ctx, s, in);
  return http::Response::json(200, org::to_json(s.users.update(before.id, in, ctx.actor())));
}

// Clears the sign-in throttle of this user for every address (mở khóa đăng nhập).
http::Response unlock_user(http::Context& ctx, Services& s) {
  auto u = load_user(ctx, s);
  ctx.require(Action::user_write, {u.unit_id});
  s.users.unlocked(u, s.throttle.throttled_until(u.username).has_value(), ctx.actor());
  s.throttle.unlock(u.username);
  return http::Response::no_content();
}

}  // namespace

void add_user_routes(http::Router& r, Services& s) {
  add_routes(r, s, {
    {"GET", "/api/v1/users", Action::authenticated, list_users},
    {"GET", "/api/v1/users/{id}", Action::authenticated, get_user},
    {"POST", "/api/v1/users", Action::user_write, create_user},
    {"PATCH", "/api/v1/users/{id}", Action::user_write, update_user},
    {"POST", "/api/v1/users/{id}/unlock", Action::user_write, unlock_user},
  });
}

}  // namespace watchfloor::api
