// The demo's video walls: the default view of the Online Customs Supervision Division (every demo
// camera, the home screen of its officers) and of Hải Phòng (its own cameras), shared with the unit
// and made its default by the unit's leader, as a leader would in the console.
#include <spdlog/spdlog.h>

#include <algorithm>

#include "app/installation.h"
#include "video/wall_views.h"

namespace watchfloor::app {

namespace {

void ensure_default(Installation& inst, video::WallViews& views, const char* unit_code, const char* leader, const char* name,
                    const char* layout, const std::vector<int64_t>& units) {
  auto unit = inst.units.by_code(unit_code);
  auto owner = inst.users.by_username(leader);
  if (!unit || !owner) return;
  for (const auto& v : views.list())
    if (v.unit_id == unit->id && v.is_default) return;  // the unit chose its own
  auto tree = inst.units.tree();
  video::WallView v;
  v.owner_id = owner->id;
  v.unit_id = unit->id;
  v.name = name;
  v.layout = layout;
  v.shared = v.is_default = true;
  for (const auto& c : inst.catalog.cameras(std::nullopt, std::nullopt)) {
    bool wanted = units.empty() || std::any_of(units.begin(), units.end(), [&](int64_t u) { return tree->contains(u, c.unit_id); });
    if (wanted && static_cast<int>(v.tiles.size()) < video::layout_tiles(layout)) v.tiles.emplace_back(c.id);
  }
  if (v.tiles.empty()) return;
  views.create(v, audit::Actor::system("demo"));
  spdlog::info("demo: default video wall of {} ({} cameras)", unit_code, v.tiles.size());
}

}  // namespace

void ensure_demo_walls(Installation& inst) {
  video::WallViews views(*inst.db, inst.clock, inst.audit);
  ensure_default(inst, views, "DTCBL-GSTT", "lanhdao.dtcbl", "Toàn ngành — camera các cửa khẩu, cảng", "1+7", {});
  if (auto hp = inst.units.by_code("HP"))
    ensure_default(inst, views, "HP", "lanhdao.hp", "Hải Phòng — cảng và kho ngoại quan", "4", {hp->id});
}

}  // namespace watchfloor::app
