#pragma once
// Sites (địa điểm giám sát) and their cameras: what the recorder records and the centre watches.
// Camera credentials are sealed at rest (core::SecretBox) and never leave this module except to
// the recorder and the probe; JSON forms say only whether they are set. They are bound to the host
// and port they were entered for: they are handed out only for an address that connects there, and
// an update that moves the main address elsewhere must enter them again or remove them.
#include <nlohmann/json.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <tuple>
#include <vector>

#include "audit/audit_log.h"
#include "core/clock.h"
#include "core/secret_box.h"
#include "events/bus.h"
#include "org/units.h"
#include "store/db.h"

namespace watchfloor::video {

class Retention;  // video/retention.h
struct Hold;
struct HoldInput;

inline constexpr const char* kSiteKinds[] = {"border_gate", "seaport", "airport", "container_yard", "bonded_warehouse",
                                             "scanner_area", "enterprise_premises"};
inline constexpr const char* kOwners[] = {"customs", "enterprise", "other_agency"};
inline constexpr const char* kConnections[] = {"customs_network", "internet", "leased_line"};

struct Site {
  int64_t id = 0, unit_id = 0, created_at = 0, updated_at = 0;
  std::string kind, name, address;
  std::optional<double> latitude, longitude;
};

struct SiteInput {
  std::optional<int64_t> unit_id;
  std::optional<std::string> kind, name, address;
  std::optional<std::optional<double>> latitude, longitude;
};

struct Camera {
  int64_t id = 0, site_id = 0, unit_id = 0, created_at = 0, updated_at = 0;  // unit_id: the site's
  std::string name, owner, owner_name, connection, main_url;
  std::optional<std::string> sub_url;
  bool credentials_set = false, enabled = true;
  int64_t retention_days = 30, retention_bytes = 0;  // 0 bytes: no byte limit of its own
  bool record_sub = false;          // the sub stream is recorded too (it needs a sub_url)
  int64_t sub_retention_days = 7;   // and kept this long
  // The host:port (rtsp_endpoint) the credentials are bound to; not in the JSON form.
  std::optional<std::string> credentials_host;
  // The recorder node it is assigned to, and the one recording it now (its standby while it is down); nullopt: the
  // API server's own recorder (video/nodes.h).
  std::optional<int64_t> node_id, recording_node_id;
  std::optional<std::string> node_name, recording_node_name;
};

struct CameraInput {
  std::optional<int64_t> site_id, retention_days, retention_bytes;
  std::optional<std::string> name, owner, owner_name, connection, main_url;
  std::optional<std::optional<std::string>> sub_url;
  std::optional<bool> enabled, record_sub;
  std::optional<int64_t> sub_retention_days;
  // Present: set (username and password); present and null: remove.
  std::optional<std::optional<std::pair<std::string, std::string>>> credentials;
  // The recorder node to record it (Nodes::assign, not the catalog); present and null: the API server's own.
  std::optional<std::optional<int64_t>> node_id;
};

struct Credentials {
  std::string username, password;
};

// An enterprise camera's outage (the recorder opens and closes them): repair within 10 working days.
struct Outage {
  int64_t id = 0, camera_id = 0, started_ms = 0, repair_due_ms = 0;
  std::optional<int64_t> ended_ms;
  std::string owner_name;
  // Overdue: still down after the deadline, or repaired after it.
  bool overdue(int64_t now_ms) const { return ended_ms.value_or(now_ms) > repair_due_ms; }
};

// Inside a unit of work: "camera.changed" once it commits (one per camera and unit), so that whichever process
// records the camera starts, restarts or stops it, and consoles refresh it.
void publish_camera_changed(events::Bus& bus, int64_t camera_id, int64_t unit_id,
                            nlohmann::json extra = nlohmann::json::object());

class Catalog {
 public:
  // `bus`: where a change to a camera is announced ("camera.changed"), so that whichever process records it (this
  // server, another, a recorder node) starts, restarts or stops it.
  Catalog(store::Db& db, const core::Clock& clock, org::Units& units, const core::SecretBox& secrets, audit::AuditLog& audit,
          events::Bus* bus = nullptr)
      : db_(db), clock_(clock), units_(units), secrets_(secrets), audit_(audit), bus_(bus) {}

  std::vector<Site> sites(std::optional<int64_t> unit_id);
  std::optional<Site> site(int64_t id);

