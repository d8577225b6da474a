#pragma once
// The HTTP API: one file per resource, each parsing requests, calling the domain and writing JSON.
// No business rules live here.
#include <chrono>
#include <functional>
#include <memory>

#include "audit/audit_log.h"
#include "audit/checkpoints.h"
#include "supervision/cases.h"
#include "supervision/coordination.h"
#include "supervision/escalation_runner.h"
#include "supervision/inbox.h"
#include "supervision/tasks.h"
#include "sharing/grants.h"
#include "sharing/relationships.h"
#include "sharing/requests.h"
#include "video/catalog.h"
#include "auth/sessions.h"
#include "auth/throttle.h"
#include "core/clock.h"
#include "core/config.h"
#include "duty/duty.h"
#include "events/alerts.h"
#include "events/bus.h"
#include "http/router.h"
#include "org/units.h"
#include "org/users.h"
#include "store/db.h"

namespace watchfloor::video {
class Recorder;  // video/recorder.h
class Evidence;  // video/evidence.h
class Exports;   // video/export.h
class Nodes;     // video/nodes.h
}

namespace watchfloor::api {

struct Services {
  store::Db& db;
  const core::Clock& clock;
  const core::Config& config;
  org::Units& units;
  org::Users& users;
  auth::Sessions& sessions;
  auth::LoginThrottle& throttle;
  audit::AuditLog& audit;
  audit::Checkpoints& checkpoints;  // and the installation's signing key
  events::Bus& bus;  // publish after the write commits
  duty::Duty& duty;
  events::Alerts& alerts;
  supervision::Tasks& tasks;
  supervision::Cases& cases;
  supervision::Coordination& coordination;
  supervision::Inbox& inbox;
  supervision::Escalation& escalation;
  video::Catalog& catalog;
  video::Recorder& recorder;
  sharing::Relationships& relationships;  // Art. 16.3
  sharing::Requests& requests;
  sharing::Grants& grants;
  video::Evidence& evidence;  // evidence on cases
  video::Exports& exports;    // signed evidence bundles
  video::Nodes& nodes;        // recorder nodes, and where a camera's video is
  std::chrono::steady_clock::time_point started = std::chrono::steady_clock::now();
};

// The node API of a recorder node (api/node_api.cpp): what the API servers ask of it, each request signed with
// the node's key; no users, sessions or audit here (the API server did those).
struct NodeApi {
  video::Recorder& recorder;
  video::Catalog& catalog;
  const core::Clock& clock;
  std::string key;
};
http::Handler make_node_handler(NodeApi deps);

std::shared_ptr<http::Router> make_router(Services& s);
std::shared_ptr<http::Authenticator> make_authenticator(Services& s);
// The metrics listener's routes: GET /metrics (Prometheus text) and nothing else.
std::shared_ptr<http::Router> make_metrics_router();

}  // namespace watchfloor::api
