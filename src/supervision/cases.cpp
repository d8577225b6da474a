#include "supervision/cases.h"

#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <set>

#include "core/error.h"
#include "core/text.h"
#include "store/work.h"
#include "supervision/authority.h"
#include "supervision/escalation.h"
#include "supervision/relay.h"
#include "supervision/shared.h"

namespace watchfloor::supervision {
namespace {

using core::Problem;
using nlohmann::json;

std::string search_text(const Case& c) {
  std::string s = c.number + " " + c.site + " " + c.description + " " + c.suspected_violation;
  for (const auto& [_, list] : c.identifiers.items())
    for (const auto& v : list) s += " " + v.get<std::string>();
  return s;
}

// The words of a search, each with something to find in it ("%", "-" alone are nothing), đ and Đ folded to d as
// the index holds them (migration 13).
std::vector<std::string> search_words(const std::string& text) {
  std::vector<std::string> out;
  std::string folded = text, word;
  for (auto [from, to] : {std::pair{"đ", "d"}, std::pair{"Đ", "D"}})
    for (size_t at = folded.find(from); at != std::string::npos; at = folded.find(from, at)) folded.replace(at, 2, to);
  auto flush = [&] {
    if (std::any_of(word.begin(), word.end(), [](unsigned char ch) { return std::isalnum(ch) || ch >= 0x80; })) out.push_back(word);
    word.clear();
  };
  for (char ch : folded) {
    if (ch == ' ' || ch == '\t' || ch == '\n') flush();
    else word += ch;
  }
  flush();
  return out;
}

// What an officer typed, as a condition: every word must appear, perhaps only begun ("HP-CKKV1-2026-00" finds the case
// numbers it starts). SQLite: one FTS5 query, each word a quoted phrase (punctuation in numbers, plates and seals is
// no syntax) taken as a prefix. PostgreSQL: the same, each word a phrase of its parts, the last a prefix, against the
// case's words (case_words, wf_word_query: migration 21), in two steps. First the matching cases, up to
// Cases::kFewMatches: a word in fewer (a container number, a plate) is then a list of ids, each one lookup of a case. A word
// in more (a site, "container") is left to the list itself, whose newest cases find enough of it soon. In one
// statement PostgreSQL must guess which of the two a word is from its statistics, and guessed a container number found
// once in 375,000 cases to be in 307 of them: it read every case's words, newest first, to find it (138 ms).
void match_words(store::Db& db, const std::vector<std::string>& words, size_t few_matches, std::string& sql,
                 std::vector<store::Value>& params) {
  if (db.dialect() == store::Dialect::postgres) {
    std::string where;
    std::vector<store::Value> asked;
    for (const auto& word : words) {
      where += " AND w.words @@ wf_word_query(?)";
      asked.emplace_back(word);
    }
    // No order: whatever plan PostgreSQL takes stops at the first few_matches + 1 it meets.
    auto few = db.query(fmt::format("{}SELECT w.case_id FROM case_words w WHERE TRUE{} LIMIT {}", store::kPlanEachTime, where,
                                    few_matches + 1),
                        asked);
    if (few.size() > few_matches) {
      sql += " AND c.id IN (SELECT w.case_id FROM case_words w WHERE TRUE" + where + ")";
      params.insert(params.end(), asked.begin(), asked.end());
      return;
    }
    auto ids = json::array();
    for (const auto& r : few) ids.push_back(r.i64("case_id"));
    sql += " AND c.id IN (SELECT CAST(value AS INTEGER) FROM json_each(?))";  // one statement however many
    params.emplace_back(ids.dump());
    return;
  }
  std::string m;
  for (const auto& w : words) {
    m += (m.empty() ? "\"" : " \"");
    for (char ch : w) m += ch == '"' ? std::string("\"\"") : std::string(1, ch);
    m += "\"*";
  }
  sql += " AND c.id IN (SELECT rowid FROM cases_fts WHERE cases_fts MATCH ?)";
  params.push_back(m);
}

}  // namespace

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
    auto words = search_words(*q.text);
    if (words.empty()) sql += " AND 1 = 0";
    else match_words(db_, words, few_matches_, sql, params);
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
      // Correlated EXISTS, not IN (SELECT …): each case looked at is one probe of a primary key, where the set of a
      // shift leader's cases (every 16.4(a) case of the province: 167,000 at 375,000 cases) was built for every list.
      // PostgreSQL would build that set anyway (a hashed subplan) unless the subquery has an OFFSET: 134 → 1.6 ms.
      const char* probe = db_.dialect() == store::Dialect::postgres ? " OFFSET 0)" : ")";
      sql += std::string(" OR c.created_by = ? OR c.reported_by = ? OR EXISTS (SELECT 1 FROM case_recipients r WHERE r.case_id = c.id "
                         "AND r.user_id = ?") + probe;
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
        sql += " OR EXISTS (SELECT 1 FROM coordination_requests k WHERE k.case_id = c.id";
        sql += rd.coordinate_roots ? " AND k.to_unit_id IN " + units(*rd.coordinate_roots) + probe : probe;
      }
      if (rd.footage) sql += " OR c.cameras <> '[]'";
      sql += ")";
    }
  }
  if (q.before) sql += " AND c.id < ?", params.push_back(*q.before);
  sql += " ORDER BY c.id DESC LIMIT ?";
  if (q.text) sql.insert(0, store::kPlanEachTime);
  params.push_back(q.limit);
  std::vector<Case> out;
  for (const auto& r : db_.query(sql, params)) {
    out.push_back(case_from_row(r));
    if (const auto& routing = out.back().routing; routing.is_object() && routing.value("clause", "") == "16.4.c")
      out.back().relay = relay_of(out.back().id);
  }
  return out;
}

