#include "duty/duty.h"

#include <fmt/format.h>

#include <algorithm>
#include <map>

#include "core/error.h"
#include "core/json_body.h"
#include "core/tz.h"
#include "org/names.h"

namespace watchfloor::duty {
namespace {

using core::Problem;
using nlohmann::json;

template <size_t N>
bool one_of(const char* const (&list)[N], const std::string& v) {
  return std::any_of(std::begin(list), std::end(list), [&](const char* x) { return v == x; });
}

json opt(const std::optional<int64_t>& v) { return v ? json(*v) : json(); }
json opt_time(const std::optional<int64_t>& v) { return v ? json(core::iso8601(*v)) : json(); }
json opt(const std::optional<std::string>& v) { return v ? json(*v) : json(); }

std::vector<Member> members_from_json(const json& j, const std::string& field) {
  if (!j.is_array()) throw Problem::field(field, "Phải là một mảng thành viên", "Must be an array of members");
  std::vector<Member> out;
  bool acting_named = false;
  for (size_t i = 0; i < j.size(); ++i) {
    std::string f = fmt::format("{}[{}]", field, i);
    core::JsonBody b(j[i], {"user_id", "position", "acting_leader"}, f);
    auto user = b.integer("user_id", core::Need::required);
    auto pos = b.string("position", core::Need::required, 40);
    bool acting = b.boolean("acting_leader", core::Need::optional).value_or(false);
    if (pos && !is_position(*pos)) b.error(b.path("position"), "Vị trí trong ca trực không hợp lệ", "Unknown position in the shift");
    if (acting && pos != "deputy_leader")
      b.error(b.path("acting_leader"), "Chỉ lãnh đạo cấp phòng trong ca mới được giao quyền lãnh đạo ca trực",
              "Only a division-level leader of the shift can be named acting shift leader");
    else if (acting && acting_named)
      b.error(b.path("acting_leader"), "Mỗi ca trực chỉ giao quyền lãnh đạo ca cho một người",
              "A shift has at most one acting shift leader");
    acting_named = acting_named || acting;
    b.finish();
    out.push_back({*user, *pos, acting});
  }
  return out;
}

json members_json(const std::vector<Member>& ms) {
  json a = json::array();
  for (const auto& m : ms)
    a.push_back({{"user_id", m.user_id}, {"position", m.position}, {"acting_leader", m.acting_leader}});
  return a;
}

Roster roster_from_row(const store::Row& r) {
  Roster x;
  x.id = r.i64("id");
  x.unit_id = r.i64("unit_id");
  x.period_from = r.str("period_from");
  x.period_to = r.str("period_to");
  x.status = r.str("status");
  x.rotation = rotation_from_json(json::parse(r.str("rotation")), "rotation");
  x.overrides = overrides_from_json(json::parse(r.str("overrides")), "overrides");
  x.swaps = swaps_from_json(json::parse(r.str("swaps")), "swaps");
  x.composition_exception = r.opt_str("composition_exception");
  x.created_by = r.opt_i64("created_by");
  x.created_at = r.i64("created_at");
  x.submitted_by = r.opt_i64("submitted_by");
  x.submitted_at = r.opt_i64("submitted_at");
  x.approved_by = r.opt_i64("approved_by");
  x.approved_at = r.opt_i64("approved_at");
  x.published_by = r.opt_i64("published_by");
  x.published_at = r.opt_i64("published_at");
  x.updated_at = r.i64("updated_at");
  return x;
}

const char* kRosterColumns =
    "id, unit_id, period_from, period_to, status, rotation, overrides, swaps, composition_exception, created_by, "
    "created_at, submitted_by, submitted_at, approved_by, approved_at, published_by, published_at, updated_at";

Problem wrong_state(const std::string& status, const std::string& action) {
  return Problem::conflict(fmt::format("A roster in state '{}' cannot be {}.", status, action),
                           fmt::format("Lịch trực ở trạng thái '{}' không thể thực hiện thao tác này ({}).", status, action));
}

}  // namespace

// ---- JSON -----------------------------------------------------------------------------------

Rotation rotation_from_json(const json& j, const std::string& field) {
  core::JsonBody b(j, {"kind", "anchor_date", "teams", "weekdays"}, field);
  Rotation r;
  r.kind = b.string("kind", core::Need::required, 40).value_or("");
  b.finish();
  if (r.kind == "daily_rotation") {
    r.anchor_date = b.string("anchor_date", core::Need::required, 10).value_or("");
    if (!r.anchor_date.empty() && !valid_date(r.anchor_date))
      b.error(b.path("anchor_date"), "Ngày phải theo dạng YYYY-MM-DD", "The date must be YYYY-MM-DD");
    const auto* teams = b.raw("teams");
    if (!teams || !teams->is_array() || teams->empty())
      b.error(b.path("teams"), "Cần ít nhất một kíp trực", "At least one team is needed");
    b.finish();
    for (size_t i = 0; i < teams->size(); ++i) {
      r.teams.push_back(members_from_json((*teams)[i], fmt::format("{}.teams[{}]", field, i)));
      if (r.teams.back().empty())
        throw Problem::field(fmt::format("{}.teams[{}]", field, i), "Kíp trực phải có ít nhất một người", "A team needs at least one person");
    }
  } else if (r.kind == "weekday_owners") {
    const auto* days = b.raw("weekdays");
    if (!days || !days->is_array() || days->size() != 7)
      b.error(b.path("weekdays"), "Cần đủ 7 ngày, bắt đầu từ thứ Hai", "Seven weekdays are needed, Monday first");
    b.finish();
    for (size_t i = 0; i < 7; ++i) {
      std::string f = fmt::format("{}.weekdays[{}]", field, i);
      core::JsonBody d((*days)[i], {"owner_unit_id", "members"}, f);
      WeekdayOwner w;
      if (auto owner = d.nullable_integer("owner_unit_id")) w.owner_unit_id = *owner;
      d.finish();
      w.members = members_from_json((*days)[i].value("members", json::array()), f + ".members");
      r.weekdays.push_back(std::move(w));
    }
  } else {
    throw Problem::field(field + ".kind", "Kiểu luân phiên phải là daily_rotation hoặc weekday_owners",
                         "The rotation kind must be daily_rotation or weekday_owners");
  }
  return r;
}

std::vector<Override> overrides_from_json(const json& j, const std::string& field) {
  if (!j.is_array()) throw Problem::field(field, "Phải là một mảng", "Must be an array");
  std::vector<Override> out;
  for (size_t i = 0; i < j.size(); ++i) {
    core::JsonBody b(j[i], {"date", "user_out", "user_in", "reason"}, fmt::format("{}[{}]", field, i));
    Override o;
    o.date = b.string("date", core::Need::required, 10).value_or("");
    o.user_out = b.integer("user_out", core::Need::required).value_or(0);
    o.user_in = b.integer("user_in", core::Need::required).value_or(0);
    o.reason = b.string("reason", core::Need::optional, 500).value_or("");
    if (!o.date.empty() && !valid_date(o.date)) b.error(b.path("date"), "Ngày phải theo dạng YYYY-MM-DD", "The date must be YYYY-MM-DD");
    b.finish();
    out.push_back(std::move(o));
  }
  return out;
}

std::vector<Swap> swaps_from_json(const json& j, const std::string& field) {
  if (!j.is_array()) throw Problem::field(field, "Phải là một mảng", "Must be an array");
  std::vector<Swap> out;
  for (size_t i = 0; i < j.size(); ++i) {
    core::JsonBody b(j[i], {"date_a", "user_a", "date_b", "user_b", "reason"}, fmt::format("{}[{}]", field, i));
    Swap s;
    s.date_a = b.string("date_a", core::Need::required, 10).value_or("");
    s.user_a = b.integer("user_a", core::Need::required).value_or(0);
    s.date_b = b.string("date_b", core::Need::required, 10).value_or("");
    s.user_b = b.integer("user_b", core::Need::required).value_or(0);
    s.reason = b.string("reason", core::Need::optional, 500).value_or("");
    for (const char* f : {"date_a", "date_b"})
      if (auto d = (std::string(f) == "date_a" ? s.date_a : s.date_b); !d.empty() && !valid_date(d))
        b.error(b.path(f), "Ngày phải theo dạng YYYY-MM-DD", "The date must be YYYY-MM-DD");
    b.finish();
    out.push_back(std::move(s));
  }
  return out;
}

json to_json(const Rotation& r) {
  if (r.kind == "weekday_owners") {
    json days = json::array();
    for (const auto& w : r.weekdays) days.push_back({{"owner_unit_id", opt(w.owner_unit_id)}, {"members", members_json(w.members)}});
    return {{"kind", r.kind}, {"weekdays", days}};
  }
  json teams = json::array();
  for (const auto& t : r.teams) teams.push_back(members_json(t));
  return {{"kind", r.kind}, {"anchor_date", r.anchor_date}, {"teams", teams}};
}

json to_json(const Roster& r) {
  json overrides = json::array(), swaps = json::array(), amendments = json::array();
  for (const auto& o : r.overrides)
    overrides.push_back({{"date", o.date}, {"user_out", o.user_out}, {"user_in", o.user_in}, {"reason", o.reason}});
  for (const auto& s : r.swaps)
    swaps.push_back({{"date_a", s.date_a}, {"user_a", s.user_a}, {"date_b", s.date_b}, {"user_b", s.user_b}, {"reason", s.reason}});
  for (const auto& a : r.amendments)
    amendments.push_back({{"at", core::iso8601(a.at)}, {"by", a.by}, {"reason", a.reason}, {"change", a.change}});
  return {{"id", r.id},
          {"unit_id", r.unit_id},
          {"period_from", r.period_from},
          {"period_to", r.period_to},
          {"status", r.status},
          {"rotation", to_json(r.rotation)},
          {"overrides", overrides},
          {"swaps", swaps},
          {"composition_exception", opt(r.composition_exception)},
          {"created_by", opt(r.created_by)},
          {"created_at", core::iso8601(r.created_at)},
          {"submitted_by", opt(r.submitted_by)},
          {"submitted_at", opt_time(r.submitted_at)},
          {"approved_by", opt(r.approved_by)},
          {"approved_at", opt_time(r.approved_at)},
          {"published_by", opt(r.published_by)},
          {"published_at", opt_time(r.published_at)},
          {"amendments", amendments}};
}

json to_json(const Shift& s, int64_t now) {
  json members = json::array();
  for (const auto& m : s.members)
    members.push_back({{"user_id", m.user_id},
                       {"position", m.position},
                       {"acting_leader", m.acting_leader},
                       {"checked_in_at", opt_time(m.checked_in_at)}});
  return {{"id", s.id},       {"unit_id", s.unit_id},
          {"roster_id", s.roster_id},
          {"date", s.date},   {"starts_at", core::iso8601(s.starts_at)},
          {"ends_at", core::iso8601(s.ends_at)},
          {"status", s.status(now)},
          {"members", members}};
}

json to_json(const LogEntry& e) {
  return {{"id", e.id},     {"shift_id", e.shift_id}, {"at", core::iso8601(e.at)}, {"author_id", e.author_id},
          {"kind", e.kind}, {"text", e.text},         {"links", e.links},            {"corrects_id", opt(e.corrects_id)}};
}

json to_json(const FocusItem& f) {
  return {{"id", f.id}, {"shift_id", f.shift_id}, {"text", f.text}, {"source", f.source}, {"set_by", f.set_by}, {"at", core::iso8601(f.at)}};
}

json to_json(const Order& o) {
  return {{"id", o.id},
          {"shift_id", o.shift_id},
          {"kind", o.kind},
          {"target_type", o.target_type},
          {"target_ref", o.target_ref},
          {"receiving_unit_id", opt(o.receiving_unit_id)},
          {"instructions", o.instructions},
          {"issued_by", o.issued_by},
          {"issued_at", core::iso8601(o.issued_at)},
          {"outcome", opt(o.outcome)},
          {"outcome_by", opt(o.outcome_by)},
          {"outcome_at", opt_time(o.outcome_at)},
          {"status", o.outcome ? "done" : "open"}};
}

json to_json(const Handover& h) {
  return {{"shift_id", h.shift_id},     {"prepared_by", h.prepared_by}, {"prepared_at", core::iso8601(h.prepared_at)},
          {"summary", h.summary},       {"notes", h.notes},             {"open_items", h.open_items},
          {"accepted_by", opt(h.accepted_by)},
          {"accepted_at", opt_time(h.accepted_at)},
          {"remarks", opt(h.remarks)},
          {"status", h.accepted_at ? "accepted" : "prepared"}};
}

json to_json(const ShiftTemplate& t) {
  json phases = json::array();
  for (const auto& p : t.phases)
    phases.push_back({{"id", p.id}, {"name_vi", p.name_vi}, {"name_en", p.name_en}, {"from_minute", p.from_minute},
                      {"to_minute", p.to_minute}, {"required", p.required}});
  return {{"start_minute", t.start_minute}, {"length_minutes", t.length_minutes}, {"phases", phases},
          {"checkin_grace_minutes", t.checkin_grace_minutes}, {"handover_grace_minutes", t.handover_grace_minutes}};
}

// ---- Shift ----------------------------------------------------------------------------------

std::string Shift::status(int64_t now) const {
  if (now < starts_at) return "planned";
  // A handover accepted a little early does not end the shift before its time.
  if (now < ends_at) return "on_duty";
  return handover_accepted_at ? "closed" : "handover_pending";
}

std::optional<std::string> Shift::position_of(int64_t user_id) const {
  if (const auto* m = member(user_id)) return m->position;
  return std::nullopt;
}

const ShiftMember* Shift::member(int64_t user_id) const {
  for (const auto& m : members)
    if (m.user_id == user_id) return &m;
  return nullptr;
}

bool stops_goods_or_transport(const std::string& order_kind) { return order_kind == "stop_goods"; }

// ---- Rosters --------------------------------------------------------------------------------

ShiftTemplate Duty::template_for(int64_t unit_id) {
  auto row = db_.query_one("SELECT body FROM shift_templates WHERE unit_id = ?", {unit_id});
  return row ? template_from_json(json::parse(row->str("body"))) : default_template();
}

ShiftTemplate Duty::set_template(int64_t unit_id, const ShiftTemplate& t, const audit::Actor& by) {
  return store::Work::run(db_, [&](store::Work&) {
    db_.exec("INSERT INTO shift_templates(unit_id, body, updated_at) VALUES (?,?,?) ON CONFLICT(unit_id) DO UPDATE SET "
             "body = excluded.body, updated_at = excluded.updated_at",
             {unit_id, to_json(t).dump(), clock_.now_ms()});
    auto saved = template_for(unit_id);
    audit_.append(by.event("shift_template.update", "unit", std::to_string(unit_id), unit_id, to_json(saved)));
    return saved;
  });
}

ShiftTemplate template_from_json(const json& j) {
  core::JsonBody b(j, {"start_minute", "length_minutes", "phases", "checkin_grace_minutes", "handover_grace_minutes"});
  ShiftTemplate t;
  auto in_range = [&](const char* f, int lo, int hi, int& out) {
    if (auto v = b.integer(f, core::Need::required)) {
      if (*v < lo || *v > hi) b.error(f, fmt::format("Phải từ {} đến {}", lo, hi), fmt::format("Must be from {} to {}", lo, hi));
      else out = static_cast<int>(*v);
    }
  };
  in_range("start_minute", 0, 24 * 60 - 1, t.start_minute);
  in_range("length_minutes", 60, 48 * 60, t.length_minutes);
  in_range("checkin_grace_minutes", 1, 240, t.checkin_grace_minutes);
  in_range("handover_grace_minutes", 1, 240, t.handover_grace_minutes);
  const auto* phases = b.raw("phases");
  if (!phases || !phases->is_array()) b.error("phases", "Phải là một mảng giai đoạn", "Must be an array of phases");
  b.finish();
  t.phases.clear();
  for (size_t i = 0; i < phases->size(); ++i) {
    std::string f = fmt::format("phases[{}]", i);
    core::JsonBody p((*phases)[i], {"id", "name_vi", "name_en", "from_minute", "to_minute", "required"}, f);
    Phase ph;
    ph.id = p.string("id", core::Need::required, 40).value_or("");
    ph.name_vi = p.string("name_vi", core::Need::required, 200).value_or("");
    ph.name_en = p.string("name_en", core::Need::required, 200).value_or("");
    ph.from_minute = static_cast<int>(p.integer("from_minute", core::Need::required).value_or(0));
    ph.to_minute = static_cast<int>(p.integer("to_minute", core::Need::required).value_or(0));
    if (ph.from_minute < 0 || ph.to_minute <= ph.from_minute || ph.to_minute > t.length_minutes)
      p.error(p.path("to_minute"), "Giai đoạn phải nằm trong ca trực", "The phase must lie within the shift");
    const auto* req = p.raw("required");
    if (!req || !req->is_object()) {
      p.error(p.path("required"), "Phải là đối tượng vị trí → số người", "Must map positions to counts");
    } else {
      for (const auto& [pos, n] : req->items()) {
        if (!is_position(pos)) p.error(p.path("required." + pos), "Vị trí không hợp lệ", "Unknown position");
        else if (!n.is_number_integer() || n.get<int64_t>() < 0 || n.get<int64_t>() > 50)
          p.error(p.path("required." + pos), "Phải là số người từ 0 đến 50", "Must be a count from 0 to 50");
        else ph.required[pos] = n.get<int>();
      }
    }
    p.finish();
    t.phases.push_back(std::move(ph));
  }
  return t;
}

std::string Duty::time_zone_of(int64_t unit_id) {
  auto u = units_.get(unit_id);
  return u ? u->time_zone : std::string(core::kDefaultTimeZone);
}

std::vector<Roster> Duty::rosters(std::optional<int64_t> unit_id) {
  std::vector<Roster> out;
  auto rows = unit_id ? db_.query(fmt::format("SELECT {} FROM rosters WHERE unit_id = ? ORDER BY period_from DESC", kRosterColumns), {*unit_id})
                      : db_.query(fmt::format("SELECT {} FROM rosters ORDER BY period_from DESC", kRosterColumns));
  for (const auto& r : rows) out.push_back(roster_from_row(r));
  return out;
}

std::optional<Roster> Duty::roster(int64_t id) {
  auto row = db_.query_one(fmt::format("SELECT {} FROM rosters WHERE id = ?", kRosterColumns), {id});
  if (!row) return std::nullopt;
  Roster r = roster_from_row(*row);
  for (const auto& a : db_.query("SELECT at, by_user, reason, change FROM roster_amendments WHERE roster_id = ? ORDER BY id", {id}))
    r.amendments.push_back({a.i64("at"), a.i64("by_user"), a.str("reason"), json::parse(a.str("change"))});
  return r;
}

std::vector<PlannedShift> Duty::plan(const Roster& r) {
  try {
    return compute_schedule(r.rotation, r.overrides, r.swaps, template_for(r.unit_id), time_zone_of(r.unit_id),
                            r.period_from, r.period_to);
  } catch (const std::invalid_argument& e) {
    std::string what = e.what();
    std::string field = what.rfind("swap", 0) == 0 ? "swaps" : what.rfind("override", 0) == 0 ? "overrides" : "rotation";
    throw Problem::field(field, "Lịch trực không tính được: " + what, "The schedule cannot be computed: " + what);
  }
}

std::vector<CompositionGap> Duty::composition_gaps(const Roster& r) {
  std::vector<CompositionGap> gaps;
  auto tmpl = template_for(r.unit_id);
  for (const auto& s : plan(r))
    for (auto& g : check_composition(s, tmpl)) gaps.push_back(std::move(g));
  return gaps;
}

namespace {
void validate_period(const std::string& from, const std::string& to) {
  std::vector<core::FieldError> errs;
  if (!valid_date(from)) errs.push_back({"period_from", "Ngày phải theo dạng YYYY-MM-DD", "The date must be YYYY-MM-DD"});
  if (!valid_date(to)) errs.push_back({"period_to", "Ngày phải theo dạng YYYY-MM-DD", "The date must be YYYY-MM-DD"});
  if (errs.empty() && days_between(from, to) < 0)
    errs.push_back({"period_to", "Ngày kết thúc phải sau ngày bắt đầu", "The period must end after it starts"});
  if (errs.empty() && days_between(from, to) > 366)
    errs.push_back({"period_to", "Một lịch trực dài tối đa một năm", "A roster covers at most one year"});
  if (!errs.empty()) throw Problem::validation(std::move(errs));
}

void validate_people(store::Db& db, const Roster& r) {
  std::vector<int64_t> ids;
  for (const auto& t : r.rotation.teams)
    for (const auto& m : t) ids.push_back(m.user_id);
  for (const auto& w : r.rotation.weekdays)
    for (const auto& m : w.members) ids.push_back(m.user_id);
  for (const auto& o : r.overrides) ids.push_back(o.user_in);
  for (int64_t id : ids)
    if (!db.query_one("SELECT 1 FROM users WHERE id = ? AND active = 1", {id}))
      throw Problem::field("rotation", fmt::format("Không có cán bộ đang hoạt động với mã {}", id),
                           fmt::format("No active person has id {}", id));
}
}  // namespace

Roster Duty::create_roster(const RosterInput& in, const audit::Actor& by) {
  std::vector<core::FieldError> missing;
  if (!in.unit_id) missing.push_back({"unit_id", "Trường bắt buộc", "Required field"});
  if (!in.period_from) missing.push_back({"period_from", "Trường bắt buộc", "Required field"});
  if (!in.period_to) missing.push_back({"period_to", "Trường bắt buộc", "Required field"});
  if (!in.rotation) missing.push_back({"rotation", "Trường bắt buộc", "Required field"});
  if (!missing.empty()) throw Problem::validation(std::move(missing));
  validate_period(*in.period_from, *in.period_to);
  if (!units_.get(*in.unit_id)) throw Problem::field("unit_id", "Đơn vị không tồn tại", "The unit does not exist");
  Roster r;
  r.unit_id = *in.unit_id;
  r.period_from = *in.period_from;
  r.period_to = *in.period_to;
  r.rotation = *in.rotation;
  r.overrides = in.overrides.value_or(std::vector<Override>{});
  r.swaps = in.swaps.value_or(std::vector<Swap>{});
  validate_people(db_, r);
  plan(r);  // refuses rules that cannot produce a schedule
  int64_t now = clock_.now_ms();
  return store::Work::run(db_, [&](store::Work&) {
    db_.exec("INSERT INTO rosters(unit_id, period_from, period_to, status, rotation, overrides, swaps, created_by, "
             "created_at, updated_at) VALUES (?,?,?,?,?,?,?,?,?,?)",
             {r.unit_id, r.period_from, r.period_to, std::string("draft"), to_json(r.rotation).dump(),
              to_json(r)["overrides"].dump(), to_json(r)["swaps"].dump(), by.user_id, now, now});
    auto created = *roster(db_.last_insert_id());
    audit_.append(by.event("roster.create", "roster", std::to_string(created.id), created.unit_id, to_json(created)));
    return created;
  });
}

Roster Duty::update_roster(int64_t id, const RosterInput& in, const audit::Actor& by, const json& asked) {
  return store::Work::run(db_, [&](store::Work&) {
    auto before = roster(id);
    if (!before) throw Problem::not_found("The roster", "Lịch trực");
    Roster r = *before;
    bool published = r.status == "published";
    if (in.unit_id && *in.unit_id != r.unit_id)
      throw Problem::field("unit_id", "Không thể chuyển lịch trực sang đơn vị khác", "A roster cannot move to another unit");
    if (published && (in.period_from || in.period_to || in.rotation))
      throw Problem::field(in.rotation ? "rotation" : "period_from",
                           "Lịch đã ban hành chỉ được sửa đổi bằng thay thế hoặc đổi ca",
                           "A published roster is amended only by overrides and swaps");
    if (published && (!in.reason || in.reason->empty()))
      throw Problem::field("reason", "Sửa đổi lịch đã ban hành phải nêu lý do", "Amending a published roster needs a reason");
    if (in.period_from) r.period_from = *in.period_from;
    if (in.period_to) r.period_to = *in.period_to;
    if (in.rotation) r.rotation = *in.rotation;
    if (in.overrides) r.overrides = *in.overrides;
    if (in.swaps) r.swaps = *in.swaps;
    validate_period(r.period_from, r.period_to);
    validate_people(db_, r);
    plan(r);
    // Editing a submitted or approved roster sends it back to draft: what was approved is not what it says now.
    std::string status = published ? "published" : "draft";
    json j = to_json(r);
    db_.exec("UPDATE rosters SET period_from=?, period_to=?, rotation=?, overrides=?, swaps=?, status=?, updated_at=?, "
             "composition_exception = CASE WHEN ? = 'draft' THEN NULL ELSE composition_exception END WHERE id=?",
             {r.period_from, r.period_to, j["rotation"].dump(), j["overrides"].dump(), j["swaps"].dump(), status,
              clock_.now_ms(), status, id});
    if (published) {
      json change = json::object();  // what the amendment changed, as stored with it
      if (in.overrides) change["overrides"] = j["overrides"];
      if (in.swaps) change["swaps"] = j["swaps"];
      db_.exec("INSERT INTO roster_amendments(roster_id, at, by_user, reason, change) VALUES (?,?,?,?,?)",
               {id, clock_.now_ms(), by.user_id, *in.reason, change.dump()});
      materialise(r, true);
    }
    audit_.append(by.event(published ? "roster.amend" : "roster.update", "roster", std::to_string(id), r.unit_id,
                           {{"change", asked}}));
    return *roster(id);
  });
}

Roster Duty::roster_in(int64_t id, const char* status, const char* step) {
  auto r = roster(id);
  if (!r) throw Problem::not_found("The roster", "Lịch trực");
  if (r->status != status) throw wrong_state(r->status, step);
  return *r;
}

Roster Duty::submit(int64_t id, const audit::Actor& by) {
  return store::Work::run(db_, [&](store::Work&) {
    auto r = roster_in(id, "draft", "submitted");
    db_.exec("UPDATE rosters SET status='submitted', submitted_by=?, submitted_at=?, updated_at=? WHERE id=?",
             {by.user_id, clock_.now_ms(), clock_.now_ms(), id});
    audit_.append(by.event("roster.submit", "roster", std::to_string(id), r.unit_id));
    return *roster(id);
  });
}

Roster Duty::approve(int64_t id, const audit::Actor& by, const std::optional<std::string>& exception) {
  return store::Work::run(db_, [&](store::Work&) {
    auto r = roster_in(id, "submitted", "approved");
    auto gaps = composition_gaps(r);
    if (!gaps.empty() && (!exception || exception->empty())) {
      std::vector<core::FieldError> errs;
      for (const auto& g : gaps) {
        errs.push_back({"composition_exception",
                        fmt::format("Ca ngày {} ({}) thiếu {}: cần {}, có {}", g.date, g.phase, g.position, g.required, g.present),
                        fmt::format("Shift of {} ({}) lacks {}: needs {}, has {}", g.date, g.phase, g.position, g.required, g.present)});
        if (errs.size() >= 20) break;
      }
      Problem p(409, "composition", "Shift composition not met", "Thành phần ca trực chưa đủ",
                "Approve with a recorded exception (composition_exception) or fix the roster.",
                "Phê duyệt kèm ngoại lệ có ghi lý do (composition_exception) hoặc sửa lịch trực.", std::move(errs));
      throw p;
    }
    db_.exec("UPDATE rosters SET status='approved', approved_by=?, approved_at=?, updated_at=?, composition_exception=? WHERE id=?",
             {by.user_id, clock_.now_ms(), clock_.now_ms(), gaps.empty() ? store::Value(nullptr) : store::Value(*exception), id});
    audit_.append(by.event("roster.approve", "roster", std::to_string(id), r.unit_id,
                           exception ? json{{"composition_exception", *exception}} : json::object()));
    return *roster(id);
  });
}

Roster Duty::publish(int64_t id, const audit::Actor& by) {
  return store::Work::run(db_, [&](store::Work&) {
    auto r = roster_in(id, "approved", "published");
    if (auto clash = db_.query_one("SELECT date FROM shifts WHERE unit_id = ? AND date BETWEEN ? AND ? LIMIT 1",
                                   {r.unit_id, r.period_from, r.period_to}))
      throw Problem::conflict(fmt::format("Another published roster already covers {}.", clash->str("date")),
                              fmt::format("Ngày {} đã có trong một lịch trực khác đã ban hành.", clash->str("date")));
    db_.exec("UPDATE rosters SET status='published', published_by=?, published_at=?, updated_at=? WHERE id=?",
             {by.user_id, clock_.now_ms(), clock_.now_ms(), id});
    materialise(r, false);
    audit_.append(by.event("roster.publish", "roster", std::to_string(id), r.unit_id));
    return *roster(id);
  });
}

void Duty::materialise(const Roster& r, bool only_future) {
  int64_t now = clock_.now_ms();
  for (const auto& p : plan(r)) {
    auto existing = db_.query_one("SELECT id FROM shifts WHERE unit_id = ? AND date = ?", {r.unit_id, p.date});
    int64_t shift_id = 0;
    if (existing) {
      // An amendment changes only shifts that have not started: the past stays as it was worked.
      if (only_future && p.starts_at <= now) continue;
      shift_id = existing->i64("id");
      db_.exec("DELETE FROM shift_members WHERE shift_id = ?", {shift_id});
    } else {
      db_.exec("INSERT INTO shifts(unit_id, roster_id, date, starts_at, ends_at) VALUES (?,?,?,?,?)",
               {r.unit_id, r.id, p.date, p.starts_at, p.ends_at});
      shift_id = db_.last_insert_id();
    }
    for (size_t i = 0; i < p.members.size(); ++i) {
      const auto& m = p.members[i];
      db_.exec("INSERT INTO shift_members(shift_id, user_id, position, acting_leader, member_order) VALUES (?,?,?,?,?) "
               "ON CONFLICT DO NOTHING",
               {shift_id, m.user_id, m.position, int64_t{m.acting_leader}, static_cast<int64_t>(i + 1)});
    }
  }
}

// ---- Shifts ---------------------------------------------------------------------------------

namespace {
const char* kShiftSelect =
    "SELECT s.id, s.unit_id, s.roster_id, s.date, s.starts_at, s.ends_at, h.accepted_at FROM shifts s "
    "LEFT JOIN handovers h ON h.shift_id = s.id";
}

std::vector<Shift> Duty::with_members(const std::vector<store::Row>& rows) {
  std::vector<Shift> out;
  std::map<int64_t, size_t> index;
  for (const auto& r : rows) {
    index[r.i64("id")] = out.size();
    out.push_back({r.i64("id"), r.i64("unit_id"), r.i64("roster_id"), r.str("date"), r.i64("starts_at"), r.i64("ends_at"), {},
                   r.opt_i64("accepted_at")});
  }
  if (out.empty()) return out;
  nlohmann::json ids = nlohmann::json::array();
  for (const auto& s : out) ids.push_back(s.id);
  for (const auto& m : db_.query("SELECT shift_id, user_id, position, checked_in_at, acting_leader FROM shift_members "
                                 "WHERE shift_id IN (SELECT CAST(value AS INTEGER) FROM json_each(?)) ORDER BY shift_id, member_order",
                                 {ids.dump()}))
    out[index.at(m.i64("shift_id"))].members.push_back(
        {m.i64("user_id"), m.str("position"), m.opt_i64("checked_in_at"), m.boolean("acting_leader")});
  return out;
}

std::vector<Shift> Duty::shifts(int64_t unit_id, int64_t from, int64_t to) {
  std::vector<Shift> out;
  db_.read([&] {
    out = with_members(db_.query(std::string(kShiftSelect) + " WHERE s.unit_id = ? AND s.ends_at > ? AND s.starts_at < ? ORDER BY s.starts_at",
                                 {unit_id, from, to}));
  });
  return out;
}

std::vector<Shift> Duty::shifts_at(int64_t at) {
  std::vector<Shift> out;
  db_.read([&] {
    // Of a unit's shifts covering `at`, the earliest, as shift_at takes.
    std::vector<store::Row> first;
    for (auto& r : db_.query(std::string(kShiftSelect) + " WHERE s.starts_at <= ? AND s.ends_at > ? ORDER BY s.unit_id, s.starts_at", {at, at}))
      if (first.empty() || first.back().i64("unit_id") != r.i64("unit_id")) first.push_back(std::move(r));
    out = with_members(first);
  });
  return out;
}

std::optional<Shift> Duty::shift(int64_t id) {
  auto row = db_.query_one("SELECT unit_id, starts_at FROM shifts WHERE id = ?", {id});
  if (!row) return std::nullopt;
  auto list = shifts(row->i64("unit_id"), row->i64("starts_at"), row->i64("starts_at") + 1);
  for (auto& s : list)
    if (s.id == id) return s;
  return std::nullopt;
}

std::optional<Shift> Duty::shift_at(int64_t unit_id, int64_t at) {
  auto list = shifts(unit_id, at, at + 1);
  if (list.empty()) return std::nullopt;
  return list.front();
}

std::optional<Shift> Duty::next_shift(int64_t unit_id, int64_t after) {
  auto row = db_.query_one("SELECT starts_at FROM shifts WHERE unit_id = ? AND starts_at >= ? ORDER BY starts_at LIMIT 1", {unit_id, after});
  if (!row) return std::nullopt;
  return shift_at(unit_id, row->i64("starts_at"));
}

int64_t Duty::duty_watch_of(int64_t user_id, int64_t user_unit, int64_t at) {
  constexpr int64_t kWeek = 7 * 86'400'000LL;
  // Distance 0 for a shift covering `at`, else how far its nearer end lies from it.
  auto row = db_.query_one(
      "SELECT s.unit_id FROM shifts s JOIN shift_members m ON m.shift_id = s.id "
      "WHERE m.user_id = ? AND s.ends_at > ? AND s.starts_at < ? "
      "ORDER BY CASE WHEN s.starts_at <= ? AND ? < s.ends_at THEN 0 "
      "WHEN s.starts_at > ? THEN s.starts_at - ? ELSE ? - s.ends_at END, s.starts_at LIMIT 1",
      {user_id, at - kWeek, at + kWeek, at, at, at, at, at});
  if (row) return row->i64("unit_id");
  for (auto u = units_.get(user_unit); u; u = u->parent_id ? units_.get(*u->parent_id) : std::nullopt)
    if (u->designations.count("duty_watch")) return u->id;
  return user_unit;
}

namespace {
Problem shift_not_found() { return Problem::not_found("The shift", "Ca trực"); }
}  // namespace

void Duty::shift_updated(store::Work&, int64_t unit_id, json payload) {
  bus_.publish_on_commit("shift.updated", unit_id, auth::Action::duty_read, std::move(payload));
}

Shift Duty::writable_shift(int64_t shift_id) {
  auto sh = shift(shift_id);
  if (!sh) throw shift_not_found();
  auto status = sh->status(clock_.now_ms());
  if (status == "planned" || status == "closed")
    throw Problem::conflict("The duty log of a shift can be written only while it is on duty or handing over.",
                            "Chỉ ghi nhật ký trực ban khi ca đang trực hoặc đang giao ca.");
  return *sh;
}

void Duty::check_in(int64_t shift_id, const audit::Actor& by) {
  store::Work::run(db_, [&](store::Work& w) {
    auto sh = shift(shift_id);
    if (!sh) throw shift_not_found();
    db_.exec("UPDATE shift_members SET checked_in_at = COALESCE(checked_in_at, ?) WHERE shift_id = ? AND user_id = ?",
             {clock_.now_ms(), shift_id, by.user_id});
    audit_.append(by.event("shift.checkin", "shift", std::to_string(shift_id), sh->unit_id));
    shift_updated(w, sh->unit_id, {{"shift_id", shift_id}, {"checkin", by.user_id}});
  });
}

void Duty::report_printed(const Shift& sh, const audit::Actor& by) {
  audit_.append(by.event("shift.report", "shift", std::to_string(sh.id), sh.unit_id));
}

std::vector<LogEntry> Duty::log(int64_t shift_id) {
  std::vector<LogEntry> out;
  for (const auto& r : db_.query("SELECT id, shift_id, at, author_id, kind, text, links, corrects_id FROM duty_log WHERE shift_id = ? ORDER BY id", {shift_id}))
    out.push_back({r.i64("id"), r.i64("shift_id"), r.i64("at"), r.i64("author_id"), r.str("kind"), r.str("text"),
                   json::parse(r.str("links")), r.opt_i64("corrects_id")});
  return out;
}

LogEntry Duty::add_log(int64_t shift_id, const audit::Actor& author, const std::string& kind, const std::string& text,
                       const json& links, std::optional<int64_t> corrects_id) {
  if (!one_of(kLogKinds, kind)) throw Problem::field("kind", "Loại nội dung ghi nhật ký trực ban không hợp lệ", "Unknown kind of entry");
  if (corrects_id && !db_.query_one("SELECT 1 FROM duty_log WHERE id = ? AND shift_id = ?", {*corrects_id, shift_id}))
    throw Problem::field("corrects_id", "Chỉ đính chính được nội dung ghi nhật ký của cùng ca trực", "Only an entry of the same shift can be corrected");
  auto sh = writable_shift(shift_id);
  LogEntry e{0, shift_id, clock_.now_ms(), author.user_id, kind, text, links, corrects_id};
  return store::Work::run(db_, [&](store::Work&) {
    db_.exec("INSERT INTO duty_log(shift_id, at, author_id, kind, text, links, corrects_id) VALUES (?,?,?,?,?,?,?)",
             {shift_id, e.at, author.user_id, kind, text, links.dump(), store::opt(corrects_id)});
    e.id = db_.last_insert_id();
    audit_.append(author.event("duty_log.create", "duty_log", std::to_string(e.id), sh.unit_id, to_json(e)));
    bus_.publish_on_commit("duty_log.created", sh.unit_id, auth::Action::duty_read,
                           org::with_names(users_, units_, to_json(e)));
    return e;
  });
}

std::vector<FocusItem> Duty::focus(int64_t shift_id) {
  std::vector<FocusItem> out;
  for (const auto& r : db_.query("SELECT id, shift_id, set_by, at, text, source FROM focus_items WHERE shift_id = ? ORDER BY id", {shift_id}))
    out.push_back({r.i64("id"), r.i64("shift_id"), r.i64("set_by"), r.i64("at"), r.str("text"), r.str("source")});
  return out;
}

FocusItem Duty::add_focus(int64_t shift_id, const audit::Actor& by, const std::string& text, const std::string& source) {
  if (!one_of(kFocusSources, source))
    throw Problem::field("source", "Nguồn phải là chỉ đạo của lãnh đạo, tình hình, hoặc chỉ đạo phân luồng",
                         "The source must be leadership_direction, situation or channel_direction");
  auto sh = shift(shift_id);
  if (!sh) throw shift_not_found();
  FocusItem f{0, shift_id, by.user_id, clock_.now_ms(), text, source};
  return store::Work::run(db_, [&](store::Work& w) {
    db_.exec("INSERT INTO focus_items(shift_id, text, source, set_by, at) VALUES (?,?,?,?,?)", {shift_id, text, source, by.user_id, f.at});
    f.id = db_.last_insert_id();
    audit_.append(by.event("focus.create", "shift", std::to_string(shift_id), sh->unit_id, to_json(f)));
    shift_updated(w, sh->unit_id, {{"shift_id", shift_id}, {"focus_item", to_json(f)}});
    return f;
  });
}

namespace {
const char* kOrderSelect =
    "SELECT id, shift_id, issued_by, issued_at, kind, target_type, target_ref, instructions, receiving_unit_id, outcome, "
    "outcome_by, outcome_at FROM shift_orders";
Order order_from_row(const store::Row& r) {
  return {r.i64("id"), r.i64("shift_id"), r.i64("issued_by"), r.i64("issued_at"),
          r.str("kind"), r.str("target_type"), r.str("target_ref"), r.str("instructions"),
          r.opt_i64("receiving_unit_id"), r.opt_str("outcome"), r.opt_i64("outcome_by"), r.opt_i64("outcome_at")};
}
}  // namespace

std::vector<Order> Duty::orders(int64_t shift_id) {
  std::vector<Order> out;
  for (const auto& r : db_.query(std::string(kOrderSelect) + " WHERE shift_id = ? ORDER BY id", {shift_id})) out.push_back(order_from_row(r));
  return out;
}

Order Duty::add_order(int64_t shift_id, const audit::Actor& by, const Order& o) {
  auto sh = writable_shift(shift_id);
  std::vector<core::FieldError> errs;
  if (!one_of(kOrderKinds, o.kind)) errs.push_back({"kind", "Loại chỉ đạo không hợp lệ", "Unknown kind of order"});
  if (!one_of(kTargetTypes, o.target_type)) errs.push_back({"target_type", "Loại đối tượng không hợp lệ", "Unknown target type"});
  if (o.receiving_unit_id && !units_.get(*o.receiving_unit_id))
    errs.push_back({"receiving_unit_id", "Đơn vị không tồn tại", "The unit does not exist"});
  if (!errs.empty()) throw Problem::validation(std::move(errs));
  return store::Work::run(db_, [&](store::Work& w) {
    db_.exec("INSERT INTO shift_orders(shift_id, kind, target_type, target_ref, receiving_unit_id, instructions, issued_by, issued_at) "
             "VALUES (?,?,?,?,?,?,?,?)",
             {shift_id, o.kind, o.target_type, o.target_ref, store::opt(o.receiving_unit_id), o.instructions, by.user_id, clock_.now_ms()});
    auto created = order_from_row(*db_.query_one(std::string(kOrderSelect) + " WHERE id = ?", {db_.last_insert_id()}));
    audit_.append(by.event("order.create", "order", std::to_string(created.id), sh.unit_id, to_json(created)));
    shift_updated(w, sh.unit_id, {{"shift_id", shift_id}, {"order", to_json(created)}});
    return created;
  });
}

Order Duty::report_outcome(int64_t shift_id, int64_t order_id, const audit::Actor& by, const std::string& outcome) {
  auto sh = shift(shift_id);
  if (!sh) throw shift_not_found();
  auto row = db_.query_one(std::string(kOrderSelect) + " WHERE id = ? AND shift_id = ?", {order_id, shift_id});
  if (!row) throw Problem::not_found("The order", "Chỉ đạo");
  if (!row->is_null("outcome"))
    throw Problem::conflict("The outcome of this order was already reported.",
                            "Kết quả thực hiện chỉ đạo này đã được báo cáo.");
  return store::Work::run(db_, [&](store::Work& w) {
    db_.exec("UPDATE shift_orders SET outcome = ?, outcome_by = ?, outcome_at = ? WHERE id = ?", {outcome, by.user_id, clock_.now_ms(), order_id});
    auto o = order_from_row(*db_.query_one(std::string(kOrderSelect) + " WHERE id = ?", {order_id}));
    audit_.append(by.event("order.outcome", "order", std::to_string(o.id), sh->unit_id, {{"outcome", outcome}}));
    shift_updated(w, sh->unit_id, {{"shift_id", shift_id}, {"order", to_json(o)}});
    return o;
  });
}

// ---- Handover -------------------------------------------------------------------------------

std::optional<Handover> Duty::handover(int64_t shift_id) {
  auto r = db_.query_one("SELECT shift_id, prepared_by, prepared_at, summary, notes, open_items, accepted_by, accepted_at, remarks "
                         "FROM handovers WHERE shift_id = ?", {shift_id});
  if (!r) return std::nullopt;
  return Handover{r->i64("shift_id"), r->i64("prepared_by"), r->i64("prepared_at"),
                  r->str("summary"), r->str("notes"), json::parse(r->str("open_items")),
                  r->opt_i64("accepted_by"), r->opt_i64("accepted_at"), r->opt_str("remarks")};
}

namespace {

json* find_item(json& items, const std::string& type, int64_t id) {
  for (auto& item : items)
    if (item.value("type", "") == type && item.value("id", int64_t{0}) == id) return &item;
  return nullptr;
}

// "vụ việc HP-CKKV1-2026-0001", "chỉ đạo #12": an open item as a message names it.
std::string item_name(const json& item, bool vi) {
  static const std::map<std::string, std::pair<const char*, const char*>> kTypes = {
      {"case", {"vụ việc", "case"}},
      {"coordination", {"đề nghị phối hợp", "coordination request"}},
      {"order", {"chỉ đạo", "order"}},
      {"log", {"nội dung nhật ký trực ban", "duty log entry"}}};
  std::string type = item.value("type", "");
  auto it = kTypes.find(type);
  std::string what = it == kTypes.end() ? type : vi ? it->second.first : it->second.second;
  std::string number = item.value("number", "");
  return what + " " + (number.empty() ? fmt::format("#{}", item.value("id", int64_t{0})) : number);
}

}  // namespace

Handover Duty::prepare_handover(int64_t shift_id, const audit::Actor& by, const std::string& summary, const std::string& notes) {
  auto s = shift(shift_id);
  if (!s) throw shift_not_found();
  if (s->status(clock_.now_ms()) == "planned")
    throw Problem::conflict("A shift that has not started cannot hand over.", "Ca trực chưa bắt đầu thì chưa thể giao ca.");
  return store::Work::run(db_, [&](store::Work& w) {
    auto existing = handover(shift_id);
    if (existing && existing->accepted_at)
      throw Problem::conflict("The handover was already accepted.", "Biên bản giao ca đã được tiếp nhận.");
    // Open items are collected, not typed: orders still without an outcome, and what the previous
    // shift handed over and is still open (carried forward). Each once, keeping a decision the
    // incoming leader has already taken on it.
    json items = json::array();
    auto add = [&](json item) {
      std::string type = item.value("type", "");
      int64_t id = item.value("id", int64_t{0});
      if (find_item(items, type, id)) return;
      if (existing)
        if (const json* before = find_item(existing->open_items, type, id); before && before->contains("acceptance"))
          item["acceptance"] = (*before)["acceptance"];
      items.push_back(std::move(item));
    };
    for (const auto& o : orders(shift_id))
      if (!o.outcome) add({{"type", "order"}, {"id", o.id}, {"kind", o.kind}, {"target", o.target_ref}});
    // Equipment and system outages recorded in this shift's log, so the incoming shift knows what is down.
    for (const auto& e : log(shift_id))
      if (e.kind == "equipment_status" || e.kind == "system_outage")
        add({{"type", "log"}, {"id", e.id}, {"kind", e.kind}, {"target", e.text}});
    for (const auto& source : open_item_sources_)
      for (const auto& item : source(s->unit_id)) add(item);
    if (auto prev = db_.query_one("SELECT s.id FROM shifts s WHERE s.unit_id = ? AND s.ends_at <= ? ORDER BY s.ends_at DESC LIMIT 1",
                                  {s->unit_id, s->starts_at}))
      if (auto ph = handover(prev->i64("id")))
        for (auto item : ph->open_items)
          if (item.value("type", "") == "order" &&
              db_.query_one("SELECT 1 FROM shift_orders WHERE id = ? AND outcome IS NULL",
                            {item.value("id", int64_t(0))})) {
            item.erase("acceptance");  // taken over by this shift, to be handed over afresh
            add(item);
          }
    db_.exec("INSERT INTO handovers(shift_id, prepared_by, prepared_at, summary, notes, open_items) VALUES (?,?,?,?,?,?) "
             "ON CONFLICT(shift_id) DO UPDATE SET prepared_by=excluded.prepared_by, prepared_at=excluded.prepared_at, "
             "summary=excluded.summary, notes=excluded.notes, open_items=excluded.open_items",
             {shift_id, by.user_id, clock_.now_ms(), summary, notes, items.dump()});
    auto h = *handover(shift_id);
    audit_.append(by.event("handover.prepare", "shift", std::to_string(shift_id), s->unit_id, to_json(h)));
    shift_updated(w, s->unit_id, {{"shift_id", shift_id}, {"handover", to_json(h)}});
    return h;
  });
}

Handover Duty::decide_item(int64_t shift_id, const audit::Actor& by, const std::string& type, int64_t item_id,
                           const std::string& decision, const std::string& note) {
  if (!one_of(kItemDecisions, decision))
    throw Problem::field("decision", "Phải là tiếp nhận (accepted) hoặc ghi nhận (noted)", "Must be accepted or noted");
  auto sh = shift(shift_id);
  if (!sh) throw shift_not_found();
  return store::Work::run(db_, [&](store::Work& w) {
    auto h = handover(shift_id);
    if (!h)
      throw Problem::conflict("The outgoing shift has not prepared the handover yet.",
                              "Ca trực chưa lập biên bản giao ca.");
    if (h->accepted_at)
      throw Problem::conflict("The handover was already accepted.", "Biên bản giao ca đã được tiếp nhận.");
    json* item = find_item(h->open_items, type, item_id);
    if (!item)
      throw Problem::field("id", "Biên bản giao ca không có việc tồn đọng này", "The handover has no such open item");
    (*item)["acceptance"] = {
        {"decision", decision}, {"note", note}, {"by", by.user_id}, {"at", core::iso8601(clock_.now_ms())}};
    db_.exec("UPDATE handovers SET open_items = ? WHERE shift_id = ?", {h->open_items.dump(), shift_id});
    auto after = *handover(shift_id);
    audit_.append(by.event("handover.item", "shift", std::to_string(shift_id), sh->unit_id,
                           {{"type", type}, {"id", item_id}, {"decision", decision}, {"note", note}}));
    shift_updated(w, sh->unit_id, {{"shift_id", shift_id}, {"handover", org::with_names(users_, units_, to_json(after))}});
    return after;
  });
}

Handover Duty::accept_handover(int64_t shift_id, const audit::Actor& by, const std::optional<std::string>& remarks) {
  auto sh = shift(shift_id);
  if (!sh) throw shift_not_found();
  return store::Work::run(db_, [&](store::Work& w) {
    auto h = handover(shift_id);
    if (!h) throw Problem::conflict("The outgoing shift has not prepared the handover yet.", "Ca trực chưa lập biên bản giao ca.");
    if (h->accepted_at) throw Problem::conflict("The handover was already accepted.", "Biên bản giao ca đã được tiếp nhận.");
    // Art. 15.2: nothing carries over unseen; each open item is taken over, or noted, by itself.
    std::string pending_vi, pending_en;
    for (const auto& item : h->open_items)
      if (!item.contains("acceptance")) {
        pending_vi += (pending_vi.empty() ? "" : "; ") + item_name(item, true);
        pending_en += (pending_en.empty() ? "" : "; ") + item_name(item, false);
      }
    if (!pending_vi.empty())
      throw Problem(409, "handover-items-pending", "Open items not taken over", "Còn việc tồn đọng chưa tiếp nhận",
                    "Accept or note each open item of the handover first: " + pending_en + ".",
                    "Hãy tiếp nhận hoặc ghi nhận từng việc tồn đọng của biên bản giao ca trước: " + pending_vi + ".");
    db_.exec("UPDATE handovers SET accepted_by = ?, accepted_at = ?, remarks = ? WHERE shift_id = ?",
             {by.user_id, clock_.now_ms(), store::opt(remarks), shift_id});
    auto after = *handover(shift_id);
    audit_.append(by.event("handover.accept", "shift", std::to_string(shift_id), sh->unit_id, to_json(after)));
    shift_updated(w, sh->unit_id, {{"shift_id", shift_id}, {"handover", to_json(after)}});
    return after;
  });
}

std::vector<CoverageGap> Duty::coverage(int64_t unit_id, int64_t from, int64_t to) {
  std::vector<PlannedShift> planned;
  for (const auto& s : shifts(unit_id, from, to)) {
    PlannedShift p{s.date, s.starts_at, s.ends_at, std::nullopt, {}};
    for (const auto& m : s.members) p.members.push_back({m.user_id, m.position});
    planned.push_back(std::move(p));
  }
  return coverage_gaps(std::move(planned), from, to);
}

}  // namespace watchfloor::duty
