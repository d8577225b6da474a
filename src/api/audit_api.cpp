// The audit log: GET /api/v1/audit (filters), GET /api/v1/audit/verify, its signed checkpoints, and the
// installation's public key.
#include <fmt/format.h>

#include <cstdint>
#include <set>

#include "api/routes.h"

namespace watchfloor::api {
namespace {

using auth::Action;

// Newest-first paging by sequence number, for the log and its checkpoints: `limit` and `before_seq`.
struct SeqPage {
  int limit = 100;
  std::optional<int64_t> before_seq;
};

SeqPage seq_page(const http::Context& ctx, std::vector<core::FieldError>& errs) {
  auto integer = [&](const char* key, int64_t lo, int64_t hi) -> std::optional<int64_t> {
    auto v = query(ctx, key);
    if (!v) return std::nullopt;
    if (auto n = parse_int(*v, lo, hi)) return n;
    errs.push_back({key, fmt::format("Phải là số nguyên từ {} đến {}", lo, hi), fmt::format("Must be an integer from {} to {}", lo, hi)});
    return std::nullopt;
  };
  return {static_cast<int>(integer("limit", 1, kMaxPage).value_or(100)), integer("before_seq", 1, INT64_MAX)};
}

// The page's items and the `before_seq` of the next page (null after a short page: the end).
template <class T>
http::Response seq_page_json(const std::vector<T>& rows, const SeqPage& page) {
  auto items = nlohmann::json::array();
  for (const auto& r : rows) items.push_back(audit::to_json(r));
  nlohmann::json next = rows.size() == static_cast<size_t>(page.limit) ? nlohmann::json(rows.back().seq) : nlohmann::json();
  return http::Response::json(200, {{"items", items}, {"next_before_seq", next}});
}

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
  auto page = seq_page(ctx, errs);
  f.limit = page.limit;
  f.before_seq = page.before_seq;
  if (!errs.empty()) throw core::Problem::validation(std::move(errs));
  return f;
}

// Reading the audit log is itself a sensitive read: the log audits it.
http::Response list_audit(http::Context& ctx, Services& s) {
  auto f = parse_filter(ctx);
  const auto& p = ctx.principal();
  f.unit_ids = org::audit_scope(p, *s.units.tree());
  return seq_page_json(s.audit.read(f, ctx.req.query, p.unit_id, ctx.actor()), {f.limit, f.before_seq});
}

// The hash chain, and the newest signed checkpoint against it (a removed tail shows there).
http::Response verify_audit(http::Context& ctx, Services& s) {
  auto v = s.audit.verified(ctx.principal().unit_id, ctx.actor());
  auto c = s.checkpoints.check_latest();
  return http::Response::json(
      200, {{"ok", v.ok && c.ok},
            {"entries", v.entries},
            {"first_broken_seq", v.first_broken_seq ? nlohmann::json(*v.first_broken_seq) : nlohmann::json()},
            {"reason", v.reason},
            {"checkpoint", {{"ok", c.ok}, {"reason_vi", c.reason_vi}, {"reason_en", c.reason_en}}}});
}

http::Response list_checkpoints(http::Context& ctx, Services& s) {
  std::vector<core::FieldError> errs;
  auto page = seq_page(ctx, errs);
  if (!errs.empty()) throw core::Problem::validation(std::move(errs));
  return seq_page_json(s.checkpoints.list(page.before_seq, page.limit), page);
}

// A checkpoint signed now, to be handed to another unit.
http::Response take_checkpoint(http::Context& ctx, Services& s) {
  return http::Response::json(201, audit::to_json(s.checkpoints.take(ctx.principal().unit_id, ctx.actor())));
}

// One checkpoint as a file (docs/formats.md §14).
http::Response download_checkpoint(http::Context& ctx, Services& s) {
  auto c = s.checkpoints.get(ctx.id_param("seq"));
  if (!c) throw core::Problem::not_found("checkpoint", "điểm kiểm tra");
  auto res = http::Response::json(200, audit::to_json(*c));
  res.headers.emplace_back("Content-Disposition", fmt::format("attachment; filename=\"audit-checkpoint-{}.json\"", c->seq));
  return res;
}

// The installation's public signing key: what another unit needs to check its checkpoints and evidence.
http::Response public_key(http::Context&, Services& s) {
  const auto& key = s.checkpoints.key();
  return http::Response::json(200, {{"algorithm", "Ed25519"}, {"key_id", key.key_id()}, {"public_key", key.public_key()}});
}

}  // namespace

void add_audit_routes(http::Router& r, Services& s) {
  add_routes(r, s, {
    {"GET", "/api/v1/audit", Action::audit_read, list_audit},
    {"GET", "/api/v1/audit/verify", Action::audit_read, verify_audit},
    {"GET", "/api/v1/audit/checkpoints", Action::audit_read, list_checkpoints},
    {"POST", "/api/v1/audit/checkpoints", Action::audit_read, take_checkpoint},
    {"GET", "/api/v1/audit/checkpoints/{seq}", Action::audit_read, download_checkpoint},
    {"GET", "/api/v1/keys/public", Action::authenticated, public_key},
  });
}

}  // namespace watchfloor::api
