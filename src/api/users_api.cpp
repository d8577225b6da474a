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

nlohmann::json audit_details(const org::UserInput& in) {
  nlohmann::json d = nlohmann::json::object();
  if (in.username) d["username"] = *in.username;
  if (in.full_name) d["full_name"] = *in.full_name;
  if (in.unit_id) d["unit_id"] = *in.unit_id;
  if (in.title) d["title"] = *in.title;
  if (in.active) d["active"] = *in.active;
  if (in.must_change_password) d["must_change_password"] = *in.must_change_password;
  if (in.password) d["password_reset"] = true;  // never the password itself
  if (in.roles) {
    d["roles"] = nlohmann::json::array();
    for (const auto& g : *in.roles) d["roles"].push_back({{"role", auth::role_name(g.role)}, {"unit_id", g.unit_id}});
  }
  return d;
}

}  // namespace

void add_user_routes(http::Router& r, Services& s) {
  r.add("GET", "/api/v1/users", Action::authenticated, [&s](http::Context& ctx) {
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
    s.audit.append(ctx.audit("user.read_list", "user", "*", p.unit_id,
                             {{"query", ctx.req.query}, {"count", items.size()}}));
    return http::Response::json(200, {{"items", items}});
  });

  r.add("GET", "/api/v1/users/{id}", Action::authenticated, [&s](http::Context& ctx) {
    auto u = s.users.get(ctx.id_param());
    if (!u || !ctx.may(Action::user_read, {u->unit_id, u->id})) throw core::Problem::not_found("The user", "Người dùng");
    if (u->id != ctx.principal().user_id)  // reading someone else's record is a sensitive read
      s.audit.append(ctx.audit("user.read", "user", std::to_string(u->id), u->unit_id));
    auto out = org::to_json(*u);
    // Some address is made to wait before signing in again as this user (not a lock-out: see auth/throttle.h).
    auto until = s.throttle.throttled_until(u->username);
    out["locked_until"] = until ? nlohmann::json(core::iso8601(*until)) : nlohmann::json(nullptr);
    return http::Response::json(200, out);
  });

  r.add("POST", "/api/v1/users", Action::user_write, [&s](http::Context& ctx) {
    auto in = parse_user(ctx.req.body, true);
    require_write_scope(ctx, s, in);
    org::User created;
    write(s, [&] {
      created = s.users.create(in);
      s.audit.append(ctx.audit("user.create", "user", std::to_string(created.id), created.unit_id, audit_details(in)));
    });
    return http::Response::json(201, org::to_json(created))
        .with_header("Location", "/api/v1/users/" + std::to_string(created.id));
  });

  r.add("PATCH", "/api/v1/users/{id}", Action::user_write, [&s](http::Context& ctx) {
    int64_t id = ctx.id_param();
    auto in = parse_user(ctx.req.body, false);
    auto before = s.users.get(id);
    if (!before || !ctx.may(Action::user_read, {before->unit_id, before->id}))
      throw core::Problem::not_found("The user", "Người dùng");
    ctx.require(Action::user_write, {before->unit_id});
    require_write_scope(ctx, s, in);
    if (id == ctx.principal().user_id && in.active && !*in.active)
      throw core::Problem::field("active", "Không thể tự khóa tài khoản của mình", "You cannot disable your own account");
    // An administrator who sets a password hands out a one-time password.
    if (in.password && id != ctx.principal().user_id) in.must_change_password = true;
    org::User after;
    write(s, [&] {
      after = s.users.update(id, in);
      if ((in.active && !*in.active) || in.password) s.sessions.remove_all_for_user(id);
      s.audit.append(ctx.audit("user.update", "user", std::to_string(id), after.unit_id, audit_details(in)));
    });
    return http::Response::json(200, org::to_json(after));
  });

  // Clears the sign-in throttle of this user for every address (mở khóa đăng nhập).
  r.add("POST", "/api/v1/users/{id}/unlock", Action::user_write, [&s](http::Context& ctx) {
    auto u = s.users.get(ctx.id_param());
    if (!u || !ctx.may(Action::user_read, {u->unit_id, u->id})) throw core::Problem::not_found("The user", "Người dùng");
    ctx.require(Action::user_write, {u->unit_id});
    auto until = s.throttle.throttled_until(u->username);
    write(s, [&] {
      s.audit.append(ctx.audit("user.unlock", "user", std::to_string(u->id), u->unit_id,
                               {{"username", u->username}, {"was_throttled", until.has_value()}}));
    });
    s.throttle.unlock(u->username);
    return http::Response::no_content();
  });
}

}  // namespace watchfloor::api
