// Sites and cameras. Reading them is for everyone inside customs within the site's unit and the units
// above it; changing them is for camera administrators in scope. Credentials go in, never out.
#include "api/routes.h"
#include "video/catalog.h"

namespace watchfloor::api {
namespace {

using auth::Action;
using core::Need;
using core::Problem;
using nlohmann::json;

// A number field that may be null: absent -> nullopt, null -> optional(nullopt).
std::optional<std::optional<double>> nullable_number(core::JsonBody& b, std::string_view f) {
  const auto* v = b.raw(f);
  if (!v) return std::nullopt;
  if (v->is_null()) return std::optional<double>();
  if (!v->is_number()) {
    b.error(b.path(f), "Phải là số", "Must be a number");
    return std::nullopt;
  }
  return std::optional<double>(v->get<double>());
}

video::SiteInput parse_site(const std::string& text, bool create) {
  auto b = core::JsonBody::parse(text, {"unit_id", "kind", "name", "address", "latitude", "longitude"});
  Need need = create ? Need::required : Need::optional;
  video::SiteInput in;
  in.unit_id = b.integer("unit_id", need);
  in.kind = choice(b, "kind", need, video::kSiteKinds);
  in.name = b.string("name", need, 200);
  in.address = b.string("address", Need::optional, 500);
  in.latitude = nullable_number(b, "latitude");
  in.longitude = nullable_number(b, "longitude");
  b.finish();
  return in;
}

video::CameraInput parse_camera(const std::string& text, bool create) {
  auto b = core::JsonBody::parse(text, {"site_id", "name", "owner", "owner_name", "connection", "main_url", "sub_url", "username",
                                        "password", "enabled", "retention_days", "retention_bytes"});
  Need need = create ? Need::required : Need::optional;
  video::CameraInput in;
  in.site_id = b.integer("site_id", need);
  in.name = b.string("name", need, 200);
  in.owner = choice(b, "owner", Need::optional, video::kOwners);
  in.owner_name = b.string("owner_name", Need::optional, 300);
  in.connection = choice(b, "connection", Need::optional, video::kConnections);
  in.main_url = b.string("main_url", need, 1000);
  if (const auto* sub = b.raw("sub_url")) in.sub_url = sub->is_null() ? std::optional<std::string>() : b.string("sub_url", Need::optional, 1000);
  in.enabled = b.boolean("enabled", Need::optional);
  in.retention_days = b.integer("retention_days", Need::optional);
  in.retention_bytes = b.integer("retention_bytes", Need::optional);
  // Credentials come as a pair; null username removes them. They are sealed before they are stored.
  const auto* user = b.raw("username");
  if (user && user->is_null()) {
    in.credentials = std::optional<std::pair<std::string, std::string>>();
  } else if (user || b.has("password")) {
    auto u = b.string("username", Need::required, 200);
    auto p = b.string("password", Need::required, 200);
    if (u && p) in.credentials = std::pair{*u, *p};
  }
  b.finish();
  return in;
}

video::Site load_site(http::Context& ctx, Services& s) {
  auto site = s.catalog.site(ctx.id_param());
  if (!site || !ctx.may(Action::camera_read, {site->unit_id})) throw Problem::not_found("The site", "Địa điểm");
  return *site;
}

video::Camera load_camera(http::Context& ctx, Services& s) {
  auto cam = s.catalog.camera(ctx.id_param());
  if (!cam || !ctx.may(Action::camera_read, {cam->unit_id})) throw Problem::not_found("The camera", "Camera");
  return *cam;
}

// The site a camera is put at must be one the caller administers.
void require_site_write(http::Context& ctx, Services& s, int64_t site_id) {
  auto site = s.catalog.site(site_id);
  if (!site || !ctx.may(Action::camera_read, {site->unit_id})) throw Problem::not_found("The site", "Địa điểm");
  ctx.require(Action::camera_write, {site->unit_id});
}

json site_json(Services& s, const video::Site& site) { return with_names(s, video::to_json(site)); }
json camera_json(Services& s, const video::Camera& c) { return with_names(s, video::to_json(c)); }

}  // namespace

void add_video_routes(http::Router& r, Services& s) {
  r.add("GET", "/api/v1/sites", Action::camera_read, [&s](http::Context& ctx) {
    json items = json::array();
    for (const auto& site : s.catalog.sites(query_id(ctx, "unit")))
      if (ctx.may(Action::camera_read, {site.unit_id})) items.push_back(site_json(s, site));
    return http::Response::json(200, {{"items", items}});
  });

  r.add("POST", "/api/v1/sites", Action::camera_write, [&s](http::Context& ctx) {
    auto in = parse_site(ctx.req.body, true);
    if (s.units.tree()->exists(*in.unit_id)) ctx.require(Action::camera_write, {*in.unit_id});
    video::Site site;
    write(s, [&] {
      site = s.catalog.create_site(in);
      s.audit.append(ctx.audit("site.create", "site", std::to_string(site.id), site.unit_id, video::to_json(site)));
    });
    return http::Response::json(201, site_json(s, site));
  });

  r.add("GET", "/api/v1/sites/{id}", Action::camera_read, [&s](http::Context& ctx) {
    return http::Response::json(200, site_json(s, load_site(ctx, s)));
  });

  r.add("PATCH", "/api/v1/sites/{id}", Action::camera_write, [&s](http::Context& ctx) {
    auto in = parse_site(ctx.req.body, false);
    auto site = load_site(ctx, s);
    ctx.require(Action::camera_write, {site.unit_id});
    if (in.unit_id && s.units.tree()->exists(*in.unit_id)) ctx.require(Action::camera_write, {*in.unit_id});
    write(s, [&] {
      site = s.catalog.update_site(site.id, in);
      s.audit.append(ctx.audit("site.update", "site", std::to_string(site.id), site.unit_id, video::to_json(site)));
    });
    return http::Response::json(200, site_json(s, site));
  });

  r.add("DELETE", "/api/v1/sites/{id}", Action::camera_write, [&s](http::Context& ctx) {
    auto site = load_site(ctx, s);
    ctx.require(Action::camera_write, {site.unit_id});
    write(s, [&] {
      s.catalog.remove_site(site.id);
      s.audit.append(ctx.audit("site.delete", "site", std::to_string(site.id), site.unit_id, video::to_json(site)));
    });
    return http::Response::no_content();
  });

  r.add("GET", "/api/v1/cameras", Action::camera_read, [&s](http::Context& ctx) {
    json items = json::array();
    for (const auto& c : s.catalog.cameras(query_id(ctx, "site"), query_id(ctx, "unit")))
      if (ctx.may(Action::camera_read, {c.unit_id})) items.push_back(camera_json(s, c));
    return http::Response::json(200, {{"items", items}});
  });

  r.add("POST", "/api/v1/cameras", Action::camera_write, [&s](http::Context& ctx) {
    auto in = parse_camera(ctx.req.body, true);
    require_site_write(ctx, s, *in.site_id);
    video::Camera c;
    write(s, [&] {
      c = s.catalog.create_camera(in);
      // The audit entry says that credentials were set, never what they are.
      s.audit.append(ctx.audit("camera.create", "camera", std::to_string(c.id), c.unit_id, video::to_json(c)));
    });
    return http::Response::json(201, camera_json(s, c));
  });

  r.add("GET", "/api/v1/cameras/{id}", Action::camera_read, [&s](http::Context& ctx) {
    return http::Response::json(200, camera_json(s, load_camera(ctx, s)));
  });

  r.add("PATCH", "/api/v1/cameras/{id}", Action::camera_write, [&s](http::Context& ctx) {
    auto in = parse_camera(ctx.req.body, false);
    auto c = load_camera(ctx, s);
    ctx.require(Action::camera_write, {c.unit_id});
    if (in.site_id) require_site_write(ctx, s, *in.site_id);
    write(s, [&] {
      c = s.catalog.update_camera(c.id, in);
      json details = video::to_json(c);
      if (in.credentials) details["credentials_changed"] = true;
      s.audit.append(ctx.audit("camera.update", "camera", std::to_string(c.id), c.unit_id, details));
    });
    return http::Response::json(200, camera_json(s, c));
  });

  r.add("DELETE", "/api/v1/cameras/{id}", Action::camera_write, [&s](http::Context& ctx) {
    auto c = load_camera(ctx, s);
    ctx.require(Action::camera_write, {c.unit_id});
    write(s, [&] {
      s.catalog.remove_camera(c.id);
      s.audit.append(ctx.audit("camera.delete", "camera", std::to_string(c.id), c.unit_id, video::to_json(c)));
    });
    return http::Response::no_content();
  });
}

}  // namespace watchfloor::api
