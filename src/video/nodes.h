#pragma once
// Recorder nodes (docs/deploy.md §3): machines with disks that record the cameras assigned to them, beside API
// servers that share a PostgreSQL store with them. The administrator registers a node (its name, the address the
// API servers reach it at, how many cameras it may record) and is shown its key once; the node runs
// `watchfloor recorder --config FILE` with that key, heart-beats every 5 s with its disks and its cameras' states,
// and serves recordings, stills and live view to the API servers only, each request signed with its key
// (core/request_signature.h). Permissions and audit stay in the API servers, which proxy to the node.
//
// The server leading "recorders" checks the heart-beats: a node silent for kDownAfterMs raises `recorder.down` to
// the system operator, its cameras show `recorder_down`, and when the node names a standby that is up, the standby
// records them until the node is back. The time nobody recorded is a gap of cause `recorder_down` either way.
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "audit/audit_log.h"
#include "core/clock.h"
#include "core/secret_box.h"
#include "events/alerts.h"
#include "events/bus.h"
#include "store/db.h"
#include "video/catalog.h"
#include "video/recorder.h"

namespace watchfloor::video {

struct Node {
  int64_t id = 0;
  std::string name, address;  // address: host:port of its node API, as the API servers reach it
  int64_t capacity = 0;       // cameras it may record
  std::optional<int64_t> standby_node_id;  // records this node's cameras while it is down
  int64_t created_at = 0;
  std::optional<int64_t> revoked_at, started_ms, last_seen_ms, down_since_ms;
  int64_t disk_total_bytes = 0, disk_free_bytes = 0;
  std::vector<std::string> sample_dirs;  // as it last announced them
  std::string version;
  int64_t cameras = 0;    // assigned to it
  int64_t recording = 0;  // recording on it now: its own, and those it took over
  // new (never started) | up | down | revoked
  std::string state(int64_t now_ms) const;
};
nlohmann::json to_json(const Node& n, int64_t now_ms);

struct NodeInput {
  std::optional<std::string> name, address;
  std::optional<int64_t> capacity;
  std::optional<std::optional<int64_t>> standby_node_id;  // present and null: none
};

// How an API server reaches the node holding a camera's video.
struct NodeEndpoint {
  int64_t id = 0;
  std::string name, address, key;
};

// What a node tells the cluster every heart-beat.
struct Heartbeat {
  int64_t disk_total_bytes = 0, disk_free_bytes = 0;
  std::vector<std::string> sample_dirs;
  std::string version;
  std::map<int64_t, CameraStatus> cameras;  // the cameras it records
};

class Nodes {
 public:
  static constexpr int64_t kHeartbeatMs = 5'000;
  // Silent this long (three heart-beats missed): down. With the leader's check every 10 s, the alert comes
  // within 25 s of the last heart-beat.
  static constexpr int64_t kDownAfterMs = 15'000;

  Nodes(store::Db& db, const core::Clock& clock, const core::SecretBox& secrets, audit::AuditLog& audit,
        events::Alerts& alerts, events::Bus& bus, Catalog& catalog)
      : db_(db), clock_(clock), secrets_(secrets), audit_(audit), alerts_(alerts), bus_(bus), catalog_(catalog) {}

  // The administrator's side. create returns the node and its key, which is not shown again.
  struct Issued {
    Node node;
    std::string key;
  };
  Issued create(const NodeInput& in, const audit::Actor& actor);
  Node update(int64_t id, const NodeInput& in, const audit::Actor& actor);
  // A revoked node's key is refused from then on; its cameras stay assigned to it, and show recorder_down.
  Node revoke(int64_t id, const audit::Actor& actor);
  // A new key for a node (the old one is refused from then on), shown once.
  std::string rekey(int64_t id, const audit::Actor& actor);
  std::vector<Node> list();
  std::optional<Node> get(int64_t id);
  // Assigns a camera to a node (nullopt: the API server's own recorder, one server only). Checks the node exists,
  // is not revoked and has room.
  void assign(int64_t camera_id, std::optional<int64_t> node_id, const audit::Actor& actor);

  // The node's side. The node named `name` when `key` is its key and it is not revoked; records its start.
  std::optional<Node> sign_in(const std::string& name, const std::string& key, const std::string& version);
  // False when the node has been revoked or given a new key since it signed in: it must stop.
  bool heartbeat(int64_t node_id, const std::string& key, const Heartbeat& hb);
  // The cameras a node records now: those assigned to it, and those of the nodes it stands in for.
  std::vector<int64_t> cameras_of(int64_t node_id);

  // The API servers' side. Where a camera's live view is: nullopt when this server's own recorder records it;
  // throws a 503 problem when its node cannot serve it (down or revoked).
  std::optional<NodeEndpoint> live_endpoint(const Camera& cam);
  // Where the recordings of a camera's stream in [from_90k, to_90k) are: the node holding the first segment of
  // the span, else the node recording the camera now. nullopt: this server's own sample directory.
  std::optional<NodeEndpoint> playback_endpoint(const Camera& cam, const std::string& kind, int64_t from_90k,
                                                int64_t to_90k);
  // A camera's state as the node recording it last told it, or recorder_down; nullopt for a camera this server
  // records itself.
  std::optional<CameraStatus> status(const Camera& cam);
  // The states of many cameras at once (a camera list): one query.
  std::map<int64_t, CameraStatus> statuses(const std::vector<Camera>& cams);

  // The leader's check (every few seconds): nodes that stopped heart-beating are down (alert, cameras
  // recorder_down, standby takes over); nodes back up are up again (alert resolved, cameras handed back).
  void check();

 private:
  NodeEndpoint endpoint(const Node& n);
  store::Db& db_;
  const core::Clock& clock_;
  const core::SecretBox& secrets_;
  audit::AuditLog& audit_;
  events::Alerts& alerts_;
  events::Bus& bus_;
  Catalog& catalog_;
};

}  // namespace watchfloor::video
