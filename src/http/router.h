#pragma once
// Routing and the middleware every request passes: request id, session, password-change gate,
// CSRF, the permission policy (each route names its Action), errors as problem+json, metrics and
// the JSON access log.
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "audit/audit_log.h"
#include "auth/policy.h"
#include "http/message.h"

namespace watchfloor::http {

struct Identity {
  auth::Principal principal;
  std::string csrf_token;
  bool must_change_password = false;
};

// How the dispatcher learns who is calling; the api module implements it with sessions and users.
class Authenticator {
 public:
  virtual ~Authenticator() = default;
  virtual std::optional<Identity> authenticate(const std::string& session_token) = 0;
  // The same check for a connection that stays open (a WebSocket), without counting it as the
  // user's activity: an unattended console still reaches the idle timeout.
  virtual std::optional<Identity> recheck(const std::string& session_token) { return authenticate(session_token); }
  virtual std::shared_ptr<const auth::UnitScope> scope() = 0;
};

inline constexpr const char* kSessionCookie = "wf_session";

struct Context {
  Request& req;
  std::string request_id;
  std::optional<Identity> identity;
  std::shared_ptr<const auth::UnitScope> scope;
  std::map<std::string, std::string> params;
  // What a refused request was about, when the route is not enough (the account a throttled login
  // tried); goes into the aggregated audit entry of refusals.
  std::string refusal_subject;

  const auth::Principal& principal() const;  // throws unauthenticated when absent
  int64_t id_param(const std::string& name = "id") const;  // 404 when not a positive integer
  // Throws 403 unless the policy allows `a` on `t`.
  void require(auth::Action a, const auth::Target& t) const;
  bool may(auth::Action a, const auth::Target& t) const;
  // Who is acting, from where and in which request (what the domain writes into its audit entries).
  audit::Actor actor() const;
};

using RouteHandler = std::function<Response(Context&)>;

struct Route {
  std::string method;
  std::string pattern;  // "/api/v1/units/{id}"
  auth::Action action;
  RouteHandler handler;
  bool during_password_change = false;  // reachable while the user must still change the password
  // A media type of a request body the route takes besides JSON (never text/plain, a form or multipart:
  // see router.cpp); its handler checks which one came.
  std::string body_type = "application/json";
};

class Router {
 public:
  Route& add(std::string method, std::string pattern, auth::Action action, RouteHandler handler);
  const std::vector<Route>& routes() const { return routes_; }
  // Returns the route and fills params; `path_known` tells whether another method would match.
  const Route* match(const std::string& method, const std::string& path, std::map<std::string, std::string>& params,
                     bool& path_known) const;

 private:
  std::vector<Route> routes_;
};

struct DispatchOptions {
  std::filesystem::path web_root;  // the built console (web/dist); empty: no static files
  // Called for every refused request on a route: 403, 404 from a route that is not public (the
  // object is missing or hidden), and 429. `reason` is the problem's slug.
  std::function<void(const Context&, const Route&, int status, const std::string& reason)> on_refused;
};

// Builds the server's handler from the routes.
Handler make_dispatcher(std::shared_ptr<Router> router, std::shared_ptr<Authenticator> auth, DispatchOptions opt);

// Serves a file below root, or index.html for client-side routes. nullopt when nothing fits.
std::optional<Response> serve_static(const std::filesystem::path& root, const std::string& path);

}  // namespace watchfloor::http
