#include "supervision/site_summary.h"

#include <set>
#include <utility>

#include "core/text.h"

namespace watchfloor::supervision {
namespace {

std::string trimmed(std::string_view s) {
  auto b = s.find_first_not_of(" \t\r\n");
  if (b == std::string_view::npos) return {};
  auto e = s.find_last_not_of(" \t\r\n");
  return std::string(s.substr(b, e - b + 1));
}

}  // namespace

bool case_at_site(const OpenCase& c, const SiteRef& site, const std::vector<SiteCamera>& site_cameras) {
  for (const auto& ref : c.cameras) {
    std::string r = trimmed(ref);
    for (const auto& cam : site_cameras)
      if (cam.site_id == site.id && (r == std::to_string(cam.id) || (!cam.name.empty() && r == cam.name))) return true;
  }
  std::string name = core::ascii_lower(trimmed(site.name));
  return !name.empty() && core::ascii_lower(c.site).find(name) != std::string::npos;
}

std::vector<SiteSummary> summarize_sites(const std::vector<SiteRef>& sites, const std::vector<SiteCamera>& cameras,
                                         const std::vector<CameraAlert>& alerts, const std::vector<OpenCase>& cases) {
  std::map<int64_t, int64_t> site_of_camera;
  std::map<int64_t, std::vector<SiteCamera>> by_site;
  for (const auto& c : cameras) {
    site_of_camera[c.id] = c.site_id;
    by_site[c.site_id].push_back(c);
  }
  std::map<int64_t, std::set<std::pair<std::string, int64_t>>> alerts_at;  // site -> {(kind, camera)}
  for (const auto& a : alerts)
    if (auto it = site_of_camera.find(a.camera_id); it != site_of_camera.end())
      alerts_at[it->second].insert({a.kind, a.camera_id});

  std::vector<SiteSummary> out;
  out.reserve(sites.size());
  for (const auto& site : sites) {
    SiteSummary s;
    s.site_id = site.id;
    for (const char* st : kCameraStates) s.cameras[st] = 0;
    const auto& mine = by_site[site.id];
    for (const auto& c : mine) {
      ++s.cameras[c.state];  // a state the recorder adds later is counted under its own name
      ++s.camera_total;
    }
    s.open_alerts = static_cast<int>(alerts_at[site.id].size());
    for (const auto& c : cases)
      if (case_at_site(c, site, mine)) ++s.open_cases;
    int recording = s.camera_total - s.cameras["disabled"];
    if (s.cameras["offline"] > 0)
      s.state = "offline";
    else if (s.open_alerts > 0)
      s.state = "alert";
    else if (s.open_cases > 0)
      s.state = "case";
    else if (s.cameras["degraded"] > 0)
      s.state = "degraded";
    else if (recording > 0)
      s.state = "ok";
    else
      s.state = "none";
    out.push_back(std::move(s));
  }
  return out;
}

}  // namespace watchfloor::supervision
