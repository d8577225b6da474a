#pragma once
// One installation: its configuration, data directory, database and the services over it.
#include <chrono>
#include <filesystem>
#include <iosfwd>
#include <memory>
#include <optional>
#include <string>

#include "api/api.h"
#include "audit/audit_log.h"
#include "audit/checkpoints.h"
#include "audit/refusals.h"
#include "supervision/cases.h"
#include "supervision/coordination.h"
#include "supervision/escalation_runner.h"
#include "supervision/inbox.h"
#include "supervision/tasks.h"
#include "core/secret_box.h"
#include "core/signing.h"
#include "video/catalog.h"
#include "video/evidence.h"
#include "video/export.h"
#include "video/nodes.h"
#include "video/recorder.h"
#include "auth/sessions.h"
#include "auth/throttle.h"
#include "core/clock.h"
#include "core/config.h"
#include "duty/duty.h"
#include "events/alerts.h"
#include "events/bus.h"
#include "events/cluster.h"
#include "org/units.h"
#include "org/users.h"
#include "store/db.h"

namespace watchfloor::app {

struct Installation {
  explicit Installation(core::Config cfg);
  core::Config config;
  core::SystemClock clock;
  std::unique_ptr<store::Db> db;
  audit::AuditLog audit;
  audit::RefusalLog refusals;  // refused requests, one audit entry per source and route a minute
  events::Bus bus;  // SQLite: sequence numbers start at the start time in µs, so each process issues new ones
  // On a PostgreSQL store, every server's events reach this one's bus, and this one's reach them (events/cluster.h).
  events::ClusterLog cluster_events;
  auth::Sessions sessions;
  auth::LoginThrottle throttle;
  org::Units units;
  org::Users users;
  events::Alerts alerts;
  duty::Duty duty;
  supervision::Inbox inbox;
  supervision::DirectoryReader directory;
  supervision::Tasks tasks;
  supervision::Cases cases;
  supervision::Coordination coordination;
  supervision::Escalation escalation;
  core::SecretBox secrets;  // DATA/secret.key
  core::SigningKey signing;  // DATA/signing.key: audit checkpoints, evidence manifests
  audit::Checkpoints checkpoints;
  video::Catalog catalog;
  video::Recorder recorder;  // DATA/video; started by serve()
  sharing::Relationships relationships;  // Art. 16.3: working relationships, data requests, grants
  sharing::Grants grants;
  sharing::Requests requests;
  video::Evidence evidence;  // DATA/evidence: stills attached to cases
  video::Exports exports;    // DATA/exports: signed bundles; its worker started by serve()
  video::Nodes nodes;        // recorder nodes (PostgreSQL store only)

  // The services the HTTP API works with.
  api::Services services();
  std::filesystem::path db_path() const { return config.data_dir / "watchfloor.db"; }
  std::optional<std::string> setting(const std::string& key);
  void set_setting(const std::string& key, const std::string& value);
};

// Who acts in what the command line does: the system, with the login that ran it when there is one
// ("system:cli:hq.admin", else "system:cli").
audit::Actor cli_actor();

// Where presets/ and web/dist are: the repository root above the build directory, or PREFIX/share/watchfloor
// of an installed binary in PREFIX/bin (the .deb: /usr/share/watchfloor), else the working directory.
std::filesystem::path resources_dir();

// Configuration from --config (TOML), then --data, the environment's WATCHFLOOR_STORE_URL ([store] url), --listen
// and --metrics-listen on top.
core::Config resolve_config(const std::optional<std::filesystem::path>& config_file,
                            const std::optional<std::filesystem::path>& data_dir,
                            const std::optional<std::string>& listen,
                            const std::optional<std::string>& metrics_listen = std::nullopt);

nlohmann::json read_json_file(const std::filesystem::path& file);

// First start of a real installation: imports the 2017 organisation if there is none, creates
// `admin` with a one-time password and prints it. Does nothing when people exist already.
void bootstrap(Installation& inst, std::ostream& out);

// The built-in account that writes system entries (camera outages) into duty logs; it cannot log in.
int64_t system_user_id(Installation& inst);
// A camera outage (or its end) goes into the current shift's duty log of the camera's duty watch.
void log_camera_health(Installation& inst, const video::HealthChange& h);

// Warns (one log line each) when group or others may read or write the data directory, the
// database or secret.key.
void warn_about_exposed_files(const core::Config& config);

// Ends the process (exit status 0) `limit` from the first call unless it has ended by then: a stop
// must not wait for work that does not finish in time (an escalation pass over thousands of cases,
// a request stuck behind it). Safe because every acknowledged write is committed with
// synchronous=FULL, an unfinished transaction rolls back, and the recorder recovers a partial
// segment at the next start (docs/formats.md).
void stop_within(std::chrono::milliseconds limit);

// Serves HTTP until SIGINT/SIGTERM. Prints "watchfloor: listening on http://HOST:PORT", then
// "watchfloor: metrics on http://HOST:PORT" when the metrics listener is up (server.metrics_listen;
// a port it cannot bind is a warning, not a failed start).
int serve(Installation& inst, std::ostream& out);

// Runs this process as recorder node [node] name (`watchfloor recorder`) until SIGINT/SIGTERM, or until the node is
// revoked or given a new key (exit status 3). Needs the cluster's PostgreSQL store.
int serve_node(Installation& inst, std::ostream& out);

// Creates the demo installation (2017 organisation, demo users with random passwords) unless it
// exists; writes DATA/demo-logins.json and returns its content.
nlohmann::json ensure_demo(Installation& inst);
// The demo's duty watch: a published roster covering the coming weeks and a shift on duty with records.
void ensure_demo_duty(Installation& inst, duty::Duty& duty);
// The demo's cameras at three sites, streamed by the camera simulator on `rtsp_port`.
void ensure_demo_cameras(Installation& inst, int rtsp_port);
// The default video wall of the Online Customs Supervision Division and of Hải Phòng (once cameras exist).
void ensure_demo_walls(Installation& inst);
// Starts tools/camsim with the demo's cameras (it ends with this process); returns its pid.
int start_camsim(const std::filesystem::path& binary, const std::filesystem::path& cache, int port);

// The demo's data sharing (Art. 16.3), once its cameras exist: working relationships, requests waiting for a
// decision, and a decided one whose grant is in force.
void ensure_demo_sharing(Installation& inst);

// The demo's online supervision: tasks of each method and cases in several states.
void ensure_demo_cases(Installation& inst);

// Grows the demo installation (created when absent) to at least `cases` reported cases, `cameras` (disabled)
// cameras, `users` people and `audit_entries` entries of the audit log, through the domain layer, many per
// transaction: the growth and scale benchmarks' data.
struct SeedResult {
  int64_t cases = 0, cameras = 0, users = 0, audit = 0;  // totals after
  int64_t cases_added = 0, cameras_added = 0, users_added = 0, audit_added = 0;
  int64_t cases_closed = 0;   // by this run
  int64_t cases_handled = 0;  // by this run: the open ones taken into handling
};
// Seeded cases but the newest `open` are concluded and closed (a year of a centre's cases is mostly closed); the
// newest `open` are in handling.
SeedResult seed(Installation& inst, int64_t cases, int64_t cameras, int64_t users = 0, int64_t audit_entries = 0,
                int64_t open = 2'000);

}  // namespace watchfloor::app
