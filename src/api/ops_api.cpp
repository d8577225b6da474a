// Health, readiness, metrics, and the vocabulary the console needs.
#include "api/routes.h"

#include <cctype>

#include "core/hash.h"
#include "core/metrics.h"
#include "org/hq_words.h"
#include "org/vocabulary.h"

namespace watchfloor::api {
namespace {

using auth::Action;

nlohmann::json terms(const std::vector<org::Term>& list, const org::HqWords& words) {
  auto a = nlohmann::json::array();
  for (const auto& t : org::with_hq_words(list, words))
    a.push_back({{"id", t.id}, {"name_vi", t.name_vi}, {"name_en", t.name_en}});
  return a;
}

nlohmann::json to_json(const org::HqWords& w) {
  return {{"name_vi", w.name_vi},
          {"name_en", w.name_en},
          {"short_vi", w.short_vi},
          {"short_en", w.short_en},
          {"leadership_vi", w.leadership_vi},
          {"leadership_en", w.leadership_en},
          {"focal_point_vi", w.focal_point_vi},
          {"focal_point_en", w.focal_point_en},
          {"province_kind", w.province_kind},
          {"province_vi", w.province_vi},
          {"province_en", w.province_en}};
}

http::Response metrics_text() {
  http::Response res;
  res.content_type = "text/plain; version=0.0.4; charset=utf-8";
  res.body = core::Metrics::global().render();
  return res;
}

// `Authorization: Bearer <token>`; the scheme is case-insensitive (RFC 9110 §11.1).
std::string bearer_token(const http::Request& req) {
  std::string h = req.header("authorization");
  if (h.size() < 7) return {};
  for (size_t i = 0; i < 6; ++i)
    if (std::tolower(static_cast<unsigned char>(h[i])) != "bearer"[i]) return {};
  if (h[6] != ' ') return {};
  auto start = h.find_first_not_of(' ', 7);
  return start == std::string::npos ? std::string() : h.substr(start);
}

http::Response healthz(http::Context&, Services&) { return http::Response::json(200, {{"status", "ok"}}); }

http::Response readyz(http::Context&, Services& s) {
  if (!s.db.ping())
    throw core::Problem(503, "not-ready", "Not ready", "Chưa sẵn sàng", "The database is not available.",
                        "Cơ sở dữ liệu chưa sẵn sàng.");
  return http::Response::json(200, {{"status", "ready"}});
}

// On the public listener only for a scraper holding server.metrics_token; everyone else, and
// everyone when no token is configured, finds no such page (the metrics listener serves them).
http::Response metrics(http::Context& ctx, Services& s) {
  const auto& token = s.config.server.metrics_token;
  if (token.empty() || !core::secrets_equal(bearer_token(ctx.req), token))
    throw core::Problem::not_found("The route /metrics", "Đường dẫn /metrics");
  return metrics_text();
}

http::Response meta(http::Context&, Services& s) {
  auto words = org::hq_words(s.units.list());
  return http::Response::json(200, {{"version", WATCHFLOOR_VERSION},
                                    {"hq", to_json(words)},
                                    {"roles", terms(org::role_terms(), words)},
                                    {"unit_kinds", terms(org::unit_kinds(), words)},
                                    {"designation_kinds", terms(org::designation_kinds(), words)}});
}

}  // namespace

std::shared_ptr<http::Router> make_metrics_router() {
  auto r = std::make_shared<http::Router>();
  r->add("GET", "/metrics", Action::public_access, [](http::Context&) { return metrics_text(); });
  return r;
}

void add_ops_routes(http::Router& r, Services& s) {
  core::Metrics::global().gauge("watchfloor_uptime_seconds", [&s] {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - s.started).count();
  });
  add_routes(r, s, {
    {"GET", "/healthz", Action::public_access, healthz},
    {"GET", "/readyz", Action::public_access, readyz},
    {"GET", "/metrics", Action::public_access, metrics},
    {"GET", "/api/v1/meta", Action::authenticated, meta},
  });
}

}  // namespace watchfloor::api
