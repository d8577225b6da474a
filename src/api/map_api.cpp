// The map (bản đồ): each site the caller may see with its coordinates and state. Read-only; every
// part is filtered by the one policy: sites and cameras by camera_read, alerts by duty_read on the
// alert's unit, cases by case_read as the case list decides.
#include "api/routes.h"
#include "video/nodes.h"
#include "supervision/site_summary.h"
#include "video/recorder.h"

namespace watchfloor::api {
namespace {

using auth::Action;
using nlohmann::json;

// The open cases the caller may read (the case list's rule), as the summary needs them.
std::vector<supervision::OpenCase> readable_open_cases(http::Context& ctx, Services& s) {
  std::vector<supervision::OpenCase> out;
  for (const char* status : {"reported", "acknowledged", "in_handling", "coordination_requested"}) {
    supervision::CaseQuery q;
    q.status = status;
    q.limit = 2000;
    for (const auto& c : s.cases.list(q)) {
      auth::Target t{c.unit_id};
      t.from_camera = c.cameras.is_array() && !c.cameras.empty();
      if (!ctx.may(Action::case_read, t)) t.relation = s.cases.relation(c, ctx.principal().user_id);
      if (!ctx.may(Action::case_read, t)) continue;
      supervision::OpenCase oc{c.id, c.site, {}};
      if (c.cameras.is_array())
        for (const auto& cam : c.cameras)
          if (cam.is_object() && cam.contains("camera") && cam["camera"].is_string())
            oc.cameras.push_back(cam["camera"]);
      out.push_back(std::move(oc));
    }
  }
  return out;
}

// Each site the caller may see with its cameras' states and counts of open alerts and cases.
http::Response site_summary(http::Context& ctx, Services& s) {
  auto unit = query_id(ctx, "unit");
  std::vector<video::Site> sites;
  std::vector<supervision::SiteRef> refs;
  for (auto& site : s.catalog.sites(unit))
    if (ctx.may(Action::camera_read, {site.unit_id})) {
      refs.push_back({site.id, site.name});
      sites.push_back(std::move(site));
    }
  std::vector<supervision::SiteCamera> cameras;
  auto catalogued = s.catalog.cameras(std::nullopt, unit);
  auto on_nodes = s.nodes.statuses(catalogued);  // the states of the cameras nodes record, in one query
  for (const auto& c : catalogued) {
    if (!ctx.may(Action::camera_read, {c.unit_id})) continue;
    auto st = camera_status(s, c, &on_nodes);
    cameras.push_back({c.id, c.site_id, c.name, st ? st->state : (c.enabled ? "starting" : "disabled")});
  }
  std::vector<supervision::CameraAlert> alerts;
  for (const auto& a : s.alerts.list(std::nullopt, true, 2000)) {
    if (!a.unit_id || !ctx.may(Action::duty_read, {*a.unit_id})) continue;
    if (a.details.is_object() && a.details.contains("camera_id") && a.details["camera_id"].is_number_integer())
      alerts.push_back({a.details["camera_id"].get<int64_t>(), a.kind});
  }
  auto summaries = supervision::summarize_sites(refs, cameras, alerts, readable_open_cases(ctx, s));

  json items = json::array();
  for (size_t i = 0; i < sites.size(); ++i) {
    const auto& site = sites[i];
    const auto& sum = summaries[i];
    json cams = json::array();
    for (const auto& c : cameras)
      if (c.site_id == site.id) cams.push_back({{"id", c.id}, {"name", c.name}, {"state", c.state}});
    items.push_back({{"site_id", site.id},
                     {"name", site.name},
                     {"kind", site.kind},
                     {"address", site.address},
                     {"unit_id", site.unit_id},
                     {"latitude", site.latitude ? json(*site.latitude) : json()},
                     {"longitude", site.longitude ? json(*site.longitude) : json()},
                     {"camera_counts", sum.cameras},
                     {"camera_total", sum.camera_total},
                     {"cameras", cams},
                     {"open_alerts", sum.open_alerts},
                     {"open_cases", sum.open_cases},
                     {"state", sum.state}});
  }
  return http::Response::json(200, {{"items", with_names(s, items)}, {"at", core::iso8601(s.clock.now_ms())}});
}

}  // namespace

void add_map_routes(http::Router& r, Services& s) {
  // Registered before /api/v1/sites/{id}, which would otherwise take "summary" for an id.
  add_routes(r, s, {
    {"GET", "/api/v1/sites/summary", Action::camera_read, site_summary},
  });
}

}  // namespace watchfloor::api
