#pragma once
#include <cstddef>
#include <filesystem>
#include <string>
#include <vector>

namespace watchfloor::core {

struct ServerConfig {
  std::string listen = "127.0.0.1:8080";
  int threads = 4;
  size_t max_body_bytes = 1 << 20;
  size_t max_header_bytes = 16 * 1024;
  int max_connections = 512;
  int max_connections_per_ip = 128;  // a quarter of max_connections; trusted proxies excepted
  int header_timeout_s = 10;        // a new connection's first byte, a TLS handshake, each request head
  int idle_timeout_s = 60;          // a keep-alive connection waiting for its next request
  int read_timeout_s = 30;          // a request body
  int write_timeout_s = 30;
  // How often an open WebSocket re-checks its login session (logout, expiry, deactivation).
  int ws_session_check_s = 20;
  int ws_max_per_user = 16;  // console WebSockets one user may hold open at once
  int live_max_per_user = 64;  // live-view sockets (GET /cameras/{id}/live) one user may hold open at once
  // HTTPS and WSS: PEM certificate chain and private key (both or neither).
  std::string tls_cert, tls_key;
  // Reverse proxies (exact addresses) whose X-Forwarded-For / X-Forwarded-Proto are believed.
  std::vector<std::string> trusted_proxies;
  std::filesystem::path web_root;  // empty: web/dist beside the build directory
  // Prometheus metrics on a listener of their own ("" = none), so that the public listener does
  // not tell everyone the request rates, the open connections and the recorder's state.
  std::string metrics_listen = "127.0.0.1:9464";
  // When set, /metrics on the main listener answers to `Authorization: Bearer <token>`; when
  // empty it answers 404 there. At least 16 characters.
  std::string metrics_token;
};

struct SecurityConfig {
  int session_idle_minutes = 30;
  int session_absolute_hours = 12;
  // Sign-in throttling, at login and at password change; auth/throttle.h describes the model.
  int login_free_failures = 5;              // per account and address, before delays start
  int login_delay_s = 30;                   // the first delay, doubling per further failure
  int login_max_delay_s = 900;              // the longest delay
  int login_forget_minutes = 60;            // a pair quiet this long starts afresh
  int login_max_attempts_per_address = 30;  // failed or refused, all accounts; 0: no limit
  int login_address_window_minutes = 15;
  int login_account_alarm_failures = 100;  // from all addresses: free failures end; 0: off
};

// The recorder's timings (docs/formats.md §11); the defaults are the product's, tests shorten them.
struct RecorderConfig {
  // Whether this server records the cameras. Several API servers on one PostgreSQL store: exactly one records
  // (until recorder nodes take the cameras over, docs/deploy.md §3); the others set it false.
  bool enabled = true;
  int segment_s = 60;            // segments of about a minute, cut on keyframes
  int rtsp_timeout_s = 10;       // no packet for this long: the camera is gone
  int offline_alert_s = 30;      // offline this long: an alert to the duty watch
  int backoff_max_s = 3;         // reconnect backoff cap: a returning camera records again within ~5 s
  int retention_interval_s = 60;
  int floor_percent = 5;         // free-space floor of the video directory
  int scrub_mb_per_s = 10;       // background re-hash of recordings (formats.md §6, invariant 1); 0: off
};

struct StoreConfig {
  // Where the data lives: empty, the SQLite file watchfloor.db of the data directory (one machine); or
  // "postgresql://user@host:port/database" (store/pg.h), shared by several servers and recorder nodes.
  std::string url;
  // Read-only connections beside the one writer (store/db.h): reads do not wait for commits.
  int readers = 4;
};

// Signed checkpoints of the audit log (audit/checkpoints.h): after this many entries, and this long after
// the last one while entries arrive.
struct AuditConfig {
  int checkpoint_entries = 1000;
  int checkpoint_minutes = 60;
};

// Data sharing (Art. 16.3, sharing/decision.h). Within a working relationship, a request up to the ordinary
// scale is decided by the unit that operates the data; beyond it, by headquarters leadership. No request may
// exceed the maxima at all.
struct SharingConfig {
  int ordinary_cameras = 4;
  int ordinary_range_hours = 24;
  int ordinary_access_days = 30;
  int max_cameras = 50;
  int max_range_days = 31;
  int max_access_days = 90;
};

// Evidence on cases and signed exports (video/evidence.h, video/export.h, docs/formats.md §15).
struct EvidenceConfig {
  int max_clip_minutes = 60;       // the longest clip attached to a case or exported at once
  int link_minutes = 10;           // a bundle's download link: used once, within this time
  int export_queue = 8;            // exports waiting beyond the running one
  int verify_max_mb = 512;         // the largest bundle POST /api/v1/evidence/verify accepts
  std::string x264_preset = "veryfast";  // the watermarked clip's encoder preset
};

// This process as a recorder node (`watchfloor recorder`, video/nodes.h): the name and key the administrator
// registered it with, and where it serves the API servers (HTTPS when both TLS files are set).
struct NodeConfig {
  std::string name, key;
  std::string listen = "0.0.0.0:8443";
  std::string tls_cert, tls_key;
};

// How API servers reach recorder nodes (docs/deploy.md §3): their node API over HTTPS and WSS when `tls`, each
// node's certificate signed by the authority in `ca_file` (empty: the system's trusted authorities) and naming
// the address the node is registered with.
struct NodesConfig {
  bool tls = false;
  std::string ca_file;
};

struct Config {
  std::filesystem::path data_dir = "./var";
  NodesConfig nodes;
  EvidenceConfig evidence;
  StoreConfig store;
  AuditConfig audit;
  SharingConfig sharing;
  ServerConfig server;
  SecurityConfig security;
  RecorderConfig recorder;
  NodeConfig node;
};

// Reads a TOML file. Unknown keys and wrong types are errors (std::runtime_error naming the key),
// because a misspelt setting that silently falls back to a default is worse than refusing to start.
Config load_config(const std::filesystem::path& file);

}  // namespace watchfloor::core
