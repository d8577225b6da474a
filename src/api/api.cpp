#include "api/api.h"

#include <fmt/format.h>

#include "api/routes.h"

namespace watchfloor::api {
namespace {

class SessionAuthenticator final : public http::Authenticator {
 public:
  explicit SessionAuthenticator(Services& s) : s_(s) {}

  std::optional<http::Identity> authenticate(const std::string& token) override { return identify(token, true); }
  std::optional<http::Identity> recheck(const std::string& token) override { return identify(token, false); }

  std::shared_ptr<const auth::UnitScope> scope() override { return s_.units.tree(); }

 private:
  std::optional<http::Identity> identify(const std::string& token, bool touch) {
    auto session = s_.sessions.find(token, touch);
    if (!session) return std::nullopt;
    auto user = s_.users.get(session->user_id);
    if (!user || !user->active) return std::nullopt;
    auto principal = s_.users.principal(*user);
    principal.data_grants = s_.grants.held(user->id);  // revoked or expired: from the next request on
    return http::Identity{std::move(principal), session->csrf_token, user->must_change_password};
  }

  Services& s_;
};

}  // namespace

std::optional<std::string> query(const http::Context& ctx, const std::string& key) {
  auto it = ctx.req.query.find(key);
  if (it == ctx.req.query.end() || it->second.empty()) return std::nullopt;
  return it->second;
}

std::optional<int64_t> parse_int(const std::string& text, int64_t lo, int64_t hi) {
  try {
    size_t used = 0;
    int64_t n = std::stoll(text, &used);
    if (used == text.size() && n >= lo && n <= hi) return n;
  } catch (const std::exception&) {
  }
  return std::nullopt;
}

std::optional<int64_t> query_id(const http::Context& ctx, const std::string& key) {
  auto v = query(ctx, key);
  if (!v) return std::nullopt;
  if (auto n = parse_int(*v, 1, INT64_MAX)) return n;
  throw core::Problem::field(key, "Phải là mã số", "Must be an id");
}

int64_t query_time(const http::Context& ctx, const std::string& key, int64_t fallback) {
  auto v = query(ctx, key);
  if (!v) return fallback;
  auto ms = core::parse_iso8601(*v);
  if (!ms) throw core::Problem::field(key, "Thời gian phải theo ISO 8601", "Time must be ISO 8601");
  return *ms;
}

std::optional<int64_t> time_field(core::JsonBody& b, std::string_view f, core::Need need) {
  auto v = b.string(f, need, 40);
  if (!v) return std::nullopt;
  auto ms = core::parse_iso8601(*v);
  if (!ms) b.error(b.path(f), "Thời gian phải theo ISO 8601", "Time must be ISO 8601");
  return ms;
}

std::vector<int64_t> ids(core::JsonBody& b, std::string_view f, size_t max, size_t min) {
  std::vector<int64_t> out;
  const auto* raw = b.raw(f);
  if (min == 0 && (!raw || raw->is_null() || (raw->is_array() && raw->empty()))) return out;
  if (!raw || !raw->is_array() || raw->size() < min || raw->size() > max) {
    b.error(b.path(f), fmt::format("Cần danh sách từ {} đến {} mã", min, max), fmt::format("A list of {} to {} ids is needed", min, max));
    return out;
  }
  for (size_t i = 0; i < raw->size(); ++i) {
    const auto& x = (*raw)[i];
    if (!x.is_number_integer() || x.get<int64_t>() <= 0) b.error(fmt::format("{}[{}]", b.path(f), i), "Mã không hợp lệ", "Not a valid id");
    else out.push_back(x.get<int64_t>());
  }
  return out;
}

void add_routes(http::Router& r, Services& s, std::initializer_list<Handler> table) {
  for (const auto& h : table) r.add(h.method, h.pattern, h.action, [&s, fn = h.fn](http::Context& ctx) { return fn(ctx, s); });
}

Page page(const http::Context& ctx) {
  Page p;
  if (auto v = query(ctx, "limit")) {
    auto n = parse_int(*v, 1, kMaxPage);
    if (!n) throw core::Problem::field("limit", "Phải là số từ 1 đến 500", "Must be a number from 1 to 500");
    p.limit = *n;
  }
  if (auto c = query(ctx, "cursor")) {
    auto key = nlohmann::json::parse(*c, nullptr, false);
    if (key.is_number_integer() && key.get<int64_t>() > 0) p.before = key.get<int64_t>();
    else if (key.is_array() && !key.empty()) p.after = std::move(key);
    else throw core::Problem::field("cursor", "Con trỏ trang không hợp lệ", "Not a valid page cursor");
  }
  return p;
}

nlohmann::json paged(nlohmann::json items, const Page& p, size_t scanned, const nlohmann::json& last) {
  bool more = static_cast<int64_t>(scanned) >= p.limit && !last.is_null();
  return {{"items", std::move(items)}, {"next_cursor", more ? nlohmann::json(last.dump()) : nlohmann::json()}};
}

std::shared_ptr<http::Router> make_router(Services& s) {
  auto r = std::make_shared<http::Router>();
  add_ops_routes(*r, s);
  add_auth_routes(*r, s);
  add_unit_routes(*r, s);
  add_user_routes(*r, s);
  add_audit_routes(*r, s);
  add_duty_routes(*r, s);
  add_case_routes(*r, s);
  add_map_routes(*r, s);  // before the video routes: /sites/summary is not /sites/{id}
  add_sharing_routes(*r, s);
  add_video_routes(*r, s);
  add_recorder_node_routes(*r, s);
  add_evidence_routes(*r, s);
  add_wall_routes(*r, s);
  add_ws_routes(*r, s);
  add_live_routes(*r, s);
  return r;
}

std::shared_ptr<http::Authenticator> make_authenticator(Services& s) {
  return std::make_shared<SessionAuthenticator>(s);
}

}  // namespace watchfloor::api
