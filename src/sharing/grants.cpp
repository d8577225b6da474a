#include "sharing/grants.h"

#include <algorithm>
#include <map>

#include "core/error.h"
#include "store/work.h"

namespace watchfloor::sharing {
namespace {

using core::Problem;
using nlohmann::json;

constexpr const char* kSelect =
    "SELECT g.id, g.request_id, r.number, g.user_id, g.unit_id, g.camera_ids, g.data_types, g.mode, g.from_ms, g.to_ms, "
    "g.starts_at, g.expires_at, g.revoked_at, g.revoked_by, g.revoke_reason, g.issued_by, g.decider_unit_id, g.uses, "
    "r.case_id, c.number AS case_number FROM data_grants g JOIN data_requests r ON r.id = g.request_id "
    "LEFT JOIN cases c ON c.id = r.case_id";

bool has(const std::vector<std::string>& v, const char* x) { return std::find(v.begin(), v.end(), x) != v.end(); }

GrantRecord from_row(const store::Row& r) {
  GrantRecord g;
  g.id = r.i64("id");
  g.request_id = r.i64("request_id");
  g.request_number = r.str("number");
  g.user_id = r.i64("user_id");
  g.unit_id = r.i64("unit_id");
  g.scope.camera_ids = json::parse(r.str("camera_ids")).get<std::vector<int64_t>>();
  g.scope.data_types = json::parse(r.str("data_types")).get<std::vector<std::string>>();
  if (has(g.scope.data_types, "case_data")) {
    g.case_id = r.opt_i64("case_id");
    g.case_number = r.opt_str("case_number");
  }
  g.scope.mode = r.str("mode");
  g.scope.from_ms = r.opt_i64("from_ms");
  g.scope.to_ms = r.opt_i64("to_ms");
  g.starts_at = r.i64("starts_at");
  g.expires_at = r.i64("expires_at");
  g.scope.access_days = (g.expires_at - g.starts_at) / 86'400'000;
  g.revoked_at = r.opt_i64("revoked_at");
  g.revoked_by = r.opt_i64("revoked_by");
  g.revoke_reason = r.opt_str("revoke_reason");
  g.issued_by = r.i64("issued_by");
  g.decider_unit_id = r.i64("decider_unit_id");
  g.uses = r.i64("uses");
  return g;
}

}  // namespace

std::string GrantRecord::status(int64_t now) const {
  if (revoked_at) return "revoked";
  return now >= expires_at ? "expired" : "active";
}

std::vector<auth::DataGrant> Grants::held(int64_t user) {
  std::vector<auth::DataGrant> out;
  int64_t now = clock_.now_ms(), since = now - 90LL * 86'400'000;
  for (const auto& row : db_.query(std::string(kSelect) + " WHERE g.user_id = ? AND g.expires_at > ? AND COALESCE(g.revoked_at, ?) > ? "
                                                          "ORDER BY g.id DESC",
                                   {user, since, now, since})) {
    auto g = from_row(row);
    const auto& t = g.scope.data_types;
    auto status = g.status(now);
    out.push_back({g.id, g.scope.camera_ids, has(t, "live"), has(t, "recordings"), has(t, "snapshots"), g.scope.mode == "download",
                   g.scope.from_ms, g.scope.to_ms, g.case_id,
                   status == "active" ? std::nullopt : std::optional<std::string>("grant-" + status)});
  }
  return out;
}

std::optional<GrantRecord> Grants::get(int64_t id) {
  auto row = db_.query_one(std::string(kSelect) + " WHERE g.id = ?", {id});
  if (!row) return std::nullopt;
  return from_row(*row);
}

std::vector<GrantRecord> Grants::list(const GrantQuery& q) {
  std::string sql = std::string(kSelect) + " WHERE 1 = 1";
  std::vector<store::Value> params;
  if (q.user_id) sql += " AND g.user_id = ?", params.emplace_back(*q.user_id);
  int64_t now = clock_.now_ms();
  if (q.status == "active") sql += " AND g.revoked_at IS NULL AND g.expires_at > ?", params.emplace_back(now);
  if (q.status == "expired") sql += " AND g.revoked_at IS NULL AND g.expires_at <= ?", params.emplace_back(now);
  if (q.status == "revoked") sql += " AND g.revoked_at IS NOT NULL";
  std::vector<GrantRecord> out;
  for (const auto& row : db_.query(sql + " ORDER BY g.id DESC LIMIT 1000", params)) {
    auto g = from_row(row);
    if (q.decider_units && std::find(q.decider_units->begin(), q.decider_units->end(), g.decider_unit_id) == q.decider_units->end())
      continue;
    out.push_back(std::move(g));
  }
  return out;
}

GrantRecord Grants::issue(const DataRequest& r, const Scope& s, int64_t by) {
  int64_t now = clock_.now_ms();
  db_.exec("INSERT INTO data_grants(request_id, user_id, unit_id, camera_ids, data_types, mode, from_ms, to_ms, starts_at, "
           "expires_at, issued_by, decider_unit_id) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)",
           {r.id, r.requester_id, r.requester_unit_id, json(s.camera_ids).dump(), json(s.data_types).dump(), s.mode,
            store::opt(s.from_ms), store::opt(s.to_ms), now, now + s.access_days * 86'400'000, by, r.routing.decider_unit_id});
  return *get(db_.last_insert_id());
}

GrantRecord Grants::revoke(int64_t id, const std::string& reason, const audit::Actor& by) {
  if (reason.empty() || reason.size() > 2000)
    throw Problem::field("reason", "Cần nêu lý do thu hồi (tối đa 2000 ký tự)", "A reason is required (at most 2000 characters)");
  return store::Work::run(db_, [&](store::Work&) {
    auto g = get(id);
    if (!g) throw Problem::not_found("The grant", "Quyền khai thác");
    if (g->revoked_at) throw Problem::conflict("The grant has been revoked already", "Quyền khai thác đã bị thu hồi trước đó");
    int64_t now = clock_.now_ms();
    db_.exec("UPDATE data_grants SET revoked_at = ?, revoked_by = ?, revoke_reason = ? WHERE id = ?", {now, by.user_id, reason, id});
    audit_.append(by.event("grant.revoke", "data_grant", std::to_string(id), g->decider_unit_id,
                           {{"request_id", g->request_id}, {"user_id", g->user_id}, {"reason", reason},
                            {"was", g->status(now)}}));
    inbox_.notify_request({g->user_id}, "grant.revoked", g->request_id,
                          "Quyền khai thác theo yêu cầu " + g->request_number + " đã bị thu hồi: " + reason,
                          "The access granted on request " + g->request_number + " was revoked: " + reason);
    events::Event e;
    e.topic = "grant.revoked";
    e.read_action = auth::Action::authenticated;
    e.only_user = g->user_id;
    e.payload = {{"grant_id", id}};
    bus_.publish_on_commit(e);
    return *get(id);
  });
}

void Grants::used(int64_t id) { db_.exec("UPDATE data_grants SET uses = uses + 1 WHERE id = ?", {id}); }

void Grants::refuse(const std::string& slug, const std::string& object, int64_t id, int64_t unit, const json& details,
                    const audit::Actor& by) {
  static const std::map<std::string, std::pair<const char*, const char*>> why = {
      {"grant-expired", {"Quyền khai thác đã hết hạn", "The grant has expired"}},
      {"grant-revoked", {"Quyền khai thác đã bị thu hồi", "The grant was revoked"}},
      {"grant-outside-range", {"Ngoài khoảng thời gian được cấp quyền khai thác", "Outside the time range the grant gives"}},
      {"grant-mode", {"Quyền khai thác chỉ cho phép xem, không cho phép tải về", "The grant allows viewing only, not downloading"}},
      {"grant-data-type", {"Quyền khai thác không bao gồm loại dữ liệu này", "The grant does not cover this kind of data"}}};
  auto it = why.find(slug);
  const auto& [vi, en] = it != why.end() ? it->second : std::pair{"Không có quyền", "Forbidden"};
  json d = details;
  d["reason"] = slug;
  d[object + "_id"] = id;
  audit_.append(by.event("grant.refused", object, std::to_string(id), unit, d));
  throw Problem(403, slug, en, vi, std::string(en) + ".", std::string(vi) + ".");
}

}  // namespace watchfloor::sharing
