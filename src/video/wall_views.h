#pragma once
// Saved views of the video wall (màn hình giám sát): a layout, the camera on each tile, kept for
// their owner alone or shared with the owner's unit, optionally a tour (tuần tra: camera sets shown
// in turn, each for a dwell time), and at most one per unit marked as the unit's default view — the
// wall an online supervision officer of that unit opens on.
//
// Plain code over store::Db and a Clock. Who may read or change a view is the permission policy's
// (auth::Action::wall_view_read / wall_view_write); this module knows only what a view is and what a
// valid one looks like. Callers run changes inside their transaction (with the audit entry).
//
// Tiles name cameras by id; a camera removed later leaves its id on the tile, which the wall then
// shows as not found. A view never holds pictures, only ids: opening a tile is a live view, which
// the live route checks and audits on its own.
#include <nlohmann/json.hpp>

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "audit/audit_log.h"
#include "core/clock.h"
#include "core/error.h"
#include "store/db.h"

namespace watchfloor::video {

inline constexpr const char* kWallLayouts[] = {"1", "4", "9", "16", "25", "1+5", "1+7"};
// The number of tiles of a layout, 0 for an unknown one.
int layout_tiles(std::string_view layout);

inline constexpr int64_t kMinDwellSeconds = 5;
inline constexpr int64_t kMaxDwellSeconds = 3600;
inline constexpr size_t kMaxTourSets = 50;
inline constexpr size_t kMaxWallViewName = 100;

using Tiles = std::vector<std::optional<int64_t>>;  // camera id per position; nullopt: empty tile

struct WallTour {
  int64_t dwell_seconds = 20;
  std::vector<Tiles> sets;
};

struct WallView {
  int64_t id = 0, owner_id = 0, unit_id = 0, created_at = 0, updated_at = 0;
  std::string name, layout;
  Tiles tiles;
  bool shared = false, is_default = false;
  std::optional<WallTour> tour;
};

// A create (every field given or defaulted) or a patch (only what is present changes).
struct WallViewInput {
  std::optional<std::string> name, layout;
  std::optional<Tiles> tiles;
  std::optional<bool> shared, is_default;
  std::optional<std::optional<WallTour>> tour;  // present and nullopt: remove the tour
};

// What is wrong with the view a create or patch would produce, field by field ("tiles[3]",
// "tour.sets[1][0]", "tour.dwell_seconds", "is_default"), Vietnamese and English. `camera_known`
// says whether the caller may name a camera (exists and is in the caller's scope).
std::vector<core::FieldError> check_view(const WallView& v, const std::function<bool(int64_t)>& camera_known);

// The view that results from applying `in` to `base` (for a create, base is a default WallView).
WallView apply_input(WallView base, const WallViewInput& in);

class WallViews {
 public:
  WallViews(store::Db& db, const core::Clock& clock, audit::AuditLog& audit) : db_(db), clock_(clock), audit_(audit) {}

  std::vector<WallView> list();
  std::optional<WallView> get(int64_t id);
  // Each one unit of work with its audit entry ("wall_view.create", "wall_view.update" with the view before
  // and after, "wall_view.delete"). `create` stores a new view, `update` replaces a stored view's fields with
  // `v`'s (both already checked); a default view takes the unit's default from any other.
  WallView create(WallView v, const audit::Actor& by);
  WallView update(const WallView& before, const WallView& v, const audit::Actor& by);
  void remove(const WallView& v, const audit::Actor& by);

 private:
  WallView create(WallView v);
  WallView update(const WallView& v);
  void remove(int64_t id);
  void take_default(int64_t unit_id, int64_t except_id);
  store::Db& db_;
  const core::Clock& clock_;
  audit::AuditLog& audit_;
};

nlohmann::json to_json(const WallView& v);
nlohmann::json to_json(const Tiles& t);

}  // namespace watchfloor::video
