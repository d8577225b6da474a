#pragma once
// The unit tree (cơ cấu tổ chức) and its designations.
#include <nlohmann/json.hpp>

#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "audit/audit_log.h"
#include "auth/policy.h"
#include "core/clock.h"
#include "events/bus.h"
#include "store/db.h"
#include "store/work.h"

namespace watchfloor::org {

struct ImportResult;  // org/preset.h

struct Unit {
  int64_t id = 0;
  std::optional<int64_t> parent_id;
  std::string code, kind, name_vi, name_en, time_zone;
  // Địa danh: the province or city of the unit's seat, printed before the date of its documents
  // ("Hải Phòng"); empty when it is that of the unit above (see duty/issuer.h).
  std::string place;
  bool has_camera_room = false, must_run_24x7 = false, external = false;
  std::map<std::string, int64_t> designations;  // kind -> target unit id
};

// A change to a unit; absent fields are left as they are. For designations, a null target removes it.
struct UnitInput {
  std::optional<std::optional<int64_t>> parent_id;
  std::optional<std::string> code, kind, name_vi, name_en, time_zone, place;
  std::optional<bool> has_camera_room, must_run_24x7, external;
  std::map<std::string, std::optional<int64_t>> designations;
};

// An immutable snapshot of the tree, used by the permission policy on every request.
class UnitTree final : public auth::UnitScope {
 public:
  explicit UnitTree(const std::vector<Unit>& units);
  bool contains(int64_t ancestor, int64_t unit) const override;
  bool is_external(int64_t unit) const override;
  bool watches_sector(int64_t unit) const override;
  std::vector<int64_t> watched_through_section(int64_t unit) const override;
  std::optional<int64_t> system_operator() const override { return system_operator_; }
  bool exists(int64_t unit) const { return parent_.count(unit) > 0; }
  std::vector<int64_t> subtree(int64_t root) const;
  std::vector<int64_t> roots() const;  // the top-level units

 private:
  std::unordered_map<int64_t, std::optional<int64_t>> parent_;
  std::unordered_map<int64_t, bool> external_;
  std::vector<int64_t> sector_watchers_;  // targets of lead_supervision_unit and system_operator
  std::optional<int64_t> system_operator_;  // the top unit's system_operator target
  std::vector<std::pair<int64_t, int64_t>> sections_;  // (supervision_section target, the unit that designates it)
};

class Units {
 public:
  // Drops its cached tree on every "unit.*" and "org.*" event, which may come from another server sharing the store.
  Units(store::Db& db, const core::Clock& clock, audit::AuditLog& audit, events::Bus& bus);
  ~Units();
  Units(const Units&) = delete;
  Units& operator=(const Units&) = delete;
  std::vector<Unit> list();
  std::optional<Unit> get(int64_t id);
  // The Vietnamese and English names of each of `ids` that exists, in one query (naming units in a list).
  std::map<int64_t, std::pair<std::string, std::string>> names(const std::vector<int64_t>& ids);
  std::optional<Unit> by_code(const std::string& code);
  // Each change one unit of work, validated (core::Problem naming the field on bad input), audited
  // ("unit.create"; "unit.update" with the unit before and the `change` asked for; "unit.delete") and
  // published ("unit.created", "unit.updated", "unit.deleted") after the commit; a rollback drops the
  // cached tree.
  Unit create(const UnitInput& in, const audit::Actor& by);
  Unit update(int64_t id, const UnitInput& in, const audit::Actor& by,
              const nlohmann::json& change = nlohmann::json::object());
  void remove(int64_t id, const audit::Actor& by);
  std::shared_ptr<const UnitTree> tree();
  // Drops the cached tree (after a write, or a rolled-back transaction that wrote).
  void invalidate();

 private:
  // The organisation's import (org/preset.h) writes a whole file through the unaudited forms below, in one
  // unit of work with one audit entry of its own.
  friend ImportResult import_org(Units& units, const nlohmann::json& doc, const std::string& name,
                                 const audit::Actor& by);
  Unit create(const UnitInput& in);
  Unit update(int64_t id, const UnitInput& in);
  void remove(int64_t id);
  void validate(const std::optional<Unit>& before, const Unit& after, const UnitInput& in);
  void write_designations(int64_t id, const UnitInput& in);
  // Runs `body` as one unit of work whose rollback drops the cached tree.
  template <class F>
  auto work(F&& body) {
    return store::Work::run(db_, [&](store::Work& w) {
      w.on_rollback([this] { invalidate(); });  // the cached tree may hold what was just rolled back
      return body(w);
    });
  }
  store::Db& db_;
  const core::Clock& clock_;
  audit::AuditLog& audit_;
  events::Bus& bus_;
  std::mutex tree_mu_;
  std::shared_ptr<const UnitTree> tree_;
  uint64_t generation_ = 0;
  uint64_t sub_ = 0;
};

nlohmann::json to_json(const Unit& u);

// The units whose audit entries `p` may read (auth::Action::audit_read): nullopt, every entry, for a reader
// whose scope holds every top-level unit, who also sees the entries that belong to no unit (a failed login
// of an unknown name); otherwise the units of the subtrees the reader's grants cover (perhaps none).
std::optional<std::vector<int64_t>> audit_scope(const auth::Principal& p, const UnitTree& tree);

}  // namespace watchfloor::org
