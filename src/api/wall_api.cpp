// Saved views of the video wall (video/wall_views.h). A private view is its owner's alone (anyone
// else gets 404, whatever their role); a shared view is read in its unit and changed by its owner or
// the unit's leaders, who alone mark a unit's default view. Every change is audited.
#include <fmt/format.h>

#include "api/routes.h"
#include "video/wall_views.h"

namespace watchfloor::api {
namespace {

using auth::Action;
using core::Need;
using core::Problem;
using nlohmann::json;

// A JSON array of camera ids or nulls, named `field` in errors.
std::optional<video::Tiles> parse_tiles(core::JsonBody& b, const json* v, const std::string& field) {
  if (!v) return std::nullopt;
  if (!v->is_array()) {
    b.error(field, "Phải là danh sách mã camera (hoặc null cho ô trống)", "Must be a list of camera ids (or null for an empty tile)");
    return std::nullopt;
  }
  if (v->size() > 25) {
    b.error(field, "Tối đa 25 ô", "At most 25 tiles");
    return std::nullopt;
  }
  video::Tiles out;
  for (size_t i = 0; i < v->size(); ++i) {
    const auto& x = (*v)[i];
    if (x.is_null()) out.emplace_back();
    else if (x.is_number_integer() && x.get<int64_t>() > 0) out.emplace_back(x.get<int64_t>());
    else {
      b.error(fmt::format("{}[{}]", field, i), "Phải là mã camera (số nguyên dương) hoặc null", "Must be a camera id (a positive integer) or null");
      out.emplace_back();
    }
  }
  return out;
}

struct Parsed {
  video::WallViewInput in;
  std::optional<int64_t> unit_id;
};

Parsed parse_view(const std::string& text, bool create) {
  auto b = core::JsonBody::parse(text, {"name", "layout", "tiles", "shared", "is_default", "tour", "unit_id"});
  Need need = create ? Need::required : Need::optional;
  Parsed p;
  p.in.name = b.string("name", need, video::kMaxWallViewName);
  p.in.layout = choice(b, "layout", need, video::kWallLayouts);
  p.in.tiles = parse_tiles(b, b.raw("tiles"), "tiles");
  p.in.shared = b.boolean("shared", Need::optional);
  p.in.is_default = b.boolean("is_default", Need::optional);
  if (create) p.unit_id = b.integer("unit_id", Need::optional);
  else if (b.has("unit_id")) b.error("unit_id", "Không đổi được đơn vị của màn hình; hãy lưu thành màn hình mới", "A view's unit cannot change; save it as a new view");
  if (const auto* tour = b.raw("tour")) {
    if (tour->is_null()) {
      p.in.tour = std::optional<video::WallTour>();
    } else if (!tour->is_object()) {
      b.error("tour", "Phải là đối tượng {dwell_seconds, sets} hoặc null", "Must be an object {dwell_seconds, sets} or null");
    } else {
      core::JsonBody t(*tour, {"dwell_seconds", "sets"}, "tour");
      video::WallTour w;
      auto dwell = t.integer("dwell_seconds", Need::required);
      if (dwell) w.dwell_seconds = *dwell;
      const auto* sets = t.raw("sets");
      if (!sets || !sets->is_array()) t.error("tour.sets", "Phải là danh sách các bộ camera", "Must be a list of camera sets");
      else
        for (size_t i = 0; i < sets->size() && i <= video::kMaxTourSets; ++i)
          w.sets.push_back(parse_tiles(t, &(*sets)[i], fmt::format("tour.sets[{}]", i)).value_or(video::Tiles{}));
      if (sets && sets->is_array() && sets->size() > video::kMaxTourSets) w.sets.resize(video::kMaxTourSets + 1);
      b.adopt(t);
      p.in.tour = std::optional<video::WallTour>(std::move(w));
    }
  }
  b.finish();
  return p;
}

// Readable by the caller, or 404 (a private view of someone else does not exist for them).
video::WallView load_view(http::Context& ctx, video::WallViews& views) {
  auto v = views.get(ctx.id_param());
  const auto me = ctx.principal().user_id;
  if (!v || (v->owner_id != me && (!v->shared || !ctx.may(Action::wall_view_read, {v->unit_id}))))
    throw Problem::not_found("The wall view", "Màn hình giám sát");
  return *v;
}

bool may_change(http::Context& ctx, const video::WallView& v) {
  return ctx.may(Action::wall_view_write, auth::Target(v.unit_id, v.owner_id)) && (v.shared || v.owner_id == ctx.principal().user_id);
}

json view_json(Services& s, http::Context& ctx, const video::WallView& v) {
  json j = with_names(s, video::to_json(v));
  if (auto u = s.users.get(v.owner_id)) j["owner_name"] = u->full_name;
  j["can_edit"] = may_change(ctx, v);
  return j;
}

// Checks the resulting view; the cameras on it must be ones the caller sees.
void check(http::Context& ctx, Services& s, const video::WallView& v) {
  auto errors = video::check_view(v, [&](int64_t id) {
    auto c = s.catalog.camera(id);
    return c && ctx.may(Action::camera_read, {c->unit_id});
  });
  if (!errors.empty()) throw Problem::validation(std::move(errors));
}

// Marking (or unmarking) a unit's default view is for the unit's leaders, not for any owner.
void require_default_right(http::Context& ctx, int64_t unit_id) {
  if (!ctx.may(Action::wall_view_write, auth::Target(unit_id)))
    throw Problem(403, "forbidden", "Forbidden", "Không có quyền",
                  "Only the unit's leaders choose its default view", "Chỉ lãnh đạo đơn vị chọn màn hình mặc định của đơn vị",
                  {core::FieldError{"is_default", "Chỉ lãnh đạo đơn vị chọn màn hình mặc định của đơn vị",
                                    "Only the unit's leaders choose its default view"}});
}

http::Response list_views(http::Context& ctx, Services& s) {
  video::WallViews views(s.db, s.clock, s.audit);
  const auto me = ctx.principal().user_id;
  json items = json::array();
  for (const auto& v : views.list())
    if (v.owner_id == me || (v.shared && ctx.may(Action::wall_view_read, {v.unit_id}))) items.push_back(view_json(s, ctx, v));
  return http::Response::json(200, {{"items", items}});
}

http::Response create_view(http::Context& ctx, Services& s) {
  auto p = parse_view(ctx.req.body, true);
  const auto& me = ctx.principal();
  video::WallView v;
  v.owner_id = me.user_id;
  // Shared with the owner's own unit, or with a unit where the owner holds a role (a provincial
  // leader's own unit is often the leadership box under the province), or, for a leader, with a
  // unit they lead (a department's leader prepares the default wall of its division).
  v.unit_id = p.unit_id.value_or(me.unit_id);
  if (v.unit_id != me.unit_id &&
      std::none_of(me.grants.begin(), me.grants.end(), [&](const auth::Grant& g) { return g.unit_id == v.unit_id; }) &&
      !ctx.may(Action::wall_view_write, auth::Target(v.unit_id)))
    throw Problem::field("unit_id", "Chỉ chia sẻ với đơn vị của mình, đơn vị mình giữ vai trò hoặc mình lãnh đạo",
                         "Share only with your own unit, a unit where you hold a role or one you lead");
  v.layout = "4";
  v = video::apply_input(v, p.in);
  check(ctx, s, v);
  if (v.is_default) require_default_right(ctx, v.unit_id);
  video::WallViews views(s.db, s.clock, s.audit);
  v = views.create(v, ctx.actor());
  return http::Response::json(201, view_json(s, ctx, v));
}

http::Response get_view(http::Context& ctx, Services& s) {
  video::WallViews views(s.db, s.clock, s.audit);
  return http::Response::json(200, view_json(s, ctx, load_view(ctx, views)));
}

http::Response update_view(http::Context& ctx, Services& s) {
  auto p = parse_view(ctx.req.body, false);
  video::WallViews views(s.db, s.clock, s.audit);
  auto old = load_view(ctx, views);
  if (!may_change(ctx, old)) throw Problem::forbidden();
  auto v = video::apply_input(old, p.in);
  if (!v.shared) v.is_default = false;  // a private view is nobody's default
  check(ctx, s, v);
  if (v.is_default != old.is_default) require_default_right(ctx, v.unit_id);
  // Only the owner takes a shared view back to private.
  if (old.shared && !v.shared && old.owner_id != ctx.principal().user_id)
    throw Problem::field("shared", "Chỉ người tạo màn hình mới thôi chia sẻ được", "Only the view's owner can stop sharing it");
  v = views.update(old, v, ctx.actor());
  return http::Response::json(200, view_json(s, ctx, v));
}

http::Response delete_view(http::Context& ctx, Services& s) {
  video::WallViews views(s.db, s.clock, s.audit);
  auto v = load_view(ctx, views);
  if (!may_change(ctx, v)) throw Problem::forbidden();
  if (v.is_default) require_default_right(ctx, v.unit_id);
  views.remove(v, ctx.actor());
  return http::Response::no_content();
}

}  // namespace

void add_wall_routes(http::Router& r, Services& s) {
  add_routes(r, s, {
    {"GET", "/api/v1/wall-views", Action::wall_view_read, list_views},
    {"POST", "/api/v1/wall-views", Action::wall_view_write, create_view},
    {"GET", "/api/v1/wall-views/{id}", Action::wall_view_read, get_view},
    {"PATCH", "/api/v1/wall-views/{id}", Action::wall_view_write, update_view},
    {"DELETE", "/api/v1/wall-views/{id}", Action::wall_view_write, delete_view},
  });
}

}  // namespace watchfloor::api
