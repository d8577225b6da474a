#include "org/units.h"

#include <algorithm>

#include <fmt/format.h>

#include <regex>
#include <set>

#include "core/error.h"
#include "core/tz.h"
#include "org/vocabulary.h"
#include "store/work.h"

namespace watchfloor::org {
namespace {

const char* kSelect =
    "SELECT id, parent_id, code, kind, name_vi, name_en, time_zone, has_camera_room, must_run_24x7, external, place FROM units";

Unit from_row(const store::Row& r) {
  Unit u;
  u.id = r.i64("id");
  u.parent_id = r.opt_i64("parent_id");
  u.code = r.str("code");
  u.kind = r.str("kind");
  u.name_vi = r.str("name_vi");
  u.name_en = r.str("name_en");
  u.time_zone = r.str("time_zone");
  u.has_camera_room = r.boolean("has_camera_room");
  u.must_run_24x7 = r.boolean("must_run_24x7");
  u.external = r.boolean("external");
  u.place = r.str("place");
  return u;
}

void apply(Unit& u, const UnitInput& in) {
  if (in.parent_id) u.parent_id = *in.parent_id;
  if (in.code) u.code = *in.code;
  if (in.kind) u.kind = *in.kind;
  if (in.name_vi) u.name_vi = *in.name_vi;
  if (in.name_en) u.name_en = *in.name_en;
  if (in.time_zone) u.time_zone = *in.time_zone;
  if (in.place) u.place = *in.place;
  if (in.has_camera_room) u.has_camera_room = *in.has_camera_room;
  if (in.must_run_24x7) u.must_run_24x7 = *in.must_run_24x7;
  if (in.external) u.external = *in.external;
}

}  // namespace

UnitTree::UnitTree(const std::vector<Unit>& units) {
  for (const auto& u : units) {
    parent_[u.id] = u.parent_id;
    external_[u.id] = u.external;
    for (const char* kind : {"lead_supervision_unit", "system_operator"})
      if (auto d = u.designations.find(kind); d != u.designations.end()) sector_watchers_.push_back(d->second);
    if (auto d = u.designations.find("system_operator"); d != u.designations.end() && !u.parent_id) system_operator_ = d->second;
    if (auto d = u.designations.find("supervision_section"); d != u.designations.end()) sections_.emplace_back(d->second, u.id);
  }
}

std::vector<int64_t> UnitTree::watched_through_section(int64_t unit) const {
  std::vector<int64_t> out;
  if (is_external(unit)) return out;
  for (const auto& [section, designating] : sections_)
    if (contains(section, unit) && !is_external(designating)) out.push_back(designating);
  return out;
}

bool UnitTree::watches_sector(int64_t unit) const {
  return !is_external(unit) &&
         std::any_of(sector_watchers_.begin(), sector_watchers_.end(), [&](int64_t w) { return contains(w, unit); });
}

bool UnitTree::contains(int64_t ancestor, int64_t unit) const {
  std::optional<int64_t> cur = unit;
  for (size_t guard = 0; cur && guard <= parent_.size(); ++guard) {
    if (*cur == ancestor) return true;
    auto it = parent_.find(*cur);
    if (it == parent_.end()) return false;
    cur = it->second;
  }
  return false;
}

bool UnitTree::is_external(int64_t unit) const {
  // A unit is outside customs when it, or any unit above it, is marked external.
  std::optional<int64_t> cur = unit;
  for (size_t guard = 0; cur && guard <= parent_.size(); ++guard) {
    auto e = external_.find(*cur);
    if (e == external_.end()) return false;
    if (e->second) return true;
    cur = parent_.at(*cur);
  }
  return false;
}

std::vector<int64_t> UnitTree::subtree(int64_t root) const {
  std::vector<int64_t> out;
  for (const auto& [id, _] : parent_)
    if (contains(root, id)) out.push_back(id);
  return out;
}

std::vector<int64_t> UnitTree::roots() const {
  std::vector<int64_t> out;
  for (const auto& [id, parent] : parent_)
    if (!parent) out.push_back(id);
  return out;
}

std::optional<std::vector<int64_t>> audit_scope(const auth::Principal& p, const UnitTree& tree) {
  auto top = tree.roots();
  if (std::all_of(top.begin(), top.end(),
                  [&](int64_t u) { return auth::allowed(p, auth::Action::audit_read, {u}, tree); }))
    return std::nullopt;
  std::vector<int64_t> ids;
  for (auto root : auth::scope_roots(p, auth::Action::audit_read, tree).value_or(std::vector<int64_t>{}))
    for (auto id : tree.subtree(root)) ids.push_back(id);
  return ids;
}

std::vector<Unit> Units::list() {
  std::vector<Unit> units;
  std::unordered_map<int64_t, size_t> index;
  db_.read([&] {
    for (const auto& r : db_.query(std::string(kSelect) + " ORDER BY parent_id IS NOT NULL, parent_id, code")) {
      index[r.i64("id")] = units.size();
      units.push_back(from_row(r));
    }
    for (const auto& r : db_.query("SELECT unit_id, kind, target_unit_id FROM unit_designations"))
      if (auto it = index.find(r.i64("unit_id")); it != index.end())
        units[it->second].designations[r.str("kind")] = r.i64("target_unit_id");
  });
  return units;
}

std::map<int64_t, std::pair<std::string, std::string>> Units::names(const std::vector<int64_t>& ids) {
  std::map<int64_t, std::pair<std::string, std::string>> out;
  if (ids.empty()) return out;
  for (const auto& r : db_.query("SELECT id, name_vi, name_en FROM units WHERE id IN (SELECT CAST(value AS INTEGER) FROM json_each(?))",
                                 {nlohmann::json(ids).dump()}))
    out[r.i64("id")] = {r.str("name_vi"), r.str("name_en")};
  return out;
}

std::optional<Unit> Units::get(int64_t id) {
  std::optional<Unit> u;
  db_.read([&] {
    auto row = db_.query_one(std::string(kSelect) + " WHERE id = ?", {id});
    if (!row) return;
    u = from_row(*row);
    for (const auto& r : db_.query("SELECT kind, target_unit_id FROM unit_designations WHERE unit_id = ?", {id}))
      u->designations[r.str("kind")] = r.i64("target_unit_id");
  });
  return u;
}

std::optional<Unit> Units::by_code(const std::string& code) {
  auto row = db_.query_one("SELECT id FROM units WHERE code = ?", {code});
  return row ? get(row->i64("id")) : std::nullopt;
}

void Units::validate(const std::optional<Unit>& before, const Unit& u, const UnitInput& in) {
  std::vector<core::FieldError> errs;
  auto err = [&](std::string f, std::string vi, std::string en) { errs.push_back({std::move(f), std::move(vi), std::move(en)}); };
  static const std::regex code_re("[A-Z0-9][A-Z0-9_.-]{0,39}");
  if (!std::regex_match(u.code, code_re)) {
    err("code", "Mã đơn vị gồm chữ in hoa, chữ số, '-', '_' hoặc '.', tối đa 40 ký tự",
        "The unit code is upper-case letters, digits, '-', '_' or '.', at most 40 characters");
  } else if (!before || before->code != u.code) {
    if (db_.query_one("SELECT 1 FROM units WHERE code = ?", {u.code}))
      err("code", "Mã đơn vị đã tồn tại", "This unit code is already used");
  }
  if (!is_term(unit_kinds(), u.kind)) err("kind", "Loại đơn vị không hợp lệ", "Unknown unit kind");
  if (u.name_vi.empty()) err("name_vi", "Trường bắt buộc", "Required field");
  if (u.name_en.empty()) err("name_en", "Trường bắt buộc", "Required field");
  if (!core::is_valid_time_zone(u.time_zone))
    err("time_zone", "Múi giờ không có trong cơ sở dữ liệu múi giờ IANA", "Not a time zone of the IANA database");
  if (u.parent_id) {
    auto t = tree();
    if (!t->exists(*u.parent_id)) err("parent_id", "Đơn vị cấp trên không tồn tại", "The parent unit does not exist");
    else if (before && t->contains(before->id, *u.parent_id))
      err("parent_id", "Không thể đặt đơn vị vào chính nó hoặc đơn vị cấp dưới của nó",
          "A unit cannot be placed under itself or one of its own subunits");
  }
  for (const auto& [kind, target] : in.designations) {
    std::string f = "designations." + kind;
    if (!is_term(designation_kinds(), kind)) err(f, "Loại chỉ định không hợp lệ", "Unknown designation kind");
    else if (target && !tree()->exists(*target) && !(before && *target == before->id))
      err(f, "Đơn vị được chỉ định không tồn tại", "The designated unit does not exist");
  }
  if (!errs.empty()) throw core::Problem::validation(std::move(errs));
}

void Units::write_designations(int64_t id, const UnitInput& in) {
  for (const auto& [kind, target] : in.designations) {
    db_.exec("DELETE FROM unit_designations WHERE unit_id = ? AND kind = ?", {id, kind});
    if (target)
      db_.exec("INSERT INTO unit_designations(unit_id, kind, target_unit_id) VALUES (?,?,?)", {id, kind, *target});
  }
}

Unit Units::create(const UnitInput& in) {
  Unit u;
  u.time_zone = std::string(core::kDefaultTimeZone);
  apply(u, in);
  int64_t id = 0;
  db_.transaction([&] {
    validate(std::nullopt, u, in);
    int64_t now = clock_.now_ms();
    db_.exec(
        "INSERT INTO units(parent_id, code, kind, name_vi, name_en, time_zone, place, has_camera_room, must_run_24x7, "
        "external, created_at, updated_at) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)",
        {store::opt(u.parent_id), u.code, u.kind, u.name_vi, u.name_en, u.time_zone, u.place, int64_t(u.has_camera_room),
         int64_t(u.must_run_24x7), int64_t(u.external), now, now});
    id = db_.last_insert_id();
    invalidate();
    write_designations(id, in);
  });
  return *get(id);
}

Unit Units::update(int64_t id, const UnitInput& in) {
  db_.transaction([&] {
    auto before = get(id);
    if (!before) throw core::Problem::not_found("The unit", "Đơn vị");
    Unit u = *before;
    apply(u, in);
    validate(before, u, in);
    db_.exec(
        "UPDATE units SET parent_id=?, code=?, kind=?, name_vi=?, name_en=?, time_zone=?, place=?, has_camera_room=?, "
        "must_run_24x7=?, external=?, updated_at=? WHERE id=?",
        {store::opt(u.parent_id), u.code, u.kind, u.name_vi, u.name_en, u.time_zone, u.place, int64_t(u.has_camera_room),
         int64_t(u.must_run_24x7), int64_t(u.external), clock_.now_ms(), id});
    invalidate();
    write_designations(id, in);
  });
  return *get(id);
}

void Units::remove(int64_t id) {
  db_.transaction([&] {
    if (!get(id)) throw core::Problem::not_found("The unit", "Đơn vị");
    if (db_.query_one("SELECT 1 FROM units WHERE parent_id = ?", {id}))
      throw core::Problem::conflict("The unit has subunits; move or delete them first.",
                                    "Đơn vị còn đơn vị trực thuộc; hãy chuyển hoặc xóa các đơn vị đó trước.");
    if (db_.query_one("SELECT 1 FROM users WHERE unit_id = ? UNION SELECT 1 FROM role_grants WHERE unit_id = ?", {id, id}))
      throw core::Problem::conflict("People belong to the unit or hold roles at it; move them first.",
                                    "Đơn vị còn cán bộ hoặc vai trò được giao; hãy chuyển họ trước.");
    if (auto r = db_.query_one("SELECT u.code AS unit_code, d.kind FROM unit_designations d JOIN units u ON u.id = d.unit_id "
                               "WHERE d.target_unit_id = ? AND d.unit_id <> ?", {id, id}))
      throw core::Problem::conflict(fmt::format("The unit is designated as {} of unit {}.", r->str("kind"), r->str("unit_code")),
                                    fmt::format("Đơn vị đang được chỉ định ({}) cho đơn vị {}.", r->str("kind"), r->str("unit_code")));
    db_.exec("DELETE FROM units WHERE id = ?", {id});
    invalidate();
  });
}

Unit Units::create(const UnitInput& in, const audit::Actor& by) {
  return work([&](store::Work&) {
    auto created = create(in);
    audit_.append(by.event("unit.create", "unit", std::to_string(created.id), created.id, to_json(created)));
    bus_.publish_on_commit("unit.created", created.id, auth::Action::unit_read, to_json(created));
    return created;
  });
}

Unit Units::update(int64_t id, const UnitInput& in, const audit::Actor& by, const nlohmann::json& change) {
  return work([&](store::Work&) {
    auto before = get(id);
    auto after = update(id, in);
    audit_.append(by.event("unit.update", "unit", std::to_string(id), id, {{"before", to_json(*before)}, {"change", change}}));
    bus_.publish_on_commit("unit.updated", after.id, auth::Action::unit_read, to_json(after));
    return after;
  });
}

void Units::remove(int64_t id, const audit::Actor& by) {
  work([&](store::Work&) {
    auto before = get(id);
    remove(id);
    audit_.append(by.event("unit.delete", "unit", std::to_string(id), before->parent_id, to_json(*before)));
    bus_.publish_on_commit("unit.deleted", before->id, auth::Action::unit_read, to_json(*before));
  });
}

Units::Units(store::Db& db, const core::Clock& clock, audit::AuditLog& audit, events::Bus& bus)
    : db_(db), clock_(clock), audit_(audit), bus_(bus) {
  sub_ = bus_.subscribe([this](const events::Event& e) {
    if (e.topic.starts_with("unit.") || e.topic.starts_with("org.")) invalidate();
  });
}

Units::~Units() { bus_.unsubscribe(sub_); }

void Units::invalidate() {
  std::lock_guard lock(tree_mu_);
  tree_.reset();
  ++generation_;
}

std::shared_ptr<const UnitTree> Units::tree() {
  uint64_t generation = 0;
  {
    std::lock_guard lock(tree_mu_);
    if (tree_) return tree_;
    generation = generation_;
  }
  // Built without holding tree_mu_: the query takes the database lock, and a writer holding the
  // database lock may itself be waiting for tree_mu_ (lock order: database, then tree). Read on the
  // writer, not on a reader: a write invalidates inside its transaction, before its commit, so a
  // reader's snapshot taken in between would be cached as current; the writer waits for the commit.
  std::vector<Unit> units;
  std::unordered_map<int64_t, size_t> index;
  db_.transaction([&] {
    for (const auto& r : db_.query("SELECT id, parent_id, external FROM units")) {
      Unit u;
      u.id = r.i64("id");
      u.parent_id = r.opt_i64("parent_id");
      u.external = r.boolean("external");
      index[u.id] = units.size();
      units.push_back(std::move(u));
    }
    // The designations the policy reads: who watches the whole sector, and who a unit's cameras (16.2.2).
    for (const auto& r : db_.query("SELECT unit_id, kind, target_unit_id FROM unit_designations "
                                   "WHERE kind IN ('lead_supervision_unit', 'system_operator', 'supervision_section')"))
      if (auto it = index.find(r.i64("unit_id")); it != index.end())
        units[it->second].designations[r.str("kind")] = r.i64("target_unit_id");
  });
  auto built = std::make_shared<const UnitTree>(units);
  std::lock_guard lock(tree_mu_);
  if (generation == generation_) tree_ = built;  // not cached when a write came in meanwhile
  return built;
}

nlohmann::json to_json(const Unit& u) {
  nlohmann::json d = nlohmann::json::object();
  for (const auto& t : designation_kinds()) {
    auto it = u.designations.find(std::string(t.id));
    d[std::string(t.id)] = it == u.designations.end() ? nlohmann::json() : nlohmann::json(it->second);
  }
  return {{"id", u.id},
          {"parent_id", u.parent_id ? nlohmann::json(*u.parent_id) : nlohmann::json()},
          {"code", u.code},
          {"kind", u.kind},
          {"name_vi", u.name_vi},
          {"name_en", u.name_en},
          {"time_zone", u.time_zone},
          {"place", u.place},
          {"has_camera_room", u.has_camera_room},
          {"must_run_24x7", u.must_run_24x7},
          {"external", u.external},
          {"designations", d}};
}

}  // namespace watchfloor::org
