// The audit log: GET /api/v1/audit (filters), GET /api/v1/audit/verify.
#include <fmt/format.h>

#include <cstdint>
#include <set>

#include "api/routes.h"

namespace watchfloor::api {
namespace {

using auth::Action;

audit::Filter parse_filter(const http::Context& ctx) {
  static const std::set<std::string> known = {"actor", "action", "object_type", "object_id", "from", "to", "limit", "before_seq"};
  std::vector<core::FieldError> errs;
  for (const auto& [k, _] : ctx.req.query)
    if (!known.count(k)) errs.push_back({k, "Tham số không được chấp nhận", "Unknown query parameter"});
  audit::Filter f;
  f.actor = query(ctx, "actor");
  f.action_prefix = query(ctx, "action");
  f.object_type = query(ctx, "object_type");
  f.object_id = query(ctx, "object_id");
  for (const char* key : {"from", "to"})
    if (auto v = query(ctx, key)) {
      auto ms = core::parse_iso8601(*v);
      if (!ms) errs.push_back({key, "Thời gian phải theo ISO 8601, ví dụ 2026-11-28T08:00:00+07:00",
                               "Time must be ISO 8601, e.g. 2026-11-28T08:00:00+07:00"});
      (std::string(key) == "from" ? f.from_ms : f.to_ms) = ms;
    }
  auto integer = [&](const char* key, int64_t lo, int64_t hi) -> std::optional<int64_t> {
    auto v = query(ctx, key);
    if (!v) return std::nullopt;
    if (auto n = parse_int(*v, lo, hi)) return n;
    errs.push_back({key, fmt::format("Phải là số nguyên từ {} đến {}", lo, hi), fmt::format("Must be an integer from {} to {}", lo, hi)});
    return std::nullopt;
  };
  f.limit = static_cast<int>(integer("limit", 1, kMaxPage).value_or(100));
  f.before_seq = integer("before_seq", 1, INT64_MAX);
  if (!errs.empty()) throw core::Problem::validation(std::move(errs));
  return f;
}

}  // namespace

void add_audit_routes(http::Router& r, Services& s) {
  r.add("GET", "/api/v1/audit", Action::audit_read, [&s](http::Context& ctx) {
    auto f = parse_filter(ctx);
    const auto& p = ctx.principal();
    // An auditor sees the entries of the units in their scope; one whose scope holds every top-level
    // unit also sees entries that belong to no unit (failed logins of unknown names, for instance).
    auto roots = auth::scope_roots(p, Action::audit_read, *ctx.scope);
    bool everything = true;
    for (const auto& u : s.units.list())
      if (!u.parent_id) everything = everything && ctx.may(Action::audit_read, {u.id});
    if (!everything) {
      std::vector<int64_t> ids;
      auto tree = s.units.tree();
      for (auto root : roots.value_or(std::vector<int64_t>{}))
        for (auto id : tree->subtree(root)) ids.push_back(id);
      f.unit_ids = ids;
    }
    auto entries = s.audit.list(f);
    auto items = nlohmann::json::array();
    for (const auto& e : entries) items.push_back(audit::to_json(e));
    nlohmann::json next = entries.size() == static_cast<size_t>(f.limit) ? nlohmann::json(entries.back().seq) : nlohmann::json();
    // Reading the audit log is itself a sensitive read.
    s.audit.append(ctx.audit("audit.read", "audit_log", "*", p.unit_id, {{"query", ctx.req.query}, {"count", items.size()}}));
    return http::Response::json(200, {{"items", items}, {"next_before_seq", next}});
  });

  r.add("GET", "/api/v1/audit/verify", Action::audit_read, [&s](http::Context& ctx) {
    auto v = s.audit.verify();
    s.audit.append(ctx.audit("audit.verify", "audit_log", "*", ctx.principal().unit_id,
                             {{"ok", v.ok}, {"entries", v.entries}}));
    return http::Response::json(200, {{"ok", v.ok},
                                      {"entries", v.entries},
                                      {"first_broken_seq", v.first_broken_seq ? nlohmann::json(*v.first_broken_seq) : nlohmann::json()},
                                      {"reason", v.reason}});
  });
}

}  // namespace watchfloor::api