  std::vector<Camera> cameras(std::optional<int64_t> site_id, std::optional<int64_t> unit_id);
  // A page of cameras in site then camera name order, after the key (site name, camera name, id) of the
  // last one of the previous page; `readable_roots` (nullopt: every unit) keeps to what the reader may see.
  struct Query {
    std::optional<int64_t> site_id, unit_id;
    std::optional<std::vector<int64_t>> readable_roots;
    std::optional<std::tuple<std::string, std::string, int64_t>> after;
    int64_t limit = 100;
  };
  std::vector<Camera> cameras(const Query& q);
  std::optional<Camera> camera(int64_t id);
  // Changes to sites and cameras, each one unit of work with its audit entry ("site.create", "site.update",
  // "site.delete" (409 while the site has cameras), "camera.create", "camera.update" saying what happened to
  // the credentials, never the secret, "camera.delete").
  Site create_site(const SiteInput& in, const audit::Actor& by);
  Site update_site(int64_t id, const SiteInput& in, const audit::Actor& by);
  void remove_site(int64_t id, const audit::Actor& by);
  Camera create_camera(const CameraInput& in, const audit::Actor& by);
  Camera update_camera(int64_t id, const CameraInput& in, const audit::Actor& by);
  void remove_camera(int64_t id, const audit::Actor& by);
  // Audited uses of a camera: "camera.probe" (it uses the credentials) and the sensitive reads of its
  // footage ("video.recordings", "video.playback", "video.snapshot", "video.live.start", "video.live.end"),
  // with what was seen.
  void used(const Camera& c, const std::string& action, const nlohmann::json& details, const audit::Actor& by);
  // Evidence holds on a camera's footage, kept by the recorder's retention, by a person: one unit of work
  // with its audit entry ("hold.create", "hold.release") at the camera's unit.
  Hold create_hold(Retention& retention, const HoldInput& in, const audit::Actor& by);
  Hold release_hold(Retention& retention, int64_t hold_id, const std::string& reason, const audit::Actor& by);
  // For the recorder and the probe only: the credentials to send to `url`, withheld (nullopt, and a
  // log line without secrets) unless `url` connects to the host and port they are bound to.
  std::optional<Credentials> credentials(int64_t camera_id, const std::string& url);
  // Outages, newest first; state: "open", "closed" or "all".
  std::vector<Outage> outages(const std::string& state);
  org::Units& units() { return units_; }

 private:
  void changed(const Camera& c);
  Site create_site(const SiteInput& in);
  Site update_site(int64_t id, const SiteInput& in);
  void remove_site(int64_t id);
  Camera create_camera(const CameraInput& in);
  Camera update_camera(int64_t id, const CameraInput& in);
  void remove_camera(int64_t id);
  void check_site(const Site& s);
  void check_camera(const Camera& c);
  store::Db& db_;
  const core::Clock& clock_;
  org::Units& units_;
  const core::SecretBox& secrets_;
  audit::AuditLog& audit_;
  events::Bus* bus_;
};

// An RTSP address without credentials in it: rtsp:// or rtsps://, a host, at most 1000 characters,
// no user:pass@ and no credential-like parameter (user=, password=, token=, … in the query string, or
// as name=value in the path, as some cameras take them).
// Returns the reason when it is not one.
struct UrlRefusal {
  std::string vi, en;
  int status = 400;  // 422: well-formed, but it carries credentials
};
std::optional<UrlRefusal> check_rtsp_url(const std::string& url);

// Whether a query parameter's name looks like it carries a credential (case-insensitive).
bool credential_like_parameter(std::string_view name);

// The address with the values of credential-like parameters replaced by *** (rows stored
// before such addresses were refused); any other address unchanged.
std::string redact_url(const std::string& url);

// Where an RTSP address connects, as "host:port" to compare: the host lower-cased (an IPv6 address
// in brackets), the port written out (554 for rtsp://, 322 for rtsps:// when absent). Parsed as the
// RTSP client parses it, so that it names the host the client would connect to; nullopt when the
// client would not connect at all.
std::optional<std::string> rtsp_endpoint(std::string_view url);
// Whether two addresses connect to the same host and port; false when either connects nowhere.
bool same_endpoint(std::string_view a, std::string_view b);

nlohmann::json to_json(const Site& s);
nlohmann::json to_json(const Camera& c);

}  // namespace watchfloor::video
