#include "http/router.h"

#include <chrono>
#include <cmath>
#include <fmt/format.h>

#include "core/hash.h"
#include "core/log.h"
#include "core/metrics.h"
#include "core/random.h"
#include "core/text.h"

namespace watchfloor::http {
namespace {

std::vector<std::string> split_path(const std::string& p) {
  std::vector<std::string> parts;
  size_t i = 0;
  while (i < p.size()) {
    if (p[i] == '/') { ++i; continue; }
    size_t j = p.find('/', i);
    if (j == std::string::npos) j = p.size();
    parts.push_back(p.substr(i, j - i));
    i = j;
  }
  return parts;
}

bool match_pattern(const std::string& pattern, const std::string& path, std::map<std::string, std::string>& params) {
  auto pp = split_path(pattern), ps = split_path(path);
  if (pp.size() != ps.size()) return false;
  std::map<std::string, std::string> found;
  for (size_t i = 0; i < pp.size(); ++i) {
    if (pp[i].size() > 2 && pp[i].front() == '{' && pp[i].back() == '}') found[pp[i].substr(1, pp[i].size() - 2)] = ps[i];
    else if (pp[i] != ps[i]) return false;
  }
  params = std::move(found);
  return true;
}

bool is_unsafe(const std::string& m) { return m != "GET" && m != "HEAD" && m != "OPTIONS"; }

// JSON is the only body the API reads, but for the few routes that take a file of another type (never one a
// browser sends across sites without asking). A browser sends text/plain, form and multipart bodies across
// sites without asking (a "simple request"), so refusing them closes login CSRF even without Origin.
bool is_type(const std::string& content_type, const std::string& wanted) {
  auto semi = content_type.find(';');
  std::string type = core::ascii_lower(content_type.substr(0, semi));
  while (!type.empty() && type.back() == ' ') type.pop_back();
  return type == wanted;
}

void add_security_headers(Response& r, bool api) {
  r.headers.emplace_back("X-Content-Type-Options", "nosniff");
  r.headers.emplace_back("Referrer-Policy", "no-referrer");
  r.headers.emplace_back("X-Frame-Options", "DENY");
  if (api) r.headers.emplace_back("Cache-Control", "no-store");
  else
    r.headers.emplace_back("Content-Security-Policy",
                           "default-src 'self'; img-src 'self' data: blob:; media-src 'self' blob:; "
                           "connect-src 'self'; style-src 'self' 'unsafe-inline'; frame-ancestors 'none'");
}

}  // namespace

const auth::Principal& Context::principal() const {
  if (!identity) throw core::Problem::unauthenticated();
  return identity->principal;
}

int64_t Context::id_param(const std::string& name) const {
  auto it = params.find(name);
  if (it != params.end()) {
    try {
      size_t used = 0;
      int64_t v = std::stoll(it->second, &used);
      if (used == it->second.size() && v > 0) return v;
    } catch (const std::exception&) {
    }
  }
  throw core::Problem::not_found("The resource", "Tài nguyên");
}

bool Context::may(auth::Action a, const auth::Target& t) const {
  return identity && auth::allowed(identity->principal, a, t, *scope);
}

void Context::require(auth::Action a, const auth::Target& t) const {
  if (!identity) throw core::Problem::unauthenticated();
  if (!may(a, t)) throw core::Problem::forbidden();
}

audit::Actor Context::actor() const {
  if (!identity) return audit::Actor(0, "", request_id, req.remote_ip);
  return audit::Actor(identity->principal.user_id, identity->principal.username, request_id, req.remote_ip);
}

Route& Router::add(std::string method, std::string pattern, auth::Action action, RouteHandler handler) {
  routes_.push_back(Route{std::move(method), std::move(pattern), action, std::move(handler)});
  return routes_.back();
}

const Route* Router::match(const std::string& method, const std::string& path,
                           std::map<std::string, std::string>& params, bool& path_known) const {
  path_known = false;
  for (const auto& r : routes_) {
    std::map<std::string, std::string> p;
    if (!match_pattern(r.pattern, path, p)) continue;
    path_known = true;
    if (r.method == method || (method == "HEAD" && r.method == "GET")) {
      params = std::move(p);
      return &r;
    }
  }
  return nullptr;
}

Handler make_dispatcher(std::shared_ptr<Router> router, std::shared_ptr<Authenticator> authn, DispatchOptions opt) {
  auto& metrics = core::Metrics::global();
  metrics.help("watchfloor_http_requests_total", "counter", "HTTP requests by route, method and status");
  metrics.help("watchfloor_http_request_duration_seconds", "histogram", "HTTP request latency");
  return [router, authn, opt](Request& req) -> Response {
    auto started = std::chrono::steady_clock::now();
    Context ctx{req, core::random_token(12), std::nullopt, nullptr, {}, {}};
    std::string route_label = "static";
    bool api = req.path.rfind("/api/", 0) == 0 || req.path == "/healthz" || req.path == "/readyz" || req.path == "/metrics";
    Response res;
    const Route* route = nullptr;
    std::string refusal;  // the slug of a Problem that answered
    try {
      bool path_known = false;
      route = router->match(req.method, req.path, ctx.params, path_known);
      if (!route) {
        if (path_known) throw core::Problem::method_not_allowed();
        if (api || req.method != "GET") throw core::Problem::not_found("The route " + req.path, "Đường dẫn " + req.path);
        auto file = opt.web_root.empty() ? std::nullopt : serve_static(opt.web_root, req.path);
        if (!file) throw core::Problem::not_found("The page " + req.path, "Trang " + req.path);
        res = std::move(*file);
      } else {
        route_label = route->pattern;
        if (is_unsafe(req.method)) {
          // Before the session is looked at: this holds for login too (a page elsewhere must not sign a
          // browser into an attacker's account).
          if (!same_origin(req))
            throw core::Problem(403, "bad-origin", "Cross-site request refused", "Từ chối yêu cầu từ trang khác",
                                "The Origin header does not match this server.",
                                "Tiêu đề Origin không khớp với máy chủ này.");
          // JSON, or the route's own type (checked again by its handler, after the login: an anonymous caller
          // learns only that a login is needed).
          if (!req.body.empty() && !is_type(req.header("content-type"), "application/json") &&
              !is_type(req.header("content-type"), route->body_type))
            throw core::Problem(415, "unsupported-media-type", "Body must be JSON", "Nội dung phải là JSON",
                                "Send the body as application/json.", "Hãy gửi nội dung dạng application/json.");
        }
        ctx.scope = authn->scope();
        if (route->action != auth::Action::public_access) {
          ctx.identity = authn->authenticate(req.cookie(kSessionCookie));
          if (!ctx.identity) throw core::Problem::unauthenticated();
          if (is_unsafe(req.method) && !core::secrets_equal(req.header("x-csrf-token"), ctx.identity->csrf_token))
            throw core::Problem(403, "csrf", "Missing or wrong CSRF token", "Thiếu hoặc sai mã chống giả mạo (CSRF)",
                                "Send the csrf_token from login or /api/v1/auth/me in the X-CSRF-Token header.",
                                "Gửi csrf_token nhận khi đăng nhập hoặc từ /api/v1/auth/me trong tiêu đề X-CSRF-Token.");
          if (ctx.identity->must_change_password && !route->during_password_change)
            throw core::Problem(403, "password-change-required", "Password change required", "Cần đổi mật khẩu",
                                "Change the one-time password before using watchfloor.",
                                "Vui lòng đổi mật khẩu dùng một lần trước khi sử dụng hệ thống.");
          // The route-level check: the caller must hold the action somewhere; handlers check the object.
          ctx.require(route->action, {});
        }
        res = route->handler(ctx);
      }
    } catch (const core::Problem& p) {
      res = Response::problem(p);
      refusal = p.slug();
    } catch (const std::exception& e) {
      core::log_json({{"event", "http.error"}, {"request_id", ctx.request_id}, {"error", e.what()}});
      res = Response::problem(core::Problem::internal());
    }
    if (route && opt.on_refused && !refusal.empty() &&
        (res.status == 403 || res.status == 429 || (res.status == 404 && route->action != auth::Action::public_access)))
      opt.on_refused(ctx, *route, res.status, refusal);
    add_security_headers(res, api);
    res.headers.emplace_back("X-Request-Id", ctx.request_id);
    double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    auto& m = core::Metrics::global();
    std::string labels = core::label("route", route_label) + "," + core::label("method", req.method) + "," +
                         core::label("status", std::to_string(res.status));
    m.inc("watchfloor_http_requests_total", labels);
    m.observe("watchfloor_http_request_duration_seconds", core::label("route", route_label), secs);
    // The access log names the route pattern and path, never the query string or body (they may hold secrets).
    core::log_json({{"event", "http.access"},
                    {"request_id", ctx.request_id},
                    {"user", ctx.identity ? nlohmann::json(ctx.identity->principal.username) : nlohmann::json()},
                    {"ip", req.remote_ip},
                    {"method", req.method},
                    {"route", route_label},
                    {"path", req.path},
                    {"status", res.status},
                    {"duration_ms", std::round(secs * 100000) / 100}});
    return res;
  };
}

}  // namespace watchfloor::http
