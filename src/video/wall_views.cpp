#include "video/wall_views.h"

#include <fmt/format.h>

#include "store/work.h"

namespace watchfloor::video {
namespace {

using nlohmann::json;

std::string trim(const std::string& s) {
  auto b = s.find_first_not_of(" \t\r\n");
  if (b == std::string::npos) return {};
  return s.substr(b, s.find_last_not_of(" \t\r\n") - b + 1);
}

// Code points, not bytes: Vietnamese names are mostly multi-byte.
size_t utf8_length(const std::string& s) {
  size_t n = 0;
  for (unsigned char c : s)
    if ((c & 0xC0) != 0x80) ++n;
  return n;
}

Tiles tiles_from_json(const json& j) {
  Tiles out;
  if (!j.is_array()) return out;
  for (const auto& x : j) out.push_back(x.is_number_integer() ? std::optional<int64_t>(x.get<int64_t>()) : std::nullopt);
  return out;
}

std::optional<WallTour> tour_from_text(const std::optional<std::string>& text) {
  if (!text) return std::nullopt;
  auto j = json::parse(*text, nullptr, false);
  if (!j.is_object()) return std::nullopt;
  WallTour t;
  t.dwell_seconds = j.value("dwell_seconds", int64_t{20});
  if (j.contains("sets") && j["sets"].is_array())
    for (const auto& s : j["sets"]) t.sets.push_back(tiles_from_json(s));
  return t;
}

std::string tour_text(const WallTour& t) {
  json sets = json::array();
  for (const auto& s : t.sets) sets.push_back(to_json(s));
  return json{{"dwell_seconds", t.dwell_seconds}, {"sets", sets}}.dump();
}

const char* kSelect =
    "SELECT id, owner_id, unit_id, name, layout, tiles, shared, is_default, tour, created_at, updated_at FROM wall_views";

WallView from_row(const store::Row& r) {
  WallView v;
  v.id = r.i64("id");
  v.owner_id = r.i64("owner_id");
  v.unit_id = r.i64("unit_id");
  v.name = r.str("name");
  v.layout = r.str("layout");
  v.tiles = tiles_from_json(json::parse(r.str("tiles"), nullptr, false));
  v.shared = r.boolean("shared");
  v.is_default = r.boolean("is_default");
  v.tour = tour_from_text(r.opt_str("tour"));
  v.created_at = r.i64("created_at");
  v.updated_at = r.i64("updated_at");
  return v;
}

void check_tiles(const Tiles& tiles, int slots, const std::string& field, const std::function<bool(int64_t)>& camera_known,
                 std::vector<core::FieldError>& errors) {
  if (static_cast<int>(tiles.size()) > slots)
    errors.push_back({field, fmt::format("Bố cục này có {} ô; danh sách có {} camera", slots, tiles.size()),
                      fmt::format("This layout has {} tiles; the list has {}", slots, tiles.size())});
  for (size_t i = 0; i < tiles.size(); ++i) {
    if (!tiles[i]) continue;
    if (*tiles[i] <= 0 || !camera_known(*tiles[i]))
      errors.push_back({fmt::format("{}[{}]", field, i), fmt::format("Không tìm thấy camera {}", *tiles[i]),
                        fmt::format("Camera {} not found", *tiles[i])});
    for (size_t k = 0; k < i; ++k)
      if (tiles[k] == tiles[i]) {
        errors.push_back({fmt::format("{}[{}]", field, i), "Camera này đã có ở ô khác", "This camera is already on another tile"});
        break;
      }
  }
}

}  // namespace

int layout_tiles(std::string_view layout) {
  if (layout == "1") return 1;
  if (layout == "4") return 4;
  if (layout == "9") return 9;
  if (layout == "16") return 16;
  if (layout == "25") return 25;
  if (layout == "1+5") return 6;
  if (layout == "1+7") return 8;
  return 0;
}

WallView apply_input(WallView v, const WallViewInput& in) {
  if (in.name) v.name = *in.name;
  if (in.layout) v.layout = *in.layout;
  if (in.tiles) v.tiles = *in.tiles;
  if (in.shared) v.shared = *in.shared;
  if (in.is_default) v.is_default = *in.is_default;
  if (in.tour) v.tour = *in.tour;
  // Trailing empty tiles carry nothing.
  while (!v.tiles.empty() && !v.tiles.back()) v.tiles.pop_back();
  if (v.tour)
    for (auto& s : v.tour->sets)
      while (!s.empty() && !s.back()) s.pop_back();
  return v;
}

std::vector<core::FieldError> check_view(const WallView& v, const std::function<bool(int64_t)>& camera_known) {
  std::vector<core::FieldError> errors;
  if (trim(v.name).empty()) errors.push_back({"name", "Nhập tên màn hình", "A name is required"});
  else if (utf8_length(v.name) > kMaxWallViewName)
    errors.push_back({"name", fmt::format("Dài tối đa {} ký tự", kMaxWallViewName), fmt::format("At most {} characters", kMaxWallViewName)});
  int slots = layout_tiles(v.layout);
  if (slots == 0) {
    errors.push_back({"layout", "Bố cục không hợp lệ; chọn một trong: 1, 4, 9, 16, 25, 1+5, 1+7",
                      "Invalid layout; one of: 1, 4, 9, 16, 25, 1+5, 1+7"});
    slots = 25;
  }
  check_tiles(v.tiles, slots, "tiles", camera_known, errors);
  if (v.is_default && !v.shared)
    errors.push_back({"is_default", "Chỉ màn hình dùng chung với đơn vị mới là màn hình mặc định của đơn vị được",
                      "Only a view shared with the unit can be the unit's default"});
  if (v.tour) {
    if (v.tour->dwell_seconds < kMinDwellSeconds || v.tour->dwell_seconds > kMaxDwellSeconds)
      errors.push_back({"tour.dwell_seconds", fmt::format("Từ {} đến {} giây", kMinDwellSeconds, kMaxDwellSeconds),
                        fmt::format("From {} to {} seconds", kMinDwellSeconds, kMaxDwellSeconds)});
    if (v.tour->sets.empty() || v.tour->sets.size() > kMaxTourSets)
      errors.push_back({"tour.sets", fmt::format("Từ 1 đến {} bộ camera", kMaxTourSets), fmt::format("From 1 to {} camera sets", kMaxTourSets)});
    for (size_t i = 0; i < v.tour->sets.size() && i < kMaxTourSets; ++i)
      check_tiles(v.tour->sets[i], slots, fmt::format("tour.sets[{}]", i), camera_known, errors);
  }
  return errors;
}

std::vector<WallView> WallViews::list() {
  std::vector<WallView> out;
  for (const auto& r : db_.query(std::string(kSelect) + " ORDER BY name, id")) out.push_back(from_row(r));
  return out;
}

std::optional<WallView> WallViews::get(int64_t id) {
  auto rows = db_.query(std::string(kSelect) + " WHERE id = ?", {id});
  if (rows.empty()) return std::nullopt;
  return from_row(rows[0]);
}

void WallViews::take_default(int64_t unit_id, int64_t except_id) {
  db_.exec("UPDATE wall_views SET is_default = 0 WHERE unit_id = ? AND is_default = 1 AND id <> ?", {unit_id, except_id});
}

WallView WallViews::create(WallView v) {
  v.created_at = v.updated_at = clock_.now_ms();
  if (v.is_default) take_default(v.unit_id, 0);
  db_.exec(
      "INSERT INTO wall_views(owner_id, unit_id, name, layout, tiles, shared, is_default, tour, created_at, updated_at) "
      "VALUES (?,?,?,?,?,?,?,?,?,?)",
      {v.owner_id, v.unit_id, trim(v.name), v.layout, to_json(v.tiles).dump(), int64_t{v.shared}, int64_t{v.is_default},
       v.tour ? store::Value(tour_text(*v.tour)) : store::Value(nullptr), v.created_at, v.updated_at});
  v.id = db_.last_insert_id();
  v.name = trim(v.name);
  return v;
}

WallView WallViews::update(const WallView& in) {
  WallView v = in;
  v.updated_at = clock_.now_ms();
  v.name = trim(v.name);
  if (v.is_default) take_default(v.unit_id, v.id);
  db_.exec("UPDATE wall_views SET name=?, layout=?, tiles=?, shared=?, is_default=?, tour=?, updated_at=? WHERE id=?",
           {v.name, v.layout, to_json(v.tiles).dump(), int64_t{v.shared}, int64_t{v.is_default},
            v.tour ? store::Value(tour_text(*v.tour)) : store::Value(nullptr), v.updated_at, v.id});
  return v;
}

void WallViews::remove(int64_t id) { db_.exec("DELETE FROM wall_views WHERE id = ?", {id}); }

json to_json(const Tiles& t) {
  json a = json::array();
  for (const auto& x : t) a.push_back(x ? json(*x) : json());
  return a;
}

json to_json(const WallView& v) {
  json tour;
  if (v.tour) {
    json sets = json::array();
    for (const auto& s : v.tour->sets) sets.push_back(to_json(s));
    tour = {{"dwell_seconds", v.tour->dwell_seconds}, {"sets", sets}};
  }
  return {{"id", v.id},
          {"name", v.name},
          {"layout", v.layout},
          {"tiles", to_json(v.tiles)},
          {"owner_id", v.owner_id},
          {"unit_id", v.unit_id},
          {"shared", v.shared},
          {"is_default", v.is_default},
          {"tour", tour},
          {"created_at", core::iso8601(v.created_at)},
          {"updated_at", core::iso8601(v.updated_at)}};
}

WallView WallViews::create(WallView v, const audit::Actor& by) {
  return store::Work::run(db_, [&](store::Work&) {
    auto created = create(std::move(v));
    audit_.append(by.event("wall_view.create", "wall_view", std::to_string(created.id), created.unit_id, to_json(created)));
    return created;
  });
}

WallView WallViews::update(const WallView& before, const WallView& v, const audit::Actor& by) {
  return store::Work::run(db_, [&](store::Work&) {
    auto after = update(v);
    audit_.append(by.event("wall_view.update", "wall_view", std::to_string(after.id), after.unit_id,
                           {{"before", to_json(before)}, {"after", to_json(after)}}));
    return after;
  });
}

void WallViews::remove(const WallView& v, const audit::Actor& by) {
  store::Work::run(db_, [&](store::Work&) {
    remove(v.id);
    audit_.append(by.event("wall_view.delete", "wall_view", std::to_string(v.id), v.unit_id, to_json(v)));
  });
}

}  // namespace watchfloor::video