std::optional<std::string> Cases::number_of(int64_t id) {
  auto r = db_.query_one("SELECT number FROM cases WHERE id = ?", {id});
  return r ? std::optional(r->str("number")) : std::nullopt;
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
  c.coordination = coordination_of(db_, id);
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
    return r->boolean("approver") ? "approver" : "recipient";
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

void check_case(const Case& c, org::Units& units, Tasks& tasks) {
  auto unit = units.get(c.unit_id);
  if (!unit || unit->external) throw Problem::field("unit_id", "Đơn vị không tồn tại", "No such unit");
  if (c.task_id) {
    auto t = tasks.get(*c.task_id);
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

// Creating and reporting a case run beside each other on several API servers (store::Writers::shared): what they
// write is the case's own rows, the unit's number series (a row lock: one unit's cases are numbered one at a time,
// gap-free), its recipients' notifications and unread counts (increments, in the order of user ids), a duty-log
// entry, an alert that nobody is on duty (one open per kind and subject: the second waits for the first's index entry); what they read (units, people, shifts, tasks, policies) only exclusive transactions change, which never run
// beside them. Reporting a draft twice at once is refused by the update itself (report()).
constexpr store::Writers kCaseWriters = store::Writers::shared;

Case Cases::create(const CaseInput& in, const audit::Actor& who) {
  return store::Work::run(db_, [&](store::Work&) {
    const int64_t by = who.user_id;
    Case c;
    c.unit_id = *in.unit_id;
    c.task_id = in.task_id.value_or(std::nullopt);
    if (in.method) c.method = *in.method;
    else if (c.task_id) c.method = tasks_.get(*c.task_id) ? tasks_.get(*c.task_id)->method : "regular";
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
    check_case(c, units_, tasks_);
    auto unit = units_.get(c.unit_id);
    int64_t now = clock_.now_ms();
    int year = year_of(now, unit->time_zone);
    c.number = fmt::format("{}-{}-{:04}", unit->code, year, store::next_number(db_, fmt::format("case:{}:{}", unit->code, year)));
    db_.exec("INSERT INTO cases(number, unit_id, task_id, method, status, severity, observed_at, site, site_unit_id, cameras, subject, "
             "description, suspected_violation, immediate_measure, identifiers, search_text, created_by, created_at, updated_at) "
             "VALUES (?,?,?,?,'draft',?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
             {c.number, c.unit_id, store::opt(c.task_id), c.method, c.severity, c.observed_at, c.site, store::opt(c.site_unit_id),
              c.cameras.dump(), c.subject, c.description, c.suspected_violation, c.immediate_measure, c.identifiers.dump(),
              search_text(c), by, now, now});
    c.id = db_.last_insert_id();
    c.created_by = by;
    c.created_at = c.updated_at = now;
    record(c.id, by, "created", "Lập vụ việc (bản nháp)", "Case opened (draft)");
    // The draft as written (not read back: nothing else is stored of it yet, and a draft has no deadline to schedule).
    published(c);
    audit_.append(who.event("case.create", "case", std::to_string(c.id), c.unit_id, to_json(c, false, now)));
    return c;
  }, kCaseWriters);
}

Case Cases::create_reported(const CaseInput& in, const audit::Actor& who) {
  return store::Work::run(db_, [&](store::Work&) { return reported(create(in, who), who); }, kCaseWriters);
}

void Cases::opened(const Case& c, const audit::Actor& who, std::optional<int64_t> grant) {
  audit_.append(who.event("case.read", "case", std::to_string(c.id), c.unit_id, grant ? json{{"grant_id", *grant}} : json()));
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
    check_case(c, units_, tasks_);
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
  return store::Work::run(db_, [&](store::Work&) { return reported(in_step(id, CaseStep::report), who); }, kCaseWriters);
}

Case Cases::reported(Case c, const audit::Actor& who) {
  const int64_t by = who.user_id, id = c.id;
  int64_t now = clock_.now_ms();
  Directory dir = directory_.read(now);
  RouteInput in{c.method, c.unit_id, std::nullopt, c.subject, c.site_unit_id, by};
  if (c.task_id)
    if (auto t = tasks_.get(*c.task_id)) in.plan_unit_id = t->unit_id;
  Routing r = route_case(in, dir);
  check_art8(c, r.reporter_on_duty);
  json routing = to_json(r);
  // Only a draft is reported, once: two servers reporting it at once both read it a draft (kCaseWriters), and the
  // second's update, made after the first's commit, finds it reported.
  if (db_.exec("UPDATE cases SET status='reported', reported_by=?, reported_at=?, reporter_on_duty=?, routing=?, handling_unit_id=?, "
               "clause=?, escalation=?, updated_at=? WHERE id=? AND status='draft'",
               {by, now, int64_t{r.reporter_on_duty}, routing.dump(), r.handling_unit_id, r.clause,
                to_json(EscalationState{now, {}, {}}).dump(), now, id}) != 1) {
    auto t = case_step("reported", CaseStep::report);
    throw Problem::conflict(t.refusal_en, t.refusal_vi);
  }
  std::vector<store::Value> recipients;
  for (const auto& rc : r.recipients) recipients.insert(recipients.end(), {id, rc.user_id, rc.role, int64_t{rc.approver}});
  store::insert_rows(db_, "INSERT INTO case_recipients(case_id, user_id, role, approver) VALUES ", 4, recipients, "ON CONFLICT DO NOTHING");
  record(id, by, "reported", fmt::format("Báo cáo vụ việc theo {}", r.clause_vi), fmt::format("Reported under {}", r.clause_en),
         {{"clause", r.clause}});
  json names = json::array();
  for (const auto& rc : r.recipients) names.push_back(rc.user_id);
  record(id, std::nullopt, "routed", r.explanation_vi, r.explanation_en,
         {{"recipients", names}, {"handling_unit_id", r.handling_unit_id}, {"warnings", routing["warnings"]}});
  if (r.focal_unit_id) {
    // 16.4(c): the first hop, at the focal point, with the deadline of the case's severity.
    int64_t due = now + int64_t{read_policy(db_, c.severity).relay_minutes} * 60'000;
    db_.exec("INSERT INTO case_relays(case_id, stage, focal_unit_id, hq_unit_id, due_at) VALUES (?, 'at_focal_point', ?, ?, ?)",
             {id, *r.focal_unit_id, r.handling_unit_id, due});
    c.relay = Relay{};
    c.relay->stage = "at_focal_point", c.relay->focal_unit_id = *r.focal_unit_id, c.relay->hq_unit_id = r.handling_unit_id;
    c.relay->due_at = due;
    auto focal = units_.get(*r.focal_unit_id);
    record(id, std::nullopt, "relay.at_focal_point",
           fmt::format("Đến đầu mối {}: chuyển Lãnh đạo trước {}", focal ? focal->name_vi : "", core::iso8601(due)),
           fmt::format("At the focal point, {}: to be forwarded to the leadership by {}", focal ? focal->name_en : "", core::iso8601(due)),
           {{"focal_unit_id", *r.focal_unit_id}, {"due_at", core::iso8601(due)}});
  }
  // The case as now written (not read back; test: Cases.AReportedCaseIsWhatTheStoreHolds).
  c.status = "reported", c.reported_by = by, c.reported_at = c.updated_at = now, c.reporter_on_duty = r.reporter_on_duty;
  c.routing = std::move(routing);
  std::vector<int64_t> told;
  for (const auto& rc : r.recipients) told.push_back(rc.user_id);
  inbox_.notify(told, "case_reported", c, std::nullopt,
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
    alerts_.raise(std::move(a));
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
    publish(bus_, std::move(e));
  }
  return done(who, "case.report", std::move(c));
}

Case Cases::acknowledge(int64_t id, const audit::Actor& who) {
  return store::Work::run(db_, [&](store::Work&) {
    const int64_t by = who.user_id;
    Case c = in_step(id, CaseStep::acknowledge);
    int64_t now = clock_.now_ms();
    db_.exec("UPDATE cases SET status='acknowledged', acknowledged_by=?, acknowledged_at=?, updated_at=? WHERE id=?", {by, now, now, id});
    record(id, by, "acknowledged", "Tiếp nhận vụ việc", "Case acknowledged");
    inbox_.mark_case_read(by, id);
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
    std::vector<int64_t> approvers;
    for (const auto& r : db_.query("SELECT user_id FROM case_recipients WHERE case_id = ? AND approver = 1", {id}))
      if (r.i64("user_id") != by) approvers.push_back(r.i64("user_id"));
    inbox_.notify(approvers, "proposal_submitted", c, std::nullopt, fmt::format("Vụ việc {}: đề xuất phương án xử lý chờ phê duyệt", c.number),
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
    inbox_.notify({p->proposed_by}, "proposal_decided", c, std::nullopt,
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
  return r ? r->str("role") : "";
}

void Cases::add_recipients(const Case& c, std::vector<int64_t> users, const std::string& role, bool approver) {
  each_once(users);
  std::vector<store::Value> rows;
  for (auto user : users) rows.insert(rows.end(), {c.id, user, role, int64_t{approver}});
  store::insert_rows(db_, "INSERT INTO case_recipients(case_id, user_id, role, approver) VALUES ", 4, rows,
                     "ON CONFLICT(case_id, user_id) DO UPDATE SET role = excluded.role, approver = MAX(case_recipients.approver, excluded.approver)");
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
  return c.relay ? hq_leaders(*c.relay, directory_.read(clock_.now_ms())) : std::vector<int64_t>{};
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
    Directory dir = directory_.read(now);
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
    inbox_.notify(leaders, "case_forwarded", c, std::nullopt,
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
    int64_t due = now + int64_t{read_policy(db_, c.severity).relay_minutes} * 60'000;
    db_.exec("UPDATE case_relays SET stage = ?, due_at = ?, direction = ?, directed_by = ?, directed_at = ? WHERE case_id = ?",
             {next, due, direction, by, now, id});
    std::vector<int64_t> focal;
    for (const auto& r : db_.query("SELECT user_id FROM case_recipients WHERE case_id = ? AND role IN ('focal_point','focal_leadership')", {id}))
      focal.push_back(r.i64("user_id"));
    inbox_.notify(focal, "case_directed", c, std::nullopt,
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
    Directory dir = directory_.read(now);
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
    if (auto t = tasks_.get(*c.task_id)) units.push_back(t->unit_id);
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
  inbox_.notify(people, "case_direction", c, std::nullopt, fmt::format("Ý kiến chỉ đạo về vụ việc {}: {}", c.number, core::utf8_prefix(direction, 160)),
                fmt::format("Direction on case {}: {}", c.number, core::utf8_prefix(direction, 160)));
}

void Cases::lapse_relay(const Case& c, const std::string& to, int64_t now, Directory& dir) {
  const Relay& r = *c.relay;
  int minutes = read_policy(db_, c.severity).relay_minutes;
  const org::Unit* focal = dir.unit(r.focal_unit_id);
  const org::Unit* hq = dir.unit(r.hq_unit_id);
  if (to == "at_focal_leadership") {
    // The focal point's leadership: its own leaders not already holding the case, else those of the
    // office it belongs to (Phòng Tổng hợp, Văn phòng).
    std::vector<int64_t> people, holding_it;
    for (const auto& row : db_.query("SELECT user_id FROM case_recipients WHERE case_id = ? AND role = 'focal_point'", {c.id}))
      holding_it.push_back(row.i64("user_id"));
    for (const org::Unit* u = focal; u && people.empty(); u = u->parent_id ? dir.unit(*u->parent_id) : nullptr) {
      if (hq && u->id == hq->id) break;
      for (const auto* p : dir.holding(u->id, {auth::Role::unit_leader}))
        if (std::find(holding_it.begin(), holding_it.end(), p->user_id) == holding_it.end()) people.push_back(p->user_id);
    }
    if (people.empty()) return lapse_relay(c, "sent_to_leaders", now, dir);  // nobody to ask: straight on
    db_.exec("UPDATE case_relays SET stage = ?, due_at = ? WHERE case_id = ?", {to, now + int64_t{minutes} * 60'000, c.id});
    add_recipients(c, people, "focal_leadership", false);
    inbox_.notify(people, "case_relay_overdue", c, std::nullopt,
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
    inbox_.notify(leaders, "case_forwarded", c, std::nullopt, fmt::format("Vụ việc {} gửi thẳng Lãnh đạo (đầu mối quá hạn) xin ý kiến chỉ đạo", c.number),
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
      alerts_.raise(std::move(a));
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

// ---- the timeline, the case's event, the escalation runner's queue ----------------------------

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
  for (const auto& r : db_.query("SELECT user_id FROM case_recipients WHERE case_id = ?", {case_id})) out.push_back(r.i64("user_id"));
  return out;
}

Case Cases::changed(int64_t case_id) {
  schedule(case_id);
  auto c = require_case(case_id);
  published(c);
  return c;
}

void Cases::published(const Case& c) {
  const int64_t case_id = c.id;
  events::Event e;
  e.topic = "case.changed";
  e.unit_id = c.unit_id;
  e.read_action = auth::Action::case_read;
  e.from_camera = c.cameras.is_array() && !c.cameras.empty();
  e.payload = to_json(c, false, clock_.now_ms());
  if (c.status == "draft") {
    e.only_user = c.created_by;  // a draft is its author's until it is reported
  } else {
    e.also_users = recipients_of(case_id);
    e.also_users.push_back(c.created_by);
  }
  // One event per case per unit of work: the last state wins.
  publish(bus_, std::move(e), fmt::format("case.changed:{}", case_id));
}

Case Cases::done(const audit::Actor& who, const char* action, int64_t id, json details) {
  return done(who, action, require_case(id), std::move(details));
}

Case Cases::done(const audit::Actor& who, const char* action, Case c, json details) {
  schedule(c.id);
  published(c);
  details["status"] = c.status;
  audit_.append(who.event(action, "case", std::to_string(c.id), c.unit_id, details));
  return c;
}


void Cases::schedule(int64_t case_id) {
  auto r = db_.query_one("SELECT c.status, c.severity, c.reported_at, c.acknowledged_at, c.escalation, c.due_at AS queued, x.stage, "
                         "x.due_at FROM cases c LEFT JOIN case_relays x ON x.case_id = c.id WHERE c.id = ?",
                         {case_id});
  if (!r) return;
  std::optional<int64_t> due;
  const std::string status = r->str("status");
  if (status == "reported" || status == "acknowledged" || status == "in_handling" || status == "coordination_requested") {
    // 16.4(c): while the focal point owes a hop, its own deadline runs instead of the escalation steps.
    if (auto stage = r->opt_str("stage"); stage && relay_awaits_focal_point(*stage)) {
      due = r->opt_i64("due_at");
    } else {
      auto state = state_from_json(json::parse(r->str("escalation")));
      CaseClock clock{status, r->opt_i64("reported_at").value_or(clock_.now_ms()), r->opt_i64("acknowledged_at")};
      if (state.since == 0) state.since = clock.reported_at;
      due = next_due(read_policy(db_, r->str("severity")), state, clock);
    }
  }
  if (due != r->opt_i64("queued")) db_.exec("UPDATE cases SET due_at = ? WHERE id = ?", {store::opt(due), case_id});
}

// ---- the handover (Art. 15.2) -----------------------------------------------------------------

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
       db_.query(std::string(kCoordinationSelect) + " WHERE r.status IN ('sent','acknowledged') ORDER BY r.id")) {
    auto req = coordination_from_row(r);
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

}  // namespace watchfloor::supervision
