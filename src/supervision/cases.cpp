#include "supervision/cases.h"

#include <fmt/format.h>

#include <algorithm>
#include <functional>
#include <map>
#include <set>

#include "core/error.h"
#include "supervision/authority.h"
#include "supervision/lifecycle.h"
#include "core/text.h"
#include "org/hq_words.h"

namespace watchfloor::supervision {
namespace {

using core::Problem;
using nlohmann::json;

// The shift as routing reads it.
OnDuty on_duty_of(const duty::Shift& s) {
  OnDuty od{s.id, s.date, {}, std::nullopt};
  for (const auto& m : s.members) {
    od.members.push_back({m.user_id, m.position});
    if (m.acting_leader) od.acting_leader = m.user_id;
  }
  return od;
}

// A role's Vietnamese name in messages (vocabulary.h), or the id when it is not a role.
std::string role_vi(const std::string& role) {
  for (const auto& t : org::role_terms())
    if (t.id == role) return std::string(t.name_vi);
  return role;
}

// A rule of the regulation refuses the caller: 403, the rule named.
Problem refused(const Refusal& r) { return Problem(403, "forbidden-by-rule", "Forbidden by the regulation", "Quy chế không cho phép", r.en, r.vi); }

const char* kTaskSelect =
    "SELECT id, unit_id, method, title, description, period_from, period_to, status, directive, officers, targets, "
    "created_by, created_at, updated_at, approved_by, approved_at FROM tasks";

Task task_from_row(const store::Row& r) {
  Task t;
  t.id = r.i64("id");
  t.unit_id = r.i64("unit_id");
  t.method = r.str("method");
  t.title = r.str("title");
  t.description = r.str("description");
  t.period_from = r.i64("period_from");
  t.period_to = r.opt_i64("period_to");
  t.status = r.str("status");
  t.directive = json::parse(r.str("directive"));
  t.officers = json::parse(r.str("officers"));
  t.targets = json::parse(r.str("targets"));
  t.created_by = r.i64("created_by");
  t.created_at = r.i64("created_at");
  t.updated_at = r.i64("updated_at");
  t.approved_by = r.opt_i64("approved_by");
  t.approved_at = r.opt_i64("approved_at");
  return t;
}

const char* kCaseSelect =
    "SELECT c.id, c.number, c.unit_id, c.task_id, c.method, c.status, c.severity, c.observed_at, c.site, c.site_unit_id, "
    "c.cameras, c.subject, c.description, c.suspected_violation, c.immediate_measure, c.identifiers, c.reported_by, "
    "c.reported_at, c.reporter_on_duty, c.routing, c.acknowledged_by, c.acknowledged_at, c.outcome, c.outcome_note, "
    "c.concluded_by, c.concluded_at, c.closed_by, c.closed_at, c.created_by, c.created_at, c.updated_at FROM cases c";

Case case_from_row(const store::Row& r) {
  Case c;
  c.id = r.i64("id");
  c.number = r.str("number");
  c.unit_id = r.i64("unit_id");
  c.task_id = r.opt_i64("task_id");
  c.method = r.str("method");
  c.status = r.str("status");
  c.severity = r.str("severity");
  c.observed_at = r.i64("observed_at");
  c.site = r.str("site");
  c.site_unit_id = r.opt_i64("site_unit_id");
  c.cameras = json::parse(r.str("cameras"));
  c.subject = r.str("subject");
  c.description = r.str("description");
  c.suspected_violation = r.str("suspected_violation");
  c.immediate_measure = r.str("immediate_measure");
  c.identifiers = json::parse(r.str("identifiers"));
  c.reported_by = r.opt_i64("reported_by");
  c.reported_at = r.opt_i64("reported_at");
  c.reporter_on_duty = r.boolean("reporter_on_duty");
  c.routing = json::parse(r.str("routing"));
  c.acknowledged_by = r.opt_i64("acknowledged_by");
  c.acknowledged_at = r.opt_i64("acknowledged_at");
  c.outcome = r.opt_str("outcome");
  c.outcome_note = r.opt_str("outcome_note");
  c.concluded_by = r.opt_i64("concluded_by");
  c.concluded_at = r.opt_i64("concluded_at");
  c.closed_by = r.opt_i64("closed_by");
  c.closed_at = r.opt_i64("closed_at");
  c.created_by = r.i64("created_by");
  c.created_at = r.i64("created_at");
  c.updated_at = r.i64("updated_at");
  return c;
}

const char* kCoordSelect =
    "SELECT r.id, r.number, r.case_id, c.number AS case_number, r.from_unit_id, r.to_unit_id, r.content, r.requested_action, r.deadline, "
    "r.contacts, r.status, r.created_by, r.created_at, r.acknowledged_by, r.acknowledged_at, r.result, r.responded_by, "
    "r.responded_at FROM coordination_requests r JOIN cases c ON c.id = r.case_id";

CoordinationRequest coord_from_row(const store::Row& r) {
  CoordinationRequest c;
  c.id = r.i64("id");
  c.number = r.str("number");
  c.case_id = r.i64("case_id");
  c.case_number = r.str("case_number");
  c.from_unit_id = r.i64("from_unit_id");
  c.to_unit_id = r.i64("to_unit_id");
  c.content = r.str("content");
  c.requested_action = r.str("requested_action");
  c.deadline = r.i64("deadline");
  c.contacts = r.str("contacts");
  c.status = r.str("status");
  c.created_by = r.i64("created_by");
  c.created_at = r.i64("created_at");
  c.acknowledged_by = r.opt_i64("acknowledged_by");
  c.acknowledged_at = r.opt_i64("acknowledged_at");
  c.result = r.opt_str("result");
  c.responded_by = r.opt_i64("responded_by");
  c.responded_at = r.opt_i64("responded_at");
  return c;
}

const char* kNotificationSelect =
    "SELECT id, user_id, kind, case_id, coordination_id, title_vi, title_en, severity, created_at, read_at FROM notifications";

Notification notification_from_row(const store::Row& r) {
  return {r.i64("id"), r.i64("user_id"), r.i64("created_at"), r.str("kind"), r.str("title_vi"), r.str("title_en"), r.str("severity"), r.opt_i64("case_id"), r.opt_i64("coordination_id"), r.opt_i64("read_at")};
}

std::string search_text(const Case& c) {
  std::string s = c.number + " " + c.site + " " + c.description + " " + c.suspected_violation;
  for (const auto& [_, list] : c.identifiers.items())
    for (const auto& v : list) s += " " + v.get<std::string>();
  return s;
}

// The full-text query for what an officer typed: every word must appear, the last perhaps only begun
// ("HP-CKKV1-2026-00" finds the case numbers it starts). Each word is a quoted phrase, so punctuation in
// numbers, plates and seals is no syntax.
std::string match_query(const std::string& text) {
  std::string out, word;
  auto flush = [&] {
    bool searchable = std::any_of(word.begin(), word.end(), [](unsigned char ch) { return std::isalnum(ch) || ch >= 0x80; });
    if (!searchable) return word.clear();
    if (!out.empty()) out += ' ';
    out += '"';
    for (char ch : word) {
      if (ch == '"') out += '"';
      out += ch;
    }
    out += "\"*";
    word.clear();
  };
  std::string folded = text;  // đ, Đ as the index holds them (migration 13)
  for (auto [from, to] : {std::pair{"đ", "d"}, std::pair{"Đ", "D"}})
    for (size_t at = folded.find(from); at != std::string::npos; at = folded.find(from, at)) folded.replace(at, 2, to);
  for (char ch : folded) {
    if (ch == ' ' || ch == '\t' || ch == '\n') flush();
    else word += ch;
  }
  flush();
  return out;
}

int year_of(int64_t ms, const std::string& tz) { return std::stoi(duty::local_date_of(ms, tz).substr(0, 4)); }

template <size_t N>
bool one_of(const std::string& v, const char* const (&set)[N]) {
  return std::any_of(std::begin(set), std::end(set), [&](const char* x) { return v == x; });
}

}  // namespace

bool Task::assigned(int64_t user) const {
  for (const auto& o : officers)
    if (o.value("user_id", int64_t{0}) == user) return true;
  return false;
}

int64_t Cases::next_number(const std::string& series) {
  db_.exec("INSERT INTO number_series(series, last) VALUES (?, 1) ON CONFLICT(series) DO UPDATE SET last = last + 1", {series});
  return db_.query_one("SELECT last FROM number_series WHERE series = ?", {series})->i64(0);
}

// ---- Tasks ----------------------------------------------------------------------------------

std::vector<Task> Cases::tasks(const TaskQuery& q) {
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

std::optional<Task> Cases::task(int64_t id) {
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

Task Cases::create_task(const TaskInput& in, const audit::Actor& who) {
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
      Directory dir = directory(t.created_at);
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
    return task_done(who, "task.create", db_.last_insert_id(), std::nullopt);
  });
}

Task Cases::update_task(int64_t id, const TaskInput& in, const audit::Actor& who) {
  return store::Work::run(db_, [&](store::Work&) {
    auto t = task(id);
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
    return task_done(who, "task.update", id, std::nullopt);
  });
}

Task Cases::approve_task(int64_t id, const audit::Actor& who) {
  return store::Work::run(db_, [&](store::Work&) {
    const int64_t by = who.user_id;
    auto t = task(id);
    if (!t) throw Problem::not_found("The task", "Nhiệm vụ");
    if (t->method != "keypoint_plan" || t->status != "awaiting_approval")
      throw Problem::conflict("Only a key-point plan awaiting approval is approved.", "Chỉ phê duyệt kế hoạch giám sát trọng điểm đang chờ phê duyệt.");
    int64_t now = clock_.now_ms();
    if (auto no = may_approve_plan(directory(now), by, t->unit_id)) throw refused(*no);
    db_.exec("UPDATE tasks SET status = 'active', approved_by = ?, approved_at = ?, updated_at = ? WHERE id = ?", {by, now, now, id});
    return task_done(who, "task.approve", id, json{{"status", "active"}});
  });
}

// ---- Cases ----------------------------------------------------------------------------------

std::vector<Case> Cases::list(const CaseQuery& q) {
  std::string sql = std::string(kCaseSelect) + " WHERE 1=1";
  std::vector<store::Value> params;
  if (q.unit_id) {
    auto ids = units_.tree()->subtree(*q.unit_id);
    sql += " AND (c.unit_id IN (NULL";
    for (auto id : ids) sql += ",?", params.push_back(id);
    sql += ") OR c.handling_unit_id IN (NULL";
    for (auto id : ids) sql += ",?", params.push_back(id);
    sql += "))";
  }
  if (q.method) sql += " AND c.method = ?", params.push_back(*q.method);
  if (q.status) sql += " AND c.status = ?", params.push_back(*q.status);
  if (q.severity) sql += " AND c.severity = ?", params.push_back(*q.severity);
  if (q.from) sql += " AND c.observed_at >= ?", params.push_back(*q.from);
  if (q.to) sql += " AND c.observed_at < ?", params.push_back(*q.to);
  if (q.text) {
    // Nothing searchable ("%", "-"): nothing matches, rather than everything.
    auto m = match_query(*q.text);
    sql += m.empty() ? " AND 0" : " AND c.id IN (SELECT rowid FROM cases_fts WHERE cases_fts MATCH ?)";
    if (!m.empty()) params.push_back(m);
  }
  if (q.reader) {
    // What the policy lets them read (auth/policy.cpp, case_read), as a query: drafts are their authors';
    // then their units' cases, the cases routed to them or reported by them, those of a 16.4(a) duty
    // watch they are on now, those their units are asked to coordinate, and footage for the sector watch.
    const CaseReader& rd = *q.reader;
    auto units = [&](const std::vector<int64_t>& roots) {
      std::string in = "(NULL";
      for (auto root : roots)
        for (auto id : units_.tree()->subtree(root)) {
          in += ",?";
          params.emplace_back(id);
        }
      in += ")";
      return in;
    };
    sql += " AND (c.status <> 'draft' OR c.created_by = ?)";
    params.push_back(rd.user_id);
    if (rd.read_roots) {
      sql += " AND (c.unit_id IN " + units(*rd.read_roots);
      sql += " OR c.created_by = ? OR c.reported_by = ? OR c.id IN (SELECT case_id FROM case_recipients WHERE user_id = ?)";
      for (int i = 0; i < 3; ++i) params.push_back(rd.user_id);
      sql += " OR (c.clause = '16.4.a' AND (c.handling_unit_id IN (SELECT s.unit_id FROM shifts s JOIN shift_members m ON m.shift_id = s.id "
             "WHERE m.user_id = ? AND s.starts_at <= ? AND s.ends_at > ?) OR c.handling_unit_id IN (SELECT d.unit_id FROM unit_designations d "
             "JOIN shifts s ON s.unit_id = d.target_unit_id JOIN shift_members m ON m.shift_id = s.id WHERE d.kind = 'duty_watch' AND "
             "m.user_id = ? AND s.starts_at <= ? AND s.ends_at > ?)))";
      int64_t now = clock_.now_ms();
      for (int i = 0; i < 2; ++i) {
        params.push_back(rd.user_id);
        params.push_back(now);
        params.push_back(now);
      }
      if (!rd.coordinate_roots || !rd.coordinate_roots->empty()) {
        sql += " OR c.id IN (SELECT case_id FROM coordination_requests";
        sql += rd.coordinate_roots ? " WHERE to_unit_id IN " + units(*rd.coordinate_roots) + ")" : ")";
      }
      if (rd.footage) sql += " OR c.cameras <> '[]'";
      sql += ")";
    }
  }
  if (q.before) sql += " AND c.id < ?", params.push_back(*q.before);
  sql += " ORDER BY c.id DESC LIMIT ?";
  params.push_back(q.limit);
  std::vector<Case> out;
  for (const auto& r : db_.query(sql, params)) {
    out.push_back(case_from_row(r));
    if (const auto& routing = out.back().routing; routing.is_object() && routing.value("clause", "") == "16.4.c")
      out.back().relay = relay_of(out.back().id);
  }
  return out;
}

std::optional<Case> Cases::get(int64_t id) {
  auto r = db_.query_one(std::string(kCaseSelect) + " WHERE c.id = ?", {id});
  if (!r) return std::nullopt;
  Case c = case_from_row(*r);
  for (const auto& p : db_.query("SELECT id, case_id, text, proposed_by, proposed_at, status, decided_by, decided_at, remarks, "
                                 "executed_by, executed_at, execution_note FROM case_proposals WHERE case_id = ? ORDER BY id",
                                 {id}))
    c.proposals.push_back({p.i64("id"), p.i64("case_id"), p.i64("proposed_by"), p.i64("proposed_at"), p.str("text"), p.str("status"),
                           p.opt_i64("decided_by"), p.opt_i64("decided_at"), p.opt_i64("executed_by"), p.opt_i64("executed_at"),
                           p.opt_str("remarks"), p.opt_str("execution_note")});
  c.coordination = coordination(id);
  c.relay = relay_of(id);
  return c;
}

std::optional<Relay> Cases::relay_of(int64_t id) {
  auto r = db_.query_one("SELECT stage, focal_unit_id, hq_unit_id, due_at, leaders, summary, proposal, forwarded_by, forwarded_at, "
                             "bypass_reason, direction, directed_by, directed_at, relay_note, relayed_by, relayed_at FROM case_relays "
                             "WHERE case_id = ?",
                             {id});
  if (!r) return std::nullopt;
  Relay x;
  x.stage = r->str("stage");
  x.focal_unit_id = r->i64("focal_unit_id");
  x.hq_unit_id = r->i64("hq_unit_id");
  x.due_at = r->opt_i64("due_at");
  x.leaders = json::parse(r->str("leaders")).get<std::vector<int64_t>>();
  x.summary = r->opt_str("summary");
  x.proposal = r->opt_str("proposal");
  x.forwarded_by = r->opt_i64("forwarded_by");
  x.forwarded_at = r->opt_i64("forwarded_at");
  x.bypass_reason = r->opt_str("bypass_reason") ? json::parse(*r->opt_str("bypass_reason")) : json();
  x.direction = r->opt_str("direction");
  x.directed_by = r->opt_i64("directed_by");
  x.directed_at = r->opt_i64("directed_at");
  x.relay_note = r->opt_str("relay_note");
  x.relayed_by = r->opt_i64("relayed_by");
  x.relayed_at = r->opt_i64("relayed_at");
  return x;
}

Case Cases::require_case(int64_t id) {
  auto c = get(id);
  if (!c) throw Problem::not_found("The case", "Vụ việc");
  return *c;
}

Case Cases::in_step(int64_t id, CaseStep step) {
  Case c = require_case(id);
  if (auto t = case_step(c.status, step); !t.next) throw Problem::conflict(t.refusal_en, t.refusal_vi);
  return c;
}

std::optional<std::string> Cases::relation(const Case& c, int64_t user) {
  if (auto r = db_.query_one("SELECT approver FROM case_recipients WHERE case_id = ? AND user_id = ?", {c.id, user}))
    return r->boolean(0) ? "approver" : "recipient";
  // 16.4(a): handled within the shift and carried by the handover, so the shift on duty now acts on it.
  if (c.open() && c.routing.value("clause", "") == "16.4.a")
    for (auto unit : watch_units(c.routing.value("handling_unit_id", c.unit_id)))
      if (auto s = duty_.shift_at(unit, clock_.now_ms()))
        if (auto pos = s->position_of(user); pos && user != c.reported_by)
          return leads_shift(on_duty_of(*s), user, *pos) ? "approver" : "recipient";
  if (c.created_by == user || c.reported_by == user) return "reporter";
  return std::nullopt;
}

std::vector<int64_t> Cases::watch_units(int64_t handling_unit) {
  std::vector<int64_t> out{handling_unit};
  if (auto u = units_.get(handling_unit))
    if (auto it = u->designations.find("duty_watch"); it != u->designations.end() && it->second != handling_unit)
      out.push_back(it->second);
  return out;
}

namespace {

void check_case(const Case& c, org::Units& units, Cases& cases) {
  auto unit = units.get(c.unit_id);
  if (!unit || unit->external) throw Problem::field("unit_id", "Đơn vị không tồn tại", "No such unit");
  if (c.task_id) {
    auto t = cases.task(*c.task_id);
    if (!t) throw Problem::field("task_id", "Nhiệm vụ không tồn tại", "No such task");
    if (t->status == "awaiting_approval")
      throw Problem::field("task_id", "Kế hoạch giám sát trọng điểm chưa được lãnh đạo đơn vị chủ trì phê duyệt (Điều 16 khoản 4 điểm b)",
                           "The key-point plan is not yet approved by its unit's leadership (Art. 16(4)(b))");
    if (t->status != "active") throw Problem::field("task_id", "Nhiệm vụ đã kết thúc", "The task is closed");
    if (t->method != c.method)
      throw Problem::field("method", "Phương thức phải là phương thức của nhiệm vụ", "The method must be the task's method");
  } else if (c.method == "keypoint_plan" || c.method == "keypoint_directive") {
    throw Problem::field("task_id", "Giám sát trọng điểm phải gắn với nhiệm vụ (kế hoạch hoặc chỉ đạo)",
                         "Key-point supervision must refer to its task (plan or directive)");
  }
  if (c.site_unit_id && !units.get(*c.site_unit_id))
    throw Problem::field("site_unit_id", "Đơn vị không tồn tại", "No such unit");
}

// Art. 8: an officer on duty takes the immediate measure and records it. For passenger baggage the
// measure, the operational team on site and who and what it concerns are needed whoever reports it: an
// officer off shift reports to the duty watch, which takes the measure.
void check_art8(const Case& c, bool reporter_on_duty) {
  std::vector<core::FieldError> errors;
  auto missing = [&](const char* kind) {
    auto it = c.identifiers.find(kind);
    return it == c.identifiers.end() || !it->is_array() || it->empty();
  };
  if (c.subject == "passenger_baggage") {
    if (!c.site_unit_id)
      errors.push_back({"site_unit_id", "Hành lý của hành khách: phải chọn đội nghiệp vụ tại hiện trường (Điều 8)",
                        "Passenger baggage: choose the operational team on site (Art. 8)"});
    if (c.immediate_measure.empty())
      errors.push_back({"immediate_measure", "Hành lý của hành khách: ghi biện pháp ngăn chặn (do trực ban áp dụng nếu người báo cáo không trong ca) (Điều 8)",
                        "Passenger baggage: record the immediate measure (taken by the duty watch when the reporter is off shift) (Art. 8)"});
    if (missing("persons"))
      errors.push_back({"identifiers.persons", "Hành lý của hành khách: ghi thông tin nhận dạng hành khách (họ tên, số hộ chiếu) (Điều 8)",
                        "Passenger baggage: identify the passenger (name, passport number) (Art. 8)"});
    if (missing("baggage"))
      errors.push_back({"identifiers.baggage", "Hành lý của hành khách: ghi thông tin nhận dạng hành lý (số thẻ hành lý, mô tả) (Điều 8)",
                        "Passenger baggage: identify the baggage (tag number, description) (Art. 8)"});
  } else if (reporter_on_duty && c.immediate_measure.empty()) {
    errors.push_back({"immediate_measure", "Cán bộ đang trực phải ghi biện pháp ngăn chặn đã áp dụng ngay (Điều 8)",
                      "An officer on duty must record the immediate measure taken (Art. 8)"});
  }
  if (!errors.empty()) throw Problem::validation(std::move(errors));
}

}  // namespace

Case Cases::create(const CaseInput& in, const audit::Actor& who) {
  return store::Work::run(db_, [&](store::Work&) {
    const int64_t by = who.user_id;
    Case c;
    c.unit_id = *in.unit_id;
    c.task_id = in.task_id.value_or(std::nullopt);
    if (in.method) c.method = *in.method;
    else if (c.task_id) c.method = task(*c.task_id) ? task(*c.task_id)->method : "regular";
    else c.method = "regular";
    c.severity = in.severity.value_or("medium");
    c.observed_at = *in.observed_at;
    c.site = *in.site;
    c.site_unit_id = in.site_unit_id.value_or(std::nullopt);
    c.cameras = in.cameras.value_or(json::array());
    c.subject = *in.subject;
    c.description = *in.description;
    c.suspected_violation = in.suspected_violation.value_or("");
    c.immediate_measure = in.immediate_measure.value_or("");
    c.identifiers = in.identifiers.value_or(json::object());
    check_case(c, units_, *this);
    auto unit = units_.get(c.unit_id);
    int64_t now = clock_.now_ms();
    int year = year_of(now, unit->time_zone);
    c.number = fmt::format("{}-{}-{:04}", unit->code, year, next_number(fmt::format("case:{}:{}", unit->code, year)));
    db_.exec("INSERT INTO cases(number, unit_id, task_id, method, status, severity, observed_at, site, site_unit_id, cameras, subject, "
             "description, suspected_violation, immediate_measure, identifiers, search_text, created_by, created_at, updated_at) "
             "VALUES (?,?,?,?,'draft',?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
             {c.number, c.unit_id, store::opt(c.task_id), c.method, c.severity, c.observed_at, c.site, store::opt(c.site_unit_id),
              c.cameras.dump(), c.subject, c.description, c.suspected_violation, c.immediate_measure, c.identifiers.dump(),
              search_text(c), by, now, now});
    c.id = db_.last_insert_id();
    record(c.id, by, "created", "Lập vụ việc (bản nháp)", "Case opened (draft)");
    changed(c.id);
    Case created = require_case(c.id);
    audit_.append(who.event("case.create", "case", std::to_string(c.id), c.unit_id, to_json(created, false, now)));
    return created;
  });
}

Case Cases::create_reported(const CaseInput& in, const audit::Actor& who) {
  return store::Work::run(db_, [&](store::Work&) { return report(create(in, who).id, who); });
}

void Cases::opened(const Case& c, const audit::Actor& who) {
  audit_.append(who.event("case.read", "case", std::to_string(c.id), c.unit_id));
}

void Cases::printed(const CoordinationRequest& r, const audit::Actor& who) {
  audit_.append(who.event("coordination.print", "coordination_request", std::to_string(r.id), r.to_unit_id));
}

Case Cases::update_draft(int64_t id, const CaseInput& in, const audit::Actor& who) {
  return store::Work::run(db_, [&](store::Work&) {
    const int64_t by = who.user_id;
    Case c = in_step(id, CaseStep::edit);
    if (in.unit_id) c.unit_id = *in.unit_id;
    if (in.task_id) c.task_id = *in.task_id;
    if (in.method) c.method = *in.method;
    if (in.severity) c.severity = *in.severity;
    if (in.observed_at) c.observed_at = *in.observed_at;
    if (in.site) c.site = *in.site;
    if (in.site_unit_id) c.site_unit_id = *in.site_unit_id;
    if (in.cameras) c.cameras = *in.cameras;
    if (in.subject) c.subject = *in.subject;
    if (in.description) c.description = *in.description;
    if (in.suspected_violation) c.suspected_violation = *in.suspected_violation;
    if (in.immediate_measure) c.immediate_measure = *in.immediate_measure;
    if (in.identifiers) c.identifiers = *in.identifiers;
    check_case(c, units_, *this);
    db_.exec("UPDATE cases SET unit_id=?, task_id=?, method=?, severity=?, observed_at=?, site=?, site_unit_id=?, cameras=?, subject=?, "
             "description=?, suspected_violation=?, immediate_measure=?, identifiers=?, search_text=?, updated_at=? WHERE id=?",
             {c.unit_id, store::opt(c.task_id), c.method, c.severity, c.observed_at, c.site, store::opt(c.site_unit_id), c.cameras.dump(),
              c.subject, c.description, c.suspected_violation, c.immediate_measure, c.identifiers.dump(), search_text(c),
              clock_.now_ms(), id});
    record(id, by, "edited", "Sửa bản nháp", "Draft edited");
    return done(who, "case.update", id);
  });
}

Case Cases::report(int64_t id, const audit::Actor& who) {
  return store::Work::run(db_, [&](store::Work&) {
    const int64_t by = who.user_id;
    Case c = in_step(id, CaseStep::report);
    int64_t now = clock_.now_ms();
    Directory dir = directory(now);
    RouteInput in{c.method, c.unit_id, std::nullopt, c.subject, c.site_unit_id, by};
    if (c.task_id)
      if (auto t = task(*c.task_id)) in.plan_unit_id = t->unit_id;
    Routing r = route_case(in, dir);
    check_art8(c, r.reporter_on_duty);
    json routing = to_json(r);
    db_.exec("UPDATE cases SET status='reported', reported_by=?, reported_at=?, reporter_on_duty=?, routing=?, handling_unit_id=?, "
             "clause=?, escalation=?, updated_at=? WHERE id=?",
             {by, now, int64_t{r.reporter_on_duty}, routing.dump(), r.handling_unit_id, r.clause,
              to_json(EscalationState{now, {}, {}}).dump(), now, id});
    for (const auto& rc : r.recipients)
      db_.exec("INSERT OR IGNORE INTO case_recipients(case_id, user_id, role, approver) VALUES (?,?,?,?)",
               {id, rc.user_id, rc.role, int64_t{rc.approver}});
    record(id, by, "reported", fmt::format("Báo cáo vụ việc theo {}", r.clause_vi), fmt::format("Reported under {}", r.clause_en),
           {{"clause", r.clause}});
    json names = json::array();
    for (const auto& rc : r.recipients) names.push_back(rc.user_id);
    record(id, std::nullopt, "routed", r.explanation_vi, r.explanation_en,
           {{"recipients", names}, {"handling_unit_id", r.handling_unit_id}, {"warnings", routing["warnings"]}});
    if (r.focal_unit_id) {
      // 16.4(c): the first hop, at the focal point, with the deadline of the case's severity.
      int64_t due = now + int64_t{policy(c.severity).relay_minutes} * 60'000;
      db_.exec("INSERT INTO case_relays(case_id, stage, focal_unit_id, hq_unit_id, due_at) VALUES (?, 'at_focal_point', ?, ?, ?)",
               {id, *r.focal_unit_id, r.handling_unit_id, due});
      auto focal = units_.get(*r.focal_unit_id);
      record(id, std::nullopt, "relay.at_focal_point",
             fmt::format("Đến đầu mối {}: chuyển Lãnh đạo trước {}", focal ? focal->name_vi : "", core::iso8601(due)),
             fmt::format("At the focal point, {}: to be forwarded to the leadership by {}", focal ? focal->name_en : "", core::iso8601(due)),
             {{"focal_unit_id", *r.focal_unit_id}, {"due_at", core::iso8601(due)}});
    }
    c.status = "reported";
    for (const auto& rc : r.recipients)
      notify(rc.user_id, "case_reported", c, std::nullopt,
             fmt::format("Vụ việc {} ({}): {}", c.number, r.clause_vi, core::utf8_prefix(c.description, 120)),
             fmt::format("Case {} ({}): {}", c.number, r.clause_en, core::utf8_prefix(c.description, 120)));
    for (const auto& w : r.warnings) {
      if (w.code != "nobody_on_duty") continue;
      events::Alert a;
      a.kind = "case.nobody_on_duty";
      a.subject = fmt::format("case:{}", id);
      a.unit_id = r.handling_unit_id;
      a.severity = "high";
      a.title_vi = fmt::format("Vụ việc {} được báo cáo khi không có ca trực", c.number);
      a.title_en = fmt::format("Case {} was reported while nobody is on duty", c.number);
      a.audience = {"unit_leader", "office_officer", "duty_officer"};
      a.details = {{"case_id", id}};
      after_commit([this, a] { alerts_.raise(a); });
    }
    // Art. 8: the measure and the report go into the shift's duty log when the reporter is on duty.
    if (r.reporter_on_duty && r.shift_id) {
      auto entry = duty_.add_log(*r.shift_id, by, "action_taken",
                                 fmt::format("Vụ việc {}: {}. Biện pháp ngăn chặn: {}. Đã báo cáo theo {}.", c.number, c.description,
                                             c.immediate_measure, r.clause_vi),
                                 {{"case_id", id}}, std::nullopt);
      events::Event e;
      e.topic = "duty_log.created";
      e.unit_id = duty_.shift(*r.shift_id)->unit_id;
      e.read_action = auth::Action::duty_read;
      e.payload = duty::to_json(entry);
      publish(std::move(e));
    }
    return done(who, "case.report", id);
  });
}

Case Cases::acknowledge(int64_t id, const audit::Actor& who) {
  return store::Work::run(db_, [&](store::Work&) {
    const int64_t by = who.user_id;
    Case c = in_step(id, CaseStep::acknowledge);
    int64_t now = clock_.now_ms();
    db_.exec("UPDATE cases SET status='acknowledged', acknowledged_by=?, acknowledged_at=?, updated_at=? WHERE id=?", {by, now, now, id});
    record(id, by, "acknowledged", "Tiếp nhận vụ việc", "Case acknowledged");
    uncount(by, db_.exec("UPDATE notifications SET read_at = ? WHERE user_id = ? AND case_id = ? AND read_at IS NULL", {now, by, id}));
    resolve_alerts(id);
    return done(who, "case.acknowledge", id);
  });
}

// Someone acted: the alerts that said nobody had are over.
void Cases::resolve_alerts(int64_t case_id) {
  after_commit([this, case_id] {
    alerts_.resolve("case.nobody_on_duty", fmt::format("case:{}", case_id));
    std::string prefix = fmt::format("case:{}:step:", case_id);
    for (const auto& subject : alerts_.open_subjects("case.escalation_unanswered"))
      if (subject.rfind(prefix, 0) == 0) alerts_.resolve("case.escalation_unanswered", subject);
  });
}

void Cases::set_status(const Case& c, const std::string& status, int64_t by, const std::string& kind, const std::string& vi,
                       const std::string& en) {
  db_.exec("UPDATE cases SET status=?, updated_at=? WHERE id=?", {status, clock_.now_ms(), c.id});
  record(c.id, by, kind, vi, en, {{"from", c.status}, {"to", status}});
  changed(c.id);
}

Case Cases::start_handling(int64_t id, const audit::Actor& who) {
  return store::Work::run(db_, [&](store::Work&) {
    const int64_t by = who.user_id;
    Case c = in_step(id, CaseStep::start_handling);
    if (!c.acknowledged_at) {
      int64_t now = clock_.now_ms();
      db_.exec("UPDATE cases SET acknowledged_by=?, acknowledged_at=? WHERE id=?", {by, now, id});
      resolve_alerts(id);
    }
    set_status(c, "in_handling", by, "status_changed", "Bắt đầu xử lý", "Handling started");
    return done(who, "case.handle", id);
  });
}

Case Cases::conclude(int64_t id, const audit::Actor& who, const std::string& outcome, const std::string& note) {
  return store::Work::run(db_, [&](store::Work&) {
    const int64_t by = who.user_id;
    Case c = in_step(id, CaseStep::conclude);
    for (const auto& p : c.proposals)
      if (p.status == "approved")
        throw Problem::conflict("An approved handling plan has not been carried out yet.",
                                "Phương án xử lý đã được phê duyệt nhưng chưa thực hiện.");
    int64_t now = clock_.now_ms();
    db_.exec("UPDATE cases SET status='concluded', outcome=?, outcome_note=?, concluded_by=?, concluded_at=?, updated_at=? WHERE id=?",
             {outcome, note, by, now, now, id});
    record(id, by, "concluded", "Kết luận vụ việc: " + note, "Case concluded: " + note, {{"outcome", outcome}});
    resolve_alerts(id);
    return done(who, "case.conclude", id, {{"outcome", outcome}});
  });
}

Case Cases::close(int64_t id, const audit::Actor& who) {
  return store::Work::run(db_, [&](store::Work&) {
    const int64_t by = who.user_id;
    Case c = in_step(id, CaseStep::close);
    int64_t now = clock_.now_ms();
    db_.exec("UPDATE cases SET status='closed', closed_by=?, closed_at=?, updated_at=? WHERE id=?", {by, now, now, id});
    record(id, by, "closed", "Đóng hồ sơ vụ việc", "Case closed");
    return done(who, "case.close", id);
  });
}

Case Cases::reopen(int64_t id, const audit::Actor& who, const std::string& reason) {
  return store::Work::run(db_, [&](store::Work&) {
    const int64_t by = who.user_id;
    Case c = in_step(id, CaseStep::reopen);
    if (reason.empty()) throw Problem::field("reason", "Phải nêu lý do mở lại", "A reason to reopen is required");
    db_.exec("UPDATE cases SET status='in_handling', outcome=NULL, outcome_note=NULL, concluded_by=NULL, concluded_at=NULL, "
             "closed_by=NULL, closed_at=NULL, updated_at=? WHERE id=?", {clock_.now_ms(), id});
    record(id, by, "reopened", "Mở lại vụ việc: " + reason, "Case reopened: " + reason, {{"reason", reason}});
    return done(who, "case.reopen", id, {{"reason", reason}});
  });
}

Case Cases::propose(int64_t id, const audit::Actor& who, const std::string& text) {
  return store::Work::run(db_, [&](store::Work&) {
    const int64_t by = who.user_id;
    Case c = in_step(id, CaseStep::propose);
    int64_t now = clock_.now_ms();
    db_.exec("INSERT INTO case_proposals(case_id, text, proposed_by, proposed_at) VALUES (?,?,?,?)", {id, text, by, now});
    int64_t pid = db_.last_insert_id();
    record(id, by, "proposal_submitted", "Đề xuất phương án xử lý: " + text, "Handling plan proposed: " + text, {{"proposal_id", pid}});
    for (const auto& r : db_.query("SELECT user_id FROM case_recipients WHERE case_id = ? AND approver = 1", {id}))
      if (r.i64(0) != by)
        notify(r.i64(0), "proposal_submitted", c, std::nullopt, fmt::format("Vụ việc {}: đề xuất phương án xử lý chờ phê duyệt", c.number),
               fmt::format("Case {}: a handling plan awaits approval", c.number));
    return done(who, "case.propose", id, {{"text", text}});
  });
}

Case Cases::decide(int64_t id, int64_t proposal_id, const audit::Actor& who, bool approve, const std::optional<std::string>& remarks) {
  return store::Work::run(db_, [&](store::Work&) {
    const int64_t by = who.user_id;
    Case c = in_step(id, CaseStep::decide);
    auto p = std::find_if(c.proposals.begin(), c.proposals.end(), [&](const Proposal& x) { return x.id == proposal_id; });
    if (p == c.proposals.end()) throw Problem::not_found("The proposal", "Đề xuất");
    if (p->status != "proposed") throw Problem::conflict("The proposal was already decided.", "Đề xuất đã được quyết định.");
    int64_t now = clock_.now_ms();
    db_.exec("UPDATE case_proposals SET status=?, decided_by=?, decided_at=?, remarks=? WHERE id=?",
             {std::string(approve ? "approved" : "rejected"), by, now, store::opt(remarks), proposal_id});
    std::string r = remarks ? ": " + *remarks : "";
    record(id, by, "proposal_decided", (approve ? "Phê duyệt phương án xử lý" : "Không phê duyệt phương án xử lý") + r,
           (approve ? "Handling plan approved" : "Handling plan rejected") + r, {{"proposal_id", proposal_id}, {"approved", approve}});
    notify(p->proposed_by, "proposal_decided", c, std::nullopt,
           fmt::format("Vụ việc {}: phương án xử lý {}", c.number, approve ? "đã được phê duyệt" : "không được phê duyệt"),
           fmt::format("Case {}: handling plan {}", c.number, approve ? "approved" : "rejected"));
    return done(who, "case.decide", id, {{"proposal_id", proposal_id}, {"decision", approve ? "approve" : "reject"}});
  });
}

Case Cases::execute(int64_t id, int64_t proposal_id, const audit::Actor& who, const std::string& note) {
  return store::Work::run(db_, [&](store::Work&) {
    const int64_t by = who.user_id;
    Case c = in_step(id, CaseStep::execute);
    auto p = std::find_if(c.proposals.begin(), c.proposals.end(), [&](const Proposal& x) { return x.id == proposal_id; });
    if (p == c.proposals.end()) throw Problem::not_found("The proposal", "Đề xuất");
    if (p->status != "approved")
      throw Problem::conflict("A handling plan is carried out only after it is approved (Art. 15.1d).",
                              "Phương án xử lý chỉ được thực hiện sau khi được phê duyệt (Điều 15 khoản 1 điểm d).");
    db_.exec("UPDATE case_proposals SET status='executed', executed_by=?, executed_at=?, execution_note=? WHERE id=?",
             {by, clock_.now_ms(), note, proposal_id});
    record(id, by, "proposal_executed", "Đã thực hiện phương án xử lý: " + note, "Handling plan carried out: " + note,
           {{"proposal_id", proposal_id}});
    return done(who, "case.execute", id, {{"proposal_id", proposal_id}});
  });
}

// ---- 16.4(c): through the focal point ---------------------------------------------------------

std::string Cases::relay_role(int64_t case_id, int64_t user) {
  auto r = db_.query_one("SELECT role FROM case_recipients WHERE case_id = ? AND user_id = ?", {case_id, user});
  return r ? r->str(0) : "";
}

void Cases::add_recipients(const Case& c, const std::vector<int64_t>& users, const std::string& role, bool approver) {
  for (auto user : users)
    db_.exec("INSERT INTO case_recipients(case_id, user_id, role, approver) VALUES (?,?,?,?) "
             "ON CONFLICT(case_id, user_id) DO UPDATE SET role = excluded.role, approver = MAX(approver, excluded.approver)",
             {c.id, user, role, int64_t{approver}});
}

namespace {

// The leadership of the headquarters the relay reports to: whom the focal point forwards it to.
std::vector<int64_t> hq_leaders(const Relay& r, const Directory& dir) {
  std::vector<int64_t> out;
  if (const org::Unit* hq = dir.unit(r.hq_unit_id))
    for (const auto* p : leadership_of(dir, *hq)) out.push_back(p->user_id);
  return out;
}

}  // namespace

std::vector<int64_t> Cases::relay_candidates(const Case& c) {
  return c.relay ? hq_leaders(*c.relay, directory(clock_.now_ms())) : std::vector<int64_t>{};
}

std::vector<std::string> Cases::relay_actions(const Case& c, int64_t user) {
  std::vector<std::string> out;
  if (!c.relay || !c.open()) return out;
  std::string who = relay_role(c.id, user);
  for (auto [name, action] : {std::pair{"forward", RelayAction::forward}, std::pair{"direct", RelayAction::direct},
                              std::pair{"relay_direction", RelayAction::relay_direction}})
    if (relay_step(c.relay->stage, action, who).next) out.push_back(name);
  return out;
}

namespace {

// The relay's next stage for `action` by `who`, or the refusal as a Problem.
std::string relay_next(const Case& c, RelayAction action, const std::string& who) {
  if (!c.relay)
    throw Problem::conflict("Only a case reported to headquarters leadership through the focal point (16.4(c)) has this step.",
                            "Chỉ vụ việc báo cáo Lãnh đạo qua đầu mối (Điều 16 khoản 4 điểm c) có bước này.");
  if (!c.open()) throw Problem::conflict("The case is no longer open.", "Vụ việc đã kết thúc.");
  auto step = relay_step(c.relay->stage, action, who);
  if (step.next) return *step.next;
  if (step.wrong_person) throw refused({step.refusal_vi, step.refusal_en});
  throw Problem::conflict(step.refusal_en, step.refusal_vi);
}

std::string names_of(const Directory& dir, const std::vector<int64_t>& users) {
  std::string out;
  for (auto u : users)
    if (const Person* p = dir.person(u)) out += (out.empty() ? "" : ", ") + p->full_name;
  return out;
}

}  // namespace

Case Cases::forward(int64_t id, const audit::Actor& who, const std::vector<int64_t>& leaders, const std::string& summary,
                    const std::optional<std::string>& proposal) {
  return store::Work::run(db_, [&](store::Work&) {
    const int64_t by = who.user_id;
    Case c = require_case(id);
    std::string next = relay_next(c, RelayAction::forward, relay_role(id, by));
    int64_t now = clock_.now_ms();
    Directory dir = directory(now);
    auto candidates = hq_leaders(*c.relay, dir);
    if (leaders.empty())
      throw Problem::field("leader_ids", "Chọn ít nhất một Lãnh đạo để chuyển báo cáo", "Choose at least one leader to forward it to");
    for (size_t i = 0; i < leaders.size(); ++i)
      if (std::find(candidates.begin(), candidates.end(), leaders[i]) == candidates.end())
        throw Problem::field(fmt::format("leader_ids[{}]", i), "Không phải Lãnh đạo nhận báo cáo theo Điều 16 khoản 4 điểm c",
                             "Not a leader who receives reports under Art. 16(4)(c)");
    db_.exec("UPDATE case_relays SET stage = ?, due_at = NULL, leaders = ?, summary = ?, proposal = ?, forwarded_by = ?, forwarded_at = ? "
             "WHERE case_id = ?",
             {next, json(leaders).dump(), summary, store::opt(proposal), by, now, id});
    add_recipients(c, leaders, "hq_leadership", true);
    for (auto leader : leaders)
      notify(leader, "case_forwarded", c, std::nullopt,
             fmt::format("Đầu mối chuyển vụ việc {} xin ý kiến chỉ đạo: {}", c.number, core::utf8_prefix(summary, 160)),
             fmt::format("The focal point forwards case {} for direction: {}", c.number, core::utf8_prefix(summary, 160)));
    std::string names = names_of(dir, leaders);
    record(id, by, "relay.forwarded", fmt::format("Đầu mối chuyển báo cáo đến {}: {}", names, summary),
           fmt::format("The focal point forwarded the report to {}: {}", names, summary),
           {{"leaders", leaders}, {"summary", summary}, {"proposal", proposal ? json(*proposal) : json()}});
    return done(who, "case.forward", id, {{"leader_ids", leaders}});
  });
}

Case Cases::direct(int64_t id, const audit::Actor& who, const std::string& direction) {
  return store::Work::run(db_, [&](store::Work&) {
    const int64_t by = who.user_id;
    Case c = require_case(id);
    std::string next = relay_next(c, RelayAction::direct, relay_role(id, by));
    int64_t now = clock_.now_ms();
    int64_t due = now + int64_t{policy(c.severity).relay_minutes} * 60'000;
    db_.exec("UPDATE case_relays SET stage = ?, due_at = ?, direction = ?, directed_by = ?, directed_at = ? WHERE case_id = ?",
             {next, due, direction, by, now, id});
    for (const auto& r : db_.query("SELECT user_id FROM case_recipients WHERE case_id = ? AND role IN ('focal_point','focal_leadership')", {id}))
      notify(r.i64(0), "case_directed", c, std::nullopt,
             fmt::format("Lãnh đạo đã chỉ đạo về vụ việc {}: chuyển chỉ đạo đến đơn vị", c.number),
             fmt::format("The leadership directed on case {}: pass the direction on to the units", c.number));
    record(id, by, "relay.directed", fmt::format("Ý kiến chỉ đạo: {}", direction), fmt::format("Direction: {}", direction),
           {{"direction", direction}, {"due_at", core::iso8601(due)}});
    return done(who, "case.direct", id);
  });
}

Case Cases::relay_direction(int64_t id, const audit::Actor& who, const std::optional<std::string>& note) {
  return store::Work::run(db_, [&](store::Work&) {
    const int64_t by = who.user_id;
    Case c = require_case(id);
    std::string next = relay_next(c, RelayAction::relay_direction, relay_role(id, by));
    int64_t now = clock_.now_ms();
    db_.exec("UPDATE case_relays SET stage = ?, due_at = NULL, relay_note = ?, relayed_by = ?, relayed_at = ? WHERE case_id = ?",
             {next, store::opt(note), by, now, id});
    record(id, by, "relay.direction_relayed",
           note ? fmt::format("Đầu mối chuyển ý kiến chỉ đạo đến đơn vị: {}", *note) : std::string("Đầu mối chuyển ý kiến chỉ đạo đến đơn vị"),
           note ? fmt::format("The focal point passed the direction on to the units: {}", *note)
                : std::string("The focal point passed the direction on to the units"));
    Directory dir = directory(now);
    deliver_direction(require_case(id), dir);
    return done(who, "case.relay_direction", id);
  });
}

void Cases::deliver_direction(const Case& c, Directory& dir) {
  // The reporter and the leadership of the reporting unit and of the unit carrying out the work.
  std::vector<int64_t> people;
  auto add = [&](int64_t u) {
    if (std::find(people.begin(), people.end(), u) == people.end()) people.push_back(u);
  };
  if (c.reported_by) add(*c.reported_by);
  std::vector<int64_t> units{c.unit_id};
  if (c.task_id)
    if (auto t = task(*c.task_id)) units.push_back(t->unit_id);
  std::vector<int64_t> leaders;
  for (auto unit : units)
    if (const org::Unit* owner = leadership_unit(dir, unit))
      for (const auto* p : leadership_of(dir, *owner)) {
        add(p->user_id);
        leaders.push_back(p->user_id);
      }
  std::erase_if(leaders, [&](int64_t u) { return c.relay && std::find(c.relay->leaders.begin(), c.relay->leaders.end(), u) != c.relay->leaders.end(); });
  add_recipients(c, leaders, "directed_unit", true);
  std::string direction = c.relay && c.relay->direction ? *c.relay->direction : "";
  for (auto u : people)
    notify(u, "case_direction", c, std::nullopt, fmt::format("Ý kiến chỉ đạo về vụ việc {}: {}", c.number, core::utf8_prefix(direction, 160)),
           fmt::format("Direction on case {}: {}", c.number, core::utf8_prefix(direction, 160)));
}

void Cases::lapse_relay(const Case& c, const std::string& to, int64_t now, Directory& dir) {
  const Relay& r = *c.relay;
  int minutes = policy(c.severity).relay_minutes;
  const org::Unit* focal = dir.unit(r.focal_unit_id);
  const org::Unit* hq = dir.unit(r.hq_unit_id);
  if (to == "at_focal_leadership") {
    // The focal point's leadership: its own leaders not already holding the case, else those of the
    // office it belongs to (Phòng Tổng hợp, Văn phòng).
    std::vector<int64_t> people, holding_it;
    for (const auto& row : db_.query("SELECT user_id FROM case_recipients WHERE case_id = ? AND role = 'focal_point'", {c.id}))
      holding_it.push_back(row.i64(0));
    for (const org::Unit* u = focal; u && people.empty(); u = u->parent_id ? dir.unit(*u->parent_id) : nullptr) {
      if (hq && u->id == hq->id) break;
      for (const auto* p : dir.holding(u->id, {auth::Role::unit_leader}))
        if (std::find(holding_it.begin(), holding_it.end(), p->user_id) == holding_it.end()) people.push_back(p->user_id);
    }
    if (people.empty()) return lapse_relay(c, "sent_to_leaders", now, dir);  // nobody to ask: straight on
    db_.exec("UPDATE case_relays SET stage = ?, due_at = ? WHERE case_id = ?", {to, now + int64_t{minutes} * 60'000, c.id});
    add_recipients(c, people, "focal_leadership", false);
    for (auto u : people)
      notify(u, "case_relay_overdue", c, std::nullopt,
             fmt::format("Quá {} phút đầu mối chưa chuyển vụ việc {} đến Lãnh đạo: đề nghị chỉ đạo chuyển ngay", minutes, c.number),
             fmt::format("The focal point has not forwarded case {} to the leadership within {} minutes: please see it forwarded", c.number, minutes));
    record(c.id, std::nullopt, "relay.escalated",
           fmt::format("Quá {} phút đầu mối chưa chuyển: báo lãnh đạo đơn vị đầu mối ({})", minutes, names_of(dir, people)),
           fmt::format("Not forwarded within {} minutes: the focal point's leadership is told ({})", minutes, names_of(dir, people)),
           {{"users", people}});
  } else if (to == "sent_to_leaders") {
    std::vector<int64_t> leaders = hq_leaders(r, dir);
    json reason = {{"vi", fmt::format("Đầu mối không chuyển báo cáo trong thời hạn ({} phút mỗi bước): gửi thẳng Lãnh đạo", minutes)},
                   {"en", fmt::format("The focal point did not forward the report in time ({} minutes a hop): sent to the leadership directly", minutes)}};
    db_.exec("UPDATE case_relays SET stage = ?, due_at = NULL, leaders = ?, bypass_reason = ? WHERE case_id = ?",
             {to, json(leaders).dump(), reason.dump(), c.id});
    add_recipients(c, leaders, "hq_leadership", true);
    for (auto u : leaders)
      notify(u, "case_forwarded", c, std::nullopt, fmt::format("Vụ việc {} gửi thẳng Lãnh đạo (đầu mối quá hạn) xin ý kiến chỉ đạo", c.number),
             fmt::format("Case {} sent to the leadership directly (focal point overdue) for direction", c.number));
    record(c.id, std::nullopt, "relay.sent_to_leaders", reason["vi"].get<std::string>() + " (" + names_of(dir, leaders) + ")",
           reason["en"].get<std::string>() + " (" + names_of(dir, leaders) + ")", {{"leaders", leaders}, {"reason", reason}});
    if (leaders.empty()) {
      events::Alert a;
      a.kind = "case.relay_unanswered";
      a.subject = fmt::format("case:{}", c.id);
      a.unit_id = r.hq_unit_id;
      a.severity = "high";
      a.title_vi = fmt::format("Vụ việc {} không chuyển được đến Lãnh đạo: không có lãnh đạo nào trong hệ thống", c.number);
      a.title_en = fmt::format("Case {} cannot reach the leadership: no leader is on record", c.number);
      a.audience = {"admin", "office_officer", "unit_leader"};
      a.details = {{"case_id", c.id}};
      after_commit([this, a] { alerts_.raise(a); });
    }
  } else if (to == "direction_sent") {
    json reason = {{"vi", fmt::format("Đầu mối không chuyển ý kiến chỉ đạo trong {} phút: gửi thẳng đơn vị", minutes)},
                   {"en", fmt::format("The focal point did not pass the direction on within {} minutes: sent to the units directly", minutes)}};
    db_.exec("UPDATE case_relays SET stage = ?, due_at = NULL, bypass_reason = ? WHERE case_id = ?", {to, reason.dump(), c.id});
    record(c.id, std::nullopt, "relay.direction_sent", reason["vi"].get<std::string>(), reason["en"].get<std::string>(), {{"reason", reason}});
    deliver_direction(require_case(c.id), dir);
  }
  changed(c.id);
}

std::vector<TimelineEntry> Cases::timeline(int64_t case_id) {
  std::vector<TimelineEntry> out;
  for (const auto& r : db_.query("SELECT id, case_id, at, by, kind, text_vi, text_en, details FROM case_events WHERE case_id = ? ORDER BY id",
                                 {case_id}))
    out.push_back({r.i64("id"), r.i64("case_id"), r.i64("at"), r.opt_i64("by"), r.str("kind"), r.str("text_vi"), r.str("text_en"),
                   json::parse(r.str("details"))});
  return out;
}

void Cases::record(int64_t case_id, std::optional<int64_t> by, const std::string& kind, const std::string& vi,
                   const std::string& en, const json& details) {
  db_.exec("INSERT INTO case_events(case_id, at, by, kind, text_vi, text_en, details) VALUES (?,?,?,?,?,?,?)",
           {case_id, clock_.now_ms(), store::opt(by), kind, vi, en, details.dump()});
}

std::vector<int64_t> Cases::recipients_of(int64_t case_id) {
  std::vector<int64_t> out;
  for (const auto& r : db_.query("SELECT user_id FROM case_recipients WHERE case_id = ?", {case_id})) out.push_back(r.i64(0));
  return out;
}

void Cases::changed(int64_t case_id) {
  schedule(case_id);
  auto c = get(case_id);
  if (!c) return;
  events::Event e;
  e.topic = "case.changed";
  e.unit_id = c->unit_id;
  e.read_action = auth::Action::case_read;
  e.from_camera = c->cameras.is_array() && !c->cameras.empty();
  e.payload = to_json(*c, false, clock_.now_ms());
  if (c->status == "draft") {
    e.only_user = c->created_by;  // a draft is its author's until it is reported
  } else {
    e.also_users = recipients_of(case_id);
    e.also_users.push_back(c->created_by);
  }
  // One event per case per unit of work: the last state wins.
  publish(std::move(e), fmt::format("case.changed:{}", case_id));
}

void Cases::notify(int64_t user, const std::string& kind, const Case& c, std::optional<int64_t> coordination_id,
                   const std::string& vi, const std::string& en) {
  int64_t now = clock_.now_ms();
  db_.exec("INSERT INTO notifications(user_id, kind, case_id, coordination_id, title_vi, title_en, severity, created_at) "
           "VALUES (?,?,?,?,?,?,?,?)",
           {user, kind, c.id, store::opt(coordination_id), vi, en, c.severity, now});
  events::Event e;
  e.topic = "inbox.notification";
  e.read_action = auth::Action::authenticated;
  e.only_user = user;
  e.payload = {{"notification", to_json(Notification{db_.last_insert_id(), user, now, kind, vi, en, c.severity, c.id, coordination_id,
                                                     std::nullopt})}};
  // The count of unread items is kept, not recounted: a write costs the same at 100k cases as at 1k.
  db_.exec("INSERT INTO inbox_counts(user_id, unread) VALUES (?, 1) ON CONFLICT(user_id) DO UPDATE SET unread = unread + 1", {user});
  e.payload["unread"] = unread(user);
  publish(std::move(e));
}

Case Cases::done(const audit::Actor& who, const char* action, int64_t id, json details) {
  changed(id);
  Case c = require_case(id);
  details["status"] = c.status;
  audit_.append(who.event(action, "case", std::to_string(id), c.unit_id, details));
  return c;
}

Task Cases::task_done(const audit::Actor& who, const char* action, int64_t id, std::optional<json> details) {
  Task t = *task(id);
  audit_.append(who.event(action, "task", std::to_string(id), t.unit_id, details ? *details : to_json(t)));
  return t;
}

void Cases::after_commit(std::function<void()> fn, std::string key) {
  auto* work = store::Work::current();
  if (!work) throw std::logic_error("supervision::Cases: a write outside a unit of work");
  work->after_commit(std::move(fn), std::move(key));
}

void Cases::publish(events::Event e, std::string key) {
  after_commit([this, e = std::move(e)] { bus_.publish(e); }, std::move(key));
}

// ---- Coordination requests --------------------------------------------------------------------

std::vector<CoordinationRequest> Cases::coordination(int64_t case_id) {
  std::vector<CoordinationRequest> out;
  for (const auto& r : db_.query(std::string(kCoordSelect) + " WHERE r.case_id = ? ORDER BY r.id", {case_id})) out.push_back(coord_from_row(r));
  return out;
}

std::vector<CoordinationRequest> Cases::coordination_requests(const CoordinationQuery& q) {
  std::string sql = std::string(kCoordSelect) + " WHERE 1=1";
  std::vector<store::Value> params;
  if (q.case_id) sql += " AND r.case_id = ?", params.push_back(*q.case_id);
  if (q.status) sql += " AND r.status = ?", params.push_back(*q.status);
  if (q.before) sql += " AND r.id < ?", params.push_back(*q.before);
  params.push_back(q.limit);
  std::vector<CoordinationRequest> out;
  for (const auto& r : db_.query(sql + " ORDER BY r.id DESC LIMIT ?", params)) out.push_back(coord_from_row(r));
  return out;
}

std::optional<CoordinationRequest> Cases::coordination_request(int64_t id) {
  auto r = db_.query_one(std::string(kCoordSelect) + " WHERE r.id = ?", {id});
  if (!r) return std::nullopt;
  return coord_from_row(*r);
}

CoordinationRequest Cases::request_coordination(const CoordinationInput& in, const audit::Actor& who) {
  return store::Work::run(db_, [&](store::Work&) {
    const int64_t by = who.user_id;
    Case c = in_step(in.case_id, CaseStep::request_coordination);
    int64_t from_unit = c.routing.value("handling_unit_id", c.unit_id);
    if (auto targets = coordination_targets(c); std::find(targets.begin(), targets.end(), in.to_unit_id) == targets.end())
      throw from_unit == in.to_unit_id
          ? Problem::field("to_unit_id", "Không gửi đề nghị phối hợp cho chính đơn vị chủ trì",
                           "Cannot ask the handling unit itself")
          : Problem::field("to_unit_id", "Đơn vị không tồn tại", "No such unit");
    auto to = units_.get(in.to_unit_id);
    int64_t now = clock_.now_ms();
    if (in.deadline <= now)
      throw Problem::field("deadline", "Thời hạn phải ở tương lai", "The deadline must be in the future");
    auto from = units_.get(from_unit);
    int year = year_of(now, from->time_zone);
    std::string number = fmt::format("{:02}/{}/PH-{}", next_number(fmt::format("coordination:{}:{}", from->code, year)), year, from->code);
    db_.exec("INSERT INTO coordination_requests(number, case_id, from_unit_id, to_unit_id, content, requested_action, deadline, contacts, "
             "created_by, created_at) VALUES (?,?,?,?,?,?,?,?,?,?)",
             {number, c.id, from_unit, in.to_unit_id, in.content, in.requested_action, in.deadline, in.contacts, by, now});
    auto r = *coordination_request(db_.last_insert_id());
    record(c.id, by, "coordination_requested", fmt::format("Đề nghị phối hợp số {} gửi {}", number, to->name_vi),
           fmt::format("Coordination request {} sent to {}", number, to->name_en), {{"coordination_id", r.id}});
    if (c.status != "coordination_requested")
      db_.exec("UPDATE cases SET status='coordination_requested', updated_at=? WHERE id=?", {now, c.id});
    // The receiving unit: its leaders and whoever is on duty there (or at the duty watch above it).
    Directory dir = directory(now);
    std::set<int64_t> people;
    for (const auto* p : dir.holding(to->id, {auth::Role::unit_leader, auth::Role::duty_officer, auth::Role::shift_leader}))
      people.insert(p->user_id);
    if (const auto* w = dir.nearest_with(to->id, "duty_watch"))
      for (auto u : resolve_role_at(dir, w->id, "duty_officer")) people.insert(u);
    for (auto u : people)
      notify(u, "coordination_received", c, r.id, fmt::format("Đề nghị phối hợp {} (vụ việc {})", number, c.number),
             fmt::format("Coordination request {} (case {})", number, c.number));
    coordination_changed(r);
    changed(c.id);
    audit_.append(who.event("coordination.create", "coordination_request", std::to_string(r.id), r.to_unit_id, to_json(r, now)));
    return r;
  });
}

CoordinationRequest Cases::acknowledge_coordination(int64_t id, const audit::Actor& who) {
  return store::Work::run(db_, [&](store::Work&) {
    const int64_t by = who.user_id;
    auto r = coordination_request(id);
    if (!r) throw Problem::not_found("The coordination request", "Đề nghị phối hợp");
    if (r->status != "sent") throw Problem::conflict("The request was already acknowledged.", "Đề nghị đã được tiếp nhận.");
    int64_t now = clock_.now_ms();
    db_.exec("UPDATE coordination_requests SET status='acknowledged', acknowledged_by=?, acknowledged_at=? WHERE id=?", {by, now, id});
    record(r->case_id, by, "coordination_acknowledged", fmt::format("Đơn vị phối hợp tiếp nhận đề nghị {}", r->number),
           fmt::format("Coordination request {} acknowledged", r->number), {{"coordination_id", id}});
    r = coordination_request(id);
    coordination_changed(*r);
    changed(r->case_id);
    audit_.append(who.event("coordination.acknowledge", "coordination_request", std::to_string(id), r->to_unit_id));
    return *r;
  });
}

CoordinationRequest Cases::respond_coordination(int64_t id, const audit::Actor& who, const std::string& result) {
  return store::Work::run(db_, [&](store::Work&) {
    const int64_t by = who.user_id;
    auto r = coordination_request(id);
    if (!r) throw Problem::not_found("The coordination request", "Đề nghị phối hợp");
    if (r->status == "answered") throw Problem::conflict("The request was already answered.", "Đề nghị đã được trả lời.");
    int64_t now = clock_.now_ms();
    db_.exec("UPDATE coordination_requests SET status='answered', result=?, responded_by=?, responded_at=?, "
             "acknowledged_by=COALESCE(acknowledged_by, ?), acknowledged_at=COALESCE(acknowledged_at, ?) WHERE id=?",
             {result, by, now, by, now, id});
    record(r->case_id, by, "coordination_answered", fmt::format("Kết quả phối hợp ({}): {}", r->number, result),
           fmt::format("Coordination result ({}): {}", r->number, result), {{"coordination_id", id}});
    Case c = require_case(r->case_id);
    notify(r->created_by, "coordination_answered", c, id, fmt::format("Đơn vị phối hợp đã trả lời đề nghị {}", r->number),
           fmt::format("Coordination request {} answered", r->number));
    after_commit([this, id] { alerts_.resolve("coordination.overdue", fmt::format("coordination:{}", id)); });
    r = coordination_request(id);
    coordination_changed(*r);
    changed(r->case_id);
    audit_.append(who.event("coordination.respond", "coordination_request", std::to_string(id), r->to_unit_id, {{"result", result}}));
    return *r;
  });
}

void Cases::coordination_changed(const CoordinationRequest& r) {
  events::Event e;
  e.topic = "coordination.changed";
  e.unit_id = r.to_unit_id;
  e.read_action = auth::Action::coordination_respond;
  e.payload = to_json(r, clock_.now_ms());
  e.also_users = recipients_of(r.case_id);
  e.also_users.push_back(r.created_by);
  publish(std::move(e));
}

// ---- Inbox ----------------------------------------------------------------------------------

std::vector<Notification> Cases::inbox(int64_t user, bool unread_only, std::optional<int64_t> before, int64_t limit) {
  std::string sql = std::string(kNotificationSelect) + " WHERE user_id = ?";
  std::vector<store::Value> params{user};
  if (unread_only) sql += " AND read_at IS NULL";
  if (before) sql += " AND id < ?", params.push_back(*before);
  params.push_back(limit);
  std::vector<Notification> out;
  for (const auto& r : db_.query(sql + " ORDER BY id DESC LIMIT ?", params)) out.push_back(notification_from_row(r));
  return out;
}

int64_t Cases::unread(int64_t user) {
  auto r = db_.query_one("SELECT unread FROM inbox_counts WHERE user_id = ?", {user});
  return r ? r->i64(0) : 0;
}

void Cases::mark_read(int64_t user, std::optional<int64_t> id) {
  store::Work::run(db_, [&](store::Work&) {
    int64_t now = clock_.now_ms();
    int64_t read = 0;
    if (id) {
      if (!db_.query_one("SELECT 1 FROM notifications WHERE id = ? AND user_id = ?", {*id, user}))
        throw Problem::not_found("The notification", "Thông báo");
      read = db_.exec("UPDATE notifications SET read_at = ? WHERE id = ? AND read_at IS NULL", {now, *id});
    } else {
      read = db_.exec("UPDATE notifications SET read_at = ? WHERE user_id = ? AND read_at IS NULL", {now, user});
    }
    uncount(user, read);
  });
}

void Cases::uncount(int64_t user, int64_t read) {
  if (read > 0) db_.exec("UPDATE inbox_counts SET unread = MAX(unread - ?, 0) WHERE user_id = ?", {read, user});
}

// ---- Escalation -----------------------------------------------------------------------------

std::vector<EscalationPolicy> Cases::policies() {
  std::vector<EscalationPolicy> out;
  for (const char* sev : kSeverities) out.push_back(policy(sev));
  return out;
}

EscalationPolicy Cases::policy(const std::string& severity) {
  if (auto r = db_.query_one("SELECT policy FROM escalation_policies WHERE severity = ?", {severity}))
    return policy_from_json(json::parse(r->str(0)), severity);
  for (auto& p : default_policies())
    if (p.severity == severity) return p;
  return {severity, 0, default_relay_minutes(severity), {}};
}

EscalationPolicy Cases::set_policy(const EscalationPolicy& p, const audit::Actor& who) {
  return store::Work::run(db_, [&](store::Work&) {
    const int64_t by = who.user_id;
    json j = to_json(p);
    j.erase("severity");
    db_.exec("INSERT INTO escalation_policies(severity, policy, updated_by, updated_at) VALUES (?,?,?,?) "
             "ON CONFLICT(severity) DO UPDATE SET policy=excluded.policy, updated_by=excluded.updated_by, updated_at=excluded.updated_at",
             {p.severity, j.dump(), by, clock_.now_ms()});
    auto saved = policy(p.severity);
    for (const auto& r : db_.query("SELECT id FROM cases WHERE severity = ? AND due_at IS NOT NULL", {p.severity})) schedule(r.i64(0));
    audit_.append(who.event("escalation_policy.update", "escalation_policy", p.severity, std::nullopt, to_json(saved)));
    return saved;
  });
}

Directory Cases::directory(int64_t now) {
  Directory d;
  d.units = units_.list();
  std::map<int64_t, size_t> index;
  for (const auto& r : db_.query("SELECT id, full_name, unit_id FROM users WHERE active = 1 ORDER BY id")) {
    index[r.i64("id")] = d.people.size();
    d.people.push_back({r.i64("id"), r.str("full_name"), r.i64("unit_id"), {}});
  }
  for (const auto& r : db_.query("SELECT user_id, role, unit_id FROM role_grants"))
    if (auto it = index.find(r.i64(0)); it != index.end())
      if (auto role = auth::parse_role(r.str("role"))) d.people[it->second].grants.push_back({*role, r.i64("unit_id")});
  for (const auto& r : db_.query("SELECT DISTINCT unit_id FROM shifts WHERE starts_at <= ? AND ends_at > ?", {now, now}))
    if (auto s = duty_.shift_at(r.i64(0), now)) {
      d.on_duty[s->unit_id] = on_duty_of(*s);
    }
  return d;
}

void Cases::escalate(const Case& c, const EscalationPolicy& p, int64_t now, Directory& dir) {
  auto state = state_from_json(json::parse(db_.query_one("SELECT escalation FROM cases WHERE id = ?", {c.id})->str(0)));
  if (state.since == 0) state.since = c.reported_at.value_or(now);
  const std::string before = to_json(state).dump();
  CaseClock clock{c.status, c.reported_at.value_or(now), c.acknowledged_at};
  if (ack_lapsed(p, clock, now)) {
    // Acknowledged but not taken into handling in time: it is as if nobody had seen it.
    db_.exec("UPDATE cases SET status=?, acknowledged_by=NULL, acknowledged_at=NULL, updated_at=? WHERE id=?",
             {*case_step(c.status, CaseStep::lapse_acknowledgement).next, now, c.id});
    record(c.id, std::nullopt, "ack_lapsed",
           fmt::format("Quá {} phút sau khi tiếp nhận chưa xử lý: vụ việc trở lại chờ tiếp nhận", p.ack_timeout_minutes),
           fmt::format("Not taken into handling {} minutes after acknowledgement: back to awaiting acknowledgement", p.ack_timeout_minutes));
    state = EscalationState{now, {}, {}};
    clock = CaseClock{"reported", clock.reported_at, std::nullopt};
    changed(c.id);
  }
  int64_t handling = c.routing.value("handling_unit_id", c.unit_id);
  auto target_unit = [&](const std::string& at) -> std::optional<int64_t> {
    const org::Unit* u = dir.unit(handling);
    if (!u) return std::nullopt;
    if (at == "parent_unit") return u->parent_id;
    if (at == "headquarters") {
      while (u->parent_id && dir.unit(*u->parent_id)) u = dir.unit(*u->parent_id);
      return u->id;
    }
    return u->id;
  };
  // Up the channel: the duty watch above the one handling it, or at headquarters the focal point.
  auto above = [&](const std::string& role) {
    std::pair<std::optional<int64_t>, std::vector<int64_t>> out;
    const org::Unit* u = dir.unit(handling);
    const org::Unit* watch = u ? dir.nearest_with(u->id, "duty_watch") : nullptr;
    auto level = next_level(dir, watch ? *watch : *u);
    if (!level.unit) return out;
    out.first = level.unit->id;
    for (const auto& [p, leads] : level.people)
      if (role != "shift_leader" || leads || level.role == "focal_point") out.second.push_back(p->user_id);
    return out;
  };
  auto due = due_steps(p, state, clock, now);
  for (size_t k = 0; k < due.size(); ++k) {
    size_t i = due[k].step;
    const auto& step = p.steps[i];
    mark_fired(state, i, now);
    std::optional<int64_t> unit;
    std::vector<int64_t> people;
    if (step.notify_at == "duty_watch_above" && dir.unit(handling)) {
      std::tie(unit, people) = above(step.notify_role);
    } else {
      unit = target_unit(step.notify_at);
      if (unit) people = resolve_role_at(dir, *unit, step.notify_role);
    }
    const org::Unit* u = unit ? dir.unit(*unit) : nullptr;
    if (people.empty()) {
      // Nobody to notify (no one on duty): a coverage alert, and the next step now.
      events::Alert a;
      a.kind = "case.escalation_unanswered";
      a.subject = fmt::format("case:{}:step:{}", c.id, i);
      a.unit_id = unit ? unit : std::optional<int64_t>(handling);
      a.severity = "high";
      a.title_vi = fmt::format("Không có ai ({}) để nhận cảnh báo chuyển cấp xử lý vụ việc {}", role_vi(step.notify_role), c.number);
      a.title_en = fmt::format("Nobody ({}) to receive the escalation of case {}", step.notify_role, c.number);
      a.audience = {"unit_leader", "office_officer"};
      a.details = {{"case_id", c.id}, {"step", i}};
      after_commit([this, a] { alerts_.raise(a); });
      record(c.id, std::nullopt, "escalated",
             fmt::format("Chuyển cấp xử lý bước {}: không có người nhận ({}), chuyển bước tiếp theo", i + 1, role_vi(step.notify_role)),
             fmt::format("Escalation step {}: nobody to notify ({}), moving to the next step", i + 1, step.notify_role),
             {{"step", i}, {"users", json::array()}});
      if (i + 1 < p.steps.size() && condition_holds(p.steps[i + 1].condition, clock.status) &&
          std::none_of(due.begin(), due.end(), [&](const DueStep& d) { return d.step == i + 1; }))
        due.push_back({i + 1, (i + 1 < state.fired.size() ? state.fired[i + 1] : 0) + 1});
      continue;
    }
    bool approver = step.notify_role == "unit_leader" || step.notify_role == "hq_leader" || step.notify_role == "shift_leader";
    for (auto user : people) {
      db_.exec("INSERT INTO case_recipients(case_id, user_id, role, approver) VALUES (?,?,?,?) "
               "ON CONFLICT(case_id, user_id) DO UPDATE SET approver = MAX(approver, excluded.approver)",
               {c.id, user, std::string("escalation"), int64_t{approver}});
      notify(user, "case_escalated", c, std::nullopt,
             fmt::format("Chuyển cấp xử lý: vụ việc {} chưa được {}", c.number, step.condition == "not_acknowledged" ? "tiếp nhận" : "xử lý xong"),
             fmt::format("Escalation: case {} not yet {}", c.number, step.condition == "not_acknowledged" ? "acknowledged" : "closed"));
    }
    record(c.id, std::nullopt, "escalated",
           fmt::format("Chuyển cấp xử lý bước {} (lần {}): thông báo {} tại {}", i + 1, due[k].occurrence, role_vi(step.notify_role),
                       u ? u->name_vi : ""),
           fmt::format("Escalation step {} (time {}): notified {} at {}", i + 1, due[k].occurrence, step.notify_role, u ? u->name_en : ""),
           {{"step", i}, {"users", people}});
    changed(c.id);
  }
  // Written only when a step fired or the acknowledgement lapsed: most checks change nothing.
  if (auto after = to_json(state).dump(); after != before) db_.exec("UPDATE cases SET escalation = ? WHERE id = ?", {after, c.id});
}

void Cases::schedule(int64_t case_id) {
  auto r = db_.query_one("SELECT c.status, c.severity, c.reported_at, c.acknowledged_at, c.escalation, x.stage, x.due_at "
                         "FROM cases c LEFT JOIN case_relays x ON x.case_id = c.id WHERE c.id = ?",
                         {case_id});
  if (!r) return;
  std::optional<int64_t> due;
  const std::string status = r->str(0);
  if (status == "reported" || status == "acknowledged" || status == "in_handling" || status == "coordination_requested") {
    // 16.4(c): while the focal point owes a hop, its own deadline runs instead of the escalation steps.
    if (auto stage = r->opt_str(5); stage && relay_awaits_focal_point(*stage)) {
      due = r->opt_i64(6);
    } else {
      auto state = state_from_json(json::parse(r->str(4)));
      CaseClock clock{status, r->opt_i64(2).value_or(clock_.now_ms()), r->opt_i64(3)};
      if (state.since == 0) state.since = clock.reported_at;
      due = next_due(policy(r->str(1)), state, clock);
    }
  }
  db_.exec("UPDATE cases SET due_at = ? WHERE id = ?", {store::opt(due), case_id});
}

void Cases::check(int64_t now) {
  std::map<std::string, EscalationPolicy> pols;
  for (auto& p : policies()) pols[p.severity] = p;
  // The queue: only the cases whose next step is due (indexed), never a scan of every open case.
  std::vector<int64_t> due;
  for (const auto& r : db_.query("SELECT id FROM cases WHERE due_at IS NOT NULL AND due_at <= ? ORDER BY due_at LIMIT 1000", {now}))
    due.push_back(r.i64(0));
  std::optional<Directory> dir;  // read once, and only when some step is due
  if (!due.empty()) dir = directory(now);
  for (auto id : due)
    store::Work::run(db_, [&](store::Work&) {
      if (auto c = get(id); c && c->open()) {
        if (c->relay && relay_awaits_focal_point(c->relay->stage)) {
          if (auto to = relay_lapse(c->relay->stage, c->relay->due_at, now)) lapse_relay(*c, *to, now, *dir);
        } else {
          escalate(*c, pols[c->severity], now, *dir);
        }
      }
      schedule(id);
    });
  // Coordination deadlines: overdue -> an alert to the receiving unit, and the requester is told once.
  for (const auto& row : db_.query(std::string(kCoordSelect) + " WHERE r.status != 'answered' AND r.deadline < ?", {now})) {
    auto r = coord_from_row(row);
    auto to = units_.get(r.to_unit_id);
    events::Alert a;
    a.kind = "coordination.overdue";
    a.subject = fmt::format("coordination:{}", r.id);
    a.unit_id = r.to_unit_id;
    a.severity = "high";
    a.title_vi = fmt::format("Quá hạn trả lời đề nghị phối hợp {}", r.number);
    a.title_en = fmt::format("Coordination request {} is overdue", r.number);
    a.audience = {"unit_leader", "duty_officer", "shift_leader"};
    a.details = {{"coordination_id", r.id}, {"case_id", r.case_id}};
    if (alerts_.raise(std::move(a)))
      store::Work::run(db_, [&](store::Work&) {
        notify(r.created_by, "coordination_overdue", require_case(r.case_id), r.id,
               fmt::format("{} chưa trả lời đề nghị phối hợp {} đúng hạn", to ? to->name_vi : "", r.number),
               fmt::format("{} has not answered coordination request {} in time", to ? to->name_en : "", r.number));
      });
  }
}

namespace {

// The duty watch a unit reports to (Art. 16.4a): the nearest unit at or above it that designates one,
// and the unit it designates to keep that watch (where its shifts may be rostered). Empty when none does.
std::set<int64_t> duty_watch_units(const std::map<int64_t, org::Unit>& units, int64_t unit_id) {
  for (auto it = units.find(unit_id); it != units.end();) {
    const auto& u = it->second;
    if (auto d = u.designations.find("duty_watch"); d != u.designations.end()) return {u.id, d->second};
    if (!u.parent_id) break;
    it = units.find(*u.parent_id);
  }
  return {};
}

}  // namespace

json Cases::open_items(int64_t unit_id) {
  std::map<int64_t, org::Unit> units;
  for (auto& u : units_.list()) units.emplace(u.id, std::move(u));
  // Whether `unit` reports to the duty watch whose shifts are kept at `unit_id`.
  auto ours = [&](int64_t unit) { return duty_watch_units(units, unit).count(unit_id) > 0; };
  json items = json::array();
  for (const auto& r :
       db_.query(std::string(kCaseSelect) +
                 " WHERE c.clause IN ('16.4.a','16.4.b','16.4.c') AND "
                 "c.status IN ('reported','acknowledged','in_handling','coordination_requested') ORDER BY c.id")) {
    Case c = case_from_row(r);
    std::string clause = c.routing.value("clause", "");
    // 16.4(a): the duty watch that handles it within the shift. 16.4(b), (c): the leadership handles it,
    // and the duty watch of each unit it concerns keeps it in view from shift to shift (Art. 15.2): the
    // handling unit's, the reporting unit's, and those of the units it was sent to.
    bool concerned = ours(c.routing.value("handling_unit_id", c.unit_id));
    if (clause != "16.4.a") {
      concerned = concerned || ours(c.unit_id);
      for (const auto& rc : c.routing.value("recipients", json::array()))
        concerned = concerned || ours(rc.value("unit_id", int64_t{0}));
    }
    if (!concerned) continue;
    items.push_back({{"type", "case"},
                     {"id", c.id},
                     {"kind", clause},
                     {"number", c.number},
                     {"status", c.status},
                     {"target", c.number + ": " + core::utf8_prefix(c.description, 200)}});
  }
  // Appendix V requests still awaiting an answer, sent or received by a unit of this duty watch.
  for (const auto& r :
       db_.query(std::string(kCoordSelect) + " WHERE r.status IN ('sent','acknowledged') ORDER BY r.id")) {
    auto req = coord_from_row(r);
    bool sent = ours(req.from_unit_id);
    if (!sent && !ours(req.to_unit_id)) continue;
    auto other = units.find(sent ? req.to_unit_id : req.from_unit_id);
    std::string other_name = other == units.end() ? "" : other->second.name_vi;
    items.push_back({{"type", "coordination"},
                     {"id", req.id},
                     {"kind", sent ? "sent" : "received"},
                     {"number", req.number},
                     {"status", req.status},
                     {"case_id", req.case_id},
                     {"case_number", req.case_number},
                     {"from_unit_id", req.from_unit_id},
                     {"to_unit_id", req.to_unit_id},
                     {"deadline", core::iso8601(req.deadline)},
                     {"target", fmt::format("{} (vụ việc {}), {} {}", req.number, req.case_number, sent ? "gửi" : "của",
                                            other_name)}});
  }
  return items;
}

std::vector<int64_t> Cases::coordination_targets(const Case& c) {
  int64_t from = c.routing.is_object() ? c.routing.value("handling_unit_id", c.unit_id) : c.unit_id;
  std::vector<int64_t> out;
  for (const auto& u : units_.list())
    if (!u.external && u.id != from) out.push_back(u.id);
  return out;
}

// ---- JSON -----------------------------------------------------------------------------------

json to_json(const Task& t) {
  return {{"id", t.id},
          {"unit_id", t.unit_id},
          {"method", t.method},
          {"title", t.title},
          {"description", t.description},
          {"period_from", core::iso8601(t.period_from)},
          {"period_to", t.period_to ? json(core::iso8601(*t.period_to)) : json()},
          {"status", t.status},
          {"directive", t.directive},
          {"officers", t.officers},
          {"targets", t.targets},
          {"created_by", t.created_by},
          {"created_at", core::iso8601(t.created_at)},
          {"approved_by", t.approved_by ? json(*t.approved_by) : json()},
          {"approved_at", t.approved_at ? json(core::iso8601(*t.approved_at)) : json()},
          {"updated_at", core::iso8601(t.updated_at)}};
}

namespace {
json opt_time(const std::optional<int64_t>& t) { return t ? json(core::iso8601(*t)) : json(); }
json opt_id(const std::optional<int64_t>& v) { return v ? json(*v) : json(); }
json opt_str(const std::optional<std::string>& v) { return v ? json(*v) : json(); }
}  // namespace

json to_json(const Proposal& p) {
  return {{"id", p.id},
          {"text", p.text},
          {"proposed_by", p.proposed_by},
          {"proposed_at", core::iso8601(p.proposed_at)},
          {"status", p.status},
          {"decided_by", opt_id(p.decided_by)},
          {"decided_at", opt_time(p.decided_at)},
          {"remarks", opt_str(p.remarks)},
          {"executed_by", opt_id(p.executed_by)},
          {"executed_at", opt_time(p.executed_at)},
          {"execution_note", opt_str(p.execution_note)}};
}

json to_json(const CoordinationRequest& r, int64_t now) {
  return {{"id", r.id},
          {"number", r.number},
          {"case_id", r.case_id},
          {"case_number", r.case_number},
          {"from_unit_id", r.from_unit_id},
          {"to_unit_id", r.to_unit_id},
          {"content", r.content},
          {"requested_action", r.requested_action},
          {"deadline", core::iso8601(r.deadline)},
          {"contacts", r.contacts},
          {"status", r.status},
          {"overdue", r.overdue(now)},
          {"created_by", r.created_by},
          {"created_at", core::iso8601(r.created_at)},
          {"acknowledged_by", opt_id(r.acknowledged_by)},
          {"acknowledged_at", opt_time(r.acknowledged_at)},
          {"result", opt_str(r.result)},
          {"responded_by", opt_id(r.responded_by)},
          {"responded_at", opt_time(r.responded_at)}};
}

json to_json(const Case& c, bool full, int64_t now) {
  json j = {{"id", c.id},
            {"number", c.number},
            {"unit_id", c.unit_id},
            {"task_id", opt_id(c.task_id)},
            {"method", c.method},
            {"status", c.status},
            {"severity", c.severity},
            {"observed_at", core::iso8601(c.observed_at)},
            {"site", c.site},
            {"site_unit_id", opt_id(c.site_unit_id)},
            {"cameras", c.cameras},
            {"subject", c.subject},
            {"description", c.description},
            {"suspected_violation", c.suspected_violation},
            {"immediate_measure", c.immediate_measure},
            {"identifiers", c.identifiers},
            {"reported_by", opt_id(c.reported_by)},
            {"reported_at", opt_time(c.reported_at)},
            {"reporter_on_duty", c.reporter_on_duty},
            {"routing", c.routing},
            {"acknowledged_by", opt_id(c.acknowledged_by)},
            {"acknowledged_at", opt_time(c.acknowledged_at)},
            {"outcome", opt_str(c.outcome)},
            {"outcome_note", opt_str(c.outcome_note)},
            {"concluded_at", opt_time(c.concluded_at)},
            {"closed_at", opt_time(c.closed_at)},
            {"created_by", c.created_by},
            {"created_at", core::iso8601(c.created_at)},
            {"updated_at", core::iso8601(c.updated_at)}};
  j["relay"] = c.relay ? to_json(*c.relay, now) : json();
  if (full) {
    j["proposals"] = json::array();
    for (const auto& p : c.proposals) j["proposals"].push_back(to_json(p));
    j["coordination"] = json::array();
    for (const auto& r : c.coordination) j["coordination"].push_back(to_json(r, now));
  }
  return j;
}

json to_json(const Relay& r, int64_t now) {
  json leaders = json::array();
  for (auto u : r.leaders) leaders.push_back({{"user_id", u}});
  return {{"stage", r.stage},
          {"stage_vi", relay_stage_vi(r.stage)},
          {"stage_en", relay_stage_en(r.stage)},
          {"focal_unit_id", r.focal_unit_id},
          {"hq_unit_id", r.hq_unit_id},
          {"due_at", opt_time(r.due_at)},
          {"overdue", r.due_at && now >= *r.due_at},
          {"leaders", leaders},
          {"summary", opt_str(r.summary)},
          {"proposal", opt_str(r.proposal)},
          {"forwarded_by", opt_id(r.forwarded_by)},
          {"forwarded_at", opt_time(r.forwarded_at)},
          {"bypass_reason", r.bypass_reason},
          {"direction", opt_str(r.direction)},
          {"directed_by", opt_id(r.directed_by)},
          {"directed_at", opt_time(r.directed_at)},
          {"relay_note", opt_str(r.relay_note)},
          {"relayed_by", opt_id(r.relayed_by)},
          {"relayed_at", opt_time(r.relayed_at)}};
}

json to_json(const TimelineEntry& e) {
  return {{"id", e.id}, {"at", core::iso8601(e.at)}, {"by", opt_id(e.by)}, {"kind", e.kind},
          {"text_vi", e.text_vi}, {"text_en", e.text_en}, {"details", e.details}};
}

json to_json(const Notification& n) {
  return {{"id", n.id},
          {"kind", n.kind},
          {"case_id", opt_id(n.case_id)},
          {"coordination_id", opt_id(n.coordination_id)},
          {"title_vi", n.title_vi},
          {"title_en", n.title_en},
          {"severity", n.severity},
          {"created_at", core::iso8601(n.created_at)},
          {"read_at", opt_time(n.read_at)}};
}

json to_json(const Routing& r) {
  json recipients = json::array();
  for (const auto& x : r.recipients)
    recipients.push_back({{"user_id", x.user_id}, {"unit_id", x.unit_id}, {"role", x.role}, {"approver", x.approver},
                          {"reason_vi", x.reason_vi}, {"reason_en", x.reason_en}});
  json warnings = json::array();
  for (const auto& w : r.warnings) warnings.push_back({{"code", w.code}, {"message_vi", w.message_vi}, {"message_en", w.message_en}});
  return {{"clause", r.clause},
          {"clause_vi", r.clause_vi},
          {"clause_en", r.clause_en},
          {"explanation_vi", r.explanation_vi},
          {"explanation_en", r.explanation_en},
          {"handling_unit_id", r.handling_unit_id},
          {"shift_id", opt_id(r.shift_id)},
          {"reporter_on_duty", r.reporter_on_duty},
          {"recipients", recipients},
          {"warnings", warnings}};
}

}  // namespace watchfloor::supervision
