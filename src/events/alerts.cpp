#include "events/alerts.h"

#include <fmt/format.h>

#include "core/error.h"
#include "store/work.h"

namespace watchfloor::events {
namespace {

const char* kSelect =
    "SELECT id, kind, subject, unit_id, severity, title_vi, title_en, audience, details, raised_at, acknowledged_at, "
    "acknowledged_by, closed_at FROM alerts";

Alert from_row(const store::Row& r) {
  Alert a;
  a.id = r.i64("id");
  a.kind = r.str("kind");
  a.subject = r.str("subject");
  a.unit_id = r.opt_i64("unit_id");
  a.severity = r.str("severity");
  a.title_vi = r.str("title_vi");
  a.title_en = r.str("title_en");
  a.audience = nlohmann::json::parse(r.str("audience")).get<std::vector<std::string>>();
  a.details = nlohmann::json::parse(r.str("details"));
  a.raised_at = r.i64("raised_at");
  a.acknowledged_at = r.opt_i64("acknowledged_at");
  a.acknowledged_by = r.opt_i64("acknowledged_by");
  a.closed_at = r.opt_i64("closed_at");
  return a;
}

}  // namespace

std::optional<Alert> Alerts::raise(Alert a) {
  std::optional<Alert> created;
  store::Work::run(db_, [&](store::Work&) {
    a.raised_at = clock_.now_ms();
    // One open alert per (kind, subject): the index alerts_open.
    if (db_.exec("INSERT INTO alerts(kind, subject, unit_id, severity, title_vi, title_en, audience, details, raised_at) "
                 "VALUES (?,?,?,?,?,?,?,?,?) ON CONFLICT(kind, subject) WHERE closed_at IS NULL DO NOTHING",
                 {a.kind, a.subject, store::opt(a.unit_id), a.severity, a.title_vi, a.title_en, nlohmann::json(a.audience).dump(),
                  a.details.dump(), a.raised_at}) == 0)
      return;
    a.id = db_.last_insert_id();
    created = a;
    bus_.publish_on_commit(event("alert.raised", a));
  });
  return created;
}

bool Alerts::resolve(const std::string& kind, const std::string& subject) {
  std::optional<Alert> closed;
  store::Work::run(db_, [&](store::Work&) {
    auto row = db_.query_one(std::string(kSelect) + " WHERE kind = ? AND subject = ? AND closed_at IS NULL", {kind, subject});
    if (!row) return;
    closed = from_row(*row);
    closed->closed_at = clock_.now_ms();
    db_.exec("UPDATE alerts SET closed_at = ? WHERE id = ?", {*closed->closed_at, closed->id});
    bus_.publish_on_commit(event("alert.closed", *closed));
  });
  return closed.has_value();
}

std::vector<std::string> Alerts::open_subjects(const std::string& kind) {
  std::vector<std::string> out;
  for (const auto& r : db_.query("SELECT subject FROM alerts WHERE kind = ? AND closed_at IS NULL", {kind})) out.push_back(r.str("subject"));
  return out;
}

std::vector<Alert> Alerts::list(const std::optional<std::vector<int64_t>>& unit_ids, bool open_only, int limit) {
  std::string sql = std::string(kSelect) + " WHERE 1=1";
  std::vector<store::Value> p;
  if (open_only) sql += " AND closed_at IS NULL";
  if (unit_ids) {
    sql += " AND unit_id IN (SELECT CAST(value AS INTEGER) FROM json_each(?))";
    p.emplace_back(nlohmann::json(*unit_ids).dump());
  }
  sql += " ORDER BY id DESC LIMIT ?";
  p.emplace_back(int64_t(limit));
  std::vector<Alert> out;
  for (const auto& r : db_.query(sql, p)) out.push_back(from_row(r));
  return out;
}

std::optional<Alert> Alerts::get(int64_t id) {
  auto r = db_.query_one(std::string(kSelect) + " WHERE id = ?", {id});
  return r ? std::optional(from_row(*r)) : std::nullopt;
}

Alert Alerts::acknowledge(int64_t id, const audit::Actor& by) {
  return store::Work::run(db_, [&](store::Work&) {
    db_.exec("UPDATE alerts SET acknowledged_at = COALESCE(acknowledged_at, ?), acknowledged_by = COALESCE(acknowledged_by, ?) WHERE id = ?",
             {clock_.now_ms(), by.user_id, id});
    auto a = get(id);
    if (!a) throw core::Problem::not_found("The alert", "Cảnh báo");
    audit_.append(by.event("alert.acknowledge", "alert", std::to_string(a->id), a->unit_id));
    bus_.publish_on_commit(event("alert.acknowledged", *a));
    return *a;
  });
}

Event Alerts::event(const std::string& topic, const Alert& a) {
  Event e;
  e.topic = topic;
  e.unit_id = a.unit_id;
  e.read_action = auth::Action::duty_read;
  e.from_camera = a.details.is_object() && a.details.contains("camera_id");
  e.payload = to_json(a);
  return e;
}

nlohmann::json to_json(const Alert& a) {
  auto t = [](const std::optional<int64_t>& v) { return v ? nlohmann::json(core::iso8601(*v)) : nlohmann::json(); };
  return {{"id", a.id},
          {"kind", a.kind},
          {"subject", a.subject},
          {"unit_id", a.unit_id ? nlohmann::json(*a.unit_id) : nlohmann::json()},
          {"severity", a.severity},
          {"title_vi", a.title_vi},
          {"title_en", a.title_en},
          {"audience", a.audience},
          {"details", a.details},
          {"raised_at", core::iso8601(a.raised_at)},
          {"acknowledged_at", t(a.acknowledged_at)},
          {"acknowledged_by", a.acknowledged_by ? nlohmann::json(*a.acknowledged_by) : nlohmann::json()},
          {"closed_at", t(a.closed_at)},
          {"status", a.closed_at ? "closed" : a.acknowledged_at ? "acknowledged" : "open"}};
}

}  // namespace watchfloor::events
