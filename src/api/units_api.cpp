// Organisation units: GET/POST /api/v1/units, GET/PATCH/DELETE /api/v1/units/{id}.
// Each change is one org::Units operation: audited, and published on the bus after it commits.
#include "api/routes.h"
#include "core/json_body.h"
#include "org/vocabulary.h"

namespace watchfloor::api {
namespace {

using auth::Action;
using core::Need;

org::UnitInput parse_unit(const std::string& text, bool create) {
  auto b = core::JsonBody::parse(text, {"parent_id", "code", "kind", "name_vi", "name_en", "time_zone", "place",
                                        "has_camera_room", "must_run_24x7", "external", "designations"});
  Need need = create ? Need::required : Need::optional;
  org::UnitInput in;
  in.parent_id = b.nullable_integer("parent_id");
  in.code = b.string("code", need, 40);
  in.kind = b.string("kind", need, 40);
  in.name_vi = b.string("name_vi", need, 200);
  in.name_en = b.string("name_en", need, 200);
  in.time_zone = b.string("time_zone", Need::optional, 64);
  in.place = b.string("place", Need::optional, 100);
  in.has_camera_room = b.boolean("has_camera_room", Need::optional);
  in.must_run_24x7 = b.boolean("must_run_24x7", Need::optional);
  in.external = b.boolean("external", Need::optional);
  if (const auto* d = b.raw("designations")) {
    if (!d->is_object()) {
      b.error("designations", "Phải là một đối tượng", "Must be an object");
    } else {
      for (const auto& [kind, target] : d->items()) {
        if (!org::is_term(org::designation_kinds(), kind))
          b.error("designations." + kind, "Loại chỉ định không hợp lệ", "Unknown designation kind");
        else if (target.is_null()) in.designations[kind] = std::nullopt;
        else if (target.is_number_integer()) in.designations[kind] = target.get<int64_t>();
        else b.error("designations." + kind, "Phải là mã số đơn vị hoặc null", "Must be a unit id or null");
      }
    }
  }
  b.finish();
  return in;
}

// Creating a top-level unit needs an administrator whose scope covers every existing top-level unit.
void require_root_admin(http::Context& ctx, Services& s) {
  for (const auto& u : s.units.list())
    if (!u.parent_id) ctx.require(Action::unit_write, {u.id});
}

// ---- routes -----------------------------------------------------------------------------------

http::Response list_units(http::Context& ctx, Services& s) {
  auto items = nlohmann::json::array();
  for (const auto& u : s.units.list())
    if (ctx.may(Action::unit_read, {u.id})) items.push_back(org::to_json(u));
  return http::Response::json(200, {{"items", items}});
}

org::Unit load_unit(http::Context& ctx, Services& s) {
  auto u = s.units.get(ctx.id_param());
  if (!u || !ctx.may(Action::unit_read, {u->id})) throw core::Problem::not_found("The unit", "Đơn vị");
  return *u;
}

http::Response get_unit(http::Context& ctx, Services& s) { return http::Response::json(200, org::to_json(load_unit(ctx, s))); }

http::Response create_unit(http::Context& ctx, Services& s) {
  auto in = parse_unit(ctx.req.body, true);
  // A parent that does not exist is a validation error (reported by create), not a permission one.
  if (in.parent_id && *in.parent_id) {
    if (s.units.tree()->exists(**in.parent_id)) ctx.require(Action::unit_write, {**in.parent_id});
  } else {
    require_root_admin(ctx, s);
  }
  auto created = s.units.create(in, ctx.actor());
  return http::Response::json(201, org::to_json(created)).with_header("Location", "/api/v1/units/" + std::to_string(created.id));
}

http::Response update_unit(http::Context& ctx, Services& s) {
  auto in = parse_unit(ctx.req.body, false);
  auto before = load_unit(ctx, s);
  ctx.require(Action::unit_write, {before.id});
  if (in.parent_id && *in.parent_id && *in.parent_id != before.parent_id && s.units.tree()->exists(**in.parent_id))
    ctx.require(Action::unit_write, {**in.parent_id});
  if (in.parent_id && !*in.parent_id && before.parent_id) require_root_admin(ctx, s);
  return http::Response::json(200, org::to_json(s.units.update(before.id, in, ctx.actor(), core::parse_json(ctx.req.body))));
}

http::Response delete_unit(http::Context& ctx, Services& s) {
  auto before = load_unit(ctx, s);
  ctx.require(Action::unit_write, {before.id});
  s.units.remove(before.id, ctx.actor());
  return http::Response::no_content();
}

}  // namespace

void add_unit_routes(http::Router& r, Services& s) {
  add_routes(r, s, {
    {"GET", "/api/v1/units", Action::unit_read, list_units},
    {"GET", "/api/v1/units/{id}", Action::unit_read, get_unit},
    {"POST", "/api/v1/units", Action::unit_write, create_unit},
    {"PATCH", "/api/v1/units/{id}", Action::unit_write, update_unit},
    {"DELETE", "/api/v1/units/{id}", Action::unit_write, delete_unit},
  });
}

}  // namespace watchfloor::api
