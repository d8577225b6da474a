// Organisation units: GET/POST /api/v1/units, GET/PATCH/DELETE /api/v1/units/{id}.
// Changes are published on the bus (unit.created / unit.updated / unit.deleted) after they commit.
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

nlohmann::json changes_of(const std::string& body) { return core::parse_json(body); }

}  // namespace

void add_unit_routes(http::Router& r, Services& s) {
  r.add("GET", "/api/v1/units", Action::unit_read, [&s](http::Context& ctx) {
    auto items = nlohmann::json::array();
    for (const auto& u : s.units.list())
      if (ctx.may(Action::unit_read, {u.id})) items.push_back(org::to_json(u));
    return http::Response::json(200, {{"items", items}});
  });

  r.add("GET", "/api/v1/units/{id}", Action::unit_read, [&s](http::Context& ctx) {
    auto u = s.units.get(ctx.id_param());
    if (!u || !ctx.may(Action::unit_read, {u->id})) throw core::Problem::not_found("The unit", "Đơn vị");
    return http::Response::json(200, org::to_json(*u));
  });

  r.add("POST", "/api/v1/units", Action::unit_write, [&s](http::Context& ctx) {
    auto in = parse_unit(ctx.req.body, true);
    // A parent that does not exist is a validation error (reported by create), not a permission one.
    if (in.parent_id && *in.parent_id) {
      if (s.units.tree()->exists(**in.parent_id)) ctx.require(Action::unit_write, {**in.parent_id});
    } else {
      require_root_admin(ctx, s);
    }
    org::Unit created;
    write(s, [&] {
      created = s.units.create(in);
      s.audit.append(ctx.audit("unit.create", "unit", std::to_string(created.id), created.id, org::to_json(created)));
    });
    s.bus.publish("unit.created", created.id, Action::unit_read, org::to_json(created));
    return http::Response::json(201, org::to_json(created)).with_header("Location", "/api/v1/units/" + std::to_string(created.id));
  });

  r.add("PATCH", "/api/v1/units/{id}", Action::unit_write, [&s](http::Context& ctx) {
    int64_t id = ctx.id_param();
    auto in = parse_unit(ctx.req.body, false);
    auto before = s.units.get(id);
    if (!before || !ctx.may(Action::unit_read, {id})) throw core::Problem::not_found("The unit", "Đơn vị");
    ctx.require(Action::unit_write, {id});
    if (in.parent_id && *in.parent_id && *in.parent_id != before->parent_id && s.units.tree()->exists(**in.parent_id))
      ctx.require(Action::unit_write, {**in.parent_id});
    if (in.parent_id && !*in.parent_id && before->parent_id) require_root_admin(ctx, s);
    org::Unit after;
    write(s, [&] {
      after = s.units.update(id, in);
      s.audit.append(ctx.audit("unit.update", "unit", std::to_string(id), id,
                               {{"before", org::to_json(*before)}, {"change", changes_of(ctx.req.body)}}));
    });
    s.bus.publish("unit.updated", id, Action::unit_read, org::to_json(after));
    return http::Response::json(200, org::to_json(after));
  });

  r.add("DELETE", "/api/v1/units/{id}", Action::unit_write, [&s](http::Context& ctx) {
    int64_t id = ctx.id_param();
    auto before = s.units.get(id);
    if (!before || !ctx.may(Action::unit_read, {id})) throw core::Problem::not_found("The unit", "Đơn vị");
    ctx.require(Action::unit_write, {id});
    write(s, [&] {
      s.units.remove(id);
      s.audit.append(ctx.audit("unit.delete", "unit", std::to_string(id), before->parent_id, org::to_json(*before)));
    });
    s.bus.publish("unit.deleted", id, Action::unit_read, org::to_json(*before));
    return http::Response::no_content();
  });
}

}  // namespace watchfloor::api
