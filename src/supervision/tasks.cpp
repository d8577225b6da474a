#include "supervision/tasks.h"

#include <fmt/format.h>

#include "core/error.h"
#include "org/hq_words.h"
#include "store/work.h"
#include "supervision/authority.h"
#include "supervision/shared.h"

namespace watchfloor::supervision {

using core::Problem;
using nlohmann::json;

std::vector<Task> Tasks::list(const TaskQuery& q) {
  std::string sql = std::string(kTaskSelect) + " WHERE 1=1";
  std::vector<store::Value> params;
  if (q.unit_id) {
    sql += " AND unit_id IN (NULL";
    for (auto id : units_.tree()->subtree(*q.unit_id)) sql += ",?", params.push_back(id);
    sql += ")";
  }
  if (q.method) sql += " AND method = ?", params.push_back(*q.method);
  if (q.status) sql += " AND status = ?", params.push_back(*q.status);
  if (q.before) sql += " AND id < ?", params.push_back(*q.before);
  params.push_back(q.limit);
  std::vector<Task> out;
  for (const auto& r : db_.query(sql + " ORDER BY id DESC LIMIT ?", params)) out.push_back(task_from_row(r));
  return out;
}

std::optional<Task> Tasks::get(int64_t id) {
  auto r = db_.query_one(std::string(kTaskSelect) + " WHERE id = ?", {id});
  if (!r) return std::nullopt;
  return task_from_row(*r);
}

namespace {

void check_task(const Task& t, org::Units& units, store::Db& db) {
  if (!units.get(t.unit_id)) throw Problem::field("unit_id", "Đơn vị không tồn tại", "No such unit");
  if (t.method == "keypoint_directive" && !t.directive.is_object()) {
    auto w = org::hq_words(units.list());
    throw Problem::field("directive", fmt::format("Nhiệm vụ theo chỉ đạo trực tiếp của {} phải ghi số, ngày, người chỉ đạo", w.leadership_vi),
                         fmt::format("A task directed by the {} must give the directive's number, date and issuer", w.leadership_en));
  }
  if (t.period_to && *t.period_to < t.period_from)
    throw Problem::field("period_to", "Thời hạn kết thúc phải sau ngày bắt đầu", "The end must be after the start");
  for (size_t i = 0; i < t.officers.size(); ++i) {
    int64_t uid = t.officers[i].value("user_id", int64_t{0});
    if (!db.query_one("SELECT 1 FROM users WHERE id = ? AND active = 1", {uid}))
      throw Problem::field(fmt::format("officers[{}].user_id", i), "Không có cán bộ này", "No such active officer");
  }
}

}  // namespace

Task Tasks::create(const TaskInput& in, const audit::Actor& who) {
  return store::Work::run(db_, [&](store::Work&) {
    const int64_t by = who.user_id;
    Task t;
    t.unit_id = *in.unit_id;
    t.method = *in.method;
    t.title = *in.title;
    t.description = in.description.value_or("");
    t.period_from = *in.period_from;
    t.period_to = in.period_to.value_or(std::nullopt);
    t.directive = in.method == "keypoint_directive" ? in.directive.value_or(json()) : json();
    t.officers = in.officers.value_or(json::array());
    t.targets = in.targets.value_or(json::array());
    t.created_by = by;
    t.created_at = t.updated_at = clock_.now_ms();
    check_task(t, units_, db_);
    // Who may start key-point work (authority.h).
    if (t.method == "keypoint_directive" || t.method == "keypoint_plan") {
      Directory dir = directory_.read(t.created_at);
      if (t.method == "keypoint_directive") {
        if (auto no = may_record_directive(dir, by, t.unit_id, t.directive.is_object())) throw refused(*no);
      } else if (!may_approve_plan(dir, by, t.unit_id)) {
        t.approved_by = by;  // its own leadership drew it up: in force at once
        t.approved_at = t.created_at;
      } else {
        t.status = "awaiting_approval";
      }
    }
    db_.exec("INSERT INTO tasks(unit_id, method, title, description, period_from, period_to, status, directive, officers, targets, "
             "created_by, created_at, updated_at, approved_by, approved_at) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
             {t.unit_id, t.method, t.title, t.description, t.period_from, store::opt(t.period_to), t.status, t.directive.dump(),
              t.officers.dump(), t.targets.dump(), by, t.created_at, t.updated_at, store::opt(t.approved_by), store::opt(t.approved_at)});
    return done(who, "task.create", db_.last_insert_id(), std::nullopt);
  });
}

Task Tasks::update(int64_t id, const TaskInput& in, const audit::Actor& who) {
  return store::Work::run(db_, [&](store::Work&) {
    auto t = get(id);
    if (!t) throw Problem::not_found("The task", "Nhiệm vụ");
    if (in.title) t->title = *in.title;
    if (in.description) t->description = *in.description;
    if (in.period_to) t->period_to = *in.period_to;
    if (in.officers) t->officers = *in.officers;
    if (in.targets) t->targets = *in.targets;
    if (in.directive && t->method == "keypoint_directive") t->directive = *in.directive;
    if (in.status && *in.status != t->status) {
      if (!t->approved_at && t->method == "keypoint_plan" && *in.status == "active")
        throw Problem::field("status", "Kế hoạch chưa được lãnh đạo đơn vị phê duyệt: dùng thao tác phê duyệt",
                             "The plan is not approved by its unit's leadership: approve it instead");
      t->status = *in.status;
    }
    t->updated_at = clock_.now_ms();
    check_task(*t, units_, db_);
    db_.exec("UPDATE tasks SET title=?, description=?, period_to=?, officers=?, targets=?, directive=?, status=?, updated_at=? WHERE id=?",
             {t->title, t->description, store::opt(t->period_to), t->officers.dump(), t->targets.dump(), t->directive.dump(),
              t->status, t->updated_at, id});
    return done(who, "task.update", id, std::nullopt);
  });
}

Task Tasks::approve(int64_t id, const audit::Actor& who) {
  return store::Work::run(db_, [&](store::Work&) {
    const int64_t by = who.user_id;
    auto t = get(id);
    if (!t) throw Problem::not_found("The task", "Nhiệm vụ");
    if (t->method != "keypoint_plan" || t->status != "awaiting_approval")
      throw Problem::conflict("Only a key-point plan awaiting approval is approved.", "Chỉ phê duyệt kế hoạch giám sát trọng điểm đang chờ phê duyệt.");
    int64_t now = clock_.now_ms();
    if (auto no = may_approve_plan(directory_.read(now), by, t->unit_id)) throw refused(*no);
    db_.exec("UPDATE tasks SET status = 'active', approved_by = ?, approved_at = ?, updated_at = ? WHERE id = ?", {by, now, now, id});
    return done(who, "task.approve", id, json{{"status", "active"}});
  });
}

Task Tasks::done(const audit::Actor& who, const char* action, int64_t id, std::optional<json> details) {
  Task t = *get(id);
  audit_.append(who.event(action, "task", std::to_string(id), t.unit_id, details ? *details : to_json(t)));
  return t;
}

}  // namespace watchfloor::supervision
