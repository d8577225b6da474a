// Login, logout, the current user, and password change.
#include "api/routes.h"
#include "auth/password.h"
#include "core/json_body.h"

namespace watchfloor::api {
namespace {

using auth::Action;
using core::Need;

std::string session_cookie(const http::Request& req, const std::string& token, bool clear) {
  // HttpOnly: scripts cannot read it; SameSite=Strict: other sites cannot make the browser send it;
  // Secure over HTTPS: never sent in clear text.
  return std::string(http::kSessionCookie) + "=" + (clear ? "" : token) + "; Path=/; HttpOnly; SameSite=Strict" +
         (req.secure ? "; Secure" : "") + (clear ? "; Max-Age=0" : "");
}

core::Problem wrong_credentials() {
  return core::Problem(401, "unauthenticated", "Wrong username or password", "Sai tên đăng nhập hoặc mật khẩu",
                       "The username or the password is wrong, or the account is disabled.",
                       "Tên đăng nhập hoặc mật khẩu không đúng, hoặc tài khoản đã bị khóa.");
}

nlohmann::json me_json(Services& s, const org::User& u, const std::string& csrf) {
  auto user = org::to_json(u);
  if (auto unit = s.units.get(u.unit_id)) user["unit"] = org::to_json(*unit);
  return {{"user", user}, {"csrf_token", csrf}};
}

// ---- routes -----------------------------------------------------------------------------------

http::Response login(http::Context& ctx, Services& s) {
  auto body = core::JsonBody::parse(ctx.req.body, {"username", "password"});
  auto username = body.string("username", Need::required, 64);
  auto password = body.string("password", Need::required, 256);
  body.finish();
  const std::string& ip = ctx.req.remote_ip;
  // Admitted before the slow password check, so that concurrent guesses each use up budget.
  auto admission = s.throttle.begin(*username, ip);
  if (!admission) {
    ctx.refusal_subject = *username;  // audited with the other refusals, one entry a minute (audit/refusals.h)
    throw core::Problem::throttled(admission.retry_after_s);
  }
  auto user = s.users.by_username(*username);
  bool ok = false;
  if (auto hash = user ? s.users.password_hash(user->id) : std::nullopt) ok = auth::verify_password(*hash, *password);
  else auth::verify_dummy(*password);
  if (!ok || !user->active) {
    s.users.sign_in_refused(*username, user, !user ? "unknown_user" : !ok ? "wrong_password" : "disabled", ctx.actor());
    throw wrong_credentials();
  }
  s.throttle.succeeded(*username, ip, admission);
  auto session = s.users.signed_in(*user, ctx.actor());
  ctx.identity = http::Identity{s.users.principal(*user), session.csrf_token, user->must_change_password};
  return http::Response::json(200, me_json(s, *s.users.get(user->id), session.csrf_token))
      .with_header("Set-Cookie", session_cookie(ctx.req, session.token, false));
}

http::Response logout(http::Context& ctx, Services& s) {
  s.users.sign_out(ctx.req.cookie(http::kSessionCookie), ctx.actor());
  return http::Response::no_content().with_header("Set-Cookie", session_cookie(ctx.req, "", true));
}

http::Response me(http::Context& ctx, Services& s) {
  auto user = s.users.get(ctx.principal().user_id);
  if (!user) throw core::Problem::unauthenticated();
  return http::Response::json(200, me_json(s, *user, ctx.identity->csrf_token));
}

http::Response change_password(http::Context& ctx, Services& s) {
  auto body = core::JsonBody::parse(ctx.req.body, {"current_password", "new_password"});
  auto current = body.string("current_password", Need::required, 256);
  auto next = body.string("new_password", Need::required, 256);
  body.finish();
  const auto& p = ctx.principal();
  // A stolen session guessing the password: the same budget as guesses at login.
  const std::string& ip = ctx.req.remote_ip;
  auto admission = s.throttle.begin(p.username, ip);
  if (!admission) {
    ctx.refusal_subject = p.username;
    throw core::Problem::throttled(admission.retry_after_s);
  }
  auto hash = s.users.password_hash(p.user_id);
  if (!hash || !auth::verify_password(*hash, *current)) {
    s.users.password_change_refused(ctx.actor(), "wrong_current_password");
    throw core::Problem::field("current_password", "Mật khẩu hiện tại không đúng", "The current password is wrong");
  }
  s.throttle.succeeded(p.username, ip, admission);
  auto errs = auth::check_password_policy(*next, p.username, "new_password");
  if (*next == *current)
    errs.push_back({"new_password", "Mật khẩu mới phải khác mật khẩu hiện tại", "The new password must differ from the current one"});
  if (!errs.empty()) throw core::Problem::validation(std::move(errs));
  s.users.change_password(ctx.actor(), *next, ctx.req.cookie(http::kSessionCookie));
  return http::Response::no_content();
}

}  // namespace

void add_auth_routes(http::Router& r, Services& s) {
  add_routes(r, s, {
    {"POST", "/api/v1/auth/login", Action::public_access, login},
  });
  // The routes a person who must change their password may still use.
  for (const Handler& h : {Handler{"POST", "/api/v1/auth/logout", Action::authenticated, logout},
                           Handler{"GET", "/api/v1/auth/me", Action::authenticated, me},
                           Handler{"POST", "/api/v1/auth/password", Action::authenticated, change_password}})
    r.add(h.method, h.pattern, h.action, [&s, fn = h.fn](http::Context& ctx) { return fn(ctx, s); }).during_password_change = true;
}

}  // namespace watchfloor::api
