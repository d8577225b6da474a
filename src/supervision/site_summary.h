#pragma once
// The state of each supervised site (địa điểm giám sát) at a glance, for the map (bản đồ): how its
// cameras are, how many alerts and cases are open about it, and the worst of these. A pure function
// over what the caller may see, taken at one moment: no database, no clock, no policy of its own (the
// caller passes only the sites, alerts and cases the permission policy lets it read).
#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace watchfloor::supervision {

// Camera states as the recorder reports them.
inline constexpr const char* kCameraStates[] = {"starting", "online", "offline", "degraded", "disabled"};
// A site's overall state, worst first: a camera offline, an open alert, an open case, a degraded
// camera, all well, no camera that records.
inline constexpr const char* kSiteStates[] = {"offline", "alert", "case", "degraded", "ok", "none"};

struct SiteRef {
  int64_t id = 0;
  std::string name;
};

struct SiteCamera {
  int64_t id = 0, site_id = 0;
  std::string name, state;  // state: one of kCameraStates
};

// An open alert about one camera (details.camera_id). The same alert is raised for the camera's unit
// and for the system operator; it counts once per (kind, camera).
struct CameraAlert {
  int64_t camera_id = 0;
  std::string kind;
};

// An open case with where it was seen: the free-text site and the cameras it names (a camera's id or
// name, as the case form takes them).
struct OpenCase {
  int64_t id = 0;
  std::string site;
  std::vector<std::string> cameras;
};

struct SiteSummary {
  int64_t site_id = 0;
  std::map<std::string, int> cameras;  // state -> count, every kCameraStates key present
  int camera_total = 0, open_alerts = 0, open_cases = 0;
  std::string state;  // one of kSiteStates
};

// Whether an open case is about the site: one of its cameras is a camera of the site (by id or exact
// name), or its site text names the site (contains the site's name, ignoring ASCII case and spaces
// at the ends).
bool case_at_site(const OpenCase& c, const SiteRef& site, const std::vector<SiteCamera>& site_cameras);

// One summary per site, in the order given.
std::vector<SiteSummary> summarize_sites(const std::vector<SiteRef>& sites, const std::vector<SiteCamera>& cameras,
                                         const std::vector<CameraAlert>& alerts, const std::vector<OpenCase>& cases);

}  // namespace watchfloor::supervision
